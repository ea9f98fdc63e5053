/*
 * lpvm_globals.c - the variables PVM 3.4.6's libpvm3 exports (pvmmytid,
 * pvmtrc, ...), kept equal to this library's state, so binaries built
 * against PVM that read them (copy-relocated into the program) see what
 * PVM would show; and the small calls on the task's identity that go
 * with them: pvmsettaskname, lpvmerr, pvmbeatask, pvmendtask.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include <pvmtev.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Identity: -1 until the task is enrolled, as in PVM. */
int pvmmytid = -1;
int pvmmyptid = -1; /* 0 once enrolled without a parent */
int pvmmyupid = -1;
int pvmmydsig;
int pvm_useruid = -1;
char *pvmmytaskname; /* pvmsettaskname: owned here, malloc'd */
int *pvmsibtids;     /* pvm_siblings' list once asked for */
int pvmnsibs = -1;
int pvmmyctx;

/* Options.  pvmautoerr is the option's own storage (lpvm_error reads it),
 * so a program that sets it directly is heard, as in PVM. */
int pvmautoerr = 1;
int pvmdebmask;
int pvmfrgsiz = PVMX_FRAGSIZE_DEFAULT;
int pvmudpmtu = PVMX_FRAGSIZE_DEFAULT; /* PVM's daemon packet size: fixed */
int pvmrouteopt = PvmAllowDirect;
int pvmshowtaskid = 1;
int pvmnoreset;
int pvmnoresetindex = -1; /* PVM: its mailbox index; here 0 once set */

/* Not used by pvmx, exported with PVM's values: pvmtoplvl is 1 outside
 * a library call, pvmschedtid the resource manager's tid (none), and
 * pvmrescode PVM's "keep spawn errors as codes" switch. */
int pvmtoplvl = 1;
int pvmschedtid;
int pvmrescode;

/* PvmSelf* options (this task) and the others (its children). */
struct Pvmtracer pvmtrc, pvmctrc;

static void copy_tracer(struct Pvmtracer *t, int trace_tid, int trace_ctx,
                        int trace_code, int out_tid, int out_ctx, int out_code,
                        int trace_buffer, int trace_options)
{
	t->trctid = trace_tid;
	t->trcctx = trace_ctx;
	t->trctag = trace_code;
	t->outtid = out_tid;
	t->outctx = out_ctx;
	t->outtag = out_code;
	t->trcbuf = trace_buffer;
	t->trcopt = trace_options;
}

void lpvm_globals_publish(void)
{
	const int enrolled = lpvm.mytid > 0;

	pvmmytid = enrolled ? lpvm.mytid : -1;
	if (enrolled) {
		pvmmyptid = lpvm.parent > 0 ? lpvm.parent : 0;
		pvmmyupid = (int)getpid();
		pvmmydsig = lpvm.dsig;
		pvm_useruid = (int)getuid();
		/* an enrolled task's masks start empty ('@'s), as PVM's */
		if (pvmtrc.tmask[0] == '\0')
			TEV_MASK_INIT(pvmtrc.tmask);
		if (pvmctrc.tmask[0] == '\0')
			TEV_MASK_INIT(pvmctrc.tmask);
	}
	pvmmyctx = lpvm.ctx;
	pvmdebmask = lpvm.debugmask;
	pvmfrgsiz = lpvm.fragsize;
	pvmrouteopt = lpvm.route;
	pvmshowtaskid = lpvm.showtids;
	pvmnoreset = lpvm.noreset;
	if (lpvm.noreset)
		pvmnoresetindex = 0;
	copy_tracer(&pvmtrc, lpvm.self_trace_tid, lpvm.self_trace_ctx,
	            lpvm.self_trace_code, lpvm.self_out_tid, lpvm.self_out_ctx,
	            lpvm.self_out_code, lpvm.self_trace_buffer,
	            lpvm.self_trace_options);
	copy_tracer(&pvmctrc, lpvm.trace_tid, lpvm.trace_ctx, lpvm.trace_code,
	            lpvm.out_tid, lpvm.out_ctx, lpvm.out_code, lpvm.trace_buffer,
	            lpvm.trace_options);
	lpvm_trace_update();
}

void lpvm_globals_siblings(const int *tids, int ntids)
{
	pvmsibtids = (int *)tids;
	pvmnsibs = ntids;
}

/* The name a task started from a shell gives itself before it enrolls
 * (PVM: for trace records and the console's ps); the daemon then lists
 * it under that name.  Copied: the caller keeps name. */
int pvmsettaskname(char *name);
int pvmsettaskname(char *name)
{
	char *copy;

	if (name == NULL)
		return lpvm_error("pvmsettaskname", PvmBadParam);
	if (lpvm.mytid > 0)
		return lpvm_error("pvmsettaskname", PvmExists);
	copy = strdup(name);
	if (copy == NULL)
		return lpvm_error("pvmsettaskname", PvmNoMem);
	free(pvmmytaskname);
	pvmmytaskname = copy;
	return 0;
}

/* PVM's error exit for its calls: sets pvm_errno, reports per PvmAutoErr,
 * returns code.  Programs of PVM's own tree call it. */
int lpvmerr(char *fn, int code);
int lpvmerr(char *fn, int code)
{
	return lpvm_error(fn != NULL ? fn : "", code);
}

/* Enrolls the task (what every call does first): 0 or an error code. */
int pvmbeatask(void);
int pvmbeatask(void)
{
	int r = lpvm_ensure("pvmbeatask");

	return r < 0 ? r : 0;
}

/* Leaves the daemon without pvm_exit's goodbye: the connection closes
 * and the daemon sees the task gone, as when it exits.  0. */
int pvmendtask(void);
int pvmendtask(void)
{
	lpvm_disconnect();
	return 0;
}

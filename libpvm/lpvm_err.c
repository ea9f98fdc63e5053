/*
 * lpvm_err.c - error reporting (pvm_errno, pvm_perror, pvm_strerror,
 * PvmAutoErr), options (pvm_setopt/pvm_getopt) and pvm_version.
 */
#define pvm_strerror pvm_strerror_declared_void
#include "lpvm.h"
#include "lpvm_trace.h"

#include "pvmx.h"
#undef pvm_strerror

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Exported variables of PVM 3.4.6's libpvm3, kept for binary users. */
int pvm_errno;
int pvm_nerr = 37;
char *pvm_errlist[] = {
    "Error 0",
    "Error 1",
    "Bad parameter",
    "Parameter mismatch",
    "Value too large",
    "End of buffer",
    "No such host",
    "No such file",
    "Permission denied",
    "Error 9",
    "Malloc failed",
    "Error 11",
    "Can't decode message",
    "Error 13",
    "Can't contact local daemon",
    "No current buffer",
    "No such buffer",
    "Null group name",
    "Already in group",
    "No such group",
    "Not in group",
    "No such instance",
    "Host failed",
    "No parent task",
    "Not implemented",
    "Pvmd system error",
    "Version mismatch",
    "Out of resources",
    "Duplicate host",
    "Can't start pvmd",
    "Already in progress",
    "No such task",
    "Not Found",
    "Already Exists",
    "Hoster must run on master host",
    "Spawning parent set PvmNoParent",
    "Master Host IP Address is Loopback! (See pvm3/Readme)",
};

char lpvm_error_detail[256];

static const char *error_text(int code)
{
	if (code <= 0 && -code < pvm_nerr)
		return pvm_errlist[-code];
	return "Unknown error";
}

int lpvm_error(const char *fn, int code)
{
	pvm_errno = code;
	if (code < 0 && pvmautoerr) {
		char who[32];

		if (lpvm.mytid > 0)
			snprintf(who, sizeof(who), "t%x", (unsigned)lpvm.mytid);
		else
			snprintf(who, sizeof(who), "pid%d", (int)getpid());
		if (lpvm_error_detail[0] != '\0')
			fprintf(stderr, "libpvm [%s]: %s(): %s (%s)\n", who, fn,
			        error_text(code), lpvm_error_detail);
		else
			fprintf(stderr, "libpvm [%s]: %s(): %s\n", who, fn,
			        error_text(code));
		if (pvmautoerr == 2)
			exit(1);
		if (pvmautoerr == 3) /* PVM 3.4.6: stop where it went wrong */
			abort();
	}
	lpvm_error_detail[0] = '\0';
	return code;
}

/* PVM 3.4.6's header declares pvm_strerror(void) while its callers pass
 * an error code; we take the code, and fall back to pvm_errno when what
 * arrives is not one. */
char *pvm_strerror(int code);
char *pvm_strerror(int code)
{
	if (code > 0 || -code >= pvm_nerr)
		code = pvm_errno;
	return (char *)error_text(code);
}

int pvm_perror(char *s)
{
	if (lpvm.mytid > 0)
		fprintf(stderr, "libpvm [t%x]: %s: %s\n", (unsigned)lpvm.mytid,
		        s != NULL ? s : "", error_text(pvm_errno));
	else
		fprintf(stderr, "libpvm [pid%d]: %s: %s\n", (int)getpid(),
		        s != NULL ? s : "", error_text(pvm_errno));
	return PvmOk;
}

char *pvm_version(void)
{
	return PVM_VER;
}

/* Returns a pointer to the field behind option what, or NULL. */
static int *option_field(int what)
{
	switch (what) {
	case PvmRoute:
		return &lpvm.route;
	case PvmDebugMask:
		return &lpvm.debugmask;
	case PvmAutoErr:
		return &pvmautoerr;
	case PvmOutputTid:
		return &lpvm.out_tid;
	case PvmOutputCode:
		return &lpvm.out_code;
	case PvmxOutputErrCode:
		return &lpvm.out_err_code;
	case PvmTraceTid:
		return &lpvm.trace_tid;
	case PvmTraceCode:
		return &lpvm.trace_code;
	case PvmTraceBuffer:
		return &lpvm.trace_buffer;
	case PvmTraceOptions:
		return &lpvm.trace_options;
	case PvmFragSize:
		return &lpvm.fragsize;
	case PvmResvTids:
		return &lpvm.resvtids;
	case PvmSelfOutputTid:
		return &lpvm.self_out_tid;
	case PvmSelfOutputCode:
		return &lpvm.self_out_code;
	case PvmSelfTraceTid:
		return &lpvm.self_trace_tid;
	case PvmSelfTraceCode:
		return &lpvm.self_trace_code;
	case PvmSelfTraceBuffer:
		return &lpvm.self_trace_buffer;
	case PvmSelfTraceOptions:
		return &lpvm.self_trace_options;
	case PvmShowTids:
		return &lpvm.showtids;
	case PvmPollType:
		return &lpvm.polltype;
	case PvmPollTime:
		return &lpvm.polltime;
	case PvmOutputContext:
		return &lpvm.out_ctx;
	case PvmTraceContext:
		return &lpvm.trace_ctx;
	case PvmSelfOutputContext:
		return &lpvm.self_out_ctx;
	case PvmSelfTraceContext:
		return &lpvm.self_trace_ctx;
	case PvmNoReset:
		return &lpvm.noreset;
	default:
		return NULL;
	}
}

int pvm_getopt(int what)
{
	int *f = option_field(what);

	if (f == NULL)
		return lpvm_error("pvm_getopt", PvmBadParam);
	return *f;
}

int pvm_setopt(int what, int val)
{
	int *f = option_field(what);
	int old;

	if (f == NULL)
		return lpvm_error("pvm_setopt", PvmBadParam);
	if (what == PvmRoute && (val < PvmDontRoute || val > PvmRouteDirect))
		return lpvm_error("pvm_setopt", PvmBadParam);
	if (what == PvmOutputTid && !lpvm_output_tid_ok(val))
		return lpvm_error("pvm_setopt", PvmBadParam);
	/* as PVM's shared-memory builds check them (docs/compat.md) */
	if ((what == PvmPollType && val != PvmPollConstant && val != PvmPollSleep) ||
	    (what == PvmPollTime && val < 0))
		return lpvm_error("pvm_setopt", PvmBadParam);
	if (what == PvmDebugMask)
		log_set_level(val > 0 ? LOG_DEBUG : LOG_WARN);
	lpvm_trace_setopt(what);
	old = *f;
	*f = val;
	lpvm_globals_publish();
	/* the daemon must know of some (reported by the call on failure) */
	lpvm_option_changed(what);
	return old;
}

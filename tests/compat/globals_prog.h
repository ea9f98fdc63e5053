/*
 * globals_prog.h - a PVM 3.4 program using what PVM 3.4.6's library
 * exports beyond pvm3.h: its state variables (pvmmytid, pvmmyptid,
 * pvmautoerr, pvmtrc, ...), the trace masks of pvmtev.h, lpvmerr,
 * pvmsettaskname, pvmmcast and pvmupkstralloc.  Built as ref_globals
 * (PVM's library, run with ours in its place: the variables are then
 * copy-relocated into the program, the case that needs the same sizes)
 * and as compat_globals (linked against ours).  It spawns itself as its
 * worker.  Passes on the real PVM 3.4.6 (tests/compat/run_on_pvm346.sh).
 */
#ifndef COMPAT_GLOBALS_PROG_H
#define COMPAT_GLOBALS_PROG_H

#include <unistd.h>

#include "compat_util.h"
#include <pvmtev.h>

/* exported by PVM 3.4.6's libpvm3, declared by no header of pvm-dev */
extern int pvmmytid, pvmmyptid, pvmmyupid, pvm_useruid, pvmmyctx, pvmautoerr;
extern int pvmnsibs, *pvmsibtids, pvmfrgsiz, pvmrouteopt, pvmshowtaskid;
extern char *pvmmytaskname;
extern struct Pvmtracer pvmtrc, pvmctrc;
extern struct Pvmtevinfo pvmtevinfo[];
extern struct Pvmtevdid pvmtevdidlist[];
int lpvmerr(char *fn, int code);
int pvmsettaskname(char *name);
int pvmmcast(int mid, int *tids, int count, int tag);
int pvmupkstralloc(char **ss);
int tev_do_trace(int kind, int entry_exit);

#define GL_TAG_HELLO 51
#define GL_TAG_MCAST 52
#define GL_TAG_REPLY 53
#define GL_TAG_REPORT 54
#define GL_WAIT 20
#define GL_NAME "globals-by-name"

static void gl_checkf(int cond, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void gl_checkf(int cond, const char *who, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	compat_check(cond, who, what);
}

/* the worker: its identity as the variables show it, then one copy of
 * the multicast (however often its tid was named), answered */
static int gl_worker(void)
{
	const char *who = "worker";
	struct timeval tmo = {GL_WAIT, 0}, brief = {0, 300000};
	int me, parent, *sibs = NULL, nsibs, bufid, n = 0;
	char text[64] = "";

	compat_collect = 1;
	me = pvm_mytid();
	parent = pvm_parent();
	gl_checkf(pvmmytid == me, who, "pvmmytid t%x is pvm_mytid's t%x", pvmmytid, me);
	gl_checkf(pvmmyptid == parent && parent > 0, who, "pvmmyptid t%x is the parent t%x",
	          pvmmyptid, parent);
	nsibs = pvm_siblings(&sibs);
	gl_checkf(pvmnsibs == nsibs && pvmsibtids == sibs && nsibs == 1 && sibs[0] == me, who,
	          "pvmnsibs %d and pvmsibtids are pvm_siblings' (%d)", pvmnsibs, nsibs);

	pvm_initsend(PvmDataDefault);
	pvm_send(parent, GL_TAG_HELLO);
	bufid = pvm_trecv(parent, GL_TAG_MCAST, &tmo);
	if (bufid > 0)
		pvm_upkstr(text);
	gl_checkf(bufid > 0 && strcmp(text, "by pvmmcast") == 0, who,
	          "the pvmmcast message arrived: '%s'", text);
	while (pvm_trecv(parent, GL_TAG_MCAST, &brief) > 0)
		n++;
	gl_checkf(n == 0, who, "%d further copies arrived (its tid was named 3 times)", n);

	pvm_initsend(PvmDataDefault);
	pvm_pkstr("a reply of unknown length for pvmupkstralloc");
	pvm_send(parent, GL_TAG_REPLY);
	compat_report_send(parent, GL_TAG_REPORT);
	pvm_exit();
	return 0;
}

static int gl_master(const char *who, char *self)
{
	struct timeval tmo = {GL_WAIT, 0};
	Pvmtmask mask, back;
	int me, cc, worker = 0, tids[3], sbuf, bufid, old, tasks = 0, found = 0;
	struct pvmtaskinfo *ti;
	char *s = NULL;

	compat_line("library: %s", compat_library_path());

	/* before enrolling */
	gl_checkf(pvmmytid == -1 && pvmmyptid == -1 && pvmmyupid == -1, who,
	          "before enrolling pvmmytid, pvmmyptid, pvmmyupid are -1 (%d %d %d)",
	          pvmmytid, pvmmyptid, pvmmyupid);
	gl_checkf(pvmautoerr == 1 && pvmshowtaskid == 1 && pvmrouteopt == PvmAllowDirect &&
	              pvmfrgsiz == 4080,
	          who, "option variables start at PVM's defaults (%d %d %d %d)", pvmautoerr,
	          pvmshowtaskid, pvmrouteopt, pvmfrgsiz);
	gl_checkf(strcmp(pvmtevinfo[TEV_SEND].name, "send") == 0 &&
	              strcmp(pvmtevinfo[TEV_USER_DEFINED].name, "user_defined") == 0 &&
	              strcmp(pvmtevdidlist[TEV_DID_AN].did, "AN") == 0,
	          who, "pvmtevinfo and pvmtevdidlist hold PVM's names (%s, %s)",
	          pvmtevinfo[TEV_SEND].name, pvmtevdidlist[TEV_DID_AN].did);
	gl_checkf(pvmsettaskname(NULL) == PvmBadParam, who, "pvmsettaskname(NULL) is PvmBadParam");
	gl_checkf(pvmsettaskname(GL_NAME) == 0 && pvmmytaskname != NULL &&
	              strcmp(pvmmytaskname, GL_NAME) == 0,
	          who, "pvmsettaskname sets pvmmytaskname");

	me = pvm_mytid();
	gl_checkf(me > 0, who, "pvm_mytid = t%x", me);
	if (me <= 0)
		return compat_finish(who);
	gl_checkf(pvmmytid == me && pvmmyptid == 0 && pvmmyupid == (int)getpid() &&
	              pvm_useruid == (int)getuid(),
	          who, "enrolled: pvmmytid t%x, pvmmyptid %d, pvmmyupid is our pid, pvm_useruid our uid",
	          pvmmytid, pvmmyptid);
	gl_checkf(pvmsettaskname("late") == PvmExists, who, "pvmsettaskname once enrolled is PvmExists");
	cc = pvm_tasks(0, &tasks, &ti);
	for (int i = 0; cc >= 0 && i < tasks; i++)
		if (ti[i].ti_tid == me && strcmp(ti[i].ti_a_out, GL_NAME) == 0)
			found = 1;
	gl_checkf(found, who, "pvm_tasks lists us under the name pvmsettaskname gave");

	/* options through the variables and back */
	pvmautoerr = 0;
	gl_checkf(pvm_getopt(PvmAutoErr) == 0, who, "pvmautoerr = 0 is PvmAutoErr 0");
	cc = lpvmerr("gl_test", PvmNoData);
	gl_checkf(cc == PvmNoData && pvm_errno == PvmNoData, who,
	          "lpvmerr returns its code and sets pvm_errno (%d, %d)", cc, pvm_errno);
	pvm_setopt(PvmAutoErr, 1);
	gl_checkf(pvmautoerr == 1, who, "pvm_setopt(PvmAutoErr, 1) shows in pvmautoerr");
	pvm_setopt(PvmShowTids, 0);
	gl_checkf(pvmshowtaskid == 0, who, "PvmShowTids 0 shows in pvmshowtaskid");
	pvm_setopt(PvmShowTids, 1);
	pvm_setopt(PvmTraceCode, 66);
	pvm_setopt(PvmSelfTraceBuffer, 9);
	gl_checkf(pvmctrc.trctag == 66 && pvmtrc.trcbuf == 9, who,
	          "PvmTraceCode and PvmSelfTraceBuffer show in pvmctrc/pvmtrc (%d, %d)",
	          pvmctrc.trctag, pvmtrc.trcbuf);
	pvm_setopt(PvmTraceCode, 0);
	pvm_setopt(PvmSelfTraceBuffer, 0);
	old = pvm_setcontext(pvm_newcontext());
	gl_checkf(pvmmyctx == pvm_getcontext() && pvmmyctx != old, who,
	          "pvmmyctx follows pvm_setcontext (%d)", pvmmyctx);
	pvm_setcontext(old);

	/* trace masks */
	pvm_gettmask(PvmTaskSelf, back);
	gl_checkf(strspn(back, "@") == TEV_MASK_LENGTH - 1, who,
	          "an enrolled task's own trace mask is empty ('%s')", back);
	TEV_MASK_INIT(mask);
	TEV_MASK_SET(mask, TEV_SEND);
	TEV_MASK_SET(mask, TEV_RECV);
	cc = pvm_settmask(PvmTaskChild, mask);
	pvm_gettmask(PvmTaskChild, back);
	gl_checkf(cc == 0 && strcmp(back, mask) == 0 && strcmp(pvmctrc.tmask, mask) == 0 &&
	              TEV_MASK_CHECK(back, TEV_RECV) && !TEV_MASK_CHECK(back, TEV_MCAST),
	          who, "pvm_settmask/pvm_gettmask(PvmTaskChild) round trip: '%s'", back);
	pvm_gettmask(PvmTaskSelf, back);
	gl_checkf(!TEV_MASK_CHECK(back, TEV_SEND), who, "the child mask leaves ours alone");
	pvm_setopt(PvmAutoErr, 0);
	gl_checkf(pvm_settmask(7, mask) == PvmBadParam && pvm_gettmask(-1, back) == PvmBadParam,
	          who, "a mask for neither self nor child is PvmBadParam");
	pvm_setopt(PvmAutoErr, 1);
	TEV_MASK_INIT(mask);
	pvm_settmask(PvmTaskChild, mask);
	gl_checkf(tev_do_trace(TEV_SEND, TEV_EVENT_ENTRY) == 0, who,
	          "tev_do_trace: nothing to trace without a tracer");

	/* a worker: pvmmcast (of the send buffer: PVM 3.4.6's crashes on
	 * another one) to the worker's tid three times arrives once */
	char *wargv[] = {"worker", NULL};
	cc = pvm_spawn(self, wargv, PvmTaskDefault, "", 1, &worker);
	gl_checkf(cc == 1, who, "spawned the worker t%x", worker);
	if (cc != 1) {
		pvm_exit();
		return compat_finish(who);
	}
	bufid = pvm_trecv(worker, GL_TAG_HELLO, &tmo);
	gl_checkf(bufid > 0, who, "the worker said hello");
	sbuf = pvm_initsend(PvmDataDefault);
	pvm_pkstr("by pvmmcast");
	tids[0] = tids[1] = tids[2] = worker;
	cc = pvmmcast(sbuf, tids, 3, GL_TAG_MCAST);
	gl_checkf(cc >= 0, who, "pvmmcast of buffer %d: %d", sbuf, cc);

	bufid = pvm_trecv(worker, GL_TAG_REPLY, &tmo);
	cc = bufid > 0 ? pvmupkstralloc(&s) : bufid;
	gl_checkf(cc == 0 && s != NULL &&
	              strcmp(s, "a reply of unknown length for pvmupkstralloc") == 0,
	          who, "pvmupkstralloc: %d, '%s'", cc, s != NULL ? s : "(null)");
	free(s);
	s = NULL;
	cc = pvmupkstralloc(&s);
	gl_checkf(cc < 0 && s == NULL, who, "pvmupkstralloc past the end: %d", cc);

	compat_report_take(who, "worker", worker, GL_TAG_REPORT, GL_WAIT);
	pvm_exit();
	gl_checkf(pvmmytid == -1, who, "after pvm_exit pvmmytid is -1 (%d)", pvmmytid);
	return compat_finish(who);
}

__attribute__((unused)) static int globals_main(const char *who, char *self, int argc,
                                                char **argv)
{
	if (argc > 1 && strcmp(argv[1], "worker") == 0)
		return gl_worker();
	return gl_master(who, self);
}

#endif

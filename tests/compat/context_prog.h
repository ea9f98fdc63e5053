/*
 * context_prog.h - a PVM 3.4 master/worker program using contexts, as a
 * library would: the application's messages travel in the default
 * context, the library's in a context of its own from pvm_newcontext,
 * with the SAME tags in both.  compat_context.c (linked against our
 * libpvm3) and ref_context.c (linked against PVM 3.4.6's) are this file.
 *
 * The master spawns two "app" workers in the default context, then two
 * "lib" workers after pvm_setcontext(libctx): spawned tasks inherit the
 * context.  Every worker says hello in its own context; the master, which
 * receives with wildcards, must see only the hellos of the context it is
 * in.  Each kind of worker is then sent the same tag in both contexts,
 * the wrong context's message FIRST: it must take the one of its own
 * context.  A lib worker also answers once in the default context
 * (a task may send in any context).  Exit notifies close the run.
 */
#ifndef COMPAT_CONTEXT_PROG_H
#define COMPAT_CONTEXT_PROG_H

#include "compat_util.h"

#define CTX_TAG_HELLO 11
#define CTX_TAG_WORK 12
#define CTX_TAG_RESULT 13
#define CTX_TAG_MARK 14
#define CTX_TAG_STOP 15
#define CTX_TAG_REPORT 16
#define CTX_TAG_EXIT 17
#define CTX_NAPP 2
#define CTX_NLIB 2
#define CTX_WAIT 20 /* seconds any one message may take */

/* initsend + n packed ints + send, in the current context */
static int ctx_send_ints(int tid, int tag, int n, const int *v)
{
	if (pvm_initsend(PvmDataDefault) < 0 || pvm_pkint((int *)v, n, 1) < 0)
		return -1;
	return pvm_send(tid, tag);
}

/* ---------------------------------------------------------------- worker */

static int ctx_worker(const char *kind)
{
	char who[64], what[256];
	int mytid = pvm_mytid();
	int parent = pvm_parent();
	int ctx = pvm_getcontext();

	snprintf(who, sizeof(who), "%s worker", kind);
	compat_collect = 1;
	if (mytid < 0 || parent < 0)
		return 1;
	int hello[2] = {mytid, ctx};
	ctx_send_ints(parent, CTX_TAG_HELLO, 2, hello);

	for (;;) {
		int bufid = pvm_recv(parent, -1);
		int bytes = 0, tag = 0, src = 0;
		if (bufid <= 0 || pvm_bufinfo(bufid, &bytes, &tag, &src) < 0) {
			snprintf(what, sizeof(what), "pvm_recv(parent) = %d", bufid);
			compat_check(0, who, what);
			break;
		}
		if (tag == CTX_TAG_STOP)
			break;
		/* T_WORK: n, whether to mark in the base context, the base */
		int work[3] = {0, 0, 0};
		pvm_upkint(work, 3, 1);
		int now = pvm_getcontext();
		snprintf(what, sizeof(what), "took work n=%d in context %d (mine: %d)",
		         work[0], now, ctx);
		compat_check(now == ctx, who, what);
		int result[2] = {work[0], now};
		ctx_send_ints(parent, CTX_TAG_RESULT, 2, result);
		if (work[1]) {
			int old = pvm_setcontext(work[2]);
			int mark[1] = {work[0]};
			ctx_send_ints(parent, CTX_TAG_MARK, 1, mark);
			int back = pvm_setcontext(old);
			snprintf(what, sizeof(what),
			         "pvm_setcontext(base %d) returned %d, back returned %d",
			         work[2], old, back);
			compat_check(old == ctx && back == work[2], who, what);
		}
	}
	compat_report_send(parent, CTX_TAG_REPORT);
	pvm_exit();
	return 0;
}

/* ---------------------------------------------------------------- master */

struct ctx_run {
	const char *who;
	int base, libctx;
	int app[CTX_NAPP], lib[CTX_NLIB];
	int napp, nlib;
};

/* a call answered PvmNotImpl: end the workers and the run, as a skip */
static int ctx_skip_out(struct ctx_run *r)
{
	pvm_setcontext(r->base);
	for (int i = 0; i < r->napp; i++)
		pvm_kill(r->app[i]);
	for (int i = 0; i < r->nlib; i++)
		pvm_kill(r->lib[i]);
	pvm_exit();
	return compat_finish(r->who);
}

static int ctx_is_in(int tid, const int *set, int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] == tid)
			return 1;
	return 0;
}

/* receive the hellos of n workers in the current context: each from a
 * task of set, each reporting context want */
static void ctx_take_hellos(struct ctx_run *r, const char *kind, const int *set, int n,
                            int want)
{
	char what[256];
	for (int i = 0; i < n; i++) {
		struct timeval tmo = {CTX_WAIT, 0};
		int hello[2] = {0, -1};
		int bufid = pvm_trecv(-1, CTX_TAG_HELLO, &tmo);
		if (bufid > 0)
			pvm_upkint(hello, 2, 1);
		snprintf(what, sizeof(what),
		         "in context %d, hello %d (wildcard source) is from a %s worker "
		         "(t%x) in context %d",
		         pvm_getcontext(), i + 1, kind, hello[0], hello[1]);
		compat_check(bufid > 0 && ctx_is_in(hello[0], set, n) && hello[1] == want,
		             r->who, what);
	}
}

static int ctx_master(const char *who, char *self)
{
	struct ctx_run r;
	char what[256];
	int cc;

	memset(&r, 0, sizeof(r));
	r.who = who;
	compat_line("library: %s", compat_library_path());
	int mytid = pvm_mytid();
	snprintf(what, sizeof(what), "pvm_mytid = t%x", mytid);
	compat_check(mytid > 0, who, what);
	if (mytid <= 0)
		return 1;

	r.base = pvm_getcontext();
	snprintf(what, sizeof(what), "pvm_getcontext() = %d (the default context)",
	         r.base);
	compat_check(r.base >= 0, who, what);

	char *app_argv[] = {"app", NULL};
	cc = pvm_spawn(self, app_argv, PvmTaskDefault, "", CTX_NAPP, r.app);
	r.napp = cc > 0 ? cc : 0;
	snprintf(what, sizeof(what), "spawned %d app worker(s) in the default context",
	         cc);
	compat_check(cc == CTX_NAPP, who, what);

	r.libctx = pvm_newcontext();
	if (compat_notimpl(r.libctx, who, "pvm_newcontext"))
		return ctx_skip_out(&r);
	snprintf(what, sizeof(what), "pvm_newcontext() = %d, not the default %d",
	         r.libctx, r.base);
	compat_check(r.libctx >= 0 && r.libctx != r.base, who, what);

	/* a second one is distinct, and can be freed */
	int spare = pvm_newcontext();
	snprintf(what, sizeof(what), "a second pvm_newcontext() = %d, distinct", spare);
	compat_check(spare >= 0 && spare != r.libctx && spare != r.base, who, what);
	cc = pvm_freecontext(spare);
	if (compat_notimpl(cc, who, "pvm_freecontext"))
		return ctx_skip_out(&r);
	snprintf(what, sizeof(what), "pvm_freecontext(%d) = %d", spare, cc);
	compat_check(cc == 0, who, what);

	/* "this new context is not yet active" */
	snprintf(what, sizeof(what), "still in context %d after pvm_newcontext",
	         pvm_getcontext());
	compat_check(pvm_getcontext() == r.base, who, what);

	int old = pvm_setcontext(r.libctx);
	if (compat_notimpl(old, who, "pvm_setcontext"))
		return ctx_skip_out(&r);
	snprintf(what, sizeof(what), "pvm_setcontext(%d) = %d (the old one), now in %d",
	         r.libctx, old, pvm_getcontext());
	compat_check(old == r.base && pvm_getcontext() == r.libctx, who, what);

	char *lib_argv[] = {"lib", NULL};
	cc = pvm_spawn(self, lib_argv, PvmTaskDefault, "", CTX_NLIB, r.lib);
	r.nlib = cc > 0 ? cc : 0;
	snprintf(what, sizeof(what), "spawned %d lib worker(s) in context %d", cc,
	         r.libctx);
	compat_check(cc == CTX_NLIB, who, what);
	old = pvm_setcontext(r.base);
	snprintf(what, sizeof(what), "pvm_setcontext(%d) = %d", r.base, old);
	compat_check(old == r.libctx, who, what);
	if (r.napp != CTX_NAPP || r.nlib != CTX_NLIB) {
		ctx_skip_out(&r);
		return 1;
	}

	int all[CTX_NAPP + CTX_NLIB];
	memcpy(all, r.app, sizeof(r.app));
	memcpy(all + CTX_NAPP, r.lib, sizeof(r.lib));
	cc = pvm_notify(PvmTaskExit, CTX_TAG_EXIT, CTX_NAPP + CTX_NLIB, all);
	snprintf(what, sizeof(what),
	         "pvm_notify(PvmTaskExit) in the default context = %d", cc);
	compat_check(cc >= 0, who, what);

	/* hellos: each context sees only its own workers' (the children
	 * inherited the context they were spawned in) */
	pvm_setcontext(r.libctx);
	ctx_take_hellos(&r, "lib", r.lib, CTX_NLIB, r.libctx);
	pvm_setcontext(r.base);
	ctx_take_hellos(&r, "app", r.app, CTX_NAPP, r.base);

	/* lib worker 0: the same tag in the default context first, then in
	 * libctx; it must take n=4, answer in libctx, and mark in the base */
	int work_base[3] = {3, 0, r.base}, work_lib[3] = {4, 1, r.base};
	ctx_send_ints(r.lib[0], CTX_TAG_WORK, 3, work_base);
	pvm_setcontext(r.libctx);
	ctx_send_ints(r.lib[0], CTX_TAG_WORK, 3, work_lib);
	pvm_setcontext(r.base);
	struct timeval tmo = {CTX_WAIT, 0};
	int mark = -1;
	int bufid = pvm_trecv(r.lib[0], CTX_TAG_MARK, &tmo);
	if (bufid > 0)
		pvm_upkint(&mark, 1, 1);
	snprintf(
	    what, sizeof(what),
	    "lib worker took the work sent in its context (n=4, not 3): marked %d in "
	    "the default context",
	    mark);
	compat_check(bufid > 0 && mark == 4, who, what);
	/* its result, sent before the mark, is here -- in libctx */
	bufid = pvm_nrecv(r.lib[0], CTX_TAG_RESULT);
	snprintf(what, sizeof(what),
	         "pvm_nrecv in the default context does not see the lib result (got %d)",
	         bufid);
	compat_check(bufid == 0, who, what);
	cc = pvm_probe(-1, CTX_TAG_RESULT);
	snprintf(what, sizeof(what), "pvm_probe in the default context: %d", cc);
	compat_check(cc == 0, who, what);
	pvm_setcontext(r.libctx);
	int result[2] = {-1, -1};
	bufid = pvm_nrecv(r.lib[0], CTX_TAG_RESULT);
	if (bufid > 0)
		pvm_upkint(result, 2, 1);
	snprintf(what, sizeof(what),
	         "pvm_nrecv in libctx: the lib result (got %d: n=%d, context %d)", bufid,
	         result[0], result[1]);
	compat_check(bufid > 0 && result[0] == 4 && result[1] == r.libctx, who, what);

	/* app worker 0: the same tag in libctx first, then in the default */
	int work_a1[3] = {1, 0, r.base}, work_a2[3] = {2, 0, r.base};
	ctx_send_ints(r.app[0], CTX_TAG_WORK, 3, work_a1);
	pvm_setcontext(r.base);
	ctx_send_ints(r.app[0], CTX_TAG_WORK, 3, work_a2);
	tmo.tv_sec = CTX_WAIT;
	tmo.tv_usec = 0;
	result[0] = result[1] = -1;
	bufid = pvm_trecv(-1, CTX_TAG_RESULT, &tmo);
	int src = 0, bytes = 0, tag = 0;
	if (bufid > 0) {
		pvm_bufinfo(bufid, &bytes, &tag, &src);
		pvm_upkint(result, 2, 1);
	}
	snprintf(what, sizeof(what),
	         "app worker took the work sent in the default context (n=2, not 1): "
	         "result from t%x n=%d context %d",
	         src, result[0], result[1]);
	compat_check(bufid > 0 && src == r.app[0] && result[0] == 2 &&
	                 result[1] == r.base,
	             who, what);

	/* stop everyone, each in its context, and collect the reports */
	for (int i = 0; i < CTX_NAPP; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_send(r.app[i], CTX_TAG_STOP);
	}
	for (int i = 0; i < CTX_NAPP; i++)
		compat_report_take(who, "app", r.app[i], CTX_TAG_REPORT, CTX_WAIT);
	pvm_setcontext(r.libctx);
	for (int i = 0; i < CTX_NLIB; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_send(r.lib[i], CTX_TAG_STOP);
	}
	for (int i = 0; i < CTX_NLIB; i++)
		compat_report_take(who, "lib", r.lib[i], CTX_TAG_REPORT, CTX_WAIT);

	/* the exit notifies come in the context the notify was asked in */
	pvm_setcontext(r.base);
	int seen = 0;
	for (int i = 0; i < CTX_NAPP + CTX_NLIB; i++) {
		tmo.tv_sec = CTX_WAIT;
		tmo.tv_usec = 0;
		int gone = 0;
		bufid = pvm_trecv(-1, CTX_TAG_EXIT, &tmo);
		if (bufid > 0 && pvm_upkint(&gone, 1, 1) >= 0 &&
		    ctx_is_in(gone, all, CTX_NAPP + CTX_NLIB))
			seen++;
	}
	snprintf(what, sizeof(what), "%d of %d exit notifies in the default context",
	         seen, CTX_NAPP + CTX_NLIB);
	compat_check(seen == CTX_NAPP + CTX_NLIB, who, what);

	cc = pvm_freecontext(r.libctx);
	snprintf(what, sizeof(what), "pvm_freecontext(%d) = %d", r.libctx, cc);
	compat_check(cc == 0, who, what);
	pvm_exit();
	return compat_finish(who);
}

__attribute__((unused)) static int context_main(const char *who, char *self, int argc,
                                                char **argv)
{
	if (argc > 1)
		return ctx_worker(argv[1]);
	return ctx_master(who, self);
}

#endif

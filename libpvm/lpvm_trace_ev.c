/*
 * lpvm_trace_ev.c - the events of the traced calls (send, mcast, the
 * receives, spawn, exit, groups and barriers), each an entry and an exit
 * record with PVM 3.4.6's data, and the trace settings a task inherits
 * from its parent through the environment.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lpvm_trace_send(int tid, int tag, int (*fn)(int, int))
{
	int nb = -1, cc;

	/* the size first: while an event is packed, its buffer is the
	 * send buffer */
	pvm_bufinfo(lpvm.sbuf, &nb, NULL, NULL);
	if (lpvm_tev_begin(TEV_SEND, TEV_EVENT_ENTRY)) {
		lpvm_tev_int(TEV_DID_MNB, nb);
		lpvm_tev_int(TEV_DID_DST, tid);
		lpvm_tev_int(TEV_DID_MC, tag);
		lpvm_tev_int(TEV_DID_MCX, lpvm.ctx);
		lpvm_tev_end();
	}
	lpvm_trace_route = "daemon";
	cc = fn(tid, tag);
	if (lpvm_tev_begin(TEV_SEND, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		/* pvmx: the route the message took (PVM has none) */
		lpvm_tev_str(TEV_DID_ME, lpvm_trace_route);
		lpvm_tev_end();
	}
	return cc;
}

int lpvm_trace_mcast(int *tids, int n, int tag, int (*fn)(int *, int, int))
{
	int nb = -1, cc;

	pvm_bufinfo(lpvm.sbuf, &nb, NULL, NULL);
	if (lpvm_tev_begin(TEV_MCAST, TEV_EVENT_ENTRY)) {
		lpvm_tev_int(TEV_DID_MNB, nb);
		lpvm_tev_ints(TEV_DID_MDL, tids, n > 0 && tids != NULL ? n : 0);
		lpvm_tev_int(TEV_DID_MC, tag);
		lpvm_tev_int(TEV_DID_MCX, lpvm.ctx);
		lpvm_tev_end();
	}
	cc = fn(tids, n, tag);
	if (lpvm_tev_begin(TEV_MCAST, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		lpvm_tev_str(TEV_DID_ME, "daemon");
		lpvm_tev_end();
	}
	return cc;
}

int lpvm_trace_recv(int kind, int tid, int tag, struct timeval *tmout,
                    int (*fn)(int, int, struct timeval *))
{
	int cc, nb = -1, mc = -1, src = -1;

	if (lpvm_tev_begin(kind, TEV_EVENT_ENTRY)) {
		lpvm_tev_int(TEV_DID_RST, tid);
		lpvm_tev_int(TEV_DID_RMC, tag);
		lpvm_tev_int(TEV_DID_RCX, lpvm.ctx);
		if (kind == TEV_TRECV) {
			lpvm_tev_int(TEV_DID_MTS,
			             tmout != NULL ? (int)tmout->tv_sec : -1);
			lpvm_tev_int(TEV_DID_MTU,
			             tmout != NULL ? (int)tmout->tv_usec : -1);
		}
		lpvm_tev_end();
	}
	cc = fn(tid, tag, tmout);
	if (cc > 0)
		pvm_bufinfo(cc, &nb, &mc, &src);
	lpvm_tev_recv_exit(kind, cc, nb, mc, src);
	return cc;
}

int lpvm_trace_group(int kind, char *group, int count, int (*fn)(char *, int))
{
	int cc;

	if (lpvm_tev_begin(kind, TEV_EVENT_ENTRY)) {
		lpvm_tev_str(TEV_DID_GN, group);
		if (kind == TEV_BARRIER)
			lpvm_tev_int(TEV_DID_GBC, count);
		lpvm_tev_end();
	}
	cc = fn(group, count);
	lpvm_tev_cc_exit(kind, cc);
	return cc;
}

int lpvm_trace_spawn(char *file, char **argv, int flags, char *where, int count,
                     int *tids, int (*fn)(char *, char **, int, char *, int, int *))
{
	int cc, *got = tids;

	if (lpvm_tev_begin(TEV_SPAWN, TEV_EVENT_ENTRY)) {
		lpvm_tev_str(TEV_DID_SE, file);
		lpvm_tev_int(TEV_DID_SF, flags);
		lpvm_tev_str(TEV_DID_SW, where != NULL ? where : "");
		lpvm_tev_int(TEV_DID_SC, count);
		lpvm_tev_end();
	}
	if (got == NULL && count > 0)
		got = calloc((size_t)count, sizeof(int));
	cc = fn(file, argv, flags, where, count, got);
	if (lpvm_tev_begin(TEV_SPAWN, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		lpvm_tev_ints(TEV_DID_STL, got, got != NULL && count > 0 ? count : 0);
		lpvm_tev_end();
	}
	/* spntask per child, as PVM's daemon sends it: the tracer counts
	 * the children alive before their own events come */
	for (int i = 0; got != NULL && i < count; i++) {
		if (got[i] > 0 && lpvm_tev_begin(TEV_SPNTASK, 0)) {
			lpvm_tev_int(TEV_DID_TID, got[i]);
			lpvm_tev_int(TEV_DID_PT, lpvm.mytid);
			lpvm_tev_end();
		}
	}
	lpvm_tev_flush();
	if (got != tids)
		free(got);
	return cc;
}

void lpvm_trace_exit(void)
{
	if (lpvm_tev_begin(TEV_EXIT, TEV_EVENT_ENTRY))
		lpvm_tev_end();
	lpvm_tev_cc_exit(TEV_EXIT, 0);
	if (lpvm_tev_begin(TEV_ENDTASK, 0)) {
		lpvm_tev_int(TEV_DID_TID, lpvm.mytid);
		lpvm_tev_int(TEV_DID_TST, 0);
		lpvm_tev_end();
	}
	lpvm_tev_flush();
	lpvm_trace_on = 0;
}

static int env_int(const char *name, int *v)
{
	const char *s = getenv(name);

	if (s == NULL || *s == '\0')
		return 0;
	*v = (int)strtol(s, NULL, 0);
	return 1;
}

/* A traced task that ends without pvm_exit still says so (its buffer
 * and its endtask), or its tracer would wait for it. */
static void trace_at_exit(void)
{
	if (lpvm_trace_on && lpvm.fd >= 0)
		lpvm_trace_exit();
}

void lpvm_trace_enrolled(const char *name)
{
	static int at_exit;

	const char *m = getenv("PVMTMASK");
	int tid = 0;

	if (m != NULL && strlen(m) + 1 == TEV_MASK_LENGTH) {
		memcpy(pvmtrc.tmask, m, TEV_MASK_LENGTH);
		memcpy(pvmctrc.tmask, m, TEV_MASK_LENGTH);
	}
	if (!env_int("PVMTRCTID", &tid) || tid <= 0)
		return;
	/* our events go where our parent's children's go, and so do our
	 * children's (PVM copies pvmtrc into pvmctrc at enrolling) */
	lpvm.self_trace_tid = lpvm.trace_tid = tid;
	if (env_int("PVMTRCTAG", &lpvm.self_trace_code))
		lpvm.trace_code = lpvm.self_trace_code;
	if (env_int("PVMTRCCTX", &lpvm.self_trace_ctx))
		lpvm.trace_ctx = lpvm.self_trace_ctx;
	if (env_int("PVMTRCBUF", &lpvm.self_trace_buffer))
		lpvm.trace_buffer = lpvm.self_trace_buffer;
	if (env_int("PVMTRCOPT", &lpvm.self_trace_options))
		lpvm.trace_options = lpvm.self_trace_options;
	lpvm_globals_publish();
	if (lpvm_trace_on && !at_exit)
		at_exit = atexit(trace_at_exit) == 0;
	if (lpvm_tev_begin(TEV_NEWTASK, 0)) {
		lpvm_tev_int(TEV_DID_TID, lpvm.mytid);
		lpvm_tev_int(TEV_DID_PT, lpvm.parent);
		lpvm_tev_int(TEV_DID_TF, 0);
		lpvm_tev_str(TEV_DID_TN, name);
		lpvm_tev_end();
	}
}

static int add_env(char ***env, size_t *n, const char *name, const char *val)
{
	char **e = realloc(*env, sizeof(char *) * (*n + 1));
	size_t len = strlen(name) + strlen(val) + 2;

	if (e == NULL)
		return -1;
	*env = e;
	e[*n] = malloc(len);
	if (e[*n] == NULL)
		return -1;
	snprintf(e[*n], len, "%s=%s", name, val);
	(*n)++;
	return 0;
}

void lpvm_trace_spawn_env(int flags, char ***env, size_t *n, struct lpvm_out_dest *out)
{
	int tid = lpvm.trace_tid, ctx = lpvm.trace_ctx, tag = lpvm.trace_code;
	int buf = lpvm.trace_buffer, opt = lpvm.trace_options;
	char mask[TEV_MASK_LENGTH], v[32];

	memcpy(mask, pvmctrc.tmask, TEV_MASK_LENGTH);
	/* PvmTaskTrace: the registered tracer's settings, as PVM's daemon
	 * gives them */
	if (flags & PvmTaskTrace)
		lpvm_tracer_lookup(&tid, &ctx, &tag, &buf, &opt, mask, out);
	if (tid <= 0)
		return;
	mask[TEV_MASK_LENGTH - 1] = '\0';
	add_env(env, n, "PVMTMASK", mask);
	snprintf(v, sizeof(v), "%d", buf);
	add_env(env, n, "PVMTRCBUF", v);
	snprintf(v, sizeof(v), "%d", opt);
	add_env(env, n, "PVMTRCOPT", v);
	snprintf(v, sizeof(v), "%d", tid);
	add_env(env, n, "PVMTRCTID", v);
	snprintf(v, sizeof(v), "%d", ctx);
	add_env(env, n, "PVMTRCCTX", v);
	snprintf(v, sizeof(v), "%d", tag);
	add_env(env, n, "PVMTRCTAG", v);
}

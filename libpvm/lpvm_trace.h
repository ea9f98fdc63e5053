/*
 * lpvm_trace.h - trace events in PVM 3.4's format (pvmtev.h), sent to
 * the task's tracer (PvmSelfTraceTid) with its code and context.  Off by
 * default; the send and receive paths test lpvm_trace_on only.
 */
#ifndef PVMX_LPVM_TRACE_H
#define PVMX_LPVM_TRACE_H

#include <pvm3.h>
#include <pvmtev.h>

/* set while this task generates events (a tracer other than itself, a
 * non-empty self mask, PvmTraceFull); lpvm_trace_update recomputes it */
extern int lpvm_trace_on;
/* the route of the last data frame sent while tracing ("daemon", "shm",
 * "fabric"); lpvm_route.c sets it only when lpvm_trace_on */
extern const char *lpvm_trace_route;

void lpvm_trace_update(void);

/* lpvm_trace.c: one event.  begin packs the header (time, tid) and
 * returns 1 when kind | entry_exit is traced now; the lpvm_tev_* calls
 * pack its data; lpvm_tev_end ends it and sends per PvmTraceBuffer. */
int lpvm_tev_begin(int kind, int entry_exit);
void lpvm_tev_int(int did, int v);
void lpvm_tev_ints(int did, const int *v, int n);
void lpvm_tev_str(int did, const char *s);
void lpvm_tev_long(int did, long v);
void lpvm_tev_end(void);
/* an exit record holding only the call's result (CC) */
void lpvm_tev_cc_exit(int kind, int cc);
/* sends what is buffered now */
void lpvm_tev_flush(void);

/* lpvm_trace_sum.c: PvmTraceTime and PvmTraceCount.  begin counts
 * (and times) a call's record instead of packing it: 1 when it did, and
 * then lpvm_tsum_open is set until lpvm_tev_end; flush sends the totals
 * (a "timing" or "profiling" descriptor) and starts them again. */
extern int lpvm_tsum_open;
int lpvm_tsum_begin(int kind, int entry_exit);
void lpvm_tsum_flush(void);
/* pvm_setopt, before the option what changes */
void lpvm_trace_setopt(int what);

/* lpvm_trace_ev.c: the traced forms of the calls, each around the
 * untraced one it is given */
int lpvm_trace_send(int tid, int tag, int (*fn)(int, int));
int lpvm_trace_mcast(int *tids, int n, int tag, int (*fn)(int *, int, int));
int lpvm_trace_recv(int kind, int tid, int tag, struct timeval *tmout,
                    int (*fn)(int, int, struct timeval *));
int lpvm_trace_group(int kind, char *group, int count, int (*fn)(char *, int));
int lpvm_trace_spawn(char *file, char **argv, int flags, char *where, int count,
                     int *tids, int (*fn)(char *, char **, int, char *, int, int *));
/* lpvm_trace_pmsg.c: pvm_psend, pvm_precv, pvm_probe */
int lpvm_trace_psend(int tid, int tag, void *buf, int len, int type,
                     int (*fn)(int, int, void *, int, int));
int lpvm_trace_precv(int tid, int tag, void *buf, int len, int type, int *rtid, int *rtag,
                     int *rlen,
                     int (*fn)(int, int, void *, int, int, int *, int *, int *));
int lpvm_trace_probe(int tid, int tag, int (*fn)(int, int));
/* a receive's exit record (CC, MNB, MC, MCX, SRC) */
void lpvm_tev_recv_exit(int kind, int cc, int nb, int mc, int src);
/* lpvm_trace_coll.c: pvm_bcast; pvm_getinst, pvm_gettid, pvm_gsize
 * (kind TEV_GETINST, TEV_GETTID, TEV_GSIZE; arg their int argument);
 * and the entry and exit of pvm_reduce, pvm_gather, pvm_scatter (kind
 * TEV_REDUCE, TEV_GATHER, TEV_SCATTER), whose own messages are not
 * traced */
int lpvm_trace_bcast(char *group, int tag, int (*fn)(char *, int));
int lpvm_trace_gquery(int kind, char *group, int arg, int (*fn)(char *, int));
void lpvm_trace_rooted_entry(int kind, const char *group, int tag, int count, int type,
                             int root);
void lpvm_trace_rooted_exit(int kind, int cc);
/* pvm_exit: the exit and endtask events, then the buffer goes */
void lpvm_trace_exit(void);
/* the task has registered: trace settings from the environment its
 * parent gave it (PVMTMASK, PVMTRCBUF, PVMTRCOPT, PVMTRCTID, PVMTRCCTX,
 * PVMTRCTAG), then the newtask event */
void lpvm_trace_enrolled(const char *name);
/* where spawned children's output goes: PvmOutputTid, its code and
 * context, and pvmx's code for stderr (0: as stdout) */
struct lpvm_out_dest {
	int tid, code, ctx, err_code;
};
/* pvm_spawn: appends the children's trace settings to env (*env has
 * *n malloc'd strings, realloc'd here); with PvmTaskTrace, out becomes
 * the registered tracer's output collection when it has none */
void lpvm_trace_spawn_env(int flags, char ***env, size_t *n, struct lpvm_out_dest *out);
/* lpvm_trace_reg.c: the registered tracer (pvm_reg_tracer's mailbox
 * entry), if any: tid, ctx, tag, buffer, options and mask; out as above */
int lpvm_tracer_lookup(int *tid, int *ctx, int *tag, int *buf, int *opt, char *mask,
                       struct lpvm_out_dest *out);

#endif

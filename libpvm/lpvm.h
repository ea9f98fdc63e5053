/*
 * lpvm.h - libpvm3's internal state and the functions its modules share.
 * One task is one process: the state is process-global, as in PVM.
 */
#ifndef PVMX_LPVM_H
#define PVMX_LPVM_H

#include "frame.h"
#include "msgbuf.h"
#include "pvmx.pb-c.h"

#include <pvmtev.h>

#include <pvm3.h>
#include <stdint.h>

struct lpvm_state {
	int fd;     /* connection to the local pvmd, -1 when none */
	int mytid;  /* -1 until registered */
	int parent; /* PvmNoParent when none */
	int host_tid;
	int dsig;
	int *siblings;
	int nsiblings;
	uint32_t max_frame;
	uint32_t seq;
	int daemon_wrote; /* a frame went to the daemon since its socket was last polled */
	int fds_given;    /* pvm_getfds was called: the program may select on them */
	char sock_path[256];

	/* options (pvm_setopt) */
	int route, debugmask, fragsize, resvtids, showtids; /* autoerr: pvmautoerr */
	int polltype, polltime, noreset;
	int out_tid, out_code, out_ctx; /* for children */
	int out_err_code;               /* PvmxOutputErrCode */
	int self_out_tid, self_out_code, self_out_ctx;
	int trace_tid, trace_code, trace_buffer, trace_options, trace_ctx;
	int self_trace_tid, self_trace_code, self_trace_buffer, self_trace_options;
	int self_trace_ctx;
	int ctx;
	int bind; /* pvmx_setbind: PVMX_BIND_* of our spawns */

	/* buffers: id n is bufs[n - 1] */
	struct msgbuf **bufs;
	int nbufs;
	int sbuf, rbuf;

	/* received messages not yet taken, in arrival order (buffer ids) */
	int *rxq;
	int nrx, rxcap;
};

extern struct lpvm_state lpvm;

/* PvmFragSize's default: PVM 3.4.6's */
#define PVMX_FRAGSIZE_DEFAULT 4080

/* PVM's exported variables (lpvm_globals.c).  PvmAutoErr is stored in
 * pvmautoerr itself; the others mirror lpvm and are refreshed by
 * lpvm_globals_publish whenever what they show changes (enrolling,
 * leaving, pvm_setopt, pvm_setcontext, pvm_catchout). */
extern int pvmautoerr;
void lpvm_globals_publish(void);
/* pvm_siblings' list, as pvmsibtids/pvmnsibs show it (tids stays ours) */
void lpvm_globals_siblings(const int *tids, int ntids);
/* pvmsettaskname's name, or NULL */
extern char *pvmmytaskname;
extern struct Pvmtracer pvmtrc, pvmctrc;
extern struct Pvmtevinfo pvmtevinfo[TEV_MAX + 1];

/* errors: set pvm_errno, report per PvmAutoErr (with lpvm_error_detail,
 * then cleared, when set), return code */
int lpvm_error(const char *fn, int code);
extern char lpvm_error_detail[256];

/* connection (lpvm_conn.c) */
int lpvm_ensure(const char *fn); /* connect + register if needed; 0 or code */
/* The daemon's socket this task connects to: $PVMX_SOCK, else the VM's
 * file in the private directory.  0, or -1 if it does not fit / cannot
 * be made private. */
int lpvm_daemon_sock_path(char *buf, size_t len);
void lpvm_disconnect(void);
/* Sends req (seq is filled in) and waits for its reply; data frames that
 * arrive meanwhile are queued.  *reply is freed with wire_control_free. */
int lpvm_request(Pvmx__Control *req, Pvmx__Control **reply);
/* lpvm_request for a reply of kind want: 0 with *reply set, or (nothing
 * left to free) the request's error, the code of the Status the daemon
 * answered instead, or PvmDSysErr for any other answer. */
int lpvm_request_as(Pvmx__Control *req, int want, Pvmx__Control **reply);
/* pvm_notify with any tag (negative too) and context: the library's own
 * notifies (the collectives' watch on members). */
int lpvm_notify_ctx(const char *fn, int what, int tag, int ctx, int cnt, int *tids);
/* Reads and queues frames.  timeout_ms < 0 blocks until one frame arrives,
 * 0 only takes what is already readable.  Returns frames read, or code. */
int lpvm_pump(int timeout_ms);
int lpvm_send_data(int dst, int tag, int ctx, struct msgbuf *mb);
/* one frame for all of tids: the daemons copy it per host, then per task */
int lpvm_send_mcast(const int *tids, int ntids, int tag, int ctx, struct msgbuf *mb);

/* lpvm_sys.c: runs a request whose reply is a Status and returns its
 * code; a negative code is reported (lpvm_error) when report is set. */
int lpvm_status_request(const char *fn, Pvmx__Control *req, int report);
/* lpvm_ensure, then lpvm_request_as for fn; an error is reported. */
int lpvm_typed_request(const char *fn, Pvmx__Control *req, int want,
                       Pvmx__Control **reply);
/* lpvm_topo.c: the binding a task this one spawned got at its start (from
 * the spawn reply), for pvmx_taskbinding once the task has ended. */
void lpvm_binding_remember(int tid, const char *cpus);
/* pvm_setopt changed option what: tell the daemon when it must know. */
int lpvm_option_changed(int what);

/* buffers (lpvm_buf.c) */
struct msgbuf *lpvm_buf(int id);
int lpvm_buf_register(struct msgbuf *mb); /* returns id or PvmNoMem */
void lpvm_buf_release(int id);
int lpvm_rxq_push(int id);
void lpvm_rxq_remove_at(int i);

/* receiving (lpvm_msg.c): waits up to timeout_ms (< 0: forever) for a
 * message matching (tid, tag); 0 if none came, else its buffer id, taken
 * as the receive buffer when consume is set, else left queued. */
int lpvm_receive(const char *fn, int tid, int tag, long long timeout_ms, int consume);

/* The delivery point (lpvm_deliver.c): every data frame received, by any
 * route, goes through lpvm_deliver, which keeps each sender's frames in
 * the order of their seq (frame.h) and then hands them on as below.
 * Takes payload (malloc'd, h->len bytes).  0 or PvmNoMem. */
int lpvm_deliver(const struct frame_header *h, uint8_t *payload);
/* The seq of the next frame we send to dst (1, 2, ...). */
uint32_t lpvm_seq_next(int dst);
/* Logs, once each, the gaps (a frame missing, later ones held) older
 * than PVMX_GAP_WARN_MS (10 s); the wait path calls it.  How soon to
 * call it again in ms, -1 when nothing is held. */
int lpvm_deliver_gaps(void);
/* Forgets every pair (the task leaves its daemon). */
void lpvm_pairs_reset(void);

/* receive-path hooks.  A frame just read is offered to
 * lpvm_output_take (pvm_catchout output: printed and freed, returns 1),
 * then, registered, to lpvm_mhf_take (a message handler wants it: held
 * for lpvm_mhf_run, returns 1); else it is queued.  lpvm_mhf_run calls
 * the held handlers in arrival order; it runs where no control request is
 * outstanding and never nests. */
int lpvm_output_take(struct msgbuf *mb);
void lpvm_output_drain(void); /* pvm_exit: waits (bounded) for children's output */
/* PvmOutputTid accepts 0 and live tasks only, as PVM 3.4.6 does */
int lpvm_output_tid_ok(int tid);
int lpvm_mhf_take(int id);
void lpvm_mhf_run(void);
void lpvm_mhf_released(int id); /* lpvm_buf_release tells it */
/* pvm_recvf's matcher, when one is set: index in rxq of the message it
 * picks, -1 for none, or its error code */
int lpvm_recvf_active(void);
int lpvm_recvf_find(int tid, int tag);

#endif

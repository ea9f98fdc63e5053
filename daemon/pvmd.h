/*
 * pvmd.h - the daemon's structures and the functions its modules share.
 * One host for now: host index 1, daemon tid 1 << 18.  Everything runs in
 * one libevent loop on one thread.
 */
#ifndef PVMX_PVMD_H
#define PVMX_PVMD_H

#include "frame.h"
#include "pvmx.pb-c.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/types.h>

#define PVMD_HOST_INDEX 1
#define PVMD_SPEED 1000
/* Frames queued for a spawned task that has not connected yet. */
#define PVMD_PENDING_MAX (64u * 1024u * 1024u)
/* Longest output line written to the log before it is cut. */
#define PVMD_LINE_MAX 4096
/* Grace period between SIGTERM and SIGKILL when halting. */
#define PVMD_HALT_GRACE_MS 1000

struct task;

/* The tids one spawn request started, shared by those tasks (refcounted):
 * each learns them at register (pvm_siblings). */
struct siblings {
	int refs;
	size_t n;
	int32_t tids[];
};

/* One accepted connection on the Unix socket. */
struct conn {
	TAILQ_ENTRY(conn) entry;
	struct bufferevent *bev;
	int fd;
	pid_t pid; /* from SO_PEERCRED */
	uid_t uid;
	struct task *task; /* set once registered; NULL before and after leave */
	int have_header;   /* hdr holds a decoded header awaiting its payload */
	struct frame_header hdr;
	int closing; /* output is being flushed, then the conn is freed */
};
TAILQ_HEAD(conn_list, conn);

/* One output pipe (stdout or stderr) of a spawned task. */
struct task_pipe {
	struct task *task;
	struct event *ev;    /* NULL once at EOF */
	struct event *pause; /* resumes reading when the receiver lags */
	int fd;
	char line[PVMD_LINE_MAX]; /* partial line, for the log */
	size_t linelen;
};

/* A local task: spawned by us (it has a process we reap) or started by
 * hand (it exists while its connection does). */
struct task {
	TAILQ_ENTRY(task) entry;
	int tid;
	int ptid; /* PvmNoParent when none */
	pid_t pid;
	char *name;
	struct conn *conn; /* NULL while not connected */

	unsigned spawned : 1;        /* we forked it: exit needs a reap */
	unsigned ever_connected : 1; /* its tid was claimed once */
	unsigned reaped : 1;         /* waitpid returned its status */
	unsigned noreset : 1;        /* pvm_setopt(PvmNoReset, 1) */
	int status;                  /* wait status once reaped */

	/* as the parent asked in the spawn request; passed on at register */
	struct siblings *sibs; /* NULL: just the task itself */
	int out_tid, out_code, out_ctx, ctx;

	struct task_pipe out[2]; /* stdout, stderr; unused for hand tasks */
	int open_pipes;

	/* whole frames waiting for a spawned task's first connection */
	struct evbuffer *pending;
	size_t pending_bytes;
};
TAILQ_HEAD(task_list, task);

struct pvmd {
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *sig_chld, *sig_term, *sig_int, *sig_hup;
	struct event *halt_timer;

	int host_tid;
	char hostname[256];
	char arch[32];
	int dsig;
	uint32_t max_frame;

	char sock_path[108];
	char lock_path[512];
	char log_path[512];
	int lock_fd;
	int devnull_fd;
	struct rlimit nofile; /* as we started: restored in children */
	FILE *logf;

	struct conn_list conns;
	struct task_list tasks;
	struct task **by_local; /* indexed by tid_local(); TID_LOCAL_MASK + 1 */
	int next_local;
	int ntasks;

	int halting;
	int exit_code;
};

extern struct pvmd pvmd;

/* main.c */
void pvmd_halt(struct conn *requester);
void pvmd_halt_progress(void);
/* s with control characters replaced, cut to fit a log line; the result
 * lives until the next call. */
const char *printable(const char *s);

/* host.c: this host's identity and name matching */
void host_init(void);
int host_is_me(const char *name);
int host_arch_known(const char *arch);

/* conn.c */
void conn_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                 int socklen, void *arg);
void conn_close(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void conn_send_control(struct conn *c, Pvmx__Control *ctl);
void conn_send_status(struct conn *c, uint32_t seq, int code);
void conn_refuse(struct conn *c, Pvmx__Control *reply, const char *why);
void conn_flush_now(struct conn *c);
void conn_free_all(void);

/* control.c: one handler per request; returns -1 if c was closed */
int control_dispatch(struct conn *c, Pvmx__Control *ctl);

/* task.c */
struct task *task_new(int spawned);
struct task *task_find(int tid);
struct task *task_find_pid(pid_t pid);
void task_attach(struct task *t, struct conn *c);
void task_detach(struct task *t);
void task_check_exit(struct task *t);
void task_deliver(struct task *t, const uint8_t hdr[FRAME_HEADER_LEN],
                  struct evbuffer *src, size_t len);
void task_deliver_bytes(struct task *t, const uint8_t *frame, size_t len);
size_t task_backlog(const struct task *t);
void task_reap_children(void);
void task_free_all(void);
void siblings_release(struct siblings *s);

/* spawn.c */
void spawn_request(struct conn *c, uint32_t seq, const Pvmx__SpawnRequest *req);

/* output.c */
int output_start(struct task *t, int outfd, int errfd);
void output_close(struct task *t);
/* PvmSelfOutput*: t's output goes to tid (0: the log) from now on. */
void output_redirect(struct task *t, int tid, int code, int ctx);
/* A data frame from the daemon holding the given packed items. */
uint8_t *output_message(int dst, int tag, int ctx, const int *ints, size_t nints,
                        const void *bytes, size_t nbytes, size_t *len);

/* notify.c */
int notify_request(struct task *from, const Pvmx__NotifyRequest *req);
void notify_task_exit(struct task *t, int status);
void notify_free_all(void);
void notify_dump(void);

/* context.c */
int context_new(int tid);
int context_free(int tid, int ctx);
void context_task_exit(int tid);
int context_in_use(void);
void context_free_all(void);

/* mbox.c */
int mbox_put(int tid, const Pvmx__MboxPut *req);
void mbox_get(struct conn *c, uint32_t seq, const Pvmx__MboxGet *req);
int mbox_del(int tid, const Pvmx__MboxDel *req);
int mbox_reset(int tid, const Pvmx__MboxReset *req);
void mbox_info(struct conn *c, uint32_t seq);
void mbox_task_exit(int tid);
void mbox_dump(void);
void mbox_free_all(void);

/* sysreq.c */
void tickle_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sysreq_sendsig(const struct task *from, const Pvmx__SigRequest *s);
void sysreq_hostsync(struct conn *c, uint32_t seq, int host);
void sysreq_tickle(struct conn *c, uint32_t seq, const Pvmx__TickleRequest *req);
void sysreq_getnoresets(struct conn *c, uint32_t seq);
int sysreq_self_output(struct task *t, const Pvmx__SelfOutputRequest *req);
int sysreq_role(const struct task *t, int role);
void sysreq_task_exit(int tid);

#endif

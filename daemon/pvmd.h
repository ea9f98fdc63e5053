/*
 * pvmd.h - the daemon's structures and the functions its modules share.
 * The master is host index 1 (daemon tid 1 << 18); the daemons it starts
 * get the next free indices.  Everything runs in one libevent loop on one
 * thread.
 */
#ifndef PVMX_PVMD_H
#define PVMX_PVMD_H

#include "frame.h"
#include "pending.h"
#include "pvmx.pb-c.h"
#include "tls.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/types.h>

#define PVMD_MASTER_INDEX 1
#define PVMD_SPEED 1000
/* Frames queued for a spawned task that has not connected yet. */
#define PVMD_PENDING_MAX (64u * 1024u * 1024u)
/* Longest output line written to the log before it is cut. */
#define PVMD_LINE_MAX 4096
/* Grace period between SIGTERM and SIGKILL when halting. */
#define PVMD_HALT_GRACE_MS 1000

struct task;
struct peer;
typedef struct ssl_ctx_st SSL_CTX;

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
	struct task *task;     /* set once registered; NULL before and after leave */
	struct framer framer;  /* its stream's frames (common/frame.h) */
	char why[160];         /* the framer's check writes its reason here */
	int closing;           /* output is being flushed, then the conn is freed */
	struct task *reg_wait; /* its task waits for siblings to register */
	struct event *reg_deadline; /* an unregistered connection's end */
	/* back-pressure (flow.c): held, its next data frame (framer.hdr,
	 * payload at the front of the input) waits for the queue of
	 * held_for, and the connection is not read */
	int held_for;
	unsigned held : 1;
	unsigned broken : 1;    /* an append to its output failed: it closes */
	unsigned unbounded : 1; /* its peer closed: what it sent is taken */
	struct event *resume;   /* goes on (or closes, broken) from the loop */
	struct event *gone;     /* while held: its peer closing (EV_CLOSED) */
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
	unsigned sibs_wait : 1;      /* a spawn over several hosts: register
	                                waits for the whole sibling list */
	unsigned grouped : 1;        /* made a group request: its exit is
	                                told to every daemon (group.c) */
	unsigned starting : 1;       /* forked, its exec not known yet: it
	                                does not exit before (spawn.c) */
	struct conn *reg_conn;       /* a register waiting for it */
	uint32_t reg_seq;
	int sibs_from; /* the host index that will send them */
	int status;    /* wait status once reaped */

	/* as the parent asked in the spawn request; passed on at register */
	struct siblings *sibs; /* NULL: just the task itself */
	int out_tid, out_code, out_ctx, ctx;
	int out_err_code; /* non-zero: stderr's messages take this tag */

	/* its stdin pipe (stdin.c), when spawned with stdin_pipe: fd -1
	 * once closed; bytes waiting for the pipe to take them */
	int stdin_fd;
	struct event *stdin_ev;
	struct evbuffer *stdin_buf;
	unsigned stdin_eof : 1;

	struct task_pipe out[2]; /* stdout, stderr; unused for hand tasks */
	int open_pipes;

	/* whole frames waiting for a spawned task's first connection */
	struct evbuffer *pending;
	size_t pending_bytes;

	/* its shared-memory receive region and doorbell (shmreg.c), made
	 * when it registers and removed when it is gone; "" when none */
	char shm_region[96];
	char shm_bell[108];
	struct shm_note *shm_note; /* its region's note, bumped per write (shmreg.c) */

	/* its libfabric endpoint's address blob (fabricreg.c), NULL: none */
	uint8_t *fabric_blob;
	size_t fabric_len;
	int fabric_asked; /* told to open its endpoint (once) */

	/* back-pressure (flow.c): its queue passed the bound; the hosts
	 * whose daemons were told to stop sending to it */
	unsigned over : 1;
	unsigned pending_lost : 1; /* memory ran out while queueing for it */
	int *told;
	size_t ntold;

	/* its CPU binding (topo.c): PVMX_BIND_*, the core or NUMA node it
	 * holds, and its CPUs as a list ("0-3,8"); NULL: unbound */
	int bind_policy;
	int bind_index;
	char *binding;
	/* data frames through this daemon, from it and to it (stats.c) */
	uint64_t sent_msgs, sent_bytes, recv_msgs, recv_bytes;
};
TAILQ_HEAD(task_list, task);

struct pvmd {
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *sig_chld, *sig_term, *sig_int, *sig_hup;
	struct event *halt_timer;

	int host_index;
	int host_tid;
	int master_tid; /* == host_tid on the master */
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

	/* daemon links */
	char vmid[64];
	struct tls_ca ca;     /* the master's only: it issues the credentials */
	struct tls_cred cred; /* ours: the certificate naming host_tid */
	SSL_CTX *tls_server, *tls_client;
	struct evconnlistener *tcp_listener;
	int tcp_port;
	int host_timeout_ms; /* a host silent this long is dead (liveness.c) */
	/* from the host file entry the master started us with */
	char ep[4096]; /* executable search path (ep=) */
	char wd[4096]; /* spawned tasks' working directory (wd=) */
	int speed;     /* sp=, else from the cores (topo_speed) */
	int cores, pus, numa; /* this host's topology (topo.c); 0: unknown */
};

extern struct pvmd pvmd;

/* main.c */
void pvmd_halt(struct conn *requester);
void pvmd_halt_progress(void);

/* stdin.c: a task's stdin pipe, fed by pvmrun (StdinData) */
int stdin_open(struct task *t, int *child_fd);
int stdin_data(int from, const Pvmx__StdinData *d);
void stdin_close(struct task *t);

/* owner.c: halt when the process that owns the machine ends (-o) */
int owner_watch(pid_t pid);
void owner_free(void);

/* host.c: this host's identity and name matching */
void host_init(void);
int host_is_me(const char *name);
int host_same_name(const char *a, const char *b);
int host_arch_known(const char *arch);

/* hosttab.c: the virtual machine's hosts; the master's is authoritative,
 * the others are copies it keeps up to date */
struct host {
	int index, tid;
	char *name, *arch;
	int speed, dsig;
	int cores, pus, numa; /* its topology, as its daemon read it; 0: unknown */
	char addr[64]; /* numeric; "" for the master (it is never dialled) */
	int port;
	struct peer *link;      /* the link frames to it go on, once up */
	struct evbuffer *queue; /* frames waiting for a link */
	size_t queued;
	int dialing;
	int64_t last_heard_ms; /* monotonic (liveness.c) */
	uint64_t sent_frames, sent_bytes; /* to it, since it joined (tickle 7) */
	uint64_t recv_frames, recv_bytes; /* from it (stats.c) */
	int link_full; /* local senders wait for its link to drain (flow.c) */
};
int hosttab_init_self(void);
struct host *hosttab_get(int index);
struct host *hosttab_by_tid(int tid);
struct host *hosttab_by_name(const char *name);
struct host *hosttab_by_listed_name(const char *name);
int hosttab_count(void);
/* calls f for every host, in index order */
void hosttab_foreach(void (*f)(struct host *, void *), void *arg);
struct host *hosttab_add(int index, const char *name, const char *arch, int speed,
                         int dsig, const char *addr, int port);
/* the host is gone (deleted, or dead): its link closes, notifies fire,
 * what waited for it fails */
void hosttab_remove(int index, const char *why);
int hosttab_next_index(void); /* master: a fresh index, never reused */
void hosttab_entry(const struct host *h, Pvmx__HostEntry *e);
void hosttab_free_all(void);

/* peer.c: TLS links between daemons */
int peer_listen(const char *bind_addr, int port_lo, int port_hi);
/* How long a link may take to its hello, and a local connection to its
 * register (PVMX_HELLO_TIMEOUT_MS, default 10 s), from accept. */
int peer_hello_timeout_ms(void);
/* Listeners (main.c) that pause, instead of spinning, while accept
 * fails (EMFILE ...); their accept callbacks call listener_accepted with
 * their arg. */
struct evconnlistener *listener_new(evconnlistener_cb cb, int fd, const char *what);
void listener_accepted(void *arg);
void listener_free(struct evconnlistener *l);
/* frames to a host's daemon: sent on its link, queued until one is up */
int peer_send(int host_index, const uint8_t hdr[FRAME_HEADER_LEN], struct evbuffer *src,
              const uint8_t *bytes, size_t len);
int peer_send_control(int host_index, int src, int dst, Pvmx__Control *ctl);
/* to the daemon of every other host but except (0: none) */
void peer_broadcast_control(Pvmx__Control *ctl, int except);
/* the master dials a new daemon; done(arg, 0 or error) when the link is
 * up and hello'd, or failed */
int peer_dial(int host_index, const char *addr, int port,
              void (*done)(void *arg, struct peer *p, int code), void *arg);
void peer_attach_host(struct peer *p, struct host *h);
void peer_drop_host(struct host *h);
void peer_flush_all(void);
/* peermsg.c: a message from the daemon of from_host */
int peer_daemon_message(int from_host, Pvmx__Control *ctl);
/* the daemons' messages to each other, as control.c's table serves them */
void peermsg_heartbeat(int from_host, Pvmx__Control *ctl);
void peermsg_host_table(int from_host, Pvmx__Control *ctl);
void peermsg_host_change(int from_host, Pvmx__Control *ctl);
void peermsg_spawn_fwd(int from_host, Pvmx__Control *ctl);
void peermsg_spawn_reply(int from_host, Pvmx__Control *ctl);
void peermsg_siblings(int from_host, Pvmx__Control *ctl);
void peermsg_watch(int from_host, Pvmx__Control *ctl);
void peermsg_task_exited(int from_host, Pvmx__Control *ctl);
void peermsg_group_gone(int from_host, Pvmx__Control *ctl);
void peermsg_group_handoff(int from_host, Pvmx__Control *ctl);
void peermsg_group_view_sub(int from_host, Pvmx__Control *ctl);
void peermsg_group_view_fill(int from_host, Pvmx__Control *ctl);
void peermsg_group_view_drop(int from_host, Pvmx__Control *ctl);
void peermsg_group_view_ack(int from_host, Pvmx__Control *ctl);
void peermsg_group_barrier_calls(int from_host, Pvmx__Control *ctl);
void peermsg_group_barrier_answers(int from_host, Pvmx__Control *ctl);
void peermsg_halt(int from_host, Pvmx__Control *ctl);

/* Every kind of control frame is listed once, in control.c's table:
 * where it is served and by what (one of serve, peer, conn). */
enum serve_at {
	SERVE_HERE,       /* the daemon a task talks to, for its own tasks */
	SERVE_TID_HOST,   /* the daemon of the tid it names (tid_of) */
	SERVE_MASTER,     /* the master */
	SERVE_GROUP_HOME, /* the group's home daemon (group.c) */
	SERVE_CONN,       /* the task's daemon, with its connection */
	SERVE_PEER        /* a message between daemons */
};
struct request_kind {
	int body; /* Pvmx__Control's body case */
	const char *name;
	enum serve_at at;
	int (*tid_of)(const Pvmx__Control *ctl);
	void (*serve)(const struct reply_addr *to, struct task *local, Pvmx__Control *ctl);
	void (*peer)(int from_host, Pvmx__Control *ctl);
	int (*conn)(struct conn *c, const struct reply_addr *to, Pvmx__Control *ctl);
	int relayed_ok; /* a task of another host may ask it through its daemon */
};
const struct request_kind *request_kind_of(int body_case);
size_t peer_backlog(int host_index);
void peer_free_all(void);

/* liveness.c: this daemon's loop and the other daemons' heartbeats */
void liveness_init(void);          /* the host timeout, from the environment */
void liveness_set_timeout(int ms); /* the master's, from the boot lines */
void liveness_start(void);
void liveness_heard(struct host *h); /* a frame from h's daemon */
/* Since the start: the loop's longest stall (ms), the longest part of
 * one the daemon itself could have been busy (at most the CPU it ran),
 * and the stalls logged. */
void liveness_stalls(int32_t *longest_ms, int32_t *busy_ms, int32_t *count);
void liveness_free_all(void);

/* hostclock.c: the hosts' clocks, from the heartbeats (clockest.c) */
void hostclock_beat(struct host *h); /* sends h our heartbeat */
void hostclock_heartbeat(int from_host, const Pvmx__Heartbeat *hb);
/* The clock of tid's host (0: ours) minus ours, within *err_us: 0,
 * PvmNoEntry (no estimate yet), PvmNoHost or PvmBadParam. */
int hostclock_get(int tid, int64_t *offset_us, int64_t *err_us);
void hostclock_request(const struct reply_addr *to, int host); /* pvmx_hostclock */

/* route.c: frames to any tid, here or on another host */
void route_data(const struct frame_header *h, struct evbuffer *src);
void route_bytes(int dst, const uint8_t *frame, size_t len);
void route_control(int dst, Pvmx__Control *ctl);
void route_status(int dst, uint32_t seq, int code);
size_t route_backlog(int dst);
/* Appends a frame (hdr, then len bytes moved from src, or copied from
 * bytes when src is NULL) to dst: 0, or -1 when memory ran out, and dst
 * may then end inside the frame (the stream must be closed).  src loses
 * its len bytes either way. */
int route_append(struct evbuffer *dst, const uint8_t *hdr, struct evbuffer *src,
                 const uint8_t *bytes, size_t len);
int route_is_local(int tid);
/* mcast.c: a multicast frame (FRAME_FLAG_MCAST) from a task of ours or
 * passed on by another daemon: delivered here, passed down the tree of
 * hosts */
void route_mcast(const struct frame_header *h, struct evbuffer *src);
/* The answer to the request of to: ctl->seq is set to to->seq. */
void reply_control(const struct reply_addr *to, Pvmx__Control *ctl);
void reply_status(const struct reply_addr *to, int code);
/* Whether an answer to to would reach it now (its task connected, or
 * its host in the table). */
int reply_reachable(const struct reply_addr *to);
/* A request of our task that host's daemon serves (a PENDING_RELAY):
 * PvmHostFail if that host goes first; done when the answer passes. */
void relay_track(int tid, uint32_t seq, int host);
void relay_done(int tid, uint32_t seq);

/* boot.c: adding and deleting hosts (master), starting as a slave */
void boot_add_hosts(int requester, uint32_t seq, const Pvmx__HostsRequest *req);
void boot_del_hosts(int requester, uint32_t seq, const Pvmx__HostsRequest *req);
void boot_host_failed(int index, const char *why); /* master */
int boot_hostfile(const char *path);
void boot_wait(int tid, uint32_t seq);
int boot_slave_read(char *bind_addr, size_t bind_len); /* pvmd -s */
void boot_slave_say(const char *fmt, const char *arg);
int boot_slave_detach(void);
void boot_slave_watchdog(void);
void boot_slave_ready(void);
void boot_free_all(void);

/* conn.c */
void conn_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                 int socklen, void *arg);
void conn_close(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void conn_send_control(struct conn *c, Pvmx__Control *ctl);
void conn_send_status(struct conn *c, uint32_t seq, int code);
void conn_refuse(struct conn *c, Pvmx__Control *reply, const char *why);
void conn_flush_now(struct conn *c);
/* A held connection goes on from the loop (flow.c). */
void conn_resume(struct conn *c);
/* An append to c's output failed (what): c closes from the loop, and
 * nothing more is queued for it. */
void conn_fail(struct conn *c, const char *what);
void conn_free_all(void);
/* Reads the next frame of stream `in` through f (conn.c, also for the
 * links): FRAMER_PAYLOAD when f->hdr and its payload are at the front of
 * in, FRAMER_NEED, or FRAMER_ERROR with *why. */
int daemon_next_frame(struct framer *f, struct evbuffer *in, const char **why);

/* flow.c: back-pressure.  What the daemon queues for one receiver (and
 * on one link) is bounded by flow_queue_max (PVMX_QUEUE_MAX); senders
 * wait until it is down to flow_queue_low. */
size_t flow_queue_max(void);
size_t flow_queue_low(void);
/* The tid whose queue the data frame h (payload at the front of in)
 * must wait for, or 0. */
int flow_blocker(const struct frame_header *h, struct evbuffer *in);
void flow_delivered(struct task *t, int src);
void flow_task_drained(struct task *t);
void flow_task_gone(struct task *t);
void flow_link_drained(struct host *h);
void flow_host_gone(int index);
void flow_peer_stop(int from_host, Pvmx__Control *ctl);
void flow_peer_go(int from_host, Pvmx__Control *ctl);
void flow_trim_soon(void);
void flow_free_all(void);

/* control.c: one handler per request; returns -1 if c was closed */
int control_dispatch(struct conn *c, Pvmx__Control *ctl);
/* a task's request that came from another daemon (src: the task) */
void control_relayed(int src, Pvmx__Control *ctl);
/* the request must be served by the daemon of host_tid: forwarded */
int control_forward(int tid, int host_tid, const Pvmx__Control *ctl);
void control_register_reply(struct task *t);

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
void task_deliver_bytes_split(struct task *t, const uint8_t hdr[FRAME_HEADER_LEN],
                              const uint8_t *payload, size_t len);
size_t task_backlog(const struct task *t);
void task_reap_children(void);
void task_free_all(void);
void siblings_release(struct siblings *s);

/* topo.c: this host's topology (hwloc) and the binding of spawned tasks */
int topo_init(void); /* at start: pvmd.cores, pus, numa; -1: unknown (logged) */
/* A host's speed: sp= when given (> 0), else 1000 per core (1000 when
 * ncores is unknown). */
int topo_speed(int sp, int ncores);
/* t takes the next place of policy (PVMX_BIND_CORE or _NUMA): its
 * binding is set, and *mask (CPU_FREE'd by the caller; NULL when the
 * topology is not this machine's, so nothing is applied) is for its
 * child's sched_setaffinity.  0, or a PVM error. */
int topo_bind_take(struct task *t, int policy, cpu_set_t **mask, size_t *size);
void topo_bind_release(struct task *t); /* t is gone: its place is free */
void topo_free_all(void);

/* spawn.c: instances started on this host, in steps of the loop */
/* A run's answer: tids (a tid or an error per instance, in order) and
 * binds (beside them, each started instance's CPU binding, "" none; NULL
 * if not known), of which the callee may keep nothing; tids NULL when
 * the daemon exits first.  to is who asked. */
typedef void spawn_done_fn(void *arg, const struct reply_addr *to, int32_t *tids,
                           char **binds, size_t count);
/* Starts count instances of req here for to (parent: their ptid).  Its
 * tasks wait at register for their sibling list when sibs_from is not 0
 * (that host index sends it).  It stops forking when to's task goes, or
 * host (not 0: the host that asked) goes.  0, then done(arg, ...) later
 * (never from within), or a PVM error when none can start. */
int spawn_here(const Pvmx__SpawnRequest *req, const struct reply_addr *to, int host,
               int parent, size_t count, int sibs_from, spawn_done_fn *done, void *arg);
void spawn_free_all(void);
/* Frees an array of n strings (NULL entries allowed) and the array. */
void strv_free(char **v, size_t n);
/* spawnhosts.c: requests, placement, spawns over several hosts */
#define SPAWN_MAX_COUNT 0x3ffff /* more instances than tids is a mistake */
void spawn_request(const struct reply_addr *to, const Pvmx__SpawnRequest *req);
void spawn_forwarded(int from_host, uint32_t seq, const Pvmx__SpawnForward *fwd);
void spawn_forward_reply(int from_host, uint32_t seq, const Pvmx__SpawnReply *r);
void spawn_siblings(const Pvmx__Siblings *s);
void spawn_host_gone(int index);

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
void notify_watch(int from_host, int tid);
void notify_remote_exit(int tid, int status);
void notify_host_change(int host_tid, int deleted);

/* context.c */
int context_new(int tid);
int context_free(int tid, int ctx);
void context_task_exit(int tid);
int context_in_use(void);
void context_free_all(void);

/* shmreg.c: the shared-memory regions of local tasks (the direct route
 * between tasks of this host, libpvm/lpvm_shm*.c) */
void shmreg_sweep(void); /* at start: remove what a dead daemon of ours left */
void shmreg_task_new(struct task *t);  /* at register: make t's region, if we can */
void shmreg_task_gone(struct task *t); /* t is gone: its region and doorbell too */
/* bytes for t reached its socket: tell it by its region's note */
void shmreg_wrote(struct task *t);

/* fabricreg.c: the libfabric route's addresses (tasks' blobs, and this
 * host's address on the links, learnt from the first link up or the
 * master's boot line) */
void fabricreg_set_link_addr(const char *addr);
void fabricreg_note_link(int fd);
/* what a registering task binds its endpoint to: "" unless other hosts */
const char *fabricreg_bind_addr(void);
int fabricreg_publish(struct task *t, const Pvmx__FabricPublish *p);
void fabricreg_lookup(const struct reply_addr *to, int tid);
void fabricreg_task_gone(struct task *t);

/* mbox.c */
int mbox_put(int tid, const Pvmx__MboxPut *req);
void mbox_get(const struct reply_addr *to, const Pvmx__MboxGet *req);
int mbox_del(int tid, const Pvmx__MboxDel *req);
int mbox_reset(int tid, const Pvmx__MboxReset *req);
void mbox_info(const struct reply_addr *to);
void mbox_task_exit(int tid);
void mbox_dump(void);
void mbox_free_all(void);

/* group.c: group membership at each group's home daemon */
int group_home(const char *name); /* the home's daemon tid */
int group_serving_daemon(const Pvmx__GroupRequest *req);
void group_request(const struct reply_addr *to, const Pvmx__GroupRequest *req);
void group_task_gone(int tid);
void group_task_exit(const struct task *t);
void group_host_gone(int index);
void group_hosts_changed(void);
void group_handoff(int from_host, const Pvmx__GroupMembers *gm);
void group_view_sub(int from_host, const Pvmx__GroupRequest *req);
void group_view_ack(int from_host, const Pvmx__GroupRequest *req);
void group_barrier_calls(int from_host, const Pvmx__GroupCalls *gc);
/* a group_members answer to to of one group (name NULL: none, only
 * code): its n-long by-instance tids (-1 a free instance), frozen */
void group_reply_members(const struct reply_addr *to, int code, const char *name,
                         const int32_t *tids, size_t n, int frozen);
/* small arrays of ints: append (0, or -1 out of memory), append unless
 * there, find (index or -1), remove (1 when it was there; order not
 * kept) */
int ints_push(int **a, int *n, int *cap, int v);
int ints_add(int **a, int *n, int *cap, int v);
int ints_find(const int *a, int n, int v);
int ints_remove(int *a, int *n, int v);
void group_dump(void);
void group_free_all(void);

/* groupmember.c: our tasks' memberships, for a group whose home is lost */
#define GROUP_INST_MAX (1 << 20) /* instances in one group, at most */
/* tid (ours) got code answering its op (join: its instance) on name */
void groupmember_note(int tid, int op, const char *name, int code);
/* tid's join or leave (req, seq) went to the home daemon home */
void groupmember_asked(int tid, uint32_t seq, const Pvmx__GroupRequest *req, int home);
/* an answer from another daemon to our task tid (any kind) */
void groupmember_answer(int tid, const Pvmx__Control *ctl);
/* group name, of which our tasks may be members, is frozen with the
 * n-long by-instance tids (its home's note, a freeze's answer, a view) */
void groupmember_frozen(const char *name, const int32_t *tids, size_t n);
/* tid (ours or another host's task that used groups) is gone */
void groupmember_task_gone(int tid);
void groupmember_hosts_changed(void);
void groupmember_host_gone(int index);
void groupmember_dump(void);
void groupmember_free_all(void);

/* groupview.c: this daemon's views of groups homed elsewhere */
/* A read of our task answered from (or waiting for) a view: 1; 0 when
 * the home is to be asked. */
int groupview_serve(const struct reply_addr *to, const Pvmx__GroupRequest *req);
void groupview_fill(int from_host, const Pvmx__GroupMembers *gm);
void groupview_drop(int from_host, const Pvmx__GroupRequest *req);
void groupview_answers(int from_host, const Pvmx__GroupCalls *gc);
void groupview_hosts_changed(void);
void groupview_host_gone(int index);
void groupview_dump(void);
void groupview_free_all(void);

/* sysreq.c */
void tickle_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sysreq_sendsig(int from, const Pvmx__SigRequest *s);
void sysreq_hostsync(const struct reply_addr *to, int host);
void sysreq_tickle(const struct reply_addr *to, const Pvmx__TickleRequest *req);
void sysreq_getnoresets(const struct reply_addr *to);
int sysreq_self_output(struct task *t, const Pvmx__SelfOutputRequest *req);
int sysreq_role(const struct task *t, int role);
void sysreq_task_exit(int tid);

/* stats.c: the live view's counters of this host (docs/top.md) */
void stats_request(const struct reply_addr *to, int host);

#endif

/*
 * control.c - the control requests: one handler per kind, each answering
 * with exactly one reply echoing the request's seq.  Spawn lives in
 * spawn.c, notify in notify.c.
 */
#include "pvmd.h"

#include "groupwire.h"
#include "log.h"
#include "pvmx.h"
#include "tid.h"
#include "wire.h"

#include <errno.h>
#include <pvm3.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* ti_flag in a tasks reply: 4 (PVM's TF_CONN) while the task has a
 * connection to us, 0 while it has none (spawned, not yet registered, or
 * after pvm_exit while its process still runs). */
#define TASK_FLAG_CONNECTED 4

static void reply_register(struct conn *c, uint32_t seq, const struct task *t, int code)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__RegisterReply rr = PVMX__REGISTER_REPLY__INIT;

	rr.code = code;
	rr.host_tid = pvmd.host_tid;
	rr.dsig = pvmd.dsig;
	rr.max_frame = pvmd.max_frame;
	if (t != NULL) {
		rr.tid = t->tid;
		rr.parent_tid = t->ptid;
		if (t->sibs != NULL) {
			rr.siblings = (int32_t *)t->sibs->tids;
			rr.n_siblings = t->sibs->n;
		} else {
			rr.siblings = (int32_t *)&t->tid;
			rr.n_siblings = 1;
		}
		rr.out_tid = t->out_tid;
		rr.out_code = t->out_code;
		rr.out_ctx = t->out_ctx;
		rr.ctx = t->ctx;
		rr.shm_region = (char *)t->shm_region;
		rr.shm_bell = (char *)t->shm_bell;
		rr.fabric_addr = (char *)fabricreg_bind_addr();
	} else {
		rr.parent_tid = PvmNoParent;
	}
	ctl.seq = seq;
	ctl.body_case = PVMX__CONTROL__BODY_REG_REPLY;
	ctl.reg_reply = &rr;
	if (code < 0) {
		char why[96];

		snprintf(why, sizeof(why), "register refused (code %d)", code);
		conn_refuse(c, &ctl, why);
		return;
	}
	conn_send_control(c, &ctl);
}

static int handle_register(struct conn *c, uint32_t seq, const Pvmx__Register *reg)
{
	struct task *t;

	if (reg->protocol_version != PVMX_PROTOCOL_VERSION) {
		log_warn("conn fd %d pid %d: protocol version %d, this pvmd speaks %d",
		         c->fd, (int)c->pid, reg->protocol_version,
		         PVMX_PROTOCOL_VERSION);
		reply_register(c, seq, NULL, PvmBadVersion);
		return -1;
	}
	if (reg->claimed_tid != 0) {
		t = task_find(reg->claimed_tid);
		if (t == NULL || !t->spawned || t->ever_connected) {
			log_warn("conn fd %d pid %d: claims t%x, which %s", c->fd,
			         (int)c->pid, (unsigned)reg->claimed_tid,
			         t == NULL     ? "does not exist"
			         : !t->spawned ? "was not spawned by this pvmd"
			                       : "has connected before");
			reply_register(c, seq, NULL, PvmDenied);
			return -1;
		}
		log_info("t%x pid %d connected (spawned as pid %d)", t->tid, (int)c->pid,
		         (int)t->pid);
	} else {
		char shown[LOG_PRINTABLE_LEN];
		char *name = strdup(reg->name[0] != '\0'
		                        ? log_printable(shown, sizeof(shown), reg->name)
		                        : "-");

		t = name != NULL ? task_new(0) : NULL;
		if (t == NULL) {
			free(name);
			reply_register(c, seq, NULL, PvmOutOfRes);
			return -1;
		}
		t->name = name;
		t->ptid = PvmNoParent;
		t->pid = c->pid > 0 ? c->pid : reg->pid;
		log_info("t%x pid %d connected (%s)", t->tid, (int)t->pid, t->name);
	}
	/* its direct route from the tasks of this host, ready before it
	 * learns of it */
	shmreg_task_new(t);
	/* a task of a spawn over several hosts learns its siblings at
	 * register: it waits until the requester's daemon sent them */
	if (t->sibs_wait) {
		t->reg_conn = c;
		t->reg_seq = seq;
		c->reg_wait = t;
		t->ever_connected = 1;
		return 0;
	}
	/* the reply goes first, then whatever was queued for the task */
	c->task = t;
	reply_register(c, seq, t, 0);
	task_attach(t, c);
	return 0;
}

void control_register_reply(struct task *t)
{
	struct conn *c = t->reg_conn;

	t->sibs_wait = 0;
	if (c == NULL)
		return;
	t->reg_conn = NULL;
	c->reg_wait = NULL;
	c->task = t;
	reply_register(c, t->reg_seq, t, 0);
	task_attach(t, c);
}

struct config_fill {
	Pvmx__HostInfo *infos, **ptrs;
	size_t n;
};

static void config_host(struct host *h, void *arg)
{
	struct config_fill *f = arg;
	Pvmx__HostInfo *hi = &f->infos[f->n];

	pvmx__host_info__init(hi);
	hi->tid = h->tid;
	hi->name = h->name;
	hi->arch = h->arch;
	hi->speed = h->speed;
	hi->dsig = h->dsig;
	hi->cores = h->cores;
	hi->pus = h->pus;
	hi->numa = h->numa;
	f->ptrs[f->n] = hi;
	f->n++;
}

static void handle_config(const struct reply_addr *to)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__ConfigReply cr = PVMX__CONFIG_REPLY__INIT;
	size_t n = (size_t)hosttab_count();
	struct config_fill f = {calloc(n ? n : 1, sizeof(Pvmx__HostInfo)),
	                        calloc(n ? n : 1, sizeof(Pvmx__HostInfo *)), 0};

	if (f.infos == NULL || f.ptrs == NULL) {
		cr.code = PvmNoMem;
	} else {
		hosttab_foreach(config_host, &f);
		cr.hosts = f.ptrs;
		cr.n_hosts = f.n;
		/* distinct architectures */
		for (size_t i = 0; i < f.n; i++) {
			size_t k = 0;

			while (k < i && strcmp(f.infos[k].arch, f.infos[i].arch) != 0)
				k++;
			cr.narch += k == i;
		}
	}
	ctl.body_case = PVMX__CONTROL__BODY_CONFIG_REPLY;
	ctl.config_reply = &cr;
	reply_control(to, &ctl);
	free(f.infos);
	free(f.ptrs);
}

static void task_info(Pvmx__TaskInfo *ti, const struct task *t)
{
	pvmx__task_info__init(ti);
	ti->tid = t->tid;
	ti->parent_tid = t->ptid;
	ti->host_tid = pvmd.host_tid;
	ti->flags = t->conn != NULL ? TASK_FLAG_CONNECTED : 0;
	ti->name = t->name != NULL ? t->name : "-";
	ti->pid = (int32_t)t->pid;
	ti->binding = t->binding != NULL ? t->binding : "";
}

static void handle_tasks(const struct reply_addr *to, int where)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__TasksReply tr = PVMX__TASKS_REPLY__INIT;
	Pvmx__TaskInfo *infos = NULL, **ptrs = NULL;
	struct task *one = NULL;
	size_t n = 0;

	if (where != 0 && !tid_is_valid(where)) {
		tr.code = PvmBadParam;
	} else if (where != 0 && tid_is_daemon(where)) {
		if (hosttab_by_tid(where) == NULL)
			tr.code = PvmNoHost;
	} else if (where != 0) {
		one = task_find(where);
		if (one == NULL)
			tr.code = PvmNoTask;
	}
	if (tr.code == 0) {
		size_t cap = one != NULL ? 1 : (size_t)pvmd.ntasks;

		infos = calloc(cap ? cap : 1, sizeof(*infos));
		ptrs = calloc(cap ? cap : 1, sizeof(*ptrs));
		if (infos == NULL || ptrs == NULL) {
			tr.code = PvmNoMem;
		} else if (one != NULL) {
			task_info(&infos[0], one);
			ptrs[n++] = &infos[0];
		} else {
			struct task *t;

			TAILQ_FOREACH(t, &pvmd.tasks, entry)
			{
				if (n == cap)
					break;
				task_info(&infos[n], t);
				ptrs[n] = &infos[n];
				n++;
			}
		}
	}
	tr.tasks = ptrs;
	tr.n_tasks = tr.code == 0 ? n : 0;
	ctl.body_case = PVMX__CONTROL__BODY_TASKS_REPLY;
	ctl.tasks_reply = &tr;
	reply_control(to, &ctl);
	free(infos);
	free(ptrs);
}

static int handle_kill(int from, const Pvmx__KillRequest *k)
{
	int sig = k->signal != 0 ? k->signal : SIGTERM;
	struct task *t;

	if (!tid_is_valid(k->tid) || tid_is_daemon(k->tid) || sig < 1 || sig >= NSIG)
		return PvmBadParam;
	t = task_find(k->tid);
	if (t == NULL)
		return PvmNoTask;
	/* a reaped process's pid may belong to someone else by now */
	if ((t->spawned && t->reaped) || t->pid <= 1)
		return PvmOk;
	log_info("t%x: signal %d to t%x pid %d", (unsigned)from, sig, t->tid,
	         (int)t->pid);
	if (kill(t->pid, sig) != 0 && errno != ESRCH) {
		log_warn("kill pid %d: %s", (int)t->pid, strerror(errno));
		return PvmSysErr;
	}
	return PvmOk;
}

static int handle_pstat(int tid)
{
	if (!tid_is_valid(tid))
		return PvmBadParam;
	if ((tid_is_daemon(tid) && hosttab_by_tid(tid) != NULL) || task_find(tid) != NULL)
		return PvmOk;
	return PvmNoTask;
}

int control_forward(int tid, int host_tid, const Pvmx__Control *ctl)
{
	int index = tid_host_index(host_tid);
	size_t len;
	uint8_t *frame;

	if (hosttab_get(index) == NULL || index == pvmd.host_index)
		return PvmNoHost;
	frame = wire_control_frame(ctl, tid, tid_make(index, 0), &len);
	if (frame == NULL)
		return PvmNoMem;
	relay_track(tid, ctl->seq, index);
	peer_send(index, frame, NULL, frame + FRAME_HEADER_LEN, len - FRAME_HEADER_LEN);
	free(frame);
	return 0;
}

/* The daemon that serves a request: the host of the tid it is about, or
 * the master for the mailbox and host changes; 0 when that is this
 * daemon's to decide (a tid of ours, or a malformed one), -1 for the
 * kinds only ever served where the task is. */
/* Which daemon serves ctl (request_kinds): -1 the one its task talks to,
 * always; 0 this one; else that daemon's tid. */
static int serving_daemon(const Pvmx__Control *ctl)
{
	const struct request_kind *k = request_kind_of(ctl->body_case);
	int tid;

	if (k == NULL)
		return -1;
	switch (k->at) {
	case SERVE_MASTER:
		return pvmd.master_tid;
	case SERVE_GROUP_HOME:
		return group_serving_daemon(ctl->group);
	case SERVE_TID_HOST:
		tid = k->tid_of(ctl);
		if (tid == 0)
			return 0;
		if (!tid_is_valid(tid) || route_is_local(tid))
			return 0;
		return tid_host(tid);
	default:
		return -1; /* always served where the task is */
	}
}

static void control_serve(const struct reply_addr *to, struct task *local,
                          Pvmx__Control *ctl);

/* A request of a task of another host, passed on by its daemon: served
 * as a local one, its answer routed back to that task. */
void control_relayed(int src, Pvmx__Control *ctl)
{
	struct reply_addr to = {src, ctl->seq};
	int server = serving_daemon(ctl);

	if (server != 0 && server != -1 && server != pvmd.host_tid) {
		/* not ours to serve: one hop only; a group whose home is
		 * another host by our table is asked for again */
		reply_status(&to, ctl->body_case == PVMX__CONTROL__BODY_GROUP
		                      ? GROUP_MOVED
		                      : PvmNoHost);
		return;
	}
	control_serve(&to, NULL, ctl);
}

int control_dispatch(struct conn *c, Pvmx__Control *ctl)
{
	struct reply_addr to;
	int server;

	if (c->task == NULL) {
		if (ctl->body_case != PVMX__CONTROL__BODY_REG) {
			conn_close(c, "first frame is not a Register (control kind %d)",
			           (int)ctl->body_case);
			return -1;
		}
		return handle_register(c, ctl->seq, ctl->reg);
	}
	to.tid = c->task->tid;
	to.seq = ctl->seq;
	/* served elsewhere; when that host does not exist, the handler here
	 * answers as for any unknown tid */
	server = serving_daemon(ctl);
	if (ctl->body_case == PVMX__CONTROL__BODY_GROUP)
		c->task->grouped = 1;
	/* a group's reads may be answered by our view of it, its barrier
	 * calls held to go together */
	if (server > 0 && server != pvmd.host_tid &&
	    ctl->body_case == PVMX__CONTROL__BODY_GROUP && groupview_serve(&to, ctl->group))
		return 0;
	if (server > 0 && server != pvmd.host_tid &&
	    control_forward(c->task->tid, server, ctl) == 0) {
		if (ctl->body_case == PVMX__CONTROL__BODY_GROUP)
			groupmember_asked(c->task->tid, ctl->seq, ctl->group, server);
		return 0;
	}
	{
		const struct request_kind *k = request_kind_of(ctl->body_case);

		if (k != NULL && k->conn != NULL)
			return k->conn(c, &to, ctl);
	}
	control_serve(&to, c->task, ctl);
	return 0;
}

/* Every request of a registered task: from local, its task here, or
 * NULL for a task of another host (then only the kinds serving_daemon
 * names are served). */
static void control_serve(const struct reply_addr *to, struct task *local,
                          Pvmx__Control *ctl)
{
	if (local == NULL && serving_daemon(ctl) < 0) {
		log_warn("t%x (relayed): request kind %d is not served for another "
		         "host",
		         (unsigned)to->tid, (int)ctl->body_case);
		reply_status(to, PvmNotImpl);
		return;
	}
	{
		const struct request_kind *k = request_kind_of(ctl->body_case);

		if (k == NULL || k->serve == NULL || (local == NULL && !k->relayed_ok)) {
			reply_status(to, PvmNotImpl);
			return;
		}
		k->serve(to, local, ctl);
	}
}

/* ---- the request kinds: what each does (the table below says where) ---- */

static int conn_register(struct conn *c, const struct reply_addr *to, Pvmx__Control *ctl)
{
	(void)to;
	/* one registration per connection */
	reply_register(c, ctl->seq, NULL, PvmDenied);
	return -1;
}

static int conn_halt(struct conn *c, const struct reply_addr *to, Pvmx__Control *ctl)
{
	(void)ctl;
	log_info("t%x asks to halt", (unsigned)c->task->tid);
	reply_status(to, PvmOk);
	if (pvmd.host_tid != pvmd.master_tid) {
		/* the master halts the whole machine, us included */
		Pvmx__Control h = PVMX__CONTROL__INIT;
		Pvmx__Empty e = PVMX__EMPTY__INIT;

		h.body_case = PVMX__CONTROL__BODY_PEER_HALT;
		h.peer_halt = &e;
		peer_send_control(tid_host_index(pvmd.master_tid), pvmd.host_tid,
		                  pvmd.master_tid, &h);
		return 0;
	}
	pvmd_halt(c);
	return 0;
}

static int conn_leave(struct conn *c, const struct reply_addr *to, Pvmx__Control *ctl)
{
	(void)ctl;
	/* the connection stays open for the reply; it may register again,
	 * as a new task */
	log_info("t%x leaves", (unsigned)c->task->tid);
	reply_status(to, PvmOk);
	task_detach(c->task);
	return 0;
}

#define SERVE(name) \
	static void name(const struct reply_addr *to, struct task *local, Pvmx__Control *ctl)
#define UNUSED_LOCAL (void)local
#define UNUSED_CTL (void)ctl

SERVE(serve_spawn) { UNUSED_LOCAL; spawn_request(to, ctl->spawn); }
SERVE(serve_config) { UNUSED_LOCAL; UNUSED_CTL; handle_config(to); }
SERVE(serve_tasks) { UNUSED_LOCAL; handle_tasks(to, ctl->tasks->where); }
SERVE(serve_kill) { UNUSED_LOCAL; reply_status(to, handle_kill(to->tid, ctl->kill)); }
SERVE(serve_notify) { reply_status(to, notify_request(local, ctl->notify)); }
SERVE(serve_pstat) { UNUSED_LOCAL; reply_status(to, handle_pstat(ctl->pstat->tid)); }
SERVE(serve_mstat)
{
	UNUSED_LOCAL;
	reply_status(to, hosttab_by_name(ctl->mstat->host) != NULL ? PvmOk : PvmNoHost);
}
SERVE(serve_add_hosts) { UNUSED_LOCAL; boot_add_hosts(to->tid, to->seq, ctl->add_hosts); }
SERVE(serve_del_hosts) { UNUSED_LOCAL; boot_del_hosts(to->tid, to->seq, ctl->del_hosts); }
SERVE(serve_group) { UNUSED_LOCAL; group_request(to, ctl->group); }
SERVE(serve_fabric_publish)
{
	reply_status(to, fabricreg_publish(local, ctl->fabric_publish));
}
SERVE(serve_fabric_lookup) { UNUSED_LOCAL; fabricreg_lookup(to, ctl->fabric_lookup->tid); }
SERVE(serve_boot_wait)
{
	UNUSED_LOCAL;
	UNUSED_CTL;
	/* only the master boots from a host file */
	if (pvmd.host_tid == pvmd.master_tid)
		boot_wait(to->tid, to->seq);
	else
		reply_status(to, hosttab_count());
}
SERVE(serve_newcontext) { UNUSED_LOCAL; UNUSED_CTL; reply_status(to, context_new(to->tid)); }
SERVE(serve_freecontext)
{
	UNUSED_LOCAL;
	reply_status(to, context_free(to->tid, ctl->freecontext->ctx));
}
SERVE(serve_mbox_put) { UNUSED_LOCAL; reply_status(to, mbox_put(to->tid, ctl->mbox_put)); }
SERVE(serve_mbox_get) { UNUSED_LOCAL; mbox_get(to, ctl->mbox_get); }
SERVE(serve_mbox_del) { UNUSED_LOCAL; reply_status(to, mbox_del(to->tid, ctl->mbox_del)); }
SERVE(serve_mbox_info) { UNUSED_LOCAL; UNUSED_CTL; mbox_info(to); }
SERVE(serve_mbox_reset)
{
	UNUSED_LOCAL;
	reply_status(to, mbox_reset(to->tid, ctl->mbox_reset));
}
SERVE(serve_sendsig) { UNUSED_LOCAL; reply_status(to, sysreq_sendsig(to->tid, ctl->sendsig)); }
SERVE(serve_stdin)
{
	UNUSED_LOCAL;
	reply_status(to, stdin_data(to->tid, ctl->stdin_data));
}
SERVE(serve_hostsync) { UNUSED_LOCAL; sysreq_hostsync(to, ctl->hostsync->host); }
SERVE(serve_tickle) { UNUSED_LOCAL; sysreq_tickle(to, ctl->tickle); }
SERVE(serve_noreset)
{
	local->noreset = ctl->noreset->on;
	reply_status(to, PvmOk);
}
SERVE(serve_getnoresets) { UNUSED_LOCAL; UNUSED_CTL; sysreq_getnoresets(to); }
SERVE(serve_self_output) { reply_status(to, sysreq_self_output(local, ctl->self_output)); }
SERVE(serve_reg_role) { reply_status(to, sysreq_role(local, ctl->reg_role->role)); }
SERVE(serve_stats) { UNUSED_LOCAL; stats_request(to, ctl->stats->host); }
SERVE(serve_hostclock) { UNUSED_LOCAL; hostclock_request(to, ctl->hostclock->host); }

/* the tid whose host serves a request */
static int tid_tasks(const Pvmx__Control *c) { return c->tasks->where; }
static int tid_kill(const Pvmx__Control *c) { return c->kill->tid; }
static int tid_pstat(const Pvmx__Control *c)
{
	return tid_is_daemon(c->pstat->tid) ? 0 : c->pstat->tid;
}
static int tid_sendsig(const Pvmx__Control *c) { return c->sendsig->tid; }
static int tid_stdin(const Pvmx__Control *c) { return c->stdin_data->tid; }
static int tid_hostsync(const Pvmx__Control *c) { return c->hostsync->host; }
static int tid_stats(const Pvmx__Control *c) { return c->stats->host; }
static int tid_fabric_lookup(const Pvmx__Control *c)
{
	/* only our own daemon's address is answered */
	return tid_is_daemon(c->fabric_lookup->tid) ? 0 : c->fabric_lookup->tid;
}

#define B(x) PVMX__CONTROL__BODY_##x
/* Every kind of control frame, once: where it is served and by what.
 *   SERVE_HERE        the daemon the task talks to, for its own tasks only
 *   SERVE_TID_HOST    the daemon of the tid the request names (relayed)
 *   SERVE_MASTER      the master (relayed)
 *   SERVE_GROUP_HOME  the group's home daemon (relayed; group.c)
 *   SERVE_CONN        the daemon the task talks to, with its connection
 *   SERVE_PEER        a message between daemons (peermsg.c)
 * relayed_ok: a task of another host may ask it through its daemon. */
static const struct request_kind request_kinds[] = {
    {B(REG), "register", SERVE_CONN, NULL, NULL, NULL, conn_register, 0},
    {B(HALT), "halt", SERVE_CONN, NULL, NULL, NULL, conn_halt, 0},
    {B(LEAVE), "leave", SERVE_CONN, NULL, NULL, NULL, conn_leave, 0},
    {B(SPAWN), "spawn", SERVE_HERE, NULL, serve_spawn, NULL, NULL, 0},
    {B(CONFIG), "config", SERVE_HERE, NULL, serve_config, NULL, NULL, 0},
    {B(TASKS), "tasks", SERVE_TID_HOST, tid_tasks, serve_tasks, NULL, NULL, 1},
    {B(KILL), "kill", SERVE_TID_HOST, tid_kill, serve_kill, NULL, NULL, 1},
    {B(NOTIFY), "notify", SERVE_HERE, NULL, serve_notify, NULL, NULL, 0},
    {B(PSTAT), "pstat", SERVE_TID_HOST, tid_pstat, serve_pstat, NULL, NULL, 1},
    {B(MSTAT), "mstat", SERVE_HERE, NULL, serve_mstat, NULL, NULL, 0},
    {B(ADD_HOSTS), "add hosts", SERVE_MASTER, NULL, serve_add_hosts, NULL, NULL, 1},
    {B(DEL_HOSTS), "delete hosts", SERVE_MASTER, NULL, serve_del_hosts, NULL, NULL, 1},
    {B(GROUP), "group", SERVE_GROUP_HOME, NULL, serve_group, NULL, NULL, 1},
    {B(FABRIC_PUBLISH), "fabric publish", SERVE_HERE, NULL, serve_fabric_publish, NULL,
     NULL, 0},
    {B(FABRIC_LOOKUP), "fabric lookup", SERVE_TID_HOST, tid_fabric_lookup,
     serve_fabric_lookup, NULL, NULL, 1},
    {B(BOOT_WAIT), "boot wait", SERVE_HERE, NULL, serve_boot_wait, NULL, NULL, 0},
    {B(NEWCONTEXT), "new context", SERVE_HERE, NULL, serve_newcontext, NULL, NULL, 0},
    {B(FREECONTEXT), "free context", SERVE_HERE, NULL, serve_freecontext, NULL, NULL, 0},
    {B(MBOX_PUT), "mailbox put", SERVE_MASTER, NULL, serve_mbox_put, NULL, NULL, 1},
    {B(MBOX_GET), "mailbox get", SERVE_MASTER, NULL, serve_mbox_get, NULL, NULL, 1},
    {B(MBOX_DEL), "mailbox delete", SERVE_MASTER, NULL, serve_mbox_del, NULL, NULL, 1},
    {B(MBOX_INFO), "mailbox info", SERVE_MASTER, NULL, serve_mbox_info, NULL, NULL, 1},
    {B(MBOX_RESET), "mailbox reset", SERVE_MASTER, NULL, serve_mbox_reset, NULL, NULL, 1},
    {B(SENDSIG), "send signal", SERVE_TID_HOST, tid_sendsig, serve_sendsig, NULL, NULL, 1},
    {B(STDIN_DATA), "stdin data", SERVE_TID_HOST, tid_stdin, serve_stdin, NULL, NULL, 1},
    {B(HOSTSYNC), "host sync", SERVE_TID_HOST, tid_hostsync, serve_hostsync, NULL, NULL, 1},
    {B(TICKLE), "tickle", SERVE_HERE, NULL, serve_tickle, NULL, NULL, 0},
    {B(NORESET), "no reset", SERVE_HERE, NULL, serve_noreset, NULL, NULL, 0},
    {B(GETNORESETS), "get no-resets", SERVE_HERE, NULL, serve_getnoresets, NULL, NULL, 0},
    {B(SELF_OUTPUT), "own output", SERVE_HERE, NULL, serve_self_output, NULL, NULL, 0},
    {B(REG_ROLE), "register role", SERVE_HERE, NULL, serve_reg_role, NULL, NULL, 0},
    {B(STATS), "host counters", SERVE_TID_HOST, tid_stats, serve_stats, NULL, NULL, 1},
    {B(HOSTCLOCK), "host clock", SERVE_HERE, NULL, serve_hostclock, NULL, NULL, 0},
    {B(HEARTBEAT), "heartbeat", SERVE_PEER, NULL, NULL, peermsg_heartbeat, NULL, 0},
    {B(HOST_TABLE), "host table", SERVE_PEER, NULL, NULL, peermsg_host_table, NULL, 0},
    {B(HOST_CHANGE), "host change", SERVE_PEER, NULL, NULL, peermsg_host_change, NULL, 0},
    {B(SPAWN_FWD), "spawn share", SERVE_PEER, NULL, NULL, peermsg_spawn_fwd, NULL, 0},
    {B(SPAWN_REPLY), "spawn share's answer", SERVE_PEER, NULL, NULL, peermsg_spawn_reply,
     NULL, 0},
    {B(SIBLINGS), "siblings", SERVE_PEER, NULL, NULL, peermsg_siblings, NULL, 0},
    {B(WATCH), "exit watch", SERVE_PEER, NULL, NULL, peermsg_watch, NULL, 0},
    {B(TASK_EXITED), "task exited", SERVE_PEER, NULL, NULL, peermsg_task_exited, NULL, 0},
    {B(GROUP_GONE), "group member gone", SERVE_PEER, NULL, NULL, peermsg_group_gone, NULL,
     0},
    {B(GROUP_HANDOFF), "group handoff", SERVE_PEER, NULL, NULL, peermsg_group_handoff,
     NULL, 0},
    {B(GROUP_VIEW_SUB), "group view request", SERVE_PEER, NULL, NULL,
     peermsg_group_view_sub, NULL, 0},
    {B(GROUP_VIEW_FILL), "group view", SERVE_PEER, NULL, NULL, peermsg_group_view_fill,
     NULL, 0},
    {B(GROUP_VIEW_DROP), "group view drop", SERVE_PEER, NULL, NULL,
     peermsg_group_view_drop, NULL, 0},
    {B(GROUP_VIEW_ACK), "group view dropped", SERVE_PEER, NULL, NULL,
     peermsg_group_view_ack, NULL, 0},
    {B(GROUP_BARRIER_CALLS), "group barrier calls", SERVE_PEER, NULL, NULL,
     peermsg_group_barrier_calls, NULL, 0},
    {B(GROUP_BARRIER_ANSWERS), "group barrier answers", SERVE_PEER, NULL, NULL,
     peermsg_group_barrier_answers, NULL, 0},
    {B(PEER_HALT), "halt the machine", SERVE_PEER, NULL, NULL, peermsg_halt, NULL, 0},
    {B(FLOW_STOP), "flow stop", SERVE_PEER, NULL, NULL, flow_peer_stop, NULL, 0},
    {B(FLOW_GO), "flow go", SERVE_PEER, NULL, NULL, flow_peer_go, NULL, 0},
};
#undef B

const struct request_kind *request_kind_of(int body_case)
{
	for (size_t i = 0; i < sizeof(request_kinds) / sizeof(request_kinds[0]); i++)
		if (request_kinds[i].body == body_case)
			return &request_kinds[i];
	return NULL;
}

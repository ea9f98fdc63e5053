/*
 * notify.c - pvm_notify: requests to be told when a task exits (with or
 * without its wait status) or when hosts come and go.  A notification is a
 * data frame from the daemon with the requester's tag and context.
 */
#include "pvmd.h"

#include "log.h"
#include "pvmx.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>

struct notify {
	TAILQ_ENTRY(notify) entry;
	int owner; /* the task that asked */
	int kind;  /* PvmTaskExit, PvmxTaskExitStatus, PvmHostDelete, PvmHostAdd */
	int tag, ctx;
	int tid;   /* the task or host watched; 0 for PvmHostAdd */
	int count; /* PvmHostAdd: how many more times (-1: always) */
};
TAILQ_HEAD(notify_list, notify);

static struct notify_list notifies = TAILQ_HEAD_INITIALIZER(notifies);

/* Daemons of other hosts that asked to hear when a task of ours exits;
 * each hears once per task (its own records fan out from there). */
struct watcher {
	TAILQ_ENTRY(watcher) entry;
	int tid;
	int host; /* host index of the daemon that asked */
};
TAILQ_HEAD(watcher_list, watcher);

static struct watcher_list watchers = TAILQ_HEAD_INITIALIZER(watchers);

/* The last exits, so that a notify that comes just after its task has
 * exited (a parent asking right after pvm_spawn, racing a short task)
 * still carries the real wait status. */
#define RECENT_EXITS 4096
static struct {
	int tid, status;
} recent[RECENT_EXITS];
static size_t recent_next;

static int recent_status(int tid)
{
	/* newest first: after a wrap-around of tids, the latest one counts */
	for (size_t i = 1; i <= RECENT_EXITS; i++) {
		size_t k = (recent_next + RECENT_EXITS - i) % RECENT_EXITS;

		if (recent[k].tid == tid)
			return recent[k].status;
	}
	return -1;
}

static void recent_add(int tid, int status)
{
	recent[recent_next].tid = tid;
	recent[recent_next].status = status;
	recent_next = (recent_next + 1) % RECENT_EXITS;
}

/* Sends one notification (packed ints) to owner, if it still exists. */
static void notify_send(int owner, int tag, int ctx, const int *ints, size_t n)
{
	struct task *t = task_find(owner);
	uint8_t *m;
	size_t len;

	if (t == NULL) {
		log_debug("notify for t%x dropped: no such task", (unsigned)owner);
		return;
	}
	m = output_message(owner, tag, ctx, ints, n, NULL, 0, &len);
	if (m == NULL) {
		log_error("t%x: out of memory for a notification", (unsigned)owner);
		return;
	}
	task_deliver_bytes(t, m, len);
	free(m);
}

static void send_task_exited(int host, int tid, int status)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__TaskExited te = PVMX__TASK_EXITED__INIT;

	te.tid = tid;
	te.status = status;
	ctl.body_case = PVMX__CONTROL__BODY_TASK_EXITED;
	ctl.task_exited = &te;
	peer_send_control(host, pvmd.host_tid, tid_make(host, 0), &ctl);
}

/* Asks the daemon of a remote tid to tell us of its exit. */
static void send_watch(int tid)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Watch w = PVMX__WATCH__INIT;

	w.tid = tid;
	ctl.body_case = PVMX__CONTROL__BODY_WATCH;
	ctl.watch = &w;
	peer_send_control(tid_host_index(tid), pvmd.host_tid, tid_host(tid), &ctl);
}

/* A daemon on another host wants to hear of tid's exit. */
void notify_watch(int from_host, int tid)
{
	struct watcher *w;

	if (task_find(tid) == NULL) {
		send_task_exited(from_host, tid, recent_status(tid));
		return;
	}
	TAILQ_FOREACH(w, &watchers, entry)
	{
		if (w->tid == tid && w->host == from_host)
			return;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		log_error("out of memory for a watch of t%x", (unsigned)tid);
		return;
	}
	w->tid = tid;
	w->host = from_host;
	TAILQ_INSERT_TAIL(&watchers, w, entry);
}

/* Fires the exit records of tid (which is not ours, or was). */
static void fire_exit(int tid, int status)
{
	struct notify *n, *next;

	for (n = TAILQ_FIRST(&notifies); n != NULL; n = next) {
		next = TAILQ_NEXT(n, entry);
		if (n->tid != tid ||
		    (n->kind != PvmTaskExit && n->kind != PvmxTaskExitStatus))
			continue;
		int ints[2] = {tid, status};

		notify_send(n->owner, n->tag, n->ctx, ints,
		            n->kind == PvmxTaskExitStatus ? 2 : 1);
		TAILQ_REMOVE(&notifies, n, entry);
		free(n);
	}
}

/* A task of another host exited (its daemon told us). */
void notify_remote_exit(int tid, int status)
{
	if (route_is_local(tid))
		return;
	recent_add(tid, status);
	fire_exit(tid, status);
}

/* A host joined or left the virtual machine. */
void notify_host_change(int host_tid, int deleted)
{
	struct notify *n, *next;
	struct watcher *w, *wnext;

	for (n = TAILQ_FIRST(&notifies); n != NULL; n = next) {
		next = TAILQ_NEXT(n, entry);
		if (!deleted) {
			int ints[2] = {1, host_tid};

			if (n->kind != PvmHostAdd || n->count == 0)
				continue;
			notify_send(n->owner, n->tag, n->ctx, ints, 2);
			if (n->count > 0 && --n->count == 0) {
				TAILQ_REMOVE(&notifies, n, entry);
				free(n);
			}
			continue;
		}
		if (n->kind == PvmHostDelete
		        ? n->tid == host_tid
		        : n->kind != PvmHostAdd && tid_host(n->tid) == host_tid) {
			int ints[2] = {n->tid, -1};

			notify_send(n->owner, n->tag, n->ctx, ints,
			            n->kind == PvmxTaskExitStatus ? 2 : 1);
			TAILQ_REMOVE(&notifies, n, entry);
			free(n);
		}
	}
	if (!deleted)
		return;
	for (w = TAILQ_FIRST(&watchers); w != NULL; w = wnext) {
		wnext = TAILQ_NEXT(w, entry);
		if (tid_make(w->host, 0) == host_tid) {
			TAILQ_REMOVE(&watchers, w, entry);
			free(w);
		}
	}
}

static int notify_add(int owner, int kind, int tag, int ctx, int tid, int count)
{
	struct notify *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return PvmNoMem;
	n->owner = owner;
	n->kind = kind;
	n->tag = tag;
	n->ctx = ctx;
	n->tid = tid;
	n->count = count;
	TAILQ_INSERT_TAIL(&notifies, n, entry);
	return PvmOk;
}

static void notify_cancel(int owner, int kind, const Pvmx__NotifyRequest *req)
{
	struct notify *n, *next;

	for (n = TAILQ_FIRST(&notifies); n != NULL; n = next) {
		int match = kind == PvmHostAdd;

		next = TAILQ_NEXT(n, entry);
		if (n->owner != owner || n->kind != kind || n->tag != req->tag ||
		    n->ctx != req->ctx)
			continue;
		for (size_t i = 0; i < req->n_tids && !match; i++)
			match = req->tids[i] == n->tid;
		if (match) {
			/* as PVM: a cancelled exit notify is delivered as if
			 * the event had happened */
			if (kind != PvmHostAdd) {
				int ints[2] = {n->tid, -1};

				notify_send(owner, n->tag, n->ctx, ints,
				            kind == PvmxTaskExitStatus ? 2 : 1);
			}
			TAILQ_REMOVE(&notifies, n, entry);
			free(n);
		}
	}
}

/* The notify request of task `from`; returns the reply's status code. */
int notify_request(struct task *from, const Pvmx__NotifyRequest *req)
{
	int kind = req->kind & ~PvmNotifyCancel;
	int r = PvmOk;

	if (kind != PvmTaskExit && kind != PvmxTaskExitStatus && kind != PvmHostDelete &&
	    kind != PvmHostAdd)
		return PvmBadParam;
	if (kind != PvmHostAdd) {
		for (size_t i = 0; i < req->n_tids; i++) {
			if (!tid_is_valid(req->tids[i]))
				return PvmBadParam;
		}
	}
	if (req->kind & PvmNotifyCancel) {
		notify_cancel(from->tid, kind, req);
		return PvmOk;
	}
	if (kind == PvmHostAdd)
		return notify_add(from->tid, kind, req->tag, req->ctx, 0,
		                  req->count != 0 ? req->count : -1);
	for (size_t i = 0; i < req->n_tids && r == PvmOk; i++) {
		int tid = req->tids[i];
		int remote = kind != PvmHostDelete && !route_is_local(tid) &&
		             hosttab_by_tid(tid) != NULL;
		int exists = kind == PvmHostDelete
		                 ? tid_is_daemon(tid) && hosttab_by_tid(tid) != NULL
		                 : remote || task_find(tid) != NULL;

		if (exists) {
			r = notify_add(from->tid, kind, req->tag, req->ctx, tid, 0);
			if (r == PvmOk && remote)
				send_watch(tid);
		} else {
			/* gone already: the message comes at once, with the
			 * status if we still know it */
			int ints[2] = {
			    tid, kind == PvmxTaskExitStatus ? recent_status(tid) : -1};

			notify_send(from->tid, req->tag, req->ctx, ints,
			            kind == PvmxTaskExitStatus ? 2 : 1);
		}
	}
	return r;
}

/* Task t has exited (already out of the table): its watchers hear of it,
 * and its own requests go away. */
void notify_task_exit(struct task *t, int status)
{
	struct notify *n, *next;
	struct watcher *w, *wnext;
	int master_told = pvmd.host_tid == pvmd.master_tid;

	recent_add(t->tid, status);
	/* other daemons that watch it, and the master (for the mailbox) */
	for (w = TAILQ_FIRST(&watchers); w != NULL; w = wnext) {
		wnext = TAILQ_NEXT(w, entry);
		if (w->tid != t->tid)
			continue;
		send_task_exited(w->host, t->tid, status);
		master_told |= tid_make(w->host, 0) == pvmd.master_tid;
		TAILQ_REMOVE(&watchers, w, entry);
		free(w);
	}
	if (!master_told)
		send_task_exited(tid_host_index(pvmd.master_tid), t->tid, status);
	for (n = TAILQ_FIRST(&notifies); n != NULL; n = next) {
		next = TAILQ_NEXT(n, entry);
		if (n->tid == t->tid &&
		    (n->kind == PvmTaskExit || n->kind == PvmxTaskExitStatus)) {
			int ints[2] = {t->tid, status};

			notify_send(n->owner, n->tag, n->ctx, ints,
			            n->kind == PvmxTaskExitStatus ? 2 : 1);
		} else if (n->owner != t->tid) {
			continue;
		}
		TAILQ_REMOVE(&notifies, n, entry);
		free(n);
	}
}

/* For pvm_tickle: the waiting notifies, one line each. */
void notify_dump(void)
{
	struct notify *n;

	TAILQ_FOREACH(n, &notifies, entry)
	tickle_log("notify: t%x waits for kind %d on t%x (tag %d ctx %d)",
	           (unsigned)n->owner, n->kind, (unsigned)n->tid, n->tag, n->ctx);
}

void notify_free_all(void)
{
	struct notify *n;
	struct watcher *w;

	while ((w = TAILQ_FIRST(&watchers)) != NULL) {
		TAILQ_REMOVE(&watchers, w, entry);
		free(w);
	}

	while ((n = TAILQ_FIRST(&notifies)) != NULL) {
		TAILQ_REMOVE(&notifies, n, entry);
		free(n);
	}
}

/*
 * flow.c - back-pressure: what the daemon holds for one receiver is
 * bounded.  A task connection whose next data frame would go to a queue
 * over the bound stops being read until that queue drains (its task's
 * pvm_send then blocks); a receiver over the bound tells the daemons
 * that feed it to stop their own senders (flow stop / flow go), since a
 * link, which carries heartbeats and control too, is never stopped.
 * After a queue over the bound drains, the heap goes back to the system.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* What one receiver's queue (or one link's) may hold before its senders
 * wait; PVMX_QUEUE_MAX overrides it.  Senders go on once it is down to
 * half. */
#define FLOW_QUEUE_MAX_DEFAULT (16u * 1024u * 1024u)
#define FLOW_QUEUE_MIN (64u * 1024u)
/* malloc_trim at most this often: it walks the whole heap. */
#define FLOW_TRIM_INTERVAL_MS 500

static size_t flow_high;
/* tids of other hosts whose daemons told us to stop (flow stop) */
static int32_t *stopped;
static size_t nstopped, stopped_cap;
static struct event *trim_timer;

size_t flow_queue_max(void)
{
	if (flow_high == 0) {
		const char *s = getenv("PVMX_QUEUE_MAX");
		char *end = NULL;
		unsigned long long v = s != NULL ? strtoull(s, &end, 10) : 0;

		flow_high = FLOW_QUEUE_MAX_DEFAULT;
		if (s != NULL && (end == s || *end != '\0' || v < FLOW_QUEUE_MIN))
			log_warn("PVMX_QUEUE_MAX=%s ignored: not a byte count >= %u", s,
			         FLOW_QUEUE_MIN);
		else if (s != NULL)
			flow_high = (size_t)v;
	}
	return flow_high;
}

size_t flow_queue_low(void)
{
	return flow_queue_max() / 2;
}

static int stopped_index(int tid)
{
	for (size_t i = 0; i < nstopped; i++)
		if (stopped[i] == tid)
			return (int)i;
	return -1;
}

/* The tid (or daemon tid, for a full link) whose queue a frame to tid
 * must wait for; 0 when it may go now. */
static int flow_tid_blocker(int tid)
{
	struct host *h;

	if (route_is_local(tid)) {
		struct task *t = task_find(tid);

		if (t == NULL || task_backlog(t) < flow_queue_max())
			return 0;
		t->over = 1;
		return tid;
	}
	if (stopped_index(tid) >= 0)
		return tid;
	h = hosttab_get(tid_host_index(tid));
	if (h == NULL || peer_backlog(h->index) < flow_queue_max())
		return 0;
	h->link_full = 1;
	return h->tid;
}

int flow_blocker(const struct frame_header *h, struct evbuffer *in)
{
	const uint8_t *p;
	uint32_t n = (uint32_t)h->dst;

	if (!(h->flags & FRAME_FLAG_MCAST))
		return flow_tid_blocker(h->dst);
	/* a malformed one is route_mcast's to refuse */
	if (h->dst <= 0 || (uint64_t)n * FRAME_MCAST_ENTRY > h->len)
		return 0;
	p = evbuffer_pullup(in, (ev_ssize_t)n * FRAME_MCAST_ENTRY);
	if (p == NULL)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t be;
		int tid, b;

		memcpy(&be, p + FRAME_MCAST_ENTRY * i, 4);
		tid = (int)ntohl(be);
		if (tid != h->src && tid_is_valid(tid) &&
		    (b = flow_tid_blocker(tid)) != 0)
			return b;
	}
	return 0;
}

/* Connections that wait for the queue of tid go on. */
static void flow_release(int tid)
{
	struct conn *c;

	TAILQ_FOREACH(c, &pvmd.conns, entry)
	{
		if (c->held_for == tid)
			conn_resume(c);
	}
}

static void flow_send(int host_index, int tid, int stop)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Watch w = PVMX__WATCH__INIT;

	w.tid = tid;
	ctl.body_case =
	    stop ? PVMX__CONTROL__BODY_FLOW_STOP : PVMX__CONTROL__BODY_FLOW_GO;
	if (stop)
		ctl.flow_stop = &w;
	else
		ctl.flow_go = &w;
	peer_send_control(host_index, pvmd.host_tid, tid_make(host_index, 0), &ctl);
}

/* A frame from src was queued for t: over the bound, the daemon of a
 * sender of another host is told to stop (once, until t drains); what
 * its link already carries still comes, and is taken. */
void flow_delivered(struct task *t, int src)
{
	int host = tid_host_index(src);
	int *told;

	if (task_backlog(t) < flow_queue_max())
		return;
	t->over = 1;
	if (!tid_is_valid(src) || host == pvmd.host_index || hosttab_get(host) == NULL)
		return;
	for (size_t i = 0; i < t->ntold; i++)
		if (t->told[i] == host)
			return;
	told = realloc(t->told, (t->ntold + 1) * sizeof(*told));
	if (told == NULL) {
		log_error("t%x: out of memory to stop the senders of host t%x", t->tid,
		          (unsigned)tid_make(host, 0));
		return;
	}
	t->told = told;
	t->told[t->ntold++] = host;
	log_debug("t%x: %zu bytes queued: host t%x told to stop sending to it", t->tid,
	          task_backlog(t), (unsigned)tid_make(host, 0));
	flow_send(host, t->tid, 1);
}

static void flow_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	malloc_trim(0);
}

/* A large queue drained: give the freed heap back to the system soon
 * (once for a run of drains). */
void flow_trim_soon(void)
{
	struct timeval tv = {0, FLOW_TRIM_INTERVAL_MS * 1000};

	if (trim_timer == NULL)
		trim_timer = evtimer_new(pvmd.base, flow_trim_cb, NULL);
	if (trim_timer != NULL && !evtimer_pending(trim_timer, NULL))
		evtimer_add(trim_timer, &tv);
}

static void flow_task_release(struct task *t)
{
	t->over = 0;
	flow_release(t->tid);
	for (size_t i = 0; i < t->ntold; i++)
		if (hosttab_get(t->told[i]) != NULL)
			flow_send(t->told[i], t->tid, 0);
	free(t->told);
	t->told = NULL;
	t->ntold = 0;
	flow_trim_soon();
}

void flow_task_drained(struct task *t)
{
	if (t->over && task_backlog(t) <= flow_queue_low())
		flow_task_release(t);
}

/* t is gone: what waited for it goes on (and is dropped, as for any
 * task that is gone). */
void flow_task_gone(struct task *t)
{
	if (t->over || t->ntold > 0)
		flow_task_release(t);
}

void flow_link_drained(struct host *h)
{
	if (!h->link_full || peer_backlog(h->index) > flow_queue_low())
		return;
	h->link_full = 0;
	flow_release(h->tid);
	flow_trim_soon();
}

/* The host is gone, or its link (what was on it is lost, a flow go
 * with it): its stops are forgotten on both sides, and nobody waits for
 * it or its tasks any more; a queue still over the bound stops its
 * senders again. */
void flow_host_gone(int index)
{
	struct conn *c;
	struct task *t;

	for (size_t i = 0; i < nstopped;) {
		if (tid_host_index(stopped[i]) == index)
			stopped[i] = stopped[--nstopped];
		else
			i++;
	}
	TAILQ_FOREACH(c, &pvmd.conns, entry)
	{
		if (c->held_for != 0 && tid_host_index(c->held_for) == index)
			conn_resume(c);
	}
	TAILQ_FOREACH(t, &pvmd.tasks, entry)
	{
		for (size_t i = 0; i < t->ntold;) {
			if (t->told[i] == index)
				t->told[i] = t->told[--t->ntold];
			else
				i++;
		}
	}
}

static int flow_peer_tid(int from_host, const Pvmx__Watch *w, const char *what)
{
	if (w == NULL || !tid_is_valid(w->tid) || tid_host_index(w->tid) != from_host) {
		log_warn("host t%x: %s for a tid not of its host (t%x): ignored",
		         (unsigned)tid_make(from_host, 0), what,
		         w != NULL ? (unsigned)w->tid : 0u);
		return 0;
	}
	return w->tid;
}

void flow_peer_stop(int from_host, Pvmx__Control *ctl)
{
	int tid = flow_peer_tid(from_host, ctl->flow_stop, "flow stop");

	if (tid == 0 || stopped_index(tid) >= 0)
		return;
	if (nstopped == stopped_cap) {
		size_t cap = stopped_cap ? 2 * stopped_cap : 16;
		int32_t *s = realloc(stopped, cap * sizeof(*s));

		if (s == NULL) {
			log_error("out of memory to hold the senders to t%x",
			          (unsigned)tid);
			return;
		}
		stopped = s;
		stopped_cap = cap;
	}
	stopped[nstopped++] = tid;
	log_debug("t%x's queue is full: its senders here wait", (unsigned)tid);
}

void flow_peer_go(int from_host, Pvmx__Control *ctl)
{
	int tid = flow_peer_tid(from_host, ctl->flow_go, "flow go");
	int i = tid != 0 ? stopped_index(tid) : -1;

	if (i < 0)
		return;
	stopped[i] = stopped[--nstopped];
	flow_release(tid);
}

void flow_free_all(void)
{
	free(stopped);
	stopped = NULL;
	nstopped = stopped_cap = 0;
	if (trim_timer != NULL)
		event_free(trim_timer);
	trim_timer = NULL;
}

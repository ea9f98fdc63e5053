/*
 * route.c - frames to any tid: a task of ours gets them on its
 * connection, a tid of another host goes to that host's daemon (one hop:
 * daemons never forward what another daemon sent them; multicasts, the
 * one exception, are mcast.c's), and the requests a task made of another
 * host's daemon, so that a dead host cannot leave one waiting for ever.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

int route_is_local(int tid)
{
	return tid_host_index(tid) == pvmd.host_index;
}

void route_data(const struct frame_header *h, struct evbuffer *src)
{
	uint8_t raw[FRAME_HEADER_LEN];

	frame_encode(h, raw);
	if (route_is_local(h->dst)) {
		struct task *t = task_find(h->dst);

		if (t == NULL) {
			log_debug(
			    "t%x: dropping a message (tag %d, %u bytes) for t%x: no "
			    "such task",
			    (unsigned)h->src, h->tag, h->len, (unsigned)h->dst);
			evbuffer_drain(src, h->len);
			return;
		}
		task_deliver(t, raw, src, h->len);
		return;
	}
	if (peer_send(tid_host_index(h->dst), raw, src, NULL, h->len) != 0)
		log_debug("t%x: dropping a message (tag %d) for t%x: no such host",
		          (unsigned)h->src, h->tag, (unsigned)h->dst);
}

void route_bytes(int dst, const uint8_t *frame, size_t len)
{
	if (len < FRAME_HEADER_LEN)
		return;
	if (route_is_local(dst)) {
		struct task *t = task_find(dst);

		if (t != NULL)
			task_deliver_bytes(t, frame, len);
		return;
	}
	peer_send(tid_host_index(dst), frame, NULL, frame + FRAME_HEADER_LEN,
	          len - FRAME_HEADER_LEN);
}

/* A control frame for a task: a reply to a request it made (seq) or an
 * event; remote tids get it through their daemon. */
void route_control(int dst, Pvmx__Control *ctl)
{
	if (route_is_local(dst)) {
		struct task *t = task_find(dst);

		if (t != NULL && t->conn != NULL && !t->conn->closing)
			conn_send_control(t->conn, ctl);
		return;
	}
	peer_send_control(tid_host_index(dst), pvmd.host_tid, dst, ctl);
}

/* The Status reply to request seq of a task here or on another host. */
void route_status(int dst, uint32_t seq, int code)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Status st = PVMX__STATUS__INIT;

	st.code = code;
	ctl.seq = seq;
	ctl.body_case = PVMX__CONTROL__BODY_STATUS;
	ctl.status = &st;
	route_control(dst, &ctl);
}

size_t route_backlog(int dst)
{
	if (route_is_local(dst)) {
		struct task *t = task_find(dst);

		return t != NULL ? task_backlog(t) : 0;
	}
	return peer_backlog(tid_host_index(dst));
}

int route_append(struct evbuffer *dst, const uint8_t *hdr, struct evbuffer *src,
                 const uint8_t *bytes, size_t len)
{
	int r = 0;

	if (hdr != NULL && evbuffer_add(dst, hdr, FRAME_HEADER_LEN) != 0)
		r = -1;
	if (src != NULL) {
		int moved = r == 0 ? evbuffer_remove_buffer(src, dst, len) : 0;

		if (moved < 0)
			moved = 0;
		if ((size_t)moved < len) {
			evbuffer_drain(src, len - (size_t)moved);
			r = -1;
		}
	} else if (r == 0 && len > 0 && evbuffer_add(dst, bytes, len) != 0) {
		r = -1;
	}
	return r;
}

void reply_control(const struct reply_addr *to, Pvmx__Control *ctl)
{
	if (to->tid == 0)
		return; /* nobody asked (the host file's own add) */
	ctl->seq = to->seq;
	route_control(to->tid, ctl);
}

void reply_status(const struct reply_addr *to, int code)
{
	if (to->tid != 0)
		route_status(to->tid, to->seq, code);
}

int reply_reachable(const struct reply_addr *to)
{
	struct task *t;

	if (!route_is_local(to->tid))
		return hosttab_by_tid(to->tid) != NULL;
	t = task_find(to->tid);
	return t != NULL && t->conn != NULL && !t->conn->closing;
}

/* A relayed request's host went before it answered. */
static void relay_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	(void)arg;
	if (why == PENDING_HOST_GONE)
		reply_status(&p->to, PvmHostFail);
}

void relay_track(int tid, uint32_t seq, int host)
{
	struct reply_addr to = {tid, seq};

	pending_add(PENDING_RELAY, &to, host, 0, relay_cancel, NULL);
}

void relay_done(int tid, uint32_t seq)
{
	pending_done(pending_find(PENDING_RELAY, tid, seq));
}

/*
 * route.c - frames to any tid: a task of ours gets them on its
 * connection, a tid of another host goes to that host's daemon (one hop:
 * daemons never forward what another daemon sent them).  Also multicast
 * frames, split into one copy per destination host, and the requests a
 * task made of another host's daemon, so that a dead host cannot leave
 * one waiting for ever.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <arpa/inet.h>
#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

/* At most this many destinations in one multicast frame. */
#define ROUTE_MCAST_MAX 65536

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

/* One destination of a multicast: its tid, and the seq of its copy. */
struct mcast_dst {
	int32_t tid;
	uint32_t seq;
};

static int cmp_mcast_dst(const void *a, const void *b)
{
	const struct mcast_dst *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* A multicast frame (FRAME_FLAG_MCAST): each destination of ours gets an
 * ordinary frame, with its own seq; each other host one multicast frame
 * with its destinations.  From another daemon, only destinations of ours
 * are taken. */
void route_mcast(const struct frame_header *h, struct evbuffer *src)
{
	uint32_t n = (uint32_t)h->dst, msglen;
	struct mcast_dst *dsts = NULL;
	uint8_t *msg = NULL, *raw_dsts = NULL;
	struct frame_header one = *h;
	uint8_t raw[FRAME_HEADER_LEN];
	int from_peer = !route_is_local(h->src);

	if (h->dst < 0 || n > ROUTE_MCAST_MAX ||
	    (uint64_t)n * FRAME_MCAST_ENTRY > h->len) {
		log_warn("t%x: dropping a malformed multicast frame (%d destinations, "
		         "%u bytes)",
		         (unsigned)h->src, h->dst, h->len);
		evbuffer_drain(src, h->len);
		return;
	}
	msglen = h->len - n * FRAME_MCAST_ENTRY;
	dsts = malloc((n ? n : 1) * sizeof(*dsts));
	raw_dsts = malloc((n ? n : 1) * FRAME_MCAST_ENTRY);
	msg = malloc(msglen ? msglen : 1);
	if (dsts == NULL || raw_dsts == NULL || msg == NULL) {
		log_error("t%x: out of memory for a multicast", (unsigned)h->src);
		evbuffer_drain(src, h->len);
		goto out;
	}
	evbuffer_remove(src, raw_dsts, n * FRAME_MCAST_ENTRY);
	evbuffer_remove(src, msg, msglen);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t tid, seq;

		memcpy(&tid, raw_dsts + FRAME_MCAST_ENTRY * i, 4);
		memcpy(&seq, raw_dsts + FRAME_MCAST_ENTRY * i + 4, 4);
		dsts[i].tid = (int32_t)ntohl(tid);
		dsts[i].seq = ntohl(seq);
	}
	/* by host, so each host's destinations are contiguous; a tid named
	 * twice gets one copy, as from PVM's pvm_mcast (so one frame cannot
	 * put more than one copy in a receiver's queue) */
	qsort(dsts, n, sizeof(*dsts), cmp_mcast_dst);
	{
		uint32_t m = 0;

		for (uint32_t i = 0; i < n; i++)
			if (m == 0 || dsts[i].tid != dsts[m - 1].tid)
				dsts[m++] = dsts[i];
		if (m < n)
			log_debug("t%x: a multicast names %u tids %u times",
			          (unsigned)h->src, m, n);
		n = m;
	}
	one.flags = (uint16_t)(h->flags & ~FRAME_FLAG_MCAST);
	one.len = msglen;
	for (uint32_t i = 0; i < n;) {
		int host = tid_host_index(dsts[i].tid);
		uint32_t j = i;

		while (j < n && tid_host_index(dsts[j].tid) == host)
			j++;
		if (host == pvmd.host_index) {
			for (uint32_t k = i; k < j; k++) {
				struct task *t = task_find(dsts[k].tid);

				if (t == NULL || dsts[k].tid == h->src)
					continue;
				one.dst = dsts[k].tid;
				one.seq = dsts[k].seq;
				frame_encode(&one, raw);
				task_deliver_bytes_split(t, raw, msg, msglen);
			}
		} else if (!from_peer && hosttab_get(host) != NULL) {
			struct frame_header mh = *h;
			uint32_t cnt = j - i;
			size_t plen = (size_t)cnt * FRAME_MCAST_ENTRY + msglen;
			uint8_t *buf = malloc(FRAME_HEADER_LEN + plen);

			if (buf != NULL) {
				mh.dst = (int32_t)cnt;
				mh.len = (uint32_t)plen;
				frame_encode(&mh, buf);
				for (uint32_t k = 0; k < cnt; k++) {
					uint32_t be[2] = {
					    htonl((uint32_t)dsts[i + k].tid),
					    htonl(dsts[i + k].seq)};

					memcpy(buf + FRAME_HEADER_LEN +
					           FRAME_MCAST_ENTRY * k,
					       be, FRAME_MCAST_ENTRY);
				}
				memcpy(buf + FRAME_HEADER_LEN + FRAME_MCAST_ENTRY * cnt,
				       msg, msglen);
				peer_send(host, buf, NULL, buf + FRAME_HEADER_LEN, plen);
				free(buf);
			} else {
				log_error("t%x: out of memory for a multicast to host "
				          "t%x: its %u destinations there miss it",
				          (unsigned)h->src, (unsigned)tid_make(host, 0),
				          cnt);
			}
		}
		i = j;
	}
out:
	free(dsts);
	free(raw_dsts);
	free(msg);
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

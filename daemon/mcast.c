/*
 * mcast.c - multicast frames (pvm_mcast, pvm_bcast): each destination of
 * this host gets an ordinary frame with its own seq, and the other hosts
 * get the frame along a binomial tree of hosts rooted at the sender's, so
 * the sender's daemon sends about log2(hosts) frames, not one per host,
 * and each daemon below passes it on to its own subtree (docs/groups.md).
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* At most this many destinations in one multicast frame. */
#define MCAST_MAX 65536

/* One destination: its tid, and the seq of its copy. */
struct mcast_dst {
	int32_t tid;
	uint32_t seq;
};

/* One host's destinations, dsts[first .. first + count); host -1: the
 * sender's host when no destination is there (the tree's root). */
struct mcast_group {
	int host;
	uint32_t first, count;
};

/* What every copy shares. */
struct mcast {
	struct frame_header h; /* as it came (flags, ctx, tag, dsig) */
	int32_t origin;        /* the sending task */
	struct mcast_dst *dsts;
	const uint8_t *msg;
	uint32_t msglen;
};

static int cmp_dst(const void *a, const void *b)
{
	const struct mcast_dst *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Each destination of ours gets its copy (never the sender itself). */
static void deliver_here(const struct mcast *m, const struct mcast_group *g)
{
	struct frame_header one = m->h;
	uint8_t raw[FRAME_HEADER_LEN];

	one.src = m->origin;
	one.flags = (uint16_t)(m->h.flags & ~(FRAME_FLAG_MCAST | FRAME_FLAG_TREE));
	one.len = m->msglen;
	for (uint32_t k = g->first; k < g->first + g->count; k++) {
		struct task *t = task_find(m->dsts[k].tid);

		if (t == NULL || m->dsts[k].tid == m->origin)
			continue;
		one.dst = m->dsts[k].tid;
		one.seq = m->dsts[k].seq;
		frame_encode(&one, raw);
		task_deliver_bytes_split(t, raw, m->msg, m->msglen);
	}
}

/* The destinations of groups [a, b) - one subtree, hosts in the tree's
 * order - to the daemon of group a, which passes the frame on to the
 * rest; 0, or -1 when that host cannot be sent to. */
static int send_subtree(const struct mcast *m, const struct mcast_group *groups, int a,
                        int b)
{
	struct frame_header th = m->h;
	uint32_t cnt = 0, at;
	size_t plen;
	uint8_t *buf, *p;
	uint32_t be[2];
	int r;

	for (int i = a; i < b; i++)
		cnt += groups[i].count;
	plen = (size_t)(cnt + 1) * FRAME_MCAST_ENTRY + m->msglen;
	buf = malloc(FRAME_HEADER_LEN + plen);
	if (buf == NULL) {
		log_error("t%x: out of memory for a multicast to host t%x: its %u "
		          "destinations there and below miss it",
		          (unsigned)m->origin, (unsigned)tid_make(groups[a].host, 0),
		          cnt);
		return 0;
	}
	th.src = pvmd.host_tid;
	th.dst = (int32_t)cnt;
	th.seq = 0;
	th.flags = (uint16_t)(m->h.flags | FRAME_FLAG_MCAST | FRAME_FLAG_TREE);
	th.len = (uint32_t)plen;
	frame_encode(&th, buf);
	p = buf + FRAME_HEADER_LEN;
	be[0] = htonl((uint32_t)m->origin);
	be[1] = 0;
	memcpy(p, be, FRAME_MCAST_ENTRY);
	p += FRAME_MCAST_ENTRY;
	for (int i = a; i < b; i++) {
		for (at = groups[i].first; at < groups[i].first + groups[i].count; at++) {
			be[0] = htonl((uint32_t)m->dsts[at].tid);
			be[1] = htonl(m->dsts[at].seq);
			memcpy(p, be, FRAME_MCAST_ENTRY);
			p += FRAME_MCAST_ENTRY;
		}
	}
	memcpy(p, m->msg, m->msglen);
	r = peer_send(groups[a].host, buf, NULL, buf + FRAME_HEADER_LEN, plen);
	free(buf);
	return r == 0 ? 0 : -1;
}

/* groups[0] is this host (the root of this subtree): the children of
 * position 0 in a binomial tree of ngroups positions are 1, 2, 4, ...,
 * child c heading positions [c, 2c).  A child whose host cannot be sent
 * to is skipped: the next position of its range heads the rest. */
static void pass_down(const struct mcast *m, const struct mcast_group *groups,
                      int ngroups)
{
	for (int c = 1; c < ngroups; c *= 2) {
		int end = 2 * c < ngroups ? 2 * c : ngroups;

		for (int a = c; a < end; a++) {
			if (send_subtree(m, groups, a, end) == 0)
				break;
			log_debug("t%x: a multicast skips host t%x (no link to it)",
			          (unsigned)m->origin,
			          (unsigned)tid_make(groups[a].host, 0));
		}
	}
}

/* What a daemon may pass on: a frame from a task (not a daemon) of a host
 * we know, other than ours (a peer never speaks for our tasks). */
static int origin_ok(int origin)
{
	return tid_is_valid(origin) && !tid_is_daemon(origin) &&
	       !route_is_local(origin) && hosttab_get(tid_host_index(origin)) != NULL;
}

/* Takes the n entries from src, sorts them by tid (so by host) and drops
 * duplicates: the count left, or -1 (out of memory: src untouched). */
static int read_dsts(struct evbuffer *src, uint32_t n, struct mcast_dst *dsts, int origin)
{
	uint8_t *raw = malloc((n ? n : 1) * FRAME_MCAST_ENTRY);
	uint32_t m = 0;

	if (raw == NULL)
		return -1;
	evbuffer_remove(src, raw, n * FRAME_MCAST_ENTRY);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t tid, seq;

		memcpy(&tid, raw + FRAME_MCAST_ENTRY * i, 4);
		memcpy(&seq, raw + FRAME_MCAST_ENTRY * i + 4, 4);
		dsts[i].tid = (int32_t)ntohl(tid);
		dsts[i].seq = ntohl(seq);
	}
	free(raw);
	/* a tid named twice gets one copy, as from PVM's pvm_mcast (so one
	 * frame cannot put more than one copy in a receiver's queue) */
	qsort(dsts, n, sizeof(*dsts), cmp_dst);
	for (uint32_t i = 0; i < n; i++)
		if (m == 0 || dsts[i].tid != dsts[m - 1].tid)
			dsts[m++] = dsts[i];
	if (m < n)
		log_debug("t%x: a multicast names %u tids %u times", (unsigned)origin, m,
		          n);
	return (int)m;
}

/* The positions of the tree: this host first (the sender's host, or the
 * head of the subtree we were given), then the other hosts with
 * destinations in ascending host index - the order of the collectives'
 * tree of hosts (lpvm_coll.c) - leaving out hosts no longer in the
 * table.  Their count, or -1 when a tree frame's first host is not ours. */
static int make_groups(const struct mcast *m, uint32_t n, int tree,
                       struct mcast_group *groups)
{
	int ng = 1;

	groups[0] = (struct mcast_group){-1, 0, 0};
	for (uint32_t i = 0; i < n;) {
		int host = tid_host_index(m->dsts[i].tid);
		uint32_t j = i;

		while (j < n && tid_host_index(m->dsts[j].tid) == host)
			j++;
		if (host == pvmd.host_index) {
			if (tree && i != 0)
				return -1;
			groups[0] = (struct mcast_group){host, i, j - i};
		} else if (tree && i == 0) {
			return -1;
		} else if (hosttab_get(host) != NULL) {
			groups[ng++] = (struct mcast_group){host, i, j - i};
		} else {
			log_debug(
			    "t%x: a multicast's %u destinations on host t%x miss it: "
			    "no such host",
			    (unsigned)m->origin, j - i, (unsigned)tid_make(host, 0));
		}
		i = j;
	}
	return ng;
}

/* A multicast frame from a task of ours (its destinations anywhere), or
 * passed on by the daemon above us in the tree (FRAME_FLAG_TREE: our
 * host's destinations first, then our subtree's).  An old-style multicast
 * from another daemon (no tree flag) is delivered here, never passed on. */
void route_mcast(const struct frame_header *h, struct evbuffer *src)
{
	int tree = (h->flags & FRAME_FLAG_TREE) != 0, from_peer = !route_is_local(h->src);
	uint32_t n = (uint32_t)h->dst, nent = n + (tree ? 1u : 0u);
	struct mcast m = {.h = *h, .origin = h->src};
	struct mcast_group *groups = NULL;
	uint8_t *msg = NULL;
	int ng, nd;

	if (h->dst < 0 || n > MCAST_MAX || (uint64_t)nent * FRAME_MCAST_ENTRY > h->len ||
	    (tree && !from_peer)) {
		log_warn("t%x: dropping a malformed multicast frame (%d destinations, "
		         "%u bytes%s)",
		         (unsigned)h->src, h->dst, h->len,
		         tree && !from_peer ? ", a tree frame from a task" : "");
		evbuffer_drain(src, h->len);
		return;
	}
	if (tree) {
		uint32_t be[2];

		evbuffer_remove(src, be, FRAME_MCAST_ENTRY);
		m.origin = (int32_t)ntohl(be[0]);
		if (!origin_ok(m.origin)) {
			log_warn(
			    "t%x: dropping a multicast passed on for t%x: not a task of "
			    "another known host",
			    (unsigned)h->src, (unsigned)m.origin);
			evbuffer_drain(src, h->len - FRAME_MCAST_ENTRY);
			return;
		}
	}
	m.msglen = h->len - nent * FRAME_MCAST_ENTRY;
	m.dsts = malloc((n ? n : 1) * sizeof(*m.dsts));
	groups = malloc((n + 1) * sizeof(*groups));
	msg = malloc(m.msglen ? m.msglen : 1);
	nd = m.dsts != NULL && groups != NULL && msg != NULL
	         ? read_dsts(src, n, m.dsts, m.origin)
	         : -1;
	if (nd < 0) {
		log_error("t%x: out of memory for a multicast", (unsigned)m.origin);
		evbuffer_drain(src, (size_t)n * FRAME_MCAST_ENTRY + m.msglen);
		goto out;
	}
	evbuffer_remove(src, msg, m.msglen);
	m.msg = msg;
	ng = make_groups(&m, (uint32_t)nd, tree, groups);
	if (ng < 0) {
		log_warn(
		    "t%x: dropping a multicast passed on by t%x for t%x: it does not "
		    "start with this host",
		    (unsigned)m.origin, (unsigned)h->src, (unsigned)m.dsts[0].tid);
		goto out;
	}
	if (groups[0].count > 0)
		deliver_here(&m, &groups[0]);
	if (!from_peer || tree)
		pass_down(&m, groups, ng);
out:
	free(m.dsts);
	free(groups);
	free(msg);
}

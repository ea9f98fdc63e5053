/*
 * lpvm_deliver.c - the one delivery point of received messages, whatever
 * route brought them, and the per-pair sequence numbers that keep each
 * sender's messages in the order sent across routes: every data frame a
 * task sends to another carries the next number of that pair; a receiver
 * delivers a pair's frames in number order, holding one that arrives
 * early (it took a faster route) until the ones before it are in.
 */
#include "lpvm.h"
#include "lpvm_coll.h"

#include "clock.h"
#include "env.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

/* Frames of one pair held for an earlier one, at most: past it the gap
 * is taken as lost (logged) rather than hold memory for ever. */
#define HELD_MAX 4096

/* A gap older than this is logged once (PVMX_GAP_WARN_MS overrides):
 * a frame that never comes stalls its pair, and that must be seen. */
#define GAP_WARN_MS_DEFAULT 10000
/* how often a waiting task looks at its gaps meanwhile */
#define GAP_CHECK_MS 1000

struct held_frame {
	struct frame_header h;
	uint8_t *payload;
};

/* What we know of one peer tid: the numbers of the frames we send it and
 * of the next frame we deliver from it, and what came early. */
struct pair {
	int tid;
	uint32_t tx_next;
	uint32_t rx_next;
	struct held_frame *held; /* sorted by seq */
	int nheld, heldcap;
	int64_t gap_since_ns; /* when frame rx_next was first missed */
	int gap_warned;
};

static struct pair *pairs; /* open addressing by tid */
static size_t npairs, pairs_cap;
static int ngaps; /* pairs holding frames */

static size_t slot_of(int tid, size_t cap)
{
	return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

static struct pair *pair_find(int tid, int create)
{
	size_t i;

	if (pairs_cap > 0) {
		for (i = slot_of(tid, pairs_cap); pairs[i].tid != 0; i = (i + 1) & (pairs_cap - 1))
			if (pairs[i].tid == tid)
				return &pairs[i];
	}
	if (!create)
		return NULL;
	if ((npairs + 1) * 2 > pairs_cap) {
		size_t ncap = pairs_cap ? pairs_cap * 2 : 64;
		struct pair *np = calloc(ncap, sizeof(*np));

		if (np == NULL)
			return NULL;
		for (size_t k = 0; k < pairs_cap; k++) {
			if (pairs[k].tid == 0)
				continue;
			for (i = slot_of(pairs[k].tid, ncap); np[i].tid != 0; i = (i + 1) & (ncap - 1))
				;
			np[i] = pairs[k];
		}
		free(pairs);
		pairs = np;
		pairs_cap = ncap;
	}
	for (i = slot_of(tid, pairs_cap); pairs[i].tid != 0; i = (i + 1) & (pairs_cap - 1))
		;
	pairs[i] = (struct pair){.tid = tid, .tx_next = 1, .rx_next = 1};
	npairs++;
	return &pairs[i];
}

uint32_t lpvm_seq_next(int dst)
{
	struct pair *p = pair_find(dst, 1);
	uint32_t s;

	if (p == NULL)
		return 0; /* unordered: still delivered, only not held */
	s = p->tx_next++;
	if (p->tx_next == 0)
		p->tx_next = 1;
	return s;
}

/* Hands a data frame in order to the collectives, output capture, the
 * message handlers or the receive queue.  Takes payload. */
static int deliver_now(const struct frame_header *h, uint8_t *payload)
{
	struct msgbuf *mb = msgbuf_from_bytes(payload, h->len, h->dsig);
	int id;

	if (mb == NULL) {
		free(payload);
		return PvmNoMem;
	}
	mb->encoding = (h->flags & FRAME_FLAG_RAW) ? PvmDataRaw : PvmDataDefault;
	mb->src = h->src;
	mb->dst = h->dst;
	mb->tag = h->tag;
	mb->ctx = h->ctx;
	/* collectives' own messages: never seen by receives or handlers */
	if (h->ctx == LPVM_COLL_CTX && h->tag < 0 && lpvm_coll_take(mb))
		return 0;
	if (lpvm_output_take(mb)) {
		msgbuf_free(mb);
		return 0;
	}
	id = lpvm_buf_register(mb);
	if (id < 0) {
		msgbuf_free(mb);
		return id;
	}
	if (lpvm_mhf_take(id))
		return 0;
	if (lpvm_rxq_push(id) != 0) {
		lpvm_buf_release(id);
		return PvmNoMem;
	}
	return 0;
}

static int hold(struct pair *p, const struct frame_header *h, uint8_t *payload)
{
	int i;

	if (p->nheld == p->heldcap) {
		int ncap = p->heldcap ? p->heldcap * 2 : 8;
		struct held_frame *nh = realloc(p->held, sizeof(*nh) * (size_t)ncap);

		if (nh == NULL) {
			free(payload);
			return PvmNoMem;
		}
		p->held = nh;
		p->heldcap = ncap;
	}
	for (i = p->nheld; i > 0 && p->held[i - 1].h.seq > h->seq; i--)
		p->held[i] = p->held[i - 1];
	p->held[i] = (struct held_frame){.h = *h, .payload = payload};
	if (p->nheld++ == 0) {
		p->gap_since_ns = clock_now_ns();
		p->gap_warned = 0;
		ngaps++;
	}
	return 0;
}

/* Delivers the held frames that are next in line; with skip_gap, the
 * first held one even if frames before it never came.  Called after a
 * frame of p was delivered (or, with skip_gap, to deliver one). */
static int release_held(struct pair *p, int skip_gap)
{
	int r = 0;

	while (p->nheld > 0 && (p->held[0].h.seq == p->rx_next || skip_gap)) {
		struct held_frame f = p->held[0];

		if (skip_gap && f.h.seq != p->rx_next)
			log_error("frames %u..%u from t%x never arrived: delivering the "
			          "later ones",
			          p->rx_next, f.h.seq - 1, (unsigned)p->tid);
		skip_gap = 0;
		memmove(p->held, p->held + 1, sizeof(*p->held) * (size_t)(p->nheld - 1));
		p->nheld--;
		p->rx_next = f.h.seq + 1;
		if (p->rx_next == 0)
			p->rx_next = 1;
		if (deliver_now(&f.h, f.payload) < 0)
			r = PvmNoMem;
		if (p->nheld == 0)
			ngaps--;
	}
	/* (every caller has just delivered one) what is still held waits
	 * for another frame than before: a new gap */
	if (p->nheld > 0) {
		p->gap_since_ns = clock_now_ns();
		p->gap_warned = 0;
	}
	return r;
}

static int gap_warn_ms(void)
{
	static int ms = -1;

	if (ms < 0)
		ms = (int)env_long("PVMX_GAP_WARN_MS", 1, 86400000L, GAP_WARN_MS_DEFAULT);
	return ms;
}

int lpvm_deliver_gaps(void)
{
	int64_t now;

	if (ngaps == 0)
		return -1;
	now = clock_now_ns();
	for (size_t i = 0; i < pairs_cap; i++) {
		struct pair *p = &pairs[i];
		int64_t age_ms;

		if (p->tid == 0 || p->nheld == 0 || p->gap_warned)
			continue;
		age_ms = (now - p->gap_since_ns) / 1000000;
		if (age_ms < gap_warn_ms())
			continue;
		p->gap_warned = 1;
		log_warn("frame %u from t%x has not come for %lld ms; %d later "
		         "frame%s from it wait%s behind it (lost on its route?)",
		         p->rx_next, (unsigned)p->tid, (long long)age_ms, p->nheld,
		         p->nheld == 1 ? "" : "s", p->nheld == 1 ? "s" : "");
	}
	return GAP_CHECK_MS;
}

int lpvm_deliver(const struct frame_header *h, uint8_t *payload)
{
	struct pair *p;
	int r;

	/* frames a daemon made (output, notifies) are not numbered */
	if (h->seq == 0 || (p = pair_find(h->src, 1)) == NULL)
		return deliver_now(h, payload);
	if (h->seq < p->rx_next) {
		log_warn("a frame (seq %u) from t%x came twice: dropped", h->seq,
		         (unsigned)h->src);
		free(payload);
		return 0;
	}
	if (h->seq > p->rx_next) {
		r = hold(p, h, payload);
		if (r == 0 && p->nheld > HELD_MAX)
			r = release_held(p, 1);
		return r;
	}
	r = deliver_now(h, payload);
	p->rx_next = h->seq + 1;
	if (p->rx_next == 0)
		p->rx_next = 1;
	if (release_held(p, 0) < 0)
		r = PvmNoMem;
	return r;
}

void lpvm_pairs_reset(void)
{
	for (size_t i = 0; i < pairs_cap; i++) {
		for (int k = 0; k < pairs[i].nheld; k++)
			free(pairs[i].held[k].payload);
		free(pairs[i].held);
	}
	free(pairs);
	pairs = NULL;
	npairs = pairs_cap = 0;
	ngaps = 0;
}

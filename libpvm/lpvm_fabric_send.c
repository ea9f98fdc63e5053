/*
 * lpvm_fabric_send.c - the libfabric route's operations and sending: posts
 * (deferred in order while the provider says EAGAIN), a peer's failure,
 * and messages sent eagerly or announced with their payload behind.
 */
#ifdef PVMX_HAVE_FABRIC

#include "lpvm_fabric_int.h"
#include "log.h"

#include <pvm3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- operations ---- */

struct fab_op *fab_op_new(enum fab_op_kind kind, size_t datalen)
{
	struct fab_op *op = calloc(1, sizeof(*op) + datalen);

	if (op != NULL)
		op->kind = kind;
	return op;
}

void fab_op_free(struct lpvm_fabric *fab, struct fab_op *op)
{
	if (op->kind == OP_TX_COPY && op->peer != NULL)
		op->peer->tx_copies--;
	fab->tx_bytes -= op->charged;
	free(op->owned);
	free(op);
}

static void posted_add(struct lpvm_fabric *fab, struct fab_op *op)
{
	op->posted = 1;
	op->prev = NULL;
	op->next = fab->posted;
	if (fab->posted != NULL)
		fab->posted->prev = op;
	fab->posted = op;
}

void fab_posted_remove(struct lpvm_fabric *fab, struct fab_op *op)
{
	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		fab->posted = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	op->posted = 0;
}

/* Hands op to the provider: 0, -FI_EAGAIN, or another negative fi code. */
static ssize_t op_post(struct lpvm_fabric *fab, struct fab_op *op)
{
	fi_addr_t to = op->peer != NULL ? op->peer->addr : FI_ADDR_UNSPEC;
	struct lpvm_fabric_send *req = op->req;
	ssize_t r;

	switch (op->kind) {
	case OP_RX_EAGER:
		r = fi_trecv(fab->ep, op->data, FAB_EAGER_PKT, NULL, FI_ADDR_UNSPEC, 0, 0,
		             &op->ctx);
		break;
	case OP_RX_BULK:
		r = fi_trecv(fab->ep, op->buf, op->len, NULL, FI_ADDR_UNSPEC, op->tag, 0,
		             &op->ctx);
		break;
	case OP_RX_LAND:
		/* any sender's, any seq: the completion's tag says whose */
		r = fi_trecv(fab->ep, op->buf, FAB_LAND_SIZE, NULL, FI_ADDR_UNSPEC,
		             FAB_TAG_BULK | FAB_TAG_LAND, FAB_TAG_LAND - 1, &op->ctx);
		break;
	case OP_TX_COPY:
		/* never fi_tinject: an injected packet has no completion, yet
		 * rxm may still hold it (a connection being set up) until the
		 * sender makes progress again; its completion is what tells a
		 * sender about to stop calling us that the packet is out
		 * (lpvm_fabric_peer_busy) */
		r = fi_tsend(fab->ep, op->buf, op->len, NULL, to, 0, &op->ctx);
		break;
	case OP_TX_BULK:
		if (op->tag & FAB_TAG_LAND) {
			/* a landing payload names its sender's instance, in
			 * the remote data: the receiver may meet it before any
			 * packet of ours (land_arrived) */
			struct fi_msg_tagged msg = {
			    .msg_iov = req->iov,
			    .iov_count = (size_t)req->iovcnt,
			    .addr = to,
			    .tag = op->tag,
			    .context = &op->ctx,
			    .data = fab->instance,
			};
			r = fi_tsendmsg(fab->ep, &msg, FI_COMPLETION | FI_REMOTE_CQ_DATA);
		} else {
			r = fi_tsendv(fab->ep, req->iov, NULL, (size_t)req->iovcnt, to,
			              op->tag, &op->ctx);
		}
		break;
	default:
		r = -FI_EINVAL;
	}
	if (r == 0)
		posted_add(fab, op);
	return r;
}

/* ---- failure ---- */

static int queue_error(struct lpvm_fabric *fab, int32_t src, int code, const char *why)
{
	struct fab_event *ev = calloc(1, sizeof(*ev));

	if (ev == NULL || (ev->buf = (uint8_t *)strdup(why)) == NULL) {
		free(ev);
		log_error("fabric: t%x: %s (and no memory to report it)", (unsigned)src,
		          why);
		return PvmNoMem;
	}
	ev->src = src;
	ev->code = code;
	ev->complete = 1;
	if (fab->ready_tail != NULL)
		fab->ready_tail->next = ev;
	else
		fab->ready_head = ev;
	fab->ready_tail = ev;
	return 0;
}

void fab_req_fail(struct lpvm_fabric *fab, struct lpvm_fabric_send *req, int code)
{
	req->op = NULL;
	req->state = code;
	fab->nevents++;
}

/* Fails everything in flight to and from peer, once, and tells the caller
 * (through peer_error, at the next dispatch). */
void fab_peer_failed(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p, int code,
                     const char *why)
{
	struct fab_op *op, **pp;
	struct fab_event *ev;

	if (p->failed)
		return;
	p->failed = 1;
	log_warn("fabric: peer t%x failed: %s", (unsigned)p->id, why);
	while ((op = p->txq_head) != NULL) {
		p->txq_head = op->qnext;
		if (op->req != NULL)
			fab_req_fail(fab, op->req, code);
		fab_op_free(fab, op);
	}
	p->txq_tail = NULL;
	/* Posted operations stay the provider's until they complete (or the
	 * endpoint closes); only their owners are released. */
	for (op = fab->posted; op != NULL; op = op->next) {
		if (op->peer != p)
			continue;
		if (op->kind == OP_TX_BULK && op->req != NULL) {
			op->owned = op->req->copy;
			op->req->copy = NULL;
			fab_req_fail(fab, op->req, code);
			op->req = NULL;
		} else if (op->kind == OP_RX_BULK && op->in != NULL) {
			op->owned = op->in->buf;
			op->in->buf = NULL;
			op->in->op = NULL;
			op->in = NULL;
			(void)fi_cancel(&fab->ep->fid, &op->ctx);
		}
	}
	for (pp = &fab->rxq_head; (op = *pp) != NULL;) {
		if (op->peer == p) {
			*pp = op->qnext;
			fab_op_free(fab, op);
		} else {
			pp = &op->qnext;
		}
	}
	fab->rxq_tail = NULL;
	for (op = fab->rxq_head; op != NULL; op = op->qnext)
		fab->rxq_tail = op;
	while ((ev = p->rxq_head) != NULL) {
		p->rxq_head = ev->next;
		free(ev->buf);
		free(ev);
	}
	p->rxq_tail = NULL;
	/* payloads of a newer instance, come before its first packet, stay */
	fab_landed_drop(p, p->known ? LANDED_OF : LANDED_ALL, p->instance);
	p->rx_part = NULL; /* (it was in rxq) */
	p->rx_part_off = 0;
	if (p->has_addr) {
		(void)fi_av_remove(fab->av, &p->addr, 1, 0);
		p->has_addr = 0;
		p->addr = FI_ADDR_NOTAVAIL;
	}
	(void)queue_error(fab, p->id, code, why);
}

void fab_peer_failedf(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p, int code,
                      const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fab_peer_failed(fab, p, code, why);
}

void fab_landed_drop(struct lpvm_fabric_peer *p, enum fab_landed_which which,
                     uint32_t instance)
{
	struct fab_landed *l, **pp = &p->landed;

	while ((l = *pp) != NULL) {
		if (which == LANDED_ALL || (which == LANDED_OF) == (l->instance == instance)) {
			*pp = l->next;
			free(l->buf);
			free(l);
		} else {
			pp = &l->next;
		}
	}
}

/* Forgets what was said with the peer's previous incarnation.  Payloads
 * of the new one may have landed already (a payload comes before its
 * announcement, and on a first contact before anything else): they
 * stay. */
void fab_peer_renew(struct lpvm_fabric_peer *p, uint32_t instance)
{
	fab_landed_drop(p, LANDED_BUT, instance);
	p->known = 1;
	p->instance = instance;
	p->failed = 0;
	p->tx_seq = 0;
	p->rx_seq = 0;
	p->rx_part = NULL;
	p->rx_part_off = 0;
}

/* ---- deferred posts ---- */

static void tx_enqueue(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p,
                       struct fab_op *op)
{
	op->qnext = NULL;
	if (p->txq_tail != NULL)
		p->txq_tail->qnext = op;
	else
		p->txq_head = op;
	p->txq_tail = op;
	if (!p->in_txlist) {
		p->in_txlist = 1;
		p->txnext = fab->txlist;
		fab->txlist = p;
	}
}

static void post_failed(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p, ssize_t r)
{
	fab_peer_failedf(fab, p, PvmNoTask, "posting a send: %s", fi_strerror((int)-r));
}

/* Posts the peer's deferred sends, in order, until the provider says
 * EAGAIN; 1 if some are left. */
static int tx_flush_peer(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p)
{
	struct fab_op *op;

	while ((op = p->txq_head) != NULL) {
		ssize_t r;

		p->txq_head = op->qnext;
		if (p->txq_head == NULL)
			p->txq_tail = NULL;
		r = op_post(fab, op);
		if (r == 0)
			continue;
		/* back at the head */
		op->qnext = p->txq_head;
		p->txq_head = op;
		if (p->txq_tail == NULL)
			p->txq_tail = op;
		if (r == -FI_EAGAIN)
			return 1;
		post_failed(fab, p, r);
		return 0;
	}
	return 0;
}

/* A send for peer: posted now if nothing waits before it, else queued. */
static void tx_submit(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p,
                      struct fab_op *op)
{
	if (p->failed) {
		if (op->req != NULL)
			fab_req_fail(fab, op->req, PvmNoTask);
		fab_op_free(fab, op);
		return;
	}
	if (p->txq_head == NULL) {
		ssize_t r = op_post(fab, op);
		if (r == 0)
			return;
		if (r != -FI_EAGAIN) {
			tx_enqueue(fab, p, op);
			post_failed(fab, p, r);
			return;
		}
	}
	tx_enqueue(fab, p, op);
}

static void rx_enqueue(struct lpvm_fabric *fab, struct fab_op *op)
{
	op->qnext = NULL;
	if (fab->rxq_tail != NULL)
		fab->rxq_tail->qnext = op;
	else
		fab->rxq_head = op;
	fab->rxq_tail = op;
}

void fab_rx_unqueue(struct lpvm_fabric *fab, struct fab_op *op)
{
	struct fab_op **pp, *prev = NULL;

	for (pp = &fab->rxq_head; *pp != NULL; prev = *pp, pp = &(*pp)->qnext) {
		if (*pp != op)
			continue;
		*pp = op->qnext;
		if (fab->rxq_tail == op)
			fab->rxq_tail = prev;
		op->qnext = NULL;
		return;
	}
}

int fab_land_post(struct lpvm_fabric *fab, struct fab_op *op)
{
	/* untouched until a payload lands: costs address space, not memory */
	op->buf = malloc(FAB_LAND_SIZE);
	if (op->buf == NULL) {
		log_error("fabric: no memory for a landing buffer");
		free(op);
		return PvmNoMem;
	}
	op->owned = op->buf;
	op->len = FAB_LAND_SIZE;
	op->in = NULL;
	op->peer = NULL;
	fab_rx_submit(fab, op);
	return 0;
}

static void rx_post_failed(struct lpvm_fabric *fab, struct fab_op *op, ssize_t r)
{
	if (op->kind == OP_RX_BULK) {
		/* the message (freed with the source's queue) loses its op */
		if (op->in != NULL)
			op->in->op = NULL;
		op->in = NULL;
		fab_peer_failedf(fab, op->peer, PvmNoTask, "posting a receive: %s",
		                 fi_strerror((int)-r));
	} else {
		log_error("fabric: a bounce buffer is lost: posting a receive: %s",
		          fi_strerror((int)-r));
	}
	fab_op_free(fab, op);
}

void fab_rx_submit(struct lpvm_fabric *fab, struct fab_op *op)
{
	if (fab->rxq_head == NULL) {
		ssize_t r = op_post(fab, op);
		if (r == 0)
			return;
		if (r != -FI_EAGAIN) {
			rx_post_failed(fab, op, r);
			return;
		}
	}
	rx_enqueue(fab, op);
}

/* Retries deferred posts; 1 if some are still deferred. */
int fab_flush_deferred(struct lpvm_fabric *fab)
{
	struct lpvm_fabric_peer *p, **pp;
	struct fab_op *op;
	int left = 0;

	while ((op = fab->rxq_head) != NULL) {
		ssize_t r = op_post(fab, op);
		if (r == -FI_EAGAIN) {
			left = 1;
			break;
		}
		fab->rxq_head = op->qnext;
		if (fab->rxq_head == NULL)
			fab->rxq_tail = NULL;
		if (r != 0)
			rx_post_failed(fab, op, r);
	}
	for (pp = &fab->txlist; (p = *pp) != NULL;) {
		if (tx_flush_peer(fab, p)) {
			left = 1;
			pp = &p->txnext;
		} else {
			*pp = p->txnext;
			p->in_txlist = 0;
		}
	}
	return left;
}

/* ---- sending ---- */

static void encode_pkt(uint8_t *pkt, int kind, size_t hlen, int32_t src, uint32_t seq,
                       uint32_t instance, uint64_t total)
{
	pkt[0] = FAB_WIRE_VERSION;
	pkt[1] = (uint8_t)kind;
	put16(pkt + 2, (uint16_t)hlen);
	put32(pkt + 4, (uint32_t)src);
	put32(pkt + 8, seq);
	put32(pkt + 12, instance);
	put64(pkt + 16, total);
}

/* A packet of len bytes to copy into, for peer, counted in flight. */
static struct fab_op *pkt_op(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p,
                             size_t len)
{
	struct fab_op *op = fab_op_new(OP_TX_COPY, len);

	if (op == NULL)
		return NULL;
	op->peer = p;
	p->tx_copies++;
	op->buf = op->data;
	op->len = len;
	op->charged = len;
	fab->tx_bytes += len;
	return op;
}

/* A copied packet for peer: the header, hdr, then (eager) the payload. */
static struct fab_op *copy_op(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p,
                              int kind, uint32_t seq, const void *hdr, size_t hdr_len,
                              const struct iovec *iov, int iovcnt, uint64_t total)
{
	size_t len = FAB_PKT_HDR + (kind == PKT_EAGER ? total : hdr_len);
	struct fab_op *op = pkt_op(fab, p, len);
	uint8_t *q;

	if (op == NULL)
		return NULL;
	encode_pkt(op->data, kind, hdr_len, fab->cfg.self_id, seq, fab->instance, total);
	q = op->data + FAB_PKT_HDR;
	if (hdr_len > 0)
		memcpy(q, hdr, hdr_len);
	q += hdr_len;
	if (kind == PKT_EAGER)
		for (int i = 0; i < iovcnt; i++) {
			if (iov[i].iov_len > 0)
				memcpy(q, iov[i].iov_base, iov[i].iov_len);
			q += iov[i].iov_len;
		}
	return op;
}

/* Copies n bytes from the iovecs, starting *at bytes into iov[*i]. */
static void gather_iov(uint8_t *q, const struct iovec *iov, int *i, size_t *at, size_t n)
{
	while (n > 0) {
		size_t k = iov[*i].iov_len - *at;

		if (k == 0) {
			(*i)++;
			*at = 0;
			continue;
		}
		if (k > n)
			k = n;
		memcpy(q, (const uint8_t *)iov[*i].iov_base + *at, k);
		q += k;
		*at += k;
		n -= k;
	}
}

/* A message of more than one eager packet and at most FAB_SEG_MAX bytes:
 * FIRST (the header and the payload's start), then MOREs.  Every packet
 * is made before any is posted, so a failed allocation sends nothing. */
static int send_segmented(struct lpvm_fabric *fab, struct lpvm_fabric_peer *peer,
                          uint32_t seq, const void *hdr, size_t hdr_len,
                          const struct iovec *iov, int iovcnt, uint64_t total)
{
	struct fab_op *ops[FAB_SEG_PKTS];
	size_t payload = (size_t)total - hdr_len, off = 0, at = 0;
	int n = 0, i = 0;

	(void)iovcnt;
	while ((n == 0 || off < payload) && n < (int)FAB_SEG_PKTS) {
		size_t room = n == 0 ? FAB_EAGER_MAX - hdr_len : FAB_EAGER_MAX;
		size_t k = payload - off < room ? payload - off : room;
		size_t h = n == 0 ? hdr_len : 0;
		struct fab_op *op = pkt_op(fab, peer, FAB_PKT_HDR + h + k);

		if (op == NULL) {
			while (n > 0)
				fab_op_free(fab, ops[--n]);
			return PvmNoMem;
		}
		encode_pkt(op->data, n == 0 ? PKT_FIRST : PKT_MORE, h, fab->cfg.self_id,
		           seq, fab->instance, n == 0 ? total : off);
		if (h > 0)
			memcpy(op->data + FAB_PKT_HDR, hdr, h);
		gather_iov(op->data + FAB_PKT_HDR + h, iov, &i, &at, k);
		off += k;
		ops[n++] = op;
	}
	if (off < payload) { /* (cannot be: FAB_SEG_PKTS holds FAB_SEG_MAX) */
		while (n > 0)
			fab_op_free(fab, ops[--n]);
		return PvmBadParam;
	}
	peer->tx_seq++;
	for (int k = 0; k < n; k++)
		tx_submit(fab, peer, ops[k]);
	return 0;
}

int lpvm_fabric_send_post(struct lpvm_fabric *fab, struct lpvm_fabric_peer *peer,
                          const void *hdr, size_t hdr_len, const struct iovec *iov,
                          int iovcnt, struct lpvm_fabric_send **reqp)
{
	struct lpvm_fabric_send *req;
	struct fab_op *bulk, *ann;
	uint64_t total = hdr_len, payload;
	uint32_t seq;
	int i, n, land;

	*reqp = NULL;
	if (peer->failed || !peer->has_addr)
		return PvmNoTask;
	if (hdr_len > LPVM_FABRIC_HDR_MAX || iovcnt < 0 || (iovcnt > 0 && iov == NULL))
		return PvmBadParam;
	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (total > fab->cfg.max_msg)
		return PvmBadParam;
	if (fab->tx_bytes > 0 && fab->tx_bytes + FAB_EAGER_PKT > FAB_TX_BYTES_MAX)
		return LPVM_FABRIC_AGAIN;
	seq = peer->tx_seq;
	if (total > FAB_EAGER_MAX && total <= FAB_SEG_MAX)
		return send_segmented(fab, peer, seq, hdr, hdr_len, iov, iovcnt, total);
	if (total <= FAB_EAGER_MAX) {
		ann =
		    copy_op(fab, peer, PKT_EAGER, seq, hdr, hdr_len, iov, iovcnt, total);
		if (ann == NULL)
			return PvmNoMem;
		peer->tx_seq++;
		tx_submit(fab, peer, ann);
		return 0;
	}
	for (i = 0, n = 0; i < iovcnt; i++)
		n += iov[i].iov_len > 0;
	req = calloc(1, sizeof(*req) + (size_t)n * sizeof(struct iovec));
	bulk = fab_op_new(OP_TX_BULK, 0);
	/* a payload that fits the receiver's landing buffers goes at once,
	 * eagerly (rxm's eager limit covers it); a larger one by rxm's
	 * rendezvous, into the receive its announcement posts */
	land = fab->land && total - hdr_len <= FAB_LAND_SIZE;
	ann = copy_op(fab, peer, land ? PKT_LANDING : PKT_ANNOUNCE, seq, hdr, hdr_len,
	              NULL, 0, total);
	if (req == NULL || bulk == NULL || ann == NULL) {
		free(req);
		free(bulk);
		if (ann != NULL)
			fab_op_free(fab, ann);
		return PvmNoMem;
	}
	payload = total - hdr_len;
	for (i = 0; i < iovcnt; i++)
		if (iov[i].iov_len > 0)
			req->iov[req->iovcnt++] = iov[i];
	if ((size_t)req->iovcnt > fab->iov_limit) {
		/* more pieces than the provider takes in one send: gather */
		uint8_t *q = malloc(payload);

		if (q == NULL) {
			free(req);
			free(bulk);
			fab_op_free(fab, ann);
			return PvmNoMem;
		}
		req->copy = q;
		for (i = 0; i < req->iovcnt; i++) {
			memcpy(q, req->iov[i].iov_base, req->iov[i].iov_len);
			q += req->iov[i].iov_len;
		}
		req->iov[0].iov_base = req->copy;
		req->iov[0].iov_len = payload;
		req->iovcnt = 1;
	}
	bulk->peer = peer;
	bulk->req = req;
	bulk->tag = fab_bulk_tag(fab->cfg.self_id, seq, land);
	req->op = bulk;
	req->next = fab->reqs;
	if (fab->reqs != NULL)
		fab->reqs->prev = req;
	fab->reqs = req;
	peer->tx_seq++;
	/* the payload goes first: whatever the receiver matches after the
	 * announcement is already on its way, so a sender that dies mid-way
	 * fails the receive instead of leaving it posted */
	tx_submit(fab, peer, bulk);
	tx_submit(fab, peer, ann);
	*reqp = req;
	return 0;
}

int lpvm_fabric_send_test(struct lpvm_fabric *fab, struct lpvm_fabric_send **reqp)
{
	struct lpvm_fabric_send *req = *reqp;
	int state;

	if (req == NULL)
		return 1;
	state = req->state;
	if (state == 0)
		return 0;
	if (req->prev != NULL)
		req->prev->next = req->next;
	else
		fab->reqs = req->next;
	if (req->next != NULL)
		req->next->prev = req->prev;
	free(req->copy);
	free(req);
	*reqp = NULL;
	return state;
}

int lpvm_fabric_wait(struct lpvm_fabric *fab, struct lpvm_fabric_send **reqp,
                     int timeout_ms)
{
	int64_t deadline = clock_now_ms() + timeout_ms;

	for (;;) {
		int left, r = lpvm_fabric_send_test(fab, reqp);

		if (r != 0)
			return r;
		left = timeout_ms < 0 ? -1 : (int)(deadline - clock_now_ms());
		if (timeout_ms >= 0 && left <= 0)
			return 0;
		r = lpvm_fabric_progress(fab, left);
		if (r < 0)
			return r;
	}
}

int lpvm_fabric_peer_busy(const struct lpvm_fabric *fab,
                          const struct lpvm_fabric_peer *peer)
{
	(void)fab;
	return peer != NULL && !peer->failed && peer->tx_copies > 0;
}

#endif

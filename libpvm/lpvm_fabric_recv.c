/*
 * lpvm_fabric_recv.c - the libfabric route's receiving and progress:
 * packets from the bounce buffers, payloads matched by tag, completions,
 * per-source order, and the wait that sleeps on the provider's descriptor.
 */
#ifdef PVMX_HAVE_FABRIC

#include "lpvm_fabric_int.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- receiving ---- */

/* Moves the source's messages that are complete, in order, to the ready
 * queue. */
static void rx_flush_peer(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p)
{
	struct fab_event *ev;

	while ((ev = p->rxq_head) != NULL && ev->complete) {
		p->rxq_head = ev->next;
		if (p->rxq_head == NULL)
			p->rxq_tail = NULL;
		ev->next = NULL;
		if (fab->ready_tail != NULL)
			fab->ready_tail->next = ev;
		else
			fab->ready_head = ev;
		fab->ready_tail = ev;
	}
}

/* A packet from a peer with a segmented message under way: the next
 * piece of it (the same seq, at the offset reached, full unless it is
 * the last), or a broken peer. */
static void rx_more(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p, int kind,
                    uint32_t seq, size_t hlen, uint64_t off, const uint8_t *bytes,
                    size_t n)
{
	struct fab_event *ev = p->rx_part;

	if (ev == NULL || kind != PKT_MORE || seq + 1 != p->rx_seq || hlen != 0 ||
	    off != p->rx_part_off || n > ev->len - p->rx_part_off ||
	    (n != FAB_EAGER_MAX && n != ev->len - p->rx_part_off) || n == 0) {
		fab_peer_failedf(fab, p, PvmBadMsg,
		                 "bad packet: kind %d, seq %u, %zu bytes at %llu, "
		                 "in message %u at %zu",
		                 kind, seq, n, (unsigned long long)off, p->rx_seq - 1,
		                 p->rx_part_off);
		return;
	}
	memcpy(ev->buf + p->rx_part_off, bytes, n);
	p->rx_part_off += n;
	if (p->rx_part_off < ev->len)
		return;
	ev->complete = 1;
	p->rx_part = NULL;
	rx_flush_peer(fab, p);
}

/* A landed payload meets its announced message ev: the message is whole.
 * The receive posted for it in case it had not landed (see rx_packet) is
 * withdrawn. */
static void land_attach(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p,
                        struct fab_event *ev, uint8_t *buf, size_t len)
{
	struct fab_op *op = ev->op;

	if (len != ev->len) {
		free(buf);
		fab_peer_failedf(fab, p, PvmBadMsg, "payload of %zu bytes, %zu announced",
		                 len, ev->len);
		return;
	}
	if (op != NULL) {
		ev->op = NULL;
		op->in = NULL;
		op->owned = ev->buf; /* the provider's until the op ends */
		if (op->posted) {
			(void)fi_cancel(&fab->ep->fid, &op->ctx);
		} else {
			fab_rx_unqueue(fab, op);
			fab_op_free(fab, op);
		}
	} else {
		free(ev->buf);
	}
	ev->buf = buf;
	ev->landing = 0;
	ev->complete = 1;
	rx_flush_peer(fab, p);
}

/* A payload from src's instance (its seq's low bits) in a landing
 * buffer: to its message if announced already, else kept for the
 * announcement - also when it comes from an instance not known yet: on a
 * first contact, or from a task that has just taken the tid of another,
 * the payload comes before the first packet that names the instance. */
static void land_arrived(struct lpvm_fabric *fab, int32_t src, uint32_t instance,
                         uint32_t seq, uint8_t *buf, size_t len)
{
	struct lpvm_fabric_peer *p = src > 0 ? fab_peer_get(fab, src) : NULL;
	int current = p != NULL && p->known && p->instance == instance;
	struct fab_landed *l;
	struct fab_event *ev;

	if (p == NULL || (current && p->failed)) {
		if (p == NULL)
			log_warn("fabric: dropped a payload of %zu bytes from id %d", len,
			         (int)src);
		free(buf);
		return;
	}
	for (ev = p->rxq_head; current && ev != NULL; ev = ev->next)
		if (ev->landing && !ev->complete && (ev->seq & FAB_TAG_SEQ_MASK) == seq) {
			land_attach(fab, p, ev, buf, len);
			return;
		}
	l = malloc(sizeof(*l));
	if (l == NULL) {
		free(buf);
		fab_peer_failedf(fab, p, PvmNoMem, "no memory for a payload of %zu bytes",
		                 len);
		return;
	}
	l->seq = seq;
	l->instance = instance;
	l->buf = buf;
	l->len = len;
	l->next = p->landed;
	p->landed = l;
}

/* The payload of message seq of the peer's instance if it has landed
 * (taken off the list), or NULL. */
static struct fab_landed *landed_take(struct lpvm_fabric_peer *p, uint32_t seq)
{
	struct fab_landed **pp, *l;

	for (pp = &p->landed; (l = *pp) != NULL; pp = &l->next)
		if (l->seq == (seq & FAB_TAG_SEQ_MASK) && l->instance == p->instance) {
			*pp = l->next;
			return l;
		}
	return NULL;
}

/* One packet from a bounce buffer. */
static void rx_packet(struct lpvm_fabric *fab, const uint8_t *pkt, size_t len)
{
	struct lpvm_fabric_peer *p;
	struct fab_landed *landed;
	struct fab_event *ev;
	struct fab_op *op;
	uint32_t seq, instance;
	uint64_t total;
	size_t hlen, payload;
	int32_t src;
	int kind;

	if (len < FAB_PKT_HDR || pkt[0] != FAB_WIRE_VERSION) {
		log_warn("fabric: dropped a packet of %zu bytes: %s", len,
		         len < FAB_PKT_HDR ? "too short" : "unknown version");
		return;
	}
	kind = pkt[1];
	hlen = get16(pkt + 2);
	src = (int32_t)get32(pkt + 4);
	seq = get32(pkt + 8);
	instance = get32(pkt + 12);
	total = get64(pkt + 16);
	if (src <= 0) {
		log_warn("fabric: dropped a packet from id %d", (int)src);
		return;
	}
	p = fab_peer_get(fab, src);
	if (p == NULL) {
		log_error("fabric: no memory for peer t%x", (unsigned)src);
		return;
	}
	if (p->known && instance != p->instance) {
		/* another task with this tid: the old one is gone */
		fab_peer_failed(fab, p, PvmNoTask,
		                "replaced by a new endpoint with its id");
		fab_peer_renew(p, instance);
	}
	if (!p->known)
		fab_peer_renew(p, instance);
	if (p->failed)
		return;
	if (kind == PKT_MORE || p->rx_part != NULL) {
		rx_more(fab, p, kind, seq, hlen, total, pkt + FAB_PKT_HDR,
		        len - FAB_PKT_HDR);
		return;
	}
	if (seq != p->rx_seq) {
		fab_peer_failedf(fab, p, PvmBadMsg, "message %u arrived when %u was due",
		                 seq, p->rx_seq);
		return;
	}
	p->rx_seq++;
	if (total > fab->cfg.max_msg) {
		fab_peer_failedf(fab, p, PvmBadMsg, "message of %llu bytes, limit %zu",
		                 (unsigned long long)total, fab->cfg.max_msg);
		return;
	}
	/* both kinds carry the header's length: an eager packet the header
	 * and payload, an announcement the header alone */
	if (hlen > LPVM_FABRIC_HDR_MAX || hlen > total ||
	    (kind == PKT_EAGER && total != len - FAB_PKT_HDR) ||
	    ((kind == PKT_ANNOUNCE || kind == PKT_LANDING) &&
	     (len != FAB_PKT_HDR + hlen || total <= FAB_SEG_MAX)) ||
	    (kind == PKT_LANDING && total - hlen > FAB_LAND_SIZE) ||
	    (kind == PKT_FIRST &&
	     (len != FAB_EAGER_PKT || total <= FAB_EAGER_MAX || total > FAB_SEG_MAX)) ||
	    (kind != PKT_EAGER && kind != PKT_ANNOUNCE && kind != PKT_FIRST &&
	     kind != PKT_LANDING)) {
		fab_peer_failedf(fab, p, PvmBadMsg,
		                 "bad packet: kind %d, %zu bytes, header %zu, for %llu",
		                 kind, len, hlen, (unsigned long long)total);
		return;
	}
	/* the header stays in the event; the payload gets a buffer of its
	 * own, which the caller keeps: a landing buffer's, or one made now */
	payload = (size_t)total - hlen;
	landed = kind == PKT_LANDING ? landed_take(p, seq) : NULL;
	ev = calloc(1, sizeof(*ev) + hlen);
	if (ev != NULL && landed != NULL) {
		ev->buf = landed->buf;
		landed->buf = NULL;
	}
	if (ev == NULL ||
	    (ev->buf == NULL && (ev->buf = malloc(payload > 0 ? payload : 1)) == NULL)) {
		if (landed != NULL)
			free(landed->buf);
		free(landed);
		free(ev);
		fab_peer_failedf(fab, p, PvmNoMem,
		                 "no memory for a message of %llu bytes",
		                 (unsigned long long)total);
		return;
	}
	ev->src = src;
	ev->seq = seq;
	ev->hdr_len = hlen;
	memcpy(ev->hdr, pkt + FAB_PKT_HDR, hlen);
	ev->len = payload;
	if (landed != NULL) {
		size_t got = landed->len;

		free(landed);
		if (got != payload) {
			free(ev->buf);
			free(ev);
			fab_peer_failedf(fab, p, PvmBadMsg,
			                 "payload of %zu bytes, %zu announced", got,
			                 payload);
			return;
		}
		ev->complete = 1;
	} else if (kind == PKT_EAGER) {
		memcpy(ev->buf, pkt + FAB_PKT_HDR + hlen, payload);
		ev->complete = 1;
	} else if (kind == PKT_FIRST) {
		p->rx_part_off = len - FAB_PKT_HDR - hlen;
		memcpy(ev->buf, pkt + FAB_PKT_HDR + hlen, p->rx_part_off);
		p->rx_part = ev;
	} else {
		/* the bulk receive lands in the payload's buffer: no copy.  A
		 * landing payload not landed yet came in while no landing
		 * buffer was free (it waits in rxm, whole: it came before
		 * its announcement): this receive takes it, unless a landing
		 * buffer posted meanwhile does (land_attach) */
		ev->landing = kind == PKT_LANDING;
		op = fab_op_new(OP_RX_BULK, 0);
		if (op == NULL) {
			free(ev->buf);
			free(ev);
			fab_peer_failedf(fab, p, PvmNoMem,
			                 "no memory to receive %llu bytes",
			                 (unsigned long long)total);
			return;
		}
		op->peer = p;
		op->in = ev;
		op->buf = ev->buf;
		op->len = payload;
		op->tag = fab_bulk_tag(src, seq, kind == PKT_LANDING);
		ev->op = op;
	}
	if (p->rxq_tail != NULL)
		p->rxq_tail->next = ev;
	else
		p->rxq_head = ev;
	p->rxq_tail = ev;
	if (ev->op != NULL)
		fab_rx_submit(fab, ev->op);
	else
		rx_flush_peer(fab, p);
}

/* ---- completions ---- */

/* A receive that failed may be reported failed again (rxm reports each of
 * a rendezvous' reads): its context stays valid, and ignored, until the
 * endpoint closes.  Its memory is not written to any more. */
static void retire(struct lpvm_fabric *fab, struct fab_op *op)
{
	free(op->owned);
	op->owned = NULL;
	op->retired = 1;
	op->next = fab->retired;
	fab->retired = op;
}

/* A completion: len bytes; a receive's tag and remote data (flags say
 * whether there is any); err 0 or the provider's error. */
static void complete_op(struct lpvm_fabric *fab, struct fab_op *op, size_t len,
                        uint64_t tag, uint64_t flags, uint64_t data, int err)
{
	struct lpvm_fabric_peer *p = op->peer;
	const char *what = op->kind <= OP_RX_LAND ? "receive" : "send";
	struct fab_op *fresh;
	struct fab_event *ev;

	if (op->retired)
		return;
	fab_posted_remove(fab, op);
	switch (op->kind) {
	case OP_RX_EAGER:
		if (err == 0) {
			rx_packet(fab, op->data, len);
			fab_rx_submit(fab, op);
			return;
		}
		/* a bounce buffer failed (its sender is gone, or we cancelled
		 * it): another takes its place */
		log_warn("fabric: eager receive: %s", fi_strerror(err));
		retire(fab, op);
		fresh = fab_op_new(OP_RX_EAGER, FAB_EAGER_PKT);
		if (fresh != NULL)
			fab_rx_submit(fab, fresh);
		else
			log_error("fabric: no memory for a bounce buffer");
		return;
	case OP_RX_LAND: {
		/* the tag is fab_bulk_tag's: the sender's id, the seq */
		int32_t src = (int32_t)((tag >> 31) & FAB_TAG_SEQ_MASK);

		if (err == 0 && !(flags & FI_REMOTE_CQ_DATA)) {
			/* a landing payload carries its sender's instance */
			p = src > 0 ? fab_peer_get(fab, src) : NULL;
			if (p != NULL)
				fab_peer_failedf(fab, p, PvmBadMsg,
				                 "a payload without its sender's instance");
			err = EPROTO;
		}
		if (err == 0) {
			uint8_t *buf = op->buf, *small;

			op->owned = NULL;
			/* keep what the payload uses (a shrink in place) */
			if (len < FAB_LAND_SIZE &&
			    (small = realloc(buf, len > 0 ? len : 1)) != NULL)
				buf = small;
			land_arrived(fab, src, (uint32_t)data, (uint32_t)(tag & FAB_TAG_SEQ_MASK),
			             buf, len);
			(void)fab_land_post(fab, op);
			return;
		}
		log_warn("fabric: landing receive: %s", fi_strerror(err));
		retire(fab, op);
		fresh = fab_op_new(OP_RX_LAND, 0);
		if (fresh == NULL || fab_land_post(fab, fresh) != 0)
			log_error("fabric: no memory for a landing buffer");
		return;
	}
	case OP_RX_BULK:
		ev = op->in;
		if (ev != NULL) {
			ev->op = NULL;
			op->in = NULL;
			if (err != 0) {
				fab_peer_failedf(fab, p, PvmNoTask, "%s: %s", what,
				                 fi_strerror(err));
			} else if (len != op->len) {
				fab_peer_failedf(fab, p, PvmBadMsg,
				                 "payload of %zu bytes, %zu announced",
				                 len, op->len);
			} else {
				ev->landing = 0;
				ev->complete = 1;
				rx_flush_peer(fab, p);
			}
		}
		if (err != 0) {
			retire(fab, op);
			return;
		}
		break;
	case OP_TX_COPY:
		if (err != 0)
			fab_peer_failedf(fab, p, PvmNoTask, "%s: %s", what,
			                 fi_strerror(err));
		else
			fab->nevents++; /* a sender may wait for it (peer_busy) */
		break;
	case OP_TX_BULK:
		if (op->req != NULL) {
			if (err != 0) {
				fab_req_fail(fab, op->req, PvmNoTask);
			} else {
				op->req->op = NULL;
				op->req->state = 1;
				fab->nevents++;
			}
			op->req = NULL;
		}
		if (err != 0)
			fab_peer_failedf(fab, p, PvmNoTask, "%s: %s", what,
			                 fi_strerror(err));
		break;
	}
	fab_op_free(fab, op);
}

/* Reads the completion queue dry (up to a bound); 0, or PvmSysErr when the
 * queue itself failed. */
static int poll_cq(struct lpvm_fabric *fab)
{
	struct fi_cq_tagged_entry comp[FAB_CQ_BATCH];
	struct fi_cq_err_entry err;
	int rounds;

	for (rounds = 0; rounds < 8; rounds++) {
		ssize_t i, n = fi_cq_read(fab->cq, comp, FAB_CQ_BATCH);

		if (n == -FI_EAGAIN)
			return 0;
		if (n == -FI_EAVAIL) {
			memset(&err, 0, sizeof(err));
			n = fi_cq_readerr(fab->cq, &err, 0);
			if (n < 0) {
				log_error("fabric: fi_cq_readerr: %s",
				          fi_strerror((int)-n));
				return PvmSysErr;
			}
			if (err.op_context == NULL) {
				log_error(
				    "fabric: provider error without an operation: %s",
				    fi_strerror(err.err));
				continue;
			}
			complete_op(fab, err.op_context, err.len, err.tag, err.flags,
			            err.data, err.err != 0 ? err.err : EIO);
			continue;
		}
		if (n < 0) {
			log_error("fabric: fi_cq_read: %s", fi_strerror((int)-n));
			return PvmSysErr;
		}
		for (i = 0; i < n; i++)
			complete_op(fab, comp[i].op_context, comp[i].len, comp[i].tag,
			            comp[i].flags, comp[i].data, 0);
		if (n < FAB_CQ_BATCH)
			return 0;
	}
	return 0;
}

/* Hands the ready messages and failures to the caller. */
static void dispatch(struct lpvm_fabric *fab)
{
	struct fab_event *ev;

	while ((ev = fab->ready_head) != NULL) {
		fab->ready_head = ev->next;
		if (fab->ready_head == NULL)
			fab->ready_tail = NULL;
		fab->nevents++;
		if (ev->code == 0) {
			/* the payload is the caller's from here; the header
			 * goes with the event */
			fab->cfg.deliver(fab->cfg.arg, ev->src, ev->hdr, ev->hdr_len,
			                 ev->buf, ev->len);
		} else {
			fab->cfg.peer_error(fab->cfg.arg, ev->src, ev->code,
			                    (const char *)ev->buf);
			free(ev->buf);
		}
		free(ev);
	}
}

int lpvm_fabric_fd(const struct lpvm_fabric *fab)
{
	return fab->fd;
}

int lpvm_fabric_wait_prepare(struct lpvm_fabric *fab)
{
	struct fid *fids[1] = {&fab->cq->fid};

	if (fab->ready_head != NULL)
		return 0;
	if (fab->fd < 0)
		return 1;
	if (fi_trywait(fab->fabric, fids, 1) != FI_SUCCESS)
		return 0;
	/* deferred posts, and copies in flight whose completion may not wake
	 * the descriptor, need polling */
	if (fab->rxq_head != NULL || fab->txlist != NULL || fab->tx_bytes > 0)
		return fab->backoff_ms > 0 ? fab->backoff_ms : 1;
	return -1;
}

int lpvm_fabric_progress(struct lpvm_fabric *fab, int timeout_ms)
{
	int64_t deadline = timeout_ms > 0 ? clock_now_ms() + timeout_ms : 0;
	uint64_t before = fab->nevents;
	struct pollfd pfd;

	for (;;) {
		int left, sleep_ms, r = poll_cq(fab);

		if (r < 0)
			return r;
		left = fab_flush_deferred(fab);
		dispatch(fab);
		if (fab->nevents != before) {
			fab->backoff_ms = 0;
			return (int)(fab->nevents - before);
		}
		if (timeout_ms == 0)
			return 0;
		sleep_ms = -1;
		if (timeout_ms > 0) {
			sleep_ms = (int)(deadline - clock_now_ms());
			if (sleep_ms <= 0)
				return 0;
		}
		if (left) {
			/* deferred posts wait for the provider, which may not
			 * wake the descriptor: retry with a growing pause */
			fab->backoff_ms = fab->backoff_ms == 0 ? 1 : fab->backoff_ms * 2;
			if (fab->backoff_ms > FAB_DEFER_SLEEP_MAX)
				fab->backoff_ms = FAB_DEFER_SLEEP_MAX;
			if (sleep_ms < 0 || sleep_ms > fab->backoff_ms)
				sleep_ms = fab->backoff_ms;
		}
		if (fab->fd < 0) {
			if (sleep_ms < 0 || sleep_ms > 1)
				sleep_ms = 1;
			poll(NULL, 0, sleep_ms);
			continue;
		}
		r = lpvm_fabric_wait_prepare(fab);
		if (r == 0)
			continue;
		pfd.fd = fab->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, sleep_ms) < 0 && errno != EINTR) {
			log_error("fabric: poll: %s", strerror(errno));
			return PvmSysErr;
		}
	}
}

#endif

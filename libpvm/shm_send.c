/*
 * shm_send.c - the sending side: claiming a slot in a peer's region and
 * writing records into its ring: small messages copied in, large ones as
 * a descriptor the receiver reads from (then acknowledges by moving its
 * tail past it), or, where that cannot work, streamed in chunks.
 */
#include "shm_impl.h"

#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define SHM_CMA_MAX_IOV 1024u

static uint64_t owner_word(const struct shm_ep *self)
{
	return (uint64_t)(uint32_t)self->pid << 32 | (uint32_t)self->tid;
}

/* Our own slot when we released it and it is still there, else a free
 * one.  Returns the index, SHM_AGAIN, SHM_EINVAL or SHM_FULL. */
static int claim(struct shm_map *m, uint64_t me, int *reused)
{
	uint32_t i;

	*reused = 0;
	for (i = 0; i < m->nslots; i++) {
		struct shm_slot *s = shm_map_slot(m, i);
		uint64_t w = atomic_load_explicit(&s->owner, memory_order_acquire);

		if ((w & ~(uint64_t)SHM_OWNER_FLAGS) != me)
			continue;
		if ((w & SHM_OWNER_FREEING) != 0)
			return SHM_AGAIN;
		if ((w & SHM_OWNER_RELEASED) == 0)
			return SHM_EINVAL; /* open twice: two producers */
		if (!atomic_compare_exchange_strong(&s->owner, &w, me))
			return SHM_AGAIN; /* the receiver is freeing it now */
		*reused = 1;
		return (int)i;
	}
	for (i = 0; i < m->nslots; i++) {
		struct shm_slot *s = shm_map_slot(m, i);
		uint64_t w = 0;

		if (atomic_load_explicit(&s->owner, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_strong(&s->owner, &w, me))
			return (int)i;
	}
	return SHM_FULL;
}

int shm_peer_open(struct shm_ep *self, const char *name, struct shm_peer **out)
{
	struct shm_region_hdr *h;
	struct shm_peer *p;
	uint32_t hint;
	int r, reused;

	*out = NULL;
	if (self == NULL)
		return SHM_EINVAL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return SHM_ENOMEM;
	r = shm_map_open(name, &p->map);
	if (r != SHM_OK) {
		free(p);
		return r;
	}
	p->self = self;
	p->owner = owner_word(self);
	r = claim(&p->map, p->owner, &reused);
	if (r < 0) {
		shm_map_close(&p->map);
		free(p);
		return r;
	}
	p->index = (uint32_t)r;
	p->slot = shm_map_slot(&p->map, p->index);
	p->ring = shm_map_ring(&p->map, p->index);
	p->ring_bytes = p->map.ring_bytes;

	/* tell the receiver to scan this slot */
	h = shm_map_hdr(&p->map);
	hint = atomic_load(&h->slot_hint);
	while (hint < p->index + 1 &&
	       !atomic_compare_exchange_weak(&h->slot_hint, &hint, p->index + 1))
		;
	if (!reused) {
		memcpy(p->slot->bell, self->bell_path, SHM_PATH_MAX);
		atomic_store_explicit(&p->slot->bell_ready, 1, memory_order_release);
	}
	/* a fresh slot was reset to 0/0 by the receiver; ours is as we left it */
	p->head = atomic_load_explicit(&p->slot->head, memory_order_relaxed);
	p->tail = atomic_load_explicit(&p->slot->tail, memory_order_acquire);
	if (p->tail > p->head || p->head - p->tail > p->ring_bytes ||
	    (p->head & 15) != 0 || atomic_load(&p->slot->broken)) {
		log_warn("shm: %s slot %u: counters out of range", name, p->index);
		shm_peer_close(p);
		return SHM_EBADREGION;
	}
	p->eager = SHM_DEFAULT_EAGER;
	if (p->eager > p->ring_bytes / 4)
		p->eager = p->ring_bytes / 4;
	p->max_iov = (p->ring_bytes / 4 - SHM_HDR_MAX - sizeof(struct shm_cma_desc)) /
	             sizeof(struct shm_cma_iov);
	if (p->max_iov > SHM_CMA_MAX_IOV)
		p->max_iov = SHM_CMA_MAX_IOV;
	p->cma = 1;
	p->cma_min = SHM_DEFAULT_CMA_MIN;
	*out = p;
	return SHM_OK;
}

static void op_clear(struct shm_op *op)
{
	free(op->iov);
	memset(op, 0, sizeof(*op));
}

void shm_peer_close(struct shm_peer *p)
{
	uint64_t w;

	if (p == NULL)
		return;
	if (p->op.active)
		log_warn("shm: slot %u closed with a large send in progress", p->index);
	op_clear(&p->op);
	/* the receiver frees the slot once it has drained it; our head is for
	 * our return to it (shm_peer_open) */
	atomic_store_explicit(&p->slot->head, p->head, memory_order_relaxed);
	w = p->owner;
	atomic_compare_exchange_strong(&p->slot->owner, &w,
	                               p->owner | SHM_OWNER_RELEASED);
	shm_map_close(&p->map);
	free(p);
}

void shm_peer_set_eager(struct shm_peer *p, size_t limit)
{
	if (limit < SHM_HDR_MAX)
		limit = SHM_HDR_MAX;
	if (limit > p->ring_bytes / 4)
		limit = p->ring_bytes / 4;
	p->eager = limit;
}

void shm_peer_set_cma(struct shm_peer *p, int on)
{
	p->cma = on != 0;
}

void shm_peer_set_cma_min(struct shm_peer *p, size_t limit)
{
	p->cma_min = limit;
}

int shm_peer_busy(const struct shm_peer *p)
{
	return p->op.active;
}

uint32_t shm_peer_slot(const struct shm_peer *p)
{
	return p->index;
}

int shm_peer_alive(const struct shm_peer *p)
{
	int32_t pid = atomic_load(&shm_map_hdr(&p->map)->owner_pid);

	if (pid < 0)
		return 0; /* closed its region */
	if (pid == 0)
		return 1; /* not opened yet: records wait for it */
	return kill(pid, 0) == 0 || errno != ESRCH;
}

static int mark_broken(struct shm_peer *p, const char *why)
{
	if (!p->broken)
		log_warn("shm: slot %u: %s; giving up on this peer", p->index, why);
	p->broken = 1;
	return SHM_EPEER;
}

/* Reads the receiver's tail, which must lie between the last one seen
 * and our head.  0, or SHM_EPEER. */
static int refresh_tail(struct shm_peer *p)
{
	uint64_t t = atomic_load_explicit(&p->slot->tail, memory_order_acquire);

	if (atomic_load_explicit(&p->slot->broken, memory_order_relaxed))
		return mark_broken(p, "the receiver found the ring corrupt");
	if (t < p->tail || t > p->head || (t & 15) != 0)
		return mark_broken(p, "the receiver's tail is out of range");
	p->tail = t;
	return SHM_OK;
}

static uint64_t room(const struct shm_peer *p)
{
	return p->ring_bytes - (p->head - p->tail);
}

/* 1 when need bytes fit, 0 when not, SHM_EPEER. */
static int make_room(struct shm_peer *p, uint64_t need)
{
	int r;

	if (room(p) >= need)
		return 1;
	r = refresh_tail(p);
	if (r < 0)
		return r;
	return room(p) >= need;
}

/* Publishes the record at our head, which ends at head. */
static void publish(struct shm_peer *p, uint64_t head)
{
	struct shm_rec *rec = shm_rec_at(p->ring, p->ring_bytes - 1, p->head);

	atomic_store_explicit(&rec->seq, p->head | 1, memory_order_release);
	p->head = head;
	shm_wake_receiver(p);
}

/* Writes a record's header, all but its seq word, at pos.  The header
 * slot after the record is zeroed first if it is free: what the receiver
 * finds at its tail is then a zero, a header of ours, or (the ring full)
 * the header of the oldest unread record, whose seq is a lap old - never
 * payload bytes that might look like a seq.  Zeroing it now, before the
 * body is copied, overlaps the cache miss with the copy. */
static void put_rec(struct shm_peer *p, uint64_t pos, uint32_t len, uint8_t kind,
                    uint8_t hdr_len)
{
	uint64_t mask = p->ring_bytes - 1;
	uint64_t end = pos + SHM_REC_HEADER + SHM_REC_ALIGN(len);
	struct shm_rec *rec = shm_rec_at(p->ring, mask, pos);

	if (p->ring_bytes - (end - p->tail) < SHM_REC_HEADER)
		refresh_tail(p); /* the cached tail may be short of the truth */
	if (p->ring_bytes - (end - p->tail) >= SHM_REC_HEADER)
		atomic_store_explicit(&shm_rec_at(p->ring, mask, end)->seq, 0,
		                      memory_order_relaxed);
	rec->len = len;
	rec->kind = kind;
	rec->hdr_len = hdr_len;
	rec->reserved = 0;
}

static int send_eager(struct shm_peer *p, const void *hdr, size_t hdr_len,
                      const struct iovec *iov, int iovcnt, size_t total)
{
	uint64_t mask = p->ring_bytes - 1, need, pos;
	int k, r;

	need = SHM_REC_HEADER + SHM_REC_ALIGN(hdr_len + total);
	r = make_room(p, need);
	if (r <= 0) {
		p->waiting = 1;
		return r < 0 ? r : SHM_AGAIN;
	}
	put_rec(p, p->head, (uint32_t)(hdr_len + total), SHM_REC_EAGER, (uint8_t)hdr_len);
	pos = p->head + SHM_REC_HEADER;
	shm_ring_put(p->ring, mask, pos, hdr, hdr_len);
	pos += hdr_len;
	for (k = 0; k < iovcnt; k++) {
		shm_ring_put(p->ring, mask, pos, iov[k].iov_base, iov[k].iov_len);
		pos += iov[k].iov_len;
	}
	publish(p, p->head + need);
	p->waiting = 0;
	return SHM_OK;
}

/* Copies n payload bytes from the op's cursor into the ring at pos. */
static void gather(struct shm_peer *p, uint64_t pos, size_t n)
{
	struct shm_op *op = &p->op;

	while (n > 0 && op->iov_i < op->iovcnt) {
		const struct iovec *v = &op->iov[op->iov_i];
		size_t take = v->iov_len - op->iov_off;

		if (take > n)
			take = n;
		shm_ring_put(p->ring, p->ring_bytes - 1, pos,
		             (const uint8_t *)v->iov_base + op->iov_off, take);
		pos += take;
		n -= take;
		op->iov_off += take;
		if (op->iov_off == v->iov_len) {
			op->iov_i++;
			op->iov_off = 0;
		}
	}
}

/* Writes as many chunk records as fit, none smaller than an eighth of
 * the ring unless it ends the message.  Returns 1 if it wrote any, 0 if
 * none fitted, SHM_EPEER. */
static int push_chunks(struct shm_peer *p)
{
	struct shm_op *op = &p->op;
	int wrote = 0, refreshed = 0;

	while (!op->first_sent || op->sent < op->total) {
		size_t over = SHM_REC_HEADER + (op->first_sent ? 0 : op->hdr_len + 8);
		size_t left = op->total - op->sent, want, piece;
		uint64_t free_bytes = room(p), pos;

		want = left < p->ring_bytes / 8 ? left : p->ring_bytes / 8;
		if (free_bytes < over + want) {
			int r;

			if (refreshed)
				break;
			r = refresh_tail(p);
			if (r < 0)
				return r;
			refreshed = 1;
			continue;
		}
		piece = free_bytes - over;
		if (piece > p->ring_bytes / 2)
			piece = p->ring_bytes / 2;
		if (piece > left)
			piece = left;
		pos = p->head + SHM_REC_HEADER;
		if (!op->first_sent) {
			uint64_t total = op->total;

			put_rec(p, p->head, (uint32_t)(op->hdr_len + 8 + piece),
			        SHM_REC_CHUNK_FIRST, (uint8_t)op->hdr_len);
			shm_ring_put(p->ring, p->ring_bytes - 1, pos, op->hdr,
			             op->hdr_len);
			shm_ring_put(p->ring, p->ring_bytes - 1, pos + op->hdr_len,
			             &total, 8);
			pos += op->hdr_len + 8;
			op->first_sent = 1;
		} else {
			put_rec(p, p->head, (uint32_t)piece, SHM_REC_CHUNK, 0);
		}
		gather(p, pos, piece);
		op->sent += piece;
		publish(p, p->head + SHM_REC_HEADER +
		               SHM_REC_ALIGN(over - SHM_REC_HEADER + piece));
		wrote = 1;
	}
	return wrote;
}

/* The descriptor: header, then the pid and our iovs for process_vm_readv. */
static int post_cma(struct shm_peer *p)
{
	struct shm_op *op = &p->op;
	struct shm_cma_desc d = {
	    .total = op->total, .pid = p->self->pid, .niov = (uint32_t)op->iovcnt};
	uint64_t mask = p->ring_bytes - 1, pos, need;
	size_t len =
	    op->hdr_len + sizeof(d) + (size_t)op->iovcnt * sizeof(struct shm_cma_iov);
	int k, r;

	need = SHM_REC_HEADER + SHM_REC_ALIGN(len);
	r = make_room(p, need);
	if (r <= 0)
		return r;
	put_rec(p, p->head, (uint32_t)len, SHM_REC_CMA, (uint8_t)op->hdr_len);
	pos = p->head + SHM_REC_HEADER;
	shm_ring_put(p->ring, mask, pos, op->hdr, op->hdr_len);
	pos += op->hdr_len;
	shm_ring_put(p->ring, mask, pos, &d, sizeof(d));
	pos += sizeof(d);
	for (k = 0; k < op->iovcnt; k++) {
		struct shm_cma_iov v = {.addr = (uint64_t)(uintptr_t)op->iov[k].iov_base,
		                        .len = op->iov[k].iov_len};

		shm_ring_put(p->ring, mask, pos, &v, sizeof(v));
		pos += sizeof(v);
	}
	op->end = p->head + need;
	publish(p, op->end);
	return 1;
}

static int send_large(struct shm_peer *p, const void *hdr, size_t hdr_len,
                      const struct iovec *iov, int iovcnt, size_t total)
{
	struct shm_region_hdr *h = shm_map_hdr(&p->map);
	uint64_t max = atomic_load_explicit(&h->max_msg, memory_order_relaxed);
	struct shm_op *op = &p->op;
	int k, n = 0, r;

	if (max != 0 && total > max)
		return SHM_ETOOBIG;
	op->iov = malloc(sizeof(*op->iov) * (size_t)(iovcnt > 0 ? iovcnt : 1));
	if (op->iov == NULL)
		return SHM_ENOMEM;
	for (k = 0; k < iovcnt; k++)
		if (iov[k].iov_len > 0)
			op->iov[n++] = iov[k];
	op->iovcnt = n;
	memcpy(op->hdr, hdr, hdr_len);
	op->hdr_len = hdr_len;
	op->total = total;
	if (p->cma && total > p->cma_min && (size_t)n <= p->max_iov &&
	    !atomic_load_explicit(&p->slot->no_cma, memory_order_relaxed)) {
		r = post_cma(p);
	} else {
		op->chunked = 1;
		r = push_chunks(p);
	}
	p->waiting = 1;
	if (r <= 0) {
		op_clear(op);
		return r < 0 ? r : SHM_AGAIN;
	}
	op->active = 1;
	return shm_peer_test(p);
}

int shm_peer_send(struct shm_peer *p, const void *hdr, size_t hdr_len,
                  const struct iovec *iov, int iovcnt)
{
	size_t total = 0;
	int k, r;

	if (hdr_len > SHM_HDR_MAX || (hdr_len > 0 && hdr == NULL) || iovcnt < 0 ||
	    (iovcnt > 0 && iov == NULL))
		return SHM_EINVAL;
	if (p->broken)
		return SHM_EPEER;
	for (k = 0; k < iovcnt; k++) {
		if (iov[k].iov_len > SIZE_MAX / 4 - total)
			return SHM_ETOOBIG;
		total += iov[k].iov_len;
	}
	if (p->op.active) {
		r = shm_peer_test(p);
		if (r < 0)
			return r;
		if (p->op.active) {
			p->waiting = 1;
			return SHM_AGAIN;
		}
	}
	if (hdr_len + total <= p->eager)
		return send_eager(p, hdr, hdr_len, iov, iovcnt, total);
	return send_large(p, hdr, hdr_len, iov, iovcnt, total);
}

/* The receiver could not read us: stream the message instead.  Nothing
 * else was written after the descriptor, so order holds. */
static void cma_failed(struct shm_peer *p, int err)
{
	struct shm_op *op = &p->op;

	if (!p->warned_cma)
		log_warn("shm: slot %u: the receiver cannot read our memory (%s); "
		         "streaming large messages through the ring",
		         p->index, strerror(err));
	p->warned_cma = 1;
	p->cma = 0;
	op->chunked = 1;
	op->iov_i = 0;
	op->iov_off = 0;
	op->sent = 0;
	op->first_sent = 0;
}

int shm_peer_test(struct shm_peer *p)
{
	struct shm_op *op = &p->op;
	int r;

	if (!op->active) {
		p->waiting = 0;
		return SHM_OK;
	}
	if (p->broken) {
		op_clear(op);
		return SHM_EPEER;
	}
	if (!op->chunked) {
		r = refresh_tail(p);
		if (r < 0) {
			op_clear(op);
			return r;
		}
		if (p->tail < op->end)
			return SHM_INPROGRESS;
		if (atomic_load_explicit(&p->slot->nack_pos, memory_order_relaxed) !=
		    op->end) {
			op_clear(op);
			p->waiting = 0;
			return SHM_OK;
		}
		r = atomic_load_explicit(&p->slot->nack_errno, memory_order_relaxed);
		if (r == EMSGSIZE) {
			op_clear(op);
			p->waiting = 0;
			return SHM_ETOOBIG;
		}
		cma_failed(p, r);
	}
	r = push_chunks(p);
	if (r < 0) {
		op_clear(op);
		return r;
	}
	if (op->first_sent && op->sent == op->total) {
		op_clear(op);
		p->waiting = 0;
		return SHM_OK;
	}
	return SHM_INPROGRESS;
}

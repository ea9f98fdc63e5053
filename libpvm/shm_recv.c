/*
 * shm_recv.c - the receiving side: a task's own region, drained slot by
 * slot into malloc'ed messages; large messages read from the sender with
 * process_vm_readv; slots freed once their sender let go or died.  Every
 * count and length read from the ring is checked before it is used.
 */
#include "shm_impl.h"

#include "frame.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHM_CMA_MAX_IOV 1024u

int shm_ep_open(const char *name, int32_t tid, const char *bell_path, struct shm_ep **out)
{
	struct shm_region_hdr *h;
	struct shm_ep *ep;
	uint32_t i;
	int r;

	*out = NULL;
	if (tid <= 0 || bell_path == NULL || bell_path[0] != '/' ||
	    strlen(bell_path) >= SHM_PATH_MAX)
		return SHM_EINVAL;
	ep = calloc(1, sizeof(*ep));
	if (ep == NULL)
		return SHM_ENOMEM;
	ep->bell_fd = ep->send_sock = -1;
	r = shm_map_open(name, &ep->map);
	if (r != SHM_OK) {
		free(ep);
		return r;
	}
	h = shm_map_hdr(&ep->map);
	if (h->owner_tid != tid) {
		log_warn("shm: %s belongs to t%x, not t%x", name, (unsigned)h->owner_tid,
		         (unsigned)tid);
		r = SHM_EBADREGION;
		goto fail;
	}
	ep->rx = calloc(ep->map.nslots, sizeof(*ep->rx));
	if (ep->rx == NULL) {
		r = SHM_ENOMEM;
		goto fail;
	}
	/* messages may be waiting already, or left by an earlier open */
	for (i = 0; i < ep->map.nslots; i++) {
		struct shm_slot *s = shm_map_slot(&ep->map, i);
		uint64_t t = atomic_load(&s->tail);

		ep->rx[i].tail = t;
		if ((t & 15) != 0) {
			ep->rx[i].broken = 1;
			atomic_store(&s->broken, 1);
		}
	}
	ep->send_sock = shm_bell_socket();
	if (ep->send_sock < 0) {
		r = ep->send_sock;
		goto fail;
	}
	ep->bell_fd = shm_bell_open(bell_path);
	if (ep->bell_fd < 0) {
		r = ep->bell_fd;
		goto fail;
	}
	memcpy(ep->bell_path, bell_path, strlen(bell_path) + 1);
	memset(h->bell, 0, sizeof(h->bell));
	memcpy(h->bell, bell_path, strlen(bell_path) + 1);
	atomic_store_explicit(&h->bell_ready, 1, memory_order_release);
	ep->tid = tid;
	ep->pid = getpid();
	ep->max_msg = frame_max_len();
	shm_ep_set_spin(ep, SHM_DEFAULT_SPIN_NS, SHM_DEFAULT_SPIN_MAX_NS);
	atomic_store(&h->max_msg, ep->max_msg);
	atomic_store(&h->sleeping, SHM_AWAKE);
	atomic_store(&h->owner_pid, (int32_t)ep->pid);
	*out = ep;
	return SHM_OK;
fail:
	if (ep->send_sock >= 0)
		close(ep->send_sock);
	free(ep->rx);
	shm_map_close(&ep->map);
	free(ep);
	return r;
}

static void asm_drop(struct shm_rxslot *st)
{
	free(st->asm_buf);
	st->asm_buf = NULL;
	st->asm_active = 0;
	st->asm_total = st->asm_got = 0;
}

void shm_ep_close(struct shm_ep *ep)
{
	struct shm_region_hdr *h;
	uint32_t i;

	if (ep == NULL)
		return;
	h = shm_map_hdr(&ep->map);
	atomic_store(&h->bell_ready, 0);
	atomic_store(&h->sleeping, SHM_AWAKE);
	atomic_store(&h->owner_pid, -1);
	shm_bell_close(ep->bell_fd, ep->bell_path);
	close(ep->send_sock);
	for (i = 0; i < ep->map.nslots; i++)
		asm_drop(&ep->rx[i]);
	free(ep->rx);
	shm_map_close(&ep->map);
	free(ep);
}

int shm_ep_fd(const struct shm_ep *ep)
{
	return ep->bell_fd;
}

void shm_ep_set_max_msg(struct shm_ep *ep, size_t max)
{
	ep->max_msg = max;
	atomic_store(&shm_map_hdr(&ep->map)->max_msg, max);
}

void shm_ep_set_spin(struct shm_ep *ep, long spin_ns, long max_ns)
{
	ep->spin_ns = spin_ns > 0 ? spin_ns : 0;
	ep->spin_max = max_ns > ep->spin_ns ? max_ns : ep->spin_ns;
	ep->spin_cur = ep->spin_ns;
}

void shm_ep_set_notify_always(struct shm_ep *ep, int on)
{
	ep->notify_always = on != 0;
	atomic_store(&shm_map_hdr(&ep->map)->sleeping, on ? SHM_ALWAYS : SHM_AWAKE);
}

static uint32_t scan_limit(const struct shm_ep *ep)
{
	uint32_t hint =
	    atomic_load_explicit(&shm_map_hdr(&ep->map)->slot_hint, memory_order_acquire);

	return hint < ep->map.nslots ? hint : ep->map.nslots;
}

/* 1 when the record at slot i's tail is published.  Its acquire load
 * makes the record's bytes visible. */
static int has_record(const struct shm_ep *ep, uint32_t i)
{
	uint64_t tail = ep->rx[i].tail;
	struct shm_rec *r =
	    shm_rec_at(shm_map_ring(&ep->map, i), ep->map.ring_bytes - 1, tail);

	return atomic_load_explicit(&r->seq, memory_order_acquire) == (tail | 1);
}

int shm_ep_pending(struct shm_ep *ep)
{
	uint32_t i, n = scan_limit(ep);

	for (i = 0; i < n; i++)
		if (!ep->rx[i].broken && has_record(ep, i))
			return 1;
	return 0;
}

int shm_ep_daemon_news(struct shm_ep *ep)
{
	uint64_t v = atomic_load_explicit(&shm_map_hdr(&ep->map)->daemon_note,
	                                  memory_order_acquire);

	if (v == ep->note_seen)
		return 0;
	ep->note_seen = v;
	return 1;
}

static int32_t slot_tid(const struct shm_slot *s)
{
	return (int32_t)(atomic_load_explicit(&s->owner, memory_order_relaxed) &
	                 SHM_OWNER_TID);
}

/* The sender broke the protocol (or scribbled): stop reading the slot;
 * it is freed when released or reclaimed. */
static int break_slot(struct shm_ep *ep, uint32_t i, const char *why)
{
	struct shm_slot *s = shm_map_slot(&ep->map, i);

	log_warn("shm: t%x slot %u (from t%x): %s; ignoring the slot", (unsigned)ep->tid,
	         i, (unsigned)slot_tid(s), why);
	ep->rx[i].broken = 1;
	asm_drop(&ep->rx[i]);
	atomic_store(&s->broken, 1);
	shm_wake_sender(ep, s);
	return 0;
}

/* A released slot with nothing left in it goes back to the free pool. */
static void maybe_free(struct shm_ep *ep, uint32_t i)
{
	struct shm_slot *s = shm_map_slot(&ep->map, i);
	struct shm_rxslot *st = &ep->rx[i];
	uint64_t w = atomic_load_explicit(&s->owner, memory_order_acquire), exp = w;

	if ((w & SHM_OWNER_RELEASED) == 0 || (w & SHM_OWNER_FREEING) != 0)
		return;
	if (!st->broken && has_record(ep, i))
		return;
	if (!atomic_compare_exchange_strong(&s->owner, &exp, w | SHM_OWNER_FREEING))
		return;
	/* the sender may have taken it back and released it again meanwhile */
	if (!st->broken && has_record(ep, i)) {
		atomic_store_explicit(&s->owner, w, memory_order_release);
		return;
	}
	if (st->asm_active)
		log_info("shm: t%x slot %u: dropping a message t%x did not finish",
		         (unsigned)ep->tid, i, (unsigned)(w & SHM_OWNER_TID));
	asm_drop(st);
	memset(st, 0, sizeof(*st));
	/* the next owner starts at 0: no old header may be found there */
	atomic_store_explicit(&shm_rec_at(shm_map_ring(&ep->map, i), 0, 0)->seq, 0,
	                      memory_order_relaxed);
	atomic_store_explicit(&s->head, 0, memory_order_relaxed);
	atomic_store_explicit(&s->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&s->nack_pos, 0, memory_order_relaxed);
	atomic_store_explicit(&s->nack_errno, 0, memory_order_relaxed);
	atomic_store_explicit(&s->no_cma, 0, memory_order_relaxed);
	atomic_store_explicit(&s->broken, 0, memory_order_relaxed);
	atomic_store_explicit(&s->sender_waiting, 0, memory_order_relaxed);
	atomic_store_explicit(&s->bell_ready, 0, memory_order_relaxed);
	/* the next claimer's acquire sees all of the above */
	atomic_store_explicit(&s->owner, 0, memory_order_release);
}

/* Consumes up to newtail: the sender may reuse that room, and a large
 * send whose descriptor lies before it is complete. */
static void advance(struct shm_ep *ep, uint32_t i, uint64_t newtail)
{
	struct shm_slot *s = shm_map_slot(&ep->map, i);

	ep->rx[i].tail = newtail;
	atomic_store_explicit(&s->tail, newtail, memory_order_release);
	shm_wake_sender(ep, s);
}

/* Reads total bytes described by remote[0..niov) from pid into buf.
 * Returns 0 or an errno value.  remote is consumed. */
static int cma_read(pid_t pid, uint8_t *buf, size_t total, struct iovec *remote,
                    size_t niov)
{
	size_t done = 0, k = 0;

	while (done < total) {
		struct iovec local = {.iov_base = buf + done, .iov_len = total - done};
		size_t cnt;
		ssize_t n;

		while (k < niov && remote[k].iov_len == 0)
			k++;
		if (k == niov)
			return EFAULT;
		cnt = niov - k < IOV_MAX ? niov - k : IOV_MAX;
		n = process_vm_readv(pid, &local, 1, remote + k, cnt, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EFAULT;
		done += (size_t)n;
		while (n > 0 && k < niov) {
			if ((size_t)n >= remote[k].iov_len) {
				n -= (ssize_t)remote[k].iov_len;
				remote[k].iov_len = 0;
				k++;
			} else {
				remote[k].iov_base = (uint8_t *)remote[k].iov_base + n;
				remote[k].iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

/* Tells the sender its descriptor ending at end was not read (err), and
 * consumes it. */
static void nack(struct shm_ep *ep, uint32_t i, uint64_t end, int err)
{
	struct shm_slot *s = shm_map_slot(&ep->map, i);

	atomic_store_explicit(&s->nack_errno, err, memory_order_relaxed);
	atomic_store_explicit(&s->nack_pos, end, memory_order_relaxed);
	if (err != ESRCH && err != EMSGSIZE)
		atomic_store_explicit(&s->no_cma, 1, memory_order_relaxed);
	advance(ep, i, end); /* its release store publishes the nack */
}

/* A record header as read once out of the ring (the ring's copy may
 * change under us; this one is what was checked). */
struct rec_info {
	uint32_t len;
	uint8_t kind;
	uint8_t hdr_len;
};

/* A descriptor record at pos (len bytes after the record header).
 * Returns 1 with *msg filled, 0 (consumed, nothing to deliver, or the
 * slot broke), SHM_ENOMEM (left in place). */
static int recv_cma(struct shm_ep *ep, uint32_t i, const struct rec_info *rec,
                    uint64_t pos, uint64_t end, struct shm_msg *msg)
{
	struct shm_slot *s = shm_map_slot(&ep->map, i);
	struct shm_rxslot *st = &ep->rx[i];
	const uint8_t *ring = shm_map_ring(&ep->map, i);
	uint64_t mask = ep->map.ring_bytes - 1, sum = 0;
	uint64_t owner = atomic_load_explicit(&s->owner, memory_order_relaxed);
	struct shm_cma_desc d;
	struct iovec *remote = NULL;
	uint8_t *buf = NULL;
	uint32_t k;
	int err;

	if (rec->len < rec->hdr_len + sizeof(d))
		return break_slot(ep, i, "short descriptor");
	shm_ring_get(ring, mask, pos + rec->hdr_len, &d, sizeof(d));
	if (d.niov > SHM_CMA_MAX_IOV ||
	    rec->len !=
	        rec->hdr_len + sizeof(d) + (size_t)d.niov * sizeof(struct shm_cma_iov))
		return break_slot(ep, i, "descriptor length does not match");
	if ((uint64_t)(uint32_t)d.pid != owner >> 32 || d.pid <= 0)
		return break_slot(ep, i, "descriptor names another process");
	if (d.niov > 0) {
		remote = malloc(sizeof(*remote) * d.niov);
		if (remote == NULL)
			return SHM_ENOMEM;
	}
	for (k = 0; k < d.niov; k++) {
		struct shm_cma_iov v;

		shm_ring_get(ring, mask,
		             pos + rec->hdr_len + sizeof(d) + (uint64_t)k * sizeof(v), &v,
		             sizeof(v));
		if (v.len > UINT64_MAX - sum || v.addr > UINTPTR_MAX ||
		    v.len > SIZE_MAX) {
			free(remote);
			return break_slot(ep, i, "descriptor lengths overflow");
		}
		sum += v.len;
		remote[k].iov_base = (void *)(uintptr_t)v.addr;
		remote[k].iov_len = (size_t)v.len;
	}
	if (sum != d.total) {
		free(remote);
		return break_slot(ep, i, "descriptor total does not match");
	}
	if (d.total > ep->max_msg) {
		free(remote);
		log_warn("shm: t%x slot %u: refusing a %llu-byte message from t%x",
		         (unsigned)ep->tid, i, (unsigned long long)d.total,
		         (unsigned)slot_tid(s));
		nack(ep, i, end, EMSGSIZE);
		return 0;
	}
	if (d.total > 0) {
		buf = malloc((size_t)d.total);
		if (buf == NULL) {
			free(remote);
			return SHM_ENOMEM;
		}
	}
	err = cma_read(d.pid, buf, (size_t)d.total, remote, d.niov);
	free(remote);
	if (err != 0) {
		free(buf);
		if (err == ESRCH)
			log_debug("shm: t%x slot %u: sender t%x is gone",
			          (unsigned)ep->tid, i, (unsigned)slot_tid(s));
		else if (!st->warned_cma)
			log_warn("shm: t%x slot %u: cannot read t%x's memory: %s",
			         (unsigned)ep->tid, i, (unsigned)slot_tid(s),
			         strerror(err));
		st->warned_cma = 1;
		nack(ep, i, end, err);
		return 0;
	}
	msg->hdr_len = rec->hdr_len;
	shm_ring_get(ring, mask, pos, msg->hdr, rec->hdr_len);
	msg->payload = buf;
	msg->len = (size_t)d.total;
	advance(ep, i, end);
	return 1;
}

static void deliver_asm(struct shm_rxslot *st, struct shm_msg *msg)
{
	msg->hdr_len = st->asm_hdr_len;
	memcpy(msg->hdr, st->asm_hdr, st->asm_hdr_len);
	msg->payload = st->asm_buf;
	msg->len = st->asm_total;
	st->asm_buf = NULL;
	st->asm_active = 0;
}

/* The next message of slot i: 1, 0, SHM_ENOMEM. */
static int slot_recv(struct shm_ep *ep, uint32_t i, struct shm_msg *msg)
{
	struct shm_slot *s = shm_map_slot(&ep->map, i);
	struct shm_rxslot *st = &ep->rx[i];
	const uint8_t *ring = shm_map_ring(&ep->map, i);
	uint64_t mask = ep->map.ring_bytes - 1;
	int r;

	if (st->broken || !has_record(ep, i)) {
		maybe_free(ep, i);
		return 0;
	}
	msg->src = slot_tid(s);
	msg->slot = i;
	while (has_record(ep, i)) {
		const struct shm_rec *shared =
		    shm_rec_at(shm_map_ring(&ep->map, i), mask, st->tail);
		struct rec_info rec = {shared->len, shared->kind, shared->hdr_len};
		uint64_t pos = st->tail + SHM_REC_HEADER, end;
		size_t n;

		end = st->tail + SHM_REC_HEADER + SHM_REC_ALIGN(rec.len);
		if (SHM_REC_HEADER + SHM_REC_ALIGN(rec.len) > ep->map.ring_bytes ||
		    rec.hdr_len > SHM_HDR_MAX || rec.hdr_len > rec.len)
			return break_slot(ep, i, "record out of range");
		switch (rec.kind) {
		case SHM_REC_EAGER:
			if (st->asm_active)
				return break_slot(ep, i, "message inside a chunked one");
			n = rec.len - rec.hdr_len;
			msg->payload = NULL;
			if (n > 0 && (msg->payload = malloc(n)) == NULL)
				return SHM_ENOMEM;
			msg->hdr_len = rec.hdr_len;
			shm_ring_get(ring, mask, pos, msg->hdr, rec.hdr_len);
			shm_ring_get(ring, mask, pos + rec.hdr_len, msg->payload, n);
			msg->len = n;
			advance(ep, i, end);
			return 1;
		case SHM_REC_CMA:
			if (st->asm_active)
				return break_slot(ep, i, "message inside a chunked one");
			r = recv_cma(ep, i, &rec, pos, end, msg);
			if (r != 0 || st->broken)
				return r;
			break;
		case SHM_REC_CHUNK_FIRST: {
			uint64_t total;

			if (st->asm_active || rec.len < rec.hdr_len + 8u)
				return break_slot(ep, i, "bad first chunk");
			shm_ring_get(ring, mask, pos + rec.hdr_len, &total, 8);
			n = rec.len - rec.hdr_len - 8u;
			if (total > ep->max_msg || n > total)
				return break_slot(ep, i, "chunked message too long");
			st->asm_buf = NULL;
			if (total > 0 && (st->asm_buf = malloc((size_t)total)) == NULL)
				return SHM_ENOMEM;
			st->asm_active = 1;
			st->asm_total = (size_t)total;
			st->asm_got = n;
			st->asm_hdr_len = rec.hdr_len;
			shm_ring_get(ring, mask, pos, st->asm_hdr, rec.hdr_len);
			shm_ring_get(ring, mask, pos + rec.hdr_len + 8u, st->asm_buf, n);
			advance(ep, i, end);
			if (st->asm_got == st->asm_total) {
				deliver_asm(st, msg);
				return 1;
			}
			break;
		}
		case SHM_REC_CHUNK:
			if (!st->asm_active || rec.hdr_len != 0 ||
			    rec.len > st->asm_total - st->asm_got)
				return break_slot(ep, i, "bad chunk");
			shm_ring_get(ring, mask, pos, st->asm_buf + st->asm_got, rec.len);
			st->asm_got += rec.len;
			advance(ep, i, end);
			if (st->asm_got == st->asm_total) {
				deliver_asm(st, msg);
				return 1;
			}
			break;
		default:
			return break_slot(ep, i, "unknown record kind");
		}
	}
	return 0;
}

int shm_ep_recv(struct shm_ep *ep, struct shm_msg *msg)
{
	int again = ep->notify_always;

	for (;;) {
		uint32_t k, n = scan_limit(ep);

		for (k = 0; k < n; k++) {
			uint32_t i = (ep->next + k) % n;
			int r = slot_recv(ep, i, msg);

			if (r != 0) {
				ep->next = (i + 1) % n;
				return r;
			}
		}
		/* drain the bell before the last look: a record published
		 * after that look rings again */
		if (!again)
			return 0;
		shm_bell_drain(ep->bell_fd);
		again = 0;
	}
}

int shm_ep_reclaim(struct shm_ep *ep, int32_t tid, int force)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < ep->map.nslots; i++) {
		struct shm_slot *s = shm_map_slot(&ep->map, i);
		uint64_t w = atomic_load(&s->owner), exp = w;
		pid_t pid = (pid_t)(w >> 32);

		if (w == 0 || (w & SHM_OWNER_FREEING) != 0)
			continue;
		if (tid > 0 && (int32_t)(w & SHM_OWNER_TID) != tid)
			continue;
		if (!force && !(pid > 0 && kill(pid, 0) < 0 && errno == ESRCH))
			continue;
		if ((w & SHM_OWNER_RELEASED) == 0 &&
		    !atomic_compare_exchange_strong(&s->owner, &exp,
		                                    w | SHM_OWNER_RELEASED))
			continue;
		log_info("shm: t%x slot %u: reclaiming it from t%x (pid %d)",
		         (unsigned)ep->tid, i, (unsigned)(w & SHM_OWNER_TID), (int)pid);
		n++;
		maybe_free(ep, i);
	}
	return n;
}

int shm_ep_slots_used(const struct shm_ep *ep)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < ep->map.nslots; i++)
		if (atomic_load(&shm_map_slot(&ep->map, i)->owner) != 0)
			n++;
	return n;
}

/*
 * shm_impl.h - what the shm_*.c files share and nobody else sees: the
 * layout of a region in shared memory, the private state of endpoints and
 * peers, and the ring copy helpers.  docs/shm.md draws the layout.
 */
#ifndef PVMX_SHM_IMPL_H
#define PVMX_SHM_IMPL_H

#include "shm.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#define SHM_MAGIC 0x50564d52u /* "PVMR" */
#define SHM_VERSION 2u /* 2: the daemon's note */
#define SHM_LINE 64
#define SHM_HEADER_BYTES 4096u
#define SHM_SLOT_BYTES 256u
#define SHM_PAGE 4096u

/* Records: a 16-byte header, then len bytes, padded to 16, so a header
 * never straddles the ring's end.  A record is published by its seq word
 * (its running position | 1, never 0), stored last with release: the
 * receiver polls the word at its tail and needs no shared head, so a small
 * message costs it one cache line, header and data together. */
#define SHM_REC_HEADER 16u
#define SHM_REC_ALIGN(n) (((uint64_t)(n) + 15u) & ~(uint64_t)15u)

enum shm_rec_kind {
	SHM_REC_EAGER = 1,       /* hdr, payload */
	SHM_REC_CMA = 2,         /* hdr, struct shm_cma_desc, niov shm_cma_iov */
	SHM_REC_CHUNK_FIRST = 3, /* hdr, u64 total, first piece of payload */
	SHM_REC_CHUNK = 4,       /* next piece of payload */
};

struct shm_rec {
	_Atomic uint64_t seq; /* position | 1 once published */
	uint32_t len;         /* bytes after this header, hdr_len included */
	uint8_t kind;
	uint8_t hdr_len;
	uint16_t reserved;
};

_Static_assert(sizeof(struct shm_rec) == SHM_REC_HEADER, "record header");

struct shm_cma_desc {
	uint64_t total; /* payload bytes: the sum of the iovs' lengths */
	int32_t pid;    /* the process to read from */
	uint32_t niov;
};

struct shm_cma_iov {
	uint64_t addr;
	uint64_t len;
};

/* The owner word of a slot: 0 free, else pid << 32 | flags | tid. */
#define SHM_OWNER_TID 0x3fffffffu
#define SHM_OWNER_FREEING 0x40000000u  /* the receiver is freeing it */
#define SHM_OWNER_RELEASED 0x80000000u /* the sender let go */
#define SHM_OWNER_FLAGS (SHM_OWNER_FREEING | SHM_OWNER_RELEASED)

/* Values of the header's sleeping word. */
#define SHM_AWAKE 0u
#define SHM_SLEEPING 1u /* one ring wanted: the first sender clears it */
#define SHM_ALWAYS 2u   /* ring for every message (shm_ep_set_notify_always) */

/* Page 0 of a region.  Fixed fields are written once by the creator; the
 * rest by the receiver.  Every field is re-validated by whoever maps it. */
struct shm_region_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t header_bytes;
	uint32_t slot_bytes;
	uint32_t nslots;
	int32_t owner_tid;
	uint64_t ring_bytes;
	uint64_t total_bytes;
	_Atomic int32_t owner_pid;   /* 0 not opened yet, -1 closed */
	_Atomic uint32_t slot_hint;  /* slots [0, hint) have been claimed */
	_Atomic uint64_t max_msg;    /* the receiver's bound, 0 unknown */
	_Atomic uint32_t bell_ready; /* bell holds the receiver's doorbell */
	/* own line: every sender reads it after every message */
	_Alignas(SHM_LINE) _Atomic uint32_t sleeping;
	_Alignas(SHM_LINE) char bell[SHM_PATH_MAX];
	/* own line: the daemon counts here the writes to the owner's socket
	 * that have reached the kernel (shm_note_bump) */
	_Alignas(SHM_LINE) _Atomic uint64_t daemon_note;
};

/* One slot's control block, four cache lines: claim (written once per
 * claim), producer (the sender's head), consumer (the receiver's tail). */
struct shm_slot {
	_Atomic uint64_t owner;
	_Atomic uint32_t bell_ready; /* bell holds the sender's doorbell */
	uint32_t pad0;
	char bell[SHM_PATH_MAX];

	/* bytes published, stored at release only: for the sender's return
	 * to its slot.  The receiver goes by the records' seq words. */
	_Alignas(SHM_LINE) _Atomic uint64_t head;
	_Atomic uint32_t sender_waiting; /* ring the sender when tail moves */

	_Alignas(SHM_LINE) _Atomic uint64_t tail; /* bytes ever consumed */
	_Atomic uint64_t nack_pos;                /* end of the CMA record that failed */
	_Atomic int32_t nack_errno;
	_Atomic uint32_t no_cma; /* CMA failed once: stream large messages */
	_Atomic uint32_t broken; /* the receiver gave up on this slot */
};

_Static_assert(sizeof(struct shm_region_hdr) <= SHM_HEADER_BYTES, "header fits");
_Static_assert(sizeof(struct shm_slot) == SHM_SLOT_BYTES, "slot is 4 lines");
_Static_assert(offsetof(struct shm_slot, head) == 2 * SHM_LINE &&
                   offsetof(struct shm_slot, tail) == 3 * SHM_LINE,
               "head and tail on lines of their own");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
               "shared atomics must be lock-free");

/* A mapping of a region with its validated dimensions (copied out of the
 * header once: later writes to the header do not change them). */
struct shm_map {
	uint8_t *base;
	size_t size;
	uint32_t nslots;
	uint64_t ring_bytes;
	size_t data_off;
};

static inline struct shm_region_hdr *shm_map_hdr(const struct shm_map *m)
{
	return (struct shm_region_hdr *)(void *)m->base;
}

static inline struct shm_slot *shm_map_slot(const struct shm_map *m, uint32_t i)
{
	return (struct shm_slot *)(void *)(m->base + SHM_HEADER_BYTES +
	                                   (size_t)i * SHM_SLOT_BYTES);
}

static inline uint8_t *shm_map_ring(const struct shm_map *m, uint32_t i)
{
	return m->base + m->data_off + (size_t)i * m->ring_bytes;
}

/* shm_region.c */
int shm_name_ok(const char *name);
int shm_map_open(const char *name, struct shm_map *m);
void shm_map_close(struct shm_map *m);

/* The receiver's private view of one slot. */
struct shm_rxslot {
	uint64_t tail; /* private copy; the shared one is only published */
	int broken;
	int warned_cma;
	/* a message arriving in chunks */
	uint8_t *asm_buf;
	size_t asm_total, asm_got;
	size_t asm_hdr_len;
	uint8_t asm_hdr[SHM_HDR_MAX];
	int asm_active;
};

struct shm_ep {
	struct shm_map map;
	int32_t tid;
	pid_t pid;
	int bell_fd;
	int send_sock; /* unbound datagram socket for ringing others */
	char bell_path[SHM_PATH_MAX];
	struct shm_rxslot *rx; /* map.nslots */
	uint32_t next;         /* round-robin start */
	size_t max_msg;
	long spin_ns;  /* the spin after a long sleep */
	long spin_max; /* the most it grows to */
	long spin_cur; /* the spin now */
	int notify_always;
	uint64_t note_seen; /* the daemon's note when last asked (shm_ep_daemon_news) */
};

/* A large send in progress (one per peer). */
struct shm_op {
	int active;
	int chunked;  /* else by descriptor, awaiting the ack */
	uint64_t end; /* ring position after the descriptor record */
	uint8_t hdr[SHM_HDR_MAX];
	size_t hdr_len;
	struct iovec *iov; /* owned copy of the caller's array */
	int iovcnt;
	int iov_i;
	size_t iov_off;
	size_t total, sent;
	int first_sent;
};

struct shm_peer {
	struct shm_ep *self;
	struct shm_map map;
	struct shm_slot *slot;
	uint8_t *ring;
	uint64_t ring_bytes;
	uint32_t index;
	uint64_t owner; /* our owner word */
	uint64_t head;  /* private copy */
	uint64_t tail;  /* last tail seen (what shm_wait compares with) */
	size_t eager;
	size_t cma_min; /* streamed up to this payload, read beyond */
	size_t max_iov;
	int cma;
	int broken;
	int waiting; /* the last send or test could not finish */
	int warned_cma;
	char bell[SHM_PATH_MAX]; /* the receiver's doorbell, once known */
	struct shm_op op;
};

/* What shm_wait reckons a copy by the receiver (a process_vm_readv, a
 * copy out of the ring, an unpack) takes, per KiB (~5 GB/s). */
#define SHM_CMA_NS_PER_KIB 200

/* shm_bell.c */
int shm_bell_socket(void);
/* After publishing a head: rings the receiver if it sleeps. */
void shm_wake_receiver(struct shm_peer *peer);
/* After publishing a tail: rings the sender if it waits for room. */
void shm_wake_sender(struct shm_ep *ep, struct shm_slot *s);

/* Copies into / out of a ring of mask + 1 bytes at a running position. */
static inline void shm_ring_put(uint8_t *ring, uint64_t mask, uint64_t pos,
                                const void *src, size_t len)
{
	size_t off = (size_t)(pos & mask), room = (size_t)(mask + 1 - off);
	size_t first = len < room ? len : room;

	if (len == 0)
		return;
	memcpy(ring + off, src, first);
	if (len > first)
		memcpy(ring, (const uint8_t *)src + first, len - first);
}

static inline void shm_ring_get(const uint8_t *ring, uint64_t mask, uint64_t pos,
                                void *dst, size_t len)
{
	size_t off = (size_t)(pos & mask), room = (size_t)(mask + 1 - off);
	size_t first = len < room ? len : room;

	if (len == 0)
		return;
	memcpy(dst, ring + off, first);
	if (len > first)
		memcpy((uint8_t *)dst + first, ring, len - first);
}

/* The record header at a running position (positions are 16-aligned). */
static inline struct shm_rec *shm_rec_at(uint8_t *ring, uint64_t mask, uint64_t pos)
{
	return (struct shm_rec *)(void *)(ring + (pos & mask));
}

static inline void shm_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

#endif

/*
 * lpvm_fabric_int.h - what the files of the libfabric route share: the
 * wire's constants, the structures behind lpvm_fabric.h's handles and the
 * functions one file calls in another.  Built only with PVMX_HAVE_FABRIC.
 */
#ifndef PVMX_LPVM_FABRIC_INT_H
#define PVMX_LPVM_FABRIC_INT_H

#include "lpvm_fabric.h"

#include "clock.h"

#include <stdint.h>
#include <time.h>

#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_tagged.h>

/* libfabric is loaded when the first endpoint opens (dlopen), not linked:
 * a task that never opens one never loads it and the libraries it pulls
 * in (some install signal handlers when they load).  Its five exported
 * functions the module calls go through this table; everything else in
 * libfabric's API is inline calls through the objects' own operations. */
struct fab_lib {
	int (*getinfo)(uint32_t version, const char *node, const char *service,
	               uint64_t flags, const struct fi_info *hints,
	               struct fi_info **info);
	void (*freeinfo)(struct fi_info *info);
	struct fi_info *(*dupinfo)(const struct fi_info *info);
	int (*fabric)(struct fi_fabric_attr *attr, struct fid_fabric **fabric,
	              void *context);
	const char *(*strerror)(int errnum);
};
extern struct fab_lib fab_lib;
/* Loads libfabric once: 0, or PvmNotImpl with the reason in why. */
int fab_lib_load(char *why, size_t whylen);
#define fi_getinfo fab_lib.getinfo
#define fi_freeinfo fab_lib.freeinfo
#define fi_dupinfo fab_lib.dupinfo
#define fi_fabric fab_lib.fabric
#define fi_strerror fab_lib.strerror

/* The libfabric API this code is written to (fi_context2, FI_MR_* modes). */
#define FAB_FI_VERSION FI_VERSION(1, 11)

/* The wire: every packet into a bounce buffer starts with this header. */
#define FAB_WIRE_VERSION 3
#define FAB_PKT_HDR 24
/* EAGER: a whole message.  ANNOUNCE: its header; the payload comes as a
 * tagged bulk transfer.  FIRST then MOREs: a segmented message, each
 * packet full but the last, MORE's "total" field the offset of its bytes
 * in the payload (rxm's own segmentation and rendezvous cost 40 us more
 * than a run of eager packets, measured at 16 KiB).  LANDING: an
 * announcement whose payload was sent to a landing buffer. */
enum { PKT_EAGER = 1, PKT_ANNOUNCE = 2, PKT_FIRST = 3, PKT_MORE = 4, PKT_LANDING = 5 };
/* A bounce buffer: one rxm eager packet (its default buffer_size), so an
 * eager message is never segmented. */
#define FAB_EAGER_PKT 16384
#define FAB_EAGER_MAX (FAB_EAGER_PKT - FAB_PKT_HDR)
#define FAB_BOUNCE_COUNT 32
/* Messages up to this size travel segmented in eager packets: at most
 * FAB_SEG_PKTS of them, which the bounce buffers hold at once. */
#define FAB_SEG_MAX (64u * 1024u)
#define FAB_SEG_PKTS ((FAB_SEG_MAX + FAB_EAGER_MAX - 1) / FAB_EAGER_MAX)
/* Eager copies (and announcements) in flight; past it posts say AGAIN. */
#define FAB_TX_BYTES_MAX (8u << 20)
/* Eager packets carry tag 0; a bulk payload carries FAB_TAG_BULK, the
 * sender's id (bits 31-61) and the low 31 bits of the message's sequence
 * number; FAB_TAG_LAND too when it fits a landing buffer. */
#define FAB_TAG_BULK (1ull << 63)
#define FAB_TAG_LAND (1ull << 62)
#define FAB_TAG_SEQ_MASK 0x7fffffffu
/* Landing buffers: receives posted ahead for any bulk payload of up to
 * FAB_LAND_SIZE bytes (4 MiB and room for the packing's own bytes), so
 * that one sent at once, as an rxm eager message, lands in its buffer
 * with no copy and no rendezvous round trip (docs/fabric.md). */
#define FAB_LAND_BYTES 4259840 /* (a plain number: it goes to the environment) */
#define FAB_LAND_SIZE ((size_t)FAB_LAND_BYTES)
#define FAB_STR_(x) #x
#define FAB_STR(x) FAB_STR_(x)
#define FAB_LAND_SIZE_STR FAB_STR(FAB_LAND_BYTES)
_Static_assert(FAB_LAND_BYTES == (4 << 20) + (64 << 10), "4 MiB and 64 KiB");
#define FAB_LAND_COUNT 2
#define FAB_BLOB_HDR 22
#define FAB_ADDR_MAX 256
#define FAB_CQ_BATCH 32
/* the queue depths asked of the provider (rx and tx): the bounce buffers
 * and a tx window of copies fit, a default of thousands is not needed */
#define FAB_QUEUE_DEPTH 256
#define FAB_DEFER_SLEEP_MAX 32 /* ms between retries of deferred posts */

enum fab_op_kind { OP_RX_EAGER, OP_RX_BULK, OP_RX_LAND, OP_TX_COPY, OP_TX_BULK };

/* One operation handed to the provider (or waiting to be). */
struct fab_op {
	struct fi_context2 ctx; /* first: the provider hands it back */
	enum fab_op_kind kind;
	int posted;
	int retired; /* failed; kept (on fab->retired) until the endpoint closes */
	struct fab_op *prev, *next;    /* fab->posted, while posted */
	struct fab_op *qnext;          /* a deferred queue, while not */
	struct lpvm_fabric_peer *peer; /* TX: destination; RX_BULK: source */
	struct fab_event *in;          /* RX_BULK: the message it fills */
	struct lpvm_fabric_send *req;  /* TX_BULK: its send */
	/* memory kept for the provider after its owner failed; RX_LAND's
	 * buffer while posted */
	void *owned;
	uint64_t tag;
	uint8_t *buf; /* RX_BULK's and RX_LAND's target, TX_COPY's packet */
	size_t len;
	size_t charged; /* bytes counted in fab->tx_bytes */
	uint8_t data[]; /* TX_COPY's packet, RX_EAGER's bounce buffer */
};

/* A message on its way to the caller: its header kept here, its payload
 * in buf (the caller's once delivered); or a peer's failure (code != 0,
 * buf the reason). */
struct fab_event {
	struct fab_event *next;
	int32_t src;
	int code;
	int complete;
	uint8_t *buf; /* the payload, len bytes; or the reason */
	size_t len;
	struct fab_op *op; /* RX_BULK filling buf */
	uint32_t seq;
	int landing; /* its payload comes into a landing buffer (buf NULL until) */
	size_t hdr_len;
	uint8_t hdr[]; /* the message's header, hdr_len bytes */
};

/* A payload that landed before its announcement was handled. */
struct fab_landed {
	struct fab_landed *next;
	uint32_t seq;      /* the low 31 bits */
	uint32_t instance; /* the sender's (its completion's remote data) */
	uint8_t *buf;
	size_t len;
};

struct lpvm_fabric_peer {
	int32_t id;
	struct lpvm_fabric_peer *hnext, *anext, *txnext;
	int has_addr, in_txlist, failed;
	fi_addr_t addr;
	/* the incarnation (its endpoint's instance) we talk to, once known:
	 * from its address blob or its first packet */
	int known;
	uint32_t instance;
	uint32_t tx_seq, rx_seq;
	int tx_copies; /* copied packets to it not yet completed (or deferred) */
	struct fab_event *rxq_head, *rxq_tail; /* arrived, waiting their turn */
	struct fab_event *rx_part; /* a segmented message being received (in rxq) */
	size_t rx_part_off;        /* its payload bytes so far */
	struct fab_landed *landed; /* payloads waiting for their announcement */
	struct fab_op *txq_head, *txq_tail; /* deferred sends, in order */
};

struct lpvm_fabric_send {
	struct lpvm_fabric_send *prev, *next; /* fab->reqs */
	struct fab_op *op;                    /* its bulk transfer, in flight */
	int state;                            /* 0 in flight, 1 done, < 0 failed */
	uint8_t *copy; /* the payload gathered, past the provider's iov_limit */
	int iovcnt;
	struct iovec iov[];
};

struct lpvm_fabric {
	struct lpvm_fabric_config cfg;
	struct fi_info *info;
	struct fid_fabric *fabric;
	struct fid_domain *domain;
	struct fid_av *av;
	struct fid_cq *cq;
	struct fid_ep *ep;
	int fd;
	char provider[64];
	uint8_t blob[FAB_BLOB_HDR + 64 + FAB_ADDR_MAX];
	size_t bloblen;
	uint32_t instance;
	size_t iov_limit, inject_size;
	int land; /* bulk payloads up to FAB_LAND_SIZE go eagerly, landing */
	uint32_t eager_limit; /* rxm's, in the blob: both ends must agree */
	struct lpvm_fabric_peer **buckets;
	size_t nbuckets, npeers;
	struct lpvm_fabric_peer *peers, *txlist;
	struct fab_op *posted, *retired;
	struct fab_op *rxq_head, *rxq_tail; /* deferred receives */
	struct fab_event *ready_head, *ready_tail;
	struct lpvm_fabric_send *reqs;
	size_t tx_bytes;
	uint64_t nevents;
	int backoff_ms;
};

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static inline uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static inline uint8_t byte_order(void)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return 'B';
#else
	return 'L';
#endif
}

/* peers (lpvm_fabric.c) */
struct lpvm_fabric_peer *fab_peer_lookup(struct lpvm_fabric *fab, int32_t id);
/* The peer with id, made if new (NULL when out of memory). */
struct lpvm_fabric_peer *fab_peer_get(struct lpvm_fabric *fab, int32_t id);

/* operations, failures, sending (lpvm_fabric_send.c) */
struct fab_op *fab_op_new(enum fab_op_kind kind, size_t datalen);
void fab_op_free(struct lpvm_fabric *fab, struct fab_op *op);
void fab_posted_remove(struct lpvm_fabric *fab, struct fab_op *op);
void fab_req_fail(struct lpvm_fabric *fab, struct lpvm_fabric_send *req, int code);
/* Fails everything in flight to and from peer, once, and queues its
 * report for peer_error. */
void fab_peer_failed(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p, int code,
                     const char *why);
void fab_peer_failedf(struct lpvm_fabric *fab, struct lpvm_fabric_peer *p, int code,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Frees payloads that landed without their announcement: all, those of
 * one instance of the peer, or all but those of one. */
enum fab_landed_which { LANDED_ALL, LANDED_OF, LANDED_BUT };
void fab_landed_drop(struct lpvm_fabric_peer *p, enum fab_landed_which which,
                     uint32_t instance);
/* Forgets what was said with the peer's previous incarnation. */
void fab_peer_renew(struct lpvm_fabric_peer *p, uint32_t instance);
/* A receive: posted now, or deferred while the provider says EAGAIN. */
void fab_rx_submit(struct lpvm_fabric *fab, struct fab_op *op);
/* Retries deferred posts; 1 if some are still deferred. */
int fab_flush_deferred(struct lpvm_fabric *fab);
/* Takes a deferred receive off the queue (it was never posted). */
void fab_rx_unqueue(struct lpvm_fabric *fab, struct fab_op *op);
/* A landing buffer posted (or deferred); PvmNoMem. */
int fab_land_post(struct lpvm_fabric *fab, struct fab_op *op);

static inline uint64_t fab_bulk_tag(int32_t id, uint32_t seq, int land)
{
	return FAB_TAG_BULK | (land ? FAB_TAG_LAND : 0) | (uint64_t)(uint32_t)id << 31 |
	       (seq & FAB_TAG_SEQ_MASK);
}

#endif

/*
 * frame.h - the framing shared by every pvmx stream and route: a fixed
 * 36-byte header in network byte order followed by a bounded payload;
 * and the framer, the one reader of frames from a byte stream (the
 * library's daemon connection, the daemon's task connections and its
 * links to other daemons), which keeps a stream's header state and
 * applies its limits.
 */
#ifndef PVMX_FRAME_H
#define PVMX_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC 0x50564d58u /* "PVMX" */
/* 2: the header carries a per-pair sequence number (seq) */
#define FRAME_VERSION 2
#define FRAME_HEADER_LEN 36
/* Default bound on one frame's payload; PVMX_MAX_FRAME overrides it. */
#define FRAME_DEFAULT_MAX (1024u * 1024u * 1024u)

enum frame_kind {
	FRAME_DATA = 1,    /* a user message: packed items, untouched */
	FRAME_CONTROL = 2, /* one protobuf-c pvmx.Control message */
};

/* flags */
/* A data frame to several tasks: dst holds the destination count, and
 * the payload starts with that many (tid, seq) pairs, 4 + 4 bytes each in
 * network order, then the message; each copy a destination gets has that
 * seq in its header. */
#define FRAME_FLAG_MCAST 0x1
/* The message was packed PvmDataRaw or PvmDataInPlace (else XDR, the
 * default): only pvm_bufinfo's length depends on it. */
#define FRAME_FLAG_RAW 0x2
/* With FRAME_FLAG_MCAST, between daemons only: a multicast passed on
 * along the tree of hosts (daemon/mcast.c).  src is the daemon that
 * passes it on; the payload starts with one more entry, (the sending
 * task's tid, 0), before the destinations. */
#define FRAME_FLAG_TREE 0x4

struct frame_header {
	uint8_t version;
	uint8_t kind;
	uint16_t flags;
	int32_t src;
	int32_t dst;
	int32_t ctx;
	int32_t tag;
	int32_t dsig; /* the sender's data signature (data frames) */
	uint32_t len; /* payload bytes that follow */
	/* A data frame's number in the stream of frames from src to dst,
	 * 1, 2, ... whatever route each took: the receiver delivers them in
	 * this order.  0: not ordered (frames from a daemon, control). */
	uint32_t seq;
};

/* bytes of one destination entry of a multicast payload */
#define FRAME_MCAST_ENTRY 8

void frame_encode(const struct frame_header *h, uint8_t out[FRAME_HEADER_LEN]);
/* 0 on success, or -1 with *why set to a static reason. */
int frame_decode(const uint8_t in[FRAME_HEADER_LEN], uint32_t max_len,
		 struct frame_header *h, const char **why);
uint32_t frame_max_len(void);

/*
 * The framer.  A reader offers it what its stream has buffered; it says
 * what to do next.  Per stream: its limits, and a check of each decoded
 * header by the stream's owner (who may send what), called before any
 * payload is read.
 */
struct framer {
	uint32_t max_len;     /* any frame's payload */
	uint32_t max_control; /* a control frame's payload */
	/* 0 to accept h, or -1 with *why set (static or the owner's buffer) */
	int (*check)(void *arg, const struct frame_header *h, const char **why);
	void *arg;
	int in_payload; /* hdr is decoded; its payload comes next */
	struct frame_header hdr;
};

enum framer_step {
	FRAMER_NEED = 0,    /* wait until more is buffered */
	FRAMER_HEADER = 1,  /* f->hdr decoded and accepted: drop FRAME_HEADER_LEN bytes */
	FRAMER_PAYLOAD = 2, /* f->hdr's hdr.len payload bytes are buffered: take them */
	FRAMER_ERROR = -1,  /* the stream is bad (*why): close it */
};

void framer_init(struct framer *f, uint32_t max_len, uint32_t max_control,
		 int (*check)(void *, const struct frame_header *, const char **), void *arg);
/* buffered bytes wait in the stream; head holds the first
 * min(buffered, FRAME_HEADER_LEN) of them (read only while a header is
 * wanted).  After FRAMER_PAYLOAD the framer wants the next header. */
enum framer_step framer_feed(struct framer *f, const uint8_t *head, size_t buffered,
			     const char **why);

#endif

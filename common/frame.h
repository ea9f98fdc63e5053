/*
 * frame.h - the framing shared by every pvmx stream: a fixed 32-byte
 * header in network byte order followed by a bounded payload.
 */
#ifndef PVMX_FRAME_H
#define PVMX_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC 0x50564d58u /* "PVMX" */
#define FRAME_VERSION 1
#define FRAME_HEADER_LEN 32
/* Default bound on one frame's payload; PVMX_MAX_FRAME overrides it. */
#define FRAME_DEFAULT_MAX (1024u * 1024u * 1024u)

enum frame_kind {
	FRAME_DATA = 1,    /* a user message: packed items, untouched */
	FRAME_CONTROL = 2, /* one protobuf-c pvmx.Control message */
};

/* flags */
/* A data frame to several tasks: the payload starts with the destination
 * count (dst holds it too) and that many tids, 4 bytes each in network
 * order, then the message. */
#define FRAME_FLAG_MCAST 0x1
/* The message was packed PvmDataRaw or PvmDataInPlace (else XDR, the
 * default): only pvm_bufinfo's length depends on it. */
#define FRAME_FLAG_RAW 0x2

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
};

void frame_encode(const struct frame_header *h, uint8_t out[FRAME_HEADER_LEN]);
/* 0 on success, or -1 with *why set to a static reason. */
int frame_decode(const uint8_t in[FRAME_HEADER_LEN], uint32_t max_len,
		 struct frame_header *h, const char **why);
uint32_t frame_max_len(void);

#endif

/*
 * msgbuf.h - a message buffer: the packed items of one user message, in
 * the packer's data signature (receiver makes right), with a read cursor
 * for unpacking.
 *
 * Wire format of the payload (what a FRAME_DATA carries): a sequence of
 * items, each an 8-byte header - u8 type (enum dsig_type), three zero
 * bytes, u32 count in network byte order - followed by the values:
 * count * dsig_elem_size(dsig, type) bytes in the packer's native format;
 * for DSIG_STR, count is the string length without its NUL and the bytes
 * follow unterminated.  No padding.
 */
#ifndef PVMX_MSGBUF_H
#define PVMX_MSGBUF_H

#include "dsig.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define MSGBUF_ITEM_HEADER 8

/* A reference to user memory packed with PvmDataInPlace: its bytes go
 * on the wire at send time, from `ptr`, after `offset` bytes of `bytes`. */
struct msgbuf_ref {
	size_t offset;
	const void *ptr;
	size_t len;
};

struct msgbuf {
	int id;       /* buffer id handed to the user; 0 until registered */
	int encoding; /* PvmDataDefault, PvmDataRaw or PvmDataInPlace */
	int dsig;     /* signature of the packed values */
	int src, dst, tag, ctx;
	int wid;     /* wait id (pvm_setminfo); kept locally, not sent */
	int ctx_set; /* pvm_setminfo chose ctx: sends use it */

	uint8_t *bytes; /* owned: item headers and copied values */
	size_t len;     /* bytes used */
	size_t cap;
	struct msgbuf_ref *refs; /* in-place items, in offset order */
	size_t nrefs, refcap;

	/* read cursor */
	size_t rpos;      /* offset in bytes of the next unread value */
	uint32_t rleft;   /* elements left in the current item */
	uint8_t rtype;    /* type of the current item */
};

/* A new empty buffer packing in dsig (dsig_native() for user buffers). */
struct msgbuf *msgbuf_new(int encoding, int dsig);
void msgbuf_free(struct msgbuf *mb);
/* Takes ownership of bytes (malloc'ed), a received payload. */
struct msgbuf *msgbuf_from_bytes(uint8_t *bytes, size_t len, int dsig);
/* Empties the buffer (as pvm_initsend does to the send buffer). */
void msgbuf_reset(struct msgbuf *mb, int encoding);

/* Packs count elements of type t taken every stride elements from addr.
 * Returns 0, PvmBadParam (count < 0, stride < 1, bad type), PvmNoMem. */
int msgbuf_pack(struct msgbuf *mb, enum dsig_type t, const void *addr,
		int count, int stride);
int msgbuf_pack_str(struct msgbuf *mb, const char *s);

/* The message's length as PVM 3.4.6 reports it (pvm_bufinfo): the size
 * its XDR or raw encoding would take, by the buffer's encoding. */
size_t msgbuf_pvm_length(const struct msgbuf *mb);

/* Unpacks count elements of type t into every stride'th element of addr,
 * spanning consecutive items of a compatible type (signed and unsigned of
 * one size class match).  Returns 0, PvmNoData (past the end of the
 * message), PvmBadMsg (a different type is next, or a malformed item),
 * PvmOverflow (a value does not fit; the rest are still stored). */
int msgbuf_unpack(struct msgbuf *mb, enum dsig_type t, void *addr, int count,
		  int stride);
/* Unpacks a string into s, NUL-terminated (s must have room). */
int msgbuf_unpack_str(struct msgbuf *mb, char *s);

/* Appends len bytes of already packed items (in mb's signature). */
int msgbuf_append_raw(struct msgbuf *mb, const uint8_t *bytes, size_t len);
/* Elements of type t (or its other-signedness twin) in the consecutive
 * items from the read cursor on, without moving it: 0 and *n, or
 * PvmNoData / PvmBadMsg as msgbuf_unpack would answer. */
int msgbuf_count_ahead(struct msgbuf *mb, enum dsig_type t, size_t *n);

/* Total payload length, in-place references included. */
size_t msgbuf_length(const struct msgbuf *mb);
/* Gather list for sending: fills at most max entries; returns how many
 * were used, or -1 if max is too small (need 2 * nrefs + 1). */
int msgbuf_iov(const struct msgbuf *mb, struct iovec *iov, int max);
/* Copies the whole payload (with in-place bytes) into one new buffer,
 * for local delivery; caller frees.  NULL on no memory. */
uint8_t *msgbuf_flatten(const struct msgbuf *mb);
/* Rewinds the read cursor to the first item. */
void msgbuf_rewind(struct msgbuf *mb);

#endif

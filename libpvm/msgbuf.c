/*
 * msgbuf.c - message buffers: items packed in the buffer's data signature,
 * PvmDataInPlace items kept as references into user memory until send time,
 * and unpacking that converts to the native signature (receiver makes right).
 */
#include "msgbuf.h"

#include "pvm3.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define MSGBUF_MIN_CAP 256
/* Staging area for strided values that also need conversion. */
#define MSGBUF_CHUNK 4096

struct msgbuf *msgbuf_new(int encoding, int dsig)
{
	struct msgbuf *mb = calloc(1, sizeof(*mb));

	if (mb == NULL)
		return NULL;
	mb->encoding = encoding;
	mb->dsig = dsig;
	return mb;
}

void msgbuf_free(struct msgbuf *mb)
{
	if (mb == NULL)
		return;
	free(mb->bytes);
	free(mb->refs);
	free(mb);
}

/* On success the buffer owns bytes; on failure (NULL) the caller still does.
 * The payload is not checked here: unpacking checks every item. */
struct msgbuf *msgbuf_from_bytes(uint8_t *bytes, size_t len, int dsig)
{
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, dsig);

	if (mb == NULL)
		return NULL;
	mb->bytes = bytes;
	mb->len = bytes != NULL ? len : 0;
	mb->cap = mb->len;
	return mb;
}

/* Keeps the allocations: a buffer reused by pvm_initsend packs again
 * without growing from scratch. */
void msgbuf_reset(struct msgbuf *mb, int encoding)
{
	mb->encoding = encoding;
	mb->len = 0;
	mb->nrefs = 0;
	msgbuf_rewind(mb);
}

void msgbuf_rewind(struct msgbuf *mb)
{
	mb->rpos = 0;
	mb->rleft = 0;
	mb->rtype = 0;
}

size_t msgbuf_length(const struct msgbuf *mb)
{
	size_t n = mb->len, i;

	for (i = 0; i < mb->nrefs; i++)
		n += mb->refs[i].len;
	return n;
}

/* The length PVM 3.4.6 reports for a message (pvm_bufinfo, getminfo):
 * what its own encoding would take.  XDR (PvmDataDefault): bytes padded
 * to 4, every integer type and float 4 bytes, double 8, a string its
 * 4-byte length and its bytes with the NUL, padded to 4.  Raw and in
 * place: native sizes, a string 4 + its bytes with the NUL. */
static size_t pvm_item_length(const struct msgbuf *mb, uint8_t type, uint32_t count,
                              size_t esz)
{
	int xdr = mb->encoding == PvmDataDefault;
	size_t n = count;

	switch (type) {
	case DSIG_STR:
		return 4 + (xdr ? (n + 1 + 3) / 4 * 4 : n + 1);
	case DSIG_BYTE:
		return xdr ? (n + 3) / 4 * 4 : n;
	case DSIG_SHORT:
	case DSIG_USHORT:
	case DSIG_INT:
	case DSIG_UINT:
	case DSIG_LONG:
	case DSIG_ULONG:
		return xdr ? 4 * n : esz * n;
	default:
		return esz * n;
	}
}

size_t msgbuf_pvm_length(const struct msgbuf *mb)
{
	size_t pos = 0, total = 0, r = 0;

	while (pos + MSGBUF_ITEM_HEADER <= mb->len) {
		uint8_t type = mb->bytes[pos];
		uint32_t count;
		size_t esz;

		memcpy(&count, mb->bytes + pos + 4, 4);
		count = ntohl(count);
		if (type >= DSIG_NTYPES)
			break;
		esz = dsig_elem_size(mb->dsig, (enum dsig_type)type);
		pos += MSGBUF_ITEM_HEADER;
		total += pvm_item_length(mb, type, count, esz);
		/* an in-place item's values are not in bytes */
		while (r < mb->nrefs && mb->refs[r].offset < pos)
			r++;
		if (r < mb->nrefs && mb->refs[r].offset == pos)
			r++;
		else
			pos += (size_t)count * esz;
	}
	return total;
}

/* packing ---------------------------------------------------------------- */

/* Room for extra more bytes, growing geometrically. */
static int reserve(struct msgbuf *mb, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > SIZE_MAX - mb->len)
		return PvmNoMem;
	need = mb->len + extra;
	if (need <= mb->cap)
		return 0;
	cap = mb->cap < MSGBUF_MIN_CAP ? MSGBUF_MIN_CAP : mb->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : 2 * cap;
	p = realloc(mb->bytes, cap);
	if (p == NULL)
		return PvmNoMem;
	mb->bytes = p;
	mb->cap = cap;
	return 0;
}

static int reserve_ref(struct msgbuf *mb)
{
	size_t cap;
	struct msgbuf_ref *p;

	if (mb->nrefs < mb->refcap)
		return 0;
	cap = mb->refcap == 0 ? 4 : 2 * mb->refcap;
	if (cap > SIZE_MAX / sizeof(*p))
		return PvmNoMem;
	p = realloc(mb->refs, cap * sizeof(*p));
	if (p == NULL)
		return PvmNoMem;
	mb->refs = p;
	mb->refcap = cap;
	return 0;
}

/* Appends an item header; the caller has reserved the room. */
static void put_header(struct msgbuf *mb, enum dsig_type t, uint32_t count)
{
	uint8_t *h = mb->bytes + mb->len;

	h[0] = (uint8_t)t;
	h[1] = h[2] = h[3] = 0;
	h[4] = (uint8_t)(count >> 24);
	h[5] = (uint8_t)(count >> 16);
	h[6] = (uint8_t)(count >> 8);
	h[7] = (uint8_t)count;
	mb->len += MSGBUF_ITEM_HEADER;
}

/* n values of size bytes, from every sstep'th byte to every dstep'th. */
static void copy_strided(uint8_t *dst, size_t dstep, const uint8_t *src, size_t sstep,
                         size_t size, size_t n)
{
	size_t i;

	/* constant sizes let the compiler inline each copy */
	switch (size) {
	case 1:
		for (i = 0; i < n; i++)
			dst[i * dstep] = src[i * sstep];
		break;
	case 2:
		for (i = 0; i < n; i++)
			memcpy(dst + i * dstep, src + i * sstep, 2);
		break;
	case 4:
		for (i = 0; i < n; i++)
			memcpy(dst + i * dstep, src + i * sstep, 4);
		break;
	case 8:
		for (i = 0; i < n; i++)
			memcpy(dst + i * dstep, src + i * sstep, 8);
		break;
	case 16:
		for (i = 0; i < n; i++)
			memcpy(dst + i * dstep, src + i * sstep, 16);
		break;
	default:
		for (i = 0; i < n; i++)
			memcpy(dst + i * dstep, src + i * sstep, size);
		break;
	}
}

/*
 * Moves n values of type t from src (signature sdsig, one every sstep
 * bytes) to dst (ddsig, one every dstep bytes); one side is contiguous
 * (packing reads strided user memory, unpacking writes it).  Returns 0,
 * PvmOverflow (all values still moved) or PvmBadMsg.
 */
static int move_values(enum dsig_type t, const uint8_t *src, int sdsig, size_t sstep,
                       uint8_t *dst, int ddsig, size_t dstep, size_t n)
{
	size_t ssz = dsig_elem_size(sdsig, t), dsz = dsig_elem_size(ddsig, t);
	uint8_t tmp[MSGBUF_CHUNK];
	size_t per;
	int r, res = 0;

	if (ssz == 0 || dsz == 0)
		return PvmBadMsg;
	if (sdsig == ddsig) {
		if (sstep == ssz && dstep == dsz)
			memcpy(dst, src, n * ssz);
		else
			copy_strided(dst, dstep, src, sstep, ssz, n);
		return 0;
	}
	if (sstep == ssz && dstep == dsz)
		return dsig_convert(t, src, sdsig, dst, ddsig, n);
	/* strided and converted: gather, convert, scatter a chunk at a time */
	per = MSGBUF_CHUNK / (ssz > dsz ? ssz : dsz);
	while (n > 0) {
		size_t k = n < per ? n : per;

		if (sstep == ssz) {
			r = dsig_convert(t, src, sdsig, tmp, ddsig, k);
			copy_strided(dst, dstep, tmp, dsz, dsz, k);
		} else {
			copy_strided(tmp, ssz, src, sstep, ssz, k);
			r = dsig_convert(t, tmp, sdsig, dst, ddsig, k);
		}
		if (r == PvmBadMsg)
			return r;
		if (r != 0)
			res = r;
		src += k * sstep;
		dst += k * dstep;
		n -= k;
	}
	return res;
}

/* PvmDataInPlace: the header goes into bytes, the values stay in user
 * memory until msgbuf_iov or msgbuf_flatten reads them. */
static int pack_in_place(struct msgbuf *mb, enum dsig_type t, const void *addr,
                         uint32_t count, size_t size)
{
	struct msgbuf_ref *ref;
	int r;

	if ((r = reserve_ref(mb)) != 0 || (r = reserve(mb, MSGBUF_ITEM_HEADER)) != 0)
		return r;
	put_header(mb, t, count);
	ref = &mb->refs[mb->nrefs++];
	ref->offset = mb->len;
	ref->ptr = addr;
	ref->len = size;
	return 0;
}

int msgbuf_pack(struct msgbuf *mb, enum dsig_type t, const void *addr, int count,
                int stride)
{
	int native = dsig_native(), r;
	size_t nsz, dsz, size;
	uint8_t *out;

	if (mb == NULL || count < 0 || stride < 1 || (unsigned)t >= DSIG_NTYPES ||
	    t == DSIG_STR || (addr == NULL && count > 0))
		return PvmBadParam;
	if (count == 0)
		return 0;
	nsz = dsig_elem_size(native, t);
	dsz = dsig_elem_size(mb->dsig, t);
	if (nsz == 0 || dsz == 0)
		return PvmBadMsg;
	if ((size_t)count > SIZE_MAX / dsz)
		return PvmNoMem;
	size = (size_t)count * dsz;
	if (mb->encoding == PvmDataInPlace && stride == 1 && mb->dsig == native)
		return pack_in_place(mb, t, addr, (uint32_t)count, size);
	if ((r = reserve(mb, MSGBUF_ITEM_HEADER + size)) != 0)
		return r;
	put_header(mb, t, (uint32_t)count);
	out = mb->bytes + mb->len;
	mb->len += size;
	return move_values(t, addr, native, nsz * (size_t)stride, out, mb->dsig, dsz,
	                   (size_t)count);
}

int msgbuf_pack_str(struct msgbuf *mb, const char *s)
{
	size_t n;
	int r;

	if (mb == NULL || s == NULL)
		return PvmBadParam;
	n = strlen(s);
	if (n > UINT32_MAX)
		return PvmBadParam;
	if ((r = reserve(mb, MSGBUF_ITEM_HEADER + n)) != 0)
		return r;
	put_header(mb, DSIG_STR, (uint32_t)n);
	if (n > 0)
		memcpy(mb->bytes + mb->len, s, n);
	mb->len += n;
	return 0;
}

/* unpacking -------------------------------------------------------------- */

/*
 * Address of the n bytes at logical payload offset pos (as msgbuf_flatten
 * would lay them out), or NULL when they are not all inside one segment
 * (bytes between references, or one reference) or run past the end.
 */
static const uint8_t *locate(const struct msgbuf *mb, size_t pos, size_t n)
{
	size_t before = 0, off, i;

	for (i = 0; i < mb->nrefs; i++) {
		const struct msgbuf_ref *ref = &mb->refs[i];
		size_t start = ref->offset + before;

		if (pos < start)
			break;
		if (pos - start < ref->len)
			return n <= ref->len - (pos - start)
			           ? (const uint8_t *)ref->ptr + (pos - start)
			           : NULL;
		before += ref->len;
	}
	off = pos - before;
	if (off > mb->len || n > mb->len - off)
		return NULL;
	if (i < mb->nrefs && n > mb->refs[i].offset - off)
		return NULL;
	return mb->bytes + off;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads the item header at the cursor; checks that its values lie inside
 * the payload, so later reads of them need no further length checks. */
static int next_item(struct msgbuf *mb)
{
	size_t total = msgbuf_length(mb), esz, avail;
	const uint8_t *h;
	uint32_t count;

	if (mb->rpos >= total)
		return PvmNoData;
	if (total - mb->rpos < MSGBUF_ITEM_HEADER)
		return PvmBadMsg;
	h = locate(mb, mb->rpos, MSGBUF_ITEM_HEADER);
	if (h == NULL || h[0] >= DSIG_NTYPES || h[1] != 0 || h[2] != 0 || h[3] != 0)
		return PvmBadMsg;
	count = get_be32(h + 4);
	esz = dsig_elem_size(mb->dsig, (enum dsig_type)h[0]);
	avail = total - mb->rpos - MSGBUF_ITEM_HEADER;
	if (esz == 0 || (count > 0 && count > avail / esz))
		return PvmBadMsg;
	if (locate(mb, mb->rpos + MSGBUF_ITEM_HEADER, (size_t)count * esz) == NULL)
		return PvmBadMsg;
	mb->rtype = h[0];
	mb->rleft = count;
	mb->rpos += MSGBUF_ITEM_HEADER;
	return 0;
}

/* Signed and unsigned of one size class share the wire layout. */
static int type_class(int t)
{
	switch (t) {
	case DSIG_USHORT:
		return DSIG_SHORT;
	case DSIG_UINT:
		return DSIG_INT;
	case DSIG_ULONG:
		return DSIG_LONG;
	default:
		return t;
	}
}

int msgbuf_unpack(struct msgbuf *mb, enum dsig_type t, void *addr, int count, int stride)
{
	const size_t saved_rpos = mb != NULL ? mb->rpos : 0;
	const uint32_t saved_rleft = mb != NULL ? mb->rleft : 0;
	const uint8_t saved_rtype = mb != NULL ? mb->rtype : 0;
	int native = dsig_native(), r, res = 0;
	size_t nsz, wsz, done = 0, take;
	enum dsig_type ct;
	const uint8_t *src;
	uint8_t *dst = addr;

	if (mb == NULL || count < 0 || stride < 1 || (unsigned)t >= DSIG_NTYPES ||
	    t == DSIG_STR || (addr == NULL && count > 0))
		return PvmBadParam;
	nsz = dsig_elem_size(native, t);
	while (done < (size_t)count) {
		if (mb->rleft == 0 && (r = next_item(mb)) != 0)
			goto fail;
		if (type_class(mb->rtype) != type_class(t)) {
			r = PvmBadMsg;
			goto fail;
		}
		take = (size_t)count - done;
		if (take > mb->rleft)
			take = mb->rleft;
		if (take == 0)
			continue; /* an empty item */
		/* widening extends by the packed type's signedness, narrowing
		 * checks the range of the type asked for */
		wsz = dsig_elem_size(mb->dsig, (enum dsig_type)mb->rtype);
		ct = nsz > wsz ? (enum dsig_type)mb->rtype : t;
		src = locate(mb, mb->rpos, take * wsz);
		r = move_values(ct, src, mb->dsig, wsz, dst + done * nsz * (size_t)stride,
		                native, nsz * (size_t)stride, take);
		if (r == PvmBadMsg)
			goto fail;
		if (r != 0)
			res = r;
		mb->rpos += take * wsz;
		mb->rleft -= (uint32_t)take;
		done += take;
	}
	return res;

fail:
	/* a failed unpack consumes nothing, so the caller can try another type */
	mb->rpos = saved_rpos;
	mb->rleft = saved_rleft;
	mb->rtype = saved_rtype;
	return r;
}

int msgbuf_unpack_str(struct msgbuf *mb, char *s)
{
	const size_t saved_rpos = mb != NULL ? mb->rpos : 0;
	const uint8_t *src;
	size_t n;
	int r;

	if (mb == NULL || s == NULL)
		return PvmBadParam;
	if (mb->rleft == 0 && (r = next_item(mb)) != 0)
		return r;
	if (mb->rtype != DSIG_STR) {
		/* leave a header read just now unread */
		if (mb->rpos != saved_rpos) {
			mb->rpos = saved_rpos;
			mb->rleft = 0;
		}
		return PvmBadMsg;
	}
	n = mb->rleft;
	src = locate(mb, mb->rpos, n);
	if (n > 0)
		memcpy(s, src, n);
	s[n] = '\0';
	mb->rpos += n;
	mb->rleft = 0;
	return 0;
}

int msgbuf_append_raw(struct msgbuf *mb, const uint8_t *bytes, size_t len)
{
	int r;

	if (mb == NULL || (bytes == NULL && len > 0))
		return PvmBadParam;
	if (len == 0)
		return 0;
	if ((r = reserve(mb, len)) != 0)
		return r;
	memcpy(mb->bytes + mb->len, bytes, len);
	mb->len += len;
	return 0;
}

int msgbuf_count_ahead(struct msgbuf *mb, enum dsig_type t, size_t *n)
{
	const size_t saved_rpos = mb->rpos;
	const uint32_t saved_rleft = mb->rleft;
	const uint8_t saved_rtype = mb->rtype;
	int r = 0, first = 1;
	size_t total = 0, esz;

	for (;;) {
		if (mb->rleft == 0) {
			r = next_item(mb);
			if (r != 0)
				break;
		}
		if (t == DSIG_STR ? mb->rtype != DSIG_STR
		                  : type_class(mb->rtype) != type_class(t)) {
			r = PvmBadMsg;
			break;
		}
		total += mb->rleft;
		esz = dsig_elem_size(mb->dsig, (enum dsig_type)mb->rtype);
		mb->rpos += (size_t)mb->rleft * esz;
		mb->rleft = 0;
		first = 0;
		if (t == DSIG_STR)
			break;
	}
	mb->rpos = saved_rpos;
	mb->rleft = saved_rleft;
	mb->rtype = saved_rtype;
	if (first)
		return r;
	*n = total;
	return 0;
}

/* sending ---------------------------------------------------------------- */

int msgbuf_iov(const struct msgbuf *mb, struct iovec *iov, int max)
{
	size_t pos = 0, i;
	int n = 0;

	if (max < 0 || (size_t)max < 2 * mb->nrefs + 1)
		return -1;
	/* empty segments are left out: writev gains nothing from them */
	for (i = 0; i < mb->nrefs; i++) {
		const struct msgbuf_ref *ref = &mb->refs[i];

		if (ref->offset > pos) {
			iov[n].iov_base = mb->bytes + pos;
			iov[n].iov_len = ref->offset - pos;
			n++;
			pos = ref->offset;
		}
		if (ref->len > 0) {
			iov[n].iov_base = (void *)ref->ptr;
			iov[n].iov_len = ref->len;
			n++;
		}
	}
	if (mb->len > pos) {
		iov[n].iov_base = mb->bytes + pos;
		iov[n].iov_len = mb->len - pos;
		n++;
	}
	return n;
}

uint8_t *msgbuf_flatten(const struct msgbuf *mb)
{
	size_t total = msgbuf_length(mb), pos = 0, out = 0, i;
	uint8_t *p = malloc(total > 0 ? total : 1);

	if (p == NULL)
		return NULL;
	for (i = 0; i < mb->nrefs; i++) {
		const struct msgbuf_ref *ref = &mb->refs[i];

		if (ref->offset > pos) {
			memcpy(p + out, mb->bytes + pos, ref->offset - pos);
			out += ref->offset - pos;
			pos = ref->offset;
		}
		if (ref->len > 0)
			memcpy(p + out, ref->ptr, ref->len);
		out += ref->len;
	}
	if (mb->len > pos)
		memcpy(p + out, mb->bytes + pos, mb->len - pos);
	return p;
}

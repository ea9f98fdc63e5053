/*
 * frame.c - encode and decode frame headers, and the framer that reads
 * them from a stream.  Decoding checks magic, version, kind and length
 * before anyone allocates for the payload.
 */
#include "frame.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

void frame_encode(const struct frame_header *h, uint8_t out[FRAME_HEADER_LEN])
{
	put32(out, FRAME_MAGIC);
	out[4] = FRAME_VERSION;
	out[5] = h->kind;
	out[6] = (uint8_t)(h->flags >> 8);
	out[7] = (uint8_t)h->flags;
	put32(out + 8, (uint32_t)h->src);
	put32(out + 12, (uint32_t)h->dst);
	put32(out + 16, (uint32_t)h->ctx);
	put32(out + 20, (uint32_t)h->tag);
	put32(out + 24, (uint32_t)h->dsig);
	put32(out + 28, h->len);
	put32(out + 32, h->seq);
}

int frame_decode(const uint8_t in[FRAME_HEADER_LEN], uint32_t max_len,
		 struct frame_header *h, const char **why)
{
	if (get32(in) != FRAME_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	h->version = in[4];
	if (h->version != FRAME_VERSION) {
		/* the peer is another build of pvmx: say so, not "bad frame" */
		*why = h->version < FRAME_VERSION
		           ? "frame version older than this pvmx's (2): an older pvmx build"
		           : "frame version newer than this pvmx's (2): a newer pvmx build";
		return -1;
	}
	h->kind = in[5];
	if (h->kind != FRAME_DATA && h->kind != FRAME_CONTROL) {
		*why = "unknown frame kind";
		return -1;
	}
	h->flags = (uint16_t)((in[6] << 8) | in[7]);
	h->src = (int32_t)get32(in + 8);
	h->dst = (int32_t)get32(in + 12);
	h->ctx = (int32_t)get32(in + 16);
	h->tag = (int32_t)get32(in + 20);
	h->dsig = (int32_t)get32(in + 24);
	h->len = get32(in + 28);
	h->seq = get32(in + 32);
	if (h->len > max_len) {
		*why = "frame longer than the configured maximum";
		return -1;
	}
	return 0;
}

uint32_t frame_max_len(void)
{
	const char *s = getenv("PVMX_MAX_FRAME");
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return FRAME_DEFAULT_MAX;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < 1024 || v > 0xffffffffUL)
		return FRAME_DEFAULT_MAX;
	return (uint32_t)v;
}

void framer_init(struct framer *f, uint32_t max_len, uint32_t max_control,
                 int (*check)(void *, const struct frame_header *, const char **), void *arg)
{
	memset(f, 0, sizeof(*f));
	f->max_len = max_len;
	f->max_control = max_control < max_len ? max_control : max_len;
	f->check = check;
	f->arg = arg;
}

enum framer_step framer_feed(struct framer *f, const uint8_t *head, size_t buffered,
                             const char **why)
{
	if (f->in_payload) {
		if (buffered < f->hdr.len)
			return FRAMER_NEED;
		f->in_payload = 0;
		return FRAMER_PAYLOAD;
	}
	if (buffered < FRAME_HEADER_LEN)
		return FRAMER_NEED;
	if (frame_decode(head, f->max_len, &f->hdr, why) != 0)
		return FRAMER_ERROR;
	if (f->hdr.kind == FRAME_CONTROL && f->hdr.len > f->max_control) {
		*why = "control frame longer than this stream allows";
		return FRAMER_ERROR;
	}
	if (f->check != NULL && f->check(f->arg, &f->hdr, why) != 0)
		return FRAMER_ERROR;
	f->in_payload = 1;
	return FRAMER_HEADER;
}

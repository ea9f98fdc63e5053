/*
 * fuzz_packf.c - the pvm_packf / pvm_unpackf format parser
 * (libpvm/packf_parse.c) and the packing it drives (libpvm/msgbuf.c).
 *
 * Input: a format string, then (after a NUL) the bytes that give '*'
 * fields their values (one signed byte each) and fill the values packed.
 * Each conversion the parser accepts is packed from an array, as
 * lpvm_packf.c would with the caller's arguments, then the message is
 * unpacked with the same conversions and must give the same values back.
 * A conversion whose count and stride span more than the harness's array
 * is skipped: a caller's array would have to be that big.
 */
#include "fuzz.h"
#include "msgbuf.h"
#include "packf_parse.h"
#include "pvm3.h"

#include <string.h>

#define MAX_CONVS 64
#define MAX_SPAN 4096 /* elements of the array a conversion may cover */
#define ELEM_MAX 16   /* a double complex */

struct packed {
	int type;
	size_t count, stride;
};

static uint8_t source[MAX_SPAN * ELEM_MAX];

static size_t span(size_t esz, size_t count, size_t stride)
{
	return count == 0 ? 0 : ((count - 1) * stride + 1) * esz;
}

/* Unpacks item p and compares it with what was packed from source. */
static void unpack_check(struct msgbuf *mb, const struct packed *p)
{
	size_t esz = dsig_elem_size(dsig_native(), (enum dsig_type)p->type);
	size_t n = span(esz, p->count, p->stride);
	uint8_t *out;
	int r;

	if (p->type == DSIG_STR) {
		char *s = malloc(p->count + 1);

		FUZZ_CHECK(s != NULL);
		FUZZ_CHECK(msgbuf_unpack_str(mb, s) == 0);
		FUZZ_CHECK(strlen(s) == p->count && memcmp(s, source, p->count) == 0);
		free(s);
		return;
	}
	out = malloc(n > 0 ? n : 1);
	FUZZ_CHECK(out != NULL);
	r = msgbuf_unpack(mb, (enum dsig_type)p->type, n > 0 ? out : NULL, (int)p->count,
	                  (int)p->stride);
	FUZZ_CHECK(r == 0);
	for (size_t i = 0; i < p->count; i++) {
		size_t off = i * p->stride * esz;

		FUZZ_CHECK(memcmp(out + off, source + off, esz) == 0);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *fmt = fuzz_string(data, size);
	const char *p = fmt, *end = fmt + strlen(fmt);
	const uint8_t *args = data + (end - fmt) + (end - fmt < (ptrdiff_t)size);
	size_t nargs = size - (size_t)(args - data), ai = 0;
	struct packed convs[MAX_CONVS];
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, dsig_native()), *rb;
	int nconv = 0;

	FUZZ_CHECK(mb != NULL);
	/* the values: the argument bytes, repeated; a string stops at 0 */
	for (size_t i = 0; i < sizeof(source); i++)
		source[i] = nargs > 0 ? args[i % nargs] : (uint8_t)i;
	source[sizeof(source) - 1] = '\0';

	while (*p != '\0' && nconv < MAX_CONVS) {
		struct packf_conv c;
		size_t esz;
		int t;

		if (*p++ != '%')
			continue;
		if (*p == '%') {
			p++;
			continue;
		}
		if (packf_parse(&p, &c) != 0)
			break;
		FUZZ_CHECK(p <= end);
		if (c.count_star)
			c.count = ai < nargs ? (int8_t)args[ai++] : 1;
		if (c.stride_star)
			c.stride = ai < nargs ? (int8_t)args[ai++] : 1;
		if (packf_check(&c) != 0)
			break;
		if (c.init) {
			msgbuf_reset(mb, PvmDataDefault);
			nconv = 0;
			continue;
		}
		t = c.fchar == 's' ? DSIG_STR : packf_type(&c);
		if (t < 0)
			break; /* PvmBadParam, as lpvm_packf.c says */
		if (t == DSIG_STR) {
			FUZZ_CHECK(msgbuf_pack_str(mb, (const char *)source) == 0);
			convs[nconv++] =
			    (struct packed){t, strlen((const char *)source), 1};
			continue;
		}
		/* a value argument is one element */
		if (!c.has_count)
			c.count = c.stride = 1;
		esz = dsig_elem_size(dsig_native(), (enum dsig_type)t);
		if (c.count > 0 && (size_t)c.stride > MAX_SPAN / (size_t)c.count)
			continue;
		FUZZ_CHECK(span(esz, (size_t)c.count, (size_t)c.stride) <=
		           sizeof(source));
		FUZZ_CHECK(
		    msgbuf_pack(mb, (enum dsig_type)t, source, c.count, c.stride) == 0);
		convs[nconv++] = (struct packed){t, (size_t)c.count, (size_t)c.stride};
	}

	rb = msgbuf_from_bytes(msgbuf_flatten(mb), msgbuf_length(mb), mb->dsig);
	FUZZ_CHECK(rb != NULL);
	for (int i = 0; i < nconv; i++)
		unpack_check(rb, &convs[i]);
	{
		int x;
		FUZZ_CHECK(msgbuf_unpack(rb, DSIG_INT, &x, 1, 1) == PvmNoData);
	}
	msgbuf_free(rb);
	msgbuf_free(mb);
	free(fmt);
	return 0;
}

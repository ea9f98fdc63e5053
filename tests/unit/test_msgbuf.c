/*
 * test_msgbuf.c - message buffers: round trips of every type (natively, in
 * place and under a foreign signature), the wire bytes, spanning and partial
 * items, errors, malformed payloads, and PvmDataInPlace references.
 */
#include "msgbuf.h"
#include "pvm3.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int NATIVE, BE32;

static const char *type_names[DSIG_NTYPES] = {"str",   "byte",   "short",  "int",
                                              "float", "cplx",   "double", "dcplx",
                                              "long",  "ushort", "uint",   "ulong"};

/* What a receiver gets: the flattened payload in a buffer of exactly its
 * length (so ASan sees any read past it), tagged with the packer's dsig. */
static struct msgbuf *receive(const struct msgbuf *mb)
{
	uint8_t *p = msgbuf_flatten(mb);
	struct msgbuf *rb;

	if (p == NULL) {
		fprintf(stderr, "msgbuf_flatten: out of memory\n");
		exit(2);
	}
	rb = msgbuf_from_bytes(p, msgbuf_length(mb), mb->dsig);
	if (rb == NULL) {
		fprintf(stderr, "msgbuf_from_bytes: out of memory\n");
		exit(2);
	}
	return rb;
}

static struct msgbuf *from_raw(const void *raw, size_t len, int dsig)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	if (p == NULL)
		exit(2);
	if (len > 0)
		memcpy(p, raw, len);
	return msgbuf_from_bytes(p, len, dsig);
}

/* round trips ------------------------------------------------------------ */

#define N 7
#define MAXSTRIDE 3

/* Element i of a test array of type t; `narrow` keeps longs within 32 bits
 * so they fit a foreign 4-byte long. */
static void sample(enum dsig_type t, void *base, int i, int narrow)
{
	static const long long ints[N] = {0, -1, 1, -12345, 777, 0, 0};
	static const double reals[N] = {0.0, -1.5, 3.25e10, -0.0, 1e-30, 42.0, -7.125};
	long long v = ints[i];

	switch (t) {
	case DSIG_BYTE:
		((signed char *)base)[i] = (signed char)(i == 5   ? -128
		                                         : i == 6 ? 127
		                                                  : v);
		break;
	case DSIG_SHORT:
		((short *)base)[i] = (short)(i == 5 ? SHRT_MIN : i == 6 ? SHRT_MAX : v);
		break;
	case DSIG_USHORT:
		((unsigned short *)base)[i] = (unsigned short)(i == 6 ? USHRT_MAX : v);
		break;
	case DSIG_INT:
		((int *)base)[i] = (int)(i == 5 ? INT_MIN : i == 6 ? INT_MAX : v);
		break;
	case DSIG_UINT:
		((unsigned *)base)[i] = (unsigned)(i == 6 ? UINT_MAX : v);
		break;
	case DSIG_LONG:
		((long *)base)[i] = i == 5   ? (narrow ? INT32_MIN : LONG_MIN)
		                    : i == 6 ? (narrow ? INT32_MAX : LONG_MAX)
		                             : (long)v;
		break;
	case DSIG_ULONG:
		((unsigned long *)base)[i] = i == 6   ? (narrow ? UINT32_MAX : ULONG_MAX)
		                             : narrow ? (unsigned long)(uint32_t)v
		                                      : (unsigned long)v;
		break;
	case DSIG_FLOAT:
		((float *)base)[i] = (float)reals[i];
		break;
	case DSIG_DOUBLE:
		((double *)base)[i] = reals[i];
		break;
	case DSIG_CPLX:
		((float *)base)[2 * i] = (float)reals[i];
		((float *)base)[2 * i + 1] = (float)-reals[N - 1 - i];
		break;
	case DSIG_DCPLX:
		((double *)base)[2 * i] = reals[i];
		((double *)base)[2 * i + 1] = -reals[N - 1 - i] * 1e200;
		break;
	default:
		break;
	}
}

/* Packs every type (and strings) under dsig with encoding and stride,
 * receives it, unpacks it natively and compares; elements between the
 * strided ones must stay untouched. */
static void round_trip(const char *label, int dsig, int encoding, int stride)
{
	static const char *strings[3] = {"hello, world", "", "pvm"};
	static uint8_t src[DSIG_NTYPES][N * MAXSTRIDE * 16];
	static uint8_t dst[DSIG_NTYPES][N * MAXSTRIDE * 16];
	uint8_t expect[N * MAXSTRIDE * 16];
	struct msgbuf *mb = msgbuf_new(encoding, dsig), *rb;
	char what[128], s[64];
	int t, i, narrow = dsig != NATIVE;
	size_t esz;

	memset(src, 0x11, sizeof(src));
	memset(dst, 0xa5, sizeof(dst));
	for (t = DSIG_BYTE; t < DSIG_NTYPES; t++) {
		esz = dsig_elem_size(NATIVE, t);
		for (i = 0; i < N; i++)
			sample(t, src[t], i, narrow);
		/* spread element i to position i * stride */
		for (i = N - 1; i >= 0; i--) {
			memmove(src[t] + (size_t)i * stride * esz,
			        src[t] + (size_t)i * esz, esz);
			if (stride > 1 && i > 0)
				memset(src[t] + (size_t)i * esz, 0x11, esz);
		}
		snprintf(what, sizeof(what), "%s: pack %s", label, type_names[t]);
		CHECK_EQ(what, 0, msgbuf_pack(mb, t, src[t], N, stride));
		CHECK_EQ("pack string", 0, msgbuf_pack_str(mb, strings[t % 3]));
	}
	rb = receive(mb);
	for (t = DSIG_BYTE; t < DSIG_NTYPES; t++) {
		esz = dsig_elem_size(NATIVE, t);
		snprintf(what, sizeof(what), "%s: unpack %s", label, type_names[t]);
		CHECK_EQ(what, 0, msgbuf_unpack(rb, t, dst[t], N, stride));
		memset(expect, 0xa5, sizeof(expect));
		for (i = 0; i < N; i++)
			memcpy(expect + (size_t)i * stride * esz,
			       src[t] + (size_t)i * stride * esz, esz);
		snprintf(what, sizeof(what), "%s: %s values", label, type_names[t]);
		CHECK_BYTES(what, expect, dst[t], (size_t)N * stride * esz);
		snprintf(what, sizeof(what), "%s: unpack string after %s", label,
		         type_names[t]);
		memset(s, 'x', sizeof(s));
		CHECK_EQ(what, 0, msgbuf_unpack_str(rb, s));
		if (strcmp(s, strings[t % 3]) != 0) {
			fprintf(stderr, "%s: expected \"%s\", got \"%s\"\n", what,
			        strings[t % 3], s);
			failures++;
		}
	}
	snprintf(what, sizeof(what), "%s: unpack past the end", label);
	CHECK_EQ(what, PvmNoData, msgbuf_unpack(rb, DSIG_INT, dst[0], 1, 1));
	CHECK_EQ(what, PvmNoData, msgbuf_unpack_str(rb, s));
	msgbuf_free(rb);

	/* the packer's own buffer unpacks too (references included) */
	msgbuf_rewind(mb);
	snprintf(what, sizeof(what), "%s: unpack from the packed buffer", label);
	memset(dst, 0xa5, sizeof(dst));
	if (dsig == NATIVE) {
		CHECK_EQ(what, 0, msgbuf_unpack(mb, DSIG_BYTE, dst[1], N, stride));
		CHECK_EQ(what, 0, msgbuf_unpack_str(mb, s));
		CHECK_EQ(what, 0, msgbuf_unpack(mb, DSIG_SHORT, dst[2], N, stride));
		CHECK_BYTES(what, src[2], dst[2], sizeof(short));
		CHECK_BYTES(what, src[2] + (N - 1) * stride * sizeof(short),
		            dst[2] + (N - 1) * stride * sizeof(short), sizeof(short));
	}
	msgbuf_free(mb);
}

/* the wire ---------------------------------------------------------------- */

static void test_big_endian_bytes(void)
{
	const int v[3] = {1, 0x01020304, -2};
	const uint8_t be[8 + 12] = {3, 0, 0, 0, 0, 0, 0,    3,    0,    0,
	                            0, 1, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe};
	const uint8_t le[8 + 12] = {3, 0, 0, 0, 0, 0, 0,    3,    1,    0,
	                            0, 0, 4, 3, 2, 1, 0xfe, 0xff, 0xff, 0xff};
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, BE32);

	CHECK_EQ("pack ints big-endian", 0, msgbuf_pack(mb, DSIG_INT, v, 3, 1));
	CHECK_EQ("big-endian item length", sizeof(be), mb->len);
	CHECK_BYTES("big-endian int item", be, mb->bytes, sizeof(be));
	msgbuf_free(mb);
	if (NATIVE == 0x00408c41) {
		mb = msgbuf_new(PvmDataDefault, NATIVE);
		CHECK_EQ("pack ints natively", 0, msgbuf_pack(mb, DSIG_INT, v, 3, 1));
		CHECK_BYTES("native int item", le, mb->bytes, sizeof(le));
		msgbuf_free(mb);
	}
}

static void test_long_overflow(void)
{
	const long big[2] = {1L << 40, 5};
	const long fits[3] = {-5, INT32_MIN, INT32_MAX};
	const unsigned long ubig[2] = {1UL << 32, UINT32_MAX};
	long out[3];
	unsigned long uout[2];
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, BE32), *rb;

	CHECK_EQ("long 2^40 into a 4-byte long", PvmOverflow,
	         msgbuf_pack(mb, DSIG_LONG, big, 2, 1));
	CHECK_EQ("overflowing item still packed", 8 + 2 * 4, mb->len);
	CHECK_EQ("ulong 2^32 into a 4-byte ulong", PvmOverflow,
	         msgbuf_pack(mb, DSIG_ULONG, ubig, 2, 1));
	CHECK_EQ("longs that fit", 0, msgbuf_pack(mb, DSIG_LONG, fits, 3, 1));
	rb = receive(mb);
	CHECK_EQ("unpack truncated longs", 0, msgbuf_unpack(rb, DSIG_LONG, out, 2, 1));
	CHECK_EQ("2^40 truncated to 32 bits", 0, out[0]);
	CHECK_EQ("5 after an overflow", 5, out[1]);
	CHECK_EQ("unpack ulongs", 0, msgbuf_unpack(rb, DSIG_ULONG, uout, 2, 1));
	CHECK_EQ("UINT32_MAX zero-extended", UINT32_MAX, uout[1]);
	CHECK_EQ("unpack foreign longs", 0, msgbuf_unpack(rb, DSIG_LONG, out, 3, 1));
	CHECK_EQ("foreign -5", -5, out[0]);
	CHECK_EQ("foreign INT32_MIN", INT32_MIN, out[1]);
	CHECK_EQ("foreign INT32_MAX", INT32_MAX, out[2]);
	msgbuf_free(rb);
	msgbuf_free(mb);
}

/* A host with 8-byte shorts sends one that does not fit ours. */
static void test_unpack_overflow(void)
{
	int wide = dsig_make(8, 4, 8, 1);
	const uint8_t raw[8 + 24] = {
	    DSIG_SHORT, 0,    0,    0,    0,    0,    0,    3,
	    0,          0,    0,    0,    0,    0,    0x7f, 0xff, /* 32767 */
	    0,          0,    0,    0,    0,    1,    0,    0,    /* 65536 */
	    0xff,       0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0};   /* -32768 */
	struct msgbuf *rb = from_raw(raw, sizeof(raw), wide);
	short out[3];

	CHECK_EQ("8-byte shorts into ours", PvmOverflow,
	         msgbuf_unpack(rb, DSIG_SHORT, out, 3, 1));
	CHECK_EQ("32767", 32767, out[0]);
	CHECK_EQ("65536 truncated", 0, out[1]);
	CHECK_EQ("-32768 after an overflow", -32768, out[2]);
	CHECK_EQ("consumed despite overflow", PvmNoData,
	         msgbuf_unpack(rb, DSIG_SHORT, out, 1, 1));
	msgbuf_free(rb);
}

/* cursor ------------------------------------------------------------------ */

static void test_cursor(void)
{
	int v[10], out[10], i;
	unsigned u[5] = {10, 11, 12, 13, 14};
	double d = 2.5, dout = 0;
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, NATIVE), *rb;

	for (i = 0; i < 10; i++)
		v[i] = i * 100 - 300;
	CHECK_EQ("pack 10", 0, msgbuf_pack(mb, DSIG_INT, v, 10, 1));
	CHECK_EQ("pack 5", 0, msgbuf_pack(mb, DSIG_INT, v, 5, 1));
	CHECK_EQ("pack 5 more", 0, msgbuf_pack(mb, DSIG_INT, v + 5, 5, 1));
	CHECK_EQ("pack 5 uint", 0, msgbuf_pack(mb, DSIG_UINT, u, 5, 1));
	CHECK_EQ("pack double", 0, msgbuf_pack(mb, DSIG_DOUBLE, &d, 1, 1));
	rb = receive(mb);

	/* 10 ints: 4 then 6 */
	memset(out, 0, sizeof(out));
	CHECK_EQ("unpack 4 of 10", 0, msgbuf_unpack(rb, DSIG_INT, out, 4, 1));
	CHECK_EQ("then 6", 0, msgbuf_unpack(rb, DSIG_INT, out + 4, 6, 1));
	CHECK_BYTES("4 then 6", v, out, sizeof(v));
	/* 5 + 5 ints in one call */
	memset(out, 0, sizeof(out));
	CHECK_EQ("unpack 10 across two items", 0,
	         msgbuf_unpack(rb, DSIG_INT, out, 10, 1));
	CHECK_BYTES("5 + 5", v, out, sizeof(v));
	/* wrong type: fails and consumes nothing */
	CHECK_EQ("short from an uint item", PvmBadMsg,
	         msgbuf_unpack(rb, DSIG_SHORT, out, 1, 1));
	CHECK_EQ("string from an uint item", PvmBadMsg,
	         msgbuf_unpack_str(rb, (char *)out));
	/* signed and unsigned of one size match */
	CHECK_EQ("int from an uint item", 0, msgbuf_unpack(rb, DSIG_INT, out, 2, 1));
	CHECK_EQ("uint 10 as int", 10, out[0]);
	CHECK_EQ("int spanning into a double item", PvmBadMsg,
	         msgbuf_unpack(rb, DSIG_INT, out, 4, 1));
	CHECK_EQ("rest of the uint item after a failure", 0,
	         msgbuf_unpack(rb, DSIG_UINT, out, 3, 1));
	CHECK_EQ("uint 14", 14, out[2]);
	CHECK_EQ("int from a double item", PvmBadMsg,
	         msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	CHECK_EQ("double after a failed int", 0,
	         msgbuf_unpack(rb, DSIG_DOUBLE, &dout, 1, 1));
	CHECK_EQ("double value", 2.5 * 4, dout * 4);
	CHECK_EQ("past the end", PvmNoData, msgbuf_unpack(rb, DSIG_DOUBLE, &dout, 1, 1));
	CHECK_EQ("zero elements past the end", 0, msgbuf_unpack(rb, DSIG_INT, out, 0, 1));

	/* partial consumption with strides: 4 into every other slot, then 6 */
	msgbuf_rewind(rb);
	memset(out, 0, sizeof(out));
	CHECK_EQ("unpack 4 stride 2", 0, msgbuf_unpack(rb, DSIG_INT, out, 4, 2));
	CHECK_EQ("slot 6 = v[3]", v[3], out[6]);
	CHECK_EQ("slot 1 untouched", 0, out[1]);
	CHECK_EQ("then 6 stride 1", 0, msgbuf_unpack(rb, DSIG_INT, out, 6, 1));
	CHECK_BYTES("last 6", v + 4, out, 6 * sizeof(int));
	msgbuf_free(rb);

	/* bad parameters */
	CHECK_EQ("count < 0", PvmBadParam, msgbuf_pack(mb, DSIG_INT, v, -1, 1));
	CHECK_EQ("stride 0", PvmBadParam, msgbuf_pack(mb, DSIG_INT, v, 1, 0));
	CHECK_EQ("type 12", PvmBadParam, msgbuf_pack(mb, (enum dsig_type)12, v, 1, 1));
	CHECK_EQ("str through pack", PvmBadParam, msgbuf_pack(mb, DSIG_STR, v, 1, 1));
	CHECK_EQ("unpack stride 0", PvmBadParam, msgbuf_unpack(mb, DSIG_INT, out, 1, 0));
	CHECK_EQ("pack 0 elements", 0, msgbuf_pack(mb, DSIG_INT, NULL, 0, 1));

	msgbuf_reset(mb, PvmDataRaw);
	CHECK_EQ("reset empties", 0, msgbuf_length(mb));
	CHECK_EQ("empty buffer", PvmNoData, msgbuf_unpack(mb, DSIG_INT, out, 1, 1));
	CHECK_EQ("pack after reset", 0, msgbuf_pack(mb, DSIG_INT, v, 1, 1));
	CHECK_EQ("unpack after reset", 0, msgbuf_unpack(mb, DSIG_INT, out, 1, 1));
	CHECK_EQ("value after reset", v[0], out[0]);
	msgbuf_free(mb);
}

static void test_strings(void)
{
	char big[5000], out[5001];
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, NATIVE), *rb;

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ("pack empty string", 0, msgbuf_pack_str(mb, ""));
	CHECK_EQ("empty string is a bare header", 8, mb->len);
	CHECK_EQ("pack long string", 0, msgbuf_pack_str(mb, big));
	CHECK_EQ("string has no NUL on the wire", 16 + sizeof(big) - 1, mb->len);
	rb = receive(mb);
	out[0] = 'x';
	CHECK_EQ("unpack empty string", 0, msgbuf_unpack_str(rb, out));
	CHECK_EQ("empty string", 0, strlen(out));
	CHECK_EQ("unpack long string", 0, msgbuf_unpack_str(rb, out));
	CHECK_EQ("long string", 0, strcmp(out, big));
	msgbuf_free(rb);
	msgbuf_free(mb);
}

/* An empty int item between two others is spanned. */
static void test_empty_item(void)
{
	const uint8_t raw[] = {3, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0, 0, 3, 0, 0, 0,
	                       0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 1, 9, 0, 0, 0};
	int out[2] = {0, 0};
	struct msgbuf *rb;

	if (NATIVE != 0x00408c41)
		return;
	rb = from_raw(raw, sizeof(raw), NATIVE);
	CHECK_EQ("span an empty item", 0, msgbuf_unpack(rb, DSIG_INT, out, 2, 1));
	CHECK_EQ("first", 7, out[0]);
	CHECK_EQ("second", 9, out[1]);
	msgbuf_free(rb);
}

/* malformed payloads ---------------------------------------------------- */

static void test_bad_headers(void)
{
	const uint8_t good[] = {3, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0, 0};
	const uint8_t pad[] = {3, 0, 1, 0, 0, 0, 0, 1, 7, 0, 0, 0};
	const uint8_t type[] = {12, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0, 0};
	const uint8_t huge[] = {3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0};
	const uint8_t shorthdr[] = {3, 0, 0, 0, 0};
	const uint8_t strlong[] = {0, 0, 0, 0, 0, 0, 0, 5, 'a', 'b'};
	int out[4];
	char s[64];
	struct msgbuf *rb;

	rb = from_raw(pad, sizeof(pad), NATIVE);
	CHECK_EQ("non-zero padding", PvmBadMsg, msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	msgbuf_free(rb);
	rb = from_raw(type, sizeof(type), NATIVE);
	CHECK_EQ("unknown type", PvmBadMsg, msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	msgbuf_free(rb);
	rb = from_raw(huge, sizeof(huge), NATIVE);
	CHECK_EQ("count past the end", PvmBadMsg, msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	msgbuf_free(rb);
	rb = from_raw(shorthdr, sizeof(shorthdr), NATIVE);
	CHECK_EQ("truncated header", PvmBadMsg, msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	msgbuf_free(rb);
	rb = from_raw(strlong, sizeof(strlong), NATIVE);
	CHECK_EQ("string past the end", PvmBadMsg, msgbuf_unpack_str(rb, s));
	msgbuf_free(rb);
	rb = from_raw(good, sizeof(good), 0x7fffffff);
	CHECK_EQ("unsupported signature", PvmBadMsg,
	         msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	msgbuf_free(rb);
	rb = msgbuf_from_bytes(NULL, 0, NATIVE);
	CHECK_EQ("no payload", PvmNoData, msgbuf_unpack(rb, DSIG_INT, out, 1, 1));
	msgbuf_free(rb);
}

/* Unpacks the items of test_truncation's message in order; returns 0 or
 * the first error. */
static int unpack_all(struct msgbuf *rb)
{
	int v[6];
	char s[32];
	double d[2];
	short h;
	int r;

	if ((r = msgbuf_unpack(rb, DSIG_INT, v, 6, 1)) != 0 ||
	    (r = msgbuf_unpack_str(rb, s)) != 0 ||
	    (r = msgbuf_unpack(rb, DSIG_DOUBLE, d, 2, 1)) != 0 ||
	    (r = msgbuf_unpack(rb, DSIG_SHORT, &h, 1, 1)) != 0)
		return r;
	return 0;
}

static void test_truncation(void)
{
	const int v[6] = {1, 2, 3, 4, 5, 6};
	const double d[2] = {0.5, 0.25};
	const short h = 9;
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, BE32), *rb;
	uint8_t *flat;
	size_t len, cut;
	/* item boundaries: a cut there is a clean end of message */
	size_t bounds[4];
	char what[64];
	int r, at_boundary, k;

	msgbuf_pack(mb, DSIG_INT, v, 6, 1);
	bounds[0] = mb->len;
	msgbuf_pack_str(mb, "truncate me");
	bounds[1] = mb->len;
	msgbuf_pack(mb, DSIG_DOUBLE, d, 2, 1);
	bounds[2] = mb->len;
	msgbuf_pack(mb, DSIG_SHORT, &h, 1, 1);
	bounds[3] = mb->len;
	flat = msgbuf_flatten(mb);
	len = msgbuf_length(mb);
	rb = from_raw(flat, len, BE32);
	CHECK_EQ("whole message", 0, unpack_all(rb));
	msgbuf_free(rb);
	for (cut = 0; cut < len; cut++) {
		rb = from_raw(flat, cut, BE32);
		r = unpack_all(rb);
		at_boundary = cut == 0;
		for (k = 0; k < 4; k++)
			at_boundary |= cut == bounds[k];
		snprintf(what, sizeof(what), "truncated at %zu of %zu", cut, len);
		CHECK_EQ(what, at_boundary ? PvmNoData : PvmBadMsg, r);
		msgbuf_free(rb);
	}
	free(flat);
	msgbuf_free(mb);
}

/* Random payloads, half of them with plausible item headers, unpacked as
 * random types until an error: only documented results, never a crash. */
static void test_garbage(void)
{
	static uint8_t out[8 * MAXSTRIDE * 16];
	uint8_t raw[128];
	char s[sizeof(raw) + 1];
	int round, op, r, ok = 1;
	size_t len, i;

	srand(4242);
	for (round = 0; round < 600; round++) {
		int dsig = round % 3 == 0 ? NATIVE : round % 3 == 1 ? BE32 : rand();
		struct msgbuf *rb;

		len = (size_t)rand() % sizeof(raw);
		for (i = 0; i < len; i++)
			raw[i] = (uint8_t)rand();
		if (round % 2 == 0)
			for (i = 0; i + 8 <= len; i += 8 + (size_t)rand() % 12) {
				raw[i] = (uint8_t)(rand() % DSIG_NTYPES);
				raw[i + 1] = raw[i + 2] = raw[i + 3] = 0;
				raw[i + 4] = raw[i + 5] = raw[i + 6] = 0;
				raw[i + 7] = (uint8_t)(rand() % 6);
			}
		rb = from_raw(raw, len, dsig);
		for (op = 0; op < 40; op++) {
			enum dsig_type t = (enum dsig_type)(rand() % DSIG_NTYPES);

			if (t == DSIG_STR)
				r = msgbuf_unpack_str(rb, s);
			else
				r = msgbuf_unpack(rb, t, out, 1 + rand() % 8,
				                  1 + rand() % MAXSTRIDE);
			if (r != 0 && r != PvmNoData && r != PvmBadMsg &&
			    r != PvmOverflow) {
				fprintf(stderr,
				        "garbage round %d: unpack %s returned %d\n",
				        round, type_names[t], r);
				ok = 0;
			}
			if (r == PvmNoData)
				break;
		}
		msgbuf_free(rb);
	}
	if (!ok)
		failures++;
}

/* PvmDataInPlace ---------------------------------------------------------- */

static void test_in_place(void)
{
	int arr[100], i, out[100];
	double tail = 6.5;
	struct msgbuf *mb = msgbuf_new(PvmDataInPlace, NATIVE), *rb;
	struct iovec iov[8];
	size_t before, hdr_end;
	uint8_t *flat;
	int n;

	for (i = 0; i < 100; i++)
		arr[i] = i;
	CHECK_EQ("pack string", 0, msgbuf_pack_str(mb, "head"));
	before = mb->len;
	CHECK_EQ("pack in place", 0, msgbuf_pack(mb, DSIG_INT, arr, 100, 1));
	CHECK_EQ("bytes grew by the header only", MSGBUF_ITEM_HEADER, mb->len - before);
	CHECK_EQ("one reference", 1, mb->nrefs);
	hdr_end = mb->len;
	CHECK_EQ("pack double", 0, msgbuf_pack(mb, DSIG_DOUBLE, &tail, 1, 1));
	CHECK_EQ("two references", 2, mb->nrefs);
	CHECK_EQ("pack strided ints (copied)", 0, msgbuf_pack(mb, DSIG_INT, arr, 4, 3));
	CHECK_EQ("strided ints are copied", 2, mb->nrefs);
	CHECK_EQ("length counts references", mb->len + sizeof(arr) + sizeof(tail),
	         msgbuf_length(mb));

	/* the array changes after packing: the send sees the new values */
	for (i = 0; i < 100; i++)
		arr[i] = -i;
	tail = -1.25;

	CHECK_EQ("iov too small", -1, msgbuf_iov(mb, iov, 4));
	n = msgbuf_iov(mb, iov, 5);
	CHECK_EQ("iov segments", 5, n);
	if (n == 5) {
		CHECK_EQ("iov[0] is bytes", (long long)(uintptr_t)mb->bytes,
		         (uintptr_t)iov[0].iov_base);
		CHECK_EQ("iov[0] up to the array", hdr_end, iov[0].iov_len);
		CHECK_EQ("iov[1] is the array", (long long)(uintptr_t)arr,
		         (uintptr_t)iov[1].iov_base);
		CHECK_EQ("iov[1] length", sizeof(arr), iov[1].iov_len);
		CHECK_EQ("iov[2] is the double's header",
		         (long long)(uintptr_t)(mb->bytes + hdr_end),
		         (uintptr_t)iov[2].iov_base);
		CHECK_EQ("iov[2] length", MSGBUF_ITEM_HEADER, iov[2].iov_len);
		CHECK_EQ("iov[3] is the double", (long long)(uintptr_t)&tail,
		         (uintptr_t)iov[3].iov_base);
		CHECK_EQ("iov[3] length", sizeof(tail), iov[3].iov_len);
		CHECK_EQ("iov[4] is the copied ints",
		         (long long)(uintptr_t)(mb->bytes + hdr_end + MSGBUF_ITEM_HEADER),
		         (uintptr_t)iov[4].iov_base);
		CHECK_EQ("iov[4] length", MSGBUF_ITEM_HEADER + 4 * sizeof(int),
		         iov[4].iov_len);
	}

	flat = msgbuf_flatten(mb);
	CHECK_BYTES("flatten shows the new array", arr, flat + hdr_end, sizeof(arr));
	CHECK_BYTES("flatten shows the new double", &tail,
	            flat + hdr_end + sizeof(arr) + MSGBUF_ITEM_HEADER, sizeof(tail));
	free(flat);

	rb = receive(mb);
	{
		char s[8];
		double d;
		int st[4];

		CHECK_EQ("unpack head", 0, msgbuf_unpack_str(rb, s));
		CHECK_EQ("unpack in-place ints", 0,
		         msgbuf_unpack(rb, DSIG_INT, out, 100, 1));
		CHECK_BYTES("in-place ints received", arr, out, sizeof(arr));
		CHECK_EQ("unpack in-place double", 0,
		         msgbuf_unpack(rb, DSIG_DOUBLE, &d, 1, 1));
		CHECK_EQ("in-place double", -125, (long long)(d * 100));
		CHECK_EQ("unpack copied ints", 0, msgbuf_unpack(rb, DSIG_INT, st, 4, 1));
		CHECK_EQ("copied at pack time", 9, st[3]);
	}
	msgbuf_free(rb);

	/* foreign signature: in place would put native bytes on the wire */
	msgbuf_free(mb);
	mb = msgbuf_new(PvmDataInPlace, BE32);
	CHECK_EQ("in place under a foreign dsig", 0,
	         msgbuf_pack(mb, DSIG_INT, arr, 10, 1));
	CHECK_EQ("foreign in place is copied", 0, mb->nrefs);
	msgbuf_free(mb);

	mb = msgbuf_new(PvmDataInPlace, NATIVE);
	CHECK_EQ("empty in-place buffer iov", 0, msgbuf_iov(mb, iov, 1));
	CHECK_EQ("in place first", 0, msgbuf_pack(mb, DSIG_INT, arr, 2, 1));
	CHECK_EQ("in place second", 0, msgbuf_pack(mb, DSIG_INT, arr + 2, 2, 1));
	n = msgbuf_iov(mb, iov, 5);
	CHECK_EQ("header, ref, header, ref", 4, n);
	CHECK_EQ("unpack spanning two references", 0,
	         msgbuf_unpack(mb, DSIG_INT, out, 4, 1));
	CHECK_BYTES("spanned references", arr, out, 4 * sizeof(int));
	msgbuf_reset(mb, PvmDataDefault);
	CHECK_EQ("reset drops references", 0, mb->nrefs);
	msgbuf_free(mb);
}

int main(void)
{
	NATIVE = dsig_native();
	BE32 = dsig_make(2, 4, 4, 1);

	round_trip("native stride 1", NATIVE, PvmDataDefault, 1);
	round_trip("native stride 3", NATIVE, PvmDataDefault, 3);
	round_trip("in place stride 1", NATIVE, PvmDataInPlace, 1);
	round_trip("in place stride 3", NATIVE, PvmDataInPlace, 3);
	round_trip("big-endian stride 1", BE32, PvmDataDefault, 1);
	round_trip("big-endian stride 3", BE32, PvmDataDefault, 3);
	test_big_endian_bytes();
	test_long_overflow();
	test_unpack_overflow();
	test_cursor();
	test_strings();
	test_empty_item();
	test_bad_headers();
	test_truncation();
	test_garbage();
	test_in_place();
	if (failures != 0) {
		fprintf(stderr, "test_msgbuf: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_msgbuf: ok\n");
	return 0;
}

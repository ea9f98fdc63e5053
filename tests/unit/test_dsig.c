/*
 * test_dsig.c - data signatures: the native one, dsig_make, element sizes,
 * and conversion between byte orders and integer sizes with overflow checks.
 */
#include "dsig.h"
#include "pvm3.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const int LE64 = 0x00408c41; /* x86_64 Linux */
static int BE32;                    /* a SPARC-like host: big endian, 4-byte long */

/* dsig with the order bits of one field set to a half-swapped order */
static int half_swapped_int(int dsig)
{
	return (dsig & ~(3 << 8)) | (1 << 8);
}

static void test_native(void)
{
	int n = dsig_native();

#if defined(__x86_64__) && defined(__linux__)
	CHECK_EQ("dsig_native on x86_64 Linux", 0x00408c41, n);
#endif
	CHECK_EQ("native dsig is supported", 1, dsig_is_supported(n));
	CHECK_EQ("native short size", sizeof(short), dsig_elem_size(n, DSIG_SHORT));
	CHECK_EQ("native int size", sizeof(int), dsig_elem_size(n, DSIG_INT));
	CHECK_EQ("native long size", sizeof(long), dsig_elem_size(n, DSIG_LONG));
	CHECK_EQ("native ulong size", sizeof(unsigned long),
	         dsig_elem_size(n, DSIG_ULONG));
	CHECK_EQ("native float size", sizeof(float), dsig_elem_size(n, DSIG_FLOAT));
	CHECK_EQ("native double size", sizeof(double), dsig_elem_size(n, DSIG_DOUBLE));
	CHECK_EQ("native cplx size", 2 * sizeof(float), dsig_elem_size(n, DSIG_CPLX));
	CHECK_EQ("native dcplx size", 2 * sizeof(double), dsig_elem_size(n, DSIG_DCPLX));
	CHECK_EQ("byte size", 1, dsig_elem_size(n, DSIG_BYTE));
	CHECK_EQ("str size", 1, dsig_elem_size(n, DSIG_STR));
}

static void test_make(void)
{
	CHECK_EQ("dsig_make(2,4,8,little)", LE64, dsig_make(2, 4, 8, 0));
	/* PVM 3.4's signature of 32-bit big-endian hosts (SUN4SOL2) */
	CHECK_EQ("dsig_make(2,4,4,big)", 0x0658eb59, BE32);
	CHECK_EQ("BE32 supported", 1, dsig_is_supported(BE32));
	CHECK_EQ("BE32 long size", 4, dsig_elem_size(BE32, DSIG_LONG));
	CHECK_EQ("dsig_make(1,2,8,big) short size", 1,
	         dsig_elem_size(dsig_make(1, 2, 8, 1), DSIG_SHORT));
	CHECK_EQ("dsig_make bad size 3", 0, dsig_is_supported(dsig_make(2, 3, 8, 0)));
	CHECK_EQ("dsig_make bad size 16", 0, dsig_is_supported(dsig_make(2, 4, 16, 0)));
	CHECK_EQ("dsig_make bad size 0", 0, dsig_is_supported(dsig_make(0, 4, 8, 0)));
}

static void test_supported(void)
{
	int hs = half_swapped_int(LE64);

	CHECK_EQ("half-swapped int order unsupported", 0, dsig_is_supported(hs));
	CHECK_EQ("half-swapped int: no int size", 0, dsig_elem_size(hs, DSIG_INT));
	CHECK_EQ("half-swapped int: bytes still 1", 1, dsig_elem_size(hs, DSIG_BYTE));
	CHECK_EQ("non-IEEE float unsupported", 0, dsig_is_supported(LE64 & ~(0xf << 15)));
	CHECK_EQ("non-IEEE float: no float size", 0,
	         dsig_elem_size(LE64 & ~(0xf << 15), DSIG_FLOAT));
	CHECK_EQ("non-IEEE double unsupported", 0,
	         dsig_is_supported(LE64 & ~(0xf << 21)));
	CHECK_EQ("long of 16 bytes unsupported", 0,
	         dsig_is_supported((LE64 & ~(7 << 10)) | (4 << 10)));
}

static void test_int_order(void)
{
	const uint8_t le[8] = {0x04, 0x03, 0x02, 0x01, 0xfe, 0xff, 0xff, 0xff};
	const uint8_t be[8] = {0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe};
	const uint8_t le16[4] = {0x34, 0x12, 0xff, 0x7f};
	const uint8_t be16[4] = {0x12, 0x34, 0x7f, 0xff};
	uint8_t out[8];
	int32_t back[2];

	CHECK_EQ("LE->BE int", 0, dsig_convert(DSIG_INT, le, LE64, out, BE32, 2));
	CHECK_BYTES("LE->BE int bytes", be, out, 8);
	CHECK_EQ("BE->LE int", 0, dsig_convert(DSIG_INT, be, BE32, back, LE64, 2));
	CHECK_BYTES("BE->LE int bytes", le, back, 8);
	CHECK_EQ("LE->BE short", 0, dsig_convert(DSIG_USHORT, le16, LE64, out, BE32, 2));
	CHECK_BYTES("LE->BE short bytes", be16, out, 4);
	CHECK_EQ("same signature copy", 0,
	         dsig_convert(DSIG_UINT, le, LE64, out, LE64, 2));
	CHECK_BYTES("same signature bytes", le, out, 8);
	CHECK_EQ("zero elements", 0, dsig_convert(DSIG_INT, le, LE64, out, BE32, 0));
	CHECK_EQ("half-swapped source", PvmBadMsg,
	         dsig_convert(DSIG_INT, le, half_swapped_int(LE64), out, LE64, 1));
	CHECK_EQ("half-swapped destination", PvmBadMsg,
	         dsig_convert(DSIG_INT, le, LE64, out, half_swapped_int(BE32), 1));
	CHECK_EQ("bytes ignore order", 0,
	         dsig_convert(DSIG_BYTE, le, LE64, out, half_swapped_int(BE32), 8));
	CHECK_BYTES("bytes copied", le, out, 8);
}

/* 64-bit little-endian longs to 32-bit big-endian ones, and back. */
static void test_narrow_widen(void)
{
	const int64_t in[6] = {
	    0, -1, INT32_MAX, INT32_MIN, (int64_t)INT32_MAX + 1, (int64_t)INT32_MIN - 1};
	const uint64_t uin[4] = {0, UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX};
	uint8_t out[24];
	int64_t back[6];
	uint64_t uback[4];
	int r, i;

	r = dsig_convert(DSIG_LONG, in, LE64, out, BE32, 4);
	CHECK_EQ("long 64->32 in range", 0, r);
	r = dsig_convert(DSIG_LONG, out, BE32, back, LE64, 4);
	CHECK_EQ("long 32->64", 0, r);
	for (i = 0; i < 4; i++)
		CHECK_EQ("long 64->32->64 value", in[i], back[i]);

	r = dsig_convert(DSIG_LONG, in, LE64, out, BE32, 6);
	CHECK_EQ("long 64->32 out of range", PvmOverflow, r);
	r = dsig_convert(DSIG_LONG, out, BE32, back, LE64, 6);
	CHECK_EQ("long 32->64 after overflow", 0, r);
	for (i = 0; i < 4; i++)
		CHECK_EQ("values that fit survive an overflow", in[i], back[i]);
	CHECK_EQ("INT32_MAX+1 truncated", INT32_MIN, back[4]);
	CHECK_EQ("INT32_MIN-1 truncated", INT32_MAX, back[5]);

	r = dsig_convert(DSIG_ULONG, uin, LE64, out, BE32, 2);
	CHECK_EQ("ulong 64->32 in range", 0, r);
	r = dsig_convert(DSIG_ULONG, uin, LE64, out, BE32, 4);
	CHECK_EQ("ulong 64->32 out of range", PvmOverflow, r);
	r = dsig_convert(DSIG_ULONG, out, BE32, uback, LE64, 4);
	CHECK_EQ("ulong 32->64", 0, r);
	CHECK_EQ("ulong UINT32_MAX zero-extended", UINT32_MAX, uback[1]);
	CHECK_EQ("ulong 2^32 truncated", 0, uback[2]);
	CHECK_EQ("ulong max truncated", UINT32_MAX, (long long)uback[3]);
}

/* 2-byte shorts to 1-byte ones: signed and unsigned ranges differ. */
static void test_small_sizes(void)
{
	int s8 = dsig_make(1, 4, 8, 1);
	const int16_t sv[4] = {127, -128, 128, -129};
	const uint16_t uv[3] = {255, 0, 256};
	int8_t so[4];
	uint8_t uo[3];
	int16_t sb[4];
	uint16_t ub[3];

	CHECK_EQ("short->1 byte in range", 0,
	         dsig_convert(DSIG_SHORT, sv, LE64, so, s8, 2));
	CHECK_EQ("short->1 byte 128", PvmOverflow,
	         dsig_convert(DSIG_SHORT, sv + 2, LE64, so, s8, 1));
	CHECK_EQ("short->1 byte -129", PvmOverflow,
	         dsig_convert(DSIG_SHORT, sv + 3, LE64, so, s8, 1));
	CHECK_EQ("ushort->1 byte in range", 0,
	         dsig_convert(DSIG_USHORT, uv, LE64, uo, s8, 2));
	CHECK_EQ("ushort->1 byte 256", PvmOverflow,
	         dsig_convert(DSIG_USHORT, uv, LE64, uo, s8, 3));
	CHECK_EQ("ushort 255 fits one byte", 255, uo[0]);
	/* 255 as an unsigned short fits; as a signed one it would not */
	CHECK_EQ("short 255 does not fit one signed byte", PvmOverflow,
	         dsig_convert(DSIG_SHORT, uv, LE64, so, s8, 1));

	CHECK_EQ("short 127, -128 -> 1 byte", 0,
	         dsig_convert(DSIG_SHORT, sv, LE64, so, s8, 2));
	CHECK_EQ("1 byte->short", 0, dsig_convert(DSIG_SHORT, so, s8, sb, LE64, 2));
	CHECK_EQ("sign-extended 127", 127, sb[0]);
	CHECK_EQ("sign-extended -128", -128, sb[1]);
	uo[0] = 0xff;
	CHECK_EQ("1 byte->ushort", 0, dsig_convert(DSIG_USHORT, uo, s8, ub, LE64, 1));
	CHECK_EQ("zero-extended 0xff", 255, ub[0]);
}

static void test_widen_big_endian(void)
{
	/* BE 2-byte short -2 and 0x7ffe, widened into 8-byte LE longs */
	int sh2 = dsig_make(2, 2, 2, 1);
	const uint8_t be[4] = {0xff, 0xfe, 0x7f, 0xfe};
	int64_t out[2];
	uint64_t uout[2];

	CHECK_EQ("BE 2-byte long -> LE 8", 0,
	         dsig_convert(DSIG_LONG, be, sh2, out, LE64, 2));
	CHECK_EQ("sign-extended -2", -2, out[0]);
	CHECK_EQ("positive 0x7ffe", 0x7ffe, out[1]);
	CHECK_EQ("BE 2-byte ulong -> LE 8", 0,
	         dsig_convert(DSIG_ULONG, be, sh2, uout, LE64, 2));
	CHECK_EQ("zero-extended 0xfffe", 0xfffe, uout[0]);
}

static void test_floats(void)
{
	const float f[3] = {1.5f, -0.0f, 3.25e-20f};
	const double d[3] = {1.5, -2.0e300, 1.0 / 3.0};
	const uint8_t f_be[4] = {0x3f, 0xc0, 0x00, 0x00};
	const uint8_t d_be[8] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0};
	uint8_t out[48];
	float fb[3], cb[4];
	double db[3], dcb[4];
	const float c[4] = {1.0f, -2.0f, 0.5f, 8.0f};
	const double dc[4] = {1.0, -2.0, 0.5, 1e-300};

	CHECK_EQ("float LE->BE", 0, dsig_convert(DSIG_FLOAT, f, LE64, out, BE32, 3));
	CHECK_BYTES("float 1.5 big-endian", f_be, out, 4);
	CHECK_EQ("float BE->LE", 0, dsig_convert(DSIG_FLOAT, out, BE32, fb, LE64, 3));
	CHECK_BYTES("float round trip", f, fb, sizeof(f));
	CHECK_EQ("double LE->BE", 0, dsig_convert(DSIG_DOUBLE, d, LE64, out, BE32, 3));
	CHECK_BYTES("double 1.5 big-endian", d_be, out, 8);
	CHECK_EQ("double BE->LE", 0, dsig_convert(DSIG_DOUBLE, out, BE32, db, LE64, 3));
	CHECK_BYTES("double round trip", d, db, sizeof(d));
	CHECK_EQ("cplx LE->BE", 0, dsig_convert(DSIG_CPLX, c, LE64, out, BE32, 2));
	CHECK_BYTES("cplx second float big-endian", ((uint8_t[]){0xc0, 0, 0, 0}), out + 4,
	            4);
	CHECK_EQ("cplx BE->LE", 0, dsig_convert(DSIG_CPLX, out, BE32, cb, LE64, 2));
	CHECK_BYTES("cplx round trip", c, cb, sizeof(c));
	CHECK_EQ("dcplx LE->BE", 0, dsig_convert(DSIG_DCPLX, dc, LE64, out, BE32, 2));
	CHECK_EQ("dcplx BE->LE", 0, dsig_convert(DSIG_DCPLX, out, BE32, dcb, LE64, 2));
	CHECK_BYTES("dcplx round trip", dc, dcb, sizeof(dc));
	CHECK_EQ("non-IEEE float", PvmBadMsg,
	         dsig_convert(DSIG_FLOAT, f, LE64 & ~(0xf << 15), out, LE64, 1));
}

/* Random 64-bit values through every integer size and order. */
static void test_random_round_trip(void)
{
	static const int sizes[4] = {1, 2, 4, 8};
	int64_t in[64], back[64];
	uint8_t mid[64 * 8];
	int si, big, i, r, expect;

	srand(12345);
	for (si = 0; si < 4; si++) {
		for (big = 0; big < 2; big++) {
			int sig = dsig_make(2, 4, sizes[si], big);
			int bits = 8 * sizes[si];

			for (i = 0; i < 64; i++) {
				uint64_t v = (uint64_t)rand() << 33 ^
				             (uint64_t)rand() << 11 ^ (uint64_t)rand();

				/* half the values fit the destination size */
				if (i % 2 == 0 && bits < 64)
					v = (uint64_t)((int64_t)(v << (64 - bits)) >>
					               (64 - bits));
				in[i] = (int64_t)v;
			}
			expect = 0;
			for (i = 0; i < 64; i++)
				if (bits < 64 && (in[i] < -((int64_t)1 << (bits - 1)) ||
				                  in[i] >= ((int64_t)1 << (bits - 1))))
					expect = PvmOverflow;
			r = dsig_convert(DSIG_LONG, in, LE64, mid, sig, 64);
			CHECK_EQ("random longs narrowed", expect, r);
			r = dsig_convert(DSIG_LONG, mid, sig, back, LE64, 64);
			CHECK_EQ("random longs widened", 0, r);
			for (i = 0; i < 64; i += 2)
				CHECK_EQ("random long that fits survives", in[i],
				         back[i]);
		}
	}
}

int main(void)
{
	BE32 = dsig_make(2, 4, 4, 1);
	test_native();
	test_make();
	test_supported();
	test_int_order();
	test_narrow_widen();
	test_small_sizes();
	test_widen_big_endian();
	test_floats();
	test_random_round_trip();
	if (failures != 0) {
		fprintf(stderr, "test_dsig: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_dsig: ok\n");
	return 0;
}

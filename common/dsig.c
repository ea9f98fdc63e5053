/*
 * dsig.c - PVM data signatures: the native one, measured at run time, and
 * conversion of packed values between two signatures (receiver makes right).
 */
#include "dsig.h"

#include "pvm3.h"

#include <string.h>

#define ORDER_LITTLE 0
#define ORDER_BIG 3
#define FLOAT_IEEE 1
#define DOUBLE_IEEE 2

/* Bit positions of the fields, as in PVM 3.4's hi_dsig. */
#define SHORT_SHIFT 0
#define INT_SHIFT 5
#define LONG_SHIFT 10
#define FLOAT_SHIFT 15
#define DOUBLE_SHIFT 21

/* How one class of values is laid out under a signature. */
struct dsig_format {
	size_t size; /* bytes of one scalar (a complex value is two) */
	int big;     /* most significant byte first */
};

/* Byte order of an object whose bytes, least significant first, are 1..n:
 * 0 little, 3 big, 1 anything else (PVM's half-swapped orders). */
static int order_of(const unsigned char *b, size_t n)
{
	size_t i, little = 1, big = 1;

	for (i = 0; i < n; i++) {
		little &= b[i] == i + 1;
		big &= b[i] == n - i;
	}
	if (little)
		return ORDER_LITTLE;
	return big ? ORDER_BIG : 1;
}

static int log2_size(size_t n)
{
	switch (n) {
	case 1:
		return 0;
	case 2:
		return 1;
	case 4:
		return 2;
	case 8:
		return 3;
	default:
		return 7; /* a size we cannot convert */
	}
}

/* Signature field for an unsigned integer type T: log2 size and order. */
#define INT_FIELD(T, field)                                                              \
	do {                                                                             \
		T v_ = 0;                                                                \
		unsigned char b_[sizeof(T)];                                             \
		for (size_t i_ = 0; i_ < sizeof(T); i_++)                                \
			v_ |= (T)((T)(i_ + 1) << (8 * i_));                              \
		memcpy(b_, &v_, sizeof(T));                                              \
		(field) = log2_size(sizeof(T)) | order_of(b_, sizeof(T)) << 3;           \
	} while (0)

/* Format field (format, order << 4) of an IEEE value v of n bytes whose
 * little-endian bytes are le; 0 (not IEEE) when they match neither order. */
static int float_field_of(const void *v, const unsigned char *le, size_t n, int format)
{
	unsigned char b[8];
	size_t k, little = 1, big = 1;

	memcpy(b, v, n);
	for (k = 0; k < n; k++) {
		little &= b[k] == le[k];
		big &= b[k] == le[n - 1 - k];
	}
	if (little)
		return format; /* order 0 */
	return big ? format | ORDER_BIG << 4 : 0;
}

/* What this machine is never changes: worked out once (every pack and
 * unpack asks).  Racing threads would compute the same value. */
static int native_sig(void);

int dsig_native(void)
{
	static int sig = -1;

	if (sig == -1)
		sig = native_sig();
	return sig;
}

static int native_sig(void)
{
	static const unsigned char f_le[4] = {0x00, 0x00, 0xc0, 0x3f};       /* 1.5f */
	static const unsigned char d_le[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f}; /* 1.5 */
	const float f = 1.5f;
	const double d = 1.5;
	int s, i, l, fl = 0, db = 0;

	INT_FIELD(unsigned short, s);
	INT_FIELD(unsigned int, i);
	INT_FIELD(unsigned long, l);
	if (sizeof(float) == 4)
		fl = float_field_of(&f, f_le, 4, FLOAT_IEEE);
	if (sizeof(double) == 8)
		db = float_field_of(&d, d_le, 8, DOUBLE_IEEE);
	return s << SHORT_SHIFT | i << INT_SHIFT | l << LONG_SHIFT | fl << FLOAT_SHIFT |
	       db << DOUBLE_SHIFT;
}

/* Returns -1 (an unsupported signature) when a size is not 1, 2, 4 or 8. */
int dsig_make(int short_size, int int_size, int long_size, int big_endian)
{
	int order = big_endian ? ORDER_BIG : ORDER_LITTLE;
	int s = log2_size((size_t)short_size), i = log2_size((size_t)int_size);
	int l = log2_size((size_t)long_size);

	if (short_size < 1 || int_size < 1 || long_size < 1 || s > 3 || i > 3 || l > 3)
		return -1;
	return (s | order << 3) << SHORT_SHIFT | (i | order << 3) << INT_SHIFT |
	       (l | order << 3) << LONG_SHIFT | (FLOAT_IEEE | order << 4) << FLOAT_SHIFT |
	       (DOUBLE_IEEE | order << 4) << DOUBLE_SHIFT;
}

static int int_field(int dsig, int shift, struct dsig_format *f)
{
	unsigned v = ((unsigned)dsig >> shift) & 0x1f;
	unsigned lg = v & 7, order = v >> 3;

	if (lg > 3 || (order != ORDER_LITTLE && order != ORDER_BIG))
		return -1;
	f->size = (size_t)1 << lg;
	f->big = order == ORDER_BIG;
	return 0;
}

static int float_field(int dsig, int shift, unsigned format, size_t size,
                       struct dsig_format *f)
{
	unsigned v = ((unsigned)dsig >> shift) & 0x3f;
	unsigned order = v >> 4;

	if ((v & 0xf) != format || (order != ORDER_LITTLE && order != ORDER_BIG))
		return -1;
	f->size = size;
	f->big = order == ORDER_BIG;
	return 0;
}

/* Layout of type t under dsig; -1 if dsig does not describe it usably.
 * Only the fields that concern t are looked at. */
static int format_of(int dsig, enum dsig_type t, struct dsig_format *f)
{
	switch (t) {
	case DSIG_STR:
	case DSIG_BYTE:
		f->size = 1;
		f->big = 0;
		return 0;
	case DSIG_SHORT:
	case DSIG_USHORT:
		return int_field(dsig, SHORT_SHIFT, f);
	case DSIG_INT:
	case DSIG_UINT:
		return int_field(dsig, INT_SHIFT, f);
	case DSIG_LONG:
	case DSIG_ULONG:
		return int_field(dsig, LONG_SHIFT, f);
	case DSIG_FLOAT:
	case DSIG_CPLX:
		return float_field(dsig, FLOAT_SHIFT, FLOAT_IEEE, 4, f);
	case DSIG_DOUBLE:
	case DSIG_DCPLX:
		return float_field(dsig, DOUBLE_SHIFT, DOUBLE_IEEE, 8, f);
	default:
		return -1;
	}
}

size_t dsig_elem_size(int dsig, enum dsig_type t)
{
	struct dsig_format f;

	if (format_of(dsig, t, &f) != 0)
		return 0;
	return t == DSIG_CPLX || t == DSIG_DCPLX ? 2 * f.size : f.size;
}

int dsig_is_supported(int dsig)
{
	static const enum dsig_type classes[] = {DSIG_SHORT, DSIG_INT, DSIG_LONG,
	                                         DSIG_FLOAT, DSIG_DOUBLE};
	struct dsig_format f;
	size_t k;

	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
		if (format_of(dsig, classes[k], &f) != 0)
			return 0;
	return 1;
}

static int is_signed(enum dsig_type t)
{
	return t == DSIG_SHORT || t == DSIG_INT || t == DSIG_LONG;
}

/* n scalars of size bytes each, reversed byte by byte. */
static void swap_bytes(const uint8_t *src, uint8_t *dst, size_t size, size_t n)
{
	size_t i, k;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	for (i = 0; i < n; i++, src += size, dst += size) {
		switch (size) {
		case 2:
			memcpy(&v16, src, 2);
			v16 = __builtin_bswap16(v16);
			memcpy(dst, &v16, 2);
			break;
		case 4:
			memcpy(&v32, src, 4);
			v32 = __builtin_bswap32(v32);
			memcpy(dst, &v32, 4);
			break;
		case 8:
			memcpy(&v64, src, 8);
			v64 = __builtin_bswap64(v64);
			memcpy(dst, &v64, 8);
			break;
		default:
			for (k = 0; k < size; k++)
				dst[k] = src[size - 1 - k];
			break;
		}
	}
}

static uint64_t load_uint(const uint8_t *p, size_t size, int big)
{
	uint64_t v = 0;
	size_t k;

	if (big)
		for (k = 0; k < size; k++)
			v = v << 8 | p[k];
	else
		for (k = size; k-- > 0;)
			v = v << 8 | p[k];
	return v;
}

static void store_uint(uint8_t *p, size_t size, int big, uint64_t v)
{
	size_t k;

	for (k = 0; k < size; k++, v >>= 8)
		p[big ? size - 1 - k : k] = (uint8_t)v;
}

/* Integers between sizes: sign-extends signed values when widening and
 * checks the range when narrowing (a value that does not fit is stored
 * truncated, and the rest are still converted). */
static int convert_ints(int sign, const uint8_t *src, const struct dsig_format *sf,
                        uint8_t *dst, const struct dsig_format *df, size_t n)
{
	unsigned sbits = (unsigned)(8 * sf->size), dbits = (unsigned)(8 * df->size);
	int narrowing = df->size < sf->size, r = 0;
	int64_t sv, lim;
	size_t i;

	if (sbits == 0 || sbits > 64 || dbits == 0 || dbits > 64)
		return PvmBadMsg; /* format_of never gives these */
	for (i = 0; i < n; i++, src += sf->size, dst += df->size) {
		uint64_t v = load_uint(src, sf->size, sf->big);

		if (sign && sbits < 64 && (v >> (sbits - 1)) & 1)
			v |= ~(uint64_t)0 << sbits;
		if (narrowing) {
			if (sign) {
				sv = (int64_t)v;
				lim = (int64_t)1 << (dbits - 1);
				if (sv < -lim || sv > lim - 1)
					r = PvmOverflow;
			} else if (v >> dbits != 0) {
				r = PvmOverflow;
			}
		}
		store_uint(dst, df->size, df->big, v);
	}
	return r;
}

int dsig_convert(enum dsig_type t, const void *src, int sdsig, void *dst, int ddsig,
                 size_t n)
{
	struct dsig_format sf, df;
	size_t scalars = t == DSIG_CPLX || t == DSIG_DCPLX ? 2 * n : n;

	if (format_of(sdsig, t, &sf) != 0 || format_of(ddsig, t, &df) != 0)
		return PvmBadMsg;
	if (n == 0)
		return 0;
	if (sf.size == df.size) {
		if (sf.big == df.big || sf.size == 1)
			memcpy(dst, src, scalars * sf.size);
		else
			swap_bytes(src, dst, sf.size, scalars);
		return 0;
	}
	/* only integer classes come in different sizes */
	return convert_ints(is_signed(t), src, &sf, dst, &df, n);
}

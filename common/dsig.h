/*
 * dsig.h - data signatures (PVM's hi_dsig layout) and conversion of packed
 * values between two signatures.  Layout, as in PVM 3.4:
 *   bits 0-2 log2 sizeof(short), 3-4 its byte order,
 *   5-7 log2 sizeof(int), 8-9 its order, 10-12 log2 sizeof(long), 13-14
 *   its order, 15-18 float format, 19-20 its order, 21-24 double format,
 *   25-26 its order.  Order 0 is little endian, 3 big endian.
 *   Float format 1 is IEEE-754 single, double format 2 IEEE-754 double.
 * x86_64 Linux is 0x00408c41.
 */
#ifndef PVMX_DSIG_H
#define PVMX_DSIG_H

#include <stddef.h>
#include <stdint.h>

/* The classes of packed values; the numbers are PVM's type codes
 * (PVM_STR .. PVM_ULONG) so they double as item types on the wire. */
enum dsig_type {
	DSIG_STR = 0,
	DSIG_BYTE = 1,
	DSIG_SHORT = 2,
	DSIG_INT = 3,
	DSIG_FLOAT = 4,
	DSIG_CPLX = 5,
	DSIG_DOUBLE = 6,
	DSIG_DCPLX = 7,
	DSIG_LONG = 8,
	DSIG_USHORT = 9,
	DSIG_UINT = 10,
	DSIG_ULONG = 11,
	DSIG_NTYPES = 12,
};

int dsig_native(void);
/* Builds a signature from sizes and byte order (big = 1), IEEE floats. */
int dsig_make(int short_size, int int_size, int long_size, int big_endian);
/* Size in bytes of one element of type t under signature dsig (STR and
 * BYTE: 1; CPLX: 2 floats; DCPLX: 2 doubles); 0 if dsig is unusable. */
size_t dsig_elem_size(int dsig, enum dsig_type t);
/* Whether dsig describes something we can convert (IEEE floats, sizes
 * 1..8, plain little or big byte order). */
int dsig_is_supported(int dsig);

/*
 * Converts n elements of type t from (src, sdsig) to (dst, ddsig).  src
 * holds n * dsig_elem_size(sdsig, t) bytes, dst room for
 * n * dsig_elem_size(ddsig, t).  Returns 0, PvmOverflow when an integer
 * does not fit in the destination size (the other elements are still
 * converted), or PvmBadMsg when a signature is unsupported.
 */
int dsig_convert(enum dsig_type t, const void *src, int sdsig, void *dst,
		 int ddsig, size_t n);

#endif

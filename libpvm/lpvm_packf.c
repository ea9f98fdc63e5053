/*
 * lpvm_packf.c - pvm_packf / pvm_unpackf and their va_list forms: the
 * printf-like format language of PVM 3.4 mapped onto msgbuf items.
 *
 *   fmt: '%' ['+'] | '%' count stride modifiers fchar, other text skipped
 *   count: digits | '*'   stride: '.' (digits | '*')   modifiers: h l u
 *   fchar: c (bytes) d (integers) f (floats) x (complex) s (string)
 *
 * As in PVM 3.4.6: pvm_packf takes values when neither count nor stride is
 * given (a float as the promoted double), addresses otherwise; complex
 * and string items always take addresses; a count on %s is ignored;
 * pvm_unpackf always takes addresses.  An unknown conversion is
 * PvmBadParam.
 */
#include "lpvm.h"

#include "packf_parse.h"
#include "pvmx.h"

#include <stdarg.h>
#include <stddef.h>

/* Parses the conversion after a '%' at *pp (packf_parse.c); '*' fields
 * take ints from ap.  Returns 0 or PvmBadParam. */
static int parse_conv(const char **pp, va_list *ap, struct packf_conv *c)
{
	if (packf_parse(pp, c) != 0)
		return PvmBadParam;
	if (c->count_star)
		c->count = va_arg(*ap, int);
	if (c->stride_star)
		c->stride = va_arg(*ap, int);
	return packf_check(c);
}

/* Packs one value taken from ap (no count, no stride given).  The value
 * lives on our stack, so it is always copied, whatever the encoding. */
static int pack_value(struct msgbuf *mb, int t, va_list *ap)
{
	union {
		char c;
		short s;
		unsigned short us;
		int i;
		unsigned u;
		long l;
		unsigned long ul;
		float f;
		double d;
	} v;
	int enc = mb->encoding, r;

	switch (t) {
	case DSIG_BYTE:
		v.c = (char)va_arg(*ap, int);
		break;
	case DSIG_SHORT:
		v.s = (short)va_arg(*ap, int);
		break;
	case DSIG_USHORT:
		v.us = (unsigned short)va_arg(*ap, unsigned);
		break;
	case DSIG_INT:
		v.i = va_arg(*ap, int);
		break;
	case DSIG_UINT:
		v.u = va_arg(*ap, unsigned);
		break;
	case DSIG_LONG:
		v.l = va_arg(*ap, long);
		break;
	case DSIG_ULONG:
		v.ul = va_arg(*ap, unsigned long);
		break;
	case DSIG_FLOAT:
		v.f = (float)va_arg(*ap, double);
		break;
	case DSIG_DOUBLE:
		v.d = va_arg(*ap, double);
		break;
	default:
		return PvmBadParam;
	}
	mb->encoding = enc == PvmDataInPlace ? PvmDataDefault : enc;
	r = msgbuf_pack(mb, (enum dsig_type)t, &v, 1, 1);
	mb->encoding = enc;
	return r;
}

static int packf_one(const struct packf_conv *c, va_list *ap)
{
	struct msgbuf *mb;
	int t;

	if (c->init) {
		int r = pvm_initsend(va_arg(*ap, int));

		return r < 0 ? r : 0;
	}
	mb = lpvm_buf(lpvm.sbuf);
	if (c->fchar == 's') {
		const char *s = va_arg(*ap, const char *);

		if (mb == NULL)
			return PvmNoBuf;
		return s == NULL ? PvmBadParam : msgbuf_pack_str(mb, s);
	}
	t = packf_type(c);
	if (t < 0)
		return PvmBadParam;
	if (mb == NULL)
		return PvmNoBuf;
	if (!c->has_count && t != DSIG_CPLX && t != DSIG_DCPLX)
		return pack_value(mb, t, ap);
	{
		const void *addr = va_arg(*ap, const void *);

		if (addr == NULL && c->count > 0)
			return PvmBadParam;
		return msgbuf_pack(mb, (enum dsig_type)t, addr, c->count, c->stride);
	}
}

static int unpackf_one(const struct packf_conv *c, va_list *ap)
{
	struct msgbuf *mb = lpvm_buf(lpvm.rbuf);
	void *addr;
	int t;

	if (c->init)
		return PvmBadParam;
	t = c->fchar == 's' ? DSIG_STR : packf_type(c);
	if (t < 0)
		return PvmBadParam;
	addr = va_arg(*ap, void *);
	if (mb == NULL)
		return PvmNoBuf;
	if (addr == NULL && (t == DSIG_STR || c->count > 0))
		return PvmBadParam;
	if (t == DSIG_STR)
		return msgbuf_unpack_str(mb, addr);
	return msgbuf_unpack(mb, (enum dsig_type)t, addr, c->count, c->stride);
}

/* Walks fmt; stops at the first error.  An overflow while unpacking is
 * remembered and returned at the end (the remaining items are still read,
 * as msgbuf_unpack does within one item). */
static int run_format(const char *fn, const char *fmt, va_list ap, int unpacking)
{
	va_list aq;
	int res = 0;

	if (fmt == NULL)
		return lpvm_error(fn, PvmBadParam);
	va_copy(aq, ap);
	while (*fmt != '\0') {
		struct packf_conv c;
		int r;

		if (*fmt++ != '%')
			continue;
		if (*fmt == '%') {
			fmt++;
			continue;
		}
		r = parse_conv(&fmt, &aq, &c);
		if (r == 0)
			r = unpacking ? unpackf_one(&c, &aq) : packf_one(&c, &aq);
		if (r == PvmOverflow) {
			res = r;
			continue;
		}
		if (r < 0) {
			va_end(aq);
			return lpvm_error(fn, r);
		}
	}
	va_end(aq);
	return res < 0 ? lpvm_error(fn, res) : PvmOk;
}

int pvm_vpackf(const char *fmt, va_list ap)
{
	return run_format("pvm_packf", fmt, ap, 0);
}

int pvm_vunpackf(const char *fmt, va_list ap)
{
	return run_format("pvm_unpackf", fmt, ap, 1);
}

int pvm_packf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = run_format("pvm_packf", fmt, ap, 0);
	va_end(ap);
	return r;
}

int pvm_unpackf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = run_format("pvm_unpackf", fmt, ap, 1);
	va_end(ap);
	return r;
}

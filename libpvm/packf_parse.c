/*
 * packf_parse.c - parsing pvm_packf's format conversions (packf_parse.h),
 * a module of its own so that it is tested without a daemon.
 */
#include "packf_parse.h"

#include "dsig.h"
#include "pvm3.h"

/* Digits at *pp as an int; PvmBadParam past INT_MAX. */
static int parse_number(const char **pp, int *out)
{
	const char *p = *pp;
	long n = 0;

	while (*p >= '0' && *p <= '9') {
		if (n < 0x7fffffff / 10)
			n = n * 10 + (*p - '0');
		else
			return PvmBadParam;
		p++;
	}
	*out = (int)n;
	*pp = p;
	return 0;
}

int packf_parse(const char **pp, struct packf_conv *c)
{
	const char *p = *pp;

	*c = (struct packf_conv){.count = 1, .stride = 1};
	if (*p == '+') {
		c->init = 1;
		*pp = p + 1;
		return 0;
	}
	if (*p == '*') {
		c->count_star = 1;
		c->has_count = 1;
		p++;
	} else if (*p >= '0' && *p <= '9') {
		if (parse_number(&p, &c->count) != 0)
			return PvmBadParam;
		c->has_count = 1;
	}
	if (*p == '.') {
		p++;
		c->has_count = 1;
		if (*p == '*') {
			c->stride_star = 1;
			p++;
		} else if (*p >= '0' && *p <= '9') {
			if (parse_number(&p, &c->stride) != 0)
				return PvmBadParam;
		} else {
			return PvmBadParam;
		}
	}
	for (;; p++) {
		if (*p == 'h')
			c->h = 1;
		else if (*p == 'l')
			c->l = 1;
		else if (*p == 'u')
			c->u = 1;
		else
			break;
	}
	c->fchar = *p;
	if (*p == '\0')
		return PvmBadParam;
	*pp = p + 1;
	return 0;
}

int packf_check(const struct packf_conv *c)
{
	return c->count < 0 || c->stride < 1 ? PvmBadParam : 0;
}

int packf_type(const struct packf_conv *c)
{
	switch (c->fchar) {
	case 'c':
		return DSIG_BYTE;
	case 'd':
		if (c->h)
			return c->u ? DSIG_USHORT : DSIG_SHORT;
		if (c->l)
			return c->u ? DSIG_ULONG : DSIG_LONG;
		return c->u ? DSIG_UINT : DSIG_INT;
	case 'f':
		return c->l ? DSIG_DOUBLE : DSIG_FLOAT;
	case 'x':
		return c->l ? DSIG_DCPLX : DSIG_CPLX;
	default:
		return -1;
	}
}

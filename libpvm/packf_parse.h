/*
 * packf_parse.h - the format language of pvm_packf / pvm_unpackf (PVM
 * 3.4), parsed without touching any argument: lpvm_packf.c takes the
 * values and addresses, the fuzz harness (fuzz/fuzz_packf.c) drives it
 * on its own.  The grammar is in lpvm_packf.c's opening comment.
 */
#ifndef PVMX_PACKF_PARSE_H
#define PVMX_PACKF_PARSE_H

/* One parsed conversion. */
struct packf_conv {
	int init;        /* '%+' */
	int has_count;   /* a count or stride was written: addresses follow */
	int count_star;  /* the count is '*': an int argument gives it */
	int stride_star; /* the stride is '*' */
	int count, stride;
	int h, l, u;
	char fchar;
};

/* Parses the conversion after a '%' at *pp (a NUL-terminated string) and
 * advances *pp past it.  Returns 0, or PvmBadParam for a number past
 * INT_MAX, a '.' without a stride or a missing conversion character.
 * The caller fills a '*' count or stride, then checks them with
 * packf_check. */
int packf_parse(const char **pp, struct packf_conv *c);
/* 0, or PvmBadParam when the count is negative or the stride below 1. */
int packf_check(const struct packf_conv *c);
/* The item type (enum dsig_type) of a numeric conversion, or -1. */
int packf_type(const struct packf_conv *c);

#endif

/*
 * fpvm_str.c - strings between Fortran and C: a Fortran CHARACTER is a
 * length and that many bytes, blank-padded, never NUL-terminated.
 */
#include "fpvm.h"

#include "pvm3.h"

#include <string.h>

size_t fpvm_trimmed_len(const char *s, fstrlen len)
{
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return len;
}

int fpvm_cstr(char *dst, size_t dlen, const char *src, fstrlen slen)
{
	size_t n = src != NULL ? fpvm_trimmed_len(src, slen) : 0;
	const char *nul = n > 0 ? memchr(src, '\0', n) : NULL;

	/* a NUL inside the string ends it, as in C */
	if (nul != NULL)
		n = (size_t)(nul - src);
	if (dlen == 0)
		return PvmBadParam;
	dst[0] = '\0';
	if (n >= dlen)
		return PvmBadParam;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

void fpvm_fstr(char *dst, fstrlen dlen, const char *src)
{
	size_t n;

	if (dst == NULL)
		return;
	n = src != NULL ? strlen(src) : 0;
	if (n > dlen)
		n = dlen;
	if (n > 0)
		memcpy(dst, src, n);
	memset(dst + n, ' ', dlen - n);
}

int ftocstr(char *dst, int dlen, const char *src, int slen)
{
	if (dlen <= 0 || slen < 0)
		return 1;
	return fpvm_cstr(dst, (size_t)dlen, src, (fstrlen)slen) == 0 ? 0 : 1;
}

int ctofstr(char *dst, int dlen, const char *src)
{
	if (dlen > 0)
		fpvm_fstr(dst, (fstrlen)dlen, src);
	return 0;
}

/*
 * failmalloc.c - test_flow.sh's malloc failure injector, preloaded into
 * pvmd only (LD_PRELOAD): with FAILMALLOC_OVER=BYTES, allocations larger
 * than BYTES fail (ENOMEM) once FAILMALLOC_ALLOW of them have succeeded.
 * Inert in any other program (the daemon's children inherit it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

static size_t over;
static long allow;
static int armed;

__attribute__((constructor)) static void failmalloc_setup(void)
{
	const char *o = getenv("FAILMALLOC_OVER"), *a = getenv("FAILMALLOC_ALLOW");

	if (o == NULL || strcmp(program_invocation_short_name, "pvmd") != 0)
		return;
	over = (size_t)strtoull(o, NULL, 10);
	allow = a != NULL ? atol(a) : 0;
	armed = 1;
}

static int failmalloc_fails(size_t n)
{
	if (!armed || n <= over)
		return 0;
	if (allow > 0) {
		allow--;
		return 0;
	}
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	return failmalloc_fails(n) ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return failmalloc_fails(n * size) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return failmalloc_fails(n) ? NULL : __libc_realloc(p, n);
}

/*
 * linebuf.c - whole lines out of chunked task output.
 */
#include "linebuf.h"

#include <stdlib.h>
#include <string.h>

int linebuf_feed(struct linebuf *lb, const char *p, size_t n, linebuf_emit emit,
                 void *arg)
{
	if (lb->len + n > lb->cap) {
		size_t cap = lb->cap ? lb->cap : 256;
		char *l;

		while (cap < lb->len + n)
			cap *= 2;
		l = realloc(lb->line, cap);
		if (l == NULL)
			return -1;
		lb->line = l;
		lb->cap = cap;
	}
	memcpy(lb->line + lb->len, p, n);
	lb->len += n;
	for (;;) {
		char *nl = memchr(lb->line, '\n', lb->len);
		size_t k;

		if (nl == NULL)
			break;
		k = (size_t)(nl - lb->line);
		emit(arg, lb->line, k);
		lb->len -= k + 1;
		memmove(lb->line, nl + 1, lb->len);
	}
	return 0;
}

void linebuf_finish(struct linebuf *lb, linebuf_emit emit, void *arg)
{
	if (lb->len > 0)
		emit(arg, lb->line, lb->len);
	free(lb->line);
	lb->line = NULL;
	lb->len = lb->cap = 0;
}

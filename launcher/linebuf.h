/*
 * linebuf.h - splitting a task's output, which arrives in arbitrary
 * chunks, into whole lines (console `spawn ->` and `pvmrun -t`).
 */
#ifndef PVMX_LINEBUF_H
#define PVMX_LINEBUF_H

#include <stddef.h>

struct linebuf {
	char *line; /* partial line not yet emitted */
	size_t len, cap;
};

typedef void (*linebuf_emit)(void *arg, const char *line, size_t len);

/* Appends n bytes and emits each line they complete (without its '\n').
 * Returns 0, or -1 when out of memory (nothing was kept). */
int linebuf_feed(struct linebuf *lb, const char *p, size_t n, linebuf_emit emit,
                 void *arg);
/* Emits a last unterminated line, if any, and frees the buffer. */
void linebuf_finish(struct linebuf *lb, linebuf_emit emit, void *arg);

#endif

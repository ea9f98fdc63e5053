/*
 * fuzz.h - what the libFuzzer harnesses share: the entry point's
 * prototype and a check that aborts (so libFuzzer keeps the input) when
 * an invariant of the code under test breaks.
 */
#ifndef PVMX_FUZZ_H
#define PVMX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,       \
			        __LINE__, #cond);                                        \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* A malloc'ed copy of data of exactly size bytes (1 when size is 0), so
 * that AddressSanitizer sees a read one byte past the input. */
static inline uint8_t *fuzz_copy(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size > 0 ? size : 1);

	FUZZ_CHECK(p != NULL);
	for (size_t i = 0; i < size; i++)
		p[i] = data[i];
	return p;
}

/* The same as a NUL-terminated string (a NUL inside ends it early). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	FUZZ_CHECK(p != NULL);
	for (size_t i = 0; i < size; i++)
		p[i] = (char)data[i];
	p[size] = '\0';
	return p;
}

#endif

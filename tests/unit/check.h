/*
 * check.h - the assertions the unit tests share: each failure prints the
 * file, line, what was checked, and both values, and is counted in
 * `failures` (the test's exit status).
 */
#ifndef PVMX_TEST_CHECK_H
#define PVMX_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int failures;

/* Milliseconds on the monotonic clock, for the tests' deadlines. */
static inline int64_t check_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define CHECK_EQ(what, expected, actual)                                                 \
	do {                                                                             \
		long long e_ = (long long)(expected), a_ = (long long)(actual);          \
		if (e_ != a_) {                                                          \
			fprintf(stderr,                                                  \
			        "%s:%d: %s: expected %lld (0x%llx), got %lld "           \
			        "(0x%llx)\n",                                            \
			        __FILE__, __LINE__, what, e_, (unsigned long long)e_,    \
			        a_, (unsigned long long)a_);                             \
			failures++;                                                      \
		}                                                                        \
	} while (0)

#define CHECK_STR(what, expected, actual)                                                \
	do {                                                                             \
		const char *e_ = (expected), *a_ = (actual);                             \
		if (a_ == NULL || strcmp(e_, a_) != 0) {                                 \
			fprintf(stderr, "%s:%d: %s: expected \"%s\", got \"%s\"\n",      \
			        __FILE__, __LINE__, what, e_, a_ ? a_ : "(null)");       \
			failures++;                                                      \
		}                                                                        \
	} while (0)

#define CHECK_BYTES(what, expected, actual, n)                                           \
	do {                                                                             \
		if (memcmp((expected), (actual), (n)) != 0) {                            \
			fprintf(stderr, "%s:%d: %s: bytes differ\n", __FILE__, __LINE__, \
			        what);                                                   \
			check_dump("  expected", (expected), (n));                       \
			check_dump("  actual  ", (actual), (n));                         \
			failures++;                                                      \
		}                                                                        \
	} while (0)

/* Prints up to 64 bytes in hex. */
static inline void check_dump(const char *label, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	fprintf(stderr, "%s:", label);
	for (i = 0; i < n && i < 64; i++)
		fprintf(stderr, " %02x", b[i]);
	fprintf(stderr, "%s\n", n > 64 ? " ..." : "");
}

#endif

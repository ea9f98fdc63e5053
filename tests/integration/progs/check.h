/*
 * check.h - one line per check for the integration programs: "ok - ..."
 * or "FAIL - ..." with the line, flushed at once (the drivers read it as
 * it comes); `fails` counts the failures for the exit status.
 */
#ifndef PVMX_PROGS_CHECK_H
#define PVMX_PROGS_CHECK_H

#include <stdio.h>

static int fails;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (cond) {                                                              \
			printf("ok - " __VA_ARGS__);                                     \
		} else {                                                                 \
			printf("FAIL - " __VA_ARGS__);                                   \
			fails++;                                                         \
		}                                                                        \
		printf(" (line %d)\n", __LINE__);                                        \
		fflush(stdout);                                                          \
	} while (0)

#endif

/*
 * clock.h - the monotonic clock, for deadlines, spins and retry pauses:
 * one definition for every module (header-only, as the static libraries
 * of the transports share no other code with the task library).
 */
#ifndef PVMX_CLOCK_H
#define PVMX_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t clock_now_ms(void)
{
	return clock_now_ns() / 1000000;
}

#endif

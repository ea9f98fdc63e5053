/*
 * clockskew.c - a host whose clock is off, for tests (test_hostclock.sh):
 * preloaded into one loopback host's processes (its daemon, and so the
 * tasks it spawns, which inherit its environment), it adds
 * PVMX_TEST_CLOCK_SKEW_US microseconds to the time of day they read
 * (gettimeofday, time, clock_gettime of CLOCK_REALTIME).  The monotonic
 * clocks are left alone.  Built without the sanitizers: it is preloaded
 * into plain programs too (the remote shell's sh).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long skew_us(void)
{
	static int read;
	static long long skew;

	if (!read) {
		const char *s = getenv("PVMX_TEST_CLOCK_SKEW_US");

		skew = s != NULL ? strtoll(s, NULL, 10) : 0;
		read = 1;
	}
	return skew;
}

static void shift_ns(struct timespec *ts, long long us)
{
	long long ns = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + us * 1000;

	ts->tv_sec = (time_t)(ns / 1000000000LL);
	ts->tv_nsec = (long)(ns % 1000000000LL);
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	int r;

	if (real == NULL)
		real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT,
		                                                    "clock_gettime");
	if (real == NULL)
		return -1;
	r = real(id, ts);
	if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
		shift_ns(ts, skew_us());
	return r;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts;
	time_t now = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec : (time_t)-1;

	if (t != NULL)
		*t = now;
	return now;
}

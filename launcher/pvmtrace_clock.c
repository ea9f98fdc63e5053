/*
 * pvmtrace_clock.c - one clock for the run: each host's clock against
 * the collector's, from pvm_hostsync (its daemon's time of day, taken
 * between two of ours: the offset is its time minus our midpoint), the
 * sample with the shortest round trip of a few, since its midpoint is
 * the closest to when the daemon read its clock.  Tasks stamp events
 * with their host's clock, which is their daemon's.
 */
#include "pvmtrace.h"

#include <pvm3.h>
#include <stdlib.h>
#include <sys/time.h>

#define SAMPLES 5

static long long now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void measure(struct hostclock *c)
{
	c->offset_us = 0;
	c->rtt_us = -1;
	for (int i = 0; i < SAMPLES; i++) {
		struct timeval clk, delta;
		long long t0 = now_us(), rtt;

		if (pvm_hostsync(c->host << 18, &clk, &delta) < 0)
			return;
		rtt = now_us() - t0;
		if (c->rtt_us < 0 || rtt < c->rtt_us) {
			c->rtt_us = rtt;
			c->offset_us = (long long)delta.tv_sec * 1000000 + delta.tv_usec;
		}
	}
}

size_t clock_align(struct tevlog *log, struct hostclock **out)
{
	struct hostclock *c = NULL;
	size_t n = 0;
	int save = pvm_setopt(PvmAutoErr, 0); /* a host gone since: offset 0 */

	for (size_t i = 0; i < log->n; i++) {
		int host = timeline_host(log->ev[i].tid);
		size_t k;

		for (k = 0; k < n && c[k].host != host; k++)
			;
		if (k == n) {
			struct hostclock *g = realloc(c, (n + 1) * sizeof(*c));

			if (g == NULL)
				break;
			c = g;
			c[n].host = host;
			measure(&c[n++]);
		}
		log->ev[i].us -= c[k].offset_us;
	}
	pvm_setopt(PvmAutoErr, save);
	*out = c;
	return n;
}

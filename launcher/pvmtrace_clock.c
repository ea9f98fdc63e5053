/*
 * pvmtrace_clock.c - one clock for the run: each host's clock against
 * the collector's.  The daemons keep these offsets from their heartbeats
 * (pvmx_hostclock: our daemon's table, with its error bound); a host
 * whose offset our daemon does not know yet (it joined a moment ago) is
 * measured with pvm_hostsync (its daemon's time of day, taken between
 * two of ours: its time minus our midpoint), the sample with the
 * shortest round trip of a few, since its midpoint is the closest to
 * when the daemon read its clock.  Tasks stamp events with their host's
 * clock, which is their daemon's.
 */
#include "pvmtrace.h"

#include <pvm3.h>
#include <pvmx.h>
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
	long long off, err;

	c->offset_us = 0;
	c->rtt_us = -1;
	c->err_us = -1;
	c->source = "none";
	if (pvmx_hostclock(c->host << 18, &off, &err) == 0) {
		c->offset_us = off;
		c->err_us = err;
		c->rtt_us = 2 * err;
		c->source = "daemons";
		return;
	}
	for (int i = 0; i < SAMPLES; i++) {
		struct timeval clk, delta;
		long long t0 = now_us(), rtt;

		if (pvm_hostsync(c->host << 18, &clk, &delta) < 0)
			return;
		rtt = now_us() - t0;
		if (c->rtt_us < 0 || rtt < c->rtt_us) {
			c->rtt_us = rtt;
			c->offset_us = (long long)delta.tv_sec * 1000000 + delta.tv_usec;
			c->err_us = (rtt + 1) / 2;
			c->source = "hostsync";
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

/*
 * clockest.c - one clock's offset from ours, from NTP-style exchanges
 * (clockest.h): the sample with the smallest bound in a sliding window,
 * so a clock that drifts or is stepped is followed within the window.
 */
#include "clockest.h"

#include <string.h>

int64_t clockest_bound(const struct clockest_sample *s, int64_t now_ms)
{
	int64_t age_ms = now_ms > s->at_ms ? now_ms - s->at_ms : 0;

	return (s->rtt_us + 1) / 2 + 1 + age_ms * CLOCKEST_DRIFT_PPM / 1000;
}

static void drop(struct clockest *e, int i)
{
	memmove(&e->s[i], &e->s[i + 1], (size_t)(e->n - i - 1) * sizeof(e->s[0]));
	e->n--;
}

static int64_t distance(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

int clockest_add(struct clockest *e, int64_t t0, int64_t t1, int64_t t2, int64_t t3,
                 int64_t now_ms)
{
	struct clockest_sample s;
	int64_t bound;

	s.at_ms = now_ms;
	s.rtt_us = (t3 - t0) - (t2 - t1);
	s.offset_us = ((t1 - t0) + (t2 - t3)) / 2;
	if (t3 < t0 || t2 < t1 || s.rtt_us < 0 || s.rtt_us > CLOCKEST_RTT_MAX_US)
		return -1;
	bound = clockest_bound(&s, now_ms);
	for (int i = 0; i < e->n;) {
		const struct clockest_sample *o = &e->s[i];

		if (now_ms - o->at_ms > CLOCKEST_WINDOW_MS ||
		    distance(o->offset_us, s.offset_us) >
		        clockest_bound(o, now_ms) + bound)
			drop(e, i);
		else
			i++;
	}
	if (e->n == CLOCKEST_SAMPLES)
		drop(e, 0);
	e->s[e->n++] = s;
	return 0;
}

int clockest_get(const struct clockest *e, int64_t now_ms, int64_t *offset_us,
                 int64_t *err_us)
{
	int best = -1;
	int64_t best_bound = 0;

	for (int i = 0; i < e->n; i++) {
		int64_t b;

		if (now_ms - e->s[i].at_ms > CLOCKEST_WINDOW_MS)
			continue;
		b = clockest_bound(&e->s[i], now_ms);
		/* on a tie the newer one */
		if (best < 0 || b <= best_bound) {
			best = i;
			best_bound = b;
		}
	}
	if (best < 0)
		return -1;
	*offset_us = e->s[best].offset_us;
	*err_us = best_bound;
	return 0;
}

/*
 * clockest.h - the estimate of another clock's offset from ours, from
 * NTP-style exchanges: t0 our send, t1 their receive, t2 their reply,
 * t3 our receive.  Each exchange gives offset ((t1-t0)+(t2-t3))/2 and
 * round trip (t3-t0)-(t2-t1); the true offset is within half the round
 * trip of it, whatever the delays each way.  Its own small library (no
 * other daemon module), so tests/unit/test_clockest.c links it alone.
 */
#ifndef PVMX_CLOCKEST_H
#define PVMX_CLOCKEST_H

#include <stdint.h>

/* The samples kept: the last CLOCKEST_WINDOW_MS, at most CLOCKEST_SAMPLES
 * of them (heartbeats come once a second, faster under a short host
 * timeout). */
#define CLOCKEST_SAMPLES 32
#define CLOCKEST_WINDOW_MS 16000
/* What an old sample's bound grows by, for the clocks' drift since it
 * was taken: 15 ppm of its age, as NTP allows a clock. */
#define CLOCKEST_DRIFT_PPM 15
/* An exchange whose round trip is longer tells nothing worth keeping. */
#define CLOCKEST_RTT_MAX_US 10000000LL

struct clockest_sample {
	int64_t at_ms;     /* when it was taken, on the monotonic clock */
	int64_t offset_us; /* their clock minus ours */
	int64_t rtt_us;    /* its round trip, without their time between t1 and t2 */
};

/* Zeroed: no samples.  Oldest first. */
struct clockest {
	struct clockest_sample s[CLOCKEST_SAMPLES];
	int n;
};

/* Adds one exchange's sample, taken at now_ms (monotonic).  Samples older
 * than the window go; so do those whose bound no longer meets the new
 * one's (the other clock was stepped, or drifted faster than allowed:
 * the newer is right).  0, or -1 when the times cannot be right (a
 * negative or too long round trip): the sample is not kept. */
int clockest_add(struct clockest *e, int64_t t0, int64_t t1, int64_t t2, int64_t t3,
                 int64_t now_ms);

/* The best estimate at now_ms: the sample of the window with the
 * smallest bound, half its round trip (rounded up, plus 1 us for the
 * clocks' resolution) plus its drift allowance.  0 with *offset_us and
 * *err_us, or -1 when the window holds none. */
int clockest_get(const struct clockest *e, int64_t now_ms, int64_t *offset_us,
                 int64_t *err_us);

/* A sample's bound at now_ms. */
int64_t clockest_bound(const struct clockest_sample *s, int64_t now_ms);

#endif

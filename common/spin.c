/*
 * spin.c - spin_yield() and whether the core is crowded (spin.h): one
 * note per process, shared by every spinning wait (shared memory, the
 * libfabric route, the daemon's socket).
 */
#include "spin.h"

#include "clock.h"

#include <sched.h>

/* until when the core counts as crowded (0: not lately), and the gap
 * before the next yield there (0 after one that gave the core away) */
static int64_t crowded_until, gap_ns;

int64_t spin_yield(void)
{
	int64_t before = clock_now_ns(), after;

	sched_yield();
	after = clock_now_ns();
	if (after - before > SPIN_SWITCHED_NS) {
		crowded_until = after + SPIN_CROWDED_NS;
		gap_ns = 0;
	} else if (gap_ns < SPIN_CROWDED_NS) {
		gap_ns = gap_ns > 0 ? 2 * gap_ns : SPIN_GAP_MIN_NS;
	}
	return after;
}

int64_t spin_yield_period(int64_t now, int64_t period_ns)
{
	if (!spin_crowded(now) || gap_ns >= period_ns)
		return period_ns;
	return gap_ns;
}

int spin_crowded(int64_t now)
{
	return now < crowded_until;
}

/*
 * spin.c - spin_yield() and whether the core is crowded (spin.h): one
 * note per process, shared by every spinning wait (shared memory, the
 * libfabric route, the daemon's socket).
 */
#include "spin.h"

#include "clock.h"

#include <sched.h>
#include <sys/resource.h>

/* until when the core counts as crowded (0: not lately), and the gap
 * before the next yield there (0 after one that gave the core away) */
static int64_t crowded_until, gap_ns;
/* this thread's involuntary switches when last asked, and when; asked
 * again at a yield after SPIN_NIVCSW_FRESH_NS, so that a switch long
 * before a slow yield is not taken for one during it */
static long nivcsw_seen = -1;
static int64_t nivcsw_at;
#define SPIN_NIVCSW_FRESH_NS (1000LL * 1000)

/* Whether the thread was switched out while runnable since the last
 * call: a slow yield alone says nothing (on a virtual machine about one
 * yield in a thousand takes over SPIN_SWITCHED_NS with nobody else to
 * run, which marked a core of two tasks on two cores crowded for good,
 * and a 2-task barrier took 4 us instead of 1.3). */
static int switched_out(void)
{
	struct rusage ru;
	long before = nivcsw_seen;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 1; /* (as before the check) */
	nivcsw_seen = ru.ru_nivcsw;
	return before >= 0 && ru.ru_nivcsw != before;
}

int64_t spin_yield(void)
{
	int64_t before = clock_now_ns(), after;

	if (nivcsw_seen < 0 || before - nivcsw_at > SPIN_NIVCSW_FRESH_NS) {
		(void)switched_out();
		nivcsw_at = before;
	}
	sched_yield();
	after = clock_now_ns();
	if (after - before > SPIN_SWITCHED_NS && switched_out()) {
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

/*
 * spin.c - spin_yield() and whether the core is crowded (spin.h): one
 * note per process, shared by every spinning wait (shared memory, the
 * libfabric route, the daemon's socket).
 */
#include "spin.h"

#include "clock.h"

#include <sched.h>

/* until when the core counts as crowded (0: not lately) */
static int64_t crowded_until;

int64_t spin_yield(void)
{
	int64_t before = clock_now_ns(), after;

	sched_yield();
	after = clock_now_ns();
	if (after - before > SPIN_SWITCHED_NS)
		crowded_until = after + SPIN_CROWDED_NS;
	return after;
}

int spin_crowded(int64_t now)
{
	return now < crowded_until;
}

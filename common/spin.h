/*
 * spin.h - how a spinning wait gives its core away.  A waiter that spins
 * holds its core until it yields, so a task that would end the wait (a
 * group's member with a message for it, on a machine with more tasks
 * than cores) runs only then: every hand-off costs what is left of the
 * spinner's yield period.  spin_yield() yields and notes whether some
 * other task took the core meanwhile; while that keeps happening the
 * core is crowded and spinners yield at every look (as Open MPI's
 * mpi_yield_when_idle) while yields keep giving the core away, else
 * only every period of their own (a spinner alone on its core keeps
 * its short reaction time).
 */
#ifndef PVMX_SPIN_H
#define PVMX_SPIN_H

#include <stdint.h>

/* A yield that took longer than this, during which the thread was
 * switched out while runnable (getrusage's ru_nivcsw), gave the core to
 * another task (a yield with nobody to run costs a system call, well
 * under it, but on a virtual machine not always). */
#define SPIN_SWITCHED_NS 2000LL
/* The core counts as crowded this long after a yield that gave it away. */
#define SPIN_CROWDED_NS (20LL * 1000 * 1000)

/* sched_yield(), noting whether another task ran meanwhile; the clock
 * (clock_now_ns) after it. */
int64_t spin_yield(void);
/* Whether, at time now, a yield lately gave the core to another task: a
 * spinner should then yield at every look. */
int spin_crowded(int64_t now);
/* On a crowded core, after a yield that found no one to run, the next
 * waits this long, twice as long after each further one (up to the
 * spinner's own period): a task whose partner runs on the other core
 * soon stops paying a system call per look. */
#define SPIN_GAP_MIN_NS 500LL
/* How long after its last yield a spinner whose own period is period_ns
 * yields again, at time now: at its next look just after a yield gave
 * the core away, else after the gap above while the core is crowded,
 * else after period_ns. */
int64_t spin_yield_period(int64_t now, int64_t period_ns);

/* An adaptive spin's next length, after a sleep of slept ns that
 * followed a spin of cur ns: if what ended the sleep came soon (woken
 * soon: before max ns), spinning that much longer would have caught
 * it, so twice cur + slept, up to max; else back to base. */
static inline int64_t spin_next(int64_t cur, int64_t slept, int woken_soon, int64_t base,
                                int64_t max)
{
	if (!woken_soon || slept >= max)
		return base;
	return 2 * (cur + slept) < max ? 2 * (cur + slept) : max;
}

#endif

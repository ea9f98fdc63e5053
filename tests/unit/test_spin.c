/*
 * test_spin.c - spin_yield and spin_crowded (common/spin.c): a yield
 * with a busy process on the same core gives the core away and marks it
 * crowded; the mark lasts SPIN_CROWDED_NS and no longer; while it
 * lasts, the next yield comes at once after one that gave the core away
 * and later after ones that did not.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "clock.h"
#include "spin.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int main(void)
{
	cpu_set_t one;
	pid_t busy;
	int64_t t;
	int tries = 0, status;

	CHECK_EQ("not crowded before any yield", 0, spin_crowded(clock_now_ns()));
	/* this process and a busy one on one core: a yield lets it run */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0) {
		perror("sched_setaffinity");
		return 1;
	}
	busy = fork();
	if (busy < 0) {
		perror("fork");
		return 1;
	}
	if (busy == 0) {
		alarm(30); /* (bounded, whatever happens to the parent) */
		for (;;)
			;
	}
	/* (a few tries: the busy one may not be runnable yet at the first) */
	do
		t = spin_yield();
	while (!spin_crowded(t) && ++tries < 1000);
	CHECK_EQ("next yield at once after one that gave the core away", 0,
	         spin_yield_period(t, 5000));
	/* (before any other yield: on a loaded machine a later one may give
	 * the core away too, and mark it crowded for longer) */
	CHECK_EQ("a yield to a busy process on the core marks it crowded", 1,
	         spin_crowded(t));
	CHECK_EQ("still crowded just before SPIN_CROWDED_NS", 1,
	         spin_crowded(t + SPIN_CROWDED_NS - 1000));
	CHECK_EQ("not crowded after SPIN_CROWDED_NS", 0,
	         spin_crowded(t + SPIN_CROWDED_NS + 1));
	kill(busy, SIGKILL);
	waitpid(busy, &status, 0);
	/* alone on the core again (mostly: the machine may be shared), yields
	 * that find no one to run space out the next ones, up to the period */
	{
		int64_t gap = 0, seen_gap = 0, u;

		for (int i = 0; i < 1000 && seen_gap == 0; i++) {
			u = spin_yield();
			gap = spin_yield_period(u, 5000);
			if (spin_crowded(u) && gap >= SPIN_GAP_MIN_NS)
				seen_gap = 1;
		}
		CHECK_EQ("fast yields on a crowded core space the next ones out", 1,
		         seen_gap);
		CHECK_EQ("never beyond the spinner's own period", 1, gap <= 5000);
	}
	if (failures == 0)
		printf("ok - test_spin (%d yields to see the core crowded)\n", tries + 1);
	return failures != 0;
}

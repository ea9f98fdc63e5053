/*
 * spawn.c - spawn benchmark, one source for pvmx and PVM 3.4.6: spawns
 * N copies of bench_nop (which registers and exits) per round, and times
 * how long pvm_spawn takes and how long until every copy has exited.
 * Usage: bench_spawn N ROUNDS.  Prints one line per round and a final
 * machine-readable line: "RESULT spawn_ms_per_task=<median> total_ms_per_task=<median>".
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8, rounds = argc > 2 ? atoi(argv[2]) : 5;
	int *tids = calloc((size_t)n, sizeof(int));
	double *sp = calloc((size_t)rounds, sizeof(double));
	double *tot = calloc((size_t)rounds, sizeof(double));

	if (pvm_mytid() < 0)
		return 1;
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ms(), t1, t2;
		int got = pvm_spawn("bench_nop", NULL, PvmTaskDefault, NULL, n, tids);

		t1 = now_ms();
		if (got != n) {
			fprintf(stderr, "spawned %d of %d (first code %d)\n", got, n, tids[0]);
			pvm_exit();
			return 1;
		}
		pvm_notify(PvmTaskExit, 77, n, tids);
		for (int i = 0; i < n; i++)
			pvm_recv(-1, 77);
		t2 = now_ms();
		sp[r] = (t1 - t0) / n;
		tot[r] = (t2 - t0) / n;
		printf("round %d: spawn %.3f ms/task, spawn+exit %.3f ms/task\n", r, sp[r],
		       tot[r]);
	}
	qsort(sp, (size_t)rounds, sizeof(double), cmp);
	qsort(tot, (size_t)rounds, sizeof(double), cmp);
	printf("RESULT spawn_ms_per_task=%.3f total_ms_per_task=%.3f\n", sp[rounds / 2],
	       tot[rounds / 2]);
	pvm_exit();
	return 0;
}

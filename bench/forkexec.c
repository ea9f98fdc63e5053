/*
 * forkexec.c - the floor for spawn: fork+exec+wait of a program that does
 * nothing, N times per round.  Usage: bench_forkexec PROGRAM N ROUNDS.
 * Prints "RESULT forkexec_ms_per_task=<median>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	const char *prog = argc > 1 ? argv[1] : "/bin/true";
	int n = argc > 2 ? atoi(argv[2]) : 8, rounds = argc > 3 ? atoi(argv[3]) : 5;
	double *t = calloc((size_t)rounds, sizeof(double));

	for (int r = 0; r < rounds; r++) {
		double t0 = now_ms();

		for (int i = 0; i < n; i++) {
			pid_t p = fork();

			if (p == 0) {
				execl(prog, prog, (char *)NULL);
				_exit(127);
			}
		}
		for (int i = 0; i < n; i++)
			wait(NULL);
		t[r] = (now_ms() - t0) / n;
	}
	qsort(t, (size_t)rounds, sizeof(double), cmp);
	printf("RESULT forkexec_ms_per_task=%.3f\n", t[rounds / 2]);
	return 0;
}

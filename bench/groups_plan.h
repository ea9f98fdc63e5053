/*
 * groups_plan.h - what bench/groups.c (pvmx, PVM 3.4.6) and
 * bench/mpi_groups.c (Open MPI) measure, in one place, so both measure
 * the same thing and print the same lines:
 *   GROUPS impl=I mode=M layout=L tasks=N op=O ints=K iters=R us=V
 *          errors=E [ethpkts=P] [dframes=F]
 * us: microseconds per operation: each task times each of R operations
 * alone, with an untimed barrier between two (as the OSU benchmarks do),
 * and the slowest task's mean is printed (a bcast's is a receiver's, a
 * reduce's or gather's the root's); ethpkts: packets sent on eth0 per operation, summed
 * over the tasks (one per host: the cross-host packets, acks included);
 * counted over PLAN_COUNTED more operations back to back, then one
 * barrier; dframes: frames the daemons sent to other daemons per
 * operation, counted alike
 * (pvmx's pvm_tickle 7; PVM 3.4.6 and MPI have no such counter).
 */
#ifndef GROUPS_PLAN_H
#define GROUPS_PLAN_H

#include <stdio.h>
#include <string.h>
#include <time.h>

enum op_kind { OP_BARRIER, OP_BCAST, OP_REDUCE, OP_ALLREDUCE, OP_GATHER };

struct plan_op {
	enum op_kind kind;
	const char *name;
	int ints; /* elements per member (0 for the barrier) */
};

static const struct plan_op plan_ops[] = {
    {OP_BARRIER, "barrier", 0},     {OP_BCAST, "bcast", 1},
    {OP_BCAST, "bcast", 1024},      {OP_REDUCE, "reduce", 1},
    {OP_REDUCE, "reduce", 1024},    {OP_ALLREDUCE, "allreduce", 1},
    {OP_ALLREDUCE, "allreduce", 1024}, {OP_GATHER, "gather", 1},
    {OP_GATHER, "gather", 1024},
};
#define PLAN_NOPS ((int)(sizeof(plan_ops) / sizeof(plan_ops[0])))
#define PLAN_MAX_INTS 1024
#define PLAN_MAX_TASKS 64
#define PLAN_WARMUP 5        /* untimed operations before the calibration */
/* Before the first operation, barriers for at least this long: a pvmx
 * task opens its libfabric endpoint only after 64 messages to other
 * hosts (about 0.15 s of CPU, docs/routes.md), as MPI sets up its
 * connections before its timings; without it the first operation timed
 * (the barrier) paid for the opening of every task's endpoint. */
#define PLAN_SETTLE_S 1.0
#define PLAN_SETTLE_ROUND 50 /* barriers between two looks at the clock */
#define PLAN_CALIBRATE 10    /* operations timed to choose the count */
#define PLAN_COUNTED 100     /* operations counted (-c), back to back */
#define PLAN_MIN_ITERS 10
#define PLAN_MAX_ITERS 200000

static double plan_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The operations to run for a budget of BUDGET seconds, from the time of
 * PLAN_CALIBRATE of them. */
static int plan_iters(double calib_s, double budget_s)
{
	double per = calib_s / PLAN_CALIBRATE;
	double n = per > 0 ? budget_s / per : PLAN_MAX_ITERS;

	if (n < PLAN_MIN_ITERS)
		return PLAN_MIN_ITERS;
	if (n > PLAN_MAX_ITERS)
		return PLAN_MAX_ITERS;
	return (int)n;
}

/* Packets this network namespace sent on eth0 (/proc/net/dev is the
 * reader's namespace's); -1 if there is no eth0. */
static long long plan_eth_tx_packets(void)
{
	FILE *f = fopen("/proc/net/dev", "r");
	char line[512];
	long long v[16], r = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = strchr(line, ':');
		char *name = line;

		if (p == NULL)
			continue;
		*p = '\0';
		while (*name == ' ')
			name++;
		if (strcmp(name, "eth0") != 0)
			continue;
		if (sscanf(p + 1, "%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", &v[0],
		           &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
		           &v[9]) == 10)
			r = v[9];
	}
	fclose(f);
	return r;
}

/* The answer a PvmSum / MPI_SUM of "instance + 1 + element index" over
 * N members gives at element I. */
static int plan_sum(int n, int i)
{
	return n * (n + 1) / 2 + n * i;
}

#endif

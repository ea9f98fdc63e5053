/*
 * mpi_groups.c - bench/groups.c's measurements with MPI collectives, for
 * bench/run-groups.sh: MPI_Barrier, MPI_Bcast, MPI_Reduce (MPI_SUM of
 * MPI_INT), MPI_Allreduce, MPI_Gather on MPI_COMM_WORLD, rank 0 the root,
 * on bench/groups_plan.h's schedule and lines.
 *
 * Usage: mpirun ... mpi_groups [-i IMPL] [-l LAYOUT] [-t SECONDS] [-c]
 */
#include "groups_plan.h"

#include <mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ntasks, rank, counting;
static double budget_s = 0.25;
static int data[PLAN_MAX_INTS], start[PLAN_MAX_INTS];
static int result[PLAN_MAX_TASKS * PLAN_MAX_INTS];

static int one_op(const struct plan_op *op)
{
	int k = op->ints, i, bad = 0;

	switch (op->kind) {
	case OP_BARRIER:
		MPI_Barrier(MPI_COMM_WORLD);
		break;
	case OP_BCAST:
		MPI_Bcast(data, k, MPI_INT, 0, MPI_COMM_WORLD);
		break;
	case OP_REDUCE:
		MPI_Reduce(start, data, k, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
		if (rank == 0)
			bad = data[0] != plan_sum(ntasks, 0) ||
			      data[k - 1] != plan_sum(ntasks, k - 1);
		break;
	case OP_ALLREDUCE:
		MPI_Allreduce(start, data, k, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
		if (rank == 0)
			bad = data[0] != plan_sum(ntasks, 0) ||
			      data[k - 1] != plan_sum(ntasks, k - 1);
		break;
	case OP_GATHER:
		MPI_Gather(start, k, MPI_INT, result, k, MPI_INT, 0, MPI_COMM_WORLD);
		if (rank == 0)
			for (i = 0; i < ntasks; i++)
				bad |= result[i * k] != i + 1;
		break;
	}
	return bad;
}

static void measure(const struct plan_op *op, const char *impl, const char *layout)
{
	int i, iters = 0, errors = 0;
	double t0, mine = 0, slowest;
	long long eth0 = 0, d, sum = 0;

	for (i = 0; i < PLAN_WARMUP; i++)
		one_op(op);
	MPI_Barrier(MPI_COMM_WORLD);
	t0 = plan_now_s();
	for (i = 0; i < PLAN_CALIBRATE; i++) {
		one_op(op);
		MPI_Barrier(MPI_COMM_WORLD);
	}
	if (rank == 0)
		iters = plan_iters(plan_now_s() - t0, budget_s);
	MPI_Bcast(&iters, 1, MPI_INT, 0, MPI_COMM_WORLD);
	MPI_Barrier(MPI_COMM_WORLD);
	/* each operation timed alone, an untimed barrier between two (as
	 * the OSU benchmarks): a rooted operation is not pipelined */
	for (i = 0; i < iters; i++) {
		t0 = plan_now_s();
		errors += one_op(op);
		mine += plan_now_s() - t0;
		MPI_Barrier(MPI_COMM_WORLD);
	}
	MPI_Reduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
	/* counted apart: PLAN_COUNTED operations back to back, one barrier */
	if (counting) {
		eth0 = plan_eth_tx_packets();
		for (i = 0; i < PLAN_COUNTED; i++)
			one_op(op);
		MPI_Barrier(MPI_COMM_WORLD);
		d = plan_eth_tx_packets() - eth0;
		MPI_Reduce(&d, &sum, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
	}
	if (rank != 0)
		return;
	printf("GROUPS impl=%s mode=world layout=%s tasks=%d op=%s ints=%d iters=%d us=%.3f "
	       "errors=%d",
	       impl, layout, ntasks, op->name, op->ints, iters, slowest / iters * 1e6,
	       errors);
	if (counting)
		printf(" ethpkts=%.2f", (double)sum / PLAN_COUNTED);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *impl = "openmpi", *layout = "onehost";
	int a, k;

	MPI_Init(&argc, &argv);
	MPI_Comm_size(MPI_COMM_WORLD, &ntasks);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-c") == 0)
			counting = 1;
		else if (strcmp(argv[a], "-i") == 0 && a + 1 < argc)
			impl = argv[++a];
		else if (strcmp(argv[a], "-l") == 0 && a + 1 < argc)
			layout = argv[++a];
		else if (strcmp(argv[a], "-t") == 0 && a + 1 < argc)
			budget_s = atof(argv[++a]);
	}
	if (ntasks > PLAN_MAX_TASKS) {
		if (rank == 0)
			fprintf(stderr, "mpi_groups: at most %d ranks\n", PLAN_MAX_TASKS);
		MPI_Abort(MPI_COMM_WORLD, 2);
	}
	for (k = 0; k < PLAN_MAX_INTS; k++)
		start[k] = rank + 1 + k;
	for (k = 0; k < PLAN_NOPS; k++)
		measure(&plan_ops[k], impl, layout);
	MPI_Finalize();
	return 0;
}

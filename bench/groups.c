/*
 * groups.c - collectives benchmark, one source for pvmx and PVM 3.4.6
 * (built against each one's pvm3.h, libpvm3 and libgpvm3): the first task
 * joins group "gbench", spawns the others, and all of them measure each
 * operation of bench/groups_plan.h (barrier, bcast, reduce PvmSum,
 * reduce + bcast, gather, of 1 and 1024 ints), printing its GROUPS lines.
 *
 * Usage: bench_groups [-i IMPL] [-g frozen|dynamic] [-n TASKS] [-t SECONDS]
 *                     [-c] [HOST...]
 *   -i IMPL   the name printed in impl= (default "pvmx")
 *   -g MODE   frozen: pvm_joingroup, then pvm_freezegroup (the default);
 *             dynamic: pvm_joingroup, then a pvm_barrier of all
 *   -n TASKS  tasks in all, here (PvmTaskDefault), when no HOST is given
 *   -t S      seconds each operation's timed loop aims at (default 0.25)
 *   -c        count per operation the eth0 packets sent by every task and
 *             (pvmx) the frames daemons sent to other daemons
 *   HOST...   one task on each HOST (PvmTaskHost) besides this one
 * The others are this program, spawned with "-child MODE SECONDS COUNT TASKS".
 * Reductions are checked at the root (errors= counts wrong answers: PVM
 * 3.4.6's pipelined pvm_reduce is known to mix back-to-back reductions).
 */
#include "groups_plan.h"

#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP "gbench"
enum { TAG_ITERS = 11, TAG_COUNT, TAG_BASE = 1000 };

static int ntasks, inst, roottid, frozen = 1, counting;
static int child_tids[PLAN_MAX_TASKS];
static double budget_s = 0.25;
static int data[PLAN_MAX_INTS], start[PLAN_MAX_INTS];
static int result[PLAN_MAX_TASKS * PLAN_MAX_INTS];

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_groups (inst %d): %s: %d\n", inst, what, rc);
	pvm_exit();
	exit(1);
}

static void check(const char *what, int rc)
{
	if (rc < 0)
		die(what, rc);
}

/* Frames this task's daemon sent to the other daemons (pvmx's tickle 7). */
static long daemon_frames(void)
{
#ifdef GROUPS_REF
	return 0;
#else
	struct pvmhostinfo *hi;
	int nhost, narch, i, args[2], nres, res[2];
	long sum = 0;

	if (pvm_config(&nhost, &narch, &hi) < 0)
		return 0;
	for (i = 0; i < nhost; i++) {
		if (hi[i].hi_tid == pvm_tidtohost(pvm_mytid()))
			continue;
		args[0] = 7;
		args[1] = hi[i].hi_tid;
		if (pvm_tickle(2, args, &nres, res) >= 0 && nres >= 1)
			sum += res[0];
	}
	return sum;
#endif
}

/* One operation; returns 1 if the root saw a wrong answer. */
/* pvm_bcast of data[0..k) from instance 0; the others receive it. */
static void bcast_data(int tag, int k)
{
	if (inst == 0) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(data, k, 1);
		check("pvm_bcast", pvm_bcast(GROUP, tag));
	} else {
		check("pvm_recv", pvm_recv(roottid, tag));
		check("pvm_upkint", pvm_upkint(data, k, 1));
	}
}

static int one_op(const struct plan_op *op, int iter)
{
	int tag = TAG_BASE + (iter & 15), k = op->ints, i, bad = 0;

	switch (op->kind) {
	case OP_BARRIER:
		check("pvm_barrier", pvm_barrier(GROUP, ntasks));
		break;
	case OP_BCAST:
		bcast_data(tag, k);
		break;
	case OP_REDUCE:
	case OP_ALLREDUCE:
		memcpy(data, start, (size_t)k * sizeof(int));
		check("pvm_reduce",
		      pvm_reduce(PvmSum, data, k, PVM_INT, tag, GROUP, 0));
		if (op->kind == OP_ALLREDUCE)
			bcast_data(tag, k);
		if (inst == 0)
			bad = data[0] != plan_sum(ntasks, 0) ||
			      data[k - 1] != plan_sum(ntasks, k - 1);
		break;
	case OP_GATHER:
		check("pvm_gather",
		      pvm_gather(result, start, k, PVM_INT, tag, GROUP, 0));
		if (inst == 0)
			for (i = 0; i < ntasks; i++)
				bad |= result[i * k] != i + 1;
		break;
	}
	return bad;
}

/* Every task: measure one operation; the root prints its line. */
/* The root's *v to every member (the others' *v is overwritten). */
static void share_int(int *v)
{
	if (inst == 0) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(v, 1, 1);
		check("pvm_mcast", pvm_mcast(child_tids, ntasks - 1, TAG_ITERS));
	} else {
		check("pvm_recv", pvm_recv(roottid, TAG_ITERS));
		pvm_upkint(v, 1, 1);
	}
}

/* Untimed barriers until the root has seen PLAN_SETTLE_S pass (it tells
 * the others after each round whether to go on). */
static void settle(void)
{
	double t0 = plan_now_s();
	int more = 1;

	while (more) {
		for (int i = 0; i < PLAN_SETTLE_ROUND; i++)
			check("pvm_barrier", pvm_barrier(GROUP, ntasks));
		if (inst == 0)
			more = plan_now_s() - t0 < PLAN_SETTLE_S;
		share_int(&more);
	}
}

static void measure(const struct plan_op *op, const char *impl, const char *layout)
{
	int i, iters = 0, errors = 0, nres;
	double t0, mine = 0, slowest;
	long eth0 = 0, df0 = 0, d[2] = {0, 0}, sum[2] = {0, 0};

	for (i = 0; i < PLAN_WARMUP; i++)
		one_op(op, i);
	check("pvm_barrier", pvm_barrier(GROUP, ntasks));
	t0 = plan_now_s();
	for (i = 0; i < PLAN_CALIBRATE; i++) {
		one_op(op, i);
		check("pvm_barrier", pvm_barrier(GROUP, ntasks));
	}
	if (inst == 0)
		iters = plan_iters(plan_now_s() - t0, budget_s);
	share_int(&iters);
	check("pvm_barrier", pvm_barrier(GROUP, ntasks));
	/* each operation timed alone, an untimed barrier between two (as
	 * the OSU benchmarks): a rooted operation is not pipelined */
	for (i = 0; i < iters; i++) {
		t0 = plan_now_s();
		errors += one_op(op, i);
		mine += plan_now_s() - t0;
		check("pvm_barrier", pvm_barrier(GROUP, ntasks));
	}
	/* the root learns the slowest member's time, and the counts */
	/* counted apart: PLAN_COUNTED operations back to back, one barrier */
	if (counting) {
		eth0 = plan_eth_tx_packets();
		df0 = daemon_frames();
		for (i = 0; i < PLAN_COUNTED; i++)
			one_op(op, i);
		check("pvm_barrier", pvm_barrier(GROUP, ntasks));
		d[0] = plan_eth_tx_packets() - eth0;
		d[1] = daemon_frames() - df0;
	}
	slowest = mine;
	if (inst != 0) {
		pvm_initsend(PvmDataDefault);
		pvm_pkdouble(&mine, 1, 1);
		pvm_pklong(d, 2, 1);
		check("pvm_send", pvm_send(roottid, TAG_COUNT));
	} else {
		sum[0] = d[0];
		sum[1] = d[1];
		for (nres = 1; nres < ntasks; nres++) {
			check("pvm_recv", pvm_recv(-1, TAG_COUNT));
			pvm_upkdouble(&t0, 1, 1);
			pvm_upklong(d, 2, 1);
			if (t0 > slowest)
				slowest = t0;
			sum[0] += d[0];
			sum[1] += d[1];
		}
	}
	if (inst != 0)
		return;
	printf("GROUPS impl=%s mode=%s layout=%s tasks=%d op=%s ints=%d iters=%d us=%.3f "
	       "errors=%d",
	       impl, frozen ? "frozen" : "dynamic", layout, ntasks, op->name, op->ints,
	       iters, slowest / iters * 1e6, errors);
	if (counting) {
		printf(" ethpkts=%.2f", (double)sum[0] / PLAN_COUNTED);
#ifndef GROUPS_REF
		printf(" dframes=%.2f", (double)sum[1] / PLAN_COUNTED);
#endif
	}
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *impl = "pvmx", *layout = "onehost";
	char budget[32], cnt[4], num[16], *cargs[6];
	int i, k, rc, nhosts = 0, a = 1;
	char **hosts = NULL;

	check("pvm_mytid", pvm_mytid());
	if (argc >= 6 && strcmp(argv[1], "-child") == 0) {
		frozen = strcmp(argv[2], "frozen") == 0;
		budget_s = atof(argv[3]);
		counting = atoi(argv[4]);
		ntasks = atoi(argv[5]);
	} else {
		ntasks = 2;
		for (; a < argc && argv[a][0] == '-'; a++) {
			if (strcmp(argv[a], "-c") == 0)
				counting = 1;
			else if (a + 1 >= argc)
				break;
			else if (strcmp(argv[a], "-i") == 0)
				impl = argv[++a];
			else if (strcmp(argv[a], "-g") == 0)
				frozen = strcmp(argv[++a], "dynamic") != 0;
			else if (strcmp(argv[a], "-n") == 0)
				ntasks = atoi(argv[++a]);
			else if (strcmp(argv[a], "-t") == 0)
				budget_s = atof(argv[++a]);
			else
				break;
		}
		hosts = argv + a;
		nhosts = argc - a;
		if (nhosts > 0) {
			ntasks = nhosts + 1;
			layout = "hosts";
		}
		if (ntasks < 2 || ntasks > PLAN_MAX_TASKS) {
			fprintf(stderr, "bench_groups: 2 to %d tasks\n", PLAN_MAX_TASKS);
			pvm_exit();
			return 2;
		}
	}
	for (k = 0; k < PLAN_MAX_INTS; k++)
		start[k] = 0;
	inst = pvm_joingroup(GROUP);
	check("pvm_joingroup", inst);
	for (k = 0; k < PLAN_MAX_INTS; k++)
		start[k] = inst + 1 + k;
	if (hosts != NULL) { /* the first task: start the others */
		snprintf(budget, sizeof(budget), "%g", budget_s);
		snprintf(cnt, sizeof(cnt), "%d", counting);
		cargs[0] = "-child";
		cargs[1] = frozen ? "frozen" : "dynamic";
		cargs[2] = budget;
		cargs[3] = cnt;
		snprintf(num, sizeof(num), "%d", ntasks);
		cargs[4] = num;
		cargs[5] = NULL;
		if (nhosts == 0) {
			rc = pvm_spawn("bench_groups", cargs, PvmTaskDefault, "", ntasks - 1,
			               child_tids);
			if (rc != ntasks - 1)
				die("pvm_spawn", rc < 0 ? rc : child_tids[rc]);
		} else {
			for (i = 0; i < nhosts; i++) {
				rc = pvm_spawn("bench_groups", cargs, PvmTaskHost, hosts[i], 1,
				               &child_tids[i]);
				if (rc != 1)
					die(hosts[i], rc < 0 ? rc : child_tids[i]);
			}
		}
	}
	if (frozen) {
		rc = pvm_freezegroup(GROUP, ntasks);
		check("pvm_freezegroup", rc);
	} else {
		check("pvm_barrier", pvm_barrier(GROUP, ntasks));
	}
	roottid = pvm_gettid(GROUP, 0);
	check("pvm_gettid", roottid);
	settle();
	for (i = 0; i < PLAN_NOPS; i++)
		measure(&plan_ops[i], impl, layout);
	check("pvm_barrier", pvm_barrier(GROUP, ntasks));
	pvm_exit();
	return 0;
}

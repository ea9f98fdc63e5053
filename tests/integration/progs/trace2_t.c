/*
 * trace2_t.c - a traced run for test_trace2.sh with the calls traced
 * besides pvm_send and the receives: "trace2_t N ROUNDS" spawns N-1
 * workers ("trace2_t -w ROUNDS"), one per host in turn.  All join group
 * "trace2_g" and freeze it; then each instance i, in this order:
 * ROUNDS times psends i + 1 ints to instance i + 1 (tag 10) and precvs
 * from instance i - 1; instance 0 bcasts one int (tag 11), which the
 * others probe for and receive; a reduce (sum, tag 12, root 0), a gather
 * (tag 13, root 1) and a scatter (tag 14, root 0) of 4 ints each;
 * gsize, gettid and getinst; a barrier.  Each worker then sends the
 * master "ok" or what failed (tag 3).  Prints "trace2_t: ok" or
 * "trace2_t: FAIL ..." (the master) and exits.
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 16
#define G "trace2_g"
#define K 4 /* ints per member in the collectives */

static int n, me;
static char why[128];

#define CHECK(c, ...)                                                                    \
	do {                                                                             \
		if (!(c)) {                                                              \
			snprintf(why, sizeof(why), __VA_ARGS__);                         \
			return -1;                                                       \
		}                                                                        \
	} while (0)

static int psend_ring(int rounds)
{
	int next = pvm_gettid(G, (me + 1) % n), prev = pvm_gettid(G, (me + n - 1) % n);
	int out[MAXT], in[MAXT], rtid, rtag, rlen;

	CHECK(next > 0 && prev > 0, "gettid of the neighbours: %d %d", next, prev);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k <= me; k++)
			out[k] = 1000 * r + k;
		CHECK(pvm_psend(next, 10, out, me + 1, PVM_INT) == 0, "psend round %d",
		      r);
		CHECK(pvm_precv(prev, 10, in, MAXT, PVM_INT, &rtid, &rtag, &rlen) == 0,
		      "precv round %d", r);
		CHECK(rtid == prev && rtag == 10 &&
		          rlen == (int)sizeof(int) * ((me + n - 1) % n + 1) &&
		          in[0] == 1000 * r,
		      "precv round %d: from t%x tag %d len %d first %d", r, rtid, rtag,
		      rlen, in[0]);
	}
	return 0;
}

static int collectives(void)
{
	int v = 0, data[K], all[MAXT * K], part[K], root0 = pvm_gettid(G, 0);

	if (me == 0) {
		v = 4242;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&v, 1, 1);
		CHECK(pvm_bcast(G, 11) == 0, "bcast");
	} else {
		/* once: the probe is traced, whatever it answers */
		(void)pvm_probe(root0, 11);
		CHECK(pvm_recv(root0, 11) > 0 && pvm_upkint(&v, 1, 1) == 0 && v == 4242,
		      "bcast received %d", v);
	}
	for (int k = 0; k < K; k++)
		data[k] = me + k;
	CHECK(pvm_reduce(PvmSum, data, K, PVM_INT, 12, G, 0) == 0, "reduce");
	CHECK(me != 0 || data[0] == n * (n - 1) / 2, "reduce: sum %d", data[0]);
	for (int k = 0; k < K; k++)
		data[k] = 10 * me + k;
	CHECK(pvm_gather(all, data, K, PVM_INT, 13, G, 1) == 0, "gather");
	CHECK(me != 1 || all[K * (n - 1)] == 10 * (n - 1), "gather: %d",
	      all[K * (n - 1)]);
	for (int i = 0; i < n * K; i++)
		all[i] = i;
	CHECK(pvm_scatter(part, all, K, PVM_INT, 14, G, 0) == 0, "scatter");
	CHECK(part[0] == K * me, "scatter: got %d", part[0]);
	CHECK(pvm_gsize(G) == n, "gsize %d", pvm_gsize(G));
	CHECK(pvm_getinst(G, pvm_gettid(G, me)) == me, "getinst");
	CHECK(pvm_barrier(G, -1) == 0, "barrier");
	return 0;
}

static int run(int rounds)
{
	int r;

	CHECK((me = pvm_joingroup(G)) >= 0, "join: %d", me);
	CHECK((r = pvm_freezegroup(G, n)) == n, "freeze: %d", r);
	if (psend_ring(rounds) < 0 || collectives() < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, rc = 1, rounds, i, tid;
	char arg_n[16], arg_r[16], *args[] = {"-w", arg_n, arg_r, NULL};

	if (pvm_mytid() < 0)
		return 1;
	if (argc > 3 && strcmp(argv[1], "-w") == 0) {
		n = atoi(argv[2]);
		rounds = atoi(argv[3]);
		if (run(rounds) == 0)
			snprintf(why, sizeof(why), "ok");
		pvm_initsend(PvmDataDefault);
		pvm_pkstr(why);
		pvm_send(pvm_parent(), 3);
		rc = 0;
		goto out;
	}
	n = argc > 1 ? atoi(argv[1]) : 3;
	rounds = argc > 2 ? atoi(argv[2]) : 2;
	if (n < 2 || n > MAXT || pvm_config(&nhost, &narch, &hosts) < 0) {
		printf("trace2_t: FAIL arguments or pvm_config\n");
		goto out;
	}
	snprintf(arg_n, sizeof(arg_n), "%d", n);
	snprintf(arg_r, sizeof(arg_r), "%d", rounds);
	for (i = 1; i < n; i++) {
		char *host = hosts[i % nhost].hi_name;

		if (pvm_spawn("trace2_t", args, PvmTaskHost, host, 1, &tid) != 1) {
			printf("trace2_t: FAIL spawn on %s: %d\n", host, tid);
			goto out;
		}
	}
	if (run(rounds) < 0) {
		printf("trace2_t: FAIL master: %s\n", why);
		goto out;
	}
	for (i = 1; i < n; i++) {
		struct timeval tmo = {30, 0};
		char got[128] = "";

		if (pvm_trecv(-1, 3, &tmo) <= 0 || pvm_upkstr(got) < 0 ||
		    strcmp(got, "ok") != 0) {
			printf("trace2_t: FAIL a worker: %s\n",
			       got[0] ? got : "no answer");
			goto out;
		}
	}
	printf("trace2_t: ok %d tasks %d rounds\n", n, rounds);
	rc = 0;
out:
	fflush(stdout);
	pvm_exit();
	return rc;
}

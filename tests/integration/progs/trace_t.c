/*
 * trace_t.c - a traced run for test_trace.sh, with a known set of
 * messages: "trace_t N ROUNDS" spawns N-1 workers ("trace_t -w"), one
 * per host in turn; multicasts them the ring (tag 1), passes a token
 * ROUNDS times round the ring (tag 2), meets them at a barrier of group
 * "trace_g", and takes one "done" from each (tag 3, 100 * i bytes).
 * N-1 + ROUNDS * N + N-1 messages in all.  Prints "trace_t: ok" or
 * "trace_t: FAIL ..." (the master) and exits.
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXT 16

static int ring[MAXT], n;

static int wait_for(int src, int tag)
{
	struct timeval tmo = {30, 0};

	return pvm_trecv(src, tag, &tmo);
}

static int barrier(void)
{
	if (pvm_joingroup("trace_g") < 0)
		return -1;
	if (pvm_barrier("trace_g", n) < 0)
		return -1;
	return pvm_lvgroup("trace_g");
}

static int worker(void)
{
	char pad[100 * MAXT];
	int me = pvm_mytid(), i, k, rounds, tok;

	if (wait_for(pvm_parent(), 1) <= 0)
		return 1;
	pvm_upkint(&n, 1, 1);
	pvm_upkint(&rounds, 1, 1);
	if (n < 2 || n > MAXT)
		return 1;
	pvm_upkint(ring, n, 1);
	for (i = 0; i < n && ring[i] != me; i++)
		;
	for (k = 0; k < rounds; k++) {
		if (wait_for(ring[i - 1], 2) <= 0)
			return 1;
		pvm_upkint(&tok, 1, 1);
		tok++;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&tok, 1, 1);
		pvm_send(ring[(i + 1) % n], 2);
	}
	if (barrier() < 0)
		return 1;
	memset(pad, 'x', sizeof(pad));
	pvm_initsend(PvmDataDefault);
	pvm_pkbyte(pad, 100 * i, 1);
	pvm_send(pvm_parent(), 3);
	return 0;
}

static int master(int rounds)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, i, tok = 0;
	char *args[] = {"-w", NULL};

	if (pvm_config(&nhost, &narch, &hosts) < 0 || nhost < 1)
		return 1;
	ring[0] = pvm_mytid();
	for (i = 1; i < n; i++) {
		char *host = hosts[i % nhost].hi_name;

		if (pvm_spawn("trace_t", args, PvmTaskHost, host, 1, &ring[i]) != 1) {
			printf("trace_t: FAIL spawn on %s: %d\n", host, ring[i]);
			return 1;
		}
	}
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&n, 1, 1);
	pvm_pkint(&rounds, 1, 1);
	pvm_pkint(ring, n, 1);
	pvm_mcast(ring + 1, n - 1, 1);
	for (i = 0; i < rounds; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&tok, 1, 1);
		pvm_send(ring[1], 2);
		if (wait_for(ring[n - 1], 2) <= 0) {
			printf("trace_t: FAIL token lost in round %d\n", i);
			return 1;
		}
		pvm_upkint(&tok, 1, 1);
	}
	if (barrier() < 0) {
		printf("trace_t: FAIL barrier\n");
		return 1;
	}
	for (i = 1; i < n; i++) {
		int len = 0, tag, src;

		if (wait_for(ring[i], 3) <= 0 ||
		    pvm_bufinfo(pvm_getrbuf(), &len, &tag, &src) < 0) {
			printf("trace_t: FAIL no done from t%x\n", ring[i]);
			return 1;
		}
	}
	if (tok != rounds * (n - 1)) {
		printf("trace_t: FAIL token %d, expected %d\n", tok, rounds * (n - 1));
		return 1;
	}
	printf("trace_t: ok %d tasks %d rounds\n", n, rounds);
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (pvm_mytid() < 0)
		return 1;
	if (argc > 1 && strcmp(argv[1], "-w") == 0) {
		r = worker();
	} else {
		n = argc > 1 ? atoi(argv[1]) : 3;
		if (n < 2 || n > MAXT)
			n = 3;
		r = master(argc > 2 ? atoi(argv[2]) : 2);
	}
	fflush(stdout);
	pvm_exit();
	return r;
}

/*
 * loop_t.c - test_loop.sh's and test_liveness.sh's task: big spawns, the
 * loop's stalls, and a task that must outlive its daemon's pause.
 *   loop_t spawn N PROG [HOST]  N instances of PROG (no arguments) on HOST,
 *                               or wherever the machine likes: "spawn RC
 *                               GOOD BAD FIRSTERR", exit 0 if all started
 *   loop_t stalls               pvm_tickle 9: "stalls LONGEST_MS BUSY_MS COUNT"
 *   loop_t hold HOST            spawns "loop_t echo" on HOST, checks it
 *                               answers, prints "ready TID", waits for a
 *                               line on stdin, then checks it still runs
 *                               and answers: "alive TID" or "gone ..."
 *   loop_t echo                 sends back every message until tag 2
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One round trip to an echo task: 0 when it answered within 20 s. */
static int ping(int tid, int value)
{
	struct timeval tmo = {20, 0};
	int got = -1;

	pvm_initsend(PvmDataDefault);
	pvm_pkint(&value, 1, 1);
	if (pvm_send(tid, 1) < 0 || pvm_trecv(tid, 1, &tmo) <= 0)
		return -1;
	pvm_upkint(&got, 1, 1);
	return got == value ? 0 : -1;
}

static int echo(void)
{
	int parent = pvm_parent(), bufid, tag, v;

	while ((bufid = pvm_recv(parent, -1)) > 0) {
		pvm_bufinfo(bufid, NULL, &tag, NULL);
		if (tag != 1)
			break;
		pvm_upkint(&v, 1, 1);
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&v, 1, 1);
		pvm_send(parent, 1);
	}
	pvm_exit();
	return 0;
}

static int spawn(int n, char *prog, char *host)
{
	int *tids = calloc((size_t)n, sizeof(int)), good = 0, bad = 0, first = 0, rc;

	if (tids == NULL)
		return 2;
	rc = pvm_spawn(prog, NULL, host != NULL ? PvmTaskHost : PvmTaskDefault,
	               host != NULL ? host : "", n, tids);
	for (int i = 0; i < n && rc > 0; i++) {
		if (tids[i] > 0) {
			good++;
		} else {
			bad++;
			if (first == 0)
				first = tids[i];
		}
	}
	printf("spawn %d %d %d %d\n", rc, good, bad, first);
	free(tids);
	pvm_exit();
	return good == n ? 0 : 1;
}

static int hold(char *host)
{
	char line[64];
	int tid = 0, n;

	n = pvm_spawn("loop_t", (char *[]){"echo", NULL}, PvmTaskHost, host, 1, &tid);
	if (n != 1 || ping(tid, 1) != 0) {
		printf("FAIL - no echo task on %s (%d, t%x)\n", host, n, (unsigned)tid);
		pvm_exit();
		return 1;
	}
	printf("ready %x\n", (unsigned)tid);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		line[0] = '\0';
	if (pvm_pstat(tid) == PvmOk && ping(tid, 2) == 0) {
		printf("alive %x\n", (unsigned)tid);
		n = 0;
	} else {
		printf("gone %x pstat %d\n", (unsigned)tid, pvm_pstat(tid));
		n = 1;
	}
	pvm_initsend(PvmDataDefault);
	pvm_send(tid, 2);
	pvm_exit();
	return n;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int args[1] = {9}, res[3] = {0, 0, 0}, nres = 3;

	pvm_setopt(PvmAutoErr, 0);
	if (strcmp(cmd, "echo") == 0)
		return echo();
	if (strcmp(cmd, "spawn") == 0 && argc > 3)
		return spawn(atoi(argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
	if (strcmp(cmd, "hold") == 0 && argc > 2)
		return hold(argv[2]);
	if (strcmp(cmd, "stalls") == 0) {
		int rc = pvm_tickle(1, args, &nres, res);

		printf("stalls %d %d %d\n", rc < 0 ? rc : res[0], res[1], res[2]);
		pvm_exit();
		return rc < 0;
	}
	fprintf(stderr, "usage: loop_t spawn N PROG [HOST] | stalls | hold HOST | echo\n");
	return 2;
}

/*
 * top_t.c - test_top.sh's tasks: traffic through the daemons for the
 * console's top to show.
 *   top_t master   spawns one worker on each host, all join group
 *                  "topgrp"; then sends each worker 1 KiB every 20 ms and
 *                  takes its answer, by the daemon route (PvmDontRoute),
 *                  until SIGTERM; prints "ready" once the group is whole
 *   top_t worker   answers every message from its parent until tag 2
 */
#include <pvm3.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define GROUP "topgrp"
#define MAX_WORKERS 16

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int worker(void)
{
	int parent = pvm_parent(), bufid, tag, len;
	static char buf[1024];

	pvm_setopt(PvmRoute, PvmDontRoute);
	if (pvm_joingroup(GROUP) < 0)
		return 1;
	while ((bufid = pvm_recv(parent, -1)) > 0) {
		pvm_bufinfo(bufid, &len, &tag, NULL);
		if (tag != 1)
			break;
		pvm_upkbyte(buf, sizeof(buf), 1);
		pvm_initsend(PvmDataRaw);
		pvm_pkbyte(buf, sizeof(buf), 1);
		pvm_send(parent, 1);
	}
	pvm_lvgroup(GROUP);
	pvm_exit();
	return 0;
}

static int master(void)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, tids[MAX_WORKERS], n = 0;
	struct timespec pause = {0, 20 * 1000 * 1000};
	struct timeval tmo = {30, 0};
	static char buf[1024];
	char *args[] = {"worker", NULL};

	signal(SIGTERM, on_term);
	pvm_setopt(PvmRoute, PvmDontRoute);
	if (pvm_mytid() < 0 || pvm_config(&nhost, &narch, &hosts) < 0)
		return 1;
	if (pvm_joingroup(GROUP) < 0)
		return 1;
	for (int i = 0; i < nhost && n < MAX_WORKERS; i++) {
		if (pvm_spawn("top_t", args, PvmTaskHost, hosts[i].hi_name, 1,
		              &tids[n]) == 1)
			n++;
		else
			fprintf(stderr, "top_t: spawn on %s failed\n", hosts[i].hi_name);
	}
	/* the group is whole once every worker joined (30 s at most) */
	for (int i = 0; i < 3000 && n == nhost && pvm_gsize(GROUP) < n + 1; i++) {
		struct timespec tick = {0, 10 * 1000 * 1000};

		nanosleep(&tick, NULL);
	}
	if (n != nhost || pvm_gsize(GROUP) != n + 1) {
		fprintf(stderr, "top_t: %d of %d workers, group size %d\n", n, nhost,
		        pvm_gsize(GROUP));
		return 1;
	}
	printf("ready %d\n", n);
	fflush(stdout);
	memset(buf, 'x', sizeof(buf));
	while (!stop) {
		for (int i = 0; i < n; i++) {
			pvm_initsend(PvmDataRaw);
			pvm_pkbyte(buf, sizeof(buf), 1);
			pvm_send(tids[i], 1);
		}
		for (int i = 0; i < n && !stop; i++) {
			if (pvm_trecv(tids[i], 1, &tmo) <= 0) {
				fprintf(stderr, "top_t: no answer from t%x\n",
				        (unsigned)tids[i]);
				stop = 1;
			}
		}
		nanosleep(&pause, NULL);
	}
	pvm_initsend(PvmDataDefault);
	pvm_mcast(tids, n, 2);
	pvm_lvgroup(GROUP);
	pvm_exit();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "master") == 0)
		return master();
	if (argc == 2 && strcmp(argv[1], "worker") == 0)
		return worker();
	fprintf(stderr, "usage: top_t master | worker\n");
	return 2;
}

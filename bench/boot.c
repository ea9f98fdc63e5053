/*
 * boot.c - virtual machine boot benchmark, one source for pvmx and PVM
 * 3.4.6 (PVM 3.4 API only).  Run as a task of a master daemon, it adds
 * HOST... in one pvm_addhosts call, then spawns one TASK on every host of
 * the machine (pvm_spawn with PvmTaskHost, one call per host) and waits for
 * all of them to exit (pvm_notify PvmTaskExit), then halts the machine.
 *
 * Usage: bench_boot [-t TASK] [-w SECONDS] [-k] HOST...
 *   -t TASK     the task to spawn (default bench_nop: registers, exits)
 *   -w SECONDS  how long to wait for the tasks' exits (default 60)
 *   -k          keep the machine up (no pvm_halt)
 * Prints a table and one machine-readable line:
 *   BOOT impl=pvmx hosts=N added=A spawned=S exited=E add_s=X spawn_s=Y
 * where N counts the master's host too, and spawn_s runs from the first
 * spawn until the last exit.  Exit status 0 only if everything worked.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef BOOT_IMPL
#define BOOT_IMPL "pvmx"
#endif

#define EXIT_TAG 0x7b00

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* PVM 3.4 has no pvm_strerror: name the codes pvm_addhosts and pvm_spawn
 * report, else write the number into buf (len bytes). */
static const char *code_name(int code, char *buf, size_t len)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
	    {PvmBadParam, "PvmBadParam"},   {PvmNoHost, "PvmNoHost"},
	    {PvmNoFile, "PvmNoFile"},       {PvmNoMem, "PvmNoMem"},
	    {PvmSysErr, "PvmSysErr"},       {PvmBadVersion, "PvmBadVersion"},
	    {PvmOutOfRes, "PvmOutOfRes"},   {PvmDupHost, "PvmDupHost"},
	    {PvmCantStart, "PvmCantStart"}, {PvmAlready, "PvmAlready"},
	    {PvmHostFail, "PvmHostFail"},   {PvmNoEntry, "PvmNoEntry"},
	    {PvmNotImpl, "PvmNotImpl"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	snprintf(buf, len, "error %d", code);
	return buf;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_boot [-t TASK] [-w SECONDS] [-k] HOST...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *task = "bench_nop";
	int wait_s = 60, keep = 0, opt;

	while ((opt = getopt(argc, argv, "t:w:k")) != -1) {
		switch (opt) {
		case 't':
			task = optarg;
			break;
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 'k':
			keep = 1;
			break;
		default:
			usage();
		}
	}
	int nadd = argc - optind;
	char **hosts = argv + optind;
	int *infos = calloc((size_t)(nadd > 0 ? nadd : 1), sizeof(int));
	char text[32];

	if (infos == NULL)
		return 1;
	int mytid = pvm_mytid();

	if (mytid < 0) {
		fprintf(stderr, "bench_boot: no daemon (pvm_mytid %s)\n",
		        code_name(mytid, text, sizeof(text)));
		return 1;
	}

	/* 1. every host in one call */
	double t0 = now_s();
	int added = nadd > 0 ? pvm_addhosts(hosts, nadd, infos) : 0;
	double add_s = now_s() - t0;

	printf("%-16s %s\n", "host", "pvm_addhosts");
	for (int i = 0; i < nadd; i++) {
		if (infos[i] > 0)
			printf("%-16s dtid t%x\n", hosts[i], infos[i]);
		else
			printf("%-16s %s\n", hosts[i],
			       code_name(infos[i], text, sizeof(text)));
	}
	if (added < 0)
		printf("pvm_addhosts: %s\n", code_name(added, text, sizeof(text)));

	/* 2. one task on each host of the machine, the master's included */
	struct pvmhostinfo *hi = NULL;
	int nhost = 0, narch = 0;

	if (pvm_config(&nhost, &narch, &hi) < 0 || nhost < 1) {
		fprintf(stderr, "bench_boot: pvm_config failed\n");
		pvm_exit();
		return 1;
	}
	int *tids = calloc((size_t)nhost, sizeof(int));
	char **names = calloc((size_t)nhost, sizeof(char *));

	if (tids == NULL || names == NULL)
		return 1;
	/* copy the names: hi belongs to the library and a later call may reuse it */
	for (int h = 0; h < nhost; h++)
		names[h] = strdup(hi[h].hi_name);

	int spawned = 0, exited = 0;
	double t1 = now_s();

	for (int h = 0; h < nhost; h++) {
		int tid = 0;
		int got = pvm_spawn((char *)task, NULL, PvmTaskHost, names[h], 1, &tid);

		if (got == 1)
			tids[spawned++] = tid;
		else
			printf("%-16s pvm_spawn %s: %s\n", names[h], task,
			       code_name(got < 0 ? got : tid, text, sizeof(text)));
	}
	double spawn_call_s = now_s() - t1;

	if (spawned > 0)
		pvm_notify(PvmTaskExit, EXIT_TAG, spawned, tids);
	struct timeval tmo = {.tv_sec = wait_s, .tv_usec = 0};

	while (exited < spawned) {
		int bufid = pvm_trecv(-1, EXIT_TAG, &tmo);

		if (bufid <= 0)
			break;
		exited++;
	}
	double spawn_s = now_s() - t1;

	printf("\n%-34s %10s\n", "step", "seconds");
	printf("%-34s %10.3f\n", "pvm_addhosts (one call)", add_s);
	printf("%-34s %10.3f\n", "pvm_spawn, one call per host", spawn_call_s);
	printf("%-34s %10.3f\n", "spawn until every task exited", spawn_s);
	printf("hosts %d (added %d of %d), tasks spawned %d, exited %d\n", nhost,
	       added < 0 ? 0 : added, nadd, spawned, exited);
	printf("BOOT impl=%s hosts=%d added=%d spawned=%d exited=%d add_s=%.3f "
	       "spawn_s=%.3f\n",
	       BOOT_IMPL, nhost, added < 0 ? 0 : added, spawned, exited, add_s, spawn_s);
	fflush(stdout);

	int ok = added == nadd && spawned == nhost && exited == spawned;

	for (int h = 0; h < nhost; h++)
		free(names[h]);
	free(names);
	free(tids);
	free(infos);
	if (keep) {
		pvm_exit();
	} else {
		/* PVM 3.4.6's daemons kill their tasks, this one too, as they go */
		pvm_halt();
	}
	return ok ? 0 : 1;
}

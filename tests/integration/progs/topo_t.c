/*
 * topo_t.c - test task for test_topo.sh: a host's topology as pvmx
 * reports it, and the CPU binding of spawned tasks, each checked against
 * the real process (/proc/PID/status, Cpus_allowed_list).
 * Usage:
 *   topo_t topo HOST       "topo CORES PUS NUMA SPEED" of that host
 *   topo_t spawn HOST none|core|numa N [KILL MORE]
 *                          spawns N children there bound so, prints
 *                          "task I BINDING ALLOWED" for each ("-": none);
 *                          with KILL and MORE, ends child KILL, waits for
 *                          it to go, spawns MORE more and prints them too
 *                          (HOST "-": wherever the machine places them)
 *   topo_t errors          the calls' error codes (ok/FAIL lines)
 *   topo_t child           (spawned) waits for its parent's word to exit
 */
#include "check.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_KIDS 64

static void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* The host of pvm_config named name: its index, or -1. */
static int host_named(const char *name, struct pvmhostinfo **hosts)
{
	int nhost, narch;

	if (pvm_config(&nhost, &narch, hosts) < 0)
		return -1;
	for (int i = 0; i < nhost; i++) {
		if (strcmp((*hosts)[i].hi_name, name) == 0)
			return i;
	}
	return -1;
}

/* Cpus_allowed_list of process pid into buf ("?" when unreadable). */
static void allowed_of(int pid, char *buf, size_t len)
{
	char path[64], line[512];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
			char *v = line + 18;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(buf, len, "%s", v);
			break;
		}
	}
	fclose(f);
}

static int pid_of(int tid)
{
	struct pvmtaskinfo *ti;
	int n;

	if (pvm_tasks(tid, &n, &ti) < 0 || n != 1)
		return -1;
	return ti[0].ti_pid;
}

static void print_task(int i, int tid)
{
	char bind[1024], allowed[1024];
	int r = pvmx_taskbinding(tid, bind, (int)sizeof(bind));
	int pid = pid_of(tid);

	if (r < 0)
		snprintf(bind, sizeof(bind), "error%d", r);
	if (pid > 0)
		allowed_of(pid, allowed, sizeof(allowed));
	else
		snprintf(allowed, sizeof(allowed), "nopid");
	printf("task %d %s %s t%x\n", i, bind[0] ? bind : "-", allowed,
	       (unsigned)pvm_tidtohost(tid));
	fflush(stdout);
}

/* Waits (10 s at most) until tid has gone from its daemon. */
static int wait_gone(int tid)
{
	for (int i = 0; i < 200; i++) {
		if (pvm_pstat(tid) == PvmNoTask)
			return 0;
		nap_ms(50);
	}
	return -1;
}

static int spawn_some(const char *host, int n, int *tids)
{
	char *args[] = {"child", NULL};
	int k = strcmp(host, "-") == 0
	            ? pvm_spawn("topo_t", args, PvmTaskDefault, "", n, tids)
	            : pvm_spawn("topo_t", args, PvmTaskHost, (char *)host, n, tids);

	if (k != n) {
		printf("FAIL - spawn %d on %s: %d started (first code %d)\n", n, host, k,
		       tids[0]);
		fails++;
	}
	return k < 0 ? 0 : k;
}

static int cmd_spawn(int argc, char **argv)
{
	int tids[MAX_KIDS], n, k, more = 0, kill_i = -1, policy;
	const char *host = argv[2];

	policy = strcmp(argv[3], "core") == 0   ? PVMX_BIND_CORE
	         : strcmp(argv[3], "numa") == 0 ? PVMX_BIND_NUMA
	                                        : PVMX_BIND_NONE;
	n = atoi(argv[4]);
	if (argc >= 7) {
		kill_i = atoi(argv[5]);
		more = atoi(argv[6]);
	}
	if (n < 1 || n + more > MAX_KIDS || kill_i >= n)
		return 2;
	pvmx_setbind(policy);
	k = spawn_some(host, n, tids);
	for (int i = 0; i < k; i++)
		print_task(i, tids[i]);
	if (kill_i >= 0 && kill_i < k) {
		pvm_kill(tids[kill_i]);
		CHECK(wait_gone(tids[kill_i]) == 0, "child %d gone after pvm_kill",
		      kill_i);
		tids[kill_i] = 0;
		more = spawn_some(host, more, tids + k);
		for (int i = 0; i < more; i++)
			print_task(k + i, tids[k + i]);
		k += more;
	}
	/* the children go, and we wait until they have */
	pvm_initsend(PvmDataDefault);
	for (int i = 0; i < k; i++) {
		if (tids[i] > 0)
			pvm_send(tids[i], 1);
	}
	for (int i = 0; i < k; i++) {
		if (tids[i] > 0 && wait_gone(tids[i]) != 0) {
			printf("FAIL - child t%x still there\n", (unsigned)tids[i]);
			fails++;
		}
	}
	return 0;
}

static int cmd_errors(void)
{
	struct pvmhostinfo *hosts;
	struct pvmx_topo t;
	char buf[4];
	int nhost, narch, old;

	CHECK(pvmx_setbind(7) == PvmBadParam, "pvmx_setbind(7): PvmBadParam");
	CHECK(pvmx_setbind(-1) == PvmBadParam, "pvmx_setbind(-1): PvmBadParam");
	old = pvmx_setbind(PVMX_BIND_CORE);
	CHECK(old == PVMX_BIND_NONE, "pvmx_setbind: the default was none (%d)", old);
	old = pvmx_setbind(PVMX_BIND_NUMA);
	CHECK(old == PVMX_BIND_CORE, "pvmx_setbind returns the policy it replaces (%d)",
	      old);
	pvmx_setbind(PVMX_BIND_NONE);
	CHECK(pvmx_hosttopo(0x7ff << 18, &t) == PvmNoHost, "pvmx_hosttopo of no host");
	CHECK(pvmx_hosttopo(pvm_tidtohost(pvm_mytid()), NULL) == PvmBadParam,
	      "pvmx_hosttopo(NULL)");
	CHECK(pvmx_taskbinding(pvm_tidtohost(pvm_mytid()) + 0x3fff0, buf,
	                       (int)sizeof(buf)) == PvmNoTask,
	      "pvmx_taskbinding of no task");
	CHECK(pvmx_taskbinding(pvm_tidtohost(pvm_mytid()), buf, (int)sizeof(buf)) ==
	          PvmNoTask,
	      "pvmx_taskbinding of a daemon's tid");
	CHECK(pvmx_taskbinding(pvm_mytid(), buf, (int)sizeof(buf)) == 0 && buf[0] == '\0',
	      "pvmx_taskbinding of an unbound task (us): \"\"");
	CHECK(pvm_config(&nhost, &narch, &hosts) == 0, "pvm_config");
	for (int i = 0; i < nhost; i++) {
		int r = pvmx_hosttopo(hosts[i].hi_tid, &t);

		CHECK(r == 0 && t.cores > 0 && t.pus >= t.cores && t.numa > 0,
		      "pvmx_hosttopo of %s: %d cores %d PUs %d NUMA nodes",
		      hosts[i].hi_name, t.cores, t.pus, t.numa);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pvmhostinfo *hosts;
	int r = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pvm_setopt(PvmAutoErr, 0);
	if (argc == 2 && strcmp(argv[1], "child") == 0) {
		pvm_recv(pvm_parent(), 1);
		pvm_exit();
		return 0;
	}
	if (pvm_mytid() < 0) {
		printf("FAIL - no daemon\n");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "topo") == 0) {
		struct pvmx_topo t = {0, 0, 0};
		int i = host_named(argv[2], &hosts);

		if (i < 0 || pvmx_hosttopo(hosts[i].hi_tid, &t) != 0)
			r = 1;
		else
			printf("topo %d %d %d %d\n", t.cores, t.pus, t.numa,
			       hosts[i].hi_speed);
	} else if (argc >= 5 && strcmp(argv[1], "spawn") == 0) {
		r = cmd_spawn(argc, argv);
	} else if (argc == 2 && strcmp(argv[1], "errors") == 0) {
		r = cmd_errors();
	} else {
		fprintf(stderr, "usage: see topo_t.c\n");
		r = 2;
	}
	pvm_exit();
	return r != 0 ? r : fails != 0;
}

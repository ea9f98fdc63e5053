/*
 * pending_t.c - test_pending.sh's task: requests that wait in a daemon
 * (daemon/pending.c) and what answers them when their requester or a
 * host goes.  Each command prints one line for the driver:
 *   pending_t wait NAME          recvinfo(NAME, WaitForInfo|ReadAndDelete):
 *                                "wait RC"
 *   pending_t spawnwait HOST NAME  spawns "pending_t wait NAME" on HOST:
 *                                "spawnwait TID" (hex)
 *   pending_t kill TID           pvm_kill (TID in hex): "kill RC"
 *   pending_t put NAME           putinfo of one int (42), persistent and
 *                                overwritable (a waiter may read and delete it): "put RC"
 *   pending_t get NAME           recvinfo without waiting: "get RC VALUE"
 *   pending_t tasks TID          pvm_tasks(TID in hex): "tasks RC"
 *   pending_t spawn HOST         one "pending_t sleep" there: "spawn RC TID"
 *   pending_t sleep              sleeps 30 s (a task to spawn)
 *   pending_t tickle             pvm_tickle 3 (the daemon logs its waits)
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: pending_t wait|spawnwait|kill|put|get|tasks|spawn|sleep|"
	                "tickle ...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int rc = 0;

	if (argc < 2)
		usage();
	if (strcmp(cmd, "sleep") == 0) {
		pvm_mytid();
		sleep(30);
		pvm_exit();
		return 0;
	}
	if (pvm_mytid() < 0)
		return 1;
	if (strcmp(cmd, "wait") == 0 && argc == 3) {
		rc = pvm_recvinfo(argv[2], 0, PvmMboxWaitForInfo | PvmMboxReadAndDelete);
		printf("wait %d\n", rc < 0 ? rc : 0);
	} else if (strcmp(cmd, "spawnwait") == 0 && argc == 4) {
		char *args[] = {"wait", argv[3], NULL};
		int tid = 0;

		rc = pvm_spawn("pending_t", args, PvmTaskHost, argv[2], 1, &tid);
		printf("spawnwait %x\n", rc == 1 ? (unsigned)tid : 0u);
	} else if (strcmp(cmd, "kill") == 0 && argc == 3) {
		printf("kill %d\n", pvm_kill((int)strtol(argv[2], NULL, 16)));
	} else if (strcmp(cmd, "put") == 0 && argc == 3) {
		int v = 42, buf = pvm_initsend(PvmDataDefault);

		pvm_pkint(&v, 1, 1);
		printf("put %d\n", pvm_putinfo(argv[2], buf,
		                               PvmMboxPersistent | PvmMboxOverWritable));
	} else if (strcmp(cmd, "get") == 0 && argc == 3) {
		int v = 0;

		rc = pvm_recvinfo(argv[2], 0, PvmMboxDefault);
		if (rc > 0) {
			pvm_setrbuf(rc);
			pvm_upkint(&v, 1, 1);
			rc = 0;
		}
		printf("get %d %d\n", rc, v);
	} else if (strcmp(cmd, "tasks") == 0 && argc == 3) {
		struct pvmtaskinfo *ti;
		int n = 0;

		printf("tasks %d\n", pvm_tasks((int)strtol(argv[2], NULL, 16), &n, &ti));
	} else if (strcmp(cmd, "spawn") == 0 && argc == 3) {
		char *args[] = {"sleep", NULL};
		int tid = 0;

		rc = pvm_spawn("pending_t", args, PvmTaskHost, argv[2], 1, &tid);
		printf("spawn %d %d\n", rc, tid);
	} else if (strcmp(cmd, "tickle") == 0) {
		int arg = 3, nres = 0, res[2];

		printf("tickle %d\n", pvm_tickle(1, &arg, &nres, res));
	} else {
		usage();
	}
	fflush(stdout);
	pvm_exit();
	return 0;
}

/*
 * bind_t.c - test task for test_topo.sh: pvmrun's binding functions
 * (launcher/pvmrun_bind.c, linked in) as pvmrun calls them.
 * Usage: bind_t HOST core|numa|none N
 * prints "capacity core C numa M slot S" for HOST, sets the policy, spawns
 * N children (topo_t child) there, reports each binding on stderr as
 * pvmrun --report-bindings does, then ends them.
 */
#include "pvmrun_bind.h"

#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	char *args[] = {"child", NULL};
	struct pvmhostinfo *hosts;
	int tids[32], nhost, narch, dtid = 0, n, k, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pvm_setopt(PvmAutoErr, 0);
	if (argc != 4 || (n = atoi(argv[3])) < 1 || n > 32)
		return 2;
	if (pvm_config(&nhost, &narch, &hosts) < 0)
		return 1;
	for (int i = 0; i < nhost; i++) {
		if (strcmp(hosts[i].hi_name, argv[1]) == 0)
			dtid = hosts[i].hi_tid;
	}
	printf("capacity core %d numa %d slot %d\n", pvmrun_bind_capacity(dtid, "core"),
	       pvmrun_bind_capacity(dtid, "numa"), pvmrun_bind_capacity(dtid, "slot"));
	printf("set bogus %d\n", pvmrun_bind_set("bogus"));
	r = pvmrun_bind_set(argv[2]);
	printf("set %s %d\n", argv[2], r);
	k = pvm_spawn("topo_t", args, PvmTaskHost, argv[1], n, tids);
	printf("spawned %d\n", k);
	for (int i = 0; i < k; i++)
		pvmrun_bind_report(i, tids[i], argv[1]);
	pvm_initsend(PvmDataDefault);
	for (int i = 0; i < k; i++)
		pvm_send(tids[i], 1);
	/* they go: wait (10 s at most) before we leave */
	for (int i = 0; i < k; i++) {
		for (int w = 0; w < 200 && pvm_pstat(tids[i]) != PvmNoTask; w++) {
			struct timespec ts = {0, 50000000L};

			nanosleep(&ts, NULL);
		}
	}
	pvm_exit();
	return k == n && r == 0 ? 0 : 1;
}

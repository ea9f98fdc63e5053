/*
 * alloc_t.c - launcher/pvmrun_alloc.c seen from a batch job (test_slurm.sh).
 *   alloc_t        prints what pvmrun_alloc_hosts returns: "count N", one
 *                  "host NAME SLOTS" a host, "rsh PATH" (or "rsh -");
 *                  exit 0 for hosts, 3 for none, 4 for a malformed one
 *   alloc_t vm     on a running machine: adds the allocation's hosts (the
 *                  daemon's remote shell starts them) and spawns itself on
 *                  each; prints "ran NAME on HOSTNAME" for each
 *   alloc_t child  (spawned by vm) sends its hostname to its parent
 */
#include "pvmrun_alloc.h"

#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TAG_HOSTNAME 77

static int child(void)
{
	char name[256] = "";

	gethostname(name, sizeof(name) - 1);
	pvm_initsend(PvmDataDefault);
	pvm_pkstr(name);
	pvm_send(pvm_parent(), TAG_HOSTNAME);
	pvm_exit();
	return 0;
}

static int vm(struct pvmrun_host *h, int n)
{
	int fails = 0;

	if (pvm_mytid() < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		char *name = h[i].name;
		int info = 0;

		/* the master's own host is in already: PvmDupHost */
		if (pvm_addhosts(&name, 1, &info) < 1 && info != PvmDupHost) {
			printf("FAIL - add %s: %d\n", name, info);
			fails++;
		}
	}
	for (int i = 0; i < n; i++) {
		char *argv[] = {"child", NULL};
		char got[256] = "";
		int tid = 0;

		if (pvm_spawn("alloc_t", argv, PvmTaskHost, h[i].name, 1, &tid) != 1) {
			printf("FAIL - spawn on %s: %d\n", h[i].name, tid);
			fails++;
			continue;
		}
		if (pvm_recv(tid, TAG_HOSTNAME) < 0 || pvm_upkstr(got) < 0) {
			printf("FAIL - no hostname from t%x on %s\n", (unsigned)tid,
			       h[i].name);
			fails++;
			continue;
		}
		printf("ran %s on %s\n", h[i].name, got);
	}
	fflush(stdout);
	pvm_exit();
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct pvmrun_host *h = NULL;
	const char *rsh = NULL;
	int n, r = 0;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	n = pvmrun_alloc_hosts(&h, &rsh);
	if (argc > 1 && strcmp(argv[1], "vm") == 0) {
		r = n > 0 ? vm(h, n) : 1;
	} else {
		printf("count %d\n", n);
		for (int i = 0; i < n; i++)
			printf("host %s %d\n", h[i].name, h[i].slots);
		printf("rsh %s\n", rsh != NULL ? rsh : "-");
		r = n > 0 ? 0 : n == 0 ? 3 : 4;
	}
	free(h);
	return r;
}

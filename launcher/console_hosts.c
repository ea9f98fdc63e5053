/*
 * console_hosts.c - the console's commands on the hosts of the virtual
 * machine: conf, add and delete, printing exactly what PVM 3.4.6's
 * console prints (docs/hosts.md); `conf -v` adds each host's topology
 * (docs/topology.md).
 */
#include "console.h"
#include "errtext.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdlib.h>
#include <string.h>

/* conf [-v]: PVM's table; with -v, three more columns: the host's
 * cores, PUs and NUMA nodes ("-" where its daemon could not tell). */
enum console_action console_cmd_conf(int ac, char **av)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, r, verbose = 0;

	if (ac == 2 && strcmp(av[1], "-v") == 0) {
		verbose = 1;
	} else if (ac > 1) {
		printf("%s: usage: conf [ -v ]\n", av[0]);
		return CONSOLE_CONTINUE;
	}
	r = pvm_config(&nhost, &narch, &hosts);
	if (r < 0) {
		printf("conf: %s\n", errtext(r));
		return CONSOLE_CONTINUE;
	}
	/* PVM's plural: "0 host" as "1 host" */
	printf("%d host%s, %d data format%s\n", nhost, nhost > 1 ? "s" : "", narch,
	       narch > 1 ? "s" : "");
	printf("                    HOST     DTID     ARCH   SPEED       DSIG%s\n",
	       verbose ? "  CORES    PUS   NUMA" : "");
	for (int i = 0; i < nhost; i++) {
		printf("%24s %8x %8s%8d 0x%08x", hosts[i].hi_name,
		       (unsigned)hosts[i].hi_tid, hosts[i].hi_arch, hosts[i].hi_speed,
		       (unsigned)hosts[i].hi_dsig);
		if (verbose) {
			struct pvmx_topo t = {0, 0, 0};

			/* (the table again per host: a console's few hosts) */
			if (pvmx_hosttopo(hosts[i].hi_tid, &t) == 0 && t.cores > 0)
				printf(" %6d %6d %6d", t.cores, t.pus, t.numa);
			else
				printf(" %6s %6s %6s", "-", "-", "-");
		}
		printf("\n");
	}
	return CONSOLE_CONTINUE;
}

/* Runs pvm_addhosts or pvm_delhosts on av[1..ac-1]; returns the count of
 * successes (0 when the request failed as a whole: the library then put
 * its error in every info) and the infos in *infos (caller frees), or -1
 * without memory. */
static int hosts_call(int (*call)(char **, int, int *), int ac, char **av, int **infos)
{
	int n;

	*infos = malloc(sizeof(int) * (size_t)(ac - 1));
	if (*infos == NULL)
		return -1;
	for (int i = 0; i < ac - 1; i++)
		(*infos)[i] = PvmDSysErr;
	n = call(av + 1, ac - 1, *infos);
	return n < 0 ? 0 : n;
}

/* add host ...: one line per host, its new daemon's tid or why not.
 * Each argument is a host file line ('host opt=value ...', quoted). */
enum console_action console_cmd_add(int ac, char **av)
{
	int *infos, n;

	if (ac < 2) {
		printf("%s: wrong #args\n", av[0]);
		return CONSOLE_CONTINUE;
	}
	n = hosts_call(pvm_addhosts, ac, av, &infos);
	if (n < 0) {
		printf("%s: %s\n", av[0], errtext(PvmNoMem));
		return CONSOLE_CONTINUE;
	}
	printf("%d successful\n", n);
	printf("                    HOST     DTID\n");
	for (int i = 0; i < ac - 1; i++) {
		if (infos[i] < 0)
			printf("%24s %8s\n", av[i + 1], errtext(infos[i]));
		else
			printf("%24s %8x\n", av[i + 1], (unsigned)infos[i]);
	}
	free(infos);
	return CONSOLE_CONTINUE;
}

/* delete host ...: one line per host, "deleted" or why not. */
enum console_action console_cmd_delete(int ac, char **av)
{
	int *infos, n;

	if (ac < 2) {
		printf("%s: wrong #args\n", av[0]);
		return CONSOLE_CONTINUE;
	}
	n = hosts_call(pvm_delhosts, ac, av, &infos);
	if (n < 0) {
		printf("%s: %s\n", av[0], errtext(PvmNoMem));
		return CONSOLE_CONTINUE;
	}
	printf("%d successful\n", n);
	printf("                    HOST  STATUS\n");
	for (int i = 0; i < ac - 1; i++) {
		if (infos[i] < 0)
			printf("%24s  %8s\n", av[i + 1], errtext(infos[i]));
		else
			printf("%24s  deleted\n", av[i + 1]);
	}
	free(infos);
	return CONSOLE_CONTINUE;
}

/*
 * pvmrun_bind.c - pvmrun's --map-by core|numa capacities, --bind-to and
 * --report-bindings, on pvmx_hosttopo, pvmx_setbind and
 * pvmx_taskbinding (docs/topology.md).
 */
#include "pvmrun_bind.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdio.h>
#include <string.h>

int pvmrun_bind_capacity(int dtid, const char *map_by)
{
	struct pvmx_topo t = {0, 0, 0};

	if (map_by == NULL || pvmx_hosttopo(dtid, &t) != 0)
		return 0;
	if (strcmp(map_by, "core") == 0)
		return t.cores > 0 ? t.cores : 0;
	if (strcmp(map_by, "numa") == 0)
		return t.numa > 0 ? t.numa : 0;
	return 0;
}

int pvmrun_bind_set(const char *bind_to)
{
	int policy, r;

	if (bind_to == NULL || strcmp(bind_to, "none") == 0)
		policy = PVMX_BIND_NONE;
	else if (strcmp(bind_to, "core") == 0)
		policy = PVMX_BIND_CORE;
	else if (strcmp(bind_to, "numa") == 0)
		policy = PVMX_BIND_NUMA;
	else
		return PvmBadParam;
	r = pvmx_setbind(policy);
	return r < 0 ? r : 0;
}

/* One line per rank, on stderr:
 *   [host:rank] t40001 bound to CPUs 0-1
 *   [host:rank] t40001 not bound
 * or why its binding is not known. */
void pvmrun_bind_report(int rank, int tid, const char *host)
{
	char cpus[1024];
	int r = pvmx_taskbinding(tid, cpus, (int)sizeof(cpus));

	if (host == NULL)
		host = "?";
	if (r < 0)
		fprintf(stderr, "[%s:%d] t%x binding unknown: %s\n", host, rank,
		        (unsigned)tid, r == PvmNoTask ? "no such task" : "error");
	else if (cpus[0] == '\0')
		fprintf(stderr, "[%s:%d] t%x not bound\n", host, rank, (unsigned)tid);
	else
		fprintf(stderr, "[%s:%d] t%x bound to CPUs %s\n", host, rank,
		        (unsigned)tid, cpus);
}

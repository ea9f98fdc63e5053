/*
 * pvmrun_bind.c - a stand-in for placement and binding by hwloc, until
 * the build has it: no capacity known, no binding but "none".
 */
#include "pvmrun_bind.h"

#include <pvm3.h>
#include <stdio.h>
#include <string.h>

int pvmrun_bind_capacity(int dtid, const char *map_by)
{
	(void)dtid;
	(void)map_by;
	return 0;
}

int pvmrun_bind_set(const char *bind_to)
{
	return strcmp(bind_to, "none") == 0 ? 0 : PvmNotImpl;
}

void pvmrun_bind_report(int rank, int tid, const char *host)
{
	fprintf(stderr, "rank %d (t%x) on %s: binding unknown\n", rank, (unsigned)tid,
	        host);
}

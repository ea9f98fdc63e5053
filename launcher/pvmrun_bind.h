/*
 * pvmrun_bind.h - pvmrun's placement by cores or NUMA nodes and its
 * binding of tasks (hwloc; pvmrun_bind.c).
 */
#ifndef PVMX_PVMRUN_BIND_H
#define PVMX_PVMRUN_BIND_H

/* how many ranks host dtid takes under --map-by core or numa (its cores or NUMA nodes); 0 when unknown */
int pvmrun_bind_capacity(int dtid, const char *map_by);
/* makes the daemons bind this task's next pvm_spawn instances: "core", "numa" or "none"; 0 or a negative PVM error */
int pvmrun_bind_set(const char *bind_to);
/* prints, on stderr, where rank's task tid is bound, as mpirun --report-bindings does */
void pvmrun_bind_report(int rank, int tid, const char *host);

#endif

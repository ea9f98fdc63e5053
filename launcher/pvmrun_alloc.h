/*
 * pvmrun_alloc.h - the hosts of the batch allocation pvmrun runs in
 * (pvmrun_alloc.c).
 */
#ifndef PVMX_PVMRUN_ALLOC_H
#define PVMX_PVMRUN_ALLOC_H

struct pvmrun_host { char name[256]; int slots; };
/* the hosts of the batch allocation pvmrun runs in (Slurm, PBS/Torque, LSF): their count (>0), 0 when not in one, -1 after printing why on stderr for a malformed one. *hosts is malloc'd (caller frees); *rsh is the remote shell to start daemons with (a path, static storage) or NULL for PVM_RSH's. */
int pvmrun_alloc_hosts(struct pvmrun_host **hosts, const char **rsh);

#endif

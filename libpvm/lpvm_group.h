/*
 * lpvm_group.h - group membership inside the library: the view of a
 * group that the collectives (lpvm_coll*.c) run over, and the daemon's
 * barrier.  docs/groups-membership.md.
 */
#ifndef PVMX_LPVM_GROUP_H
#define PVMX_LPVM_GROUP_H

struct lpvm_gview {
	int ninst;  /* entries in tids and hosts */
	int *tids;  /* by instance, -1 for a free instance */
	int *hosts; /* host (daemon) tid of each */
	int frozen;
};

/* All members of group, in one answer of its home daemon.  0 or a PVM
 * error code (PvmNullGroup, PvmNoGroup, PvmSysErr, ...).  *out is the
 * library's: valid until the next call for the same group, or for a
 * frozen group until lpvm_group_forget (a frozen group's view is cached:
 * no daemon round trip once it is held). */
int lpvm_group_view(const char *group, const struct lpvm_gview **out);
/* Drops the view held for group (pvm_lvgroup does). */
void lpvm_group_forget(const char *group);
/* pvm_barrier served by the group's home daemon: waits until count
 * members (-1: the group's size when the barrier starts) have called
 * it.  0 or a PVM error code. */
int lpvm_group_barrier_daemon(const char *group, int count);

#endif

/*
 * pvmx_coll_test.h - INTERNAL, for pvmx's own tests only: not part of
 * pvm3.h or pvmx.h, and going away when group membership (issue 10)
 * is built.  Exported by libpvm3 so that test programs can run the
 * collectives before membership exists.
 */
#ifndef PVMX_COLL_TEST_H
#define PVMX_COLL_TEST_H

/* Makes group a view of these tasks, tids[i] being instance i (every
 * member must call it with the same list), so that pvm_barrier,
 * pvm_bcast, pvm_reduce, pvm_gather and pvm_scatter work on it.  Returns
 * the caller's instance; PvmNotInGroup when the caller is not in tids
 * (the view is still made: such a task may pvm_bcast to it); PvmBadParam
 * for a bad list, PvmNoMem. */
int pvmx_coll_test_view(const char *group, const int *tids, int ntids);

#endif

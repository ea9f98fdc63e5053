/*
 * fpvm_group.c - the Fortran group calls and collectives, and PVM's
 * Fortran names of the predefined reduce functions (pvmsum, pvmmax,
 * pvmmin, pvmproduct), which a program passes to pvmfreduce after
 * declaring them external.
 */
#include "fpvm.h"

#include "pvm3.h"

typedef void reduce_fn(int *datatype, void *x, void *y, int *num, int *info);

/* The group name as a C string in buf (FPVM_GROUP_MAX + 1 bytes), or
 * PvmBadParam (into *result) and 0 when it does not fit. */
static int group_name(char *buf, const char *name, fstrlen len, int *result)
{
	if (fpvm_cstr(buf, FPVM_GROUP_MAX + 1, name, len) != 0) {
		*result = PvmBadParam;
		return 0;
	}
	return 1;
}

void pvmfjoingroup_(char *group, int *inum, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, inum))
		*inum = pvm_joingroup(g);
}

void pvmflvgroup_(char *group, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info = pvm_lvgroup(g);
}

void pvmfgetinst_(char *group, int *tid, int *inum, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, inum))
		*inum = pvm_getinst(g, *tid);
}

void pvmfgettid_(char *group, int *inum, int *tid, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, tid))
		*tid = pvm_gettid(g, *inum);
}

void pvmfgsize_(char *group, int *size, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, size))
		*size = pvm_gsize(g);
}

void pvmffreezegroup_(char *group, int *size, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info = pvm_freezegroup(g, *size);
}

void pvmfbarrier_(char *group, int *count, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info = pvm_barrier(g, *count);
}

void pvmfbcast_(char *group, int *msgtag, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info = pvm_bcast(g, *msgtag);
}

/*
 * pvmfreduce(func, data, count, datatype, msgtag, group, rootginst,
 * info): func is called as a C reduce function would be; a Fortran
 * subroutine func(datatype, x, y, num, info) takes every argument by
 * reference, so it is one.
 */
void pvmfreduce_(reduce_fn *func, void *data, int *count, int *datatype, int *msgtag,
                 char *group, int *rootginst, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info = pvm_reduce(func, data, *count, *datatype, *msgtag, g, *rootginst);
}

void pvmfgather_(void *result, void *data, int *count, int *datatype, int *msgtag,
                 char *group, int *rootginst, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info =
		    pvm_gather(result, data, *count, *datatype, *msgtag, g, *rootginst);
}

void pvmfscatter_(void *result, void *data, int *count, int *datatype, int *msgtag,
                  char *group, int *rootginst, int *info, fstrlen group_len)
{
	char g[FPVM_GROUP_MAX + 1];

	if (group_name(g, group, group_len, info))
		*info =
		    pvm_scatter(result, data, *count, *datatype, *msgtag, g, *rootginst);
}

void pvmsum_(int *datatype, void *x, void *y, int *num, int *info)
{
	PvmSum(datatype, x, y, num, info);
}

void pvmproduct_(int *datatype, void *x, void *y, int *num, int *info)
{
	PvmProduct(datatype, x, y, num, info);
}

void pvmmax_(int *datatype, void *x, void *y, int *num, int *info)
{
	PvmMax(datatype, x, y, num, info);
}

void pvmmin_(int *datatype, void *x, void *y, int *num, int *info)
{
	PvmMin(datatype, x, y, num, info);
}

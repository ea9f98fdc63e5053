/*
 * context.c - message contexts (pvm_newcontext, pvm_freecontext): ids
 * unique in the virtual machine, encoded like tids (host index in bits
 * 18-29, a local number below), so that daemons of a multi-host machine
 * never hand out the same one.  A task's contexts are freed when it exits.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>

/* owner tid of each local number; 0 when free */
static int *ctx_owner;
static int ctx_next = 1;
static int ctx_count;

/* A new context for task tid, or a PVM error. */
int context_new(int tid)
{
	if (ctx_owner == NULL) {
		ctx_owner = calloc((size_t)TID_LOCAL_MASK + 1, sizeof(*ctx_owner));
		if (ctx_owner == NULL)
			return PvmNoMem;
	}
	for (int i = 0; i < TID_LOCAL_MASK; i++) {
		int n = ctx_next;

		ctx_next = n >= TID_LOCAL_MASK ? 1 : n + 1;
		if (ctx_owner[n] == 0) {
			ctx_owner[n] = tid;
			ctx_count++;
			return tid_make(pvmd.host_index, n);
		}
	}
	log_warn("t%x: no free contexts (%d in use)", (unsigned)tid, ctx_count);
	return PvmOutOfRes;
}

/* pvm_freecontext by task tid: PvmOk, PvmNotFound for a context that is
 * not allocated, PvmDenied for one another task allocated. */
int context_free(int tid, int ctx)
{
	int n;

	if (ctx <= 0 || !tid_is_valid(ctx) || tid_host_index(ctx) != pvmd.host_index ||
	    tid_local(ctx) == 0 || ctx_owner == NULL)
		return PvmNotFound;
	n = tid_local(ctx);
	if (ctx_owner[n] == 0)
		return PvmNotFound;
	if (ctx_owner[n] != tid)
		return PvmDenied;
	ctx_owner[n] = 0;
	ctx_count--;
	return PvmOk;
}

void context_task_exit(int tid)
{
	if (ctx_owner == NULL || ctx_count == 0)
		return;
	for (int n = 1; n <= TID_LOCAL_MASK; n++) {
		if (ctx_owner[n] == tid) {
			ctx_owner[n] = 0;
			ctx_count--;
		}
	}
}

int context_in_use(void)
{
	return ctx_count;
}

void context_free_all(void)
{
	free(ctx_owner);
	ctx_owner = NULL;
	ctx_count = 0;
}

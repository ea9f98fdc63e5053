/*
 * lpvm_notimpl.c - the part of PVM 3.4's interface not built yet.  Each
 * function exists (so binaries linked against PVM 3.4.6 load and resolve)
 * and answers PvmNotImpl; docs/compat.md says which issue brings it.
 */
#include "lpvm.h"

#define NOTIMPL(fn) return lpvm_error(#fn, PvmNotImpl)

/* message handlers, contexts, message info */

/* messaging extras */

/* resource manager, hoster, tasker, tracer */
int pvm_reg_tracer(int tctx, int ttag, int octx, int otag, char *tmask, int tbuf,
                   int topt)
{
	(void)tctx, (void)ttag, (void)octx, (void)otag, (void)tmask, (void)tbuf;
	(void)topt;
	NOTIMPL(pvm_reg_tracer);
}

/* groups and collectives */
int pvm_joingroup(char *g)
{
	(void)g;
	NOTIMPL(pvm_joingroup);
}
int pvm_lvgroup(char *g)
{
	(void)g;
	NOTIMPL(pvm_lvgroup);
}
int pvm_getinst(char *g, int tid)
{
	(void)g, (void)tid;
	NOTIMPL(pvm_getinst);
}
int pvm_gettid(char *g, int inst)
{
	(void)g, (void)inst;
	NOTIMPL(pvm_gettid);
}
int pvm_gsize(char *g)
{
	(void)g;
	NOTIMPL(pvm_gsize);
}
int pvm_freezegroup(char *g, int size)
{
	(void)g, (void)size;
	NOTIMPL(pvm_freezegroup);
}
int pvm_barrier(char *g, int count)
{
	(void)g, (void)count;
	NOTIMPL(pvm_barrier);
}
int pvm_bcast(char *g, int tag)
{
	(void)g, (void)tag;
	NOTIMPL(pvm_bcast);
}
int pvm_gather(void *result, void *data, int count, int type, int tag, char *g, int root)
{
	(void)result, (void)data, (void)count, (void)type, (void)tag, (void)g, (void)root;
	NOTIMPL(pvm_gather);
}
int pvm_scatter(void *result, void *data, int count, int type, int tag, char *g, int root)
{
	(void)result, (void)data, (void)count, (void)type, (void)tag, (void)g, (void)root;
	NOTIMPL(pvm_scatter);
}
int pvm_reduce(void (*f)(int *, void *, void *, int *, int *), void *data, int count,
               int type, int tag, char *g, int root)
{
	(void)f, (void)data, (void)count, (void)type, (void)tag, (void)g, (void)root;
	NOTIMPL(pvm_reduce);
}

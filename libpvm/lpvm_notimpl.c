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

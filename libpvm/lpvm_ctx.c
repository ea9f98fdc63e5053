/*
 * lpvm_ctx.c - message contexts: pvm_newcontext and pvm_freecontext ask
 * the daemon (ids are unique in the virtual machine); pvm_setcontext and
 * pvm_getcontext only change what this task sends and receives in.
 */
#include "lpvm.h"

#include "wire.h"

int pvm_newcontext(void)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__Empty e = PVMX__EMPTY__INIT;

	req.body_case = PVMX__CONTROL__BODY_NEWCONTEXT;
	req.newcontext = &e;
	return lpvm_status_request("pvm_newcontext", &req, 1);
}

int pvm_freecontext(int ctx)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__ContextRequest c = PVMX__CONTEXT_REQUEST__INIT;
	int r;

	c.ctx = ctx;
	req.body_case = PVMX__CONTROL__BODY_FREECONTEXT;
	req.freecontext = &c;
	r = lpvm_status_request("pvm_freecontext", &req, 1);
	return r < 0 ? r : PvmOk;
}

int pvm_getcontext(void)
{
	return lpvm.ctx;
}

/* Any non-negative context is accepted, allocated or not (as PVM does);
 * a negative one is refused. */
int pvm_setcontext(int ctx)
{
	int old = lpvm.ctx;

	if (ctx < 0)
		return lpvm_error("pvm_setcontext", PvmBadParam);
	lpvm.ctx = ctx;
	lpvm_globals_publish();
	return old;
}

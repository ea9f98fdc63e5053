/*
 * lpvm_trace_reg.c - pvm_reg_tracer: the tracer's settings kept in the
 * mailbox under PVM's PVMTRACERCLASS (as PVM 3.4 keeps them for the tasks
 * started from a shell), read by pvm_spawn for PvmTaskTrace.  The entry
 * is the registering task's: it goes when that task exits.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include <stdlib.h>
#include <string.h>

/* PVM 3.4.6's unpacking of a string of any length (lpvm_buf.c) */
int pvmupkstralloc(char **ss);

int pvm_reg_tracer(int tctx, int ttag, int octx, int otag, char *tmask, int tbuf,
                   int topt)
{
	int sbuf, id, r, me = pvm_mytid();
	char mask[TEV_MASK_LENGTH];

	if (me < 0)
		return me;
	/* PVM: all -1 (and a clear mask) unregisters */
	if (tctx == -1 && ttag == -1 && octx == -1 && otag == -1) {
		int save = pvmautoerr;

		pvmautoerr = 0;
		r = pvm_delinfo(PVMTRACERCLASS, 0, PvmMboxDefault);
		pvmautoerr = save;
		return r < 0 && r != PvmNotFound ? r : PvmOk;
	}
	if (tmask == NULL)
		return lpvm_error("pvm_reg_tracer", PvmBadParam);
	strncpy(mask, tmask, TEV_MASK_LENGTH - 1);
	mask[TEV_MASK_LENGTH - 1] = '\0';
	id = pvm_mkbuf(PvmDataDefault);
	if (id < 0)
		return id;
	sbuf = pvm_setsbuf(id);
	pvm_pkint(&me, 1, 1);
	pvm_pkint(&tctx, 1, 1);
	pvm_pkint(&ttag, 1, 1);
	pvm_pkint(&octx, 1, 1);
	pvm_pkint(&otag, 1, 1);
	pvm_pkint(&tbuf, 1, 1);
	pvm_pkint(&topt, 1, 1);
	pvm_pkstr(mask);
	pvm_setsbuf(sbuf);
	r = pvm_putinfo(PVMTRACERCLASS, id, PvmMboxDefault);
	pvm_freebuf(id);
	/* another tracer holds the entry: PVM answers PvmAlready */
	if (r == PvmExists || r == PvmDenied)
		return lpvm_error("pvm_reg_tracer", PvmAlready);
	return r < 0 ? r : PvmOk;
}

int lpvm_tracer_lookup(int *tid, int *ctx, int *tag, int *buf, int *opt, char *mask,
                       struct lpvm_out_dest *out)
{
	int rbuf = lpvm.rbuf, save = pvmautoerr, id, v[7];
	char *m = NULL;

	pvmautoerr = 0;
	id = pvm_recvinfo(PVMTRACERCLASS, 0, PvmMboxDefault);
	pvmautoerr = save;
	if (id <= 0) {
		lpvm.rbuf = rbuf;
		return -1;
	}
	if (pvm_upkint(v, 7, 1) == 0 && pvmupkstralloc(&m) == 0 && m != NULL && v[0] > 0) {
		strncpy(mask, m, TEV_MASK_LENGTH - 1);
		mask[TEV_MASK_LENGTH - 1] = '\0';
		*tid = v[0];
		*ctx = v[1];
		*tag = v[2];
		*buf = v[5];
		*opt = v[6];
		/* as PVM's daemon: output nobody else collects goes to the
		 * tracer's (octx, otag), stderr with stdout */
		if (out != NULL && out->tid == 0 && v[4] != 0) {
			out->tid = v[0];
			out->ctx = v[3];
			out->code = v[4];
			out->err_code = 0;
		}
	}
	free(m);
	pvm_freebuf(id);
	lpvm.rbuf = rbuf;
	return 0;
}

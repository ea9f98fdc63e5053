/*
 * lpvm_trace_coll.c - the events of the group calls that pvmx traces
 * besides join, leave and barrier (lpvm_trace_ev.c): pvm_bcast (a
 * message to each member but the caller, listed at its exit, as PVM
 * 3.4.6 lists them), pvm_getinst / pvm_gettid / pvm_gsize, and the
 * rooted collectives, each one call on each member's track: their own
 * messages travel in the collectives' context and are not traced.
 */
#include "lpvm.h"
#include "lpvm_coll.h"
#include "lpvm_trace.h"

#include <stdlib.h>

int lpvm_trace_bcast(char *group, int tag, int (*fn)(char *, int))
{
	struct msgbuf *mb = lpvm_buf(lpvm.sbuf);
	const struct lpvm_coll_view *v;
	int cc, nb = -1, n = 0, *dst = NULL;

	pvm_bufinfo(lpvm.sbuf, &nb, NULL, NULL);
	if (lpvm_tev_begin(TEV_BCAST, TEV_EVENT_ENTRY)) {
		lpvm_tev_str(TEV_DID_GN, group != NULL ? group : "");
		lpvm_tev_int(TEV_DID_MC, tag);
		/* pvmx: what pairs the messages with their receives */
		lpvm_tev_int(TEV_DID_MNB, nb);
		lpvm_tev_int(TEV_DID_MCX, mb != NULL && mb->ctx_set ? mb->ctx : lpvm.ctx);
		lpvm_tev_end();
	}
	cc = fn(group, tag);
	/* the members it went to: the view it was sent on */
	v = cc >= 0 ? lpvm_coll_view_find(group) : NULL;
	if (v != NULL && v->ninst > 0 &&
	    (dst = malloc(sizeof(int) * (size_t)v->ninst)) != NULL)
		for (int i = 0; i < v->ninst; i++)
			if (v->tids[i] > 0 && v->tids[i] != lpvm.mytid)
				dst[n++] = v->tids[i];
	if (lpvm_tev_begin(TEV_BCAST, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		lpvm_tev_ints(TEV_DID_MDL, dst, n);
		lpvm_tev_end();
	}
	free(dst);
	return cc;
}

int lpvm_trace_gquery(int kind, char *group, int arg, int (*fn)(char *, int))
{
	int cc;

	if (lpvm_tev_begin(kind, TEV_EVENT_ENTRY)) {
		lpvm_tev_str(TEV_DID_GN, group != NULL ? group : "");
		if (kind == TEV_GETINST)
			lpvm_tev_int(TEV_DID_GT, arg);
		else if (kind == TEV_GETTID)
			lpvm_tev_int(TEV_DID_GI, arg);
		lpvm_tev_end();
	}
	cc = fn(group, arg);
	if (lpvm_tev_begin(kind, TEV_EVENT_EXIT)) {
		lpvm_tev_int(kind == TEV_GETINST  ? TEV_DID_GI
		             : kind == TEV_GETTID ? TEV_DID_GT
		                                  : TEV_DID_GS,
		             cc);
		lpvm_tev_end();
	}
	return cc;
}

void lpvm_trace_rooted_entry(int kind, const char *group, int tag, int count, int type,
                             int root)
{
	int nb = count < 0 || type < PVM_BYTE || type > PVM_ULONG
	             ? -1
	             : (int)((size_t)count *
	                     dsig_elem_size(dsig_native(), (enum dsig_type)type));

	if (lpvm_tev_begin(kind, TEV_EVENT_ENTRY)) {
		lpvm_tev_str(TEV_DID_GN, group != NULL ? group : "");
		lpvm_tev_int(TEV_DID_MC, tag);
		/* pvmx: the count, type and root instance, and the bytes of
		 * one member's part */
		lpvm_tev_int(TEV_DID_CDC, count);
		lpvm_tev_int(TEV_DID_CDT, type);
		lpvm_tev_int(TEV_DID_CGI, root);
		lpvm_tev_int(TEV_DID_MNB, nb);
		lpvm_tev_end();
	}
}

void lpvm_trace_rooted_exit(int kind, int cc)
{
	lpvm_tev_cc_exit(kind, cc);
}

/*
 * lpvm_trace_pmsg.c - the events of pvm_psend, pvm_precv and pvm_probe:
 * an entry and an exit record each, with PVM 3.4.6's data, and what
 * pvmx adds so a collector can pair a psend with its precv (the bytes
 * and the route of a psend).
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include <limits.h>

/* the bytes of len elements of type, as a psend packs them */
static int psend_bytes(int len, int type)
{
	if (len < 0)
		return -1;
	if (type == PVM_STR)
		return len;
	return (int)((size_t)len * dsig_elem_size(dsig_native(), (enum dsig_type)type));
}

/* Begins the entry of a psend (DST, MC, MCX) or precv (RST, RMC, RCX)
 * with PVM's data: 1 when traced, and the caller ends it. */
static int pmsg_entry(int kind, int tid, int tag, void *buf, int len, int type)
{
	int send = kind == TEV_PSEND;

	if (!lpvm_tev_begin(kind, TEV_EVENT_ENTRY))
		return 0;
	lpvm_tev_int(send ? TEV_DID_DST : TEV_DID_RST, tid);
	lpvm_tev_int(send ? TEV_DID_MC : TEV_DID_RMC, tag);
	lpvm_tev_int(send ? TEV_DID_MCX : TEV_DID_RCX, lpvm.ctx);
	lpvm_tev_long(TEV_DID_PDA, (long)buf);
	lpvm_tev_int(TEV_DID_PC, len);
	lpvm_tev_int(TEV_DID_PDT, type);
	return 1;
}

void lpvm_tev_recv_exit(int kind, int cc, int nb, int mc, int src)
{
	if (lpvm_tev_begin(kind, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		lpvm_tev_int(TEV_DID_MNB, nb);
		lpvm_tev_int(TEV_DID_MC, mc);
		lpvm_tev_int(TEV_DID_MCX, lpvm.ctx);
		lpvm_tev_int(TEV_DID_SRC, src);
		lpvm_tev_end();
	}
}

int lpvm_trace_psend(int tid, int tag, void *buf, int len, int type,
                     int (*fn)(int, int, void *, int, int))
{
	int cc;

	if (pmsg_entry(TEV_PSEND, tid, tag, buf, len, type)) {
		/* pvmx: the message's bytes (PVM has the count and type) */
		lpvm_tev_int(TEV_DID_MNB, psend_bytes(len, type));
		lpvm_tev_end();
	}
	lpvm_trace_route = "daemon";
	cc = fn(tid, tag, buf, len, type);
	if (lpvm_tev_begin(TEV_PSEND, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		lpvm_tev_str(TEV_DID_ME, lpvm_trace_route);
		lpvm_tev_end();
	}
	return cc;
}

int lpvm_trace_precv(int tid, int tag, void *buf, int len, int type, int *rtid, int *rtag,
                     int *rlen,
                     int (*fn)(int, int, void *, int, int, int *, int *, int *))
{
	/* INT_MIN: fn took no message and set nothing */
	int cc, src = INT_MIN, mc = -1, nb = -1;

	if (pmsg_entry(TEV_PRECV, tid, tag, buf, len, type))
		lpvm_tev_end();
	cc = fn(tid, tag, buf, len, type, &src, &mc, &nb);
	/* the caller's outputs as fn would have set them */
	if (src != INT_MIN) {
		if (rtid != NULL)
			*rtid = src;
		if (rtag != NULL)
			*rtag = mc;
		if (rlen != NULL)
			*rlen = nb;
	}
	if (cc < 0)
		src = mc = nb = -1;
	lpvm_tev_recv_exit(TEV_PRECV, cc, nb, mc, src);
	return cc;
}

int lpvm_trace_probe(int tid, int tag, int (*fn)(int, int))
{
	int cc;

	if (lpvm_tev_begin(TEV_PROBE, TEV_EVENT_ENTRY)) {
		lpvm_tev_int(TEV_DID_RST, tid);
		lpvm_tev_int(TEV_DID_RMC, tag);
		lpvm_tev_int(TEV_DID_RCX, lpvm.ctx);
		lpvm_tev_end();
	}
	cc = fn(tid, tag);
	lpvm_tev_cc_exit(TEV_PROBE, cc);
	return cc;
}

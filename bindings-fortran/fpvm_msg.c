/*
 * fpvm_msg.c - the Fortran message calls: buffers, packing, sending,
 * receiving, message handlers.  Each forwards to its pvm_* call with
 * PVM 3.4.6's Fortran argument order; the result goes to the last
 * argument.
 */
#include "fpvm.h"

#include "pvm3.h"

#include <stddef.h>
#include <sys/time.h>

void pvmfinitsend_(int *encoding, int *bufid)
{
	*bufid = pvm_initsend(*encoding);
}

void pvmfmkbuf_(int *encoding, int *bufid)
{
	*bufid = pvm_mkbuf(*encoding);
}

void pvmffreebuf_(int *bufid, int *info)
{
	*info = pvm_freebuf(*bufid);
}

void pvmfgetsbuf_(int *bufid)
{
	*bufid = pvm_getsbuf();
}

void pvmfgetrbuf_(int *bufid)
{
	*bufid = pvm_getrbuf();
}

void pvmfsetsbuf_(int *bufid, int *oldbuf)
{
	*oldbuf = pvm_setsbuf(*bufid);
}

void pvmfsetrbuf_(int *bufid, int *oldbuf)
{
	*oldbuf = pvm_setrbuf(*bufid);
}

void pvmfbufinfo_(int *bufid, int *bytes, int *msgtag, int *tid, int *info)
{
	*info = pvm_bufinfo(*bufid, bytes, msgtag, tid);
}

/*
 * pvmfpack(what, xp, nitem, stride, info) and pvmfunpack: what is a data
 * type of fpvm3.h.  STRING moves nitem bytes, as BYTE1 does: a CHARACTER
 * argument's hidden length cannot be read here, since xp may as well be
 * a number (PVM 3.4.6 does the same).  INTEGER8 is a C long.
 */
static int pack_or_unpack(int unpack, int what, void *xp, int n, int s)
{
	switch (what) {
	case PVM_STR:
	case PVM_BYTE:
		return unpack ? pvm_upkbyte(xp, n, s) : pvm_pkbyte(xp, n, s);
	case PVM_SHORT:
		return unpack ? pvm_upkshort(xp, n, s) : pvm_pkshort(xp, n, s);
	case PVM_INT:
		return unpack ? pvm_upkint(xp, n, s) : pvm_pkint(xp, n, s);
	case PVM_LONG:
		return unpack ? pvm_upklong(xp, n, s) : pvm_pklong(xp, n, s);
	case PVM_FLOAT:
		return unpack ? pvm_upkfloat(xp, n, s) : pvm_pkfloat(xp, n, s);
	case PVM_CPLX:
		return unpack ? pvm_upkcplx(xp, n, s) : pvm_pkcplx(xp, n, s);
	case PVM_DOUBLE:
		return unpack ? pvm_upkdouble(xp, n, s) : pvm_pkdouble(xp, n, s);
	case PVM_DCPLX:
		return unpack ? pvm_upkdcplx(xp, n, s) : pvm_pkdcplx(xp, n, s);
	default:
		return PvmBadParam;
	}
}

void pvmfpack_(int *what, void *xp, int *nitem, int *stride, int *info)
{
	*info = pack_or_unpack(0, *what, xp, *nitem, *stride);
}

void pvmfunpack_(int *what, void *xp, int *nitem, int *stride, int *info)
{
	*info = pack_or_unpack(1, *what, xp, *nitem, *stride);
}

void pvmfsend_(int *tid, int *msgtag, int *info)
{
	*info = pvm_send(*tid, *msgtag);
}

/* pvmfmcast(ntask, tids, msgtag, info): the count comes first */
void pvmfmcast_(int *ntask, int *tids, int *msgtag, int *info)
{
	*info = pvm_mcast(tids, *ntask, *msgtag);
}

void pvmfpsend_(int *tid, int *msgtag, void *buf, int *len, int *datatype, int *info)
{
	*info = pvm_psend(*tid, *msgtag, buf, *len, *datatype);
}

void pvmfrecv_(int *tid, int *msgtag, int *bufid)
{
	*bufid = pvm_recv(*tid, *msgtag);
}

void pvmfnrecv_(int *tid, int *msgtag, int *bufid)
{
	*bufid = pvm_nrecv(*tid, *msgtag);
}

/* pvmftrecv(tid, msgtag, sec, usec, bufid): sec = -1 waits for ever */
void pvmftrecv_(int *tid, int *msgtag, const int *sec, const int *usec, int *bufid)
{
	struct timeval tmout = {.tv_sec = *sec, .tv_usec = *usec};

	*bufid = pvm_trecv(*tid, *msgtag, *sec == -1 ? NULL : &tmout);
}

void pvmfprobe_(int *tid, int *msgtag, int *bufid)
{
	*bufid = pvm_probe(*tid, *msgtag);
}

void pvmfprecv_(int *tid, int *msgtag, void *buf, int *len, int *datatype, int *atid,
                int *atag, int *alen, int *info)
{
	*info = pvm_precv(*tid, *msgtag, buf, *len, *datatype, atid, atag, alen);
}

/*
 * pvmfaddmhf(src, tag, ctx, unused, handler, info): PVM 3.4.6 takes the
 * handler fifth, after an argument it never reads, and calls it as a C
 * function of the message id (by value).
 */
void pvmfaddmhf_(int *src, int *tag, int *ctx, int *unused, int (*handler)(int),
                 int *info)
{
	(void)unused;
	*info = pvm_addmhf(*src, *tag, *ctx, handler);
}

void pvmfdelmhf_(int *mhid, int *info)
{
	*info = pvm_delmhf(*mhid);
}

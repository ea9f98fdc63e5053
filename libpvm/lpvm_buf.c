/*
 * lpvm_buf.c - message buffer ids (pvm_mkbuf, pvm_initsend, pvm_setsbuf,
 * ...) and the pack/unpack entry points, which check their arguments and
 * hand the work to msgbuf.c.
 */
#include "lpvm.h"

#include "dsig.h"

#include <stdlib.h>
#include <string.h>

struct lpvm_state lpvm = {
    .fd = -1,
    .mytid = -1,
    .parent = PvmNoParent,
    .route = PvmAllowDirect,
    .fragsize = PVMX_FRAGSIZE_DEFAULT,
    .polltype = PvmPollSleep,
    .polltime = 0,
    .showtids = 1, /* as PVM 3.4.6 */
};

struct msgbuf *lpvm_buf(int id)
{
	if (id < 1 || id > lpvm.nbufs)
		return NULL;
	return lpvm.bufs[id - 1];
}

int lpvm_buf_register(struct msgbuf *mb)
{
	struct msgbuf **nb;
	int i, n;

	for (i = 0; i < lpvm.nbufs; i++) {
		if (lpvm.bufs[i] == NULL) {
			lpvm.bufs[i] = mb;
			mb->id = i + 1;
			return i + 1;
		}
	}
	n = lpvm.nbufs ? lpvm.nbufs * 2 : 16;
	nb = realloc(lpvm.bufs, sizeof(*nb) * (size_t)n);
	if (nb == NULL)
		return PvmNoMem;
	memset(nb + lpvm.nbufs, 0, sizeof(*nb) * (size_t)(n - lpvm.nbufs));
	lpvm.bufs = nb;
	i = lpvm.nbufs;
	lpvm.nbufs = n;
	lpvm.bufs[i] = mb;
	mb->id = i + 1;
	return i + 1;
}

int lpvm_rxq_push(int id)
{
	if (lpvm.nrx == lpvm.rxcap) {
		int n = lpvm.rxcap ? lpvm.rxcap * 2 : 32;
		int *q = realloc(lpvm.rxq, sizeof(int) * (size_t)n);

		if (q == NULL)
			return PvmNoMem;
		lpvm.rxq = q;
		lpvm.rxcap = n;
	}
	lpvm.rxq[lpvm.nrx++] = id;
	return 0;
}

void lpvm_rxq_remove_at(int i)
{
	memmove(lpvm.rxq + i, lpvm.rxq + i + 1, sizeof(int) * (size_t)(lpvm.nrx - i - 1));
	lpvm.nrx--;
}

/* Frees buffer id, wherever it is referenced from. */
void lpvm_buf_release(int id)
{
	struct msgbuf *mb = lpvm_buf(id);
	int i;

	if (mb == NULL)
		return;
	for (i = 0; i < lpvm.nrx; i++) {
		if (lpvm.rxq[i] == id) {
			lpvm_rxq_remove_at(i);
			break;
		}
	}
	if (lpvm.sbuf == id)
		lpvm.sbuf = 0;
	if (lpvm.rbuf == id)
		lpvm.rbuf = 0;
	lpvm.bufs[id - 1] = NULL;
	msgbuf_free(mb);
	lpvm_mhf_released(id);
}

static int valid_encoding(int enc)
{
	return enc == PvmDataDefault || enc == PvmDataRaw || enc == PvmDataInPlace;
}

int pvm_mkbuf(int encoding)
{
	struct msgbuf *mb;
	int id;

	if (!valid_encoding(encoding))
		return lpvm_error("pvm_mkbuf", PvmBadParam);
	mb = msgbuf_new(encoding, dsig_native());
	if (mb == NULL)
		return lpvm_error("pvm_mkbuf", PvmNoMem);
	id = lpvm_buf_register(mb);
	if (id < 0) {
		msgbuf_free(mb);
		return lpvm_error("pvm_mkbuf", id);
	}
	return id;
}

int pvm_freebuf(int bufid)
{
	if (bufid < 0)
		return lpvm_error("pvm_freebuf", PvmBadParam);
	if (lpvm_buf(bufid) == NULL)
		return lpvm_error("pvm_freebuf", PvmNoSuchBuf);
	lpvm_buf_release(bufid);
	return PvmOk;
}

int pvm_initsend(int encoding)
{
	int id;

	if (!valid_encoding(encoding))
		return lpvm_error("pvm_initsend", PvmBadParam);
	if (lpvm.sbuf > 0)
		lpvm_buf_release(lpvm.sbuf);
	id = pvm_mkbuf(encoding);
	if (id > 0)
		lpvm.sbuf = id;
	return id;
}

int pvm_getsbuf(void)
{
	return lpvm.sbuf;
}
int pvm_getrbuf(void)
{
	return lpvm.rbuf;
}

int pvm_setsbuf(int bufid)
{
	int old = lpvm.sbuf;

	if (bufid < 0)
		return lpvm_error("pvm_setsbuf", PvmBadParam);
	if (bufid > 0 && lpvm_buf(bufid) == NULL)
		return lpvm_error("pvm_setsbuf", PvmNoSuchBuf);
	lpvm.sbuf = bufid;
	return old;
}

int pvm_setrbuf(int bufid)
{
	int old = lpvm.rbuf;

	if (bufid < 0)
		return lpvm_error("pvm_setrbuf", PvmBadParam);
	if (bufid > 0 && lpvm_buf(bufid) == NULL)
		return lpvm_error("pvm_setrbuf", PvmNoSuchBuf);
	lpvm.rbuf = bufid;
	return old;
}

int pvm_bufinfo(int bufid, int *bytes, int *msgtag, int *tid)
{
	struct msgbuf *mb;

	if (bufid <= 0)
		return lpvm_error("pvm_bufinfo", PvmBadParam);
	mb = lpvm_buf(bufid);
	if (mb == NULL)
		return lpvm_error("pvm_bufinfo", PvmNoSuchBuf);
	if (bytes != NULL)
		*bytes = (int)msgbuf_pvm_length(mb);
	if (msgtag != NULL)
		*msgtag = mb->tag;
	if (tid != NULL)
		*tid = mb->src;
	return PvmOk;
}

/* pack and unpack entry points ------------------------------------------ */

static int pack(const char *fn, enum dsig_type t, const void *addr, int n, int stride)
{
	struct msgbuf *mb = lpvm_buf(lpvm.sbuf);
	int r;

	if (mb == NULL)
		return lpvm_error(fn, PvmNoBuf);
	if (n < 0 || stride < 1 || (addr == NULL && n > 0))
		return lpvm_error(fn, PvmBadParam);
	r = msgbuf_pack(mb, t, addr, n, stride);
	return r < 0 ? lpvm_error(fn, r) : PvmOk;
}

static int unpack(const char *fn, enum dsig_type t, void *addr, int n, int stride)
{
	struct msgbuf *mb = lpvm_buf(lpvm.rbuf);
	int r;

	if (mb == NULL)
		return lpvm_error(fn, PvmNoBuf);
	if (n < 0 || stride < 1 || (addr == NULL && n > 0))
		return lpvm_error(fn, PvmBadParam);
	r = msgbuf_unpack(mb, t, addr, n, stride);
	return r < 0 ? lpvm_error(fn, r) : PvmOk;
}

int pvm_pkbyte(char *p, int n, int s)
{
	return pack("pvm_pkbyte", DSIG_BYTE, p, n, s);
}
int pvm_pkcplx(float *p, int n, int s)
{
	return pack("pvm_pkcplx", DSIG_CPLX, p, n, s);
}
int pvm_pkdcplx(double *p, int n, int s)
{
	return pack("pvm_pkdcplx", DSIG_DCPLX, p, n, s);
}
int pvm_pkdouble(double *p, int n, int s)
{
	return pack("pvm_pkdouble", DSIG_DOUBLE, p, n, s);
}
int pvm_pkfloat(float *p, int n, int s)
{
	return pack("pvm_pkfloat", DSIG_FLOAT, p, n, s);
}
int pvm_pkint(int *p, int n, int s)
{
	return pack("pvm_pkint", DSIG_INT, p, n, s);
}
int pvm_pklong(long *p, int n, int s)
{
	return pack("pvm_pklong", DSIG_LONG, p, n, s);
}
int pvm_pkshort(short *p, int n, int s)
{
	return pack("pvm_pkshort", DSIG_SHORT, p, n, s);
}
int pvm_pkuint(unsigned int *p, int n, int s)
{
	return pack("pvm_pkuint", DSIG_UINT, p, n, s);
}
int pvm_pkulong(unsigned long *p, int n, int s)
{
	return pack("pvm_pkulong", DSIG_ULONG, p, n, s);
}
int pvm_pkushort(unsigned short *p, int n, int s)
{
	return pack("pvm_pkushort", DSIG_USHORT, p, n, s);
}

int pvm_pkstr(char *s)
{
	struct msgbuf *mb = lpvm_buf(lpvm.sbuf);
	int r;

	if (mb == NULL)
		return lpvm_error("pvm_pkstr", PvmNoBuf);
	if (s == NULL)
		return lpvm_error("pvm_pkstr", PvmBadParam);
	r = msgbuf_pack_str(mb, s);
	return r < 0 ? lpvm_error("pvm_pkstr", r) : PvmOk;
}

int pvm_upkbyte(char *p, int n, int s)
{
	return unpack("pvm_upkbyte", DSIG_BYTE, p, n, s);
}
int pvm_upkcplx(float *p, int n, int s)
{
	return unpack("pvm_upkcplx", DSIG_CPLX, p, n, s);
}
int pvm_upkdcplx(double *p, int n, int s)
{
	return unpack("pvm_upkdcplx", DSIG_DCPLX, p, n, s);
}
int pvm_upkdouble(double *p, int n, int s)
{
	return unpack("pvm_upkdouble", DSIG_DOUBLE, p, n, s);
}
int pvm_upkfloat(float *p, int n, int s)
{
	return unpack("pvm_upkfloat", DSIG_FLOAT, p, n, s);
}
int pvm_upkint(int *p, int n, int s)
{
	return unpack("pvm_upkint", DSIG_INT, p, n, s);
}
int pvm_upklong(long *p, int n, int s)
{
	return unpack("pvm_upklong", DSIG_LONG, p, n, s);
}
int pvm_upkshort(short *p, int n, int s)
{
	return unpack("pvm_upkshort", DSIG_SHORT, p, n, s);
}
int pvm_upkuint(unsigned int *p, int n, int s)
{
	return unpack("pvm_upkuint", DSIG_UINT, p, n, s);
}
int pvm_upkulong(unsigned long *p, int n, int s)
{
	return unpack("pvm_upkulong", DSIG_ULONG, p, n, s);
}
int pvm_upkushort(unsigned short *p, int n, int s)
{
	return unpack("pvm_upkushort", DSIG_USHORT, p, n, s);
}

int pvm_upkstr(char *s)
{
	struct msgbuf *mb = lpvm_buf(lpvm.rbuf);
	int r;

	if (mb == NULL)
		return lpvm_error("pvm_upkstr", PvmNoBuf);
	if (s == NULL)
		return lpvm_error("pvm_upkstr", PvmBadParam);
	r = msgbuf_unpack_str(mb, s);
	return r < 0 ? lpvm_error("pvm_upkstr", r) : PvmOk;
}

/* PVM 3.4.6's unpacking of a string of unknown length, exported by its
 * library: *ss gets a malloc'd copy (the caller frees it), or NULL.
 * Returns 0 or the error code, without reporting it (as PVM). */
int pvmupkstralloc(char **ss);
int pvmupkstralloc(char **ss)
{
	struct msgbuf *mb = lpvm_buf(lpvm.rbuf);
	size_t n;
	int r;

	if (ss == NULL)
		return PvmBadParam;
	*ss = NULL;
	if (mb == NULL)
		return PvmNoBuf;
	r = msgbuf_count_ahead(mb, DSIG_STR, &n);
	if (r < 0)
		return r;
	*ss = malloc(n + 1);
	if (*ss == NULL)
		return PvmNoMem;
	r = msgbuf_unpack_str(mb, *ss);
	if (r < 0) {
		free(*ss);
		*ss = NULL;
	}
	return r;
}

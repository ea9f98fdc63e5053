/*
 * lpvm_pmsg.c - whole-buffer messaging: pvm_psend / pvm_precv (one typed
 * array per message), pvm_pkmesg / pvm_pkmesgbody / pvm_upkmesg (a message
 * inside another) and pvm_getminfo / pvm_setminfo (message header fields).
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include "tid.h"

#include <stdlib.h>
#include <string.h>

/* A packed message inside another: an int item of these header fields in
 * this order, then one byte item holding the body as packed, in the
 * signature named by the enc field. */
enum {
	MINFO_LEN,
	MINFO_CTX,
	MINFO_TAG,
	MINFO_WID,
	MINFO_ENC,
	MINFO_CRC,
	MINFO_SRC,
	MINFO_DST,
	MINFO_N
};

static int valid_type(int type)
{
	return type >= PVM_STR && type <= PVM_ULONG;
}

static int psend_untraced(int tid, int tag, void *buf, int len, int type)
{
	struct msgbuf *mb;
	int r = lpvm_ensure("pvm_psend");

	if (r < 0)
		return r;
	if (!tid_is_valid(tid) || tag < 0 || !valid_type(type) || len < 0 ||
	    (buf == NULL && len > 0))
		return lpvm_error("pvm_psend", PvmBadParam);
	mb = msgbuf_new(PvmDataDefault, dsig_native());
	if (mb == NULL)
		return lpvm_error("pvm_psend", PvmNoMem);
	if (type == PVM_STR) {
		/* len characters, as a string (a NUL before them ends it) */
		char *s = malloc((size_t)len + 1);

		r = PvmNoMem;
		if (s != NULL) {
			memcpy(s, buf, (size_t)len);
			s[len] = '\0';
			r = msgbuf_pack_str(mb, s);
			free(s);
		}
	} else {
		r = msgbuf_pack(mb, (enum dsig_type)type, buf, len, 1);
	}
	if (r == 0)
		r = lpvm_send_data(tid, tag, lpvm.ctx, mb);
	msgbuf_free(mb);
	return r < 0 ? lpvm_error("pvm_psend", r) : PvmOk;
}

/* Unpacks at most len elements of type into buf; *n gets how many the
 * message holds. */
static int precv_unpack(struct msgbuf *mb, void *buf, int len, int type, size_t *n)
{
	size_t take;
	int r = msgbuf_count_ahead(mb, (enum dsig_type)type, n);

	if (r == PvmNoData) {
		*n = 0;
		if (type == PVM_STR && len > 0)
			*(char *)buf = '\0';
		return 0;
	}
	if (r < 0)
		return r;
	if (type != PVM_STR) {
		take = *n < (size_t)len ? *n : (size_t)len;
		return msgbuf_unpack(mb, (enum dsig_type)type, buf, (int)take, 1);
	}
	if (len < 1)
		return 0;
	if (*n < (size_t)len)
		return msgbuf_unpack_str(mb, buf);
	{
		/* longer than buf: its first len - 1 characters, terminated */
		char *tmp = malloc(*n + 1);

		if (tmp == NULL)
			return PvmNoMem;
		r = msgbuf_unpack_str(mb, tmp);
		if (r == 0) {
			memcpy(buf, tmp, (size_t)len - 1);
			((char *)buf)[len - 1] = '\0';
		}
		free(tmp);
		return r;
	}
}

static int precv_untraced(int tid, int tag, void *buf, int len, int type, int *rtid,
                          int *rtag, int *rlen)
{
	struct msgbuf *mb;
	size_t n = 0;
	int id, r, i;

	r = lpvm_ensure("pvm_precv");
	if (r < 0)
		return r;
	if ((tid != -1 && !tid_is_valid(tid)) || tag < -1 || !valid_type(type) ||
	    len < 0 || (buf == NULL && len > 0))
		return lpvm_error("pvm_precv", PvmBadParam);
	/* leave the receive buffer alone: take the message off the queue */
	id = lpvm_receive("pvm_precv", tid, tag, -1, 0);
	if (id <= 0)
		return id < 0 ? id : lpvm_error("pvm_precv", PvmSysErr);
	for (i = 0; i < lpvm.nrx; i++) {
		if (lpvm.rxq[i] == id) {
			lpvm_rxq_remove_at(i);
			break;
		}
	}
	mb = lpvm_buf(id);
	if (rtid != NULL)
		*rtid = mb->src;
	if (rtag != NULL)
		*rtag = mb->tag;
	r = precv_unpack(mb, buf, len, type, &n);
	/* as PVM 3.4.6: the length in bytes of what was sent, even when
	 * only len elements fitted */
	if (rlen != NULL)
		*rlen = (int)(n * dsig_elem_size(dsig_native(), (enum dsig_type)type));
	lpvm_buf_release(id);
	return r < 0 ? lpvm_error("pvm_precv", r) : PvmOk;
}

int pvm_psend(int tid, int tag, void *buf, int len, int type)
{
	if (lpvm_trace_on)
		return lpvm_trace_psend(tid, tag, buf, len, type, psend_untraced);
	return psend_untraced(tid, tag, buf, len, type);
}

int pvm_precv(int tid, int tag, void *buf, int len, int type, int *rtid, int *rtag,
              int *rlen)
{
	if (lpvm_trace_on)
		return lpvm_trace_precv(tid, tag, buf, len, type, rtid, rtag, rlen,
		                        precv_untraced);
	return precv_untraced(tid, tag, buf, len, type, rtid, rtag, rlen);
}

/* pvm_pkmesg family ----------------------------------------------------- */

/* The buffer to include: exists and is not the send buffer.  Both
 * outputs are set on every path (NULL on error). */
static int included(const char *fn, int bufid, struct msgbuf **inner,
                    struct msgbuf **outer)
{
	*inner = NULL;
	*outer = NULL;
	if (bufid <= 0)
		return lpvm_error(fn, PvmBadParam);
	*inner = lpvm_buf(bufid);
	if (*inner == NULL)
		return lpvm_error(fn, PvmNoSuchBuf);
	*outer = lpvm_buf(lpvm.sbuf);
	if (*outer == NULL)
		return lpvm_error(fn, PvmNoBuf);
	if (bufid == lpvm.sbuf)
		return lpvm_error(fn, PvmBadParam);
	return 0;
}

int pvm_pkmesg(int bufid)
{
	struct msgbuf *inner, *outer;
	int hdr[MINFO_N], enc, r;
	uint8_t *body;
	size_t len;

	r = included("pvm_pkmesg", bufid, &inner, &outer);
	if (r < 0)
		return r;
	len = msgbuf_length(inner);
	if (len > 0x7fffffff)
		return lpvm_error("pvm_pkmesg", PvmOverflow);
	body = msgbuf_flatten(inner);
	if (body == NULL)
		return lpvm_error("pvm_pkmesg", PvmNoMem);
	hdr[MINFO_LEN] = (int)len;
	hdr[MINFO_CTX] = inner->ctx;
	hdr[MINFO_TAG] = inner->tag;
	hdr[MINFO_WID] = inner->wid;
	hdr[MINFO_ENC] = inner->dsig;
	hdr[MINFO_CRC] = 0;
	hdr[MINFO_SRC] = inner->src;
	hdr[MINFO_DST] = inner->dst;
	/* copied, whatever the send buffer's encoding: body is ours to free */
	enc = outer->encoding;
	outer->encoding = PvmDataDefault;
	r = msgbuf_pack(outer, DSIG_INT, hdr, MINFO_N, 1);
	if (r == 0)
		r = msgbuf_pack(outer, DSIG_BYTE, body, (int)len, 1);
	outer->encoding = enc;
	free(body);
	return r < 0 ? lpvm_error("pvm_pkmesg", r) : PvmOk;
}

int pvm_pkmesgbody(int bufid)
{
	struct msgbuf *inner, *outer;
	uint8_t *body;
	int r;

	r = included("pvm_pkmesgbody", bufid, &inner, &outer);
	if (r < 0)
		return r;
	if (inner->dsig != outer->dsig)
		return lpvm_error("pvm_pkmesgbody", PvmMismatch);
	body = msgbuf_flatten(inner);
	if (body == NULL)
		return lpvm_error("pvm_pkmesgbody", PvmNoMem);
	r = msgbuf_append_raw(outer, body, msgbuf_length(inner));
	free(body);
	return r < 0 ? lpvm_error("pvm_pkmesgbody", r) : PvmOk;
}

int pvm_upkmesg(void)
{
	struct msgbuf *outer = lpvm_buf(lpvm.rbuf), *mb;
	int hdr[MINFO_N], r, id;
	size_t have = 0;
	uint8_t *body;

	if (outer == NULL)
		return lpvm_error("pvm_upkmesg", PvmNoBuf);
	r = msgbuf_unpack(outer, DSIG_INT, hdr, MINFO_N, 1);
	if (r < 0)
		return lpvm_error("pvm_upkmesg", r);
	/* the body must be there before its length is trusted */
	if (hdr[MINFO_LEN] < 0 ||
	    (hdr[MINFO_LEN] > 0 && (msgbuf_count_ahead(outer, DSIG_BYTE, &have) != 0 ||
	                            have < (size_t)hdr[MINFO_LEN])))
		return lpvm_error("pvm_upkmesg", PvmBadMsg);
	body = malloc(hdr[MINFO_LEN] > 0 ? (size_t)hdr[MINFO_LEN] : 1);
	if (body == NULL)
		return lpvm_error("pvm_upkmesg", PvmNoMem);
	r = msgbuf_unpack(outer, DSIG_BYTE, body, hdr[MINFO_LEN], 1);
	if (r == 0 && !dsig_is_supported(hdr[MINFO_ENC]))
		r = PvmBadMsg;
	mb = r == 0 ? msgbuf_from_bytes(body, (size_t)hdr[MINFO_LEN], hdr[MINFO_ENC])
	            : NULL;
	if (mb == NULL) {
		free(body);
		return lpvm_error("pvm_upkmesg", r < 0 ? r : PvmNoMem);
	}
	mb->ctx = hdr[MINFO_CTX];
	mb->tag = hdr[MINFO_TAG];
	mb->wid = hdr[MINFO_WID];
	mb->src = hdr[MINFO_SRC];
	mb->dst = hdr[MINFO_DST];
	id = lpvm_buf_register(mb);
	if (id < 0) {
		msgbuf_free(mb);
		return lpvm_error("pvm_upkmesg", id);
	}
	return id;
}

/* message header fields ------------------------------------------------- */

int pvm_getminfo(int bufid, struct pvmminfo *info)
{
	struct msgbuf *mb;

	if (bufid <= 0 || info == NULL)
		return lpvm_error("pvm_getminfo", PvmBadParam);
	mb = lpvm_buf(bufid);
	if (mb == NULL)
		return lpvm_error("pvm_getminfo", PvmNoSuchBuf);
	info->len = (int)msgbuf_pvm_length(mb);
	/* a buffer being packed reports the context a send would use */
	info->ctx = mb->ctx_set || mb->src != 0 ? mb->ctx : lpvm.ctx;
	info->tag = mb->tag;
	info->wid = mb->wid;
	info->enc = mb->dsig;
	info->crc = 0;
	info->src = mb->src;
	info->dst = mb->dst;
	return PvmOk;
}

/* Only ctx, tag, wid, src and dst can be set.  A send buffer's ctx is what
 * pvm_send then uses; tag and dst are pvm_send's own arguments, and the
 * daemon stamps the true source, so those three are kept for getminfo
 * only; wid is not carried on the wire (the frame has no field for it). */
int pvm_setminfo(int bufid, struct pvmminfo *info)
{
	struct msgbuf *mb;

	if (bufid <= 0 || info == NULL)
		return lpvm_error("pvm_setminfo", PvmBadParam);
	mb = lpvm_buf(bufid);
	if (mb == NULL)
		return lpvm_error("pvm_setminfo", PvmNoSuchBuf);
	mb->ctx = info->ctx;
	mb->ctx_set = 1;
	mb->tag = info->tag;
	mb->wid = info->wid;
	mb->src = info->src;
	mb->dst = info->dst;
	return PvmOk;
}

/*
 * lpvm_trace.c - PVM 3.4's trace records: the masks (pvm_settmask /
 * pvm_gettmask), the packing of one event (a descriptor the first time a
 * kind is sent, then records), the buffer of events (PvmTraceBuffer) and
 * its sending to the tracer.  Format as PVM 3.4.6 sends it (pvmtev.h):
 * ints and strings packed in a PvmDataDefault message.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include <pvmtev.h>
#include <string.h>
#include <sys/time.h>

int lpvm_trace_on;
const char *lpvm_trace_route = "daemon";

static int tbuf;       /* the buffer of events being packed, 0 when none */
static int saved_sbuf; /* the user's send buffer while one is packed */
static int desc_mode;  /* packing a descriptor (types with the values) */
static int flushing;   /* inside the send of the buffer */

static char *mask_of(int who)
{
	switch (who) {
	case PvmTaskSelf:
		return pvmtrc.tmask;
	case PvmTaskChild:
		return pvmctrc.tmask;
	default:
		return NULL;
	}
}

int pvm_settmask(int who, Pvmtmask tmask)
{
	char *m = mask_of(who);

	if (m == NULL || tmask == NULL)
		return lpvm_error("pvm_settmask", PvmBadParam);
	/* a mask is a string; the last byte stays the terminator */
	strncpy(m, tmask, TEV_MASK_LENGTH - 1);
	m[TEV_MASK_LENGTH - 1] = '\0';
	lpvm_trace_update();
	return PvmOk;
}

int pvm_gettmask(int who, Pvmtmask tmask)
{
	const char *m = mask_of(who);

	if (m == NULL || tmask == NULL)
		return lpvm_error("pvm_gettmask", PvmBadParam);
	memcpy(tmask, m, TEV_MASK_LENGTH);
	return PvmOk;
}

static int mask_empty(const char *m)
{
	for (int i = 0; i < TEV_MASK_LENGTH - 1 && m[i] != '\0'; i++)
		if ((m[i] & 0x0f) != 0)
			return 0;
	return 1;
}

void tev_init(void);

void lpvm_trace_update(void)
{
	static int tracer;

	/* a new tracer gets the descriptors again (PVM's tev_init) */
	if (lpvm.self_trace_tid != tracer) {
		tracer = lpvm.self_trace_tid;
		tev_init();
	}
	lpvm_trace_on =
	    lpvm.mytid > 0 && lpvm.self_trace_tid > 0 &&
	    lpvm.self_trace_tid != lpvm.mytid && lpvm.self_trace_options >= 0 &&
	    lpvm.self_trace_options <= PvmTraceCount && !mask_empty(pvmtrc.tmask);
}

static void pk_int(int v)
{
	pvm_pkint(&v, 1, 1);
}

/* one datum: in a descriptor its id and type first, then the value */
static void datum_head(int did, int type, int array, int count)
{
	if (desc_mode) {
		pk_int(did);
		pk_int(type | array);
	}
	if (array == TEV_DATA_ARRAY)
		pk_int(count);
}

void lpvm_tev_int(int did, int v)
{
	if (lpvm_tsum_open)
		return;
	datum_head(did, TEV_DATA_INT, TEV_DATA_SCALAR, 1);
	pk_int(v);
}

void lpvm_tev_ints(int did, const int *v, int n)
{
	if (lpvm_tsum_open)
		return;
	datum_head(did, TEV_DATA_INT, TEV_DATA_ARRAY, n);
	if (n > 0)
		pvm_pkint((int *)v, n, 1);
}

/* PVM traces addresses (PDA) as longs */
void lpvm_tev_long(int did, long v)
{
	datum_head(did, TEV_DATA_LONG, TEV_DATA_SCALAR, 1);
	pvm_pklong(&v, 1, 1);
}

void lpvm_tev_str(int did, const char *s)
{
	if (lpvm_tsum_open)
		return;
	datum_head(did, TEV_DATA_STRING, TEV_DATA_SCALAR, 1);
	pvm_pkstr((char *)(s != NULL ? s : ""));
}

int lpvm_tev_begin(int kind, int entry_exit)
{
	struct timeval now;
	int ev = kind | entry_exit, fresh = 0;

	if (!lpvm_trace_on || flushing || kind < TEV_FIRST || kind > TEV_MAX)
		return 0;
	/* newtask / spntask / endtask are the daemon's in PVM: always sent */
	if (kind < TEV_NEWTASK && !TEV_MASK_CHECK(pvmtrc.tmask, kind))
		return 0;
	if (lpvm_tsum_begin(kind, entry_exit))
		return 1;
	if (tbuf <= 0) {
		tbuf = pvm_mkbuf(PvmDataDefault);
		if (tbuf <= 0)
			return 0;
		fresh = 1;
	}
	gettimeofday(&now, NULL);
	saved_sbuf = pvm_setsbuf(tbuf);
	if (fresh && lpvm.self_trace_buffer > 0)
		pk_int(TEV_MARK_EVENT_BUFFER);
	desc_mode = !(pvmtevinfo[kind].desc_status & entry_exit);
	pvmtevinfo[kind].desc_status |= entry_exit;
	pk_int(desc_mode ? TEV_MARK_EVENT_DESC : TEV_MARK_EVENT_RECORD);
	pk_int(ev);
	if (desc_mode)
		pvm_pkstr(pvmtevinfo[kind].name);
	lpvm_tev_int(TEV_DID_TS, (int)now.tv_sec);
	lpvm_tev_int(TEV_DID_TU, (int)now.tv_usec);
	lpvm_tev_int(TEV_DID_TID, lpvm.mytid);
	return 1;
}

void lpvm_tev_end(void)
{
	const struct msgbuf *mb;

	if (lpvm_tsum_open) {
		lpvm_tsum_open = 0;
		return;
	}
	pk_int(desc_mode ? TEV_MARK_EVENT_DESC_END : TEV_MARK_EVENT_RECORD_END);
	pvm_setsbuf(saved_sbuf);
	/* the bytes packed so far, counted in one step: pvm_bufinfo walks
	 * every item, which made each event cost as much as the buffer
	 * held (a 64 KiB buffer: 30 times the latency of 0) */
	mb = lpvm_buf(tbuf);
	if (lpvm.self_trace_buffer <= 0 || mb == NULL ||
	    msgbuf_length(mb) >= (size_t)lpvm.self_trace_buffer)
		lpvm_tev_flush();
}

void lpvm_tev_cc_exit(int kind, int cc)
{
	if (lpvm_tev_begin(kind, TEV_EVENT_EXIT)) {
		lpvm_tev_int(TEV_DID_CC, cc);
		lpvm_tev_end();
	}
}

void lpvm_tev_flush(void)
{
	struct msgbuf *mb;
	int id = tbuf;

	if (id <= 0)
		return;
	tbuf = 0;
	if (lpvm.self_trace_buffer > 0) {
		int old = pvm_setsbuf(id);

		pk_int(TEV_MARK_EVENT_BUFFER_END);
		pvm_setsbuf(old);
	}
	mb = lpvm_buf(id);
	if (mb != NULL && lpvm.self_trace_tid > 0 && lpvm.fd >= 0) {
		flushing = 1;
		lpvm_send_data(lpvm.self_trace_tid, lpvm.self_trace_code,
		               lpvm.self_trace_ctx, mb);
		flushing = 0;
	}
	pvm_freebuf(id);
}

/* PVM's trace packing vector (PVM's TEV_PACK_* macros call through it
 * once tev_begin has begun a record): ints and strings are packed, the
 * other types as PVM packs them, through the pvm_pk* of the type. */
typedef int (*tev_pack_fn)(int did, int array, void *data, int count, int stride);
struct lpvm_tev_packers {
	tev_pack_fn byte, cplx, dcplx, dbl, flt, int32, uint32, lng, ulng, shrt, ushrt,
	    str;
};

static int tev_pack_int(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_INT, array, count);
	return pvm_pkint(data, count, stride);
}

static int tev_pack_str(int did, int array, void *data, int count, int stride)
{
	if (array == TEV_DATA_ARRAY) {
		int n = stride > 0 ? (count + stride - 1) / stride : 0;

		datum_head(did, TEV_DATA_STRING, array, n);
		for (int i = 0; i < count && stride > 0; i += stride)
			pvm_pkstr(((char **)data)[i]);
		return 0;
	}
	datum_head(did, TEV_DATA_STRING, array, 1);
	return pvm_pkstr(data);
}

static int tev_pack_byte(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_BYTE, array, count);
	return pvm_pkbyte(data, count, stride);
}

static int tev_pack_dbl(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_DOUBLE, array, count);
	return pvm_pkdouble(data, count, stride);
}

static int tev_pack_flt(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_FLOAT, array, count);
	return pvm_pkfloat(data, count, stride);
}

static int tev_pack_lng(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_LONG, array, count);
	return pvm_pklong(data, count, stride);
}

static int tev_pack_shrt(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_SHORT, array, count);
	return pvm_pkshort(data, count, stride);
}

static int tev_pack_cplx(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_CPLX, array, count);
	return pvm_pkcplx(data, count, stride);
}

static int tev_pack_dcplx(int did, int array, void *data, int count, int stride)
{
	datum_head(did, TEV_DATA_DCPLX, array, count);
	return pvm_pkdcplx(data, count, stride);
}

static struct lpvm_tev_packers tev_packers = {
    tev_pack_byte, tev_pack_cplx, tev_pack_dcplx, tev_pack_dbl,
    tev_pack_flt,  tev_pack_int,  tev_pack_int,   tev_pack_lng,
    tev_pack_lng,  tev_pack_shrt, tev_pack_shrt,  tev_pack_str,
};
struct lpvm_tev_packers *pvmtrccodef = &tev_packers;

/* PvmTraceTime and PvmTraceCount pack nothing (PVM's nop vector) */
static int tev_pack_none(int did, int array, void *data, int count, int stride)
{
	(void)did, (void)array, (void)data, (void)count, (void)stride;
	return 0;
}
static struct lpvm_tev_packers tev_no_packers = {
    tev_pack_none, tev_pack_none, tev_pack_none, tev_pack_none,
    tev_pack_none, tev_pack_none, tev_pack_none, tev_pack_none,
    tev_pack_none, tev_pack_none, tev_pack_none, tev_pack_none,
};

/* Whether event kind should be traced now (PVM's user-code test before
 * a user-defined event). */
int tev_do_trace(int kind, int entry_exit);
int tev_do_trace(int kind, int entry_exit)
{
	(void)entry_exit;
	return lpvm_trace_on && kind >= TEV_FIRST && kind <= TEV_MAX &&
	       TEV_MASK_CHECK(pvmtrc.tmask, kind);
}

/* Begins a trace record (1) or answers that none is traced (0). */
int tev_begin(int kind, int entry_exit);
int tev_begin(int kind, int entry_exit)
{
	int r = lpvm_tev_begin(kind, entry_exit);

	pvmtrccodef = lpvm_tsum_open ? &tev_no_packers : &tev_packers;
	return r;
}

/* Ends the record tev_begin began. */
int tev_fin(void);
int tev_fin(void)
{
	if (tbuf > 0 || lpvm_tsum_open)
		lpvm_tev_end();
	return 0;
}

/* Sends buffered trace records (or PvmTraceTime's and PvmTraceCount's
 * totals) to the tracer. */
void tev_flush(int setflag);
void tev_flush(int setflag)
{
	(void)setflag;
	lpvm_tev_flush();
	lpvm_tsum_flush();
}

/* Resets the per-event counters (PvmTraceTime / PvmTraceCount) and
 * which descriptors were sent. */
void tev_init(void)
{
	for (int i = TEV_FIRST; i <= TEV_MAX; i++) {
		pvmtevinfo[i].desc_status = 0;
		pvmtevinfo[i].mark.tv_sec = pvmtevinfo[i].mark.tv_usec = 0;
		pvmtevinfo[i].total.tv_sec = pvmtevinfo[i].total.tv_usec = 0;
		pvmtevinfo[i].count = 0;
	}
}

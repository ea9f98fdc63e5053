/*
 * lpvm_trace_sum.c - PvmTraceTime and PvmTraceCount, PVM 3.4.6's
 * summaries: instead of a record per call, each traced call is counted
 * (and timed) per event kind in pvmtevinfo[], and one "timing" or
 * "profiling" descriptor carries the totals to the tracer when the task
 * exits or changes PvmSelfTraceBuffer or PvmSelfTraceOptions.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include <pvmtev.h>
#include <stdlib.h>
#include <sys/time.h>

int lpvm_tsum_open;

static struct timeval entered[TEV_MAX + 1]; /* a timed call's entry */

static int summing(void)
{
	return lpvm.self_trace_options == PvmTraceTime ||
	       lpvm.self_trace_options == PvmTraceCount;
}

int lpvm_tsum_begin(int kind, int entry_exit)
{
	if (!summing())
		return 0;
	/* the task records stay records (PVM's daemon sends them whatever
	 * the option); the totals go before the task's end */
	if (kind >= TEV_NEWTASK) {
		if (kind == TEV_ENDTASK)
			lpvm_tsum_flush();
		return 0;
	}
	/* the call's data are not packed (lpvm_tev_int and the others
	 * return at once) until lpvm_tev_end */
	lpvm_tsum_open = 1;
	/* PVM's pvm_exit has an entry record only */
	if (kind == TEV_EXIT && (entry_exit & TEV_EVENT_EXIT))
		return 1;
	pvmtevinfo[kind].count++;
	if (lpvm.self_trace_options == PvmTraceTime) {
		struct timeval now;

		gettimeofday(&now, NULL);
		/* the call's time, entry to exit (PVM 3.4.6 adds only the
		 * time between a record's start and its end, near 0) */
		if (entry_exit & TEV_EVENT_ENTRY) {
			entered[kind] = now;
		} else if (entered[kind].tv_sec != 0) {
			struct timeval *t = &pvmtevinfo[kind].total;

			t->tv_sec += now.tv_sec - entered[kind].tv_sec;
			t->tv_usec += now.tv_usec - entered[kind].tv_usec;
			while (t->tv_usec < 0) {
				t->tv_usec += 1000000;
				t->tv_sec--;
			}
			while (t->tv_usec >= 1000000) {
				t->tv_usec -= 1000000;
				t->tv_sec++;
			}
			entered[kind].tv_sec = entered[kind].tv_usec = 0;
		}
	}
	return 1;
}

static void pk_int(int v)
{
	pvm_pkint(&v, 1, 1);
}

static void pk_datum(int did, int type, int v)
{
	pk_int(did);
	pk_int(type);
	pk_int(v);
}

static void pk_ints(int did, const int *v, int n)
{
	pk_int(did);
	pk_int(TEV_DATA_INT | TEV_DATA_ARRAY);
	pk_int(n);
	if (n > 0)
		pvm_pkint((int *)v, n, 1);
}

/* The totals as PVM sends them: always a descriptor, the kinds counted
 * since the last (names, then seconds and microseconds for
 * PvmTraceTime, then counts), sent alone; the counters start again. */
void lpvm_tsum_flush(void)
{
	int timing = lpvm.self_trace_options == PvmTraceTime, n = 0, id, sbuf;
	int secs[TEV_MAX + 1], usecs[TEV_MAX + 1], counts[TEV_MAX + 1];
	char *names[TEV_MAX + 1];
	struct msgbuf *mb;
	struct timeval now;

	if (!summing() || !lpvm_trace_on || lpvm.fd < 0)
		return;
	/* the records buffered before (the task's newtask) go first */
	lpvm_tev_flush();
	for (int i = TEV_FIRST; i <= TEV_MAX; i++) {
		if (pvmtevinfo[i].count <= 0)
			continue;
		names[n] = pvmtevinfo[i].name;
		secs[n] = (int)pvmtevinfo[i].total.tv_sec;
		usecs[n] = (int)pvmtevinfo[i].total.tv_usec;
		counts[n++] = pvmtevinfo[i].count;
		pvmtevinfo[i].count = 0;
		pvmtevinfo[i].total.tv_sec = pvmtevinfo[i].total.tv_usec = 0;
	}
	id = pvm_mkbuf(PvmDataDefault);
	if (id <= 0)
		return;
	gettimeofday(&now, NULL);
	sbuf = pvm_setsbuf(id);
	pk_int(TEV_MARK_EVENT_DESC);
	pk_int(timing ? TEV_TIMING : TEV_PROFILING);
	pvm_pkstr(pvmtevinfo[timing ? TEV_TIMING : TEV_PROFILING].name);
	pk_datum(TEV_DID_TS, TEV_DATA_INT, (int)now.tv_sec);
	pk_datum(TEV_DID_TU, TEV_DATA_INT, (int)now.tv_usec);
	pk_datum(TEV_DID_TID, TEV_DATA_INT, lpvm.mytid);
	pk_datum(TEV_DID_VCT, TEV_DATA_INT, n);
	pk_int(TEV_DID_VID);
	pk_int(TEV_DATA_STRING | TEV_DATA_ARRAY);
	pk_int(n);
	for (int i = 0; i < n; i++)
		pvm_pkstr(names[i]);
	if (timing) {
		pk_ints(TEV_DID_TGS, secs, n);
		pk_ints(TEV_DID_TGU, usecs, n);
	}
	pk_ints(TEV_DID_PRF, counts, n);
	pk_int(TEV_MARK_EVENT_DESC_END);
	pvm_setsbuf(sbuf);
	mb = lpvm_buf(id);
	if (mb != NULL)
		lpvm_send_data(lpvm.self_trace_tid, lpvm.self_trace_code,
		               lpvm.self_trace_ctx, mb);
	pvm_freebuf(id);
}

void lpvm_trace_setopt(int what)
{
	/* as PVM's pvm_setopt: what was gathered under the old setting goes
	 * before the new one applies */
	if (what == PvmSelfTraceBuffer || what == PvmSelfTraceOptions) {
		lpvm_tev_flush();
		lpvm_tsum_flush();
	}
}

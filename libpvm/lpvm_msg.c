/*
 * lpvm_msg.c - sending and receiving: pvm_send, pvm_mcast, pvm_recv,
 * pvm_nrecv, pvm_trecv, pvm_probe.  Messages travel through the local
 * pvmd; received ones wait in lpvm.rxq in arrival order, so matching by
 * source and tag keeps PVM's per-sender ordering.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include "clock.h"
#include "tid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int check_send(const char *fn, int tag, struct msgbuf **mb)
{
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	if (tag < 0)
		return lpvm_error(fn, PvmBadParam);
	*mb = lpvm_buf(lpvm.sbuf);
	if (*mb == NULL)
		return lpvm_error(fn, PvmNoBuf);
	return 0;
}

static int send_untraced(int tid, int tag)
{
	struct msgbuf *mb;
	int r = check_send("pvm_send", tag, &mb);

	if (r < 0)
		return r;
	if (!tid_is_valid(tid))
		return lpvm_error("pvm_send", PvmBadParam);
	r = lpvm_send_data(tid, tag, mb->ctx_set ? mb->ctx : lpvm.ctx, mb);
	return r < 0 ? lpvm_error("pvm_send", r) : PvmOk;
}

int pvm_send(int tid, int tag)
{
	if (lpvm_trace_on)
		return lpvm_trace_send(tid, tag, send_untraced);
	return send_untraced(tid, tag);
}

static int compare_tids(const void *a, const void *b)
{
	const int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sends buffer mb to every task of tids once (PVM drops repeated tids),
 * never to the caller (as PVM documents: pvmd skips it). */
static int mcast_buffer(const char *fn, struct msgbuf *mb, const int *tids, int ntask,
                        int tag)
{
	int *dst, n = 0, i, r;

	if (ntask < 0 || (ntask > 0 && tids == NULL))
		return lpvm_error(fn, PvmBadParam);
	for (i = 0; i < ntask; i++) {
		if (!tid_is_valid(tids[i]))
			return lpvm_error(fn, PvmBadParam);
	}
	if (ntask == 0)
		return PvmOk;
	dst = malloc(sizeof(int) * (size_t)ntask);
	if (dst == NULL)
		return lpvm_error(fn, PvmNoMem);
	memcpy(dst, tids, sizeof(int) * (size_t)ntask);
	qsort(dst, (size_t)ntask, sizeof(int), compare_tids);
	for (i = 0; i < ntask; i++) {
		if (n == 0 || dst[i] != dst[n - 1])
			dst[n++] = dst[i];
	}
	/* one frame: the daemons make one copy per host, then one per task */
	r = lpvm_send_mcast(dst, n, tag, mb->ctx_set ? mb->ctx : lpvm.ctx, mb);
	free(dst);
	return r < 0 ? lpvm_error(fn, r) : PvmOk;
}

static int mcast_untraced(int *tids, int ntask, int tag)
{
	struct msgbuf *mb;
	int r = check_send("pvm_mcast", tag, &mb);

	if (r < 0)
		return r;
	return mcast_buffer("pvm_mcast", mb, tids, ntask, tag);
}

int pvm_mcast(int *tids, int ntask, int tag)
{
	if (lpvm_trace_on)
		return lpvm_trace_mcast(tids, ntask, tag, mcast_untraced);
	return mcast_untraced(tids, ntask, tag);
}

/* PVM 3.4.6's internal multicast of buffer mid (not necessarily the send
 * buffer), exported by its library: as pvm_mcast. */
int pvmmcast(int mid, int *tids, int count, int tag);
int pvmmcast(int mid, int *tids, int count, int tag)
{
	struct msgbuf *mb;
	int r = lpvm_ensure("pvmmcast");

	if (r < 0)
		return r;
	if (tag < 0)
		return lpvm_error("pvmmcast", PvmBadParam);
	mb = lpvm_buf(mid);
	if (mb == NULL)
		return lpvm_error("pvmmcast", PvmNoSuchBuf);
	return mcast_buffer("pvmmcast", mb, tids, count, tag);
}

/* Index in rxq of the first message matching (tid, tag) in our context. */
static int find_match(int tid, int tag)
{
	int i;

	if (lpvm_recvf_active())
		return lpvm_recvf_find(tid, tag);
	for (i = 0; i < lpvm.nrx; i++) {
		struct msgbuf *mb = lpvm_buf(lpvm.rxq[i]);

		if (mb == NULL)
			continue;
		if ((tid == -1 || mb->src == tid) && (tag == -1 || mb->tag == tag) &&
		    mb->ctx == lpvm.ctx)
			return i;
	}
	return -1;
}

/* Takes message i of the queue as the new active receive buffer. */
static int take(int i)
{
	int id = lpvm.rxq[i];

	lpvm_rxq_remove_at(i);
	if (lpvm.rbuf > 0 && lpvm.rbuf != id)
		lpvm_buf_release(lpvm.rbuf);
	lpvm.rbuf = id;
	return id;
}

static int check_recv(const char *fn, int tid, int tag)
{
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	if ((tid != -1 && !tid_is_valid(tid)) || tag < -1)
		return lpvm_error(fn, PvmBadParam);
	return 0;
}

/* Waits up to timeout_ms (< 0: forever) for a match; returns its queue
 * index, -1 on timeout, or an error code (< -1 never collides: codes are
 * PVM's, all <= -2). */
static int wait_match(int tid, int tag, long long timeout_ms)
{
	long long deadline = timeout_ms < 0 ? 0 : clock_now_ms() + timeout_ms;
	int i, r;

	for (;;) {
		i = find_match(tid, tag);
		if (i >= 0)
			return i;
		if (timeout_ms < 0) {
			r = lpvm_pump(-1);
		} else {
			long long left = deadline - clock_now_ms();

			if (left < 0)
				left = 0;
			r = lpvm_pump((int)(left > 0x7fffffff ? 0x7fffffff : left));
			if (r == 0 && left == 0)
				return find_match(tid, tag);
		}
		if (r < 0)
			return r;
	}
}

/* The receive family (lpvm.h); consume unset is pvm_probe's and
 * pvm_precv's way. */
int lpvm_receive(const char *fn, int tid, int tag, long long timeout_ms, int consume)
{
	int r = check_recv(fn, tid, tag);

	if (r < 0)
		return r;
	/* messages held for handlers while a send waited: theirs first */
	lpvm_mhf_run();
	r = wait_match(tid, tag, timeout_ms);
	if (r == -1)
		return 0;
	if (r < 0)
		return lpvm_error(fn, r);
	return consume ? take(r) : lpvm.rxq[r];
}

static int recv_untraced(int tid, int tag, struct timeval *tmout)
{
	(void)tmout;
	return lpvm_receive("pvm_recv", tid, tag, -1, 1);
}

static int nrecv_untraced(int tid, int tag, struct timeval *tmout)
{
	(void)tmout;
	return lpvm_receive("pvm_nrecv", tid, tag, 0, 1);
}

int pvm_recv(int tid, int tag)
{
	if (lpvm_trace_on)
		return lpvm_trace_recv(TEV_RECV, tid, tag, NULL, recv_untraced);
	return recv_untraced(tid, tag, NULL);
}

int pvm_nrecv(int tid, int tag)
{
	if (lpvm_trace_on)
		return lpvm_trace_recv(TEV_NRECV, tid, tag, NULL, nrecv_untraced);
	return nrecv_untraced(tid, tag, NULL);
}

static int probe_untraced(int tid, int tag)
{
	return lpvm_receive("pvm_probe", tid, tag, 0, 0);
}

int pvm_probe(int tid, int tag)
{
	if (lpvm_trace_on)
		return lpvm_trace_probe(tid, tag, probe_untraced);
	return probe_untraced(tid, tag);
}

static int trecv_untraced(int tid, int tag, struct timeval *tmout)
{
	long long ms = -1;

	if (tmout != NULL) {
		if (tmout->tv_sec < 0 || tmout->tv_usec < 0)
			return lpvm_error("pvm_trecv", PvmBadParam);
		ms = (long long)tmout->tv_sec * 1000 + (tmout->tv_usec + 999) / 1000;
	}
	return lpvm_receive("pvm_trecv", tid, tag, ms, 1);
}

int pvm_trecv(int tid, int tag, struct timeval *tmout)
{
	if (lpvm_trace_on)
		return lpvm_trace_recv(TEV_TRECV, tid, tag, tmout, trecv_untraced);
	return trecv_untraced(tid, tag, tmout);
}

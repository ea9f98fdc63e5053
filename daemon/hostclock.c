/*
 * hostclock.c - the hosts' clocks, kept by the daemons from the
 * heartbeats they exchange anyway (liveness.c): each daemon's beat to
 * the master probes the master's clock, the master answers it at once,
 * and the daemon follows its offset from the master (clockest.c).  The
 * daemon tells the master its offset in its next beat, and the master
 * gives every daemon the offsets it holds, so any daemon can tell any
 * host's clock against its own (pvmx_hostclock) without asking that
 * host: host minus master, less ours minus master.
 */
#include "pvmd.h"

#include "clock.h"
#include "clockest.h"
#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <sys/time.h>

/* Offsets the master gives in one answer; a larger machine gets the
 * rest in the next ones, in turn. */
#define HOSTCLOCK_PER_ECHO 64
/* An offset heard this long ago is no longer given (a daemon reports
 * its own at every beat; its estimate's window is shorter). */
#define HOSTCLOCK_STALE_MS (2 * CLOCKEST_WINDOW_MS)

/* A host's clock minus the master's, as reported (at the master: by that
 * host's daemon; at a daemon: by the master). */
struct entry {
	int64_t offset_us, err_us;
	int64_t at_ms; /* when heard, monotonic; 0: never */
	int cursor;    /* master: where its next answer's offsets start */
};

static struct entry clocks[TID_MAX_HOST + 1];
static struct clockest to_master; /* a daemon's: the master's clock minus ours */
static int told;                  /* the first estimate was logged */

static int is_master(void)
{
	return pvmd.host_tid == pvmd.master_tid;
}

/* The time of day, as tasks stamp their trace events (gettimeofday). */
static int64_t now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Host index's clock minus the master's, now: 0, or -1 if not known. */
static int from_master(int index, int64_t *offset_us, int64_t *err_us)
{
	const struct entry *e = &clocks[index];

	if (tid_make(index, 0) == pvmd.master_tid) {
		*offset_us = *err_us = 0;
		return 0;
	}
	if (index == pvmd.host_index) {
		if (clockest_get(&to_master, clock_now_ms(), offset_us, err_us) != 0)
			return -1;
		*offset_us = -*offset_us;
		return 0;
	}
	if (e->at_ms == 0 || clock_now_ms() - e->at_ms > HOSTCLOCK_STALE_MS)
		return -1;
	*offset_us = e->offset_us;
	*err_us = e->err_us;
	return 0;
}

int hostclock_get(int tid, int64_t *offset_us, int64_t *err_us)
{
	int index = tid == 0 ? pvmd.host_index : tid_host_index(tid);
	int64_t them, them_err, us, us_err;

	if (tid != 0 && !tid_is_valid(tid))
		return PvmBadParam;
	if (hosttab_get(index) == NULL)
		return PvmNoHost;
	if (index == pvmd.host_index) {
		*offset_us = *err_us = 0;
		return 0;
	}
	if (from_master(index, &them, &them_err) != 0 ||
	    from_master(pvmd.host_index, &us, &us_err) != 0)
		return PvmNoEntry;
	*offset_us = them - us;
	*err_us = them_err + us_err;
	return 0;
}

void hostclock_beat(struct host *h)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Heartbeat hb = PVMX__HEARTBEAT__INIT;
	Pvmx__HostClock own = PVMX__HOST_CLOCK__INIT, *list[1] = {&own};

	if (!is_master() &&
	    from_master(pvmd.host_index, &own.offset_us, &own.err_us) == 0) {
		own.host = pvmd.host_tid;
		hb.n_clocks = 1;
		hb.clocks = list;
	}
	ctl.body_case = PVMX__CONTROL__BODY_HEARTBEAT;
	ctl.heartbeat = &hb;
	hb.sent_us = now_us();
	peer_send_control(h->index, pvmd.host_tid, h->tid, &ctl);
}

/* The master's answer to a daemon's probe: the probe's times, ours, and
 * the offsets we know (from that daemon's cursor on). */
static void echo(int to_host, const Pvmx__Heartbeat *probe, int64_t received_us)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Heartbeat hb = PVMX__HEARTBEAT__INIT;
	Pvmx__HostClock items[HOSTCLOCK_PER_ECHO], *list[HOSTCLOCK_PER_ECHO];
	struct entry *dest = &clocks[to_host];
	int index = dest->cursor;
	size_t n = 0;

	for (int seen = 0; seen < TID_MAX_HOST && n < HOSTCLOCK_PER_ECHO; seen++) {
		Pvmx__HostClock *c = &items[n];

		index = index % TID_MAX_HOST + 1;
		if (index == to_host || index == pvmd.host_index ||
		    hosttab_get(index) == NULL)
			continue;
		pvmx__host_clock__init(c);
		if (from_master(index, &c->offset_us, &c->err_us) != 0)
			continue;
		c->host = tid_make(index, 0);
		list[n++] = c;
	}
	dest->cursor = index;
	hb.echo_us = probe->sent_us;
	hb.received_us = received_us;
	hb.n_clocks = n;
	hb.clocks = list;
	ctl.body_case = PVMX__CONTROL__BODY_HEARTBEAT;
	ctl.heartbeat = &hb;
	hb.sent_us = now_us();
	peer_send_control(to_host, pvmd.host_tid, tid_make(to_host, 0), &ctl);
}

/* An offset another daemon tells: kept if it is of a host it may speak
 * of (to the master, a daemon of its own; to a daemon, the master of any
 * other than ours). */
static void keep(int from_host, const Pvmx__HostClock *c)
{
	int index = tid_host_index(c->host);
	int may =
	    is_master() ? index == from_host : tid_make(from_host, 0) == pvmd.master_tid;

	if (!may || !tid_is_daemon(c->host) || c->err_us <= 0 || index == pvmd.host_index)
		return;
	clocks[index].offset_us = c->offset_us;
	clocks[index].err_us = c->err_us;
	clocks[index].at_ms = clock_now_ms();
}

void hostclock_heartbeat(int from_host, const Pvmx__Heartbeat *hb)
{
	int64_t received_us = now_us();
	int64_t off, err;

	if (hb == NULL || hb->sent_us == 0)
		return; /* an older daemon's beat: a sign of life only */
	for (size_t i = 0; i < hb->n_clocks; i++)
		keep(from_host, hb->clocks[i]);
	if (is_master()) {
		if (hb->echo_us == 0)
			echo(from_host, hb, received_us);
		return;
	}
	if (tid_make(from_host, 0) != pvmd.master_tid || hb->echo_us == 0)
		return;
	if (clockest_add(&to_master, hb->echo_us, hb->received_us, hb->sent_us,
	                 received_us, clock_now_ms()) != 0) {
		log_debug("clock: an answer from the master with impossible times "
		          "(t0 %lld t1 %lld t2 %lld t3 %lld): not kept",
		          (long long)hb->echo_us, (long long)hb->received_us,
		          (long long)hb->sent_us, (long long)received_us);
		return;
	}
	if (!told && from_master(pvmd.host_index, &off, &err) == 0) {
		told = 1;
		log_info("clock: this host's minus the master's: %lld us, within %lld us",
		         (long long)off, (long long)err);
	}
}

void hostclock_request(const struct reply_addr *to, int host)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__HostClockReply r = PVMX__HOST_CLOCK_REPLY__INIT;

	r.code = hostclock_get(host, &r.offset_us, &r.err_us);
	ctl.body_case = PVMX__CONTROL__BODY_HOSTCLOCK_REPLY;
	ctl.hostclock_reply = &r;
	reply_control(to, &ctl);
}

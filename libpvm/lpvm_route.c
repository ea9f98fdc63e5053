/*
 * lpvm_route.c - sending data frames by the best route to each
 * destination, and making progress on every route while the task waits.
 * A frame is built once (header with its pair seq, payload iovecs) and
 * handed to the route chosen for its destination; a direct route that
 * cannot reach the destination passes it to the next, and the daemon
 * route takes what no other can.  PvmDontRoute keeps every frame on the
 * daemon route; multicasts always take it (the daemons pass them down a
 * tree of hosts, daemon/mcast.c).  Order per pair holds across routes
 * through the seq (lpvm_deliver.c).
 */
#include "lpvm.h"
#include "lpvm_route.h"
#include "lpvm_trace.h"

#include "clock.h"
#include "env.h"
#include "frame.h"
#include "spin.h"
#include "tid.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

/* Every route, best first; the daemon route last. */
static const struct lpvm_route *const routes[] = {
    &lpvm_route_shm,
    &lpvm_route_fabric,
    &lpvm_route_daemon,
};

int lpvm_sending;
/* how long a wait spins on every route before sleeping while the
 * libfabric route is open: FABRIC_SPIN_NS, and up to FABRIC_SPIN_MAX_NS
 * while replies keep coming soon after the task fell asleep (a 256 KiB
 * round trip between hosts takes about as long as the short spin, and
 * half of the waits then slept); back to the short spin after a sleep
 * that nothing ended soon */
#define FABRIC_SPIN_NS (200LL * 1000)
#define FABRIC_SPIN_MAX_NS (2000LL * 1000)

static int64_t fabric_spin_ns = FABRIC_SPIN_NS;
/* While the task is busy in the library (spinning, or a receive after
 * every message of a ping-pong), the daemon's socket is not polled: a
 * poll is a system call, at 5 µs intervals still a sixth of a
 * shared-memory round trip.  The daemon bumps a note in the task's
 * region after each write to the socket, and the socket is read when
 * the note moved (lpvm_shm_daemon_news); and, in case the daemon went
 * away (a hang-up moves no note), polled every DAEMON_NOTE_CALLS looks
 * (PVMX_DAEMON_POLL_CALLS=N in the task's environment; 0: never, which
 * leaves the note alone to tell: test_direct).  A program that asked
 * for the descriptors (pvm_getfds) and selects on them finds the
 * socket readable a moment before the daemon bumps the note: its
 * socket is polled at every look.
 * Without a region, the socket is polled at most every DAEMON_CHECK_NS
 * unless something went to the daemon since: the same bound as the
 * shared-memory wait's (SHM_FD_CHECK_NS).  A sleeping task polls the
 * socket with its other descriptors. */
#define DAEMON_CHECK_NS (5LL * 1000)
#define DAEMON_NOTE_CALLS 256
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static const struct lpvm_route *route_for(int dst, size_t len)
{
	if (lpvm.route != PvmDontRoute) {
		for (size_t i = 0; i + 1 < NROUTES; i++)
			if (routes[i]->open(dst, len) == 0)
				return routes[i];
	}
	return &lpvm_route_daemon;
}

void lpvm_routes_close(void)
{
	for (size_t i = 0; i + 1 < NROUTES; i++)
		routes[i]->close();
}

/* One data frame; with ntids > 0 a multicast frame whose payload starts
 * with the destinations (common/frame.h), dst unused. */
static int send_frame(int dst, const int *tids, int ntids, int tag, int ctx,
                      struct msgbuf *mb)
{
	const struct lpvm_route *route = &lpvm_route_daemon;
	struct frame_header h = {0};
	uint8_t hdr[FRAME_HEADER_LEN];
	struct iovec small[10], *iov = small;
	int max = (int)(2 * mb->nrefs + 3), n, r, first = 1;
	size_t len = msgbuf_length(mb);
	uint32_t *be = NULL;

	if (len + (size_t)ntids * FRAME_MCAST_ENTRY > lpvm.max_frame)
		return PvmOverflow;
	if (max > (int)(sizeof(small) / sizeof(small[0]))) {
		iov = malloc(sizeof(*iov) * (size_t)max);
		if (iov == NULL)
			return PvmNoMem;
	}
	h.kind = FRAME_DATA;
	h.src = lpvm.mytid;
	h.dst = dst;
	h.ctx = ctx;
	h.tag = tag;
	h.dsig = mb->dsig;
	h.len = (uint32_t)len;
	h.flags = mb->encoding != PvmDataDefault ? FRAME_FLAG_RAW : 0;
	if (ntids > 0) {
		/* (tid, seq) for each: every copy keeps its pair's order */
		be = malloc(FRAME_MCAST_ENTRY * (size_t)ntids);
		if (be == NULL) {
			if (iov != small)
				free(iov);
			return PvmNoMem;
		}
		for (int i = 0; i < ntids; i++) {
			be[2 * i] = htonl((uint32_t)tids[i]);
			be[2 * i + 1] = htonl(lpvm_seq_next(tids[i]));
		}
		h.flags |= FRAME_FLAG_MCAST;
		h.dst = ntids;
		h.len += (uint32_t)ntids * FRAME_MCAST_ENTRY;
		iov[1].iov_base = be;
		iov[1].iov_len = (size_t)ntids * FRAME_MCAST_ENTRY;
		first = 2;
	} else {
		/* opening may ask the daemons (handlers wait meanwhile) */
		lpvm_sending++;
		route = route_for(dst, len);
		lpvm_sending--;
		h.seq = lpvm_seq_next(dst);
	}
	frame_encode(&h, hdr);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	n = msgbuf_iov(mb, iov + first, max - first);
	lpvm_sending++;
	r = n < 0 ? PvmNoMem : route->send(dst, hdr, iov, n + first);
	if (r == LPVM_ROUTE_ELSEWHERE) {
		route = &lpvm_route_daemon;
		r = lpvm_route_daemon.send(dst, hdr, iov, n + first);
	}
	if (lpvm_trace_on)
		lpvm_trace_route = route->name;
	lpvm_sending--;
	if (iov != small)
		free(iov);
	free(be);
	/* what came for handlers while the send waited runs now (their
	 * sends go out after ours, so ours are in the caller's order) */
	if (r == 0 && lpvm_sending == 0)
		lpvm_mhf_run();
	return r;
}

int lpvm_send_data(int dst, int tag, int ctx, struct msgbuf *mb)
{
	return send_frame(dst, NULL, 0, tag, ctx, mb);
}

int lpvm_send_mcast(const int *tids, int ntids, int tag, int ctx, struct msgbuf *mb)
{
	return send_frame(0, tids, ntids, tag, ctx, mb);
}

/* Whether the daemon's socket is to be read now (see DAEMON_CHECK_NS). */
static int daemon_due(void)
{
	static int64_t daemon_checked;
	static int quiet_calls, note_calls = -1;
	int news = lpvm_shm_daemon_news();
	int64_t now;

	if (lpvm.fds_given)
		return 1;
	if (news >= 0) {
		if (note_calls < 0)
			note_calls = (int)env_long("PVMX_DAEMON_POLL_CALLS", 0, 1 << 30,
			                           DAEMON_NOTE_CALLS);
		if (news == 0 && (note_calls == 0 || ++quiet_calls < note_calls))
			return 0;
		quiet_calls = 0;
		return 1;
	}
	now = clock_now_ns();
	if (!lpvm.daemon_wrote && now - daemon_checked < DAEMON_CHECK_NS)
		return 0;
	daemon_checked = now;
	lpvm.daemon_wrote = 0;
	return 1;
}

/* Takes in what every route has now: frames taken in, or a code. */
static int progress_all(void)
{
	int n = 0;

	for (size_t i = 0; i < NROUTES; i++) {
		int r;

		if (routes[i] == &lpvm_route_daemon && !daemon_due()) {
			lpvm_mhf_run(); /* as the daemon route's progress does */
			continue;
		}
		r = routes[i]->progress(0);

		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

/* Sleeps on the descriptors of routes[0..n), after the m the caller put
 * in pfd, until one is ready or *wait_ms passes; *wait_ms is first capped
 * by the routes' prepare (the time actually allowed: 0, no sleep at
 * all).  polled[i]: route i's place in pfd, or -1 (no descriptor, or the
 * route that sleeps: it polls the others' descriptors itself).  poll's
 * result. */
static int wait_routes(size_t n, struct pollfd *pfd, nfds_t m, int *polled, int *wait_ms)
{
	const struct lpvm_route *sleeper = NULL;

	for (size_t i = 0; i < n; i++) {
		int fd = routes[i]->fd(), cap;

		polled[i] = -1;
		if (routes[i]->prepare != NULL && (cap = routes[i]->prepare()) >= 0 &&
		    (*wait_ms < 0 || cap < *wait_ms))
			*wait_ms = cap;
		if (fd < 0)
			continue;
		if (routes[i]->wait != NULL && sleeper == NULL) {
			sleeper = routes[i];
		} else {
			polled[i] = (int)m;
			pfd[m++] = (struct pollfd){.fd = fd, .events = POLLIN};
		}
	}
	if (*wait_ms == 0)
		return 0;
	return sleeper != NULL ? sleeper->wait(pfd, (int)m, *wait_ms) : poll(pfd, m, *wait_ms);
}

/* A reply of the daemon takes tens of microseconds, most of them its
 * wake-up; sleeping on the socket adds a second wake-up (ours), which on
 * a virtual machine's idle CPU costs as much again.  So a wait for the
 * daemon first spins this long on its socket and the direct routes; a
 * spin that the reply outlasted halves the next one (down to
 * REPLY_SPIN_MIN_NS: a run of spawns or other slow requests does not
 * burn a core), one that caught it restores the full spin. */
#define REPLY_SPIN_MAX_NS (100LL * 1000)
#define REPLY_SPIN_MIN_NS (10LL * 1000)

static int64_t reply_spin_ns = REPLY_SPIN_MAX_NS;

/* Polls the daemon's socket for events (and makes progress on the direct
 * routes) for up to reply_spin_ns: its revents, 0 if nothing came, or a
 * route's negative code. */
static int spin_on_daemon(struct pollfd *pfd)
{
	int64_t end = clock_now_ns() + reply_spin_ns, yielded = end - reply_spin_ns;

	for (int k = 1;; k++) {
		for (size_t i = 0; i + 1 < NROUTES; i++) {
			int r = routes[i]->progress(0);

			if (r < 0)
				return r;
		}
		if (poll(pfd, 1, 0) > 0) {
			reply_spin_ns = REPLY_SPIN_MAX_NS;
			return pfd[0].revents;
		}
		int64_t now = clock_now_ns();

		if (now >= end)
			break;
		/* the daemon may need this core */
		if (k % 16 == 0 || now - yielded >= spin_yield_period(now, INT64_MAX))
			yielded = spin_yield();
	}
	if ((reply_spin_ns /= 2) < REPLY_SPIN_MIN_NS)
		reply_spin_ns = REPLY_SPIN_MIN_NS;
	return 0;
}

int lpvm_wait_daemon_for(short events)
{
	for (int spun = 0;; spun = 1) {
		struct pollfd pfd[NROUTES];
		int wait_ms = -1, polled[NROUTES], r;

		/* the daemon first: what it sent came first.  A spawn's reply
		 * is written before its children may run, so their first
		 * messages by a direct route are not taken before pvm_spawn
		 * returns (as with PVM, where both come on this socket) and
		 * meet the handlers the caller adds then */
		pfd[0] = (struct pollfd){.fd = lpvm.fd, .events = events};
		if (poll(pfd, 1, 0) > 0)
			return pfd[0].revents;
		if (!spun && (r = spin_on_daemon(pfd)) != 0)
			return r;
		/* (no handlers run here: a request or a send is under way) */
		for (size_t i = 0; i + 1 < NROUTES; i++)
			if ((r = routes[i]->progress(0)) < 0)
				return r;
		/* the direct routes, and the daemon's socket in pfd[0] */
		r = wait_routes(NROUTES - 1, pfd, 1, polled, &wait_ms);
		if (r < 0 && errno != EINTR)
			return PvmSysErr;
		if (r > 0 && (pfd[0].revents & (events | POLLHUP | POLLERR)) != 0)
			return pfd[0].revents;
	}
}

int lpvm_wait_daemon(void)
{
	int r = lpvm_wait_daemon_for(POLLIN);

	return r < 0 ? r : 0;
}

/* After a wait that found work: a route whose descriptor was polled and
 * is not ready has nothing (the daemon route: that saves a system call
 * when the shared-memory rings woke the wait, on the path of every
 * local reply); the others are asked, and handlers of what came run.
 * The next lpvm_pump asks all. */
static int progress_woken(const struct pollfd *pfd, const int *polled)
{
	int n = 0;

	for (size_t i = 0; i < NROUTES; i++) {
		const short ready = POLLIN | POLLERR | POLLHUP | POLLNVAL;
		int r;

		/* (a shared-memory wait also ends when the daemon's note
		 * moves, without polling its socket: then it has something) */
		if (polled[i] >= 0 && routes[i]->prepare == NULL &&
		    (pfd[polled[i]].revents & ready) == 0 &&
		    !(routes[i] == &lpvm_route_daemon && lpvm_shm_daemon_news() > 0))
			continue;
		if ((r = routes[i]->progress(0)) < 0)
			return r;
		n += r;
	}
	/* (the daemon route's progress runs them too, last of all) */
	lpvm_mhf_run();
	return n;
}

/* a spin gives its core away this often (a spinner on 2 cores shares
 * them): by time, not by a count of polls, whose cost varies; at every
 * poll while other tasks wait for the core (common/spin.h) */
#define SPIN_YIELD_NS (20LL * 1000)

/* Polls every route until something comes, polls (-1: no limit) or ns
 * (-1: no limit) run out, or *timeout_ms passes; *timeout_ms is reduced
 * by the time spent (0: used up).  What came. */
static int spin(long polls, int64_t ns, int *timeout_ms)
{
	int64_t start = clock_now_ns(), spent = 0, yielded = 0;
	int n = 0;

	if (*timeout_ms > 0 && (ns < 0 || (int64_t)*timeout_ms * 1000000 < ns))
		ns = (int64_t)*timeout_ms * 1000000;
	for (long i = 0; polls < 0 || i < polls; i++) {
		if ((n = progress_all()) != 0)
			break;
		int64_t now = clock_now_ns();

		spent = now - start;
		if (ns >= 0 && spent >= ns)
			break;
		if (spent - yielded >= spin_yield_period(now, SPIN_YIELD_NS))
			yielded = spin_yield() - start;
	}
	if (*timeout_ms > 0) {
		*timeout_ms -= (int)(spent / 1000000);
		if (*timeout_ms <= 0)
			*timeout_ms = n == 0 ? 0 : 1;
	}
	return n;
}

static int sleep_routes(int timeout_ms);

int lpvm_pump(int timeout_ms)
{
	int64_t slept;
	int n, fabric_spun = 0;

	if (lpvm.fd < 0)
		return PvmSysErr;
	/* opening asks the daemon, and frames that arrive meanwhile are
	 * queued: the caller must look at its queue again */
	if (lpvm_fabric_open_wanted())
		return 1;
	/* what every route has now, then (if nothing) wait on all of them */
	n = progress_all();
	if (n != 0 || timeout_ms == 0)
		return n;
	/* PVM's wait policy: PvmPollConstant spins until something comes or
	 * the time is up, PvmPollSleep polls PvmPollTime times first; else,
	 * while the fabric route is open, a reply from another host takes
	 * tens of microseconds: spin that long before the two wake-ups a
	 * sleep costs (the shared-memory route spins on its own rings in
	 * its wait) */
	n = 0;
	if (lpvm.polltype == PvmPollConstant)
		n = spin(-1, -1, &timeout_ms);
	else if (lpvm.polltime > 0)
		n = spin(lpvm.polltime, -1, &timeout_ms);
	else if ((fabric_spun = lpvm_route_fabric.fd() >= 0))
		n = spin(-1, fabric_spin_ns, &timeout_ms);
	if (n != 0 || timeout_ms == 0)
		return n;
	if (!fabric_spun)
		return sleep_routes(timeout_ms);
	slept = clock_now_ns();
	n = sleep_routes(timeout_ms);
	slept = clock_now_ns() - slept;
	fabric_spin_ns =
	    spin_next(fabric_spin_ns, slept, n > 0, FABRIC_SPIN_NS, FABRIC_SPIN_MAX_NS);
	return n;
}

/* lpvm_pump's sleep on every route's descriptor (see there) */
static int sleep_routes(int timeout_ms)
{
	struct pollfd pfd[NROUTES];
	int n, r;

	for (;;) {
		int wait_ms = timeout_ms, polled[NROUTES];
		/* a frame held for a missing one is reported, if it waits long */
		int gaps_ms = lpvm_deliver_gaps();

		if (gaps_ms >= 0 && (wait_ms < 0 || gaps_ms < wait_ms))
			wait_ms = gaps_ms;
		r = wait_routes(NROUTES, pfd, 0, polled, &wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return 0;
		n = r > 0 ? progress_woken(pfd, polled) : progress_all();
		/* a route's cap ended the sleep early: sleep the rest */
		if (n != 0 || wait_ms == timeout_ms)
			return n;
		if (timeout_ms > 0 && (timeout_ms -= wait_ms > 0 ? wait_ms : 0) <= 0)
			return 0;
	}
}

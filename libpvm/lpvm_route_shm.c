/*
 * lpvm_route_shm.c - the shared-memory route (lpvm_route.h) between the
 * tasks of one daemon: a task receives in its own region, made by the
 * daemon when it registered (shm.h, docs/shm.md); to send, it claims a
 * ring in the receiver's region.  "Same host" means same daemon: only
 * tids of our own host index are tried, by the names their daemon gives
 * (paths_shm_region).  A peer without a region (not registered yet, its
 * daemon out of regions, PVMX_SHM=0), or whose region is full, is reached
 * through the daemon instead; a message too large for the receiver, or a
 * receiver that died, likewise.
 */
#include "lpvm.h"
#include "lpvm_route.h"

#include "clock.h"
#include "frame.h"
#include "log.h"
#include "paths.h"
#include "shm.h"
#include "tid.h"

#include <errno.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

/* a peer that could not be opened is tried again after this long */
#define RETRY_NS (10L * 1000 * 1000)

struct peer_entry {
	int tid;
	struct shm_peer *peer; /* NULL: not reachable this way (since `failed`) */
	long long failed_ns;
};

static struct shm_ep *ep;
static char own_region[96]; /* its name, removed when we leave */
static struct peer_entry *peers;
static int npeers, peers_cap;
static int notify_always;

void lpvm_shm_attach(const char *region, const char *bell)
{
	int r;

	if (ep != NULL || region == NULL || region[0] == '\0' || bell == NULL ||
	    bell[0] == '\0')
		return;
	r = shm_ep_open(region, lpvm.mytid, bell, &ep);
	if (r != SHM_OK) {
		log_warn("t%x: no shared-memory route: %s", (unsigned)lpvm.mytid,
		         shm_strerror(r));
		ep = NULL;
		return;
	}
	snprintf(own_region, sizeof(own_region), "%s", region);
#ifdef PR_SET_PTRACER
	/* Yama's ptrace_scope 1 refuses a peer's process_vm_readv of our
	 * memory unless we allow it (as Open MPI's vader does); where it is
	 * refused anyway, large messages are streamed (docs/shm.md) */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
#endif
	shm_ep_set_max_msg(ep, lpvm.max_frame + FRAME_HEADER_LEN);
	if (notify_always)
		shm_ep_set_notify_always(ep, 1);
}

void lpvm_shm_notify_always(void)
{
	notify_always = 1;
	if (ep != NULL)
		shm_ep_set_notify_always(ep, 1);
}

int lpvm_shm_daemon_news(void)
{
	return ep != NULL ? shm_ep_daemon_news(ep) : -1;
}

static struct peer_entry *entry_of(int tid)
{
	for (int i = 0; i < npeers; i++)
		if (peers[i].tid == tid)
			return &peers[i];
	if (npeers == peers_cap) {
		int ncap = peers_cap ? peers_cap * 2 : 16;
		struct peer_entry *np = realloc(peers, sizeof(*np) * (size_t)ncap);

		if (np == NULL)
			return NULL;
		peers = np;
		peers_cap = ncap;
	}
	peers[npeers] = (struct peer_entry){.tid = tid};
	return &peers[npeers++];
}

static int shm_open_peer(int tid, size_t len)
{
	struct peer_entry *e;
	char name[96];
	int r;

	(void)len;
	if (ep == NULL || tid == lpvm.mytid || !tid_is_valid(tid) || tid_is_daemon(tid) ||
	    tid_host_index(tid) != tid_host_index(lpvm.mytid))
		return PvmNoEntry;
	e = entry_of(tid);
	if (e == NULL)
		return PvmNoMem;
	if (e->peer != NULL)
		return 0;
	if (e->failed_ns != 0 && clock_now_ns() - e->failed_ns < RETRY_NS)
		return PvmNoEntry;
	if (paths_shm_region(name, sizeof(name), tid) != 0)
		return PvmNoEntry;
	r = shm_peer_open(ep, name, &e->peer);
	if (r != SHM_OK) {
		e->peer = NULL;
		e->failed_ns = clock_now_ns();
		return PvmNoEntry;
	}
	return 0;
}

/* The peer is gone or broke the protocol: forget it (tried again later). */
static void drop_peer(struct peer_entry *e, int r)
{
	log_debug("t%x: shared-memory route closed: %s", (unsigned)e->tid, shm_strerror(r));
	shm_peer_close(e->peer);
	e->peer = NULL;
	e->failed_ns = clock_now_ns();
}

/* While a send waits for room or for the receiver to take a large
 * message: take in what comes to us (so two tasks sending to each other
 * never wait on each other), then sleep until something moves. */
static int wait_for(struct shm_peer *p)
{
	struct pollfd pfd = {.fd = lpvm.fd, .events = POLLIN};
	int r = lpvm_pump(0);

	if (r < 0)
		return r;
	r = shm_wait(ep, &p, 1, &pfd, lpvm.fd >= 0 ? 1 : 0, 100);
	return r < 0 ? PvmSysErr : 0;
}

static int shm_send(int tid, const uint8_t *hdr, struct iovec *iov, int niov)
{
	struct peer_entry *e = entry_of(tid);
	int r;

	if (e == NULL || e->peer == NULL)
		return LPVM_ROUTE_ELSEWHERE;
	/* iov[0] is the header; the payload follows */
	for (;;) {
		r = shm_peer_send(e->peer, hdr, FRAME_HEADER_LEN, iov + 1, niov - 1);
		if (r != SHM_AGAIN)
			break;
		if (!shm_peer_alive(e->peer)) {
			drop_peer(e, SHM_EPEER);
			return LPVM_ROUTE_ELSEWHERE;
		}
		if ((r = wait_for(e->peer)) < 0)
			return r;
	}
	while (r == SHM_INPROGRESS) {
		int w = wait_for(e->peer);

		if (w < 0)
			return w;
		r = shm_peer_test(e->peer);
		if (r == SHM_INPROGRESS && !shm_peer_alive(e->peer)) {
			/* it died before taking the message: no one reads our
			 * memory now, and the daemon knows what to do with it */
			drop_peer(e, SHM_EPEER);
			return LPVM_ROUTE_ELSEWHERE;
		}
	}
	switch (r) {
	case SHM_OK:
		return 0;
	case SHM_ENOMEM:
		return PvmNoMem;
	case SHM_EPEER:
		/* the receiver is gone: the daemon knows what to do with it */
		drop_peer(e, r);
		return LPVM_ROUTE_ELSEWHERE;
	default: /* too big for the ring's receiver, or refused */
		return LPVM_ROUTE_ELSEWHERE;
	}
}

static int shm_progress(int timeout_ms)
{
	struct shm_msg m;
	int n = 0, r;

	if (ep == NULL)
		return 0;
	if (timeout_ms != 0 && !shm_ep_pending(ep))
		shm_wait(ep, NULL, 0, NULL, 0, timeout_ms);
	while ((r = shm_ep_recv(ep, &m)) == 1) {
		struct frame_header h;
		const char *why;

		if (m.hdr_len != FRAME_HEADER_LEN ||
		    frame_decode(m.hdr, lpvm.max_frame, &h, &why) != 0 ||
		    h.kind != FRAME_DATA || h.src != m.src || h.len != m.len ||
		    (h.flags & FRAME_FLAG_MCAST)) {
			log_warn("t%x: dropping a bad frame in shared memory from slot %u (t%x)",
			         (unsigned)lpvm.mytid, m.slot, (unsigned)m.src);
			free(m.payload);
			continue;
		}
		if (m.payload == NULL && (m.payload = malloc(1)) == NULL)
			return PvmNoMem;
		if (lpvm_deliver(&h, m.payload) < 0)
			return PvmNoMem;
		n++;
	}
	return r < 0 && r != SHM_ENOMEM ? PvmSysErr : n;
}

static int shm_fd(void)
{
	return ep != NULL ? shm_ep_fd(ep) : -1;
}

static int shm_wait_all(struct pollfd *fds, int nfds, int timeout_ms)
{
	if (ep == NULL)
		return poll(fds, (nfds_t)nfds, timeout_ms);
	return shm_wait(ep, NULL, 0, fds, nfds, timeout_ms);
}

static void shm_close(void)
{
	for (int i = 0; i < npeers; i++)
		if (peers[i].peer != NULL)
			shm_peer_close(peers[i].peer);
	free(peers);
	peers = NULL;
	npeers = peers_cap = 0;
	if (ep != NULL) {
		/* our daemon removes it too, unless it was killed: then we
		 * are the last who can (closing also removes the doorbell) */
		shm_ep_close(ep);
		shm_region_unlink(own_region);
	}
	ep = NULL;
	own_region[0] = '\0';
}

const struct lpvm_route lpvm_route_shm = {
    .name = "shm",
    .open = shm_open_peer,
    .send = shm_send,
    .progress = shm_progress,
    .fd = shm_fd,
    .wait = shm_wait_all,
    .close = shm_close,
};

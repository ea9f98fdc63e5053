/*
 * lpvm_route_fabric.c - the libfabric route (lpvm_route.h) to the tasks
 * of other hosts: one RDM endpoint per task (lpvm_fabric.h,
 * docs/fabric.md), bound to this host's address on the daemon links.
 * The endpoint opens on demand (opening costs ~0.15 s of CPU in
 * libfabric 1.17, so tasks that never talk to another host never pay it):
 * when the task first sends to another host, or when its daemon says a
 * peer looked it up.  Its address blob is then published to our daemon;
 * a peer's is looked up through the daemons on first use and cached.  A peer without
 * an endpoint (not registered yet, no libfabric, PVMX_FABRIC_PROVIDER=none),
 * or one this endpoint cannot talk to (another byte order or provider:
 * lpvm_fabric_blob_check), is reached through the daemon instead; one that
 * had no endpoint is asked again after a pause that grows to a second.
 * Tasks of our own daemon are never reached this way (shared memory or
 * the daemon route serve them).
 *
 * A send that makes no progress for STUCK_MS looks the peer up again: a
 * peer that is gone, or whose tid now belongs to another endpoint, is
 * failed (lpvm_fabric_peer_fail) and the frame goes to the daemon route,
 * which knows what to do with it; a live peer that does not read keeps
 * its sender waiting (back-pressure).
 */
#include "lpvm.h"
#include "lpvm_fabric.h"
#include "lpvm_route.h"

#include "clock.h"
#include "env.h"
#include "frame.h"
#include "log.h"
#include "tid.h"
#include "wire.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the first pause before asking again for a peer that had no endpoint,
 * doubled each time up to the last */
#define RETRY_FIRST_NS (10LL * 1000 * 1000)
#define RETRY_MAX_NS (1000LL * 1000 * 1000)
/* a send without progress for this long looks its peer up again */
#define STUCK_MS 1000
/* The endpoint opens once this many messages, or bytes, have gone to
 * other hosts (through the daemons until then): opening costs about 0.15 s
 * of CPU in libfabric 1.17 (its providers' start-up), the daemon route
 * 50-100 us more per small message than the direct one.  So a task that
 * sends a few messages away (a start-up hello) never pays for it.
 * PVMX_FABRIC_OPEN_AFTER=N sets the count (0: at the first message). */
#define FABRIC_OPEN_MSGS 64
#define FABRIC_OPEN_BYTES (256 * 1024)

enum peer_state { P_NONE, P_OK, P_NEVER };

struct fpeer {
	int tid;
	enum peer_state state;
	struct lpvm_fabric_peer *peer;
	long long retry_at, pause; /* P_NONE: when to ask again */
	uint8_t *blob;             /* P_OK: its address, as looked up */
	size_t bloblen;
};

static struct lpvm_fabric *fab;
static enum { EP_UNTRIED, EP_OPEN, EP_NEVER } ep_state;
static long long ep_retry_at, ep_pause;
static struct fpeer *peers;
static int npeers, peers_cap, last_hit;
static int selected; /* pvm_getfds was called */
static int wanted;   /* our daemon says a peer wants to reach us */
static unsigned long long away_msgs, away_bytes; /* before the endpoint */
static char bind_to[64];                         /* from the register reply; "": ask */

static int ensure_endpoint(void);

/* next time to ask, after a pause that doubles (retry_at 0: now) */
static void backoff(long long *retry_at, long long *pause)
{
	*pause = *pause == 0 ? RETRY_FIRST_NS : *pause * 2;
	if (*pause > RETRY_MAX_NS)
		*pause = RETRY_MAX_NS;
	*retry_at = clock_now_ns() + *pause;
}

static struct fpeer *entry_of(int tid, int create)
{
	if (last_hit < npeers && peers[last_hit].tid == tid)
		return &peers[last_hit];
	for (int i = 0; i < npeers; i++)
		if (peers[i].tid == tid) {
			last_hit = i;
			return &peers[i];
		}
	if (!create)
		return NULL;
	if (npeers == peers_cap) {
		int ncap = peers_cap ? peers_cap * 2 : 16;
		struct fpeer *np = realloc(peers, sizeof(*np) * (size_t)ncap);

		if (np == NULL)
			return NULL;
		peers = np;
		peers_cap = ncap;
	}
	peers[npeers] = (struct fpeer){.tid = tid};
	return &peers[npeers++];
}

/* A frame from src: whole, checked, to the delivery point. */
static void on_deliver(void *arg, int32_t src, const void *hdr, size_t hdr_len,
                       void *payload, size_t len)
{
	struct frame_header h;
	const char *why = "not a frame header";

	(void)arg;
	if (hdr_len != FRAME_HEADER_LEN ||
	    frame_decode(hdr, lpvm.max_frame, &h, &why) != 0 || h.kind != FRAME_DATA ||
	    h.src != src || h.len != len || h.dst != lpvm.mytid ||
	    (h.flags & FRAME_FLAG_MCAST)) {
		log_warn("t%x: dropping a bad frame from t%x on the fabric route (%s)",
		         (unsigned)lpvm.mytid, (unsigned)src,
		         why != NULL ? why : "header does not match");
		free(payload);
		return;
	}
	if (lpvm_deliver(&h, payload) < 0)
		log_error("t%x: no memory to deliver a message of %zu bytes from t%x",
		          (unsigned)lpvm.mytid, len, (unsigned)src);
}

/* The endpoint says a peer failed: ask for it again before sending. */
static void on_peer_error(void *arg, int32_t id, int code, const char *why)
{
	struct fpeer *e = entry_of(id, 0);

	(void)arg;
	log_debug("t%x: fabric route to t%x closed (%d): %s", (unsigned)lpvm.mytid,
	          (unsigned)id, code, why);
	if (e != NULL && e->state == P_OK) {
		e->state = P_NONE;
		e->peer = NULL;
		e->pause = 0;
		e->retry_at = 0;
	}
}

/* Asks the daemons for tid's fabric address (tid our daemon's: the address
 * to bind to).  0 with *rep (the FabricAddr, freed by the caller), or a
 * code. */
static int lookup(int tid, Pvmx__Control **rep)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__FabricLookup fl = PVMX__FABRIC_LOOKUP__INIT;

	fl.tid = tid;
	req.body_case = PVMX__CONTROL__BODY_FABRIC_LOOKUP;
	req.fabric_lookup = &fl;
	return lpvm_request_as(&req, PVMX__CONTROL__BODY_FABRIC_ADDR, rep);
}

/* Opens our endpoint bound to addr and publishes its address. */
static void open_endpoint(const char *addr)
{
	struct lpvm_fabric_config cfg = {
	    .self_id = lpvm.mytid,
	    .local_addr = addr,
	    .max_msg = (size_t)lpvm.max_frame + FRAME_HEADER_LEN,
	    .deliver = on_deliver,
	    .peer_error = on_peer_error,
	};
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__FabricPublish fp = PVMX__FABRIC_PUBLISH__INIT;
	const void *blob;
	char why[512];
	size_t len;
	int r;

	ep_state = EP_NEVER;
	r = lpvm_fabric_open(&cfg, &fab, why, sizeof(why));
	if (r < 0) {
		log_info("t%x: no fabric route: %s", (unsigned)lpvm.mytid, why);
		fab = NULL;
		return;
	}
	lpvm_fabric_address(fab, &blob, &len);
	fp.blob.data = (uint8_t *)blob;
	fp.blob.len = len;
	req.body_case = PVMX__CONTROL__BODY_FABRIC_PUBLISH;
	req.fabric_publish = &fp;
	r = lpvm_status_request("pvm_send", &req, 0);
	if (r < 0) {
		log_warn("t%x: no fabric route: the daemon refused its address (%d)",
		         (unsigned)lpvm.mytid, r);
		lpvm_fabric_close(fab);
		fab = NULL;
		return;
	}
	ep_state = EP_OPEN;
	log_info("t%x: fabric route open on %s (%s)", (unsigned)lpvm.mytid,
	         lpvm_fabric_address_string(fab, NULL, 0, why, sizeof(why)),
	         lpvm_fabric_provider(fab));
}

void lpvm_fabric_attach(const char *bind_addr)
{
	snprintf(bind_to, sizeof(bind_to), "%s", bind_addr != NULL ? bind_addr : "");
}

void lpvm_fabric_wanted(void)
{
	if (ep_state == EP_UNTRIED)
		wanted = 1;
}

int lpvm_fabric_open_wanted(void)
{
	if (!wanted)
		return 0;
	wanted = 0;
	ensure_endpoint();
	return 1;
}

void lpvm_fabric_no_lazy_open(void)
{
	selected = 1;
	if (ep_state == EP_UNTRIED)
		ep_state = EP_NEVER;
}

/* The endpoint, opened on first need (the machine got other hosts after
 * we registered): 0, or PvmNoEntry when there is none (yet). */
static int ensure_endpoint(void)
{
	Pvmx__Control *rep = NULL;

	if (ep_state == EP_OPEN)
		return 0;
	if (ep_state == EP_NEVER || clock_now_ns() < ep_retry_at)
		return PvmNoEntry;
	if (bind_to[0] != '\0') {
		open_endpoint(bind_to);
		return ep_state == EP_OPEN ? 0 : PvmNoEntry;
	}
	if (lookup(lpvm.host_tid, &rep) < 0 || rep->fabric_addr->code < 0) {
		/* our daemon has no link address yet */
		backoff(&ep_retry_at, &ep_pause);
		wire_control_free(rep);
		return PvmNoEntry;
	}
	open_endpoint(rep->fabric_addr->local_addr);
	wire_control_free(rep);
	return ep_state == EP_OPEN ? 0 : PvmNoEntry;
}

/* Looks e's tid up and enters it: 0 when it is reachable now. */
static int enter_peer(struct fpeer *e)
{
	Pvmx__Control *rep = NULL;
	Pvmx__FabricAddr *fa;
	char why[256];
	int r = lookup(e->tid, &rep);

	if (r < 0 || rep->fabric_addr->code < 0) {
		/* not registered yet, or without an endpoint: later */
		backoff(&e->retry_at, &e->pause);
		wire_control_free(rep);
		return PvmNoEntry;
	}
	fa = rep->fabric_addr;
	r = lpvm_fabric_peer_add(fab, e->tid, fa->blob.data, fa->blob.len, &e->peer, why,
	                         sizeof(why));
	if (r == PvmMismatch || r == PvmBadMsg) {
		log_info("t%x: t%x through the daemons: %s", (unsigned)lpvm.mytid,
		         (unsigned)e->tid, why);
		e->state = P_NEVER;
	} else if (r < 0) {
		backoff(&e->retry_at, &e->pause);
	} else {
		free(e->blob);
		e->blob = malloc(fa->blob.len > 0 ? fa->blob.len : 1);
		if (e->blob != NULL)
			memcpy(e->blob, fa->blob.data, fa->blob.len);
		e->bloblen = fa->blob.len;
		e->state = P_OK;
		e->pause = 0;
	}
	wire_control_free(rep);
	return e->state == P_OK ? 0 : PvmNoEntry;
}

/* Is the traffic to other hosts so far (with this frame's len bytes)
 * worth an endpoint? */
static int worth_opening(size_t len)
{
	static long after = -1;

	if (ep_state != EP_UNTRIED)
		return 1;
	if (after < 0)
		after = env_long("PVMX_FABRIC_OPEN_AFTER", 0, LONG_MAX, FABRIC_OPEN_MSGS);
	away_msgs++;
	away_bytes += len;
	return away_msgs > (unsigned long long)after || away_bytes >= FABRIC_OPEN_BYTES;
}

static int fabric_open_peer(int tid, size_t len)
{
	struct fpeer *e;

	if (!tid_is_valid(tid) || tid_is_daemon(tid) ||
	    tid_host_index(tid) == tid_host_index(lpvm.mytid) || lpvm.fd < 0)
		return PvmNoEntry;
	e = entry_of(tid, 0);
	if (e != NULL && e->state == P_OK)
		return 0;
	if (!worth_opening(len))
		return PvmNoEntry;
	if (ensure_endpoint() != 0)
		return PvmNoEntry;
	if (e == NULL && (e = entry_of(tid, 1)) == NULL)
		return PvmNoMem;
	if (e->state == P_NEVER || clock_now_ns() < e->retry_at)
		return PvmNoEntry;
	return enter_peer(e);
}

/* A send has waited STUCK_MS: is its peer still the one we send to?  If
 * it is gone, or its tid has another endpoint now, fail it. */
static void check_stuck(struct fpeer *e)
{
	Pvmx__Control *rep = NULL;
	int r = lookup(e->tid, &rep), same;

	if (r < 0 && r != PvmNoTask && r != PvmNoEntry)
		return; /* the daemon is unsure; its lost-host handling decides */
	same = r == 0 && rep->fabric_addr->code == 0 &&
	       rep->fabric_addr->blob.len == e->bloblen && e->blob != NULL &&
	       memcmp(rep->fabric_addr->blob.data, e->blob, e->bloblen) == 0;
	wire_control_free(rep);
	if (!same) {
		log_info("t%x: t%x is gone or has a new endpoint: failing what is in "
		         "flight to it",
		         (unsigned)lpvm.mytid, (unsigned)e->tid);
		lpvm_fabric_peer_fail(fab, e->tid, "gone, as its daemon says");
	}
}

/* The peer of tid failed: ask again (after a pause) before the next use. */
static void peer_lost(int tid)
{
	struct fpeer *e = entry_of(tid, 0);

	if (e != NULL) {
		e->state = P_NONE;
		e->peer = NULL;
		backoff(&e->retry_at, &e->pause);
	}
}

/* While a send waits: progress on every route, sleeping a little. */
static int wait_some(int tid, long long *since)
{
	int r = lpvm_pump(100);
	struct fpeer *e;

	if (r < 0)
		return r;
	if (r > 0) {
		*since = clock_now_ns();
		return 0;
	}
	if (clock_now_ns() - *since >= STUCK_MS * 1000000LL &&
	    (e = entry_of(tid, 0)) != NULL && e->state == P_OK) {
		check_stuck(e);
		*since = clock_now_ns();
	}
	return 0;
}

static int fabric_send(int tid, const uint8_t *hdr, struct iovec *iov, int niov)
{
	struct fpeer *e = entry_of(tid, 0);
	struct lpvm_fabric_send *req = NULL;
	long long since = clock_now_ns();
	int r;

	if (fab == NULL || e == NULL || e->state != P_OK)
		return LPVM_ROUTE_ELSEWHERE;
	/* iov[0] is the header; the payload follows */
	for (;;) {
		r = lpvm_fabric_send_post(fab, e->peer, hdr, FRAME_HEADER_LEN, iov + 1,
		                          niov - 1, &req);
		if (r != LPVM_FABRIC_AGAIN)
			break;
		/* too much in flight: the receiver is slow */
		if ((r = wait_some(tid, &since)) < 0)
			return r;
		if ((e = entry_of(tid, 0)) == NULL || e->state != P_OK)
			return LPVM_ROUTE_ELSEWHERE;
	}
	if (r == PvmNoTask || r == PvmBadParam) {
		if (r == PvmNoTask)
			peer_lost(tid);
		return LPVM_ROUTE_ELSEWHERE;
	}
	if (r < 0)
		return r;
	while (req != NULL) {
		r = lpvm_fabric_send_test(fab, &req);
		if (r == 1)
			break;
		if (r < 0) {
			/* the daemon route delivers it, or drops it if the peer
			 * is gone; a copy that did arrive is dropped as a repeat
			 * (its seq) */
			peer_lost(tid);
			return LPVM_ROUTE_ELSEWHERE;
		}
		if ((r = wait_some(tid, &since)) < 0) {
			/* our daemon is gone: nothing can be waited for */
			lpvm_fabric_peer_fail(fab, tid, "our daemon is gone");
			lpvm_fabric_send_test(fab, &req);
			return r;
		}
	}
	/* the packets copied for it move only while we make progress: see
	 * them into the provider before the task goes back to its work.
	 * Usually the provider wrote them to its socket in the post, and the
	 * first look at its queue finds them done: that look alone, before a
	 * wait on every route (two more system calls per message) */
	for (int first = 1; (e = entry_of(tid, 0)) != NULL && e->state == P_OK &&
	                    lpvm_fabric_peer_busy(fab, e->peer);
	     first = 0) {
		if (first && lpvm_fabric_progress(fab, 0) < 0)
			return PvmSysErr;
		if (!first && (r = wait_some(tid, &since)) < 0)
			return r;
	}
	return 0;
}

static int fabric_progress(int timeout_ms)
{
	int r;

	if (fab == NULL)
		return 0;
	r = lpvm_fabric_progress(fab, timeout_ms);
	/* a pvm_getfds user sleeps on our descriptor without asking us
	 * first: leave it armed (fi_trywait), taking in what comes */
	for (int k = 0; selected && r >= 0 && k < 8 && lpvm_fabric_wait_prepare(fab) == 0;
	     k++) {
		int more = lpvm_fabric_progress(fab, 0);

		r = more < 0 ? more : r + more;
	}
	return r < 0 ? PvmSysErr : r;
}

static int fabric_fd(void)
{
	return fab != NULL ? lpvm_fabric_fd(fab) : -1;
}

static int fabric_prepare(void)
{
	return fab != NULL ? lpvm_fabric_wait_prepare(fab) : -1;
}

static void fabric_close(void)
{
	if (fab != NULL)
		lpvm_fabric_close(fab);
	fab = NULL;
	for (int i = 0; i < npeers; i++)
		free(peers[i].blob);
	free(peers);
	peers = NULL;
	npeers = peers_cap = last_hit = 0;
	ep_state = EP_UNTRIED;
	ep_retry_at = ep_pause = 0;
	away_msgs = away_bytes = 0;
	wanted = 0;
	bind_to[0] = '\0';
}

const struct lpvm_route lpvm_route_fabric = {
    .name = "fabric",
    .open = fabric_open_peer,
    .send = fabric_send,
    .progress = fabric_progress,
    .fd = fabric_fd,
    .prepare = fabric_prepare,
    .close = fabric_close,
};

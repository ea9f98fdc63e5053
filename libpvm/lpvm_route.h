/*
 * lpvm_route.h - the library's transport seam: every way a data frame can
 * travel to another task (a route) offers the same operations, and every
 * frame received by any route goes to the one delivery point,
 * lpvm_deliver (lpvm.h).  One file per route: lpvm_conn.c is the daemon
 * route (which also carries the control requests); the direct routes
 * plug in beside it.  lpvm_route.c picks a route per destination, sends
 * through it, and makes progress on all of them while the task waits.
 */
#ifndef PVMX_LPVM_ROUTE_H
#define PVMX_LPVM_ROUTE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct lpvm_route {
	const char *name;
	/* Can a frame of len payload bytes to tid go this way now?  Sets up
	 * what the route needs for tid (and caches it): 0 yes, a negative
	 * code no (the caller takes the next route; the daemon route always
	 * says yes).  A route whose set-up is dear may wait for traffic that
	 * is worth it (the libfabric one). */
	int (*open)(int tid, size_t len);
	/* Sends one frame to tid: hdr (FRAME_HEADER_LEN encoded bytes) then
	 * the payload's iovecs, all of it before returning (the caller may
	 * reuse the memory afterwards); 0 or a negative code. */
	int (*send)(int tid, const uint8_t *hdr, struct iovec *iov, int niov);
	/* Takes in what has arrived, handing each data frame to
	 * lpvm_deliver; waits at most timeout_ms for the first (0: only what
	 * is there).  Frames taken in, or a negative code. */
	int (*progress)(int timeout_ms);
	/* A descriptor that is readable when progress has work, or -1. */
	int (*fd)(void);
	/* Optional: sleeps until this route has work or one of fds is ready
	 * (poll's contract), for a route that must know it sleeps (the
	 * shared-memory one: its senders ring only for a sleeper).  NULL:
	 * the route's fd is polled with the others. */
	int (*wait)(struct pollfd *fds, int nfds, int timeout_ms);
	/* Optional: called right before the task sleeps on the routes'
	 * descriptors: how long the sleep may last in ms (-1 no limit, 0 not
	 * at all: progress has work; the libfabric route's descriptor is
	 * armed only by this).  NULL: no limit. */
	int (*prepare)(void);
	/* Forgets every peer and closes (the task leaves its daemon). */
	void (*close)(void);
};

/* A route's send could not take the frame after all (the peer left the
 * route, or the frame does not fit it): the next route must, with the
 * same header (its seq keeps the pair in order). */
#define LPVM_ROUTE_ELSEWHERE 1

/* The routes: the daemon's (lpvm_conn.c), shared memory
 * (lpvm_route_shm.c), libfabric (lpvm_route_fabric.c). */
extern const struct lpvm_route lpvm_route_daemon;
extern const struct lpvm_route lpvm_route_shm;
extern const struct lpvm_route lpvm_route_fabric;

/* The shared-memory route: the task's own region and doorbell, from its
 * register reply (empty: none); and, for pvm_getfds users who select on
 * its descriptor, a doorbell rung for every message. */
void lpvm_shm_attach(const char *region, const char *bell);
void lpvm_shm_notify_always(void);
/* Whether the daemon wrote to our socket since the last call, by the
 * note in our region (shm.h): 1 yes, 0 no, -1 we have no region (then
 * only a poll of the socket tells). */
int lpvm_shm_daemon_news(void);

/* The libfabric route opens its endpoint on demand: when the task has
 * sent FABRIC_OPEN_MSGS messages or FABRIC_OPEN_BYTES bytes to tasks of
 * other hosts (the ones before go through the daemons: opening costs
 * far more than a few messages do there), or when the daemon says a
 * peer wants to reach us
 * (lpvm_fabric_wanted: opened at the next lpvm_pump, outside any
 * request).  lpvm_fabric_attach: the address to bind to, from the
 * register reply ("" when the machine had one host: asked for later).
 * lpvm_fabric_no_lazy_open: a pvm_getfds user selects on the descriptors
 * it was given, so an endpoint not open by then never opens (its peers
 * reach it through the daemon). */
void lpvm_fabric_attach(const char *bind_addr);
void lpvm_fabric_wanted(void);
int lpvm_fabric_open_wanted(void); /* lpvm_pump: opens it if wanted; 1 if it tried */
void lpvm_fabric_no_lazy_open(void);

/* While a request waits for its answer from the daemon: makes progress
 * on the direct routes (a peer sending to us over them must not wait for
 * the answer, which may depend on that peer: a group barrier) until the
 * daemon's socket is readable.  0, or a negative code. */
int lpvm_wait_daemon(void);
/* The same until the daemon's socket is ready for events (POLLIN, and
 * POLLOUT for a write that waits for room: the daemon holds back a task
 * whose receiver is over its bound, and the task must take in what comes
 * meanwhile, or two tasks sending to each other would block each other):
 * the socket's revents, or a negative code. */
int lpvm_wait_daemon_for(short events);

/* Non-zero while a frame is being sent: message handlers wait (a handler
 * that sent would nest in a send that is waiting for room). */
extern int lpvm_sending;

/* Closes every route but the daemon's (lpvm_disconnect). */
void lpvm_routes_close(void);

#endif

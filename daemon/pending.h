/*
 * pending.h - the daemon's one table of requests that wait: who asked,
 * its seq, what it waits on, its deadline and what cancels it.  Its own
 * small library (no other daemon module), so tests/unit/test_pending.c
 * links it alone; pvmd.h includes it.
 */
#ifndef PVMX_PENDING_H
#define PVMX_PENDING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct event_base;

/* Who asked: a task here or on another host (then its daemon passes the
 * answer on), and the seq of its request, which the answer echoes.
 * Copied by value, never a pointer to a connection: a tid cannot
 * dangle, and an answer to a task that is gone is dropped where it is
 * routed (route.c, reply_control). */
struct reply_addr {
	int32_t tid; /* 0: nobody to answer (the host file's own add) */
	uint32_t seq;
};

/* The kinds of waits; each is described once, in the table of pending.c
 * (who serves it, what cancels it). */
enum pending_kind {
	PENDING_RELAY,       /* our task's request that another daemon serves */
	PENDING_MBOX_WAIT,   /* pvm_recvinfo with PvmMboxWaitForInfo (master) */
	PENDING_SPAWN_SHARE, /* one other host's share of a spawn */
	PENDING_SPAWN_RUN,   /* a spawn's instances here, forked in steps */
	PENDING_ADD_HOSTS,   /* pvm_addhosts, until each host is in or failed */
	PENDING_HOST_START,  /* one host of an add, until its daemon says where */
	PENDING_BOOT_WAIT,   /* a wait for the master's host file adds */
	PENDING_GROUP_BARRIER, /* pvm_barrier, at the group's home daemon */
	PENDING_GROUP_FREEZE,  /* pvm_freezegroup, at the group's home daemon */
	PENDING_GROUP_VIEW,    /* a group read until the group comes from its home */
	PENDING_GROUP_CALL,    /* a barrier call held by the caller's daemon */
	PENDING_TEST,        /* for tests/unit/test_pending.c only */
	PENDING_NKINDS
};

/* Why a wait ends without its answer; also the bits of a kind's
 * cancel mask. */
enum pending_why {
	PENDING_REQUESTER_GONE = 1, /* the task exited, or its host went */
	PENDING_HOST_GONE = 2,      /* the host it waits on went */
	PENDING_DEADLINE = 4,       /* its time is up */
	PENDING_SHUTDOWN = 8,       /* the daemon exits: free, answer nothing */
};

struct pending;

/* Called once when the wait ends without pending_done: p is already out
 * of the table (the callback may add, find and end other waits, never
 * p) and is freed when the callback returns.  The callback owns arg and
 * sends whatever answer the cancellation deserves. */
typedef void pending_cancel_fn(const struct pending *p, enum pending_why why, void *arg);

struct pending {
	TAILQ_ENTRY(pending) entry;
	uint32_t id; /* unique among live waits: a seq to put on the wire */
	enum pending_kind kind;
	struct reply_addr to;
	int host; /* the host index it waits on; 0: none */
	pending_cancel_fn *cancel;
	void *arg;
	struct event *timer; /* its deadline; NULL: none */
	uint64_t serial;     /* order of adding (pending.c's own) */
};

/* Deadlines run on base (before any wait with a deadline is added). */
void pending_init(struct event_base *base);
/* A new wait of kind for to, on host (0: none), ended by the kind's
 * cancel events and, when timeout_ms > 0, after that long.  NULL when
 * out of memory (logged; nothing is added). */
struct pending *pending_add(enum pending_kind kind, const struct reply_addr *to, int host,
                            int timeout_ms, pending_cancel_fn *cancel, void *arg);
/* The wait of kind for request seq of task tid; NULL: none. */
struct pending *pending_find(enum pending_kind kind, int tid, uint32_t seq);
/* The wait of kind with this id; NULL: none. */
struct pending *pending_find_id(enum pending_kind kind, uint32_t id);
/* Waits of kind in the order they were added: pending_next(kind, NULL)
 * is the first.  Ending the current one with pending_done is fine. */
struct pending *pending_next(enum pending_kind kind, const struct pending *after);
/* Answered: forgotten, its cancel is not called; arg stays the caller's. */
void pending_done(struct pending *p);
/* Task tid (of any host) is gone: waits it asked for that its kind
 * cancels then end with PENDING_REQUESTER_GONE. */
void pending_task_gone(int tid);
/* Host index is gone: waits on it end with PENDING_HOST_GONE, waits its
 * tasks asked for with PENDING_REQUESTER_GONE (as the kind says). */
void pending_host_gone(int host);
/* Waits of kind, or of every kind with PENDING_NKINDS. */
size_t pending_count(enum pending_kind kind);
/* One line per kind with waits, through out (pvm_tickle 3). */
void pending_dump(void (*out)(const char *fmt, ...));
/* The daemon exits: every wait ends with PENDING_SHUTDOWN. */
void pending_free_all(void);

#endif

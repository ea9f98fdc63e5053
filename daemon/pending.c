/*
 * pending.c - requests that wait, of every kind, in one table: who asked
 * (a reply address), what it waits on (a host), its deadline, and what
 * cancels it.  A task or a host that goes cancels every kind of wait in
 * one place; each kind's module only says what its cancelled waits
 * answer.  The kinds are listed once, below.
 */
#include "pending.h"

#include "log.h"
#include "tid.h"

#include <event2/event.h>
#include <stdlib.h>

/* Each kind of wait: who serves the request (for the reader and the
 * tickle dump), and which events cancel it (enum pending_why bits; a
 * deadline is given per wait, and a shutdown ends every wait). */
static const struct pending_kind_info {
	const char *name;
	const char *served_by;
	unsigned cancels;
} kinds[PENDING_NKINDS] = {
    [PENDING_RELAY] = {"relay",
                       "the daemon of the host the request is about, or the master "
                       "(route.c: PvmHostFail when that host goes)",
                       PENDING_REQUESTER_GONE | PENDING_HOST_GONE},
    [PENDING_MBOX_WAIT] = {"mailbox wait", "the master (mbox.c)", PENDING_REQUESTER_GONE},
    /* a spawn's tasks need their sibling list even if the requester went */
    [PENDING_SPAWN_SHARE] = {"spawn share",
                             "the daemon of each host placed on (spawnhosts.c: "
                             "PvmHostFail for its instances when it goes)",
                             PENDING_HOST_GONE},
    /* stops forking; the instances started are ordinary tasks */
    [PENDING_SPAWN_RUN] = {"spawn run",
                           "this daemon, in steps of its loop (spawn.c: no more "
                           "instances once the requester or its host is gone)",
                           PENDING_REQUESTER_GONE | PENDING_HOST_GONE},
    /* hosts being added are added whoever asked */
    [PENDING_ADD_HOSTS] = {"add hosts", "the master (boot.c)", 0},
    [PENDING_HOST_START] = {"host start",
                            "the master, through the remote shell (boot.c: "
                            "PvmCantStart at its deadline)",
                            0},
    [PENDING_BOOT_WAIT] = {"boot wait", "the master (boot.c)", PENDING_REQUESTER_GONE},
    /* a caller that exits is no longer counted (group.c) */
    [PENDING_GROUP_BARRIER] = {"group barrier", "the group's home daemon (group.c)",
                               PENDING_REQUESTER_GONE},
    [PENDING_GROUP_FREEZE] = {"group freeze", "the group's home daemon (group.c)",
                              PENDING_REQUESTER_GONE},
    /* the home's host going answers PvmHostFail (groupview.c) */
    [PENDING_GROUP_VIEW] = {"group view", "the group's home daemon (groupview.c)",
                            PENDING_REQUESTER_GONE | PENDING_HOST_GONE},
    [PENDING_GROUP_CALL] = {"group barrier call",
                            "the caller's daemon, then the group's home (groupview.c)",
                            PENDING_REQUESTER_GONE | PENDING_HOST_GONE},
    [PENDING_TEST] = {"test", "tests/unit/test_pending.c",
                      PENDING_REQUESTER_GONE | PENDING_HOST_GONE},
};

TAILQ_HEAD(pending_list, pending);

static struct pending_list table = TAILQ_HEAD_INITIALIZER(table);
static struct event_base *timer_base;
static uint32_t next_id;
static uint64_t next_serial;
static size_t counts[PENDING_NKINDS];

void pending_init(struct event_base *base)
{
	timer_base = base;
}

/* Out of the table, its cancel called, freed. */
static void pending_end(struct pending *p, enum pending_why why)
{
	TAILQ_REMOVE(&table, p, entry);
	counts[p->kind]--;
	if (p->timer != NULL)
		event_free(p->timer);
	p->timer = NULL;
	if (p->cancel != NULL)
		p->cancel(p, why, p->arg);
	free(p);
}

static void pending_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pending *p = arg;

	(void)fd;
	(void)what;
	log_debug("t%x: %s (seq %u) ran out of time", (unsigned)p->to.tid,
	          kinds[p->kind].name, p->to.seq);
	pending_end(p, PENDING_DEADLINE);
}

static uint32_t pending_new_id(void)
{
	for (;;) {
		uint32_t id = ++next_id;
		struct pending *p;

		if (id == 0)
			continue;
		TAILQ_FOREACH(p, &table, entry)
		{
			if (p->id == id)
				break;
		}
		if (p == NULL)
			return id;
	}
}

struct pending *pending_add(enum pending_kind kind, const struct reply_addr *to, int host,
                            int timeout_ms, pending_cancel_fn *cancel, void *arg)
{
	struct pending *p;

	if ((unsigned)kind >= PENDING_NKINDS)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		log_error("t%x: out of memory for a %s", (unsigned)to->tid,
		          kinds[kind].name);
		return NULL;
	}
	if (timeout_ms > 0) {
		struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};

		p->timer = timer_base != NULL
		               ? evtimer_new(timer_base, pending_deadline_cb, p)
		               : NULL;
		if (p->timer == NULL || evtimer_add(p->timer, &tv) != 0) {
			log_error("t%x: cannot set the deadline of a %s",
			          (unsigned)to->tid, kinds[kind].name);
			if (p->timer != NULL)
				event_free(p->timer);
			free(p);
			return NULL;
		}
	}
	p->id = pending_new_id();
	p->serial = ++next_serial;
	p->kind = kind;
	p->to = *to;
	p->host = host;
	p->cancel = cancel;
	p->arg = arg;
	TAILQ_INSERT_TAIL(&table, p, entry);
	counts[kind]++;
	return p;
}

struct pending *pending_find(enum pending_kind kind, int tid, uint32_t seq)
{
	struct pending *p;

	TAILQ_FOREACH(p, &table, entry)
	{
		if (p->kind == kind && p->to.tid == tid && p->to.seq == seq)
			return p;
	}
	return NULL;
}

struct pending *pending_find_id(enum pending_kind kind, uint32_t id)
{
	struct pending *p;

	TAILQ_FOREACH(p, &table, entry)
	{
		if (p->kind == kind && p->id == id)
			return p;
	}
	return NULL;
}

struct pending *pending_next(enum pending_kind kind, const struct pending *after)
{
	struct pending *p =
	    after != NULL ? TAILQ_NEXT(after, entry) : TAILQ_FIRST(&table);

	while (p != NULL && p->kind != kind)
		p = TAILQ_NEXT(p, entry);
	return p;
}

void pending_done(struct pending *p)
{
	if (p == NULL)
		return;
	TAILQ_REMOVE(&table, p, entry);
	counts[p->kind]--;
	if (p->timer != NULL)
		event_free(p->timer);
	free(p);
}

/* Why a wait ends when host (a task of it, or the host) goes; 0: it
 * does not. */
static unsigned host_gone_why(const struct pending *p, int host)
{
	unsigned c = kinds[p->kind].cancels;

	if (p->host == host && (c & PENDING_HOST_GONE))
		return PENDING_HOST_GONE;
	if (p->to.tid != 0 && tid_host_index(p->to.tid) == host &&
	    (c & PENDING_REQUESTER_GONE))
		return PENDING_REQUESTER_GONE;
	return 0;
}

static unsigned task_gone_why(const struct pending *p, int tid)
{
	return p->to.tid == tid && (kinds[p->kind].cancels & PENDING_REQUESTER_GONE)
	           ? PENDING_REQUESTER_GONE
	           : 0;
}

/* Ends every wait that existed before the call and that why_of says
 * ends.  A cancel callback may end other waits (even the next one): a
 * marker that is never matched keeps our place in the table. */
static void pending_cancel_where(unsigned (*why_of)(const struct pending *, int), int key)
{
	struct pending marker = {.kind = PENDING_NKINDS};
	uint64_t last = next_serial;
	struct pending *p = TAILQ_FIRST(&table);

	while (p != NULL) {
		unsigned why =
		    p->kind < PENDING_NKINDS && p->serial <= last ? why_of(p, key) : 0;

		if (why == 0) {
			p = TAILQ_NEXT(p, entry);
			continue;
		}
		TAILQ_INSERT_AFTER(&table, p, &marker, entry);
		pending_end(p, (enum pending_why)why);
		p = TAILQ_NEXT(&marker, entry);
		TAILQ_REMOVE(&table, &marker, entry);
	}
}

void pending_task_gone(int tid)
{
	if (tid != 0)
		pending_cancel_where(task_gone_why, tid);
}

void pending_host_gone(int host)
{
	if (host > 0)
		pending_cancel_where(host_gone_why, host);
}

size_t pending_count(enum pending_kind kind)
{
	size_t n = 0;

	if ((unsigned)kind < PENDING_NKINDS)
		return counts[kind];
	for (int k = 0; k < PENDING_NKINDS; k++)
		n += counts[k];
	return n;
}

void pending_dump(void (*out)(const char *fmt, ...))
{
	for (int k = 0; k < PENDING_NKINDS; k++) {
		if (counts[k] > 0)
			out("pending: %zu %s (served by %s)", counts[k], kinds[k].name,
			    kinds[k].served_by);
	}
}

void pending_free_all(void)
{
	struct pending *p;

	/* a callback may end others: always take the first left */
	while ((p = TAILQ_FIRST(&table)) != NULL)
		pending_end(p, PENDING_SHUTDOWN);
}

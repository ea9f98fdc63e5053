/*
 * lpvm_coll.h - the library's collectives (lpvm_coll.c): barrier,
 * reduce, gather and scatter among the members of a group view, over
 * point-to-point messages in a reserved context, combined within each
 * host first and then along a binomial tree of host leaders; and bcast,
 * a multicast of the user's message.  docs/groups.md has the algorithms
 * and the wire format.  The membership layer makes the views; nothing
 * here asks the daemon anything.
 */
#ifndef PVMX_LPVM_COLL_H
#define PVMX_LPVM_COLL_H

#include "frame.h"
#include "msgbuf.h"

#include <stdint.h>

/* PVM 3.4's system context for dynamic groups (SYSCTX_DG in its
 * pvmproto.h), which pvm_newcontext never hands out on the first host.
 * A collective message is a data frame in this context with a negative
 * tag (which no user send can make), so it is told apart from any user
 * message even in a context a daemon handed out equal to it. */
#define LPVM_COLL_CTX 0x7fffc
/* Tags: one per kind of message, PVM's style of system tags (high bit). */
#define LPVM_COLL_TAG_BASE ((int)0x80c01000u)
enum lpvm_coll_kind {
	COLL_BARRIER_IN = 1, /* a member (or, beyond 4 hosts, a child leader's
	                      * subtree) has arrived */
	COLL_BARRIER_OUT,    /* (leader to member, or parent leader) go */
	COLL_REDUCE,         /* a subtree's partial result */
	COLL_GATHER,         /* a subtree's contributions, by instance */
	COLL_SCATTER,        /* the pieces for a subtree, by instance */
	COLL_ABORT,          /* a member is gone: the operation fails */
	COLL_CREDIT,         /* rooted operations: senders may run further ahead */
	COLL_BARRIER_ROUND,  /* barrier between leaders (up to 4 hosts): a round */
	COLL_KIND_MAX = COLL_BARRIER_ROUND
};
/* The tag of the PvmTaskExit notifies the collectives ask for their
 * members (in LPVM_COLL_CTX), outside the kinds' range. */
#define LPVM_COLL_TAG_EXIT (LPVM_COLL_TAG_BASE + 0x100)
static inline int lpvm_coll_tag(enum lpvm_coll_kind k)
{
	return LPVM_COLL_TAG_BASE + (int)k;
}

/* One group as this task sees it: the member tids by instance number
 * (a tid <= 0 is a free instance), each member's host index, and the
 * sequence number of the next collective, which every member counts
 * alike because every member takes part in every collective in one
 * order.  Owned by whoever made it (lpvm_coll_view_new). */
struct lpvm_coll_view {
	char *group;  /* owned */
	int epoch;    /* the membership layer's version of this view */
	int ninst;    /* instances 0 .. ninst-1 */
	int *tids;    /* [ninst], owned */
	int *hosts;   /* [ninst] host index of each member, owned */
	int nmembers; /* tids > 0 */
	int myinst;   /* ours, or -1 when this task is not a member */
	uint32_t seq; /* next collective's number: 1, 2, ... */
	int source;   /* LPVM_COLL_VIEW_*: who made it */
	int broken;   /* a frozen group's collective failed: the group is gone */
};
/* A view installed by the test entry point (kept until replaced), one
 * of a group that was not frozen when its daemon answered (asked again
 * at every collective), or of a frozen group (kept until the task leaves
 * it). */
enum { LPVM_COLL_VIEW_TEST, LPVM_COLL_VIEW_DYNAMIC, LPVM_COLL_VIEW_FROZEN };

/* A new view of group: tids[inst] for inst < ninst (<= 0: free), hosts
 * the host index of each (NULL: taken from the tids, bits 18-29, which
 * is what pvm_tidtohost answers), epoch the membership's version (every
 * member must use the same).  NULL when out of memory or bad arguments
 * (a repeated tid, ninst < 0). */
struct lpvm_coll_view *lpvm_coll_view_new(const char *group, int epoch, const int *tids,
                                          const int *hosts, int ninst);
void lpvm_coll_view_free(struct lpvm_coll_view *v);

/* The collectives.  Each returns PvmOk or a PVM error code (not yet
 * reported: the caller reports it with its own function name).  All
 * members must call the same collectives in the same order; the caller
 * must be a member (PvmNoInst otherwise) except for bcast. */
/* Waits until every member has called it. */
int lpvm_coll_barrier(struct lpvm_coll_view *v);
/* Sends the active send buffer to every member but the caller, tag tag,
 * in the caller's context: an ordinary user message (pvm_recv). */
int lpvm_coll_bcast(struct lpvm_coll_view *v, int tag);
/* pvm_reduce: data[0..count) at instance root becomes f applied over all
 * members' arrays; elsewhere data is left undefined (here: unchanged or
 * a partial result). */
int lpvm_coll_reduce(struct lpvm_coll_view *v,
                     void (*f)(int *, void *, void *, int *, int *), void *data,
                     int count, int type, int tag, int root);
/* pvm_gather: root's result[inst * count ..] gets each member's data. */
int lpvm_coll_gather(struct lpvm_coll_view *v, void *result, void *data, int count,
                     int type, int tag, int root);
/* pvm_scatter: each member's result gets root's data[inst * count ..]. */
int lpvm_coll_scatter(struct lpvm_coll_view *v, void *result, void *data, int count,
                      int type, int tag, int root);

/* The delivery point hands over every frame in LPVM_COLL_CTX with a
 * negative tag: returns 1 when it took mb (queued for a collective or
 * dropped as malformed, logged), 0 when mb is not one of ours. */
int lpvm_coll_take(struct msgbuf *mb);
/* Drops every queued collective message (the task leaves its daemon). */
void lpvm_coll_reset(void);
/* Asks the daemons to say when any of tids (the members of a view) exits,
 * once per tid: a collective waiting for a member that is gone then
 * fails (PvmNoTask) instead of waiting for ever, and tells the others
 * (COLL_ABORT).  0 or a PVM error code. */
int lpvm_coll_watch(const int *tids, int n);
/* Tells every other member that operation seq of v fails with status
 * (a member found another gone; a member leaves a frozen group). */
void lpvm_coll_abort(const struct lpvm_coll_view *v, uint32_t seq, int status);

/* The views by group name (lpvm_coll_api.c), for pvm_barrier & co., made
 * from the membership's (lpvm_group.h) or by the test entry point.
 * install takes v, replacing (and freeing) a view of the same name. */
int lpvm_coll_view_install(struct lpvm_coll_view *v);
struct lpvm_coll_view *lpvm_coll_view_find(const char *group);
/* Forgets the view of group (the task left it). */
void lpvm_coll_view_drop(const char *group);
/* The task leaves group: if it is frozen, the other members' next (or
 * current) collective fails with PvmNoGroup, as PVM answers a barrier of
 * a frozen group a member left; then the view is dropped. */
void lpvm_coll_leaving(const char *group);

#endif

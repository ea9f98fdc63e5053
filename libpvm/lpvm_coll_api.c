/*
 * lpvm_coll_api.c - pvm_barrier, pvm_bcast, pvm_reduce, pvm_gather and
 * pvm_scatter: find the group's view, check what PVM checks, and run the
 * collective (lpvm_coll.c).  Views are kept here by group name.  Until
 * group membership lives in the daemons (issue 10), only the internal
 * test entry point pvmx_coll_test_view makes views, and a group with
 * none answers PvmNotImpl, as before.
 */
#include "lpvm.h"
#include "lpvm_trace.h"
#include "lpvm_coll.h"
#include "lpvm_group.h"
#include "pvmx_coll_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct lpvm_coll_view **views;
static int nviews, views_cap;

struct lpvm_coll_view *lpvm_coll_view_find(const char *group)
{
	for (int i = 0; group != NULL && i < nviews; i++)
		if (strcmp(views[i]->group, group) == 0)
			return views[i];
	return NULL;
}

int lpvm_coll_view_install(struct lpvm_coll_view *v)
{
	for (int i = 0; i < nviews; i++) {
		if (strcmp(views[i]->group, v->group) == 0) {
			lpvm_coll_view_free(views[i]);
			views[i] = v;
			return 0;
		}
	}
	if (nviews == views_cap) {
		int ncap = views_cap ? views_cap * 2 : 8;
		struct lpvm_coll_view **nv = realloc(views, sizeof(*nv) * (size_t)ncap);

		if (nv == NULL)
			return PvmNoMem;
		views = nv;
		views_cap = ncap;
	}
	views[nviews++] = v;
	return 0;
}

void lpvm_coll_view_drop(const char *group)
{
	for (int i = 0; group != NULL && i < nviews; i++) {
		if (strcmp(views[i]->group, group) == 0) {
			lpvm_coll_view_free(views[i]);
			views[i] = views[--nviews];
			return;
		}
	}
}

/* Every member computes the same number from the same membership: a
 * member with another view of the group sends with another epoch. */
static int view_epoch(const struct lpvm_gview *g)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < g->ninst; i++) {
		h = (h ^ (uint32_t)g->tids[i]) * 16777619u;
		h = (h ^ (uint32_t)i) * 16777619u;
	}
	return (int)(h & 0x7fffffff);
}

/* The collectives' view of group from its membership (a daemon round
 * trip unless it is frozen and held), keeping the collectives' count. */
static int view_from_membership(const char *group, struct lpvm_coll_view **out)
{
	const struct lpvm_gview *g;
	struct lpvm_coll_view *v, *old;
	int r = lpvm_group_view(group, &g);

	if (r < 0)
		return r;
	v = lpvm_coll_view_new(group, view_epoch(g), g->tids, NULL, g->ninst);
	if (v == NULL)
		return PvmNoMem;
	v->source = g->frozen ? LPVM_COLL_VIEW_FROZEN : LPVM_COLL_VIEW_DYNAMIC;
	/* a member that goes fails the collectives waiting for it */
	if ((r = lpvm_coll_watch(g->tids, g->ninst)) < 0) {
		lpvm_coll_view_free(v);
		return r;
	}
	/* every member counts the collectives of the group from its first:
	 * a new answer about its members does not start the count again */
	if ((old = lpvm_coll_view_find(group)) != NULL)
		v->seq = old->seq;
	r = lpvm_coll_view_install(v);
	if (r < 0) {
		lpvm_coll_view_free(v);
		return r;
	}
	*out = v;
	return 0;
}

int pvmx_coll_test_view(const char *group, const int *tids, int ntids)
{
	struct lpvm_coll_view *v;
	int r = lpvm_ensure("pvmx_coll_test_view");

	if (r < 0)
		return r;
	if (group == NULL || group[0] == '\0' || ntids < 1 || tids == NULL)
		return lpvm_error("pvmx_coll_test_view", PvmBadParam);
	v = lpvm_coll_view_new(group, 0, tids, NULL, ntids);
	if (v == NULL)
		return lpvm_error("pvmx_coll_test_view", PvmBadParam);
	if ((r = lpvm_coll_watch(tids, ntids)) < 0) {
		lpvm_coll_view_free(v);
		return lpvm_error("pvmx_coll_test_view", r);
	}
	r = lpvm_coll_view_install(v);
	if (r < 0) {
		lpvm_coll_view_free(v);
		return lpvm_error("pvmx_coll_test_view", r);
	}
	return v->myinst >= 0 ? v->myinst : PvmNotInGroup;
}

void lpvm_coll_leaving(const char *group)
{
	const struct lpvm_gview *g;
	struct lpvm_coll_view *v;

	/* (a frozen group's view is held: no daemon round trip) */
	if (group != NULL && lpvm_group_view(group, &g) == 0 && g->frozen &&
	    ((v = lpvm_coll_view_find(group)) != NULL || view_from_membership(group, &v) == 0) &&
	    !v->broken)
		lpvm_coll_abort(v, v->seq, PvmNoGroup);
	lpvm_coll_view_drop(group);
}

/* The view of group for fn, or an error code (reported). */
static int view_of(const char *fn, const char *group, struct lpvm_coll_view **v)
{
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	if (group == NULL || group[0] == '\0')
		return lpvm_error(fn, PvmNullGroup);
	*v = lpvm_coll_view_find(group);
	if (*v == NULL || (*v)->source == LPVM_COLL_VIEW_DYNAMIC) {
		r = view_from_membership(group, v);
		if (r < 0)
			return lpvm_error(fn, r);
	}
	if ((*v)->broken)
		return lpvm_error(fn, PvmNoGroup);
	/* messages held for handlers while a send waited: theirs first, as
	 * a receive does */
	lpvm_mhf_run();
	return 0;
}

/* A collective's answer; a frozen group's view whose collective failed
 * (a member gone, or leaving) is broken: the group is. */
static int result_of(const char *fn, struct lpvm_coll_view *v, int r)
{
	if (r < 0 && v->source == LPVM_COLL_VIEW_FROZEN && (r == PvmNoTask || r == PvmNoGroup))
		v->broken = 1;
	return r < 0 ? lpvm_error(fn, r) : PvmOk;
}

static int result(const char *fn, int r)
{
	return r < 0 ? lpvm_error(fn, r) : PvmOk;
}

/* The home daemon's barrier; its errors set pvm_errno without a
 * PvmAutoErr line, as PVM 3.4.6's group library does. */
extern int pvm_errno; /* lpvm_err.c */

static int barrier_daemon(const char *group, int count)
{
	int r = lpvm_group_barrier_daemon(group, count);

	if (r < 0)
		pvm_errno = r;
	return r;
}

/* count: -1 (all) or a number of members.  All the members of a frozen
 * group (whose view each holds) meet along the tree: cross-host messages
 * grow with log(hosts).  A member that leaves it or exits meanwhile fails
 * the barrier with PvmNoGroup, as PVM answers it, and every later one (the
 * group is gone).  Any other barrier - a dynamic group, some of the
 * members - is counted by the group's home daemon. */
static int barrier_untraced(char *group, int count)
{
	struct lpvm_coll_view *v = group != NULL ? lpvm_coll_view_find(group) : NULL;
	const struct lpvm_gview *g;
	int r;

	if (v == NULL || v->source == LPVM_COLL_VIEW_DYNAMIC) {
		if (group == NULL || group[0] == '\0' || lpvm_group_view(group, &g) < 0 ||
		    !g->frozen)
			return barrier_daemon(group, count);
		if ((r = view_from_membership(group, &v)) < 0)
			return barrier_daemon(group, count);
	}
	if (v->source == LPVM_COLL_VIEW_FROZEN) {
		if (v->myinst < 0 || (count != -1 && count != v->nmembers))
			return barrier_daemon(group, count);
		if (v->broken) {
			pvm_errno = PvmNoGroup;
			return PvmNoGroup;
		}
		lpvm_mhf_run();
		if ((r = lpvm_coll_barrier(v)) < 0) {
			v->broken = 1;
			pvm_errno = PvmNoGroup;
			return PvmNoGroup;
		}
		return PvmOk;
	}
	if ((r = view_of("pvm_barrier", group, &v)) < 0)
		return r;
	if (count < 1 && count != -1)
		return lpvm_error("pvm_barrier", PvmMismatch);
	if (v->myinst < 0)
		return lpvm_error("pvm_barrier", PvmNotInGroup);
	if (count != -1 && count != v->nmembers) {
		snprintf(lpvm_error_detail, sizeof(lpvm_error_detail),
		         "a barrier of %d of %d members of a test view", count, v->nmembers);
		return lpvm_error("pvm_barrier", PvmNotImpl);
	}
	return result("pvm_barrier", lpvm_coll_barrier(v));
}

int pvm_barrier(char *group, int count)
{
	if (lpvm_trace_on)
		return lpvm_trace_group(TEV_BARRIER, group, count, barrier_untraced);
	return barrier_untraced(group, count);
}

static int bcast_untraced(char *group, int tag)
{
	struct lpvm_coll_view *v;
	int r = view_of("pvm_bcast", group, &v);

	if (r < 0)
		return r;
	return result_of("pvm_bcast", v, lpvm_coll_bcast(v, tag));
}

int pvm_bcast(char *group, int tag)
{
	if (lpvm_trace_on)
		return lpvm_trace_bcast(group, tag, bcast_untraced);
	return bcast_untraced(group, tag);
}

/* A rooted collective's arguments (res: gather's and scatter's; f:
 * reduce's). */
struct rooted {
	void (*f)(int *, void *, void *, int *, int *);
	void *res, *data;
	int count, type, tag, root;
	char *group;
};

/* pvm_reduce, pvm_gather or pvm_scatter (kind: its trace event). */
static int rooted_run(int kind, const char *fn, const struct rooted *a)
{
	struct lpvm_coll_view *v;
	int r;

	if (lpvm_trace_on)
		lpvm_trace_rooted_entry(kind, a->group, a->tag, a->count, a->type,
		                        a->root);
	r = view_of(fn, a->group, &v);
	if (r == 0 && kind == TEV_REDUCE)
		r = result_of(fn, v,
		              lpvm_coll_reduce(v, a->f, a->data, a->count, a->type,
		                               a->tag, a->root));
	else if (r == 0 && kind == TEV_GATHER)
		r = result_of(fn, v,
		              lpvm_coll_gather(v, a->res, a->data, a->count, a->type,
		                               a->tag, a->root));
	else if (r == 0)
		r = result_of(fn, v,
		              lpvm_coll_scatter(v, a->res, a->data, a->count, a->type,
		                                a->tag, a->root));
	if (lpvm_trace_on)
		lpvm_trace_rooted_exit(kind, r);
	return r;
}

int pvm_reduce(void (*f)(int *, void *, void *, int *, int *), void *data, int count,
               int type, int tag, char *group, int root)
{
	const struct rooted a = {f, NULL, data, count, type, tag, root, group};

	return rooted_run(TEV_REDUCE, "pvm_reduce", &a);
}

int pvm_gather(void *res, void *data, int count, int type, int tag, char *group, int root)
{
	const struct rooted a = {NULL, res, data, count, type, tag, root, group};

	return rooted_run(TEV_GATHER, "pvm_gather", &a);
}

int pvm_scatter(void *res, void *data, int count, int type, int tag, char *group,
                int root)
{
	const struct rooted a = {NULL, res, data, count, type, tag, root, group};

	return rooted_run(TEV_SCATTER, "pvm_scatter", &a);
}

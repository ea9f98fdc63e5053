/*
 * groupview.c - a daemon's views of groups homed on other hosts, for
 * its own tasks' reads: pvm_gsize, pvm_gettid, pvm_getinst and the view
 * a collective of a group that is not frozen asks for (lpvm_group_view)
 * are answered here, with no message to the home daemon, once it has
 * sent the group.  The home tells every daemon keeping a view when the
 * group changes, and answers the change's requester only when they have
 * dropped it (group.c, "the daemons' views"), so no task reads a group
 * older than one it has heard of.  docs/groups-membership.md.
 */
#include "pvmd.h"

#include "groupwire.h"
#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

/* Longer names are not kept here (the home answers them). */
#define GROUPVIEW_NAME_MAX 4096

struct gview;

/* A read waiting for the group to come from its home. */
struct gvwait {
	TAILQ_ENTRY(gvwait) entry;
	struct gview *v;
	struct pending *p;
	int op, arg;
};
TAILQ_HEAD(gvwait_list, gvwait);

struct gview {
	TAILQ_ENTRY(gview) entry;
	char *name;
	int home;      /* the host index asked */
	int held;      /* the group came: tids, frozen, dead are its */
	int32_t *tids; /* by instance; -1 a free one */
	size_t ntids;
	int frozen, dead;
	struct gvwait_list waits; /* reads until it comes */
	uint64_t reads;           /* answered from this view */
};
TAILQ_HEAD(gview_list, gview);

static struct gview_list views = TAILQ_HEAD_INITIALIZER(views);
static uint64_t fills; /* views that came, since the start (tickle 8) */

static struct gview *gview_find(const char *name)
{
	struct gview *v;

	TAILQ_FOREACH(v, &views, entry)
	{
		if (strcmp(v->name, name) == 0)
			return v;
	}
	return NULL;
}

/* v forgotten; its waiting reads (if any) answered code. */
static void gview_free(struct gview *v, int code)
{
	struct gvwait *w;

	while ((w = TAILQ_FIRST(&v->waits)) != NULL) {
		TAILQ_REMOVE(&v->waits, w, entry);
		reply_status(&w->p->to, code);
		pending_done(w->p);
		free(w);
	}
	TAILQ_REMOVE(&views, v, entry);
	free(v->tids);
	free(v->name);
	free(v);
}

/* A read answered from v, as the home answers it (group.c). */
static void gview_answer(struct gview *v, const struct reply_addr *to, int op, int arg)
{
	int r = PvmBadParam;

	v->reads++;
	switch (op) {
	case GROUP_OP_GSIZE:
		r = 0;
		for (size_t i = 0; i < v->ntids; i++)
			r += v->tids[i] != -1;
		break;
	case GROUP_OP_GETTID:
		r = arg >= 0 && (size_t)arg < v->ntids && v->tids[arg] != -1
		        ? v->tids[arg]
		        : PvmNoInst;
		break;
	case GROUP_OP_GETINST:
		r = PvmNotInGroup;
		for (size_t i = 0; i < v->ntids; i++) {
			if (v->tids[i] == arg) {
				r = (int)i;
				break;
			}
		}
		break;
	case GROUP_OP_VIEW: {
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		Pvmx__GroupMembers gm = PVMX__GROUP_MEMBERS__INIT;
		Pvmx__GroupInfo gi = PVMX__GROUP_INFO__INIT, *ptr = &gi;
		int32_t *hosts = NULL;

		if (v->dead) {
			gm.code = PvmNoGroup; /* no collectives on a dead group */
		} else if ((hosts = calloc(v->ntids + 1, sizeof(*hosts))) == NULL) {
			gm.code = PvmNoMem;
		} else {
			for (size_t i = 0; i < v->ntids; i++)
				hosts[i] = v->tids[i] == -1 ? -1 : tid_host(v->tids[i]);
			gi.name = v->name;
			gi.tids = v->tids;
			gi.n_tids = v->ntids;
			gi.hosts = hosts;
			gi.n_hosts = v->ntids;
			gi.frozen = v->frozen;
			gi.barrier_count = gi.freeze_count = -1;
			gm.groups = &ptr;
			gm.n_groups = 1;
		}
		ctl.body_case = PVMX__CONTROL__BODY_GROUP_MEMBERS;
		ctl.group_members = &gm;
		reply_control(to, &ctl);
		free(hosts);
		return;
	}
	default:
		break;
	}
	reply_status(to, r);
}

/* A waiting read ended without its answer: its task is gone, or the
 * home's host (then it hears PvmHostFail, as a relayed request would). */
static void gvwait_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	struct gvwait *w = arg;
	struct gview *v = w->v;

	TAILQ_REMOVE(&v->waits, w, entry);
	free(w);
	if (why == PENDING_HOST_GONE)
		reply_status(&p->to, PvmHostFail);
	if (!v->held && TAILQ_EMPTY(&v->waits))
		gview_free(v, 0);
}

/* Asks v's home for the group. */
static void gview_ask(struct gview *v)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupRequest gr = PVMX__GROUP_REQUEST__INIT;

	gr.name = v->name;
	ctl.body_case = PVMX__CONTROL__BODY_GROUP_VIEW_SUB;
	ctl.group_view_sub = &gr;
	peer_send_control(v->home, pvmd.host_tid, tid_make(v->home, 0), &ctl);
}

int groupview_serve(const struct reply_addr *to, const Pvmx__GroupRequest *req)
{
	const char *name = req->name;
	struct gview *v;
	struct gvwait *w;
	int home;

	if (req->op != GROUP_OP_GSIZE && req->op != GROUP_OP_GETTID &&
	    req->op != GROUP_OP_GETINST && req->op != GROUP_OP_VIEW)
		return 0;
	if (name == NULL || name[0] == '\0' || strlen(name) > GROUPVIEW_NAME_MAX)
		return 0;
	home = tid_host_index(group_home(name));
	if (home == pvmd.host_index || hosttab_get(home) == NULL)
		return 0;
	v = gview_find(name);
	if (v != NULL && v->home != home)
		return 0; /* the table changed under it: groupview_hosts_changed */
	if (v != NULL && v->held) {
		gview_answer(v, to, req->op, req->arg);
		return 1;
	}
	if (v == NULL) {
		v = calloc(1, sizeof(*v));
		if (v == NULL || (v->name = strdup(name)) == NULL) {
			free(v);
			return 0; /* the home answers it */
		}
		v->home = home;
		TAILQ_INIT(&v->waits);
		TAILQ_INSERT_TAIL(&views, v, entry);
		gview_ask(v);
	}
	w = calloc(1, sizeof(*w));
	if (w != NULL) {
		w->v = v;
		w->op = req->op;
		w->arg = req->arg;
		w->p = pending_add(PENDING_GROUP_VIEW, to, home, 0, gvwait_cancel, w);
	}
	if (w == NULL || w->p == NULL) {
		free(w);
		reply_status(to, PvmNoMem);
		if (TAILQ_EMPTY(&v->waits))
			gview_free(v, 0);
		return 1;
	}
	TAILQ_INSERT_TAIL(&v->waits, w, entry);
	return 1;
}

void groupview_fill(int from_host, const Pvmx__GroupMembers *gm)
{
	const Pvmx__GroupInfo *gi = gm->n_groups == 1 ? gm->groups[0] : NULL;
	struct gview *v = gi != NULL && gi->name != NULL ? gview_find(gi->name) : NULL;
	struct gvwait *w;

	if (v == NULL || v->held || v->home != from_host)
		return; /* not asked of that host (any more) */
	if (gm->code != 0) {
		gview_free(v, gm->code); /* PvmNoGroup, GROUP_MOVED: not kept */
		return;
	}
	v->tids = malloc((gi->n_tids + 1) * sizeof(*v->tids));
	if (v->tids == NULL) {
		log_error("out of memory for a view of group %s", v->name);
		gview_free(v, PvmNoMem);
		return;
	}
	for (size_t i = 0; i < gi->n_tids; i++)
		v->tids[i] = tid_is_valid(gi->tids[i]) ? gi->tids[i] : -1;
	v->ntids = gi->n_tids;
	v->frozen = gi->frozen;
	v->dead = gi->dead;
	v->held = 1;
	fills++;
	while ((w = TAILQ_FIRST(&v->waits)) != NULL) {
		TAILQ_REMOVE(&v->waits, w, entry);
		gview_answer(v, &w->p->to, w->op, w->arg);
		pending_done(w->p);
		free(w);
	}
}

void groupview_drop(int from_host, const Pvmx__GroupRequest *req)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupRequest ack = PVMX__GROUP_REQUEST__INIT;
	struct gview *v = req->name != NULL ? gview_find(req->name) : NULL;

	/* a view still being asked for is the group after this change */
	if (v != NULL && v->held && v->home == from_host)
		gview_free(v, 0);
	ack.name = req->name;
	ack.arg = req->arg;
	ctl.body_case = PVMX__CONTROL__BODY_GROUP_VIEW_ACK;
	ctl.group_view_ack = &ack;
	peer_send_control(from_host, pvmd.host_tid, tid_make(from_host, 0), &ctl);
}

/* The host table changed: views whose group has another home now are
 * forgotten; reads waiting on one are asked again (GROUP_MOVED). */
void groupview_hosts_changed(void)
{
	struct gview *v, *next;

	for (v = TAILQ_FIRST(&views); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		if (tid_host_index(group_home(v->name)) != v->home)
			gview_free(v, GROUP_MOVED);
	}
}

/* Host index is gone: the views it sent go (reads waiting on it were
 * answered by pending_host_gone). */
void groupview_host_gone(int index)
{
	struct gview *v, *next;

	for (v = TAILQ_FIRST(&views); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		if (v->home == index)
			gview_free(v, PvmHostFail);
	}
}

/* pvm_tickle 8: one line per view. */
void groupview_dump(void)
{
	const struct gview *v;

	tickle_log("group views: %llu came from home daemons", (unsigned long long)fills);
	TAILQ_FOREACH(v, &views, entry)
	{
		tickle_log("group view %s: home t%x, %s, %llu reads answered", v->name,
		           (unsigned)tid_make(v->home, 0), v->held ? "held" : "asked for",
		           (unsigned long long)v->reads);
	}
}

/* Teardown: the waits were ended by pending_free_all. */
void groupview_free_all(void)
{
	struct gview *v;

	while ((v = TAILQ_FIRST(&views)) != NULL) {
		TAILQ_INIT(&v->waits);
		gview_free(v, 0);
	}
}

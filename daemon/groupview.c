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

/* A read waiting for the group to come from its home, or a barrier call
 * held here (op GROUP_OP_BARRIER, arg its count). */
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
	int have;      /* the group came: tids, frozen, dead are its */
	int32_t *tids; /* by instance; -1 a free one */
	size_t ntids;
	int frozen, dead;
	struct gvwait_list waits; /* reads until it comes */
	struct gvwait_list calls; /* barrier calls of our members, held */
	int ncalls;
	int *out; /* our tasks whose barrier call may be waiting at the home */
	int nout, capout;
};
TAILQ_HEAD(gview_list, gview);

static struct gview_list views = TAILQ_HEAD_INITIALIZER(views);
/* Since the start (tickle 8): views that came, reads answered from
 * them, barrier calls held and the messages they then went in. */
static uint64_t fills, reads, held, batches;

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

static void gview_flush(struct gview *v);

/* Our task tid's barrier call may be at the home now (sent there, or
 * waiting there when the group came). */
static void gview_out(struct gview *v, int tid)
{
	if (ints_add(&v->out, &v->nout, &v->capout, tid) != 0)
		log_error("out of memory for a barrier call of group %s", v->name);
}

/* v forgotten; its waiting reads (if any) answered code, its held
 * barrier calls sent to the home. */
static void gview_free(struct gview *v, int code)
{
	struct gvwait *w;

	gview_flush(v);
	while ((w = TAILQ_FIRST(&v->waits)) != NULL) {
		TAILQ_REMOVE(&v->waits, w, entry);
		reply_status(&w->p->to, code);
		pending_done(w->p);
		free(w);
	}
	TAILQ_REMOVE(&views, v, entry);
	free(v->out);
	free(v->tids);
	free(v->name);
	free(v);
}

/* tid's instance in v; -1 when it is not a member. */
static int gview_inst(const struct gview *v, int tid)
{
	for (size_t i = 0; i < v->ntids; i++) {
		if (v->tids[i] == tid)
			return (int)i;
	}
	return -1;
}

/* Members of v: all, on this host, and those of this host whose call
 * may be at the home. */
static void gview_count(const struct gview *v, int *all, int *here, int *away)
{
	*all = *here = *away = 0;
	for (size_t i = 0; i < v->ntids; i++) {
		if (v->tids[i] == -1)
			continue;
		++*all;
		if (tid_host(v->tids[i]) != pvmd.host_tid)
			continue;
		++*here;
		*away += ints_find(v->out, v->nout, v->tids[i]) >= 0;
	}
}

/* A read answered from v, as the home answers it (group.c). */
static void gview_answer(struct gview *v, const struct reply_addr *to, int op, int arg)
{
	int r = PvmBadParam, here, away;

	reads++;
	switch (op) {
	case GROUP_OP_GSIZE:
		gview_count(v, &r, &here, &away);
		break;
	case GROUP_OP_GETTID:
		r = arg >= 0 && (size_t)arg < v->ntids && v->tids[arg] != -1
		        ? v->tids[arg]
		        : PvmNoInst;
		break;
	case GROUP_OP_GETINST:
		r = gview_inst(v, arg);
		if (r < 0)
			r = PvmNotInGroup;
		break;
	case GROUP_OP_VIEW:
		if (v->dead) /* no collectives on a dead group */
			group_reply_members(to, PvmNoGroup, NULL, NULL, 0, 0);
		else
			group_reply_members(to, 0, v->name, v->tids, v->ntids, v->frozen);
		return;
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

	if (w->op == GROUP_OP_BARRIER) {
		TAILQ_REMOVE(&v->calls, w, entry);
		v->ncalls--;
	} else {
		TAILQ_REMOVE(&v->waits, w, entry);
	}
	free(w);
	if (why == PENDING_HOST_GONE)
		reply_status(&p->to, PvmHostFail);
	if (!v->have && TAILQ_EMPTY(&v->waits))
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

/* A new view of name, asked of home; NULL when out of memory. */
static struct gview *gview_new(const char *name, int home)
{
	struct gview *v = calloc(1, sizeof(*v));

	if (v == NULL || (v->name = strdup(name)) == NULL) {
		free(v);
		return NULL;
	}
	v->home = home;
	TAILQ_INIT(&v->waits);
	TAILQ_INIT(&v->calls);
	TAILQ_INSERT_TAIL(&views, v, entry);
	gview_ask(v);
	return v;
}

/* A wait of our task to in v's list (reads or calls); 0, or -1 when out
 * of memory (nothing added). */
static int gview_wait(struct gview *v, const struct reply_addr *to, int op, int arg)
{
	struct gvwait *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return -1;
	w->v = v;
	w->op = op;
	w->arg = arg;
	w->p =
	    pending_add(op == GROUP_OP_BARRIER ? PENDING_GROUP_CALL : PENDING_GROUP_VIEW,
	                to, v->home, 0, gvwait_cancel, w);
	if (w->p == NULL) {
		free(w);
		return -1;
	}
	if (op == GROUP_OP_BARRIER) {
		TAILQ_INSERT_TAIL(&v->calls, w, entry);
		v->ncalls++;
	} else {
		TAILQ_INSERT_TAIL(&v->waits, w, entry);
	}
	return 0;
}

/* The held barrier calls go to the home in one message; each then waits
 * there as a relayed request of its task (PvmHostFail if the home's
 * host goes). */
static void gview_flush(struct gview *v)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupCalls gc = PVMX__GROUP_CALLS__INIT;
	struct gvwait *w;
	size_t n = 0;

	if (v->ncalls == 0)
		return;
	gc.tids = calloc((size_t)v->ncalls, sizeof(*gc.tids));
	gc.seqs = calloc((size_t)v->ncalls, sizeof(*gc.seqs));
	if (gc.tids == NULL || gc.seqs == NULL) {
		log_error("out of memory for %d barrier calls of group %s", v->ncalls,
		          v->name);
		while ((w = TAILQ_FIRST(&v->calls)) != NULL) {
			TAILQ_REMOVE(&v->calls, w, entry);
			reply_status(&w->p->to, PvmNoMem);
			pending_done(w->p);
			free(w);
		}
	}
	while ((w = TAILQ_FIRST(&v->calls)) != NULL) {
		TAILQ_REMOVE(&v->calls, w, entry);
		gc.tids[n] = w->p->to.tid;
		gc.seqs[n] = w->p->to.seq;
		gc.arg = w->arg;
		n++;
		relay_track(w->p->to.tid, w->p->to.seq, v->home);
		gview_out(v, w->p->to.tid);
		pending_done(w->p);
		free(w);
	}
	v->ncalls = 0;
	if (n > 0) {
		gc.name = v->name;
		gc.n_tids = gc.n_seqs = n;
		ctl.body_case = PVMX__CONTROL__BODY_GROUP_BARRIER_CALLS;
		ctl.group_barrier_calls = &gc;
		peer_send_control(v->home, pvmd.host_tid, tid_make(v->home, 0), &ctl);
		batches++;
	}
	free(gc.tids);
	free(gc.seqs);
}

/* A barrier call of our task to: held when it is a barrier of all the
 * members (count -1 or the size) by our view, and sent to the home with
 * those of our other members once each of them has called — here, or
 * before, to the home (a call there we did not see, made when this
 * daemon was the home, came with the group) — or when the view is
 * dropped (the group changed: the home counts them then).  Every member
 * must call for such a barrier to end, so holding never keeps it from
 * ending.  1 when held. */
static int gview_barrier(struct gview *v, const struct reply_addr *to, int count)
{
	int all, here, away;

	if (!v->have || v->dead)
		return 0;
	gview_count(v, &all, &here, &away);
	if (gview_inst(v, to->tid) < 0 || (count != -1 && count != all))
		return 0;
	if (v->ncalls > 0 && TAILQ_FIRST(&v->calls)->arg != count)
		gview_flush(v); /* one count per message: the home sees both */
	if (gview_wait(v, to, GROUP_OP_BARRIER, count) != 0)
		return 0;
	held++;
	if (v->ncalls + away >= here)
		gview_flush(v);
	return 1;
}

int groupview_serve(const struct reply_addr *to, const Pvmx__GroupRequest *req)
{
	const char *name = req->name;
	struct gview *v;
	int home;

	if (req->op != GROUP_OP_GSIZE && req->op != GROUP_OP_GETTID &&
	    req->op != GROUP_OP_GETINST && req->op != GROUP_OP_VIEW &&
	    req->op != GROUP_OP_BARRIER)
		return 0;
	if (name == NULL || name[0] == '\0' || strlen(name) > GROUPVIEW_NAME_MAX)
		return 0;
	home = tid_host_index(group_home(name));
	if (home == pvmd.host_index || hosttab_get(home) == NULL)
		return 0;
	v = gview_find(name);
	if (v != NULL && v->home != home)
		return 0; /* the table changed under it: groupview_hosts_changed */
	if (req->op == GROUP_OP_BARRIER) {
		/* the first goes as it is; its group comes for the next */
		if (v == NULL && (v = gview_new(name, home)) == NULL)
			return 0;
		if (gview_barrier(v, to, req->arg))
			return 1;
		gview_out(v, to->tid);
		return 0;
	}
	if (v != NULL && v->have) {
		gview_answer(v, to, req->op, req->arg);
		return 1;
	}
	if (v == NULL && (v = gview_new(name, home)) == NULL)
		return 0; /* the home answers it */
	if (gview_wait(v, to, req->op, req->arg) != 0) {
		reply_status(to, PvmNoMem);
		if (!v->have && TAILQ_EMPTY(&v->waits))
			gview_free(v, 0);
	}
	return 1;
}

/* The home's answers to barrier calls of our tasks (any that reached it,
 * held here or not). */
void groupview_answers(int from_host, const Pvmx__GroupCalls *gc)
{
	struct gview *v = gc->name != NULL ? gview_find(gc->name) : NULL;

	if (gc->n_tids != gc->n_seqs)
		return;
	for (size_t i = 0; i < gc->n_tids; i++) {
		struct reply_addr to = {gc->tids[i], gc->seqs[i]};

		if (!route_is_local(to.tid)) {
			log_warn("t%x answered a barrier call of t%x, not ours: ignored",
			         (unsigned)tid_make(from_host, 0), (unsigned)to.tid);
			continue;
		}
		if (v != NULL && v->home == from_host)
			ints_remove(v->out, &v->nout, to.tid);
		relay_done(to.tid, to.seq);
		reply_status(&to, gc->arg);
	}
}

void groupview_fill(int from_host, const Pvmx__GroupMembers *gm)
{
	const Pvmx__GroupInfo *gi = gm->n_groups == 1 ? gm->groups[0] : NULL;
	struct gview *v = gi != NULL && gi->name != NULL ? gview_find(gi->name) : NULL;
	struct gvwait *w;

	if (v == NULL || v->have || v->home != from_host)
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
	for (size_t i = 0; i < gi->n_barrier_tids; i++) {
		if (route_is_local(gi->barrier_tids[i]))
			gview_out(v, gi->barrier_tids[i]);
	}
	v->frozen = gi->frozen;
	v->dead = gi->dead;
	v->have = 1;
	if (v->frozen && !v->dead) /* for a new home, should this one be lost */
		groupmember_frozen(v->name, v->tids, v->ntids);
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
	if (v != NULL && v->have && v->home == from_host)
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

	tickle_log("group views: %llu came from home daemons, %llu reads answered, "
	           "%llu barrier calls held and sent in %llu messages",
	           (unsigned long long)fills, (unsigned long long)reads,
	           (unsigned long long)held, (unsigned long long)batches);
	TAILQ_FOREACH(v, &views, entry)
	{
		tickle_log("group view %s: home t%x, %s", v->name,
		           (unsigned)tid_make(v->home, 0),
		           v->have ? "held" : "asked for");
	}
}

/* Teardown: the waits were ended by pending_free_all. */
void groupview_free_all(void)
{
	struct gview *v;

	while ((v = TAILQ_FIRST(&views)) != NULL) {
		TAILQ_INIT(&v->waits);
		TAILQ_INIT(&v->calls);
		v->ncalls = 0;
		gview_free(v, 0);
	}
}

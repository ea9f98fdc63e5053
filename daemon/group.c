/*
 * group.c - group membership (pvm_joingroup & co.), kept by each group's
 * home daemon: the host that wins a rendezvous hash of the group's name
 * over the hosts of the table, so groups spread over the hosts and a
 * change of the host set moves only the groups whose winner changed.
 * Barriers and freezes wait here, on pending.c.  Semantics and error
 * codes are PVM 3.4.6's group server's (docs/groups-membership.md).
 */
#include "pvmd.h"

#include "clock.h"
#include "groupwire.h"
#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

/* A name longer than this is refused (PvmBadParam): it travels in every
 * request and a handoff. */
#define GROUP_NAME_MAX 4096

/* For this long after the host set changed, a request for a group this
 * home does not hold is answered GROUP_MOVED (asked again) rather than
 * PvmNoGroup: the group may be on its way here (a handoff from its old
 * home, or the members of a lost home's group, groupmember.c). */
#define GROUP_SETTLE_NS (2LL * 1000 * 1000 * 1000)

enum group_state { GROUP_DYNAMIC, GROUP_STATIC, GROUP_DEAD };
enum wait_kind { WAIT_BARRIER, WAIT_FREEZE };

struct group;

/* A group's members as it was frozen (by instance, n long, no free one
 * at the end), which PVM's server sends with the freeze's answer: every
 * caller gets the group it froze, even one whose answer is held while a
 * member has already left.  Shared by the group (its handoffs carry it)
 * and the answers a round holds. */
struct gsnap {
	int refs;
	char *name;
	int32_t *tids;
	int n;
};

/* One barrier or freeze call waiting at the home daemon. */
struct gwait {
	TAILQ_ENTRY(gwait) entry;
	struct group *g;
	struct pending *p;
	enum wait_kind kind;
};
TAILQ_HEAD(gwait_list, gwait);

struct group {
	TAILQ_ENTRY(group) entry;
	char *name;
	int32_t *tids; /* by instance; -1 a free one */
	int cap;       /* entries in tids */
	int ntids;     /* members */
	enum group_state state;
	int count[2];               /* WAIT_BARRIER, WAIT_FREEZE: -1 none */
	struct gwait_list waits[2]; /* the calls of each, in arrival order */
	int nwaits[2];
	int *viewers; /* host indices keeping a view of it (groupview.c) */
	int nviewers, capviewers;
	struct gsnap *snap; /* frozen: its members then; NULL out of memory */
};
TAILQ_HEAD(group_list, group);

static struct group_list groups = TAILQ_HEAD_INITIALIZER(groups);
/* When the host set last changed (group_hosts_changed, group_host_gone) */
static int64_t hosts_changed_ns;

static void group_changed(struct group *g);
static void group_reply(const struct reply_addr *to, int code, struct gsnap *snap);
/* Requests served here since the start, by operation (pvm_tickle 8) */
static uint64_t served[GROUP_OP_LIST + 1];

/* ------------------------------------------------------------ snapshots */

/* A snapshot of the n-long by-instance tids of group name (one
 * reference, the caller's); NULL when out of memory (logged). */
static struct gsnap *gsnap_new(const char *name, const int32_t *tids, int n)
{
	struct gsnap *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->name = strdup(name)) == NULL ||
	    (s->tids = malloc(sizeof(int32_t) * (size_t)(n ? n : 1))) == NULL) {
		if (s != NULL)
			free(s->name);
		free(s);
		log_error("out of memory for group %s as it froze", name);
		return NULL;
	}
	/* (a handoff's: only task tids kept) */
	for (int i = 0; i < n; i++)
		s->tids[i] =
		    tid_is_valid(tids[i]) && !tid_is_daemon(tids[i]) ? tids[i] : -1;
	while (n > 0 && s->tids[n - 1] == -1)
		n--;
	s->n = n;
	s->refs = 1;
	return s;
}

static struct gsnap *gsnap_ref(struct gsnap *s)
{
	if (s != NULL)
		s->refs++;
	return s;
}

static void gsnap_unref(struct gsnap *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	free(s->tids);
	free(s->name);
	free(s);
}

/* g is frozen now, at its current members (or, given, at the n-long
 * tids it froze with elsewhere): kept, and told to our members'
 * memberships (groupmember.c), which give it to a new home if this one
 * is lost. */
static void group_freeze(struct group *g, const int32_t *tids, int n)
{
	if (g->state == GROUP_DYNAMIC)
		g->state = GROUP_STATIC;
	if (g->snap == NULL || tids == NULL) {
		gsnap_unref(g->snap);
		g->snap = tids != NULL ? gsnap_new(g->name, tids, n)
		                       : gsnap_new(g->name, g->tids, g->cap);
	}
	if (g->snap != NULL)
		groupmember_frozen(g->name, g->snap->tids, (size_t)g->snap->n);
}

/* ---------------------------------------------------------------- homes */

static uint64_t name_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (const unsigned char *s = (const unsigned char *)name; *s != '\0'; s++)
		h = (h ^ *s) * 0x100000001b3ull;
	return h;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

struct home_pick {
	uint64_t h, best;
	int index;
};

static void home_score(struct host *host, void *arg)
{
	struct home_pick *p = arg;
	uint64_t s = mix64(p->h ^ mix64((uint64_t)host->index));

	if (p->index == 0 || s > p->best) {
		p->best = s;
		p->index = host->index;
	}
}

/* The home daemon of group name: the host of the table whose score for
 * the name is highest (rendezvous hashing), as a daemon tid. */
int group_home(const char *name)
{
	struct home_pick p = {name_hash(name), 0, 0};

	hosttab_foreach(home_score, &p);
	return tid_make(p.index != 0 ? p.index : pvmd.host_index, 0);
}

/* --------------------------------------------------------------- groups */

static struct group *group_find(const char *name)
{
	struct group *g;

	TAILQ_FOREACH(g, &groups, entry)
	{
		if (strcmp(g->name, name) == 0)
			return g;
	}
	return NULL;
}

static struct group *group_new(const char *name)
{
	struct group *g = calloc(1, sizeof(*g));

	if (g == NULL || (g->name = strdup(name)) == NULL) {
		free(g);
		log_error("out of memory for a group");
		return NULL;
	}
	for (int k = 0; k < 2; k++) {
		g->count[k] = -1;
		TAILQ_INIT(&g->waits[k]);
	}
	TAILQ_INSERT_TAIL(&groups, g, entry);
	return g;
}

static int group_inst_of(const struct group *g, int tid)
{
	for (int i = 0; i < g->cap; i++) {
		if (g->tids[i] == tid)
			return i;
	}
	return -1;
}

/* tid takes instance inst (-1: the lowest free one); the instance, or
 * PvmNoMem. */
static int group_put(struct group *g, int tid, int inst)
{
	/* (an instance past the end is free: a handoff's, kept) */
	if (inst < 0 || inst >= GROUP_INST_MAX ||
	    (inst < g->cap && g->tids[inst] != -1)) {
		for (inst = 0; inst < g->cap && g->tids[inst] != -1; inst++)
			;
	}
	if (inst >= g->cap) {
		int ncap = g->cap < 8 ? 8 : g->cap * 2;
		int32_t *n;

		if (inst >= GROUP_INST_MAX)
			return PvmNoMem;
		while (ncap <= inst)
			ncap *= 2;
		n = realloc(g->tids, (size_t)ncap * sizeof(*n));
		if (n == NULL)
			return PvmNoMem;
		for (int i = g->cap; i < ncap; i++)
			n[i] = -1;
		g->tids = n;
		g->cap = ncap;
	}
	g->tids[inst] = tid;
	g->ntids++;
	group_changed(g);
	return inst;
}

static int by_host(const void *a, const void *b)
{
	int ha = tid_host_index(((const struct reply_addr *)a)->tid);
	int hb = tid_host_index(((const struct reply_addr *)b)->tid);

	return (ha > hb) - (ha < hb);
}

/* The answer code to n calls of a group: one message to each other
 * host's daemon with its tasks' (groupview_answers: that daemon learns
 * which of its tasks wait no more), ours one by one. */
static void answer_calls(const char *name, struct reply_addr *to, size_t n, int code)
{
	qsort(to, n, sizeof(*to), by_host);
	for (size_t i = 0, j; i < n; i = j) {
		int host = tid_host_index(to[i].tid);
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		Pvmx__GroupCalls gc = PVMX__GROUP_CALLS__INIT;

		for (j = i + 1; j < n && tid_host_index(to[j].tid) == host; j++)
			;
		if (host != pvmd.host_index) {
			gc.tids = calloc(j - i, sizeof(*gc.tids));
			gc.seqs = calloc(j - i, sizeof(*gc.seqs));
		}
		if (gc.tids == NULL || gc.seqs == NULL) {
			for (size_t k = i; k < j; k++)
				reply_status(&to[k], code);
		} else {
			for (size_t k = i; k < j; k++) {
				gc.tids[k - i] = to[k].tid;
				gc.seqs[k - i] = to[k].seq;
			}
			gc.name = (char *)name;
			gc.arg = code;
			gc.n_tids = gc.n_seqs = j - i;
			ctl.body_case = PVMX__CONTROL__BODY_GROUP_BARRIER_ANSWERS;
			ctl.group_barrier_answers = &gc;
			peer_send_control(host, pvmd.host_tid, tid_make(host, 0), &ctl);
		}
		free(gc.tids);
		free(gc.seqs);
	}
}

/* Every waiting call of kind k answered with code: a barrier's by host
 * (answer_calls), a freeze's when its round of view drops is over, with
 * the group as it froze when it did. */
static void group_answer_all(struct group *g, enum wait_kind k, int code)
{
	struct reply_addr *to = NULL;
	struct gwait *w;
	size_t n = 0;

	if (k == WAIT_BARRIER && g->nwaits[k] > 1)
		to = calloc((size_t)g->nwaits[k], sizeof(*to));
	while ((w = TAILQ_FIRST(&g->waits[k])) != NULL) {
		TAILQ_REMOVE(&g->waits[k], w, entry);
		if (to != NULL)
			to[n++] = w->p->to;
		else
			group_reply(&w->p->to, code,
			            k == WAIT_FREEZE && code > 0 ? g->snap : NULL);
		pending_done(w->p);
		free(w);
	}
	g->nwaits[k] = 0;
	g->count[k] = -1;
	if (to != NULL)
		answer_calls(g->name, to, n, code);
	free(to);
}

static void group_free(struct group *g)
{
	group_answer_all(g, WAIT_BARRIER, PvmNoGroup);
	group_answer_all(g, WAIT_FREEZE, PvmNoGroup);
	group_changed(g);
	TAILQ_REMOVE(&groups, g, entry);
	free(g->viewers);
	free(g->tids);
	gsnap_unref(g->snap);
	free(g->name);
	free(g);
}

/* Member inst leaves (lvgroup, exit, its host gone).  A frozen group
 * dies, and its barrier's waiters get PvmNoGroup, as in PVM 3.4.6; an
 * empty group is gone (then 1 is returned: g was freed). */
static int group_remove_inst(struct group *g, int inst)
{
	log_debug("group %s: t%x (instance %d) leaves", g->name, (unsigned)g->tids[inst],
	          inst);
	g->tids[inst] = -1;
	g->ntids--;
	group_changed(g);
	if (g->state == GROUP_STATIC) {
		g->state = GROUP_DEAD;
		group_answer_all(g, WAIT_BARRIER, PvmNoGroup);
	}
	if (g->ntids > 0)
		return 0;
	group_free(g);
	return 1;
}

/* A waiting call ended without its answer: the caller is gone (its
 * exit, its host's end) or the daemon exits. */
static void gwait_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	struct gwait *w = arg;
	struct group *g = w->g;

	(void)p;
	(void)why;
	TAILQ_REMOVE(&g->waits[w->kind], w, entry);
	if (--g->nwaits[w->kind] == 0)
		g->count[w->kind] = -1;
	free(w);
}

static int gwait_add(struct group *g, enum wait_kind k, const struct reply_addr *to)
{
	struct gwait *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return PvmNoMem;
	w->g = g;
	w->kind = k;
	w->p =
	    pending_add(k == WAIT_BARRIER ? PENDING_GROUP_BARRIER : PENDING_GROUP_FREEZE,
	                to, 0, 0, gwait_cancel, w);
	if (w->p == NULL) {
		free(w);
		return PvmNoMem;
	}
	TAILQ_INSERT_TAIL(&g->waits[k], w, entry);
	g->nwaits[k]++;
	return 0;
}

/* A barrier or freeze call of member to->tid (PVM's gs_barrier and
 * gs_static): counted; when count calls are in, all are answered. */
static void group_sync(const struct reply_addr *to, const char *name, enum wait_kind k,
                       int count)
{
	struct group *g = group_find(name);
	int r;

	if (g == NULL)
		r = PvmNoGroup;
	else if (k == WAIT_BARRIER && g->state == GROUP_DEAD)
		r = PvmNoGroup;
	else if (k == WAIT_FREEZE && g->state == GROUP_STATIC)
		r = PvmDupGroup;
	else if (group_inst_of(g, to->tid) < 0)
		r = PvmNotInGroup;
	else
		r = 0;
	if (r == 0) {
		if (count == -1)
			count = g->ntids;
		/* PVM 3.4.6 answers PvmMismatch to a count below 1 too, but
		 * then keeps it: every later call with another count fails */
		if (count < 1 || (g->count[k] != -1 && count != g->count[k]))
			r = PvmMismatch;
	}
	if (r == 0)
		r = gwait_add(g, k, to);
	if (r != 0) {
		reply_status(to, r);
		return;
	}
	g->count[k] = count;
	if (g->nwaits[k] < count)
		return;
	if (k == WAIT_FREEZE) {
		group_freeze(g, NULL, 0);
		group_changed(g);
		log_debug("group %s frozen at %d members", g->name, g->ntids);
	}
	/* a freeze answers its size and the group, as PVM 3.4.6's server
	 * does */
	group_answer_all(g, k, k == WAIT_FREEZE ? count : 0);
}

static int group_join(int tid, const char *name)
{
	struct group *g = group_find(name);
	int inst;

	if (g == NULL && (g = group_new(name)) == NULL)
		return PvmNoMem;
	if (g->state != GROUP_DYNAMIC)
		return PvmNotInGroup; /* PVM 3.4.6's answer for a frozen group */
	if (group_inst_of(g, tid) >= 0)
		return PvmDupGroup;
	inst = group_put(g, tid, -1);
	if (inst < 0 && g->ntids == 0)
		group_free(g);
	return inst;
}

static int group_leave(int tid, const char *name)
{
	struct group *g = group_find(name);
	int inst;

	if (g == NULL)
		return PvmNoGroup;
	inst = group_inst_of(g, tid);
	if (inst < 0)
		return PvmNotInGroup;
	group_remove_inst(g, inst);
	return PvmOk;
}

static int group_gettid(const char *name, int inst)
{
	struct group *g = group_find(name);

	if (g == NULL)
		return PvmNoGroup;
	if (inst < 0 || inst >= g->cap || g->tids[inst] == -1)
		return PvmNoInst;
	return g->tids[inst];
}

static int group_getinst(const char *name, int tid)
{
	struct group *g = group_find(name);
	int inst;

	if (g == NULL)
		return PvmNoGroup;
	inst = group_inst_of(g, tid);
	return inst >= 0 ? inst : PvmNotInGroup;
}

/* ------------------------------------------------- the daemons' views */

/* A daemon that keeps a view of a group for its tasks' reads (gsize,
 * gettid, getinst, the collectives' view: groupview.c) is told to forget
 * it whenever the group changes.  The answers to the request that made
 * the change wait until every such daemon has said it forgot (or is
 * gone): a task that hears of a join or leave from the task that made it
 * then never reads the old group from its own daemon.  The drops of one
 * request and the answers they hold are a round. */

/* An answer held: a code, and for a freeze the group as it froze. */
struct vheld {
	struct reply_addr to;
	int code;
	struct gsnap *snap; /* a reference, or NULL */
};

struct vround {
	TAILQ_ENTRY(vround) entry;
	uint32_t id;
	int *hosts; /* that have not said yet */
	int nhosts, caphosts;
	struct vheld *held; /* the answers held */
	int nreplies, capreplies;
	struct event *timer;
	int listed; /* in vrounds (it waits) */
};
TAILQ_HEAD(vround_list, vround);

/* A daemon that has not answered a drop by then is not waited for (its
 * view may stay stale until it does: logged). */
#define VROUND_MAX_MS 10000

static struct vround_list vrounds = TAILQ_HEAD_INITIALIZER(vrounds);
static struct vround *open_round; /* the request being served's */
static int serving;               /* a request is being served */
static uint32_t next_round;

/* Appends v to the n-long array *a of capacity *cap; 0 or -1. */
int ints_push(int **a, int *n, int *cap, int v)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 4;
		int *na = realloc(*a, (size_t)ncap * sizeof(**a));

		if (na == NULL)
			return -1;
		*a = na;
		*cap = ncap;
	}
	(*a)[(*n)++] = v;
	return 0;
}

/* Where v is in the n-long array a; -1 when it is not. */
int ints_find(const int *a, int n, int v)
{
	for (int i = 0; i < n; i++) {
		if (a[i] == v)
			return i;
	}
	return -1;
}

/* ints_push of v unless it is there already; 0 or -1. */
int ints_add(int **a, int *n, int *cap, int v)
{
	return ints_find(*a, *n, v) >= 0 ? 0 : ints_push(a, n, cap, v);
}

/* Removes v from the n-long array a (order not kept); 1 when it was there. */
int ints_remove(int *a, int *n, int v)
{
	int i = ints_find(a, *n, v);

	if (i < 0)
		return 0;
	a[i] = a[--*n];
	return 1;
}

/* The answer code to to: a status, or with snap the group it froze. */
static void group_answer(const struct reply_addr *to, int code, const struct gsnap *snap)
{
	if (snap != NULL)
		group_reply_members(to, code, snap->name, snap->tids, (size_t)snap->n, 1);
	else
		reply_status(to, code);
}

/* Every answer r holds sent (unless !send: the daemon exits); r freed. */
static void vround_end(struct vround *r, int send)
{
	if (r->listed)
		TAILQ_REMOVE(&vrounds, r, entry);
	for (int i = 0; i < r->nreplies; i++) {
		if (send)
			group_answer(&r->held[i].to, r->held[i].code, r->held[i].snap);
		gsnap_unref(r->held[i].snap);
	}
	if (r->timer != NULL)
		event_free(r->timer);
	free(r->hosts);
	free(r->held);
	free(r);
}

static void vround_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct vround *r = arg;

	(void)fd;
	(void)what;
	log_warn("group views: %d daemon(s) (first t%x) did not say they dropped a view "
	         "in %d ms: answering without them",
	         r->nhosts, (unsigned)tid_make(r->hosts[0], 0), VROUND_MAX_MS);
	vround_end(r, 1);
}

/* g changed: every daemon keeping a view of it is told to drop it, in
 * the round of the request being served (if any). */
static void group_changed(struct group *g)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupRequest gr = PVMX__GROUP_REQUEST__INIT;

	if (g->nviewers == 0)
		return;
	if (serving && open_round == NULL) {
		open_round = calloc(1, sizeof(*open_round));
		if (open_round == NULL)
			log_error("out of memory for a round of group view drops");
		else
			open_round->id = ++next_round;
	}
	gr.name = g->name;
	gr.arg = open_round != NULL ? (int32_t)open_round->id : 0;
	ctl.body_case = PVMX__CONTROL__BODY_GROUP_VIEW_DROP;
	ctl.group_view_drop = &gr;
	for (int i = 0; i < g->nviewers; i++) {
		int h = g->viewers[i];

		if (peer_send_control(h, pvmd.host_tid, tid_make(h, 0), &ctl) != 0)
			continue; /* gone: nothing to wait for */
		if (open_round != NULL &&
		    ints_push(&open_round->hosts, &open_round->nhosts,
		              &open_round->caphosts, h) != 0)
			log_error("out of memory for a round of group view drops");
	}
	g->nviewers = 0;
}

/* The answer to a request (with snap, a freeze's): now, or when the
 * round of the drops its change caused is over. */
static void group_reply(const struct reply_addr *to, int code, struct gsnap *snap)
{
	struct vround *r = open_round;

	if (r == NULL || r->nhosts == 0) {
		group_answer(to, code, snap);
		return;
	}
	if (r->nreplies == r->capreplies) {
		int ncap = r->capreplies ? r->capreplies * 2 : 2;
		struct vheld *nh = realloc(r->held, (size_t)ncap * sizeof(*nh));

		if (nh == NULL) {
			group_answer(to, code, snap); /* out of memory: not held */
			return;
		}
		r->held = nh;
		r->capreplies = ncap;
	}
	r->held[r->nreplies].to = *to;
	r->held[r->nreplies].code = code;
	r->held[r->nreplies++].snap = gsnap_ref(snap);
}

/* The request is served: its round waits for the daemons, or ends. */
static void vround_close(void)
{
	static const struct timeval max = {VROUND_MAX_MS / 1000, 0};
	struct vround *r = open_round;

	serving = 0;
	if (r == NULL)
		return;
	open_round = NULL;
	if (r->nhosts == 0 || r->nreplies == 0) {
		vround_end(r, 1);
		return;
	}
	TAILQ_INSERT_TAIL(&vrounds, r, entry);
	r->listed = 1;
	r->timer = evtimer_new(pvmd.base, vround_timeout, r);
	if (r->timer == NULL || evtimer_add(r->timer, &max) != 0) {
		log_error("no timer for a round of group view drops: answering now");
		vround_end(r, 1);
	}
}

/* Host index will not answer drops (ack) or is gone: not waited for. */
static void vround_host_done(int index, uint32_t id)
{
	struct vround *r, *next;

	for (r = TAILQ_FIRST(&vrounds); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if ((id == 0 || r->id == id) &&
		    ints_remove(r->hosts, &r->nhosts, index) && r->nhosts == 0)
			vround_end(r, 1);
	}
}

static void group_send_view(int host, const char *name, const struct group *g, int code);

/* Host from_host's daemon asks for a view of group name and to be told
 * when it changes. */
void group_view_sub(int from_host, const Pvmx__GroupRequest *req)
{
	struct group *g;
	int code = 0;

	if (req->name == NULL || req->name[0] == '\0' ||
	    strlen(req->name) > GROUP_NAME_MAX)
		return;
	g = group_find(req->name);
	if (group_home(req->name) != pvmd.host_tid)
		code = GROUP_MOVED;
	else if (g == NULL)
		code = PvmNoGroup;
	else if (ints_add(&g->viewers, &g->nviewers, &g->capviewers, from_host) != 0)
		code = PvmNoMem;
	group_send_view(from_host, req->name, code == 0 ? g : NULL, code);
}

/* Barrier calls of from_host's tasks, held by their daemon and sent
 * together: each counted as if it had come alone. */
void group_barrier_calls(int from_host, const Pvmx__GroupCalls *gc)
{
	const char *name = gc->name;
	int moved;

	if (name == NULL || name[0] == '\0' || strlen(name) > GROUP_NAME_MAX ||
	    gc->n_tids != gc->n_seqs)
		return;
	moved = group_home(name) != pvmd.host_tid;
	for (size_t i = 0; i < gc->n_tids; i++) {
		struct reply_addr to = {gc->tids[i], gc->seqs[i]};

		if (tid_host_index(to.tid) != from_host || tid_is_daemon(to.tid)) {
			log_warn("t%x sent a barrier call of t%x, not its own: ignored",
			         (unsigned)tid_make(from_host, 0), (unsigned)to.tid);
			continue;
		}
		if (moved)
			reply_status(&to, GROUP_MOVED);
		else
			group_sync(&to, name, WAIT_BARRIER, gc->arg);
	}
}

/* Host from_host's daemon dropped its view (round req->arg). */
void group_view_ack(int from_host, const Pvmx__GroupRequest *req)
{
	if (req->arg > 0)
		vround_host_done(from_host, (uint32_t)req->arg);
}

/* ------------------------------------------------------------- messages */

/* gi describes g (pointers into g and into the arrays given, which the
 * caller frees); with waits (a handoff, a daemon's view), its waiting
 * calls and the members it froze with too.  0 or PvmNoMem. */
static int group_info(const struct group *g, Pvmx__GroupInfo *gi, int waits)
{
	int n = 0;

	pvmx__group_info__init(gi);
	for (int i = 0; i < g->cap; i++) {
		if (g->tids[i] != -1)
			n = i + 1;
	}
	gi->name = g->name;
	gi->tids = g->tids;
	gi->n_tids = (size_t)n;
	gi->hosts = calloc((size_t)(n ? n : 1), sizeof(*gi->hosts));
	if (gi->hosts == NULL)
		return PvmNoMem;
	gi->n_hosts = (size_t)n;
	for (int i = 0; i < n; i++)
		gi->hosts[i] = g->tids[i] == -1 ? -1 : tid_host(g->tids[i]);
	gi->frozen = g->state != GROUP_DYNAMIC;
	gi->dead = g->state == GROUP_DEAD;
	gi->barrier_count = g->count[WAIT_BARRIER];
	gi->freeze_count = g->count[WAIT_FREEZE];
	if (!waits)
		return 0;
	if (g->state != GROUP_DYNAMIC && g->snap != NULL) {
		gi->frozen_tids = g->snap->tids;
		gi->n_frozen_tids = (size_t)g->snap->n;
	}
	gi->barrier_tids = calloc((size_t)g->nwaits[0] + 1, sizeof(int32_t));
	gi->barrier_seqs = calloc((size_t)g->nwaits[0] + 1, sizeof(uint32_t));
	gi->freeze_tids = calloc((size_t)g->nwaits[1] + 1, sizeof(int32_t));
	gi->freeze_seqs = calloc((size_t)g->nwaits[1] + 1, sizeof(uint32_t));
	if (gi->barrier_tids == NULL || gi->barrier_seqs == NULL ||
	    gi->freeze_tids == NULL || gi->freeze_seqs == NULL)
		return PvmNoMem;
	for (int k = 0; k < 2; k++) {
		int32_t *tids = k == 0 ? gi->barrier_tids : gi->freeze_tids;
		uint32_t *seqs = k == 0 ? gi->barrier_seqs : gi->freeze_seqs;
		size_t m = 0;
		const struct gwait *w;

		TAILQ_FOREACH(w, &g->waits[k], entry)
		{
			tids[m] = w->p->to.tid;
			seqs[m] = w->p->to.seq;
			m++;
		}
		if (k == 0)
			gi->n_barrier_tids = gi->n_barrier_seqs = m;
		else
			gi->n_freeze_tids = gi->n_freeze_seqs = m;
	}
	return 0;
}

static void group_info_release(Pvmx__GroupInfo *gi)
{
	free(gi->hosts);
	free(gi->barrier_tids);
	free(gi->barrier_seqs);
	free(gi->freeze_tids);
	free(gi->freeze_seqs);
}

/* The group_members answer of one group to to: name (NULL: none, only
 * the code), its members by instance (n long, -1 a free one), whether
 * frozen.  A view's (groupview.c) and a freeze's (the group as it
 * froze). */
void group_reply_members(const struct reply_addr *to, int code, const char *name,
                         const int32_t *tids, size_t n, int frozen)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupMembers gm = PVMX__GROUP_MEMBERS__INIT;
	Pvmx__GroupInfo gi = PVMX__GROUP_INFO__INIT, *ptr = &gi;
	int32_t *hosts = NULL;

	while (n > 0 && tids[n - 1] == -1)
		n--;
	gm.code = code;
	if (name != NULL && (hosts = calloc(n + 1, sizeof(*hosts))) == NULL) {
		gm.code = PvmNoMem;
	} else if (name != NULL) {
		for (size_t i = 0; i < n; i++)
			hosts[i] = tids[i] == -1 ? -1 : tid_host(tids[i]);
		gi.name = (char *)name;
		gi.tids = (int32_t *)tids;
		gi.n_tids = gi.n_hosts = n;
		gi.hosts = hosts;
		gi.frozen = frozen;
		gi.barrier_count = gi.freeze_count = -1;
		gm.groups = &ptr;
		gm.n_groups = 1;
	}
	ctl.body_case = PVMX__CONTROL__BODY_GROUP_MEMBERS;
	ctl.group_members = &gm;
	reply_control(to, &ctl);
	free(hosts);
}

/* The groups matching name (NULL: every group here) in one
 * group_members; sent to to (a task) or, when host > 0, as a handoff to
 * that host's daemon. */
static void group_send_members(const struct reply_addr *to, int host, const char *name)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupMembers gm = PVMX__GROUP_MEMBERS__INIT;
	Pvmx__GroupInfo *infos = NULL, **ptrs = NULL;
	size_t n = 0, cap = 0;
	struct group *g;

	TAILQ_FOREACH(g, &groups, entry)
	cap++;
	infos = calloc(cap + 1, sizeof(*infos));
	ptrs = calloc(cap + 1, sizeof(*ptrs));
	if (infos == NULL || ptrs == NULL) {
		gm.code = PvmNoMem;
		goto send;
	}
	TAILQ_FOREACH(g, &groups, entry)
	{
		if (name != NULL && strcmp(g->name, name) != 0)
			continue;
		if (host > 0 && tid_host_index(group_home(g->name)) != host)
			continue;
		if (host == 0 && name != NULL && g->state == GROUP_DEAD) {
			gm.code = PvmNoGroup; /* no collectives on a dead group */
			break;
		}
		if (group_info(g, &infos[n], host > 0) != 0) {
			gm.code = PvmNoMem;
			n++;
			break;
		}
		ptrs[n] = &infos[n];
		n++;
	}
	if (gm.code == 0 && name != NULL && n == 0)
		gm.code = PvmNoGroup;
	if (gm.code == 0) {
		gm.groups = ptrs;
		gm.n_groups = n;
	}
send:
	if (host > 0) {
		ctl.body_case = PVMX__CONTROL__BODY_GROUP_HANDOFF;
		ctl.group_handoff = &gm;
		if (gm.code == 0 && n > 0)
			peer_send_control(host, pvmd.host_tid, tid_make(host, 0), &ctl);
	} else {
		ctl.body_case = PVMX__CONTROL__BODY_GROUP_MEMBERS;
		ctl.group_members = &gm;
		reply_control(to, &ctl);
	}
	for (size_t i = 0; i < n && infos != NULL; i++)
		group_info_release(&infos[i]);
	free(infos);
	free(ptrs);
}

/* The view of group name (g; NULL with a code) for host's daemon. */
static void group_send_view(int host, const char *name, const struct group *g, int code)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupMembers gm = PVMX__GROUP_MEMBERS__INIT;
	Pvmx__GroupInfo gi = PVMX__GROUP_INFO__INIT, *ptr = &gi;

	/* with the waiting calls: which of its tasks' barrier calls are here */
	if (g != NULL && group_info(g, &gi, 1) != 0) {
		group_info_release(&gi);
		pvmx__group_info__init(&gi);
		code = PvmNoMem;
	}
	gi.name = (char *)name;
	gm.code = code;
	gm.groups = &ptr;
	gm.n_groups = 1;
	ctl.body_case = PVMX__CONTROL__BODY_GROUP_VIEW_FILL;
	ctl.group_view_fill = &gm;
	peer_send_control(host, pvmd.host_tid, tid_make(host, 0), &ctl);
	if (g != NULL && code == 0)
		group_info_release(&gi);
}

/* A task's group request (control.c): to->tid asks, here or through its
 * daemon.  Served only by the group's home daemon; any other answers
 * GROUP_MOVED (the host table is changing). */
void group_request(const struct reply_addr *to, const Pvmx__GroupRequest *req)
{
	const char *name = req->name;

	if (req->op == GROUP_OP_LIST) {
		served[GROUP_OP_LIST]++;
		group_send_members(to, 0, NULL);
		return;
	}
	if (name == NULL || name[0] == '\0') {
		reply_status(to, PvmNullGroup);
		return;
	}
	if (strlen(name) > GROUP_NAME_MAX) {
		reply_status(to, PvmBadParam);
		return;
	}
	if (group_home(name) != pvmd.host_tid) {
		log_debug("t%x: group %s is not homed here: asked again",
		          (unsigned)to->tid, name);
		reply_status(to, GROUP_MOVED);
		return;
	}
	if (req->op != GROUP_OP_JOIN && group_find(name) == NULL &&
	    hosts_changed_ns != 0 &&
	    clock_now_ns() - hosts_changed_ns < GROUP_SETTLE_NS) {
		log_debug("t%x: group %s not here yet, since the host set changed: asked "
		          "again",
		          (unsigned)to->tid, name);
		reply_status(to, GROUP_MOVED);
		return;
	}
	if (req->op > 0 && req->op <= GROUP_OP_LIST)
		served[req->op]++;
	serving = 1;
	switch (req->op) {
	case GROUP_OP_JOIN:
	case GROUP_OP_LEAVE: {
		int code = req->op == GROUP_OP_JOIN ? group_join(to->tid, name)
		                                    : group_leave(to->tid, name);

		groupmember_note(to->tid, req->op, name, code); /* if ours */
		group_reply(to, code, NULL);
		break;
	}
	case GROUP_OP_GETINST:
		reply_status(to, group_getinst(name, req->arg));
		break;
	case GROUP_OP_GETTID:
		reply_status(to, group_gettid(name, req->arg));
		break;
	case GROUP_OP_GSIZE: {
		const struct group *g = group_find(name);

		reply_status(to, g != NULL ? g->ntids : PvmNoGroup);
		break;
	}
	case GROUP_OP_FREEZE:
		group_sync(to, name, WAIT_FREEZE, req->arg);
		break;
	case GROUP_OP_BARRIER:
		group_sync(to, name, WAIT_BARRIER, req->arg);
		break;
	case GROUP_OP_VIEW:
		group_send_members(to, 0, name);
		break;
	default:
		reply_status(to, PvmBadParam);
		break;
	}
	vround_close();
}

/* Which daemon serves req (control.c's serving_daemon). */
int group_serving_daemon(const Pvmx__GroupRequest *req)
{
	if (req->op == GROUP_OP_LIST)
		return req->arg;
	if (req->name == NULL || req->name[0] == '\0')
		return pvmd.host_tid; /* answered here: PvmNullGroup */
	return group_home(req->name);
}

/* ------------------------------------------------------------- changes */

/* tid (of any host) is gone: it leaves every group homed here. */
void group_task_gone(int tid)
{
	struct group *g, *next;

	for (g = TAILQ_FIRST(&groups); g != NULL; g = next) {
		int inst = group_inst_of(g, tid);

		next = TAILQ_NEXT(g, entry);
		if (inst >= 0)
			group_remove_inst(g, inst);
	}
}

/* Our task t exited: it leaves the groups homed here, and, when it used
 * groups, every other daemon hears of it (group_gone) for theirs. */
void group_task_exit(const struct task *t)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Watch w = PVMX__WATCH__INIT;

	group_task_gone(t->tid);
	groupmember_task_gone(t->tid);
	if (!t->grouped)
		return;
	w.tid = t->tid;
	ctl.body_case = PVMX__CONTROL__BODY_GROUP_GONE;
	ctl.group_gone = &w;
	peer_broadcast_control(&ctl, 0);
}

/* Host index is gone: its tasks leave the groups homed here (their
 * waits were cancelled by pending_host_gone).  The groups homed there
 * are made again at their new home from what every daemon gives it of
 * its own members (groupmember.c). */
void group_host_gone(int index)
{
	struct group *g, *next;

	hosts_changed_ns = clock_now_ns();
	TAILQ_FOREACH(g, &groups, entry)
	ints_remove(g->viewers, &g->nviewers, index);
	vround_host_done(index, 0);
	groupview_host_gone(index);
	for (g = TAILQ_FIRST(&groups); g != NULL; g = next) {
		next = TAILQ_NEXT(g, entry);
		for (int i = 0; i < g->cap; i++) {
			if (g->tids[i] != -1 && tid_host_index(g->tids[i]) == index &&
			    group_remove_inst(g, i))
				break;
		}
	}
	groupmember_host_gone(index);
}

/* The host set changed (a host added, or the table learnt): the groups
 * homed here whose home is now another host go there, with their
 * waiting calls (reply addresses travel by value, so the new home
 * answers them), and are dropped here. */
void group_hosts_changed(void)
{
	struct group *g, *next;
	int moved[TID_MAX_HOST + 1] = {0};

	hosts_changed_ns = clock_now_ns();
	groupview_hosts_changed();
	groupmember_hosts_changed();
	TAILQ_FOREACH(g, &groups, entry)
	{
		int home = tid_host_index(group_home(g->name));

		if (home != pvmd.host_index)
			moved[home] = 1;
	}
	for (int h = 1; h <= TID_MAX_HOST; h++) {
		if (moved[h]) {
			log_info("groups homed on t%x now: handed over",
			         (unsigned)tid_make(h, 0));
			group_send_members(NULL, h, NULL);
		}
	}
	for (g = TAILQ_FIRST(&groups); g != NULL; g = next) {
		next = TAILQ_NEXT(g, entry);
		if (group_home(g->name) == pvmd.host_tid)
			continue;
		for (int k = 0; k < 2; k++) {
			struct gwait *w;

			while ((w = TAILQ_FIRST(&g->waits[k])) != NULL) {
				TAILQ_REMOVE(&g->waits[k], w, entry);
				pending_done(w->p); /* the new home answers it */
				free(w);
			}
			g->nwaits[k] = 0;
		}
		group_free(g);
	}
}

/* A waiting call handed over: waits again here, with its reply address. */
static void group_take_waits(struct group *g, enum wait_kind k, const int32_t *tids,
                             const uint32_t *seqs, size_t n, int count)
{
	for (size_t i = 0; i < n; i++) {
		struct reply_addr to = {tids[i], seqs[i]};

		if (group_inst_of(g, to.tid) >= 0 && gwait_add(g, k, &to) != 0)
			reply_status(&to, PvmNoMem);
	}
	/* none handed over (a new home given a lost group's members):
	 * the calls waiting here keep their count */
	if (n == 0 || count < 1)
		return;
	if (g->nwaits[k] > 0)
		g->count[k] = count;
	if (g->nwaits[k] > 0 && g->nwaits[k] >= count) {
		if (k == WAIT_FREEZE) {
			group_freeze(g, NULL, 0);
			group_changed(g);
		}
		group_answer_all(g, k, k == WAIT_FREEZE ? count : 0);
	}
}

/* Groups handed over by their old home (from_host), or the members of
 * a group whose home was lost, given by their daemon (groupmember.c).
 * A group created here meanwhile (a request that came by the new table
 * first), or given by several daemons, is merged: members keep their
 * instance where it is free, else take the lowest free one; a frozen
 * group keeps the members it froze with (the first given), for its
 * members' views, and is dead when any giver says so. */
void group_handoff(int from_host, const Pvmx__GroupMembers *gm)
{
	for (size_t i = 0; i < gm->n_groups; i++) {
		const Pvmx__GroupInfo *gi = gm->groups[i];
		struct group *g;

		if (gi == NULL || gi->name == NULL || gi->name[0] == '\0' ||
		    strlen(gi->name) > GROUP_NAME_MAX || gi->n_tids > GROUP_INST_MAX ||
		    gi->n_barrier_tids != gi->n_barrier_seqs ||
		    gi->n_freeze_tids != gi->n_freeze_seqs)
			continue;
		g = group_find(gi->name);
		if (g == NULL && (g = group_new(gi->name)) == NULL)
			continue;
		log_info("group %s (%zu instances) handed over by t%x", gi->name,
		         gi->n_tids, (unsigned)tid_make(from_host, 0));
		for (size_t k = 0; k < gi->n_tids; k++) {
			int tid = gi->tids[k];

			if (tid_is_valid(tid) && !tid_is_daemon(tid) &&
			    hosttab_by_tid(tid) != NULL && group_inst_of(g, tid) < 0)
				group_put(g, tid, (int)k);
		}
		if (gi->frozen)
			group_freeze(g, gi->n_frozen_tids > 0 ? gi->frozen_tids : NULL,
			             gi->n_frozen_tids > GROUP_INST_MAX
			                 ? GROUP_INST_MAX
			                 : (int)gi->n_frozen_tids);
		if (gi->dead)
			g->state = GROUP_DEAD;
		group_take_waits(g, WAIT_BARRIER, gi->barrier_tids, gi->barrier_seqs,
		                 gi->n_barrier_tids, gi->barrier_count);
		group_take_waits(g, WAIT_FREEZE, gi->freeze_tids, gi->freeze_seqs,
		                 gi->n_freeze_tids, gi->freeze_count);
		if (g->ntids == 0)
			group_free(g);
	}
	/* our table may differ from the sender's: pass on what is not ours */
	group_hosts_changed();
}

/* pvm_tickle 8: one line per group homed here. */
void group_dump(void)
{
	const struct group *g;

	TAILQ_FOREACH(g, &groups, entry)
	{
		tickle_log("group %s: %d members, %s, barrier %d/%d, freeze %d/%d, "
		           "viewed by %d daemon(s)",
		           g->name, g->ntids,
		           g->state == GROUP_DYNAMIC  ? "dynamic"
		           : g->state == GROUP_STATIC ? "frozen"
		                                      : "dead",
		           g->nwaits[0], g->count[0], g->nwaits[1], g->count[1],
		           g->nviewers);
	}
	tickle_log("group requests served here: join %llu, leave %llu, getinst %llu, "
	           "gettid %llu, gsize %llu, freeze %llu, barrier %llu, view %llu, "
	           "list %llu",
	           (unsigned long long)served[GROUP_OP_JOIN],
	           (unsigned long long)served[GROUP_OP_LEAVE],
	           (unsigned long long)served[GROUP_OP_GETINST],
	           (unsigned long long)served[GROUP_OP_GETTID],
	           (unsigned long long)served[GROUP_OP_GSIZE],
	           (unsigned long long)served[GROUP_OP_FREEZE],
	           (unsigned long long)served[GROUP_OP_BARRIER],
	           (unsigned long long)served[GROUP_OP_VIEW],
	           (unsigned long long)served[GROUP_OP_LIST]);
}

/* Teardown: the waits were ended by pending_free_all; held answers are
 * not sent. */
void group_free_all(void)
{
	struct group *g;
	struct vround *r;

	while ((r = TAILQ_FIRST(&vrounds)) != NULL)
		vround_end(r, 0);
	while ((g = TAILQ_FIRST(&groups)) != NULL)
		group_free(g);
	groupview_free_all();
	groupmember_free_all();
}

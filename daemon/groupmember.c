/*
 * groupmember.c - what this daemon knows of its own tasks' group
 * memberships (name, instance, the home that holds them), learnt from
 * the answers to their joins and leaves.  When a group's home host is
 * lost, every daemon gives the group's new home its own members, at
 * their instances, and the group goes on without the dead host's
 * members; a frozen group's members also give it the group as it froze,
 * so it stays frozen.  docs/groups-membership.md, "A host is deleted or
 * dies".
 */
#include "pvmd.h"

#include "groupwire.h"
#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

/* One membership of one of our tasks. */
struct gmember {
	TAILQ_ENTRY(gmember) entry;
	char *name;
	int tid;
	int inst;
	int home; /* host index of the home that holds it */
	int lost; /* its home is lost: to be given to the new one */
};
TAILQ_HEAD(gmember_list, gmember);

/* A join or leave of our task on its way to another host's home. */
struct gasked {
	TAILQ_ENTRY(gasked) entry;
	char *name;
	int tid;
	uint32_t seq;
	int op;
	int home;
};
TAILQ_HEAD(gasked_list, gasked);

/* A group of which our tasks are members, frozen: its members as it
 * froze (by instance), learnt from its home, a freeze's answer or a
 * view, kept while one of our tasks is a member. */
struct gfrozen {
	TAILQ_ENTRY(gfrozen) entry;
	char *name;
	int32_t *tids;
	size_t n;
	int dead; /* one of them left or is gone since: so is the group */
};
TAILQ_HEAD(gfrozen_list, gfrozen);

static struct gmember_list members = TAILQ_HEAD_INITIALIZER(members);
static struct gfrozen_list frozen = TAILQ_HEAD_INITIALIZER(frozen);
static struct gasked_list asked = TAILQ_HEAD_INITIALIZER(asked);
/* Since the start (tickle 8): groups given to a new home after theirs
 * was lost. */
static uint64_t rebuilt;

static struct gmember *member_find(const char *name, int tid)
{
	struct gmember *m;

	TAILQ_FOREACH(m, &members, entry)
	{
		if (m->tid == tid && strcmp(m->name, name) == 0)
			return m;
	}
	return NULL;
}

static struct gfrozen *frozen_find(const char *name)
{
	struct gfrozen *f;

	TAILQ_FOREACH(f, &frozen, entry)
	{
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

static void frozen_free(struct gfrozen *f)
{
	TAILQ_REMOVE(&frozen, f, entry);
	free(f->name);
	free(f->tids);
	free(f);
}

/* One of our tasks is a member of group name. */
static int have_member(const char *name)
{
	const struct gmember *m;

	TAILQ_FOREACH(m, &members, entry)
	{
		if (strcmp(m->name, name) == 0)
			return 1;
	}
	return 0;
}

/* Frozen groups with a member tid, or one on host index (tid 0), are
 * dead. */
static void frozen_lose(int tid, int index)
{
	struct gfrozen *f;

	TAILQ_FOREACH(f, &frozen, entry)
	{
		for (size_t i = 0; i < f->n; i++) {
			if (f->tids[i] != -1 &&
			    (tid != 0 ? f->tids[i] == tid
			              : tid_host_index(f->tids[i]) == index))
				f->dead = 1;
		}
	}
}

static void member_free(struct gmember *m)
{
	struct gfrozen *f;

	TAILQ_REMOVE(&members, m, entry);
	if (!have_member(m->name) && (f = frozen_find(m->name)) != NULL)
		frozen_free(f);
	free(m->name);
	free(m);
}

void groupmember_frozen(const char *name, const int32_t *tids, size_t n)
{
	struct gfrozen *f;

	if (name == NULL || n > GROUP_INST_MAX || !have_member(name) ||
	    frozen_find(name) != NULL)
		return;
	if ((f = calloc(1, sizeof(*f))) == NULL || (f->name = strdup(name)) == NULL ||
	    (f->tids = malloc((n ? n : 1) * sizeof(*f->tids))) == NULL) {
		if (f != NULL)
			free(f->name);
		free(f);
		log_error(
		    "out of memory for frozen group %s: it comes back dynamic if its "
		    "home host goes",
		    name);
		return;
	}
	for (size_t i = 0; i < n; i++)
		f->tids[i] = tid_is_valid(tids[i]) ? tids[i] : -1;
	f->n = n;
	TAILQ_INSERT_TAIL(&frozen, f, entry);
}

static void asked_free(struct gasked *a)
{
	TAILQ_REMOVE(&asked, a, entry);
	free(a->name);
	free(a);
}

void groupmember_note(int tid, int op, const char *name, int code)
{
	struct gmember *m;

	if (name == NULL || !route_is_local(tid) || code < 0)
		return;
	m = member_find(name, tid);
	if (op == GROUP_OP_LEAVE) {
		struct gfrozen *f = frozen_find(name);

		if (f != NULL)
			f->dead = 1; /* a member leaving a frozen group kills it */
		if (m != NULL)
			member_free(m);
		return;
	}
	if (op != GROUP_OP_JOIN)
		return;
	if (m == NULL) {
		if ((m = calloc(1, sizeof(*m))) == NULL ||
		    (m->name = strdup(name)) == NULL) {
			free(m);
			log_error("t%x: out of memory for its membership of %s: lost if "
			          "the group's home host goes",
			          (unsigned)tid, name);
			return;
		}
		m->tid = tid;
		TAILQ_INSERT_TAIL(&members, m, entry);
	}
	m->inst = code;
	m->home = tid_host_index(group_home(name));
}

void groupmember_asked(int tid, uint32_t seq, const Pvmx__GroupRequest *req, int home)
{
	struct gasked *a;

	if ((req->op != GROUP_OP_JOIN && req->op != GROUP_OP_LEAVE) || req->name == NULL)
		return;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->name = strdup(req->name)) == NULL) {
		free(a);
		log_error("t%x: out of memory for its %s of group %s", (unsigned)tid,
		          req->op == GROUP_OP_JOIN ? "join" : "leave", req->name);
		return;
	}
	a->tid = tid;
	a->seq = seq;
	a->op = req->op;
	a->home = tid_host_index(home);
	TAILQ_INSERT_TAIL(&asked, a, entry);
}

void groupmember_answer(int tid, const Pvmx__Control *ctl)
{
	struct gasked *a;

	/* a freeze's answer, a view or a list: the frozen groups in it */
	if (ctl->body_case == PVMX__CONTROL__BODY_GROUP_MEMBERS) {
		for (size_t i = 0; i < ctl->group_members->n_groups; i++) {
			const Pvmx__GroupInfo *gi = ctl->group_members->groups[i];

			if (gi->frozen && !gi->dead)
				groupmember_frozen(gi->name, gi->tids, gi->n_tids);
		}
	}
	TAILQ_FOREACH(a, &asked, entry)
	{
		if (a->tid == tid && a->seq == ctl->seq)
			break;
	}
	if (a == NULL)
		return;
	if (ctl->body_case == PVMX__CONTROL__BODY_STATUS &&
	    ctl->status->code != GROUP_MOVED)
		groupmember_note(tid, a->op, a->name, ctl->status->code);
	asked_free(a);
}

void groupmember_task_gone(int tid)
{
	struct gmember *m, *mnext;
	struct gasked *a, *anext;

	frozen_lose(tid, 0);
	for (m = TAILQ_FIRST(&members); m != NULL; m = mnext) {
		mnext = TAILQ_NEXT(m, entry);
		if (m->tid == tid)
			member_free(m);
	}
	for (a = TAILQ_FIRST(&asked); a != NULL; a = anext) {
		anext = TAILQ_NEXT(a, entry);
		if (a->tid == tid)
			asked_free(a);
	}
}

void groupmember_hosts_changed(void)
{
	struct gmember *m;

	/* the old home hands its groups over itself (group_hosts_changed) */
	TAILQ_FOREACH(m, &members, entry)
	m->home = tid_host_index(group_home(m->name));
}

/* Our members of group name (all of them home), by instance, to its new
 * home: a handoff holding only them, which the home merges (group.c),
 * and, frozen, the group as it froze (dead if one of it is gone). */
static void give_group(const char *name, int home)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__GroupMembers gm = PVMX__GROUP_MEMBERS__INIT;
	Pvmx__GroupInfo gi = PVMX__GROUP_INFO__INIT, *ptr = &gi;
	struct gmember *m;
	const struct gfrozen *f;
	int n = 0;

	TAILQ_FOREACH(m, &members, entry)
	{
		if (strcmp(m->name, name) == 0 && m->inst >= n)
			n = m->inst + 1;
	}
	if (n == 0 || n > GROUP_INST_MAX)
		return;
	if ((gi.tids = malloc((size_t)n * sizeof(*gi.tids))) == NULL) {
		log_error("out of memory for our members of group %s: not given to its "
		          "new home",
		          name);
		return;
	}
	for (int i = 0; i < n; i++)
		gi.tids[i] = -1;
	TAILQ_FOREACH(m, &members, entry)
	{
		if (strcmp(m->name, name) == 0) {
			gi.tids[m->inst] = m->tid;
			m->home = home;
			m->lost = 0;
		}
	}
	gi.name = (char *)name;
	gi.n_tids = (size_t)n;
	gi.barrier_count = gi.freeze_count = -1;
	if ((f = frozen_find(name)) != NULL) {
		gi.frozen = 1;
		gi.dead = f->dead;
		gi.frozen_tids = f->tids;
		gi.n_frozen_tids = f->n;
	}
	gm.groups = &ptr;
	gm.n_groups = 1;
	rebuilt++;
	log_info("group %s: its home is lost; our members given to t%x%s", name,
	         (unsigned)tid_make(home, 0),
	         !gi.frozen ? ""
	         : gi.dead  ? " (frozen, dead)"
	                    : " (frozen)");
	if (home == pvmd.host_index) {
		group_handoff(pvmd.host_index, &gm);
	} else {
		ctl.body_case = PVMX__CONTROL__BODY_GROUP_HANDOFF;
		ctl.group_handoff = &gm;
		peer_send_control(home, pvmd.host_tid, tid_make(home, 0), &ctl);
	}
	free(gi.tids);
}

void groupmember_host_gone(int index)
{
	struct gmember *m;
	struct gasked *a, *anext;

	/* a join or leave that went there is answered PvmHostFail (relay) */
	for (a = TAILQ_FIRST(&asked); a != NULL; a = anext) {
		anext = TAILQ_NEXT(a, entry);
		if (a->home == index)
			asked_free(a);
	}
	/* a frozen group with a member there is dead, as at its home */
	frozen_lose(0, index);
	/* each group once: give_group gives all of its members.  (Marked
	 * first: giving one to ourselves, the new home, sets every
	 * membership's home anew, those not given yet too.) */
	TAILQ_FOREACH(m, &members, entry)
	m->lost = m->home == index;
	for (;;) {
		TAILQ_FOREACH(m, &members, entry)
		{
			if (m->lost)
				break;
		}
		if (m == NULL)
			break;
		give_group(m->name, tid_host_index(group_home(m->name)));
		m->lost = 0; /* not given (out of memory): never again */
	}
}

void groupmember_dump(void)
{
	size_t n = 0, nf = 0;
	struct gmember *m;
	const struct gfrozen *f;

	TAILQ_FOREACH(m, &members, entry)
	n++;
	TAILQ_FOREACH(f, &frozen, entry)
	nf++;
	log_info("group memberships of our tasks: %zu, in %zu frozen group(s); groups "
	         "given to a new home: %llu",
	         n, nf, (unsigned long long)rebuilt);
}

void groupmember_free_all(void)
{
	while (!TAILQ_EMPTY(&members))
		member_free(TAILQ_FIRST(&members));
	while (!TAILQ_EMPTY(&asked))
		asked_free(TAILQ_FIRST(&asked));
	while (!TAILQ_EMPTY(&frozen))
		frozen_free(TAILQ_FIRST(&frozen));
}

/*
 * lpvm_group.c - dynamic groups: pvm_joingroup, pvm_lvgroup, pvm_getinst,
 * pvm_gettid, pvm_gsize, pvm_freezegroup, pvm_barrier, served by each
 * group's home daemon (daemon/group.c) through the local one; the views
 * the collectives run over, cached for frozen groups; pvmx_groups for the
 * console.  As PVM 3.4.6's group library, errors set pvm_errno but are
 * not reported (PvmAutoErr), and pvm_freezegroup leaves pvm_errno alone.
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include "clock.h"
#include "groupwire.h"
#include "lpvm_coll.h"
#include "lpvm_group.h"
#include "pvmx.h"
#include "tid.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

extern int pvm_errno; /* lpvm_err.c */

/* While the host set changes, a request may reach a daemon that is no
 * longer (or not yet) the group's home: asked again every 10 ms, for up
 * to 10 s (a host add takes a few hundred ms). */
#define GROUP_RETRY_MS 10
#define GROUP_RETRY_FOR_MS 10000

/* A view held for a group: the last one asked for, kept while frozen. */
struct gcache {
	struct gcache *next;
	char *name;
	int owner; /* our tid when it was filled: a new tid forgets it */
	struct lpvm_gview view;
};

static struct gcache *cache;

static void gcache_free(struct gcache *c)
{
	free(c->name);
	free(c->view.tids);
	free(c->view.hosts);
	free(c);
}

static struct gcache *gcache_find(const char *name)
{
	for (struct gcache *c = cache; c != NULL; c = c->next) {
		if (strcmp(c->name, name) == 0 && c->owner == lpvm.mytid)
			return c;
	}
	return NULL;
}

/* A frozen group's view held here (NULL: none). */
static const struct lpvm_gview *gcache_frozen(const char *name)
{
	const struct gcache *c = name != NULL ? gcache_find(name) : NULL;

	return c != NULL && c->view.frozen ? &c->view : NULL;
}

void lpvm_group_forget(const char *group)
{
	struct gcache **pp = &cache;

	while (*pp != NULL) {
		struct gcache *c = *pp;

		if (group == NULL || strcmp(c->name, group) == 0 ||
		    c->owner != lpvm.mytid) {
			*pp = c->next;
			gcache_free(c);
		} else {
			pp = &c->next;
		}
	}
}

/* Waits ms while making progress on every route. */
static void group_pause(int ms)
{
	int64_t until = clock_now_ms() + ms;
	int64_t left;

	while ((left = until - clock_now_ms()) > 0)
		if (lpvm_pump((int)left) < 0)
			break;
}

/* One group request to the home daemon (through ours); *rep is the
 * reply (freed by the caller with wire_control_free).  0 or a code:
 * PvmSysErr when the home daemon cannot be reached (PVM 3.4.6's answer
 * when its group server cannot be). */
static int group_ask(int op, const char *name, int arg, Pvmx__Control **rep)
{
	int64_t until = clock_now_ms() + GROUP_RETRY_FOR_MS;

	for (;;) {
		Pvmx__Control req = PVMX__CONTROL__INIT;
		Pvmx__GroupRequest gr = PVMX__GROUP_REQUEST__INIT;
		int r;

		gr.op = op;
		gr.name = (char *)(name != NULL ? name : "");
		gr.arg = arg;
		req.body_case = PVMX__CONTROL__BODY_GROUP;
		req.group = &gr;
		r = lpvm_request(&req, rep);
		if (r < 0)
			return PvmSysErr;
		if ((*rep)->body_case != PVMX__CONTROL__BODY_STATUS)
			return 0;
		r = (*rep)->status->code;
		if (r == PvmHostFail)
			(*rep)->status->code = PvmSysErr; /* the home's host died */
		if (r != GROUP_MOVED)
			return 0;
		wire_control_free(*rep);
		*rep = NULL;
		if (clock_now_ms() >= until)
			return PvmSysErr;
		group_pause(GROUP_RETRY_MS);
	}
}

/* A request answered by a Status: its code. */
static int group_status(int op, const char *name, int arg)
{
	Pvmx__Control *rep = NULL;
	int r;

	if (name == NULL || name[0] == '\0')
		return PvmNullGroup;
	r = lpvm_ensure("pvm_group");
	if (r < 0)
		return PvmSysErr;
	r = group_ask(op, name, arg, &rep);
	if (r < 0)
		return r;
	r = rep->body_case == PVMX__CONTROL__BODY_STATUS ? rep->status->code : PvmSysErr;
	wire_control_free(rep);
	return r;
}

static int group_fail(int code)
{
	if (code < 0)
		pvm_errno = code;
	return code;
}

/* Copies gi into v (allocated here).  0 or PvmNoMem. */
static int view_fill(struct lpvm_gview *v, const Pvmx__GroupInfo *gi)
{
	size_t n = gi->n_tids;

	v->tids = malloc((n ? n : 1) * sizeof(int));
	v->hosts = malloc((n ? n : 1) * sizeof(int));
	if (v->tids == NULL || v->hosts == NULL) {
		free(v->tids);
		free(v->hosts);
		v->tids = v->hosts = NULL;
		return PvmNoMem;
	}
	for (size_t i = 0; i < n; i++) {
		v->tids[i] = gi->tids[i];
		v->hosts[i] = i < gi->n_hosts ? gi->hosts[i] : tid_host(gi->tids[i]);
	}
	v->ninst = (int)n;
	v->frozen = gi->frozen;
	return 0;
}

/* A view or list request's answer: 0 when it is the members, else the
 * code it carries (PvmSysErr for anything but a Status), rep freed. */
static int members_reply(Pvmx__Control *rep)
{
	int r;

	if (rep->body_case == PVMX__CONTROL__BODY_GROUP_MEMBERS)
		return 0;
	r = rep->body_case == PVMX__CONTROL__BODY_STATUS ? rep->status->code : PvmSysErr;
	wire_control_free(rep);
	return r < 0 ? r : PvmSysErr;
}

/* gi, the one group of an answer, held as group's view (the previous
 * one forgotten); 0 or PvmNoMem. */
static int gcache_put(const char *group, const Pvmx__GroupInfo *gi,
                      const struct lpvm_gview **out)
{
	struct gcache *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->name = strdup(group)) == NULL ||
	    view_fill(&c->view, gi) != 0) {
		if (c != NULL)
			gcache_free(c);
		return PvmNoMem;
	}
	lpvm_group_forget(group); /* the previous view of it, if any */
	c->owner = lpvm.mytid;
	c->next = cache;
	cache = c;
	*out = &c->view;
	return 0;
}

int lpvm_group_view(const char *group, const struct lpvm_gview **out)
{
	Pvmx__Control *rep = NULL;
	const struct lpvm_gview *held = gcache_frozen(group);
	int r;

	*out = NULL;
	if (held != NULL) {
		*out = held;
		return 0;
	}
	if (group == NULL || group[0] == '\0')
		return PvmNullGroup;
	if (lpvm_ensure("pvm_group") < 0)
		return PvmSysErr;
	r = group_ask(GROUP_OP_VIEW, group, 0, &rep);
	if (r < 0)
		return r;
	if ((r = members_reply(rep)) < 0)
		return r;
	r = rep->group_members->code;
	if (r == 0 && rep->group_members->n_groups != 1)
		r = PvmNoGroup;
	if (r == 0)
		r = gcache_put(group, rep->group_members->groups[0], out);
	wire_control_free(rep);
	return r;
}

int lpvm_group_barrier_daemon(const char *group, int count)
{
	int r = group_status(GROUP_OP_BARRIER, group, count);

	return r > 0 ? 0 : r;
}

static int join_untraced(char *group, int unused)
{
	(void)unused;
	return group_fail(group_status(GROUP_OP_JOIN, group, 0));
}

static int leave_untraced(char *group, int unused);

int pvm_joingroup(char *group)
{
	if (lpvm_trace_on)
		return lpvm_trace_group(TEV_JOINGROUP, group, 0, join_untraced);
	return join_untraced(group, 0);
}

int pvm_lvgroup(char *group)
{
	if (lpvm_trace_on)
		return lpvm_trace_group(TEV_LVGROUP, group, 0, leave_untraced);
	return leave_untraced(group, 0);
}

static int leave_untraced(char *group, int unused)
{
	(void)unused;
	if (group != NULL) {
		/* (the collectives first: they need the frozen view held) */
		lpvm_coll_leaving(group);
		lpvm_group_forget(group);
	}
	return group_fail(group_status(GROUP_OP_LEAVE, group, 0));
}

static int getinst_untraced(char *group, int tid)
{
	const struct lpvm_gview *v = gcache_frozen(group);

	if (v != NULL) {
		for (int i = 0; i < v->ninst; i++) {
			if (v->tids[i] == tid)
				return i;
		}
	}
	return group_fail(group_status(GROUP_OP_GETINST, group, tid));
}

static int gettid_untraced(char *group, int inst)
{
	const struct lpvm_gview *v = gcache_frozen(group);

	if (v != NULL && inst >= 0 && inst < v->ninst && v->tids[inst] != -1)
		return v->tids[inst];
	return group_fail(group_status(GROUP_OP_GETTID, group, inst));
}

static int gsize_untraced(char *group, int unused)
{
	const struct lpvm_gview *v = gcache_frozen(group);

	(void)unused;
	if (v != NULL) {
		int n = 0;

		for (int i = 0; i < v->ninst; i++)
			n += v->tids[i] != -1;
		return n;
	}
	return group_fail(group_status(GROUP_OP_GSIZE, group, 0));
}

int pvm_getinst(char *group, int tid)
{
	if (lpvm_trace_on)
		return lpvm_trace_gquery(TEV_GETINST, group, tid, getinst_untraced);
	return getinst_untraced(group, tid);
}

int pvm_gettid(char *group, int inst)
{
	if (lpvm_trace_on)
		return lpvm_trace_gquery(TEV_GETTID, group, inst, gettid_untraced);
	return gettid_untraced(group, inst);
}

int pvm_gsize(char *group)
{
	if (lpvm_trace_on)
		return lpvm_trace_gquery(TEV_GSIZE, group, 0, gsize_untraced);
	return gsize_untraced(group, 0);
}

/* The home answers the size and the group as it froze, as PVM 3.4.6's
 * server does: every caller holds the frozen group from now on (a member
 * that has already run its part of a collective and left is still in
 * it), with no second request. */
int pvm_freezegroup(char *group, int size)
{
	Pvmx__Control *rep = NULL;
	const Pvmx__GroupMembers *gm;
	const struct lpvm_gview *v;
	int r;

	if (group == NULL || group[0] == '\0')
		return PvmNullGroup;
	if (lpvm_ensure("pvm_group") < 0)
		return PvmSysErr;
	r = group_ask(GROUP_OP_FREEZE, group, size, &rep);
	if (r < 0)
		return r;
	if (rep->body_case != PVMX__CONTROL__BODY_GROUP_MEMBERS) {
		/* an error, or the size with no group (the home out of memory) */
		r = rep->body_case == PVMX__CONTROL__BODY_STATUS ? rep->status->code
		                                                 : PvmSysErr;
		wire_control_free(rep);
		return r;
	}
	gm = rep->group_members;
	r = gm->code;
	if (r > 0 && gm->n_groups == 1 && gm->groups[0]->frozen)
		(void)gcache_put(group, gm->groups[0], &v);
	wire_control_free(rep);
	return r;
}

/* ---------------------------------------------------------- the console */

static struct pvmxgroupinfo *listed;
static int nlisted;

static void listed_free(void)
{
	for (int i = 0; i < nlisted; i++) {
		free(listed[i].gi_name);
		free(listed[i].gi_tids);
		free(listed[i].gi_hosts);
	}
	free(listed);
	listed = NULL;
	nlisted = 0;
}

/* The groups homed on daemon host_tid, appended to listed.  0 or a code. */
static int list_host(int host_tid)
{
	Pvmx__Control *rep = NULL;
	const Pvmx__GroupMembers *gm;
	struct pvmxgroupinfo *n;
	int r = group_ask(GROUP_OP_LIST, "", host_tid, &rep);

	if (r < 0)
		return r;
	if ((r = members_reply(rep)) < 0)
		return r;
	gm = rep->group_members;
	n = gm->code == 0 ? realloc(listed, (size_t)(nlisted + (int)gm->n_groups + 1) *
	                                        sizeof(*listed))
	                  : NULL;
	if (n == NULL) {
		r = gm->code < 0 ? gm->code : PvmNoMem;
		wire_control_free(rep);
		return r;
	}
	listed = n;
	for (size_t i = 0; i < gm->n_groups; i++) {
		struct pvmxgroupinfo *g = &listed[nlisted];
		struct lpvm_gview v;

		memset(g, 0, sizeof(*g));
		if (view_fill(&v, gm->groups[i]) != 0 ||
		    (g->gi_name = strdup(gm->groups[i]->name)) == NULL) {
			free(v.tids);
			free(v.hosts);
			r = PvmNoMem;
			break;
		}
		g->gi_ninst = v.ninst;
		g->gi_tids = v.tids;
		g->gi_hosts = v.hosts;
		g->gi_home = host_tid;
		g->gi_state = gm->groups[i]->dead ? 2 : v.frozen ? 1 : 0;
		for (int k = 0; k < v.ninst; k++)
			g->gi_size += v.tids[k] != -1;
		nlisted++;
	}
	wire_control_free(rep);
	return r;
}

int pvmx_groups(struct pvmxgroupinfo **groups, int *ngroups)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, r;

	listed_free();
	if (groups != NULL)
		*groups = NULL;
	if (ngroups != NULL)
		*ngroups = 0;
	r = pvm_config(&nhost, &narch, &hosts);
	if (r < 0)
		return r;
	for (int i = 0; i < nhost; i++) {
		r = list_host(hosts[i].hi_tid);
		/* a host that went meanwhile has no groups any more */
		if (r < 0 && r != PvmSysErr)
			return lpvm_error("pvmx_groups", r);
	}
	if (groups != NULL)
		*groups = listed;
	if (ngroups != NULL)
		*ngroups = nlisted;
	return 0;
}

/*
 * spawnhosts.c - pvm_spawn's requests: placement over the hosts, the
 * reply and the sibling lists.  A spawn over several hosts: the
 * requester's daemon sends each other host its share of the instances,
 * starts its own (spawn.c), gathers the replies into the task's one
 * reply (in instance order) and then gives every started task the whole
 * sibling list; the other side spawns for a task of another host.  A
 * host that dies fails its share.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A SpawnReply of tids and (NULL: not known) their bindings. */
static void reply_of(Pvmx__SpawnReply *sr, int code, int32_t *tids, char **binds, size_t n)
{
	sr->code = code;
	sr->tids = tids;
	sr->n_tids = tids != NULL ? n : 0;
	sr->bindings = binds;
	sr->n_bindings = tids != NULL && binds != NULL ? n : 0;
}

static void spawn_reply(const struct reply_addr *to, int code, int32_t *tids, char **binds,
                        size_t n)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__SpawnReply sr = PVMX__SPAWN_REPLY__INIT;

	reply_of(&sr, code, tids, binds, n);
	ctl.body_case = PVMX__CONTROL__BODY_SPAWN_REPLY;
	ctl.spawn_reply = &sr;
	reply_control(to, &ctl);
}

/* Shares the started tids among the tasks of ours among them
 * (pvm_siblings); those waiting at register for the list get it now. */
static void spawn_set_siblings(const int32_t *tids, size_t count)
{
	struct siblings *s;
	size_t n = 0;

	for (size_t i = 0; i < count; i++)
		n += tids[i] > 0;
	if (n == 0)
		return;
	s = malloc(sizeof(*s) + n * sizeof(int32_t));
	if (s == NULL) {
		log_error("out of memory for a sibling list");
		return;
	}
	s->refs = 0;
	s->n = 0;
	for (size_t i = 0; i < count; i++) {
		if (tids[i] > 0)
			s->tids[s->n++] = tids[i];
	}
	for (size_t i = 0; i < count; i++) {
		struct task *t = tids[i] > 0 ? task_find(tids[i]) : NULL;

		if (t == NULL || t->sibs != NULL)
			continue;
		t->sibs = s;
		s->refs++;
		if (t->sibs_wait)
			control_register_reply(t);
	}
	if (s->refs == 0)
		free(s);
}

void spawn_siblings(const Pvmx__Siblings *s)
{
	spawn_set_siblings(s->tids, s->n_tids);
}

/* Placement: the host index of each instance, round robin over the hosts
 * that flags and where allow.  0, or PvmNoHost when none does. */
static int spawn_place(const Pvmx__SpawnRequest *req, int *idx, size_t count)
{
	static int cursor;
	const char *where = req->where != NULL ? req->where : "";
	int *cand = malloc(sizeof(int) * (size_t)(hosttab_count() + 1));
	struct host *named = NULL;
	int n = 0;

	if (cand == NULL)
		return PvmNoMem;
	if (req->n_hosts > 0) {
		/* placed by the requester (pvmrun), one host per instance */
		free(cand);
		if (req->n_hosts != count)
			return PvmBadParam;
		for (size_t i = 0; i < count; i++) {
			named = hosttab_by_name(req->hosts[i]);
			if (named == NULL)
				return PvmNoHost;
			idx[i] = named->index;
		}
		return 0;
	}
	if (req->flags & PvmTaskHost) {
		named = hosttab_by_name(where);
		if (!(req->flags & PvmHostCompl)) {
			free(cand);
			if (named == NULL)
				return PvmNoHost;
			for (size_t i = 0; i < count; i++)
				idx[i] = named->index;
			return 0;
		}
	}
	for (int i = 1; i <= TID_MAX_HOST; i++) {
		struct host *h = hosttab_get(i);

		if (h == NULL || (named != NULL && h == named))
			continue;
		if ((req->flags & PvmTaskArch) && strcmp(h->arch, where) != 0)
			continue;
		cand[n++] = i;
	}
	if (n == 0) {
		free(cand);
		return PvmNoHost;
	}
	for (size_t i = 0; i < count; i++)
		idx[i] = cand[(cursor + (int)i) % n];
	cursor = (int)((cursor + (int)(count % (size_t)n)) % n);
	free(cand);
	return 0;
}

static int spawn_code(const int32_t *tids, size_t count)
{
	int started = 0;

	for (size_t i = 0; i < count; i++)
		started += tids[i] > 0;
	for (size_t i = 0; i < count && started == 0; i++)
		return tids[i];
	return started;
}

/* Shares the tids among those of ours that a spawn started, then no
 * task of them waits at register any more (pvm_siblings). */
static void spawn_siblings_done(const int32_t *tids, size_t count)
{
	spawn_set_siblings(tids, count);
	/* those that got no list (out of memory) must not wait for one */
	for (size_t i = 0; i < count; i++) {
		struct task *t = tids[i] > 0 ? task_find(tids[i]) : NULL;

		if (t != NULL && t->sibs_wait)
			control_register_reply(t);
	}
}

/* A spawn over several hosts, waiting for the other daemons' replies:
 * one PENDING_SPAWN_SHARE per other host (its id is the seq of that
 * host's SpawnForward), each holding the job; the job is freed when the
 * last share ends. */
struct spawn_job {
	struct reply_addr to;
	size_t count;
	int32_t *tids;
	char **binds; /* per instance, "" until known; NULL: not known */
	int *host;    /* per instance */
	int *waiting; /* host indices asked, negated once answered */
	size_t nwait, left;
};

static void job_forget_binds(struct spawn_job *j)
{
	strv_free(j->binds, j->count);
	j->binds = NULL;
}

static void job_free(struct spawn_job *j)
{
	job_forget_binds(j);
	free(j->tids);
	free(j->host);
	free(j->waiting);
	free(j);
}

static void job_finish(struct spawn_job *j)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__SpawnReply sr = PVMX__SPAWN_REPLY__INIT;
	Pvmx__Siblings sb = PVMX__SIBLINGS__INIT;
	int32_t *good = malloc(sizeof(int32_t) * (j->count ? j->count : 1));
	size_t ngood = 0;

	reply_of(&sr, spawn_code(j->tids, j->count), j->tids, j->binds, j->count);
	ctl.body_case = PVMX__CONTROL__BODY_SPAWN_REPLY;
	ctl.spawn_reply = &sr;
	reply_control(&j->to, &ctl);
	/* every started task learns the whole list */
	for (size_t i = 0; good != NULL && i < j->count; i++) {
		if (j->tids[i] > 0)
			good[ngood++] = j->tids[i];
	}
	if (good != NULL) {
		Pvmx__Control sc = PVMX__CONTROL__INIT;

		sb.tids = good;
		sb.n_tids = ngood;
		sc.body_case = PVMX__CONTROL__BODY_SIBLINGS;
		sc.siblings = &sb;
		for (size_t w = 0; w < j->nwait; w++) {
			int h = j->waiting[w] < 0 ? -j->waiting[w] : 0, any = 0;

			if (h == pvmd.host_index)
				continue; /* ours: spawn_siblings_done */

			for (size_t i = 0; h != 0 && i < j->count; i++)
				any |= j->tids[i] > 0 && tid_host_index(j->tids[i]) == h;
			if (any)
				peer_send_control(h, pvmd.host_tid, tid_make(h, 0), &sc);
		}
	}
	spawn_siblings_done(j->tids, j->count);
	free(good);
	job_free(j);
}

/* Instances of host got tids (or errors) from its reply, and binds
 * beside them (NULL: not known, which makes the whole job's unknown). */
static void job_answer(struct spawn_job *j, int host, const int32_t *tids, char **binds,
                       size_t n, int code)
{
	size_t k = 0;

	if (binds == NULL && tids != NULL)
		job_forget_binds(j);

	for (size_t w = 0; w < j->nwait; w++) {
		if (j->waiting[w] == host) {
			j->waiting[w] = -host; /* answered: remembered for siblings */
			j->left--;
		}
	}
	for (size_t i = 0; i < j->count; i++) {
		if (j->host[i] != host)
			continue;
		j->tids[i] = k < n ? tids[k] : (code < 0 ? code : PvmSysErr);
		if (j->binds != NULL && k < n && binds != NULL) {
			char *b = strdup(binds[k]);

			if (b == NULL) {
				job_forget_binds(j);
			} else {
				free(j->binds[i]);
				j->binds[i] = b;
			}
		}
		k++;
	}
	if (j->left == 0)
		job_finish(j);
}

/* Our own share is answered (tids NULL: the daemon exits). */
static void share_here_done(void *arg, const struct reply_addr *to, int32_t *tids,
                            char **binds, size_t count)
{
	struct spawn_job *j = arg;

	(void)to;
	if (tids != NULL)
		job_answer(j, pvmd.host_index, tids, binds, count, 0);
	else if (--j->left == 0)
		job_free(j);
}

/* A share ended unanswered: its host went (its instances fail), or the
 * daemon exits. */
static void share_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	struct spawn_job *j = arg;

	if (why == PENDING_HOST_GONE) {
		job_answer(j, p->host, NULL, NULL, 0, PvmHostFail);
	} else if (--j->left == 0) {
		job_free(j);
	}
}

/* The part of a placed request (hosts, ranks) for host h: its instances'
 * ranks (into ranks, count long), no host list, the stdin pipe only with
 * the request's first instance.  (n_ranks is 0 or count: checked.) */
static void share_of(const Pvmx__SpawnRequest *req, const int *idx, size_t count, int h,
                    Pvmx__SpawnRequest *share, int32_t *ranks)
{
	size_t k = 0;

	share->n_hosts = 0;
	share->hosts = NULL;
	share->stdin_pipe = req->stdin_pipe && idx[0] == h;
	if (req->n_ranks == 0)
		return;
	for (size_t i = 0; i < count; i++)
		if (idx[i] == h)
			ranks[k++] = req->ranks[i];
	share->ranks = ranks;
	share->n_ranks = k;
}

static void spawn_multi(const struct reply_addr *to, const Pvmx__SpawnRequest *req, int parent,
                 int *idx, size_t count)
{
	int32_t *ranks = req->n_ranks > 0 ? malloc(count * sizeof(int32_t)) : NULL;
	struct spawn_job *j = calloc(1, sizeof(*j));
	Pvmx__SpawnRequest fwdreq;
	Pvmx__SpawnForward fwd = PVMX__SPAWN_FORWARD__INIT;
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	size_t nlocal = 0;

	if (j != NULL) {
		j->tids = calloc(count, sizeof(*j->tids));
		j->waiting = calloc(count, sizeof(*j->waiting));
	}
	if (j == NULL || j->tids == NULL || j->waiting == NULL ||
	    (req->n_ranks > 0 && ranks == NULL)) {
		if (j != NULL) {
			free(j->tids);
			free(j->waiting);
			free(j);
		}
		free(idx);
		free(ranks);
		spawn_reply(to, PvmNoMem, NULL, NULL, 0);
		return;
	}
	j->to = *to;
	j->count = count;
	j->binds = calloc(count, sizeof(*j->binds));
	for (size_t i = 0; j->binds != NULL && i < count; i++) {
		if ((j->binds[i] = strdup("")) == NULL)
			job_forget_binds(j);
	}
	j->host = idx;
	/* the other hosts first: they start while we fork ours */
	fwdreq = *req;
	fwdreq.flags = 0;
	fwdreq.where = "";
	fwd.req = &fwdreq;
	fwd.parent = parent;
	fwd.await_siblings = 1;
	ctl.body_case = PVMX__CONTROL__BODY_SPAWN_FWD;
	ctl.spawn_fwd = &fwd;
	for (size_t i = 0; i < count; i++) {
		int h = idx[i], seen = 0, k = 0;
		struct pending *share;

		if (h == pvmd.host_index) {
			nlocal++;
			continue;
		}
		for (size_t w = 0; w < j->nwait && !seen; w++)
			seen = j->waiting[w] == h || j->waiting[w] == -h;
		if (seen)
			continue;
		for (size_t x = 0; x < count; x++)
			k += idx[x] == h;
		share = pending_add(PENDING_SPAWN_SHARE, to, h, 0, share_cancel, j);
		if (share == NULL) {
			for (size_t x = 0; x < count; x++) {
				if (idx[x] == h)
					j->tids[x] = PvmNoMem;
			}
			j->waiting[j->nwait++] = -h; /* as answered */
			continue;
		}
		fwdreq.count = k;
		share_of(req, idx, count, h, &fwdreq, ranks);
		j->waiting[j->nwait++] = h;
		j->left++;
		ctl.seq = share->id;
		peer_send_control(h, pvmd.host_tid, tid_make(h, 0), &ctl);
	}
	/* ours last: the others start meanwhile */
	if (nlocal > 0) {
		Pvmx__SpawnRequest local = *req;
		int err;

		j->waiting[j->nwait++] = pvmd.host_index;
		j->left++;
		share_of(req, idx, count, pvmd.host_index, &local, ranks);
		err = spawn_here(&local, to, 0, parent, nlocal, pvmd.host_index,
		                 share_here_done, j);
		free(ranks);
		if (err != 0)
			job_answer(j, pvmd.host_index, NULL, NULL, 0, err); /* may finish j */
		return;
	}
	free(ranks);
	if (j->left == 0)
		job_finish(j);
}

/* The answer to another daemon's request (to: that daemon, with the
 * seq of its SpawnForward); tids NULL: none (the daemon exits). */
static void forward_answer(const struct reply_addr *to, int code, int32_t *tids,
                           char **binds, size_t count)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__SpawnReply sr = PVMX__SPAWN_REPLY__INIT;

	reply_of(&sr, code, tids, binds, count);
	ctl.seq = to->seq;
	ctl.body_case = PVMX__CONTROL__BODY_SPAWN_REPLY;
	ctl.spawn_reply = &sr;
	peer_send_control(tid_host_index(to->tid), pvmd.host_tid, to->tid, &ctl);
}

static void forward_done(void *arg, const struct reply_addr *to, int32_t *tids,
                         char **binds, size_t count)
{
	(void)arg;
	if (tids != NULL)
		forward_answer(to, spawn_code(tids, count), tids, binds, count);
}

/* Another daemon's task spawns here.  The run stops if that host goes. */
void spawn_forwarded(int from_host, uint32_t seq, const Pvmx__SpawnForward *fwd)
{
	struct reply_addr to = {tid_make(from_host, 0), seq};
	Pvmx__SpawnRequest req;
	int32_t *tids;
	size_t count;
	struct stat st;
	int err;

	if (fwd->req == NULL || fwd->req->count < 1 ||
	    fwd->req->count > SPAWN_MAX_COUNT || fwd->req->file == NULL ||
	    fwd->req->file[0] == '\0' ||
	    (fwd->parent != PvmNoParent && tid_host_index(fwd->parent) != from_host)) {
		forward_answer(&to, PvmBadParam, NULL, NULL, 0);
		return;
	}
	req = *fwd->req;
	count = (size_t)req.count;
	/* wd= of this host, else the parent's directory if it exists here,
	 * else our own */
	if (pvmd.wd[0] != '\0')
		req.cwd = pvmd.wd;
	else if (req.cwd != NULL && (stat(req.cwd, &st) != 0 || !S_ISDIR(st.st_mode)))
		req.cwd = "";
	err = spawn_here(&req, &to, from_host, fwd->parent, count,
	                 fwd->await_siblings ? from_host : 0, forward_done, NULL);
	if (err == 0)
		return;
	tids = malloc(count * sizeof(*tids));
	for (size_t i = 0; tids != NULL && i < count; i++)
		tids[i] = err;
	forward_answer(&to, tids != NULL ? err : PvmNoMem, tids, NULL, count);
	free(tids);
}

void spawn_forward_reply(int from_host, uint32_t seq, const Pvmx__SpawnReply *r)
{
	struct pending *share = pending_find_id(PENDING_SPAWN_SHARE, seq);
	struct spawn_job *j;

	if (share == NULL || share->host != from_host) {
		log_warn("t%x answered a spawn it was not asked for (seq %u): ignored",
		         (unsigned)tid_make(from_host, 0), seq);
		return;
	}
	j = share->arg;
	pending_done(share);
	for (size_t i = 0; i < r->n_tids; i++) {
		/* a daemon answers with its own tids only */
		if (r->tids[i] > 0 && tid_host_index(r->tids[i]) != from_host)
			r->tids[i] = PvmSysErr;
	}
	job_answer(j, from_host, r->tids, r->n_bindings == r->n_tids ? r->bindings : NULL,
	           r->n_tids, r->code);
}

/* A host died: our tasks that waited for its sibling list register
 * without one.  (Spawns waiting for its share are pending waits: they
 * fail there through pending_host_gone.) */
void spawn_host_gone(int index)
{
	struct task *t, *tnext;

	for (t = TAILQ_FIRST(&pvmd.tasks); t != NULL; t = tnext) {
		tnext = TAILQ_NEXT(t, entry);
		if (t->sibs_wait && t->sibs_from == index)
			control_register_reply(t);
	}
}

/* A spawn on this host only is answered. */
static void request_done(void *arg, const struct reply_addr *to, int32_t *tids,
                         char **binds, size_t count)
{
	(void)arg;
	if (tids == NULL)
		return;
	/* the requester first, as a spawn over several hosts does */
	spawn_reply(to, spawn_code(tids, count), tids, binds, count);
	spawn_siblings_done(tids, count);
}

void spawn_request(const struct reply_addr *to, const Pvmx__SpawnRequest *req)
{
	int parent = req->no_parent ? PvmNoParent : to->tid;
	char shown[LOG_PRINTABLE_LEN];
	int32_t *tids;
	int *idx, err;
	size_t count, nlocal = 0;

	if (req->count < 1 || req->count > SPAWN_MAX_COUNT || req->file == NULL ||
	    req->file[0] == '\0' || (req->n_ranks != 0 && req->n_ranks != (size_t)req->count)) {
		spawn_reply(to, PvmBadParam, NULL, NULL, 0);
		return;
	}
	count = (size_t)req->count;
	idx = malloc(count * sizeof(*idx));
	if (idx == NULL) {
		spawn_reply(to, PvmNoMem, NULL, NULL, 0);
		return;
	}
	err = spawn_place(req, idx, count);
	for (size_t i = 0; err == 0 && i < count; i++)
		nlocal += idx[i] == pvmd.host_index;
	if (err == 0 && nlocal < count) {
		spawn_multi(to, req, parent, idx, count); /* takes idx */
		return;
	}
	free(idx);
	if (err != 0)
		log_info("t%x: spawn %s x%zu: error %d", (unsigned)to->tid,
		         log_printable(shown, sizeof(shown), req->file), count, err);
	else /* its tasks wait at register for the list of their siblings */
		err = spawn_here(req, to, 0, parent, count, pvmd.host_index, request_done,
		                 NULL);
	if (err == 0)
		return;
	tids = malloc(count * sizeof(*tids));
	for (size_t i = 0; tids != NULL && i < count; i++)
		tids[i] = err;
	spawn_reply(to, tids != NULL ? err : PvmNoMem, tids, NULL, tids != NULL ? count : 0);
	free(tids);
}

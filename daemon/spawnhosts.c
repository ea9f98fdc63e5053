/*
 * spawnhosts.c - pvm_spawn over several hosts: the requester's daemon
 * sends each other host its share of the instances, spawns its own,
 * gathers the replies into the task's one reply (in instance order) and
 * then gives every started task the whole sibling list; the other side
 * spawns for a task of another host.  A host that dies fails its share.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A spawn over several hosts, waiting for the other daemons' replies:
 * one PENDING_SPAWN_SHARE per other host (its id is the seq of that
 * host's SpawnForward), each holding the job; the job is freed when the
 * last share ends. */
struct spawn_job {
	struct reply_addr to;
	size_t count;
	int32_t *tids;
	int *host;    /* per instance */
	int *waiting; /* host indices asked, negated once answered */
	size_t nwait, left;
};

static void job_free(struct spawn_job *j)
{
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

	sr.code = spawn_code(j->tids, j->count);
	sr.tids = j->tids;
	sr.n_tids = j->count;
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

			for (size_t i = 0; h != 0 && i < j->count; i++)
				any |= j->tids[i] > 0 && tid_host_index(j->tids[i]) == h;
			if (any)
				peer_send_control(h, pvmd.host_tid, tid_make(h, 0), &sc);
		}
		spawn_set_siblings(good, ngood);
	}
	/* ours that got no list (none started) must not wait for one */
	for (size_t i = 0; i < j->count; i++) {
		struct task *t = j->tids[i] > 0 ? task_find(j->tids[i]) : NULL;

		if (t != NULL && t->sibs_wait)
			control_register_reply(t);
	}
	free(good);
	job_free(j);
}

/* Instances of host got tids (or errors) from its reply. */
static void job_answer(struct spawn_job *j, int host, const int32_t *tids, size_t n,
                       int code)
{
	size_t k = 0;

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
		k++;
	}
	if (j->left == 0)
		job_finish(j);
}

/* A share ended unanswered: its host went (its instances fail), or the
 * daemon exits. */
static void share_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	struct spawn_job *j = arg;

	if (why == PENDING_HOST_GONE) {
		job_answer(j, p->host, NULL, 0, PvmHostFail);
	} else if (--j->left == 0) {
		job_free(j);
	}
}

void spawn_multi(const struct reply_addr *to, const Pvmx__SpawnRequest *req, int parent,
                 int *idx, size_t count)
{
	struct spawn_job *j = calloc(1, sizeof(*j));
	Pvmx__SpawnRequest fwdreq;
	Pvmx__SpawnForward fwd = PVMX__SPAWN_FORWARD__INIT;
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	size_t nlocal = 0;

	if (j != NULL) {
		j->tids = calloc(count, sizeof(*j->tids));
		j->waiting = calloc(count, sizeof(*j->waiting));
	}
	if (j == NULL || j->tids == NULL || j->waiting == NULL) {
		if (j != NULL) {
			free(j->tids);
			free(j->waiting);
			free(j);
		}
		free(idx);
		spawn_reply(to, PvmNoMem, NULL, 0);
		return;
	}
	j->to = *to;
	j->count = count;
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
		j->waiting[j->nwait++] = h;
		j->left++;
		ctl.seq = share->id;
		peer_send_control(h, pvmd.host_tid, tid_make(h, 0), &ctl);
	}
	if (nlocal > 0) {
		int32_t *mine = calloc(nlocal, sizeof(*mine));
		size_t k = 0;

		if (mine == NULL) {
			for (size_t i = 0; i < count; i++) {
				if (idx[i] == pvmd.host_index)
					j->tids[i] = PvmNoMem;
			}
		} else {
			spawn_here(req, parent, mine, nlocal, pvmd.host_index);
			for (size_t i = 0; i < count; i++) {
				if (idx[i] == pvmd.host_index)
					j->tids[i] = mine[k++];
			}
			free(mine);
		}
	}
	if (j->left == 0)
		job_finish(j);
}

/* Another daemon's task spawns here. */
void spawn_forwarded(int from_host, uint32_t seq, const Pvmx__SpawnForward *fwd)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__SpawnReply sr = PVMX__SPAWN_REPLY__INIT;
	Pvmx__SpawnRequest req;
	int32_t *tids = NULL;
	size_t count = 0;
	struct stat st;

	if (fwd->req == NULL || fwd->req->count < 1 ||
	    fwd->req->count > SPAWN_MAX_COUNT || fwd->req->file == NULL ||
	    fwd->req->file[0] == '\0' ||
	    (fwd->parent != PvmNoParent && tid_host_index(fwd->parent) != from_host)) {
		sr.code = PvmBadParam;
	} else {
		req = *fwd->req;
		count = (size_t)req.count;
		/* wd= of this host, else the parent's directory if it exists
		 * here, else our own */
		if (pvmd.wd[0] != '\0')
			req.cwd = pvmd.wd;
		else if (req.cwd != NULL &&
		         (stat(req.cwd, &st) != 0 || !S_ISDIR(st.st_mode)))
			req.cwd = "";
		tids = malloc(count * sizeof(*tids));
		if (tids == NULL) {
			sr.code = PvmNoMem;
		} else {
			spawn_here(&req, fwd->parent, tids, count,
			           fwd->await_siblings ? from_host : 0);
			sr.code = spawn_code(tids, count);
			sr.tids = tids;
			sr.n_tids = count;
		}
	}
	ctl.seq = seq;
	ctl.body_case = PVMX__CONTROL__BODY_SPAWN_REPLY;
	ctl.spawn_reply = &sr;
	peer_send_control(from_host, pvmd.host_tid, tid_make(from_host, 0), &ctl);
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
	job_answer(j, from_host, r->tids, r->n_tids, r->code);
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

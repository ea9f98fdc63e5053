/*
 * pvmtrace_timeline.c - from the events of a run to what is drawn: the
 * tasks, each call as a slice (its entry to its exit), and each message
 * with both ends.  Messages pair per (source, destination, context, tag):
 * PVM keeps their order per pair, so the i-th receive of a key is the
 * i-th send of that key.
 */
#include "pvmtrace.h"

#include <pvm3.h>
#include <pvmtev.h>
#include <stdlib.h>
#include <string.h>

int timeline_host(int tid)
{
	return (tid & 0x3ffc0000) >> 18;
}

#define GROW(arr, n, cap)                                                                \
	((n) < (cap)                                                                     \
	     ? 0                                                                         \
	     : ((cap) = (cap) ? (cap)*2 : 64,                                            \
	        (arr) = realloc((arr), (cap) * sizeof(*(arr))), (arr) == NULL ? -1 : 0))

static struct ttask *task_of(struct timeline *tl, size_t *cap, int tid)
{
	for (size_t i = 0; i < tl->ntask; i++)
		if (tl->task[i].tid == tid)
			return &tl->task[i];
	if (GROW(tl->task, tl->ntask, *cap) < 0)
		return NULL;
	memset(&tl->task[tl->ntask], 0, sizeof(tl->task[0]));
	tl->task[tl->ntask].tid = tid;
	tl->task[tl->ntask].parent = -1;
	return &tl->task[tl->ntask++];
}

/* the open entry of each task's current call */
struct open_call {
	int tid;
	const struct tev *entry;
};

/* one send or receive, before pairing */
struct end {
	int src, dst, tag, ctx, bytes;
	long long us;
	const char *route;
	size_t seq; /* order of the event in the log */
};

static int cmp_end(const void *a, const void *b)
{
	const struct end *x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	if (x->ctx != y->ctx)
		return x->ctx < y->ctx ? -1 : 1;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int same_key(const struct end *x, const struct end *y)
{
	return x->src == y->src && x->dst == y->dst && x->ctx == y->ctx &&
	       x->tag == y->tag;
}

static int is_recv(int kind)
{
	return kind == TEV_RECV || kind == TEV_NRECV || kind == TEV_TRECV;
}

int timeline_build(const struct tevlog *log, struct timeline *tl)
{
	struct open_call *open = NULL;
	struct end *sends = NULL, *recvs = NULL;
	size_t nopen = 0, open_cap = 0, ns = 0, scap = 0, nr = 0, rcap = 0;
	size_t task_cap = 0, slice_cap = 0, msg_cap = 0;
	int rc = -1;

	memset(tl, 0, sizeof(*tl));
	for (size_t i = 0; i < log->n; i++) {
		const struct tev *e = &log->ev[i];
		struct ttask *t = task_of(tl, &task_cap, e->tid);

		if (t == NULL)
			goto out;
		if (tl->t0 == 0 || e->us < tl->t0)
			tl->t0 = e->us;
		if (e->kind == TEV_NEWTASK || e->kind == TEV_SPNTASK) {
			if (e->pt > 0)
				t->parent = e->pt;
			if (e->str[0] != '\0')
				snprintf(t->name, sizeof(t->name), "%s", e->str);
			continue;
		}
		if (e->kind == TEV_ENDTASK) {
			t->ended = 1;
			continue;
		}
		if (e->ee == TEV_EVENT_ENTRY) {
			size_t k;

			for (k = 0; k < nopen && open[k].tid != e->tid; k++)
				;
			if (k == nopen) {
				if (GROW(open, nopen, open_cap) < 0)
					goto out;
				open[nopen++].tid = e->tid;
			}
			open[k].entry = e;
			continue;
		}
		if (e->ee != TEV_EVENT_EXIT)
			continue;
		/* an exit: the slice from its entry */
		const struct tev *en = NULL;

		for (size_t k = 0; k < nopen; k++)
			if (open[k].tid == e->tid && open[k].entry != NULL &&
			    open[k].entry->kind == e->kind) {
				en = open[k].entry;
				open[k].entry = NULL;
			}
		if (en == NULL)
			continue;
		if (GROW(tl->slice, tl->nslice, slice_cap) < 0)
			goto out;
		struct tslice *s = &tl->slice[tl->nslice++];

		memset(s, 0, sizeof(*s));
		s->tid = e->tid;
		s->kind = e->kind;
		s->us = en->us;
		s->dur = e->us - en->us;
		s->a = s->b = s->c = -1;
		snprintf(s->str, sizeof(s->str), "%s", en->str);
		s->root = -1;
		if ((e->kind == TEV_SEND || e->kind == TEV_PSEND) && e->cc >= 0) {
			s->a = en->dst, s->b = en->tag, s->c = en->nb;
			if (GROW(sends, ns, scap) < 0)
				goto out;
			sends[ns++] = (struct end){e->tid, en->dst, en->tag,  en->ctx,
			                           en->nb, en->us,  e->route, i};
		} else if ((e->kind == TEV_MCAST || e->kind == TEV_BCAST) && e->cc >= 0) {
			/* a message per destination: an mcast's are listed at its
			 * entry, a bcast's (its group's members) at its exit */
			const struct tev *dl = e->kind == TEV_BCAST ? e : en;
			const char *route = e->kind == TEV_BCAST ? "bcast" : "mcast";

			s->b = en->tag, s->c = en->nb;
			for (int k = 0; k < dl->ntids; k++) {
				int d = dl->tids[k], dup = 0;

				for (int j = 0; j < k; j++)
					dup |= dl->tids[j] == d;
				if (d == e->tid ||
				    dup) /* PVM sends none to itself, one each */
					continue;
				if (GROW(sends, ns, scap) < 0)
					goto out;
				sends[ns++] =
				    (struct end){e->tid, d,      en->tag, en->ctx,
				                 en->nb, en->us, route,   i};
			}
		} else if ((is_recv(e->kind) && e->cc > 0) ||
		           (e->kind == TEV_PRECV && e->cc == 0)) {
			s->a = e->src, s->b = e->tag, s->c = e->nb;
			if (GROW(recvs, nr, rcap) < 0)
				goto out;
			recvs[nr++] = (struct end){e->src, e->tid, e->tag, e->ctx,
			                           e->nb,  e->us,  NULL,   i};
		} else if (e->kind == TEV_BARRIER) {
			s->c = en->count;
		} else if (e->kind == TEV_REDUCE || e->kind == TEV_GATHER ||
		           e->kind == TEV_SCATTER) {
			s->b = en->tag, s->c = en->nb, s->root = en->root;
		} else if (e->kind == TEV_GETINST) {
			s->a = en->gtid, s->c = e->inst;
		} else if (e->kind == TEV_GETTID) {
			s->a = e->gtid, s->c = en->inst;
		} else if (e->kind == TEV_GSIZE) {
			s->c = e->count;
		} else if (e->kind == TEV_PROBE) {
			s->a = en->src, s->b = en->tag;
		}
	}
	qsort(sends, ns, sizeof(*sends), cmp_end);
	qsort(recvs, nr, sizeof(*recvs), cmp_end);
	for (size_t i = 0, j = 0; i < ns; i++) {
		struct tmsg *m;

		if (GROW(tl->msg, tl->nmsg, msg_cap) < 0)
			goto out;
		m = &tl->msg[tl->nmsg++];
		*m = (struct tmsg){
		    sends[i].src,   sends[i].dst, sends[i].tag, sends[i].ctx,
		    sends[i].bytes, sends[i].us,  -1,           ""};
		snprintf(m->route, sizeof(m->route), "%s",
		         sends[i].route != NULL ? sends[i].route : "");
		while (j < nr && cmp_end(&recvs[j], &sends[i]) < 0 &&
		       !same_key(&recvs[j], &sends[i]))
			j++;
		if (j < nr && same_key(&recvs[j], &sends[i]))
			m->recv_us = recvs[j++].us;
	}
	rc = 0;
out:
	free(open);
	free(sends);
	free(recvs);
	if (rc < 0)
		timeline_free(tl);
	return rc;
}

void timeline_free(struct timeline *tl)
{
	free(tl->task);
	free(tl->slice);
	free(tl->msg);
	memset(tl, 0, sizeof(*tl));
}

/*
 * lpvm_coll.c - collectives over a group view (lpvm_coll.h): the members
 * of each host send to that host's leader, the leaders combine along a
 * binomial tree of hosts rooted at the root's host, and results come back
 * the same way; every message carries the group, the view's epoch and
 * the operation's sequence number, so back-to-back collectives never mix.
 * Their messages travel in LPVM_COLL_CTX with negative tags and wait in a
 * queue of their own, never seen by the user's receives or handlers.
 */
#include "lpvm.h"
#include "lpvm_coll.h"

#include "dsig.h"
#include "env.h"
#include "log.h"
#include "tid.h"

#include <stdlib.h>
#include <string.h>

/* The header of every collective message: an int item of these fields,
 * then a byte item holding the group name; docs/groups.md. */
enum {
	H_MAGIC,  /* COLL_MAGIC */
	H_EPOCH,  /* the view's epoch */
	H_SEQ,    /* the operation's number in the view */
	H_KIND,   /* enum lpvm_coll_kind */
	H_INST,   /* the sender's instance */
	H_TAG,    /* the user's tag */
	H_TYPE,   /* the data type (PVM_*) */
	H_COUNT,  /* elements per instance */
	H_STATUS, /* PvmOk, or the first error the subtree met */
	H_NBLOCK, /* instances whose data follows (gather, scatter) */
	H_GLEN,   /* bytes of the group name that follows */
	H_N
};
#define COLL_MAGIC 0x50434f01 /* "PCO", version 1 */
#define GROUP_NAME_MAX 1024
/* collective messages queued at most (past it they are dropped, logged) */
#define QUEUE_MAX 65536
/* instances one message may carry */
#define NBLOCK_MAX (1 << 20)

struct coll_msg {
	struct msgbuf *mb; /* owned; read cursor after the group name */
	int src;
	int hdr[H_N];
	char *group; /* owned */
};

static struct coll_msg *queue;
static int nqueue, queue_cap;

/* Members whose exit the daemons will report (watched), and those whose
 * exit they did (gone). */
static int *watched, *gone;
static int nwatched, watched_cap, ngone, gone_cap;

static int tid_in(const int *set, int n, int tid)
{
	for (int i = 0; i < n; i++)
		if (set[i] == tid)
			return 1;
	return 0;
}

static int tid_add(int **set, int *n, int *cap, int tid)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		int *ns = realloc(*set, sizeof(int) * (size_t)ncap);

		if (ns == NULL)
			return PvmNoMem;
		*set = ns;
		*cap = ncap;
	}
	(*set)[(*n)++] = tid;
	return 0;
}

int lpvm_coll_watch(const int *tids, int n)
{
	int *fresh = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1)), k = 0, r = 0;

	if (fresh == NULL)
		return PvmNoMem;
	for (int i = 0; i < n; i++)
		if (tids[i] > 0 && tids[i] != lpvm.mytid && !tid_in(watched, nwatched, tids[i]) &&
		    !tid_in(fresh, k, tids[i]))
			fresh[k++] = tids[i];
	if (k > 0)
		r = lpvm_notify_ctx("pvm_notify", PvmTaskExit, LPVM_COLL_TAG_EXIT,
		                    LPVM_COLL_CTX, k, fresh);
	for (int i = 0; r == 0 && i < k; i++)
		r = tid_add(&watched, &nwatched, &watched_cap, fresh[i]);
	free(fresh);
	return r;
}

/* ------------------------------------------------------------ views */

struct lpvm_coll_view *lpvm_coll_view_new(const char *group, int epoch, const int *tids,
                                          const int *hosts, int ninst)
{
	struct lpvm_coll_view *v;

	if (group == NULL || strlen(group) > GROUP_NAME_MAX || ninst < 0 ||
	    (ninst > 0 && tids == NULL))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return NULL;
	v->group = strdup(group);
	v->tids = malloc(sizeof(int) * (size_t)(ninst > 0 ? ninst : 1));
	v->hosts = malloc(sizeof(int) * (size_t)(ninst > 0 ? ninst : 1));
	if (v->group == NULL || v->tids == NULL || v->hosts == NULL) {
		lpvm_coll_view_free(v);
		return NULL;
	}
	v->epoch = epoch;
	v->ninst = ninst;
	v->myinst = -1;
	v->seq = 1;
	for (int i = 0; i < ninst; i++) {
		int t = tids[i] > 0 && tid_is_valid(tids[i]) ? tids[i] : 0;

		for (int k = 0; t != 0 && k < i; k++) {
			if (v->tids[k] == t) {
				lpvm_coll_view_free(v);
				return NULL;
			}
		}
		v->tids[i] = t;
		v->hosts[i] = t == 0 ? -1 : hosts != NULL ? hosts[i] : tid_host_index(t);
		if (t != 0) {
			v->nmembers++;
			if (t == lpvm.mytid)
				v->myinst = i;
		}
	}
	return v;
}

void lpvm_coll_view_free(struct lpvm_coll_view *v)
{
	if (v == NULL)
		return;
	free(v->group);
	free(v->tids);
	free(v->hosts);
	free(v);
}

/* ---------------------------------------------------------- topology */

/* Who talks to whom in one operation rooted at instance root: the hosts
 * that have members, in positions 0 .. nhosts-1 with the root's host at
 * 0; each host's leader (the root on its host, else its lowest
 * instance); the binomial tree over positions (parent of p: p with its
 * lowest set bit cleared; p's subtree: positions p .. p + lowbit(p) - 1). */
struct topo {
	int nhosts;
	int *leader; /* [nhosts] instance */
	int *pos;    /* [ninst] host position of each member (-1: none) */
	int mypos;
	int am_leader;
};

static void topo_free(struct topo *t)
{
	free(t->leader);
	free(t->pos);
}

static int topo_make(const struct lpvm_coll_view *v, int root, struct topo *t)
{
	int *hostlist;
	int n = 0;

	memset(t, 0, sizeof(*t));
	t->leader = malloc(sizeof(int) * (size_t)v->ninst);
	t->pos = malloc(sizeof(int) * (size_t)v->ninst);
	hostlist = malloc(sizeof(int) * (size_t)v->ninst);
	if (t->leader == NULL || t->pos == NULL || hostlist == NULL) {
		free(hostlist);
		topo_free(t);
		return PvmNoMem;
	}
	/* positions: the root's host, then the others by ascending index */
	hostlist[n++] = v->hosts[root];
	for (;;) {
		int best = -1;

		for (int i = 0; i < v->ninst; i++) {
			int h = v->hosts[i], seen = 0;

			if (v->tids[i] == 0)
				continue;
			for (int k = 0; k < n && !seen; k++)
				seen = hostlist[k] == h;
			if (!seen && (best < 0 || h < best))
				best = h;
		}
		if (best < 0)
			break;
		hostlist[n++] = best;
	}
	t->nhosts = n;
	for (int p = 0; p < n; p++)
		t->leader[p] = -1;
	for (int i = 0; i < v->ninst; i++) {
		t->pos[i] = -1;
		if (v->tids[i] == 0)
			continue;
		for (int p = 0; p < n; p++) {
			if (hostlist[p] == v->hosts[i]) {
				t->pos[i] = p;
				if (t->leader[p] < 0)
					t->leader[p] = i;
			}
		}
	}
	t->leader[0] = root;
	free(hostlist);
	t->mypos = t->pos[v->myinst];
	t->am_leader = t->leader[t->mypos] == v->myinst;
	return 0;
}

static int lowbit(int p)
{
	return p & -p;
}
/* One past the last position of p's subtree. */
static int subtree_end(const struct topo *t, int p)
{
	int e = p == 0 ? t->nhosts : p + lowbit(p);

	return e < t->nhosts ? e : t->nhosts;
}
static int parent_pos(int p)
{
	return p & (p - 1);
}
/* p's children, in the order they are waited for: c = p + 1, p + 2, p + 4, ... */
#define FOR_CHILDREN(t, p, c)                                                            \
	for (int step_ = 1, c = (p) + 1; c < subtree_end((t), (p));                      \
	     step_ <<= 1, c = (p) + step_)

/* Whom a leader waits for on the way in, in this fixed order (so that a
 * rounding reduction gives the same result every time): the other
 * members of its host by instance, then its children's leaders.  from
 * has room for v->ninst; returns how many. */
static int senders(const struct lpvm_coll_view *v, const struct topo *t, int *from)
{
	int n = 0;

	for (int i = 0; i < v->ninst; i++)
		if (t->pos[i] == t->mypos && i != v->myinst)
			from[n++] = i;
	FOR_CHILDREN(t, t->mypos, c)
	from[n++] = t->leader[c];
	return n;
}

/* ---------------------------------------------------------- messages */

/* A message of kind k for this operation, header filled in; NULL when out
 * of memory.  The caller packs what follows and sends it. */
static struct msgbuf *coll_msg_new(const struct lpvm_coll_view *v, uint32_t seq,
                                   enum lpvm_coll_kind k, int tag, int type, int count,
                                   int status, int nblock)
{
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, dsig_native());
	int hdr[H_N] = {0};

	if (mb == NULL)
		return NULL;
	hdr[H_MAGIC] = COLL_MAGIC;
	hdr[H_EPOCH] = v->epoch;
	hdr[H_SEQ] = (int)seq;
	hdr[H_KIND] = (int)k;
	hdr[H_INST] = v->myinst;
	hdr[H_TAG] = tag;
	hdr[H_TYPE] = type;
	hdr[H_COUNT] = count;
	hdr[H_STATUS] = status;
	hdr[H_NBLOCK] = nblock;
	hdr[H_GLEN] = (int)strlen(v->group);
	if (msgbuf_pack(mb, DSIG_INT, hdr, H_N, 1) != 0 ||
	    msgbuf_pack(mb, DSIG_BYTE, v->group, (int)strlen(v->group), 1) != 0) {
		msgbuf_free(mb);
		return NULL;
	}
	return mb;
}

/* Packs n elements of type from data (nothing when n is 0). */
static int pack_data(struct msgbuf *mb, int type, const void *data, size_t n)
{
	if (n == 0)
		return 0;
	if (n > 0x7fffffff)
		return PvmOverflow;
	return msgbuf_pack(mb, (enum dsig_type)type, data, (int)n, 1);
}

static int unpack_data(struct msgbuf *mb, int type, void *data, size_t n)
{
	if (n == 0)
		return 0;
	if (n > 0x7fffffff)
		return PvmOverflow;
	return msgbuf_unpack(mb, (enum dsig_type)type, data, (int)n, 1);
}

/* Sends mb (freed) to instance inst. */
static int coll_send(const struct lpvm_coll_view *v, int inst, enum lpvm_coll_kind k,
                     struct msgbuf *mb)
{
	int r;

	if (mb == NULL)
		return PvmNoMem;
	r = lpvm_send_data(v->tids[inst], lpvm_coll_tag(k), LPVM_COLL_CTX, mb);
	msgbuf_free(mb);
	return r;
}

int lpvm_coll_take(struct msgbuf *mb)
{
	struct coll_msg m = {.mb = mb, .src = mb->src};
	size_t n;

	if (mb->ctx != LPVM_COLL_CTX || mb->tag >= 0)
		return 0;
	if (mb->tag == LPVM_COLL_TAG_EXIT) {
		int tid = 0;

		/* only the daemon's notify counts (a task cannot send as it) */
		if (tid_is_daemon(mb->src) && msgbuf_unpack(mb, DSIG_INT, &tid, 1, 1) == 0 &&
		    tid > 0 && !tid_in(gone, ngone, tid) &&
		    tid_add(&gone, &ngone, &gone_cap, tid) != 0)
			log_error("t%x: no memory to note that t%x is gone",
			          (unsigned)lpvm.mytid, (unsigned)tid);
		msgbuf_free(mb);
		return 1;
	}
	if (msgbuf_unpack(mb, DSIG_INT, m.hdr, H_N, 1) != 0 ||
	    m.hdr[H_MAGIC] != COLL_MAGIC || m.hdr[H_KIND] < 1 ||
	    m.hdr[H_KIND] > COLL_KIND_MAX ||
	    mb->tag != lpvm_coll_tag((enum lpvm_coll_kind)m.hdr[H_KIND]) ||
	    m.hdr[H_COUNT] < 0 || m.hdr[H_NBLOCK] < 0 || m.hdr[H_NBLOCK] > NBLOCK_MAX ||
	    m.hdr[H_GLEN] < 1 || m.hdr[H_GLEN] > GROUP_NAME_MAX ||
	    (m.group = malloc((size_t)m.hdr[H_GLEN] + 1)) == NULL ||
	    msgbuf_unpack(mb, DSIG_BYTE, m.group, m.hdr[H_GLEN], 1) != 0) {
		log_warn("t%x: a malformed collective message (tag %d) from t%x: dropped",
		         (unsigned)lpvm.mytid, mb->tag, (unsigned)mb->src);
		free(m.group);
		msgbuf_free(mb);
		return 1;
	}
	n = (size_t)m.hdr[H_GLEN];
	m.group[n] = '\0';
	if (nqueue == queue_cap) {
		int ncap = queue_cap ? queue_cap * 2 : 16;
		struct coll_msg *nq =
		    ncap <= QUEUE_MAX ? realloc(queue, sizeof(*nq) * (size_t)ncap) : NULL;

		if (nq == NULL) {
			log_error("t%x: collective message from t%x dropped: %d queued",
			          (unsigned)lpvm.mytid, (unsigned)mb->src, nqueue);
			free(m.group);
			msgbuf_free(mb);
			return 1;
		}
		queue = nq;
		queue_cap = ncap;
	}
	queue[nqueue++] = m;
	return 1;
}

void lpvm_coll_reset(void)
{
	for (int i = 0; i < nqueue; i++) {
		msgbuf_free(queue[i].mb);
		free(queue[i].group);
	}
	free(queue);
	queue = NULL;
	nqueue = queue_cap = 0;
	free(watched);
	free(gone);
	watched = gone = NULL;
	nwatched = watched_cap = ngone = gone_cap = 0;
}

static void coll_msg_free(struct coll_msg *m)
{
	msgbuf_free(m->mb);
	free(m->group);
}

/* Takes queue[i] out into *m. */
static void queue_take(int i, struct coll_msg *m)
{
	*m = queue[i];
	memmove(&queue[i], &queue[i + 1], sizeof(*queue) * (size_t)(nqueue - i - 1));
	nqueue--;
}

void lpvm_coll_abort(const struct lpvm_coll_view *v, uint32_t seq, int status)
{
	for (int i = 0; i < v->ninst; i++)
		if (v->tids[i] > 0 && i != v->myinst && !tid_in(gone, ngone, v->tids[i]))
			(void)coll_send(v, i, COLL_ABORT,
			                coll_msg_new(v, seq, COLL_ABORT, 0, 0, 0, status, 0));
}

/* Waits (blocking) for the message of kind k of operation seq from
 * instance inst, and hands it over (*m, the caller frees it).  If inst
 * is gone (its exit reported, and nothing of it left to take in), or
 * another member found one gone (COLL_ABORT), the operation fails:
 * PvmNoTask.  Messages of earlier operations of the view (an abort that
 * came after its operation ended) are dropped on the way. */
static int coll_wait(const struct lpvm_coll_view *v, uint32_t seq, enum lpvm_coll_kind k,
                     int inst, struct coll_msg *m)
{
	int looked_again = 0;

	for (;;) {
		for (int i = 0; i < nqueue; i++) {
			struct coll_msg *q = &queue[i];

			if (q->hdr[H_EPOCH] != v->epoch || strcmp(q->group, v->group) != 0)
				continue;
			if ((int32_t)((uint32_t)q->hdr[H_SEQ] - seq) < 0) {
				struct coll_msg old;

				queue_take(i--, &old);
				coll_msg_free(&old);
				continue;
			}
			if (q->hdr[H_SEQ] != (int)seq)
				continue;
			if (q->hdr[H_KIND] == COLL_ABORT) {
				struct coll_msg ab;
				int why;

				queue_take(i, &ab);
				why = ab.hdr[H_STATUS] < 0 ? ab.hdr[H_STATUS] : PvmNoTask;
				coll_msg_free(&ab);
				return why;
			}
			if (q->src == v->tids[inst] && q->hdr[H_KIND] == (int)k) {
				queue_take(i, m);
				return 0;
			}
		}
		if (tid_in(gone, ngone, v->tids[inst])) {
			/* what it sent before it went may still be on its way
			 * by another route than its exit's news: look once more */
			if (!looked_again) {
				looked_again = 1;
				if (lpvm_pump(0) < 0)
					return PvmSysErr;
				continue;
			}
			lpvm_coll_abort(v, seq, PvmNoTask);
			return PvmNoTask;
		}
		int r = lpvm_pump(-1);

		if (r < 0)
			return r;
	}
}

/* Reduce and gather do not wait for their root, so a member calling them
 * back to back could run ahead of it without end, its messages piling up
 * at the root.  Every COLL_WINDOW operations, each sender waits until
 * the one it sends to has taken that operation's contributions in: no
 * member is more than COLL_WINDOW operations ahead of the one above it. */
#define COLL_WINDOW 16

static int credit_give(const struct lpvm_coll_view *v, uint32_t seq, const int *from, int n)
{
	int r = 0;

	if (seq % COLL_WINDOW != 0)
		return 0;
	for (int k = 0; k < n && r == 0; k++)
		r = coll_send(v, from[k], COLL_CREDIT, coll_msg_new(v, seq, COLL_CREDIT, 0, 0, 0, 0, 0));
	return r;
}

static int credit_take(const struct lpvm_coll_view *v, uint32_t seq, int to)
{
	struct coll_msg m;
	int r;

	if (seq % COLL_WINDOW != 0)
		return 0;
	if ((r = coll_wait(v, seq, COLL_CREDIT, to, &m)) == 0)
		coll_msg_free(&m);
	return r;
}

/* The first error wins. */
static void note(int *status, int r)
{
	if (r < 0 && *status == 0)
		*status = r;
}

/* A received header that does not describe the same operation. */
static int mismatch(const struct coll_msg *m, int tag, int type, int count)
{
	return m->hdr[H_TAG] != tag || m->hdr[H_TYPE] != type || m->hdr[H_COUNT] != count;
}

/* ----------------------------------------------------------- barrier */

/* A dissemination exchange (Hensgen, Finkel and Manber) among the
 * instances who[0..n-1], the caller being who[me]: the hosts' leaders in
 * position order, or every member of a group on one host.  In round k =
 * 0, 1, ... while 2^k < n, who[p] tells who[p + 2^k (mod n)] that it has
 * arrived, then waits for the word of who[p - 2^k]; after the last round
 * every one has heard, through a chain of rounds, from every other, so
 * all of them have arrived: ceil(log2 n) message latencies instead of
 * twice the tree's depth.  The senders of p's rounds are distinct (2^k <
 * n), so (seq, kind, sender) names the round; the round also goes in the
 * count field and is checked.  Each message carries the status met so
 * far. */
static int barrier_exchange(const struct lpvm_coll_view *v, uint32_t seq, const int *who,
                            int n, int me, int *status)
{
	for (int k = 0, d = 1; d < n; k++, d <<= 1) {
		int to = who[(me + d) % n], from = who[(me - d + n) % n];
		struct coll_msg m;
		int r = coll_send(v, to, COLL_BARRIER_ROUND,
		                  coll_msg_new(v, seq, COLL_BARRIER_ROUND, 0, 0, k, *status, 0));

		if (r < 0)
			return r;
		if ((r = coll_wait(v, seq, COLL_BARRIER_ROUND, from, &m)) < 0)
			return r;
		note(status, m.hdr[H_COUNT] != k ? PvmBadMsg : m.hdr[H_STATUS]);
		coll_msg_free(&m);
	}
	return 0;
}

/* The leaders' part of a barrier along the binomial tree: wait for the
 * children's leaders (COLL_BARRIER_IN), tell the parent and wait for its
 * go (COLL_BARRIER_OUT), pass the go down.  2(H - 1) messages for H
 * hosts against the exchange's H ceil(log2 H), in twice the hops. */
static int barrier_tree(const struct lpvm_coll_view *v, uint32_t seq,
                        const struct topo *t, int *status)
{
	struct coll_msg m;
	int r;

	FOR_CHILDREN(t, t->mypos, c)
	{
		if ((r = coll_wait(v, seq, COLL_BARRIER_IN, t->leader[c], &m)) < 0)
			return r;
		note(status, m.hdr[H_STATUS]);
		coll_msg_free(&m);
	}
	if (t->mypos != 0) {
		int up = t->leader[parent_pos(t->mypos)];

		r = coll_send(v, up, COLL_BARRIER_IN,
		              coll_msg_new(v, seq, COLL_BARRIER_IN, 0, 0, 0, *status, 0));
		if (r == 0)
			r = coll_wait(v, seq, COLL_BARRIER_OUT, up, &m);
		if (r < 0)
			return r;
		note(status, m.hdr[H_STATUS]);
		coll_msg_free(&m);
	}
	/* the farthest child first: it has the deepest subtree waiting */
	int end = subtree_end(t, t->mypos), step = 1;

	while (t->mypos + 2 * step < end)
		step <<= 1;
	for (; step >= 1; step >>= 1)
		if (t->mypos + step < end)
			note(status,
			     coll_send(v, t->leader[t->mypos + step], COLL_BARRIER_OUT,
			               coll_msg_new(v, seq, COLL_BARRIER_OUT, 0, 0, 0,
			                            *status, 0)));
	return 0;
}

/* Up to this many hosts, the leaders meet by the exchange (one message
 * latency per round, ceil(log2 H) rounds); beyond, along the tree: on 2
 * cores shared by 8 hosts' tasks and daemons the exchange's H log2 H
 * messages cost more CPU than its shorter path saves (docs/groups.md,
 * measured at 4 and 8 hosts).  PVMX_BARRIER_EXCHANGE_MAX=N sets it (0:
 * the tree always); every member must see the same value. */
#define COLL_BARRIER_EXCHANGE_MAX 4

static int barrier_exchange_max(void)
{
	static int max = -1;

	if (max < 0)
		max = (int)env_long("PVMX_BARRIER_EXCHANGE_MAX", 0, 1 << 20,
		                    COLL_BARRIER_EXCHANGE_MAX);
	return max;
}

/* Up to this many members on one host, the barrier is the exchange
 * among them all: one message latency for two members where the way in
 * to the leader and out again takes two.  PVMX_BARRIER_ONEHOST_MAX=N
 * sets it (0 or 1: always by the leader); every member must see the
 * same value. */
#define COLL_BARRIER_ONEHOST_MAX 2
#define LPVM_COLL_TOO_MANY 1

static int barrier_one_host(const struct lpvm_coll_view *v, uint32_t seq)
{
	static int max = -1;
	int *who, n = 0, me = -1, status = 0, r;

	if (max < 0)
		max = (int)env_long("PVMX_BARRIER_ONEHOST_MAX", 0, 1 << 20,
		                    COLL_BARRIER_ONEHOST_MAX);
	for (int i = 0; i < v->ninst; i++)
		n += v->tids[i] != 0;
	if (n < 2 || n > max)
		return LPVM_COLL_TOO_MANY;
	if ((who = malloc(sizeof(int) * (size_t)n)) == NULL)
		return PvmNoMem;
	n = 0;
	for (int i = 0; i < v->ninst; i++) {
		if (v->tids[i] == 0)
			continue;
		if (i == v->myinst)
			me = n;
		who[n++] = i;
	}
	r = barrier_exchange(v, seq, who, n, me, &status);
	free(who);
	return r < 0 ? r : status;
}

int lpvm_coll_barrier(struct lpvm_coll_view *v)
{
	uint32_t seq = v->seq++;
	int root = -1, status = 0, r, nfrom = 0, *from = NULL;
	struct coll_msg m;
	struct topo t;

	if (v->myinst < 0)
		return PvmNotInGroup;
	for (int i = 0; i < v->ninst && root < 0; i++)
		if (v->tids[i] != 0)
			root = i;
	if ((r = topo_make(v, root, &t)) < 0)
		return r;
	if (t.nhosts == 1 && (r = barrier_one_host(v, seq)) != LPVM_COLL_TOO_MANY) {
		topo_free(&t);
		return r;
	}
	if (!t.am_leader) {
		int lead = t.leader[t.mypos];

		r = coll_send(v, lead, COLL_BARRIER_IN,
		              coll_msg_new(v, seq, COLL_BARRIER_IN, 0, 0, 0, 0, 0));
		if (r == 0)
			r = coll_wait(v, seq, COLL_BARRIER_OUT, lead, &m);
		if (r == 0) {
			r = m.hdr[H_STATUS];
			coll_msg_free(&m);
		}
		topo_free(&t);
		return r;
	}
	/* in: my host's members */
	from = malloc(sizeof(int) * (size_t)v->ninst);
	if (from == NULL) {
		r = PvmNoMem;
		goto out;
	}
	for (int i = 0; i < v->ninst; i++)
		if (t.pos[i] == t.mypos && i != v->myinst)
			from[nfrom++] = i;
	for (int k = 0; k < nfrom; k++) {
		r = coll_wait(v, seq, COLL_BARRIER_IN, from[k], &m);
		if (r < 0)
			goto out;
		note(&status, m.hdr[H_STATUS]);
		coll_msg_free(&m);
	}
	/* the other hosts' leaders */
	r = t.nhosts <= barrier_exchange_max()
	        ? barrier_exchange(v, seq, t.leader, t.nhosts, t.mypos, &status)
	        : barrier_tree(v, seq, &t, &status);
	if (r < 0)
		goto out;
	/* out: my host's members */
	for (int k = nfrom - 1; k >= 0; k--) {
		r = coll_send(v, from[k], COLL_BARRIER_OUT,
		              coll_msg_new(v, seq, COLL_BARRIER_OUT, 0, 0, 0, status, 0));
		note(&status, r);
	}
	r = status;
out:
	free(from);
	topo_free(&t);
	return r;
}

/* ------------------------------------------------------------- bcast */

static int compare_ints(const void *a, const void *b)
{
	const int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* pvm_bcast is a send (docs/groups.md): each member gets an ordinary
 * message from the caller, in its context and tag, received by any
 * pvm_recv, in order with the caller's other messages to it.  Members of
 * our host: one direct send each (shared memory, a microsecond).  The
 * others: one multicast frame, which the daemons pass down the binomial
 * tree of hosts rooted at ours (daemon/mcast.c) - so it reaches every
 * member however long they compute, our daemon sends about log2(hosts)
 * frames, and each host gets one.  Up to bcast_direct_max() members
 * elsewhere get a direct send each instead: the root's few sends by the
 * libfabric route beat the tree's hops through the daemons, each a
 * daemon's wake-up (docs/groups.md, measured at 4 and 8 hosts). */
#define COLL_BCAST_DIRECT_MAX 8

/* PVMX_BCAST_DIRECT_MAX (0: the tree for any number), read once */
static int bcast_direct_max(void)
{
	static int max = -1;

	if (max < 0)
		max = (int)env_long("PVMX_BCAST_DIRECT_MAX", 0, 1 << 20, COLL_BCAST_DIRECT_MAX);
	return max;
}

int lpvm_coll_bcast(struct lpvm_coll_view *v, int tag)
{
	struct msgbuf *mb = lpvm_buf(lpvm.sbuf);
	int *dst, n = 0, r = 0, ctx;

	if (tag < 0)
		return PvmBadParam;
	if (mb == NULL)
		return PvmNoBuf;
	ctx = mb->ctx_set ? mb->ctx : lpvm.ctx;
	dst = malloc(sizeof(int) * (size_t)(v->ninst > 0 ? v->ninst : 1));
	if (dst == NULL)
		return PvmNoMem;
	for (int i = 0; i < v->ninst; i++) {
		int t = v->tids[i];

		if (t == 0 || t == lpvm.mytid)
			continue;
		if (tid_host_index(t) == tid_host_index(lpvm.mytid)) {
			if ((r = lpvm_send_data(t, tag, ctx, mb)) < 0) {
				free(dst);
				return r;
			}
		} else {
			dst[n++] = t;
		}
	}
	if (n == 1 || (n > 0 && n <= bcast_direct_max())) {
		for (int k = 0; k < n && r >= 0; k++)
			r = lpvm_send_data(dst[k], tag, ctx, mb);
	} else if (n > 1) {
		qsort(dst, (size_t)n, sizeof(int), compare_ints);
		r = lpvm_send_mcast(dst, n, tag, ctx, mb);
	}
	free(dst);
	return r < 0 ? r : 0;
}

/* ------------------------------------------------- reduce, gather, scatter */

/* Checks what every rooted collective checks; *esize gets the native
 * size of one element. */
static int check_rooted(const struct lpvm_coll_view *v, const void *buf, int count,
                        int type, int tag, int root, size_t *esize)
{
	if (v->myinst < 0)
		return PvmNoInst;
	if (count < 0 || tag < 0 || type < PVM_BYTE || type > PVM_ULONG ||
	    (buf == NULL && count > 0))
		return PvmBadParam;
	if (root < 0 || root >= v->ninst || v->tids[root] == 0)
		return PvmNoInst;
	*esize = dsig_elem_size(dsig_native(), (enum dsig_type)type);
	return 0;
}

int lpvm_coll_reduce(struct lpvm_coll_view *v,
                     void (*f)(int *, void *, void *, int *, int *), void *data,
                     int count, int type, int tag, int root)
{
	size_t esize = 0;
	int status = 0, r, nfrom, *from = NULL;
	void *tmp = NULL;
	struct coll_msg m;
	struct topo t;
	uint32_t seq;

	if (f == NULL)
		return PvmBadParam;
	if ((r = check_rooted(v, data, count, type, tag, root, &esize)) < 0)
		return r;
	seq = v->seq++;
	if ((r = topo_make(v, root, &t)) < 0)
		return r;
	if (!t.am_leader) {
		struct msgbuf *mb =
		    coll_msg_new(v, seq, COLL_REDUCE, tag, type, count, 0, 0);

		r = mb == NULL ? PvmNoMem : pack_data(mb, type, data, (size_t)count);
		if (r < 0)
			msgbuf_free(mb);
		else
			r = coll_send(v, t.leader[t.mypos], COLL_REDUCE, mb);
		if (r == 0)
			r = credit_take(v, seq, t.leader[t.mypos]);
		topo_free(&t);
		return r;
	}
	tmp = malloc(esize * (size_t)count + 1);
	from = malloc(sizeof(int) * (size_t)v->ninst);
	if (tmp == NULL || from == NULL) {
		r = PvmNoMem;
		goto out;
	}
	/* data accumulates what each sender brings, in senders' order */
	nfrom = senders(v, &t, from);
	for (int k = 0; k < nfrom; k++) {
		int info = PvmOk, n = count, ty = type;

		r = coll_wait(v, seq, COLL_REDUCE, from[k], &m);
		if (r < 0)
			goto out;
		note(&status, m.hdr[H_STATUS]);
		if (mismatch(&m, tag, type, count)) {
			note(&status, PvmMismatch);
		} else {
			r = unpack_data(m.mb, type, tmp, (size_t)count);
			note(&status, r);
			if (r == 0 || r == PvmOverflow) {
				f(&ty, data, tmp, &n, &info);
				note(&status, info < 0 ? info : 0);
			}
		}
		coll_msg_free(&m);
	}
	note(&status, credit_give(v, seq, from, nfrom));
	if (t.mypos != 0) {
		struct msgbuf *mb =
		    coll_msg_new(v, seq, COLL_REDUCE, tag, type, count, status, 0);

		r = mb == NULL ? PvmNoMem : pack_data(mb, type, data, (size_t)count);
		if (r < 0)
			msgbuf_free(mb);
		else
			r = coll_send(v, t.leader[parent_pos(t.mypos)], COLL_REDUCE, mb);
		if (r == 0)
			r = credit_take(v, seq, t.leader[parent_pos(t.mypos)]);
		note(&status, r);
	}
	r = status;
out:
	free(tmp);
	free(from);
	topo_free(&t);
	return r;
}

/* Instances of positions [p, e), in instance order, into insts; count. */
static int subtree_insts(const struct lpvm_coll_view *v, const struct topo *t, int p,
                         int e, int *insts)
{
	int n = 0;

	for (int i = 0; i < v->ninst; i++)
		if (t->pos[i] >= p && t->pos[i] < e)
			insts[n++] = i;
	return n;
}

int lpvm_coll_gather(struct lpvm_coll_view *v, void *result, void *data, int count,
                     int type, int tag, int root)
{
	size_t esize = 0, bytes;
	int status = 0, r, nb = 0, nfrom, *insts = NULL, *from = NULL;
	char *blk = NULL;
	struct coll_msg m;
	struct topo t;
	uint32_t seq;

	if ((r = check_rooted(v, data, count, type, tag, root, &esize)) < 0)
		return r;
	if (v->myinst == root && result == NULL && count > 0)
		return PvmBadParam;
	seq = v->seq++;
	if ((r = topo_make(v, root, &t)) < 0)
		return r;
	bytes = esize * (size_t)count;
	if (!t.am_leader) {
		struct msgbuf *mb =
		    coll_msg_new(v, seq, COLL_GATHER, tag, type, count, 0, 1);

		r = mb == NULL ? PvmNoMem : msgbuf_pack(mb, DSIG_INT, &v->myinst, 1, 1);
		if (r == 0)
			r = pack_data(mb, type, data, (size_t)count);
		if (r < 0)
			msgbuf_free(mb);
		else
			r = coll_send(v, t.leader[t.mypos], COLL_GATHER, mb);
		if (r == 0)
			r = credit_take(v, seq, t.leader[t.mypos]);
		topo_free(&t);
		return r;
	}
	/* my subtree's contributions, in arrival order, with their instances */
	insts = malloc(sizeof(int) * (size_t)v->ninst);
	from = malloc(sizeof(int) * (size_t)v->ninst);
	blk = malloc(bytes * (size_t)v->ninst + 1);
	if (insts == NULL || from == NULL || blk == NULL) {
		r = PvmNoMem;
		goto out;
	}
	insts[nb] = v->myinst;
	memcpy(blk, data, bytes);
	nb++;
	nfrom = senders(v, &t, from);
	for (int j = 0; j < nfrom; j++) {
		int n, ok;

		r = coll_wait(v, seq, COLL_GATHER, from[j], &m);
		if (r < 0)
			goto out;
		note(&status, m.hdr[H_STATUS]);
		n = m.hdr[H_NBLOCK];
		ok = !mismatch(&m, tag, type, count) && n <= v->ninst - nb;

		if (!ok) {
			note(&status, PvmMismatch);
		} else if ((r = msgbuf_unpack(m.mb, DSIG_INT, insts + nb, n, 1)) == 0) {
			r = unpack_data(m.mb, type, blk + bytes * (size_t)nb,
			                (size_t)count * (size_t)n);
			note(&status, r);
			for (int k = 0; k < n; k++) {
				int in = insts[nb + k];

				if (in < 0 || in >= v->ninst || t.pos[in] < t.mypos ||
				    t.pos[in] >= subtree_end(&t, t.mypos))
					ok = 0;
			}
			if (ok)
				nb += n;
			else
				note(&status, PvmBadMsg);
		} else {
			note(&status, r);
		}
		coll_msg_free(&m);
	}
	note(&status, credit_give(v, seq, from, nfrom));
	if (t.mypos == 0) {
		for (int k = 0; k < nb; k++)
			memcpy((char *)result + bytes * (size_t)insts[k],
			       blk + bytes * (size_t)k, bytes);
	} else {
		struct msgbuf *mb =
		    coll_msg_new(v, seq, COLL_GATHER, tag, type, count, status, nb);

		r = mb == NULL ? PvmNoMem : msgbuf_pack(mb, DSIG_INT, insts, nb, 1);
		if (r == 0)
			r = pack_data(mb, type, blk, (size_t)count * (size_t)nb);
		if (r < 0)
			msgbuf_free(mb);
		else
			r = coll_send(v, t.leader[parent_pos(t.mypos)], COLL_GATHER, mb);
		if (r == 0)
			r = credit_take(v, seq, t.leader[parent_pos(t.mypos)]);
		note(&status, r);
	}
	r = status;
out:
	free(insts);
	free(from);
	free(blk);
	topo_free(&t);
	return r;
}

/* Sends instance `to` the pieces of the instances insts[0..n) (their data
 * at src[k * bytes]). */
static int scatter_send(const struct lpvm_coll_view *v, uint32_t seq, int to, int tag,
                        int type, int count, int status, const int *insts, int n,
                        const char *src)
{
	struct msgbuf *mb =
	    coll_msg_new(v, seq, COLL_SCATTER, tag, type, count, status, n);
	int r = mb == NULL ? PvmNoMem : msgbuf_pack(mb, DSIG_INT, insts, n, 1);

	if (r == 0)
		r = pack_data(mb, type, src, (size_t)count * (size_t)n);
	if (r < 0) {
		msgbuf_free(mb);
		return r;
	}
	return coll_send(v, to, COLL_SCATTER, mb);
}

int lpvm_coll_scatter(struct lpvm_coll_view *v, void *result, void *data, int count,
                      int type, int tag, int root)
{
	size_t esize = 0, bytes;
	int status = 0, r, nb = 0, *insts = NULL, *sub = NULL;
	char *blk = NULL, *part = NULL;
	struct coll_msg m;
	struct topo t;
	uint32_t seq;

	if ((r = check_rooted(v, result, count, type, tag, root, &esize)) < 0)
		return r;
	if (v->myinst == root && data == NULL && count > 0)
		return PvmBadParam;
	seq = v->seq++;
	if ((r = topo_make(v, root, &t)) < 0)
		return r;
	bytes = esize * (size_t)count;
	insts = malloc(sizeof(int) * (size_t)v->ninst);
	sub = malloc(sizeof(int) * (size_t)v->ninst);
	blk = malloc(bytes * (size_t)v->ninst + 1);
	part = malloc(bytes * (size_t)v->ninst + 1);
	if (insts == NULL || sub == NULL || blk == NULL || part == NULL) {
		r = PvmNoMem;
		goto out;
	}
	if (v->myinst == root) {
		/* my subtree is everyone: its pieces in instance order */
		nb = subtree_insts(v, &t, 0, t.nhosts, insts);
		for (int k = 0; k < nb; k++)
			memcpy(blk + bytes * (size_t)k,
			       (char *)data + bytes * (size_t)insts[k], bytes);
	} else {
		int from =
		    t.am_leader ? t.leader[parent_pos(t.mypos)] : t.leader[t.mypos];

		r = coll_wait(v, seq, COLL_SCATTER, from, &m);
		if (r < 0)
			goto out;
		status = m.hdr[H_STATUS];
		nb = m.hdr[H_NBLOCK];
		if (mismatch(&m, tag, type, count) || nb > v->ninst) {
			note(&status, PvmMismatch);
			nb = 0;
		} else if ((r = msgbuf_unpack(m.mb, DSIG_INT, insts, nb, 1)) == 0) {
			r = unpack_data(m.mb, type, blk, (size_t)count * (size_t)nb);
			note(&status, r);
			for (int k = 0; k < nb; k++)
				if (insts[k] < 0 || insts[k] >= v->ninst)
					insts[k] = -1, note(&status, PvmBadMsg);
		} else {
			note(&status, r);
			nb = 0;
		}
		coll_msg_free(&m);
	}
	if (t.am_leader) {
		/* down the tree: each child the pieces of its subtree */
		FOR_CHILDREN(&t, t.mypos, c)
		{
			int e = subtree_end(&t, c), n = 0;

			for (int k = 0; k < nb; k++) {
				if (insts[k] >= 0 && t.pos[insts[k]] >= c &&
				    t.pos[insts[k]] < e) {
					sub[n] = insts[k];
					memcpy(part + bytes * (size_t)n,
					       blk + bytes * (size_t)k, bytes);
					n++;
				}
			}
			note(&status, scatter_send(v, seq, t.leader[c], tag, type, count,
			                           status, sub, n, part));
		}
		/* my host's members their own piece */
		for (int k = 0; k < nb; k++) {
			int in = insts[k];

			if (in >= 0 && in != v->myinst && t.pos[in] == t.mypos)
				note(&status,
				     scatter_send(v, seq, in, tag, type, count, status,
				                  &in, 1, blk + bytes * (size_t)k));
		}
	}
	for (int k = 0; k < nb; k++)
		if (insts[k] == v->myinst)
			memcpy(result, blk + bytes * (size_t)k, bytes);
	r = status;
out:
	free(insts);
	free(sub);
	free(blk);
	free(part);
	topo_free(&t);
	return r;
}

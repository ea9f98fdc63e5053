/*
 * coll_t.c - the collectives among real tasks, for test_coll.sh.
 *   coll_t [-m|-d|-k] N [HOST...]   spawns N - 1 copies of itself (round
 *                        robin over the HOSTs, else anywhere), makes them
 *                        and itself group "g<first tid>" - with pvmx_coll_test_view,
 *                        or (-m) by joining and freezing it, or (-d) by
 *                        joining it and a barrier - and all run the same
 *                        checks; it prints one line per kind of check with
 *                        every task's failures summed, and "coll: done".
 *                        -k: a frozen group whose last member is killed
 *                        during a reduction and a gather (kill_test).
 * Every task checks real values: reductions of every type and operation
 * against a serial answer, gather and scatter of every type, bcasts from
 * every instance (sender and tag as pvm_bufinfo shows them), 200
 * back-to-back reductions with one tag, barriers; and that user messages
 * sent before them, in the same tags, are still there, untouched, after.
 */
#include <complex.h>
#include <pvm3.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "pvmx_coll_test.h"

#define MAXN 16
#define COUNT 5
#define ROUNDS 200
#define TAG_LIST 1
#define TAG_REPORT 99
#define TAG_STRAY 7 /* the reductions' tag too */

enum {
	K_REDUCE,
	K_GATHER,
	K_SCATTER,
	K_BCAST,
	K_ROUNDS,
	K_BARRIER,
	K_STRAY,
	K_ERRORS,
	K_N
};
static const char *kind_names[K_N] = {
    "reduce, every type and operation, rotating roots",
    "gather, every type, rotating roots",
    "scatter, every type, rotating roots",
    "bcast from every instance: sender, tag and data",
    "200 back-to-back reductions with one tag",
    "barriers",
    "user messages sent before, same tags, still there after",
    "errors: bad arguments, unknown group",
};
static int nfail[K_N], nchecks[K_N];
static int me, n, tids[MAXN];
/* "g" and the first task's tid: each run its own group, as the last
 * run's members may still be leaving theirs (a task's exit reaches the
 * group's home daemon from its own host, unordered with a new join
 * from another). */
static char gname[32];

#define CHECK(k, cond, ...)                                                              \
	do {                                                                             \
		nchecks[k]++;                                                            \
		if (!(cond)) {                                                           \
			nfail[k]++;                                                      \
			if (nfail[k] <= 5) {                                             \
				printf("FAIL inst %d: ", me);                            \
				printf(__VA_ARGS__);                                     \
				printf(" (line %d)\n", __LINE__);                        \
				fflush(stdout);                                          \
			}                                                                \
		}                                                                        \
	} while (0)

static const int types[] = {PVM_BYTE,   PVM_SHORT,  PVM_INT,   PVM_FLOAT,
                            PVM_CPLX,   PVM_DOUBLE, PVM_DCPLX, PVM_LONG,
                            PVM_USHORT, PVM_UINT,   PVM_ULONG};
#define NTYPES (int)(sizeof(types) / sizeof(types[0]))
static int is_unsigned(int t)
{
	return t == PVM_USHORT || t == PVM_UINT || t == PVM_ULONG;
}
static int is_cplx(int t)
{
	return t == PVM_CPLX || t == PVM_DCPLX;
}
/* The value instance inst contributes at i for operation op (0 max, 1
 * min, 2 sum, 3 product, 4 gather/scatter): small integers, so every
 * answer is exact in every type; complex moduli all differ per element. */
static double complex value(int op, int t, int inst, int i)
{
	if (is_cplx(t)) {
		if (op == 0 || op == 1)
			return (double)((inst + i * 3) % n + 1 + i) + (double)(i % 2) * I;
		return (double)((inst + i) % 3 - 1) + (double)((inst * 2 + i) % 2) * I;
	}
	if (op == 3)
		return is_unsigned(t) || t == PVM_BYTE
		           ? (double)((inst + i) % 2 + 1)
		           : (double)((inst + i) % 3 - 1 ? (inst + i) % 3 - 1 : 2);
	if (is_unsigned(t))
		return (double)((inst * 7 + i * 3) % 11 + 1);
	return (double)((inst * 7 + i * 3) % 11 - 5);
}

static void put(int t, void *buf, int i, double complex v)
{
	switch (t) {
	case PVM_BYTE:
		((signed char *)buf)[i] = (signed char)creal(v);
		break;
	case PVM_SHORT:
		((short *)buf)[i] = (short)creal(v);
		break;
	case PVM_USHORT:
		((unsigned short *)buf)[i] = (unsigned short)creal(v);
		break;
	case PVM_INT:
		((int *)buf)[i] = (int)creal(v);
		break;
	case PVM_UINT:
		((unsigned *)buf)[i] = (unsigned)creal(v);
		break;
	case PVM_LONG:
		((long *)buf)[i] = (long)creal(v);
		break;
	case PVM_ULONG:
		((unsigned long *)buf)[i] = (unsigned long)creal(v);
		break;
	case PVM_FLOAT:
		((float *)buf)[i] = (float)creal(v);
		break;
	case PVM_DOUBLE:
		((double *)buf)[i] = creal(v);
		break;
	case PVM_CPLX:
		((float *)buf)[2 * i] = (float)creal(v),
		                   ((float *)buf)[2 * i + 1] = (float)cimag(v);
		break;
	default:
		((double *)buf)[2 * i] = creal(v), ((double *)buf)[2 * i + 1] = cimag(v);
		break;
	}
}

static double complex get(int t, const void *buf, int i)
{
	switch (t) {
	case PVM_BYTE:
		return ((const signed char *)buf)[i];
	case PVM_SHORT:
		return ((const short *)buf)[i];
	case PVM_USHORT:
		return ((const unsigned short *)buf)[i];
	case PVM_INT:
		return ((const int *)buf)[i];
	case PVM_UINT:
		return ((const unsigned *)buf)[i];
	case PVM_LONG:
		return (double)((const long *)buf)[i];
	case PVM_ULONG:
		return (double)((const unsigned long *)buf)[i];
	case PVM_FLOAT:
		return ((const float *)buf)[i];
	case PVM_DOUBLE:
		return ((const double *)buf)[i];
	case PVM_CPLX:
		return ((const float *)buf)[2 * i] + ((const float *)buf)[2 * i + 1] * I;
	default:
		return ((const double *)buf)[2 * i] +
		       ((const double *)buf)[2 * i + 1] * I;
	}
}

/* The serial answer of op over every instance at i. */
static double complex serial(int op, int t, int i)
{
	double complex acc = value(op, t, 0, i);

	for (int k = 1; k < n; k++) {
		double complex y = value(op, t, k, i);

		if (op == 2)
			acc += y;
		else if (op == 3)
			acc *= y;
		else if (is_cplx(t))
			acc = (op == 0) == (cabs(y) > cabs(acc)) ? y : acc;
		else
			acc = (op == 0) == (creal(y) > creal(acc)) ? y : acc;
	}
	return acc;
}

static void check_reduce(void)
{
	static void (*const fns[4])(int *, void *, void *, int *,
	                            int *) = {PvmMax, PvmMin, PvmSum, PvmProduct};
	static const char *names[4] = {"PvmMax", "PvmMin", "PvmSum", "PvmProduct"};
	double buf[2 * COUNT];

	for (int ti = 0; ti < NTYPES; ti++) {
		int t = types[ti];

		for (int op = 0; op < 4; op++) {
			int root = (ti * 4 + op) % n, r;

			for (int i = 0; i < COUNT; i++)
				put(t, buf, i, value(op, t, me, i));
			r = pvm_reduce(fns[op], buf, COUNT, t, 3, gname, root);
			if (t == PVM_BYTE && op >= 2) {
				/* PVM refuses bytes for these: the root says so */
				if (me == root)
					CHECK(K_REDUCE, r == PvmBadParam || n == 1,
					      "%s(PVM_BYTE) at the root: %d, not "
					      "PvmBadParam",
					      names[op], r);
				continue;
			}
			CHECK(K_REDUCE, r == PvmOk, "pvm_reduce(%s, type %d) returned %d",
			      names[op], t, r);
			if (me != root)
				continue;
			for (int i = 0; i < COUNT; i++) {
				double complex e = serial(op, t, i), g = get(t, buf, i);

				CHECK(
				    K_REDUCE, e == g,
				    "%s type %d [%d] root %d: (%g,%g), expected (%g,%g)",
				    names[op], t, i, root, creal(g), cimag(g), creal(e),
				    cimag(e));
			}
		}
	}
}

static void check_gather_scatter(void)
{
	double mine[2 * COUNT], all[2 * COUNT * MAXN];

	for (int ti = 0; ti < NTYPES; ti++) {
		int t = types[ti], root = (ti * 5 + 1) % n, r;

		for (int i = 0; i < COUNT; i++)
			put(t, mine, i, value(4, t, me, i));
		memset(all, 0xee, sizeof(all));
		r = pvm_gather(all, mine, COUNT, t, 4, gname, root);
		CHECK(K_GATHER, r == PvmOk, "pvm_gather(type %d) returned %d", t, r);
		if (me == root) {
			for (int k = 0; k < n; k++)
				for (int i = 0; i < COUNT; i++)
					CHECK(K_GATHER,
					      get(t, all, k * COUNT + i) ==
					          value(4, t, k, i),
					      "gather type %d: inst %d [%d] wrong", t, k,
					      i);
		}

		root = (ti * 3 + 2) % n;
		for (int k = 0; k < n; k++)
			for (int i = 0; i < COUNT; i++)
				put(t, all, k * COUNT + i,
				    me == root ? value(4, t, k, i) + 1 : 0);
		memset(mine, 0xee, sizeof(mine));
		r = pvm_scatter(mine, all, COUNT, t, 4, gname, root);
		CHECK(K_SCATTER, r == PvmOk, "pvm_scatter(type %d) returned %d", t, r);
		for (int i = 0; i < COUNT; i++)
			CHECK(K_SCATTER, get(t, mine, i) == value(4, t, me, i) + 1,
			      "scatter type %d root %d: [%d] wrong", t, root, i);
	}
}

static void check_bcast(void)
{
	for (int root = 0; root < n; root++) {
		if (me == root) {
			int v[2] = {root, 4242};

			pvm_initsend(PvmDataDefault);
			pvm_pkint(v, 2, 1);
			CHECK(K_BCAST, pvm_bcast(gname, 11) == PvmOk, "pvm_bcast from %d",
			      root);
		} else {
			int id = pvm_recv(-1, 11), len = 0, tag = -1, src = -1,
			    v[2] = {-1, -1};

			CHECK(K_BCAST, id > 0, "pvm_recv of the bcast from %d: %d", root,
			      id);
			pvm_bufinfo(id, &len, &tag, &src);
			pvm_upkint(v, 2, 1);
			CHECK(K_BCAST, src == tids[root] && tag == 11,
			      "bcast from inst %d: bufinfo src t%x tag %d, expected t%x "
			      "tag 11",
			      root, (unsigned)src, tag, (unsigned)tids[root]);
			CHECK(K_BCAST, v[0] == root && v[1] == 4242,
			      "bcast from %d: data %d %d", root, v[0], v[1]);
		}
		/* the next root must not overtake this bcast (the same tag) */
		pvm_barrier(gname, -1);
	}
	/* no copy came back to a sender */
	CHECK(K_BCAST, pvm_nrecv(-1, 11) == 0, "a stray bcast copy");
}

static void check_rounds(void)
{
	for (int round = 0; round < ROUNDS; round++) {
		int v[2] = {round * 100 + me, round};
		int r = pvm_reduce(PvmSum, v, 2, PVM_INT, TAG_STRAY, gname,
		                   round % 2 ? n - 1 : 0);

		CHECK(K_ROUNDS, r == PvmOk, "round %d: pvm_reduce returned %d", round, r);
		if (me == (round % 2 ? n - 1 : 0)) {
			CHECK(K_ROUNDS,
			      v[0] == round * 100 * n + n * (n - 1) / 2 &&
			          v[1] == round * n,
			      "round %d: %d %d, expected %d %d", round, v[0], v[1],
			      round * 100 * n + n * (n - 1) / 2, round * n);
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* That a barrier holds: no member leaves it before the last one has
 * entered it.  Each round a different member enters 20 ms after the
 * others; every task runs on this one machine, so CLOCK_REALTIME is one
 * clock for all.  Instance 0 gathers the times and checks. */
#define HOLD_ROUNDS 4
static void check_barrier_holds(void)
{
	double t[2 * HOLD_ROUNDS], all[MAXN * 2 * HOLD_ROUNDS];
	int r;

	for (int k = 0; k < HOLD_ROUNDS; k++) {
		if (me == k % n)
			usleep(20000);
		t[2 * k] = now_s();
		r = pvm_barrier(gname, -1);
		t[2 * k + 1] = now_s();
		CHECK(K_BARRIER, r == PvmOk, "holding barrier %d: %d", k, r);
	}
	r = pvm_gather(all, t, 2 * HOLD_ROUNDS, PVM_DOUBLE, 5, gname, 0);
	CHECK(K_BARRIER, r == PvmOk, "gathering the barrier times: %d", r);
	if (me != 0 || r != PvmOk)
		return;
	for (int k = 0; k < HOLD_ROUNDS; k++) {
		double last_in = 0, first_out = 1e300;
		int late = 0;

		for (int i = 0; i < n; i++) {
			const double *ti = all + (size_t)i * 2 * HOLD_ROUNDS;

			if (ti[2 * k] > last_in) {
				last_in = ti[2 * k];
				late = i;
			}
			if (ti[2 * k + 1] < first_out)
				first_out = ti[2 * k + 1];
		}
		CHECK(K_BARRIER, first_out >= last_in,
		      "barrier round %d: a member left %.6f s before instance %d entered", k,
		      last_in - first_out, late);
	}
}

static void check_barriers(void)
{
	check_barrier_holds();
	for (int i = 0; i < 20; i++)
		CHECK(K_BARRIER, pvm_barrier(gname, i % 2 ? n : -1) == PvmOk, "barrier %d",
		      i);
	/* (as the home daemon's barrier answers it: docs/compat.md) */
	CHECK(K_BARRIER, pvm_barrier(gname, 0) == PvmMismatch, "pvm_barrier(count 0)");
}

static void check_errors(void)
{
	int x = 1;
	int saved = pvm_setopt(PvmAutoErr, 0);

	CHECK(K_ERRORS, pvm_reduce(PvmSum, &x, 1, PVM_STR, 3, gname, 0) == PvmBadParam,
	      "reduce of PVM_STR");
	CHECK(K_ERRORS, pvm_reduce(PvmSum, &x, 1, PVM_INT, -1, gname, 0) == PvmBadParam,
	      "reduce with a negative tag");
	CHECK(K_ERRORS, pvm_reduce(PvmSum, &x, 1, PVM_INT, 3, gname, n) == PvmNoInst,
	      "reduce to a root past the last instance");
	CHECK(K_ERRORS, pvm_gather(&x, &x, -1, PVM_INT, 3, gname, 0) == PvmBadParam,
	      "gather of count -1");
	CHECK(K_ERRORS, pvm_bcast(gname, -2) == PvmBadParam, "bcast with a negative tag");
	CHECK(K_ERRORS, pvm_barrier("nosuchgroup", -1) == PvmNoGroup,
	      "a barrier of a group no one joined: PvmNoGroup");
	CHECK(K_ERRORS, pvm_reduce(PvmSum, &x, 1, PVM_INT, 3, "nosuchgroup", 0) == PvmNoGroup,
	      "a reduction of a group no one joined: PvmNoGroup");
	CHECK(K_ERRORS, pvm_barrier(NULL, -1) == PvmNullGroup, "barrier of a NULL group");
	pvm_setopt(PvmAutoErr, saved);
}

/* Before the collectives: two user messages to the next instance, one in
 * the reductions' tag; after them: both there, intact, nothing else. */
static void stray_send(void)
{
	int next = tids[(me + 1) % n], v = 1000 + me;

	pvm_initsend(PvmDataDefault);
	pvm_pkint(&v, 1, 1);
	pvm_send(next, TAG_STRAY);
	v = 2000 + me;
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&v, 1, 1);
	pvm_send(next, 5);
}
static void stray_check(void)
{
	int prev = (me + n - 1) % n, v = -1;

	CHECK(K_STRAY, pvm_recv(tids[prev], 5) > 0, "the tag-5 message from %d", prev);
	pvm_upkint(&v, 1, 1);
	CHECK(K_STRAY, v == 2000 + prev, "tag 5 holds %d", v);
	v = -1;
	CHECK(K_STRAY, pvm_recv(tids[prev], TAG_STRAY) > 0, "the tag-%d message",
	      TAG_STRAY);
	pvm_upkint(&v, 1, 1);
	CHECK(K_STRAY, v == 1000 + prev, "tag %d holds %d", TAG_STRAY, v);
	CHECK(K_STRAY, pvm_nrecv(-1, -1) == 0, "nothing else is queued");
}

/* How the tasks make their group: the test view, or real membership, the
 * group frozen (its view held by every member) or left dynamic (asked of
 * its home daemon at every collective). */
static enum { G_TEST, G_FROZEN, G_DYNAMIC, G_KILL } how;

/* With real membership the instances are the order of the joins: tids[]
 * and me become theirs. */
static int make_group(void)
{
	int r, mytid = pvm_mytid();

	if (how == G_TEST)
		return pvmx_coll_test_view(gname, tids, n) == me ? 0 : -1;
	if ((r = pvm_joingroup(gname)) < 0) {
		printf("# t%x: pvm_joingroup(%s): %d\n", (unsigned)mytid, gname, r);
		return r;
	}
	r = how != G_DYNAMIC ? pvm_freezegroup(gname, n) : pvm_barrier(gname, n);
	if (r < 0 || (how != G_DYNAMIC && r != n)) {
		printf("# t%x: %s(%s, %d): %d\n", (unsigned)mytid,
		       how != G_DYNAMIC ? "pvm_freezegroup" : "pvm_barrier", gname, n, r);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if ((tids[i] = pvm_gettid(gname, i)) < 0) {
			printf("# t%x: pvm_gettid(%s, %d): %d; size %d, instances:", (unsigned)mytid,
			       gname, i, tids[i], pvm_gsize(gname));
			for (int k = 0; k < n + 2; k++)
				printf(" t%x", (unsigned)pvm_gettid(gname, k));
			printf("\n");
			return tids[i];
		}
	}
	me = pvm_getinst(gname, mytid);
	if (me < 0 || tids[me] != mytid) {
		printf("# t%x: pvm_getinst: %d, tids[it] t%x\n", (unsigned)mytid, me,
		       me >= 0 ? (unsigned)tids[me] : 0u);
		return -1;
	}
	return 0;
}

/* -k: the last instance that is not the first task is killed (SIGKILL,
 * as a crash) while the others are in a reduction rooted at the first
 * task, and then in a gather: every survivor comes back, the root with
 * PvmNoTask; nobody waits for ever.  Each survivor's report: its two
 * results. */
static int kill_results[2];

static int kill_test(int master)
{
	int victim = n - 1, x = 1, all[MAXN];

	if (make_group() != 0) {
		kill_results[0] = kill_results[1] = -12345;
		return 0;
	}
	if (tids[victim] == master)
		victim--;
	if (me == victim) {
		printf("# t%x: instance %d of %s, the victim (%d members: t%x t%x ...)\n",
		       (unsigned)tids[me], me, gname, n, (unsigned)tids[0], (unsigned)tids[1]);
		fflush(stdout);
		sleep(1);
		raise(SIGKILL);
	}
	kill_results[0] = pvm_reduce(PvmSum, &x, 1, PVM_INT, 11, gname, pvm_getinst(gname, master));
	kill_results[1] = pvm_gather(all, &x, 1, PVM_INT, 12, gname, pvm_getinst(gname, master));
	return tids[victim];
}

/* Many reductions to one root, back to back, nothing else between them:
 * the other members must not run ahead of it without bound (their
 * contributions would pile up, and once past the library's queue limit
 * be lost: the root would wait for ever).  (Not on a dynamic group:
 * each of its collectives asks the daemon, too slow for this many.) */
#define ROUNDS_AHEAD 20000

static void check_runahead(void)
{
	int bad = 0, first_bad = -1;

	if (how == G_DYNAMIC)
		return;
	for (int round = 0; round < ROUNDS_AHEAD; round++) {
		int v = round + me;
		int r = pvm_reduce(PvmSum, &v, 1, PVM_INT, TAG_STRAY, gname, 0);

		if (r != PvmOk || (me == 0 && v != round * n + n * (n - 1) / 2)) {
			if (bad++ == 0)
				first_bad = round;
		}
	}
	CHECK(K_ROUNDS, bad == 0, "%d back-to-back reductions to instance 0: %d wrong, the "
	      "first at round %d", ROUNDS_AHEAD, bad, first_bad);
}

static void run_checks(void)
{
	int r = make_group();

	/* the refusals checked here are expected: not on stderr */
	pvm_setopt(PvmAutoErr, 0);

	CHECK(K_BARRIER, r == 0, "group g made (%s): %d, instance %d",
	      how == G_TEST ? "test view" : how == G_FROZEN ? "frozen" : "dynamic", r, me);
	stray_send();
	CHECK(K_BARRIER, pvm_barrier(gname, -1) == PvmOk, "first barrier");
	check_reduce();
	check_gather_scatter();
	check_rounds();
	check_runahead();
	check_bcast();
	check_barriers();
	check_errors();
	CHECK(K_BARRIER, pvm_barrier(gname, n) == PvmOk, "last barrier");
	stray_check();
	/* (no report reaches the first task before its stray_check) */
	CHECK(K_BARRIER, pvm_barrier(gname, -1) == PvmOk, "barrier after the stray check");
}

int main(int argc, char **argv)
{
	static int spawned[MAXN];
	int mytid = pvm_mytid(), parent = pvm_parent();

	if (mytid < 0)
		return 1;
	snprintf(gname, sizeof(gname), "g%x", (unsigned)(parent < 0 ? mytid : parent));
	if (argc > 1 && (strcmp(argv[1], "-m") == 0 || strcmp(argv[1], "-d") == 0 ||
	                 strcmp(argv[1], "-k") == 0)) {
		how = argv[1][1] == 'm' ? G_FROZEN : argv[1][1] == 'd' ? G_DYNAMIC : G_KILL;
		argv++;
		argc--;
	}
	if (parent < 0) {
		int nchild, h = (int)how;

		n = argc > 1 ? atoi(argv[1]) : 4;
		if (n < 1 || n > MAXN)
			return 2;
		pvm_catchout(stdout);
		tids[0] = mytid;
		for (int i = 1; i < n; i++) {
			char *host = argc > 2 ? argv[2 + (i - 1) % (argc - 2)] : NULL;

			if (pvm_spawn("coll_t", NULL, host ? PvmTaskHost : PvmTaskDefault,
			              host, 1, &tids[i]) != 1) {
				printf("FAIL - spawn %d on %s: %d\n", i,
				       host ? host : "any", tids[i]);
				pvm_exit();
				return 1;
			}
		}
		nchild = n - 1;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&n, 1, 1);
		pvm_pkint(tids, n, 1);
		pvm_pkint(&h, 1, 1);
		if (nchild > 0)
			pvm_mcast(tids + 1, nchild, TAG_LIST);
		me = 0;
		printf("# %d tasks:", n);
		for (int i = 0; i < n; i++)
			printf(" t%x (host t%x)", (unsigned)tids[i],
			       (unsigned)pvm_tidtohost(tids[i]));
		printf("\n");
		fflush(stdout);
		/* (with real membership tids[] becomes the instances' order) */
		memcpy(spawned, tids, sizeof(spawned));
		if (how == G_KILL) {
			struct timeval tmo = {20, 0};
			int back = 0, others_ok = 1;

			int victim;

			pvm_setopt(PvmAutoErr, 0);
			victim = kill_test(mytid);
			printf("%s - the root's reduction with a member killed: %d (PvmNoTask %d)\n",
			       kill_results[0] == PvmNoTask ? "ok" : "FAIL", kill_results[0],
			       PvmNoTask);
			printf("%s - the root's gather after it: %d\n",
			       kill_results[1] < 0 ? "ok" : "FAIL", kill_results[1]);
			/* every survivor reports; the killed one cannot */
			for (int i = 1; i < n; i++) {
				int rr[2];

				if (spawned[i] != victim && pvm_trecv(spawned[i], TAG_REPORT, &tmo) > 0) {
					pvm_upkint(rr, 2, 1);
					back++;
					others_ok &= rr[0] == 0 || rr[0] == PvmNoTask;
				}
			}
			printf("%s - %d of %d survivors came back from it%s\n",
			       back == n - 2 && others_ok ? "ok" : "FAIL", back, n - 2,
			       others_ok ? "" : " (one with an unexpected result)");
			printf("coll: done\n");
			fflush(stdout);
			pvm_exit();
			return 0;
		}
		run_checks();
		for (int i = 1; i < n; i++) {
			int f[K_N], c[K_N];

			pvm_recv(spawned[i], TAG_REPORT);
			pvm_upkint(f, K_N, 1);
			pvm_upkint(c, K_N, 1);
			for (int k = 0; k < K_N; k++)
				nfail[k] += f[k], nchecks[k] += c[k];
		}
		for (int k = 0; k < K_N; k++)
			printf("%s - %s: %d checks in %d tasks, %d failed\n",
			       nfail[k] == 0 && nchecks[k] > 0 ? "ok" : "FAIL",
			       kind_names[k], nchecks[k], n, nfail[k]);
		printf("coll: done\n");
		fflush(stdout);
		pvm_exit();
		return 0;
	}
	pvm_recv(parent, TAG_LIST);
	pvm_upkint(&n, 1, 1);
	if (n < 1 || n > MAXN)
		return 2;
	pvm_upkint(tids, n, 1);
	{
		int h = 0;

		pvm_upkint(&h, 1, 1);
		how = h == G_FROZEN ? G_FROZEN : h == G_DYNAMIC ? G_DYNAMIC
		                           : h == G_KILL    ? G_KILL
		                                            : G_TEST;
	}
	for (int i = 0; i < n; i++)
		if (tids[i] == mytid)
			me = i;
	if (how == G_KILL) {
		pvm_setopt(PvmAutoErr, 0);
		kill_test(parent);
		pvm_initsend(PvmDataDefault);
		pvm_pkint(kill_results, 2, 1);
		pvm_send(parent, TAG_REPORT);
		pvm_exit();
		return 0;
	}
	run_checks();
	pvm_initsend(PvmDataDefault);
	pvm_pkint(nfail, K_N, 1);
	pvm_pkint(nchecks, K_N, 1);
	pvm_send(parent, TAG_REPORT);
	pvm_exit();
	return 0;
}

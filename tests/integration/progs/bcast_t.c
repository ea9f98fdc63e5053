/*
 * bcast_t.c - pvm_bcast of a frozen group along the daemons' tree of
 * hosts, for test_bcast_tree.sh.
 *   bcast_t N HOST...   spawns N - 1 copies of itself round robin over the
 *                       HOSTs; all join group "b<first tid>" and freeze it.
 * Then, every line "ok - ..." or "FAIL - ..." (failures of every task
 * summed by the first), and "bcast: done":
 *  1. order and bytes: from two roots (the first task, and a member of
 *     another host), ROUNDS rounds of pvm_send to every member, pvm_bcast,
 *     pvm_send again, one tag: every member gets the three in that order,
 *     from the root's tid (pvm_bufinfo), the bcast's bytes exactly (sizes
 *     up to 100 kB, with a checksum), once;
 *  2. a forwarder that does not call libpvm: the members of the host at
 *     position 2 of the tree (which passes the bcast on to position 3)
 *     wait outside libpvm until every member at position 3 has the bcast
 *     (files in the first task's directory);
 *  3. the tree: around COUNTED bcasts from the first task, each host's
 *     first member reads the frames its daemon sent to every other daemon
 *     (pvm_tickle 7): each daemon sends about COUNTED to each of its
 *     children in the binomial tree of hosts, next to nothing to others.
 */
#include <pvm3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define MAXN 32
#define MAXH 16
#define ROUNDS 30
#define COUNTED 200
#define TAG_LIST 1
#define TAG_REPORT 2
#define TAG_ORDER 21
#define TAG_STALL 22
#define TAG_COUNT 23
#define BIG 100000

static int me, n, tids[MAXN], nfail, mytid;
static char gname[32], dir[900];

#define FAILED(...)                                                                      \
	do {                                                                             \
		if (nfail++ < 8) {                                                       \
			printf("FAIL - inst %d t%x: ", me, (unsigned)mytid);             \
			printf(__VA_ARGS__);                                             \
			printf(" (line %d)\n", __LINE__);                                \
			fflush(stdout);                                                  \
		}                                                                        \
	} while (0)

static int size_of(int round)
{
	return round % 5 == 4 ? BIG + round : round * 37 + 1;
}

static unsigned char byte_of(int root, int round, int i)
{
	return (unsigned char)(root * 131 + round * 7 + i * 13 + (i >> 8));
}

static uint32_t fnv(const unsigned char *p, int len)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int host_of(int inst)
{
	return pvm_tidtohost(tids[inst]);
}

/* The hosts with members in the tree's order for root: the root's first,
 * then ascending (docs/groups.md); their count. */
static int positions(int root, int *hosts)
{
	int nh = 0;

	hosts[nh++] = host_of(root);
	for (;;) {
		int best = 0;

		for (int i = 0; i < n; i++) {
			int h = host_of(i), seen = 0;

			for (int k = 0; k < nh; k++)
				seen |= hosts[k] == h;
			if (!seen && (best == 0 || h < best))
				best = h;
		}
		if (best == 0 || nh == MAXH)
			return nh;
		hosts[nh++] = best;
	}
}

static int position_of(const int *hosts, int nh, int host)
{
	for (int k = 0; k < nh; k++)
		if (hosts[k] == host)
			return k;
	return -1;
}

/* 1: pvm_send, pvm_bcast, pvm_send, ROUNDS times, from root */
/* The root's plain sends around a bcast: hdr to every other member. */
static void send_hdr_all(const int *hdr, const char *when)
{
	for (int i = 0; i < n; i++) {
		if (i == me)
			continue;
		pvm_initsend(PvmDataDefault);
		pvm_pkint((int *)hdr, 3, 1);
		if (pvm_send(tids[i], TAG_ORDER) < 0)
			FAILED("pvm_send %s, round %d", when, hdr[1]);
	}
}

static void order_rounds(int root, unsigned char *buf)
{
	for (int round = 0; round < ROUNDS; round++) {
		int len = size_of(round);

		if (me == root) {
			int hdr[3] = {0, round, len};
			uint32_t sum;

			for (int i = 0; i < len; i++)
				buf[i] = byte_of(root, round, i);
			sum = fnv(buf, len);
			send_hdr_all(hdr, "before");
			hdr[0] = 1;
			pvm_initsend(PvmDataDefault);
			pvm_pkint(hdr, 3, 1);
			pvm_pkuint(&sum, 1, 1);
			pvm_pkbyte((char *)buf, len, 1);
			if (pvm_bcast(gname, TAG_ORDER) < 0)
				FAILED("pvm_bcast, round %d", round);
			hdr[0] = 2;
			send_hdr_all(hdr, "after");
			continue;
		}
		for (int kind = 0; kind < 3; kind++) {
			int id = pvm_recv(tids[root], TAG_ORDER), blen = 0, tag = -1,
			    src = -1;
			int hdr[3] = {-1, -1, -1};
			uint32_t sum = 0;

			if (id <= 0) {
				FAILED("pvm_recv from root %d: %d", root, id);
				return;
			}
			pvm_bufinfo(id, &blen, &tag, &src);
			pvm_upkint(hdr, 3, 1);
			if (src != tids[root] || tag != TAG_ORDER)
				FAILED("root %d round %d: bufinfo src t%x tag %d", root,
				       round, (unsigned)src, tag);
			if (hdr[0] != kind || hdr[1] != round || hdr[2] != len) {
				FAILED("root %d round %d: expected message %d, got %d of "
				       "round "
				       "%d (%d bytes)",
				       root, round, kind, hdr[0], hdr[1], hdr[2]);
				continue;
			}
			if (kind != 1)
				continue;
			memset(buf, 0, (size_t)len);
			pvm_upkuint(&sum, 1, 1);
			pvm_upkbyte((char *)buf, len, 1);
			int bad = -1;

			for (int i = 0; i < len && bad < 0; i++)
				if (buf[i] != byte_of(root, round, i))
					bad = i;
			if (bad >= 0 || fnv(buf, len) != sum)
				FAILED("root %d round %d: the bcast's %d bytes differ "
				       "(first at %d, "
				       "checksum %08x, sent %08x)",
				       root, round, len, bad, fnv(buf, len), sum);
		}
	}
}

static void mark_file(char *path, size_t size, int inst)
{
	snprintf(path, size, "%s/bcast_t.%s.go.%d", dir, gname, inst);
}

/* 2: the members at position 2 stay out of libpvm until every member at
 * position 3 has the bcast from the first task */
static void stalled_forwarder(void)
{
	int hosts[MAXH], nh = positions(0, hosts),
	                 pos = position_of(hosts, nh, host_of(me));
	char path[1000];

	if (nh < 4) {
		if (me == 0)
			printf("FAIL - the stalled forwarder needs 4 hosts, the group "
			       "has %d\n",
			       nh);
		nfail++;
		return;
	}
	pvm_barrier(gname, -1);
	if (me == 0) {
		int v = 77;

		pvm_initsend(PvmDataDefault);
		pvm_pkint(&v, 1, 1);
		if (pvm_bcast(gname, TAG_STALL) < 0)
			FAILED("pvm_bcast (stall)");
	} else if (pos == 2) {
		int waited = 0, all = 0;

		/* (sleeps only: no libpvm call until then) */
		while (!all && waited < 600) {
			all = 1;
			for (int i = 0; i < n; i++) {
				struct stat st;

				mark_file(path, sizeof(path), i);
				if (position_of(hosts, nh, host_of(i)) == 3 &&
				    stat(path, &st) != 0)
					all = 0;
			}
			if (!all) {
				usleep(50000);
				waited++;
			}
		}
		if (!all)
			FAILED("position 3's members did not get the bcast in 30 s while "
			       "position 2's stayed out of libpvm");
	}
	if (me != 0) {
		struct timeval tmo = {30, 0};
		int id = pvm_trecv(tids[0], TAG_STALL, &tmo), v = 0;

		if (id <= 0)
			FAILED("the bcast with position 2 outside libpvm: %d", id);
		else if (pvm_upkint(&v, 1, 1) < 0 || v != 77)
			FAILED("the bcast with position 2 outside libpvm: %d", v);
		if (pos == 3) {
			FILE *f;

			mark_file(path, sizeof(path), me);
			if ((f = fopen(path, "w")) != NULL)
				fclose(f);
			else
				FAILED("cannot make %s", path);
		}
	}
	pvm_barrier(gname, -1);
	if (pos == 3) {
		mark_file(path, sizeof(path), me);
		unlink(path);
	}
}

/* Frames this task's daemon sent so far to each host of the machine. */
static int link_frames(int *htids, long *frames)
{
	struct pvmhostinfo *hi;
	int nhost, narch, args[2], nres, res[2];

	if (pvm_config(&nhost, &narch, &hi) < 0 || nhost > MAXH)
		return 0;
	for (int i = 0; i < nhost; i++) {
		htids[i] = hi[i].hi_tid;
		frames[i] = 0;
		args[0] = 7;
		args[1] = hi[i].hi_tid;
		if (hi[i].hi_tid != host_of(me) && pvm_tickle(2, args, &nres, res) >= 0 &&
		    nres >= 1)
			frames[i] = res[0];
	}
	return nhost;
}

static int host_leader(void)
{
	for (int i = 0; i < me; i++)
		if (host_of(i) == host_of(me))
			return 0;
	return 1;
}

/* 3: COUNTED bcasts from the first task; each host's first member
 * measures its daemon's frames to the others: the hosts of the
 * machine (htids), or 0. */
static int counted(int *htids, long *delta)
{
	long before[MAXH], after[MAXH];
	int nh0, nh1;

	pvm_barrier(gname, -1);
	nh0 = link_frames(htids, before);
	pvm_barrier(gname, -1);
	for (int k = 0; k < COUNTED; k++) {
		if (me == 0) {
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&k, 1, 1);
			if (pvm_bcast(gname, TAG_COUNT) < 0)
				FAILED("pvm_bcast %d (counted)", k);
		} else {
			int v = -1;

			if (pvm_recv(tids[0], TAG_COUNT) <= 0 ||
			    pvm_upkint(&v, 1, 1) < 0 || v != k)
				FAILED("counted bcast %d: got %d", k, v);
		}
	}
	pvm_barrier(gname, -1);
	nh1 = link_frames(htids, after);
	if (nh0 != nh1)
		return 0;
	for (int i = 0; i < nh1; i++)
		delta[i] = after[i] - before[i];
	return nh1;
}

static int make_group(void)
{
	int r;

	if ((r = pvm_joingroup(gname)) < 0 || (r = pvm_freezegroup(gname, n)) != n) {
		printf("FAIL - t%x: join or freeze %s: %d\n", (unsigned)mytid, gname, r);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if ((tids[i] = pvm_gettid(gname, i)) < 0)
			return -1;
	me = pvm_getinst(gname, mytid);
	return me >= 0 && tids[me] == mytid ? 0 : -1;
}

/* The first task: the tree's edges seen in the reports of every host's
 * first member. */
static void check_tree(int nleaders)
{
	int hosts[MAXH], nh = positions(0, hosts), edges = 0, others = 0;
	long worst_other = 0, least_edge = -1;

	for (int r = 0; r < nleaders; r++) {
		int from, nhost, htids[MAXH];
		long delta[MAXH];

		pvm_recv(-1, TAG_REPORT + 1);
		pvm_upkint(&from, 1, 1);
		pvm_upkint(&nhost, 1, 1);
		if (nhost < 0 || nhost > MAXH)
			nhost = 0;
		pvm_upkint(htids, nhost, 1);
		pvm_upklong(delta, nhost, 1);
		for (int i = 0; i < nhost; i++) {
			int a = position_of(hosts, nh, from),
			    b = position_of(hosts, nh, htids[i]);
			int edge = a >= 0 && b > 0 && (b & (b - 1)) == a;

			if (htids[i] == from)
				continue;
			printf(
			    "# frames from host t%x (position %d) to t%x (position %d) "
			    "during %d bcasts: %ld%s\n",
			    (unsigned)from, a, (unsigned)htids[i], b, COUNTED, delta[i],
			    edge ? " (a tree edge)" : "");
			if (edge) {
				edges++;
				if (least_edge < 0 || delta[i] < least_edge)
					least_edge = delta[i];
			} else {
				others++;
				if (delta[i] > worst_other)
					worst_other = delta[i];
			}
		}
	}
	printf("%s - the bcasts' cross-host frames follow the tree: %d edges got at "
	       "least %ld frames (>= %d), the %d other pairs at most %ld (< %d)\n",
	       edges == nh - 1 && least_edge >= COUNTED && worst_other < COUNTED / 2
	           ? "ok"
	           : "FAIL",
	       edges, least_edge, COUNTED, others, worst_other, COUNTED / 2);
	fflush(stdout);
}

static void run(int parent)
{
	unsigned char *buf = malloc(BIG + ROUNDS);
	int htids[MAXH], nhost, alt = 0;
	long delta[MAXH];

	if (buf == NULL || make_group() != 0) {
		nfail++;
		free(buf);
		return;
	}
	/* the second root: the last instance not on the first's host */
	for (int i = 0; i < n; i++)
		if (host_of(i) != host_of(0))
			alt = i;
	pvm_barrier(gname, -1);
	order_rounds(0, buf);
	pvm_barrier(gname, -1);
	order_rounds(alt, buf);
	pvm_barrier(gname, -1);
	stalled_forwarder();
	nhost = counted(htids, delta);
	pvm_barrier(gname, -1);
	/* every copy came once: nothing is left */
	if (pvm_nrecv(-1, TAG_ORDER) != 0 || pvm_nrecv(-1, TAG_STALL) != 0 ||
	    pvm_nrecv(-1, TAG_COUNT) != 0)
		FAILED("a bcast copy came twice (or to its sender)");
	free(buf);
	if (host_leader()) {
		int from = host_of(me);

		pvm_initsend(PvmDataDefault);
		pvm_pkint(&from, 1, 1);
		pvm_pkint(&nhost, 1, 1);
		pvm_pkint(htids, nhost, 1);
		pvm_pklong(delta, nhost, 1);
		pvm_send(parent < 0 ? mytid : parent, TAG_REPORT + 1);
	}
}

int main(int argc, char **argv)
{
	int parent;

	mytid = pvm_mytid();
	parent = pvm_parent();
	if (mytid < 0)
		return 1;
	snprintf(gname, sizeof(gname), "b%x", (unsigned)(parent < 0 ? mytid : parent));
	if (parent < 0) {
		int nleaders = 0, total = 0, hs[MAXH], nh;

		n = argc > 1 ? atoi(argv[1]) : 4;
		if (n < 2 || n > MAXN || argc < 3 || getcwd(dir, sizeof(dir)) == NULL)
			return 2;
		pvm_catchout(stdout);
		for (int i = 1; i < n; i++) {
			char *host = argv[2 + (i - 1) % (argc - 2)];
			int t;

			if (pvm_spawn("bcast_t", NULL, PvmTaskHost, host, 1, &t) != 1) {
				printf("FAIL - spawn %d on %s: %d\n", i, host, t);
				pvm_exit();
				return 1;
			}
			tids[i] = t;
		}
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&n, 1, 1);
		pvm_pkstr(dir);
		pvm_mcast(tids + 1, n - 1, TAG_LIST);
		/* the group's first member, so the counted bcasts' root */
		run(parent);
		nh = nleaders = positions(0, hs);
		check_tree(nleaders);
		for (int i = 1; i < n; i++) {
			int f = 0;

			pvm_recv(-1, TAG_REPORT);
			pvm_upkint(&f, 1, 1);
			total += f;
		}
		total += nfail;
		printf("%s - %d members over %d hosts: sends, bcasts and sends in order, "
		       "every byte once, a stalled forwarder: %d failures\n",
		       total == 0 ? "ok" : "FAIL", n, nh, total);
		printf("bcast: done\n");
		fflush(stdout);
		pvm_exit();
		return 0;
	}
	pvm_recv(parent, TAG_LIST);
	pvm_upkint(&n, 1, 1);
	pvm_upkstr(dir);
	if (n < 2 || n > MAXN)
		return 2;
	run(parent);
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&nfail, 1, 1);
	pvm_send(parent, TAG_REPORT);
	pvm_exit();
	return 0;
}

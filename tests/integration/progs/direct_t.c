/*
 * direct_t.c - traffic between tasks by the direct routes, for
 * test_direct.sh (one host) and test_fabric_route.sh (several).
 *
 *   direct_t pair N SEED [A B] master: spawns two peers (direct_t peer, on
 *                              hosts A and B when given),
 *                              which send each other N messages of random
 *                              sizes (0 B - 4 MiB) and tags, each with a
 *                              sequence number and a checksum, switching
 *                              route (PvmRouteDirect / PvmDontRoute) at
 *                              random mid-stream, with multicasts among
 *                              them; every message must arrive once, in
 *                              order, intact.  Prints the peers' verdicts.
 *   direct_t stream K ROUTE [H] master: spawns a sink (on host H) and
 *                              sends it K messages of 1 MiB by ROUTE
 *                              (direct or daemon), then waits for its
 *                              answer.
 *   direct_t flood K H         master: spawns on host H a task that never
 *                              reads (direct_t idle: no pvm call after its
 *                              first message) and sends it K messages of
 *                              1 MiB directly, printing "sent I" after
 *                              each and "flood done" at the end (the test
 *                              kills the idle task to let it finish).
 *   direct_t features H        master: spawns direct_t fpeer on host H and
 *                              checks, with the messages on whatever
 *                              route is the default (across hosts: the
 *                              libfabric one), pvm_psend/pvm_precv, a
 *                              message handler, pvm_recvf and a select on
 *                              pvm_getfds woken by a message.
 *   direct_t few N H [noted]   master: spawns direct_t echo on host H and
 *                              sends it N messages of 8 bytes, each echoed
 *                              back (checked), with the default route;
 *                              noted: by the daemons (PvmDontRoute) to an
 *                              echo that spins (PvmPollConstant), which
 *                              then learns of each from its region's
 *                              note alone if PVMX_DAEMON_POLL_CALLS=0 is
 *                              exported to it; a reply that does not come
 *                              within 5 s fails.
 *   direct_t blocked SECS [constant]  blocks in pvm_recv for SECS seconds
 *                              (no message comes), then prints its CPU
 *                              time; with constant, PvmPollType is
 *                              PvmPollConstant (it spins); with mbox, it
 *                              waits for a daemon's reply instead: a
 *                              mailbox entry (PvmMboxWaitForInfo) that a
 *                              child (direct_t putlater) puts SECS later.
 *   direct_t sleeper           waits in pvm_recv for ever (to be killed).
 */
#include <pvm3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <unistd.h>

#include "check.h"

#define TAG_PEER 40
#define TAG_GO 41
#define TAG_REPORT 42
#define MAX_LEN (4u << 20)

static uint32_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* The i-th message from sender: its length, tag and bytes follow from
 * (seed, sender index, i), so the receiver can check every byte. */
static size_t msg_len(uint64_t seed, int from, int i)
{
	uint64_t s = seed ^ ((uint64_t)from << 40) ^ (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	uint32_t r = rng_next(&s);

	/* mostly small, some medium, a few up to 4 MiB */
	switch (r % 8) {
	case 0:
		return 0;
	case 1:
	case 2:
	case 3:
		return rng_next(&s) % 256;
	case 4:
	case 5:
		return rng_next(&s) % (64u << 10);
	default:
		return rng_next(&s) % (MAX_LEN + 1);
	}
}

static void fill(uint8_t *b, size_t n, uint64_t seed, int from, int i)
{
	uint64_t s = seed ^ 0x5151 ^ ((uint64_t)from << 32) ^ (uint64_t)i;

	for (size_t k = 0; k < n; k++)
		b[k] = (uint8_t)(rng_next(&s) >> 7);
}

static int peer(void)
{
	int parent = pvm_parent(), me = pvm_mytid(), other, n, idx, bad = 0, got = 0;
	int route_switches = 0;
	uint64_t seed = 0, rs;
	uint8_t *buf = malloc(MAX_LEN), *want = malloc(MAX_LEN);
	/* (a few seconds suffice even under a sanitizer: a lost message
	 * fails here, before the test's own timeout ends it unreported) */
	struct timeval tmo = {30, 0};

	if (buf == NULL || want == NULL)
		return 1;
	if (pvm_recv(parent, TAG_GO) <= 0)
		return 1;
	pvm_upkint(&other, 1, 1);
	pvm_upkint(&n, 1, 1);
	pvm_upkint(&idx, 1, 1);
	pvm_upkulong((unsigned long *)&seed, 1, 1);
	rs = seed ^ (uint64_t)me;
	/* send all, receiving as we go (the other does the same) */
	for (int i = 0, next = 0; i < n || next < n;) {
		if (i < n) {
			size_t len = msg_len(seed, idx, i);
			int tag = TAG_PEER + 10 + (int)(rng_next(&rs) % 5);

			if (rng_next(&rs) % 7 == 0) {
				int r = pvm_getopt(PvmRoute) == PvmDontRoute ? PvmRouteDirect
				                                              : PvmDontRoute;
				pvm_setopt(PvmRoute, r);
				route_switches++;
			}
			fill(buf, len, seed, idx, i);
			pvm_initsend(rng_next(&rs) % 3 == 0 ? PvmDataInPlace : PvmDataDefault);
			pvm_pkint(&i, 1, 1);
			pvm_pkbyte((char *)buf, (int)len, 1);
			if (rng_next(&rs) % 11 == 0) {
				int tids[2] = {other, other};

				if (pvm_mcast(tids, 2, tag) < 0)
					bad++;
			} else if (pvm_send(other, tag) < 0) {
				bad++;
			}
			i++;
		}
		/* take what has come; all of it once we are done sending */
		while (next < n) {
			int bufid = i < n ? pvm_nrecv(other, -1) : pvm_trecv(other, -1, &tmo);
			int bytes, tag, src, seq;
			size_t len;

			if (bufid <= 0) {
				if (i >= n) {
					printf("FAIL - peer t%x: message %d never came\n", me, next);
					bad++;
					next = n;
				}
				break;
			}
			pvm_bufinfo(bufid, &bytes, &tag, &src);
			pvm_upkint(&seq, 1, 1);
			len = msg_len(seed, 1 - idx, seq);
			if (seq != next) {
				printf("FAIL - peer t%x: message %d came as number %d\n", me, seq,
				       next);
				bad++;
			} else if (len > 0 && (pvm_upkbyte((char *)buf, (int)len, 1) < 0 ||
			                       (fill(want, len, seed, 1 - idx, seq),
			                        memcmp(buf, want, len) != 0))) {
				printf("FAIL - peer t%x: message %d (%zu bytes) corrupted\n", me,
				       seq, len);
				bad++;
			}
			got++;
			next = seq + 1;
		}
	}
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&got, 1, 1);
	pvm_pkint(&bad, 1, 1);
	pvm_pkint(&route_switches, 1, 1);
	pvm_send(parent, TAG_REPORT);
	free(buf);
	free(want);
	pvm_exit();
	return 0;
}

/* Spawns one task of direct_t with argv on host where (NULL: anywhere);
 * its tid, or 0. */
static int spawn_on(char **argv, const char *where)
{
	int tid = 0;

	if (pvm_spawn("direct_t", argv, where != NULL ? PvmTaskHost : PvmTaskDefault,
	              where != NULL ? (char *)where : "", 1, &tid) != 1 || tid <= 0) {
		printf("FAIL - spawn of direct_t %s on %s (%d)\n", argv[0],
		       where != NULL ? where : "any host", tid);
		return 0;
	}
	return tid;
}

static int pair(int n, unsigned long seed, char **where)
{
	int tids[2], got, bad, sw;
	struct timeval tmo = {50, 0};
	char *argv[] = {"peer", NULL};

	for (int k = 0; k < 2; k++)
		if ((tids[k] = spawn_on(argv, where != NULL ? where[k] : NULL)) == 0)
			return 1;
	for (int k = 0; k < 2; k++) {
		int idx = k;

		pvm_initsend(PvmDataDefault);
		pvm_pkint(&tids[1 - k], 1, 1);
		pvm_pkint(&n, 1, 1);
		pvm_pkint(&idx, 1, 1);
		pvm_pkulong(&seed, 1, 1);
		pvm_send(tids[k], TAG_GO);
	}
	for (int k = 0; k < 2; k++) {
		if (pvm_trecv(tids[k], TAG_REPORT, &tmo) <= 0) {
			CHECK(0, "peer t%x reported within 50 s", tids[k]);
			continue;
		}
		pvm_upkint(&got, 1, 1);
		pvm_upkint(&bad, 1, 1);
		pvm_upkint(&sw, 1, 1);
		CHECK(got == n && bad == 0,
		      "peer t%x: %d of %d messages in order and intact, %d bad, %d route switches",
		      tids[k], got, n, bad, sw);
	}
	pvm_exit();
	return fails != 0;
}

static long long cpu_us(const struct rusage *ru)
{
	return (long long)ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec +
	       (long long)ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec;
}

static int blocked(int secs, const char *policy)
{
	struct timeval tmo = {secs, 0};
	struct rusage ru0, ru;

	if (pvm_mytid() < 0)
		return 1;
	if (policy != NULL && strcmp(policy, "constant") == 0) {
		/* PVM's values only; then spin instead of sleeping */
		CHECK(pvm_setopt(PvmPollType, 7) == PvmBadParam &&
		          pvm_setopt(PvmPollTime, -1) == PvmBadParam,
		      "PvmPollType 7 and PvmPollTime -1 are refused");
		pvm_setopt(PvmPollType, PvmPollConstant);
	}
	if (policy != NULL && strcmp(policy, "mbox") == 0) {
		char secs_s[16], *argv[] = {"putlater", secs_s, NULL};
		int child, r;

		snprintf(secs_s, sizeof(secs_s), "%d", secs);
		CHECK(pvm_spawn("direct_t", argv, PvmTaskDefault, "", 1, &child) == 1,
		      "spawn putlater");
		getrusage(RUSAGE_SELF, &ru0);
		r = pvm_recvinfo("direct_t.late", 0, PvmMboxWaitForInfo);
		getrusage(RUSAGE_SELF, &ru);
		CHECK(r > 0, "the late mailbox entry came: %d", r);
	} else {
		getrusage(RUSAGE_SELF, &ru0);
		pvm_trecv(-1, 99, &tmo);
		getrusage(RUSAGE_SELF, &ru);
	}
	/* the CPU the wait used (not the start-up's, which a sanitized
	 * build on a loaded machine makes tens of ms), and how often it
	 * went to sleep: a spinner never does, however loaded the machine */
	printf("cpu_us %ld\n", (long)(cpu_us(&ru) - cpu_us(&ru0)));
	printf("sleeps %ld\n", ru.ru_nvcsw - ru0.ru_nvcsw);
	printf("preempted %ld\n", ru.ru_nivcsw - ru0.ru_nivcsw);
	fflush(stdout);
	pvm_exit();
	return 0;
}

/* blocked's child: after secs (outside libpvm), the entry it waits for */
static int putlater(int secs)
{
	int v = 1, buf;

	if (pvm_mytid() < 0)
		return 1;
	sleep((unsigned)secs);
	buf = pvm_initsend(PvmDataDefault);
	pvm_pkint(&v, 1, 1);
	pvm_putinfo("direct_t.late", buf, PvmMboxDefault);
	pvm_exit();
	return 0;
}

static int sink(int k)
{
	int parent = pvm_parent(), ok = 0;

	/* registered now: the master may reach us directly */
	pvm_initsend(PvmDataDefault);
	pvm_send(parent, TAG_GO);
	for (int i = 0; i < k; i++) {
		int bytes, tag, src, bufid = pvm_recv(parent, TAG_PEER);

		if (bufid > 0 && pvm_bufinfo(bufid, &bytes, &tag, &src) == 0 && bytes >= (1 << 20))
			ok++;
	}
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&ok, 1, 1);
	pvm_send(parent, TAG_REPORT);
	pvm_exit();
	return 0;
}

static int stream(int k, const char *route, const char *where)
{
	char arg[16], *argv[] = {"sink", arg, NULL};
	struct timeval tmo = {60, 0};
	int sinktid, ok = -1;
	char *buf = calloc(1, 1 << 20);

	snprintf(arg, sizeof(arg), "%d", k);
	if (buf == NULL || (sinktid = spawn_on(argv, where)) == 0)
		return 1;
	pvm_setopt(PvmRoute, strcmp(route, "daemon") == 0 ? PvmDontRoute : PvmRouteDirect);
	if (pvm_trecv(sinktid, TAG_GO, &tmo) <= 0) {
		printf("FAIL - the sink did not start\n");
		return 1;
	}
	for (int i = 0; i < k; i++) {
		pvm_initsend(PvmDataRaw);
		pvm_pkbyte(buf, 1 << 20, 1);
		pvm_send(sinktid, TAG_PEER);
	}
	if (pvm_trecv(sinktid, TAG_REPORT, &tmo) > 0)
		pvm_upkint(&ok, 1, 1);
	CHECK(ok == k, "the sink took %d of %d messages of 1 MiB (%s route)", ok, k, route);
	free(buf);
	pvm_exit();
	return fails != 0;
}

#define TAG_ECHO 50

static int echo(int n, int spinning)
{
	int parent = pvm_parent(), v[2];

	if (spinning)
		pvm_setopt(PvmPollType, PvmPollConstant);
	for (int i = 0; i < n; i++) {
		if (pvm_recv(parent, TAG_ECHO) < 0 || pvm_upkint(v, 2, 1) < 0)
			return 1;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(v, 2, 1);
		pvm_send(parent, TAG_ECHO);
	}
	pvm_exit();
	return 0;
}

static int few(int n, const char *where, int noted)
{
	char arg[16], *argv[] = {"echo", arg, noted ? "spinning" : NULL, NULL};
	struct timeval tmo = {noted ? 5 : 30, 0};
	int tid, ok = 0;

	snprintf(arg, sizeof(arg), "%d", n);
	if ((tid = spawn_on(argv, where)) == 0)
		return 1;
	if (noted)
		pvm_setopt(PvmRoute, PvmDontRoute);
	for (int i = 0; i < n; i++) {
		int v[2] = {i, 3 * i + 1}, w[2];

		pvm_initsend(PvmDataDefault);
		pvm_pkint(v, 2, 1);
		pvm_send(tid, TAG_ECHO);
		if (pvm_trecv(tid, TAG_ECHO, &tmo) > 0 && pvm_upkint(w, 2, 1) == 0 && w[0] == v[0] &&
		    w[1] == v[1])
			ok++;
	}
	CHECK(ok == n, "%d of %d messages of 8 bytes echoed", ok, n);
	pvm_exit();
	return fails != 0;
}

#define TAG_PS 60
#define TAG_MHF 61
#define TAG_RECVF 62
#define TAG_SELECT 63

/* features' partner: answers each step of the master's */
static int fpeer(void)
{
	int parent = pvm_parent(), v[4];

	/* psend/precv: echo four ints back, plus one */
	if (pvm_precv(parent, TAG_PS, v, 4, PVM_INT, NULL, NULL, NULL) < 0)
		return 1;
	for (int i = 0; i < 4; i++)
		v[i]++;
	pvm_psend(parent, TAG_PS, v, 4, PVM_INT);
	/* for the handler, then two for recvf (it must pick the second) */
	pvm_recv(parent, TAG_GO);
	pvm_initsend(PvmDataDefault);
	pvm_pkint(v, 1, 1);
	pvm_send(parent, TAG_MHF);
	for (int k = 1; k <= 2; k++) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(v, k, 1); /* the second is the larger */
		pvm_send(parent, TAG_RECVF);
	}
	/* for the select: after the master sleeps in it */
	pvm_recv(parent, TAG_GO);
	usleep(300 * 1000);
	pvm_initsend(PvmDataDefault);
	pvm_pkint(v, 1, 1);
	pvm_send(parent, TAG_SELECT);
	pvm_recv(parent, TAG_REPORT);
	pvm_exit();
	return 0;
}

static int handled;
static int on_mhf(int mid)
{
	(void)mid;
	handled++;
	return 0;
}

/* pvm_recvf matcher: TAG_RECVF messages, the larger the better */
static int pick_larger(int bufid, int tid, int tag)
{
	int btag = -1, bytes = 0, src;

	(void)tid;
	(void)tag;
	if (pvm_bufinfo(bufid, &bytes, &btag, &src) < 0 || btag != TAG_RECVF)
		return 0;
	return 2 + bytes; /* > 1: ranked, the highest picked */
}

static int features(const char *where)
{
	char *argv[] = {"fpeer", NULL};
	int tid, v[4] = {10, 20, 30, 40}, w[4] = {0}, atid = 0, atag = 0, acnt = 0, *fds, n;
	int (*old)(int, int, int);
	struct timeval tmo = {10, 0};
	fd_set set;

	if ((tid = spawn_on(argv, where)) == 0)
		return 1;
	CHECK(pvm_psend(tid, TAG_PS, v, 4, PVM_INT) == 0 &&
	          pvm_precv(tid, TAG_PS, w, 4, PVM_INT, &atid, &atag, &acnt) == 0 &&
	          atid == tid && atag == TAG_PS && w[0] == 11 && w[3] == 41,
	      "pvm_psend/pvm_precv to t%x and back (%d %d %d %d; from t%x, tag %d, %d)", tid,
	      w[0], w[1], w[2], w[3], atid, atag, acnt);
	CHECK(pvm_addmhf(tid, TAG_MHF, -1, on_mhf) >= 0, "pvm_addmhf");
	pvm_initsend(PvmDataDefault);
	pvm_send(tid, TAG_GO);
	for (int i = 0; i < 1000 && handled == 0; i++) {
		pvm_probe(-1, -1);
		usleep(10 * 1000);
	}
	CHECK(handled == 1, "the message handler ran once for the message from t%x (%d)", tid,
	      handled);
	/* pvm3.h declares pvm_recvf's result with PVM's odd type */
	old = (int (*)(int, int, int))(void (*)(void))pvm_recvf(pick_larger);
	/* both must be in: wait for the second, then take the better */
	for (int i = 0; i < 1000 && pvm_probe(tid, TAG_RECVF) <= 0; i++)
		usleep(10 * 1000);
	n = pvm_trecv(tid, TAG_RECVF, &tmo);
	pvm_recvf(old);
	CHECK(n > 0 && pvm_upkint(w, 2, 1) == 0, "pvm_recvf picked the larger of two");
	n = pvm_trecv(tid, TAG_RECVF, &tmo);
	CHECK(n > 0 && pvm_upkint(w, 1, 1) == 0, "then the smaller is still there");
	/* select on pvm_getfds, woken by the message */
	n = pvm_getfds(&fds);
	pvm_initsend(PvmDataDefault);
	pvm_send(tid, TAG_GO);
	for (int waited = 0; waited < 10; waited++) {
		int max = 0, r;
		struct timeval one = {1, 0};

		FD_ZERO(&set);
		for (int i = 0; i < n; i++) {
			FD_SET(fds[i], &set);
			max = fds[i] > max ? fds[i] : max;
		}
		r = select(max + 1, &set, NULL, NULL, &one);
		if (r > 0 && pvm_nrecv(tid, TAG_SELECT) > 0)
			break;
		if (waited == 9)
			n = -1;
	}
	CHECK(n > 0, "a select on pvm_getfds' %d descriptors woke for the message", n);
	pvm_initsend(PvmDataDefault);
	pvm_send(tid, TAG_REPORT);
	pvm_exit();
	return fails != 0;
}

/* Says it is there, then never calls pvm again. */
static _Noreturn void idle(void)
{
	pvm_initsend(PvmDataDefault);
	pvm_send(pvm_parent(), TAG_GO);
	for (;;)
		pause();
}

static int flood(int k, const char *where)
{
	char *argv[] = {"idle", NULL};
	struct timeval tmo = {60, 0};
	char *buf = calloc(1, 1 << 20);
	int tid;

	if (buf == NULL || (tid = spawn_on(argv, where)) == 0)
		return 1;
	if (pvm_trecv(tid, TAG_GO, &tmo) <= 0) {
		printf("FAIL - the idle task did not start\n");
		return 1;
	}
	{
		struct pvmtaskinfo *ti = NULL;
		int nt = 0;

		pvm_tasks(tid, &nt, &ti);
		printf("idle t%x pid %d\n", tid, nt == 1 ? ti[0].ti_pid : 0);
	}
	fflush(stdout);
	for (int i = 0; i < k; i++) {
		int r;

		pvm_initsend(PvmDataRaw);
		pvm_pkbyte(buf, 1 << 20, 1);
		if ((r = pvm_send(tid, TAG_PEER)) < 0)
			printf("FAIL - send %d: %d\n", i, r);
		printf("sent %d\n", i);
		fflush(stdout);
	}
	printf("flood done\n");
	free(buf);
	pvm_exit();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "sink") == 0)
		return sink(atoi(argv[2]));
	if (argc > 3 && strcmp(argv[1], "stream") == 0)
		return stream(atoi(argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
	if (argc > 3 && strcmp(argv[1], "flood") == 0)
		return flood(atoi(argv[2]), argv[3]);
	if (argc > 2 && strcmp(argv[1], "features") == 0)
		return features(argv[2]);
	if (argc > 2 && strcmp(argv[1], "echo") == 0)
		return echo(atoi(argv[2]), argc > 3 && strcmp(argv[3], "spinning") == 0);
	if (argc > 3 && strcmp(argv[1], "few") == 0)
		return few(atoi(argv[2]), argv[3], argc > 4 && strcmp(argv[4], "noted") == 0);
	if (argc > 1 && strcmp(argv[1], "fpeer") == 0)
		return fpeer();
	if (argc > 1 && strcmp(argv[1], "idle") == 0)
		idle();
	if (argc > 1 && strcmp(argv[1], "peer") == 0)
		return peer();
	if (argc > 3 && strcmp(argv[1], "pair") == 0)
		return pair(atoi(argv[2]), strtoul(argv[3], NULL, 0), argc > 5 ? argv + 4 : NULL);
	if (argc > 2 && strcmp(argv[1], "putlater") == 0)
		return putlater(atoi(argv[2]));
	if (argc > 2 && strcmp(argv[1], "blocked") == 0)
		return blocked(atoi(argv[2]), argc > 3 ? argv[3] : NULL);
	if (argc > 1 && strcmp(argv[1], "sleeper") == 0) {
		if (pvm_mytid() < 0)
			return 1;
		printf("sleeping t%x\n", pvm_mytid());
		fflush(stdout);
		pvm_recv(-1, 99);
		return 0;
	}
	fprintf(stderr, "usage: direct_t pair N SEED [A B] | stream K ROUTE [H] | flood K H | "
	                "few N H [noted] | blocked SECS [constant|mbox] | sleeper\n");
	return 2;
}

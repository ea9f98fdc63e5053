/*
 * grp_t.c - test_groups.sh's task: group membership and the daemon's
 * barrier.  A master spawns children (grp_t child) and drives them by
 * messages: each command (op, group, arg) is run by the child, which
 * answers with the call's result, so the master sees what every member
 * got, and whether a barrier is still waiting.
 *   grp_t basic                  one host: join/leave/reuse/errors,
 *                                barriers, freeze, exits
 *   grp_t hosts H2 H3 H4 PID3    members over four hosts, groups homed on
 *                                different daemons, concurrent barriers;
 *                                then PID3 (H3's daemon) is killed: the
 *                                group homed there is made again
 *   grp_t add H2 H3              groups made on one host, then hosts
 *                                added: groups moved to a new home keep
 *                                their members and a waiting barrier
 *   grp_t views H2               two members on H2 of a group homed here
 *                                read it from their daemon's view; joins
 *                                and leaves here are seen there at once
 *   grp_t freeze                 one host: three members freeze a group
 *                                and use it (test_groups.sh counts the
 *                                requests its home served)
 *   grp_t frozen H2 H3           frozen groups over two hosts, then H2
 *                                added (some move there) and its daemon
 *                                killed: each stays frozen, as it froze
 *   grp_t hold NAME SECS         joins NAME ("hold INST"), then sleeps
 */
#include "check.h"

#include <pvm3.h>
#include <pvmx.h>
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define TAG_CMD 41
#define TAG_RES 42
#define TAG_RED 43
extern int pvm_errno; /* libpvm3 (PVM 3.4.6 exports it; its pvm3.h does not declare it) */

enum {
	OP_JOIN,
	OP_LEAVE,
	OP_BARRIER,
	OP_FREEZE,
	OP_GSIZE,
	OP_EXIT,
	OP_READS,
	OP_TICKLE,
	OP_REDUCE
};

/* arg rounds of gsize, gettid of instance 0 and getinst of ourselves
 * on g: the size, or -1 when a round disagreed with the first. */
static int reads(const char *g, int rounds)
{
	int size = pvm_gsize((char *)g), tid0 = pvm_gettid((char *)g, 0);
	int me = pvm_getinst((char *)g, pvm_mytid());

	for (int i = 1; i < rounds; i++) {
		if (pvm_gsize((char *)g) != size || pvm_gettid((char *)g, 0) != tid0 ||
		    pvm_getinst((char *)g, pvm_mytid()) != me)
			return -1;
	}
	return size;
}

static int child(void)
{
	int parent = pvm_parent();

	for (;;) {
		int op, arg, r = 0;
		char g[256];

		if (pvm_recv(parent, TAG_CMD) < 0)
			return 1;
		pvm_upkint(&op, 1, 1);
		pvm_upkstr(g);
		pvm_upkint(&arg, 1, 1);
		switch (op) {
		case OP_JOIN:
			r = pvm_joingroup(g);
			break;
		case OP_LEAVE:
			r = pvm_lvgroup(g);
			break;
		case OP_BARRIER:
			r = pvm_barrier(g, arg);
			break;
		case OP_FREEZE:
			r = pvm_freezegroup(g, arg);
			break;
		case OP_GSIZE:
			r = pvm_gsize(g);
			break;
		case OP_READS:
			r = reads(g, arg);
			break;
		case OP_TICKLE: {
			int what = arg, nres = 0, res[16];

			r = pvm_tickle(1, &what, &nres, res);
			break;
		}
		case OP_REDUCE: {
			/* the sum of instance + 1 over the members, at instance arg */
			int me = pvm_getinst(g, pvm_mytid()), v = me + 1;

			r = pvm_reduce(PvmSum, &v, 1, PVM_INT, TAG_RED, g, arg);
			if (r >= 0 && me == arg)
				r = v;
			break;
		}
		case OP_EXIT:
			pvm_exit();
			return 0;
		}
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&r, 1, 1);
		pvm_send(parent, TAG_RES);
	}
}

static void cmd_send(int tid, int op, const char *g, int arg)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&op, 1, 1);
	pvm_pkstr((char *)g);
	pvm_pkint(&arg, 1, 1);
	pvm_send(tid, TAG_CMD);
}

/* The answer of tid to its last command, waiting up to ms; -9999 when
 * none came. */
static int cmd_wait(int tid, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	int r = -9999;

	if (pvm_trecv(tid, TAG_RES, &tv) > 0)
		pvm_upkint(&r, 1, 1);
	return r;
}

static int cmd(int tid, int op, const char *g, int arg)
{
	cmd_send(tid, op, g, arg);
	return cmd_wait(tid, 20000);
}

static int spawn_kids(const char *where, int n, int *tids)
{
	char *argv[] = {"child", NULL};
	int got = pvm_spawn("grp_t", argv, where != NULL ? PvmTaskHost : PvmTaskDefault,
	                    (char *)where, n, tids);

	CHECK(got == n, "spawned %d children on %s (got %d)", n,
	      where ? where : "any host", got);
	return got == n;
}

/* gsize of g, polled until it is want (up to 5 s) */
static int gsize_becomes(const char *g, int want)
{
	int r = 0;

	for (int i = 0; i < 100; i++) {
		r = pvm_gsize((char *)g);
		if (r == want)
			break;
		usleep(50000);
	}
	return r;
}

/* The home daemon of group g (pvmx_groups), 0 when none lists it. */
static int home_of(const char *g)
{
	struct pvmxgroupinfo *gs;
	int n;

	if (pvmx_groups(&gs, &n) < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(gs[i].gi_name, g) == 0)
			return gs[i].gi_home;
	}
	return 0;
}

static int basic(void)
{
	int k[5], r, me = pvm_mytid();

	if (!spawn_kids(NULL, 5, k))
		return 1;
	/* joins: instances from 0; a second join; errors */
	CHECK(cmd(k[0], OP_JOIN, "g", 0) == 0, "first join is instance 0");
	CHECK(cmd(k[1], OP_JOIN, "g", 0) == 1, "second join is instance 1");
	CHECK(cmd(k[2], OP_JOIN, "g", 0) == 2, "third join is instance 2");
	CHECK((r = cmd(k[1], OP_JOIN, "g", 0)) == PvmDupGroup,
	      "joining twice: PvmDupGroup (%d)", r);
	CHECK((r = pvm_gsize("g")) == 3, "gsize 3 (%d)", r);
	CHECK((r = pvm_gettid("g", 1)) == k[1], "gettid 1 is the second (%x)", r);
	CHECK((r = pvm_getinst("g", k[2])) == 2, "getinst of the third is 2 (%d)", r);
	CHECK((r = pvm_getinst("g", me)) == PvmNotInGroup,
	      "getinst of a non-member: "
	      "PvmNotInGroup (%d)",
	      r);
	CHECK((r = pvm_gettid("g", 7)) == PvmNoInst,
	      "gettid of an unused instance: "
	      "PvmNoInst (%d)",
	      r);
	CHECK((r = pvm_gettid("g", -1)) == PvmNoInst, "gettid -1: PvmNoInst (%d)", r);
	CHECK((r = pvm_gsize("nosuch")) == PvmNoGroup,
	      "gsize of no group: PvmNoGroup (%d)", r);
	CHECK((r = pvm_getinst("nosuch", me)) == PvmNoGroup,
	      "getinst in no group: PvmNoGroup (%d)", r);
	CHECK((r = pvm_gettid("nosuch", 0)) == PvmNoGroup,
	      "gettid in no group: PvmNoGroup (%d)", r);
	CHECK((r = pvm_lvgroup("nosuch")) == PvmNoGroup,
	      "leaving no group: PvmNoGroup (%d)", r);
	CHECK((r = pvm_lvgroup("g")) == PvmNotInGroup,
	      "leaving as a non-member: "
	      "PvmNotInGroup (%d)",
	      r);
	CHECK((r = pvm_joingroup("")) == PvmNullGroup, "join \"\": PvmNullGroup (%d)", r);
	CHECK((r = pvm_joingroup(NULL)) == PvmNullGroup, "join NULL: PvmNullGroup (%d)",
	      r);
	CHECK((r = pvm_barrier("g", 2)) == PvmNotInGroup,
	      "a non-member's barrier: "
	      "PvmNotInGroup (%d)",
	      r);
	CHECK((r = pvm_barrier("nosuch", 2)) == PvmNoGroup,
	      "barrier of no group: "
	      "PvmNoGroup (%d)",
	      r);
	CHECK(pvm_errno == PvmNoGroup, "pvm_errno is the last error (%d)", pvm_errno);
	/* leave and reuse */
	CHECK(cmd(k[1], OP_LEAVE, "g", 0) == 0, "instance 1 leaves");
	CHECK((r = cmd(k[1], OP_LEAVE, "g", 0)) == PvmNotInGroup,
	      "leaving again: PvmNotInGroup (%d)", r);
	CHECK((r = pvm_gettid("g", 1)) == PvmNoInst,
	      "its instance is free: PvmNoInst (%d)", r);
	CHECK((r = pvm_gsize("g")) == 2, "gsize 2 (%d)", r);
	CHECK((r = cmd(k[3], OP_JOIN, "g", 0)) == 1,
	      "a new member reuses instance 1 (%d)", r);
	CHECK((r = cmd(k[1], OP_JOIN, "g", 0)) == 3, "the leaver rejoins as 3 (%d)", r);

	/* barrier with a count: waits until count members are in */
	cmd_send(k[0], OP_BARRIER, "g", 3);
	cmd_send(k[1], OP_BARRIER, "g", 3);
	CHECK(cmd_wait(k[0], 300) == -9999, "barrier(3) with 2 in: still waiting");
	cmd_send(k[2], OP_BARRIER, "g", 3);
	CHECK(cmd_wait(k[0], 5000) == 0 && cmd_wait(k[1], 5000) == 0 &&
	          cmd_wait(k[2], 5000) == 0,
	      "the third arrival releases all three");
	/* -1: the group's size (4) */
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_BARRIER, "g", -1);
	CHECK(cmd_wait(k[0], 300) == -9999, "barrier(-1) with 3 of 4 in: waiting");
	cmd_send(k[3], OP_BARRIER, "g", -1);
	r = 0;
	for (int i = 0; i < 4; i++)
		r |= cmd_wait(k[i], 5000);
	CHECK(r == 0, "barrier(-1) passes when all 4 are in");
	/* counts that disagree, a count below 1 */
	cmd_send(k[0], OP_BARRIER, "g", 2);
	usleep(500000); /* its call first: it sets the count */
	CHECK((r = cmd(k[1], OP_BARRIER, "g", 3)) == PvmMismatch,
	      "another count during a barrier: PvmMismatch (%d)", r);
	CHECK((r = cmd(k[2], OP_BARRIER, "g", 2)) == 0 && cmd_wait(k[0], 5000) == 0,
	      "the barrier passes with its own count (%d)", r);
	CHECK((r = cmd(k[2], OP_BARRIER, "g", 0)) == PvmMismatch,
	      "count 0: PvmMismatch (%d)", r);
	/* a waiter that exits is not counted */
	cmd_send(k[3], OP_BARRIER, "g", 3);
	usleep(200000);
	pvm_sendsig(k[3], SIGKILL);
	CHECK(gsize_becomes("g", 3) == 3, "a member killed with -9 leaves (gsize 3)");
	cmd_send(k[0], OP_BARRIER, "g", 2);
	CHECK((r = cmd(k[1], OP_BARRIER, "g", 2)) == 0 && cmd_wait(k[0], 5000) == 0,
	      "its barrier call went with it: a new barrier(2) passes (%d)", r);

	/* freeze: all callers wait for size; then joins are refused */
	CHECK(cmd(k[0], OP_JOIN, "f", 0) == 0 && cmd(k[1], OP_JOIN, "f", 0) == 1 &&
	          cmd(k[2], OP_JOIN, "f", 0) == 2,
	      "three join f");
	CHECK((r = pvm_freezegroup("f", -1)) == PvmNotInGroup,
	      "a non-member's freeze: PvmNotInGroup (%d)", r);
	CHECK((r = pvm_freezegroup("nosuch", -1)) == PvmNoGroup,
	      "freezing no group: PvmNoGroup (%d)", r);
	cmd_send(k[0], OP_FREEZE, "f", -1);
	usleep(500000); /* its freeze first: it sets the size */
	CHECK((r = cmd(k[1], OP_FREEZE, "f", 2)) == PvmMismatch,
	      "another size during a freeze: PvmMismatch (%d)", r);
	cmd_send(k[1], OP_FREEZE, "f", -1);
	CHECK(cmd_wait(k[0], 300) == -9999, "freeze with 2 of 3 in: waiting");
	cmd_send(k[2], OP_FREEZE, "f", -1);
	r = 0;
	for (int i = 0; i < 3; i++)
		r += cmd_wait(k[i], 5000) == 3;
	CHECK(r == 3, "the third freeze completes it: each answers the size, 3");
	CHECK((r = cmd(k[4], OP_JOIN, "f", 0)) == PvmNotInGroup,
	      "joining a frozen group: PvmNotInGroup (%d)", r);
	CHECK((r = cmd(k[0], OP_FREEZE, "f", -1)) == PvmDupGroup,
	      "freezing again: PvmDupGroup (%d)", r);
	CHECK((r = cmd(k[0], OP_GSIZE, "f", 0)) == 3, "a member's gsize of it: 3 (%d)",
	      r);
	cmd_send(k[0], OP_BARRIER, "f", -1);
	cmd_send(k[1], OP_BARRIER, "f", -1);
	usleep(200000);
	CHECK(cmd(k[2], OP_LEAVE, "f", 0) == 0, "a member leaves the frozen group");
	CHECK((r = cmd_wait(k[0], 5000)) == PvmNoGroup &&
	          cmd_wait(k[1], 5000) == PvmNoGroup,
	      "the barrier's waiters get PvmNoGroup (%d)", r);
	CHECK((r = cmd(k[0], OP_BARRIER, "f", -1)) == PvmNoGroup,
	      "a later barrier too: PvmNoGroup (%d)", r);
	CHECK((r = pvm_gsize("f")) == 2, "its size is still answered: 2 (%d)", r);

	/* a group survives any member's exit; the last one takes it */
	CHECK(cmd(k[4], OP_JOIN, "solo", 0) == 0, "solo joined");
	pvm_sendsig(k[4], SIGKILL);
	CHECK(gsize_becomes("solo", PvmNoGroup) == PvmNoGroup,
	      "its only member killed: the group is gone");
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_EXIT, "", 0);
	CHECK(gsize_becomes("g", PvmNoGroup) == PvmNoGroup &&
	          gsize_becomes("f", PvmNoGroup) == PvmNoGroup,
	      "members that pvm_exit leave all their groups");
	return 0;
}

/* Two group names homed on different daemons (other than skip). */
static int pick_groups(char names[][32], int n, int *homes)
{
	int got = 0;

	for (int i = 0; i < 64 && got < n; i++) {
		char g[32];
		int h, dup = 0;

		snprintf(g, sizeof(g), "grp%d", i);
		if (pvm_joingroup(g) < 0)
			continue;
		h = home_of(g);
		pvm_lvgroup(g);
		for (int k = 0; k < got; k++)
			dup |= homes[k] == h;
		if (h == 0 || dup)
			continue;
		snprintf(names[got], 32, "%s", g);
		homes[got++] = h;
	}
	return got;
}

static int hosts(char **hv, int pid3)
{
	int k[4], r, homes[4] = {0};
	char g[4][32];
	const char *where[4] = {".", hv[0], hv[1], hv[2]};
	int dead = -1, lost = -1;

	for (int i = 0; i < 4; i++) {
		if (!spawn_kids(where[i], 1, &k[i]))
			return 1;
	}
	CHECK(pick_groups(g, 4, homes) == 4,
	      "four groups homed on four daemons: %s %x, %s %x, "
	      "%s %x, %s %x",
	      g[0], homes[0], g[1], homes[1], g[2], homes[2], g[3], homes[3]);
	/* every child joins every group */
	for (int j = 0; j < 4; j++) {
		r = 0;
		for (int i = 0; i < 4; i++)
			r |= cmd(k[i], OP_JOIN, g[j], 0) != i;
		CHECK(r == 0, "%s: the four hosts' members are instances 0-3", g[j]);
		CHECK(pvm_gettid(g[j], 2) == k[2] && pvm_getinst(g[j], k[3]) == 3 &&
		          pvm_gsize(g[j]) == 4,
		      "%s: gettid, getinst and gsize from the master", g[j]);
	}
	/* concurrent barriers: a barrier waiting in one group holds up no
	 * other group's operations */
	cmd_send(k[0], OP_BARRIER, g[0], 4);
	cmd_send(k[1], OP_BARRIER, g[0], 4);
	for (int j = 1; j < 4; j++) {
		for (int i = 2; i < 4; i++)
			cmd_send(k[i], OP_BARRIER, g[j], 2);
		r = cmd_wait(k[2], 5000) | cmd_wait(k[3], 5000);
		CHECK(r == 0, "%s's barrier passes while %s's waits", g[j], g[0]);
	}
	cmd_send(k[2], OP_BARRIER, g[0], 4);
	cmd_send(k[3], OP_BARRIER, g[0], 4);
	r = 0;
	for (int i = 0; i < 4; i++)
		r |= cmd_wait(k[i], 5000);
	CHECK(r == 0, "%s's barrier passes when all four are in", g[0]);

	/* kill H3's daemon: its member leaves every group; groups homed
	 * elsewhere go on; a barrier waiting at its home gets PvmSysErr */
	for (int j = 0; j < 4; j++) {
		if (homes[j] == pvm_tidtohost(k[2]))
			lost = j;
	}
	if (lost >= 0) {
		cmd_send(k[0], OP_BARRIER, g[lost], 4);
		usleep(500000); /* waiting at the home before it dies */
	}
	CHECK(kill(pid3, SIGKILL) == 0, "killed %s's daemon (pid %d)", hv[1], pid3);
	if (lost >= 0)
		CHECK((r = cmd_wait(k[0], 10000)) == PvmSysErr,
		      "a barrier waiting at the dead home: PvmSysErr (%d)", r);
	/* every group goes on without the dead host's member, also the one
	 * homed there: the daemons give its new home their members */
	for (int j = 0; j < 4; j++) {
		CHECK((r = gsize_becomes(g[j], 3)) == 3,
		      "%s%s: the dead host's member left (%d)", g[j],
		      j == lost ? " (homed on the dead host)" : "", r);
		CHECK(pvm_gettid(g[j], 2) == PvmNoInst && pvm_gettid(g[j], 3) == k[3],
		      "%s: instance 2 free, the others kept", g[j]);
		cmd_send(k[0], OP_BARRIER, g[j], -1);
		cmd_send(k[1], OP_BARRIER, g[j], -1);
		cmd_send(k[3], OP_BARRIER, g[j], -1);
		r = cmd_wait(k[0], 5000) | cmd_wait(k[1], 5000) | cmd_wait(k[3], 5000);
		CHECK(r == 0, "%s: barrier(-1) of the three left passes", g[j]);
		dead = j;
	}
	if (lost >= 0) {
		CHECK((r = pvm_joingroup(g[lost])) == 2,
		      "%s made again: a new member takes the free instance 2 (%d)",
		      g[lost], r);
		pvm_lvgroup(g[lost]);
	}
	(void)dead;
	cmd_send(k[0], OP_EXIT, "", 0);
	cmd_send(k[1], OP_EXIT, "", 0);
	cmd_send(k[3], OP_EXIT, "", 0);
	return 0;
}

static int add(char **hv)
{
	int k[3], r, infos[2];
	char g[12][32];

	if (!spawn_kids(".", 3, k))
		return 1;
	for (int j = 0; j < 12; j++) {
		snprintf(g[j], sizeof(g[j]), "add%d", j);
		r = 0;
		for (int i = 0; i < 3; i++)
			r |= cmd(k[i], OP_JOIN, g[j], 0) != i;
		CHECK(r == 0, "%s: three members on one host", g[j]);
	}
	cmd(k[1], OP_LEAVE, g[0], 0);
	/* a barrier waits in each group across the add */
	for (int j = 0; j < 12; j++)
		cmd_send(k[0], OP_BARRIER, g[j], 2);
	usleep(200000);
	CHECK((r = pvm_addhosts(hv, 2, infos)) == 2, "two hosts added (%d)", r);
	r = 0;
	for (int j = 0; j < 12; j++)
		r |= home_of(g[j]) != pvm_tidtohost(pvm_mytid());
	CHECK(r != 0, "some groups are homed on the new hosts now");
	for (int j = 0; j < 12; j++) {
		CHECK(pvm_gsize(g[j]) == (j == 0 ? 2 : 3) &&
		          pvm_gettid(g[j], 2) == k[2] && pvm_gettid(g[j], 0) == k[0],
		      "%s (home t%x): members and instances kept", g[j], home_of(g[j]));
		CHECK((r = cmd(k[2], OP_BARRIER, g[j], 2)) == 0 &&
		          cmd_wait(k[0], 5000) == 0,
		      "%s: the barrier waiting since before the add passes (%d)", g[j],
		      r);
	}
	CHECK((r = cmd(k[1], OP_JOIN, g[0], 0)) == 1,
	      "a join after the move reuses instance 1 "
	      "(%d)",
	      r);
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_EXIT, "", 0);
	return 0;
}

static int views(const char *h2)
{
	int k[2], kid, r, bad = 0, me = pvm_mytid(), here = pvm_tidtohost(me);
	char g[32] = "";

	if (!spawn_kids(h2, 2, k))
		return 1;
	/* a group homed on this host, so the members on h2 are not home */
	for (int i = 0; i < 64 && g[0] == '\0'; i++) {
		char n[32];

		snprintf(n, sizeof(n), "view%d", i);
		if (pvm_joingroup(n) != 0)
			continue;
		if (home_of(n) == here)
			snprintf(g, sizeof(g), "%s", n);
		pvm_lvgroup(n);
	}
	CHECK(g[0] != '\0', "a group homed on this host: %s", g);
	CHECK(cmd(k[0], OP_JOIN, g, 0) == 0 && cmd(k[1], OP_JOIN, g, 0) == 1,
	      "the two members on %s are instances 0 and 1", h2);
	CHECK((r = cmd(k[0], OP_READS, g, 200)) == 2,
	      "200 rounds of gsize, gettid and getinst agree there (%d)", r);
	CHECK((r = cmd(k[1], OP_READS, g, 200)) == 2, "and for the other member (%d)", r);
	/* barriers of all three, the two there held by their daemon */
	CHECK(pvm_joingroup(g) == 2, "this task joins as instance 2");
	for (int round = 0; round < 50; round++) {
		int count = round % 2 ? -1 : 3;

		cmd_send(k[0], OP_BARRIER, g, count);
		cmd_send(k[1], OP_BARRIER, g, count);
		r = pvm_barrier(g, count);
		bad |= r != 0 || cmd_wait(k[0], 20000) != 0 || cmd_wait(k[1], 20000) != 0;
	}
	CHECK(!bad, "50 barriers of the three members pass");
	bad = 0;
	/* one that cannot pass, its two calls held there: a leave ends it */
	cmd_send(k[0], OP_BARRIER, g, 3);
	cmd_send(k[1], OP_BARRIER, g, 3);
	CHECK(cmd_wait(k[0], 300) == -9999, "a barrier this task does not call waits");
	CHECK(pvm_lvgroup(g) == 0, "this task leaves");
	CHECK(pvm_joingroup(g) == 2 && pvm_barrier(g, 3) == 0 &&
	          cmd_wait(k[0], 20000) == 0 && cmd_wait(k[1], 20000) == 0,
	      "and joins and calls it: all three pass");
	CHECK(pvm_lvgroup(g) == 0 && cmd(k[0], OP_READS, g, 3) == 2,
	      "this task leaves again");
	/* for the test's look at that daemon's dump */
	CHECK(cmd(k[0], OP_TICKLE, "", 8) == 0, "%s's daemon dumps its groups", h2);
	/* a join and a leave here: the members there see each at once */
	for (int round = 0; round < 20; round++) {
		r = pvm_joingroup(g);
		kid = cmd(k[round % 2], OP_GSIZE, g, 0);
		bad |= r != 2 || kid != 3;
		r = pvm_lvgroup(g);
		kid = cmd(k[(round + 1) % 2], OP_GSIZE, g, 0);
		bad |= r != 0 || kid != 2;
	}
	CHECK(!bad, "20 joins and leaves here: each seen at once on %s", h2);
	CHECK((r = cmd(k[0], OP_LEAVE, g, 0)) == 0 &&
	          (kid = cmd(k[1], OP_READS, g, 3)) == 1,
	      "a member there leaves: the other sees 1 member (%d, %d)", r, kid);
	CHECK((r = cmd(k[1], OP_LEAVE, g, 0)) == 0 && pvm_gsize(g) == PvmNoGroup &&
	          cmd(k[0], OP_GSIZE, g, 0) == PvmNoGroup,
	      "the last leaves: no group, here and there (%d)", r);
	for (int i = 0; i < 2; i++)
		cmd_send(k[i], OP_EXIT, "", 0);
	return 0;
}

/* The home's log holds its counts of requests served (pvm_tickle 8). */
static void tickle_groups(void)
{
	int what = 8, nres = 0, res[16];

	pvm_tickle(1, &what, &nres, res);
}

static int freeze(void)
{
	int k[3], r = 0;

	if (!spawn_kids(".", 3, k))
		return 1;
	for (int i = 0; i < 3; i++)
		r |= cmd(k[i], OP_JOIN, "fz", 0) != i;
	CHECK(r == 0, "fz: three members, instances 0-2");
	tickle_groups(); /* the counts before */
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_FREEZE, "fz", -1);
	r = 0;
	for (int i = 0; i < 3; i++)
		r |= cmd_wait(k[i], 20000) != 3;
	CHECK(r == 0, "fz: each of the three freezes answers the size, 3");
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_REDUCE, "fz", 1);
	CHECK((r = cmd_wait(k[1], 20000)) == 6 && cmd_wait(k[0], 20000) == 0 &&
	          cmd_wait(k[2], 20000) == 0,
	      "fz: a reduction to instance 1 over the frozen group (%d)", r);
	r = 0;
	for (int i = 0; i < 3; i++)
		r |= cmd(k[i], OP_READS, "fz", 5) != 3;
	CHECK(r == 0, "fz: gsize, gettid and getinst agree in every member");
	tickle_groups(); /* and after */
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_EXIT, "", 0);
	return 0;
}

/* The pid of loopback host h's pvmd (scripts/lo-rsh gives it the
 * PVM_TMP $PVM_TMP/lo-H), 0 when none is found. */
static int daemon_pid(const char *h)
{
	static char buf[1 << 16];
	char want[512], path[300];
	const char *tmp = getenv("PVM_TMP");
	struct dirent *e;
	DIR *d = opendir("/proc");
	int pid = 0;

	if (d == NULL || tmp == NULL) {
		if (d != NULL)
			closedir(d);
		return 0;
	}
	snprintf(want, sizeof(want), "PVM_TMP=%s/lo-%s", tmp, h);
	while (pid == 0 && (e = readdir(d)) != NULL) {
		FILE *f;
		size_t n;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		if (strcmp(buf, "pvmd\n") != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/environ", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (size_t at = 0; at < n; at += strlen(buf + at) + 1) {
			if (strcmp(buf + at, want) == 0)
				pid = atoi(e->d_name);
		}
	}
	closedir(d);
	return pid;
}

/* Group g as the console lists it: its state and size (-1 when it is
 * not listed). */
static void listed(const char *g, int *state, int *size, int *home)
{
	struct pvmxgroupinfo *gs;
	int n;

	*state = *size = -1;
	*home = 0;
	if (pvmx_groups(&gs, &n) < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (strcmp(gs[i].gi_name, g) == 0) {
			*state = gs[i].gi_state;
			*size = gs[i].gi_size;
			*home = gs[i].gi_home;
		}
	}
}

/* g, frozen by k[0..2] (instances 0-2), is frozen still, as it froze:
 * listed so (waited for up to 10 s: a lost home's group is being made
 * again), its size and members read by this task (not a member: its
 * home answers), a join refused and a second freeze too, a reduction
 * over it and the members' reads. */
static void still_frozen(const char *g, const int *k, const char *when)
{
	int state = -1, size = -1, home = 0, r, bad = 0;

	for (int i = 0; i < 200 && (state != 1 || size != 3); i++) {
		if (i > 0)
			usleep(50000);
		listed(g, &state, &size, &home);
	}
	CHECK(state == 1 && size == 3,
	      "%s %s: listed frozen (%d), 3 members (%d), home t%x", g, when, state, size,
	      home);
	int t[3];

	for (int i = 0; i < 3; i++)
		bad |= (t[i] = pvm_gettid((char *)g, i)) != k[i];
	CHECK((r = pvm_gsize((char *)g)) == 3 && !bad,
	      "%s %s: gsize (%d) and gettid (%x %x %x) read by a non-member", g, when, r,
	      t[0], t[1], t[2]);
	bad = 0;
	CHECK((r = pvm_joingroup((char *)g)) == PvmNotInGroup,
	      "%s %s: a join is refused as for a frozen group (%d)", g, when, r);
	CHECK((r = cmd(k[2], OP_FREEZE, g, -1)) == PvmDupGroup,
	      "%s %s: freezing it again is PvmDupGroup (%d)", g, when, r);
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_REDUCE, g, 2);
	CHECK((r = cmd_wait(k[2], 20000)) == 6 && cmd_wait(k[0], 20000) == 0 &&
	          cmd_wait(k[1], 20000) == 0,
	      "%s %s: a reduction over it (%d)", g, when, r);
	for (int i = 0; i < 3; i++)
		bad |= cmd(k[i], OP_READS, g, 3) != 3;
	CHECK(!bad, "%s %s: the members read it as it froze", g, when);
}

static int frozen(char **hv)
{
	int k[3], r, infos[1], moved = 0, pid2, h2 = 0;
	int state, size, home, homes[12];
	char g[12][32];

	CHECK((r = pvm_addhosts(hv + 1, 1, infos)) == 1, "%s added (%d)", hv[1], r);
	if (!spawn_kids(".", 2, k) || !spawn_kids(hv[1], 1, &k[2]))
		return 1;
	/* homed here or on H3: every member's daemon hears of the freeze */
	for (int j = 0; j < 12; j++) {
		snprintf(g[j], sizeof(g[j]), "frz%d", j);
		r = 0;
		for (int i = 0; i < 3; i++)
			r |= cmd(k[i], OP_JOIN, g[j], 0) != i;
		for (int i = 0; i < 3; i++)
			cmd_send(k[i], OP_FREEZE, g[j], -1);
		for (int i = 0; i < 3; i++)
			r |= cmd_wait(k[i], 20000) != 3;
		CHECK(r == 0, "%s: joined by three members on two hosts and frozen",
		      g[j]);
	}
	still_frozen(g[0], k, "once frozen");
	CHECK((r = pvm_addhosts(hv, 1, infos)) == 1, "%s added (%d)", hv[0], r);
	if (r == 1)
		h2 = infos[0];
	for (int j = 0; j < 12; j++) {
		listed(g[j], &state, &size, &home);
		homes[j] = home;
		moved += home == h2;
	}
	CHECK(moved > 0, "%d of the 12 groups are homed on the new host t%x now", moved,
	      h2);
	for (int j = 0; j < 12; j++) {
		if (homes[j] == h2)
			still_frozen(g[j], k, "moved to the added host");
	}
	pid2 = daemon_pid(hv[0]);
	CHECK(pid2 > 0 && kill(pid2, SIGKILL) == 0, "killed %s's daemon (pid %d)", hv[0],
	      pid2);
	for (int j = 0; j < 12; j++) {
		if (homes[j] == h2)
			still_frozen(g[j], k, "after its home's daemon was killed");
	}
	for (int i = 0; i < 3; i++)
		cmd_send(k[i], OP_EXIT, "", 0);
	return 0;
}

int main(int argc, char **argv)
{
	int r = 1;

	if (argc >= 2 && strcmp(argv[1], "child") == 0)
		return child();
	if (pvm_mytid() < 0)
		return 1;
	if (argc == 2 && strcmp(argv[1], "basic") == 0)
		r = basic();
	else if (argc == 6 && strcmp(argv[1], "hosts") == 0)
		r = hosts(argv + 2, atoi(argv[5]));
	else if (argc == 4 && strcmp(argv[1], "add") == 0)
		r = add(argv + 2);
	else if (argc == 3 && strcmp(argv[1], "views") == 0)
		r = views(argv[2]);
	else if (argc == 2 && strcmp(argv[1], "freeze") == 0)
		r = freeze();
	else if (argc == 4 && strcmp(argv[1], "frozen") == 0)
		r = frozen(argv + 2);
	else if (argc == 4 && strcmp(argv[1], "hold") == 0) {
		/* a member for the console to show, until killed */
		printf("hold %d\n", pvm_joingroup(argv[2]));
		fflush(stdout);
		sleep((unsigned)atoi(argv[3]));
		r = 0;
	} else
		fprintf(stderr,
		        "usage: grp_t basic | hosts H2 H3 H4 PID3 | add H2 H3 | views H2 "
		        "| freeze | frozen H2 H3\n");
	pvm_exit();
	printf("grp_t: %d failure(s)\n", fails);
	return r != 0 || fails != 0;
}

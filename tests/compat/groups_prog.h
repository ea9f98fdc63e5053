/*
 * groups_prog.h - PVM 3.4 dynamic groups as PVM 3.4.6's group server
 * answers them, where it answers deterministically: a master and three
 * workers (itself, spawned), driven by messages, join, leave, reuse
 * instances, ask gettid/getinst/gsize, pass barriers (-1 and a count,
 * a count that disagrees), freeze a group, and leave it dead; the
 * errors (PvmDupGroup, PvmNoGroup, PvmNotInGroup, PvmNoInst,
 * PvmNullGroup, PvmMismatch) and pvm_errno; a worker's pvm_exit leaves
 * its group.  compat_groups.c and ref_groups.c (linked against PVM
 * 3.4.6's libgpvm3 and libpvm3) are this file.
 */
#ifndef COMPAT_GROUPS_PROG_H
#define COMPAT_GROUPS_PROG_H

#include <unistd.h>

#include "compat_util.h"

extern int pvm_errno;

#define GP_TAG_CMD 31
#define GP_TAG_RES 32
#define GP_NAME 128

enum { GP_JOIN, GP_LEAVE, GP_BARRIER, GP_FREEZE, GP_EXIT };

static int gp_worker(void)
{
	int parent = pvm_parent();

	for (;;) {
		int op, arg, r = 0;
		char g[GP_NAME];

		if (pvm_recv(parent, GP_TAG_CMD) < 0)
			return 1;
		pvm_upkint(&op, 1, 1);
		pvm_upkstr(g);
		pvm_upkint(&arg, 1, 1);
		if (op == GP_EXIT)
			break;
		r = op == GP_JOIN      ? pvm_joingroup(g)
		    : op == GP_LEAVE   ? pvm_lvgroup(g)
		    : op == GP_BARRIER ? pvm_barrier(g, arg)
		                       : pvm_freezegroup(g, arg);
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&r, 1, 1);
		pvm_send(parent, GP_TAG_RES);
	}
	pvm_exit();
	return 0;
}

static void gp_send(int tid, int op, const char *g, int arg)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&op, 1, 1);
	pvm_pkstr((char *)g);
	pvm_pkint(&arg, 1, 1);
	pvm_send(tid, GP_TAG_CMD);
}

/* tid's answer to its last command, -9999 if none came within ms */
static int gp_wait(int tid, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	int r = -9999;

	if (pvm_trecv(tid, GP_TAG_RES, &tv) > 0)
		pvm_upkint(&r, 1, 1);
	return r;
}

static int gp_cmd(int tid, int op, const char *g, int arg)
{
	gp_send(tid, op, g, arg);
	return gp_wait(tid, 20000);
}

static void gp_eq(const char *who, const char *what, int got, int want)
{
	char line[256];

	snprintf(line, sizeof(line), "%s = %d (PVM 3.4.6: %d)", what, got, want);
	compat_check(got == want, who, line);
}

static int gp_master(const char *who, char *self)
{
	char g[GP_NAME], h[GP_NAME];
	int w[3], me, cc;
	char *wargv[] = {"worker", NULL};

	compat_line("library: %s", compat_library_path());
	me = pvm_mytid();
	compat_check(me > 0, who, "pvm_mytid");
	if (me <= 0)
		return 1;
	snprintf(g, sizeof(g), "%s.g", self);
	snprintf(h, sizeof(h), "%s.h", self);
	cc = pvm_spawn(self, wargv, PvmTaskDefault, "", 3, w);
	compat_check(cc == 3, who, "spawned three workers");
	if (cc != 3) {
		pvm_exit();
		return compat_finish(who);
	}
	cc = pvm_joingroup(g);
	if (compat_notimpl(cc, who, "pvm_joingroup")) {
		for (int i = 0; i < 3; i++)
			gp_send(w[i], GP_EXIT, "", 0);
		pvm_exit();
		return compat_finish(who);
	}
	gp_eq(who, "pvm_joingroup, the first", cc, 0);
	gp_eq(who, "a worker's join", gp_cmd(w[0], GP_JOIN, g, 0), 1);
	gp_eq(who, "another worker's join", gp_cmd(w[1], GP_JOIN, g, 0), 2);
	gp_eq(who, "joining again", pvm_joingroup(g), PvmDupGroup);
	gp_eq(who, "pvm_gsize", pvm_gsize(g), 3);
	gp_eq(who, "pvm_gettid(1) is the first worker", pvm_gettid(g, 1) == w[0], 1);
	gp_eq(who, "pvm_getinst of the second worker", pvm_getinst(g, w[1]), 2);
	gp_eq(who, "pvm_getinst of a non-member", pvm_getinst(g, w[2]), PvmNotInGroup);
	gp_eq(who, "pvm_gettid of an unused instance", pvm_gettid(g, 5), PvmNoInst);
	gp_eq(who, "pvm_gettid(-1)", pvm_gettid(g, -1), PvmNoInst);
	gp_eq(who, "pvm_gsize of no group", pvm_gsize("no.such.group"), PvmNoGroup);
	gp_eq(who, "pvm_errno after it", pvm_errno, PvmNoGroup);
	gp_eq(who, "pvm_lvgroup of no group", pvm_lvgroup("no.such.group"), PvmNoGroup);
	gp_eq(who, "pvm_getinst in no group", pvm_getinst("no.such.group", me), PvmNoGroup);
	gp_eq(who, "pvm_gettid in no group", pvm_gettid("no.such.group", 0), PvmNoGroup);
	gp_eq(who, "pvm_joingroup(\"\")", pvm_joingroup(""), PvmNullGroup);
	gp_eq(who, "pvm_barrier of no group", pvm_barrier("no.such.group", 1), PvmNoGroup);
	gp_eq(who, "a non-member's barrier", gp_cmd(w[2], GP_BARRIER, g, 1), PvmNotInGroup);
	gp_eq(who, "a non-member's pvm_lvgroup", gp_cmd(w[2], GP_LEAVE, g, 0), PvmNotInGroup);
	/* leave and reuse */
	gp_eq(who, "a worker leaves", gp_cmd(w[0], GP_LEAVE, g, 0), 0);
	gp_eq(who, "and leaves again", gp_cmd(w[0], GP_LEAVE, g, 0), PvmNotInGroup);
	gp_eq(who, "its instance is free", pvm_gettid(g, 1), PvmNoInst);
	gp_eq(who, "pvm_gsize after the leave", pvm_gsize(g), 2);
	gp_eq(who, "a new member reuses instance 1", gp_cmd(w[2], GP_JOIN, g, 0), 1);
	gp_eq(who, "the leaver rejoins as 3", gp_cmd(w[0], GP_JOIN, g, 0), 3);
	/* barriers: -1 (all four), a count */
	for (int i = 0; i < 3; i++)
		gp_send(w[i], GP_BARRIER, g, -1);
	cc = pvm_barrier(g, -1);
	for (int i = 0; i < 3; i++)
		cc |= gp_wait(w[i], 10000);
	gp_eq(who, "pvm_barrier(-1) of all four", cc, 0);
	gp_send(w[0], GP_BARRIER, g, 2);
	usleep(300000);
	gp_eq(who, "another count during a barrier", pvm_barrier(g, 3), PvmMismatch);
	gp_eq(who, "the barrier's own count", pvm_barrier(g, 2), 0);
	gp_eq(who, "the waiting worker passed", gp_wait(w[0], 10000), 0);
	/* freeze: every member calls it; then joins are refused */
	for (int i = 0; i < 3; i++)
		gp_send(w[i], GP_FREEZE, g, -1);
	cc = pvm_freezegroup(g, -1) == 4;
	for (int i = 0; i < 3; i++)
		cc += gp_wait(w[i], 10000) == 4;
	gp_eq(who, "pvm_freezegroup(-1) by all four, each answering the size (4)", cc, 4);
	gp_eq(who, "freezing again", pvm_freezegroup(g, -1), PvmDupGroup);
	gp_eq(who, "pvm_gsize of the frozen group", pvm_gsize(g), 4);
	gp_eq(who, "pvm_gettid(3) of it", pvm_gettid(g, 3) == w[0], 1);
	for (int i = 0; i < 3; i++)
		gp_send(w[i], GP_BARRIER, g, -1);
	cc = pvm_barrier(g, -1);
	for (int i = 0; i < 3; i++)
		cc |= gp_wait(w[i], 10000);
	gp_eq(who, "pvm_barrier(-1) of the frozen group", cc, 0);
	/* a member leaves: the frozen group is dead to barriers */
	gp_eq(who, "a member leaves the frozen group", gp_cmd(w[1], GP_LEAVE, g, 0), 0);
	gp_eq(who, "pvm_barrier of the dead group", pvm_barrier(g, -1), PvmNoGroup);
	gp_eq(who, "joining it", gp_cmd(w[1], GP_JOIN, g, 0), PvmNotInGroup);
	/* a worker's pvm_exit leaves its group */
	gp_eq(who, "a worker joins another group", gp_cmd(w[1], GP_JOIN, h, 0), 0);
	gp_eq(who, "and the master", pvm_joingroup(h), 1);
	gp_send(w[1], GP_EXIT, "", 0);
	for (int i = 0; i < 100 && pvm_gsize(h) != 1; i++)
		usleep(50000);
	gp_eq(who, "the worker's exit left it: pvm_gsize", pvm_gsize(h), 1);
	gp_eq(who, "its instance is free", pvm_gettid(h, 0), PvmNoInst);
	gp_eq(who, "the master leaves it", pvm_lvgroup(h), 0);
	gp_eq(who, "the master leaves the dead group", pvm_lvgroup(g), 0);
	gp_send(w[0], GP_EXIT, "", 0);
	gp_send(w[2], GP_EXIT, "", 0);
	pvm_exit();
	return compat_finish(who);
}

__attribute__((unused)) static int groups_main(const char *who, char *self, int argc,
                                               char **argv)
{
	if (argc > 1 && strcmp(argv[1], "worker") == 0)
		return gp_worker();
	return gp_master(who, self);
}

#endif

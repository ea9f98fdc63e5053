/*
 * lib_api.c - drives libpvm3's task interface for test_lib.sh.  Usage:
 * lib_api CASE; each case prints "ok - ..." / "FAIL - ..." lines and exits
 * non-zero on any failure.  Cases that need a partner spawn this program
 * again with the partner's case name.
 */
#include <pvm3.h>
#include <pvmx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static int fails;

#define CHECK(cond, ...)                                                         \
	do {                                                                     \
		if (cond) {                                                      \
			printf("ok - ");                                         \
		} else {                                                         \
			printf("FAIL - ");                                       \
			fails++;                                                 \
		}                                                                \
		printf(__VA_ARGS__);                                             \
		printf("\n");                                                    \
		fflush(stdout);                                                  \
	} while (0)

#define CHECK_EQ(what, expected, actual)                                         \
	do {                                                                     \
		long e_ = (long)(expected), a_ = (long)(actual);                 \
		CHECK(e_ == a_, "%s: expected %ld, got %ld", what, e_, a_);      \
	} while (0)

/* pvm3.h declares pvm_strerror(void) (as PVM 3.4.6 does) but callers pass
 * the code; call it the way such programs do. */
static const char *strerror_of(int code)
{
	char *(*f)(int);
	char *(*g)(void) = pvm_strerror;

	memcpy(&f, &g, sizeof(f));
	return f(code);
}

static int spawn_one(const char *self, const char *role, int *tid)
{
	char *argv[] = {(char *)role, NULL};

	return pvm_spawn((char *)self, argv, PvmTaskDefault, NULL, 1, tid);
}

/* errors that need no partner */
static int case_errors(void)
{
	int buf, i, tids[2], n;
	char s[8];

	CHECK(pvm_mytid() > 0, "pvm_mytid registers");
	pvm_setopt(PvmAutoErr, 0);
	CHECK_EQ("bad buffer id to pvm_freebuf", PvmNoSuchBuf, pvm_freebuf(4242));
	CHECK_EQ("bad buffer id to pvm_setrbuf", PvmNoSuchBuf, pvm_setrbuf(4242));
	CHECK_EQ("bad buffer id to pvm_bufinfo", PvmNoSuchBuf,
		 pvm_bufinfo(4242, NULL, NULL, NULL));
	CHECK_EQ("malformed tid to pvm_send", PvmBadParam, (pvm_initsend(0), pvm_send(-5, 1)));
	CHECK_EQ("malformed tid 0x7fffffff to pvm_send", PvmBadParam, pvm_send(0x7fffffff, 1));
	CHECK_EQ("malformed tid to pvm_kill", PvmBadParam, pvm_kill(0));
	CHECK_EQ("malformed tid to pvm_tidtohost", PvmBadParam, pvm_tidtohost(-1));
	CHECK_EQ("negative tag to pvm_send", PvmBadParam, pvm_send(pvm_mytid(), -3));
	CHECK_EQ("malformed tid to pvm_recv", PvmBadParam, pvm_recv(-7, 1));
	CHECK_EQ("no such task to pvm_pstat", PvmNoTask, pvm_pstat(pvm_mytid() + 1000));
	CHECK_EQ("no such task to pvm_kill", PvmNoTask, pvm_kill(pvm_mytid() + 1000));
	CHECK_EQ("unknown host to pvm_mstat", PvmNoHost, pvm_mstat("no-such-host.invalid"));
	CHECK_EQ("bad option to pvm_setopt", PvmBadParam, pvm_setopt(999, 1));
	CHECK_EQ("bad encoding to pvm_initsend", PvmBadParam, pvm_initsend(77));

	/* unpacking past the end of a message */
	pvm_initsend(PvmDataDefault);
	i = 7;
	pvm_pkint(&i, 1, 1);
	pvm_send(pvm_mytid(), 5);
	buf = pvm_recv(pvm_mytid(), 5);
	CHECK(buf > 0, "send to self and receive");
	CHECK_EQ("first unpack", PvmOk, pvm_upkint(&i, 1, 1));
	CHECK_EQ("unpacked value", 7, i);
	CHECK_EQ("unpack past the end", PvmNoData, pvm_upkint(&i, 1, 1));
	CHECK_EQ("upkstr past the end", PvmNoData, pvm_upkstr(s));

	/* unpacking more than the message holds */
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&i, 1, 1);
	pvm_send(pvm_mytid(), 6);
	pvm_recv(-1, 6);
	{
		int many[4];

		CHECK_EQ("unpack beyond the message", PvmNoData, pvm_upkint(many, 4, 1));
	}
	/* wrong type */
	pvm_initsend(PvmDataDefault);
	{
		double d = 1.5;
		pvm_pkdouble(&d, 1, 1);
	}
	pvm_send(pvm_mytid(), 7);
	pvm_recv(-1, 7);
	CHECK_EQ("unpack an int from a double", PvmBadMsg, pvm_upkint(&i, 1, 1));

	/* no active send buffer */
	pvm_setsbuf(0);
	CHECK_EQ("send without a buffer", PvmNoBuf, pvm_send(pvm_mytid(), 1));

	/* spawn of a missing program */
	tids[0] = tids[1] = 0;
	n = pvm_spawn("no-such-program-xyz", NULL, PvmTaskDefault, NULL, 2, tids);
	CHECK_EQ("spawn of a missing program starts none", 0, n);
	CHECK_EQ("first instance gets PvmNoFile", PvmNoFile, tids[0]);
	CHECK_EQ("second instance gets PvmNoFile", PvmNoFile, tids[1]);
	n = pvm_spawn("lib_api", NULL, PvmTaskHost, "no-such-host.invalid", 1, tids);
	CHECK(n <= 0 && (n == PvmNoHost || tids[0] == PvmNoHost),
	      "spawn on an unknown host gives PvmNoHost (n %d tid %d)", n, tids[0]);
	CHECK_EQ("strerror of PvmNoFile", 0, strcmp(strerror_of(PvmNoFile), "No such file"));
	pvm_exit();
	return fails;
}

/* identity, config, tasks, tidtohost, archcode, siblings */
static int case_query(void)
{
	struct pvmhostinfo *hosts;
	struct pvmtaskinfo *ti;
	int nhost, narch, ntask, me = pvm_mytid(), *sib, found = 0;

	CHECK(me > 0 && (me & 0x3ffff) != 0, "tid %x is a task tid", me);
	CHECK_EQ("no parent for a task started by hand", PvmNoParent, pvm_parent());
	CHECK_EQ("pvm_config", PvmOk, pvm_config(&nhost, &narch, &hosts));
	CHECK_EQ("one host", 1, nhost);
	CHECK_EQ("one data format", 1, narch);
	CHECK_EQ("host tid", 0x40000, hosts[0].hi_tid);
	CHECK_EQ("data signature", 0x00408c41, hosts[0].hi_dsig);
	CHECK_EQ("pvm_tidtohost", hosts[0].hi_tid, pvm_tidtohost(me));
	CHECK_EQ("pvm_archcode of our arch", hosts[0].hi_dsig, pvm_archcode(hosts[0].hi_arch));
	pvm_setopt(PvmAutoErr, 0);
	CHECK_EQ("pvm_archcode of an unknown arch", PvmNotFound, pvm_archcode("NOSUCHARCH"));
	CHECK_EQ("pvm_mstat of our host", PvmOk, pvm_mstat(hosts[0].hi_name));
	CHECK_EQ("pvm_pstat of ourselves", PvmOk, pvm_pstat(me));
	CHECK_EQ("pvm_tasks", PvmOk, pvm_tasks(0, &ntask, &ti));
	for (int i = 0; i < ntask; i++) {
		if (ti[i].ti_tid == me) {
			found = 1;
			CHECK_EQ("our pid in pvm_tasks", getpid(), ti[i].ti_pid);
			CHECK_EQ("our host in pvm_tasks", 0x40000, ti[i].ti_host);
		}
	}
	CHECK(found, "pvm_tasks lists us");
	CHECK_EQ("pvm_tasks(tid)", PvmOk, pvm_tasks(me, &ntask, &ti));
	CHECK_EQ("pvm_tasks(tid) gives one", 1, ntask);
	CHECK_EQ("siblings of a task started by hand", 1, pvm_siblings(&sib));
	CHECK_EQ("... is itself", me, sib[0]);
	CHECK(strcmp(pvm_version(), "3.4.6") == 0, "pvm_version is 3.4.6");
	pvm_exit();
	return fails;
}

/* ordering, wildcards, probe, nrecv, trecv, mcast, bufinfo, siblings */
static int case_messages(const char *self)
{
	int tids[3], i, n, buf, bytes, tag, src, *sib;
	struct timeval tv = {0, 200000};

	pvm_mytid();
	n = pvm_spawn((char *)self, (char *[]){"echo", NULL}, PvmTaskDefault, NULL, 3, tids);
	CHECK_EQ("spawned three echo tasks", 3, n);
	if (n != 3)
		return 1;
	/* 200 messages to the first, each tagged with its sequence number */
	for (i = 0; i < 200; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&i, 1, 1);
		pvm_send(tids[0], 10);
	}
	for (i = 0; i < 200; i++) {
		int v = -1;

		pvm_recv(tids[0], 11);
		pvm_upkint(&v, 1, 1);
		if (v != i) {
			CHECK(0, "message %d arrived in order (got %d)", i, v);
			break;
		}
	}
	CHECK(i == 200, "200 messages echoed back in the order sent");

	/* probe and nrecv do not block; trecv times out */
	CHECK_EQ("probe with nothing queued", 0, pvm_probe(-1, 99));
	CHECK_EQ("nrecv with nothing queued", 0, pvm_nrecv(-1, 99));
	CHECK_EQ("trecv times out", 0, pvm_trecv(-1, 99, &tv));

	/* mcast reaches each of the three once; bufinfo tells who and how big */
	pvm_initsend(PvmDataRaw);
	i = 1000;
	pvm_pkint(&i, 1, 1);
	CHECK_EQ("mcast", PvmOk, pvm_mcast(tids, 3, 10));
	for (n = 0; n < 3; n++) {
		int v;

		buf = pvm_recv(-1, 11);
		pvm_bufinfo(buf, &bytes, &tag, &src);
		pvm_upkint(&v, 1, 1);
		CHECK(v == 1000 && tag == 11 && (src == tids[0] || src == tids[1] || src == tids[2]),
		      "mcast copy %d echoed by t%x (tag %d, %d bytes)", n, src, tag, bytes);
	}
	CHECK_EQ("no fourth mcast copy", 0, pvm_trecv(-1, 11, &tv));

	/* a probe sees a message without taking it; a later recv gets it */
	pvm_initsend(PvmDataDefault);
	i = 5;
	pvm_pkint(&i, 1, 1);
	pvm_send(tids[1], 10);
	for (n = 0; n < 100 && (buf = pvm_probe(tids[1], 11)) == 0; n++)
		usleep(10000);
	CHECK(buf > 0, "probe finds the echo");
	CHECK_EQ("recv returns the probed buffer", buf, pvm_recv(tids[1], 11));

	/* wildcard tag from one source, specific tag from any source */
	pvm_initsend(PvmDataDefault);
	i = 1;
	pvm_pkint(&i, 1, 1);
	pvm_send(tids[2], 10);
	buf = pvm_recv(tids[2], -1);
	pvm_bufinfo(buf, NULL, &tag, &src);
	CHECK(src == tids[2] && tag == 11, "wildcard tag matches");

	/* the echo tasks learnt their siblings */
	pvm_initsend(PvmDataDefault);
	pvm_send(tids[0], 12);
	pvm_recv(tids[0], 13);
	pvm_upkint(&n, 1, 1);
	CHECK_EQ("echo task has 3 siblings", 3, n);
	sib = calloc(3, sizeof(int));
	pvm_upkint(sib, 3, 1);
	CHECK(sib[0] == tids[0] && sib[1] == tids[1] && sib[2] == tids[2],
	      "siblings are the spawned tids in order");
	free(sib);
	pvm_upkint(&n, 1, 1);
	CHECK_EQ("echo task's parent", pvm_mytid(), n);

	for (i = 0; i < 3; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_send(tids[i], 99);
	}
	/* each echo exits; notify tells us */
	CHECK_EQ("notify", PvmOk, pvm_notify(PvmTaskExit, 50, 3, tids));
	for (i = 0; i < 3; i++) {
		struct timeval five = {5, 0};

		buf = pvm_trecv(-1, 50, &five);
		CHECK(buf > 0, "exit notify %d arrives", i);
	}
	pvm_exit();
	return fails;
}

/* partner for case_messages: echo tag 10 back as tag 11 until tag 99 */
static int role_echo(void)
{
	int parent = pvm_parent(), *sib, n, buf, tag, me = pvm_mytid();

	for (;;) {
		buf = pvm_recv(parent, -1);
		if (buf < 0)
			return 1;
		pvm_bufinfo(buf, NULL, &tag, NULL);
		if (tag == 99)
			break;
		if (tag == 12) {
			n = pvm_siblings(&sib);
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&n, 1, 1);
			pvm_pkint(sib, n, 1);
			pvm_pkint(&parent, 1, 1);
			pvm_send(parent, 13);
			continue;
		}
		/* forward the received buffer as it is */
		pvm_setsbuf(pvm_getrbuf());
		pvm_send(parent, 11);
		pvm_setsbuf(0);
	}
	(void)me;
	pvm_exit();
	return 0;
}

/* no daemon running: PvmSysErr */
static int case_nodaemon(void)
{
	int r = pvm_mytid();

	CHECK_EQ("pvm_mytid without a daemon", PvmSysErr, r);
	return fails;
}

/* start a daemon, use it, halt it */
static int case_start(void)
{
	CHECK_EQ("pvm_start_pvmd", 0, pvm_start_pvmd(0, NULL, 1));
	CHECK(pvm_mytid() > 0, "registered with the daemon we started");
	pvm_setopt(PvmAutoErr, 0);
	CHECK_EQ("second pvm_start_pvmd", PvmDupHost, pvm_start_pvmd(0, NULL, 1));
	CHECK_EQ("pvm_halt", 0, pvm_halt());
	CHECK_EQ("calls after halt", PvmSysErr, pvm_mytid());
	return fails;
}

/* a large message survives intact */
static int case_large(const char *self)
{
	int tid, n = 4 * 1024 * 1024, i, ok = 1;
	double *a = malloc(sizeof(double) * (size_t)n), *b = malloc(sizeof(double) * (size_t)n);

	pvm_mytid();
	for (i = 0; i < n; i++)
		a[i] = i * 0.5;
	CHECK_EQ("spawn echo", 1, spawn_one(self, "echo", &tid));
	pvm_initsend(PvmDataInPlace);
	pvm_pkdouble(a, n, 1);
	pvm_send(tid, 10);
	pvm_recv(tid, 11);
	CHECK_EQ("unpack 32 MiB of doubles", PvmOk, pvm_upkdouble(b, n, 1));
	for (i = 0; i < n; i++)
		ok &= a[i] == b[i];
	CHECK(ok, "32 MiB echoed intact");
	pvm_initsend(PvmDataDefault);
	pvm_send(tid, 99);
	free(a);
	free(b);
	pvm_exit();
	return fails;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	if (strcmp(c, "errors") == 0)
		return case_errors();
	if (strcmp(c, "query") == 0)
		return case_query();
	if (strcmp(c, "messages") == 0)
		return case_messages(argv[0]);
	if (strcmp(c, "echo") == 0)
		return role_echo();
	if (strcmp(c, "nodaemon") == 0)
		return case_nodaemon();
	if (strcmp(c, "start") == 0)
		return case_start();
	if (strcmp(c, "large") == 0)
		return case_large(argv[0]);
	fprintf(stderr, "usage: lib_api errors|query|messages|nodaemon|start|large\n");
	return 2;
}

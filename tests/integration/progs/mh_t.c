/*
 * mh_t.c - test_hosts.sh's task on a virtual machine of several hosts.
 *   mh_t add NAME...      pvm_addhosts; prints "add N info..." (infos in hex)
 *   mh_t del NAME...      pvm_delhosts; prints "del N info..."
 *   mh_t conf             prints "conf N" then "host TID NAME ARCH"
 *   mh_t addwatch NAME    PvmHostAdd notify, then adds NAME: the notify
 *                         carries 1 and the new daemon's tid"
 *   mh_t xhost            spawn, send/recv, order, mcast, tasks, notify,
 *                         kill, mailbox, siblings across every host
 *   mh_t watch HOST       an echo on HOST, notifies for it and its host;
 *                         prints "ready", then waits (5 s) for both and
 *                         says how long they took after "go" on stdin
 *   mh_t tasksof TID      prints "tasksof RC" for pvm_tasks(TID)
 *   mh_t spawnon HOST     prints "spawnon RC TID" for one echo spawned there
 *                         (tasksof, spawnon with "wait" last: joins, prints
 *                         "ready", asks only at the end of stdin)
 *   mh_t echo | sibs      the spawned sides
 * Prints one line per check ("ok - ", "FAIL - "); exits 1 if any failed.
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "check.h"

#define TAG_EXIT 99
#define TAG_PUT 60
#define TAG_WAIT 61   /* echo: recvinfo(name, WaitForInfo), answer its int */
#define TAG_REPLY 100 /* replies: request tag + 100 */
#define TAG_SIBS 70
#define TAG_NOTIFY 80

static int host_index(int tid)
{
	return (tid >> 18) & 0xfff;
}

static double now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1e3 + tv.tv_usec / 1e3;
}

/* Echoes every message to its sender with tag + 100, until TAG_EXIT. */
static int run_echo(void)
{
	int parent = pvm_parent();

	for (;;) {
		int bufid = pvm_recv(-1, -1), bytes, tag, src;

		if (bufid < 0)
			return 1;
		pvm_bufinfo(bufid, &bytes, &tag, &src);
		if (tag == TAG_EXIT)
			break;
		if (tag == TAG_WAIT) {
			char name[64];
			int v = -1, r;

			pvm_upkstr(name);
			r = pvm_recvinfo(name, 0, PvmMboxWaitForInfo);
			if (r > 0)
				pvm_upkint(&v, 1, 1);
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&v, 1, 1);
			pvm_send(src, tag + TAG_REPLY);
			continue;
		}
		if (tag == TAG_PUT) {
			char name[64];
			int me = pvm_mytid(), r;

			pvm_upkstr(name);
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&me, 1, 1);
			r = pvm_putinfo(name, pvm_getsbuf(), PvmMboxDefault);
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&r, 1, 1);
			pvm_send(src, tag + TAG_REPLY);
			continue;
		}
		/* the received buffer goes back as it came */
		pvm_setsbuf(bufid);
		pvm_send(src, tag + TAG_REPLY);
		pvm_setsbuf(0);
		pvm_freebuf(bufid);
	}
	(void)parent;
	pvm_exit();
	return 0;
}

/* Sends its sibling list to its parent. */
static int run_sibs(void)
{
	int *tids = NULL, n = pvm_siblings(&tids), me = pvm_mytid();

	pvm_initsend(PvmDataDefault);
	pvm_pkint(&me, 1, 1);
	pvm_pkint(&n, 1, 1);
	if (n > 0)
		pvm_pkint(tids, n, 1);
	pvm_send(pvm_parent(), TAG_SIBS);
	pvm_exit();
	return 0;
}

static int run_add(int del, int argc, char **argv)
{
	int *infos = calloc((size_t)argc + 1, sizeof(int));
	int r = del ? pvm_delhosts(argv, argc, infos) : pvm_addhosts(argv, argc, infos);

	printf("%s %d", del ? "del" : "add", r);
	for (int i = 0; i < argc; i++)
		printf(" %s%x", infos[i] < 0 ? "-" : "",
		       infos[i] < 0 ? -infos[i] : infos[i]);
	printf("\n");
	free(infos);
	pvm_exit();
	return 0;
}

static int run_conf(void)
{
	struct pvmhostinfo *h;
	int n = 0, narch = 0;

	pvm_config(&n, &narch, &h);
	printf("conf %d\n", n);
	for (int i = 0; i < n; i++)
		printf("host %x %s %s\n", h[i].hi_tid, h[i].hi_name, h[i].hi_arch);
	pvm_exit();
	return 0;
}

static int spawn_on(const char *host, const char *what)
{
	char *args[] = {(char *)what, NULL};
	int tid = 0, n = pvm_spawn("mh_t", args, PvmTaskHost, (char *)host, 1, &tid);

	return n == 1 ? tid : (n < 0 ? n : tid);
}

static int recv_int(int src, int tag, double timeout_s)
{
	struct timeval tv = {(long)timeout_s,
	                     (long)((timeout_s - (long)timeout_s) * 1e6)};
	int v = -12345;

	if (pvm_trecv(src, tag, &tv) > 0)
		pvm_upkint(&v, 1, 1);
	return v;
}

static void test_xhost(void)
{
	struct pvmhostinfo *hosts;
	int nhost = 0, narch, me = pvm_mytid(), echo[8] = {0}, n, r;

	r = pvm_config(&nhost, &narch, &hosts);
	CHECK(r == 0 && nhost >= 3, "config: %d hosts", nhost);
	if (nhost < 3 || nhost > 8)
		return;
	/* one echo per host, named */
	for (int i = 0; i < nhost; i++) {
		echo[i] = spawn_on(hosts[i].hi_name, "echo");
		CHECK(echo[i] > 0 && (echo[i] & 0x3ffc0000) == hosts[i].hi_tid,
		      "spawn PvmTaskHost %s: t%x on t%x", hosts[i].hi_name, echo[i],
		      hosts[i].hi_tid);
	}
	/* order: 200 numbered messages to each remote echo come back in order */
	for (int i = 1; i < nhost; i++) {
		int bad = 0;

		for (int k = 0; k < 200; k++) {
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&k, 1, 1);
			pvm_send(echo[i], 1);
		}
		for (int k = 0; k < 200; k++)
			bad += recv_int(echo[i], 1 + TAG_REPLY, 5) != k;
		CHECK(bad == 0, "200 messages to t%x and back in order (%d out of place)",
		      echo[i], bad);
	}
	/* bytes: 4 MiB to the last host and back, byte for byte */
	{
		size_t len = 4u << 20;
		unsigned char *a = malloc(len), *b = malloc(len);
		struct timeval tv = {10, 0};
		int got;

		for (size_t k = 0; k < len; k++)
			a[k] = (unsigned char)(k * 131 + (k >> 13));
		memset(b, 0, len);
		pvm_initsend(PvmDataRaw);
		pvm_pkbyte((char *)a, (int)len, 1);
		pvm_send(echo[nhost - 1], 2);
		got = pvm_trecv(echo[nhost - 1], 2 + TAG_REPLY, &tv);
		if (got > 0)
			pvm_upkbyte((char *)b, (int)len, 1);
		CHECK(got > 0 && memcmp(a, b, len) == 0, "4 MiB to t%x and back intact",
		      echo[nhost - 1]);
		free(a);
		free(b);
	}
	/* mcast: each echo answers once, the caller (in the list) gets none */
	{
		int list[9], seen = 0, v = 7;

		memcpy(list, echo, sizeof(int) * (size_t)nhost);
		list[nhost] = me;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&v, 1, 1);
		r = pvm_mcast(list, nhost + 1, 3);
		for (int k = 0; k < nhost; k++) {
			struct timeval tv = {5, 0};
			int bufid = pvm_trecv(-1, 3 + TAG_REPLY, &tv), src = 0;

			if (bufid > 0) {
				pvm_bufinfo(bufid, NULL, NULL, &src);
				for (int i = 0; i < nhost; i++)
					seen |= src == echo[i] ? 1 << i : 0;
			}
		}
		CHECK(
		    r == 0 && seen == (1 << nhost) - 1 && pvm_probe(me, 3) == 0,
		    "mcast to %d tasks on %d hosts: all answered (mask %x), none to self",
		    nhost, nhost, seen);
	}
	/* tasks: everyone, and one host's */
	{
		struct pvmtaskinfo *ti;
		int found = 0, only = 1;

		r = pvm_tasks(0, &n, &ti);
		for (int k = 0; k < n; k++) {
			for (int i = 0; i < nhost; i++)
				found += ti[k].ti_tid == echo[i] &&
				         ti[k].ti_host == (echo[i] & 0x3ffc0000);
		}
		CHECK(r == 0 && found == nhost,
		      "pvm_tasks(0): %d tasks, all %d echoes with hosts", n, found);
		r = pvm_tasks(hosts[1].hi_tid, &n, &ti);
		for (int k = 0; k < n; k++)
			only &= ti[k].ti_host == hosts[1].hi_tid;
		CHECK(r == 0 && n >= 1 && only,
		      "pvm_tasks(t%x): %d tasks, all of that host", hosts[1].hi_tid, n);
	}
	CHECK(pvm_pstat(echo[1]) == PvmOk && pvm_pstat(echo[1] + 0x3000) == PvmNoTask,
	      "pstat of a remote task, and of a remote tid that is none");
	CHECK(pvm_mstat(hosts[2].hi_name) == PvmOk &&
	          pvm_mstat("no.such.host") == PvmNoHost,
	      "mstat of another host and of an unknown one");
	/* mailbox: an entry put on host 2, read here, owner as put */
	{
		char name[] = "mh-entry";
		int rc, owner = 0;

		pvm_initsend(PvmDataDefault);
		pvm_pkstr(name);
		pvm_send(echo[1], TAG_PUT);
		rc = recv_int(echo[1], TAG_PUT + TAG_REPLY, 5);
		r = pvm_recvinfo(name, 0, PvmMboxDefault);
		if (r > 0)
			pvm_upkint(&owner, 1, 1);
		CHECK(rc >= 0 && r > 0 && owner == echo[1],
		      "putinfo from t%x (%d), recvinfo here: owner t%x", echo[1], rc,
		      owner);
	}
	/* a read on another host that waits for the entry to appear */
	{
		char name[] = "mh-wait";
		int v = 4242, got;

		pvm_initsend(PvmDataDefault);
		pvm_pkstr(name);
		pvm_send(echo[2], TAG_WAIT);
		/* its request reaches the master before our put (it is a
		 * round trip away); the answer can only come after the put */
		CHECK(pvm_probe(echo[2], TAG_WAIT + TAG_REPLY) == 0,
		      "the waiting read has no answer yet");
		{
			struct timeval pause = {0, 300000};

			pvm_trecv(echo[2], TAG_WAIT + TAG_REPLY, &pause);
		}
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&v, 1, 1);
		r = pvm_putinfo(name, pvm_getsbuf(), PvmMboxDefault);
		got = recv_int(echo[2], TAG_WAIT + TAG_REPLY, 5);
		CHECK(r >= 0 && got == v,
		      "PvmMboxWaitForInfo on t%x answered by a put here (%d)", echo[2],
		      got);
		pvm_delinfo(name, 0, 0);
	}
	/* notify + kill: exit of a remote task, once */
	{
		int bufid, who = 0;
		struct timeval tv = {5, 0};

		pvm_notify(PvmTaskExit, TAG_NOTIFY, 1, &echo[2]);
		r = pvm_kill(echo[2]);
		bufid = pvm_trecv(-1, TAG_NOTIFY, &tv);
		if (bufid > 0)
			pvm_upkint(&who, 1, 1);
		tv.tv_sec = 0;
		tv.tv_usec = 300000;
		CHECK(r == 0 && who == echo[2] && pvm_trecv(-1, TAG_NOTIFY, &tv) == 0,
		      "kill t%x on another host: one PvmTaskExit notify (t%x)", echo[2],
		      who);
		CHECK(pvm_kill(echo[2]) == PvmNoTask,
		      "kill of the gone remote task: PvmNoTask");
	}
	/* default placement: round robin over the hosts; siblings whole */
	{
		char *args[] = {"sibs", NULL};
		int tids[6], per[9] = {0}, good = 0, spread = 1;

		n = pvm_spawn("mh_t", args, PvmTaskDefault, NULL, 6, tids);
		for (int k = 0; k < n && k < 6; k++)
			per[host_index(tids[k]) % 9]++;
		for (int i = 0; i < nhost; i++)
			spread &= per[host_index(hosts[i].hi_tid) % 9] == 6 / nhost ||
			          6 % nhost != 0;
		for (int k = 0; k < 6 && n == 6; k++) {
			struct timeval tv = {5, 0};
			int who = 0, cnt = 0, list[6] = {0}, match = 1;

			if (pvm_trecv(-1, TAG_SIBS, &tv) <= 0)
				break;
			pvm_upkint(&who, 1, 1);
			pvm_upkint(&cnt, 1, 1);
			if (cnt == 6)
				pvm_upkint(list, 6, 1);
			for (int i = 0; i < 6; i++)
				match &= list[i] == tids[i];
			good += cnt == 6 && match;
		}
		CHECK(n == 6 && spread,
		      "spawn x6, default placement: spread over %d hosts", nhost);
		CHECK(good == 6, "every one of the 6 has all 6 siblings, in order (%d)",
		      good);
	}
	/* mcast: one copy per host between daemons, whatever the task count */
	{
		char *args[] = {"echo", NULL};
		int three[3], before[2] = {0, 0}, after[2] = {0, 0}, n2 = 0, na = 0,
		              got = 0;
		int t7[2] = {7, hosts[1].hi_tid};
		static char big[1 << 20];

		n = pvm_spawn("mh_t", args, PvmTaskHost, hosts[1].hi_name, 3, three);
		pvm_tickle(2, t7, &n2, before);
		pvm_initsend(PvmDataRaw);
		pvm_pkbyte(big, (int)sizeof(big), 1);
		r = pvm_mcast(three, 3, 4);
		pvm_tickle(2, t7, &na, after);
		for (int k = 0; k < 3; k++) {
			struct timeval tv = {10, 0};

			got += pvm_trecv(-1, 4 + TAG_REPLY, &tv) > 0;
		}
		CHECK(n == 3 && r == 0 && got == 3,
		      "1 MiB mcast to 3 tasks on %s: all 3 got it", hosts[1].hi_name);
		CHECK(
		    n2 == 2 && na == 2 && after[1] - before[1] >= 1024 &&
		        after[1] - before[1] < 1100 && after[0] - before[0] >= 1 &&
		        after[0] - before[0] <= 3, /* a heartbeat may pass too */
		    "the daemons carried it as one frame, one copy: %d frame(s), %d KiB",
		    after[0] - before[0], after[1] - before[1]);
		for (int k = 0; k < 3 && n == 3; k++) {
			pvm_initsend(PvmDataDefault);
			pvm_send(three[k], TAG_EXIT);
		}
	}
	for (int i = 0; i < nhost; i++) {
		if (i != 2) {
			pvm_initsend(PvmDataDefault);
			pvm_send(echo[i], TAG_EXIT);
		}
	}
}

/* An echo on host, PvmHostDelete for host and PvmTaskExit for the echo;
 * after "go" on stdin, both must come. */
static void test_watch(const char *host)
{
	int hosttid = 0, echo, got = 0;
	double t0, t_host = -1, t_task = -1;
	char line[16];
	struct pvmhostinfo *hosts;
	int nhost, narch;

	pvm_config(&nhost, &narch, &hosts);
	for (int i = 0; i < nhost; i++) {
		if (strcmp(hosts[i].hi_name, host) == 0)
			hosttid = hosts[i].hi_tid;
	}
	echo = spawn_on(host, "echo");
	CHECK(hosttid > 0 && echo > 0, "echo t%x on %s (t%x)", echo, host, hosttid);
	pvm_notify(PvmHostDelete, TAG_NOTIFY, 1, &hosttid);
	pvm_notify(PvmTaskExit, TAG_NOTIFY + 1, 1, &echo);
	printf("ready\n");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return;
	t0 = now_ms();
	while (got < 2 && now_ms() - t0 < 5000) {
		struct timeval tv = {0, 100000};
		int bufid = pvm_trecv(-1, -1, &tv), tag = 0, v = 0;

		if (bufid <= 0)
			continue;
		pvm_bufinfo(bufid, NULL, &tag, NULL);
		pvm_upkint(&v, 1, 1);
		if (tag == TAG_NOTIFY && v == hosttid && t_host < 0) {
			t_host = now_ms() - t0;
			got++;
		} else if (tag == TAG_NOTIFY + 1 && v == echo && t_task < 0) {
			t_task = now_ms() - t0;
			got++;
		}
	}
	CHECK(t_host >= 0 && t_host < 2000, "PvmHostDelete for t%x within 2 s (%.0f ms)",
	      hosttid, t_host);
	CHECK(t_task >= 0 && t_task < 2000, "PvmTaskExit for t%x within 2 s (%.0f ms)",
	      echo, t_task);
	pvm_initsend(PvmDataDefault);
	CHECK(pvm_send(echo, 1) == 0, "a send to a task of the dead host is dropped (0)");
}

/* "wait" after a request's argument: join the machine and say "ready",
 * then ask only once stdin ends, so that the request leaves the moment
 * the test chooses (test_hosts: right after it freezes a daemon, rather
 * than a process start-up later, which may be after that daemon has been
 * declared dead). */
static void wait_for_go(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[3], "wait") != 0)
		return;
	pvm_mytid();
	printf("ready\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
}

static void test_addwatch(char *name)
{
	int info = 0, n, cnt = 0, tid = 0, bufid;
	struct timeval tv = {5, 0};

	pvm_notify(PvmHostAdd, TAG_NOTIFY, -1, NULL);
	n = pvm_addhosts(&name, 1, &info);
	bufid = pvm_trecv(-1, TAG_NOTIFY, &tv);
	if (bufid > 0) {
		pvm_upkint(&cnt, 1, 1);
		pvm_upkint(&tid, 1, 1);
	}
	CHECK(n == 1 && info > 0 && cnt == 1 && tid == info,
	      "PvmHostAdd notify for %s: count %d, t%x (added t%x)", name, cnt, tid,
	      info);
}

int main(int argc, char **argv)
{
	int r = 0;

	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "echo") == 0)
		return run_echo();
	if (strcmp(argv[1], "sibs") == 0)
		return run_sibs();
	if (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "del") == 0)
		return run_add(argv[1][0] == 'd', argc - 2, argv + 2);
	if (strcmp(argv[1], "conf") == 0)
		return run_conf();
	if (strcmp(argv[1], "spawnon") == 0 && argc > 2) {
		char *args[] = {"echo", NULL};
		int tid = 0, n;

		pvm_setopt(PvmAutoErr, 0);
		wait_for_go(argc, argv);
		n = pvm_spawn("mh_t", args, PvmTaskHost, argv[2], 1, &tid);
		printf("spawnon %d %d\n", n, tid);
		pvm_exit();
		return 0;
	}
	if (strcmp(argv[1], "tasksof") == 0 && argc > 2) {
		int n = 0;
		struct pvmtaskinfo *ti;

		pvm_setopt(PvmAutoErr, 0);
		wait_for_go(argc, argv);
		printf("tasksof %d\n",
		       pvm_tasks((int)strtol(argv[2], NULL, 16), &n, &ti));
		pvm_exit();
		return 0;
	}
	if (pvm_mytid() < 0)
		return 1;
	if (strcmp(argv[1], "xhost") == 0)
		test_xhost();
	else if (strcmp(argv[1], "addwatch") == 0 && argc > 2)
		test_addwatch(argv[2]);
	else if (strcmp(argv[1], "watch") == 0 && argc > 2)
		test_watch(argv[2]);
	else
		r = 2;
	pvm_exit();
	return r != 0 ? r : fails != 0;
}

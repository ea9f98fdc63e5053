/*
 * api3_msg.c - test_api3.sh's checks that need a daemon, one group per
 * argument: pmsg (psend/precv, pkmesg, getminfo), mhf (message handlers,
 * setminfo's context), recvf, catchout FILE, catchout-raw FILE,
 * catchout-exit FILE, catchout-off FILE, env (export/unexport, getfds).  Prints one line
 * per check; exits 1 if any failed.
 */
#include <poll.h>
#include <pvm3.h>
#include <pvmx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int me;

static void send_self_int(int tag, int v)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&v, 1, 1);
	pvm_send(me, tag);
}

/* psend / precv ------------------------------------------------------- */

/* PER: scalars per element (2 for the complex types) */
#define ROUND_TRIP(T, PT, PER, TAG, ...)                                                 \
	do {                                                                             \
		T in[] = {__VA_ARGS__}, out[sizeof(in) / sizeof(in[0])];                 \
		int n = (int)(sizeof(in) / sizeof(in[0])) / PER, rt = 0, rg = 0, rl = 0, \
		    r;                                                                   \
		memset(out, 0, sizeof(out));                                             \
		r = pvm_psend(me, TAG, in, n, PT);                                       \
		r |= pvm_precv(me, TAG, out, n, PT, &rt, &rg, &rl);                      \
		CHECK(r == 0 && memcmp(in, out, sizeof(in)) == 0 && rt == me &&          \
		          rg == TAG && rl == (int)sizeof(in),                            \
		      "psend/precv " #PT ": r %d tid %x tag %d len %d", r, rt, rg, rl);  \
	} while (0)

static void test_pmsg(void)
{
	int rbuf, sbuf, r, rt, rg, rl, b[3] = {0, 0, -1}, v;
	char s[32];
	struct pvmminfo mi;

	/* a receive buffer and a send buffer that precv/psend must not touch */
	pvm_initsend(PvmDataDefault);
	pvm_pkstr("keep me");
	pvm_send(me, 99);
	rbuf = pvm_recv(me, 99);
	pvm_initsend(PvmDataDefault);
	v = 1234;
	pvm_pkint(&v, 1, 1);
	sbuf = pvm_getsbuf();

	ROUND_TRIP(char, PVM_BYTE, 1, 1, 'a', 'b', 0, 'c');
	ROUND_TRIP(short, PVM_SHORT, 1, 2, -1, 2, 30000);
	ROUND_TRIP(int, PVM_INT, 1, 3, 1, -2, 3, 2000000000);
	ROUND_TRIP(float, PVM_FLOAT, 1, 4, 1.5f, -0.25f);
	ROUND_TRIP(float, PVM_CPLX, 2, 5, 1, 2, 3, 4);
	ROUND_TRIP(double, PVM_DOUBLE, 1, 6, 1e300, -3.5);
	ROUND_TRIP(double, PVM_DCPLX, 2, 7, 1, 2);
	ROUND_TRIP(long, PVM_LONG, 1, 8, -5000000000L, 7);
	ROUND_TRIP(unsigned short, PVM_USHORT, 1, 9, 65535, 1);
	ROUND_TRIP(unsigned int, PVM_UINT, 1, 10, 4000000000u);
	ROUND_TRIP(unsigned long, PVM_ULONG, 1, 11, 18000000000000000000ul, 3);

	r = pvm_psend(me, 12, "a string", 8, PVM_STR);
	memset(s, 'x', sizeof(s));
	r |= pvm_precv(-1, 12, s, sizeof(s), PVM_STR, &rt, &rg, &rl);
	CHECK(r == 0 && strcmp(s, "a string") == 0 && rl == 8,
	      "psend/precv PVM_STR: %d [%s] %d", r, s, rl);
	pvm_psend(me, 12, "a string", 8, PVM_STR);
	r = pvm_precv(-1, 12, s, 4, PVM_STR, &rt, &rg, &rl);
	CHECK(r == 0 && strcmp(s, "a s") == 0,
	      "precv PVM_STR truncates to len - 1 chars [%s]", s);

	/* more sent than asked for: the first len, and the length sent */
	{
		int three[3] = {7, 8, 9};

		pvm_psend(me, 13, three, 3, PVM_INT);
		r = pvm_precv(-1, -1, b, 2, PVM_INT, &rt, &rg, &rl);
		CHECK(r == 0 && b[0] == 7 && b[1] == 8 && b[2] == -1 && rg == 13 &&
		          rl == 12,
		      "precv takes len elements, reports bytes sent (%d)", rl);
	}
	CHECK(pvm_getrbuf() == rbuf && pvm_getsbuf() == sbuf,
	      "psend/precv leave the send and receive buffers alone");
	pvm_upkstr(s);
	CHECK(strcmp(s, "keep me") == 0, "receive buffer still readable: [%s]", s);

	/* psend's messages are ordinary ones */
	v = 4321;
	pvm_psend(me, 14, &v, 1, PVM_INT);
	v = 0;
	r = pvm_recv(-1, 14);
	CHECK(r > 0 && pvm_upkint(&v, 1, 1) == 0 && v == 4321,
	      "pvm_recv takes a psend message");
	/* a pvm_send message by precv */
	pvm_initsend(PvmDataDefault);
	v = 55;
	pvm_pkint(&v, 1, 1);
	pvm_send(me, 15);
	v = 0;
	r = pvm_precv(me, 15, &v, 1, PVM_INT, 0, 0, 0);
	CHECK(r == 0 && v == 55, "precv takes a pvm_send message");

	pvm_setopt(PvmAutoErr, 0);
	CHECK(pvm_psend(me, 1, b, 1, 99) == PvmBadParam, "psend bad type: PvmBadParam");
	CHECK(pvm_psend(me, -1, b, 1, PVM_INT) == PvmBadParam,
	      "psend tag -1: PvmBadParam");
	CHECK(pvm_psend(0, 1, b, 1, PVM_INT) == PvmBadParam, "psend tid 0: PvmBadParam");
	CHECK(pvm_psend(me, 1, b, -1, PVM_INT) == PvmBadParam,
	      "psend len -1: PvmBadParam");
	CHECK(pvm_precv(me, 1, b, 1, 12, 0, 0, 0) == PvmBadParam,
	      "precv bad type: PvmBadParam");
	CHECK(pvm_precv(me, -2, b, 1, PVM_INT, 0, 0, 0) == PvmBadParam,
	      "precv tag -2: PvmBadParam");
	pvm_setopt(PvmAutoErr, 1);

	/* pvm_pkmesg / pvm_upkmesg */
	pvm_initsend(PvmDataDefault);
	v = 42;
	pvm_pkint(&v, 1, 1);
	pvm_pkstr("inner");
	pvm_send(me, 33);
	rbuf = pvm_recv(me, 33);
	pvm_initsend(PvmDataRaw);
	pvm_pkstr("wrap");
	r = pvm_pkmesg(rbuf);
	v = 7;
	pvm_pkint(&v, 1, 1);
	pvm_send(me, 34);
	CHECK(r == 0, "pvm_pkmesg: %d", r);
	pvm_recv(me, 34);
	pvm_upkstr(s);
	{
		int id = pvm_upkmesg(), after = 0, iv = 0, bytes = -1, tag = -1, src = -1;
		char is[16] = "";

		pvm_upkint(&after, 1, 1);
		CHECK(id > 0 && strcmp(s, "wrap") == 0 && after == 7,
		      "pvm_upkmesg between other items: id %d", id);
		r = pvm_getminfo(id, &mi);
		pvm_bufinfo(id, &bytes, &tag, &src);
		CHECK(r == 0 && mi.tag == 33 && mi.src == me && mi.dst == me &&
		          tag == 33 && src == me && mi.ctx == pvm_getcontext() &&
		          mi.len == bytes && bytes > 0,
		      "unpacked message keeps its header: tag %d src %x dst %x len %d",
		      mi.tag, mi.src, mi.dst, mi.len);
		pvm_setrbuf(id);
		r = pvm_upkint(&iv, 1, 1);
		r |= pvm_upkstr(is);
		CHECK(r == 0 && iv == 42 && strcmp(is, "inner") == 0,
		      "unpacked message's body");
		pvm_freebuf(id);
	}
	pvm_setopt(PvmAutoErr, 0);
	CHECK(pvm_pkmesg(pvm_getsbuf()) == PvmBadParam,
	      "pkmesg of the send buffer: PvmBadParam");
	CHECK(pvm_pkmesg(9999) == PvmNoSuchBuf, "pkmesg of no buffer: PvmNoSuchBuf");
	CHECK(pvm_pkmesg(-1) == PvmBadParam, "pkmesg -1: PvmBadParam");
	CHECK(pvm_getminfo(9999, &mi) == PvmNoSuchBuf,
	      "getminfo of no buffer: PvmNoSuchBuf");
	CHECK(pvm_getminfo(pvm_getsbuf(), 0) == PvmBadParam,
	      "getminfo NULL: PvmBadParam");
	CHECK(pvm_setminfo(9999, &mi) == PvmNoSuchBuf,
	      "setminfo of no buffer: PvmNoSuchBuf");
	pvm_setopt(PvmAutoErr, 1);

	/* an empty message inside another */
	{
		int empty = pvm_mkbuf(PvmDataDefault), id, after = 0;

		pvm_initsend(PvmDataDefault);
		r = pvm_pkmesg(empty);
		v = 8;
		pvm_pkint(&v, 1, 1);
		pvm_send(me, 36);
		pvm_recv(me, 36);
		id = pvm_upkmesg();
		pvm_upkint(&after, 1, 1);
		CHECK(r == 0 && id > 0 && after == 8 && pvm_getminfo(id, &mi) == 0 &&
		          mi.len == 0,
		      "empty message packed and unpacked (id %d)", id);
		pvm_freebuf(empty);
		if (id > 0)
			pvm_freebuf(id);
	}

	/* pvm_pkmesgbody splices */
	{
		int inner = pvm_mkbuf(PvmDataDefault), old, x[3] = {0, 0, 0};

		old = pvm_setsbuf(inner);
		v = 5;
		pvm_pkint(&v, 1, 1);
		pvm_setsbuf(old);
		pvm_initsend(PvmDataDefault);
		v = 1;
		pvm_pkint(&v, 1, 1);
		r = pvm_pkmesgbody(inner);
		v = 2;
		pvm_pkint(&v, 1, 1);
		pvm_send(me, 35);
		pvm_recv(me, 35);
		r |= pvm_upkint(x, 3, 1);
		CHECK(r == 0 && x[0] == 1 && x[1] == 5 && x[2] == 2,
		      "pvm_pkmesgbody splices");
		pvm_freebuf(inner);
	}
}

/* message handlers ---------------------------------------------------- */

static int calls[32][2], ncalls;
static int ctx_seen = -1;

static int handler_reply(int mid)
{
	int v = -1, tag = -1, sb;

	pvm_bufinfo(mid, 0, &tag, 0);
	pvm_upkint(&v, 1, 1); /* the message is the receive buffer */
	if (ncalls < 32) {
		calls[ncalls][0] = tag;
		calls[ncalls][1] = v;
		ncalls++;
	}
	sb = pvm_setsbuf(pvm_mkbuf(PvmDataDefault));
	v *= 10;
	pvm_pkint(&v, 1, 1);
	pvm_send(me, 60);
	pvm_freebuf(pvm_setsbuf(sb));
	return 0;
}

static int handler_frees(int mid)
{
	int v = -1, tag = -1;

	pvm_bufinfo(mid, 0, &tag, 0);
	pvm_upkint(&v, 1, 1);
	if (ncalls < 32) {
		calls[ncalls][0] = tag;
		calls[ncalls][1] = v;
		ncalls++;
	}
	pvm_freebuf(mid);
	return 0;
}

static int kept_buf;

/* frees its message, then makes a buffer (likely under the same id) that
 * it keeps: the library must not free that one */
static int handler_keeps(int mid)
{
	int v = 31;

	pvm_freebuf(mid);
	kept_buf = pvm_mkbuf(PvmDataDefault);
	pvm_setsbuf(kept_buf);
	pvm_pkint(&v, 1, 1);
	return 0;
}

static int handler_ctx(int mid)
{
	struct pvmminfo mi;

	if (pvm_getminfo(mid, &mi) == 0)
		ctx_seen = mi.ctx;
	return 0;
}

static void test_mhf(void)
{
	int child = 0, h1, h2, h3, i, r, v, sbuf, rbuf;
	char args0[] = "send", args1[] = "9";
	char *args[] = {args0, args1, NULL};
	const int want[] = {0, 1, 3, 4, 6, 7};
	int order_ok;
	struct pvmminfo mi;

	/* buffers the handlers must leave as they were */
	pvm_initsend(PvmDataDefault);
	v = 77;
	pvm_pkint(&v, 1, 1);
	pvm_send(me, 98);
	rbuf = pvm_recv(me, 98);
	pvm_initsend(PvmDataDefault);
	sbuf = pvm_getsbuf();

	h1 = pvm_addmhf(-1, 1, -1, handler_reply);
	CHECK(h1 > 0, "addmhf tag 1: id %d", h1);
	if (pvm_spawn("api3_child", args, 0, "", 1, &child) != 1) {
		CHECK(0, "spawn api3_child: %x", child);
		return;
	}
	h2 = pvm_addmhf(child, 2, pvm_getcontext(), handler_frees);
	CHECK(h2 > 0 && h2 != h1, "addmhf src child tag 2: id %d", h2);
	pvm_setopt(PvmAutoErr, 0);
	CHECK(pvm_addmhf(-1, 1, -1, handler_frees) == PvmExists,
	      "same handler twice: PvmExists");
	CHECK(pvm_addmhf(-1, 1, -1, 0) == PvmBadParam, "null handler: PvmBadParam");
	CHECK(pvm_delmhf(-1) == PvmBadParam, "delmhf -1: PvmBadParam");
	CHECK(pvm_delmhf(9999) == PvmNotFound, "delmhf unknown: PvmNotFound");
	pvm_setopt(PvmAutoErr, 1);

	/* the child sends tags 1 2 3 1 2 3 1 2 3 with values 0..8 */
	for (i = 0; i < 3; i++) {
		r = pvm_recv(child, 3);
		v = -1;
		pvm_upkint(&v, 1, 1);
		CHECK(r > 0 && v == 3 * i + 2, "pvm_recv gets tag 3 messages only: %d",
		      v);
	}
	order_ok = ncalls == 6;
	for (i = 0; order_ok && i < 6; i++)
		order_ok = calls[i][1] == want[i] && calls[i][0] == 1 + want[i] % 3;
	CHECK(order_ok, "handlers called once per message in arrival order (%d calls)",
	      ncalls);
	for (i = 0; i < ncalls; i++)
		printf("#   call %d: tag %d value %d\n", i, calls[i][0], calls[i][1]);
	for (i = 0; i < 3; i++) {
		r = pvm_recv(me, 60);
		v = -1;
		pvm_upkint(&v, 1, 1);
		CHECK(r > 0 && v == 30 * i, "a handler's own send arrives: %d", v);
	}
	r = pvm_nrecv(-1, 1) + pvm_nrecv(-1, 2);
	CHECK(r == 0, "handled messages are never queued");
	CHECK(pvm_getsbuf() == sbuf, "send buffer kept across handlers");
	v = 0;
	CHECK(pvm_getrbuf() == rbuf || pvm_getrbuf() > 0, "receive buffer valid");

	/* deleted: messages queue again */
	CHECK(pvm_delmhf(h1) == 0, "delmhf");
	send_self_int(1, 11);
	r = pvm_recv(me, 1);
	v = 0;
	pvm_upkint(&v, 1, 1);
	CHECK(r > 0 && v == 11 && ncalls == 6, "after delmhf the message is received");
	pvm_delmhf(h2);

	/* a handler's own new buffer survives it, even under the message's id */
	h3 = pvm_addmhf(-1, 42, -1, handler_keeps);
	send_self_int(42, 0);
	send_self_int(43, 0);
	pvm_recv(me, 43);
	{
		int bytes = -1, old = pvm_setrbuf(kept_buf);

		v = 0;
		r = pvm_bufinfo(kept_buf, &bytes, 0, 0);
		CHECK(kept_buf > 0 && r == 0 && bytes > 0 && pvm_upkint(&v, 1, 1) == 0 &&
		          v == 31,
		      "buffer made by a handler that freed its message is kept (id %d)",
		      kept_buf);
		pvm_setrbuf(old);
		pvm_freebuf(kept_buf);
	}
	pvm_delmhf(h3);

	/* setminfo's context is what the send uses */
	h3 = pvm_addmhf(-1, 40, 5, handler_ctx);
	pvm_initsend(PvmDataDefault);
	pvm_getminfo(pvm_getsbuf(), &mi);
	mi.ctx = 5;
	r = pvm_setminfo(pvm_getsbuf(), &mi);
	pvm_send(me, 40);
	send_self_int(41, 0);
	pvm_recv(me, 41);
	CHECK(r == 0 && ctx_seen == 5, "setminfo ctx: message sent in context %d",
	      ctx_seen);
	pvm_delmhf(h3);
}

/* pvm_recvf ----------------------------------------------------------- */

static int ncalled, last_tid, last_tag;

static int tag_of(int bufid)
{
	struct pvmminfo mi;

	pvm_getminfo(bufid, &mi);
	return mi.tag;
}

/* rank 2, 4 by tag: the highest rank wins */
static int match_rank(int bufid, int tid, int tag)
{
	int t = tag_of(bufid);

	ncalled++;
	last_tid = tid;
	last_tag = tag;
	return t == 102 ? 2 : t == 104 ? 4 : 0;
}

static int match_first_ge3(int bufid, int tid, int tag)
{
	(void)tid, (void)tag;
	ncalled++;
	return tag_of(bufid) >= 103 ? 1 : 0;
}

static int match_error(int bufid, int tid, int tag)
{
	(void)bufid, (void)tid, (void)tag;
	return PvmNoFile;
}

static int match_none(int bufid, int tid, int tag)
{
	(void)bufid, (void)tid, (void)tag;
	return 0;
}

typedef int (*matcher)(int, int, int);

static void test_recvf(void)
{
	int i, r;
	matcher old;

	for (i = 1; i <= 5; i++)
		send_self_int(100 + i, i);
	send_self_int(200, 0);
	pvm_recv(me, 200); /* all six are queued now */

	old = (matcher)(void (*)(void))pvm_recvf(match_rank);
	CHECK(old == 0, "recvf returns 0 for the default matcher");
	r = pvm_recv(me, 7);
	CHECK(r > 0 && tag_of(r) == 104 && ncalled == 5 && last_tid == me &&
	          last_tag == 7,
	      "highest rank picked after scanning all (%d calls, tag %d)", ncalled,
	      tag_of(r));
	old = (matcher)(void (*)(void))pvm_recvf(match_first_ge3);
	CHECK(old == match_rank, "recvf returns the previous matcher");
	ncalled = 0;
	r = pvm_recv(-1, -1);
	CHECK(r > 0 && tag_of(r) == 103 && ncalled == 3,
	      "rank 1 picks at once (%d calls)", ncalled);
	pvm_recvf(match_error);
	pvm_setopt(PvmAutoErr, 0);
	r = pvm_nrecv(-1, -1);
	CHECK(r == PvmNoFile, "matcher's error returned: %d", r);
	pvm_recvf(match_none);
	r = pvm_nrecv(-1, -1);
	CHECK(r == 0, "matcher picking nothing: nrecv 0 (%d)", r);
	pvm_setopt(PvmAutoErr, 1);
	pvm_recvf(0);
	r = pvm_recv(-1, 105);
	CHECK(r > 0 && tag_of(r) == 105, "default matcher back with recvf(0)");
}

/* pvm_catchout -------------------------------------------------------- */

static void test_catchout(const char *path, int showtids, int wait_exit)
{
	FILE *f = fopen(path, "w");
	char a0[] = "out", e0[] = "env", e1[] = "API3_VAR", s0[] = "spawn";
	char *out_args[] = {a0, NULL}, *env_args[] = {e0, e1, NULL};
	char *spawn_args[] = {s0, NULL};
	int tids[3] = {0, 0, 0}, r, n;
	struct timeval tv = {0, 500000};

	if (f == NULL) {
		CHECK(0, "open %s", path);
		return;
	}
	pvm_setopt(PvmShowTids, showtids);
	r = pvm_catchout(f);
	CHECK(r == 0 && pvm_getopt(PvmOutputTid) == me,
	      "catchout: PvmOutputTid is mytid");
	pvm_export("API3_VAR");
	setenv("API3_VAR", "xyz", 1);
	r = pvm_spawn("api3_child", out_args, 0, "", 1, &tids[0]);
	r += pvm_spawn("api3_child", env_args, 0, "", 1, &tids[1]);
	if (!wait_exit && showtids)
		r += pvm_spawn("api3_child", spawn_args, 0, "", 1, &tids[2]);
	CHECK(r == (!wait_exit && showtids ? 3 : 2), "spawned the children");
	printf("child-out %x\nchild-env %x\n", (unsigned)tids[0], (unsigned)tids[1]);
	if (!wait_exit) {
		int nt = showtids ? 3 : 2;

		pvm_notify(PvmTaskExit, 50, nt, tids);
		for (int i = 0; i < nt; i++)
			pvm_recv(-1, 50);
		n = 0;
		while (pvm_trecv(-1, -1, &tv) > 0)
			n++;
		CHECK(n == 0, "output never reaches pvm_recv (%d seen)", n);
	}
	/* pvm_exit waits for the children's output to end */
	pvm_exit();
	fclose(f);
}

/* pvm_catchout(0) while a child still writes: its output is dropped,
 * never queued, and pvm_exit does not wait for it */
static void test_catchout_off(const char *path)
{
	FILE *f = fopen(path, "w");
	char a0[] = "out";
	char *out_args[] = {a0, NULL};
	int tid = 0, r, n;
	struct timeval tv = {0, 500000};

	if (f == NULL) {
		CHECK(0, "open %s", path);
		return;
	}
	pvm_catchout(f);
	r = pvm_spawn("api3_child", out_args, 0, "", 1, &tid);
	CHECK(r == 1, "spawned a child");
	pvm_catchout(0);
	CHECK(pvm_getopt(PvmOutputTid) == 0 && pvm_getopt(PvmOutputCode) == 0,
	      "catchout(0): PvmOutputTid and PvmOutputCode back to 0");
	fclose(f); /* the library must not touch it any more */
	pvm_notify(PvmTaskExit, 50, 1, &tid);
	pvm_recv(-1, 50);
	n = 0;
	while (pvm_trecv(-1, -1, &tv) > 0)
		n++;
	CHECK(n == 0, "output after catchout(0) never reaches pvm_recv (%d seen)", n);
}

static void test_env(void)
{
	int *fds = NULL, n, r;
	struct pollfd pfd;

	setenv("PVM_EXPORT", "SHELL:HOME", 1);
	pvm_export("DISPLAY");
	pvm_export("TERM");
	pvm_export("DISPLAY");
	pvm_unexport("HOME");
	pvm_unexport("NOPE");
	CHECK(strcmp(getenv("PVM_EXPORT"), "SHELL:DISPLAY:TERM") == 0,
	      "export/unexport: %s", getenv("PVM_EXPORT"));
	unsetenv("PVM_EXPORT");
	pvm_export("ONE");
	CHECK(strcmp(getenv("PVM_EXPORT"), "ONE") == 0, "export into an empty list");
	pvm_unexport("ONE");
	CHECK(getenv("PVM_EXPORT") == NULL || *getenv("PVM_EXPORT") == '\0',
	      "unexport of the last name");
	pvm_setopt(PvmAutoErr, 0);
	CHECK(pvm_export(0) == PvmBadParam && pvm_export("A:B") == PvmBadParam,
	      "export of a null or list name: PvmBadParam");
	/* PvmOutputTid: 0 or a live task; the code may be anything */
	CHECK(pvm_setopt(PvmOutputTid, me + 1000) == PvmBadParam &&
	          pvm_setopt(PvmOutputTid, -1) == PvmBadParam &&
	          pvm_setopt(PvmOutputTid, pvm_tidtohost(me)) == PvmBadParam &&
	          pvm_getopt(PvmOutputTid) == 0,
	      "PvmOutputTid of no task: PvmBadParam, unchanged");
	CHECK(pvm_setopt(PvmOutputTid, me) == 0 && pvm_getopt(PvmOutputTid) == me &&
	          pvm_setopt(PvmOutputTid, 0) == me,
	      "PvmOutputTid of a live task, then 0");
	CHECK(pvm_setopt(PvmOutputCode, -5) == 0 && pvm_getopt(PvmOutputCode) == -5,
	      "PvmOutputCode takes any value");
	pvm_setopt(PvmOutputCode, 0);
	pvm_setopt(PvmAutoErr, 1);

	/* the daemon's socket first, then the shared-memory doorbell (as
	 * PVM lists its direct routes after the daemon's) */
	n = pvm_getfds(&fds);
	CHECK(n >= 1 && n <= 2 && fds != NULL && fds[0] > 2, "getfds: %d, fds[0] %d", n,
	      fds != NULL ? fds[0] : -1);
	if (n < 1 || fds == NULL)
		return;
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	send_self_int(70, 1);
	r = poll(&pfd, 1, 5000);
	CHECK(r == 1 && pvm_recv(me, 70) > 0, "fds[0] becomes readable for a message");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	me = pvm_mytid();
	if (me < 0) {
		printf("FAIL - pvm_mytid %d\n", me);
		return 1;
	}
	if (strcmp(what, "pmsg") == 0)
		test_pmsg();
	else if (strcmp(what, "mhf") == 0)
		test_mhf();
	else if (strcmp(what, "recvf") == 0)
		test_recvf();
	else if (strcmp(what, "catchout") == 0 && argc > 2)
		test_catchout(argv[2], 1, 0);
	else if (strcmp(what, "catchout-raw") == 0 && argc > 2)
		test_catchout(argv[2], 0, 0);
	else if (strcmp(what, "catchout-exit") == 0 && argc > 2)
		test_catchout(argv[2], 1, 1);
	else if (strcmp(what, "catchout-off") == 0 && argc > 2)
		test_catchout_off(argv[2]);
	else if (strcmp(what, "env") == 0)
		test_env();
	else {
		printf("FAIL - unknown group %s\n", what);
		fails++;
	}
	pvm_exit();
	printf("%s %s\n", what, fails ? "FAILED" : "passed");
	return fails ? 1 : 0;
}

/*
 * ctx_iso.c - message contexts between real tasks.  `ctx_iso` (the
 * parent) allocates two contexts, spawns itself as a child inside the
 * first, and the two exchange interleaved messages with the same tag in
 * both contexts: each receive sees only its own context's messages, in
 * order.  Prints "ok - ..." / "FAIL - ..." lines; exits 1 on a failure.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 20
#define TAG 5

static int fails;

static void check(int cond, const char *what, long got)
{
	printf("%s - %s (got %ld)\n", cond ? "ok" : "FAIL", what, got);
	fflush(stdout);
	if (!cond)
		fails++;
}

static void send2(int to, int tag, int a, int b)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&a, 1, 1);
	pvm_pkint(&b, 1, 1);
	pvm_send(to, tag);
}

static int recv2(int from, int tag, int *a, int *b)
{
	struct timeval tv = {5, 0};
	int r = pvm_trecv(from, tag, &tv);

	if (r > 0) {
		pvm_upkint(a, 1, 1);
		pvm_upkint(b, 1, 1);
	}
	return r;
}

static int child(void)
{
	int parent = pvm_parent(), c1 = pvm_getcontext(), c2 = 0, a, b, i;

	/* the parent tells us its second context, in the one we inherited */
	if (recv2(parent, 1, &a, &c2) <= 0)
		return 1;
	send2(parent, 2, c1, pvm_freecontext(c1));
	/* interleaved: same tag, alternating contexts */
	for (i = 0; i < N; i++) {
		pvm_setcontext(i % 2 ? c2 : c1);
		send2(parent, TAG, pvm_getcontext(), i);
	}
	/* receive the parent's interleaved messages, context 2 first */
	pvm_setcontext(c2);
	for (i = 0; i < N / 2; i++) {
		if (recv2(parent, TAG, &a, &b) <= 0 || a != c2)
			return 2;
	}
	pvm_setcontext(c1);
	for (i = 0; i < N / 2; i++) {
		if (recv2(parent, TAG, &a, &b) <= 0 || a != c1)
			return 3;
	}
	send2(parent, 3, 0, 0);
	pvm_exit();
	return 0;
}

int main(int argc, char **argv)
{
	int me, c1, c2, c3, kid, a, b, i, ok, last;
	struct timeval none = {0, 300000};

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	me = pvm_mytid();
	if (me < 0)
		return 1;
	pvm_setopt(PvmAutoErr, 0);
	check(pvm_getcontext() == PvmBaseContext, "a task starts in the base context",
	      pvm_getcontext());
	c1 = pvm_newcontext();
	c2 = pvm_newcontext();
	c3 = pvm_newcontext();
	check(c1 > 0 && c2 > 0 && c3 > 0 && c1 != c2 && c2 != c3 && c1 != c3,
	      "newcontext: three distinct non-zero ids", (long)c1);
	check((c1 & 0x3ffc0000) == (pvm_tidtohost(me) & 0x3ffc0000),
	      "a context carries its host in the high bits", (long)c1);
	check(pvm_freecontext(c3) == PvmOk, "freecontext of our own", 0);
	check(pvm_freecontext(c3) == PvmNotFound, "freecontext twice: PvmNotFound",
	      pvm_freecontext(c3));
	check(pvm_freecontext(12345) == PvmNotFound, "freecontext never allocated",
	      pvm_freecontext(12345));
	check(pvm_setcontext(-1) == PvmBadParam, "setcontext(-1): PvmBadParam",
	      pvm_setcontext(-1));
	check(pvm_setcontext(c1) == PvmBaseContext, "setcontext returns the old one", 0);
	check(pvm_getcontext() == c1, "getcontext after setcontext", pvm_getcontext());

	/* spawned inside c1: the child inherits it */
	if (pvm_spawn(argv[0], (char *[]){"child", NULL}, 0, "", 1, &kid) != 1) {
		check(0, "spawn the child", kid);
		return 1;
	}
	send2(kid, 1, 0, c2);
	ok = recv2(kid, 2, &a, &b) > 0;
	check(ok && a == c1, "the child runs in the context it was spawned in", a);
	check(ok && b == PvmDenied, "freecontext of another task's context: PvmDenied",
	      b);
	/* nothing the child sent in c2 may arrive while we are in c1 */
	last = -1;
	ok = 1;
	for (i = 0; i < N / 2; i++) {
		if (recv2(kid, TAG, &a, &b) <= 0 || a != c1 || b <= last || b % 2 != 0)
			ok = 0;
		last = b;
	}
	check(ok, "in context 1: only context 1's messages, in order", last);
	check(pvm_trecv(kid, TAG, &none) == 0, "context 1 drained; context 2's wait", 0);
	pvm_setcontext(PvmBaseContext);
	check(pvm_nrecv(-1, -1) == 0, "the base context sees none of them", 0);
	pvm_setcontext(c2);
	last = -1;
	ok = 1;
	for (i = 0; i < N / 2; i++) {
		if (recv2(kid, TAG, &a, &b) <= 0 || a != c2 || b <= last || b % 2 != 1)
			ok = 0;
		last = b;
	}
	check(ok, "in context 2: only context 2's messages, in order", last);
	/* the other way round, interleaved as well */
	for (i = 0; i < N; i++) {
		int c = i % 2 ? c2 : c1;

		pvm_setcontext(c);
		send2(kid, TAG, c, i);
	}
	pvm_setcontext(c1);
	check(recv2(kid, 3, &a, &b) > 0, "the child received each context's own", 0);
	pvm_setcontext(PvmBaseContext);
	check(pvm_freecontext(c1) == PvmOk && pvm_freecontext(c2) == PvmOk,
	      "freecontext of both", 0);
	pvm_exit();
	return fails != 0;
}

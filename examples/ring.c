/*
 * ring.c - an SPMD token ring: every instance runs this same program.
 *
 *     pvmrun -np 4 ring 3
 *
 * starts four instances together.  pvm_siblings() gives each one the tids
 * of all instances started by that one spawn, in the same order for all,
 * so an instance's position in the list is its rank.  Instance 0 injects a
 * token (an int) that travels round the ring K times (argv[1], default 3);
 * every instance adds one to it as it passes, so after K laps of N
 * instances the token must be N*K.  Instance 0 prints it and checks.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

#define TAG_TOKEN 20

static _Noreturn void die(const char *what)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "ring: %s", what);
	pvm_perror(msg);
	pvm_exit();
	exit(1);
}

/* Passes the token to the next instance. */
static void send_token(int to, int token)
{
	if (pvm_initsend(PvmDataDefault) < 0 || pvm_pkint(&token, 1, 1) < 0 ||
	    pvm_send(to, TAG_TOKEN) < 0)
		die("sending the token");
}

/* Waits for the token from the previous instance. */
static int receive_token(int from)
{
	int token;
	if (pvm_recv(from, TAG_TOKEN) < 0 || pvm_upkint(&token, 1, 1) < 0)
		die("receiving the token");
	return token;
}

int main(int argc, char **argv)
{
	int laps = argc > 1 ? atoi(argv[1]) : 3;
	if (laps < 1) {
		fprintf(stderr, "ring: the number of laps must be at least 1\n");
		return 2;
	}

	int mytid = pvm_mytid();
	if (mytid < 0)
		die("pvm_mytid");

	/* All instances started together, and where we are among them.  A
	 * program started by hand is its own, only sibling: a ring of one. */
	int *tids;
	int n = pvm_siblings(&tids);
	if (n < 1)
		die("pvm_siblings");
	int me = -1;
	for (int i = 0; i < n; i++)
		if (tids[i] == mytid)
			me = i;
	if (me < 0) {
		fprintf(stderr, "ring: t%x is not in its own sibling list\n", mytid);
		pvm_exit();
		return 1;
	}
	int next = tids[(me + 1) % n];
	int prev = tids[(me + n - 1) % n];

	if (me == 0) {
		/* Instance 0 starts each lap and sees the token come back. */
		int token = 0;
		for (int lap = 0; lap < laps; lap++) {
			send_token(next, token + 1);
			token = receive_token(prev);
		}
		int expected = n * laps;
		printf(
		    "ring: token = %d after %d laps of %d instances (expected %d): %s\n",
		    token, laps, n, expected, token == expected ? "OK" : "WRONG");
		pvm_exit();
		return token == expected ? 0 : 1;
	}

	/* Every other instance: take the token, add one, pass it on. */
	for (int lap = 0; lap < laps; lap++)
		send_token(next, receive_token(prev) + 1);
	if (pvm_exit() < 0) {
		pvm_perror("ring: pvm_exit");
		return 1;
	}
	return 0;
}

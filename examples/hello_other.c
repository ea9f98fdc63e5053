/*
 * hello_other.c - the task that hello.c spawns.
 *
 * It finds out who started it (pvm_parent), builds a greeting naming the
 * host it runs on and its own task id, and sends it to the parent.
 * Started on its own (not by pvm_spawn) it has no parent and says so.
 */
#include <pvm3.h>

#include <stdio.h>
#include <unistd.h>

#define TAG_GREETING 1 /* must match hello.c */

int main(void)
{
	int mytid = pvm_mytid();
	if (mytid < 0) {
		pvm_perror("hello_other: pvm_mytid");
		return 1;
	}

	/* The tid of the task that spawned us, or PvmNoParent. */
	int parent = pvm_parent();
	if (parent < 0) {
		fprintf(stderr, "hello_other: no parent to greet (%d)\n", parent);
		pvm_exit();
		return 1;
	}

	char host[128];
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown-host");
	host[sizeof(host) - 1] = '\0';

	char greeting[256];
	snprintf(greeting, sizeof(greeting), "hello, world from %s (task t%x)", host,
	         mytid);

	/* Sending is three steps: clear the send buffer and choose its
	 * encoding (pvm_initsend), pack the data (pvm_pk*), send it with a
	 * tag (pvm_send).  PvmDataDefault is safe between any two hosts. */
	if (pvm_initsend(PvmDataDefault) < 0 || pvm_pkstr(greeting) < 0 ||
	    pvm_send(parent, TAG_GREETING) < 0) {
		pvm_perror("hello_other: sending the greeting");
		pvm_exit();
		return 1;
	}

	if (pvm_exit() < 0) {
		pvm_perror("hello_other: pvm_exit");
		return 1;
	}
	return 0;
}

/*
 * hello.c - the smallest PVM program with two tasks.
 *
 * hello enrolls in the virtual machine, starts one copy of hello_other
 * (anywhere in the machine), waits for the greeting it sends back and
 * prints it.  Run it with `pvmrun hello` (or from the `pvm` console).
 *
 * Every PVM call returns a negative PVM error code when it fails; we check
 * each one, print why with pvm_perror() and exit non-zero.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

/* The message tag hello_other uses for its greeting.  Tags are chosen by
 * the program: the two sides only have to agree. */
#define TAG_GREETING 1

/* Greetings are short strings; pvm_upkstr() has no length argument, so the
 * buffer must be big enough for anything hello_other may send. */
#define GREETING_MAX 256

int main(void)
{
	/* pvm_mytid() connects this process to the local pvmd and returns
	 * our task id (tid); it is usually the first PVM call a program makes. */
	int mytid = pvm_mytid();
	if (mytid < 0) {
		pvm_perror("hello: pvm_mytid");
		return 1;
	}
	printf("hello: I am t%x\n", mytid);

	/* Start one hello_other.  PvmTaskDefault lets PVM choose the host
	 * (the "where" argument is then ignored).  pvm_spawn returns how many
	 * tasks it started and stores their tids -- or, for an instance that
	 * failed, a negative error code -- in the tids array. */
	int child;
	int started = pvm_spawn("hello_other", NULL, PvmTaskDefault, "", 1, &child);
	if (started < 0) {
		/* the call itself failed (no daemon, bad argument, ...) */
		pvm_perror("hello: pvm_spawn");
		pvm_exit();
		return 1;
	}
	if (started == 0) {
		/* the call worked but the instance did not start (e.g.
		 * PvmNoFile: hello_other is not on the PATH); child holds why */
		fprintf(stderr, "hello: hello_other did not start: PVM error %d\n",
		        child);
		pvm_exit();
		return 1;
	}
	printf("hello: started hello_other as t%x\n", child);

	/* Block until a message with our tag arrives from the child.  The
	 * message becomes the active receive buffer, which pvm_upk* read. */
	int bufid = pvm_recv(child, TAG_GREETING);
	if (bufid < 0) {
		pvm_perror("hello: pvm_recv");
		pvm_exit();
		return 1;
	}
	char greeting[GREETING_MAX];
	if (pvm_upkstr(greeting) < 0) {
		pvm_perror("hello: pvm_upkstr");
		pvm_exit();
		return 1;
	}
	printf("hello: from t%x: %s\n", child, greeting);

	/* Leave the virtual machine; the process itself goes on (and ends). */
	if (pvm_exit() < 0) {
		pvm_perror("hello: pvm_exit");
		return 1;
	}
	return 0;
}

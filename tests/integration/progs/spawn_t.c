/*
 * spawn_t.c - test task: spawns one instance of a program (PVM program
 * or not) on a host, prints "spawned TID", and leaves the virtual machine
 * without waiting for it, so tests can see what becomes of it.
 * Usage: spawn_t HOST|- PROG [ARGS...]   ("-": wherever the machine likes)
 */
#include <pvm3.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int tid = 0, n;

	if (argc < 3) {
		fprintf(stderr, "usage: spawn_t HOST|- PROG [ARGS...]\n");
		return 2;
	}
	pvm_setopt(PvmAutoErr, 0);
	if (strcmp(argv[1], "-") == 0)
		n = pvm_spawn(argv[2], argv + 3, PvmTaskDefault, "", 1, &tid);
	else
		n = pvm_spawn(argv[2], argv + 3, PvmTaskHost, argv[1], 1, &tid);
	printf("spawned %d %x\n", n, (unsigned)tid);
	pvm_exit();
	return n == 1 ? 0 : 1;
}

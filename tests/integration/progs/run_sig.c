/*
 * run_sig.c - test task for pvmrun: prints one line, then dies of the
 * signal whose number is argv[1] (default SIGKILL).
 */
#include <pvm3.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int sig = argc > 1 ? atoi(argv[1]) : SIGKILL;
	int tid = pvm_mytid();

	printf("run_sig t%x: raising signal %d\n", (unsigned)(tid > 0 ? tid : 0), sig);
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	return 0; /* a signal that does not kill: say so by exiting 0 */
}

/*
 * run_exit.c - test task for pvmrun and the console: prints one line
 * naming itself, leaves the virtual machine and exits with the status
 * given as argv[1] (default 0).
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;
	int tid = pvm_mytid();

	printf("run_exit t%x: exiting with %d\n", (unsigned)(tid > 0 ? tid : 0), code);
	fflush(stdout);
	pvm_exit();
	return code;
}

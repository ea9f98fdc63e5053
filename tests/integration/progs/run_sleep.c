/*
 * run_sleep.c - test task for the console and pvmrun: joins the virtual
 * machine, says so, and sleeps argv[1] seconds (default 60), so tests
 * can list, kill and interrupt a task that is still running.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 60;
	int tid = pvm_mytid();

	printf("run_sleep t%x: sleeping %d s\n", (unsigned)(tid > 0 ? tid : 0), secs);
	fflush(stdout);
	sleep((unsigned)secs);
	pvm_exit();
	return 0;
}

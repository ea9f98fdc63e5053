/*
 * run_lines.c - test task for output forwarding: writes argv[1] lines
 * (default 3), each in two pieces flushed separately with a pause
 * between, and a last piece without a newline, so a reader must join
 * partial lines itself.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	struct timespec pause = {0, 20 * 1000 * 1000};

	pvm_mytid();
	for (int i = 1; i <= n; i++) {
		printf("line %d ", i);
		fflush(stdout);
		nanosleep(&pause, NULL);
		printf("of %d\n", n);
		fflush(stdout);
	}
	printf("no newline");
	fflush(stdout);
	pvm_exit();
	return 0;
}

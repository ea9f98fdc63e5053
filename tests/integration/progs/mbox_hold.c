/*
 * mbox_hold.c - test task for the console's reset: puts mailbox entries
 * (a string naming it) and stays, so a test can see what happens to the
 * entries of a task that reset kills.
 * Usage: mbox_hold SECONDS NAME FLAGS [NAME FLAGS]...
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int tid = pvm_mytid();
	char text[64];

	if (tid < 0)
		return 1;
	snprintf(text, sizeof(text), "held by t%x", (unsigned)tid);
	for (int i = 2; i + 1 < argc; i += 2) {
		int buf = pvm_initsend(PvmDataDefault);
		int r = buf < 0 ? buf : pvm_pkstr(text);

		if (r >= 0)
			r = pvm_putinfo(argv[i], buf, atoi(argv[i + 1]));
		printf("mbox_hold t%x: put %s = %d\n", (unsigned)tid, argv[i], r);
	}
	fflush(stdout);
	sleep((unsigned)(argc > 1 ? atoi(argv[1]) : 60));
	pvm_exit();
	return 0;
}

/*
 * api3_child.c - a child for test_api3.sh.  "out": prints a line on stderr, then two
 * lines, a line written in two pieces and a last line without a newline, then sends its
 * parent tag 20.  "env NAME": prints NAME=value (or NAME unset). "send N": sends its
 * parent N messages, tags 1, 2, 3, 1, 2, 3, ...
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int parent = pvm_parent();

	if (argc > 1 && strcmp(argv[1], "out") == 0) {
		/* stderr first, alone: the two pipes have no common order */
		fprintf(stderr, "to stderr\n");
		usleep(100000);
		printf("first line\nsecond line\n");
		fflush(stdout);
		printf("split ");
		fflush(stdout);
		usleep(100000);
		printf("line\n");
		printf("no newline");
		fflush(stdout);
	} else if (argc > 2 && strcmp(argv[1], "env") == 0) {
		const char *v = getenv(argv[2]);

		if (v != NULL)
			printf("%s=%s\n", argv[2], v);
		else
			printf("%s unset\n", argv[2]);
	} else if (argc > 1 && strcmp(argv[1], "spawn") == 0) {
		/* a grandchild writing output; we wait for it to exit */
		char a0[] = "out";
		char *args[] = {a0, NULL};
		int tid = 0;

		if (pvm_spawn("api3_child", args, 0, "", 1, &tid) == 1) {
			printf("grandchild t%x\n", (unsigned)tid);
			fflush(stdout);
			pvm_notify(PvmTaskExit, 51, 1, &tid);
			pvm_recv(-1, 51);
		}
	} else if (argc > 2 && strcmp(argv[1], "send") == 0) {
		int n = atoi(argv[2]);

		for (int i = 0; i < n; i++) {
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&i, 1, 1);
			pvm_send(parent, 1 + i % 3);
		}
	}
	fflush(stdout);
	pvm_exit();
	return 0;
}

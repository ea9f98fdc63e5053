/*
 * order_t.c - a receiver for test_order.sh: takes COUNT messages of tag
 * 7 (one int each) in the order the library delivers them, prints them
 * on one line ("order: 1 2 ..."), and exits.  The driver sends them as
 * raw frames with chosen pair sequence numbers (frame.h).
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int count = argc > 1 ? atoi(argv[1]) : 1;
	struct timeval tmo = {20, 0};

	if (pvm_mytid() < 0)
		return 1;
	printf("order:");
	for (int i = 0; i < count; i++) {
		int v = -1;

		if (pvm_trecv(-1, 7, &tmo) <= 0) {
			printf(" timeout");
			break;
		}
		pvm_upkint(&v, 1, 1);
		printf(" %d", v);
	}
	printf("\n");
	fflush(stdout);
	pvm_exit();
	return 0;
}

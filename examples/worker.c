/*
 * worker.c - a worker of the master/worker program (see master.c).
 *
 * Each worker receives one slice of the array from its parent, sums the
 * squares of its elements and sends the partial sum back.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

#define TAG_WORK 10 /* must match master.c */
#define TAG_RESULT 11

static void die(const char *what)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "worker: %s", what);
	pvm_perror(msg);
	pvm_exit();
	exit(1);
}

int main(void)
{
	if (pvm_mytid() < 0)
		die("pvm_mytid");
	int master = pvm_parent();
	if (master < 0) {
		fprintf(stderr, "worker: must be spawned by master (pvm_parent: %d)\n",
		        master);
		pvm_exit();
		return 1;
	}

	/* Wait for our slice: first its length, then the values. */
	if (pvm_recv(master, TAG_WORK) < 0)
		die("pvm_recv");
	int count;
	if (pvm_upkint(&count, 1, 1) < 0)
		die("pvm_upkint");
	if (count < 0) {
		fprintf(stderr, "worker: bad slice length %d\n", count);
		pvm_exit();
		return 1;
	}
	double *slice = malloc((count > 0 ? count : 1) * sizeof(*slice));
	if (slice == NULL) {
		fprintf(stderr, "worker: out of memory for %d doubles\n", count);
		pvm_exit();
		return 1;
	}
	if (count > 0 && pvm_upkdouble(slice, count, 1) < 0)
		die("pvm_upkdouble");

	double partial = 0.0;
	for (int i = 0; i < count; i++)
		partial += slice[i] * slice[i];
	free(slice);

	/* Send back how many elements we summed and the partial sum. */
	if (pvm_initsend(PvmDataDefault) < 0 || pvm_pkint(&count, 1, 1) < 0 ||
	    pvm_pkdouble(&partial, 1, 1) < 0 || pvm_send(master, TAG_RESULT) < 0)
		die("sending the result");

	if (pvm_exit() < 0) {
		pvm_perror("worker: pvm_exit");
		return 1;
	}
	return 0;
}

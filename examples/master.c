/*
 * master.c - the master of a master/worker program (see worker.c).
 *
 * The master fills an array of doubles, spawns N workers (argv[1], default
 * 4), sends each worker one slice of the array and collects the partial
 * sums of squares the workers send back.  It prints the total, computes
 * the same sum itself, and exits 0 only if the two agree.
 *
 *     pvmrun master        four workers
 *     pvmrun master 8      eight workers
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

#define TAG_WORK 10   /* master -> worker: int count, then count doubles */
#define TAG_RESULT 11 /* worker -> master: int count, then one double */

#define N_ELEMENTS 1000
#define MAX_WORKERS 64

/* Reports a failed PVM call, ends the workers already started (they would
 * otherwise wait for work forever), leaves PVM and exits non-zero. */
static _Noreturn void die(const char *what, const int *tids, int ntids)
{
	char msg[128];
	snprintf(msg, sizeof(msg), "master: %s", what);
	pvm_perror(msg);
	for (int i = 0; i < ntids; i++)
		if (tids[i] > 0)
			pvm_kill(tids[i]);
	pvm_exit();
	exit(1);
}

int main(int argc, char **argv)
{
	int nworkers = argc > 1 ? atoi(argv[1]) : 4;
	if (nworkers < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "master: number of workers must be 1..%d\n", MAX_WORKERS);
		return 2;
	}

	int mytid = pvm_mytid();
	if (mytid < 0)
		die("pvm_mytid", NULL, 0);

	/* The data.  Multiples of 0.5 have exact squares in binary floating
	 * point, so here any order of summing gives the same total; we still
	 * compare with a tolerance below, because in general a sum computed
	 * in pieces is rounded differently from a sum computed in one go. */
	static double data[N_ELEMENTS];
	for (int i = 0; i < N_ELEMENTS; i++)
		data[i] = 0.5 * i;

	/* Start the workers.  pvm_spawn returns how many started; the tids
	 * array holds a tid for each one that did, a negative error code for
	 * each one that did not. */
	int tids[MAX_WORKERS];
	int started = pvm_spawn("worker", NULL, PvmTaskDefault, "", nworkers, tids);
	if (started < 0)
		die("pvm_spawn", NULL, 0);
	if (started < nworkers) {
		for (int i = 0; i < nworkers; i++)
			if (tids[i] < 0)
				fprintf(stderr,
				        "master: worker %d did not start: PVM error %d\n",
				        i, tids[i]);
		for (int i = 0; i < nworkers; i++)
			if (tids[i] > 0)
				pvm_kill(tids[i]);
		pvm_exit();
		return 1;
	}
	printf("master: t%x started %d workers\n", mytid, nworkers);

	/* Deal out the array: worker i gets elements [first, first + count).
	 * The first N_ELEMENTS % nworkers workers take one extra element. */
	int first = 0;
	for (int i = 0; i < nworkers; i++) {
		int count = N_ELEMENTS / nworkers + (i < N_ELEMENTS % nworkers ? 1 : 0);
		/* Pack the length first so the worker knows how much to
		 * unpack; items are unpacked in the order they were packed. */
		if (pvm_initsend(PvmDataDefault) < 0 || pvm_pkint(&count, 1, 1) < 0 ||
		    pvm_pkdouble(&data[first], count, 1) < 0)
			die("packing a slice", tids, nworkers);
		if (pvm_send(tids[i], TAG_WORK) < 0)
			die("pvm_send", tids, nworkers);
		first += count;
	}

	/* Collect one result per worker, in whatever order they finish:
	 * source -1 means "from any task". */
	double total = 0.0;
	for (int i = 0; i < nworkers; i++) {
		int bufid = pvm_recv(-1, TAG_RESULT);
		if (bufid < 0)
			die("pvm_recv", tids, nworkers);
		/* pvm_bufinfo tells us who sent the message */
		int bytes, tag, from;
		if (pvm_bufinfo(bufid, &bytes, &tag, &from) < 0)
			die("pvm_bufinfo", tids, nworkers);
		int count;
		double partial;
		if (pvm_upkint(&count, 1, 1) < 0 || pvm_upkdouble(&partial, 1, 1) < 0)
			die("unpacking a result", tids, nworkers);
		printf("master: t%x summed %d squares: %.2f\n", from, count, partial);
		total += partial;
	}

	/* The same computation done serially, to check the parallel one. */
	double serial = 0.0;
	for (int i = 0; i < N_ELEMENTS; i++)
		serial += data[i] * data[i];

	printf("master: total sum of squares = %.1f (serial %.1f)\n", total, serial);
	double diff = total > serial ? total - serial : serial - total;
	int ok = diff <= 1e-12 * serial;
	printf("master: %s\n", ok ? "results match" : "MISMATCH");

	if (pvm_exit() < 0) {
		pvm_perror("master: pvm_exit");
		return 1;
	}
	return ok ? 0 : 1;
}

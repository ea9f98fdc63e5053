/* requests.c - the time of a request to the local daemon, as a task sees
 * it (bench/run-requests.sh): pvm_config, pvm_pstat of itself, and on a
 * group of one member pvm_gsize, pvm_gettid and pvm_barrier(g, 1) (for
 * PVM 3.4.6 these go to its group server, pvmgs).  Each is called
 * repeatedly for about BUDGET_S seconds (at least MIN_CALLS times) and
 * its mean is printed:
 *   REQ impl=I call=C calls=N us=T
 * Exit 1 when a call fails. */
#include <pvm3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUDGET_S 0.5
#define MIN_CALLS 100
#define GROUP "bench_requests"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int call(const char *what, int me)
{
	struct pvmhostinfo *hi;
	int nhost, narch;

	if (strcmp(what, "config") == 0)
		return pvm_config(&nhost, &narch, &hi) < 0 ? -1 : 0;
	if (strcmp(what, "pstat") == 0)
		return pvm_pstat(me) != PvmOk ? -1 : 0;
	if (strcmp(what, "gsize") == 0)
		return pvm_gsize(GROUP) != 1 ? -1 : 0;
	if (strcmp(what, "gettid") == 0)
		return pvm_gettid(GROUP, 0) != me ? -1 : 0;
	return pvm_barrier(GROUP, 1) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const char *const calls[] = {"config", "pstat", "gsize", "gettid", "barrier"};
	const char *impl = argc > 1 ? argv[1] : "pvmx";
	int me = pvm_mytid(), rc = 0;

	if (me < 0)
		return 1;
	if (pvm_joingroup(GROUP) != 0) {
		fprintf(stderr, "requests: pvm_joingroup failed\n");
		pvm_exit();
		return 1;
	}
	for (size_t k = 0; k < sizeof(calls) / sizeof(calls[0]); k++) {
		double start = now_us(), t = start;
		long n = 0;

		while (n < MIN_CALLS || t - start < BUDGET_S * 1e6) {
			if (call(calls[k], me) != 0) {
				fprintf(stderr, "requests: %s failed\n", calls[k]);
				rc = 1;
				break;
			}
			n++;
			t = now_us();
		}
		printf("REQ impl=%s call=%s calls=%ld us=%.2f\n", impl, calls[k], n,
		       (t - start) / (double)n);
	}
	pvm_lvgroup(GROUP);
	pvm_exit();
	return rc;
}

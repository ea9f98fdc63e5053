/*
 * trace_sink.c - a minimal trace collector for bench/run-trace-cost.sh:
 * runs a program as its traced child and throws the events away, so a
 * benchmark measures what tracing costs the traced tasks, not what a
 * collector does with the events.
 *
 * Usage: bench_trace_sink off|BYTES PROG [ARGS...]
 *   off    the child runs untraced (the same tasks, nothing collected)
 *   BYTES  PvmTraceBuffer for the child and its children (0: each event
 *          is sent at once), every event kind in the mask
 * The child's output (and its children's) comes out on standard output.
 * Ends when the child has exited and no event came for half a second;
 * prints "TRACESINK messages=M bytes=B" on standard error.
 */
#include <pvm3.h>
#include <pvmtev.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EVENT_TAG = 0x7e7ad0, EXIT_TAG = 0x7e7ad1 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long long msgs = 0, bytes = 0;
	int me, child = 0, gone = 0;
	double last;
	Pvmtmask mask;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_trace_sink off|BYTES PROG [ARGS...]\n");
		return 2;
	}
	if ((me = pvm_mytid()) < 0)
		return 1;
	if (strcmp(argv[1], "off") != 0) {
		TEV_MASK_INIT(mask);
		for (int k = TEV_FIRST; k <= TEV_MAX; k++)
			TEV_MASK_SET(mask, k);
		pvm_settmask(PvmTaskChild, mask);
		pvm_setopt(PvmTraceCode, EVENT_TAG);
		pvm_setopt(PvmTraceContext, pvm_getcontext());
		pvm_setopt(PvmTraceBuffer, atoi(argv[1]));
		pvm_setopt(PvmTraceOptions, PvmTraceFull);
		pvm_setopt(PvmTraceTid, me);
	}
	pvm_catchout(stdout);
	if (pvm_spawn(argv[2], argv + 3, PvmTaskDefault, NULL, 1, &child) != 1) {
		fprintf(stderr, "bench_trace_sink: cannot spawn %s: %d\n", argv[2],
		        child);
		pvm_exit();
		return 1;
	}
	pvm_notify(PvmTaskExit, EXIT_TAG, 1, &child);
	last = now_s();
	while (!gone || now_s() - last < 0.5) {
		struct timeval tmo = {0, 100000};
		int id = pvm_trecv(-1, -1, &tmo), len, tag, src;

		if (id < 0)
			break;
		if (id == 0 || pvm_bufinfo(id, &len, &tag, &src) < 0)
			continue;
		if (tag == EVENT_TAG) {
			msgs++;
			bytes += len;
			last = now_s();
		} else if (tag == EXIT_TAG) {
			gone = 1;
			last = now_s();
		}
		pvm_freebuf(id);
	}
	fprintf(stderr, "TRACESINK messages=%lld bytes=%lld\n", msgs, bytes);
	pvm_exit();
	return 0;
}

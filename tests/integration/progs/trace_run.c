/*
 * trace_run.c - pvmrun_trace.h's interface as pvmrun will call it, for
 * test_trace.sh: "trace_run JSON HTML prog args..." starts the
 * collector, spawns prog, waits for it to exit, finishes, and prints
 * "trace_run: ok" or "trace_run: FAIL ...".
 */
#include "../../../launcher/pvmrun_trace.c"

int main(int argc, char **argv)
{
	struct timeval tmo = {60, 0};
	int tid = 0;

	if (argc < 4 || pvm_mytid() < 0)
		return 2;
	pvm_catchout(stdout);
	if (pvmrun_trace_start(argv[1], argv[2]) < 0) {
		printf("trace_run: FAIL start\n");
		return 1;
	}
	if (pvm_spawn(argv[3], argv + 4, PvmTaskDefault, NULL, 1, &tid) != 1) {
		printf("trace_run: FAIL spawn %s: %d\n", argv[3], tid);
		return 1;
	}
	pvm_notify(PvmTaskExit, 77, 1, &tid);
	if (pvm_trecv(-1, 77, &tmo) <= 0) {
		printf("trace_run: FAIL %s did not exit\n", argv[3]);
		return 1;
	}
	if (pvmrun_trace_finish() < 0) {
		printf("trace_run: FAIL finish\n");
		return 1;
	}
	printf("trace_run: ok\n");
	fflush(stdout);
	pvm_exit();
	return 0;
}

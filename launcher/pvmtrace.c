/*
 * pvmtrace.c - runs a PVM program traced and writes its timeline:
 * Chrome trace-event JSON (-o) and a space-time diagram page (--html).
 * pvmtrace is the tracer of the program's tasks (PvmTraceTid for its
 * children, inherited by theirs); it collects until every task it heard
 * of has ended.  --collect is the form pvmrun_trace_start starts: no
 * program, the end comes from its parent (pvmrun_trace.h).
 */
#include "pvmtrace.h"

#include <pvm3.h>
#include <pvmtev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define NOTIFY_TAG (PVMTRACE_END_TAG + 1)
#define IDLE_END_MS 3000 /* after the end: give stragglers this long */

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: pvmtrace -o FILE.json [--html FILE.html] [-b BYTES] prog [args...]\n"
	    "       pvmtrace --collect -o FILE.json [--html FILE.html]\n");
	exit(2);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* every task heard of (newtask / spntask) has sent its endtask */
static int all_ended(const struct tevlog *log)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct tev *e = &log->ev[i];
		int tid, ended = 0;

		if (e->kind != TEV_NEWTASK && e->kind != TEV_SPNTASK)
			continue;
		tid = e->tid;
		for (size_t k = 0; k < log->n && !ended; k++)
			ended = log->ev[k].kind == TEV_ENDTASK && log->ev[k].tid == tid;
		if (!ended)
			return 0;
	}
	return 1;
}

static int write_file(const char *path, const struct timeline *tl, int html)
{
	FILE *f = fopen(path, "w");
	int r;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	r = html ? write_html(tl, f) : write_chrome_json(tl, f);
	if (fclose(f) != 0 || r < 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *json = NULL, *html = NULL;
	int collect = 0, tbuf = 4096, i, me, child = 0, ending = 0, bad = 0;
	struct tevlog log = {0};
	struct timeline tl;
	struct hostclock *clock = NULL;
	size_t nclock;
	long long last = 0;
	Pvmtmask mask;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			json = argv[++i];
		else if (strcmp(argv[i], "--html") == 0 && i + 1 < argc)
			html = argv[++i];
		else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
			tbuf = atoi(argv[++i]);
		else if (strcmp(argv[i], "--collect") == 0)
			collect = 1;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			usage();
	}
	if ((json == NULL && html == NULL) || (!collect && i >= argc) ||
	    (collect && i < argc))
		usage();
	if ((me = pvm_mytid()) < 0)
		return 1;
	if (!collect) {
		/* our children's events come to us, and their children's */
		TEV_MASK_INIT(mask);
		for (int k = TEV_FIRST; k <= TEV_MAX; k++)
			TEV_MASK_SET(mask, k);
		pvm_settmask(PvmTaskChild, mask);
		pvm_setopt(PvmTraceTid, me);
		pvm_setopt(PvmTraceCode, PVMTRACE_EVENT_TAG);
		pvm_setopt(PvmTraceContext, pvm_getcontext());
		pvm_setopt(PvmTraceBuffer, tbuf);
		pvm_setopt(PvmTraceOptions, PvmTraceFull);
		pvm_catchout(stdout);
		if (pvm_spawn(argv[i], argv + i + 1, PvmTaskDefault, NULL, 1, &child) !=
		    1) {
			fprintf(stderr, "pvmtrace: cannot spawn %s: error %d\n", argv[i],
			        child < 0 ? child : PvmNoFile);
			pvm_exit();
			return 1;
		}
		pvm_notify(PvmTaskExit, NOTIFY_TAG, 1, &child);
	}
	for (;;) {
		struct timeval tmo = {0, 200000};
		int id = pvm_trecv(-1, -1, &tmo), len, tag, src;

		if (id < 0)
			break;
		if (id > 0 && pvm_bufinfo(id, &len, &tag, &src) == 0) {
			if (tag == PVMTRACE_EVENT_TAG) {
				if (tev_parse_message(&log, src) < 0)
					bad++;
				last = now_ms();
			} else if (tag == NOTIFY_TAG ||
			           (collect && tag == PVMTRACE_END_TAG)) {
				ending = 1;
				last = now_ms();
			}
			pvm_freebuf(id);
		}
		if (ending && (all_ended(&log) || now_ms() - last > IDLE_END_MS))
			break;
	}
	if (bad > 0)
		fprintf(stderr, "pvmtrace: %d malformed trace messages skipped\n", bad);
	nclock = clock_align(&log, &clock);
	if (timeline_build(&log, &tl) < 0) {
		fprintf(stderr, "pvmtrace: out of memory\n");
		pvm_exit();
		return 1;
	}
	tl.clock = clock;
	tl.nclock = nclock;
	fprintf(stderr, "pvmtrace: %zu tasks, %zu events, %zu messages\n", tl.ntask,
	        log.n, tl.nmsg);
	bad = (json != NULL && write_file(json, &tl, 0) < 0) ||
	      (html != NULL && write_file(html, &tl, 1) < 0);
	timeline_free(&tl);
	tev_log_free(&log);
	free(clock);
	pvm_exit();
	return bad ? 1 : 0;
}

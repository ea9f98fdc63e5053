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
#define EXIT_TAG (PVMTRACE_END_TAG + 2)
/* after every task has gone: how long its last messages may still be on
 * their way (a task's exit can be told before they come) */
#define GRACE_MS 300
/* after the end, however many tasks are still heard of */
#define IDLE_END_MS 30000

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

/* the tasks heard of (newtask / spntask) and whether each is gone: its
 * endtask came, or its daemon told its exit (pvm_notify) */
struct seen {
	int tid, gone;
};
static struct seen *seen;
static size_t nseen;

static struct seen *seen_find(int tid)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].tid == tid)
			return &seen[i];
	return NULL;
}

/* takes in the events log[from..]: new tasks (watched), ended ones */
static void track(const struct tevlog *log, size_t from)
{
	for (size_t i = from; i < log->n; i++) {
		const struct tev *e = &log->ev[i];
		struct seen *s = seen_find(e->tid);

		if (s == NULL && (e->kind == TEV_NEWTASK || e->kind == TEV_SPNTASK)) {
			struct seen *g = realloc(seen, (nseen + 1) * sizeof(*seen));
			int tid = e->tid;

			if (g == NULL)
				continue;
			seen = g;
			s = &seen[nseen++];
			*s = (struct seen){tid, 0};
			pvm_notify(PvmTaskExit, EXIT_TAG, 1, &tid);
		}
		if (s != NULL && e->kind == TEV_ENDTASK)
			s->gone = 1;
	}
}

static int all_gone(void)
{
	for (size_t i = 0; i < nseen; i++)
		if (!seen[i].gone)
			return 0;
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
				size_t from = log.n;

				if (tev_parse_message(&log, src) < 0)
					bad++;
				track(&log, from);
				last = now_ms();
			} else if (tag == EXIT_TAG) {
				int tid = 0;
				struct seen *t;

				pvm_upkint(&tid, 1, 1);
				if ((t = seen_find(tid)) != NULL)
					t->gone = 1;
				last = now_ms();
			} else if (tag == NOTIFY_TAG ||
			           (collect && tag == PVMTRACE_END_TAG)) {
				ending = 1;
				last = now_ms();
			}
			pvm_freebuf(id);
		}
		if (ending && ((all_gone() && now_ms() - last > GRACE_MS) ||
		               now_ms() - last > IDLE_END_MS))
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
	free(seen);
	pvm_exit();
	return bad ? 1 : 0;
}

/*
 * pvmrun.c - `pvmrun [-np N] [-v] [-t] prog [args]`: a PVM task that
 * spawns N copies of prog, copies their output to its stdout, waits for
 * each to exit and for its output to end, and exits with their verdict.
 * Starts (and afterwards halts) a private pvmd when none runs.
 */
#include "errtext.h"
#include "linebuf.h"

#include <pvm3.h>
#include <pvmx.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* private message tags: output, and exit notifications */
#define OUT_TAG 0x50520001
#define EXIT_TAG 0x50520002
/* how long one wait for a message lasts, so signals are seen promptly */
#define POLL_MS 200
#define MAX_NP 100000

/* A task whose output or exit pvmrun waits for: one it spawned, or one
 * of theirs (which inherits the output settings). */
struct task {
	int tid;
	int spawned; /* ours: an exit notification is due */
	int exited;
	int ended; /* its output end marker arrived */
	int status;
	struct linebuf out; /* -t: the partial line not yet printed */
};

static struct {
	int np;
	int verbose;
	int tag_lines; /* -t */
	const char *prog;
	char **args;
	int private_vm; /* we started the daemon: halt it at the end */
	int mytid;
	struct task *tasks;
	int ntasks, cap;
	int first_failure; /* index of the first task that failed, or -1 */
} run = {.np = 1, .first_failure = -1};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: pvmrun [-np N] [-v] [-t] prog [args...]\n"
	            "  -np N  run N copies of prog (default 1)\n"
	            "  -v     print the tids of the tasks as they start and end\n"
	            "  -t     prefix each output line with the task's tid, [t<tid>]\n"
	            "Starts a private pvmd (and halts it at the end) when none runs.\n"
	            "PVMRUN_TIMEOUT=seconds gives up on the tasks after that long.\n");
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a reader that left: keep draining, print nothing */
		p += w;
		n -= (size_t)w;
	}
}

static struct task *task_find(int tid)
{
	for (int i = 0; i < run.ntasks; i++) {
		if (run.tasks[i].tid == tid)
			return &run.tasks[i];
	}
	return NULL;
}

static struct task *task_add(int tid, int spawned)
{
	struct task *t;

	if (run.ntasks == run.cap) {
		int cap = run.cap ? run.cap * 2 : 16;
		struct task *n = realloc(run.tasks, sizeof(*n) * (size_t)cap);

		if (n == NULL)
			return NULL;
		run.tasks = n;
		run.cap = cap;
	}
	t = &run.tasks[run.ntasks++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->spawned = spawned;
	return t;
}

/* Prints one whole line of t, prefixed with its tid. */
static void print_tagged(struct task *t, const char *p, size_t n)
{
	char prefix[24];
	int k = snprintf(prefix, sizeof(prefix), "[t%x] ", (unsigned)t->tid);

	write_all(1, prefix, (size_t)k);
	write_all(1, p, n);
	write_all(1, "\n", 1);
}

static void emit_tagged(void *arg, const char *p, size_t n)
{
	print_tagged(arg, p, n);
}

static void task_output(struct task *t, const char *p, size_t n)
{
	if (!run.tag_lines || linebuf_feed(&t->out, p, n, emit_tagged, t) != 0)
		write_all(1, p, n);
}

static void task_end(struct task *t)
{
	linebuf_finish(&t->out, emit_tagged, t);
	t->ended = 1;
}

/* The output message in the receive buffer: int tid, int count, bytes. */
static void handle_output(void)
{
	struct task *t;
	int tid, count;
	char *bytes;

	if (pvm_upkint(&tid, 1, 1) < 0 || pvm_upkint(&count, 1, 1) < 0)
		return;
	t = task_find(tid);
	if (t == NULL && (t = task_add(tid, 0)) == NULL)
		return;
	if (count == PVMX_OUTPUT_END) {
		task_end(t);
		return;
	}
	if (count < 0)
		return; /* PVMX_OUTPUT_BEGIN */
	bytes = malloc((size_t)count);
	if (bytes == NULL)
		return;
	if (pvm_upkbyte(bytes, count, 1) >= 0)
		task_output(t, bytes, (size_t)count);
	free(bytes);
}

static void report_failure(const struct task *t)
{
	if (t->status == -1)
		fprintf(stderr,
		        "pvmrun: task t%x ended before pvmrun could watch it: "
		        "exit status unknown\n",
		        (unsigned)t->tid);
	else if (WIFSIGNALED(t->status))
		fprintf(stderr, "pvmrun: task t%x killed by signal %d (%s)\n",
		        (unsigned)t->tid, WTERMSIG(t->status),
		        strsignal(WTERMSIG(t->status)));
	else if (WIFEXITED(t->status))
		fprintf(stderr, "pvmrun: task t%x exited with status %d\n",
		        (unsigned)t->tid, WEXITSTATUS(t->status));
	else
		fprintf(stderr, "pvmrun: task t%x ended with wait status 0x%x\n",
		        (unsigned)t->tid, (unsigned)t->status);
}

/* The exit notification in the receive buffer: int tid, int status. */
static void handle_exit(void)
{
	struct task *t;
	int tid, status;

	if (pvm_upkint(&tid, 1, 1) < 0 || pvm_upkint(&status, 1, 1) < 0)
		return;
	t = task_find(tid);
	if (t == NULL || !t->spawned || t->exited)
		return;
	t->exited = 1;
	t->status = status;
	if (run.verbose && status == 0)
		fprintf(stderr, "pvmrun: t%x exited with status 0\n", (unsigned)tid);
	if (status != 0) {
		report_failure(t);
		if (run.first_failure < 0)
			run.first_failure = (int)(t - run.tasks);
	}
}

static int all_done(void)
{
	for (int i = 0; i < run.ntasks; i++) {
		const struct task *t = &run.tasks[i];

		if (!t->ended || (t->spawned && !t->exited))
			return 0;
	}
	return 1;
}

/* Leaves the virtual machine, halting it when it is ours, and exits. */
static void finish(int code)
{
	fflush(stdout);
	if (run.private_vm)
		pvm_halt();
	else
		pvm_exit();
	exit(code);
}

static void kill_tasks(void)
{
	for (int i = 0; i < run.ntasks; i++) {
		if (!run.tasks[i].exited || !run.tasks[i].ended)
			pvm_kill(run.tasks[i].tid);
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(a, "-v") == 0) {
			run.verbose = 1;
		} else if (strcmp(a, "-t") == 0) {
			run.tag_lines = 1;
		} else if (strcmp(a, "-np") == 0 || strcmp(a, "-n") == 0) {
			char *end;
			long v;

			if (i + 1 >= argc) {
				fprintf(stderr, "pvmrun: %s needs a number\n", a);
				return -1;
			}
			v = strtol(argv[++i], &end, 10);
			if (*end != '\0' || v < 1 || v > MAX_NP) {
				fprintf(stderr, "pvmrun: bad count %s (1..%d)\n", argv[i],
				        MAX_NP);
				return -1;
			}
			run.np = (int)v;
		} else {
			fprintf(stderr, "pvmrun: unknown option %s\n", a);
			return -1;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "pvmrun: no program named\n");
		return -1;
	}
	run.prog = argv[i];
	run.args = argv[i + 1] != NULL ? &argv[i + 1] : NULL;
	return 0;
}

/* Joins the virtual machine, starting a private daemon when none runs. */
static int join_vm(void)
{
	int tid, r;

	pvm_setopt(PvmAutoErr, 0);
	tid = pvm_mytid();
	if (tid != PvmSysErr)
		return tid;
	pvm_setopt(PvmAutoErr, 1); /* the library says why a start fails */
	r = pvm_start_pvmd(0, NULL, 1);
	pvm_setopt(PvmAutoErr, 0);
	if (r == 0)
		run.private_vm = 1;
	else if (r != PvmDupHost)
		return r;
	tid = pvm_mytid();
	if (tid < 0 && run.private_vm) {
		/* it came up but will not have us: do not leave it behind */
		pvm_halt();
		run.private_vm = 0;
	}
	if (run.verbose && run.private_vm && tid > 0)
		fprintf(stderr, "pvmrun: started a private pvmd\n");
	return tid;
}

static void spawn_tasks(void)
{
	int *tids = calloc((size_t)run.np, sizeof(int));
	int n, failed = 0;

	if (tids == NULL) {
		fprintf(stderr, "pvmrun: out of memory\n");
		finish(1);
	}
	for (int i = 0; i < run.np; i++)
		tids[i] = PvmDSysErr;
	pvm_setopt(PvmOutputTid, run.mytid);
	pvm_setopt(PvmOutputCode, OUT_TAG);
	n = pvm_spawn((char *)run.prog, run.args, PvmTaskDefault, NULL, run.np, tids);
	if (n < 0 && tids[0] == PvmDSysErr)
		tids[0] = n; /* the request failed as a whole */
	for (int i = 0; i < run.np; i++) {
		if (tids[i] > 0) {
			task_add(tids[i], 1);
			if (run.verbose)
				fprintf(stderr, "pvmrun: started t%x (%d of %d)\n",
				        (unsigned)tids[i], i + 1, run.np);
		} else if (!failed) {
			failed = tids[i];
		}
	}
	if (n < run.np && failed == 0)
		failed = n < 0 ? n : PvmDSysErr;
	if (failed != 0) {
		fprintf(stderr, "pvmrun: cannot spawn %s: %s\n", run.prog,
		        errtext(failed));
		kill_tasks();
		free(tids);
		finish(127);
	}
	n = pvm_notify(PvmxTaskExitStatus, EXIT_TAG, run.np, tids);
	if (n < 0) {
		fprintf(stderr, "pvmrun: cannot watch the tasks: %s\n", errtext(n));
		kill_tasks();
		free(tids);
		finish(1);
	}
	free(tids);
}

/* Takes messages until every task has exited and its output ended. */
static void wait_tasks(long long deadline)
{
	while (!all_done()) {
		struct timeval tv = {0, POLL_MS * 1000};
		int bufid, len, tag, src;

		if (stop_signal) {
			fprintf(stderr, "pvmrun: %s: killing the tasks\n",
			        strsignal(stop_signal));
			kill_tasks();
			finish(130);
		}
		if (deadline > 0 && now_ms() > deadline) {
			fprintf(
			    stderr,
			    "pvmrun: PVMRUN_TIMEOUT (%s s) passed: killing the tasks\n",
			    getenv("PVMRUN_TIMEOUT"));
			kill_tasks();
			finish(124);
		}
		bufid = pvm_trecv(-1, -1, &tv);
		if (bufid < 0) {
			fprintf(stderr, "pvmrun: lost the connection to pvmd: %s\n",
			        errtext(bufid));
			fflush(stdout);
			exit(1);
		}
		if (bufid == 0)
			continue;
		/* both kinds come from a daemon (local part of its tid zero) */
		if (pvm_bufinfo(bufid, &len, &tag, &src) == 0 && (src & 0x3ffff) == 0) {
			if (tag == OUT_TAG)
				handle_output();
			else if (tag == EXIT_TAG)
				handle_exit();
		}
		pvm_freebuf(bufid);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	long long deadline = 0;
	const char *tmo = getenv("PVMRUN_TIMEOUT");
	int code = 0;

	if (parse_args(argc, argv) != 0) {
		usage(stderr);
		return 2;
	}
	if (tmo != NULL && *tmo != '\0') {
		char *end;
		double s = strtod(tmo, &end);

		if (*end != '\0' || s <= 0) {
			fprintf(stderr,
			        "pvmrun: PVMRUN_TIMEOUT must be seconds > 0, not %s\n",
			        tmo);
			return 2;
		}
		deadline = now_ms() + (long long)(s * 1000);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	run.mytid = join_vm();
	if (run.mytid < 0) {
		fprintf(stderr, "pvmrun: cannot join the virtual machine: %s\n",
		        errtext(run.mytid));
		return 1;
	}
	spawn_tasks();
	wait_tasks(deadline);
	if (run.first_failure >= 0) {
		const struct task *t = &run.tasks[run.first_failure];

		code = t->status != -1 && WIFSIGNALED(t->status)
		           ? 128 + WTERMSIG(t->status)
		           : 1;
	}
	finish(code);
	return code;
}

/*
 * pvmrun.c - `pvmrun [options] prog [args] [: ...]`: a PVM task that
 * spawns the ranks, copies their output to its own streams, passes
 * signals and stdin on, and exits with the status of the first task that
 * failed, stopping the others (docs/pvmrun.md).
 */
#include "errtext.h"
#include "pvmrun.h"
#include "pvmrun_trace.h"

#include <pvm3.h>
#include <pvmx.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

/* how long one wait for a message lasts, so signals are seen promptly;
 * shorter while our stdin is read */
#define POLL_MS 200
#define STDIN_POLL_MS 20
/* how long a stop waits for the tasks' ends before leaving anyway */
#define STOP_WAIT_MS 3000

struct pvmrun_state run = {.first_failure = -1};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int exit_code_of(int status)
{
	if (status == -1)
		return 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (WIFEXITED(status))
		return WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1;
	return 1;
}

static void report_failure(const struct pvmrun_task *t, int stopping_others)
{
	char what[128];

	if (t->status == -1)
		snprintf(what, sizeof(what), "ended before pvmrun could watch it");
	else if (WIFSIGNALED(t->status))
		snprintf(what, sizeof(what), "killed by signal %d (%s)",
		         WTERMSIG(t->status), strsignal(WTERMSIG(t->status)));
	else if (WIFEXITED(t->status))
		snprintf(what, sizeof(what), "exited with status %d",
		         WEXITSTATUS(t->status));
	else
		snprintf(what, sizeof(what), "ended with wait status 0x%x",
		         (unsigned)t->status);
	fprintf(stderr, "pvmrun: rank %d (t%x) on %s %s%s\n", t->rank, (unsigned)t->tid,
	        pvmrun_task_host(t), what,
	        stopping_others ? "; stopping the other tasks" : "");
}

/* The exit notification in the receive buffer: int tid, int status. */
static void handle_exit(void)
{
	struct pvmrun_task *t;
	int tid, status;

	if (pvm_upkint(&tid, 1, 1) < 0 || pvm_upkint(&status, 1, 1) < 0)
		return;
	t = pvmrun_task_find(tid);
	if (t == NULL || t->rank < 0 || t->exited)
		return;
	t->exited = 1;
	t->status = status;
	if (run.o.verbose && status == 0)
		fprintf(stderr, "pvmrun: rank %d (t%x) exited with status 0\n", t->rank,
		        (unsigned)tid);
	if (status == 0 || run.stopping)
		return; /* (the others' ends after a stop are ours) */
	if (run.first_failure < 0) {
		int others = 0;

		for (int i = 0; i < run.ntasks; i++)
			others += run.tasks[i].rank >= 0 && !run.tasks[i].exited;
		run.first_failure = (int)(t - run.tasks);
		report_failure(t, !run.o.keep_going && others > 0);
		if (!run.o.keep_going) {
			run.stopping = 1;
			pvmrun_kill_tasks();
		}
	} else {
		report_failure(t, 0);
	}
}

static int all_done(void)
{
	for (int i = 0; i < run.ntasks; i++) {
		const struct pvmrun_task *t = &run.tasks[i];

		if (!t->ended || (t->rank >= 0 && !t->exited))
			return 0;
	}
	return 1;
}

/* Takes one message (waiting up to ms); -1 when the daemon is gone. */
static int take_message(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	int bufid = pvm_trecv(-1, -1, &tv), len, tag, src;

	if (bufid <= 0)
		return bufid;
	/* all kinds come from a daemon (local part of its tid zero) */
	if (pvm_bufinfo(bufid, &len, &tag, &src) == 0 && (src & 0x3ffff) == 0) {
		if (tag == PVMRUN_OUT_TAG || tag == PVMRUN_ERR_TAG)
			pvmrun_output_msg(tag);
		else if (tag == PVMRUN_EXIT_TAG)
			handle_exit();
	}
	pvm_freebuf(bufid);
	return 0;
}

static int tracing; /* --trace or --trace-html: the collector runs */

/* The end of the run: the timeline written (when traced; its failure
 * makes a run that succeeded exit 1), then the machine left. */
static void leave_traced(int code) __attribute__((noreturn));
static void leave_traced(int code)
{
	if (tracing && pvmrun_trace_finish() != 0 && code == 0)
		code = 1;
	tracing = 0;
	pvmrun_leave(code);
}

/* Kills every task and waits a little for their ends (and last output)
 * before the machine is left or halted: a halt that meets the tasks'
 * exits in flight is harder on the daemons than one after them. */
static void stop_all(int code)
{
	long long until = now_ms() + STOP_WAIT_MS;

	run.stopping = 1;
	pvmrun_kill_tasks();
	while (!all_done() && now_ms() < until)
		if (take_message(50) < 0)
			break;
	leave_traced(code);
}

/* --timeout: says which ranks still ran. */
static void timed_out(void)
{
	int n = 0;

	fprintf(stderr, "pvmrun: %s (%g s) passed; still running:", run.o.timeout_from,
	        run.o.timeout);
	for (int i = 0; i < run.ntasks; i++) {
		const struct pvmrun_task *t = &run.tasks[i];

		if (t->rank >= 0 && !t->exited)
			fprintf(stderr, "%s rank %d (t%x) on %s", n++ ? "," : "", t->rank,
			        (unsigned)t->tid, pvmrun_task_host(t));
	}
	fprintf(stderr, "%s; killing the tasks\n", n ? "" : " none (output pending)");
	stop_all(124);
}

/* Takes messages until every task has exited and its output ended. */
static void wait_tasks(long long deadline)
{
	while (!all_done()) {
		int sig;

		pvmrun_output_flush();
		if ((sig = pvmrun_signal_stop()) != 0) {
			fprintf(stderr, "pvmrun: %s: killing the tasks\n",
			        strsignal(sig));
			stop_all(128 + sig);
		}
		pvmrun_signals_forward();
		if (deadline > 0 && now_ms() > deadline)
			timed_out();
		pvmrun_stdin_pump();
		if (take_message(pvmrun_stdin_active() ? STDIN_POLL_MS : POLL_MS) < 0) {
			fprintf(stderr, "pvmrun: lost the connection to pvmd\n");
			pvmrun_output_flush();
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	long long deadline = 0;
	int r;

	if (pvmrun_parse(argc, argv, &run.o) != 0)
		return 2;
	if (run.o.timeout > 0)
		deadline = now_ms() + (long long)(run.o.timeout * 1000);
	pvmrun_signals_init();
	pvmrun_output_init();
	r = pvmrun_join();
	if (r != 0) {
		if (run.mytid > 0)
			pvmrun_leave(r == -2 ? 2 : 1);
		fflush(stderr);
		return r == -2 ? 2 : 1;
	}
	if ((run.o.trace_json != NULL || run.o.trace_html != NULL) &&
	    pvmrun_trace_start(run.o.trace_json, run.o.trace_html) != 0)
		pvmrun_leave(1);
	tracing = run.o.trace_json != NULL || run.o.trace_html != NULL;
	r = pvmrun_spawn_all();
	if (r != 0)
		leave_traced(r);
	wait_tasks(deadline);
	leave_traced(run.first_failure >= 0 ? exit_code_of(run.tasks[run.first_failure].status)
	                                    : 0);
}

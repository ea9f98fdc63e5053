/*
 * console_out.c - output of tasks the console spawned with `->`: the
 * daemon sends it as messages (int tid, int count, count bytes; count -1
 * begins, 0 ends a task's output) tagged with the job's output code.
 * Lines are printed whole, as `[<job>:t<tid>] text`, and a task's end as
 * `[<job>:t<tid>] EOF`, byte for byte as PVM 3.4.6's console prints them.
 */
#include "console.h"
#include "linebuf.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct out_task {
	int tid;
	int job;
	int ended;
	struct linebuf out; /* partial line not yet printed */
};

struct job {
	int id;
	FILE *fp; /* NULL: the console's stdout */
	int ntasks, nended;
};

static struct out_task *tasks;
static int ntasks, taskcap;
static struct job *jobs;
static int njobs, jobcap;
static int next_job = 1;

static struct job *job_find(int id)
{
	for (int i = 0; i < njobs; i++) {
		if (jobs[i].id == id)
			return &jobs[i];
	}
	return NULL;
}

int console_job_new(FILE *fp)
{
	struct job *j;

	if (next_job > CONSOLE_MAX_JOBS)
		next_job = 1;
	if (njobs == jobcap) {
		int cap = jobcap ? jobcap * 2 : 8;
		struct job *n = realloc(jobs, sizeof(*n) * (size_t)cap);

		if (n == NULL)
			return -1;
		jobs = n;
		jobcap = cap;
	}
	j = &jobs[njobs++];
	j->id = next_job++;
	j->fp = fp;
	j->ntasks = 0;
	j->nended = 0;
	return j->id;
}

static void job_remove(struct job *j)
{
	if (j->fp != NULL)
		fclose(j->fp);
	*j = jobs[--njobs];
}

void console_job_drop(int job)
{
	struct job *j = job_find(job);

	if (j != NULL)
		job_remove(j);
}

static struct out_task *task_find(int tid)
{
	for (int i = 0; i < ntasks; i++) {
		if (tasks[i].tid == tid)
			return &tasks[i];
	}
	return NULL;
}

static struct out_task *task_add(int job, int tid)
{
	struct out_task *t = task_find(tid);
	struct job *j = job_find(job);

	if (t != NULL || j == NULL)
		return t;
	if (ntasks == taskcap) {
		int cap = taskcap ? taskcap * 2 : 16;
		struct out_task *n = realloc(tasks, sizeof(*n) * (size_t)cap);

		if (n == NULL)
			return NULL;
		tasks = n;
		taskcap = cap;
	}
	t = &tasks[ntasks++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->job = job;
	j->ntasks++;
	return t;
}

void console_job_add(int job, int tid)
{
	task_add(job, tid);
}

int console_out_pending(void)
{
	int n = 0;

	for (int i = 0; i < ntasks; i++)
		n += !tasks[i].ended;
	return n;
}

static FILE *job_stream(int job)
{
	struct job *j = job_find(job);

	return j != NULL && j->fp != NULL ? j->fp : stdout;
}

static void print_line(struct out_task *t, const char *text, size_t len)
{
	FILE *fp = job_stream(t->job);

	if (fp == stdout)
		console_break_prompt();
	fprintf(fp, "[%d:t%x] %.*s\n", t->job, (unsigned)t->tid, (int)len, text);
}

static void emit_line(void *arg, const char *text, size_t len)
{
	print_line(arg, text, len);
}

static void task_end(struct out_task *t)
{
	struct job *j = job_find(t->job);

	linebuf_finish(&t->out, emit_line, t);
	if (t->ended)
		return;
	t->ended = 1;
	print_line(t, "EOF", 3);
	/* as PVM 3.4.6, a job writing to a file is reported finished too */
	if (j != NULL && ++j->nended == j->ntasks) {
		console_break_prompt();
		printf("[%d] finished\n", j->id);
		job_remove(j);
	}
}

/* Forgets ended tasks once nothing refers to them any more. */
static void tasks_compact(void)
{
	int k = 0;

	for (int i = 0; i < ntasks; i++) {
		if (!tasks[i].ended || job_find(tasks[i].job) != NULL)
			tasks[k++] = tasks[i];
	}
	ntasks = k;
}

/* One output message of job (already the receive buffer). */
static void handle_output(int job)
{
	struct out_task *t;
	int tid, count;
	char *bytes;

	if (pvm_upkint(&tid, 1, 1) < 0 || pvm_upkint(&count, 1, 1) < 0)
		return;
	t = task_find(tid);
	if (t == NULL)
		t = task_add(job, tid); /* a task spawned by one of the job's */
	if (t == NULL)
		return;
	if (count == PVMX_OUTPUT_END) {
		task_end(t);
		return;
	}
	if (count <= 0)
		return; /* PVMX_OUTPUT_BEGIN */
	bytes = malloc((size_t)count);
	if (bytes == NULL)
		return;
	if (pvm_upkbyte(bytes, count, 1) >= 0)
		linebuf_feed(&t->out, bytes, (size_t)count, emit_line, t);
	free(bytes);
}

/* Handles and frees one received message; anything but output (nobody
 * else has reason to write to the console) is dropped. */
static void take_message(int bufid)
{
	int len, tag, src;

	/* output comes from a daemon (local part of its tid zero) */
	if (pvm_bufinfo(bufid, &len, &tag, &src) == 0 && (src & 0x3ffff) == 0 &&
	    tag > CONSOLE_OUT_TAG_BASE && tag <= CONSOLE_OUT_TAG_BASE + CONSOLE_MAX_JOBS)
		handle_output(tag - CONSOLE_OUT_TAG_BASE);
	pvm_freebuf(bufid);
}

int console_out_poll(void)
{
	int n = 0;

	for (;;) {
		int bufid = pvm_nrecv(-1, -1);

		if (bufid < 0)
			return bufid;
		if (bufid == 0)
			break;
		n++;
		take_message(bufid);
	}
	tasks_compact();
	fflush(stdout);
	return n;
}

void console_jobs_visit(console_job_visit visit, void *arg)
{
	int *tids = malloc(sizeof(int) * (size_t)(ntasks > 0 ? ntasks : 1));
	int last = 0;

	if (tids == NULL)
		return;
	/* jobs are not kept in order (a removed one is swapped out) */
	for (;;) {
		struct job *next = NULL;
		int n = 0;

		for (int i = 0; i < njobs; i++) {
			if (jobs[i].id > last && (next == NULL || jobs[i].id < next->id))
				next = &jobs[i];
		}
		if (next == NULL)
			break;
		for (int i = 0; i < ntasks; i++) {
			if (tasks[i].job == next->id && !tasks[i].ended)
				tids[n++] = tasks[i].tid;
		}
		last = next->id;
		visit(arg, next->id, tids, n);
	}
	free(tids);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void console_out_drain(int seconds)
{
	long long deadline = now_ms() + (long long)seconds * 1000;

	while (console_out_pending() > 0 && now_ms() < deadline) {
		struct timeval tv = {0, 50000};
		int bufid;

		/* wait for something, then let the poller take it */
		bufid = pvm_trecv(-1, -1, &tv);
		if (bufid < 0)
			return;
		if (bufid > 0)
			take_message(bufid);
		if (console_out_poll() < 0)
			return;
	}
	if (console_out_pending() > 0) {
		console_break_prompt();
		fprintf(stderr, "pvm: gave up waiting for the output of %d task(s)\n",
		        console_out_pending());
	}
}

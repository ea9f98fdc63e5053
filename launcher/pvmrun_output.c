/*
 * pvmrun_output.c - the tasks' output: stdout and stderr arrive as output
 * messages under their own tags (PvmxOutputErrCode), are cut into whole
 * lines per task and stream, prefixed as asked (--timestamp-output,
 * --tag-output) and written to pvmrun's matching stream, or to the
 * rank's files under --output-dir.  A line is written whole, so lines of
 * different tasks never mix.
 */
#include "pvmrun.h"

#include <pvm3.h>
#include <pvmx.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

/* what emit_line needs besides the line */
struct emit_ctx {
	struct pvmrun_task *t;
	FILE *fp;
	int last; /* the task's last bytes, unterminated */
};

static char out_buf[1 << 16], err_buf[1 << 16];

void pvmrun_output_init(void)
{
	/* whole lines, written in big blocks; flushed after each message */
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	setvbuf(stderr, err_buf, _IOFBF, sizeof(err_buf));
}

static FILE *open_rank_file(int rank, const char *suffix)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/rank.%d.%s", run.o.output_dir, rank, suffix);
	fp = fopen(path, "w");
	if (fp == NULL)
		fprintf(stderr, "pvmrun: cannot write %s: %s\n", path, strerror(errno));
	return fp;
}

/* --output-dir: D/rank.R.out and D/rank.R.err (D made if missing). */
int pvmrun_output_open(struct pvmrun_task *t)
{
	if (run.o.output_dir == NULL || t->rank < 0)
		return 0;
	if (mkdir(run.o.output_dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "pvmrun: cannot make %s: %s\n", run.o.output_dir,
		        strerror(errno));
		return -1;
	}
	t->fout = open_rank_file(t->rank, "out");
	t->ferr = open_rank_file(t->rank, "err");
	return t->fout != NULL && t->ferr != NULL ? 0 : -1;
}

static void put_prefix(FILE *fp, const struct pvmrun_task *t)
{
	if (run.o.timestamp_output) {
		struct timeval tv;
		struct tm tm;
		char when[32];

		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(fp, "%s.%03d ", when, (int)(tv.tv_usec / 1000));
	}
	if (run.o.tag_output)
		fprintf(fp, "[%d,t%x] ", t->rank, (unsigned)t->tid);
}

static void emit_line(void *arg, const char *p, size_t n)
{
	struct emit_ctx *c = arg;
	int prefixed = run.o.tag_output || run.o.timestamp_output;

	put_prefix(c->fp, c->t);
	fwrite(p, 1, n, c->fp);
	/* an unprefixed last line stays as the task left it */
	if (!c->last || prefixed)
		fputc('\n', c->fp);
}

static FILE *stream_of(const struct pvmrun_task *t, int err)
{
	if (err)
		return t->ferr != NULL ? t->ferr : stderr;
	return t->fout != NULL ? t->fout : stdout;
}

static void task_output(struct pvmrun_task *t, int err, const char *p, size_t n)
{
	struct emit_ctx c = {t, stream_of(t, err), 0};

	if (linebuf_feed(err ? &t->err : &t->out, p, n, emit_line, &c) != 0)
		fwrite(p, 1, n, c.fp); /* out of memory: at least the bytes */
}

static void task_end(struct pvmrun_task *t)
{
	struct emit_ctx c = {t, stream_of(t, 0), 1};

	linebuf_finish(&t->out, emit_line, &c);
	c.fp = stream_of(t, 1);
	linebuf_finish(&t->err, emit_line, &c);
	if (t->fout != NULL)
		fclose(t->fout);
	if (t->ferr != NULL)
		fclose(t->ferr);
	t->fout = t->ferr = NULL;
	t->ended = 1;
}

/* The output message in the receive buffer (tag OUT or ERR): int tid,
 * int count, then count bytes. */
void pvmrun_output_msg(int tag)
{
	struct pvmrun_task *t;
	int tid, count;
	char *bytes;

	if (pvm_upkint(&tid, 1, 1) < 0 || pvm_upkint(&count, 1, 1) < 0)
		return;
	t = pvmrun_task_find(tid);
	if (t == NULL && (t = pvmrun_task_add(tid, -1)) == NULL)
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
		task_output(t, tag == PVMRUN_ERR_TAG, bytes, (size_t)count);
	free(bytes);
}

void pvmrun_output_flush(void)
{
	for (int i = 0; i < run.ntasks; i++) {
		if (run.tasks[i].fout != NULL)
			fflush(run.tasks[i].fout);
		if (run.tasks[i].ferr != NULL)
			fflush(run.tasks[i].ferr);
	}
	fflush(stdout);
	fflush(stderr);
}

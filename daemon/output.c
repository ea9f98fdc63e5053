/*
 * output.c - a spawned task's stdout and stderr: read from non-blocking
 * pipes in the loop and sent, as read, to the task its parent named
 * (PvmOutputTid), or written to the log one line at a time as
 * "[t<tid>] text".
 */
#include "pvmd.h"

#include "dsig.h"
#include "log.h"
#include "pvmx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUTPUT_CHUNK 65536
/* Output waiting for its receiver beyond this: stop reading the pipe for
 * a while, so a task that prints faster than its receiver takes blocks
 * on its pipe instead of filling our memory. */
#define OUTPUT_BACKLOG_MAX (8u * 1024u * 1024u)
static const struct timeval output_pause = {0, 20 * 1000};

static void put_item_header(uint8_t *p, enum dsig_type type, uint32_t count)
{
	uint32_t be = htonl(count);

	p[0] = (uint8_t)type;
	p[1] = p[2] = p[3] = 0;
	memcpy(p + 4, &be, 4);
}

/* A data frame from this daemon: each int its own DSIG_INT item, then the
 * bytes as one DSIG_BYTE item when nbytes > 0, all in our native format
 * (libpvm/msgbuf.h).  Malloc'ed; the caller frees it. */
uint8_t *output_message(int dst, int tag, int ctx, const int *ints, size_t nints,
                        const void *bytes, size_t nbytes, size_t *len)
{
	struct frame_header h = {0};
	size_t plen = nints * (8 + sizeof(int)) + (nbytes > 0 ? 8 + nbytes : 0);
	uint8_t *buf = malloc(FRAME_HEADER_LEN + plen), *p;

	if (buf == NULL)
		return NULL;
	h.kind = FRAME_DATA;
	h.src = pvmd.host_tid;
	h.dst = dst;
	h.ctx = ctx;
	h.tag = tag;
	h.dsig = pvmd.dsig;
	h.len = (uint32_t)plen;
	frame_encode(&h, buf);
	p = buf + FRAME_HEADER_LEN;
	for (size_t i = 0; i < nints; i++) {
		put_item_header(p, DSIG_INT, 1);
		memcpy(p + 8, &ints[i], sizeof(int));
		p += 8 + sizeof(int);
	}
	if (nbytes > 0) {
		put_item_header(p, DSIG_BYTE, (uint32_t)nbytes);
		memcpy(p + 8, bytes, nbytes);
	}
	*len = FRAME_HEADER_LEN + plen;
	return buf;
}

/* The task that receives t's output (here or on another host), or 0:
 * the log takes it. */
static int output_sink(const struct task *t)
{
	if (t->out_tid == 0)
		return 0;
	if (route_is_local(t->out_tid))
		return task_find(t->out_tid) != NULL ? t->out_tid : 0;
	return hosttab_by_tid(t->out_tid) != NULL ? t->out_tid : 0;
}

/* Sends one output message (count -1 BEGIN, 0 END, > 0 data); tag is
 * the receiver's code (out_err_code for stderr's data when asked). */
static void output_send_tag(struct task *t, int sink, int tag, int count,
                            const char *data)
{
	int ints[2] = {t->tid, count};
	size_t len;
	uint8_t *m = output_message(t->out_tid, tag, t->out_ctx, ints, 2, data,
	                            count > 0 ? (size_t)count : 0, &len);

	if (m == NULL) {
		log_error("t%x: out of memory for an output message", t->tid);
		return;
	}
	route_bytes(sink, m, len);
	free(m);
}

static void output_send(struct task *t, int sink, int count, const char *data)
{
	output_send_tag(t, sink, t->out_code, count, data);
}

/* (flushed by the caller: once per chunk read, not once per line) */
static void output_log_line(const struct task *t, const char *s, size_t n)
{
	fprintf(pvmd.logf, "[t%x] ", t->tid);
	fwrite(s, 1, n, pvmd.logf);
	fputc('\n', pvmd.logf);
}

/* Splits into lines for the log; a line longer than the buffer is cut.
 * A chunk of 64 KiB may hold 32768 lines: one write for all. */
static void output_to_log(struct task_pipe *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			output_log_line(p->task, p->line, p->linelen);
			p->linelen = 0;
			continue;
		}
		if (p->linelen == sizeof(p->line)) {
			output_log_line(p->task, p->line, p->linelen);
			p->linelen = 0;
		}
		p->line[p->linelen++] = s[i];
	}
	fflush(pvmd.logf);
}

static void output_resume(evutil_socket_t fd, short what, void *arg)
{
	struct task_pipe *p = arg;

	(void)fd;
	(void)what;
	if (p->ev != NULL)
		event_add(p->ev, NULL);
}

static void output_pipe_eof(struct task_pipe *p)
{
	struct task *t = p->task;
	int sink;

	event_free(p->ev);
	p->ev = NULL;
	event_free(p->pause);
	p->pause = NULL;
	close(p->fd);
	p->fd = -1;
	if (p->linelen > 0) {
		output_log_line(t, p->line, p->linelen);
		fflush(pvmd.logf);
		p->linelen = 0;
	}
	if (--t->open_pipes > 0)
		return;
	sink = output_sink(t);
	if (sink != 0)
		output_send(t, sink, PVMX_OUTPUT_END, NULL);
	task_check_exit(t);
}

static void output_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct task_pipe *p = arg;
	char buf[OUTPUT_CHUNK];
	int sink;
	ssize_t n;

	(void)what;
	sink = output_sink(p->task);
	if (sink != 0 && route_backlog(sink) > OUTPUT_BACKLOG_MAX) {
		event_del(p->ev);
		evtimer_add(p->pause, &output_pause);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (n < 0)
			log_warn("t%x: reading its output: %s", p->task->tid,
			         strerror(errno));
		output_pipe_eof(p);
		return;
	}
	if (sink != 0)
		output_send_tag(p->task, sink,
		                p == &p->task->out[1] && p->task->out_err_code != 0
		                    ? p->task->out_err_code
		                    : p->task->out_code,
		                (int)n, buf);
	else
		output_to_log(p, buf, (size_t)n);
}

/* Watches the read ends of the task's stdout and stderr pipes (taking
 * them over) and sends the BEGIN message.  0, or -1 (logged). */
int output_start(struct task *t, int outfd, int errfd)
{
	int sink;

	/* the task owns both descriptors from here on, even on failure */
	t->out[0].fd = outfd;
	t->out[1].fd = errfd;
	for (int i = 0; i < 2; i++) {
		struct task_pipe *p = &t->out[i];

		if (fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK) != 0) {
			log_error("t%x: fcntl on its output pipe: %s", t->tid,
			          strerror(errno));
			return -1;
		}
		p->ev =
		    event_new(pvmd.base, p->fd, EV_READ | EV_PERSIST, output_read_cb, p);
		p->pause = evtimer_new(pvmd.base, output_resume, p);
		if (p->ev == NULL || p->pause == NULL || event_add(p->ev, NULL) != 0) {
			log_error("t%x: cannot watch its output", t->tid);
			return -1;
		}
		t->open_pipes++;
	}
	sink = output_sink(t);
	if (sink != 0)
		output_send(t, sink, PVMX_OUTPUT_BEGIN, NULL);
	return 0;
}

/* Releases the pipes (the task is being freed). */
void output_close(struct task *t)
{
	for (int i = 0; i < 2; i++) {
		struct task_pipe *p = &t->out[i];

		if (p->ev != NULL)
			event_free(p->ev);
		if (p->pause != NULL)
			event_free(p->pause);
		p->ev = NULL;
		p->pause = NULL;
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
	}
	t->open_pipes = 0;
}

/* The old receiver gets END (it may be counting), the new one BEGIN, so
 * each sees a whole stream.  A task started by hand has no pipes: its
 * output is its own; only the setting is kept. */
void output_redirect(struct task *t, int tid, int code, int ctx)
{
	int old = output_sink(t), sink;
	int live = t->open_pipes > 0;

	if (tid == t->out_tid && code == t->out_code && ctx == t->out_ctx)
		return;
	if (live && old != 0)
		output_send(t, old, PVMX_OUTPUT_END, NULL);
	/* flush a partial line still meant for the log */
	for (int i = 0; i < 2 && old == 0; i++) {
		if (t->out[i].linelen > 0) {
			output_log_line(t, t->out[i].line, t->out[i].linelen);
			fflush(pvmd.logf);
			t->out[i].linelen = 0;
		}
	}
	t->out_tid = tid;
	t->out_code = code;
	t->out_ctx = ctx;
	sink = output_sink(t);
	if (live && sink != 0)
		output_send(t, sink, PVMX_OUTPUT_BEGIN, NULL);
	log_info("t%x: own output now to %s%x (tag %d)", t->tid, tid != 0 ? "t" : "log ",
	         (unsigned)tid, code);
}

/*
 * stdin.c - a spawned task's stdin as a pipe that pvmrun feeds: bytes
 * arrive in StdinData requests (relayed from pvmrun's daemon), wait in a
 * bounded buffer and are written as the pipe takes them; eof closes the
 * pipe once they are all written, so the task reads end of file.
 */
#include "pvmd.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pvm3.h>
#include <string.h>
#include <unistd.h>

/* More than this waiting for one task: the request is refused with
 * PvmOverflow, and the sender waits before sending again. */
#define STDIN_QUEUE_MAX (4u * 1024u * 1024u)

void stdin_close(struct task *t)
{
	if (t->stdin_ev != NULL)
		event_free(t->stdin_ev);
	t->stdin_ev = NULL;
	if (t->stdin_buf != NULL)
		evbuffer_free(t->stdin_buf);
	t->stdin_buf = NULL;
	if (t->stdin_fd >= 0)
		close(t->stdin_fd);
	t->stdin_fd = -1;
}

static void stdin_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct task *t = arg;

	(void)what;
	while (evbuffer_get_length(t->stdin_buf) > 0) {
		int n = evbuffer_write(t->stdin_buf, fd);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			event_add(t->stdin_ev, NULL);
			return;
		}
		if (n <= 0) {
			/* the task closed its stdin or exited: drop the rest */
			log_info("t%x: its stdin is closed: %zu bytes dropped", t->tid,
			         evbuffer_get_length(t->stdin_buf));
			t->stdin_eof = 1;
			evbuffer_drain(t->stdin_buf, evbuffer_get_length(t->stdin_buf));
			break;
		}
	}
	if (t->stdin_eof) {
		event_free(t->stdin_ev);
		t->stdin_ev = NULL;
		close(t->stdin_fd);
		t->stdin_fd = -1;
	}
}

/* Makes the pipe: *child_fd is the read end for the child's fd 0 (the
 * caller closes it after the fork).  0, or -1 (logged). */
int stdin_open(struct task *t, int *child_fd)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0) {
		log_error("t%x: stdin pipe: %s", t->tid, strerror(errno));
		return -1;
	}
	fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) | O_NONBLOCK);
	t->stdin_fd = p[1];
	t->stdin_buf = evbuffer_new();
	t->stdin_ev = event_new(pvmd.base, p[1], EV_WRITE, stdin_write_cb, t);
	if (t->stdin_buf == NULL || t->stdin_ev == NULL) {
		log_error("t%x: out of memory for its stdin", t->tid);
		close(p[0]);
		stdin_close(t);
		return -1;
	}
	*child_fd = p[0];
	return 0;
}

/* A StdinData request from task from: the bytes still queued (>= 0), or
 * a PVM error. */
int stdin_data(int from, const Pvmx__StdinData *d)
{
	struct task *t = task_find(d->tid);
	size_t queued;

	if (t == NULL)
		return PvmNoTask;
	if (t->stdin_buf == NULL || t->stdin_eof)
		return d->data.len == 0 ? 0 : PvmNoTask; /* no pipe, or closed */
	queued = evbuffer_get_length(t->stdin_buf);
	if (d->data.len > 0 && queued + d->data.len > STDIN_QUEUE_MAX)
		return PvmOverflow;
	if (d->data.len > 0 && evbuffer_add(t->stdin_buf, d->data.data, d->data.len) != 0)
		return PvmNoMem;
	if (d->eof) {
		log_info("t%x: end of its stdin (from t%x)", t->tid, (unsigned)from);
		t->stdin_eof = 1;
	}
	event_add(t->stdin_ev, NULL);
	return (int)evbuffer_get_length(t->stdin_buf);
}

/*
 * pvmrun_stdin.c - pvmrun's stdin goes to rank 0, spawned with a stdin
 * pipe (PvmxTaskStdin): read when it has bytes, sent to rank 0's daemon
 * (pvmx_stdin), which writes them into the pipe; our end of file closes
 * it.  A full queue there (PvmOverflow) holds the bytes here and stops
 * our reading until it drains.
 */
#include "pvmrun.h"

#include <pvm3.h>
#include <pvmx.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

static struct {
	int tid; /* 0: not forwarding */
	char buf[65536];
	int held; /* bytes read, not yet taken */
} in;

void pvmrun_stdin_start(int tid)
{
	in.tid = tid;
	if (fcntl(0, F_GETFD) < 0) { /* no stdin at all: end of file */
		pvmx_stdin(tid, NULL, 0, 1);
		in.tid = 0;
	}
}

int pvmrun_stdin_active(void)
{
	return in.tid != 0;
}

/* Sends what is held; 0 when taken, 1 when the queue is full, -1 when
 * rank 0 no longer takes input. */
static int send_held(int eof)
{
	int r = pvmx_stdin(in.tid, in.held > 0 ? in.buf : NULL, in.held, eof);

	if (r == PvmOverflow)
		return 1;
	in.held = 0;
	if (r < 0 || eof) {
		in.tid = 0;
		return -1;
	}
	return 0;
}

void pvmrun_stdin_pump(void)
{
	struct pollfd p = {0, POLLIN, 0};
	ssize_t n;

	if (in.tid == 0)
		return;
	if (in.held > 0 && send_held(0) != 0)
		return;
	/* a terminal we are in the background of: reading would stop us
	 * (SIGTTIN); read once we are in the foreground */
	if (isatty(0) && tcgetpgrp(0) != getpgrp())
		return;
	if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = read(0, in.buf, sizeof(in.buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		send_held(1);
		return;
	}
	in.held = (int)n;
	send_held(0);
}

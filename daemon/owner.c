/*
 * owner.c - `pvmd -o PID`: a virtual machine that belongs to one process
 * (pvmrun's private machine) halts when that process ends, however it
 * ends (kill -9 included), so no daemon or task outlives its launcher.
 */
#include "pvmd.h"

#include "log.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* where pidfd_open is missing (old kernels): look once a second */
static const struct timeval owner_poll = {1, 0};

static struct {
	pid_t pid;
	int fd;
	struct event *ev;
} owner = {.fd = -1};

static void owner_gone(void)
{
	log_info("owner process %d is gone: halting", (int)owner.pid);
	pvmd_halt(NULL);
}

static void owner_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (owner.fd >= 0 || (kill(owner.pid, 0) != 0 && errno == ESRCH)) {
		owner_gone();
		return;
	}
	evtimer_add(owner.ev, &owner_poll);
}

/* Watches pid; 0, or -1 (logged) when it cannot be watched or has
 * already gone. */
int owner_watch(pid_t pid)
{
	owner.pid = pid;
	if (kill(pid, 0) != 0 && errno == ESRCH) {
		log_error("owner process %d does not exist", (int)pid);
		return -1;
	}
#ifdef SYS_pidfd_open
	owner.fd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	if (owner.fd >= 0)
		owner.ev = event_new(pvmd.base, owner.fd, EV_READ, owner_cb, NULL);
	else
		owner.ev = evtimer_new(pvmd.base, owner_cb, NULL);
	if (owner.ev == NULL ||
	    event_add(owner.ev, owner.fd >= 0 ? NULL : &owner_poll) != 0) {
		log_error("cannot watch owner process %d", (int)pid);
		return -1;
	}
	log_info("halting when process %d ends", (int)pid);
	return 0;
}

void owner_free(void)
{
	if (owner.ev != NULL)
		event_free(owner.ev);
	owner.ev = NULL;
	if (owner.fd >= 0)
		close(owner.fd);
	owner.fd = -1;
}

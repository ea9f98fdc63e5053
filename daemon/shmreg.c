/*
 * shmreg.c - the shared-memory receive regions of this daemon's tasks
 * (the direct route between tasks of one host: libpvm/shm*.c).  The
 * daemon makes a task's region when it registers and removes it, and the
 * task's doorbell, when the task is gone however it ended (kill -9
 * included), so nothing of a dead task stays in /dev/shm.  A daemon that
 * was itself killed leaves its tasks' regions behind: the next daemon of
 * the VM on this host removes them at start (shmreg_sweep).
 * PVMX_SHM=0 in the daemon's environment turns the route off.
 */
#include "pvmd.h"

#include "log.h"
#include "paths.h"
#include "shm.h"
#include "tid.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int shm_enabled(void)
{
	const char *s = getenv("PVMX_SHM");

	return s == NULL || strcmp(s, "0") != 0;
}

/* Unlinks the region of tid and its doorbell (names from the tid). */
static void remove_names(int tid)
{
	char name[96], bell[108];

	if (paths_shm_region(name, sizeof(name), tid) == 0)
		shm_region_unlink(name);
	if (paths_shm_bell(bell, sizeof(bell), tid) == 0 && unlink(bell) != 0 &&
	    errno != ENOENT)
		log_warn("cannot remove %s: %s", bell, strerror(errno));
}

void shmreg_sweep(void)
{
	char prefix[128];
	size_t plen;
	DIR *d;
	struct dirent *e;

	if (paths_shm_prefix(prefix, sizeof(prefix)) != 0)
		return;
	plen = strlen(prefix) - 1; /* without the leading '/' */
	d = opendir("/dev/shm");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		unsigned long tid;

		if (strncmp(e->d_name, prefix + 1, plen) != 0)
			continue;
		tid = strtoul(e->d_name + plen, &end, 16);
		/* only our host's: loopback hosts share /dev/shm */
		if (*end != '\0' || !tid_is_valid((int)tid) ||
		    tid_host_index((int)tid) != pvmd.host_index)
			continue;
		log_info("removing the region of t%lx, left by an earlier daemon", tid);
		remove_names((int)tid);
	}
	closedir(d);
}

void shmreg_task_new(struct task *t)
{
	int r;

	t->shm_region[0] = t->shm_bell[0] = '\0';
	shm_note_close(t->shm_note);
	t->shm_note = NULL;
	if (!shm_enabled())
		return;
	if (paths_shm_region(t->shm_region, sizeof(t->shm_region), t->tid) != 0 ||
	    paths_shm_bell(t->shm_bell, sizeof(t->shm_bell), t->tid) != 0) {
		log_warn("t%x: no shared-memory route: names too long", (unsigned)t->tid);
		t->shm_region[0] = t->shm_bell[0] = '\0';
		return;
	}
	r = shm_region_create(t->shm_region, t->tid, SHM_DEFAULT_SLOTS, SHM_DEFAULT_RING);
	if (r == SHM_EEXIST) {
		/* a dead task's of the same tid (its daemon was killed) */
		remove_names(t->tid);
		r = shm_region_create(t->shm_region, t->tid, SHM_DEFAULT_SLOTS,
		                      SHM_DEFAULT_RING);
	}
	/* the note tells the task when its socket has something: without
	 * it the task would not look there while it spins */
	if (r == SHM_OK && (r = shm_note_open(t->shm_region, &t->shm_note)) != SHM_OK)
		remove_names(t->tid);
	if (r != SHM_OK) {
		log_warn("t%x: no shared-memory route: %s", (unsigned)t->tid, shm_strerror(r));
		t->shm_region[0] = t->shm_bell[0] = '\0';
	}
}

void shmreg_wrote(struct task *t)
{
	shm_note_bump(t->shm_note);
}

void shmreg_task_gone(struct task *t)
{
	shm_note_close(t->shm_note);
	t->shm_note = NULL;
	if (t->shm_region[0] == '\0')
		return;
	remove_names(t->tid);
	t->shm_region[0] = t->shm_bell[0] = '\0';
}

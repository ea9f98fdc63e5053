/*
 * peermsg.c - the messages daemons send each other (after the hello):
 * the host table and its changes from the master, heartbeats, spawns on
 * behalf of another daemon's task, sibling lists, exit watches, halt.
 * Unknown or misplaced messages are logged and ignored: the sender is an
 * authenticated daemon of this VM, but still not trusted to be right.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

/* An entry of the master's table: added, or updated in place. */
static void host_upsert(const Pvmx__HostEntry *e, int announce)
{
	struct host *h;
	int index;

	if (e == NULL || !tid_is_daemon(e->tid) || e->name == NULL || e->arch == NULL)
		return;
	index = tid_host_index(e->tid);
	h = hosttab_get(index);
	if (h == NULL) {
		h = hosttab_add(index, e->name, e->arch, e->speed, e->dsig, e->addr,
		                e->port);
		if (h == NULL)
			return;
		h->cores = e->cores;
		h->pus = e->pus;
		h->numa = e->numa;
		if (announce)
			notify_host_change(h->tid, 0);
		return;
	}
	if (strcmp(h->name, e->name) != 0) {
		char *n = strdup(e->name);

		if (n != NULL) {
			free(h->name);
			h->name = n;
		}
	}
	if (strcmp(h->arch, e->arch) != 0) {
		char *a = strdup(e->arch);

		if (a != NULL) {
			free(h->arch);
			h->arch = a;
		}
	}
	h->speed = e->speed;
	h->dsig = e->dsig;
	if (index != pvmd.host_index) {
		h->cores = e->cores;
		h->pus = e->pus;
		h->numa = e->numa;
		snprintf(h->addr, sizeof(h->addr), "%s", e->addr != NULL ? e->addr : "");
		h->port = e->port;
	}
}

static int from_master(int from_host, const char *what)
{
	if (tid_make(from_host, 0) == pvmd.master_tid)
		return 1;
	log_warn("t%x sent %s, which only the master may: ignored",
	         (unsigned)tid_make(from_host, 0), what);
	return 0;
}

/* ---- the daemons' messages to each other (control.c's table of
 * request kinds points here) ---- */

void peermsg_heartbeat(int from_host, Pvmx__Control *ctl)
{
	/* any frame is a sign of life (peer.c); this one has the clocks */
	hostclock_heartbeat(from_host, ctl->heartbeat);
}

void peermsg_host_table(int from_host, Pvmx__Control *ctl)
{
	if (!from_master(from_host, "a host table"))
		return;
	for (size_t i = 0; i < ctl->host_table->n_hosts; i++)
		host_upsert(ctl->host_table->hosts[i], 0);
	group_hosts_changed();
	boot_slave_ready();
}

void peermsg_host_change(int from_host, Pvmx__Control *ctl)
{
	if (!from_master(from_host, "a host change") || ctl->host_change->host == NULL)
		return;
	if (ctl->host_change->deleted) {
		int index = tid_host_index(ctl->host_change->host->tid);

		if (index == pvmd.host_index) {
			log_info("the master deleted this host: halting");
			pvmd_halt(NULL);
		} else {
			hosttab_remove(index, "deleted by the master");
		}
	} else {
		host_upsert(ctl->host_change->host, 1);
		group_hosts_changed();
	}
}

void peermsg_spawn_fwd(int from_host, Pvmx__Control *ctl)
{
	spawn_forwarded(from_host, ctl->seq, ctl->spawn_fwd);
}

void peermsg_spawn_reply(int from_host, Pvmx__Control *ctl)
{
	spawn_forward_reply(from_host, ctl->seq, ctl->spawn_reply);
}

void peermsg_siblings(int from_host, Pvmx__Control *ctl)
{
	(void)from_host;
	spawn_siblings(ctl->siblings);
}

void peermsg_watch(int from_host, Pvmx__Control *ctl)
{
	notify_watch(from_host, ctl->watch->tid);
}

void peermsg_task_exited(int from_host, Pvmx__Control *ctl)
{
	if (tid_host_index(ctl->task_exited->tid) != from_host)
		return;
	notify_remote_exit(ctl->task_exited->tid, ctl->task_exited->status);
	/* what it waits for here (a held mailbox read) is dropped */
	pending_task_gone(ctl->task_exited->tid);
	if (pvmd.host_tid == pvmd.master_tid)
		mbox_task_exit(ctl->task_exited->tid);
}

void peermsg_group_gone(int from_host, Pvmx__Control *ctl)
{
	/* a task of that host that used groups is gone */
	if (tid_host_index(ctl->group_gone->tid) != from_host)
		return;
	pending_task_gone(ctl->group_gone->tid);
	group_task_gone(ctl->group_gone->tid);
	groupmember_task_gone(ctl->group_gone->tid); /* its frozen groups are dead */
}

void peermsg_group_handoff(int from_host, Pvmx__Control *ctl)
{
	group_handoff(from_host, ctl->group_handoff);
}

void peermsg_group_view_sub(int from_host, Pvmx__Control *ctl)
{
	group_view_sub(from_host, ctl->group_view_sub);
}

void peermsg_group_view_fill(int from_host, Pvmx__Control *ctl)
{
	groupview_fill(from_host, ctl->group_view_fill);
}

void peermsg_group_view_drop(int from_host, Pvmx__Control *ctl)
{
	groupview_drop(from_host, ctl->group_view_drop);
}

void peermsg_group_view_ack(int from_host, Pvmx__Control *ctl)
{
	group_view_ack(from_host, ctl->group_view_ack);
}

void peermsg_group_barrier_calls(int from_host, Pvmx__Control *ctl)
{
	group_barrier_calls(from_host, ctl->group_barrier_calls);
}

void peermsg_group_barrier_answers(int from_host, Pvmx__Control *ctl)
{
	groupview_answers(from_host, ctl->group_barrier_answers);
}

void peermsg_halt(int from_host, Pvmx__Control *ctl)
{
	(void)ctl;
	if (pvmd.host_tid == pvmd.master_tid)
		log_info("t%x asks to halt the virtual machine",
		         (unsigned)tid_make(from_host, 0));
	else if (!from_master(from_host, "a halt"))
		return;
	pvmd_halt(NULL);
}

int peer_daemon_message(int from_host, Pvmx__Control *ctl)
{
	const struct request_kind *k = request_kind_of(ctl->body_case);

	if (k == NULL || k->peer == NULL) {
		log_warn("t%x sent an unexpected message (kind %d): ignored",
		         (unsigned)tid_make(from_host, 0), (int)ctl->body_case);
		return 0;
	}
	k->peer(from_host, ctl);
	return 0;
}

/*
 * stats.c - the live view's counters of this host (the console's `top`,
 * docs/top.md): its load, its tasks with the data frames they sent and
 * received through this daemon and what it holds for them, and its links
 * to the other daemons.
 */
#include "pvmd.h"

#include "clock.h"

#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* /proc/loadavg's three averages, times 100; -1 each when unknown. */
static void read_loadavg(int32_t load[3])
{
	FILE *f = fopen("/proc/loadavg", "r");
	double a[3];

	load[0] = load[1] = load[2] = -1;
	if (f == NULL)
		return;
	if (fscanf(f, "%lf %lf %lf", &a[0], &a[1], &a[2]) == 3) {
		for (int i = 0; i < 3; i++)
			load[i] = (int32_t)(a[i] * 100.0 + 0.5);
	}
	fclose(f);
}

static int32_t task_state(const struct task *t)
{
	if (t->conn != NULL)
		return 0;
	if (t->spawned && !t->ever_connected)
		return 1;
	if (t->spawned && !t->reaped)
		return 2;
	return 3;
}

static void fill_task(Pvmx__TaskStats *ts, const struct task *t)
{
	pvmx__task_stats__init(ts);
	ts->tid = t->tid;
	ts->name = t->name != NULL ? t->name : "-";
	ts->state = task_state(t);
	ts->held = t->conn != NULL && t->conn->held;
	ts->over = t->over;
	ts->sent_msgs = t->sent_msgs;
	ts->sent_bytes = t->sent_bytes;
	ts->recv_msgs = t->recv_msgs;
	ts->recv_bytes = t->recv_bytes;
	ts->queued_bytes = task_backlog(t);
	ts->pid = (int32_t)t->pid;
}

struct link_fill {
	Pvmx__LinkStats *links, **ptrs;
	size_t n, cap;
	int64_t now_ms;
};

static void fill_link(struct host *h, void *arg)
{
	struct link_fill *f = arg;
	Pvmx__LinkStats *ls;
	int64_t heard;

	if (h->index == pvmd.host_index || f->n == f->cap)
		return;
	ls = &f->links[f->n];
	pvmx__link_stats__init(ls);
	ls->host = h->tid;
	ls->up = h->link != NULL;
	ls->full = h->link_full != 0;
	ls->sent_frames = h->sent_frames;
	ls->sent_bytes = h->sent_bytes;
	ls->recv_frames = h->recv_frames;
	ls->recv_bytes = h->recv_bytes;
	ls->queued_bytes = peer_backlog(h->index);
	heard = h->last_heard_ms > 0 ? f->now_ms - h->last_heard_ms : -1;
	ls->heard_ms = (int32_t)(heard > INT32_MAX ? INT32_MAX : heard);
	f->ptrs[f->n++] = ls;
}

void stats_request(const struct reply_addr *to, int host)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__HostStats r = PVMX__HOST_STATS__INIT;
	size_t ntask = pvmd.ntasks > 0 ? (size_t)pvmd.ntasks : 0;
	size_t nhost = (size_t)hosttab_count();
	Pvmx__TaskStats *tasks = calloc(ntask ? ntask : 1, sizeof(*tasks));
	Pvmx__TaskStats **tptrs = calloc(ntask ? ntask : 1, sizeof(*tptrs));
	struct link_fill f = {calloc(nhost ? nhost : 1, sizeof(Pvmx__LinkStats)),
	                      calloc(nhost ? nhost : 1, sizeof(Pvmx__LinkStats *)), 0,
	                      nhost, clock_now_ms()};
	int32_t load[3];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	r.host = pvmd.host_tid;
	if (host != 0 && host != pvmd.host_tid) {
		r.code = PvmNoHost;
	} else if (tasks == NULL || tptrs == NULL || f.links == NULL || f.ptrs == NULL) {
		r.code = PvmNoMem;
	} else {
		struct task *t;
		size_t n = 0;

		r.now_us = (uint64_t)(clock_now_ns() / 1000);
		read_loadavg(load);
		r.load1 = load[0];
		r.load5 = load[1];
		r.load15 = load[2];
		r.ncpu = ncpu > 0 ? (int32_t)ncpu : 0;
		TAILQ_FOREACH(t, &pvmd.tasks, entry)
		{
			if (n == ntask)
				break;
			fill_task(&tasks[n], t);
			tptrs[n] = &tasks[n];
			n++;
		}
		r.tasks = tptrs;
		r.n_tasks = n;
		hosttab_foreach(fill_link, &f);
		r.links = f.ptrs;
		r.n_links = f.n;
	}
	ctl.body_case = PVMX__CONTROL__BODY_STATS_REPLY;
	ctl.stats_reply = &r;
	reply_control(to, &ctl);
	free(tasks);
	free(tptrs);
	free(f.links);
	free(f.ptrs);
}

/*
 * lpvm_stats.c - pvmx_hoststat, for the console's top (docs/top.md): one
 * host's counters, asked of its daemon, copied into the library's
 * storage (kept until the next call).
 */
#include "lpvm.h"

#include "wire.h"

#include <pvmx.h>
#include <stdlib.h>
#include <string.h>

static struct pvmxhoststat stat_out;
static char *stat_names; /* the tasks' names, one block */

static void stat_free(void)
{
	free(stat_out.hs_tasks);
	free(stat_out.hs_links);
	free(stat_names);
	stat_names = NULL;
	memset(&stat_out, 0, sizeof(stat_out));
}

/* Copies the reply into stat_out; 0 or PvmNoMem. */
static int stat_copy(const Pvmx__HostStats *r)
{
	size_t names = 0, at = 0;

	for (size_t i = 0; i < r->n_tasks; i++)
		names += strlen(r->tasks[i]->name) + 1;
	stat_out.hs_tasks =
	    calloc(r->n_tasks ? r->n_tasks : 1, sizeof(*stat_out.hs_tasks));
	stat_out.hs_links =
	    calloc(r->n_links ? r->n_links : 1, sizeof(*stat_out.hs_links));
	stat_names = malloc(names ? names : 1);
	if (stat_out.hs_tasks == NULL || stat_out.hs_links == NULL || stat_names == NULL)
		return PvmNoMem;
	stat_out.hs_host = r->host;
	stat_out.hs_now_us = r->now_us;
	stat_out.hs_load1 = r->load1;
	stat_out.hs_load5 = r->load5;
	stat_out.hs_load15 = r->load15;
	stat_out.hs_ncpu = r->ncpu;
	for (size_t i = 0; i < r->n_tasks; i++) {
		const Pvmx__TaskStats *s = r->tasks[i];
		struct pvmxtaskstat *d = &stat_out.hs_tasks[i];
		size_t n = strlen(s->name) + 1;

		memcpy(stat_names + at, s->name, n);
		d->ts_name = stat_names + at;
		at += n;
		d->ts_tid = s->tid;
		d->ts_pid = s->pid;
		d->ts_state = s->state;
		d->ts_held = s->held;
		d->ts_over = s->over;
		d->ts_sent_msgs = s->sent_msgs;
		d->ts_sent_bytes = s->sent_bytes;
		d->ts_recv_msgs = s->recv_msgs;
		d->ts_recv_bytes = s->recv_bytes;
		d->ts_queued_bytes = s->queued_bytes;
	}
	stat_out.hs_ntask = (int)r->n_tasks;
	for (size_t i = 0; i < r->n_links; i++) {
		const Pvmx__LinkStats *s = r->links[i];
		struct pvmxlinkstat *d = &stat_out.hs_links[i];

		d->ls_host = s->host;
		d->ls_up = s->up;
		d->ls_full = s->full;
		d->ls_heard_ms = s->heard_ms;
		d->ls_sent_frames = s->sent_frames;
		d->ls_sent_bytes = s->sent_bytes;
		d->ls_recv_frames = s->recv_frames;
		d->ls_recv_bytes = s->recv_bytes;
		d->ls_queued_bytes = s->queued_bytes;
	}
	stat_out.hs_nlink = (int)r->n_links;
	return 0;
}

int pvmx_hoststat(int host, struct pvmxhoststat **stat)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__StatsRequest sr = PVMX__STATS_REQUEST__INIT;
	int r;

	stat_free();
	if (stat != NULL)
		*stat = NULL;
	sr.host = host;
	req.body_case = PVMX__CONTROL__BODY_STATS;
	req.stats = &sr;
	r = lpvm_typed_request("pvmx_hoststat", &req, PVMX__CONTROL__BODY_STATS_REPLY, &rep);
	if (r < 0)
		return r;
	r = rep->stats_reply->code;
	if (r == 0)
		r = stat_copy(rep->stats_reply);
	wire_control_free(rep);
	if (r < 0) {
		stat_free();
		return lpvm_error("pvmx_hoststat", r);
	}
	if (stat != NULL)
		*stat = &stat_out;
	return 0;
}

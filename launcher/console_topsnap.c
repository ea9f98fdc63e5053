/*
 * console_topsnap.c - the data of the console's top (docs/top.md): a
 * snapshot of the virtual machine (each host's counters from its daemon,
 * the groups from their homes), and the screen drawn from two snapshots,
 * the rates being the counters' differences over the daemons' clocks.
 */
#include "console_top.h"

#include "errtext.h"

#include <pvmx.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void host_clear(struct top_host *h)
{
	free(h->tasks);
	free(h->links);
	memset(h, 0, sizeof(*h));
}

void top_snap_free(struct top_snap *s)
{
	for (int i = 0; i < s->nhost; i++)
		host_clear(&s->hosts[i]);
	free(s->hosts);
	free(s->groups);
	memset(s, 0, sizeof(*s));
}

/* Copies what pvmx_hoststat answered (the library's storage) into h. */
static int host_copy(struct top_host *h, const struct pvmxhoststat *st)
{
	h->now_us = st->hs_now_us;
	h->load[0] = st->hs_load1;
	h->load[1] = st->hs_load5;
	h->load[2] = st->hs_load15;
	h->ncpu = st->hs_ncpu;
	h->tasks = calloc(st->hs_ntask > 0 ? (size_t)st->hs_ntask : 1, sizeof(*h->tasks));
	h->links = calloc(st->hs_nlink > 0 ? (size_t)st->hs_nlink : 1, sizeof(*h->links));
	if (h->tasks == NULL || h->links == NULL)
		return PvmNoMem;
	for (int i = 0; i < st->hs_ntask; i++) {
		h->tasks[i].s = st->hs_tasks[i];
		snprintf(h->tasks[i].name, sizeof(h->tasks[i].name), "%s",
		         st->hs_tasks[i].ts_name);
		h->tasks[i].s.ts_name = h->tasks[i].name;
	}
	h->ntask = st->hs_ntask;
	memcpy(h->links, st->hs_links, (size_t)st->hs_nlink * sizeof(*h->links));
	h->nlink = st->hs_nlink;
	return 0;
}

int top_snap_take(struct top_snap *s)
{
	struct pvmhostinfo *hi;
	struct pvmxgroupinfo *gs;
	int nhost, narch, ngroup, r;

	memset(s, 0, sizeof(*s));
	s->when = time(NULL);
	r = pvm_config(&nhost, &narch, &hi);
	if (r < 0)
		return r;
	s->hosts = calloc(nhost > 0 ? (size_t)nhost : 1, sizeof(*s->hosts));
	if (s->hosts == NULL)
		return PvmNoMem;
	s->nhost = nhost;
	for (int i = 0; i < nhost; i++) {
		struct top_host *h = &s->hosts[i];
		struct pvmxhoststat *st;

		h->tid = hi[i].hi_tid;
		snprintf(h->name, sizeof(h->name), "%s", hi[i].hi_name);
		h->code = pvmx_hoststat(h->tid, &st);
		if (h->code == 0)
			h->code = host_copy(h, st);
	}
	/* pvm_config's storage is not touched by pvmx_hoststat; the groups
	 * come last, as pvmx_groups calls pvm_config itself */
	s->groups_code = pvmx_groups(&gs, &ngroup);
	if (s->groups_code == 0 && ngroup > 0) {
		s->groups = calloc((size_t)ngroup, sizeof(*s->groups));
		if (s->groups == NULL)
			return PvmNoMem;
		for (int i = 0; i < ngroup; i++) {
			snprintf(s->groups[i].name, sizeof(s->groups[i].name), "%s",
			         gs[i].gi_name);
			s->groups[i].size = gs[i].gi_size;
			s->groups[i].state = gs[i].gi_state;
			s->groups[i].home = gs[i].gi_home;
		}
		s->ngroup = ngroup;
	}
	return 0;
}

/* ---- drawing ---- */

static void line(struct top_screen *scr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void line(struct top_screen *scr, const char *fmt, ...)
{
	va_list ap;

	if (scr->n == TOP_LINES_MAX)
		return;
	if (scr->n == TOP_LINES_MAX - 1) {
		snprintf(scr->lines[scr->n++], sizeof(scr->lines[0]),
		         "... (the view stops at %d lines)", TOP_LINES_MAX);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(scr->lines[scr->n], sizeof(scr->lines[0]), fmt, ap);
	va_end(ap);
	scr->n++;
}

static const char *host_name(const struct top_snap *s, int tid)
{
	for (int i = 0; i < s->nhost; i++)
		if (s->hosts[i].tid == tid)
			return s->hosts[i].name;
	return "?";
}

static const struct top_host *host_of(const struct top_snap *s, int tid)
{
	if (s == NULL)
		return NULL;
	for (int i = 0; i < s->nhost; i++)
		if (s->hosts[i].tid == tid && s->hosts[i].code == 0)
			return &s->hosts[i];
	return NULL;
}

/* Seconds between the two answers of one daemon; 0 when unknown. */
static double host_dt(const struct top_host *h, const struct top_host *was)
{
	if (was == NULL || h->now_us <= was->now_us)
		return 0;
	return (double)(h->now_us - was->now_us) / 1e6;
}

/* A rate per second, in out: "-" when unknown, else with k/M/G. */
static const char *rate(char *out, size_t cap, unsigned long long now,
                        unsigned long long was, double dt, int bytes)
{
	/* messages in thousands (k), bytes in KiB (K) */
	const char *units = bytes ? " KMG" : " kMG";
	double v;
	int u = 0;

	if (dt <= 0 || now < was) {
		snprintf(out, cap, "-");
		return out;
	}
	v = (double)(now - was) / dt;
	while (v >= 1000 && u < 3) {
		v /= bytes ? 1024 : 1000;
		u++;
	}
	if (u == 0)
		snprintf(out, cap, v < 10 && v > 0 ? "%.1f" : "%.0f", v);
	else
		snprintf(out, cap, "%.1f%c", v, units[u]);
	return out;
}

/* Bytes held, with K/M/G. */
static const char *size(char *out, size_t cap, unsigned long long n)
{
	if (n < 1024)
		snprintf(out, cap, "%llu", n);
	else if (n < 1024ull * 1024)
		snprintf(out, cap, "%.1fK", (double)n / 1024);
	else if (n < 1024ull * 1024 * 1024)
		snprintf(out, cap, "%.1fM", (double)n / (1024.0 * 1024));
	else
		snprintf(out, cap, "%.1fG", (double)n / (1024.0 * 1024 * 1024));
	return out;
}

static const char *load(char *out, size_t cap, int v)
{
	if (v < 0)
		snprintf(out, cap, "-");
	else
		snprintf(out, cap, "%d.%02d", v / 100, v % 100);
	return out;
}

static const struct pvmxtaskstat *task_was(const struct top_host *was, int tid)
{
	for (int i = 0; was != NULL && i < was->ntask; i++)
		if (was->tasks[i].s.ts_tid == tid)
			return &was->tasks[i].s;
	return NULL;
}

static const struct pvmxlinkstat *link_was(const struct top_host *was, int host)
{
	for (int i = 0; was != NULL && i < was->nlink; i++)
		if (was->links[i].ls_host == host)
			return &was->links[i];
	return NULL;
}

static void draw_hosts(struct top_screen *scr, const struct top_snap *s)
{
	line(scr, "%-20s %-8s %6s %6s %6s %4s %5s", "HOST", "DTID", "LOAD1", "LOAD5",
	     "LOAD15", "CPUS", "TASKS");
	for (int i = 0; i < s->nhost; i++) {
		const struct top_host *h = &s->hosts[i];
		char a[16], b[16], c[16];

		if (h->code != 0) {
			line(scr, "%-20.20s t%-7x %s", h->name, (unsigned)h->tid,
			     errtext(h->code));
			continue;
		}
		line(scr, "%-20.20s t%-7x %6s %6s %6s %4d %5d", h->name, (unsigned)h->tid,
		     load(a, sizeof(a), h->load[0]), load(b, sizeof(b), h->load[1]),
		     load(c, sizeof(c), h->load[2]), h->ncpu, h->ntask);
	}
}

static void draw_links(struct top_screen *scr, const struct top_snap *s,
                       const struct top_snap *prev)
{
	int rows = 0;

	line(scr, "%-20s %-20s %-5s %8s %9s %8s %9s %8s %7s", "LINK FROM", "TO", "STATE",
	     "OUT f/s", "OUT B/s", "IN f/s", "IN B/s", "QUEUED", "HEARD");
	for (int i = 0; i < s->nhost; i++) {
		const struct top_host *h = &s->hosts[i], *was = host_of(prev, h->tid);
		double dt = host_dt(h, was);

		for (int k = 0; h->code == 0 && k < h->nlink; k++) {
			const struct pvmxlinkstat *l = &h->links[k];
			const struct pvmxlinkstat *w = link_was(was, l->ls_host);
			struct pvmxlinkstat zero = {0};
			char of[16], ob[16], inf[16], ib[16], q[16], heard[16];

			if (w == NULL)
				w = &zero;
			if (l->ls_heard_ms < 0)
				snprintf(heard, sizeof(heard), "-");
			else
				snprintf(heard, sizeof(heard), "%.1fs",
				         l->ls_heard_ms / 1000.0);
			line(scr, "%-20.20s %-20.20s %-5s %8s %9s %8s %9s %8s %7s",
			     h->name, host_name(s, l->ls_host),
			     l->ls_full ? "full"
			     : l->ls_up ? "up"
			                : "none",
			     rate(of, sizeof(of), l->ls_sent_frames, w->ls_sent_frames,
			          w == &zero ? 0 : dt, 0),
			     rate(ob, sizeof(ob), l->ls_sent_bytes, w->ls_sent_bytes,
			          w == &zero ? 0 : dt, 1),
			     rate(inf, sizeof(inf), l->ls_recv_frames, w->ls_recv_frames,
			          w == &zero ? 0 : dt, 0),
			     rate(ib, sizeof(ib), l->ls_recv_bytes, w->ls_recv_bytes,
			          w == &zero ? 0 : dt, 1),
			     size(q, sizeof(q), l->ls_queued_bytes), heard);
			rows++;
		}
	}
	/* said, as "(no groups)" is, rather than an empty table */
	if (rows == 0)
		line(scr, s->nhost == 1 ? "(one host: no links)" : "(no links)");
}

static const char *task_state(char *out, size_t cap, const struct pvmxtaskstat *t)
{
	static const char *const names[] = {"run", "start", "left", "exit"};

	snprintf(out, cap, "%s%s%s",
	         names[t->ts_state >= 0 && t->ts_state <= 3 ? t->ts_state : 3],
	         t->ts_held ? "+held" : "", t->ts_over ? "+over" : "");
	return out;
}

static void draw_tasks(struct top_screen *scr, const struct top_snap *s,
                       const struct top_snap *prev)
{
	line(scr, "%-20s %-8s %-10s %8s %9s %8s %9s %8s  %s", "TASK HOST", "TID", "STATE",
	     "SENT m/s", "SENT B/s", "RECV m/s", "RECV B/s", "QUEUED", "COMMAND");
	for (int i = 0; i < s->nhost; i++) {
		const struct top_host *h = &s->hosts[i], *was = host_of(prev, h->tid);
		double dt = host_dt(h, was);

		for (int k = 0; h->code == 0 && k < h->ntask; k++) {
			const struct pvmxtaskstat *t = &h->tasks[k].s;
			const struct pvmxtaskstat *w = task_was(was, t->ts_tid);
			double d = w != NULL ? dt : 0;
			char st[24], sm[16], sb[16], rm[16], rb[16], q[16];

			if (w == NULL)
				w = t;
			line(scr, "%-20.20s t%-7x %-10s %8s %9s %8s %9s %8s  %s", h->name,
			     (unsigned)t->ts_tid, task_state(st, sizeof(st), t),
			     rate(sm, sizeof(sm), t->ts_sent_msgs, w->ts_sent_msgs, d, 0),
			     rate(sb, sizeof(sb), t->ts_sent_bytes, w->ts_sent_bytes, d,
			          1),
			     rate(rm, sizeof(rm), t->ts_recv_msgs, w->ts_recv_msgs, d, 0),
			     rate(rb, sizeof(rb), t->ts_recv_bytes, w->ts_recv_bytes, d,
			          1),
			     size(q, sizeof(q), t->ts_queued_bytes), t->ts_name);
		}
	}
}

static void draw_groups(struct top_screen *scr, const struct top_snap *s)
{
	static const char *const states[] = {"dynamic", "frozen", "frozen, left"};

	if (s->groups_code < 0) {
		line(scr, "GROUPS: %s", errtext(s->groups_code));
		return;
	}
	line(scr, "%-32s %5s %-13s %s", "GROUP", "SIZE", "STATE", "HOME");
	for (int i = 0; i < s->ngroup; i++) {
		const struct top_group *g = &s->groups[i];

		line(scr, "%-32.32s %5d %-13s %s", g->name, g->size,
		     states[g->state >= 0 && g->state <= 2 ? g->state : 0],
		     host_name(s, g->home));
	}
	if (s->ngroup == 0)
		line(scr, "(no groups)");
}

void top_draw(struct top_screen *scr, const struct top_snap *s,
              const struct top_snap *prev, double every)
{
	char when[32];
	int ntask = 0;
	struct tm tm;

	scr->n = 0;
	for (int i = 0; i < s->nhost; i++)
		ntask += s->hosts[i].ntask;
	localtime_r(&s->when, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	line(scr, "pvmx top  %s  %d host%s, %d task%s, %d group%s  every %gs%s", when,
	     s->nhost, s->nhost == 1 ? "" : "s", ntask, ntask == 1 ? "" : "s", s->ngroup,
	     s->ngroup == 1 ? "" : "s", every, scr->keys ? "  (q quits)" : "");
	line(scr, "%s", "");
	draw_hosts(scr, s);
	line(scr, "%s", "");
	draw_links(scr, s, prev);
	line(scr, "%s", "");
	draw_tasks(scr, s, prev);
	line(scr, "messages through the daemons only: direct traffic (shared memory, "
	          "libfabric) is not counted");
	line(scr, "%s", "");
	draw_groups(scr, s);
}

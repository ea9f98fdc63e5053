/*
 * pvmtrace.h - the trace collector's events and its parts: the parser
 * of PVM 3.4 trace messages (pvmtrace_parse.c), the timeline built from
 * the events (pvmtrace_timeline.c) and its writers, Chrome trace-event
 * JSON (pvmtrace_json.c) and one HTML page (pvmtrace_html.c).
 */
#ifndef PVMX_PVMTRACE_H
#define PVMX_PVMTRACE_H

#include <stdio.h>

/* the message tag pvmtrace's events come with, and the tag its parent
 * (pvmrun_trace_finish) ends a collection with */
#define PVMTRACE_EVENT_TAG 0x7e7ace
#define PVMTRACE_END_TAG 0x7e7acf

/* one event record, with the data pvmtrace uses (-1 where absent) */
struct tev {
	int tid, kind, ee; /* ee: TEV_EVENT_ENTRY, TEV_EVENT_EXIT or 0 */
	long long us;      /* gettimeofday of the event, microseconds */
	int cc, nb, dst, src, tag, ctx, pt, count;
	int gtid, inst, root; /* GT, GI; CGI: a collective's root instance */
	int *tids; /* MDL or STL, malloc'd */
	int ntids;
	char str[64];   /* TN, GN or SE */
	char route[16]; /* ME: pvmx's route of a send */
};

struct tevlog {
	struct tev *ev;
	size_t n, cap;
};

/* Parses one trace message (the active receive buffer) from task src,
 * appending its records to log; descriptors are kept per task.  Returns
 * records added, or -1 on a malformed message. */
int tev_parse_message(struct tevlog *log, int src);
void tev_log_free(struct tevlog *log);

/* a message found in the log: both ends when received */
struct tmsg {
	int src, dst, tag, ctx, bytes;
	long long send_us, recv_us; /* recv_us -1: not received */
	char route[16];
};
/* a call: an entry and its exit */
struct tslice {
	int tid, kind;
	long long us, dur;
	int a, b, c; /* the call's data: dst/src, tag, bytes or count */
	int root;    /* a rooted collective's root instance, else -1 */
	char str[64];
};
struct ttask {
	int tid, parent, ended;
	char name[64];
};
/* a host's clock against the collector's (pvmx_hostclock, else
 * pvm_hostsync) */
struct hostclock {
	int host;            /* its index (timeline_host) */
	long long offset_us; /* its clock minus ours */
	long long err_us;    /* the offset is right within it; -1: none */
	long long rtt_us;    /* the round trip it comes from: twice err_us */
	const char *source;  /* "daemons", "hostsync" or "none" */
};

struct timeline {
	struct ttask *task;
	size_t ntask;
	struct tslice *slice;
	size_t nslice;
	struct tmsg *msg;
	size_t nmsg;
	long long t0; /* the earliest event */
	const struct hostclock *clock; /* the hosts' offsets, applied */
	size_t nclock;
};

/* Builds the timeline of log (tasks, slices, messages paired per
 * source, destination, context and tag in their order). 0 or -1. */
int timeline_build(const struct tevlog *log, struct timeline *tl);
void timeline_free(struct timeline *tl);
/* the host part of a tid (PVM's layout) */
int timeline_host(int tid);

/* Finds the clock of every host of log's tasks against ours (the
 * daemons' offset, else the best of a few pvm_hostsync round trips) and
 * moves each event onto our clock.  *out (malloc'd, the caller frees it) gets the hosts. */
size_t clock_align(struct tevlog *log, struct hostclock **out);

/* Writers: 0, or -1 with errno. */
int write_chrome_json(const struct timeline *tl, FILE *f);
int write_html(const struct timeline *tl, FILE *f);
/* s as a JSON string, quotes included */
void json_string(FILE *f, const char *s);

#endif

/*
 * liveness.c - is everyone alive: this daemon's own loop (a timer that
 * measures its own lateness, so a stall of the loop is seen and told),
 * and the other daemons (heartbeats between the master and each daemon;
 * a host silent for longer than the host timeout is dead).  A closed
 * link is a dead host at once (peer.c); silence is only a suspicion, so
 * its timeout is long enough for a loaded machine, or a daemon stopped
 * for a while, not to be taken for dead.
 */
#include "pvmd.h"

#include "clock.h"
#include "log.h"

#include <stdlib.h>
#include <time.h>

/* The host timeout's default: a daemon stopped for 10 s (a debugger, a
 * SIGSTOP, a VM migrated, a machine swapping) with a margin of as much
 * again and more, as a host's death costs its tasks.  PVMX_HOST_TIMEOUT_MS
 * lowers it (tests of a network cut). */
#define LIVENESS_TIMEOUT_MS 30000
#define LIVENESS_TIMEOUT_MIN_MS 100
/* Heartbeats: ten per timeout, at most one a second. */
#define LIVENESS_BEATS 10
#define LIVENESS_BEAT_MAX_MS 1000
/* The loop's own watch: how often, and from what lateness it is a stall
 * worth a log line. */
#define LOOPWATCH_PERIOD_MS 100
#define LOOPWATCH_STALL_MS 50

static struct event *beat_ev, *watch_ev;
static int64_t beat_last_ms;   /* when the heartbeat last ran */
static int64_t watch_due_ms;   /* when the watch should run next */
static int64_t watch_cpu_ns;   /* the daemon's CPU time when armed */
static int64_t stall_max_ms;   /* the longest lateness of the watch */
static int64_t busy_max_ms;    /* the longest part of one it could have run */
static unsigned stall_count;   /* lateness of LOOPWATCH_STALL_MS or more */

static int beat_interval_ms(void)
{
	int ms = pvmd.host_timeout_ms / LIVENESS_BEATS;

	return ms > LIVENESS_BEAT_MAX_MS ? LIVENESS_BEAT_MAX_MS : ms;
}

void liveness_init(void)
{
	const char *s = getenv("PVMX_HOST_TIMEOUT_MS");

	pvmd.host_timeout_ms = LIVENESS_TIMEOUT_MS;
	if (s != NULL && *s != '\0')
		liveness_set_timeout(atoi(s));
	/* its older name meant a third of the timeout: say so, not guess */
	if (getenv("PVMX_HEARTBEAT_MS") != NULL)
		log_warn("PVMX_HEARTBEAT_MS is no longer read: the host timeout is "
		         "PVMX_HOST_TIMEOUT_MS (now %d ms)",
		         pvmd.host_timeout_ms);
}

void liveness_set_timeout(int ms)
{
	if (ms >= LIVENESS_TIMEOUT_MIN_MS)
		pvmd.host_timeout_ms = ms;
	else
		log_warn("host timeout %d ms ignored (at least %d): %d ms", ms,
		         LIVENESS_TIMEOUT_MIN_MS, pvmd.host_timeout_ms);
}

void liveness_heard(struct host *h)
{
	h->last_heard_ms = clock_now_ms();
}

/* Heartbeats: the master and each daemon tell each other they live; a
 * host silent for the timeout is dead (the master deletes it), a master
 * silent as long ends the daemon. */
static void beat_host(struct host *h, void *arg)
{
	const int64_t *now = arg;
	int64_t silent_ms;

	if (h->index == pvmd.host_index)
		return;
	/* only master <-> daemon pairs beat */
	if (pvmd.host_tid != pvmd.master_tid && h->tid != pvmd.master_tid)
		return;
	silent_ms = *now - h->last_heard_ms;
	if (silent_ms > pvmd.host_timeout_ms) {
		char why[96];

		snprintf(why, sizeof(why), "silent for %lld ms (host timeout %d ms)",
		         (long long)silent_ms, pvmd.host_timeout_ms);
		if (h->tid == pvmd.master_tid) {
			log_error("master t%x %s: halting", (unsigned)h->tid, why);
			pvmd_halt(NULL);
		} else {
			boot_host_failed(h->index, why);
		}
		return;
	}
	/* (it carries the clocks too: hostclock.c) */
	if (h->link != NULL)
		hostclock_beat(h);
}

/* Time this daemon did not run (stopped, or starved) is no one else's
 * silence: it is forgiven every host, so that we do not take the others
 * for dead the moment we run again (frames they sent meanwhile wait in
 * our sockets).  Their links tell at once if we were dropped. */
struct pause {
	int64_t ms, now;
};

static void forgive(struct host *h, void *arg)
{
	const struct pause *p = arg;

	/* (never past now: a frame may have come since we run again) */
	h->last_heard_ms =
	    h->last_heard_ms + p->ms < p->now ? h->last_heard_ms + p->ms : p->now;
}

static void beat_cb(evutil_socket_t fd, short what, void *arg)
{
	int64_t now = clock_now_ms();
	struct pause p = {now - beat_last_ms - beat_interval_ms(), now};

	(void)fd;
	(void)what;
	(void)arg;
	beat_last_ms = now;
	if (pvmd.halting)
		return;
	if (p.ms > beat_interval_ms()) {
		log_warn("this daemon did not run for %lld ms: the other hosts' silence "
		         "meanwhile does not count",
		         (long long)p.ms);
		hosttab_foreach(forgive, &p);
	}
	hosttab_foreach(beat_host, &now);
}

static int64_t cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The loop's watch: its lateness is how long the loop was busy (or the
 * daemon did not run) when it was due. */
static void watch_arm(void)
{
	struct timeval tv = {0, LOOPWATCH_PERIOD_MS * 1000};

	watch_due_ms = clock_now_ms() + LOOPWATCH_PERIOD_MS;
	watch_cpu_ns = cpu_now_ns();
	evtimer_add(watch_ev, &tv);
}

static void watch_cb(evutil_socket_t fd, short what, void *arg)
{
	int64_t late = clock_now_ms() - watch_due_ms;
	int64_t ran = (cpu_now_ns() - watch_cpu_ns) / 1000000;
	/* the daemon cannot have been busy longer than it ran: the rest of
	 * the lateness, the machine gave others (a loaded machine, or our
	 * own children) */
	int64_t busy = ran < late ? ran : late;

	(void)fd;
	(void)what;
	(void)arg;
	if (late > stall_max_ms)
		stall_max_ms = late;
	if (busy > busy_max_ms)
		busy_max_ms = busy;
	if (late >= LOOPWATCH_STALL_MS) {
		stall_count++;
		log_warn("the loop stalled %lld ms (the daemon ran %lld ms of the last "
		         "%lld; longest so far %lld ms)",
		         (long long)late, (long long)ran,
		         (long long)(late + LOOPWATCH_PERIOD_MS), (long long)stall_max_ms);
	}
	watch_arm();
}

void liveness_start(void)
{
	int ms = beat_interval_ms();
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	if (beat_ev != NULL)
		return;
	beat_ev = event_new(pvmd.base, -1, EV_PERSIST, beat_cb, NULL);
	watch_ev = evtimer_new(pvmd.base, watch_cb, NULL);
	if (beat_ev == NULL || watch_ev == NULL || event_add(beat_ev, &tv) != 0) {
		log_error("cannot start the heartbeats");
		return;
	}
	beat_last_ms = clock_now_ms();
	watch_arm();
}

static int32_t clamp32(int64_t v)
{
	return (int32_t)(v > INT32_MAX ? INT32_MAX : v);
}

void liveness_stalls(int32_t *longest_ms, int32_t *busy_ms, int32_t *count)
{
	*longest_ms = clamp32(stall_max_ms);
	*busy_ms = clamp32(busy_max_ms);
	*count = clamp32(stall_count);
}

void liveness_free_all(void)
{
	if (watch_ev != NULL) {
		log_info("the loop's longest stall: %lld ms, busy at most %lld ms (%u of "
		         "%d ms or more)",
		         (long long)stall_max_ms, (long long)busy_max_ms, stall_count,
		         LOOPWATCH_STALL_MS);
		event_free(watch_ev);
	}
	if (beat_ev != NULL)
		event_free(beat_ev);
	watch_ev = beat_ev = NULL;
}

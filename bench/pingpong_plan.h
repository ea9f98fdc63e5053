/*
 * pingpong_plan.h - what bench/pingpong.c (PVM) and bench/mpi_pingpong.c
 * (MPI) measure, shared so that both run the same schedule: message
 * sizes, warm-ups, windows, time budgets, and the result lines the
 * scripts read (bench/run-direct.sh).
 */
#ifndef PINGPONG_PLAN_H
#define PINGPONG_PLAN_H

#include <stdio.h>
#include <time.h>

/* The largest message, and the most bytes one streaming window holds. */
#define PLAN_MAX_BYTES (4 << 20)
#define PLAN_MAX_WINDOW_BYTES (16 << 20)

/* A size's timed loop runs PLAN_MAX_ITERS times, or stops once it has
 * spent PLAN_BUDGET_S and done PLAN_MIN_ITERS: fast routes get many
 * samples, slow ones finish. */
#define PLAN_MAX_ITERS 100000
#define PLAN_MIN_ITERS 10
#define PLAN_BUDGET_S 0.5

/* Ping-pong: 1 B to 4 MiB, powers of 4. */
static const int plan_pingpong_sizes[] = {
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20,
};
/* Streaming: a window of back-to-back sends, then one ack from the
 * receiver; 1 KiB to 4 MiB. */
static const int plan_stream_sizes[] = {
    1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20,
};
/* Message rate: streaming at this size, counted in messages. */
#define PLAN_RATE_BYTES 8

#define PLAN_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Seconds of 1-byte round trips before the first size (the PVM
 * program; route set-up, as MPI_Init's connections are before timing). */
#define PLAN_SETTLE_S 1.0

/* Warm-up round trips or windows before a size's timed loop. */
static inline int plan_warmup(int bytes)
{
	return bytes >= (1 << 20) ? 3 : bytes >= 65536 ? 10 : 100;
}

/* Messages in one streaming window: 64 (as osu_bw), fewer for large
 * messages so that a window holds at most PLAN_MAX_WINDOW_BYTES. */
static inline int plan_window(int bytes)
{
	int w = bytes > 0 ? PLAN_MAX_WINDOW_BYTES / bytes : 64;

	return w > 64 ? 64 : w < 1 ? 1 : w;
}

/* NetPIPE prints, per size, the best of its trials (each a mean over
 * its round trips); the programs here print the mean of the whole timed
 * loop.  So the loop is also cut into PLAN_TRIALS trials, the first ones
 * ending at equal fractions of PLAN_BUDGET_S from the loop's start and
 * the last one with the loop (early if PLAN_MAX_ITERS ends it), and the
 * best trial's mean is printed beside (best_half_rtt_us): the figure to
 * set beside NPtcp's.  Every iteration is in one trial, so the best is
 * never above the mean. */
#define PLAN_TRIALS 3

struct plan_trials {
	double t0;    /* the loop's start */
	double start; /* of the trial under way */
	int k0;       /* iterations before it */
	int n;        /* trials ended */
	double best;  /* seconds per iteration of the best trial, 0 none */
};

static inline void plan_trials_start(struct plan_trials *t, double now)
{
	t->t0 = t->start = now;
	t->k0 = 0;
	t->n = 0;
	t->best = 0;
}

/* After the k-th timed iteration (from 1) ended at now; last: it was the
 * loop's last. */
static inline void plan_trials_tick(struct plan_trials *t, int k, double now, int last)
{
	double per;

	if (!last && (t->n + 1 >= PLAN_TRIALS ||
	              now - t->t0 < (t->n + 1) * (PLAN_BUDGET_S / PLAN_TRIALS)))
		return;
	per = (now - t->start) / (k - t->k0);
	if (t->best == 0 || per < t->best)
		t->best = per;
	t->start = now;
	t->k0 = k;
	t->n++;
}

/* Seconds on the monotonic clock. */
static inline double plan_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs OP (one round trip, or one window and its ack, with peer) for its
 * warm-up, then its timed loop (the budget above, cut into trials): the
 * timed iterations in *iters, their seconds in *secs, the best trial's
 * seconds per iteration in *best; 0 or -1 (OP failed).  The PVM and the
 * raw-TCP programs share it (MPI's ranks decide together). */
static inline int plan_measure(int (*op)(int, char *, int, int), int peer, char *buf,
                               int len, int window, int *iters, double *secs,
                               double *best)
{
	struct plan_trials tr;
	double t0, now = 0;
	int k, last = 0;

	for (k = 0; k < plan_warmup(len); k++)
		if (op(peer, buf, len, window) < 0)
			return -1;
	t0 = plan_now_s();
	plan_trials_start(&tr, t0);
	for (k = 0; !last;) {
		if (op(peer, buf, len, window) < 0)
			return -1;
		k++;
		now = plan_now_s();
		last = k >= PLAN_MAX_ITERS || (k >= PLAN_MIN_ITERS && now - t0 > PLAN_BUDGET_S);
		plan_trials_tick(&tr, k, now, last);
	}
	*secs = now - t0;
	*iters = k;
	*best = tr.best;
	return 0;
}

/* The result lines, one per size:
 *   PINGPONG impl=I route=R bytes=N iters=K half_rtt_us=X mbps=Y best_half_rtt_us=Z
 *   STREAM impl=I route=R bytes=N window=W iters=K mbps=Y msgs_per_s=Z
 * (MSGRATE has STREAM's fields.)  mbps is 10^6 bytes per second: for
 * PINGPONG N bytes over half a round trip, for STREAM the bytes of all
 * windows over the time from the first send to the last ack. */
static inline void plan_print_pingpong(const char *impl, const char *route, int bytes,
                                       int iters, double secs, double best)
{
	double half = secs / iters / 2;

	printf("PINGPONG impl=%s route=%s bytes=%d iters=%d half_rtt_us=%.3f mbps=%.2f "
	       "best_half_rtt_us=%.3f\n",
	       impl, route, bytes, iters, half * 1e6, bytes / half / 1e6, best / 2 * 1e6);
	fflush(stdout);
}

static inline void plan_print_stream(const char *kind, const char *impl,
                                     const char *route, int bytes, int window, int iters,
                                     double secs)
{
	double msgs = (double)window * iters;

	printf("%s impl=%s route=%s bytes=%d window=%d iters=%d mbps=%.2f "
	       "msgs_per_s=%.0f\n",
	       kind, impl, route, bytes, window, iters, msgs * bytes / secs / 1e6,
	       msgs / secs);
	fflush(stdout);
}

#endif

/*
 * test_clockest.c - the clock offset estimator (daemon/clockest.c) fed
 * synthetic exchanges: symmetric and asymmetric delays, the peer's time
 * between receive and reply, the sliding window, a clock step, a
 * drifting clock, impossible times, and the bounded number of samples.
 */
#include "check.h"
#include "clockest.h"

/* One exchange with a peer whose clock is ours + offset: sent at t0 (our
 * clock), fwd_us on the way there, held hold_us, back_us on the way
 * back; taken at now_ms.  Returns clockest_add's result. */
static int exchange(struct clockest *e, int64_t offset, int64_t t0, int64_t fwd_us,
                    int64_t hold_us, int64_t back_us, int64_t now_ms)
{
	int64_t t1 = t0 + fwd_us + offset, t2 = t1 + hold_us, t3 = t2 - offset + back_us;

	return clockest_add(e, t0, t1, t2, t3, now_ms);
}

static int64_t absdiff(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

static void test_empty(void)
{
	struct clockest e = {0};
	int64_t off = 7, err = 7;

	CHECK_EQ("no samples: none", -1, clockest_get(&e, 1000, &off, &err));
	CHECK_EQ("no samples: offset untouched", 7, off);
}

static void test_symmetric(void)
{
	struct clockest e = {0};
	int64_t off, err;

	/* the peer holds the probe 300 ms: not part of the round trip */
	CHECK_EQ("symmetric: kept", 0,
	         exchange(&e, 5000, 1000000, 100, 300000, 100, 1000));
	CHECK_EQ("symmetric: an estimate", 0, clockest_get(&e, 1000, &off, &err));
	CHECK_EQ("symmetric: the offset", 5000, off);
	CHECK_EQ("symmetric: half the round trip + 1", 101, err);
	/* a negative offset the same */
	e.n = 0;
	exchange(&e, -123456, 2000000, 40, 5, 40, 2000);
	clockest_get(&e, 2000, &off, &err);
	CHECK_EQ("negative offset", -123456, off);
	CHECK_EQ("negative offset: its bound", 41, err);
}

static void test_asymmetric(void)
{
	struct clockest e = {0};
	int64_t off, err;

	/* 900 us there, 100 back: off by half the difference, within bound */
	exchange(&e, 5000, 1000000, 900, 50, 100, 1000);
	clockest_get(&e, 1000, &off, &err);
	CHECK_EQ("asymmetric: offset off by half the difference", 5400, off);
	CHECK_EQ("asymmetric: bound", 501, err);
	CHECK_EQ("asymmetric: the truth within the bound", 1, absdiff(off, 5000) <= err);
	/* a quick symmetric exchange a second later is the better one */
	exchange(&e, 5000, 2000000, 50, 50, 50, 2000);
	clockest_get(&e, 2000, &off, &err);
	CHECK_EQ("the smallest round trip chosen", 5000, off);
	CHECK_EQ("its bound", 51, err);
	/* later slow exchanges (a loaded link) do not displace it... */
	for (int i = 3; i <= 10; i++)
		exchange(&e, 5000, i * 1000000LL, 3000 + i * 10, 100, 200, i * 1000);
	clockest_get(&e, 10000, &off, &err);
	CHECK_EQ("slow samples: still the best", 5000, off);
	/* ...and its bound grows with its age (15 ppm of 8 s = 120 us) */
	CHECK_EQ("its bound grown by the drift allowance", 51 + 120, err);
	CHECK_EQ("samples kept", 10, e.n);
}

static void test_window(void)
{
	struct clockest e = {0};
	int64_t off, err;

	exchange(&e, 800, 1000000, 50, 10, 50, 0);         /* good, at 0 s */
	exchange(&e, 800, 11000000, 1500, 10, 500, 10000); /* worse, at 10 s */
	clockest_get(&e, 15000, &off, &err);
	CHECK_EQ("in the window: the good one", 800, off);
	CHECK_EQ("the good one's bound", 51 + 15000 * CLOCKEST_DRIFT_PPM / 1000, err);
	/* the good one leaves the window after 16 s */
	CHECK_EQ("window: still one", 0,
	         clockest_get(&e, CLOCKEST_WINDOW_MS + 1, &off, &err));
	CHECK_EQ("window: the good one gone, the newer chosen", 800 + 500, off);
	CHECK_EQ("window: the newer's bound",
	         1001 + (CLOCKEST_WINDOW_MS + 1 - 10000) * 15 / 1000, err);
	CHECK_EQ("window: none once all are older", -1,
	         clockest_get(&e, 10000 + CLOCKEST_WINDOW_MS + 1, &off, &err));
	/* a new sample drops those out of the window */
	exchange(&e, 800, 40000000, 60, 10, 60, 40000);
	CHECK_EQ("window: old samples dropped at the next", 1, e.n);
}

static void test_step(void)
{
	struct clockest e = {0};
	int64_t off, err;

	for (int i = 0; i < 5; i++)
		exchange(&e, 5000, i * 1000000LL, 50, 10, 50, i * 1000);
	/* the peer's clock is stepped by 10 ms: the next sample, slower
	 * than the old ones, is not consistent with them: they go */
	exchange(&e, 15000, 5000000, 900, 10, 1100, 5000);
	CHECK_EQ("step: the older samples dropped", 1, e.n);
	clockest_get(&e, 5000, &off, &err);
	CHECK_EQ("step: followed at once", 15000 - 100, off);
	CHECK_EQ("step: the truth within the bound", 1, absdiff(off, 15000) <= err);
	exchange(&e, 15000, 6000000, 50, 10, 50, 6000);
	clockest_get(&e, 6000, &off, &err);
	CHECK_EQ("step: then the best of the new", 15000, off);
	/* a step smaller than the bounds is not seen as one: the old
	 * samples stay and the truth is still within the bound chosen */
	exchange(&e, 15060, 7000000, 50, 10, 50, 7000);
	CHECK_EQ("small step: kept with the others", 3, e.n);
	clockest_get(&e, 7000, &off, &err);
	CHECK_EQ("small step: within the bound", 1, absdiff(off, 15060) <= err + 60);
}

/* A peer clock 10 ppm fast (within the drift allowance), the delays
 * varying: the estimate is always within its bound of the truth. */
static void test_drift(void)
{
	struct clockest e = {0};
	int bad = 0;

	for (int i = 0; i < 120; i++) {
		int64_t t0 = 1000000000LL + i * 1000000LL,
		        truth = 2000 + (t0 - 1000000000LL) / 100000;
		int64_t fwd = 40 + (i * 37) % 700, back = 40 + (i * 53) % 300, off, err;

		exchange(&e, truth, t0, fwd, (i * 11) % 1000, back, i * 1000);
		if (clockest_get(&e, i * 1000, &off, &err) != 0 ||
		    absdiff(off, truth) > err)
			bad++;
	}
	CHECK_EQ("drift: the truth always within the bound", 0, bad);
}

static void test_impossible(void)
{
	struct clockest e = {0};

	CHECK_EQ("reply before its probe", -1,
	         clockest_add(&e, 1000, 5000, 5100, 900, 0));
	CHECK_EQ("replied before received", -1,
	         clockest_add(&e, 1000, 5000, 4900, 2000, 0));
	CHECK_EQ("negative round trip", -1, clockest_add(&e, 1000, 5000, 6000, 1500, 0));
	CHECK_EQ("round trip too long", -1,
	         clockest_add(&e, 0, 0, 0, CLOCKEST_RTT_MAX_US + 1, 0));
	CHECK_EQ("none kept", 0, e.n);
}

static void test_bounded(void)
{
	struct clockest e = {0};
	int64_t off, err;

	for (int i = 0; i < 3 * CLOCKEST_SAMPLES; i++)
		exchange(&e, 300, i * 10000LL, 100 + i, 5, 100 + i, i * 10);
	CHECK_EQ("at most CLOCKEST_SAMPLES kept", CLOCKEST_SAMPLES, e.n);
	clockest_get(&e, 3 * CLOCKEST_SAMPLES * 10, &off, &err);
	CHECK_EQ("the oldest went first: the best kept is the oldest kept", 300, off);
	CHECK_EQ("its bound", 100 + 2 * CLOCKEST_SAMPLES + 1 + 0,
	         err - (CLOCKEST_SAMPLES * 10) * 15 / 1000);
}

int main(void)
{
	test_empty();
	test_symmetric();
	test_asymmetric();
	test_window();
	test_step();
	test_drift();
	test_impossible();
	test_bounded();
	if (failures == 0)
		printf("test_clockest: all passed\n");
	return failures != 0;
}

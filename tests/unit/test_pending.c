/*
 * test_pending.c - the daemon's table of waiting requests (daemon/pending.c)
 * alone: adding, finding, answering, and every way a wait is cancelled
 * (requester gone, its host gone, the host waited on gone, a deadline,
 * shutdown), including cancel callbacks that end other waits.
 */
#include "check.h"
#include "pending.h"
#include "tid.h"

#include <event2/event.h>
#include <stdlib.h>

/* What the cancel callbacks saw. */
struct seen {
	int calls;
	enum pending_why why;
	struct reply_addr to;
	int host;
	struct pending *also_end; /* ended by the callback (pending_done) */
	struct pending **added;   /* set: the callback adds a wait here */
};

static void on_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->why = why;
	s->to = p->to;
	s->host = p->host;
	if (s->also_end != NULL) {
		pending_done(s->also_end);
		s->also_end = NULL;
	}
	if (s->added != NULL) {
		struct reply_addr to = p->to;

		*s->added = pending_add(PENDING_TEST, &to, p->host, 0, NULL, NULL);
		s->added = NULL;
	}
}

static struct reply_addr addr(int host, int local, uint32_t seq)
{
	struct reply_addr a = {tid_make(host, local), seq};

	return a;
}

static void test_add_find_done(void)
{
	struct seen s = {0};
	struct reply_addr a = addr(1, 5, 7), b = addr(2, 5, 7);
	struct pending *p = pending_add(PENDING_TEST, &a, 3, 0, on_cancel, &s);
	struct pending *q = pending_add(PENDING_TEST, &b, 3, 0, on_cancel, &s);

	CHECK_EQ("added", 1, p != NULL && q != NULL);
	CHECK_EQ("ids differ", 1, p->id != q->id && p->id != 0);
	CHECK_EQ("find by tid and seq", 1, pending_find(PENDING_TEST, a.tid, 7) == p);
	CHECK_EQ("find: another seq", 1, pending_find(PENDING_TEST, a.tid, 8) == NULL);
	CHECK_EQ("find: another kind", 1, pending_find(PENDING_RELAY, a.tid, 7) == NULL);
	CHECK_EQ("find by id", 1, pending_find_id(PENDING_TEST, q->id) == q);
	CHECK_EQ("iterate: first", 1, pending_next(PENDING_TEST, NULL) == p);
	CHECK_EQ("iterate: second", 1, pending_next(PENDING_TEST, p) == q);
	CHECK_EQ("iterate: end", 1, pending_next(PENDING_TEST, q) == NULL);
	CHECK_EQ("count", 2, pending_count(PENDING_TEST));
	pending_done(p);
	CHECK_EQ("done: gone", 1, pending_find(PENDING_TEST, a.tid, 7) == NULL);
	CHECK_EQ("done: no cancel", 0, s.calls);
	pending_done(q);
	CHECK_EQ("empty", 0, pending_count(PENDING_NKINDS));
}

static void test_task_gone(void)
{
	struct seen s1 = {0}, s2 = {0}, s3 = {0};
	struct reply_addr a = addr(1, 5, 1), a2 = addr(1, 5, 2), b = addr(1, 6, 1);

	pending_add(PENDING_TEST, &a, 0, 0, on_cancel, &s1);
	pending_add(PENDING_TEST, &a2, 0, 0, on_cancel, &s2);
	pending_add(PENDING_TEST, &b, 0, 0, on_cancel, &s3);
	pending_task_gone(a.tid);
	CHECK_EQ("task gone: its first wait", 1, s1.calls);
	CHECK_EQ("task gone: its second wait", 1, s2.calls);
	CHECK_EQ("task gone: why", PENDING_REQUESTER_GONE, s1.why);
	CHECK_EQ("task gone: seq as asked", 2, s2.to.seq);
	CHECK_EQ("task gone: another task's stays", 0, s3.calls);
	CHECK_EQ("one left", 1, pending_count(PENDING_TEST));
	pending_task_gone(b.tid);
	CHECK_EQ("task gone: the other", 1, s3.calls);
	CHECK_EQ("empty", 0, pending_count(PENDING_NKINDS));
}

/* A kind that is not cancelled by its requester's exit stays. */
static void test_kind_mask(void)
{
	struct seen s = {0};
	struct reply_addr a = addr(1, 9, 1);
	struct pending *p = pending_add(PENDING_SPAWN_SHARE, &a, 4, 0, on_cancel, &s);

	pending_task_gone(a.tid);
	CHECK_EQ("spawn share: requester gone does not cancel", 0, s.calls);
	pending_host_gone(1);
	CHECK_EQ("spawn share: requester's host gone does not cancel", 0, s.calls);
	pending_host_gone(4);
	CHECK_EQ("spawn share: its host gone cancels", 1, s.calls);
	CHECK_EQ("spawn share: why", PENDING_HOST_GONE, s.why);
	CHECK_EQ("spawn share: host", 4, s.host);
	(void)p;
	CHECK_EQ("empty", 0, pending_count(PENDING_NKINDS));
}

static void test_host_gone(void)
{
	struct seen on = {0}, from = {0}, other = {0};
	struct reply_addr a = addr(1, 5, 1), b = addr(3, 5, 1), c = addr(1, 6, 1);

	pending_add(PENDING_TEST, &a, 3, 0, on_cancel, &on);   /* waits on host 3 */
	pending_add(PENDING_TEST, &b, 2, 0, on_cancel, &from); /* asked from host 3 */
	pending_add(PENDING_TEST, &c, 2, 0, on_cancel, &other);
	pending_host_gone(3);
	CHECK_EQ("host gone: a wait on it", 1, on.calls);
	CHECK_EQ("host gone: why", PENDING_HOST_GONE, on.why);
	CHECK_EQ("host gone: a wait one of its tasks asked for", 1, from.calls);
	CHECK_EQ("host gone: why (requester)", PENDING_REQUESTER_GONE, from.why);
	CHECK_EQ("host gone: others stay", 0, other.calls);
	pending_host_gone(2);
	CHECK_EQ("host 2 gone", 1, other.calls);
	CHECK_EQ("empty", 0, pending_count(PENDING_NKINDS));
}

/* A callback that ends the next wait, and one that adds a wait that the
 * same cancellation would match: neither is cancelled by it. */
static void test_callback_changes_table(void)
{
	struct seen s1 = {0}, s2 = {0}, s3 = {0};
	struct reply_addr a = addr(1, 5, 1), a2 = addr(1, 5, 2), a3 = addr(1, 5, 3);
	struct pending *p2, *added = NULL;

	pending_add(PENDING_TEST, &a, 0, 0, on_cancel, &s1);
	p2 = pending_add(PENDING_TEST, &a2, 0, 0, on_cancel, &s2);
	pending_add(PENDING_TEST, &a3, 0, 0, on_cancel, &s3);
	s1.also_end = p2;
	s3.added = &added;
	pending_task_gone(a.tid);
	CHECK_EQ("first cancelled", 1, s1.calls);
	CHECK_EQ("second ended by the first's callback, not cancelled", 0, s2.calls);
	CHECK_EQ("third cancelled", 1, s3.calls);
	CHECK_EQ("the wait added meanwhile stays", 1,
	         added != NULL && pending_count(PENDING_TEST) == 1);
	pending_done(added);
	CHECK_EQ("empty", 0, pending_count(PENDING_NKINDS));
}

static void stop_loop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static void test_deadline(void)
{
	struct event_base *base = event_base_new();
	struct seen fast = {0}, slow = {0}, done = {0};
	struct reply_addr a = addr(1, 5, 1), b = addr(1, 5, 2), c = addr(1, 5, 3);
	struct timeval stop = {0, 300000};
	struct event *guard;
	struct pending *d;
	int64_t t0;

	pending_init(base);
	guard = evtimer_new(base, stop_loop, base);
	evtimer_add(guard, &stop);
	pending_add(PENDING_TEST, &a, 0, 50, on_cancel, &fast);
	pending_add(PENDING_TEST, &b, 0, 10000, on_cancel, &slow);
	d = pending_add(PENDING_TEST, &c, 0, 50, on_cancel, &done);
	pending_done(d); /* answered in time: its timer must not fire */
	t0 = check_now_ms();
	event_base_dispatch(base);
	CHECK_EQ("deadline: fired", 1, fast.calls);
	CHECK_EQ("deadline: why", PENDING_DEADLINE, fast.why);
	CHECK_EQ("deadline: not early", 1, check_now_ms() - t0 >= 45);
	CHECK_EQ("deadline: the later one waits", 0, slow.calls);
	CHECK_EQ("deadline: an answered one never fires", 0, done.calls);
	pending_free_all();
	CHECK_EQ("shutdown: cancels the rest", 1, slow.calls);
	CHECK_EQ("shutdown: why", PENDING_SHUTDOWN, slow.why);
	CHECK_EQ("empty", 0, pending_count(PENDING_NKINDS));
	event_free(guard);
	pending_init(NULL);
	event_base_free(base);
}

/* Without a base, a deadline cannot be kept: the add fails, nothing is
 * left behind. */
static void test_deadline_without_base(void)
{
	struct reply_addr a = addr(1, 5, 1);

	CHECK_EQ("no base: refused", 1,
	         pending_add(PENDING_TEST, &a, 0, 10, on_cancel, NULL) == NULL);
	CHECK_EQ("no base: nothing added", 0, pending_count(PENDING_NKINDS));
}

int main(void)
{
	test_add_find_done();
	test_task_gone();
	test_kind_mask();
	test_host_gone();
	test_callback_changes_table();
	test_deadline();
	test_deadline_without_base();
	if (failures == 0)
		printf("test_pending: all passed\n");
	return failures != 0;
}

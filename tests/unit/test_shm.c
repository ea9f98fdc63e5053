/*
 * test_shm.c - the shared-memory transport (libpvm/shm_*.c): regions made,
 * checked and removed; slots claimed, released and reclaimed; a parent and
 * a forked child exchanging thousands of messages of 0 B - 4 MiB through
 * the copy, CMA and chunked paths, verified byte by byte and in order;
 * back-pressure; a sleeping receiver woken; a sender killed mid-stream;
 * a scribbled ring; nothing left behind in /dev/shm or the socket dir.
 */
#include "shm.h"
#include "shm_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "check.h"

#define MIB (1024u * 1024u)
#define MAX_SIZE (4u * MIB)

static char tmpdir[64];
static pid_t main_pid;
static int seq_names;
static uint8_t *pattern; /* payload source: 2 * MAX_SIZE bytes, made before any fork */

/* --- helpers ------------------------------------------------------------ */

struct task {
	char region[64];
	char bell[128];
	int32_t tid;
	struct shm_ep *ep;
};

static void task_make(struct task *t, int32_t tid, uint32_t nslots, size_t ring)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	snprintf(t->region, sizeof(t->region), "/pvmx.test.%d.%d", (int)main_pid,
	         seq_names);
	snprintf(t->bell, sizeof(t->bell), "%s/bell.%d", tmpdir, seq_names);
	seq_names++;
	r = shm_region_create(t->region, tid, nslots, ring);
	CHECK_EQ("shm_region_create", SHM_OK, r);
}

static void task_open(struct task *t)
{
	int r = shm_ep_open(t->region, t->tid, t->bell, &t->ep);

	CHECK_EQ("shm_ep_open", SHM_OK, r);
	if (r != SHM_OK) {
		fprintf(stderr, "  region %s: %s\n", t->region, shm_strerror(r));
		exit(2);
	}
}

static void task_close(struct task *t)
{
	shm_ep_close(t->ep);
	t->ep = NULL;
}

static void task_unlink(struct task *t)
{
	CHECK_EQ("shm_region_unlink", SHM_OK, shm_region_unlink(t->region));
}

static int64_t cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to ms for child pid; kills it after that.  Its exit status,
 * or -1 when it did not exit by itself. */
static int reap(pid_t pid, int ms)
{
	int64_t end = check_now_ms() + ms;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0) {
			fprintf(stderr, "waitpid %d: %s\n", (int)pid, strerror(errno));
			return -1;
		}
		if (check_now_ms() > end) {
			fprintf(stderr, "child %d still running after %d ms: killed\n",
			        (int)pid, ms);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(2000);
	}
}

static pid_t fork_child(void)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0)
		alarm(40); /* never outlive the test */
	return pid;
}

/* Child: ends with the number of failures as status; exit(), not
 * _exit(), so that the leak checker looks at the child too. */
static void child_exit(void)
{
	free(pattern);
	exit(failures > 255 ? 255 : failures);
}

static int wait_byte(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char b;

	if (poll(&p, 1, ms) != 1 || read(fd, &b, 1) != 1)
		return -1;
	return b;
}

static void put_byte(int fd, char b)
{
	if (write(fd, &b, 1) != 1)
		perror("write");
}

/* --- messages: a header naming the sequence number, size and seed, and a
 * payload regenerated from the seed to verify it --------------------- */

struct test_hdr {
	uint32_t magic;
	uint32_t seq;
	uint64_t size;
	uint64_t seed;
	uint64_t spare;
};

#define TEST_MAGIC 0x54534d48u

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Payloads are windows of one random pattern, at an offset chosen by
 * the message's seed: cheap to make and check (memcpy, memcmp, even
 * under ASan), and a byte misplaced or taken from another message shows. */

static void pattern_make(void)
{
	uint64_t s = 12345;
	size_t i;

	pattern = malloc(2 * MAX_SIZE);
	if (pattern == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	for (i = 0; i < 2 * MAX_SIZE; i += 8) {
		uint64_t v = splitmix(&s);

		memcpy(pattern + i, &v, 8);
	}
}

static const uint8_t *pattern_at(uint64_t seed)
{
	return pattern + (seed * 2654435761u) % MAX_SIZE;
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	if (n > 0)
		memcpy(p, pattern_at(seed), n);
}

/* Index of the first wrong byte, or n. */
static size_t verify(const uint8_t *p, size_t n, uint64_t seed)
{
	const uint8_t *want = pattern_at(seed);
	size_t i;

	if (n == 0 || memcmp(p, want, n) == 0)
		return n;
	for (i = 0; p[i] == want[i]; i++)
		;
	return i;
}

/* Log-uniform over 0 B - 4 MiB, with 0 and exactly 4 MiB now and then. */
static size_t random_size(uint64_t *rng)
{
	uint64_t r = splitmix(rng);
	unsigned e = (unsigned)(r % 24);

	if (e == 23)
		return MAX_SIZE;
	return (size_t)((r >> 8) % ((uint64_t)1 << e));
}

struct out_msg {
	struct test_hdr h;
	uint8_t *buf;
	int ready;
};

static void make_msg(struct out_msg *m, uint32_t seq, size_t size, uint64_t stream)
{
	m->h.magic = TEST_MAGIC;
	m->h.seq = seq;
	m->h.size = size;
	m->h.seed = stream * 1000003u + seq;
	m->h.spare = 0;
	m->buf = size > 0 ? malloc(size) : NULL;
	if (size > 0 && m->buf == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	fill(m->buf, size, m->h.seed);
	m->ready = 1;
}

/* Sends m split into up to three iovecs (gather); see shm_peer_send. */
static int send_msg(struct shm_peer *p, struct out_msg *m)
{
	struct iovec iov[3];
	size_t a = m->h.size / 3, b = m->h.size / 2;

	/* an empty message has no buffer: no offset from NULL */
	iov[0].iov_base = m->buf;
	iov[0].iov_len = a;
	iov[1].iov_base = m->buf != NULL ? m->buf + a : NULL;
	iov[1].iov_len = b - a;
	iov[2].iov_base = m->buf != NULL ? m->buf + b : NULL;
	iov[2].iov_len = m->h.size - b;
	return shm_peer_send(p, &m->h, sizeof(m->h), iov, 3);
}

/* Checks one received message against the stream's expected next one. */
static int check_msg(const char *what, const struct shm_msg *m, uint32_t want_seq,
                     uint64_t stream)
{
	struct test_hdr h;
	size_t bad;

	if (m->hdr_len != sizeof(h)) {
		fprintf(stderr, "%s: header of %zu bytes, expected %zu\n", what,
		        m->hdr_len, sizeof(h));
		failures++;
		return 0;
	}
	memcpy(&h, m->hdr, sizeof(h));
	if (h.magic != TEST_MAGIC || h.seq != want_seq || h.size != m->len ||
	    h.seed != stream * 1000003u + want_seq) {
		fprintf(
		    stderr,
		    "%s: got seq %u (size %llu, len %zu, magic %x), expected seq %u\n",
		    what, h.seq, (unsigned long long)h.size, m->len, h.magic, want_seq);
		failures++;
		return 0;
	}
	bad = verify(m->payload, m->len, h.seed);
	if (bad != m->len) {
		fprintf(stderr, "%s: seq %u (%zu bytes): wrong byte at %zu\n", what,
		        h.seq, m->len, bad);
		failures++;
		return 0;
	}
	return 1;
}

/* how many idle waits between looks at whether the peer still lives */
#define IDLE_CHECK 64

/* One side of a two-way stream: sends nsend messages of random sizes on
 * peer and receives nrecv from ep, until both are done or the deadline. */
static void run_stream(const char *who, struct shm_ep *ep, struct shm_peer *peer,
                       uint64_t my_stream, uint64_t their_stream, uint32_t n,
                       int64_t deadline)
{
	uint64_t rng = my_stream;
	struct out_msg cur = {0};
	uint32_t sent = 0, got = 0, large = 0;
	int busy = 0, r, idle = 0, gone = 0;

	while (sent < n || got < n || busy) {
		struct shm_msg m;
		int progress = 0;

		if (busy) {
			r = shm_peer_test(peer);
			if (r == SHM_OK) {
				free(cur.buf);
				cur.buf = NULL;
				cur.ready = busy = 0;
				sent++;
				progress = 1;
			} else if (r != SHM_INPROGRESS) {
				fprintf(stderr, "%s: test seq %u: %s\n", who, sent,
				        shm_strerror(r));
				failures++;
				break;
			}
		} else if (sent < n) {
			if (!cur.ready) {
				make_msg(&cur, sent, random_size(&rng), my_stream);
				large += cur.h.size + sizeof(cur.h) > SHM_DEFAULT_EAGER;
			}
			r = send_msg(peer, &cur);
			if (r == SHM_OK) {
				free(cur.buf);
				cur.buf = NULL;
				cur.ready = 0;
				sent++;
				progress = 1;
			} else if (r == SHM_INPROGRESS) {
				busy = 1;
				progress = 1;
			} else if (r != SHM_AGAIN) {
				fprintf(stderr, "%s: send seq %u: %s\n", who, sent,
				        shm_strerror(r));
				failures++;
				break;
			}
		}
		while ((r = shm_ep_recv(ep, &m)) == 1) {
			char what[64];

			snprintf(what, sizeof(what), "%s receive", who);
			if (!check_msg(what, &m, got, their_stream)) {
				free(m.payload);
				r = 0;
				sent = got = n; /* stop */
				busy = 0;
				break;
			}
			got++;
			free(m.payload);
			progress = 1;
		}
		if (r < 0) {
			fprintf(stderr, "%s: recv: %s\n", who, shm_strerror(r));
			failures++;
			break;
		}
		if (check_now_ms() > deadline) {
			fprintf(stderr, "%s: deadline: sent %u got %u of %u (busy %d)\n",
			        who, sent, got, n, busy);
			failures++;
			break;
		}
		if (!progress) {
			struct shm_peer *pp = peer;

			if (gone) {
				fprintf(stderr, "%s: peer died\n", who);
				failures++;
				break;
			}
			shm_wait(ep, &pp, 1, NULL, 0, 200);
			/* what it sent before it went is still in our ring: one
			 * more pass reads it (this wait's wake-up may be for its
			 * last records) */
			if (++idle % IDLE_CHECK == 0 && !shm_peer_alive(peer))
				gone = 1;
		}
	}
	free(cur.buf);
	printf("  %s: sent %u (%u past the eager limit), received %u\n", who, sent, large,
	       got);
}

/* Drops CAP_SYS_PTRACE (root reads anyone's memory with it), so that a
 * non-dumpable peer refuses process_vm_readv as it does for users. */
static int drop_ptrace_cap(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].effective &= ~(1u << CAP_SYS_PTRACE);
	d[0].permitted &= ~(1u << CAP_SYS_PTRACE);
	d[0].inheritable &= ~(1u << CAP_SYS_PTRACE);
	return (int)syscall(SYS_capset, &h, d);
}

enum exchange_mode { EX_CMA, EX_CHUNKED, EX_EPERM };

/* One end of an exchange, in a child: opens its region and a peer to the
 * other's, then streams. */
static void exchange_end(const char *who, struct task *self, const struct task *other,
                         enum exchange_mode mode, int first, uint32_t n, int64_t deadline)
{
	struct shm_peer *peer = NULL;

	/* the receiver that cannot read: no capability, a non-dumpable peer */
	if (mode == EX_EPERM && first && drop_ptrace_cap() < 0)
		perror("capset");
	if (mode == EX_EPERM && !first)
		prctl(PR_SET_DUMPABLE, 0);
	task_open(self);
	CHECK_EQ("peer open", SHM_OK, shm_peer_open(self->ep, other->region, &peer));
	if (peer != NULL) {
		if (mode == EX_CHUNKED)
			shm_peer_set_cma(peer, 0);
		run_stream(who, self->ep, peer, first ? 1 : 2, first ? 2 : 1, n,
		           deadline);
		shm_peer_close(peer);
	}
	task_close(self);
	child_exit();
}

/* Two children each send n messages to the other at once. */
static void test_exchange(enum exchange_mode mode, uint32_t n, size_t ring)
{
	static const char *const names[] = {"cma", "chunked", "eperm fallback"};
	struct task a, b;
	int64_t start = check_now_ms();
	pid_t pa, pb;

	task_make(&a, 0x40001, 4, ring);
	task_make(&b, 0x40002, 4, ring);
	pa = fork_child();
	if (pa == 0)
		exchange_end("first", &a, &b, mode, 1, n, start + 30000);
	pb = fork_child();
	if (pb == 0)
		exchange_end("second", &b, &a, mode, 0, n, start + 30000);
	CHECK_EQ("first child's failures", 0, reap(pa, 35000));
	CHECK_EQ("second child's failures", 0, reap(pb, 35000));
	task_unlink(&a);
	task_unlink(&b);
	printf("exchange (%s): %u messages each way in %lld ms\n", names[mode], n,
	       (long long)(check_now_ms() - start));
}

/* The EPERM fallback needs a reader that truly cannot read: lose the
 * capability in a child and try on a non-dumpable grandchild. */
static int eperm_possible(void)
{
	pid_t pid = fork_child();
	int st;

	if (pid == 0) {
		int fds[2];
		pid_t g;
		char buf[8] = "", b = 0;
		struct iovec l = {buf, 1}, rv = {buf, 1};
		ssize_t r;

		if (drop_ptrace_cap() < 0 || pipe(fds) < 0)
			_exit(1);
		g = fork();
		if (g == 0) {
			prctl(PR_SET_DUMPABLE, 0);
			put_byte(fds[1], 1);
			pause();
			_exit(0);
		}
		if (wait_byte(fds[0], 5000) < 0)
			b = 1;
		r = process_vm_readv(g, &l, 1, &rv, 1, 0);
		kill(g, SIGKILL);
		waitpid(g, &st, 0);
		_exit(b == 0 && r < 0 && errno == EPERM ? 0 : 1);
	}
	return reap(pid, 10000) == 0;
}

/* --- regions ------------------------------------------------------------ */

static void test_region_lifecycle(void)
{
	struct task t;
	struct shm_ep *ep = NULL;
	char path[128];
	struct stat st;

	task_make(&t, 7, 2, SHM_MIN_RING);
	snprintf(path, sizeof(path), "/dev/shm%s", t.region);
	CHECK_EQ("region file exists", 0, stat(path, &st));
	CHECK_EQ("mode 0600", 0600, st.st_mode & 0777);
	CHECK_EQ("size", (long long)shm_region_size(2, SHM_MIN_RING), st.st_size);
	CHECK_EQ("create twice", SHM_EEXIST,
	         shm_region_create(t.region, 7, 2, SHM_MIN_RING));
	CHECK_EQ("open as the wrong tid", SHM_EBADREGION,
	         shm_ep_open(t.region, 8, t.bell, &ep));
	CHECK_EQ("wrong tid leaves no handle", 1, ep == NULL);
	task_open(&t);
	CHECK_EQ("doorbell bound", 0, lstat(t.bell, &st));
	CHECK_EQ("doorbell is a socket", 1, S_ISSOCK(st.st_mode));
	CHECK_EQ("no slot used", 0, shm_ep_slots_used(t.ep));
	task_close(&t);
	CHECK_EQ("doorbell unlinked at close", -1, lstat(t.bell, &st));
	task_unlink(&t);
	CHECK_EQ("region file gone", -1, stat(path, &st));
	CHECK_EQ("unlink twice", SHM_ESYS, shm_region_unlink(t.region));
	CHECK_EQ("open after unlink", SHM_ESYS, shm_ep_open(t.region, 7, t.bell, &ep));

	CHECK_EQ("name without slash", SHM_EINVAL,
	         shm_region_create("pvmx.x", 1, 1, SHM_MIN_RING));
	CHECK_EQ("name with two slashes", SHM_EINVAL,
	         shm_region_create("/pvmx/x", 1, 1, SHM_MIN_RING));
	CHECK_EQ("no slots", SHM_EINVAL, shm_region_create(t.region, 1, 0, SHM_MIN_RING));
	CHECK_EQ("too many slots", SHM_EINVAL,
	         shm_region_create(t.region, 1, SHM_MAX_SLOTS + 1, SHM_MIN_RING));
	CHECK_EQ("ring not a power of two", SHM_EINVAL,
	         shm_region_create(t.region, 1, 1, 5000));
	CHECK_EQ("ring too small", SHM_EINVAL, shm_region_create(t.region, 1, 1, 2048));
	CHECK_EQ("tid 0", SHM_EINVAL, shm_region_create(t.region, 0, 1, SHM_MIN_RING));
	CHECK_EQ("bad names made nothing", -1, stat(path, &st));
}

/* Writes v at offset off of region name's file. */
static void poke(const char *name, off_t off, const void *v, size_t n)
{
	int fd = shm_open(name, O_RDWR, 0);

	if (fd < 0 || pwrite(fd, v, n, off) != (ssize_t)n)
		perror("poke");
	if (fd >= 0)
		close(fd);
}

static void expect_refused(const char *what, struct task *t)
{
	struct shm_ep *ep = NULL;
	int r = shm_ep_open(t->region, t->tid, t->bell, &ep);

	if (r != SHM_EBADREGION)
		fprintf(stderr, "damaged header (%s) accepted: %s\n", what,
		        shm_strerror(r));
	CHECK_EQ(what, SHM_EBADREGION, r);
	if (ep != NULL)
		shm_ep_close(ep);
}

static void expect_not_ready(const char *what, struct task *t)
{
	struct shm_ep *ep = NULL;
	int r;

	errno = 0;
	r = shm_ep_open(t->region, t->tid, t->bell, &ep);
	if (r != SHM_ESYS || errno != EAGAIN)
		fprintf(stderr, "region being made (%s): %s, errno %d\n", what,
		        shm_strerror(r), errno);
	CHECK_EQ(what, SHM_ESYS, r);
	CHECK_EQ(what, EAGAIN, errno);
	if (ep != NULL)
		shm_ep_close(ep);
}

static void test_region_damaged(void)
{
	struct task t;
	struct shm_region_hdr good;
	uint32_t u32;
	uint64_t u64;
	int fd;

	task_make(&t, 9, 2, SHM_MIN_RING);
	fd = shm_open(t.region, O_RDONLY, 0);
	CHECK_EQ("read header", (long long)sizeof(good),
	         pread(fd, &good, sizeof(good), 0));
	close(fd);

	u32 = 0x12345678;
	poke(t.region, offsetof(struct shm_region_hdr, magic), &u32, 4);
	expect_refused("wrong magic", &t);
	poke(t.region, 0, &good, sizeof(good));
	u32 = SHM_VERSION + 1;
	poke(t.region, offsetof(struct shm_region_hdr, version), &u32, 4);
	expect_refused("wrong version", &t);
	poke(t.region, 0, &good, sizeof(good));
	u32 = 0;
	poke(t.region, offsetof(struct shm_region_hdr, nslots), &u32, 4);
	expect_refused("no slots", &t);
	u32 = 3;
	poke(t.region, offsetof(struct shm_region_hdr, nslots), &u32, 4);
	expect_refused("more slots than the file holds", &t);
	poke(t.region, 0, &good, sizeof(good));
	u64 = 6000;
	poke(t.region, offsetof(struct shm_region_hdr, ring_bytes), &u64, 8);
	expect_refused("ring not a power of two", &t);
	poke(t.region, 0, &good, sizeof(good));
	u64 = good.total_bytes + 4096;
	poke(t.region, offsetof(struct shm_region_hdr, total_bytes), &u64, 8);
	expect_refused("total size", &t);
	poke(t.region, 0, &good, sizeof(good));
	u32 = 256;
	poke(t.region, offsetof(struct shm_region_hdr, slot_bytes), &u32, 4);
	task_open(&t); /* restored: accepted again */
	task_close(&t);

	fd = shm_open(t.region, O_RDWR, 0);
	CHECK_EQ("truncate", 0, ftruncate(fd, (off_t)good.total_bytes - 4096));
	close(fd);
	expect_refused("file shorter than the header says", &t);
	fd = shm_open(t.region, O_RDWR, 0);
	CHECK_EQ("truncate to 100", 0, ftruncate(fd, 100));
	close(fd);
	expect_refused("file shorter than a header", &t);
	/* a region its daemon is still making (created, not yet sized, or
	 * sized but not filled) is not damaged: "try later" (SHM_ESYS,
	 * EAGAIN), and the sender stays quiet */
	fd = shm_open(t.region, O_RDWR, 0);
	CHECK_EQ("truncate to 0", 0, ftruncate(fd, 0));
	close(fd);
	expect_not_ready("created, not sized", &t);
	fd = shm_open(t.region, O_RDWR, 0);
	CHECK_EQ("restore size", 0, ftruncate(fd, (off_t)good.total_bytes));
	close(fd);
	poke(t.region, 0, &good, sizeof(good));
	u32 = 0;
	poke(t.region, offsetof(struct shm_region_hdr, magic), &u32, 4);
	expect_not_ready("sized, not filled", &t);
	poke(t.region, 0, &good, sizeof(good));
	fd = shm_open(t.region, O_RDWR, 0);
	CHECK_EQ("open to others", 0, fchmod(fd, 0644));
	close(fd);
	expect_refused("mode 0644", &t);
	task_unlink(&t);
}

/* --- slots -------------------------------------------------------------- */

static int send_small(struct shm_peer *p, uint32_t seq, uint64_t stream, size_t size)
{
	struct out_msg m;
	int r;

	make_msg(&m, seq, size, stream);
	r = send_msg(p, &m);
	free(m.buf);
	return r;
}

static void test_slots(void)
{
	struct task target, s[5], child;
	struct shm_peer *p[5] = {0}, *again = NULL;
	struct shm_msg m;
	int k, fds[2];
	pid_t pid;
	uint32_t freed;

	task_make(&target, 100, 4, SHM_MIN_RING);
	task_open(&target);
	for (k = 0; k < 5; k++) {
		task_make(&s[k], 101 + k, 1, SHM_MIN_RING);
		task_open(&s[k]);
	}
	for (k = 0; k < 4; k++) {
		CHECK_EQ("claim", SHM_OK, shm_peer_open(s[k].ep, target.region, &p[k]));
		if (p[k] != NULL)
			CHECK_EQ("slots in order", k, shm_peer_slot(p[k]));
	}
	CHECK_EQ("claim when full", SHM_FULL,
	         shm_peer_open(s[4].ep, target.region, &p[4]));
	CHECK_EQ("open twice", SHM_EINVAL, shm_peer_open(s[0].ep, target.region, &again));
	CHECK_EQ("slots used", 4, shm_ep_slots_used(target.ep));

	/* released with a message in it: it waits for the receiver */
	CHECK_EQ("send before release", SHM_OK, send_small(p[1], 0, 11, 100));
	freed = shm_peer_slot(p[1]);
	shm_peer_close(p[1]);
	p[1] = NULL;
	CHECK_EQ("released slot not yet free", SHM_FULL,
	         shm_peer_open(s[4].ep, target.region, &p[4]));
	/* the releaser comes back before the receiver drained: same slot */
	CHECK_EQ("reclaim own released slot", SHM_OK,
	         shm_peer_open(s[1].ep, target.region, &p[1]));
	if (p[1] != NULL) {
		CHECK_EQ("same slot again", freed, shm_peer_slot(p[1]));
		CHECK_EQ("send after reopen", SHM_OK, send_small(p[1], 1, 11, 200));
		shm_peer_close(p[1]);
		p[1] = NULL;
	}
	CHECK_EQ("first message", 1, shm_ep_recv(target.ep, &m));
	check_msg("before release", &m, 0, 11);
	free(m.payload);
	CHECK_EQ("second message", 1, shm_ep_recv(target.ep, &m));
	check_msg("after reopen", &m, 1, 11);
	free(m.payload);
	CHECK_EQ("drained: frees the slot", 0, shm_ep_recv(target.ep, &m));
	CHECK_EQ("slots used after free", 3, shm_ep_slots_used(target.ep));
	CHECK_EQ("claim the freed slot", SHM_OK,
	         shm_peer_open(s[4].ep, target.region, &p[4]));
	if (p[4] != NULL)
		CHECK_EQ("freed slot reused", freed, shm_peer_slot(p[4]));
	CHECK_EQ("a fresh slot starts empty", 0, shm_ep_recv(target.ep, &m));

	/* a sender that dies without releasing: reclaimed once it is gone */
	shm_peer_close(p[3]);
	p[3] = NULL;
	shm_ep_recv(target.ep, &m); /* frees it */
	task_make(&child, 200, 1, SHM_MIN_RING);
	if (pipe(fds) < 0)
		exit(2);
	pid = fork_child();
	if (pid == 0) {
		struct shm_peer *cp = NULL;

		task_open(&child);
		CHECK_EQ("child claim", SHM_OK,
		         shm_peer_open(child.ep, target.region, &cp));
		for (k = 0; k < 3 && cp != NULL; k++)
			CHECK_EQ("child send", SHM_OK,
			         send_small(cp, (uint32_t)k, 22, 50));
		put_byte(fds[1], 1);
		_exit(failures); /* no release, no close: as if killed */
	}
	CHECK_EQ("child sent", 1, wait_byte(fds[0], 10000));
	CHECK_EQ("a live (or unreaped) owner is not reclaimed", 0,
	         shm_ep_reclaim(target.ep, 0, 0));
	CHECK_EQ("child status", 0, reap(pid, 10000));
	CHECK_EQ("slots used with the dead one", 4, shm_ep_slots_used(target.ep));
	CHECK_EQ("only the given tid", 0, shm_ep_reclaim(target.ep, 999, 0));
	CHECK_EQ("reclaim the dead owner", 1, shm_ep_reclaim(target.ep, 200, 0));
	for (k = 0; k < 3; k++) {
		CHECK_EQ("dead sender's message", 1, shm_ep_recv(target.ep, &m));
		check_msg("dead sender's", &m, (uint32_t)k, 22);
		CHECK_EQ("src is the dead tid", 200, m.src);
		free(m.payload);
	}
	CHECK_EQ("nothing more", 0, shm_ep_recv(target.ep, &m));
	CHECK_EQ("dead slot freed", 3, shm_ep_slots_used(target.ep));
	close(fds[0]);
	close(fds[1]);
	unlink(child.bell); /* the dead child's doorbell, as the daemon would */
	task_unlink(&child);

	for (k = 0; k < 5; k++) {
		shm_peer_close(p[k]);
		task_close(&s[k]);
		task_unlink(&s[k]);
	}
	shm_ep_recv(target.ep, &m);
	CHECK_EQ("all slots freed", 0, shm_ep_slots_used(target.ep));
	task_close(&target);
	task_unlink(&target);
}

/* --- back-pressure and bounds ------------------------------------------- */

static void test_backpressure(void)
{
	struct task r, s;
	struct shm_peer *p = NULL;
	struct shm_msg m;
	uint32_t n = 0, k;
	size_t rec = SHM_REC_HEADER + SHM_REC_ALIGN(sizeof(struct test_hdr) + 100);
	struct out_msg big;
	int st;

	task_make(&r, 300, 1, SHM_MIN_RING);
	task_make(&s, 301, 1, SHM_MIN_RING);
	task_open(&r);
	task_open(&s);
	CHECK_EQ("claim", SHM_OK, shm_peer_open(s.ep, r.region, &p));
	if (p == NULL)
		return;
	while (n < 1000 && (st = send_small(p, n, 33, 100)) == SHM_OK)
		n++;
	CHECK_EQ("full ring says again", SHM_AGAIN, st);
	CHECK_EQ("messages that fit", (long long)(SHM_MIN_RING / rec), n);
	CHECK_EQ("still again", SHM_AGAIN, send_small(p, n, 33, 100));
	CHECK_EQ("receive one", 1, shm_ep_recv(r.ep, &m));
	check_msg("first", &m, 0, 33);
	free(m.payload);
	CHECK_EQ("room for one more", SHM_OK, send_small(p, n, 33, 100));
	n++;
	CHECK_EQ("full again", SHM_AGAIN, send_small(p, n, 33, 100));
	for (k = 1; k < n; k++) {
		CHECK_EQ("drain", 1, shm_ep_recv(r.ep, &m));
		check_msg("drain", &m, k, 33);
		free(m.payload);
	}
	CHECK_EQ("empty", 0, shm_ep_recv(r.ep, &m));
	CHECK_EQ("not pending", 0, shm_ep_pending(r.ep));

	/* a large send holds the ring until read: smaller ones wait behind it */
	shm_peer_set_eager(p, 512);
	shm_peer_set_cma_min(p, 0);
	make_msg(&big, 0, 100000, 44);
	CHECK_EQ("large posted", SHM_INPROGRESS, send_msg(p, &big));
	CHECK_EQ("busy", 1, shm_peer_busy(p));
	CHECK_EQ("not read yet", SHM_INPROGRESS, shm_peer_test(p));
	CHECK_EQ("small waits behind it", SHM_AGAIN, send_small(p, 1, 44, 10));
	CHECK_EQ("pending", 1, shm_ep_pending(r.ep));
	CHECK_EQ("read by CMA", 1, shm_ep_recv(r.ep, &m));
	check_msg("large", &m, 0, 44);
	free(m.payload);
	CHECK_EQ("acknowledged", SHM_OK, shm_peer_test(p));
	CHECK_EQ("not busy", 0, shm_peer_busy(p));
	free(big.buf);
	CHECK_EQ("small goes now", SHM_OK, send_small(p, 1, 44, 10));
	CHECK_EQ("small arrives", 1, shm_ep_recv(r.ep, &m));
	check_msg("small after large", &m, 1, 44);
	free(m.payload);

	/* streamed through a 4 KiB ring: the sender advances as we drain */
	shm_peer_set_cma(p, 0);
	make_msg(&big, 2, 300000, 44);
	CHECK_EQ("stream posted", SHM_INPROGRESS, send_msg(p, &big));
	for (k = 0; k < 10000 && shm_peer_test(p) == SHM_INPROGRESS; k++)
		CHECK_EQ("nothing whole yet", 0, shm_ep_recv(r.ep, &m));
	CHECK_EQ("stream written", 0, shm_peer_busy(p));
	free(big.buf); /* the sender's memory is free once streamed */
	CHECK_EQ("streamed message", 1, shm_ep_recv(r.ep, &m));
	check_msg("streamed", &m, 2, 44);
	free(m.payload);

	/* up to the CMA minimum a large message is streamed too: the sender
	 * goes on before it is read */
	shm_peer_set_cma(p, 1);
	shm_peer_set_cma_min(p, 3000);
	make_msg(&big, 3, 2000, 44);
	CHECK_EQ("medium streamed at once", SHM_OK, send_msg(p, &big));
	CHECK_EQ("medium leaves the peer free", 0, shm_peer_busy(p));
	free(big.buf);
	CHECK_EQ("medium message", 1, shm_ep_recv(r.ep, &m));
	check_msg("medium", &m, 3, 44);
	free(m.payload);
	shm_peer_set_cma_min(p, 0);

	/* over the receiver's bound: refused before anything is written */
	shm_ep_set_max_msg(r.ep, 5000);
	make_msg(&big, 4, 6000, 44);
	CHECK_EQ("too big", SHM_ETOOBIG, send_msg(p, &big));
	free(big.buf);
	CHECK_EQ("nothing sent", 0, shm_ep_pending(r.ep));
	CHECK_EQ("bad header length", SHM_EINVAL,
	         shm_peer_send(p, &big, SHM_HDR_MAX + 1, NULL, 0));

	shm_peer_close(p);
	task_close(&s);
	task_unlink(&s);
	shm_ep_recv(r.ep, &m);
	CHECK_EQ("freed", 0, shm_ep_slots_used(r.ep));
	task_close(&r);
	task_unlink(&r);
}

/* The default bound between streamed and read large messages, and a
 * sender's wait for room that nobody makes: it spins a bounded time,
 * then sleeps (docs/shm.md, "Sleeping and waking"). */
static void test_default_bound(void)
{
	struct task r, s;
	struct shm_peer *p = NULL;
	struct shm_msg m;
	struct out_msg big;
	int64_t t0, c0;
	uint32_t n = 0;
	int st;

	task_make(&r, 350, 1, SHM_DEFAULT_RING);
	task_make(&s, 351, 1, SHM_DEFAULT_RING);
	task_open(&r);
	task_open(&s);
	CHECK_EQ("claim", SHM_OK, shm_peer_open(s.ep, r.region, &p));
	if (p == NULL)
		return;
	/* 64 KiB of data with PVM's item headers (pvm_pkint then pvm_pkbyte:
	 * 20 bytes more) is streamed: the sender goes on before any read */
	make_msg(&big, 0, 64 * 1024 + 20, 55);
	CHECK_EQ("64 KiB + item headers streamed at once", SHM_OK, send_msg(p, &big));
	free(big.buf);
	CHECK_EQ("64 KiB + item headers arrives", 1, shm_ep_recv(r.ep, &m));
	check_msg("64 KiB + item headers", &m, 0, 55);
	free(m.payload);
	/* just past the bound it is read by CMA: the sender waits for that */
	make_msg(&big, 1, SHM_DEFAULT_CMA_MIN + 1, 55);
	CHECK_EQ("past the bound posted", SHM_INPROGRESS, send_msg(p, &big));
	CHECK_EQ("past the bound read", 1, shm_ep_recv(r.ep, &m));
	check_msg("past the bound", &m, 1, 55);
	free(m.payload);
	CHECK_EQ("past the bound acknowledged", SHM_OK, shm_peer_test(p));
	free(big.buf);

	/* fill the ring; nobody drains it: the wait for room times out,
	 * having slept most of it */
	while (n < 100 && (st = send_small(p, n, 56, 16000)) == SHM_OK)
		n++;
	CHECK_EQ("ring full", SHM_AGAIN, st);
	t0 = check_now_ms();
	c0 = cpu_ms();
	CHECK_EQ("room wait times out", 0, shm_wait(s.ep, &p, 1, NULL, 0, 300));
	printf("default bound: a room wait of %lld ms used %lld ms of CPU\n",
	       (long long)(check_now_ms() - t0), (long long)(cpu_ms() - c0));
	CHECK_EQ("room wait slept, not spun (CPU ms < 50)", 1, cpu_ms() - c0 < 50);
	CHECK_EQ("drain one", 1, shm_ep_recv(r.ep, &m));
	check_msg("drained", &m, 0, 56);
	free(m.payload);
	CHECK_EQ("room wait sees the room", 1, shm_wait(s.ep, &p, 1, NULL, 0, 300));
	CHECK_EQ("room for one more", SHM_OK, send_small(p, n, 56, 16000));
	while (shm_ep_recv(r.ep, &m) == 1)
		free(m.payload);

	shm_peer_close(p);
	task_close(&s);
	task_unlink(&s);
	shm_ep_recv(r.ep, &m);
	CHECK_EQ("freed", 0, shm_ep_slots_used(r.ep));
	task_close(&r);
	task_unlink(&r);
}

/* A sender that scribbles on the ring breaks its slot, not the receiver. */
static void test_scribbled_ring(void)
{
	struct task r, s, s2;
	struct shm_peer *p = NULL, *p2 = NULL;
	struct shm_msg m;
	struct shm_slot *slot;
	int k, st = SHM_OK;

	task_make(&r, 400, 2, SHM_MIN_RING);
	task_make(&s, 401, 1, SHM_MIN_RING);
	task_make(&s2, 402, 1, SHM_MIN_RING);
	task_open(&r);
	task_open(&s);
	task_open(&s2);
	CHECK_EQ("claim", SHM_OK, shm_peer_open(s.ep, r.region, &p));
	CHECK_EQ("claim 2", SHM_OK, shm_peer_open(s2.ep, r.region, &p2));
	if (p == NULL || p2 == NULL)
		return;
	CHECK_EQ("send", SHM_OK, send_small(p, 0, 55, 10));
	/* a published record longer than the ring */
	slot = shm_map_slot(&r.ep->map, shm_peer_slot(p));
	shm_rec_at(shm_map_ring(&r.ep->map, shm_peer_slot(p)), SHM_MIN_RING - 1, 0)->len =
	    100000;
	CHECK_EQ("good sender's message", SHM_OK, send_small(p2, 0, 66, 10));
	CHECK_EQ("the good one arrives", 1, shm_ep_recv(r.ep, &m));
	check_msg("good sender", &m, 0, 66);
	free(m.payload);
	CHECK_EQ("scribbled slot yields nothing", 0, shm_ep_recv(r.ep, &m));
	CHECK_EQ("marked broken", 1, atomic_load(&slot->broken));
	for (k = 0; k < 100 && (st = send_small(p, (uint32_t)k + 1, 55, 100)) == SHM_OK;
	     k++)
		;
	CHECK_EQ("the scribbler learns", SHM_EPEER, st);
	CHECK_EQ("the good sender still works", SHM_OK, send_small(p2, 1, 66, 10));
	CHECK_EQ("and is received", 1, shm_ep_recv(r.ep, &m));
	check_msg("good sender 2", &m, 1, 66);
	free(m.payload);

	/* a record of an unknown kind */
	CHECK_EQ("send 3", SHM_OK, send_small(p2, 2, 66, 10));
	shm_rec_at(shm_map_ring(&r.ep->map, shm_peer_slot(p2)), SHM_MIN_RING - 1,
	           p2->head - SHM_REC_HEADER -
	               SHM_REC_ALIGN(sizeof(struct test_hdr) + 10))
	    ->kind = 99;
	CHECK_EQ("unknown kind yields nothing", 0, shm_ep_recv(r.ep, &m));
	CHECK_EQ("pending ignores broken slots", 0, shm_ep_pending(r.ep));
	shm_peer_close(p);
	shm_peer_close(p2);
	CHECK_EQ("broken slots freed when released", 0, shm_ep_recv(r.ep, &m));
	CHECK_EQ("freed", 0, shm_ep_slots_used(r.ep));
	task_close(&s);
	task_close(&s2);
	task_close(&r);
	task_unlink(&r);
	task_unlink(&s);
	task_unlink(&s2);
}

/* --- waking ------------------------------------------------------------- */

/* Child: sleeps in shm_wait for a message; reports wall and CPU time. */
/* The daemon's note (shm_note_*): each bump is news once to the region's
 * owner, and ends a spinning shm_wait at once (from another process,
 * as the daemon's would). */
static void test_note(void)
{
	struct shm_note *note = NULL, *bad = NULL;
	struct task t;
	int go[2], r;
	int64_t t0, took;
	pid_t pid;

	task_make(&t, 520, 1, SHM_MIN_RING);
	task_open(&t);
	CHECK_EQ("note of a missing region refused", SHM_ESYS,
	         shm_note_open("/pvmx.test.no.such.region", &bad));
	CHECK_EQ("no note handed out", 1, bad == NULL);
	CHECK_EQ("shm_note_open", SHM_OK, shm_note_open(t.region, &note));
	CHECK_EQ("no news before a bump", 0, shm_ep_daemon_news(t.ep));
	shm_note_bump(note);
	shm_note_bump(note);
	CHECK_EQ("news after two bumps", 1, shm_ep_daemon_news(t.ep));
	CHECK_EQ("told once", 0, shm_ep_daemon_news(t.ep));
	shm_note_bump(NULL); /* (a task without a note) */
	/* a wait spinning for 10 s ends with the bump of another process */
	shm_ep_set_spin(t.ep, 10L * 1000 * 1000 * 1000, 10L * 1000 * 1000 * 1000);
	if (pipe(go) < 0)
		exit(2);
	pid = fork_child();
	if (pid == 0) {
		wait_byte(go[0], 5000);
		usleep(50000);
		shm_note_bump(note);
		child_exit();
	}
	put_byte(go[1], 1);
	t0 = check_now_ms();
	r = shm_wait(t.ep, NULL, 0, NULL, 0, 20000);
	took = check_now_ms() - t0;
	CHECK_EQ("the spin ended", 1, r);
	CHECK_EQ("by the bump, not its 10 s", 1, took < 5000);
	CHECK_EQ("with news", 1, shm_ep_daemon_news(t.ep));
	CHECK_EQ("and no message", 0, shm_ep_pending(t.ep));
	CHECK_EQ("bumping child", 0, reap(pid, 5000));
	close(go[0]);
	close(go[1]);
	shm_note_close(note);
	shm_note_close(NULL);
	task_close(&t);
	task_unlink(&t);
}

static void test_wakeup(void)
{
	struct task par, chi;
	struct shm_peer *p = NULL;
	struct shm_msg m;
	int ready[2], report[2];
	int64_t t0, c0, times[2];
	struct out_msg big;
	pid_t pid;
	int r;

	task_make(&par, 500, 1, SHM_MIN_RING * 16);
	task_make(&chi, 501, 1, SHM_MIN_RING * 16);
	if (pipe(ready) < 0 || pipe(report) < 0)
		exit(2);
	pid = fork_child();
	if (pid == 0) {
		struct shm_peer *cp = NULL;
		struct pollfd pf;

		task_open(&chi);
		CHECK_EQ("child claim", SHM_OK, shm_peer_open(chi.ep, par.region, &cp));
		/* 1: sleep in shm_wait until the parent sends */
		put_byte(ready[1], 1);
		t0 = check_now_ms();
		c0 = cpu_ms();
		r = 0;
		while (check_now_ms() - t0 < 5000 && (r = shm_ep_recv(chi.ep, &m)) == 0)
			shm_wait(chi.ep, NULL, 0, NULL, 0, 5000);
		times[0] = check_now_ms() - t0;
		times[1] = cpu_ms() - c0;
		CHECK_EQ("child woke with a message", 1, r);
		if (r == 1) {
			check_msg("wake-up", &m, 0, 77);
			free(m.payload);
		}
		if (write(report[1], times, sizeof(times)) != (ssize_t)sizeof(times))
			failures++;
		/* 2: answer; the parent sleeps for it */
		CHECK_EQ("child reply", SHM_OK, send_small(cp, 0, 88, 10));
		/* 3: read a large message late; the parent waits for the ack */
		usleep(300000);
		t0 = check_now_ms();
		r = 0;
		while (check_now_ms() - t0 < 5000 && (r = shm_ep_recv(chi.ep, &m)) == 0)
			shm_wait(chi.ep, NULL, 0, NULL, 0, 5000);
		CHECK_EQ("late large message", 1, r);
		if (r == 1) {
			check_msg("late large", &m, 1, 77);
			free(m.payload);
		}
		/* 4: a program polling the doorbell itself */
		shm_ep_set_notify_always(chi.ep, 1);
		put_byte(ready[1], 2);
		pf.fd = shm_ep_fd(chi.ep);
		pf.events = POLLIN;
		CHECK_EQ("plain poll on the doorbell wakes", 1, poll(&pf, 1, 5000));
		r = shm_ep_recv(chi.ep, &m);
		CHECK_EQ("then the message is there", 1, r);
		if (r == 1) {
			check_msg("notify always", &m, 2, 77);
			free(m.payload);
		}
		CHECK_EQ("no more", 0, shm_ep_recv(chi.ep, &m));
		pf.revents = 0;
		CHECK_EQ("doorbell drained once empty", 0, poll(&pf, 1, 0));
		shm_peer_close(cp);
		task_close(&chi);
		child_exit();
	}
	task_open(&par);
	CHECK_EQ("parent claim", SHM_OK, shm_peer_open(par.ep, chi.region, &p));
	CHECK_EQ("child ready", 1, wait_byte(ready[0], 10000));
	usleep(300000); /* the child is asleep by now */
	CHECK_EQ("send to the sleeper", SHM_OK, send_small(p, 0, 77, 10));
	times[0] = times[1] = -1;
	if (read(report[0], times, sizeof(times)) != (ssize_t)sizeof(times))
		failures++;
	printf("wake-up: child slept %lld ms using %lld ms of CPU\n", (long long)times[0],
	       (long long)times[1]);
	CHECK_EQ("child waited for the message", 1, times[0] >= 200 && times[0] < 3000);
	CHECK_EQ("child slept, not spun (CPU ms < 50)", 1,
	         times[1] >= 0 && times[1] < 50);

	/* 2: the parent sleeps for the reply */
	t0 = check_now_ms();
	r = 0;
	while (check_now_ms() - t0 < 5000 && (r = shm_ep_recv(par.ep, &m)) == 0)
		shm_wait(par.ep, NULL, 0, NULL, 0, 5000);
	CHECK_EQ("reply woke the parent", 1, r);
	if (r == 1) {
		check_msg("reply", &m, 0, 88);
		free(m.payload);
	}
	/* 3: wait for the ack of a large send, asleep */
	make_msg(&big, 1, 2 * MIB, 77);
	CHECK_EQ("large posted", SHM_INPROGRESS, send_msg(p, &big));
	t0 = check_now_ms();
	c0 = cpu_ms();
	while (check_now_ms() - t0 < 5000 && (r = shm_peer_test(p)) == SHM_INPROGRESS)
		shm_wait(par.ep, &p, 1, NULL, 0, 5000);
	CHECK_EQ("large acknowledged", SHM_OK, r);
	printf("wake-up: parent waited %lld ms for the ack using %lld ms of CPU\n",
	       (long long)(check_now_ms() - t0), (long long)(cpu_ms() - c0));
	CHECK_EQ("ack woke a sleeping sender (CPU ms < 50)", 1, cpu_ms() - c0 < 50);
	free(big.buf);
	/* 4 */
	CHECK_EQ("child polls", 2, wait_byte(ready[0], 10000));
	usleep(100000);
	CHECK_EQ("send to the poller", SHM_OK, send_small(p, 2, 77, 10));

	CHECK_EQ("child's failures", 0, reap(pid, 15000));
	shm_peer_close(p);
	task_close(&par);
	task_unlink(&par);
	task_unlink(&chi);
	close(ready[0]);
	close(ready[1]);
	close(report[0]);
	close(report[1]);
}

/* --- a sender killed mid-stream ----------------------------------------- */

static void test_killed_sender(int cma)
{
	struct task par, chi;
	struct shm_msg m;
	uint32_t got = 0;
	int64_t t0;
	pid_t pid;
	int r, fds[2];

	task_make(&par, 600, 2, 64 * 1024);
	task_make(&chi, 601, 1, SHM_MIN_RING);
	if (pipe(fds) < 0)
		exit(2);
	pid = fork_child();
	if (pid == 0) {
		struct shm_peer *cp = NULL;
		uint32_t seq;

		task_open(&chi);
		CHECK_EQ("child claim", SHM_OK, shm_peer_open(chi.ep, par.region, &cp));
		if (cp == NULL)
			child_exit();
		shm_peer_set_cma(cp, cma);
		put_byte(fds[1], 1);
		/* alternate small and large until killed */
		for (seq = 0;; seq++) {
			struct out_msg om;

			make_msg(&om, seq, seq % 2 ? MIB : 100, 99);
			while ((r = send_msg(cp, &om)) == SHM_AGAIN)
				shm_wait(chi.ep, &cp, 1, NULL, 0, 100);
			while (r == SHM_INPROGRESS) {
				shm_wait(chi.ep, &cp, 1, NULL, 0, 100);
				r = shm_peer_test(cp);
			}
			free(om.buf);
			if (r != SHM_OK)
				break;
		}
		child_exit();
	}
	task_open(&par);
	CHECK_EQ("child started", 1, wait_byte(fds[0], 10000));
	t0 = check_now_ms();
	while (got < 20 && check_now_ms() - t0 < 10000) {
		r = shm_ep_recv(par.ep, &m);
		if (r == 1) {
			check_msg("before the kill", &m, got++, 99);
			free(m.payload);
		} else {
			shm_wait(par.ep, NULL, 0, NULL, 0, 100);
		}
	}
	CHECK_EQ("received before the kill", 20, got);
	/* let the child block on a large send (or a full ring), mid-message */
	usleep(50000);
	if (!cma) {
		/* take part of a chunked message in */
		while (shm_ep_recv(par.ep, &m) == 1) {
			check_msg("in flight", &m, got++, 99);
			free(m.payload);
		}
	}
	kill(pid, SIGKILL);
	CHECK_EQ("killed", 128 + SIGKILL, reap(pid, 10000));
	t0 = check_now_ms();
	while ((r = shm_ep_recv(par.ep, &m)) == 1) {
		check_msg("after the kill", &m, got++, 99);
		free(m.payload);
	}
	CHECK_EQ("recv after the kill", 0, r);
	CHECK_EQ("no hang after the kill (ms < 2000)", 1, check_now_ms() - t0 < 2000);
	CHECK_EQ("dead slot still held", 1, shm_ep_slots_used(par.ep));
	CHECK_EQ("reclaim", 1, shm_ep_reclaim(par.ep, 601, 0));
	while (shm_ep_recv(par.ep, &m) == 1) {
		check_msg("after reclaim", &m, got++, 99);
		free(m.payload);
	}
	CHECK_EQ("slot freed", 0, shm_ep_slots_used(par.ep));
	printf("killed sender (%s): %u messages received in order\n",
	       cma ? "cma" : "chunked", got);
	unlink(chi.bell);
	task_close(&par);
	task_unlink(&par);
	task_unlink(&chi);
	close(fds[0]);
	close(fds[1]);
}

/* --- nothing left behind ------------------------------------------------ */

static void test_nothing_left(void)
{
	char prefix[64];
	struct dirent *e;
	DIR *d = opendir("/dev/shm");
	int left = 0;

	snprintf(prefix, sizeof(prefix), "pvmx.test.%d.", (int)main_pid);
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
			char name[300];

			fprintf(stderr, "left in /dev/shm: %s\n", e->d_name);
			snprintf(name, sizeof(name), "/%s", e->d_name);
			shm_unlink(name);
			left++;
		}
	if (d != NULL)
		closedir(d);
	CHECK_EQ("nothing left in /dev/shm", 0, left);
	d = opendir(tmpdir);
	left = 0;
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			char path[PATH_MAX];

			fprintf(stderr, "left in %s: %s\n", tmpdir, e->d_name);
			snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
			unlink(path);
			left++;
		}
	if (d != NULL)
		closedir(d);
	CHECK_EQ("nothing left in the doorbell dir", 0, left);
	CHECK_EQ("doorbell dir removed", 0, rmdir(tmpdir));
}

int main(void)
{
	main_pid = getpid();
	pattern_make();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_shm.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	test_region_lifecycle();
	test_region_damaged();
	test_slots();
	test_backpressure();
	test_default_bound();
	test_scribbled_ring();
	test_wakeup();
	test_note();
	test_exchange(EX_CMA, 2000, SHM_DEFAULT_RING);
	test_exchange(EX_CHUNKED, 300, SHM_DEFAULT_RING);
	if (eperm_possible())
		test_exchange(EX_EPERM, 300, SHM_DEFAULT_RING);
	else
		printf("exchange (eperm fallback): skipped, process_vm_readv cannot be "
		       "refused here\n");
	test_killed_sender(1);
	test_killed_sender(0);
	test_nothing_left();

	free(pattern);
	if (failures != 0) {
		fprintf(stderr, "test_shm: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_shm: ok\n");
	return 0;
}

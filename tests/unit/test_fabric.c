/*
 * test_fabric.c - the libfabric route (lpvm_fabric) with the real tcp;ofi_rxm
 * provider on 127.0.0.1: provider choice and refusal, address blobs, two
 * processes exchanging thousands of checksummed messages (0 B - 4 MiB) both
 * ways at once, back-pressure, a peer killed mid-transfer, idle waits.
 * Skips (77) saying why where the tcp provider cannot open an endpoint.
 */
#include "lpvm_fabric.h"

#include <errno.h>
#include <poll.h>
#include <pvm3.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define SKIP 77
/* A test header: magic, sequence number, payload size, payload checksum,
 * its own length, then bytes that depend on the sequence number.  At
 * least HDR_LEN (like the frame header the library sends) and at most
 * LPVM_FABRIC_HDR_MAX bytes. */
#define HDR_LEN 36
#define HDR_MAGIC 0x54465842u
/* the library's landing buffers (lpvm_fabric_int.h): a payload of this
 * size lands in one, one byte more takes rxm's rendezvous */
#define LAND_SIZE ((4u << 20) + (64u << 10))
#define MAX_PAYLOAD (LAND_SIZE + 1)
#define MAX_MSG (1u << 30)
#define CHILD_LIMIT_SEC 90 /* a child that runs longer is killed */
#define EXCHANGE_LIMIT_MS 80000
#define KILL_DETECT_LIMIT_MS 20000
#define WINDOW 12

static const char *me = "test";

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

/* A child's failure: says what and who, exits 1. */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: FAIL: ", me);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(1);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1, v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 8 == 0)
			v = rng_next(&s);
		p[i] = (uint8_t)(v >> (8 * (i % 8)));
	}
}

static uint64_t checksum(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint8_t hdr_byte(uint32_t seq, size_t i)
{
	return (uint8_t)(seq * 7 + i);
}

/* Writes a test header of hdr_len bytes into hdr. */
static void make_hdr(uint8_t *hdr, size_t hdr_len, uint32_t seq, const uint8_t *payload,
                     size_t size)
{
	uint64_t sum = checksum(payload, size);
	size_t i;

	put32(hdr, HDR_MAGIC);
	put32(hdr + 4, seq);
	put32(hdr + 8, (uint32_t)size);
	memcpy(hdr + 12, &sum, 8);
	put32(hdr + 20, (uint32_t)hdr_len);
	for (i = 24; i < hdr_len; i++)
		hdr[i] = hdr_byte(seq, i);
}

/* ---- one process's side of a test ---- */

struct node {
	int32_t id, peer_id;
	struct lpvm_fabric *fab;
	struct lpvm_fabric_peer *peer;
	/* received: in order, checked */
	uint32_t rx_next;
	uint64_t rx_bytes;
	int die_after; /* raise die_signal after this many messages (0: never) */
	int die_signal;
	/* peer failures reported */
	int errors, error_code;
	char error_why[256];
};

/* Checks the header and the payload apart: the header as sent (its length
 * included), the payload its size and checksum.  Frees the payload. */
static void on_deliver(void *arg, int32_t src, const void *hdr, size_t hdr_len,
                       void *payload, size_t len)
{
	struct node *n = arg;
	const uint8_t *h = hdr;
	uint64_t sum;
	size_t i;

	if (src != n->peer_id)
		die("message from t%x, expected t%x", (unsigned)src,
		    (unsigned)n->peer_id);
	if (payload == NULL)
		die("message %u: a NULL payload (%zu bytes)", n->rx_next, len);
	if (hdr_len < HDR_LEN || hdr_len > LPVM_FABRIC_HDR_MAX || get32(h) != HDR_MAGIC)
		die("message %u: a header of %zu bytes, not ours", n->rx_next, hdr_len);
	if (get32(h + 20) != hdr_len)
		die("message %u: a header of %zu bytes, %u sent", n->rx_next, hdr_len,
		    get32(h + 20));
	if (get32(h + 4) != n->rx_next)
		die("message %u arrived when %u was due (lost, duplicated or reordered)",
		    get32(h + 4), n->rx_next);
	for (i = 24; i < hdr_len; i++)
		if (h[i] != hdr_byte(n->rx_next, i))
			die("message %u: header byte %zu differs", n->rx_next, i);
	if (get32(h + 8) != len)
		die("message %u: %zu payload bytes, header says %u", n->rx_next, len,
		    get32(h + 8));
	memcpy(&sum, h + 12, 8);
	if (checksum(payload, len) != sum)
		die("message %u (%zu bytes): checksum differs", n->rx_next, len);
	n->rx_next++;
	n->rx_bytes += hdr_len + len;
	free(payload);
	if (n->die_after > 0 && n->rx_next == (uint32_t)n->die_after)
		raise(n->die_signal);
}

static void on_peer_error(void *arg, int32_t peer, int code, const char *why)
{
	struct node *n = arg;

	n->errors++;
	n->error_code = code;
	snprintf(n->error_why, sizeof(n->error_why), "t%x: %s", (unsigned)peer, why);
	fprintf(stderr, "%s: peer error %d: %s\n", me, code, n->error_why);
}

static int node_open(struct node *n, int32_t id, char *why, size_t whylen)
{
	struct lpvm_fabric_config cfg = {
	    .self_id = id,
	    .local_addr = "127.0.0.1",
	    .max_msg = MAX_MSG,
	    .deliver = on_deliver,
	    .peer_error = on_peer_error,
	    .arg = n,
	};

	memset(n, 0, sizeof(*n));
	n->id = id;
	return lpvm_fabric_open(&cfg, &n->fab, why, whylen);
}

/* The parent's notice "your peer is gone" (what the daemon would say).
 * The child may have found the failure itself and exited already: its
 * closed pipe is then no error. */
static void send_notice(int fd)
{
	if (write(fd, "x", 1) != 1 && errno != EPIPE)
		die("write of the notice: %s", strerror(errno));
}

static void write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t k = write(fd, b, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("write: %s", strerror(errno));
		b += k;
		n -= (size_t)k;
	}
}

/* Reads n bytes within limit_ms; 0, or -1 at end of file. */
static int read_all(int fd, void *p, size_t n, int limit_ms)
{
	int64_t deadline = check_now_ms() + limit_ms;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint8_t *b = p;
	ssize_t k;

	while (n > 0) {
		int left = (int)(deadline - check_now_ms());
		if (left <= 0)
			die("no answer from the other process in %d ms", limit_ms);
		if (poll(&pfd, 1, left) <= 0)
			continue;
		k = read(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			die("read: %s", strerror(errno));
		if (k == 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Opens the endpoint and swaps address blobs with the other process over
 * ctl; dies on any failure. */
static void node_start(struct node *n, int32_t id, int32_t peer_id, int ctl)
{
	const void *blob;
	uint8_t peer_blob[512];
	char why[512], addr[128];
	size_t len;
	uint32_t plen;
	int r;

	r = node_open(n, id, why, sizeof(why));
	if (r != 0)
		die("lpvm_fabric_open: %d: %s", r, why);
	n->peer_id = peer_id;
	lpvm_fabric_address(n->fab, &blob, &len);
	lpvm_fabric_address_string(n->fab, NULL, 0, addr, sizeof(addr));
	if (strncmp(addr, "fi_sockaddr_in://127.0.0.1:", 27) != 0)
		die("endpoint bound to %s, not 127.0.0.1", addr);
	plen = (uint32_t)len;
	write_all(ctl, &plen, 4);
	write_all(ctl, blob, len);
	if (read_all(ctl, &plen, 4, 10000) < 0 || plen > sizeof(peer_blob) ||
	    read_all(ctl, peer_blob, plen, 10000) < 0)
		die("no address from the other process");
	r = lpvm_fabric_peer_add(n->fab, peer_id, peer_blob, plen, &n->peer, why,
	                         sizeof(why));
	if (r != 0)
		die("lpvm_fabric_peer_add: %d: %s", r, why);
}

/* Waits (progressing) until the other process says it is done with us, so
 * that neither closes while the other still needs it. */
static void node_finish(struct node *n, int ctl)
{
	int64_t deadline = check_now_ms() + 20000;
	struct pollfd pfd = {.fd = ctl, .events = POLLIN};
	char c = 'x';

	write_all(ctl, &c, 1);
	for (;;) {
		if (poll(&pfd, 1, 0) > 0) {
			if (read(ctl, &c, 1) >= 0)
				break;
		}
		if (check_now_ms() > deadline)
			die("the other process did not finish");
		lpvm_fabric_progress(n->fab, 20);
	}
	lpvm_fabric_close(n->fab);
	n->fab = NULL;
}

/* ---- a message stream ---- */

struct stream {
	uint64_t rng;
	uint32_t next, count;
	struct {
		struct lpvm_fabric_send *req;
		uint8_t *buf;
		size_t len;
	} slot[WINDOW];
	int inflight, window;
	size_t max_payload;
	int use_fixed; /* every message fixed bytes */
	int peer_gone; /* a post said PvmNoTask */
	size_t fixed;
	uint64_t again, posted_bytes;
};

/* The next message's payload size, and its header's length in *hdr_len. */
static size_t pick_size(struct stream *s, size_t *hdr_len)
{
	/* the sizes around the protocol's edges first: empty, one byte, the
	 * largest eager message and one past it (with the shortest and the
	 * longest header), segmented ones, rxm's limits, the largest */
	static const struct {
		size_t size, hdr_len;
	} edge[] = {
	    {0, HDR_LEN},
	    {1, HDR_LEN},
	    {16360 - HDR_LEN, HDR_LEN},
	    {16361 - HDR_LEN, HDR_LEN},
	    {0, LPVM_FABRIC_HDR_MAX},
	    {16360 - LPVM_FABRIC_HDR_MAX, LPVM_FABRIC_HDR_MAX},
	    {16361 - LPVM_FABRIC_HDR_MAX, LPVM_FABRIC_HDR_MAX},
	    {16384, HDR_LEN},
	    /* segmented: two full packets, one byte more; the largest
	     * segmented message and one past it (then announced) */
	    {2 * 16360 - HDR_LEN, HDR_LEN},
	    {2 * 16360 + 1 - HDR_LEN, HDR_LEN},
	    {65536 - HDR_LEN, HDR_LEN},
	    {65537 - HDR_LEN, HDR_LEN},
	    {65536 - LPVM_FABRIC_HDR_MAX, LPVM_FABRIC_HDR_MAX},
	    {65537 - LPVM_FABRIC_HDR_MAX, LPVM_FABRIC_HDR_MAX},
	    {131072, HDR_LEN},
	    {131073, HDR_LEN},
	    {LAND_SIZE, HDR_LEN},
	    {LAND_SIZE + 1, HDR_LEN},
	    {MAX_PAYLOAD, HDR_LEN},
	};
	uint64_t r;

	*hdr_len = HDR_LEN;
	if (s->use_fixed)
		return s->fixed;
	if (s->next < sizeof(edge) / sizeof(edge[0])) {
		*hdr_len = edge[s->next].hdr_len;
		return edge[s->next].size <= s->max_payload ? edge[s->next].size
		                                            : s->max_payload;
	}
	*hdr_len = HDR_LEN + rng_next(&s->rng) % (LPVM_FABRIC_HDR_MAX - HDR_LEN + 1);
	r = rng_next(&s->rng) % 100;
	if (r < 50)
		return rng_next(&s->rng) % 65;
	if (r < 75)
		return rng_next(&s->rng) % 20000;
	if (r < 93)
		return rng_next(&s->rng) % (256u << 10);
	return rng_next(&s->rng) % (s->max_payload + 1);
}

/* Posts the next message if a slot is free; 1 if one was posted. */
static int stream_post(struct node *n, struct stream *s)
{
	uint8_t hdr[LPVM_FABRIC_HDR_MAX];
	struct iovec iov[6];
	size_t size, hdr_len, off;
	int i, k, niov, r;

	if (s->next >= s->count || s->inflight >= s->window)
		return 0;
	for (k = 0; k < WINDOW && s->slot[k].buf != NULL; k++)
		;
	if (k == WINDOW)
		return 0;
	size = pick_size(s, &hdr_len);
	s->slot[k].buf = malloc(size > 0 ? size : 1);
	if (s->slot[k].buf == NULL)
		die("no memory for %zu bytes", size);
	s->slot[k].len = size;
	fill(s->slot[k].buf, size, (uint64_t)n->id << 32 ^ s->next);
	make_hdr(hdr, hdr_len, s->next, s->slot[k].buf, size);
	/* 1 to 6 pieces: more than the provider's iov_limit (4) now and then */
	niov = 1 + (int)(rng_next(&s->rng) % 6);
	for (i = 0, off = 0; i < niov; i++) {
		size_t piece = i == niov - 1 ? size - off : (size - off) / 2;

		iov[i].iov_base = s->slot[k].buf + off;
		iov[i].iov_len = piece;
		off += piece;
	}
	r = lpvm_fabric_send_post(n->fab, n->peer, hdr, hdr_len, iov, niov,
	                          &s->slot[k].req);
	memset(hdr, 0xee, sizeof(hdr)); /* the header is copied: reuse it */
	if (r == PvmNoTask) {
		/* the peer has failed: the caller sees why in its peer_error */
		s->peer_gone = 1;
		free(s->slot[k].buf);
		s->slot[k].buf = NULL;
		return 0;
	}
	if (r == LPVM_FABRIC_AGAIN) {
		s->again++;
		free(s->slot[k].buf);
		s->slot[k].buf = NULL;
		return 0;
	}
	if (r != 0)
		die("lpvm_fabric_send_post of message %u (%zu bytes): %d", s->next, size,
		    r);
	s->next++;
	s->posted_bytes += size;
	if (s->slot[k].req == NULL) {
		/* copied out: scribble over it to prove it */
		memset(s->slot[k].buf, 0x55, size);
		free(s->slot[k].buf);
		s->slot[k].buf = NULL;
	} else {
		s->inflight++;
	}
	return 1;
}

/* Tests every send in flight; returns how many failed (with their code in
 * *code). */
static int stream_reap(struct node *n, struct stream *s, int *code)
{
	int k, r, failed = 0;

	for (k = 0; k < WINDOW; k++) {
		if (s->slot[k].buf == NULL)
			continue;
		r = lpvm_fabric_send_test(n->fab, &s->slot[k].req);
		if (r == 0)
			continue;
		if (r != 1) {
			failed++;
			*code = r;
		}
		memset(s->slot[k].buf, 0x66, s->slot[k].len);
		free(s->slot[k].buf);
		s->slot[k].buf = NULL;
		s->inflight--;
	}
	return failed;
}

static void stream_init(struct stream *s, uint64_t seed, uint32_t count, int window)
{
	memset(s, 0, sizeof(*s));
	s->rng = seed | 1;
	s->count = count;
	s->window = window;
	s->max_payload = MAX_PAYLOAD;
}

static uint32_t env_count(const char *name, uint32_t dflt)
{
	const char *v = getenv(name);

	return v != NULL && atoi(v) > 0 ? (uint32_t)atoi(v) : dflt;
}

/* Sends count messages and receives as many, both at once. */
static void child_exchange(int32_t id, int32_t peer_id, int ctl, uint32_t count,
                           uint64_t seed)
{
	int64_t deadline = check_now_ms() + EXCHANGE_LIMIT_MS;
	struct stream s;
	struct node n;
	int code = 0;

	node_start(&n, id, peer_id, ctl);
	stream_init(&s, seed ^ (uint64_t)id, count, WINDOW);
	while (s.next < s.count || s.inflight > 0 || n.rx_next < count) {
		while (stream_post(&n, &s))
			;
		if (stream_reap(&n, &s, &code) > 0)
			die("a send failed: %d", code);
		if (n.errors > 0)
			die("peer error: %s", n.error_why);
		if (check_now_ms() > deadline)
			die("exchange not done in %d ms: sent %u/%u (%d in flight), got "
			    "%u/%u",
			    EXCHANGE_LIMIT_MS, s.next, count, s.inflight, n.rx_next,
			    count);
		int busy = s.next < s.count && s.inflight < s.window;

		if (lpvm_fabric_progress(n.fab, busy ? 0 : 100) < 0)
			die("lpvm_fabric_progress failed");
	}
	fprintf(stderr, "%s: sent %u and got %u messages (%.1f MiB), %llu AGAIN\n", me,
	        s.next, n.rx_next, n.rx_bytes / 1048576.0, (unsigned long long)s.again);
	node_finish(&n, ctl);
	/* nothing more arrived than was sent */
	if (n.rx_next != count)
		die("got %u messages, %u sent", n.rx_next, count);
	exit(0);
}

/* A sender whose receiver does not read: posts must say AGAIN long before
 * its memory grows without bound; once the receiver reads, all arrive. */
static void child_pushy(int32_t id, int32_t peer_id, int ctl, uint32_t count)
{
	int64_t deadline = check_now_ms() + EXCHANGE_LIMIT_MS;
	uint64_t first_again = 0;
	struct stream s;
	struct node n;
	int code = 0;

	node_start(&n, id, peer_id, ctl);
	stream_init(&s, 7, count, WINDOW);
	s.use_fixed = 1;
	s.fixed = 8000;
	while (s.next < s.count || s.inflight > 0) {
		while (stream_post(&n, &s))
			;
		if (s.again > 0 && first_again == 0)
			first_again = s.posted_bytes;
		if (stream_reap(&n, &s, &code) > 0 || n.errors > 0)
			die("a send failed: %d %s", code, n.error_why);
		if (check_now_ms() > deadline)
			die("sent %u/%u in %d ms", s.next, count, EXCHANGE_LIMIT_MS);
		lpvm_fabric_progress(n.fab, s.again > 0 ? 10 : 0);
	}
	fprintf(stderr,
	        "%s: first AGAIN after %.1f MiB posted to a receiver not reading\n", me,
	        first_again / 1048576.0);
	if (first_again == 0 || first_again > (48u << 20))
		die("no back-pressure: %llu bytes posted before the first AGAIN",
		    (unsigned long long)first_again);
	node_finish(&n, ctl);
	exit(0);
}

static void child_lazy(int32_t id, int32_t peer_id, int ctl, uint32_t count)
{
	int64_t deadline;
	struct node n;

	node_start(&n, id, peer_id, ctl);
	sleep(3); /* not reading */
	deadline = check_now_ms() + EXCHANGE_LIMIT_MS;
	while (n.rx_next < count) {
		if (check_now_ms() > deadline)
			die("got %u/%u", n.rx_next, count);
		if (lpvm_fabric_progress(n.fab, 100) < 0 || n.errors > 0)
			die("progress failed: %s", n.error_why);
	}
	node_finish(&n, ctl);
	exit(0);
}

/* Progress while waiting on the endpoint's descriptor and the notice pipe
 * (the stand-in for the daemon saying the peer is gone), as the library's
 * wait does with its routes.  1 when the notice came. */
static int wait_routes(struct node *n, int notice, int max_ms)
{
	struct pollfd pfd[2] = {{.fd = lpvm_fabric_fd(n->fab), .events = POLLIN},
	                        {.fd = notice, .events = POLLIN}};
	int cap = lpvm_fabric_wait_prepare(n->fab), ms = max_ms, got = 0;
	char c;

	if (cap >= 0 && cap < ms)
		ms = cap;
	if (poll(pfd, 2, ms) > 0 && (pfd[1].revents & (POLLIN | POLLHUP)))
		got = read(notice, &c, 1) == 1;
	lpvm_fabric_progress(n->fab, 0);
	return got;
}

/* Who reported the failure: lpvm_fabric_peer_fail's reasons say "test:". */
static const char *found_by(const struct node *n)
{
	return strstr(n->error_why, "test:") != NULL
	           ? "through the notice (lpvm_fabric_peer_fail)"
	           : "by libfabric";
}

/* Streams 4 MiB messages to a receiver that is killed mid-way: the sends
 * in flight fail (by libfabric or, once its death is known, by
 * lpvm_fabric_peer_fail), nothing hangs, later sends fail at once. */
static void child_survive_receiver(int32_t id, int32_t peer_id, int ctl, int notice,
                                   int expect_notice)
{
	int64_t deadline = check_now_ms() + KILL_DETECT_LIMIT_MS;
	int code = 0, failed = 0, noticed = 0, r;
	struct lpvm_fabric_send *req;
	uint8_t hdr[HDR_LEN] = {0};
	struct stream s;
	struct node n;

	node_start(&n, id, peer_id, ctl);
	stream_init(&s, 11, 1000000, 4);
	s.use_fixed = 1;
	s.fixed = MAX_PAYLOAD;
	while (!(failed > 0 || n.errors > 0 || s.peer_gone) || s.inflight > 0 ||
	       n.errors == 0) {
		if (failed == 0 && n.errors == 0 && !s.peer_gone)
			while (stream_post(&n, &s))
				;
		failed += stream_reap(&n, &s, &code);
		if (check_now_ms() > deadline)
			die("the killed receiver's failure not seen in time: %d in "
			    "flight, "
			    "%d failed, %d peer errors, notice %s",
			    s.inflight, failed, n.errors,
			    noticed ? "came" : "did not come");
		if (!noticed && wait_routes(&n, notice, 100)) {
			noticed = 1;
			lpvm_fabric_peer_fail(n.fab, peer_id,
			                      "test: the receiver is gone");
		} else if (noticed) {
			lpvm_fabric_progress(n.fab, 100);
		}
	}
	lpvm_fabric_progress(n.fab, 0);
	if (n.errors != 1 || n.error_code != PvmNoTask)
		die("%d peer errors (code %d), expected one PvmNoTask", n.errors,
		    n.error_code);
	r = lpvm_fabric_send_post(n.fab, n.peer, hdr, sizeof(hdr), NULL, 0, &req);
	if (r != PvmNoTask)
		die("a send to the dead peer: %d, expected PvmNoTask", r);
	/* a silent peer: only the notice can tell */
	if (expect_notice && strstr(n.error_why, "test:") == NULL)
		die("the failure came from libfabric (%s), not the notice", n.error_why);
	fprintf(stderr, "%s: the receiver's death was found %s; %u sent, %d failed\n", me,
	        found_by(&n), s.next, failed);
	lpvm_fabric_close(n.fab);
	exit(0);
}

/* Dies (SIGKILL) or falls silent (SIGSTOP) after 3 messages. */
static void child_victim_receiver(int32_t id, int32_t peer_id, int ctl, int sig)
{
	int64_t deadline = check_now_ms() + 30000;
	struct node n;

	node_start(&n, id, peer_id, ctl);
	n.die_after = 3;
	n.die_signal = sig;
	while (check_now_ms() < deadline)
		lpvm_fabric_progress(n.fab, 100);
	die("did not get 3 messages");
}

/* Receives from a sender killed mid-way: the receive fails with a peer
 * error (by libfabric or the notice), only whole messages are delivered. */
static void child_survive_sender(int32_t id, int32_t peer_id, int ctl, int notice)
{
	int64_t deadline = check_now_ms() + KILL_DETECT_LIMIT_MS;
	int noticed = 0;
	struct node n;

	node_start(&n, id, peer_id, ctl);
	while (n.errors == 0) {
		if (check_now_ms() > deadline)
			die("the killed sender's failure not seen in time (notice %s)",
			    noticed ? "came" : "did not come");
		if (!noticed && wait_routes(&n, notice, 100)) {
			noticed = 1;
			lpvm_fabric_peer_fail(n.fab, peer_id,
			                      "test: the sender was killed");
		} else if (noticed) {
			lpvm_fabric_progress(n.fab, 100);
		}
	}
	/* the same peer's failure is not reported twice */
	lpvm_fabric_peer_fail(n.fab, peer_id, "again");
	lpvm_fabric_progress(n.fab, 200);
	if (n.errors != 1 || n.error_code != PvmNoTask)
		die("%d peer errors (code %d), expected one PvmNoTask", n.errors,
		    n.error_code);
	fprintf(stderr, "%s: the sender's death was found %s after %u whole messages\n",
	        me, found_by(&n), n.rx_next);
	lpvm_fabric_close(n.fab);
	exit(0);
}

static void child_victim_sender(int32_t id, int32_t peer_id, int ctl)
{
	int64_t until;
	struct stream s;
	struct node n;
	int code;

	node_start(&n, id, peer_id, ctl);
	stream_init(&s, 13, 5, 3);
	s.use_fixed = 1;
	s.fixed = 100; /* two whole messages first, then 4 MiB ones */
	while (s.next < 2)
		stream_post(&n, &s);
	s.fixed = MAX_PAYLOAD;
	while (stream_post(&n, &s))
		;
	/* long enough for the transfers to start, not to end */
	until = check_now_ms() + 15;
	while (check_now_ms() < until) {
		stream_reap(&n, &s, &code);
		lpvm_fabric_progress(n.fab, 1);
	}
	kill(getpid(), SIGKILL);
	die("still alive after SIGKILL");
}

/* Waits that block: a timed progress with nothing to do, a progress
 * without limit woken by a message, a sleep on the descriptor woken by a
 * large one, each costing (almost) no CPU. */
static void child_idle(int32_t id, int32_t peer_id, int ctl)
{
	struct node n;
	double c0, used;
	int64_t t0;
	int r;

	node_start(&n, id, peer_id, ctl);
	if (lpvm_fabric_fd(n.fab) < 0)
		die("provider %s offers no wait descriptor", lpvm_fabric_provider(n.fab));
	t0 = check_now_ms();
	c0 = cpu_ms();
	r = lpvm_fabric_progress(n.fab, 1000);
	used = cpu_ms() - c0;
	if (r != 0 || check_now_ms() - t0 < 990)
		die("progress(1000) with nothing to do returned %d after %lld ms", r,
		    (long long)(check_now_ms() - t0));
	fprintf(stderr, "%s: idle progress(1000): %.1f ms CPU\n", me, used);
	if (used > 50)
		die("progress(1000) with nothing to do used %.0f ms of CPU", used);

	c0 = cpu_ms();
	t0 = check_now_ms();
	while (n.rx_next < 1)
		if (lpvm_fabric_progress(n.fab, -1) < 0)
			die("progress(-1) failed");
	used = cpu_ms() - c0;
	fprintf(stderr,
	        "%s: progress(-1) woke after %lld ms for a message, %.1f ms CPU\n", me,
	        (long long)(check_now_ms() - t0), used);
	if (used > 50)
		die("blocked progress(-1) used %.0f ms of CPU", used);

	c0 = cpu_ms();
	t0 = check_now_ms();
	while (n.rx_next < 2) {
		struct pollfd pfd = {.fd = lpvm_fabric_fd(n.fab), .events = POLLIN};
		int cap = lpvm_fabric_wait_prepare(n.fab);
		if (cap != 0)
			poll(&pfd, 1, cap);
		lpvm_fabric_progress(n.fab, 0);
		if (check_now_ms() - t0 > 20000)
			die("the large message did not wake the descriptor");
	}
	used = cpu_ms() - c0;
	fprintf(stderr, "%s: poll on the descriptor woke after %lld ms, %.1f ms CPU\n",
	        me, (long long)(check_now_ms() - t0), used);
	if (used > 150)
		die("waiting on the descriptor used %.0f ms of CPU", used);
	node_finish(&n, ctl);
	exit(0);
}

static void child_idle_sender(int32_t id, int32_t peer_id, int ctl)
{
	struct stream s;
	struct node n;
	int code = 0;

	node_start(&n, id, peer_id, ctl);
	stream_init(&s, 17, 2, 1);
	s.use_fixed = 1;
	usleep(1500 * 1000);
	s.fixed = 1;
	while (!stream_post(&n, &s))
		lpvm_fabric_progress(n.fab, 10);
	usleep(500 * 1000);
	s.fixed = MAX_PAYLOAD;
	while (!stream_post(&n, &s))
		lpvm_fabric_progress(n.fab, 10);
	while (s.inflight > 0) {
		lpvm_fabric_progress(n.fab, 100);
		if (stream_reap(&n, &s, &code) > 0)
			die("send failed: %d", code);
	}
	node_finish(&n, ctl);
	exit(0);
}

/* ---- single-process checks ---- */

static int open_with(const char *pvmx_provider, const char *fi_provider, struct node *n,
                     char *why, size_t whylen)
{
	if (pvmx_provider != NULL)
		setenv("PVMX_FABRIC_PROVIDER", pvmx_provider, 1);
	else
		unsetenv("PVMX_FABRIC_PROVIDER");
	if (fi_provider != NULL)
		setenv("FI_PROVIDER", fi_provider, 1);
	else
		unsetenv("FI_PROVIDER");
	return node_open(n, 0x40001, why, whylen);
}

/* Sends one message of size bytes to ourselves and waits for the send. */
static void send_self(struct node *n, uint32_t seq, const uint8_t *payload, size_t size)
{
	struct lpvm_fabric_send *req;
	uint8_t hdr[HDR_LEN];
	struct iovec iov = {.iov_base = (void *)payload, .iov_len = size};
	int r;

	make_hdr(hdr, sizeof(hdr), seq, payload, size);
	r = lpvm_fabric_send_post(n->fab, n->peer, hdr, sizeof(hdr), &iov, 1, &req);
	if (r != 0)
		die("send to ourselves: %d", r);
	if ((size <= 1000) != (req == NULL))
		die("a %zu-byte send %s a request", size,
		    req ? "returned" : "did not return");
	r = lpvm_fabric_wait(n->fab, &req, 10000);
	if (r != 1)
		die("waiting for the send to ourselves: %d", r);
}

/* The tcp provider opens on 127.0.0.1 (else: skip, saying why), and
 * messages to ourselves, small and large, come back whole. */
static void child_probe(void)
{
	char why[512], addr[128];
	struct lpvm_fabric_send *req;
	uint8_t hdr[HDR_LEN] = {0}, *big;
	const void *blob;
	struct iovec iov;
	struct node n;
	size_t len;
	int r;

	r = open_with("tcp", NULL, &n, why, sizeof(why));
	if (r == PvmNotImpl) {
		printf(
		    "SKIP: libfabric's tcp provider cannot open an endpoint on 127.0.0.1 "
		    "here: %s\n",
		    why);
		_exit(SKIP);
	}
	if (r != 0)
		die("lpvm_fabric_open: %d: %s", r, why);
	if (strcmp(lpvm_fabric_provider(n.fab), "tcp;ofi_rxm") != 0)
		die("PVMX_FABRIC_PROVIDER=tcp chose %s", lpvm_fabric_provider(n.fab));
	lpvm_fabric_address_string(n.fab, NULL, 0, addr, sizeof(addr));
	if (strncmp(addr, "fi_sockaddr_in://127.0.0.1:", 27) != 0)
		die("bound to %s, not 127.0.0.1", addr);
	printf("probe: %s at %s, wait descriptor %d\n", lpvm_fabric_provider(n.fab), addr,
	       lpvm_fabric_fd(n.fab));
	lpvm_fabric_address(n.fab, &blob, &len);
	r = lpvm_fabric_peer_add(n.fab, n.id, blob, len, &n.peer, why, sizeof(why));
	if (r != 0)
		die("adding ourselves: %d: %s", r, why);
	n.peer_id = n.id;
	if (lpvm_fabric_peer_find(n.fab, n.id) != n.peer)
		die("lpvm_fabric_peer_find does not find the peer added");
	big = malloc(1u << 20);
	if (big == NULL)
		die("no memory");
	fill(big, 1u << 20, 5);
	send_self(&n, 0, big, 10);
	send_self(&n, 1, big, 1u << 20);
	for (int64_t t = check_now_ms(); n.rx_next < 2 && check_now_ms() - t < 10000;)
		lpvm_fabric_progress(n.fab, 100);
	if (n.rx_next != 2)
		die("got %u of 2 messages sent to ourselves", n.rx_next);
	free(big);
	/* a send larger than max_msg is refused */
	iov.iov_base = hdr;
	iov.iov_len = MAX_MSG;
	r = lpvm_fabric_send_post(n.fab, n.peer, hdr, sizeof(hdr), &iov, 1, &req);
	if (r != PvmBadParam)
		die("a send of more than max_msg: %d, expected PvmBadParam", r);
	lpvm_fabric_close(n.fab);
	exit(0);
}

/* How PVMX_FABRIC_PROVIDER and FI_PROVIDER choose (one case per process:
 * libfabric reads FI_PROVIDER once). */
static void child_provider(const char *pvmx_provider, const char *fi_provider, int expect,
                           const char *expect_provider, const char *expect_why)
{
	char why[512];
	struct node n;
	int r;

	r = open_with(pvmx_provider, fi_provider, &n, why, sizeof(why));
	if (r != expect)
		die("PVMX_FABRIC_PROVIDER=%s FI_PROVIDER=%s: %d (%s), expected %d",
		    pvmx_provider ? pvmx_provider : "(unset)",
		    fi_provider ? fi_provider : "(unset)", r, why, expect);
	if (r == 0 && expect_provider != NULL &&
	    strstr(expect_provider, lpvm_fabric_provider(n.fab)) == NULL)
		die("chose %s, expected one of %s", lpvm_fabric_provider(n.fab),
		    expect_provider);
	if (r != 0 && (why[0] == '\0' || (expect_why && strstr(why, expect_why) == NULL)))
		die("reason \"%s\" does not say \"%s\"", why, expect_why);
	printf("  PVMX_FABRIC_PROVIDER=%s FI_PROVIDER=%s: %s\n",
	       pvmx_provider ? pvmx_provider : "(unset)",
	       fi_provider ? fi_provider : "(unset)",
	       r == 0 ? lpvm_fabric_provider(n.fab) : why);
	if (r == 0)
		lpvm_fabric_close(n.fab);
	exit(0);
}

/* rxm's eager limit: set by the library to the landing size unless the
 * user's environment sets one (bulk payloads up to that size then land;
 * a user's smaller value means rxm's rendezvous); the user's value stays
 * as set; messages to ourselves arrive whole either way. */
static void child_eager_limit(const char *user_value)
{
	char why[512], want[32];
	const void *blob;
	const char *v;
	uint8_t *big;
	struct node n;
	size_t len;
	int r;

	if (user_value != NULL)
		setenv("FI_OFI_RXM_EAGER_LIMIT", user_value, 1);
	else
		unsetenv("FI_OFI_RXM_EAGER_LIMIT");
	r = open_with("tcp", NULL, &n, why, sizeof(why));
	if (r != 0)
		die("lpvm_fabric_open: %d: %s", r, why);
	snprintf(want, sizeof(want), "%u", LAND_SIZE);
	v = getenv("FI_OFI_RXM_EAGER_LIMIT");
	if (v == NULL || strcmp(v, user_value != NULL ? user_value : want) != 0)
		die("FI_OFI_RXM_EAGER_LIMIT is %s after open, expected %s",
		    v ? v : "(unset)", user_value != NULL ? user_value : want);
	if (lpvm_fabric_landing(n.fab) != (strcmp(v, want) == 0))
		die("landing buffers %s with FI_OFI_RXM_EAGER_LIMIT=%s",
		    lpvm_fabric_landing(n.fab) ? "used" : "not used", v ? v : "(unset)");
	printf("  FI_OFI_RXM_EAGER_LIMIT=%s: %s\n", v ? v : "(unset)",
	       lpvm_fabric_landing(n.fab) ? "landing buffers" : "rxm's rendezvous");
	lpvm_fabric_address(n.fab, &blob, &len);
	r = lpvm_fabric_peer_add(n.fab, n.id, blob, len, &n.peer, why, sizeof(why));
	if (r != 0)
		die("adding ourselves: %d: %s", r, why);
	n.peer_id = n.id;
	big = malloc(LAND_SIZE + 1);
	if (big == NULL)
		die("no memory");
	fill(big, LAND_SIZE + 1, 9);
	send_self(&n, 0, big, 200000);
	send_self(&n, 1, big, LAND_SIZE);
	send_self(&n, 2, big, LAND_SIZE + 1);
	for (int64_t t = check_now_ms(); n.rx_next < 3 && check_now_ms() - t < 10000;)
		lpvm_fabric_progress(n.fab, 100);
	if (n.rx_next != 3)
		die("got %u of 3 messages sent to ourselves", n.rx_next);
	free(big);
	lpvm_fabric_close(n.fab);
	exit(0);
}

/* Landing payloads in 1 to 6 pieces, to ourselves, arrive whole: up to
 * the provider's iov_limit (4) straight from the caller's iovecs (rxm's
 * direct send: one sendmsg of its header and the pieces), past it
 * gathered into one copy first. */
static void child_pieces(void)
{
	static const size_t sizes[] = {65537, 1u << 20, LAND_SIZE};
	struct lpvm_fabric_send *req;
	uint8_t hdr[HDR_LEN], *big;
	struct iovec iov[6];
	char why[512];
	const void *blob;
	struct node n;
	uint32_t seq = 0;
	size_t len;
	int r;

	r = open_with("tcp", NULL, &n, why, sizeof(why));
	if (r != 0)
		die("lpvm_fabric_open: %d: %s", r, why);
	if (!lpvm_fabric_landing(n.fab))
		die("no landing buffers with the library's eager limit");
	lpvm_fabric_address(n.fab, &blob, &len);
	r = lpvm_fabric_peer_add(n.fab, n.id, blob, len, &n.peer, why, sizeof(why));
	if (r != 0)
		die("adding ourselves: %d: %s", r, why);
	n.peer_id = n.id;
	big = malloc(LAND_SIZE);
	if (big == NULL)
		die("no memory");
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (int niov = 1; niov <= 6; niov++, seq++) {
			size_t off = 0, size = sizes[k];

			fill(big, size, seq);
			for (int i = 0; i < niov; i++) {
				size_t piece = i == niov - 1 ? size - off : size / niov;

				iov[i].iov_base = big + off;
				iov[i].iov_len = piece;
				off += piece;
			}
			make_hdr(hdr, sizeof(hdr), seq, big, size);
			r = lpvm_fabric_send_post(n.fab, n.peer, hdr, sizeof(hdr), iov,
			                          niov, &req);
			if (r != 0)
				die("posting %zu bytes in %d pieces: %d", size, niov, r);
			r = lpvm_fabric_wait(n.fab, &req, 10000);
			if (r != 1)
				die("sending %zu bytes in %d pieces: %d", size, niov, r);
			for (int64_t t = check_now_ms();
			     n.rx_next <= seq && check_now_ms() - t < 10000;)
				lpvm_fabric_progress(n.fab, 100);
			if (n.rx_next != seq + 1)
				die("%zu bytes in %d pieces did not arrive", size, niov);
		}
	}
	printf("  %u landing payloads of 64 KiB + 1 - 4 MiB + 64 KiB in 1-6 pieces\n",
	       seq);
	free(big);
	lpvm_fabric_close(n.fab);
	exit(0);
}

static void eager_default(void)
{
	child_eager_limit(NULL);
}
static void eager_users(void)
{
	child_eager_limit("65536");
}
static void eager_rendezvous(void)
{
	child_eager_limit("16384");
}
static void eager_landing(void)
{
	char v[32];

	snprintf(v, sizeof(v), "%u", LAND_SIZE);
	child_eager_limit(v);
}

/* Blobs this endpoint cannot talk to are refused with the reason. */
static void child_blobs(void)
{
	char why[512];
	uint8_t bad[512];
	const void *blob;
	struct node n;
	size_t len;
	int r;

	r = open_with("tcp", NULL, &n, why, sizeof(why));
	if (r != 0)
		die("open: %d: %s", r, why);
	lpvm_fabric_address(n.fab, &blob, &len);
	CHECK_EQ("own blob", 0,
	         lpvm_fabric_blob_check(n.fab, blob, len, why, sizeof(why)));
	memcpy(bad, blob, len);
	bad[5] = bad[5] == 'L' ? 'B' : 'L'; /* the other byte order */
	CHECK_EQ("other byte order", PvmMismatch,
	         lpvm_fabric_blob_check(n.fab, bad, len, why, sizeof(why)));
	if (strstr(why, "byte order") == NULL)
		die("byte-order reason: %s", why);
	CHECK_EQ("peer_add, other byte order", PvmMismatch,
	         lpvm_fabric_peer_add(n.fab, 9, bad, len, NULL, why, sizeof(why)));
	memcpy(bad, blob, len);
	bad[22] ^= 0x20; /* the provider name's first letter */
	CHECK_EQ("other provider", PvmMismatch,
	         lpvm_fabric_blob_check(n.fab, bad, len, why, sizeof(why)));
	memcpy(bad, blob, len);
	bad[21] ^= 0x01; /* rxm's eager limit, which rxm checks at connect */
	CHECK_EQ("other rxm eager limit", PvmMismatch,
	         lpvm_fabric_blob_check(n.fab, bad, len, why, sizeof(why)));
	if (strstr(why, "eager limit") == NULL)
		die("eager-limit reason: %s", why);
	CHECK_EQ("truncated", PvmBadMsg,
	         lpvm_fabric_blob_check(n.fab, blob, len - 1, why, sizeof(why)));
	CHECK_EQ("garbage", PvmBadMsg,
	         lpvm_fabric_blob_check(n.fab, "hello, world", 12, why, sizeof(why)));
	CHECK_EQ("id 0", PvmBadParam,
	         lpvm_fabric_peer_add(n.fab, 0, blob, len, NULL, why, sizeof(why)));
	CHECK_EQ("no such peer", 1, lpvm_fabric_peer_find(n.fab, 12345) == NULL);
	lpvm_fabric_close(n.fab);
	exit(failures > 0);
}

/* ---- the parent: forks, bounds and reaps every child ---- */

static pid_t spawn(const char *name)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		me = name;
		alarm(CHILD_LIMIT_SEC);
	}
	return pid;
}

/* Reaps child pid within limit_ms (else kills it): its wait status, or -1
 * when it had to be killed. */
static int reap_flags(pid_t pid, const char *name, int limit_ms, int flags)
{
	int64_t deadline = check_now_ms() + limit_ms;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG | flags);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "waitpid %s: %s\n", name, strerror(errno));
			return -1;
		}
		if (check_now_ms() > deadline) {
			fprintf(stderr,
			        "FAIL: %s (pid %d) still running after %d ms: killed\n",
			        name, (int)pid, limit_ms);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(10000);
	}
}

static int reap(pid_t pid, const char *name, int limit_ms)
{
	return reap_flags(pid, name, limit_ms, 0);
}

static int exited_ok(int status)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void expect_ok(const char *what, int status)
{
	if (exited_ok(status)) {
		printf("ok: %s\n", what);
		return;
	}
	if (status >= 0 && WIFSIGNALED(status))
		fprintf(stderr, "FAIL: %s: killed by signal %d\n", what,
		        WTERMSIG(status));
	else
		fprintf(stderr, "FAIL: %s: exit status %d\n", what,
		        status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	failures++;
}

/* PVMX_TEST_FABRIC_ONLY=word runs only the cases whose name has it. */
static int selected(const char *what)
{
	const char *only = getenv("PVMX_TEST_FABRIC_ONLY");

	return only == NULL || strstr(what, only) != NULL;
}

static void run_single(const char *what, void (*fn)(void))
{
	pid_t pid;

	if (!selected(what))
		return;
	pid = spawn(what);

	if (pid == 0)
		fn();
	expect_ok(what, reap(pid, what, CHILD_LIMIT_SEC * 1000 + 5000));
}

enum pair_kind {
	PAIR_EXCHANGE,
	PAIR_PUSHY,
	PAIR_KILL_RECEIVER,
	PAIR_STOP_RECEIVER,
	PAIR_KILL_SENDER,
	PAIR_IDLE
};

/* Two processes, a (t40001) and b (t80001), joined by a socket for their
 * address blobs; in the kill cases b dies, and a is told through a pipe
 * once b has been reaped (as its daemon would tell it). */
static void run_pair(const char *what, enum pair_kind kind, uint32_t count, uint64_t seed)
{
	const int32_t ida = 0x40001, idb = 0x80001;
	int ctl[2], notice[2], sa, sb;
	pid_t a, b;

	if (!selected(what))
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, ctl) != 0 || pipe(notice) != 0) {
		perror("socketpair/pipe");
		exit(1);
	}
	a = spawn("a");
	if (a == 0) {
		close(ctl[1]);
		close(notice[1]);
		if (kind == PAIR_EXCHANGE)
			child_exchange(ida, idb, ctl[0], count, seed);
		else if (kind == PAIR_PUSHY)
			child_pushy(ida, idb, ctl[0], count);
		else if (kind == PAIR_KILL_RECEIVER || kind == PAIR_STOP_RECEIVER)
			child_survive_receiver(ida, idb, ctl[0], notice[0],
			                       kind == PAIR_STOP_RECEIVER);
		else if (kind == PAIR_KILL_SENDER)
			child_survive_sender(ida, idb, ctl[0], notice[0]);
		else
			child_idle(ida, idb, ctl[0]);
		_exit(2);
	}
	b = spawn("b");
	if (b == 0) {
		close(ctl[0]);
		close(notice[0]);
		close(notice[1]);
		if (kind == PAIR_EXCHANGE)
			child_exchange(idb, ida, ctl[1], count, seed);
		else if (kind == PAIR_PUSHY)
			child_lazy(idb, ida, ctl[1], count);
		else if (kind == PAIR_KILL_RECEIVER || kind == PAIR_STOP_RECEIVER)
			child_victim_receiver(idb, ida, ctl[1],
			                      kind == PAIR_STOP_RECEIVER ? SIGSTOP
			                                                 : SIGKILL);
		else if (kind == PAIR_KILL_SENDER)
			child_victim_sender(idb, ida, ctl[1]);
		else
			child_idle_sender(idb, ida, ctl[1]);
		_exit(2);
	}
	close(ctl[0]);
	close(ctl[1]);
	close(notice[0]);
	if (kind == PAIR_STOP_RECEIVER) {
		/* b stops (alive, silent): only its daemon would know it is to
		 * be given up; a must fail its sends when told, then b goes */
		sb = reap_flags(b, "b", 40000, WUNTRACED);
		if (!(sb >= 0 && WIFSTOPPED(sb))) {
			fprintf(stderr, "FAIL: %s: the peer did not stop (%d)\n", what,
			        sb);
			failures++;
		}
		send_notice(notice[1]);
		sa = reap(a, "a", KILL_DETECT_LIMIT_MS + 20000);
		close(notice[1]);
		kill(b, SIGKILL);
		reap(b, "b", 10000);
		expect_ok(what, sa);
		return;
	}
	if (kind == PAIR_KILL_RECEIVER || kind == PAIR_KILL_SENDER) {
		sb = reap(b, "b", 40000);
		if (!(sb >= 0 && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL)) {
			fprintf(stderr,
			        "FAIL: %s: the victim did not die by SIGKILL (%d)\n",
			        what, sb);
			failures++;
		}
		/* what the daemon would say: the task exited */
		send_notice(notice[1]);
		sa = reap(a, "a", KILL_DETECT_LIMIT_MS + 20000);
		close(notice[1]);
		expect_ok(what, sa);
		return;
	}
	close(notice[1]);
	sa = reap(a, "a", CHILD_LIMIT_SEC * 1000 + 5000);
	sb = reap(b, "b", CHILD_LIMIT_SEC * 1000 + 5000);
	expect_ok(what, exited_ok(sa) ? sb : sa);
}

static void probe_default(void)
{
	child_provider(NULL, NULL, 0, "verbs;ofi_rxm tcp;ofi_rxm", NULL);
}
static void probe_bogus(void)
{
	child_provider("bogus", NULL, PvmNotImpl, NULL, "bogus");
}
static void probe_none(void)
{
	child_provider("none", NULL, PvmNotImpl, NULL, "none");
}
static void probe_fi_tcp(void)
{
	child_provider(NULL, "tcp", 0, "tcp;ofi_rxm", NULL);
}
static void probe_fi_bogus(void)
{
	child_provider(NULL, "bogus", PvmNotImpl, NULL, "fi_getinfo");
}

int main(void)
{
	uint32_t count = env_count("PVMX_TEST_FABRIC_COUNT", 2000);
	uint64_t seed = env_count("PVMX_TEST_FABRIC_SEED", (uint32_t)time(NULL));
	int status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* a write to a child that has exited is an error to report (EPIPE),
	 * not a signal that ends the test */
	signal(SIGPIPE, SIG_IGN);
	/* the parent never touches libfabric: its children do */
	pid = spawn("probe");
	if (pid == 0)
		child_probe();
	status = reap(pid, "probe", 30000);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == SKIP)
		return SKIP;
	expect_ok("tcp;ofi_rxm on 127.0.0.1, messages to ourselves", status);
	if (failures > 0)
		return 1;

	run_single("default provider choice", probe_default);
	run_single("PVMX_FABRIC_PROVIDER=bogus: unavailable", probe_bogus);
	run_single("PVMX_FABRIC_PROVIDER=none: unavailable", probe_none);
	run_single("FI_PROVIDER=tcp: tcp;ofi_rxm", probe_fi_tcp);
	run_single("FI_PROVIDER=bogus: unavailable", probe_fi_bogus);
	run_single("address blobs of another byte order or provider refused",
	           child_blobs);
	run_single("rxm's eager limit: the landing size by default, landing",
	           eager_default);
	run_single("rxm's eager limit: the user's own stays", eager_users);
	run_single("rxm's eager limit of libfabric's default: no landing",
	           eager_rendezvous);
	run_single("rxm's eager limit of the landing size: landing", eager_landing);
	run_single("landing payloads in 1-6 pieces arrive whole", child_pieces);

	setenv("PVMX_FABRIC_PROVIDER", "tcp", 1);
	unsetenv("FI_PROVIDER");
	printf("exchange: %u messages each way, seed %llu (PVMX_TEST_FABRIC_SEED)\n",
	       count, (unsigned long long)seed);
	run_pair("both ways at once, random sizes 0 B - 4 MiB, in order, checksummed",
	         PAIR_EXCHANGE, count, seed);
	/* the same without landing (bulk payloads by rxm's rendezvous) */
	setenv("FI_OFI_RXM_EAGER_LIMIT", "16384", 1);
	run_pair("the same without landing (FI_OFI_RXM_EAGER_LIMIT=16384)", PAIR_EXCHANGE,
	         count / 4, seed + 1);
	unsetenv("FI_OFI_RXM_EAGER_LIMIT");
	run_pair("a receiver that does not read makes posts say AGAIN", PAIR_PUSHY, 8000,
	         0);
	run_pair("a receiver killed mid-transfer: the sender gets an error",
	         PAIR_KILL_RECEIVER, 0, 0);
	run_pair("a receiver stopped mid-transfer, then declared gone: its sends fail",
	         PAIR_STOP_RECEIVER, 0, 0);
	run_pair("a sender killed mid-transfer: the receiver gets an error",
	         PAIR_KILL_SENDER, 0, 0);
	run_pair("blocking waits sleep and wake", PAIR_IDLE, 0, 0);
	return failures > 0;
}

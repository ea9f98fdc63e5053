/*
 * shm_ring.c - ping-pong between two processes through the shared-memory
 * transport alone (libpvm/shm.h), no daemon: what the direct path costs
 * before the library's own work.  Each message is a 32-byte header (a
 * frame header's size) and the payload; the partner, a forked child,
 * echoes each one back from the buffer it received it in.
 * Usage: bench_shm_ring [-c] [-e EAGER] [-s SPIN_NS] [-m MAX_NS] [SIZE...]
 *   -c        stream large messages through the ring (no process_vm_readv)
 *   -e EAGER  eager limit in bytes (default SHM_DEFAULT_EAGER)
 *   -s NS     spin before sleeping (default SHM_DEFAULT_SPIN_NS)
 *   -m NS     the most the spin grows to (default SHM_DEFAULT_SPIN_MAX_NS)
 *   SIZE      payload sizes (default 1 B to 4 MiB, powers of 4, and 1 MiB)
 * Prints a table and one machine-readable line per size:
 *   PINGPONG impl=shm_ring route=R bytes=N iters=K half_rtt_us=X mbps=Y
 * where half_rtt_us is half the mean round trip and mbps is N bytes over
 * half a round trip, in 10^6 bytes per second.
 */
#include "shm.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HDR_BYTES 32
#define WARMUP 200
#define MAX_ITERS 200000
#define MIN_ITERS 20
#define TIME_BUDGET_S 1.0

struct end {
	char region[64];
	char bell[128];
	int32_t tid;
	struct shm_ep *ep;
	struct shm_peer *peer;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int r)
{
	fprintf(stderr, "bench_shm_ring: %s: %s\n", what, shm_strerror(r));
	exit(1);
}

/* Sends hdr + len bytes of buf, progressing receives never (the partner
 * answers only once it has it all). */
static void send_one(struct end *e, uint8_t hdr[HDR_BYTES], void *buf, size_t len)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	int r;

	while ((r = shm_peer_send(e->peer, hdr, HDR_BYTES, &iov, 1)) == SHM_AGAIN)
		shm_wait(e->ep, &e->peer, 1, NULL, 0, 1000);
	while (r == SHM_INPROGRESS) {
		r = shm_peer_test(e->peer);
		if (r == SHM_INPROGRESS)
			shm_wait(e->ep, &e->peer, 1, NULL, 0, 1000);
	}
	if (r != SHM_OK)
		die("send", r);
}

static void recv_one(struct end *e, struct shm_msg *m)
{
	int r;

	while ((r = shm_ep_recv(e->ep, m)) == 0)
		if (shm_wait(e->ep, NULL, 0, NULL, 0, 10000) == 0 &&
		    !shm_peer_alive(e->peer))
			die("recv", SHM_EPEER);
	if (r < 0)
		die("recv", r);
}

static void open_end(struct end *self, const struct end *other, int cma, long eager,
                     long spin, long spin_max)
{
	int r = shm_ep_open(self->region, self->tid, self->bell, &self->ep);

	if (r != SHM_OK)
		die("open own region", r);
	shm_ep_set_spin(self->ep, spin, spin_max);
	r = shm_peer_open(self->ep, other->region, &self->peer);
	if (r != SHM_OK)
		die("open peer", r);
	shm_peer_set_cma(self->peer, cma);
	if (eager >= 0)
		shm_peer_set_eager(self->peer, (size_t)eager);
}

static void close_end(struct end *e)
{
	shm_peer_close(e->peer);
	shm_ep_close(e->ep);
}

/* The partner: echo until a message with the header's first byte 'q'. */
static void partner(struct end *self)
{
	for (;;) {
		struct shm_msg m;

		recv_one(self, &m);
		if (m.hdr[0] == 'q') {
			free(m.payload);
			break;
		}
		send_one(self, m.hdr, m.payload, m.len);
		free(m.payload);
	}
	close_end(self);
	exit(0);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	size_t sizes[64];
	int nsizes = 0, cma = 1, opt, i, st;
	long eager = -1, spin = SHM_DEFAULT_SPIN_NS, spin_max = SHM_DEFAULT_SPIN_MAX_NS;
	char dir[] = "/tmp/bench_shm.XXXXXX";
	struct end a = {.tid = 1}, b = {.tid = 2};
	uint8_t hdr[HDR_BYTES] = {0};
	size_t maxsize = 0;
	uint8_t *buf;
	pid_t pid;

	while ((opt = getopt(argc, argv, "ce:m:s:")) != -1) {
		switch (opt) {
		case 'c':
			cma = 0;
			break;
		case 'e':
			eager = atol(optarg);
			break;
		case 's':
			spin = atol(optarg);
			break;
		case 'm':
			spin_max = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: bench_shm_ring [-c] [-e EAGER] [-s "
			                "SPIN_NS] [-m MAX_NS] "
			                "[SIZE...]\n");
			return 2;
		}
	}
	for (i = optind; i < argc && nsizes < 64; i++)
		sizes[nsizes++] = (size_t)strtoul(argv[i], NULL, 0);
	if (nsizes == 0) {
		size_t s;

		sizes[nsizes++] = 0;
		for (s = 1; s <= 4u << 20; s *= 4)
			sizes[nsizes++] = s;
		sizes[nsizes++] = 1u << 20;
		qsort(sizes, (size_t)nsizes, sizeof(sizes[0]), cmp_size);
	}
	for (i = 0; i < nsizes; i++)
		if (sizes[i] > maxsize)
			maxsize = sizes[i];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(a.region, sizeof(a.region), "/pvmx.bench.%d.a", (int)getpid());
	snprintf(b.region, sizeof(b.region), "/pvmx.bench.%d.b", (int)getpid());
	snprintf(a.bell, sizeof(a.bell), "%s/a", dir);
	snprintf(b.bell, sizeof(b.bell), "%s/b", dir);
	if ((st = shm_region_create(a.region, a.tid, 2, SHM_DEFAULT_RING)) != SHM_OK ||
	    (st = shm_region_create(b.region, b.tid, 2, SHM_DEFAULT_RING)) != SHM_OK) {
		shm_region_unlink(a.region);
		rmdir(dir);
		die("create regions", st);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		open_end(&b, &a, cma, eager, spin, spin_max);
		partner(&b);
	}
	open_end(&a, &b, cma, eager, spin, spin_max);
	buf = malloc(maxsize > 0 ? maxsize : 1);
	if (buf == NULL)
		die("malloc", SHM_ENOMEM);
	memset(buf, 0x5a, maxsize);

	printf("%10s %8s %12s %10s\n", "bytes", "iters", "half_rtt_us", "MB/s");
	for (i = 0; i < nsizes; i++) {
		size_t len = sizes[i];
		double t0, dt, half;
		int k, iters = 0;

		for (k = 0; k < WARMUP; k++) {
			struct shm_msg m;

			send_one(&a, hdr, buf, len);
			recv_one(&a, &m);
			free(m.payload);
		}
		t0 = now_s();
		do {
			struct shm_msg m;

			send_one(&a, hdr, buf, len);
			recv_one(&a, &m);
			if (m.len != len)
				die("echo length", SHM_EPEER);
			free(m.payload);
			iters++;
		} while (iters < MAX_ITERS &&
		         (iters < MIN_ITERS || now_s() - t0 < TIME_BUDGET_S));
		dt = now_s() - t0;
		half = dt / iters / 2 * 1e6;
		printf("%10zu %8d %12.3f %10.1f\n", len, iters, half,
		       half > 0 ? (double)len / half : 0.0);
		printf(
		    "PINGPONG impl=shm_ring route=%s bytes=%zu iters=%d half_rtt_us=%.3f "
		    "mbps=%.1f\n",
		    cma ? "shm" : "shm-chunked", len, iters, half,
		    half > 0 ? (double)len / half : 0.0);
		fflush(stdout);
	}
	hdr[0] = 'q';
	send_one(&a, hdr, buf, 0);
	free(buf);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "bench_shm_ring: partner failed\n");
	close_end(&a);
	shm_region_unlink(a.region);
	shm_region_unlink(b.region);
	rmdir(dir);
	return 0;
}

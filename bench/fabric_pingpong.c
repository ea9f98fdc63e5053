/*
 * fabric_pingpong.c - ping-pong between two processes over the libfabric
 * route (lpvm_fabric) on one address, as the library would use it: each
 * message a 36-byte header and its payload.  Prints a table (latency, and
 * bandwidth as size / half the round trip, NetPIPE's way), each figure the
 * median of several trials, and one machine-readable line.
 *
 *   bench_fabric_pingpong [-a address] [-t trials] [-b] [-p] [-s size]...
 *   -b: blocking waits (lpvm_fabric_progress(-1)) instead of spinning;
 *   -p: pin the two processes to CPUs 0 and 1.
 * PVMX_FABRIC_PROVIDER / FI_PROVIDER choose the provider (default: as
 * lpvm_fabric_open chooses).
 */
#include "lpvm_fabric.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HDR_LEN 36
#define MAX_SIZES 32
#define MAX_TRIALS 15

static struct {
	void *payload; /* the last message's payload, until taken */
	size_t len;
	int last; /* its header says: the last one */
	int failed;
} inbox;

static int blocking, pin;

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pin && sched_setaffinity(0, sizeof(set), &set) != 0)
		perror("fabric_pingpong: sched_setaffinity");
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Keeps the payload; the header (gone after the call) only says whether
 * this is the last message. */
static void on_deliver(void *arg, int32_t src, const void *hdr, size_t hdr_len,
                       void *payload, size_t len)
{
	(void)arg;
	(void)src;
	if (inbox.payload != NULL) {
		fprintf(stderr, "fabric_pingpong: two messages at once\n");
		exit(1);
	}
	if (hdr_len != HDR_LEN) {
		fprintf(stderr, "fabric_pingpong: a header of %zu bytes, %d sent\n",
		        hdr_len, HDR_LEN);
		exit(1);
	}
	inbox.payload = payload;
	inbox.len = len;
	inbox.last = ((const uint8_t *)hdr)[0] == 1;
}

static void on_peer_error(void *arg, int32_t peer, int code, const char *why)
{
	(void)arg;
	fprintf(stderr, "fabric_pingpong: peer t%x failed (%d): %s\n", (unsigned)peer,
	        code, why);
	inbox.failed = 1;
}

static void fail(const char *what, int r, const char *why)
{
	fprintf(stderr, "fabric_pingpong: %s: %d%s%s\n", what, r, why ? ": " : "",
	        why ? why : "");
	exit(1);
}

/* Waits for the next message and frees it; returns its payload's length. */
static size_t receive(struct lpvm_fabric *fab)
{
	while (inbox.payload == NULL) {
		if (inbox.failed)
			exit(1);
		if (lpvm_fabric_progress(fab, blocking ? -1 : 0) < 0)
			fail("lpvm_fabric_progress", -1, NULL);
	}
	free(inbox.payload);
	inbox.payload = NULL;
	return inbox.len;
}

static void send_msg(struct lpvm_fabric *fab, struct lpvm_fabric_peer *peer,
                     const uint8_t *hdr, uint8_t *payload, size_t size)
{
	struct iovec iov = {.iov_base = payload, .iov_len = size};
	struct lpvm_fabric_send *req;
	int r;

	while ((r = lpvm_fabric_send_post(fab, peer, hdr, HDR_LEN, &iov, 1, &req)) ==
	       LPVM_FABRIC_AGAIN)
		lpvm_fabric_progress(fab, 0);
	if (r != 0)
		fail("lpvm_fabric_send_post", r, NULL);
	while ((r = lpvm_fabric_send_test(fab, &req)) == 0)
		if (lpvm_fabric_progress(fab, blocking ? -1 : 0) < 0)
			fail("lpvm_fabric_progress", -1, NULL);
	if (r != 1)
		fail("send", r, NULL);
}

static void write_full(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		fail("write", errno, strerror(errno));
}

static void read_full(int fd, void *p, size_t n)
{
	uint8_t *b = p;

	while (n > 0) {
		ssize_t k = read(fd, b, n);
		if (k <= 0)
			fail("read", errno, k == 0 ? "end of file" : strerror(errno));
		b += k;
		n -= (size_t)k;
	}
}

/* Opens the endpoint as id and enters the other process (over ctl). */
static struct lpvm_fabric *start(int32_t id, int32_t peer_id, const char *addr, int ctl,
                                 struct lpvm_fabric_peer **peer)
{
	struct lpvm_fabric_config cfg = {
	    .self_id = id,
	    .local_addr = addr,
	    .max_msg = (size_t)1 << 30,
	    .deliver = on_deliver,
	    .peer_error = on_peer_error,
	};
	struct lpvm_fabric *fab;
	uint8_t other[512];
	const void *blob;
	char why[512];
	size_t len;
	uint32_t n;
	int r;

	r = lpvm_fabric_open(&cfg, &fab, why, sizeof(why));
	if (r != 0)
		fail("lpvm_fabric_open", r, why);
	lpvm_fabric_address(fab, &blob, &len);
	n = (uint32_t)len;
	write_full(ctl, &n, 4);
	write_full(ctl, blob, len);
	read_full(ctl, &n, 4);
	if (n > sizeof(other))
		fail("address blob too long", (int)n, NULL);
	read_full(ctl, other, n);
	r = lpvm_fabric_peer_add(fab, peer_id, other, n, peer, why, sizeof(why));
	if (r != 0)
		fail("lpvm_fabric_peer_add", r, why);
	return fab;
}

static int iterations(size_t size)
{
	size_t n = ((size_t)64 << 20) / (size + 64);

	return n > 5000 ? 5000 : n < 20 ? 20 : (int)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const size_t default_sizes[] = {1,     64,     1024,    8192,   16384,
	                                       65536, 262144, 1048576, 4194304};
	size_t sizes[MAX_SIZES], max_size = 0;
	const char *addr = "127.0.0.1";
	double rtt[MAX_SIZES][MAX_TRIALS];
	struct lpvm_fabric_peer *peer;
	struct lpvm_fabric *fab;
	uint8_t hdr[HDR_LEN] = {0}, *payload;
	int nsizes = 0, trials = 5, ctl[2], c, i, t, k, status;
	double lat1 = 0, bw1m = 0;
	pid_t pid;

	while ((c = getopt(argc, argv, "a:t:bps:")) != -1) {
		if (c == 'a')
			addr = optarg;
		else if (c == 't')
			trials = atoi(optarg);
		else if (c == 'b')
			blocking = 1;
		else if (c == 'p')
			pin = 1;
		else if (c == 's' && nsizes < MAX_SIZES)
			sizes[nsizes++] = strtoul(optarg, NULL, 0);
		else {
			fprintf(
			    stderr,
			    "usage: %s [-a address] [-t trials] [-b] [-p] [-s size]...\n",
			    argv[0]);
			return 2;
		}
	}
	if (trials < 1 || trials > MAX_TRIALS)
		trials = 5;
	if (nsizes == 0)
		for (nsizes = 0;
		     nsizes < (int)(sizeof(default_sizes) / sizeof(default_sizes[0]));
		     nsizes++)
			sizes[nsizes] = default_sizes[nsizes];
	for (i = 0; i < nsizes; i++)
		if (sizes[i] > max_size)
			max_size = sizes[i];
	payload = calloc(1, max_size + 1);
	if (payload == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, ctl) != 0)
		fail("setup", errno, strerror(errno));

	pid = fork();
	if (pid < 0)
		fail("fork", errno, strerror(errno));
	if (pid == 0) {
		/* pong: sends back whatever size arrives, until the last */
		close(ctl[0]);
		pin_to(1);
		fab = start(0x80001, 0x40001, addr, ctl[1], &peer);
		do {
			size_t len = receive(fab);
			send_msg(fab, peer, hdr, payload, len);
		} while (!inbox.last);
		c = 'x';
		write_full(ctl[1], &c, 1);
		read_full(ctl[1], &c, 1);
		lpvm_fabric_close(fab);
		_exit(0);
	}
	close(ctl[1]);
	pin_to(0);
	fab = start(0x40001, 0x80001, addr, ctl[0], &peer);
	for (i = 0; i < nsizes; i++) {
		int n = iterations(sizes[i]);
		for (k = 0; k < n / 10 + 2; k++) { /* warm-up */
			send_msg(fab, peer, hdr, payload, sizes[i]);
			receive(fab);
		}
		for (t = 0; t < trials; t++) {
			double t0 = now_us();
			for (k = 0; k < n; k++) {
				send_msg(fab, peer, hdr, payload, sizes[i]);
				receive(fab);
			}
			rtt[i][t] = (now_us() - t0) / n;
		}
	}
	hdr[0] = 1; /* the last one */
	send_msg(fab, peer, hdr, payload, 0);
	receive(fab);
	read_full(ctl[0], &c, 1);
	write_full(ctl[0], &c, 1);

	printf("# fabric_pingpong: %s at %s, %s waits%s, %d-byte header, median of %d "
	       "trials\n",
	       lpvm_fabric_provider(fab), addr, blocking ? "blocking" : "spinning",
	       pin ? ", pinned to CPUs 0 and 1" : "", HDR_LEN, trials);
	printf("%10s %12s %12s %14s\n", "bytes", "latency_us", "min_us",
	       "bandwidth_MB/s");
	for (i = 0; i < nsizes; i++) {
		double med, lat, bw;
		qsort(rtt[i], (size_t)trials, sizeof(double), cmp_double);
		med = rtt[i][trials / 2];
		lat = med / 2;
		bw = (double)sizes[i] / lat; /* bytes per microsecond = MB/s */
		printf("%10zu %12.2f %12.2f %14.1f\n", sizes[i], lat, rtt[i][0] / 2, bw);
		if (sizes[i] == 1)
			lat1 = lat;
		if (sizes[i] == 1048576)
			bw1m = bw;
	}
	printf("RESULT bench=fabric_pingpong provider=%s waits=%s lat_1B_us=%.2f "
	       "bw_1MiB_MBps=%.1f trials=%d\n",
	       lpvm_fabric_provider(fab), blocking ? "blocking" : "spinning", lat1, bw1m,
	       trials);
	lpvm_fabric_close(fab);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		fail("the pong process", status, NULL);
	return 0;
}

/*
 * pingpong.c - ping-pong benchmark between two tasks, one source for pvmx
 * and PVM 3.4.6: the first task spawns its partner on HOST (PvmTaskHost)
 * and bounces PvmDataRaw byte messages off it, timing round trips.
 * Usage: bench_pingpong HOST [direct] [IMPL]
 *   direct  pvm_setopt(PvmRoute, PvmRouteDirect) in both tasks
 *   IMPL    the name printed in impl= (default "pvmx")
 * Prints one machine-readable line per message size:
 *   PINGPONG impl=I route=R bytes=N iters=K half_rtt_us=X mbps=Y
 * where half_rtt_us is half the mean round trip and mbps is N bytes over
 * half a round trip, in 10^6 bytes per second.  The partner is the same
 * program, started with the argument "-partner".
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TAG_DATA 1
#define TAG_QUIT 2
#define MAX_BYTES (4 << 20)

/* Sizes, their warm-up and timed iterations; a size's timed loop also stops
 * after TIME_BUDGET_S once it has done MIN_ITERS, so slow routes finish. */
static const struct {
	int bytes, warmup, iters;
} sizes[] = {
    {1, 100, 2000},   {8, 100, 2000},    {1024, 100, 2000},
    {65536, 20, 500}, {1 << 20, 5, 100}, {4 << 20, 3, 40},
};
#define MIN_ITERS 10
#define TIME_BUDGET_S 3.0

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The length travels in the message: pvm_bufinfo's byte count is the
 * packed size, which need not be the payload's (pvmx counts its per-item
 * headers). */
static int send_bytes(int tid, int tag, char *buf, int len)
{
	pvm_initsend(PvmDataRaw);
	pvm_pkint(&len, 1, 1);
	if (len > 0)
		pvm_pkbyte(buf, len, 1);
	return pvm_send(tid, tag);
}

/* Unpacks a message of send_bytes into buf; its length, or -1. */
static int recv_bytes(char *buf)
{
	int len;

	if (pvm_upkint(&len, 1, 1) < 0 || len < 0 || len > MAX_BYTES)
		return -1;
	if (len > 0 && pvm_upkbyte(buf, len, 1) < 0)
		return -1;
	return len;
}

/* The partner: echo each data message back to its sender until told to quit. */
static int partner(char *buf)
{
	int ptid = pvm_parent();

	for (;;) {
		int bufid = pvm_recv(ptid, -1), len, tag, src;

		if (bufid < 0 || pvm_bufinfo(bufid, &len, &tag, &src) < 0)
			return 1;
		if (tag == TAG_QUIT)
			return 0;
		len = recv_bytes(buf);
		if (len < 0 || send_bytes(ptid, TAG_DATA, buf, len) < 0)
			return 1;
	}
}

/* One round trip of LEN bytes with TID; 0 or -1. */
static int round_trip(int tid, char *buf, int len)
{
	if (send_bytes(tid, TAG_DATA, buf, len) < 0 || pvm_recv(tid, TAG_DATA) < 0)
		return -1;
	return recv_bytes(buf) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	char *buf = malloc(MAX_BYTES);
	const char *host = argc > 1 ? argv[1] : NULL;
	int direct = argc > 2 && strcmp(argv[2], "direct") == 0;
	const char *impl = argc > 3 ? argv[3] : "pvmx";
	char *args[] = {"-partner", direct ? "direct" : NULL, NULL};
	int tid, rc = 0;

	if (buf == NULL || pvm_mytid() < 0)
		return 1;
	memset(buf, 'x', MAX_BYTES);
	if (host != NULL && strcmp(host, "-partner") == 0) {
		if (direct)
			pvm_setopt(PvmRoute, PvmRouteDirect);
		rc = partner(buf);
		pvm_exit();
		return rc;
	}
	if (host == NULL) {
		fprintf(stderr, "usage: bench_pingpong HOST [direct] [IMPL]\n");
		pvm_exit();
		return 2;
	}
	if (direct)
		pvm_setopt(PvmRoute, PvmRouteDirect);
	if (pvm_spawn("bench_pingpong", args, PvmTaskHost, (char *)host, 1, &tid) != 1) {
		fprintf(stderr, "pvm_spawn on %s failed: %d\n", host, tid);
		pvm_exit();
		return 1;
	}
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]) && rc == 0; s++) {
		int len = sizes[s].bytes, k;
		double t0, t;

		for (k = 0; k < sizes[s].warmup && rc == 0; k++)
			rc = round_trip(tid, buf, len);
		t0 = now_s();
		for (k = 0; k < sizes[s].iters && rc == 0; k++) {
			rc = round_trip(tid, buf, len);
			if (k + 1 >= MIN_ITERS && now_s() - t0 > TIME_BUDGET_S) {
				k++;
				break;
			}
		}
		t = now_s() - t0;
		if (rc != 0) {
			fprintf(stderr, "round trip of %d bytes failed\n", len);
			break;
		}
		printf("PINGPONG impl=%s route=%s bytes=%d iters=%d half_rtt_us=%.2f "
		       "mbps=%.2f\n",
		       impl, direct ? "direct" : "daemon", len, k, t / k / 2 * 1e6,
		       len / (t / k / 2) / 1e6);
		fflush(stdout);
	}
	send_bytes(tid, TAG_QUIT, buf, 0);
	pvm_exit();
	free(buf);
	return rc == 0 ? 0 : 1;
}

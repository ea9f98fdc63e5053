/*
 * pingpong.c - message benchmark between two tasks, one source for pvmx
 * and PVM 3.4.6: the first task spawns its partner and measures, per size
 * of bench/pingpong_plan.h, ping-pong latency, streaming bandwidth (a
 * window of back-to-back sends, then one ack) and the message rate at
 * 8 bytes.  Messages are the length (one int), then the bytes, packed
 * PvmDataRaw unless -e says otherwise.
 *
 * Usage: bench_pingpong [-s] [-r ROUTE] [-e ENCODING] [-i IMPL] [HOST]
 *   -s        short: the 1-byte ping-pong and the 8-byte message rate only
 *             (bench/run-trace-cost.sh)
 *   -r ROUTE  default (no pvm_setopt), dontroute (PvmDontRoute) or direct
 *             (PvmRouteDirect), set in both tasks before any message
 *   -e ENC    raw (PvmDataRaw, the default), default (PvmDataDefault) or
 *             inplace (PvmDataInPlace), in both tasks
 *   -i IMPL   the name printed in impl= (default "pvmx")
 *   HOST      where the partner runs (PvmTaskHost); without it, wherever
 *             the machine puts it (PvmTaskDefault)
 * Prints pingpong_plan.h's PINGPONG, STREAM and MSGRATE lines.  The
 * partner is the same program, started with "-partner ROUTE": it echoes
 * pings, swallows streamed messages and acks the last of each window,
 * so it needs no copy of the schedule.
 */
#include "pingpong_plan.h"

#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TAG_PING = 1, TAG_STREAM, TAG_STREAM_LAST, TAG_ACK, TAG_QUIT };

/* The length travels in the message: pvm_bufinfo's byte count is the
 * packed size, which need not be the payload's (pvmx counts its per-item
 * headers). */
static int encoding = PvmDataRaw;

static int send_bytes(int tid, int tag, char *buf, int len)
{
	pvm_initsend(encoding);
	pvm_pkint(&len, 1, 1);
	if (len > 0)
		pvm_pkbyte(buf, len, 1);
	return pvm_send(tid, tag);
}

/* Unpacks a message of send_bytes into buf; its length, or -1. */
static int recv_bytes(char *buf)
{
	int len;

	if (pvm_upkint(&len, 1, 1) < 0 || len < 0 || len > PLAN_MAX_BYTES)
		return -1;
	if (len > 0 && pvm_upkbyte(buf, len, 1) < 0)
		return -1;
	return len;
}

/* The route option of a -r/-partner argument; -1 if unknown, 0 for the
 * library's default (no pvm_setopt). */
static int route_option(const char *name)
{
	if (strcmp(name, "default") == 0)
		return 0;
	if (strcmp(name, "dontroute") == 0)
		return PvmDontRoute;
	if (strcmp(name, "direct") == 0)
		return PvmRouteDirect;
	return -1;
}

/* The partner: serve the measuring task until told to quit. */
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
		if (len < 0)
			return 1;
		if (tag == TAG_PING && send_bytes(ptid, TAG_PING, buf, len) < 0)
			return 1;
		if (tag == TAG_STREAM_LAST && send_bytes(ptid, TAG_ACK, buf, 0) < 0)
			return 1;
	}
}

/* One round trip of LEN bytes with TID; 0 or -1. */
static int round_trip(int tid, char *buf, int len, int window)
{
	(void)window;
	if (send_bytes(tid, TAG_PING, buf, len) < 0 || pvm_recv(tid, TAG_PING) < 0)
		return -1;
	return recv_bytes(buf) == len ? 0 : -1;
}

/* One window of WINDOW messages of LEN bytes to TID, then its ack; 0 or -1. */
static int stream_window(int tid, char *buf, int len, int window)
{
	for (int w = 0; w < window; w++)
		if (send_bytes(tid, w + 1 < window ? TAG_STREAM : TAG_STREAM_LAST, buf,
		               len) < 0)
			return -1;
	return pvm_recv(tid, TAG_ACK) < 0 ? -1 : 0;
}


/* -s: only the 1-byte ping-pong and the message rate */
static int short_plan;

static int run_all(int tid, char *buf, const char *impl, const char *route)
{
	double secs, best, t0 = plan_now_s();
	int iters, i, len;

	/* routes are set up on first use (a libfabric endpoint, a
	 * shared-memory ring), as MPI's connections are: exchange for a
	 * second first, so that no size's figures include that */
	while (plan_now_s() - t0 < PLAN_SETTLE_S)
		if (round_trip(tid, buf, 1, 1) < 0)
			return -1;

	for (i = 0; i < (short_plan ? 1 : PLAN_COUNT(plan_pingpong_sizes)); i++) {
		len = plan_pingpong_sizes[i];
		if (plan_measure(round_trip, tid, buf, len, 1, &iters, &secs, &best) < 0)
			goto failed;
		plan_print_pingpong(impl, route, len, iters, secs, best);
	}
	for (i = 0; i < (short_plan ? 0 : PLAN_COUNT(plan_stream_sizes)); i++) {
		len = plan_stream_sizes[i];
		if (plan_measure(stream_window, tid, buf, len, plan_window(len), &iters,
		            &secs, &best) < 0)
			goto failed;
		plan_print_stream("STREAM", impl, route, len, plan_window(len), iters,
		                  secs);
	}
	len = PLAN_RATE_BYTES;
	if (plan_measure(stream_window, tid, buf, len, plan_window(len), &iters, &secs, &best) < 0)
		goto failed;
	plan_print_stream("MSGRATE", impl, route, len, plan_window(len), iters, secs);
	return 0;
failed:
	fprintf(stderr, "bench_pingpong: messages of %d bytes failed\n", len);
	return -1;
}

int main(int argc, char **argv)
{
	char *buf = malloc(PLAN_MAX_BYTES);
	const char *route = "default", *impl = "pvmx", *host = NULL;
	const char *enc = "raw";
	char *args[5] = {"-partner", NULL, "-e", NULL, NULL};
	int tid, rc, i, is_partner = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-partner") == 0 && i + 1 < argc) {
			is_partner = 1;
			route = argv[++i];
		} else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			route = argv[++i];
		} else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) {
			impl = argv[++i];
		} else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) {
			enc = argv[++i];
		} else if (strcmp(argv[i], "-s") == 0) {
			short_plan = 1;
		} else if (argv[i][0] != '-' && host == NULL) {
			host = argv[i];
		} else {
			break;
		}
	}
	encoding = strcmp(enc, "default") == 0   ? PvmDataDefault
	           : strcmp(enc, "inplace") == 0 ? PvmDataInPlace
	           : strcmp(enc, "raw") == 0     ? PvmDataRaw
	                                         : -1;
	if (i < argc || route_option(route) < 0 || encoding < 0) {
		fprintf(stderr,
		        "usage: bench_pingpong [-s] [-r default|dontroute|direct] "
		        "[-e raw|default|inplace] [-i IMPL] [HOST]\n");
		return 2;
	}
	if (buf == NULL || pvm_mytid() < 0)
		return 1;
	memset(buf, 'x', PLAN_MAX_BYTES);
	if (route_option(route) > 0)
		pvm_setopt(PvmRoute, route_option(route));
	if (is_partner) {
		rc = partner(buf);
		pvm_exit();
		return rc;
	}
	args[1] = (char *)route;
	args[3] = (char *)enc;
	if (pvm_spawn("bench_pingpong", args, host ? PvmTaskHost : PvmTaskDefault,
	              (char *)(host ? host : ""), 1, &tid) != 1) {
		fprintf(stderr, "bench_pingpong: pvm_spawn on %s failed: %d\n",
		        host ? host : "any host", tid);
		pvm_exit();
		return 1;
	}
	rc = run_all(tid, buf, impl, route);
	send_bytes(tid, TAG_QUIT, buf, 0);
	pvm_exit();
	free(buf);
	return rc == 0 ? 0 : 1;
}

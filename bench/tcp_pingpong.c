/*
 * tcp_pingpong.c - bench/pingpong.c's schedule (bench/pingpong_plan.h)
 * over one plain TCP connection: the raw-TCP baseline measured the way
 * the PVM and MPI programs are (each size's mean over its timed loop),
 * where NetPIPE's NPtcp reports the best (the minimum) of its trials'
 * means.  A message is a 4-byte word (the length, host order; its top
 * bits say "streamed" and "last of a window") then the bytes, sent with
 * blocking send/recv and TCP_NODELAY; the partner echoes a ping and acks
 * a window with a message of length 0.  The same result lines as
 * bench/pingpong.c, with impl=tcp route=tcp.
 *
 * Usage: bench_tcp_pingpong -l [PORT]        the partner: serve one run
 *        bench_tcp_pingpong HOST [PORT]      measure against HOST
 */
#include "pingpong_plan.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT "5003"
/* the length word that tells the partner to stop */
#define LEN_QUIT ((uint32_t)-1)

/* All n bytes, or -1. */
static int send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int recv_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r = recv(fd, p, n, 0);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One message: its length, then its bytes (two sends, as a program that
 * frames its messages does without gathering). */
static int send_msg(int fd, const char *buf, uint32_t len)
{
	if (send_all(fd, &len, sizeof(len)) < 0)
		return -1;
	return len > 0 ? send_all(fd, buf, len) : 0;
}

/* One message into buf; its length, or -1. */
static long recv_msg(int fd, char *buf)
{
	uint32_t len;

	if (recv_all(fd, &len, sizeof(len)) < 0)
		return -1;
	if (len == LEN_QUIT)
		return LEN_QUIT;
	if (len > PLAN_MAX_BYTES || (len > 0 && recv_all(fd, buf, len) < 0))
		return -1;
	return len;
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The bits of a message's first word beside its length: a streamed
 * message (not echoed), and the last of its window (acked). */
#define LEN_STREAM 0x80000000u
#define LEN_LAST 0x40000000u

/* The partner: accepts one connection on port, echoes pings, swallows
 * streamed messages and acks each window, until told to quit. */
static int partner(const char *port, char *buf)
{
	struct addrinfo hints = {
	    .ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
	struct addrinfo *ai;
	int one = 1, lfd, fd;

	if (getaddrinfo(NULL, port, &hints, &ai) != 0)
		return 1;
	lfd = socket(ai->ai_family, ai->ai_socktype, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(lfd, 1) < 0) {
		perror("bench_tcp_pingpong: listen");
		freeaddrinfo(ai);
		return 1;
	}
	freeaddrinfo(ai);
	fd = accept(lfd, NULL, NULL);
	close(lfd);
	if (fd < 0)
		return 1;
	nodelay(fd);
	for (;;) {
		uint32_t word, len;

		if (recv_all(fd, &word, sizeof(word)) < 0)
			return 1;
		if (word == LEN_QUIT)
			break;
		len = word & ~(LEN_STREAM | LEN_LAST);
		if (len > PLAN_MAX_BYTES || (len > 0 && recv_all(fd, buf, len) < 0))
			return 1;
		if (!(word & LEN_STREAM) && send_msg(fd, buf, len) < 0)
			return 1;
		if ((word & LEN_LAST) && send_msg(fd, buf, 0) < 0)
			return 1;
	}
	close(fd);
	return 0;
}

static int round_trip(int fd, char *buf, int len, int window)
{
	(void)window;
	if (send_msg(fd, buf, (uint32_t)len) < 0)
		return -1;
	return recv_msg(fd, buf) == len ? 0 : -1;
}

static int stream_window(int fd, char *buf, int len, int window)
{
	for (int w = 0; w < window; w++) {
		uint32_t word =
		    (uint32_t)len | LEN_STREAM | (w + 1 < window ? 0 : LEN_LAST);

		if (send_all(fd, &word, sizeof(word)) < 0 ||
		    (len > 0 && send_all(fd, buf, (size_t)len) < 0))
			return -1;
	}
	return recv_msg(fd, buf) == 0 ? 0 : -1;
}


static int run_all(int fd, char *buf)
{
	double secs, best;
	int iters, i, len;

	for (i = 0; i < PLAN_COUNT(plan_pingpong_sizes); i++) {
		len = plan_pingpong_sizes[i];
		if (plan_measure(round_trip, fd, buf, len, 1, &iters, &secs, &best) < 0)
			goto failed;
		plan_print_pingpong("tcp", "tcp", len, iters, secs, best);
	}
	for (i = 0; i < PLAN_COUNT(plan_stream_sizes); i++) {
		len = plan_stream_sizes[i];
		if (plan_measure(stream_window, fd, buf, len, plan_window(len), &iters,
		            &secs, &best) < 0)
			goto failed;
		plan_print_stream("STREAM", "tcp", "tcp", len, plan_window(len), iters,
		                  secs);
	}
	len = PLAN_RATE_BYTES;
	if (plan_measure(stream_window, fd, buf, len, plan_window(len), &iters, &secs, &best) < 0)
		goto failed;
	plan_print_stream("MSGRATE", "tcp", "tcp", len, plan_window(len), iters, secs);
	return 0;
failed:
	fprintf(stderr, "bench_tcp_pingpong: messages of %d bytes failed\n", len);
	return -1;
}

int main(int argc, char **argv)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai;
	char *buf = malloc(PLAN_MAX_BYTES);
	uint32_t quit = LEN_QUIT;
	int fd, rc;

	if (buf == NULL)
		return 1;
	memset(buf, 'x', PLAN_MAX_BYTES);
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "-l") == 0) {
		rc = partner(argc == 3 ? argv[2] : DEFAULT_PORT, buf);
		free(buf);
		return rc;
	}
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: bench_tcp_pingpong -l [PORT] | HOST [PORT]\n");
		return 2;
	}
	if (getaddrinfo(argv[1], argc == 3 ? argv[2] : DEFAULT_PORT, &hints, &ai) != 0) {
		fprintf(stderr, "bench_tcp_pingpong: cannot resolve %s\n", argv[1]);
		return 1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		perror("bench_tcp_pingpong: connect");
		freeaddrinfo(ai);
		return 1;
	}
	freeaddrinfo(ai);
	nodelay(fd);
	rc = run_all(fd, buf);
	send_all(fd, &quit, sizeof(quit));
	close(fd);
	free(buf);
	return rc == 0 ? 0 : 1;
}

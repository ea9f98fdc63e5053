/*
 * link_probe.c - a stranger at a daemon's doors, for test_linkport.sh:
 *   drip ADDR PORT SRC MS SECS   connects from SRC and sends the start of
 *                                a TLS record, then one byte every MS:
 *                                "closed T" (ms after connect) or "open"
 *                                after SECS
 *   hold ADDR PORT N MS SECS SRC...  opens N connections from each SRC,
 *                                sends nothing; after MS prints "open K of
 *                                M" (those the daemon has not closed), then
 *                                keeps them SECS more
 *   unix PATH SECS               connects to a Unix socket, sends nothing:
 *                                "closed T" or "open" after SECS
 * Not a PVM program: it speaks no pvmx at all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dial.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has the other side closed fd (or reset it)? */
static int closed(int fd, int wait_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char b;

	if (poll(&p, 1, wait_ms) <= 0)
		return 0;
	return recv(fd, &b, 1, MSG_DONTWAIT | MSG_PEEK) <= 0;
}

/* Waits up to secs for fd to be closed; prints what happened. */
static int watch(int fd, long long start, int secs, int drip_ms)
{
	static const unsigned char zero = 0;

	while (now_ms() - start < (long long)secs * 1000) {
		if (closed(fd, drip_ms > 0 ? drip_ms : 100)) {
			printf("closed %lld\n", now_ms() - start);
			return 0;
		}
		if (drip_ms > 0 && send(fd, &zero, 1, MSG_NOSIGNAL) != 1) {
			printf("closed %lld\n", now_ms() - start);
			return 0;
		}
	}
	printf("open\n");
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 7 && strcmp(argv[1], "drip") == 0) {
		/* a handshake record of 512 bytes, announced and never finished */
		static const unsigned char rec[] = {0x16, 0x03, 0x01, 0x02, 0x00};
		long long start = now_ms();
		int fd = dial(argv[2], atoi(argv[3]), argv[4]);

		if (fd < 0 || send(fd, rec, sizeof(rec), MSG_NOSIGNAL) != (ssize_t)sizeof(rec)) {
			printf("cannot connect: %s\n", strerror(errno));
			return 1;
		}
		return watch(fd, start, atoi(argv[6]), atoi(argv[5]));
	}
	if (argc >= 8 && strcmp(argv[1], "hold") == 0) {
		int n = atoi(argv[4]), nsrc = argc - 7, total = n * nsrc, open_now = 0, k = 0;
		int *fds = calloc((size_t)(total > 0 ? total : 1), sizeof(int));

		if (fds == NULL || n < 1) {
			free(fds);
			return 1;
		}
		for (int s = 0; s < nsrc; s++)
			for (int i = 0; i < n; i++)
				fds[k++] = dial(argv[2], atoi(argv[3]), argv[7 + s]);
		usleep((useconds_t)atoi(argv[5]) * 1000);
		for (k = 0; k < total; k++)
			open_now += fds[k] >= 0 && !closed(fds[k], 0);
		printf("open %d of %d\n", open_now, total);
		sleep((unsigned)atoi(argv[6]));
		free(fds);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "unix") == 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		long long start = now_ms();
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			printf("cannot connect: %s\n", strerror(errno));
			return 1;
		}
		return watch(fd, start, atoi(argv[3]), 0);
	}
	fprintf(stderr, "usage: link_probe drip ADDR PORT SRC MS SECS | hold ADDR PORT N MS "
	                "SECS SRC... | unix PATH SECS\n");
	return 2;
}

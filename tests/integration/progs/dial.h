/*
 * dial.h - for the link test programs: a TCP connection to ADDR:PORT
 * from the local address SRC (a loopback "host"), blocking.
 */
#ifndef TESTS_PROGS_DIAL_H
#define TESTS_PROGS_DIAL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/* The connected socket, or -1. */
static inline int dial(const char *addr, int port, const char *src)
{
	struct sockaddr_in sa = {.sin_family = AF_INET}, from = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (inet_pton(AF_INET, src, &from.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0) {
		close(fd);
		return -1;
	}
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

#endif

/*
 * flood_t.c - a sender and a slow receiver, for test_flow.sh (the
 * daemon's bound on what it holds for one receiver).
 *   flood_t send TID COUNT BYTES   prints "sender TID", then sends COUNT
 *       messages of BYTES bytes (tag 1) to TID through the daemons
 *       (PvmDontRoute); prints "sent COUNT"
 *   flood_t recv COUNT BYTES GOFILE TIDFILE   writes its tid to TIDFILE,
 *       reads nothing until GOFILE exists, then takes COUNT messages and
 *       checks each one's number and bytes; prints "recv ok COUNT", or
 *       what was wrong
 *   flood_t count GOFILE TIDFILE MS   as recv, but counts the messages
 *       that come until none has for MS ms: "count N BYTES" (the last
 *       one's size), or "count error CODE" when a receive fails
 *   flood_t swap COUNT BYTES TIDFILE PEERFILE   writes its tid to
 *       TIDFILE, waits for the peer's in PEERFILE, sends it COUNT
 *       messages (as send) and then takes COUNT from it (as recv):
 *       "swap ok COUNT" (two of them, each the other's peer)
 * Message i holds the int i then BYTES bytes of (i + j) & 0xff.
 */
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static int wait_file(const char *path, int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

static int write_tid(const char *path)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "0x%x\n", pvm_mytid());
	fclose(f);
	return rename(tmp, path);
}

static int do_send(int tid, int count, int bytes)
{
	char *buf = malloc((size_t)bytes);

	if (buf == NULL)
		return 1;
	printf("sender 0x%x\n", pvm_mytid());
	pvm_setopt(PvmRoute, PvmDontRoute);
	for (int i = 0; i < count; i++) {
		for (int j = 0; j < bytes; j++)
			buf[j] = (char)((i + j) & 0xff);
		pvm_initsend(PvmDataRaw);
		pvm_pkint(&i, 1, 1);
		pvm_pkbyte(buf, bytes, 1);
		if (pvm_send(tid, 1) < 0) {
			printf("send %d failed\n", i);
			return 1;
		}
	}
	printf("sent %d\n", count);
	free(buf);
	return 0;
}

/* Takes count messages and checks them: what ("recv") ok, or what was
 * wrong. */
static int take_messages(const char *what, int count, int bytes)
{
	struct timeval tmo = {60, 0};
	char *buf = malloc((size_t)bytes);

	if (buf == NULL)
		return 1;
	for (int i = 0; i < count; i++) {
		int n = -1, len = 0, r = pvm_trecv(-1, 1, &tmo);

		if (r <= 0) {
			printf("%s error at %d: %d\n", what, i, r);
			return 1;
		}
		pvm_bufinfo(r, &len, NULL, NULL);
		if (len != (int)sizeof(int) + bytes || pvm_upkint(&n, 1, 1) < 0 ||
		    n != i || pvm_upkbyte(buf, bytes, 1) < 0) {
			printf("%s bad at %d: number %d, %d bytes\n", what, i, n, len);
			return 1;
		}
		for (int j = 0; j < bytes; j++) {
			if (buf[j] != (char)((i + j) & 0xff)) {
				printf("%s bad at %d: byte %d\n", what, i, j);
				return 1;
			}
		}
	}
	printf("%s ok %d\n", what, count);
	free(buf);
	return 0;
}

static int do_recv(int count, int bytes, const char *go, const char *tidfile)
{
	if (write_tid(tidfile) != 0 || wait_file(go, 120) != 0) {
		printf("recv: no go\n");
		return 1;
	}
	return take_messages("recv", count, bytes);
}

static int do_swap(int count, int bytes, const char *tidfile, const char *peerfile)
{
	FILE *f;
	unsigned peer = 0;

	if (write_tid(tidfile) != 0 || wait_file(peerfile, 60) != 0 ||
	    (f = fopen(peerfile, "r")) == NULL) {
		printf("swap: no peer\n");
		return 1;
	}
	if (fscanf(f, "%x", &peer) != 1)
		peer = 0;
	fclose(f);
	if (do_send((int)peer, count, bytes) != 0)
		return 1;
	return take_messages("swap", count, bytes);
}

static int do_count(const char *go, const char *tidfile, int ms)
{
	struct timeval tmo = {ms / 1000, (ms % 1000) * 1000};
	int n = 0, len = 0, r;

	if (write_tid(tidfile) != 0 || wait_file(go, 120) != 0) {
		printf("count: no go\n");
		return 1;
	}
	while ((r = pvm_trecv(-1, -1, &tmo)) > 0) {
		n++;
		pvm_bufinfo(r, &len, NULL, NULL);
	}
	if (r < 0)
		printf("count error %d after %d\n", r, n);
	else
		printf("count %d %d\n", n, len);
	return 0;
}

int main(int argc, char **argv)
{
	int r = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pvm_mytid() < 0)
		return 1;
	pvm_setopt(PvmAutoErr, 0);
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		r = do_send((int)strtol(argv[2], NULL, 0), atoi(argv[3]), atoi(argv[4]));
	else if (argc == 6 && strcmp(argv[1], "recv") == 0)
		r = do_recv(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5]);
	else if (argc == 6 && strcmp(argv[1], "swap") == 0)
		r = do_swap(atoi(argv[2]), atoi(argv[3]), argv[4], argv[5]);
	else if (argc == 5 && strcmp(argv[1], "count") == 0)
		r = do_count(argv[2], argv[3], atoi(argv[4]));
	else
		fprintf(stderr, "usage: flood_t send|recv|swap|count ...\n");
	pvm_exit();
	return r;
}

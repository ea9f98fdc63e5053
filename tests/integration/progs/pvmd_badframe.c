/*
 * pvmd_badframe.c - breaks the protocol one way and checks that pvmd
 * closes this connection.  Usage: pvmd_badframe SOCK MODE, MODE one of
 * garbage, badmagic, badversion, oldversion, badkind, oversize, badproto, forgedsrc,
 * datafirst, notreg, otheruid (setuid 65534 first; run as root).
 * Prints "closed" and exits 0 when the daemon closed the connection
 * within 5 s, prints "open" and exits 1 otherwise (2: could not try).
 * MODE fuzz:SEED:N instead makes N connections that each send random
 * bytes, random frames or mutated valid requests, then prints "fuzzed".
 */
#include "frame.h"
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int fd;

static int send_all(const void *buf, size_t len)
{
	return write(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

static int send_header(uint32_t magic, int version, int kind, int src, uint32_t len)
{
	struct frame_header h = {0};
	uint8_t raw[FRAME_HEADER_LEN];

	h.kind = (uint8_t)kind;
	h.src = src;
	h.dst = 0x40000;
	h.len = len;
	frame_encode(&h, raw);
	raw[0] = (uint8_t)(magic >> 24);
	raw[1] = (uint8_t)(magic >> 16);
	raw[2] = (uint8_t)(magic >> 8);
	raw[3] = (uint8_t)magic;
	raw[4] = (uint8_t)version;
	return send_all(raw, sizeof(raw));
}

/* Registers with a fresh tid; returns it, or -1. */
static int do_register(void)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT, *rep;
	Pvmx__Register reg = PVMX__REGISTER__INIT;
	uint8_t hdr[FRAME_HEADER_LEN], *buf, payload[4096];
	struct frame_header h;
	const char *why;
	size_t len;
	int tid = -1;

	reg.protocol_version = PVMX_PROTOCOL_VERSION;
	reg.pid = (int)getpid();
	reg.name = "pvmd_badframe";
	ctl.seq = 1;
	ctl.body_case = PVMX__CONTROL__BODY_REG;
	ctl.reg = &reg;
	buf = wire_control_frame(&ctl, 0, 0, &len);
	if (buf == NULL || send_all(buf, len) != 0) {
		free(buf);
		return -1;
	}
	free(buf);
	if (read(fd, hdr, sizeof(hdr)) != sizeof(hdr) ||
	    frame_decode(hdr, 1 << 20, &h, &why) != 0 || h.len > sizeof(payload) ||
	    (h.len > 0 && read(fd, payload, h.len) != (ssize_t)h.len))
		return -1;
	rep = wire_control_decode(payload, h.len);
	if (rep != NULL && rep->body_case == PVMX__CONTROL__BODY_REG_REPLY &&
	    rep->reg_reply->code == 0)
		tid = rep->reg_reply->tid;
	wire_control_free(rep);
	return tid;
}

static unsigned rnd_state;

static unsigned rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* A valid request of a harmless kind (no kill, no halt, spawn only of a
 * file that does not exist), packed into buf; returns its length. */
static size_t valid_request(uint8_t *buf, size_t cap)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	Pvmx__TasksRequest t = PVMX__TASKS_REQUEST__INIT;
	Pvmx__PstatRequest p = PVMX__PSTAT_REQUEST__INIT;
	Pvmx__MstatRequest m = PVMX__MSTAT_REQUEST__INIT;
	Pvmx__NotifyRequest n = PVMX__NOTIFY_REQUEST__INIT;
	Pvmx__SpawnRequest sp = PVMX__SPAWN_REQUEST__INIT;
	char *argv[] = {"a", "bb"}, *env[] = {"X=1", "PATH=/nonexistent"};
	int tids[3] = {0x40001, 0x40002, 0x4fff0};

	ctl.seq = rnd();
	switch (rnd() % 6) {
	case 0:
		ctl.body_case = PVMX__CONTROL__BODY_CONFIG;
		ctl.config = &e;
		break;
	case 1:
		t.where = (int)rnd();
		ctl.body_case = PVMX__CONTROL__BODY_TASKS;
		ctl.tasks = &t;
		break;
	case 2:
		p.tid = (int)rnd();
		ctl.body_case = PVMX__CONTROL__BODY_PSTAT;
		ctl.pstat = &p;
		break;
	case 3:
		m.host = "somewhere";
		ctl.body_case = PVMX__CONTROL__BODY_MSTAT;
		ctl.mstat = &m;
		break;
	case 4:
		n.kind = (int)(rnd() % 20);
		n.tag = (int)rnd();
		n.tids = tids;
		n.n_tids = 3;
		ctl.body_case = PVMX__CONTROL__BODY_NOTIFY;
		ctl.notify = &n;
		break;
	default:
		sp.file = "/nonexistent/pvmx-fuzz";
		sp.argv = argv;
		sp.n_argv = 2;
		sp.env = env;
		sp.n_env = 2;
		sp.count = (int)(rnd() % 4);
		sp.flags = (int)(rnd() % 128);
		sp.where = "x";
		ctl.body_case = PVMX__CONTROL__BODY_SPAWN;
		ctl.spawn = &sp;
		break;
	}
	if (pvmx__control__get_packed_size(&ctl) > cap)
		return 0;
	return pvmx__control__pack(&ctl, buf);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	return 0;
}

/* Random bytes can parse as a valid halt or kill; those are not sent. */
static int harmful(const uint8_t *buf, size_t len)
{
	Pvmx__Control *ctl = wire_control_decode(buf, len);
	int bad = ctl != NULL && (ctl->body_case == PVMX__CONTROL__BODY_HALT ||
	                          ctl->body_case == PVMX__CONTROL__BODY_KILL);

	wire_control_free(ctl);
	return bad;
}

/* One fuzzing connection: garbage, or after registering, frames whose
 * header or payload is random or a valid request with bytes flipped. */
static void fuzz_one(const char *path)
{
	uint8_t buf[512];
	int tid = 0, frames = 1 + (int)(rnd() % 8);

	if (connect_to(path) != 0)
		return;
	if (rnd() % 4 != 0)
		tid = do_register();
	for (int f = 0; f < frames; f++) {
		unsigned how = rnd() % 4;
		size_t len;

		if (how == 0) {
			len = rnd() % sizeof(buf);
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rnd();
			send_all(buf, len);
			continue;
		}
		len = how == 1 ? rnd() % 64 : valid_request(buf, sizeof(buf));
		if (how == 1) {
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rnd();
		} else if (how == 3 && len > 0) {
			for (int k = 0; k < 3; k++)
				buf[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		}
		if (harmful(buf, len))
			continue;
		if (send_header(FRAME_MAGIC, FRAME_VERSION,
		                how == 1 && rnd() % 2 ? FRAME_DATA : FRAME_CONTROL,
		                rnd() % 8 == 0 ? (int)rnd() : tid, (uint32_t)len) != 0 ||
		    send_all(buf, len) != 0)
			break;
	}
	/* take what comes back for a moment, then hang up */
	for (int i = 0; i < 3; i++) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (poll(&pfd, 1, 5) <= 0 || read(fd, buf, sizeof(buf)) <= 0)
			break;
	}
	close(fd);
}

/* Reads (and discards) until EOF or 5 s pass: 1 when closed. */
static int closed_by_peer(void)
{
	time_t end = time(NULL) + 5;
	char buf[4096];

	while (time(NULL) <= end) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&pfd, 1, 500) <= 0)
			continue;
		r = read(fd, buf, sizeof(buf));
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *mode;
	int tid = 0, r = 0;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: pvmd_badframe SOCK MODE\n");
		return 2;
	}
	mode = argv[2];
	signal(SIGPIPE, SIG_IGN);
	if (strncmp(mode, "fuzz:", 5) == 0) {
		char *end;
		int n;

		rnd_state = (unsigned)strtoul(mode + 5, &end, 10);
		n = *end == ':' ? atoi(end + 1) : 100;
		/* a mutated request must never be able to end us */
		signal(SIGTERM, SIG_IGN);
		for (int i = 0; i < n; i++)
			fuzz_one(argv[1]);
		printf("fuzzed\n");
		return 0;
	}
	if (strcmp(mode, "otheruid") == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
		printf("cannot become uid 65534: %s\n", strerror(errno));
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		printf("connect: %s\n", strerror(errno));
		return 2;
	}
	if (strcmp(mode, "otheruid") == 0) {
		/* the daemon closes before reading anything */
		do_register();
	} else if (strcmp(mode, "garbage") == 0) {
		char junk[100];

		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)(i * 37 + 11);
		r = send_all(junk, sizeof(junk));
	} else if (strcmp(mode, "badmagic") == 0) {
		r = send_header(0xdeadbeef, FRAME_VERSION, FRAME_CONTROL, 0, 0);
	} else if (strcmp(mode, "badversion") == 0) {
		r = send_header(FRAME_MAGIC, 9, FRAME_CONTROL, 0, 0);
	} else if (strcmp(mode, "oldversion") == 0) {
		/* a pvmx of frame version 1 (no seq in its header) */
		r = send_header(FRAME_MAGIC, 1, FRAME_CONTROL, 0, 0);
	} else if (strcmp(mode, "badkind") == 0) {
		r = send_header(FRAME_MAGIC, FRAME_VERSION, 7, 0, 0);
	} else if (strcmp(mode, "datafirst") == 0) {
		r = send_header(FRAME_MAGIC, FRAME_VERSION, FRAME_DATA, 0x40001, 0);
	} else if (strcmp(mode, "notreg") == 0) {
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		Pvmx__Empty e = PVMX__EMPTY__INIT;
		size_t len;
		uint8_t *buf;

		ctl.seq = 1;
		ctl.body_case = PVMX__CONTROL__BODY_CONFIG;
		ctl.config = &e;
		buf = wire_control_frame(&ctl, 0, 0x40000, &len);
		r = buf != NULL ? send_all(buf, len) : -1;
		free(buf);
	} else {
		tid = do_register();
		if (tid <= 0) {
			printf("could not register\n");
			return 2;
		}
		if (strcmp(mode, "oversize") == 0) {
			r = send_header(FRAME_MAGIC, FRAME_VERSION, FRAME_DATA, tid,
			                0xfffffff0u);
		} else if (strcmp(mode, "badproto") == 0) {
			static const uint8_t junk[12] = {0xff, 0xff, 0xff, 0xff,
			                                 0xff, 0xff, 0xff, 0xff,
			                                 0xff, 0xff, 0x0a, 0x7f};

			r = send_header(FRAME_MAGIC, FRAME_VERSION, FRAME_CONTROL, tid,
			                sizeof(junk));
			if (r == 0)
				r = send_all(junk, sizeof(junk));
		} else if (strcmp(mode, "forgedsrc") == 0) {
			r = send_header(FRAME_MAGIC, FRAME_VERSION, FRAME_DATA, tid + 1,
			                0);
		} else {
			printf("unknown mode %s\n", mode);
			return 2;
		}
	}
	if (r != 0 && errno != EPIPE && errno != ECONNRESET) {
		printf("send: %s\n", strerror(errno));
		return 2;
	}
	if (closed_by_peer()) {
		printf("closed\n");
		return 0;
	}
	printf("open\n");
	return 1;
}

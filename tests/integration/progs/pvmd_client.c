/*
 * pvmd_client.c - a raw protocol client for test_pvmd.sh: connects to a
 * pvmd (-s SOCK, else $PVMX_SOCK, else the VM's socket), registers
 * (claiming $PVMX_TID when set), runs the commands given as arguments and
 * prints each reply on one line.  Commands (fields separated by ':'):
 *   config | tasks[:WHERE] | pstat:TID | mstat:HOST | kill:TID[:SIG]
 *   spawn:FILE:COUNT:FLAGS:WHERE[:ARG...]     (output to the log)
 *   spawnout:TAG:FILE:COUNT:FLAGS:WHERE[:ARG...] (output to us, tag TAG)
 *   notify:KIND:TAG:TID[,TID...] | send:TID:TAG:INT[,INT...]
 *   sendseq:TID:TAG:SEQ:INT[,INT...] (a data frame with that pair seq)
 *   mcast:TAG:BYTES:TID[*N][,TID[*N]...] (one multicast frame of BYTES
 *     bytes naming each TID N times, as libpvm never sends it)
 *   recv:MS (one data frame, or "recv timeout") | recvall:MS | sleep:MS
 *   halt | leave | register (again, with claimed tid 0)
 * A TID may be @self or @last (the first tid of the last spawn).
 */
#include "frame.h"
#include "paths.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct frame {
	struct frame_header h;
	uint8_t *payload;
};

static int fd = -1;
static int mytid, lasttid;
static uint32_t seq;
static struct frame queue[256];
static int nqueue;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly len bytes within the deadline; 0, -1 on EOF/error, -2 on
 * timeout. */
static int read_full(void *buf, size_t len, long long deadline)
{
	uint8_t *p = buf;

	while (len > 0) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		ssize_t r;

		if (left < 0)
			left = 0;
		if (poll(&pfd, 1, (int)left) == 0)
			return -2;
		r = read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static int read_frame(struct frame *f, int timeout_ms)
{
	uint8_t hdr[FRAME_HEADER_LEN];
	const char *why;
	long long deadline = now_ms() + timeout_ms;
	int r = read_full(hdr, sizeof(hdr), deadline);

	if (r != 0)
		return r;
	if (frame_decode(hdr, frame_max_len(), &f->h, &why) != 0) {
		printf("bad frame from pvmd: %s\n", why);
		return -1;
	}
	f->payload = malloc(f->h.len + 1);
	if (f->payload == NULL)
		return -1;
	return read_full(f->payload, f->h.len, deadline + 10000);
}

static int tid_arg(const char *s)
{
	if (strcmp(s, "@self") == 0)
		return mytid;
	if (strcmp(s, "@last") == 0)
		return lasttid;
	return (int)strtol(s, NULL, 0);
}

/* Sends ctl and waits (10 s) for the reply with its seq; data frames
 * that arrive meanwhile are kept for recv. */
static Pvmx__Control *request(Pvmx__Control *ctl)
{
	size_t len;
	uint8_t *buf;

	ctl->seq = ++seq;
	buf = wire_control_frame(ctl, mytid, 0x40000, &len);
	if (buf == NULL || write(fd, buf, len) != (ssize_t)len) {
		printf("send failed: %s\n", strerror(errno));
		free(buf);
		return NULL;
	}
	free(buf);
	for (;;) {
		struct frame f;
		Pvmx__Control *rep;

		if (read_frame(&f, 10000) != 0) {
			printf("no reply: connection closed or timed out\n");
			return NULL;
		}
		if (f.h.kind == FRAME_DATA) {
			if (nqueue < (int)(sizeof(queue) / sizeof(queue[0])))
				queue[nqueue++] = f;
			else
				free(f.payload);
			continue;
		}
		rep = wire_control_decode(f.payload, f.h.len);
		free(f.payload);
		if (rep == NULL) {
			printf("unparsable reply\n");
			return NULL;
		}
		if (rep->seq == ctl->seq)
			return rep;
		wire_control_free(rep);
	}
}

static void print_data(const struct frame *f)
{
	const uint8_t *p = f->payload, *end = f->payload + f->h.len;

	printf("data src=0x%x tag=%d ctx=%d len=%u dsig=0x%x:", f->h.src, f->h.tag,
	       f->h.ctx, f->h.len, f->h.dsig);
	while (end - p >= 8) {
		uint32_t count;

		memcpy(&count, p + 4, 4);
		count = ntohl(count);
		if (p[0] == 3 && (size_t)(end - p - 8) >= count * 4ull) {
			for (uint32_t i = 0; i < count; i++) {
				int v;

				memcpy(&v, p + 8 + 4 * i, 4);
				printf(" int=%d", v);
			}
			p += 8 + 4 * count;
		} else if (p[0] == 1 && (size_t)(end - p - 8) >= count) {
			printf(" bytes=\"");
			for (uint32_t i = 0; i < count; i++) {
				uint8_t c = p[8 + i];

				if (c == '\n')
					printf("\\n");
				else
					putchar(c >= 32 && c < 127 ? c : '?');
			}
			printf("\"");
			p += 8 + count;
		} else {
			printf(" item-type=%d?", p[0]);
			break;
		}
	}
	printf("\n");
}

static int do_recv(int timeout_ms)
{
	struct frame f;
	int r;

	if (nqueue > 0) {
		f = queue[0];
		memmove(queue, queue + 1, sizeof(queue[0]) * (size_t)--nqueue);
	} else {
		r = read_frame(&f, timeout_ms);
		if (r == -2) {
			printf("recv timeout\n");
			return -1;
		}
		if (r != 0) {
			printf("recv: connection closed\n");
			return -1;
		}
		if (f.h.kind != FRAME_DATA) {
			printf("recv: unexpected control frame\n");
			free(f.payload);
			return 0;
		}
	}
	print_data(&f);
	free(f.payload);
	return 0;
}

static void print_reply(const Pvmx__Control *rep)
{
	switch (rep->body_case) {
	case PVMX__CONTROL__BODY_REG_REPLY: {
		Pvmx__RegisterReply *r = rep->reg_reply;

		printf(
		    "reg code=%d tid=0x%x parent=%d host=0x%x dsig=0x%x max=%u siblings=",
		    r->code, r->tid, r->parent_tid, r->host_tid, r->dsig, r->max_frame);
		for (size_t i = 0; i < r->n_siblings; i++)
			printf("%s0x%x", i ? "," : "", r->siblings[i]);
		printf(" out=0x%x:%d:%d ctx=%d\n", r->out_tid, r->out_code, r->out_ctx,
		       r->ctx);
		if (r->code == 0)
			mytid = r->tid;
		break;
	}
	case PVMX__CONTROL__BODY_CONFIG_REPLY:
		printf("config code=%d narch=%d nhost=%zu", rep->config_reply->code,
		       rep->config_reply->narch, rep->config_reply->n_hosts);
		for (size_t i = 0; i < rep->config_reply->n_hosts; i++) {
			Pvmx__HostInfo *h = rep->config_reply->hosts[i];

			printf(" host=0x%x,%s,%s,%d,0x%x", h->tid, h->name, h->arch,
			       h->speed, h->dsig);
		}
		printf("\n");
		break;
	case PVMX__CONTROL__BODY_SPAWN_REPLY:
		printf("spawn code=%d tids=", rep->spawn_reply->code);
		for (size_t i = 0; i < rep->spawn_reply->n_tids; i++) {
			int t = rep->spawn_reply->tids[i];

			printf(t < 0 ? "%s%d" : "%s0x%x", i ? "," : "", t);
		}
		printf("\n");
		if (rep->spawn_reply->n_tids > 0)
			lasttid = rep->spawn_reply->tids[0];
		break;
	case PVMX__CONTROL__BODY_TASKS_REPLY:
		printf("tasks code=%d n=%zu\n", rep->tasks_reply->code,
		       rep->tasks_reply->n_tasks);
		for (size_t i = 0; i < rep->tasks_reply->n_tasks; i++) {
			Pvmx__TaskInfo *t = rep->tasks_reply->tasks[i];

			printf("task tid=0x%x ptid=%s0x%x host=0x%x flag=%d name=%s "
			       "pid=%d\n",
			       t->tid, t->parent_tid < 0 ? "-" : "",
			       t->parent_tid < 0 ? -t->parent_tid : t->parent_tid,
			       t->host_tid, t->flags, t->name, t->pid);
		}
		break;
	case PVMX__CONTROL__BODY_STATUS:
		printf("status code=%d\n", rep->status->code);
		break;
	default:
		printf("reply kind %d\n", (int)rep->body_case);
		break;
	}
	fflush(stdout);
}

static int do_register(int claim)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT, *rep;
	Pvmx__Register reg = PVMX__REGISTER__INIT;

	reg.claimed_tid = claim;
	reg.pid = (int)getpid();
	reg.protocol_version = PVMX_PROTOCOL_VERSION;
	reg.name = "pvmd_client";
	ctl.body_case = PVMX__CONTROL__BODY_REG;
	ctl.reg = &reg;
	rep = request(&ctl);
	if (rep == NULL)
		return -1;
	print_reply(rep);
	wire_control_free(rep);
	return mytid > 0 ? 0 : -1;
}

/* One multicast frame (frame.h) to the tids of list ("TID*N" names TID
 * N times), with a payload of bytes zero bytes. */
static int send_mcast(int tag, size_t bytes, char *list)
{
	struct frame_header h = {0};
	uint32_t *ent = NULL, n = 0;
	uint8_t *buf;
	size_t len, off = 0;

	for (char *tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
		char *star = strchr(tok, '*');
		long times = star != NULL ? strtol(star + 1, NULL, 0) : 1;
		int tid;
		uint32_t *e;

		if (star != NULL)
			*star = '\0';
		tid = tid_arg(tok);
		e = realloc(ent, (n + (uint32_t)times) * 2 * sizeof(*ent));
		if (e == NULL)
			return -1;
		ent = e;
		for (long i = 0; i < times; i++, n++) {
			ent[2 * n] = htonl((uint32_t)tid);
			ent[2 * n + 1] = 0;
		}
	}
	h.kind = FRAME_DATA;
	h.flags = FRAME_FLAG_MCAST;
	h.src = mytid;
	h.dst = (int32_t)n;
	h.tag = tag;
	h.dsig = 0x00408c41;
	h.len = (uint32_t)(n * FRAME_MCAST_ENTRY + bytes);
	len = FRAME_HEADER_LEN + h.len;
	buf = calloc(1, len);
	if (buf == NULL) {
		free(ent);
		return -1;
	}
	frame_encode(&h, buf);
	memcpy(buf + FRAME_HEADER_LEN, ent, n * FRAME_MCAST_ENTRY);
	free(ent);
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(buf);
	printf("mcast %s: %u destinations, %zu bytes\n", off == len ? "sent" : "failed",
	       n, bytes);
	return off == len ? 0 : -1;
}

/* Splits s at ':' in place; returns the number of fields. */
static int split(char *s, char **f, int max)
{
	int n = 0;

	f[n++] = s;
	for (char *p = s; *p != '\0' && n < max; p++) {
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

static int send_ints(int dst, int tag, uint32_t seq, char *list)
{
	uint8_t buf[FRAME_HEADER_LEN + 8 + 4 * 64];
	struct frame_header h = {0};
	int vals[64], n = 0;
	uint32_t count;

	for (char *tok = strtok(list, ","); tok != NULL && n < 64;
	     tok = strtok(NULL, ","))
		vals[n++] = (int)strtol(tok, NULL, 0);
	h.kind = FRAME_DATA;
	h.src = mytid;
	h.dst = dst;
	h.tag = tag;
	h.seq = seq;
	h.dsig = 0x00408c41;
	h.len = 8 + 4 * (uint32_t)n;
	frame_encode(&h, buf);
	memset(buf + FRAME_HEADER_LEN, 0, 8);
	buf[FRAME_HEADER_LEN] = 3;
	count = htonl((uint32_t)n);
	memcpy(buf + FRAME_HEADER_LEN + 4, &count, 4);
	memcpy(buf + FRAME_HEADER_LEN + 8, vals, 4 * (size_t)n);
	return write(fd, buf, FRAME_HEADER_LEN + h.len) ==
	               (ssize_t)(FRAME_HEADER_LEN + h.len)
	           ? 0
	           : -1;
}

static int run(char *cmd)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT, *rep;
	Pvmx__Empty empty = PVMX__EMPTY__INIT;
	Pvmx__TasksRequest tr = PVMX__TASKS_REQUEST__INIT;
	Pvmx__KillRequest kr = PVMX__KILL_REQUEST__INIT;
	Pvmx__PstatRequest pr = PVMX__PSTAT_REQUEST__INIT;
	Pvmx__MstatRequest mr = PVMX__MSTAT_REQUEST__INIT;
	Pvmx__SpawnRequest sr = PVMX__SPAWN_REQUEST__INIT;
	Pvmx__NotifyRequest nr = PVMX__NOTIFY_REQUEST__INIT;
	char *f[64], cwd[1024];
	int nf = split(cmd, f, 64), tids[64];

	if (strcmp(f[0], "config") == 0) {
		ctl.body_case = PVMX__CONTROL__BODY_CONFIG;
		ctl.config = &empty;
	} else if (strcmp(f[0], "tasks") == 0) {
		tr.where = nf > 1 ? tid_arg(f[1]) : 0;
		ctl.body_case = PVMX__CONTROL__BODY_TASKS;
		ctl.tasks = &tr;
	} else if (strcmp(f[0], "pstat") == 0 && nf > 1) {
		pr.tid = tid_arg(f[1]);
		ctl.body_case = PVMX__CONTROL__BODY_PSTAT;
		ctl.pstat = &pr;
	} else if (strcmp(f[0], "mstat") == 0 && nf > 1) {
		mr.host = f[1];
		ctl.body_case = PVMX__CONTROL__BODY_MSTAT;
		ctl.mstat = &mr;
	} else if (strcmp(f[0], "kill") == 0 && nf > 1) {
		kr.tid = tid_arg(f[1]);
		kr.signal = nf > 2 ? atoi(f[2]) : 0;
		ctl.body_case = PVMX__CONTROL__BODY_KILL;
		ctl.kill = &kr;
	} else if ((strcmp(f[0], "spawn") == 0 && nf >= 5) ||
	           (strcmp(f[0], "spawnout") == 0 && nf >= 6)) {
		int o = strcmp(f[0], "spawnout") == 0;

		if (o) {
			sr.out_tid = mytid;
			sr.out_code = atoi(f[1]);
		}
		sr.file = f[1 + o];
		sr.count = atoi(f[2 + o]);
		sr.flags = (int)strtol(f[3 + o], NULL, 0);
		sr.where = f[4 + o];
		sr.argv = f + 5 + o;
		sr.n_argv = (size_t)(nf - 5 - o);
		sr.cwd = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "";
		ctl.body_case = PVMX__CONTROL__BODY_SPAWN;
		ctl.spawn = &sr;
	} else if (strcmp(f[0], "notify") == 0 && nf > 3) {
		nr.kind = (int)strtol(f[1], NULL, 0);
		nr.tag = atoi(f[2]);
		for (char *tok = strtok(f[3], ","); tok != NULL && nr.n_tids < 64;
		     tok = strtok(NULL, ","))
			tids[nr.n_tids++] = tid_arg(tok);
		nr.tids = tids;
		nr.count = (int)nr.n_tids;
		ctl.body_case = PVMX__CONTROL__BODY_NOTIFY;
		ctl.notify = &nr;
	} else if (strcmp(f[0], "send") == 0 && nf > 3) {
		return send_ints(tid_arg(f[1]), atoi(f[2]), 0, f[3]);
	} else if (strcmp(f[0], "sendseq") == 0 && nf > 4) {
		/* a data frame with the given pair seq (frame.h) */
		return send_ints(tid_arg(f[1]), atoi(f[2]), (uint32_t)strtoul(f[3], NULL, 0), f[4]);
	} else if (strcmp(f[0], "mcast") == 0 && nf > 3) {
		return send_mcast(atoi(f[1]), (size_t)strtoul(f[2], NULL, 0), f[3]);
	} else if (strcmp(f[0], "recv") == 0) {
		return do_recv(nf > 1 ? atoi(f[1]) : 5000);
	} else if (strcmp(f[0], "recvall") == 0) {
		while (do_recv(nf > 1 ? atoi(f[1]) : 1000) == 0)
			;
		return 0;
	} else if (strcmp(f[0], "sleep") == 0 && nf > 1) {
		usleep((useconds_t)atoi(f[1]) * 1000);
		return 0;
	} else if (strcmp(f[0], "halt") == 0) {
		ctl.body_case = PVMX__CONTROL__BODY_HALT;
		ctl.halt = &empty;
	} else if (strcmp(f[0], "leave") == 0) {
		ctl.body_case = PVMX__CONTROL__BODY_LEAVE;
		ctl.leave = &empty;
	} else if (strcmp(f[0], "register") == 0) {
		return do_register(0);
	} else {
		printf("unknown command %s\n", f[0]);
		return -1;
	}
	rep = request(&ctl);
	if (rep == NULL)
		return -1;
	print_reply(rep);
	wire_control_free(rep);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char path[512];
	const char *sock = getenv("PVMX_SOCK"), *claim = getenv("PVMX_TID");
	int i = 1, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		sock = argv[2];
		i = 3;
	}
	if (sock == NULL || *sock == '\0') {
		if (paths_vm_file(path, sizeof(path), "sock") != 0)
			return 2;
		sock = path;
	}
	if (strlen(sock) >= sizeof(sa.sun_path))
		return 2;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		printf("connect %s: %s\n", sock, strerror(errno));
		return 2;
	}
	if (do_register(claim != NULL ? atoi(claim) : 0) != 0)
		return 1;
	for (; i < argc; i++) {
		char *cmd = strdup(argv[i]);

		if (run(cmd) != 0)
			rc = 1;
		free(cmd);
	}
	for (i = 0; i < nqueue; i++)
		free(queue[i].payload);
	close(fd);
	return rc;
}

/*
 * link_forge.c - a compromised host, for test_identity.sh.  Named as a
 * host's daemon (dx= in the host file), it is started by the master like
 * any pvmd -s: it takes the credential the master issues it from the boot
 * lines, says where it listens, lets the master link up and then, by the
 * plan in $PVM_TMP/forge.plan (lo-rsh gives each host its own PVM_TMP):
 *   passive              accepts links (hello as itself) and logs every
 *                        frame that is not link housekeeping: "got ..."
 *   attack REAL VICTIM   with REAL a real daemon's address and VICTIM a
 *                        passive one's, tries each forgery below and logs
 *                        what came of it
 * Log lines go to $PVM_TMP/forge.log.  Also:
 *   link_forge creds TID prints the boot lines of a credential for TID
 *                        from a CA of its own (for a daemon started by
 *                        hand, with no master)
 * It speaks the link protocol with the daemon's own code (tls.c, frames,
 * wire.c), blocking, one link at a time.
 */
#include "dial.h"
#include "dsig.h"
#include "frame.h"
#include "tid.h"
#include "tls.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#define MAX_HOSTS 16
#define MAX_LINKS 8
#define LINK_BUF (1024 * 1024)
#define BEAT_MS 100

struct link {
	SSL *ssl;
	int fd;
	int peer; /* the daemon tid its hello named, once exchanged */
	uint8_t *buf;
	size_t len;
};

struct known_host {
	int tid, port;
	char addr[64];
};

static struct tls_cred cred;
static SSL_CTX *server_ctx, *client_ctx;
static int my_tid, master_tid;
static char vmid[64], bind_addr[64];
static FILE *logfile;
static struct link *master;
static struct known_host hosts[MAX_HOSTS];
static int nhosts;
static long long last_beat;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	if (logfile == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(logfile, fmt, ap);
	va_end(ap);
	fputc('\n', logfile);
	fflush(logfile);
}

static int send_control(struct link *l, Pvmx__Control *ctl, int src, int dst)
{
	size_t len;
	uint8_t *frame = wire_control_frame(ctl, src, dst, &len);
	int ok = frame != NULL && SSL_write(l->ssl, frame, (int)len) == (int)len;

	free(frame);
	return ok ? 0 : -1;
}

static void send_hello(struct link *l, int claim)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__PeerHello hello = PVMX__PEER_HELLO__INIT;

	hello.protocol_version = PVMX_PROTOCOL_VERSION;
	hello.host_tid = claim;
	hello.vmid = vmid;
	ctl.body_case = PVMX__CONTROL__BODY_PEER_HELLO;
	ctl.peer_hello = &hello;
	send_control(l, &ctl, claim, 0);
}

static void send_status(struct link *l, int src, int dst)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Status st = PVMX__STATUS__INIT;

	st.code = -42;
	ctl.seq = 4242;
	ctl.body_case = PVMX__CONTROL__BODY_STATUS;
	ctl.status = &st;
	send_control(l, &ctl, src, dst);
}

static void beat(void)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Heartbeat e = PVMX__HEARTBEAT__INIT; /* empty, as an older daemon's */

	if (master == NULL || now_ms() - last_beat < BEAT_MS)
		return;
	last_beat = now_ms();
	ctl.body_case = PVMX__CONTROL__BODY_HEARTBEAT;
	ctl.heartbeat = &e;
	if (send_control(master, &ctl, my_tid, master_tid) != 0)
		master = NULL;
}

static void link_free(struct link *l)
{
	if (l == NULL)
		return;
	if (l == master)
		master = NULL;
	SSL_free(l->ssl);
	close(l->fd);
	free(l->buf);
	free(l);
}

/* A TLS link on fd (blocking), or NULL (logged as what). */
static struct link *link_new(int fd, int is_server, SSL_CTX *ctx, const char *what)
{
	struct link *l = calloc(1, sizeof(*l));
	char why[TLS_ERROR_TEXT_LEN];
	int r;

	if (l == NULL || (l->buf = malloc(LINK_BUF)) == NULL ||
	    (l->ssl = SSL_new(ctx)) == NULL) {
		close(fd);
		free(l != NULL ? l->buf : NULL);
		free(l);
		return NULL;
	}
	l->fd = fd;
	SSL_set_fd(l->ssl, fd);
	r = is_server ? SSL_accept(l->ssl) : SSL_connect(l->ssl);
	if (r != 1) {
		say("%s: TLS failed: %s", what, tls_error_text(why, sizeof(why)));
		link_free(l);
		return NULL;
	}
	return l;
}

/*
 * The next frame on l within ms: 1 (*h, *payload valid until the next
 * call), 0 none in time, -1 the link closed.  Beats on the master link
 * meanwhile.
 */
static int next_frame(struct link *l, int ms, struct frame_header *h, uint8_t **payload)
{
	long long end = now_ms() + ms;
	const char *why;

	for (;;) {
		struct pollfd p = {.fd = l->fd, .events = POLLIN};
		int n;

		if (l->len >= FRAME_HEADER_LEN) {
			size_t whole;

			if (frame_decode(l->buf, LINK_BUF - FRAME_HEADER_LEN, h, &why) !=
			    0)
				return -1;
			whole = FRAME_HEADER_LEN + h->len;
			if (l->len >= whole) {
				static uint8_t frame[LINK_BUF];

				memcpy(frame, l->buf + FRAME_HEADER_LEN, h->len);
				memmove(l->buf, l->buf + whole, l->len - whole);
				l->len -= whole;
				*payload = frame;
				return 1;
			}
		}
		beat();
		if (SSL_pending(l->ssl) == 0) {
			long long left = end - now_ms();

			if (poll(&p, 1,
			         left <= 0        ? 0
			         : left < BEAT_MS ? (int)left
			                          : BEAT_MS) <= 0) {
				if (left <= 0)
					return 0;
				continue;
			}
		}
		n = SSL_read(l->ssl, l->buf + l->len, (int)(LINK_BUF - l->len));
		if (n <= 0) {
			ERR_clear_error();
			return -1;
		}
		l->len += (size_t)n;
	}
}

/* Waits for the other side's hello on l: its tid, 0 if none came in ms,
 * -1 if the link closed instead. */
static int wait_hello(struct link *l, int ms)
{
	struct frame_header h;
	uint8_t *payload;
	int r = next_frame(l, ms, &h, &payload), tid;
	Pvmx__Control *ctl;

	if (r <= 0)
		return r;
	ctl = h.kind == FRAME_CONTROL ? wire_control_decode(payload, h.len) : NULL;
	if (ctl == NULL || ctl->body_case != PVMX__CONTROL__BODY_PEER_HELLO) {
		wire_control_free(ctl);
		return -1;
	}
	tid = ctl->peer_hello->host_tid;
	wire_control_free(ctl);
	return tid;
}

static void learn_host(const Pvmx__HostEntry *e)
{
	for (int i = 0; i < nhosts; i++)
		if (hosts[i].tid == e->tid)
			return;
	if (nhosts == MAX_HOSTS)
		return;
	hosts[nhosts].tid = e->tid;
	hosts[nhosts].port = e->port;
	snprintf(hosts[nhosts].addr, sizeof(hosts[nhosts].addr), "%s",
	         e->addr != NULL ? e->addr : "");
	nhosts++;
}

/* One frame from l (peer tid from): what the master says is learnt;
 * anything else but housekeeping is logged as received. */
static void take_frame(const struct frame_header *h, const uint8_t *payload, int from)
{
	Pvmx__Control *ctl;

	if (h->kind != FRAME_CONTROL) {
		say("got data src t%x dst t%x tag %d from link t%x", (unsigned)h->src,
		    (unsigned)h->dst, h->tag, (unsigned)from);
		return;
	}
	ctl = wire_control_decode(payload, h->len);
	if (ctl == NULL)
		return;
	if (ctl->body_case == PVMX__CONTROL__BODY_HOST_TABLE) {
		for (size_t i = 0; i < ctl->host_table->n_hosts; i++)
			learn_host(ctl->host_table->hosts[i]);
	} else if (ctl->body_case == PVMX__CONTROL__BODY_HOST_CHANGE) {
		if (!ctl->host_change->deleted && ctl->host_change->host != NULL)
			learn_host(ctl->host_change->host);
	} else if (ctl->body_case != PVMX__CONTROL__BODY_HEARTBEAT) {
		say("got control kind %d src t%x dst t%x from link t%x",
		    (int)ctl->body_case, (unsigned)h->src, (unsigned)h->dst,
		    (unsigned)from);
	}
	wire_control_free(ctl);
}

static const struct known_host *host_at(const char *addr)
{
	for (int i = 0; i < nhosts; i++)
		if (strcmp(hosts[i].addr, addr) == 0)
			return &hosts[i];
	return NULL;
}

/* A link to h with ctx, its hello claiming claim: the link if the other
 * side answered with its hello (logged "what: accepted"), else NULL
 * (logged "what: refused"). */
static struct link *try_link(const struct known_host *h, SSL_CTX *ctx, int claim,
                             const char *what)
{
	/* from our own loopback address, as a daemon of this host would */
	int fd = dial(h->addr, h->port, bind_addr);
	struct link *l = fd >= 0 ? link_new(fd, 0, ctx, what) : NULL;

	if (l != NULL) {
		send_hello(l, claim);
		if (wait_hello(l, 3000) == h->tid) {
			say("%s: accepted", what);
			return l;
		}
		link_free(l);
	}
	say("%s: refused", what);
	return NULL;
}

/* Whether l is closed within ms (frames on it are taken meanwhile). */
static int closes(struct link *l, int ms)
{
	long long end = now_ms() + ms;
	struct frame_header h;
	uint8_t *payload;
	int r;

	while ((r = next_frame(l, (int)(end - now_ms()), &h, &payload)) == 1)
		take_frame(&h, payload, l->peer);
	return r < 0;
}

static void attack(const char *real_addr, const char *victim_addr)
{
	const struct known_host *real = host_at(real_addr),
	                        *victim = host_at(victim_addr);
	struct tls_ca own_ca;
	struct tls_cred own;
	struct link *l;

	if (real == NULL || victim == NULL) {
		say("attack: %s or %s not in the host table", real_addr, victim_addr);
		return;
	}
	say("attack: real t%x, victim t%x", (unsigned)real->tid, (unsigned)victim->tid);

	/* honestly ourselves, a frame from a tid of another host */
	l = try_link(real, client_ctx, my_tid, "honest");
	if (l != NULL) {
		l->peer = real->tid;
		send_status(l, victim->tid + 1, victim->tid + 5);
		say("forged-src: %s",
		    closes(l, 3000) ? "link closed" : "link still open");
		link_free(l);
	}
	/* our own certificate, a hello naming another host */
	link_free(try_link(real, client_ctx, victim->tid, "claim-host"));
	/* a certificate of our own making naming the master */
	if (tls_ca_new(&own_ca) == 0 && tls_cred_issue(&own_ca, master_tid, &own) == 0) {
		SSL_CTX *ctx = tls_ctx_new(0, &own);

		/* it trusts the VM's CA (it knows the real daemon), but can
		 * only show the certificate it made */
		if (ctx != NULL &&
		    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), cred.ca))
			link_free(try_link(real, ctx, master_tid, "self-made"));
		SSL_CTX_free(ctx);
		tls_cred_free(&own);
		tls_ca_free(&own_ca);
	}
	/* our own certificate, a hello naming the master: then a deletion (last: a
	 * daemon that took the claim would halt when this link closes) */
	l = try_link(real, client_ctx, master_tid, "claim-master");
	if (l != NULL) {
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		Pvmx__HostChange hc = PVMX__HOST_CHANGE__INIT;
		Pvmx__HostEntry e = PVMX__HOST_ENTRY__INIT;

		e.tid = victim->tid;
		e.name = "victim";
		e.arch = "LINUX64";
		hc.deleted = 1;
		hc.host = &e;
		ctl.body_case = PVMX__CONTROL__BODY_HOST_CHANGE;
		ctl.host_change = &hc;
		send_control(l, &ctl, master_tid, real->tid);
		closes(l, 1000);
		link_free(l);
	}
	/* on the master's link, from ourselves, for a third host */
	if (master != NULL) {
		send_status(master, my_tid, victim->tid + 5);
		say("second-hop: %s",
		    closes(master, 3000) ? "link closed" : "link still open");
	}
	say("attack: done");
}

/* Accepts and serves links until the master's closes (passive). */
static void serve(int listener)
{
	struct link *links[MAX_LINKS] = {master};
	int n = 1;

	while (master != NULL) {
		struct pollfd p[MAX_LINKS + 1];
		struct frame_header h;
		uint8_t *payload;

		beat();
		p[0].fd = listener;
		p[0].events = POLLIN;
		for (int i = 0; i < n; i++) {
			p[i + 1].fd = links[i]->fd;
			p[i + 1].events = POLLIN;
		}
		if (poll(p, (nfds_t)n + 1, BEAT_MS) <= 0)
			continue;
		if ((p[0].revents & POLLIN) && n < MAX_LINKS) {
			int fd = accept(listener, NULL, NULL);
			struct link *l =
			    fd >= 0 ? link_new(fd, 1, server_ctx, "inbound") : NULL;

			if (l != NULL && (l->peer = wait_hello(l, 3000)) > 0) {
				send_hello(l, my_tid);
				links[n++] = l;
			} else {
				link_free(l);
			}
		}
		for (int i = n - 1; i >= 0; i--) {
			int r;

			if (!(p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			while ((r = next_frame(links[i], 0, &h, &payload)) == 1)
				take_frame(&h, payload, links[i]->peer);
			if (r < 0) {
				link_free(links[i]);
				links[i] = links[--n];
			}
		}
	}
	for (int i = 0; i < n; i++)
		if (links[i] != master)
			link_free(links[i]);
}

/* The boot lines a master writes: 0, or -1 if incomplete. */
static int read_boot_lines(void)
{
	char line[8192];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *v = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "end") == 0)
			return tls_cred_check(&cred) == 0 && my_tid > 0 && master_tid > 0
			           ? 0
			           : -1;
		if (v == NULL)
			continue;
		*v++ = '\0';
		if (tls_cred_set_line(&cred, line, v) != 0)
			continue;
		if (strcmp(line, "tid") == 0)
			my_tid = atoi(v);
		else if (strcmp(line, "master") == 0)
			master_tid = atoi(v);
		else if (strcmp(line, "vmid") == 0)
			snprintf(vmid, sizeof(vmid), "%s", v);
		else if (strcmp(line, "bind") == 0)
			snprintf(bind_addr, sizeof(bind_addr), "%s", v);
	}
	return -1;
}

static int print_creds(int tid)
{
	char lines[TLS_CRED_LINES_MAX];
	struct tls_ca ca;
	struct tls_cred c;

	int r = 1;

	if (!tid_is_daemon(tid) || tls_ca_new(&ca) != 0)
		return 1;
	if (tls_cred_issue(&ca, tid, &c) == 0) {
		if (tls_cred_to_lines(&c, lines, sizeof(lines)) >= 0) {
			fputs(lines, stdout);
			r = 0;
		}
		tls_cred_free(&c);
	}
	tls_ca_free(&ca);
	return r;
}

/* At exit (each way out, and the parent after the fork): what main made,
 * freed, so a leak checker sees only real leaks. */
static void forge_free(void)
{
	SSL_CTX_free(server_ctx);
	SSL_CTX_free(client_ctx);
	server_ctx = client_ctx = NULL;
	tls_cred_free(&cred);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	char path[4096], plan[256] = "", real[64] = "", victim[64] = "";
	const char *dir = getenv("PVM_TMP");
	long long end;
	FILE *f;
	int listener, fd;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "creds") == 0)
		return print_creds((int)strtol(argv[2], NULL, 0));
	if (argc != 2 || strcmp(argv[1], "-s") != 0 || dir == NULL) {
		fprintf(stderr, "usage: link_forge -s (as a master starts a pvmd) | "
		                "link_forge creds TID\n");
		return 2;
	}
	atexit(forge_free);
	if (read_boot_lines() != 0) {
		printf("pvmx-slave-error link_forge: bad boot lines\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/forge.log", dir);
	logfile = fopen(path, "a");
	snprintf(path, sizeof(path), "%s/forge.plan", dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%255s %63s %63s", plan, real, victim) < 1)
			plan[0] = '\0';
		fclose(f);
	}
	server_ctx = tls_ctx_new(1, &cred);
	client_ctx = tls_ctx_new(0, &cred);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, bind_addr, &sa.sin_addr);
	if (server_ctx == NULL || client_ctx == NULL || listener < 0 ||
	    bind(listener, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(listener, 8) != 0 ||
	    getsockname(listener, (struct sockaddr *)&sa, &sl) != 0) {
		printf("pvmx-slave-error link_forge: cannot listen\n");
		return 1;
	}
	printf("pvmx-slave 1 port=%d arch=LINUX64 dsig=0x%x name=forge-%s\n",
	       ntohs(sa.sin_port), (unsigned)dsig_native(), bind_addr);
	fflush(stdout);
	if (fork() != 0)
		return 0;
	setsid();
	freopen("/dev/null", "r", stdin);
	freopen("/dev/null", "w", stdout);
	freopen("/dev/null", "w", stderr);
	say("pid %d t%x plan %s", (int)getpid(), (unsigned)my_tid, plan);

	/* the master dials us, says hello first */
	{
		struct pollfd p = {.fd = listener, .events = POLLIN};

		struct link *l = NULL;

		if (poll(&p, 1, 30000) != 1 || (fd = accept(listener, NULL, NULL)) < 0 ||
		    (l = link_new(fd, 1, server_ctx, "master")) == NULL ||
		    wait_hello(l, 5000) != master_tid) {
			say("no master link");
			return 1;
		}
		/* beats only once our hello is out */
		send_hello(l, my_tid);
		master = l;
	}
	master->peer = master_tid;
	say("master link up");
	if (strcmp(plan, "passive") == 0) {
		serve(listener);
		say("master link closed");
		return 0;
	}
	/* learn the table until both named hosts are in it */
	end = now_ms() + 20000;
	while (master != NULL && now_ms() < end &&
	       (host_at(real) == NULL || host_at(victim) == NULL)) {
		struct frame_header h;
		uint8_t *payload;
		int r = next_frame(master, 200, &h, &payload);

		if (r < 0)
			break;
		if (r == 1)
			take_frame(&h, payload, master_tid);
	}
	if (strcmp(plan, "attack") == 0)
		attack(real, victim);
	/* stay until the master lets us go (the test halts the VM) */
	while (master != NULL && !closes(master, 1000))
		;
	link_free(master);
	return 0;
}

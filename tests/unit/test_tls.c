/*
 * test_tls.c - daemon-link TLS: the CA and the credentials it issues, their
 * boot-line form, and handshakes in one event loop between our contexts
 * and every kind of peer that must be refused (another VM's CA, a
 * self-made certificate, no certificate, plaintext, garbage, cut-off or
 * stalled ClientHello, TLS 1.2, a killed peer).
 */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "check.h"

#define MIB (1024u * 1024u)
#define WAIT_LIMIT_SEC 5

/* One end of a connection under test, as its callbacks saw it. */
struct side {
	const char *name;
	struct bufferevent *bev;
	int connected, error, eof, timeout;
	int read_before_connected; /* read callbacks before CONNECTED */
	size_t read_calls;
	uint8_t *got; /* what the read callback received, up to got_cap */
	size_t got_len, got_cap;
	int overflow;
	char reason[512]; /* tls_bufferevent_error_text at the failure */
	/* what the handshake negotiated, taken at CONNECTED */
	char version[32], cipher[64];
	int reused, group, peer_cert;
};

static struct event_base *base;
static struct side srv, cli;
static int (*done_pred)(void);
static int timed_out;

/* VM a: its CA, the master's credential (t40000) and a host's (t80000);
 * VM b: another CA, and its own t80000 */
#define TID_MASTER 0x40000
#define TID_HOST2 0x80000
static struct tls_ca ca_a, ca_b;
static struct tls_cred master_a, host_a, host_b;

static void maybe_stop(void)
{
	if (done_pred != NULL && done_pred())
		event_base_loopbreak(base);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct side *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n = evbuffer_get_length(in);

	s->read_calls++;
	if (!s->connected)
		s->read_before_connected++;
	if (s->got_len + n > s->got_cap) {
		s->overflow = 1;
		evbuffer_drain(in, n);
	} else {
		evbuffer_remove(in, s->got + s->got_len, n);
		s->got_len += n;
	}
	maybe_stop();
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct side *s = arg;

	if (what & BEV_EVENT_CONNECTED) {
		SSL *ssl = bufferevent_openssl_get_ssl(bev);

		s->connected = 1;
		snprintf(s->version, sizeof(s->version), "%s", SSL_get_version(ssl));
		snprintf(s->cipher, sizeof(s->cipher), "%s",
		         SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
		s->reused = SSL_session_reused(ssl);
		s->group = (int)SSL_get_negotiated_group(ssl);
		s->peer_cert = SSL_get0_peer_certificate(ssl) != NULL;
		maybe_stop();
		return;
	}
	/* As the daemon will: read the reason first, then drop the link. */
	char why[TLS_ERROR_TEXT_LEN];
	snprintf(s->reason, sizeof(s->reason), "%s",
	         tls_bufferevent_error_text(bev, why, sizeof(why)));
	s->error |= (what & BEV_EVENT_ERROR) != 0;
	s->eof |= (what & BEV_EVENT_EOF) != 0;
	s->timeout |= (what & BEV_EVENT_TIMEOUT) != 0;
	bufferevent_free(bev);
	s->bev = NULL;
	maybe_stop();
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	timed_out = 1;
	event_base_loopbreak(base);
}

static void side_report(const struct side *s)
{
	fprintf(stderr,
	        "  %s: connected %d error %d eof %d timeout %d read calls %zu got %zu "
	        "reason \"%s\"\n",
	        s->name, s->connected, s->error, s->eof, s->timeout, s->read_calls,
	        s->got_len, s->reason);
}

/* Runs the loop until pred holds, for at most WAIT_LIMIT_SEC. */
static int wait_for(int (*pred)(void), const char *what, int line)
{
	struct timeval limit = {WAIT_LIMIT_SEC, 0};
	struct event *deadline;

	if (pred())
		return 1;
	done_pred = pred;
	timed_out = 0;
	deadline = evtimer_new(base, on_deadline, NULL);
	evtimer_add(deadline, &limit);
	event_base_dispatch(base);
	event_free(deadline);
	done_pred = NULL;
	if (pred())
		return 1;
	fprintf(stderr, "%s:%d: %s waiting for %s\n", __FILE__, line,
	        timed_out ? "timed out (5 s)" : "nothing left to run", what);
	side_report(&srv);
	side_report(&cli);
	failures++;
	return 0;
}

#define WAIT_FOR(pred, what) wait_for(pred, what, __LINE__)

static int finished(const struct side *s)
{
	return s->error || s->eof || s->timeout;
}
static int both_connected(void)
{
	return srv.connected && cli.connected;
}
static int both_finished(void)
{
	return finished(&srv) && finished(&cli);
}
static int server_finished(void)
{
	return finished(&srv);
}
static int client_finished(void)
{
	return finished(&cli);
}
static int server_finished_or_got_4(void)
{
	return finished(&srv) || srv.got_len >= 4;
}
static int both_got_mib(void)
{
	return (srv.got_len == MIB && cli.got_len == MIB) || finished(&srv) ||
	       finished(&cli) || srv.overflow || cli.overflow;
}

static void side_init(struct side *s, const char *name, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->got_cap = cap;
	s->got = malloc(cap > 0 ? cap : 1);
}

static void setup(size_t cap)
{
	base = event_base_new();
	side_init(&srv, "server", cap);
	side_init(&cli, "client", cap);
}

static void teardown(void)
{
	if (srv.bev != NULL)
		bufferevent_free(srv.bev);
	if (cli.bev != NULL)
		bufferevent_free(cli.bev);
	free(srv.got);
	free(cli.got);
	event_base_free(base);
	base = NULL;
	ERR_clear_error();
}

static void attach(struct side *s, struct bufferevent *bev)
{
	s->bev = bev;
	if (bev == NULL) {
		fprintf(stderr, "%s: no bufferevent\n", s->name);
		failures++;
		return;
	}
	bufferevent_setcb(bev, on_read, NULL, on_event, s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void socket_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0) {
		perror("socketpair");
		exit(2);
	}
}

/* A bufferevent over a context that is not ours (the foreign peers). */
static struct bufferevent *foreign_bufferevent_new(int fd, SSL_CTX *ctx, int is_server)
{
	SSL *ssl = SSL_new(ctx);

	return bufferevent_openssl_socket_new(base, fd, ssl,
	                                      is_server ? BUFFEREVENT_SSL_ACCEPTING
	                                                : BUFFEREVENT_SSL_CONNECTING,
	                                      BEV_OPT_CLOSE_ON_FREE);
}

/* Both sides saw ERROR, neither read a byte. */
static void expect_both_failed(void)
{
	CHECK_EQ("server failed with BEV_EVENT_ERROR", 1, srv.error);
	CHECK_EQ("client failed with BEV_EVENT_ERROR", 1, cli.error);
	CHECK_EQ("server read callback never called", 0, srv.read_calls);
	CHECK_EQ("client read callback never called", 0, cli.read_calls);
}

/* The server refused the client: in TLS 1.3 the client has finished its
 * side before the server checks its certificate, so it may have seen
 * CONNECTED; it then fails on the server's alert, and nothing it sent
 * is ever read. */
static void expect_client_refused(const char *what)
{
	if (srv.connected) {
		fprintf(stderr, "%s: the server completed the handshake\n", what);
		side_report(&srv);
		failures++;
	}
	expect_both_failed();
}

static void expect_refused(const char *what)
{
	if (srv.connected || cli.connected) {
		fprintf(stderr, "%s: a side completed the handshake\n", what);
		side_report(&srv);
		side_report(&cli);
		failures++;
	}
	expect_both_failed();
}

/* ---- credentials ---- */

static void test_credentials(void)
{
	char lines[TLS_CRED_LINES_MAX], name[8], *v, *line, *save = NULL;
	struct tls_cred back = {0}, mixed = {0};
	int parts = 0;

	CHECK_EQ("the master's names its tid", TID_MASTER, tls_cert_tid(master_a.cert));
	CHECK_EQ("a host's names its tid", TID_HOST2, tls_cert_tid(host_a.cert));
	CHECK_EQ("the CA's names none", -1, tls_cert_tid(ca_a.cert));
	CHECK_EQ("complete", 0, tls_cred_check(&host_a));
	CHECK_EQ("to lines", 1, tls_cred_to_lines(&host_a, lines, sizeof(lines)) > 0);
	CHECK_EQ("too small a buffer", -1,
	         tls_cred_to_lines(&host_a, name, sizeof(name)));
	for (line = strtok_r(lines, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		v = strchr(line, ' ');
		if (v == NULL)
			break;
		*v++ = '\0';
		parts += tls_cred_set_line(&back, line, v);
		/* the same parts, but the certificate of another VM */
		tls_cred_set_line(&mixed, line, v);
	}
	CHECK_EQ("three parts", 3, parts);
	CHECK_EQ("round trip complete", 0, tls_cred_check(&back));
	CHECK_EQ("round trip names the tid", TID_HOST2, tls_cert_tid(back.cert));
	CHECK_EQ("not a part", 0, tls_cred_set_line(&back, "vmid", "00"));
	CHECK_EQ("odd hex", -1, tls_cred_set_line(&back, "cert", "123"));
	CHECK_EQ("not hex", -1, tls_cred_set_line(&back, "ca", "zz"));
	CHECK_EQ("not DER", -1, tls_cred_set_line(&back, "key", "0011"));
	CHECK_EQ("a bad line leaves the part", 0, tls_cred_check(&back));
	X509_free(mixed.cert);
	X509_up_ref(host_b.cert);
	mixed.cert = host_b.cert;
	CHECK_EQ("a key not the certificate's", -1, tls_cred_check(&mixed));
	X509_free(mixed.ca);
	X509_up_ref(ca_b.cert);
	mixed.ca = ca_b.cert;
	EVP_PKEY_free(mixed.key);
	EVP_PKEY_up_ref(host_a.key);
	mixed.key = host_a.key;
	CHECK_EQ("a certificate of another CA", -1, tls_cred_check(&mixed));
	CHECK_EQ("no context from it", 1, tls_ctx_new(1, &mixed) == NULL);
	tls_cred_free(&mixed);
	tls_cred_free(&back);
	tls_wipe(lines, sizeof(lines));
}

/* ---- handshakes ---- */

/* One CA: TLS 1.3 with (EC)DHE, each side proving its host by its
 * certificate, and 1 MiB each way byte-exact, queued before the handshake
 * has finished. */
static void test_same_ca(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, &master_a), *cctx = tls_ctx_new(0, &host_a);
	uint8_t *to_server = malloc(MIB), *to_client = malloc(MIB);
	int fds[2];
	size_t i;

	setup(MIB);
	for (i = 0; i < MIB; i++) {
		to_server[i] = (uint8_t)(i * 7 + (i >> 12));
		to_client[i] = (uint8_t)(i * 13 + 5 + (i >> 16));
	}
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, tls_bufferevent_new(base, fds[1], cctx, 0));
	/* Queued now, sent only once the handshake is done. */
	bufferevent_write(cli.bev, to_server, MIB);
	bufferevent_write(srv.bev, to_client, MIB);
	if (WAIT_FOR(both_connected, "both handshakes")) {
		CHECK_STR("server version", "TLSv1.3", srv.version);
		CHECK_STR("client version", "TLSv1.3", cli.version);
		CHECK_STR("server cipher", "TLS_AES_128_GCM_SHA256", srv.cipher);
		CHECK_EQ("no resumption (server)", 0, srv.reused);
		CHECK_EQ("no resumption (client)", 0, cli.reused);
		CHECK_EQ("server: (EC)DHE group mixed in", 1, srv.group != 0);
		CHECK_EQ("client: (EC)DHE group mixed in", 1, cli.group != 0);
		CHECK_EQ("the server proved the client's host", TID_HOST2,
		         tls_peer_tid(srv.bev));
		CHECK_EQ("the client proved the server's host", TID_MASTER,
		         tls_peer_tid(cli.bev));
	}
	if (WAIT_FOR(both_got_mib, "1 MiB each way")) {
		CHECK_EQ("server got 1 MiB", MIB, srv.got_len);
		CHECK_EQ("client got 1 MiB", MIB, cli.got_len);
		CHECK_BYTES("client -> server bytes", to_server, srv.got, MIB);
		CHECK_BYTES("server -> client bytes", to_client, cli.got, MIB);
	}
	CHECK_EQ("no read before CONNECTED (server)", 0, srv.read_before_connected);
	CHECK_EQ("no read before CONNECTED (client)", 0, cli.read_before_connected);
	CHECK_EQ("no failure (server)", 0, finished(&srv));
	CHECK_EQ("no failure (client)", 0, finished(&cli));
	teardown();
	free(to_server);
	free(to_client);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* A certificate of another VM's CA: refused both ways, and the data the
 * client queued never reaches the server's read callback. */
static void other_ca_test(const struct tls_cred *server, const struct tls_cred *client)
{
	SSL_CTX *sctx = tls_ctx_new(1, server), *cctx = tls_ctx_new(0, client);
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, tls_bufferevent_new(base, fds[1], cctx, 0));
	bufferevent_write(cli.bev, "frame", 5);
	bufferevent_write(srv.bev, "frame", 5);
	WAIT_FOR(both_finished, "both sides to fail");
	expect_client_refused("another VM's CA");
	fprintf(stderr, "  (another CA: server said \"%s\", client \"%s\")\n", srv.reason,
	        cli.reason);
	teardown();
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

static void test_other_ca(void)
{
	other_ca_test(&master_a, &host_b);
	other_ca_test(&host_b, &master_a);
}

/* A raw peer writes bytes (and stays connected unless told to close). */
static void raw_peer_test(const char *what, struct side *ours, int ours_is_server,
                          const void *bytes, size_t len, int then_close,
                          int (*pred)(void))
{
	SSL_CTX *ctx = tls_ctx_new(ours_is_server, &master_a);
	int fds[2];

	socket_pair(fds);
	attach(ours, tls_bufferevent_new(base, fds[0], ctx, ours_is_server));
	bufferevent_write(ours->bev, "frame", 5);
	if (write(fds[1], bytes, len) != (ssize_t)len) {
		perror("write");
		failures++;
	}
	if (then_close)
		close(fds[1]);
	WAIT_FOR(pred, what);
	if (!then_close)
		close(fds[1]);
	CHECK_EQ(what, 0, ours->connected);
	CHECK_EQ("read callback never called", 0, ours->read_calls);
	SSL_CTX_free(ctx);
}

static void test_plaintext_peer(void)
{
	static const char http[] = "GET / HTTP/1.0\r\n\r\n";

	setup(4096);
	raw_peer_test("HTTP request to the server", &srv, 1, http, sizeof(http) - 1, 0,
	              server_finished);
	CHECK_EQ("server: ERROR on an HTTP request", 1, srv.error);
	fprintf(stderr, "  (HTTP request: server said \"%s\")\n", srv.reason);
	teardown();
}

static void fill_pseudo_random(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

static void test_garbage_peer(void)
{
	uint8_t junk[4096];

	fill_pseudo_random(junk, sizeof(junk), 0x9e3779b9u);
	setup(4096);
	raw_peer_test("4 KiB of garbage to the server", &srv, 1, junk, sizeof(junk), 0,
	              server_finished);
	CHECK_EQ("server: ERROR on garbage", 1, srv.error);
	fprintf(stderr, "  (garbage: server said \"%s\")\n", srv.reason);
	teardown();

	/* And a client whose "server" answers with garbage. */
	setup(4096);
	raw_peer_test("4 KiB of garbage to the client", &cli, 0, junk, sizeof(junk), 0,
	              client_finished);
	CHECK_EQ("client: ERROR on garbage", 1, cli.error);
	teardown();
}

/* A genuine ClientHello from our client context, by memory BIOs. */
static size_t client_hello(uint8_t *out, size_t cap)
{
	SSL_CTX *ctx = tls_ctx_new(0, &host_a);
	SSL *ssl = SSL_new(ctx);
	BIO *rbio = BIO_new(BIO_s_mem()), *wbio = BIO_new(BIO_s_mem());
	int n;

	SSL_set_bio(ssl, rbio, wbio);
	CHECK_EQ("ClientHello: connect wants to read", -1, SSL_connect(ssl));
	n = BIO_read(wbio, out, (int)cap);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return n > 0 ? (size_t)n : 0;
}

/* Half a ClientHello, then close: ERROR (or EOF), promptly. */
static void test_partial_hello_then_close(void)
{
	uint8_t hello[2048];
	size_t len = client_hello(hello, sizeof(hello));

	CHECK_EQ("a ClientHello was made", 1, len > 100 && hello[0] == 0x16);
	setup(4096);
	raw_peer_test("half a ClientHello then close", &srv, 1, hello, len / 2, 1,
	              server_finished);
	CHECK_EQ("server: ERROR or EOF", 1, srv.error || srv.eof);
	fprintf(stderr, "  (half a ClientHello: server said \"%s\")\n", srv.reason);
	teardown();
}

/* Half a ClientHello, then silence: only the caller's timeout ends it,
 * and it does, as BEV_EVENT_TIMEOUT. */
static void test_partial_hello_stalls(void)
{
	struct timeval handshake_limit = {0, 300 * 1000};
	SSL_CTX *ctx = tls_ctx_new(1, &master_a);
	uint8_t hello[2048];
	size_t len = client_hello(hello, sizeof(hello));
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], ctx, 1));
	bufferevent_set_timeouts(srv.bev, &handshake_limit, &handshake_limit);
	if (write(fds[1], hello, len / 2) != (ssize_t)(len / 2))
		failures++;
	WAIT_FOR(server_finished, "the handshake timeout");
	CHECK_EQ("server: TIMEOUT", 1, srv.timeout);
	CHECK_EQ("server: not connected", 0, srv.connected);
	CHECK_EQ("server: read callback never called", 0, srv.read_calls);
	close(fds[1]);
	teardown();
	SSL_CTX_free(ctx);
}

/* Foreign clients: TLS 1.2 only, TLS 1.3 without a certificate, and
 * one with a certificate of its own making naming the master. */
static void foreign_client_test(const char *what, SSL_CTX *cctx)
{
	SSL_CTX *sctx = tls_ctx_new(1, &master_a);
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, foreign_bufferevent_new(fds[1], cctx, 0));
	bufferevent_write(cli.bev, "frame", 5);
	WAIT_FOR(both_finished, what);
	expect_client_refused(what);
	fprintf(stderr, "  (%s: server said \"%s\")\n", what, srv.reason);
	teardown();
	SSL_CTX_free(sctx);
}

static void test_tls12_client(void)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
	foreign_client_test("TLS 1.2-only client", cctx);
	SSL_CTX_free(cctx);
}

static void test_no_certificate_client(void)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	foreign_client_test("TLS 1.3 client without a certificate", cctx);
	SSL_CTX_free(cctx);
}

/* A peer without the CA's key, with a certificate it made itself: the
 * name is right (the master's), the issuer is not. */
static SSL_CTX *impostor_ctx_new(int is_server)
{
	SSL_CTX *ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	X509_NAME *name = X509_get_subject_name(cert);

	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"pvmx t40000", -1, -1, 0);
	X509_set_issuer_name(cert, name);
	X509_sign(cert, key, EVP_sha256());
	if (SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1) {
		char why[TLS_ERROR_TEXT_LEN];
		fprintf(stderr, "impostor certificate: %s\n",
		        tls_error_text(why, sizeof(why)));
		failures++;
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

static void test_impostor_client(void)
{
	SSL_CTX *cctx = impostor_ctx_new(0);

	foreign_client_test("client with a self-made certificate naming the master",
	                    cctx);
	SSL_CTX_free(cctx);
}

/* Our client refuses a server whose certificate is not of our CA. */
static void test_certificate_server(void)
{
	SSL_CTX *impostor = impostor_ctx_new(1), *cctx = tls_ctx_new(0, &host_a);
	SSL_CTX *plain = SSL_CTX_new(TLS_client_method());
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, foreign_bufferevent_new(fds[0], impostor, 1));
	attach(&cli, tls_bufferevent_new(base, fds[1], cctx, 0));
	bufferevent_write(cli.bev, "frame", 5);
	WAIT_FOR(both_finished, "certificate server: both sides to fail");
	expect_refused("certificate server");
	fprintf(stderr, "  (certificate server: client said \"%s\")\n", cli.reason);
	teardown();

	/* Control: a client that accepts any certificate does get in. */
	SSL_CTX_set_verify(plain, SSL_VERIFY_NONE, NULL);
	setup(4096);
	socket_pair(fds);
	attach(&srv, foreign_bufferevent_new(fds[0], impostor, 1));
	attach(&cli, foreign_bufferevent_new(fds[1], plain, 0));
	WAIT_FOR(both_connected, "control: the impostor works for a lax client");
	teardown();
	SSL_CTX_free(plain);
	SSL_CTX_free(cctx);
	SSL_CTX_free(impostor);
}

/* ---- losing the peer ---- */

/* A peer that frees its bufferevent (no close_notify): ERROR, at once. */
static void test_peer_drops_link(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, &master_a), *cctx = tls_ctx_new(0, &host_a);
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, tls_bufferevent_new(base, fds[1], cctx, 0));
	if (WAIT_FOR(both_connected, "both handshakes")) {
		bufferevent_free(cli.bev);
		cli.bev = NULL;
		WAIT_FOR(server_finished, "the server to see the link go");
		CHECK_EQ("server: ERROR (unclean close)", 1, srv.error);
		fprintf(stderr, "  (peer dropped: server said \"%s\")\n", srv.reason);
	}
	teardown();
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* The child: a blocking client that says "ping" and waits to be killed. */
static void killed_peer_child(int fd)
{
	SSL_CTX *ctx = tls_ctx_new(0, &host_a);
	SSL *ssl = ctx != NULL ? SSL_new(ctx) : NULL;
	int flags = fcntl(fd, F_GETFL);

	if (ssl == NULL || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1 ||
	    SSL_write(ssl, "ping", 4) != 4)
		_exit(1);
	for (;;)
		pause();
}

/* A peer daemon killed by SIGKILL: ERROR promptly, never a hang. */
static void test_peer_killed(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, &master_a);
	int fds[2], status = 0;
	pid_t child;

	setup(4096);
	socket_pair(fds);
	child = fork();
	if (child < 0) {
		perror("fork");
		exit(2);
	}
	if (child == 0) {
		close(fds[0]);
		killed_peer_child(fds[1]);
	}
	close(fds[1]);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	if (WAIT_FOR(server_finished_or_got_4, "the child's ping")) {
		CHECK_EQ("server connected to the child", 1, srv.connected);
		CHECK_EQ("the child's ping", 0, memcmp(srv.got, "ping", 4));
		kill(child, SIGKILL);
		WAIT_FOR(server_finished, "the server to see the killed peer");
		CHECK_EQ("server: ERROR after SIGKILL", 1, srv.error);
		fprintf(stderr, "  (peer killed: server said \"%s\")\n", srv.reason);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CHECK_EQ("child died by SIGKILL (not its own failure)", 1,
	         WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	teardown();
	SSL_CTX_free(sctx);
}

/* ---- TCP, as the daemon uses it ---- */

/* A socket bound to a free loopback port (its address in *addr), listening
 * if asked to. */
static int tcp_bound(struct sockaddr_in *addr, int do_listen)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    (do_listen && listen(fd, 4) < 0) ||
	    getsockname(fd, (struct sockaddr *)addr, &len) < 0) {
		perror("tcp socket");
		exit(2);
	}
	return fd;
}

static int tcp_listener(struct sockaddr_in *addr)
{
	return tcp_bound(addr, 1);
}

/* A non-blocking connect, handed over while (perhaps) still in progress. */
static int tcp_connect_started(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 &&
	               errno != EINPROGRESS)) {
		perror("connect");
		exit(2);
	}
	return fd;
}

/* Over loopback TCP with the connect still in progress, and with both
 * contexts freed before the handshake (each connection holds its own). */
static void test_tcp(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, &master_a), *cctx = tls_ctx_new(0, &host_a);
	struct sockaddr_in addr;
	int listener = tcp_listener(&addr);
	int cfd = tcp_connect_started(&addr);
	int sfd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	setup(4096);
	attach(&cli, tls_bufferevent_new(base, cfd, cctx, 0));
	attach(&srv, tls_bufferevent_new(base, sfd, sctx, 1));
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	bufferevent_write(cli.bev, "hello", 5);
	WAIT_FOR(both_connected, "TCP handshakes");
	CHECK_EQ("server proved the client's host over TCP", TID_HOST2,
	         tls_peer_tid(srv.bev));
	WAIT_FOR(server_finished_or_got_4, "data over TCP");
	CHECK_EQ("data over TCP", 0, memcmp(srv.got, "hell", 4));
	teardown();
	close(listener);
}

/* A refused connect surfaces as ERROR on the client. */
static void test_tcp_refused(void)
{
	SSL_CTX *cctx = tls_ctx_new(0, &host_a);
	struct sockaddr_in addr;
	/* bound, never listening, and kept until the end: nothing listens on
	 * that port, and no other process (a parallel test) can take it, as
	 * it could a port we had closed */
	int bound = tcp_bound(&addr, 0);

	setup(4096);
	attach(&cli, tls_bufferevent_new(base, tcp_connect_started(&addr), cctx, 0));
	WAIT_FOR(client_finished, "the refused connect");
	CHECK_EQ("client: ERROR on a refused connect", 1, cli.error);
	fprintf(stderr, "  (refused: client said \"%s\")\n", cli.reason);
	teardown();
	close(bound);
	SSL_CTX_free(cctx);
}

static void test_ctx_rejects_nothing_silently(void)
{
	char why[TLS_ERROR_TEXT_LEN], small[8], first[TLS_ERROR_TEXT_LEN];

	/* tls_error_text drains: a second call reports an empty queue. */
	ERR_raise(ERR_LIB_SSL, SSL_R_PSK_IDENTITY_NOT_FOUND);
	CHECK_EQ("error text names the error", 1,
	         strstr(tls_error_text(why, sizeof(why)), "psk identity not found") !=
	             NULL);
	CHECK_STR("queue drained", "no OpenSSL error reported",
	          tls_error_text(why, sizeof(why)));

	/* the caller's buffer: cut to fit, and the queue still drained */
	ERR_raise(ERR_LIB_SSL, SSL_R_PSK_IDENTITY_NOT_FOUND);
	ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
	CHECK_EQ("cut to the buffer", sizeof(small) - 1,
	         strlen(tls_error_text(small, sizeof(small))));
	CHECK_STR("queue drained after a cut", "no OpenSSL error reported",
	          tls_error_text(why, sizeof(why)));

	/* two texts in one line are two texts */
	ERR_raise(ERR_LIB_SSL, SSL_R_PSK_IDENTITY_NOT_FOUND);
	tls_error_text(first, sizeof(first));
	ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
	CHECK_EQ("a second text leaves the first alone", 1,
	         strstr(first, "psk identity not found") != NULL &&
	             strstr(tls_error_text(why, sizeof(why)), "bad length") != NULL &&
	             strstr(first, "bad length") == NULL);
}

int main(void)
{
	/* A daemon must ignore SIGPIPE too: OpenSSL writes with write(2). */
	signal(SIGPIPE, SIG_IGN);
	if (tls_ca_new(&ca_a) != 0 || tls_ca_new(&ca_b) != 0 ||
	    tls_cred_issue(&ca_a, TID_MASTER, &master_a) != 0 ||
	    tls_cred_issue(&ca_a, TID_HOST2, &host_a) != 0 ||
	    tls_cred_issue(&ca_b, TID_HOST2, &host_b) != 0)
		return 2;

	test_credentials();
	test_ctx_rejects_nothing_silently();
	test_same_ca();
	test_other_ca();
	test_plaintext_peer();
	test_garbage_peer();
	test_partial_hello_then_close();
	test_partial_hello_stalls();
	test_tls12_client();
	test_no_certificate_client();
	test_impostor_client();
	test_certificate_server();
	test_peer_drops_link();
	test_peer_killed();
	test_tcp();
	test_tcp_refused();

	tls_cred_free(&master_a);
	tls_cred_free(&host_a);
	tls_cred_free(&host_b);
	tls_ca_free(&ca_a);
	tls_ca_free(&ca_b);
	if (failures != 0)
		fprintf(stderr, "test_tls: %d failure(s)\n", failures);
	return failures != 0;
}

/*
 * test_tls.c - daemon-link TLS: the secret's hex form, the PSK derivation,
 * and handshakes in one event loop between our contexts and every kind of
 * peer that must be refused (wrong secret or identity, plaintext, garbage,
 * cut-off or stalled ClientHello, TLS 1.2, certificates, a killed peer).
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

static const uint8_t secret_a[TLS_SECRET_LEN] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
    0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static uint8_t secret_b[TLS_SECRET_LEN];

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

static void expect_refused(const char *what)
{
	if (srv.connected || cli.connected) {
		fprintf(stderr, "%s: a side completed the handshake\n", what);
		side_report(&srv);
		side_report(&cli);
		failures++;
	}
	CHECK_EQ("server failed with BEV_EVENT_ERROR", 1, srv.error);
	CHECK_EQ("client failed with BEV_EVENT_ERROR", 1, cli.error);
	CHECK_EQ("server read callback never called", 0, srv.read_calls);
	CHECK_EQ("client read callback never called", 0, cli.read_calls);
}

/* ---- the secret ---- */

static void test_hex(void)
{
	uint8_t secret[TLS_SECRET_LEN], back[TLS_SECRET_LEN], other[TLS_SECRET_LEN];
	char hex[TLS_SECRET_HEX_LEN + 1], bad[TLS_SECRET_HEX_LEN + 2];

	CHECK_EQ("tls_secret_new", 0, tls_secret_new(secret));
	CHECK_EQ("tls_secret_new again", 0, tls_secret_new(other));
	CHECK_EQ("two secrets differ", 1, memcmp(secret, other, sizeof(secret)) != 0);

	tls_secret_to_hex(secret_a, hex);
	CHECK_STR("hex of 00..1f",
	          "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	          hex);
	tls_secret_to_hex(secret, hex);
	CHECK_EQ("hex length", TLS_SECRET_HEX_LEN, strlen(hex));
	CHECK_EQ("from hex", 0, tls_secret_from_hex(hex, back));
	CHECK_BYTES("round trip", secret, back, TLS_SECRET_LEN);

	memcpy(bad, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	       65);
	CHECK_EQ("upper case accepted", 0, tls_secret_from_hex(bad, back));
	CHECK_BYTES("upper case value", secret_a, back, TLS_SECRET_LEN);

	/* Each rejection leaves the output as it was. */
	memcpy(back, secret, sizeof(back));
	CHECK_EQ("NULL", -1, tls_secret_from_hex(NULL, back));
	CHECK_EQ("empty", -1, tls_secret_from_hex("", back));
	CHECK_EQ("63 digits", -1, tls_secret_from_hex(hex + 1, back));
	snprintf(bad, sizeof(bad), "%s0", hex);
	CHECK_EQ("65 digits", -1, tls_secret_from_hex(bad, back));
	snprintf(bad, sizeof(bad), "%s\n", hex);
	CHECK_EQ("trailing newline", -1, tls_secret_from_hex(bad, back));
	memcpy(bad, hex, sizeof(hex));
	bad[TLS_SECRET_HEX_LEN - 1] = 'g';
	CHECK_EQ("non-hex last digit", -1, tls_secret_from_hex(bad, back));
	bad[TLS_SECRET_HEX_LEN - 1] = hex[TLS_SECRET_HEX_LEN - 1];
	bad[0] = ' ';
	CHECK_EQ("leading space", -1, tls_secret_from_hex(bad, back));
	CHECK_BYTES("output untouched by rejections", secret, back, TLS_SECRET_LEN);

	tls_secret_wipe(hex, sizeof(hex));
	tls_secret_wipe(secret, sizeof(secret));
	memset(other, 0, sizeof(other));
	CHECK_BYTES("wiped", other, secret, TLS_SECRET_LEN);
}

/* The derivation is part of the protocol: daemons of one VM must agree.
 * Expected value from `openssl kdf ... HKDF` and Python's hmac alike. */
static void test_psk_known_answer(void)
{
	static const uint8_t expected[TLS_PSK_LEN] = {
	    0x94, 0xd8, 0xb9, 0xfb, 0xd3, 0x40, 0xc7, 0x86, 0x53, 0xa2, 0xbd,
	    0x7f, 0x54, 0xb4, 0xd7, 0xab, 0x3f, 0x53, 0xb5, 0xdc, 0xc4, 0x16,
	    0xed, 0xf3, 0x61, 0x90, 0xc2, 0xa2, 0x5d, 0xc4, 0x0d, 0x3a};
	uint8_t psk[TLS_PSK_LEN];

	CHECK_EQ("derive", 0, tls_psk_from_secret(secret_a, psk));
	CHECK_BYTES("HKDF-SHA256(secret 00..1f, label)", expected, psk, TLS_PSK_LEN);
	CHECK_EQ("PSK is not the raw secret", 1, memcmp(psk, secret_a, TLS_PSK_LEN) != 0);
	CHECK_EQ("derive other", 0, tls_psk_from_secret(secret_b, psk));
	CHECK_EQ("other secret, other PSK", 1, memcmp(psk, expected, TLS_PSK_LEN) != 0);
}

/* ---- handshakes ---- */

/* Same secret: TLS 1.3, the PSK with (EC)DHE, no certificate, and 1 MiB
 * each way byte-exact, queued before the handshake has finished. */
static void test_same_secret(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, secret_a), *cctx = tls_ctx_new(0, secret_a);
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
		CHECK_EQ("server authenticated the client by the PSK", 1, srv.reused);
		CHECK_EQ("client authenticated the server by the PSK", 1, cli.reused);
		CHECK_EQ("server: (EC)DHE group mixed in", 1, srv.group != 0);
		CHECK_EQ("client: (EC)DHE group mixed in", 1, cli.group != 0);
		CHECK_EQ("server saw no certificate", 0, srv.peer_cert);
		CHECK_EQ("client saw no certificate", 0, cli.peer_cert);
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

/* Wrong secret: the server's binder check fails; both sides see ERROR and
 * the data the client queued never reaches the server's read callback. */
static void test_wrong_secret(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, secret_a), *cctx = tls_ctx_new(0, secret_b);
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, tls_bufferevent_new(base, fds[1], cctx, 0));
	bufferevent_write(cli.bev, "frame", 5);
	bufferevent_write(srv.bev, "frame", 5);
	WAIT_FOR(both_finished, "both sides to fail");
	expect_refused("wrong secret");
	fprintf(stderr, "  (wrong secret: server said \"%s\", client \"%s\")\n",
	        srv.reason, cli.reason);
	teardown();
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

static SSL_SESSION *foreign_session;
static const char *foreign_identity;

static int foreign_use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
                                  size_t *idlen, SSL_SESSION **sess)
{
	(void)ssl;
	(void)md;
	SSL_SESSION_up_ref(foreign_session);
	*sess = foreign_session;
	*id = (const unsigned char *)foreign_identity;
	*idlen = strlen(foreign_identity);
	return 1;
}

/* A TLS 1.3 client context offering the right key under another name. */
static SSL_CTX *foreign_psk_ctx_new(const char *identity)
{
	static const unsigned char aes128gcm[2] = {0x13, 0x01};
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	uint8_t psk[TLS_PSK_LEN];
	SSL *ssl;

	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256");
	ssl = SSL_new(ctx);
	tls_psk_from_secret(secret_a, psk);
	foreign_session = SSL_SESSION_new();
	SSL_SESSION_set1_master_key(foreign_session, psk, sizeof(psk));
	SSL_SESSION_set_cipher(foreign_session, SSL_CIPHER_find(ssl, aes128gcm));
	SSL_SESSION_set_protocol_version(foreign_session, TLS1_3_VERSION);
	SSL_free(ssl);
	foreign_identity = identity;
	SSL_CTX_set_psk_use_session_callback(ctx, foreign_use_session_cb);
	return ctx;
}

/* The right key under another identity is still refused. */
static void test_wrong_identity(void)
{
	SSL_CTX *sctx = tls_ctx_new(1, secret_a),
	        *cctx = foreign_psk_ctx_new("pvmx-other");
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, foreign_bufferevent_new(fds[1], cctx, 0));
	bufferevent_write(cli.bev, "frame", 5);
	WAIT_FOR(both_finished, "both sides to fail");
	expect_refused("wrong identity");
	fprintf(stderr, "  (wrong identity: server said \"%s\")\n", srv.reason);
	CHECK_EQ("refused up front, for the identity", 1,
	         strstr(srv.reason, "psk identity not found") != NULL);
	teardown();
	SSL_SESSION_free(foreign_session);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);

	/* Control: the same foreign client under our identity gets in, so
	 * the refusal above was the identity's doing. */
	sctx = tls_ctx_new(1, secret_a);
	cctx = foreign_psk_ctx_new(TLS_PSK_IDENTITY);
	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, foreign_bufferevent_new(fds[1], cctx, 0));
	WAIT_FOR(both_connected, "control: right identity connects");
	teardown();
	SSL_SESSION_free(foreign_session);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}

/* A raw peer writes bytes (and stays connected unless told to close). */
static void raw_peer_test(const char *what, struct side *ours, int ours_is_server,
                          const void *bytes, size_t len, int then_close,
                          int (*pred)(void))
{
	SSL_CTX *ctx = tls_ctx_new(ours_is_server, secret_a);
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
	SSL_CTX *ctx = tls_ctx_new(0, secret_a);
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
	SSL_CTX *ctx = tls_ctx_new(1, secret_a);
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

/* Foreign clients: TLS 1.2 only, and TLS 1.3 with certificates, no PSK. */
static void foreign_client_test(const char *what, SSL_CTX *cctx)
{
	SSL_CTX *sctx = tls_ctx_new(1, secret_a);
	int fds[2];

	setup(4096);
	socket_pair(fds);
	attach(&srv, tls_bufferevent_new(base, fds[0], sctx, 1));
	attach(&cli, foreign_bufferevent_new(fds[1], cctx, 0));
	bufferevent_write(cli.bev, "frame", 5);
	WAIT_FOR(both_finished, what);
	expect_refused(what);
	fprintf(stderr, "  (%s: server said \"%s\")\n", what, srv.reason);
	/* Refused at the ClientHello, not merely for want of a certificate. */
	CHECK_EQ("refused up front, for want of our PSK", 1,
	         strstr(srv.reason, "psk identity not found") != NULL);
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

static void test_no_psk_client(void)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	foreign_client_test("TLS 1.3 client without a PSK", cctx);
	SSL_CTX_free(cctx);
}

/* A server that does not know the secret but has a certificate. */
static SSL_CTX *impostor_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = X509_new();
	X509_NAME *name = X509_get_subject_name(cert);

	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	X509_set_pubkey(cert, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"impostor", -1, -1, 0);
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
	return ctx;
}

/* Our client refuses a server that authenticates by certificate. */
static void test_certificate_server(void)
{
	SSL_CTX *impostor = impostor_ctx_new(), *cctx = tls_ctx_new(0, secret_a);
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
	SSL_CTX *sctx = tls_ctx_new(1, secret_a), *cctx = tls_ctx_new(0, secret_a);
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
	SSL_CTX *ctx = tls_ctx_new(0, secret_a);
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
	SSL_CTX *sctx = tls_ctx_new(1, secret_a);
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
	SSL_CTX *sctx = tls_ctx_new(1, secret_a), *cctx = tls_ctx_new(0, secret_a);
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
	CHECK_EQ("server used the PSK over TCP", 1, srv.reused);
	WAIT_FOR(server_finished_or_got_4, "data over TCP");
	CHECK_EQ("data over TCP", 0, memcmp(srv.got, "hell", 4));
	teardown();
	close(listener);
}

/* A refused connect surfaces as ERROR on the client. */
static void test_tcp_refused(void)
{
	SSL_CTX *cctx = tls_ctx_new(0, secret_a);
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
	if (tls_secret_new(secret_b) < 0)
		return 2;

	test_hex();
	test_psk_known_answer();
	test_ctx_rejects_nothing_silently();
	test_same_secret();
	test_wrong_secret();
	test_wrong_identity();
	test_plaintext_peer();
	test_garbage_peer();
	test_partial_hello_then_close();
	test_partial_hello_stalls();
	test_tls12_client();
	test_no_psk_client();
	test_certificate_server();
	test_peer_drops_link();
	test_peer_killed();
	test_tcp();
	test_tcp_refused();

	if (failures != 0)
		fprintf(stderr, "test_tls: %d failure(s)\n", failures);
	return failures != 0;
}

/*
 * tls.h - TLS 1.3 for daemon-to-daemon links: the master's small CA, the
 * per-host credentials it issues, contexts accepting nothing else, and
 * libevent bufferevents doing the handshake on a connected socket.
 */
#ifndef PVMX_TLS_H
#define PVMX_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct bufferevent;
struct event_base;

/*
 * Identity: the master is the VM's certificate authority.  It makes an
 * Ed25519 key and a self-signed CA certificate at its start and keeps the
 * CA key to itself; for each daemon it starts it makes a key and a
 * certificate naming that daemon's tid (CN "pvmx t<hex tid>"), and hands
 * them with the CA certificate over the boot channel.  A link is mutual
 * TLS 1.3 with these certificates, so a handshake proves which host is at
 * the other end; a daemon cannot issue a certificate for another host.
 */
struct tls_ca {
	EVP_PKEY *key;
	X509 *cert;
};

/* One daemon's credential: its key, its certificate, the CA it trusts. */
struct tls_cred {
	EVP_PKEY *key;
	X509 *cert;
	X509 *ca;
};

/* A new CA for a new VM: 0, or -1 (logged).  Free with tls_ca_free. */
int tls_ca_new(struct tls_ca *ca);
void tls_ca_free(struct tls_ca *ca);

/* A credential for the daemon host_tid, issued by ca: 0, or -1 (logged).
 * Free with tls_cred_free. */
int tls_cred_issue(const struct tls_ca *ca, int host_tid, struct tls_cred *cred);
void tls_cred_free(struct tls_cred *cred);

/* The boot lines carrying a credential: "key HEX\ncert HEX\nca HEX\n"
 * (DER, lower-case hex), written into buf.  Their length, or -1 if buf is
 * too small.  The key is secret: wipe buf after use (tls_wipe). */
#define TLS_CRED_LINES_MAX 4096
int tls_cred_to_lines(const struct tls_cred *cred, char *buf, size_t len);

/* One boot line's name and value: 1 if it was a credential part (taken),
 * 0 if name is not one, -1 if its value is bad. */
int tls_cred_set_line(struct tls_cred *cred, const char *name, const char *hex);

/* 0 if cred has all three parts, its key is its certificate's and the
 * certificate is the CA's and names a daemon; else -1. */
int tls_cred_check(const struct tls_cred *cred);

/* The daemon tid a certificate names, or -1 if it names none. */
int tls_cert_tid(const X509 *cert);

/* The daemon tid the verified certificate of bev's peer names, or -1
 * (no certificate, or not one of ours). */
int tls_peer_tid(struct bufferevent *bev);

/* Overwrites len bytes in a way the compiler keeps (OPENSSL_cleanse): for
 * any buffer that held a key. */
void tls_wipe(void *buf, size_t len);

/*
 * A context for one side of daemon links: TLS 1.3 only, authenticated by
 * cred's certificate, accepting only a peer whose certificate cred's CA
 * issued (no PSK, no anonymous peer), (EC)DHE always.  NULL on failure
 * (the reason is logged).  The context takes its own references; the
 * caller may free cred at once.  Free with SSL_CTX_free: each connection
 * holds a reference, so that is safe at any time.
 */
SSL_CTX *tls_ctx_new(int is_server, const struct tls_cred *cred);

/* Room for the texts below; longer ones are cut. */
#define TLS_ERROR_TEXT_LEN 512

/* The OpenSSL error queue of this thread drained into one line for a log
 * message, written into buf (len bytes, at least 1).  Returns buf, or a
 * constant text when the queue was empty. */
const char *tls_error_text(char *buf, size_t len);

/*
 * A bufferevent doing TLS on fd, a connected (or connecting) non-blocking
 * stream socket, as client or server.  It owns fd from now on, also on
 * failure: bufferevent_free closes it (BEV_OPT_CLOSE_ON_FREE), and NULL
 * (logged) means it has been closed already.
 *
 * The handshake runs by itself: BEV_EVENT_CONNECTED arrives on success,
 * BEV_EVENT_ERROR on failure (a certificate of another CA or none,
 * plaintext or garbage, TLS <= 1.2); nothing reaches the read callback before CONNECTED.
 * A peer that stalls mid-handshake is only caught by a timeout: set one with
 * bufferevent_set_timeouts() now (it arrives as BEV_EVENT_TIMEOUT) and
 * clear it on CONNECTED.  A peer that dies or closes without a TLS
 * close_notify (SIGKILL, or a peer that just frees its bufferevent) is
 * reported as BEV_EVENT_ERROR, not EOF: treat both as "link lost".
 * OpenSSL writes with write(2): the process must ignore SIGPIPE.
 * Like any bufferevent it belongs to its loop's thread.
 */
struct bufferevent *tls_bufferevent_new(struct event_base *base, int fd, SSL_CTX *ctx,
                                        int is_server);

/* Why a tls_bufferevent failed, for a log line: its OpenSSL errors (oldest
 * first), else the errno text (e.g. "Connection refused"), else
 * "connection closed by the peer".  Call it first thing in the event
 * callback: it reads errno.  Written into buf (len bytes, at least 1);
 * returns buf or a constant text. */
const char *tls_bufferevent_error_text(struct bufferevent *bev, char *buf, size_t len);

#endif

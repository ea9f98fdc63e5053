/*
 * tls.h - TLS 1.3 for daemon-to-daemon links: the per-VM secret, contexts
 * authenticated by nothing but a PSK derived from it, and libevent
 * bufferevents doing the handshake on a connected socket.
 */
#ifndef PVMX_TLS_H
#define PVMX_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct bufferevent;
struct event_base;

#define TLS_SECRET_LEN 32
#define TLS_SECRET_HEX_LEN (2 * TLS_SECRET_LEN)
/* The external PSK: HKDF-SHA256 of the secret, TLS_PSK_LABEL as info. */
#define TLS_PSK_LEN 32
#define TLS_PSK_LABEL "pvmx 1 daemon link TLS 1.3 external PSK"
/* The only PSK identity a server accepts (not secret). */
#define TLS_PSK_IDENTITY "pvmx-vm"

/* 32 random bytes for a new VM: 0, or -1 (RAND_bytes failed, logged). */
int tls_secret_new(uint8_t secret[TLS_SECRET_LEN]);

/* Lower-case hex, NUL-terminated. */
void tls_secret_to_hex(const uint8_t secret[TLS_SECRET_LEN],
                       char hex[TLS_SECRET_HEX_LEN + 1]);

/* 0, or -1 if hex is not exactly 64 hex digits (either case) followed by
 * its NUL: strip a line's newline first.  secret is untouched on failure. */
int tls_secret_from_hex(const char *hex, uint8_t secret[TLS_SECRET_LEN]);

/* Overwrites len bytes in a way the compiler keeps (OPENSSL_cleanse): for
 * the secret, its hex form, and any buffer that held either. */
void tls_secret_wipe(void *buf, size_t len);

/* The PSK both sides use; 0, or -1 (logged).  Exposed for tests. */
int tls_psk_from_secret(const uint8_t secret[TLS_SECRET_LEN], uint8_t psk[TLS_PSK_LEN]);

/*
 * A context for one side of daemon links: TLS 1.3 only, authenticated by
 * the secret only (no certificates; a certificate-authenticated peer is
 * refused), (EC)DHE always mixed in.  NULL on failure (the reason is
 * logged).  The context keeps its own copy of the derived key and wipes it
 * when freed; the caller may wipe secret at once.  Free with SSL_CTX_free:
 * each connection holds a reference, so that is safe at any time.
 */
SSL_CTX *tls_ctx_new(int is_server, const uint8_t secret[TLS_SECRET_LEN]);

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
 * BEV_EVENT_ERROR on failure (wrong secret, plaintext or garbage, no PSK,
 * TLS <= 1.2); nothing reaches the read callback before CONNECTED.  A peer
 * that stalls mid-handshake is only caught by a timeout: set one with
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

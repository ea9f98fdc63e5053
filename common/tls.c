/*
 * tls.c - TLS 1.3 with an external PSK for daemon links: the per-VM secret
 * and its hex form, the PSK derived from it, SSL_CTXs that accept nothing
 * else, and bufferevents that run the handshake.
 */
#include "tls.h"

#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

/* TLS_AES_128_GCM_SHA256: the PSK's hash must be the suite's (SHA-256, as
 * the HKDF), and the suite must be the only one both sides offer, or a
 * server could pick another and silently skip the PSK. */
#define TLS_CIPHER_NAME "TLS_AES_128_GCM_SHA256"
#define TLS_CIPHER_BYTE0 0x13
#define TLS_CIPHER_BYTE1 0x01

/* psk_key_exchange_modes value psk_dhe_ke (RFC 8446 4.2.9). */
#define PSK_DHE_KE 1

/* SSL_CTX ex_data slot holding the context's PSK session; freed with it. */
static int session_index = -1;
static pthread_once_t session_index_once = PTHREAD_ONCE_INIT;

int tls_secret_new(uint8_t secret[TLS_SECRET_LEN])
{
	char why[TLS_ERROR_TEXT_LEN];

	if (RAND_bytes(secret, TLS_SECRET_LEN) != 1) {
		log_error("tls: RAND_bytes for the VM secret: %s",
		          tls_error_text(why, sizeof(why)));
		return -1;
	}
	return 0;
}

void tls_secret_to_hex(const uint8_t secret[TLS_SECRET_LEN],
                       char hex[TLS_SECRET_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < TLS_SECRET_LEN; i++) {
		hex[2 * i] = digits[secret[i] >> 4];
		hex[2 * i + 1] = digits[secret[i] & 0xf];
	}
	hex[TLS_SECRET_HEX_LEN] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tls_secret_from_hex(const char *hex, uint8_t secret[TLS_SECRET_LEN])
{
	uint8_t out[TLS_SECRET_LEN];
	size_t i;

	if (hex == NULL || strnlen(hex, TLS_SECRET_HEX_LEN + 1) != TLS_SECRET_HEX_LEN)
		return -1;
	for (i = 0; i < TLS_SECRET_LEN; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(out, sizeof(out));
			return -1;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(secret, out, TLS_SECRET_LEN);
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

void tls_secret_wipe(void *buf, size_t len)
{
	OPENSSL_cleanse(buf, len);
}

int tls_psk_from_secret(const uint8_t secret[TLS_SECRET_LEN], uint8_t psk[TLS_PSK_LEN])
{
	static const char label[] = TLS_PSK_LABEL;
	char why[TLS_ERROR_TEXT_LEN];
	EVP_PKEY_CTX *pctx;
	size_t len = TLS_PSK_LEN;
	int ok;

	pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	ok = pctx != NULL && EVP_PKEY_derive_init(pctx) > 0 &&
	     EVP_PKEY_CTX_set_hkdf_md(pctx, EVP_sha256()) > 0 &&
	     EVP_PKEY_CTX_set1_hkdf_key(pctx, secret, TLS_SECRET_LEN) > 0 &&
	     EVP_PKEY_CTX_add1_hkdf_info(pctx, (const unsigned char *)label,
	                                 (int)sizeof(label) - 1) > 0 &&
	     EVP_PKEY_derive(pctx, psk, &len) > 0 && len == TLS_PSK_LEN;
	EVP_PKEY_CTX_free(pctx);
	if (!ok) {
		OPENSSL_cleanse(psk, TLS_PSK_LEN);
		log_error("tls: HKDF of the VM secret: %s",
		          tls_error_text(why, sizeof(why)));
		return -1;
	}
	return 0;
}

const char *tls_error_text(char *buf, size_t len)
{
	char one[256];
	const char *data;
	unsigned long e;
	size_t used = 0;
	int flags;

	/* Error strings for libssl too, even before the first SSL_CTX. */
	OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL);
	buf[0] = '\0';
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		int n;

		ERR_error_string_n(e, one, sizeof(one));
		n = snprintf(buf + used, len - used, "%s%s%s%s%s", used > 0 ? "; " : "",
		             one, (flags & ERR_TXT_STRING) && *data ? " (" : "",
		             (flags & ERR_TXT_STRING) ? data : "",
		             (flags & ERR_TXT_STRING) && *data ? ")" : "");
		if (n < 0 || (size_t)n >= len - used) {
			/* Full: keep draining so no stale error is left behind. */
			used = len - 1;
			continue;
		}
		used += (size_t)n;
	}
	return used > 0 ? buf : "no OpenSSL error reported";
}

static void session_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                         void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	/* SSL_SESSION_free cleanses the master key. */
	SSL_SESSION_free(ptr);
}

static void session_index_init(void)
{
	session_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, session_free);
}

/* The context's session, or NULL. */
static SSL_SESSION *ctx_session(SSL *ssl)
{
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), session_index);
}

/*
 * Client: offer our one PSK.  After a HelloRetryRequest md is the hash of
 * the suite the server chose; with one suite it always matches, but a
 * mismatched PSK must not be offered (OpenSSL would fail the binder).
 */
static int use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
                          size_t *idlen, SSL_SESSION **sess)
{
	SSL_SESSION *session = ctx_session(ssl);
	const EVP_MD *ours;

	*sess = NULL;
	*id = NULL;
	*idlen = 0;
	if (session == NULL)
		return 0;
	ours = SSL_CIPHER_get_handshake_digest(SSL_SESSION_get0_cipher(session));
	if (md != NULL && (ours == NULL || EVP_MD_get_type(md) != EVP_MD_get_type(ours)))
		return 1;
	/* Each connection gets (and OpenSSL frees) its own copy: the
	 * client makes the PSK session its current one and may change it. */
	*sess = SSL_SESSION_dup(session);
	if (*sess == NULL)
		return 0;
	*id = (const unsigned char *)TLS_PSK_IDENTITY;
	*idlen = sizeof(TLS_PSK_IDENTITY) - 1;
	return 1;
}

/* Server: our identity maps to our PSK; any other maps to none (the
 * ClientHello callback has already made sure ours is among them). */
static int find_session_cb(SSL *ssl, const unsigned char *identity, size_t identity_len,
                           SSL_SESSION **sess)
{
	SSL_SESSION *session = ctx_session(ssl);

	*sess = NULL;
	if (session == NULL)
		return 0;
	if (identity_len != sizeof(TLS_PSK_IDENTITY) - 1 ||
	    memcmp(identity, TLS_PSK_IDENTITY, identity_len) != 0)
		return 1;
	/* OpenSSL takes the reference we hand over (and works on a copy). */
	if (!SSL_SESSION_up_ref(session))
		return 0;
	*sess = session;
	return 1;
}

static uint32_t get_u16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* 1 if the pre_shared_key extension's identity list names ours. */
static int offers_our_identity(const unsigned char *ext, size_t len)
{
	size_t list_len, pos, id_len;

	if (len < 2)
		return 0;
	list_len = get_u16(ext);
	if (list_len > len - 2)
		return 0;
	ext += 2;
	for (pos = 0; pos + 2 <= list_len; pos += 2 + id_len + 4) {
		id_len = get_u16(ext + pos);
		if (id_len > list_len - pos - 2 || list_len - pos - 2 - id_len < 4)
			return 0;
		if (id_len == sizeof(TLS_PSK_IDENTITY) - 1 &&
		    memcmp(ext + pos + 2, TLS_PSK_IDENTITY, id_len) == 0)
			return 1;
	}
	return 0;
}

/* 1 if the psk_key_exchange_modes extension includes psk_dhe_ke. */
static int offers_psk_dhe(const unsigned char *ext, size_t len)
{
	size_t i;

	if (len < 1 || ext[0] > len - 1)
		return 0;
	for (i = 1; i <= ext[0]; i++)
		if (ext[i] == PSK_DHE_KE)
			return 1;
	return 0;
}

/*
 * Server: refuse at once, with an alert naming why, a ClientHello that
 * does not offer our identity with (EC)DHE: a certificate-only client, an
 * old-protocol client, a stranger.  Runs before anything else is parsed.
 */
static int client_hello_cb(SSL *ssl, int *alert, void *arg)
{
	const unsigned char *ext;
	size_t len;

	(void)arg;
	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_psk, &ext, &len) ||
	    !offers_our_identity(ext, len)) {
		ERR_raise_data(ERR_LIB_SSL, SSL_R_PSK_IDENTITY_NOT_FOUND,
		               "peer did not offer the VM's PSK identity");
		*alert = SSL_AD_UNKNOWN_PSK_IDENTITY;
		return SSL_CLIENT_HELLO_ERROR;
	}
	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_psk_kex_modes, &ext, &len) ||
	    !offers_psk_dhe(ext, len)) {
		ERR_raise_data(ERR_LIB_SSL, SSL_R_MISSING_PSK_KEX_MODES_EXTENSION,
		               "peer did not offer psk_dhe_ke");
		*alert = SSL_AD_HANDSHAKE_FAILURE;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Client: a server that answers with a certificate instead of the PSK does
 * not know the secret; no certificate is ever acceptable. */
static int refuse_certificate_cb(int preverify_ok, X509_STORE_CTX *store)
{
	(void)preverify_ok;
	X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
	return 0;
}

/* The external PSK as OpenSSL wants it: a TLS 1.3 session. */
static SSL_SESSION *psk_session_new(SSL_CTX *ctx, const uint8_t secret[TLS_SECRET_LEN])
{
	static const unsigned char cipher_id[2] = {TLS_CIPHER_BYTE0, TLS_CIPHER_BYTE1};
	uint8_t psk[TLS_PSK_LEN];
	char why[TLS_ERROR_TEXT_LEN];
	const SSL_CIPHER *cipher;
	SSL_SESSION *session;
	SSL *ssl;

	/* SSL_CIPHER_find needs an SSL; a throwaway one from ctx will do. */
	ssl = SSL_new(ctx);
	cipher = ssl != NULL ? SSL_CIPHER_find(ssl, cipher_id) : NULL;
	SSL_free(ssl);
	if (cipher == NULL) {
		log_error("tls: cipher suite %s unavailable: %s", TLS_CIPHER_NAME,
		          tls_error_text(why, sizeof(why)));
		return NULL;
	}
	if (tls_psk_from_secret(secret, psk) < 0)
		return NULL;
	session = SSL_SESSION_new();
	if (session == NULL || !SSL_SESSION_set1_master_key(session, psk, sizeof(psk)) ||
	    !SSL_SESSION_set_cipher(session, cipher) ||
	    !SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION)) {
		log_error("tls: PSK session: %s", tls_error_text(why, sizeof(why)));
		SSL_SESSION_free(session);
		session = NULL;
	}
	OPENSSL_cleanse(psk, sizeof(psk));
	return session;
}

SSL_CTX *tls_ctx_new(int is_server, const uint8_t secret[TLS_SECRET_LEN])
{
	char why[TLS_ERROR_TEXT_LEN];
	SSL_SESSION *session;
	SSL_CTX *ctx;

	pthread_once(&session_index_once, session_index_init);
	if (session_index < 0) {
		log_error("tls: SSL_CTX ex_data index: %s",
		          tls_error_text(why, sizeof(why)));
		return NULL;
	}
	ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL) {
		log_error("tls: SSL_CTX_new: %s", tls_error_text(why, sizeof(why)));
		return NULL;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, TLS_CIPHER_NAME))
		goto fail;
	/* (EC)DHE with the PSK, always: forward secrecy.  OpenSSL's default,
	 * made explicit. */
	SSL_CTX_clear_options(ctx, SSL_OP_ALLOW_NO_DHE_KEX);
	/* Unexpected EOF stays an error: a truncated link must not look like
	 * an orderly close. */
	SSL_CTX_clear_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Every connection authenticates with the PSK afresh: no tickets, no
	 * resumption, no early data. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (is_server) {
		if (!SSL_CTX_set_num_tickets(ctx, 0))
			goto fail;
		SSL_CTX_set_client_hello_cb(ctx, client_hello_cb, NULL);
		SSL_CTX_set_psk_find_session_callback(ctx, find_session_cb);
	} else {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, refuse_certificate_cb);
		SSL_CTX_set_psk_use_session_callback(ctx, use_session_cb);
	}
	session = psk_session_new(ctx, secret);
	if (session == NULL) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (!SSL_CTX_set_ex_data(ctx, session_index, session)) {
		SSL_SESSION_free(session);
		goto fail;
	}
	return ctx;
fail:
	log_error("tls: %s context: %s", is_server ? "server" : "client",
	          tls_error_text(why, sizeof(why)));
	SSL_CTX_free(ctx);
	return NULL;
}

struct bufferevent *tls_bufferevent_new(struct event_base *base, int fd, SSL_CTX *ctx,
                                        int is_server)
{
	char why[TLS_ERROR_TEXT_LEN];
	struct bufferevent *bev;
	SSL *ssl;

	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		log_error("tls: SSL_new on fd %d: %s", fd,
		          tls_error_text(why, sizeof(why)));
		close(fd);
		return NULL;
	}
	/*
	 * Made without an fd, then given one, so that ownership is clear on
	 * failure: with no fd libevent can only fail (out of memory) before
	 * it takes ssl, and once it has the fd bufferevent_free closes it
	 * and frees ssl.
	 */
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	                                     is_server ? BUFFEREVENT_SSL_ACCEPTING
	                                               : BUFFEREVENT_SSL_CONNECTING,
	                                     BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_error("tls: bufferevent for fd %d: out of memory", fd);
		SSL_free(ssl);
		close(fd);
		return NULL;
	}
	/* An unclean close stays BEV_EVENT_ERROR (libevent's default). */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 0);
	if (bufferevent_setfd(bev, fd) < 0) {
		log_error("tls: bufferevent for fd %d: cannot watch the socket", fd);
		bufferevent_free(bev);
		return NULL;
	}
	if (SSL_get_rbio(ssl) == NULL) {
		/* libevent's BIO_new_socket failed: nothing would close fd. */
		log_error("tls: bufferevent for fd %d: out of memory", fd);
		bufferevent_free(bev);
		close(fd);
		return NULL;
	}
	return bev;
}

const char *tls_bufferevent_error_text(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long errors[8];
	char one[256];
	size_t n_errors = 0, used = 0;
	int saved = errno, syscall_failed = 0;
	unsigned long e;

	/*
	 * libevent keeps a few of the connection's OpenSSL errors and hands
	 * them back newest first; among them are bare SSL_get_error() codes
	 * (SSL_ERROR_SSL, SSL_ERROR_SYSCALL), which carry no library.
	 */
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		if (ERR_GET_LIB(e) == 0) {
			syscall_failed |= e == SSL_ERROR_SYSCALL;
			continue;
		}
		if (n_errors < sizeof(errors) / sizeof(errors[0]))
			errors[n_errors++] = e;
	}
	while (n_errors > 0) {
		int n;

		ERR_error_string_n(errors[--n_errors], one, sizeof(one));
		n = snprintf(buf + used, len - used, "%s%s", used > 0 ? "; " : "", one);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (used > 0)
		return buf;
	if (saved != 0 && saved != EAGAIN && saved != EINPROGRESS) {
		snprintf(buf, len, "%s", strerror(saved));
		return buf;
	}
	return syscall_failed ? "connection closed by the peer" : "no error recorded";
}

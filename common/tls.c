/*
 * tls.c - TLS 1.3 with certificates for daemon links: the master's CA, the
 * per-host credentials it issues and their boot-line form, SSL_CTXs that
 * accept only a certificate of the VM's CA, and bufferevents that run the
 * handshake.
 */
#include "tls.h"

#include "log.h"
#include "tid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

/* The one suite both sides offer: nothing to negotiate down to. */
#define TLS_CIPHER_NAME "TLS_AES_128_GCM_SHA256"
#define TLS_CA_NAME "pvmx VM CA"
#define TLS_HOST_PREFIX "pvmx t"
/* Certificates are valid for the VM's life: hosts' clocks are not
 * trusted to agree, so times are not checked (X509_V_FLAG_NO_CHECK_TIME),
 * but X.509 wants some. */
#define TLS_CERT_DAYS (365 * 100)

void tls_wipe(void *buf, size_t len)
{
	OPENSSL_cleanse(buf, len);
}

static void log_tls_error(const char *what)
{
	char why[TLS_ERROR_TEXT_LEN];

	log_error("tls: %s: %s", what, tls_error_text(why, sizeof(why)));
}

static EVP_PKEY *key_new(void)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	if (key == NULL)
		log_tls_error("Ed25519 key");
	return key;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	ok = ext != NULL && X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* A certificate for key named cn, signed by issuer_key (self-signed when
 * issuer is NULL), a CA's or a daemon's.  NULL on failure (logged). */
static X509 *cert_new(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                      int is_ca)
{
	X509 *cert = X509_new();
	uint64_t serial;
	int ok;

	ok = cert != NULL && RAND_bytes((unsigned char *)&serial, sizeof(serial)) == 1 &&
	     X509_set_version(cert, X509_VERSION_3) &&
	     ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1) &&
	     X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600) != NULL &&
	     X509_time_adj_ex(X509_getm_notAfter(cert), TLS_CERT_DAYS, 0, NULL) != NULL &&
	     X509_NAME_add_entry_by_NID(X509_get_subject_name(cert), NID_commonName,
	                                MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
	                                0) &&
	     X509_set_issuer_name(
	         cert, X509_get_subject_name(issuer != NULL ? issuer : cert)) &&
	     X509_set_pubkey(cert, key);
	if (ok && is_ca)
		ok = add_ext(cert, cert, NID_basic_constraints,
		             "critical,CA:TRUE,pathlen:0") &&
		     add_ext(cert, cert, NID_key_usage, "critical,keyCertSign") &&
		     add_ext(cert, cert, NID_subject_key_identifier, "hash");
	else if (ok)
		ok = add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") &&
		     add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature") &&
		     add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always");
	/* Ed25519 signs without a separate digest */
	ok = ok && X509_sign(cert, issuer_key, NULL) > 0;
	if (!ok) {
		log_tls_error("making a certificate");
		X509_free(cert);
		return NULL;
	}
	return cert;
}

int tls_ca_new(struct tls_ca *ca)
{
	ca->cert = NULL;
	ca->key = key_new();
	if (ca->key != NULL)
		ca->cert = cert_new(ca->key, TLS_CA_NAME, NULL, ca->key, 1);
	if (ca->cert == NULL) {
		tls_ca_free(ca);
		return -1;
	}
	return 0;
}

void tls_ca_free(struct tls_ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	ca->key = NULL;
	ca->cert = NULL;
}

int tls_cred_issue(const struct tls_ca *ca, int host_tid, struct tls_cred *cred)
{
	char cn[32];

	memset(cred, 0, sizeof(*cred));
	if (ca->key == NULL || ca->cert == NULL) {
		log_error(
		    "tls: no CA to issue a credential for t%x (only the master has one)",
		    (unsigned)host_tid);
		return -1;
	}
	snprintf(cn, sizeof(cn), TLS_HOST_PREFIX "%x", (unsigned)host_tid);
	cred->key = key_new();
	if (cred->key != NULL)
		cred->cert = cert_new(cred->key, cn, ca->cert, ca->key, 0);
	if (cred->cert == NULL || !X509_up_ref(ca->cert)) {
		tls_cred_free(cred);
		return -1;
	}
	cred->ca = ca->cert;
	return 0;
}

void tls_cred_free(struct tls_cred *cred)
{
	EVP_PKEY_free(cred->key);
	X509_free(cred->cert);
	X509_free(cred->ca);
	memset(cred, 0, sizeof(*cred));
}

/* "name HEX\n" of der (n bytes) at buf + *used; -1 if it does not fit. */
static int put_hex_line(char *buf, size_t len, size_t *used, const char *name,
                        const unsigned char *der, int n)
{
	static const char digits[] = "0123456789abcdef";
	size_t name_len = strlen(name), need = name_len + 1 + 2 * (size_t)n + 1;
	char *o = buf + *used;

	if (n <= 0 || need >= len - *used)
		return -1;
	memcpy(o, name, name_len);
	o += name_len;
	*o++ = ' ';
	for (int i = 0; i < n; i++) {
		*o++ = digits[der[i] >> 4];
		*o++ = digits[der[i] & 0xf];
	}
	*o++ = '\n';
	*o = '\0';
	*used += need;
	return 0;
}

int tls_cred_to_lines(const struct tls_cred *cred, char *buf, size_t len)
{
	unsigned char *key = NULL, *cert = NULL, *ca = NULL;
	int nkey = i2d_PrivateKey(cred->key, &key), ncert = i2d_X509(cred->cert, &cert),
	    nca = i2d_X509(cred->ca, &ca);
	size_t used = 0;
	int r = -1;

	if (len > 0)
		buf[0] = '\0';
	if (len > 0 && put_hex_line(buf, len, &used, "key", key, nkey) == 0 &&
	    put_hex_line(buf, len, &used, "cert", cert, ncert) == 0 &&
	    put_hex_line(buf, len, &used, "ca", ca, nca) == 0)
		r = (int)used;
	if (key != NULL)
		OPENSSL_clear_free(key, (size_t)nkey);
	OPENSSL_free(cert);
	OPENSSL_free(ca);
	if (r < 0 && len > 0)
		OPENSSL_cleanse(buf, len);
	return r;
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

/* hex into a new buffer of *n bytes (free with OPENSSL_clear_free), or
 * NULL when it is not an even number of hex digits. */
static unsigned char *from_hex(const char *hex, size_t *n)
{
	size_t len = strlen(hex);
	unsigned char *out;

	if (len == 0 || len % 2 != 0 || (out = OPENSSL_malloc(len / 2)) == NULL)
		return NULL;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			OPENSSL_clear_free(out, len / 2);
			return NULL;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*n = len / 2;
	return out;
}

int tls_cred_set_line(struct tls_cred *cred, const char *name, const char *hex)
{
	int is_key = strcmp(name, "key") == 0, is_cert = strcmp(name, "cert") == 0,
	    is_ca = strcmp(name, "ca") == 0;
	const unsigned char *p;
	unsigned char *der;
	size_t n;
	int ok = 0;

	if (!is_key && !is_cert && !is_ca)
		return 0;
	der = from_hex(hex, &n);
	if (der == NULL || n > INT32_MAX) {
		if (der != NULL)
			OPENSSL_clear_free(der, n);
		return -1;
	}
	p = der;
	if (is_key) {
		EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, (long)n);

		if ((ok = k != NULL && p == der + n)) {
			EVP_PKEY_free(cred->key);
			cred->key = k;
		} else {
			EVP_PKEY_free(k);
		}
	} else {
		X509 *x = d2i_X509(NULL, &p, (long)n),
		     **slot = is_cert ? &cred->cert : &cred->ca;

		if ((ok = x != NULL && p == der + n)) {
			X509_free(*slot);
			*slot = x;
		} else {
			X509_free(x);
		}
	}
	OPENSSL_clear_free(der, n);
	ERR_clear_error();
	return ok ? 1 : -1;
}

int tls_cert_tid(const X509 *cert)
{
	char cn[64], *end;
	unsigned long v;
	int n;

	if (cert == NULL)
		return -1;
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
	                              sizeof(cn));
	if (n <= (int)strlen(TLS_HOST_PREFIX) || (size_t)n >= sizeof(cn) - 1 ||
	    strncmp(cn, TLS_HOST_PREFIX, strlen(TLS_HOST_PREFIX)) != 0)
		return -1;
	errno = 0;
	v = strtoul(cn + strlen(TLS_HOST_PREFIX), &end, 16);
	if (errno != 0 || *end != '\0' || v > INT32_MAX || !tid_is_daemon((int)v))
		return -1;
	return (int)v;
}

int tls_cred_check(const struct tls_cred *cred)
{
	EVP_PKEY *ca_key;
	int ok;

	if (cred->key == NULL || cred->cert == NULL || cred->ca == NULL)
		return -1;
	ca_key = X509_get0_pubkey(cred->ca);
	ok = ca_key != NULL && X509_check_private_key(cred->cert, cred->key) == 1 &&
	     X509_verify(cred->cert, ca_key) == 1 && tls_cert_tid(cred->cert) > 0;
	ERR_clear_error();
	return ok ? 0 : -1;
}

int tls_peer_tid(struct bufferevent *bev)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	X509 *cert;
	int tid;

	if (ssl == NULL || SSL_get_verify_result(ssl) != X509_V_OK)
		return -1;
	cert = SSL_get1_peer_certificate(ssl);
	tid = tls_cert_tid(cert);
	X509_free(cert);
	return tid;
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

SSL_CTX *tls_ctx_new(int is_server, const struct tls_cred *cred)
{
	X509_STORE *store;
	SSL_CTX *ctx;

	if (tls_cred_check(cred) != 0) {
		log_error("tls: %s context: not a complete credential",
		          is_server ? "server" : "client");
		return NULL;
	}
	ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL) {
		log_tls_error("SSL_CTX_new");
		return NULL;
	}
	store = SSL_CTX_get_cert_store(ctx);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, TLS_CIPHER_NAME) ||
	    !SSL_CTX_use_certificate(ctx, cred->cert) ||
	    !SSL_CTX_use_PrivateKey(ctx, cred->key) || !SSL_CTX_check_private_key(ctx) ||
	    store == NULL || !X509_STORE_add_cert(store, cred->ca) ||
	    !X509_STORE_set_flags(store,
	                          X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_X509_STRICT))
		goto fail;
	/* the peer's certificate, then the CA: no intermediate */
	SSL_CTX_set_verify_depth(ctx, 1);
	/* Both ends prove who they are; a peer without a certificate of
	 * our CA fails the handshake. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	/* (EC)DHE always: OpenSSL's default, made explicit. */
	SSL_CTX_clear_options(ctx, SSL_OP_ALLOW_NO_DHE_KEX);
	/* Unexpected EOF stays an error: a truncated link must not look like
	 * an orderly close. */
	SSL_CTX_clear_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Every connection authenticates afresh: no tickets, no resumption,
	 * no early data. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (is_server && !SSL_CTX_set_num_tickets(ctx, 0))
		goto fail;
	return ctx;
fail:
	log_tls_error(is_server ? "server context" : "client context");
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

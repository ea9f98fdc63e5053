/*
 * lpvm_fabric.c - the libfabric route: an RDM endpoint with tagged messages.
 * This file opens and closes the endpoint (choosing the provider), makes
 * and checks address blobs, and keeps the peers; sending and receiving are
 * in lpvm_fabric_send.c and lpvm_fabric_recv.c, the protocol in
 * docs/fabric.md.
 */
#ifdef PVMX_HAVE_FABRIC

#include "lpvm_fabric_int.h"
#include "log.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pvm3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

/* ---- loading libfabric ---- */

struct fab_lib fab_lib;

int fab_lib_load(char *why, size_t whylen)
{
	static void *h;
	void *sym[5];
	static const char *const names[5] = {"fi_getinfo", "fi_freeinfo", "fi_dupinfo",
	                                     "fi_fabric", "fi_strerror"};

	if (h != NULL)
		return 0;
	h = dlopen(FAB_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(why, whylen, "cannot load %s: %s", FAB_LIBRARY, dlerror());
		return PvmNotImpl;
	}
	for (int i = 0; i < 5; i++) {
		if ((sym[i] = dlsym(h, names[i])) == NULL) {
			snprintf(why, whylen, "%s has no %s", FAB_LIBRARY, names[i]);
			dlclose(h);
			h = NULL;
			return PvmNotImpl;
		}
	}
	/* POSIX: function pointers and void * convert through dlsym */
	memcpy(&fab_lib.getinfo, &sym[0], sizeof(void *));
	memcpy(&fab_lib.freeinfo, &sym[1], sizeof(void *));
	memcpy(&fab_lib.dupinfo, &sym[2], sizeof(void *));
	memcpy(&fab_lib.fabric, &sym[3], sizeof(void *));
	memcpy(&fab_lib.strerror, &sym[4], sizeof(void *));
	return 0;
}

/* ---- peers ---- */

static size_t peer_hash(const struct lpvm_fabric *fab, int32_t id)
{
	return (size_t)((uint32_t)id * 2654435761u) & (fab->nbuckets - 1);
}

struct lpvm_fabric_peer *fab_peer_lookup(struct lpvm_fabric *fab, int32_t id)
{
	struct lpvm_fabric_peer *p;

	for (p = fab->buckets[peer_hash(fab, id)]; p != NULL; p = p->hnext)
		if (p->id == id)
			return p;
	return NULL;
}

/* The peer with id, made if new (NULL when out of memory). */
struct lpvm_fabric_peer *fab_peer_get(struct lpvm_fabric *fab, int32_t id)
{
	struct lpvm_fabric_peer *p = fab_peer_lookup(fab, id);
	size_t i;

	if (p != NULL)
		return p;
	if (fab->npeers >= 2 * fab->nbuckets) {
		size_t n = fab->nbuckets * 2;
		struct lpvm_fabric_peer **nb = calloc(n, sizeof(*nb));
		if (nb != NULL) {
			free(fab->buckets);
			fab->buckets = nb;
			fab->nbuckets = n;
			for (p = fab->peers; p != NULL; p = p->anext) {
				i = peer_hash(fab, p->id);
				p->hnext = nb[i];
				nb[i] = p;
			}
		}
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->id = id;
	p->addr = FI_ADDR_NOTAVAIL;
	i = peer_hash(fab, id);
	p->hnext = fab->buckets[i];
	fab->buckets[i] = p;
	p->anext = fab->peers;
	fab->peers = p;
	fab->npeers++;
	return p;
}

/* ---- addresses ---- */

void lpvm_fabric_address(const struct lpvm_fabric *fab, const void **blob, size_t *len)
{
	*blob = fab->blob;
	*len = fab->bloblen;
}

const char *lpvm_fabric_provider(const struct lpvm_fabric *fab)
{
	return fab->provider;
}

int lpvm_fabric_landing(const struct lpvm_fabric *fab)
{
	return fab->land;
}

const char *lpvm_fabric_address_string(const struct lpvm_fabric *fab, const void *blob,
                                       size_t len, char *buf, size_t buflen)
{
	const uint8_t *b = blob != NULL ? blob : fab->blob;
	char why[8];
	size_t n = buflen;

	if (blob == NULL)
		len = fab->bloblen;
	if (buflen == 0)
		return buf;
	if (lpvm_fabric_blob_check(fab, b, len, why, sizeof(why)) < 0) {
		snprintf(buf, buflen, "(not an address of this provider)");
		return buf;
	}
	if (fi_av_straddr(fab->av, b + FAB_BLOB_HDR + b[6], buf, &n) == NULL)
		snprintf(buf, buflen, "(unprintable address)");
	buf[buflen - 1] = '\0';
	return buf;
}

static const char *order_name(uint8_t order)
{
	return order == 'B' ? "big" : "little";
}

/* The blob: "PVXF", the wire version, the byte order ('L' or 'B'), the
 * provider name's length, 0, the endpoint's instance, the address format,
 * the raw address's length, rxm's eager limit (big-endian), the provider
 * name, the address. */
int lpvm_fabric_blob_check(const struct lpvm_fabric *fab, const void *blob, size_t len,
                           char *why, size_t whylen)
{
	const uint8_t *b = blob;
	size_t n;

	if (len < FAB_BLOB_HDR || memcmp(b, "PVXF", 4) != 0) {
		snprintf(why, whylen, "not a pvmx fabric address");
		return PvmBadMsg;
	}
	n = b[6];
	if (b[4] != FAB_WIRE_VERSION) {
		snprintf(why, whylen, "peer speaks fabric protocol %u, this endpoint %u",
		         (unsigned)b[4], (unsigned)FAB_WIRE_VERSION);
		return PvmMismatch;
	}
	if (len != FAB_BLOB_HDR + n + get16(b + 16) || get16(b + 16) == 0) {
		snprintf(why, whylen, "malformed fabric address (%zu bytes)", len);
		return PvmBadMsg;
	}
	if (b[5] != byte_order()) {
		snprintf(
		    why, whylen,
		    "peer is %s-endian, this endpoint %s-endian: libfabric's tcp/rxm "
		    "does not cross byte orders",
		    order_name(b[5]), order_name(byte_order()));
		return PvmMismatch;
	}
	if (n != strlen(fab->provider) ||
	    memcmp(b + FAB_BLOB_HDR, fab->provider, n) != 0) {
		snprintf(why, whylen, "peer uses provider %.*s, this endpoint %s", (int)n,
		         (const char *)b + FAB_BLOB_HDR, fab->provider);
		return PvmMismatch;
	}
	if (get32(b + 18) != fab->eager_limit) {
		/* rxm would refuse the connection, and retry it for ever */
		snprintf(why, whylen,
		         "peer's rxm eager limit %u, this endpoint's %u "
		         "(FI_OFI_RXM_EAGER_LIMIT, FI_OFI_RXM_BUFFER_SIZE)",
		         get32(b + 18), fab->eager_limit);
		return PvmMismatch;
	}
	if (get32(b + 12) != fab->info->addr_format) {
		snprintf(why, whylen, "peer's address format %u, this endpoint's %u",
		         get32(b + 12), fab->info->addr_format);
		return PvmMismatch;
	}
	return 0;
}

int lpvm_fabric_peer_add(struct lpvm_fabric *fab, int32_t id, const void *blob,
                         size_t len, struct lpvm_fabric_peer **peerp, char *why,
                         size_t whylen)
{
	const uint8_t *b = blob;
	struct lpvm_fabric_peer *p;
	uint32_t instance;
	fi_addr_t addr;
	int r;

	if (peerp != NULL)
		*peerp = NULL;
	if (id <= 0) {
		snprintf(why, whylen, "bad peer id %d", (int)id);
		return PvmBadParam;
	}
	r = lpvm_fabric_blob_check(fab, blob, len, why, whylen);
	if (r < 0)
		return r;
	instance = get32(b + 8);
	p = fab_peer_get(fab, id);
	if (p == NULL) {
		snprintf(why, whylen, "no memory");
		return PvmNoMem;
	}
	if (p->known && p->instance != instance) {
		/* another task now has this tid */
		fab_peer_failed(fab, p, PvmNoTask, "replaced by a new task with its id");
		fab_peer_renew(p, instance);
	} else if (!p->known) {
		fab_peer_renew(p, instance);
	}
	if (p->failed) {
		snprintf(why, whylen,
		         "t%x has failed (a new task with its id has a new "
		         "address)",
		         (unsigned)id);
		return PvmNoTask;
	}
	if (!p->has_addr) {
		if (fi_av_insert(fab->av, b + FAB_BLOB_HDR + b[6], 1, &addr, 0, NULL) !=
		    1) {
			snprintf(why, whylen, "fi_av_insert refused the address of t%x",
			         (unsigned)id);
			return PvmSysErr;
		}
		p->addr = addr;
		p->has_addr = 1;
	}
	if (peerp != NULL)
		*peerp = p;
	return 0;
}

struct lpvm_fabric_peer *lpvm_fabric_peer_find(struct lpvm_fabric *fab, int32_t id)
{
	struct lpvm_fabric_peer *p = fab_peer_lookup(fab, id);

	return p != NULL && p->has_addr ? p : NULL;
}

void lpvm_fabric_peer_fail(struct lpvm_fabric *fab, int32_t id, const char *why)
{
	struct lpvm_fabric_peer *p = fab_peer_lookup(fab, id);

	if (p != NULL)
		fab_peer_failed(fab, p, PvmNoTask, why != NULL ? why : "gone");
}

/* ---- opening ---- */

static void close_fids(struct lpvm_fabric *fab)
{
	if (fab->ep != NULL)
		fi_close(&fab->ep->fid);
	if (fab->av != NULL)
		fi_close(&fab->av->fid);
	if (fab->cq != NULL)
		fi_close(&fab->cq->fid);
	if (fab->domain != NULL)
		fi_close(&fab->domain->fid);
	if (fab->fabric != NULL)
		fi_close(&fab->fabric->fid);
	if (fab->info != NULL)
		fi_freeinfo(fab->info);
	fab->ep = NULL;
	fab->av = NULL;
	fab->cq = NULL;
	fab->domain = NULL;
	fab->fabric = NULL;
	fab->info = NULL;
	fab->fd = -1;
}

static struct fi_info *make_hints(const char *name, const struct sockaddr_in *src)
{
	struct fi_info *hints = fi_dupinfo(NULL); /* fi_allocinfo */

	if (hints == NULL)
		return NULL;
	hints->caps = FI_TAGGED;
	hints->mode = FI_CONTEXT | FI_CONTEXT2;
	hints->ep_attr->type = FI_EP_RDM;
	/* sends from one endpoint to another are matched in the order sent */
	hints->tx_attr->msg_order = FI_ORDER_SAS;
	hints->rx_attr->msg_order = FI_ORDER_SAS;
	hints->domain_attr->mr_mode = 0;
	if (name != NULL && (hints->fabric_attr->prov_name = strdup(name)) == NULL)
		goto fail;
	if (src != NULL) {
		hints->addr_format = FI_SOCKADDR_IN;
		hints->src_addr = malloc(sizeof(*src));
		if (hints->src_addr == NULL)
			goto fail;
		memcpy(hints->src_addr, src, sizeof(*src));
		hints->src_addrlen = sizeof(*src);
	}
	return hints;
fail:
	fi_freeinfo(hints);
	return NULL;
}

#define TRY(call, what)                                                                  \
	do {                                                                             \
		int r_ = (call);                                                         \
		if (r_ != 0) {                                                           \
			snprintf(why, whylen, "%s: %s: %s", label, what,                 \
			         fi_strerror(-r_));                                      \
			close_fids(fab);                                                 \
			return PvmNotImpl;                                               \
		}                                                                        \
	} while (0)

/* Is libfabric boolean variable name set to false? */
static int env_false(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && (strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0 ||
	                     strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0);
}

/* The eager limit rxm 1.17 runs this endpoint with, as it computes it:
 * FI_OFI_RXM_EAGER_LIMIT, read only with dynamic receive buffers and
 * direct send (over tcp), and never below its buffer size.  Both ends of
 * a connection must have the same, or rxm refuses it. */
static uint32_t rxm_eager_limit(const char *provider)
{
	const char *size = getenv("FI_OFI_RXM_BUFFER_SIZE");
	const char *eager = getenv("FI_OFI_RXM_EAGER_LIMIT");
	long long buffer = size != NULL ? strtol(size, NULL, 0) : 16384, limit = buffer;

	if (strcmp(provider, "tcp;ofi_rxm") == 0 && !env_false("FI_OFI_RXM_ENABLE_DYN_RBUF") &&
	    !env_false("FI_OFI_RXM_ENABLE_DIRECT_SEND") && eager != NULL)
		limit = strtol(eager, NULL, 0);
	if (limit < buffer)
		limit = buffer;
	return limit < 0 ? 0 : limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;
}

/* Opens the endpoint with provider name (NULL: whatever libfabric offers
 * first); 0, or PvmNotImpl / PvmNoMem with why set. */
static int open_provider(struct lpvm_fabric *fab, const char *name,
                         const struct sockaddr_in *src, char *why, size_t whylen)
{
	const char *label = name != NULL ? name : "FI_PROVIDER's choice";
	struct fi_cq_attr cq_attr;
	struct fi_av_attr av_attr;
	struct fi_info *hints = make_hints(name, src), *info;
	uint8_t raw[FAB_ADDR_MAX];
	size_t rawlen = sizeof(raw), n;
	int r;

	if (hints == NULL) {
		snprintf(why, whylen, "no memory");
		return PvmNoMem;
	}
	r = fi_getinfo(FAB_FI_VERSION, NULL, NULL, 0, hints, &fab->info);
	fi_freeinfo(hints);
	if (r == 0 && fab->info == NULL)
		r = -FI_ENODATA;
	if (r != 0) {
		fab->info = NULL;
		snprintf(why, whylen, "%s: fi_getinfo: %s", label, fi_strerror(-r));
		return PvmNotImpl;
	}
	for (info = fab->info; info != NULL; info = info->next)
		if (info->ep_attr->max_msg_size >= fab->cfg.max_msg)
			break;
	if (info == NULL) {
		snprintf(why, whylen, "%s: largest message %zu bytes, %zu needed", label,
		         fab->info->ep_attr->max_msg_size, fab->cfg.max_msg);
		close_fids(fab);
		return PvmNotImpl;
	}
	if (info != fab->info) {
		/* keep the one chosen */
		struct fi_info *dup = fi_dupinfo(info);
		fi_freeinfo(fab->info);
		fab->info = dup;
		if (dup == NULL) {
			snprintf(why, whylen, "no memory");
			return PvmNoMem;
		}
	}
	info = fab->info;
	/* the providers' default queue depths (2048 for rxm) make every
	 * endpoint preallocate ~70 MB of buffers; a task needs few */
	if (info->rx_attr->size > FAB_QUEUE_DEPTH)
		info->rx_attr->size = FAB_QUEUE_DEPTH;
	if (info->tx_attr->size > FAB_QUEUE_DEPTH)
		info->tx_attr->size = FAB_QUEUE_DEPTH;
	snprintf(fab->provider, sizeof(fab->provider), "%s",
	         info->fabric_attr->prov_name);
	label = fab->provider;
	TRY(fi_fabric(info->fabric_attr, &fab->fabric, NULL), "fi_fabric");
	TRY(fi_domain(fab->fabric, info, &fab->domain, NULL), "fi_domain");
	memset(&cq_attr, 0, sizeof(cq_attr));
	cq_attr.format = FI_CQ_FORMAT_TAGGED;
	cq_attr.wait_obj = FI_WAIT_FD;
	if (fi_cq_open(fab->domain, &cq_attr, &fab->cq, NULL) != 0) {
		/* no descriptor to sleep on: the caller polls */
		cq_attr.wait_obj = FI_WAIT_NONE;
		TRY(fi_cq_open(fab->domain, &cq_attr, &fab->cq, NULL), "fi_cq_open");
	} else if (fi_control(&fab->cq->fid, FI_GETWAIT, &fab->fd) != 0) {
		fab->fd = -1;
	}
	memset(&av_attr, 0, sizeof(av_attr));
	av_attr.type = info->domain_attr->av_type;
	TRY(fi_av_open(fab->domain, &av_attr, &fab->av, NULL), "fi_av_open");
	TRY(fi_endpoint(fab->domain, info, &fab->ep, NULL), "fi_endpoint");
	TRY(fi_ep_bind(fab->ep, &fab->av->fid, 0), "fi_ep_bind(av)");
	TRY(fi_ep_bind(fab->ep, &fab->cq->fid, FI_TRANSMIT | FI_RECV), "fi_ep_bind(cq)");
	TRY(fi_enable(fab->ep), "fi_enable");
	TRY(fi_getname(&fab->ep->fid, raw, &rawlen), "fi_getname");
	n = strlen(fab->provider);
	if (rawlen == 0 || rawlen > FAB_ADDR_MAX || n > 63) {
		snprintf(why, whylen, "%s: address of %zu bytes", label, rawlen);
		close_fids(fab);
		return PvmNotImpl;
	}
	memcpy(fab->blob, "PVXF", 4);
	fab->blob[4] = FAB_WIRE_VERSION;
	fab->blob[5] = byte_order();
	fab->blob[6] = (uint8_t)n;
	fab->blob[7] = 0;
	put32(fab->blob + 8, fab->instance);
	put32(fab->blob + 12, info->addr_format);
	put16(fab->blob + 16, (uint16_t)rawlen);
	fab->eager_limit = rxm_eager_limit(fab->provider);
	put32(fab->blob + 18, fab->eager_limit);
	memcpy(fab->blob + FAB_BLOB_HDR, fab->provider, n);
	memcpy(fab->blob + FAB_BLOB_HDR + n, raw, rawlen);
	fab->bloblen = FAB_BLOB_HDR + n + rawlen;
	fab->iov_limit = info->tx_attr->iov_limit > 0 ? info->tx_attr->iov_limit : 1;
	fab->inject_size = info->tx_attr->inject_size;
	return 0;
}

#undef TRY

/* Do bulk payloads of up to FAB_LAND_SIZE go as rxm eager messages that
 * land in posted buffers?  Over tcp;ofi_rxm with an eager limit that
 * covers them (so with rxm's dynamic receive buffers and direct send,
 * libfabric 1.17's defaults), and remote data to carry the sender's
 * instance in. */
static int landing_works(const struct lpvm_fabric *fab)
{
	return strcmp(fab->provider, "tcp;ofi_rxm") == 0 &&
	       fab->info->domain_attr->cq_data_size >= sizeof(uint32_t) &&
	       fab->eager_limit >= FAB_LAND_SIZE;
}

/* The providers to try, in order, into names (NULL: any); how many, or
 * -1 when PVMX_FABRIC_PROVIDER disables the route. */
static int provider_list(const char *names[3], char *forced, size_t forcedlen)
{
	const char *env = getenv("PVMX_FABRIC_PROVIDER");
	int n = 0;

	if (env != NULL && *env != '\0') {
		if (strcmp(env, "none") == 0 || strcmp(env, "off") == 0)
			return -1;
		if (strchr(env, ';') != NULL)
			snprintf(forced, forcedlen, "%s", env);
		else
			snprintf(forced, forcedlen, "%s;ofi_rxm", env);
		names[0] = forced;
		return 1;
	}
	names[n++] = "verbs;ofi_rxm";
	names[n++] = "tcp;ofi_rxm";
	/* FI_PROVIDER may name a provider neither of those layers on */
	if (getenv("FI_PROVIDER") != NULL)
		names[n++] = NULL;
	return n;
}

int lpvm_fabric_open(const struct lpvm_fabric_config *cfg, struct lpvm_fabric **out,
                     char *why, size_t whylen)
{
	struct sockaddr_in sin, *src = NULL;
	const char *names[3];
	struct lpvm_fabric *fab;
	char forced[128], one[256];
	size_t used = 0, i;
	int n, k, r = PvmNotImpl;

	*out = NULL;
	if (whylen > 0)
		why[0] = '\0';
	if (cfg->self_id <= 0 || cfg->max_msg == 0 || cfg->deliver == NULL ||
	    cfg->peer_error == NULL) {
		snprintf(why, whylen, "bad configuration");
		return PvmBadParam;
	}
	if (cfg->local_addr != NULL) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		if (inet_pton(AF_INET, cfg->local_addr, &sin.sin_addr) != 1) {
			snprintf(why, whylen, "not an IPv4 address: %s", cfg->local_addr);
			return PvmBadParam;
		}
		src = &sin;
	}
	if ((r = fab_lib_load(why, whylen)) != 0)
		return r;
	/* rxm's shared receive context preallocates ~70 MB per endpoint;
	 * without it the buffers are per connection (docs/fabric.md).  The
	 * user's own setting wins. */
	setenv("FI_OFI_RXM_USE_SRX", "0", 0);
	/* Landing (bulk payloads sent at once as rxm eager messages) needs
	 * rxm's eager limit at FAB_LAND_SIZE or more, on both ends: rxm
	 * refuses a connection between endpoints of different limits.  Every
	 * pvmx endpoint sets the same one unless the user's environment sets
	 * its own (docs/fabric.md, "Landing"). */
	setenv("FI_OFI_RXM_EAGER_LIMIT", FAB_LAND_SIZE_STR, 0);
	n = provider_list(names, forced, sizeof(forced));
	if (n < 0) {
		snprintf(why, whylen, "disabled by PVMX_FABRIC_PROVIDER=%s",
		         getenv("PVMX_FABRIC_PROVIDER"));
		return PvmNotImpl;
	}
	fab = calloc(1, sizeof(*fab));
	if (fab == NULL || (fab->buckets = calloc(64, sizeof(*fab->buckets))) == NULL) {
		free(fab);
		snprintf(why, whylen, "no memory");
		return PvmNoMem;
	}
	fab->nbuckets = 64;
	fab->cfg = *cfg;
	fab->fd = -1;
	if (getrandom(&fab->instance, sizeof(fab->instance), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(fab->instance))
		fab->instance = (uint32_t)clock_now_ms() ^ (uint32_t)getpid() << 16;
	for (k = 0; k < n; k++) {
		r = open_provider(fab, names[k], src, one, sizeof(one));
		if (r == 0)
			break;
		/* every provider's reason, "; "-separated */
		if (used < whylen)
			used += (size_t)snprintf(why + used, whylen - used, "%s%s",
			                         used > 0 ? "; " : "", one);
		if (r != PvmNotImpl)
			break;
	}
	if (r != 0) {
		free(fab->buckets);
		free(fab);
		return r;
	}
	for (i = 0; i < FAB_BOUNCE_COUNT; i++) {
		struct fab_op *op = fab_op_new(OP_RX_EAGER, FAB_EAGER_PKT);
		if (op == NULL) {
			snprintf(why, whylen, "no memory");
			lpvm_fabric_close(fab);
			return PvmNoMem;
		}
		fab_rx_submit(fab, op);
	}
	fab->land = landing_works(fab);
	if (fab->land) {
		/* glibc maps a block above its mmap threshold (128 KiB at
		 * first) afresh at each malloc, and a fresh mapping costs a page
		 * fault per 4 KiB touched: 1 MiB landed, ~100 us.  Freeing one
		 * mapped block raises the threshold to its size (glibc's dynamic
		 * threshold, as a program's own first large free would), so
		 * landing buffers, and the payloads handed on, come from the
		 * heap and its pages are reused warm. */
		void *volatile warm = malloc(FAB_LAND_SIZE);
		free(warm);
	}
	for (i = 0; fab->land && i < FAB_LAND_COUNT; i++) {
		struct fab_op *op = fab_op_new(OP_RX_LAND, 0);
		if (op == NULL || fab_land_post(fab, op) != 0) {
			snprintf(why, whylen, "no memory");
			lpvm_fabric_close(fab);
			return PvmNoMem;
		}
	}
	if (log_enabled(LOG_INFO)) {
		char addr[128];
		log_info("fabric: endpoint t%x at %s, provider %s, %s, %s",
		         (unsigned)cfg->self_id,
		         lpvm_fabric_address_string(fab, NULL, 0, addr, sizeof(addr)),
		         fab->provider,
		         fab->fd >= 0 ? "wait descriptor" : "no wait descriptor",
		         fab->land ? "landing buffers" : "no landing buffers");
	}
	*out = fab;
	return 0;
}

void lpvm_fabric_close(struct lpvm_fabric *fab)
{
	struct lpvm_fabric_peer *p;
	struct lpvm_fabric_send *req;
	struct fab_event *ev;
	struct fab_op *op;

	if (fab == NULL)
		return;
	/* the provider lets go of every operation first */
	close_fids(fab);
	while ((op = fab->posted) != NULL) {
		fab->posted = op->next;
		if (op->kind == OP_RX_BULK && op->in != NULL)
			op->in->op = NULL;
		fab_op_free(fab, op);
	}
	while ((op = fab->rxq_head) != NULL) {
		fab->rxq_head = op->qnext;
		fab_op_free(fab, op);
	}
	while ((op = fab->retired) != NULL) {
		fab->retired = op->next;
		free(op);
	}
	while ((p = fab->peers) != NULL) {
		fab->peers = p->anext;
		while ((op = p->txq_head) != NULL) {
			p->txq_head = op->qnext;
			fab_op_free(fab, op);
		}
		while ((ev = p->rxq_head) != NULL) {
			p->rxq_head = ev->next;
			free(ev->buf);
			free(ev);
		}
		fab_landed_drop(p, LANDED_ALL, 0);
		free(p);
	}
	while ((ev = fab->ready_head) != NULL) {
		fab->ready_head = ev->next;
		free(ev->buf);
		free(ev);
	}
	while ((req = fab->reqs) != NULL) {
		fab->reqs = req->next;
		free(req->copy);
		free(req);
	}
	free(fab->buckets);
	free(fab);
}

#endif

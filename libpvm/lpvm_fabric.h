/*
 * lpvm_fabric.h - the libfabric route: one RDM endpoint with tagged messages
 * (verbs;ofi_rxm, else tcp;ofi_rxm) bound to the daemons' address, moving
 * whole messages (a frame header and its payload) between tasks.  The
 * library's route table drives it; docs/fabric.md describes the protocol.
 *
 * Not thread-safe: one task uses its endpoint from one thread.  A process
 * that forks must not use its parent's endpoint (libfabric runs a thread).
 * Peers must share the endpoint's byte order and provider: the address blob
 * says both, and lpvm_fabric_peer_add refuses a peer that differs.
 */
#ifndef PVMX_LPVM_FABRIC_H
#define PVMX_LPVM_FABRIC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* lpvm_fabric_send_post's "not posted, too much in flight": make progress
 * (lpvm_fabric_progress) and post again.  Not an error. */
#define LPVM_FABRIC_AGAIN 1

/* Longest header lpvm_fabric_send_post takes (it is copied). */
#define LPVM_FABRIC_HDR_MAX 256

struct lpvm_fabric;      /* one endpoint */
struct lpvm_fabric_peer; /* one peer, by id; owned by its endpoint */
struct lpvm_fabric_send; /* one send in flight; owned by its endpoint */

struct lpvm_fabric_config {
	/* this task's tid (1 .. 2^31-1): receivers know the sender by it */
	int32_t self_id;
	/* IPv4 address (dotted) to bind: the daemons' address, so libfabric
	 * does not pick the first interface; NULL lets libfabric choose */
	const char *local_addr;
	/* largest message (header + payload) sent or accepted */
	size_t max_msg;
	/* A complete message from src: its header, hdr (hdr_len bytes, valid
	 * only during the call), and its payload (len bytes, malloc'd, never
	 * NULL even when len is 0), which becomes the callee's to free.  Per
	 * source, in the order sent. */
	void (*deliver)(void *arg, int32_t src, const void *hdr, size_t hdr_len,
	                void *payload, size_t len);
	/* Peer failed (code PvmNoTask: gone or unreachable; PvmBadMsg:
	 * broke the protocol; PvmNoMem): its sends in flight fail, what it
	 * sent and was not yet delivered is dropped.  Once per failure. */
	void (*peer_error)(void *arg, int32_t peer, int code, const char *why);
	void *arg;
};

/* Opens an endpoint.  PVMX_FABRIC_PROVIDER forces a provider ("tcp" means
 * tcp;ofi_rxm, "verbs" verbs;ofi_rxm, a name with ';' is taken as is,
 * "none" disables); libfabric's FI_PROVIDER filters as usual.  Returns 0
 * with *out set; PvmNotImpl when no provider works or libfabric is not
 * built in (the caller uses the daemon route), PvmBadParam, PvmNoMem or
 * PvmSysErr; why (whylen bytes) says why in one line. */
int lpvm_fabric_open(const struct lpvm_fabric_config *cfg, struct lpvm_fabric **out,
                     char *why, size_t whylen);
/* Closes the endpoint and frees everything it owns: peers, sends in
 * flight (the memory they referenced is no longer read), queued messages. */
void lpvm_fabric_close(struct lpvm_fabric *fab);

/* The provider chosen ("tcp;ofi_rxm"). */
const char *lpvm_fabric_provider(const struct lpvm_fabric *fab);
/* Non-zero when bulk payloads (up to 4 MiB) go to this endpoint at once
 * into its landing buffers: tcp;ofi_rxm with an eager limit that covers
 * them (docs/fabric.md, "Landing buffers"). */
int lpvm_fabric_landing(const struct lpvm_fabric *fab);
/* The address blob to publish (through the daemons); the endpoint owns it. */
void lpvm_fabric_address(const struct lpvm_fabric *fab, const void **blob, size_t *len);
/* The address in blob (or, blob NULL, this endpoint's) as libfabric
 * writes it ("fi_sockaddr_in://127.0.0.1:40411"), into buf; returns buf. */
const char *lpvm_fabric_address_string(const struct lpvm_fabric *fab, const void *blob,
                                       size_t len, char *buf, size_t buflen);
/* 0 if a peer with this blob can be reached from this endpoint, else
 * PvmMismatch (other byte order, provider or address format) or PvmBadMsg
 * (not a blob of ours), with the reason in why. */
int lpvm_fabric_blob_check(const struct lpvm_fabric *fab, const void *blob, size_t len,
                           char *why, size_t whylen);

/* A descriptor that becomes readable (POLLIN) when there may be work, or
 * -1: then the caller must poll lpvm_fabric_progress with a timeout. */
int lpvm_fabric_fd(const struct lpvm_fabric *fab);
/* Call right before sleeping on the descriptor (with the other routes'):
 * how long the sleep may last in ms: -1 as long as the caller likes, 0 not
 * at all (work is waiting: call lpvm_fabric_progress), N at most N (posts
 * the provider deferred, or no descriptor, need polling). */
int lpvm_fabric_wait_prepare(struct lpvm_fabric *fab);

/* Enters peer id with its address blob into the address vector; *peer
 * (optional) is its handle, valid until lpvm_fabric_close.  Adding a known
 * id with the same blob returns it, or PvmNoTask if that task has failed; a
 * blob of another instance means another task with that tid: what is in
 * flight with the old one fails (peer_error) and the peer starts afresh.
 * 0, PvmMismatch / PvmBadMsg (see lpvm_fabric_blob_check), PvmNoTask,
 * PvmBadParam, PvmNoMem, PvmSysErr. */
int lpvm_fabric_peer_add(struct lpvm_fabric *fab, int32_t id, const void *blob,
                         size_t len, struct lpvm_fabric_peer **peer, char *why,
                         size_t whylen);
/* The peer entered with id, or NULL. */
struct lpvm_fabric_peer *lpvm_fabric_peer_find(struct lpvm_fabric *fab, int32_t id);
/* The caller knows peer id is gone (its daemon said so): fail what is in
 * flight to and from it with PvmNoTask, report it through peer_error (once),
 * and remove its address.  Only for a peer that is really gone: a send's
 * memory is released to the caller without the provider handing it back.
 * libfabric alone does not always notice a dead peer (docs/fabric.md). */
void lpvm_fabric_peer_fail(struct lpvm_fabric *fab, int32_t id, const char *why);

/* Posts one message, hdr (hdr_len <= LPVM_FABRIC_HDR_MAX, copied) followed
 * by the payload in iov, to peer.  0: posted; *req is NULL when the
 * message is already copied out (the caller may reuse everything), else
 * the payload must stay valid until lpvm_fabric_send_test or
 * lpvm_fabric_wait reports *req done.  LPVM_FABRIC_AGAIN: nothing posted.
 * PvmNoTask: the peer has failed.  PvmBadParam: too big (max_msg). */
int lpvm_fabric_send_post(struct lpvm_fabric *fab, struct lpvm_fabric_peer *peer,
                          const void *hdr, size_t hdr_len, const struct iovec *iov,
                          int iovcnt, struct lpvm_fabric_send **req);
/* Without waiting or making progress: 0 while *req is in flight; 1 when it
 * is done, or an error code (PvmNoTask...) when it failed: then *req is
 * freed and set to NULL.  A NULL *req is done. */
int lpvm_fabric_send_test(struct lpvm_fabric *fab, struct lpvm_fabric_send **req);
/* Makes progress until *req is done or failed (as lpvm_fabric_send_test)
 * or timeout_ms passes (-1: no limit); 0 on timeout, *req still in flight.
 * Messages that arrive meanwhile are delivered. */
int lpvm_fabric_wait(struct lpvm_fabric *fab, struct lpvm_fabric_send **req,
                     int timeout_ms);

/* Non-zero while packets copied for peer at post time (eager messages,
 * announcements) are still on their way into the provider, or deferred:
 * the provider moves them only while someone makes progress, so a caller
 * that is about to stop calling (a task that returns to its own work)
 * makes progress until this is 0. */
int lpvm_fabric_peer_busy(const struct lpvm_fabric *fab,
                          const struct lpvm_fabric_peer *peer);

/* Makes progress on every transfer, sleeping up to timeout_ms (0: poll, -1:
 * until something happens).  Calls deliver / peer_error (from here only).
 * Returns how many things happened (messages delivered, sends completed,
 * peers failed), 0 on timeout, PvmSysErr if the endpoint itself failed. */
int lpvm_fabric_progress(struct lpvm_fabric *fab, int timeout_ms);

#endif

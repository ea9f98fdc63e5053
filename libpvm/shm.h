/*
 * shm.h - the shared-memory transport between the tasks of one host: each
 * task owns a receive region in /dev/shm holding one single-producer,
 * single-consumer byte ring per sender; small messages are copied through
 * the ring, large ones are read by the receiver straight from the sender's
 * memory (process_vm_readv, one copy), and a datagram socket (the doorbell)
 * wakes a receiver that sleeps.  Layout, protocol and memory ordering are in
 * docs/shm.md.
 *
 * Nothing here is thread-safe: one thread drives an endpoint and the peers
 * opened from it.  Handles do not survive fork(): a child opens its own.
 */
#ifndef PVMX_SHM_H
#define PVMX_SHM_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Bytes of frame header a message carries apart from its payload. */
#define SHM_HDR_MAX 64
/* A doorbell path, with its NUL (sizeof sockaddr_un.sun_path). */
#define SHM_PATH_MAX 108

#define SHM_MAX_SLOTS 1024u
#define SHM_MIN_RING 4096u
#define SHM_MAX_RING (64u * 1024u * 1024u)

/* Defaults a caller may pass (the daemon's choice in the end). */
#define SHM_DEFAULT_SLOTS 32u
#define SHM_DEFAULT_RING (128u * 1024u)
#define SHM_DEFAULT_EAGER (16u * 1024u)
/* Larger messages up to this are streamed through the ring in chunks
 * (copied in and out, but the sender goes on as soon as they are in);
 * beyond it the receiver reads them with one process_vm_readv, and the
 * sender waits for that (docs/shm.md, "Why medium messages are
 * chunked").  The bound is on the payload, which holds PVM's item
 * headers (8 bytes each) besides the user's data: the slack keeps a
 * 256 KiB array packed with a few small items on the streamed side. */
#define SHM_DEFAULT_CMA_MIN (256u * 1024u + 1024u)
#define SHM_DEFAULT_SPIN_NS 20000L
#define SHM_DEFAULT_SPIN_MAX_NS 200000L
/* how often a spinning shm_wait polls the caller's other descriptors */
#define SHM_FD_CHECK_NS 5000L

/* Results.  Not PVM codes: the transport seam maps them (SHM_FULL and
 * SHM_EPEER to the daemon route, SHM_ENOMEM to PvmNoMem, ...). */
enum shm_status {
	SHM_OK = 0,
	SHM_INPROGRESS = 1,  /* a large send is posted: shm_peer_test() it */
	SHM_AGAIN = -1,      /* no room now: make progress, then retry */
	SHM_FULL = -2,       /* the peer's region has no free slot */
	SHM_EINVAL = -3,     /* bad argument (name, size, tid, path) */
	SHM_ESYS = -4,       /* a system call failed; logged, errno kept */
	SHM_EBADREGION = -5, /* the region is damaged or not a pvmx region */
	SHM_EPEER = -6,      /* the peer is gone or broke the protocol */
	SHM_ENOMEM = -7,     /* malloc failed; nothing was consumed */
	SHM_ETOOBIG = -8,    /* longer than the receiver accepts */
	SHM_EEXIST = -9,     /* shm_region_create: the name is taken */
};

const char *shm_strerror(int status);

/* --- regions: made and removed by the daemon --------------------------- */

/* Creates region `name` ("/name", for shm_open) for task owner_tid with
 * nslots rings of ring_bytes (a power of two, SHM_MIN_RING..SHM_MAX_RING)
 * each, mode 0600, all its memory reserved now (a full /dev/shm fails
 * here, never later with SIGBUS).  Returns 0, SHM_EEXIST, SHM_EINVAL,
 * SHM_ESYS. */
int shm_region_create(const char *name, int32_t owner_tid, uint32_t nslots,
                      size_t ring_bytes);
/* Removes the name; mappings stay valid.  0, or SHM_ESYS (errno kept;
 * ENOENT is not logged). */
int shm_region_unlink(const char *name);
/* The bytes a region of these dimensions takes, 0 when they are invalid. */
size_t shm_region_size(uint32_t nslots, size_t ring_bytes);

/* The daemon's note in a task's region: a count of the daemon's writes
 * to the task's socket, bumped after each has reached the kernel, so a
 * spinning task learns that its socket has something by a load instead
 * of a poll (shm_ep_daemon_news).  shm_note_open maps the region's
 * header page (checked as shm_ep_open checks it): 0, SHM_EINVAL,
 * SHM_ESYS, SHM_EBADREGION. */
struct shm_note;
int shm_note_open(const char *name, struct shm_note **out);
void shm_note_bump(struct shm_note *n); /* n may be NULL */
void shm_note_close(struct shm_note *n);

/* --- the receiving side: a task's own region --------------------------- */

struct shm_ep;

/* One received message.  hdr holds the sender's first hdr_len bytes (the
 * frame header); payload is the rest, malloc'ed and owned by the caller
 * (NULL when len is 0): it suits msgbuf_from_bytes() as it is. */
struct shm_msg {
	int32_t src; /* tid that owns the sending slot */
	uint32_t slot;
	size_t hdr_len;
	uint8_t hdr[SHM_HDR_MAX];
	uint8_t *payload;
	size_t len;
};

/* Maps own region `name` as task tid (checked against the header), binds
 * the doorbell at bell_path (a stale socket there is replaced) and
 * publishes it for senders.  *out owned by the caller: shm_ep_close(). */
int shm_ep_open(const char *name, int32_t tid, const char *bell_path,
                struct shm_ep **out);
/* Unmaps, closes and unlinks the doorbell; drops half-assembled messages. */
void shm_ep_close(struct shm_ep *ep);
/* The doorbell descriptor: readable when a sender rang (pvm_getfds). */
int shm_ep_fd(const struct shm_ep *ep);
/* Bound on one message's length (default: frame_max_len()). */
void shm_ep_set_max_msg(struct shm_ep *ep, size_t max);
/* How long shm_wait() spins before sleeping: spin_ns, and up to max_ns
 * while traffic keeps waking it soon after it fell asleep (a wake-up can
 * take longer than the spin, and two partners then sleep in turn for
 * ever); back to spin_ns after a long sleep.  A wait of a sender (for
 * room, for the read of a large message) spins spin_ns plus what the
 * receiver's copies should take, up to max_ns.  0, 0: sleep at once. */
void shm_ep_set_spin(struct shm_ep *ep, long spin_ns, long max_ns);
/* on: every sender rings for every message, so a program that selects
 * on shm_ep_fd() itself wakes; the bell is drained when the rings are
 * found empty.  off (default): senders ring only while shm_wait sleeps. */
void shm_ep_set_notify_always(struct shm_ep *ep, int on);
/* 1 when a record waits in some ring (what shm_wait spins on), else 0. */
int shm_ep_pending(struct shm_ep *ep);
/* 1 when the daemon's note moved since the last call (something was
 * written to our socket since: read it), else 0.  Asked before reading
 * the socket dry, it misses nothing: what the daemon writes later moves
 * the note again.  shm_wait returns 1 when the note moves while it spins
 * (from its value when the wait began). */
int shm_ep_daemon_news(struct shm_ep *ep);
/* The next whole message from any slot (round robin, each slot in
 * order): 1 with *msg filled, 0 when none is complete, SHM_ENOMEM (the
 * record stays; retry).  Empty released slots are freed on the way. */
int shm_ep_recv(struct shm_ep *ep, struct shm_msg *msg);
/* Marks for reclaim the slots of tid (0: of anyone) whose owner process
 * no longer exists (force: without asking the kernel; only when the
 * owner is known dead).  Their complete messages are still delivered by
 * shm_ep_recv, then the slots are freed.  Returns how many were marked. */
int shm_ep_reclaim(struct shm_ep *ep, int32_t tid, int force);
/* Slots currently owned by a sender (claimed, released or broken). */
int shm_ep_slots_used(const struct shm_ep *ep);

/* --- the sending side: a claimed slot in a peer's region --------------- */

struct shm_peer;

/* Maps the region `name` of a peer and claims a slot in it for self's
 * tid: the slot it released last if it is still there (order holds), else
 * a free one.  SHM_FULL: no free slot (use another route); SHM_AGAIN: its
 * old slot is being freed, retry.  *out owned: shm_peer_close(). */
int shm_peer_open(struct shm_ep *self, const char *name, struct shm_peer **out);
/* Releases the slot (the receiver frees it once drained) and unmaps.  A
 * large send still in progress must be completed first. */
void shm_peer_close(struct shm_peer *peer);
/* Messages whose hdr_len + payload exceed this go by descriptor
 * (clamped to a quarter of the ring). */
void shm_peer_set_eager(struct shm_peer *peer, size_t limit);
/* off: large messages are streamed through the ring in chunks instead of
 * read with process_vm_readv (which the receiver also turns off, for good,
 * when it fails once). */
void shm_peer_set_cma(struct shm_peer *peer, int on);
/* Large messages of at most limit payload bytes are streamed, not read
 * (SHM_DEFAULT_CMA_MIN; 0: every large message is read). */
void shm_peer_set_cma_min(struct shm_peer *peer, size_t limit);
/* Sends hdr (hdr_len <= SHM_HDR_MAX bytes) followed by the payload
 * gathered from iov.  SHM_OK: sent, all memory reusable.
 * SHM_INPROGRESS: a large message is posted; its memory (not the iov
 * array) must stay until shm_peer_test() returns SHM_OK.  SHM_AGAIN:
 * nothing sent (ring full, or a large send is under way).  SHM_ETOOBIG,
 * SHM_EPEER, SHM_EINVAL, SHM_ENOMEM. */
int shm_peer_send(struct shm_peer *peer, const void *hdr, size_t hdr_len,
                  const struct iovec *iov, int iovcnt);
/* Moves the posted large send on without blocking: SHM_OK (done, or none
 * posted), SHM_INPROGRESS, SHM_EPEER (the receiver is gone or broken:
 * fall back; the message may be lost). */
int shm_peer_test(struct shm_peer *peer);
/* 1 while a large send is posted. */
int shm_peer_busy(const struct shm_peer *peer);
/* 0 when the receiving process is known to be gone, else 1. */
int shm_peer_alive(const struct shm_peer *peer);
/* Number of the slot claimed (for logs and tests). */
uint32_t shm_peer_slot(const struct shm_peer *peer);

/* --- waiting ----------------------------------------------------------- */

/* Waits until ep has a record, one of peers (those whose last send or
 * test said SHM_AGAIN or SHM_INPROGRESS) made room or progress, or one of
 * fds is ready (revents set): spins (shm_ep_set_spin), then sleeps
 * in poll() on the doorbell and fds.  timeout_ms -1 waits for ever.
 * Returns 1 (look again; may be spurious), 0 on timeout, SHM_ESYS. */
int shm_wait(struct shm_ep *ep, struct shm_peer *const *peers, int npeers,
             struct pollfd *fds, int nfds, int timeout_ms);

/* --- the doorbell, for callers that need it alone ---------------------- */

/* Binds a non-blocking datagram socket at path: the fd, or SHM_EINVAL,
 * SHM_ESYS.  A live socket there is SHM_ESYS (EADDRINUSE). */
int shm_bell_open(const char *path);
/* Sends one byte to the bell at path from sock (any unbound datagram
 * socket), never blocking: 0 also when its queue is full. */
int shm_bell_ring(int sock, const char *path);
/* Reads what is queued; returns the number of rings read. */
int shm_bell_drain(int fd);
/* Closes fd and unlinks path. */
void shm_bell_close(int fd, const char *path);

#endif

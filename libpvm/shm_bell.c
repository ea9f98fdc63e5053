/*
 * shm_bell.c - waking and waiting: the doorbell (a datagram socket per
 * task, pollable, so select() on pvm_getfds() wakes too), the flags by
 * which a sleeper asks to be rung, and shm_wait(), which spins briefly and
 * then really sleeps.
 */
#include "shm_impl.h"

#include "clock.h"
#include "log.h"
#include "spin.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int bell_addr(const char *path, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n;

	if (path == NULL || path[0] != '/')
		return 0;
	n = strlen(path);
	if (n >= sizeof(sa->sun_path))
		return 0;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, n + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 1;
}

int shm_bell_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		log_error("shm: cannot make a datagram socket: %s", strerror(errno));
		return SHM_ESYS;
	}
	return fd;
}

/* A socket at path that nobody listens on (connect refused) is left by a
 * task that died: it may be replaced.  Anything else there is kept. */
static int bell_stale(const char *path, const struct sockaddr_un *sa, socklen_t len)
{
	struct stat st;
	int fd, stale;

	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	stale =
	    connect(fd, (const struct sockaddr *)sa, len) < 0 && errno == ECONNREFUSED;
	close(fd);
	return stale;
}

int shm_bell_open(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, err;

	if (!bell_addr(path, &sa, &len))
		return SHM_EINVAL;
	fd = shm_bell_socket();
	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&sa, len) == 0)
		return fd;
	if (errno == EADDRINUSE && bell_stale(path, &sa, len) && unlink(path) == 0 &&
	    bind(fd, (struct sockaddr *)&sa, len) == 0)
		return fd;
	err = errno;
	log_error("shm: cannot bind doorbell %s: %s", path, strerror(err));
	close(fd);
	errno = err;
	return SHM_ESYS;
}

int shm_bell_ring(int sock, const char *path)
{
	struct sockaddr_un sa;
	socklen_t len;
	char b = 0;

	if (!bell_addr(path, &sa, &len))
		return SHM_EINVAL;
	if (sendto(sock, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sa,
	           len) == 1)
		return SHM_OK;
	/* a full queue means the sleeper has a wake-up waiting already */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return SHM_OK;
	/* the sleeper's socket is gone: so is the sleeper, or it is closing */
	log_debug("shm: cannot ring %s: %s", path, strerror(errno));
	return SHM_ESYS;
}

int shm_bell_drain(int fd)
{
	char buf[64];
	int n = 0;

	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return n;
		n++;
	}
}

void shm_bell_close(int fd, const char *path)
{
	if (fd >= 0)
		close(fd);
	if (path != NULL && path[0] == '/' && unlink(path) < 0 && errno != ENOENT)
		log_warn("shm: cannot unlink doorbell %s: %s", path, strerror(errno));
}

/* A path read from shared memory: copied, terminated, checked. */
static int shared_path(const char *shared, char out[SHM_PATH_MAX])
{
	memcpy(out, shared, SHM_PATH_MAX);
	out[SHM_PATH_MAX - 1] = '\0';
	return out[0] == '/';
}

/* Sender side, after publishing: the receiver's fence pairs with this one
 * (docs/shm.md, "Sleeping"), so either it sees our record or we see its
 * flag.  SHM_SLEEPING asks for one ring, which the first sender takes. */
void shm_wake_receiver(struct shm_peer *peer)
{
	struct shm_region_hdr *h = shm_map_hdr(&peer->map);
	uint32_t s;

	atomic_thread_fence(memory_order_seq_cst);
	s = atomic_load_explicit(&h->sleeping, memory_order_relaxed);
	if (s == SHM_AWAKE)
		return;
	if (s == SHM_SLEEPING) {
		if (!atomic_compare_exchange_strong(&h->sleeping, &s, SHM_AWAKE))
			return;
	} else if (s != SHM_ALWAYS) {
		return;
	}
	if (peer->bell[0] == '\0') {
		if (!atomic_load_explicit(&h->bell_ready, memory_order_acquire) ||
		    !shared_path(h->bell, peer->bell)) {
			peer->bell[0] = '\0';
			return;
		}
	}
	shm_bell_ring(peer->self->send_sock, peer->bell);
}

/* Receiver side, after publishing a tail: the same pairing with the
 * sender's sender_waiting flag. */
void shm_wake_sender(struct shm_ep *ep, struct shm_slot *s)
{
	char path[SHM_PATH_MAX];

	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&s->sender_waiting, memory_order_relaxed) ||
	    !atomic_exchange(&s->sender_waiting, 0))
		return;
	if (atomic_load_explicit(&s->bell_ready, memory_order_acquire) &&
	    shared_path(s->bell, path))
		shm_bell_ring(ep->send_sock, path);
}

static int peer_progressed(const struct shm_peer *p)
{
	return atomic_load_explicit(&p->slot->tail, memory_order_acquire) != p->tail ||
	       atomic_load_explicit(&p->slot->broken, memory_order_relaxed) != 0;
}

static int ready(struct shm_ep *ep, struct shm_peer *const *peers, int npeers)
{
	int k;

	if (shm_ep_pending(ep))
		return 1;
	for (k = 0; k < npeers; k++)
		if (peers[k] != NULL && peers[k]->waiting && !peers[k]->broken &&
		    peer_progressed(peers[k]))
			return 1;
	return 0;
}

static void set_flags(struct shm_ep *ep, struct shm_peer *const *peers, int npeers,
                      uint32_t on)
{
	struct shm_region_hdr *h = shm_map_hdr(&ep->map);
	int k;

	if (!ep->notify_always)
		atomic_store(&h->sleeping, on ? SHM_SLEEPING : SHM_AWAKE);
	for (k = 0; k < npeers; k++)
		if (peers[k] != NULL && peers[k]->waiting && !peers[k]->broken)
			atomic_store(&peers[k]->slot->sender_waiting, on);
}

int shm_wait(struct shm_ep *ep, struct shm_peer *const *peers, int npeers,
             struct pollfd *fds, int nfds, int timeout_ms)
{
	struct pollfd small[8], *pfd = small;
	int64_t start = clock_now_ns(), deadline, spin_end, slept, spin, fd_check,
	        yielded;
	int k, r, ms, err, sending = 0;
	uint64_t copying = 0, note;

	if (ep == NULL || npeers < 0 || nfds < 0 || (nfds > 0 && fds == NULL))
		return SHM_EINVAL;
	/* the daemon's note as the wait begins: a write of the daemon's
	 * while it spins ends it (what came before, the caller knew of) */
	note = atomic_load_explicit(&shm_map_hdr(&ep->map)->daemon_note,
	                            memory_order_relaxed);
	/* A sender waits for a receiver that is copying: out of the ring
	 * (what is in it, then the unpack of the message it completes) when
	 * it waits for room, out of our memory when it waits for the read of
	 * a descriptor.  It knows how long those copies take
	 * (SHM_CMA_NS_PER_KIB) and spins that long, up to the maximum:
	 * sleeping through them would add a wake-up of ours, and a doorbell
	 * for the receiver to ring, to every wait of a stream.  (A room wait
	 * spun spin_ns alone, shorter than the unpack of a 256 KiB message.)
	 * The adaptive spin is for waits on receives, where answers come
	 * back quickly. */
	for (k = 0; k < npeers; k++) {
		const struct shm_peer *p = peers[k];

		if (p == NULL || !p->waiting)
			continue;
		sending = 1;
		if (p->op.active && !p->op.chunked)
			copying += p->op.total;
		else
			copying += (p->head - p->tail) + (p->op.active ? p->op.total : 0);
	}
	spin = sending ? ep->spin_ns + (int64_t)(copying / 1024) * SHM_CMA_NS_PER_KIB
	               : ep->spin_cur;
	if (spin > ep->spin_max)
		spin = ep->spin_max;
	deadline = timeout_ms < 0 ? INT64_MAX : start + (int64_t)timeout_ms * 1000000;
	spin_end = start + spin;
	if (spin_end > deadline)
		spin_end = deadline;
	/* a check is a few loads; the clock is read every 16 of them, and
	 * the other descriptors (the daemon's socket) are polled every
	 * SHM_FD_CHECK_NS: a frame from another route must not wait for the
	 * end of a spin that only our rings can end */
	fd_check = start + SHM_FD_CHECK_NS;
	/* the core is given away as often (the daemon, or the peer we wait
	 * for, may need it); at every look of the clock while other tasks
	 * are waiting for it (spin.h) */
	yielded = start;
	for (k = 1;; k++) {
		int64_t now;

		if (ready(ep, peers, npeers))
			return 1;
		if (spin_end <= start)
			break;
		if (k % 16 == 0) {
			if (atomic_load_explicit(&shm_map_hdr(&ep->map)->daemon_note,
			                         memory_order_relaxed) != note)
				return 1; /* the daemon wrote to us */
			if ((now = clock_now_ns()) >= spin_end)
				break;
			if (now >= fd_check) {
				for (int i = 0; i < nfds; i++)
					fds[i].revents = 0;
				if (nfds > 0 && poll(fds, (nfds_t)nfds, 0) > 0)
					return 1;
				fd_check = now + SHM_FD_CHECK_NS;
			}
			if (now - yielded >= spin_yield_period(now, SHM_FD_CHECK_NS))
				yielded = spin_yield();
		}
		shm_cpu_relax();
	}

	if ((size_t)nfds + 1 > sizeof(small) / sizeof(small[0])) {
		pfd = malloc(sizeof(*pfd) * ((size_t)nfds + 1));
		if (pfd == NULL)
			return SHM_ENOMEM;
	}
	pfd[0].fd = ep->bell_fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	for (k = 0; k < nfds; k++) {
		pfd[k + 1] = fds[k];
		pfd[k + 1].revents = 0;
	}

	/* ask to be rung, then look once more: whoever published before
	 * our fence is seen now, whoever after it sees the flag */
	set_flags(ep, peers, npeers, 1);
	atomic_thread_fence(memory_order_seq_cst);
	if (ready(ep, peers, npeers)) {
		r = 1;
		goto out;
	}
	if (deadline == INT64_MAX) {
		ms = -1;
	} else {
		int64_t left = deadline - clock_now_ns();

		ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
	}
	slept = clock_now_ns();
	r = poll(pfd, (nfds_t)nfds + 1, ms);
	slept = clock_now_ns() - slept;
	/* woken soon by our rings: spinning that much longer would have
	 * caught it (a wake-up by another descriptor says nothing of them) */
	if (!sending)
		ep->spin_cur = spin_next(ep->spin_cur, slept, r > 0 && (pfd[0].revents & POLLIN),
		                         ep->spin_ns, ep->spin_max);
	if (r < 0) {
		err = errno;
		if (err == EINTR) {
			r = 1;
		} else {
			log_error("shm: poll: %s", strerror(err));
			r = SHM_ESYS;
		}
	} else if (r == 0) {
		r = ready(ep, peers, npeers);
	} else {
		r = 1;
	}
out:
	set_flags(ep, peers, npeers, 0);
	if (pfd[0].revents & POLLIN)
		shm_bell_drain(ep->bell_fd);
	for (k = 0; k < nfds; k++)
		fds[k].revents = pfd[k + 1].revents;
	if (pfd != small)
		free(pfd);
	return r;
}

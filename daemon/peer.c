/*
 * peer.c - links between daemons: TCP with mutual TLS 1.3, each end
 * proving its host with the certificate the master issued it
 * (common/tls.c), carrying the same frames as the Unix socket.  A link is
 * usable once each side has sent a PeerHello the other accepts (naming
 * the host its certificate proves); until then nothing else is read.  A
 * peer speaks only for its own host: every frame on its link must come
 * from one of that host's tids and be for one of ours (no second hop).
 * Frames to a host wait in its queue until a link to it is up, then always
 * go on that one link, so per-pair order holds.  A link that closes is a
 * dead host at once; frames on it are signs of life (liveness.c).
 */
#include "pvmd.h"

#include "clock.h"
#include "log.h"
#include "tid.h"
#include "tls.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pvm3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A link that has not finished TLS and hello this long after its accept
 * (or dial) is dropped, however it trickles (PVMX_HELLO_TIMEOUT_MS). */
#define PEER_HELLO_TIMEOUT_MS 10000
/* Links not yet past their hello: at most this many from one address,
 * and this many in all; more are closed at accept (logged once per
 * PEER_REFUSED_LOG_MS). */
#define PEER_PENDING_PER_ADDR 8
#define PEER_PENDING_MAX 64
#define PEER_REFUSED_LOG_MS 10000
#define PEER_CONTROL_MAX (16u * 1024u * 1024u)
#define PEER_IO_CHUNK (1024 * 1024)
/* Frames waiting for a link to one host: beyond this they are dropped
 * (logged) rather than fill our memory while that host is unreachable. */
#define PEER_QUEUE_MAX (256u * 1024u * 1024u)

struct peer {
	TAILQ_ENTRY(peer) entry;
	struct bufferevent *bev;
	char what[96];  /* for log lines: "link to t80000 (10.0.0.2:4242)" */
	int host_index; /* once its hello is accepted; the dialled one before */
	int outbound;
	int up; /* hello accepted */
	char addr[64]; /* an accepted link's source address, numeric */
	struct event *deadline; /* until the hello: its end */
	struct framer framer; /* the link's frames (common/frame.h) */
	void (*dial_done)(void *arg, struct peer *p, int code);
	void *dial_arg;
	struct event *broken; /* an append failed: the link closes from the loop */
};
TAILQ_HEAD(peer_list, peer);

static struct peer_list peers = TAILQ_HEAD_INITIALIZER(peers);

static void peer_read_cb(struct bufferevent *bev, void *arg);
static int peer_check_header(void *arg, const struct frame_header *h, const char **why);
static void peer_event_cb(struct bufferevent *bev, short what, void *arg);
static void peer_write_cb(struct bufferevent *bev, void *arg);
static void peer_broken_cb(evutil_socket_t fd, short what, void *arg);
static void peer_redial_cb(evutil_socket_t fd, short what, void *arg);

static const struct timeval redial_delay = {0, 200 * 1000};

/* The hello deadline, from PVMX_HELLO_TIMEOUT_MS (also the local
 * socket's register deadline, conn.c). */
int peer_hello_timeout_ms(void)
{
	const char *s = getenv("PVMX_HELLO_TIMEOUT_MS");
	int ms = s != NULL ? atoi(s) : 0;

	return ms >= 100 ? ms : PEER_HELLO_TIMEOUT_MS;
}

static void peer_dial_finish(struct peer *p, int code)
{
	void (*done)(void *, struct peer *, int) = p->dial_done;

	p->dial_done = NULL;
	if (done != NULL)
		done(p->dial_arg, code == 0 ? p : NULL, code);
}

/* Frees the link; the host (if any) loses it and re-dials on its next
 * frame.  What the link had not written yet is lost with it (logged). */
static void peer_free(struct peer *p, const char *why)
{
	struct host *h = p->up ? hosttab_get(p->host_index) : NULL;

	if (why != NULL)
		log_warn("%s: closing: %s", p->what, why);
	if (p->deadline != NULL)
		event_free(p->deadline);
	if (p->broken != NULL)
		event_free(p->broken);
	TAILQ_REMOVE(&peers, p, entry);
	if (h != NULL && h->link == p) {
		h->link = NULL;
		flow_host_gone(h->index);
	}
	if (p->outbound && !p->up) {
		struct host *d = hosttab_get(p->host_index);

		if (d != NULL) {
			d->dialing = 0; /* the next frame dials again */
			/* frames are waiting: dial again soon, they must not
			 * sit until someone sends more (the other daemon may
			 * not have heard of us yet) */
			if (d->queued > 0 && !pvmd.halting)
				event_base_once(pvmd.base, -1, EV_TIMEOUT, peer_redial_cb,
				                (void *)(intptr_t)d->index,
				                &redial_delay);
		}
	}
	peer_dial_finish(p, PvmCantStart);
	if (h != NULL && !pvmd.halting) {
		size_t unwritten = evbuffer_get_length(bufferevent_get_output(p->bev));

		/* (a frame may have been cut: nothing of it can be resent) */
		if (unwritten > 0)
			log_warn("%s: %zu bytes not yet written to host t%x are lost "
			         "with the link",
			         p->what, unwritten, (unsigned)h->tid);
	}
	bufferevent_free(p->bev);
	free(p);
	/* a slave without its master has no virtual machine left */
	if (h != NULL && h->tid == pvmd.master_tid && !pvmd.halting) {
		log_error("lost the link to the master t%x: halting",
		          (unsigned)pvmd.master_tid);
		pvmd_halt(NULL);
	} else if (h != NULL && pvmd.host_tid == pvmd.master_tid && !pvmd.halting) {
		boot_host_failed(h->index, "its link closed");
	}
}

static void peer_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;

	(void)fd;
	(void)what;
	if (!p->up)
		peer_free(p, "no TLS handshake and hello in time");
}

static struct peer *peer_new(struct bufferevent *bev, int outbound, const char *what)
{
	struct peer *p = calloc(1, sizeof(*p));
	int ms = peer_hello_timeout_ms();
	struct timeval tmo = {ms / 1000, (ms % 1000) * 1000};

	if (p != NULL &&
	    ((p->deadline = evtimer_new(pvmd.base, peer_deadline_cb, p)) == NULL ||
	     (p->broken = event_new(pvmd.base, -1, 0, peer_broken_cb, p)) == NULL)) {
		if (p->deadline != NULL)
			event_free(p->deadline);
		free(p);
		p = NULL;
	}
	if (p == NULL) {
		bufferevent_free(bev);
		return NULL;
	}
	evtimer_add(p->deadline, &tmo);
	p->bev = bev;
	p->outbound = outbound;
	framer_init(&p->framer, pvmd.max_frame, PEER_CONTROL_MAX, peer_check_header, p);
	snprintf(p->what, sizeof(p->what), "%s", what);
	TAILQ_INSERT_TAIL(&peers, p, entry);
	bufferevent_set_max_single_read(bev, PEER_IO_CHUNK);
	bufferevent_set_max_single_write(bev, PEER_IO_CHUNK);
	/* the write callback runs when the output is down to the low mark:
	 * local senders held by this link go on (flow.c) */
	bufferevent_setwatermark(bev, EV_WRITE, flow_queue_low(), 0);
	bufferevent_setcb(bev, peer_read_cb, peer_write_cb, peer_event_cb, p);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	return p;
}

static void peer_write_cb(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct host *h = p->up ? hosttab_get(p->host_index) : NULL;

	(void)bev;
	if (h != NULL && h->link == p)
		flow_link_drained(h);
}

/* An append to the link's output failed: its stream may end inside a
 * frame, so nothing more goes on it; it closes from the loop (the other
 * daemon sees the link lost, as for any broken link). */
static void peer_fail(struct peer *p, const char *what)
{
	if (!(bufferevent_get_enabled(p->bev) & EV_WRITE))
		return;
	log_error("%s: cannot queue %s: out of memory", p->what, what);
	bufferevent_disable(p->bev, EV_READ | EV_WRITE);
	event_active(p->broken, EV_TIMEOUT, 1);
}

static void peer_broken_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	peer_free(arg, "its output is incomplete (out of memory)");
}

static void peer_write_control(struct peer *p, int src, int dst, Pvmx__Control *ctl)
{
	size_t len;
	uint8_t *buf = wire_control_frame(ctl, src, dst, &len);

	if (buf == NULL) {
		log_error("%s: out of memory for a control frame", p->what);
		return;
	}
	if (bufferevent_write(p->bev, buf, len) != 0)
		peer_fail(p, "a control frame");
	free(buf);
}

static void peer_send_hello(struct peer *p)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__PeerHello hello = PVMX__PEER_HELLO__INIT;

	hello.protocol_version = PVMX_PROTOCOL_VERSION;
	hello.host_tid = pvmd.host_tid;
	hello.vmid = pvmd.vmid;
	ctl.body_case = PVMX__CONTROL__BODY_PEER_HELLO;
	ctl.peer_hello = &hello;
	peer_write_control(p, pvmd.host_tid, 0, &ctl);
}

static void tune_socket(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
}

/* May another link from host start its hello?  Those not past it are
 * capped per address and in all, so a stranger holding many cannot keep
 * out the hosts of the machine (nor our descriptors). */
static int peer_pending_ok(const char *host)
{
	static int64_t logged_ms = -PEER_REFUSED_LOG_MS;
	static unsigned refused;
	struct peer *p;
	int all = 0, same = 0;
	int64_t now;

	TAILQ_FOREACH(p, &peers, entry) {
		if (p->up || p->outbound)
			continue;
		all++;
		same += strcmp(p->addr, host) == 0;
	}
	if (same < PEER_PENDING_PER_ADDR && all < PEER_PENDING_MAX)
		return 1;
	refused++;
	now = clock_now_ms();
	if (now - logged_ms >= PEER_REFUSED_LOG_MS) {
		log_warn("link from %s: refused: %d links from it and %d in all before "
		         "their hello (limits %d, %d; %u refused since the last such line)",
		         host, same, all, PEER_PENDING_PER_ADDR, PEER_PENDING_MAX, refused);
		logged_ms = now;
		refused = 0;
	}
	return 0;
}

static void peer_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                        int socklen, void *arg)
{
	char host[64] = "?", what[96], why[TLS_ERROR_TEXT_LEN];
	struct bufferevent *bev;
	struct peer *p;

	(void)l;
	listener_accepted(arg);
	getnameinfo(sa, (socklen_t)socklen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
	if (!peer_pending_ok(host)) {
		close(fd);
		return;
	}
	snprintf(what, sizeof(what), "link from %s", host);
	tune_socket((int)fd);
	bev = tls_bufferevent_new(pvmd.base, (int)fd, pvmd.tls_server, 1);
	if (bev == NULL) {
		log_error("%s: cannot start TLS: %s", what,
		          tls_error_text(why, sizeof(why)));
		close(fd);
		return;
	}
	if ((p = peer_new(bev, 0, what)) == NULL) {
		log_error("%s: out of memory", what);
		return;
	}
	snprintf(p->addr, sizeof(p->addr), "%s", host);
	log_debug("%s: accepted", what);
}

int peer_listen(const char *bind_addr, int port_lo, int port_hi)
{
	struct addrinfo hints = {0}, *res = NULL;
	int fd = -1, port;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if (port_hi < port_lo)
		port_hi = port_lo;
	for (port = port_lo; port <= port_hi && fd < 0; port++) {
		char service[16];
		int one = 1;

		snprintf(service, sizeof(service), "%d", port);
		if (getaddrinfo(bind_addr != NULL && bind_addr[0] != '\0' ? bind_addr
		                                                          : NULL,
		                service, &hints, &res) != 0 ||
		    res == NULL) {
			log_error("cannot listen on %s: not a numeric address",
			          bind_addr != NULL ? bind_addr : "*");
			return -1;
		}
		fd =
		    socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
			    listen(fd, SOMAXCONN) != 0) {
				if (port == port_hi)
					log_error("cannot listen on %s port %d: %s",
					          bind_addr != NULL ? bind_addr : "*",
					          port, strerror(errno));
				close(fd);
				fd = -1;
			}
		}
		freeaddrinfo(res);
	}
	if (fd < 0)
		return -1;
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			pvmd.tcp_port =
			    ntohs(ss.ss_family == AF_INET6
			              ? ((struct sockaddr_in6 *)&ss)->sin6_port
			              : ((struct sockaddr_in *)&ss)->sin_port);
	}
	pvmd.tcp_listener = listener_new(peer_accept, fd, "the daemon links' port");
	if (pvmd.tcp_listener == NULL) {
		close(fd);
		return -1;
	}
	return 0;
}

/* The link is the one for its host from now on, if it has none. */
static void peer_attach(struct peer *p, struct host *h)
{
	if (h->link != NULL && h->link != p)
		return;
	h->link = p;
	h->dialing = 0;
	if (h->queue != NULL && h->queued > 0) {
		log_debug("%s: sending %zu queued bytes", p->what, h->queued);
		if (bufferevent_write_buffer(p->bev, h->queue) != 0)
			peer_fail(p, "the frames that waited for it");
	}
	h->queued = 0;
}

void peer_attach_host(struct peer *p, struct host *h)
{
	peer_attach(p, h);
}

static int peer_hello(struct peer *p, const struct frame_header *hdr,
                      const Pvmx__Control *ctl)
{
	const Pvmx__PeerHello *hello = ctl->peer_hello;
	struct host *h;
	int index, proven;

	if (ctl->body_case != PVMX__CONTROL__BODY_PEER_HELLO)
		return -1;
	/* the one claim the TLS handshake proved */
	proven = tls_peer_tid(p->bev);
	if (hello->host_tid != proven) {
		log_warn("%s: refused: its hello claims t%x%s, its certificate proves "
		         "t%x",
		         p->what, (unsigned)hello->host_tid,
		         hello->host_tid == pvmd.master_tid ? " (the master)" : "",
		         (unsigned)proven);
		return -1;
	}
	if (hello->protocol_version != PVMX_PROTOCOL_VERSION ||
	    !tid_is_daemon(hello->host_tid) || hdr->src != hello->host_tid ||
	    strcmp(hello->vmid, pvmd.vmid) != 0 || hello->host_tid == pvmd.host_tid)
		return -1;
	index = tid_host_index(hello->host_tid);
	if (p->outbound && index != p->host_index)
		return -1;
	h = hosttab_get(index);
	/* inbound: from a host we know, or the master dialling a new slave */
	if (!p->outbound && h == NULL && hello->host_tid != pvmd.master_tid)
		return -1;
	p->host_index = index;
	p->up = 1;
	snprintf(p->what, sizeof(p->what), "link %s t%x", p->outbound ? "to" : "from",
	         (unsigned)hello->host_tid);
	event_free(p->deadline);
	p->deadline = NULL;
	if (!p->outbound)
		peer_send_hello(p);
	if (h == NULL && hello->host_tid == pvmd.master_tid)
		h = hosttab_add(index, "master", "", 0, 0, "", 0);
	if (h != NULL) {
		liveness_heard(h);
		peer_attach(p, h);
	}
	log_info("%s: up", p->what);
	peer_dial_finish(p, 0);
	return 0;
}

/* A control frame on a link (peer_check_header has checked its tids).
 * -1: the link was closed. */
static int peer_control(struct peer *p, const struct frame_header *hdr,
                        Pvmx__Control *ctl)
{
	int peer_tid = tid_make(p->host_index, 0);

	if (!p->up) {
		if (peer_hello(p, hdr, ctl) != 0) {
			peer_free(p, "bad hello");
			return -1;
		}
		return 0;
	}
	/* the reply to a request a task of ours made of that daemon, or an
	 * event for it */
	if (!tid_is_daemon(hdr->dst)) {
		size_t len;
		uint8_t *frame = wire_control_frame(ctl, hdr->src, hdr->dst, &len);

		relay_done(hdr->dst, ctl->seq);
		groupmember_answer(hdr->dst, ctl);
		if (frame != NULL) {
			route_bytes(hdr->dst, frame, len);
			free(frame);
		}
		return 0;
	}
	if (hdr->src != peer_tid) {
		control_relayed(hdr->src, ctl);
		return 0;
	}
	return peer_daemon_message(p->host_index, ctl);
}

/* What a link may carry, checked on each header before its payload is
 * waited for (the framer checks lengths): a hello first, then frames
 * from the other host's tids only (its daemon's included), each for a
 * tid of ours: a daemon speaks only for its own host, and nothing is
 * passed on a second hop - but for multicasts, whose destinations are in
 * their payload: a daemon passes one on down the tree of hosts, in its own
 * name (FRAME_FLAG_TREE, src its daemon tid), and route_mcast checks the
 * sending task the payload names (docs/groups.md). */
static int peer_check_header(void *arg, const struct frame_header *h, const char **why)
{
	const struct peer *p = arg;
	int mcast = h->kind == FRAME_DATA && (h->flags & FRAME_FLAG_MCAST);

	if (!p->up) {
		if (h->kind != FRAME_CONTROL || h->len > 4096) {
			*why = "first frame is not a hello";
			return -1;
		}
		return 0;
	}
	if (tid_host_index(h->src) != p->host_index) {
		log_warn("%s: refused a %s frame from t%x: not a tid of that host",
		         p->what, h->kind == FRAME_CONTROL ? "control" : "data",
		         (unsigned)h->src);
		*why = "frame from a tid of another host";
		return -1;
	}
	if (mcast && (h->flags & FRAME_FLAG_TREE) && h->src != tid_make(p->host_index, 0)) {
		log_warn("%s: refused a multicast passed on in the name of t%x, not of "
		         "that daemon",
		         p->what, (unsigned)h->src);
		*why = "multicast passed on by a task";
		return -1;
	}
	if (!mcast && !route_is_local(h->dst)) {
		log_warn("%s: refused a %s frame from t%x for t%x: not a tid of this "
		         "host (no second hop)",
		         p->what, h->kind == FRAME_CONTROL ? "control" : "data",
		         (unsigned)h->src, (unsigned)h->dst);
		*why = "frame for a tid of another host";
		return -1;
	}
	return 0;
}

static void peer_read_cb(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct host *h;

	if (p->up && (h = hosttab_get(p->host_index)) != NULL)
		liveness_heard(h);
	for (;;) {
		const struct frame_header *fh = &p->framer.hdr;
		const char *why;

		switch (daemon_next_frame(&p->framer, in, &why)) {
		case FRAMER_NEED:
			return;
		case FRAMER_PAYLOAD:
			break;
		default:
			peer_free(p, why);
			return;
		}
		if (p->up && (h = hosttab_get(p->host_index)) != NULL) {
			h->recv_frames++;
			h->recv_bytes += FRAME_HEADER_LEN + (uint64_t)fh->len;
		}
		if (fh->kind == FRAME_CONTROL) {
			static const uint8_t empty[1];
			const uint8_t *b = fh->len > 0 ? evbuffer_pullup(in, fh->len) : empty;
			Pvmx__Control *ctl = b != NULL ? wire_control_decode(b, fh->len) : NULL;
			int r;

			evbuffer_drain(in, fh->len);
			if (ctl == NULL) {
				peer_free(p, "unparsable control payload");
				return;
			}
			r = peer_control(p, fh, ctl);
			wire_control_free(ctl);
			if (r != 0)
				return;
		} else if (fh->flags & FRAME_FLAG_MCAST) {
			route_mcast(fh, in);
		} else {
			route_data(fh, in);
		}
	}
}

static void peer_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct peer *p = arg;
	char why[300], tls_why[TLS_ERROR_TEXT_LEN];

	if (what & BEV_EVENT_CONNECTED) {
		log_debug("%s: TLS up", p->what);
		fabricreg_note_link((int)bufferevent_getfd(bev));
		if (p->outbound)
			peer_send_hello(p);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		peer_free(p, "closed by the peer");
		return;
	}
	snprintf(why, sizeof(why), "%s%s",
	         p->up ? "lost: " : "TLS handshake or authentication failed: ",
	         tls_bufferevent_error_text(bev, tls_why, sizeof(tls_why)));
	peer_free(p, why);
}

int peer_dial(int host_index, const char *addr, int port,
              void (*done)(void *arg, struct peer *p, int code), void *arg)
{
	struct addrinfo hints = {0}, *res = NULL;
	struct bufferevent *bev;
	struct peer *p;
	char service[16], what[96], why[TLS_ERROR_TEXT_LEN];

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	snprintf(what, sizeof(what), "link to t%x (%s port %d)",
	         (unsigned)tid_make(host_index, 0), addr, port);
	if (getaddrinfo(addr, service, &hints, &res) != 0 || res == NULL) {
		log_error("%s: not a numeric address", what);
		return PvmNoHost;
	}
	bev = tls_bufferevent_new(pvmd.base, -1, pvmd.tls_client, 0);
	if (bev == NULL) {
		log_error("%s: cannot start TLS: %s", what,
		          tls_error_text(why, sizeof(why)));
		freeaddrinfo(res);
		return PvmSysErr;
	}
	p = peer_new(bev, 1, what);
	if (p == NULL) {
		freeaddrinfo(res);
		return PvmNoMem;
	}
	p->host_index = host_index;
	p->dial_done = done;
	p->dial_arg = arg;
	if (bufferevent_socket_connect(bev, res->ai_addr, (int)res->ai_addrlen) != 0) {
		freeaddrinfo(res);
		peer_free(p, "connect failed");
		return PvmCantStart;
	}
	freeaddrinfo(res);
	tune_socket(bufferevent_getfd(bev));
	log_debug("%s: dialling", p->what);
	return 0;
}

/* Frames for a host go on its link, or wait for one (dialled now when it
 * has an address: daemons other than the master link up lazily). */
int peer_send(int host_index, const uint8_t hdr[FRAME_HEADER_LEN], struct evbuffer *src,
              const uint8_t *bytes, size_t len)
{
	struct host *h = hosttab_get(host_index);
	struct evbuffer *dst;

	if (h == NULL || host_index == pvmd.host_index) {
		if (src != NULL)
			evbuffer_drain(src, len);
		return PvmNoHost;
	}
	if (h->link != NULL) {
		dst = bufferevent_get_output(h->link->bev);
	} else {
		if (h->queued + FRAME_HEADER_LEN + len > PEER_QUEUE_MAX) {
			log_warn("host t%x: dropping a %zu-byte frame: %zu bytes already "
			         "wait for a link to it",
			         (unsigned)h->tid, len, h->queued);
			if (src != NULL)
				evbuffer_drain(src, len);
			return PvmOutOfRes;
		}
		if (h->queue == NULL && (h->queue = evbuffer_new()) == NULL) {
			if (src != NULL)
				evbuffer_drain(src, len);
			return PvmNoMem;
		}
		dst = h->queue;
		h->queued += (hdr != NULL ? FRAME_HEADER_LEN : 0) + len;
		if (!h->dialing && h->addr[0] != '\0' && h->port > 0) {
			h->dialing = 1;
			if (peer_dial(host_index, h->addr, h->port, NULL, NULL) != 0)
				h->dialing = 0;
		}
	}
	if (hdr != NULL) {
		h->sent_frames++;
		h->sent_bytes += FRAME_HEADER_LEN;
	}
	h->sent_bytes += len;
	if (route_append(dst, hdr, src, bytes, len) != 0) {
		if (h->link != NULL) {
			peer_fail(h->link, "a frame");
		} else {
			/* (the link, once up, must not start inside a frame) */
			log_error("host t%x: out of memory for a %zu-byte frame: the %zu "
			          "bytes waiting for a link to it are dropped",
			          (unsigned)h->tid, len, h->queued);
			evbuffer_free(h->queue);
			h->queue = NULL;
			h->queued = 0;
		}
		return PvmNoMem;
	}
	return 0;
}

int peer_send_control(int host_index, int src, int dst, Pvmx__Control *ctl)
{
	size_t len;
	uint8_t *buf = wire_control_frame(ctl, src, dst, &len);
	int r;

	if (buf == NULL)
		return PvmNoMem;
	r = peer_send(host_index, buf, NULL, buf + FRAME_HEADER_LEN,
	              len - FRAME_HEADER_LEN);
	free(buf);
	return r;
}

static void peer_redial_cb(evutil_socket_t fd, short what, void *arg)
{
	struct host *h = hosttab_get((int)(intptr_t)arg);

	(void)fd;
	(void)what;
	if (h == NULL || h->link != NULL || h->dialing || h->queued == 0 ||
	    pvmd.halting || h->addr[0] == '\0' || h->port <= 0)
		return;
	log_info("host t%x: dialling again for %zu queued bytes", (unsigned)h->tid,
	         h->queued);
	h->dialing = 1;
	if (peer_dial(h->index, h->addr, h->port, NULL, NULL) != 0)
		h->dialing = 0;
}

void peer_broadcast_control(Pvmx__Control *ctl, int except)
{
	for (int i = 1; i <= TID_MAX_HOST; i++) {
		struct host *h = hosttab_get(i);

		if (h != NULL && i != pvmd.host_index && i != except)
			peer_send_control(i, pvmd.host_tid, h->tid, ctl);
	}
}

size_t peer_backlog(int host_index)
{
	struct host *h = hosttab_get(host_index);

	if (h == NULL)
		return 0;
	return h->queued +
	       (h->link != NULL
	            ? evbuffer_get_length(bufferevent_get_output(h->link->bev))
	            : 0);
}

/* The host is gone: its links close, nothing more is sent to it. */
void peer_drop_host(struct host *h)
{
	struct peer *p, *next;

	h->link = NULL;
	flow_host_gone(h->index);
	for (p = TAILQ_FIRST(&peers); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->host_index == h->index) {
			p->up = 0; /* no second removal from peer_free */
			peer_free(p, NULL);
		}
	}
}

/* Sends what is queued on every link now (halting). */
void peer_flush_all(void)
{
	struct peer *p;

	TAILQ_FOREACH(p, &peers, entry)
	{
		struct evbuffer *out = bufferevent_get_output(p->bev);

		if (evbuffer_get_length(out) > 0)
			bufferevent_flush(p->bev, EV_WRITE, BEV_FLUSH);
	}
}

void peer_free_all(void)
{
	struct peer *p;

	while ((p = TAILQ_FIRST(&peers)) != NULL) {
		p->up = 0;
		p->dial_done = NULL;
		peer_free(p, NULL);
	}
	if (pvmd.tcp_listener != NULL)
		listener_free(pvmd.tcp_listener);
	pvmd.tcp_listener = NULL;
}

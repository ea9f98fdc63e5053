/*
 * conn.c - connections on the Unix socket: accept with a peer-uid check,
 * framing (header, bounded length, then payload), dispatch of control
 * frames and routing of data frames.  A peer that breaks the protocol is
 * closed with a log line; nobody else notices.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Control payloads are small; a huge one is an attack or a bug, and we
 * would have to hold it in one piece to parse it. */
#define CONN_CONTROL_MAX (16u * 1024u * 1024u)
/* Bytes per read(2)/write(2) on a connection: big messages move in
 * fewer system calls than libevent's 16 KiB default. */
#define CONN_IO_CHUNK (1024 * 1024)
/* A peer that does not take its last replies within this time is dropped. */
#define CONN_FLUSH_TIMEOUT_S 5

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_event_cb(struct bufferevent *bev, short what, void *arg);
static void conn_write_cb(struct bufferevent *bev, void *arg);
static void conn_output_cb(struct evbuffer *b, const struct evbuffer_cb_info *info,
                           void *arg);
static void conn_resume_cb(evutil_socket_t fd, short what, void *arg);
static void conn_hold(struct conn *c);
static int conn_check_header(void *arg, const struct frame_header *h, const char **why);

static void conn_free(struct conn *c)
{
	if (c->reg_wait != NULL)
		c->reg_wait->reg_conn = NULL;
	if (c->task != NULL)
		task_detach(c->task);
	if (c->reg_deadline != NULL)
		event_free(c->reg_deadline);
	if (c->resume != NULL)
		event_free(c->resume);
	if (c->gone != NULL)
		event_free(c->gone);
	TAILQ_REMOVE(&pvmd.conns, c, entry);
	bufferevent_free(c->bev);
	free(c);
}

/* A connection that has not registered (nor waits for its siblings to)
 * by its deadline holds a descriptor for nothing. */
static void conn_reg_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->task == NULL && c->reg_wait == NULL && !c->closing)
		conn_close(c, "did not register within %d ms", peer_hello_timeout_ms());
}

void conn_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                 int socklen, void *arg)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct conn *c;

	(void)l;
	(void)sa;
	(void)socklen;
	listener_accepted(arg);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
		log_warn("conn fd %d pid %d: closing: cannot read peer credentials: %s",
		         (int)fd, -1, strerror(errno));
		close(fd);
		return;
	}
	if (cred.uid != getuid()) {
		log_warn(
		    "conn fd %d pid %d: closing: peer uid %u is not the daemon's uid %u",
		    (int)fd, (int)cred.pid, (unsigned)cred.uid, (unsigned)getuid());
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c != NULL) {
		c->reg_deadline = evtimer_new(pvmd.base, conn_reg_deadline_cb, c);
		c->resume = event_new(pvmd.base, -1, 0, conn_resume_cb, c);
	}
	if (c != NULL && c->reg_deadline != NULL && c->resume != NULL)
		c->bev = bufferevent_socket_new(pvmd.base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c == NULL || c->bev == NULL) {
		log_error("conn fd %d pid %d: closing: out of memory", (int)fd,
		          (int)cred.pid);
		if (c != NULL && c->reg_deadline != NULL)
			event_free(c->reg_deadline);
		if (c != NULL && c->resume != NULL)
			event_free(c->resume);
		free(c);
		close(fd);
		return;
	}
	{
		int ms = peer_hello_timeout_ms();
		struct timeval tmo = {ms / 1000, (ms % 1000) * 1000};

		evtimer_add(c->reg_deadline, &tmo);
	}
	c->fd = (int)fd;
	framer_init(&c->framer, pvmd.max_frame, CONN_CONTROL_MAX, conn_check_header, c);
	c->pid = cred.pid;
	c->uid = cred.uid;
	TAILQ_INSERT_TAIL(&pvmd.conns, c, entry);
	bufferevent_set_max_single_read(c->bev, CONN_IO_CHUNK);
	bufferevent_set_max_single_write(c->bev, CONN_IO_CHUNK);
	/* the write callback runs when the output is down to the low mark:
	 * senders held by this task's queue go on */
	bufferevent_setwatermark(c->bev, EV_WRITE, flow_queue_low(), 0);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	if (evbuffer_add_cb(bufferevent_get_output(c->bev), conn_output_cb, c) == NULL)
		conn_fail(c, "its output's callback");
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("conn fd %d pid %d: accepted", c->fd, (int)c->pid);
}

void conn_close(struct conn *c, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warn("conn fd %d pid %d: closing: %s", c->fd, (int)c->pid, why);
	conn_free(c);
}

static void conn_flushed_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_free(arg);
}

static void conn_flush_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_free(arg);
}

/* Stops reading, lets queued replies go out, then frees the connection.
 * Its task (if any) is detached now: the peer is no longer a task. */
static void conn_close_after_flush(struct conn *c)
{
	struct timeval tv = {CONN_FLUSH_TIMEOUT_S, 0};

	if (c->task != NULL)
		task_detach(c->task);
	c->closing = 1;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		conn_free(c);
		return;
	}
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0); /* called once empty */
	bufferevent_setcb(c->bev, NULL, conn_flushed_cb, conn_flush_event_cb, c);
	bufferevent_set_timeouts(c->bev, NULL, &tv);
}

/* A reply that must close the connection after it is delivered. */
void conn_refuse(struct conn *c, Pvmx__Control *reply, const char *why)
{
	log_warn("conn fd %d pid %d: closing: %s", c->fd, (int)c->pid, why);
	conn_send_control(c, reply);
	conn_close_after_flush(c);
}

/* A reply to a connection with nothing queued goes straight to its
 * socket: through the bufferevent it would wait for the loop's next turn
 * and cost three more system calls (arming EPOLLOUT, the wait that
 * reports it, disarming), on the path of every request.  Bytes written
 * (the rest is queued by the caller). */
static size_t write_now(struct conn *c, const uint8_t *buf, size_t len)
{
	ssize_t w;

	if (evbuffer_get_length(bufferevent_get_output(c->bev)) != 0)
		return 0;
	do
		w = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w > 0 && c->task != NULL)
		shmreg_wrote(c->task);
	return w > 0 ? (size_t)w : 0; /* an error: the bufferevent meets it */
}

/* Bytes of the output went to the socket: the task's note moves, so
 * that a task spinning on its rings looks at its socket (shmreg.c). */
static void conn_output_cb(struct evbuffer *b, const struct evbuffer_cb_info *info,
                           void *arg)
{
	struct conn *c = arg;

	(void)b;
	if (info->n_deleted > 0 && c->task != NULL)
		shmreg_wrote(c->task);
}

void conn_send_control(struct conn *c, Pvmx__Control *ctl)
{
	size_t len, done;
	uint8_t *buf;

	buf = wire_control_frame(ctl, pvmd.host_tid, c->task != NULL ? c->task->tid : 0,
	                         &len);
	if (buf == NULL) {
		log_error("conn fd %d pid %d: out of memory for a reply", c->fd,
		          (int)c->pid);
		return;
	}
	done = write_now(c, buf, len);
	if (done < len && bufferevent_write(c->bev, buf + done, len - done) != 0)
		conn_fail(c, "a reply");
	free(buf);
}

void conn_send_status(struct conn *c, uint32_t seq, int code)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__Status st = PVMX__STATUS__INIT;

	st.code = code;
	ctl.seq = seq;
	ctl.body_case = PVMX__CONTROL__BODY_STATUS;
	ctl.status = &st;
	conn_send_control(c, &ctl);
}

/* Writes what is queued right now, as far as the socket takes it without
 * blocking (before the daemon exits, so a halt's requester sees its
 * reply).  A socket bufferevent keeps its output's start frozen except
 * while it writes itself; we do the same for the moment of this write. */
void conn_flush_now(struct conn *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	evbuffer_unfreeze(out, 1);
	while (evbuffer_get_length(out) > 0) {
		if (evbuffer_write(out, c->fd) <= 0)
			break;
	}
	evbuffer_freeze(out, 1);
}

/* Checks a header before its payload is waited for: what may come on this
 * connection (the framer checks lengths).  0, or -1 with *why. */
static int conn_check_header(void *arg, const struct frame_header *h, const char **why)
{
	struct conn *c = arg;

	if (c->task == NULL && h->kind != FRAME_CONTROL) {
		*why = "first frame is not a Register (a data frame)";
		return -1;
	}
	if (h->kind == FRAME_DATA && h->src != c->task->tid) {
		snprintf(c->why, sizeof(c->why), "data frame with src t%x from task t%x",
		         (unsigned)h->src, (unsigned)c->task->tid);
		*why = c->why;
		return -1;
	}
	return 0;
}

static int conn_control_frame(struct conn *c, struct evbuffer *in)
{
	static const uint8_t empty[1];
	uint32_t len = c->framer.hdr.len;
	const uint8_t *p = len > 0 ? evbuffer_pullup(in, len) : empty;
	Pvmx__Control *ctl;
	int r;

	if (p == NULL) {
		conn_close(c, "out of memory for a %u-byte control frame", len);
		return -1;
	}
	ctl = wire_control_decode(p, len);
	evbuffer_drain(in, len);
	if (ctl == NULL) {
		conn_close(c, "unparsable control payload (%u bytes)", len);
		return -1;
	}
	r = control_dispatch(c, ctl);
	wire_control_free(ctl);
	return r;
}

/* Forwards a data frame, untouched, to its task here or to the daemon of
 * its host; drops it (as PVM does) when the destination does not exist. */
static void conn_data_frame(struct conn *c, struct evbuffer *in)
{
	if (c->task != NULL) {
		c->task->sent_msgs++;
		c->task->sent_bytes += c->framer.hdr.len;
	}
	if (c->framer.hdr.flags & FRAME_FLAG_MCAST)
		route_mcast(&c->framer.hdr, in);
	else
		route_data(&c->framer.hdr, in);
}

int daemon_next_frame(struct framer *f, struct evbuffer *in, const char **why)
{
	for (;;) {
		uint8_t raw[FRAME_HEADER_LEN];
		size_t n = evbuffer_get_length(in);

		if (!f->in_payload)
			evbuffer_copyout(in, raw, n < sizeof(raw) ? n : sizeof(raw));
		switch (framer_feed(f, raw, n, why)) {
		case FRAMER_NEED:
			return FRAMER_NEED;
		case FRAMER_HEADER:
			evbuffer_drain(in, FRAME_HEADER_LEN);
			continue;
		case FRAMER_PAYLOAD:
			return FRAMER_PAYLOAD;
		default:
			return FRAMER_ERROR;
		}
	}
}

/* Frames in the order they came; a data frame for a queue over its
 * bound stops the reading here (flow.c) until that queue drains. */
static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	const char *why;

	while (!c->closing && c->held_for == 0) {
		if (!c->held) {
			int step = daemon_next_frame(&c->framer, in, &why);

			if (step == FRAMER_NEED)
				return;
			if (step != FRAMER_PAYLOAD) {
				conn_close(c, "%s", why);
				return;
			}
			if (c->framer.hdr.kind == FRAME_CONTROL) {
				if (conn_control_frame(c, in) != 0)
					return;
				continue;
			}
		}
		c->held_for = c->unbounded ? 0 : flow_blocker(&c->framer.hdr, in);
		c->held = c->held_for != 0;
		if (c->held) {
			conn_hold(c);
			return;
		}
		conn_data_frame(c, in);
	}
}

/* A held task that exits (or is killed) must not linger until its
 * receiver drains: its closing is watched without reading, and then
 * what it sent is taken whatever the bound (no more than its socket
 * buffer held: it sends nothing more). */
static void conn_gone_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	log_debug("conn fd %d pid %d: closed by the peer while it waited", c->fd,
	          (int)c->pid);
	c->unbounded = 1;
	conn_resume(c);
}

/* c's next frame waits for the queue of c->held_for (flow.c). */
static void conn_hold(struct conn *c)
{
	log_debug("conn fd %d pid %d: waits for the queue of t%x", c->fd, (int)c->pid,
	          (unsigned)c->held_for);
	bufferevent_disable(c->bev, EV_READ);
	if (c->gone == NULL)
		c->gone = event_new(pvmd.base, c->fd, EV_CLOSED, conn_gone_cb, c);
	if (c->gone != NULL)
		event_add(c->gone, NULL);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (c->task != NULL)
		flow_task_drained(c->task);
}

void conn_resume(struct conn *c)
{
	c->held_for = 0;
	if (c->gone != NULL)
		event_del(c->gone);
	event_active(c->resume, EV_TIMEOUT, 1);
}

void conn_fail(struct conn *c, const char *what)
{
	if (c->broken)
		return;
	log_error("conn fd %d pid %d: cannot queue %s: out of memory", c->fd, (int)c->pid,
	          what);
	c->broken = 1;
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_active(c->resume, EV_TIMEOUT, 1);
}

static void conn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->broken) {
		/* its stream may end inside a frame: it must end here */
		conn_close(c, "its output is incomplete (out of memory)");
		return;
	}
	if (c->closing || c->held_for != 0)
		return;
	bufferevent_enable(c->bev, EV_READ);
	conn_read_cb(c->bev, c);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF) {
		log_debug("conn fd %d pid %d: closed by the peer", c->fd, (int)c->pid);
		/* a peer that shut down only its sending side still gets
		 * the replies to what it sent */
		conn_close_after_flush(c);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		log_info("conn fd %d pid %d: closing: %s", c->fd, (int)c->pid,
		         strerror(EVUTIL_SOCKET_ERROR()));
		conn_free(c);
	}
}

void conn_free_all(void)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&pvmd.conns)) != NULL) {
		conn_flush_now(c);
		conn_free(c);
	}
}

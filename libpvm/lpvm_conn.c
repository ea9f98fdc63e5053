/*
 * lpvm_conn.c - the task's connection to its local pvmd, and the daemon
 * route over it (lpvm_route.h): connect and register, blocking frame I/O,
 * control request/reply; data frames that arrive while the task waits for
 * something else go to the delivery point (lpvm_deliver).
 */
#include "lpvm.h"
#include "lpvm_trace.h"
#include "lpvm_coll.h"
#include "lpvm_route.h"

#include "frame.h"
#include "log.h"
#include "paths.h"
#include "tid.h"
#include "wire.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int lpvm_daemon_progress(int timeout_ms);

static int lost_daemon(void);
static int read_frame(Pvmx__Control **ctl);
static void unsolicited(Pvmx__Control *ctl);

/* Writes iov whole to the daemon: 0, or a negative code (the connection
 * is then closed).  While the socket has no room, what the daemon sends
 * is taken in and the direct routes make progress (lpvm_wait_daemon_for). */
static int write_daemon(struct iovec *iov, int n)
{
	lpvm.daemon_wrote = 1;
	while (n > 0) {
		struct msghdr mh = {.msg_iov = iov,
		                    .msg_iovlen = (size_t)(n > IOV_MAX ? IOV_MAX : n)};
		ssize_t w = sendmsg(lpvm.fd, &mh, MSG_DONTWAIT);

		if (w < 0) {
			Pvmx__Control *ctl = NULL;
			int r;

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return lost_daemon();
			r = lpvm_wait_daemon_for(POLLIN | POLLOUT);
			if (r >= 0 && (r & POLLIN))
				r = read_frame(&ctl);
			if (r < 0)
				return lpvm.fd >= 0 ? lost_daemon() : r;
			if (ctl != NULL)
				unsolicited(ctl);
			continue;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

void lpvm_disconnect(void)
{
	if (lpvm.fd >= 0)
		close(lpvm.fd);
	lpvm.fd = -1;
	lpvm.mytid = -1;
	/* a new enrolment is a new tid: its routes and pairs start afresh */
	lpvm_routes_close();
	lpvm_pairs_reset();
	lpvm_coll_reset();
	lpvm_globals_publish();
}

/* The daemon went away under us: every later call gets PvmSysErr. */
static int lost_daemon(void)
{
	log_warn("lost the connection to pvmd (%s)", lpvm.sock_path);
	lpvm_disconnect();
	return PvmSysErr;
}

int lpvm_daemon_sock_path(char *buf, size_t len)
{
	const char *s = getenv("PVMX_SOCK");

	if (s != NULL && *s != '\0') {
		if (strlen(s) >= len)
			return -1;
		memcpy(buf, s, strlen(s) + 1);
		return 0;
	}
	return paths_vm_file(buf, len, "sock");
}

static int connect_daemon(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (lpvm_daemon_sock_path(lpvm.sock_path, sizeof(lpvm.sock_path)) != 0 || strlen(lpvm.sock_path) >= sizeof(sa.sun_path)) {
		snprintf(lpvm_error_detail, sizeof(lpvm_error_detail),
		         "no usable private socket directory (see PVM_TMP)");
		return -1;
	}
	memcpy(sa.sun_path, lpvm.sock_path, strlen(lpvm.sock_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		snprintf(lpvm_error_detail, sizeof(lpvm_error_detail),
		         "no pvmd at %.150s: %.40s; start one with `pvmd &`, `pvm` or "
		         "`pvmrun`",
		         lpvm.sock_path, strerror(e));
		return -1;
	}
	return fd;
}

/* Control frames from the daemon are at most this long (its replies:
 * task and host tables, mailbox entries) */
#define LPVM_CONTROL_MAX (64u * 1024u * 1024u)

/* Reads one frame (blocking once it has started): a control frame is
 * returned, a data frame delivered (lpvm_deliver). */
static int read_frame(Pvmx__Control **ctl)
{
	uint8_t hdr[FRAME_HEADER_LEN];
	struct framer f;
	const char *why;
	uint8_t *payload;

	*ctl = NULL;
	framer_init(&f, lpvm.max_frame, LPVM_CONTROL_MAX, NULL, NULL);
	if (read_all(lpvm.fd, hdr, sizeof(hdr)) != 0)
		return lost_daemon();
	if (framer_feed(&f, hdr, sizeof(hdr), &why) != FRAMER_HEADER) {
		log_error("bad frame from pvmd: %s", why);
		return lost_daemon();
	}
	payload = malloc(f.hdr.len ? f.hdr.len : 1);
	if (payload == NULL)
		return PvmNoMem;
	if (read_all(lpvm.fd, payload, f.hdr.len) != 0) {
		free(payload);
		return lost_daemon();
	}
	if (f.hdr.kind == FRAME_CONTROL) {
		*ctl = wire_control_decode(payload, f.hdr.len);
		free(payload);
		if (*ctl == NULL) {
			log_error("unparsable control frame from pvmd");
			return lost_daemon();
		}
		return 1;
	}
	return lpvm_deliver(&f.hdr, payload) < 0 ? PvmNoMem : 1;
}

/* A control frame that answers no request of ours: the daemon's own
 * (seq 0), or a late answer. */
static void unsolicited(Pvmx__Control *ctl)
{
	if (ctl->seq == 0 && ctl->body_case == PVMX__CONTROL__BODY_FABRIC_OPEN)
		lpvm_fabric_wanted();
	else
		log_debug("ignoring control frame seq %u (kind %d)", ctl->seq,
		          (int)ctl->body_case);
	wire_control_free(ctl);
}

static int lpvm_daemon_progress(int timeout_ms)
{
	struct pollfd pfd;
	int n = 0;

	if (lpvm.fd < 0)
		return PvmSysErr;
	for (;;) {
		Pvmx__Control *ctl;
		int r;

		pfd.fd = lpvm.fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, n > 0 ? 0 : timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			lpvm_mhf_run();
			return n;
		}
		r = read_frame(&ctl);
		if (r < 0) {
			lpvm_mhf_run();
			return r;
		}
		if (ctl != NULL)
			unsolicited(ctl);
		n++;
	}
}

static int send_control(Pvmx__Control *req)
{
	struct iovec iov;
	size_t len;
	uint8_t *buf =
	    wire_control_frame(req, lpvm.mytid > 0 ? lpvm.mytid : 0, lpvm.host_tid, &len);
	int r;

	if (buf == NULL)
		return PvmNoMem;
	iov.iov_base = buf;
	iov.iov_len = len;
	r = write_daemon(&iov, 1);
	free(buf);
	return r;
}

int lpvm_request(Pvmx__Control *req, Pvmx__Control **reply)
{
	int r;

	if (lpvm.fd < 0)
		return PvmSysErr;
	req->seq = ++lpvm.seq;
	if (req->seq == 0)
		req->seq = ++lpvm.seq;
	r = send_control(req);
	if (r < 0)
		return r;
	for (;;) {
		Pvmx__Control *ctl;

		if ((r = lpvm_wait_daemon()) < 0 || (r = read_frame(&ctl)) < 0)
			return r;
		if (ctl == NULL)
			continue;
		if (ctl->seq == req->seq) {
			*reply = ctl;
			/* no request is outstanding now: handlers may make their own */
			lpvm_mhf_run();
			return 0;
		}
		unsolicited(ctl);
	}
}

int lpvm_request_as(Pvmx__Control *req, int want, Pvmx__Control **reply)
{
	int r = lpvm_request(req, reply);

	if (r < 0)
		return r;
	if ((int)(*reply)->body_case == want)
		return 0;
	r = (*reply)->body_case == PVMX__CONTROL__BODY_STATUS ? (*reply)->status->code
	                                                      : PvmDSysErr;
	wire_control_free(*reply);
	*reply = NULL;
	return r < 0 ? r : PvmDSysErr;
}

/* the daemon route's send: one frame, written whole */
static int daemon_send(int tid, const uint8_t *hdr, struct iovec *iov, int niov)
{
	(void)tid;
	(void)hdr; /* iov[0] is the header */
	if (lpvm.fd < 0)
		return PvmSysErr;
	return write_daemon(iov, niov);
}

static int daemon_open(int tid, size_t len)
{
	(void)tid;
	(void)len;
	return lpvm.fd >= 0 ? 0 : PvmSysErr;
}

static int daemon_fd(void)
{
	return lpvm.fd;
}

const struct lpvm_route lpvm_route_daemon = {
    .name = "daemon",
    .open = daemon_open,
    .send = daemon_send,
    .progress = lpvm_daemon_progress,
    .fd = daemon_fd,
    .close = lpvm_disconnect,
};

static int do_register(void)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Register reg = PVMX__REGISTER__INIT;
	Pvmx__RegisterReply *rr;
	const char *claim = getenv("PVMX_TID");
	char name[256] = "", fabric_addr[64];
	ssize_t n;
	int r;

	n = readlink("/proc/self/exe", name, sizeof(name) - 1);
	if (pvmmytaskname != NULL) {
		reg.name = pvmmytaskname; /* pvmsettaskname */
	} else if (n > 0) {
		name[n] = '\0';
		reg.name = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	} else {
		reg.name = "";
	}
	reg.claimed_tid = claim != NULL ? (int32_t)strtol(claim, NULL, 10) : 0;
	reg.pid = (int32_t)getpid();
	reg.protocol_version = PVMX_PROTOCOL_VERSION;
	req.body_case = PVMX__CONTROL__BODY_REG;
	req.reg = &reg;
	r = lpvm_request(&req, &rep);
	if (r < 0)
		return r;
	if (rep->body_case != PVMX__CONTROL__BODY_REG_REPLY) {
		wire_control_free(rep);
		return PvmSysErr;
	}
	rr = rep->reg_reply;
	if (rr->code < 0) {
		r = rr->code;
		wire_control_free(rep);
		return r;
	}
	lpvm.mytid = rr->tid;
	/* our own children (a shell, a helper) must not claim our tid */
	unsetenv("PVMX_TID");
	lpvm.parent = rr->parent_tid;
	lpvm.host_tid = rr->host_tid;
	lpvm.dsig = rr->dsig;
	if (rr->max_frame >= 1024)
		lpvm.max_frame = rr->max_frame;
	free(lpvm.siblings);
	lpvm.siblings = NULL;
	lpvm.nsiblings = 0;
	if (rr->n_siblings > 0) {
		lpvm.siblings = malloc(sizeof(int) * rr->n_siblings);
		if (lpvm.siblings != NULL) {
			for (size_t i = 0; i < rr->n_siblings; i++)
				lpvm.siblings[i] = rr->siblings[i];
			lpvm.nsiblings = (int)rr->n_siblings;
		}
	}
	lpvm.out_tid = rr->out_tid;
	lpvm.out_code = rr->out_code;
	lpvm.out_ctx = rr->out_ctx;
	/* our own output goes where our children's does (PvmSelfOutput*) */
	lpvm.self_out_tid = rr->out_tid;
	lpvm.self_out_code = rr->out_code;
	lpvm.self_out_ctx = rr->out_ctx;
	lpvm.ctx = rr->ctx;
	/* the direct route from the other tasks of our daemon */
	lpvm_shm_attach(rr->shm_region, rr->shm_bell);
	/* and from the tasks of other hosts (copied: rep is freed first) */
	snprintf(fabric_addr, sizeof(fabric_addr), "%s", rr->fabric_addr);
	wire_control_free(rep);
	lpvm_fabric_attach(fabric_addr);
	lpvm_globals_publish();
	lpvm_trace_enrolled(reg.name);
	return 0;
}

/* glibc starts with a 128 KiB mmap threshold and trims the heap top
 * past 128 KiB free, then raises both as large blocks are freed (to at
 * most 32 and 64 MiB).  Received payloads are allocated per message, so
 * until then every large one costs page faults (25 % of the bandwidth at
 * 4 MiB through shared memory, docs/shm.md): start at the values glibc
 * would reach.  Not when the user set them, or PVMX_MALLOC_TUNE=0. */
static void malloc_tune(void)
{
#ifdef __GLIBC__
	const char *s = getenv("PVMX_MALLOC_TUNE");

	if ((s != NULL && strcmp(s, "0") == 0) || getenv("MALLOC_MMAP_THRESHOLD_") != NULL ||
	    getenv("MALLOC_TRIM_THRESHOLD_") != NULL)
		return;
	if (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1 || mallopt(M_TRIM_THRESHOLD, 64 << 20) != 1)
		log_debug("mallopt refused the thresholds");
#endif
}

int lpvm_ensure(const char *fn)
{
	int r;

	if (lpvm.mytid > 0 && lpvm.fd >= 0)
		return 0;
	log_init("libpvm", NULL);
	lpvm.max_frame = frame_max_len();
	lpvm.fd = connect_daemon();
	if (lpvm.fd < 0)
		return lpvm_error(fn, PvmSysErr);
	lpvm.host_tid = 0;
	r = do_register();
	if (r < 0) {
		lpvm_disconnect();
		return lpvm_error(fn, r);
	}
	malloc_tune();
	return 0;
}

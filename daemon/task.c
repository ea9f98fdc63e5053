/*
 * task.c - the local task table: tid allocation, lookup, connecting a
 * task to its connection, delivery of frames (queued until a spawned task
 * connects), reaping, and a task's exit.
 */
#include "pvmd.h"

#include "log.h"
#include "pvmx.h"
#include "tid.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pvm3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* A fresh local number: increasing, never one in use; after 0x3ffff it
 * wraps to 1 and skips the numbers still in the table. */
static int task_alloc_local(void)
{
	for (int i = 0; i < TID_LOCAL_MASK; i++) {
		int n = pvmd.next_local;

		pvmd.next_local = n >= TID_LOCAL_MASK ? 1 : n + 1;
		if (pvmd.by_local[n] == NULL)
			return n;
	}
	return -1;
}

struct task *task_new(int spawned)
{
	struct task *t;
	int n = task_alloc_local();

	if (n < 0) {
		log_error("no free task ids: %d tasks", pvmd.ntasks);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		log_error("out of memory for a task");
		return NULL;
	}
	t->tid = tid_make(pvmd.host_index, n);
	t->ptid = PvmNoParent;
	t->spawned = spawned != 0;
	t->out[0].fd = t->out[1].fd = -1;
	t->out[0].task = t->out[1].task = t;
	t->stdin_fd = -1;
	pvmd.by_local[n] = t;
	TAILQ_INSERT_TAIL(&pvmd.tasks, t, entry);
	pvmd.ntasks++;
	return t;
}

struct task *task_find(int tid)
{
	if (!tid_is_valid(tid) || tid_host_index(tid) != pvmd.host_index ||
	    tid_local(tid) == 0)
		return NULL;
	return pvmd.by_local[tid_local(tid)];
}

struct task *task_find_pid(pid_t pid)
{
	struct task *t;

	TAILQ_FOREACH(t, &pvmd.tasks, entry)
	{
		if (t->spawned && !t->reaped && t->pid == pid)
			return t;
	}
	return NULL;
}

void siblings_release(struct siblings *s)
{
	if (s != NULL && --s->refs == 0)
		free(s);
}

static void task_unlink(struct task *t)
{
	pvmd.by_local[tid_local(t->tid)] = NULL;
	TAILQ_REMOVE(&pvmd.tasks, t, entry);
	pvmd.ntasks--;
}

static void task_free(struct task *t)
{
	flow_task_gone(t);
	output_close(t);
	stdin_close(t);
	shmreg_task_gone(t);
	fabricreg_task_gone(t);
	topo_bind_release(t);
	if (t->pending != NULL) {
		if (t->pending_bytes > 0)
			log_warn(
			    "t%x exited before connecting: %zu bytes of messages for "
			    "it dropped",
			    t->tid, t->pending_bytes);
		evbuffer_free(t->pending);
		flow_trim_soon();
	}
	siblings_release(t->sibs);
	free(t->name);
	free(t);
}

/* The connection takes over: frames queued for the task go out now, in
 * the order they came, after whatever the connection already holds. */
void task_attach(struct task *t, struct conn *c)
{
	t->conn = c;
	c->task = t;
	t->ever_connected = 1;
	if (t->pending != NULL) {
		log_debug("t%x: delivering %zu queued bytes", t->tid, t->pending_bytes);
		if (bufferevent_write_buffer(c->bev, t->pending) != 0)
			conn_fail(c, "the messages that waited for it to connect");
		evbuffer_free(t->pending);
		t->pending = NULL;
		t->pending_bytes = 0;
	}
	if (t->pending_lost)
		conn_fail(c, "the messages that waited for it (lost)");
}

/* The task's connection is gone (closed, or pvm_exit). */
void task_detach(struct task *t)
{
	if (t->conn != NULL)
		t->conn->task = NULL;
	t->conn = NULL;
	task_check_exit(t);
}

/* A task has exited once nothing of it is left: a task started by hand
 * when its connection is gone; a spawned task when, in addition, its
 * process was reaped and both output pipes reached EOF (so the output's
 * END message always precedes the exit notifications). */
void task_check_exit(struct task *t)
{
	int status;

	if (t->conn != NULL || t->starting)
		return;
	if (t->spawned && (!t->reaped || t->open_pipes > 0))
		return;
	status = t->spawned ? t->status : 0;
	log_info("t%x exited (%s, wait status 0x%x)", t->tid,
	         t->spawned ? "process reaped" : "disconnected", (unsigned)status);
	task_unlink(t);
	pending_task_gone(t->tid);
	group_task_exit(t);
	mbox_task_exit(t->tid);
	context_task_exit(t->tid);
	sysreq_task_exit(t->tid);
	notify_task_exit(t, status);
	task_free(t);
}

/* Frame (header + len bytes taken from src, or from bytes when src is
 * NULL) to task t: written to its connection, queued while a spawned task
 * has not connected yet, dropped otherwise.  When memory runs out half
 * way, the stream to t is broken: its connection closes (conn_fail), or,
 * queued, everything queued is dropped and its connection closes as soon
 * as it comes; t never reads a part of a message. */
static void task_put(struct task *t, const uint8_t hdr[FRAME_HEADER_LEN],
                     struct evbuffer *src, const uint8_t *bytes, size_t len)
{
	struct evbuffer *dst = NULL;
	uint32_t be_src;

	if (t->conn != NULL && !t->conn->closing) {
		dst = bufferevent_get_output(t->conn->bev);
	} else if (t->spawned && !t->ever_connected && !t->pending_lost) {
		if (t->pending_bytes + FRAME_HEADER_LEN + len > PVMD_PENDING_MAX) {
			log_warn("t%x: dropping a %zu-byte message: %zu bytes already "
			         "wait for it to connect",
			         t->tid, len, t->pending_bytes);
		} else {
			if (t->pending == NULL)
				t->pending = evbuffer_new();
			dst = t->pending;
			if (dst != NULL)
				t->pending_bytes += FRAME_HEADER_LEN + len;
		}
	} else {
		log_debug("t%x: dropping a %zu-byte message: not connected", t->tid, len);
	}
	if (dst == NULL) {
		if (src != NULL)
			evbuffer_drain(src, len);
		return;
	}
	if (route_append(dst, hdr, src, bytes, len) != 0) {
		if (t->conn != NULL) {
			conn_fail(t->conn, "a message for its task");
			return;
		}
		log_error("t%x: out of memory for a %zu-byte message: the %zu bytes "
		          "queued for it to connect are dropped, and its connection will "
		          "be closed",
		          t->tid, len, t->pending_bytes);
		evbuffer_free(t->pending);
		t->pending = NULL;
		t->pending_bytes = 0;
		t->pending_lost = 1;
		return;
	}
	if (hdr != NULL && hdr[5] == FRAME_DATA) { /* the header's kind */
		t->recv_msgs++;
		t->recv_bytes += len;
	}
	if (hdr != NULL) {
		memcpy(&be_src, hdr + 8, sizeof(be_src)); /* the header's src */
		flow_delivered(t, (int)ntohl(be_src));
	}
}

/* Bytes waiting to reach t: on its connection, or queued for it. */
size_t task_backlog(const struct task *t)
{
	if (t->conn != NULL)
		return evbuffer_get_length(bufferevent_get_output(t->conn->bev));
	return t->pending_bytes;
}

void task_deliver(struct task *t, const uint8_t hdr[FRAME_HEADER_LEN],
                  struct evbuffer *src, size_t len)
{
	task_put(t, hdr, src, NULL, len);
}

/* A whole frame built by the daemon (header included in frame). */
void task_deliver_bytes(struct task *t, const uint8_t *frame, size_t len)
{
	if (len < FRAME_HEADER_LEN)
		return;
	task_put(t, frame, NULL, frame + FRAME_HEADER_LEN, len - FRAME_HEADER_LEN);
}

void task_deliver_bytes_split(struct task *t, const uint8_t hdr[FRAME_HEADER_LEN],
                              const uint8_t *payload, size_t len)
{
	task_put(t, hdr, NULL, payload, len);
}

void task_reap_children(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct task *t = task_find_pid(pid);

		if (t == NULL) {
			log_debug("reaped pid %d, not a task", (int)pid);
			continue;
		}
		t->reaped = 1;
		t->status = st;
		if (WIFSIGNALED(st))
			log_info("t%x pid %d killed by signal %d", t->tid, (int)pid,
			         WTERMSIG(st));
		else
			log_info("t%x pid %d exited with %d", t->tid, (int)pid,
			         WEXITSTATUS(st));
		task_check_exit(t);
	}
	if (pid < 0 && errno != ECHILD)
		log_warn("waitpid: %s", strerror(errno));
	pvmd_halt_progress();
}

void task_free_all(void)
{
	struct task *t;

	while ((t = TAILQ_FIRST(&pvmd.tasks)) != NULL) {
		if (t->conn != NULL)
			t->conn->task = NULL;
		task_unlink(t);
		task_free(t);
	}
}

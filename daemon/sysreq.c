/*
 * sysreq.c - the smaller system requests: pvm_sendsig, pvm_hostsync,
 * pvm_tickle, PvmNoReset and pvm_getnoresets, PvmSelfOutput*, and the
 * resource manager / hoster / tasker registrations.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <pvm3.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* Roles a task may take (pvm_reg_rm, pvm_reg_hoster, pvm_reg_tasker). */
static int role_tid[4];
static const char *const role_name[4] = {"", "resource manager", "hoster", "tasker"};

/* A line of a pvm_tickle dump: always written, whatever the log level. */
void tickle_log(const char *fmt, ...)
{
	va_list ap;

	fprintf(pvmd.logf, "pvmd: tickle: ");
	va_start(ap, fmt);
	vfprintf(pvmd.logf, fmt, ap);
	va_end(ap);
	fputc('\n', pvmd.logf);
	fflush(pvmd.logf);
}

static int log_level_now(void)
{
	for (int l = LOG_DEBUG; l > LOG_ERROR; l--) {
		if (log_enabled((enum log_level)l))
			return l;
	}
	return LOG_ERROR;
}

int sysreq_sendsig(int from, const Pvmx__SigRequest *s)
{
	struct task *t;

	if (!tid_is_valid(s->tid) || tid_is_daemon(s->tid) || s->signal < 0 ||
	    s->signal >= NSIG)
		return PvmBadParam;
	t = task_find(s->tid);
	if (t == NULL)
		return PvmNoTask;
	if ((t->spawned && t->reaped) || t->pid <= 1)
		return PvmOk;
	log_info("t%x: signal %d to t%x pid %d (sendsig)", (unsigned)from, s->signal,
	         t->tid, (int)t->pid);
	if (kill(t->pid, s->signal) != 0 && errno != ESRCH) {
		log_warn("kill pid %d: %s", (int)t->pid, strerror(errno));
		return PvmSysErr;
	}
	return PvmOk;
}

void sysreq_hostsync(const struct reply_addr *to, int host)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__HostSyncReply r = PVMX__HOST_SYNC_REPLY__INIT;
	struct timeval tv;

	if (!tid_is_valid(host))
		r.code = PvmBadParam;
	else if (host != pvmd.host_tid)
		r.code = PvmNoHost;
	else if (gettimeofday(&tv, NULL) != 0)
		r.code = PvmSysErr;
	if (r.code == 0) {
		r.sec = tv.tv_sec;
		r.usec = (int32_t)tv.tv_usec;
	}
	ctl.body_case = PVMX__CONTROL__BODY_HOSTSYNC_REPLY;
	ctl.hostsync_reply = &r;
	reply_control(to, &ctl);
}

static void dump_tasks(void)
{
	char name[LOG_PRINTABLE_LEN];
	struct task *t;

	tickle_log("task table: %d tasks", pvmd.ntasks);
	TAILQ_FOREACH(t, &pvmd.tasks, entry)
	tickle_log("  t%x parent t%x pid %d %s%s%s", t->tid, (unsigned)t->ptid,
	           (int)t->pid,
	           t->name != NULL ? log_printable(name, sizeof(name), t->name) : "-",
	           t->conn != NULL ? " connected" : "", t->noreset ? " noreset" : "");
}

/* pvm_tickle: args[0] is what to do.
 *   0 dump memory use to the log, 1 the host table, 2 the task table,
 *   3 the waiting requests (notifies, held mailbox reads), 4 the mailbox,
 *   5 get the log level (one result), 6 set the log level to args[1],
 *   7 frames and KiB sent to the daemon args[1], 8 the groups, 9 the
 *   loop's longest stall in ms, the longest part of one the daemon could
 *   have been busy, and the stalls logged (three results). */
static void tickle_host(struct host *h, void *arg)
{
	char name[LOG_PRINTABLE_LEN];

	(void)arg;
	tickle_log("host table: t%x %s %s speed %d dsig 0x%x%s%s address %s port %d%s",
	           (unsigned)h->tid, log_printable(name, sizeof(name), h->name), h->arch,
	           h->speed, (unsigned)h->dsig,
	           h->tid == pvmd.master_tid ? " master" : "",
	           h->tid == pvmd.host_tid ? " (this daemon)" : "",
	           h->addr[0] != '\0' ? h->addr : "-", h->port,
	           h->link != NULL ? " linked" : "");
}

void sysreq_tickle(const struct reply_addr *to, const Pvmx__TickleRequest *req)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__TickleReply r = PVMX__TICKLE_REPLY__INIT;
	int32_t res[3];
	int how = req->n_args > 0 ? req->args[0] : -1;
	struct host *h;

	switch (how) {
	case 0:
		tickle_log("%d tasks, %d contexts in use", pvmd.ntasks, context_in_use());
		break;
	case 1:
		hosttab_foreach(tickle_host, NULL);
		break;
	case 2:
		dump_tasks();
		break;
	case 3:
		notify_dump();
		pending_dump(tickle_log);
		break;
	case 4:
		mbox_dump();
		break;
	case 8:
		group_dump();
		groupview_dump();
		groupmember_dump();
		break;
	case 5:
		res[0] = (int32_t)log_level_now();
		r.results = res;
		r.n_results = 1;
		break;
	case 6:
		if (req->n_args < 2 || req->args[1] < LOG_ERROR ||
		    req->args[1] > LOG_DEBUG) {
			r.code = PvmBadParam;
			break;
		}
		log_set_level((enum log_level)req->args[1]);
		tickle_log("log level %d", req->args[1]);
		break;
	case 7:
		/* frames and KiB this daemon sent to the daemon of args[1] */
		h = req->n_args >= 2 ? hosttab_by_tid(req->args[1]) : NULL;
		if (h == NULL || h->index == pvmd.host_index ||
		    !tid_is_daemon(req->args[1])) {
			r.code = PvmNoHost;
			break;
		}
		res[0] =
		    (int32_t)(h->sent_frames > INT32_MAX ? INT32_MAX : h->sent_frames);
		res[1] =
		    (int32_t)(h->sent_bytes / 1024 > INT32_MAX ? INT32_MAX
		                                               : h->sent_bytes / 1024);
		r.results = res;
		r.n_results = 2;
		break;
	case 9:
		liveness_stalls(&res[0], &res[1], &res[2]);
		tickle_log("the loop's longest stall: %d ms, busy at most %d ms (%d logged)",
		           res[0], res[1], res[2]);
		r.results = res;
		r.n_results = 3;
		break;
	default:
		r.code = PvmBadParam;
		break;
	}
	ctl.body_case = PVMX__CONTROL__BODY_TICKLE_REPLY;
	ctl.tickle_reply = &r;
	reply_control(to, &ctl);
}

void sysreq_getnoresets(const struct reply_addr *to)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__TidList r = PVMX__TID_LIST__INIT;
	int32_t *tids = calloc(pvmd.ntasks > 0 ? (size_t)pvmd.ntasks : 1, sizeof(*tids));
	struct task *t;
	size_t n = 0;

	if (tids == NULL) {
		r.code = PvmNoMem;
	} else {
		TAILQ_FOREACH(t, &pvmd.tasks, entry)
		{
			if (t->noreset && n < (size_t)pvmd.ntasks)
				tids[n++] = t->tid;
		}
	}
	r.tids = tids;
	r.n_tids = n;
	ctl.body_case = PVMX__CONTROL__BODY_TID_LIST;
	ctl.tid_list = &r;
	reply_control(to, &ctl);
	free(tids);
}

int sysreq_self_output(struct task *t, const Pvmx__SelfOutputRequest *req)
{
	/* PVM 3.4.6 takes a negative tid (its console sets -1): the output
	 * then goes where it goes by default, to the daemon */
	const int tid = req->tid < 0 ? 0 : req->tid;

	if (tid != 0 && !tid_is_valid(tid))
		return PvmBadParam;
	output_redirect(t, tid, req->code, req->ctx);
	return PvmOk;
}

/* pvm_reg_rm / _hoster / _tasker: PvmOk, PvmAlready when another task
 * holds the role. */
int sysreq_role(const struct task *t, int role)
{
	if (role < 1 || role > 3)
		return PvmBadParam;
	if (role_tid[role] != 0 && role_tid[role] != t->tid)
		return PvmAlready;
	if (role_tid[role] == 0)
		log_info("t%x registers as the %s", (unsigned)t->tid, role_name[role]);
	role_tid[role] = t->tid;
	return PvmOk;
}

/* A task has exited: the roles it held are free at once. */
void sysreq_task_exit(int tid)
{
	for (int i = 1; i < 4; i++) {
		if (role_tid[i] == tid) {
			log_info("t%x, the %s, exited: role free", (unsigned)tid,
			         role_name[i]);
			role_tid[i] = 0;
		}
	}
}

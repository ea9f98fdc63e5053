/*
 * spawn.c - pvm_spawn: placement over the hosts, finding the executable,
 * the child's environment, and fork+exec with a close-on-exec pipe that
 * reports exec failures back, one task per instance.
 */
#include "pvmd.h"

#include "clock.h"
#include "log.h"
#include "tid.h"
#include "wire.h"
#include "pvmx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pvm3.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The environment of the children of one request: the daemon's own, the
 * request's NAME=value pairs over it, then our bootstrap variables.  The
 * array is malloc'ed; its strings point into environ, the request, or
 * the buffers here. */
struct spawn_env {
	char **envp;
	char tid[32], parent[32], arch[48], rank[32];
	char sock[sizeof(pvmd.sock_path) + 16];
};

static const char *const bootstrap_names[] = {"PVMX_TID", "PVMX_PARENT", "PVMX_SOCK",
                                              "PVM_ARCH", "PVMX_RANK"};

static int same_var(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");

	return la == lb && strncmp(a, b, la) == 0;
}

static int env_overridden(const char *e, const Pvmx__SpawnRequest *req)
{
	for (size_t i = 0; i < sizeof(bootstrap_names) / sizeof(bootstrap_names[0]);
	     i++) {
		if (same_var(e, bootstrap_names[i]))
			return 1;
	}
	for (size_t i = 0; i < req->n_env; i++) {
		if (same_var(e, req->env[i]))
			return 1;
	}
	return 0;
}

static int spawn_env_build(struct spawn_env *se, const Pvmx__SpawnRequest *req,
                           int parent)
{
	size_t n = 0, k = 0;

	while (environ[n] != NULL)
		n++;
	se->envp = malloc(sizeof(char *) * (n + req->n_env + 6));
	if (se->envp == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!env_overridden(environ[i], req))
			se->envp[k++] = environ[i];
	}
	for (size_t i = 0; i < req->n_env; i++) {
		if (strchr(req->env[i], '=') != NULL)
			se->envp[k++] = req->env[i];
	}
	snprintf(se->parent, sizeof(se->parent), "PVMX_PARENT=%d", parent);
	snprintf(se->sock, sizeof(se->sock), "PVMX_SOCK=%s", pvmd.sock_path);
	snprintf(se->arch, sizeof(se->arch), "PVM_ARCH=%s", pvmd.arch);
	se->tid[0] = '\0';
	se->envp[k++] = se->parent;
	se->envp[k++] = se->sock;
	se->envp[k++] = se->arch;
	se->envp[k++] = se->tid; /* filled per instance */
	se->rank[0] = '\0';
	if (req->n_ranks > 0)
		se->envp[k++] = se->rank; /* filled per instance (pvmrun's ranks) */
	se->envp[k] = NULL;
	return 0;
}

/* A variable as the child will see it: the request's value, else ours. */
static const char *spawn_getenv(const Pvmx__SpawnRequest *req, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < req->n_env; i++) {
		if (strncmp(req->env[i], name, len) == 0 && req->env[i][len] == '=')
			return req->env[i] + len + 1;
	}
	return getenv(name);
}

static int is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* dir/file into out, a relative dir taken from cwd; 0 if executable. */
static int try_dir(char *out, size_t len, const char *cwd, const char *dir, size_t dlen,
                   const char *file)
{
	int n;

	if (dlen == 0)
		n = snprintf(out, len, "%s/%s", cwd[0] ? cwd : ".", file);
	else if (dir[0] != '/' && cwd[0] != '\0')
		n = snprintf(out, len, "%s/%.*s/%s", cwd, (int)dlen, dir, file);
	else
		n = snprintf(out, len, "%.*s/%s", (int)dlen, dir, file);
	return n > 0 && (size_t)n < len && is_executable(out) ? 0 : -1;
}

/* Finds the executable as PVM does: a name with a slash as given (from
 * cwd), otherwise $PVM_ROOT/bin/$PVM_ARCH, $HOME/pvm3/bin/$PVM_ARCH, then
 * PATH.  0 with the path in out, or -1. */
static int spawn_resolve(const Pvmx__SpawnRequest *req, char *out, size_t len)
{
	const char *cwd = req->cwd != NULL ? req->cwd : "";
	const char *file = req->file, *s;
	char dir[4096];

	if (strchr(file, '/') != NULL) {
		int n;

		if (file[0] == '/' || cwd[0] == '\0')
			n = snprintf(out, len, "%s", file);
		else
			n = snprintf(out, len, "%s/%s", cwd, file);
		return n > 0 && (size_t)n < len && is_executable(out) ? 0 : -1;
	}
	/* ep= from the host file: this host's own search path first */
	for (s = pvmd.ep; *s != '\0';) {
		size_t dlen = strcspn(s, ":");

		if (dlen > 0 && try_dir(out, len, cwd, s, dlen, file) == 0)
			return 0;
		s += dlen + (s[dlen] == ':');
	}
	if ((s = spawn_getenv(req, "PVM_ROOT")) != NULL && *s != '\0') {
		snprintf(dir, sizeof(dir), "%s/bin/%s", s, pvmd.arch);
		if (try_dir(out, len, cwd, dir, strlen(dir), file) == 0)
			return 0;
	}
	if ((s = spawn_getenv(req, "HOME")) != NULL && *s != '\0') {
		snprintf(dir, sizeof(dir), "%s/pvm3/bin/%s", s, pvmd.arch);
		if (try_dir(out, len, cwd, dir, strlen(dir), file) == 0)
			return 0;
	}
	s = spawn_getenv(req, "PATH");
	if (s == NULL)
		s = "/usr/local/bin:/usr/bin:/bin";
	for (;;) {
		size_t dlen = strcspn(s, ":");

		if (try_dir(out, len, cwd, s, dlen, file) == 0)
			return 0;
		if (s[dlen] == '\0')
			return -1;
		s += dlen + 1;
	}
}

static void close_from(int lowfd)
{
	DIR *d;
	struct dirent *e;

	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
	/* kernels before 5.9: the descriptors that are actually open */
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);

		if (fd >= lowfd && fd != dirfd(d))
			close(fd);
	}
	closedir(d);
}

/* In the child: never returns.  An error before or at exec is written to
 * errfd (close-on-exec, so a successful exec closes it silently). */
static void spawn_child_exec(const char *path, char *const argv[], char *const envp[],
                             const char *cwd, int infd, int outfd, int errfd, int report,
                             pid_t daemon, const cpu_set_t *mask, size_t masksize)
{
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* ignored signals stay ignored across exec; ours must not */
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	/* a task ends with its daemon, PVM program or not (a halt ends
	 * them first, gently): no orphan outlives a killed daemon.  The
	 * daemon may have died before the prctl: then it is not our parent */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		goto fail;
	if (getppid() != daemon) {
		errno = ESRCH;
		goto fail;
	}
	if (dup2(infd >= 0 ? infd : pvmd.devnull_fd, 0) < 0 || dup2(outfd, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		goto fail;
	if (report != 3) {
		if (dup3(report, 3, O_CLOEXEC) < 0)
			goto fail;
		report = 3;
	}
	close_from(4);
	if (pvmd.nofile.rlim_cur != 0)
		setrlimit(RLIMIT_NOFILE, &pvmd.nofile);
	if (cwd != NULL && cwd[0] != '\0' && chdir(cwd) != 0)
		goto fail;
	/* its cores, chosen by the daemon before the fork (topo.c) */
	if (mask != NULL && sched_setaffinity(0, masksize, mask) != 0)
		goto fail;
	execve(path, argv, envp);
fail:
	e = errno;
	while (write(report, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

static int errno_to_pvm(int e)
{
	return e == ENOENT || e == EACCES || e == ENOEXEC || e == ENOTDIR ? PvmNoFile
	                                                                  : PvmOutOfRes;
}

/*
 * A spawn's instances on this host start in steps of the loop, so that
 * heartbeats, other requests and data keep flowing during a spawn of
 * thousands: each step forks for at most SPAWN_SLICE_NS, with at most
 * SPAWN_INFLIGHT_MAX children whose exec is not known yet; each child's
 * close-on-exec report pipe is watched by an event.  The run answers
 * (its done callback) once every instance has a tid or an error.  Its
 * PENDING_SPAWN_RUN stops it when the requester or the requesting host
 * goes: nothing more is forked, and the instances already forked are
 * ordinary tasks.
 */
#define SPAWN_SLICE_NS (1000 * 1000)
#define SPAWN_INFLIGHT_MAX 16

struct spawn_run;

/* One instance between its fork and the news of its exec. */
struct spawn_inst {
	struct spawn_run *run;
	struct task *t;
	int out, err, report; /* read ends */
	struct event *ev;     /* on report */
};

struct spawn_run {
	TAILQ_ENTRY(spawn_run) entry;
	Pvmx__SpawnRequest *req; /* our copy (protobuf-c's unpack) */
	char path[4096];
	char **argv;
	struct spawn_env se;
	struct reply_addr to;
	int parent, sibs_from;
	size_t count, next; /* instances, and those forked (or failed) so far */
	size_t inflight;    /* forked, exec not known yet */
	size_t left;        /* without a tid or an error yet */
	int32_t *tids;
	char **binds; /* beside tids: started instances' bindings */
	struct spawn_inst *in;
	struct event *step;
	struct pending *wait; /* NULL once cancelled */
	int stopped;          /* forks no more: cancelled, or halting */
	spawn_done_fn *done;
	void *arg;
};
TAILQ_HEAD(spawn_runs, spawn_run);

static struct spawn_runs runs = TAILQ_HEAD_INITIALIZER(runs);

static void inst_close(struct spawn_inst *in)
{
	if (in->ev != NULL)
		event_free(in->ev);
	in->ev = NULL;
	if (in->out >= 0)
		close(in->out);
	if (in->err >= 0)
		close(in->err);
	if (in->report >= 0)
		close(in->report);
	in->out = in->err = in->report = -1;
}

/* An instance that did not start: its task goes at once (a child, if
 * any, is left to the reaper as no task's). */
static void inst_fail(struct spawn_inst *in)
{
	struct task *t = in->t;

	inst_close(in);
	in->t = NULL;
	if (t == NULL)
		return;
	t->starting = 0;
	t->reaped = 1;
	task_check_exit(t);
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

static void run_free(struct spawn_run *run)
{
	TAILQ_REMOVE(&runs, run, entry);
	for (size_t i = 0; i < run->count; i++)
		inst_close(&run->in[i]);
	if (run->step != NULL)
		event_free(run->step);
	pending_done(run->wait);
	pvmx__spawn_request__free_unpacked(run->req, NULL);
	free(run->argv);
	free(run->se.envp);
	free(run->tids);
	strv_free(run->binds, run->count);
	free(run->in);
	free(run);
}

/* Every instance is accounted for: the answer, then the run goes. */
static void run_check_done(struct spawn_run *run)
{
	spawn_done_fn *done = run->done;
	void *arg = run->arg;
	struct reply_addr to = run->to;
	int32_t *tids = run->tids;
	char **binds = run->binds;
	size_t count = run->count;

	if (run->left > 0)
		return;
	/* every instance has a string, or none is known */
	for (size_t i = 0; binds != NULL && i < count; i++) {
		if (binds[i] == NULL && (binds[i] = strdup("")) == NULL) {
			strv_free(binds, count);
			binds = NULL;
		}
	}
	run->tids = NULL;
	run->binds = NULL;
	run_free(run);
	done(arg, &to, tids, binds, count);
	free(tids);
	strv_free(binds, count);
}

static void run_schedule(struct spawn_run *run)
{
	static const struct timeval now = {0, 0};

	/* a timer, not event_active: the loop polls everything else first */
	if (run->next < run->count && run->inflight < SPAWN_INFLIGHT_MAX &&
	    !evtimer_pending(run->step, NULL))
		evtimer_add(run->step, &now);
}

/* The exec of instance in is known: its report pipe closed (exec'd, or
 * the child died first) or carries the errno. */
static void inst_report_cb(evutil_socket_t fd, short what, void *arg)
{
	char shown[LOG_PRINTABLE_LEN];
	struct spawn_inst *in = arg;
	struct spawn_run *run = in->run;
	struct task *t = in->t;
	size_t i = (size_t)(in - run->in);
	ssize_t n;
	int e = 0;

	(void)what;
	n = read(fd, &e, sizeof(e));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	event_free(in->ev);
	in->ev = NULL;
	close(in->report);
	in->report = -1;
	run->inflight--;
	run->left--;
	if (n != 0) {
		if (n != sizeof(e))
			e = n < 0 ? errno : EIO;
		log_info("spawn %s: exec failed: %s",
		         log_printable(shown, sizeof(shown), run->path), strerror(e));
		run->tids[i] = errno_to_pvm(e);
		inst_fail(in);
	} else {
		run->tids[i] = t->tid;
		if (run->binds != NULL)
			run->binds[i] = strdup(t->binding != NULL ? t->binding : "");
		in->t = NULL;
		t->starting = 0;
		log_info("t%x pid %d spawned: %s (parent t%x)", t->tid, (int)t->pid,
		         log_printable(shown, sizeof(shown), run->path),
		         (unsigned)run->parent);
		/* output_start takes both descriptors */
		if (output_start(t, in->out, in->err) != 0) {
			/* it runs, but unwatched output would block it: end it */
			kill(-t->pid, SIGKILL);
		}
		in->out = in->err = -1;
		task_check_exit(t); /* (it may have exited meanwhile) */
	}
	run_schedule(run);
	run_check_done(run);
}

/* Forks instance i; 0, or a PVM error (nothing left behind). */
static int run_fork(struct spawn_run *run, size_t i)
{
	char shown[LOG_PRINTABLE_LEN];
	struct spawn_inst *in = &run->in[i];
	const Pvmx__SpawnRequest *req = run->req;
	const char *base = strrchr(req->file, '/');
	int outp[2], errp[2], rep[2], infd = -1;
	struct task *t;
	pid_t parent, pid;
	cpu_set_t *mask = NULL;
	size_t masksize = 0;
	int e;

	in->run = run;
	in->out = in->err = in->report = -1;
	t = in->t = task_new(1);
	if (t == NULL)
		return PvmOutOfRes;
	/* a starting task does not exit before its exec is known */
	t->starting = 1;
	t->name = strdup(
	    log_printable(shown, sizeof(shown), base != NULL ? base + 1 : req->file));
	t->ptid = run->parent;
	t->out_tid = req->out_tid;
	t->out_code = req->out_code;
	t->out_ctx = req->out_ctx;
	t->out_err_code = req->out_err_code;
	t->ctx = req->ctx;
	if (run->sibs_from != 0) {
		t->sibs_wait = 1;
		t->sibs_from = run->sibs_from;
	}
	snprintf(run->se.tid, sizeof(run->se.tid), "PVMX_TID=%d", t->tid);
	if (req->bind != PVMX_BIND_NONE) {
		int r = topo_bind_take(t, req->bind, &mask, &masksize);

		if (r != 0) {
			log_error("spawn %s: no binding (%s): error %d",
			          log_printable(shown, sizeof(shown), run->path),
			          req->bind == PVMX_BIND_CORE ? "core" : "numa", r);
			inst_fail(in);
			return r;
		}
	}
	if (i < req->n_ranks)
		snprintf(run->se.rank, sizeof(run->se.rank), "PVMX_RANK=%d", (int)req->ranks[i]);
	/* (a request's stdin pipe is its first instance's) */
	if (req->stdin_pipe && i == 0 && stdin_open(t, &infd) != 0)
		goto fail;
	if (pipe2(outp, O_CLOEXEC) != 0)
		goto fail;
	in->out = outp[0];
	if (pipe2(errp, O_CLOEXEC) != 0) {
		close(outp[1]);
		goto fail;
	}
	in->err = errp[0];
	if (pipe2(rep, O_CLOEXEC | O_NONBLOCK) != 0) {
		close(outp[1]);
		close(errp[1]);
		goto fail;
	}
	in->report = rep[0];
	/* (the write end blocks, as the child expects) */
	fcntl(rep[1], F_SETFL, 0);
	in->ev = event_new(pvmd.base, in->report, EV_READ | EV_PERSIST, inst_report_cb, in);
	if (in->ev == NULL || event_add(in->ev, NULL) != 0) {
		close(outp[1]);
		close(errp[1]);
		close(rep[1]);
		errno = ENOMEM;
		goto fail;
	}
	parent = getpid();
	pid = fork();
	if (pid == 0)
		spawn_child_exec(run->path, run->argv, run->se.envp, req->cwd, infd,
		                 outp[1], errp[1], rep[1], parent, mask, masksize);
	e = errno;
	if (mask != NULL)
		CPU_FREE(mask);
	mask = NULL;
	if (infd >= 0)
		close(infd);
	infd = -1;
	close(outp[1]);
	close(errp[1]);
	close(rep[1]);
	if (pid < 0) {
		errno = e;
		goto fail;
	}
	/* also here, so a kill of the group cannot race the child's own */
	setpgid(pid, pid);
	t->pid = pid;
	if (t->binding != NULL)
		log_debug("t%x bound to CPUs %s", t->tid, t->binding);
	return 0;
fail:
	e = errno;
	if (mask != NULL)
		CPU_FREE(mask);
	if (infd >= 0)
		close(infd);
	log_error("spawn %s: %s", log_printable(shown, sizeof(shown), run->path),
	          strerror(e));
	inst_fail(in);
	return PvmOutOfRes;
}

/* One step: forks for a time slice, or until enough children are on
 * their way to exec; a stopped run fails what it has not forked. */
static void run_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct spawn_run *run = arg;
	int64_t end = clock_now_ns() + SPAWN_SLICE_NS;

	(void)fd;
	(void)what;
	if (pvmd.halting)
		run->stopped = 1;
	while (!run->stopped && run->next < run->count &&
	       run->inflight < SPAWN_INFLIGHT_MAX) {
		size_t i = run->next++;
		int r = run_fork(run, i);

		if (r == 0) {
			run->inflight++;
		} else {
			run->tids[i] = r;
			run->left--;
		}
		if (clock_now_ns() >= end)
			break;
	}
	if (run->stopped) {
		for (; run->next < run->count; run->next++) {
			run->tids[run->next] = PvmSysErr;
			run->left--;
		}
	}
	run_schedule(run);
	run_check_done(run);
}

/* The requester, or the host that asked, is gone: no more forks.  (Its
 * answer still goes, to nobody, once what was forked is known.) */
static void run_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	static const struct timeval now = {0, 0};
	struct spawn_run *run = arg;

	(void)p;
	run->wait = NULL;
	if (why == PENDING_SHUTDOWN)
		return; /* spawn_free_all frees it */
	log_info("t%x: spawn %s: the requester is gone: no more instances (%zu of "
	         "%zu started)",
	         (unsigned)run->to.tid, run->req->file, run->next, run->count);
	run->stopped = 1;
	evtimer_add(run->step, &now);
}

int spawn_here(const Pvmx__SpawnRequest *req, const struct reply_addr *to, int host,
               int parent, size_t count, int sibs_from, spawn_done_fn *done, void *arg)
{
	char shown[LOG_PRINTABLE_LEN];
	struct spawn_run *run;
	size_t len;
	uint8_t *packed;
	int err = 0;

	if (pvmd.halting)
		err = PvmSysErr;
	else if (req->bind < PVMX_BIND_NONE || req->bind > PVMX_BIND_NUMA)
		err = PvmBadParam;
	run = err == 0 ? calloc(1, sizeof(*run)) : NULL;
	if (err == 0 && run == NULL)
		err = PvmNoMem;
	if (err == 0 && spawn_resolve(req, run->path, sizeof(run->path)) != 0)
		err = PvmNoFile;
	if (err != 0) {
		free(run);
		log_info("t%x: spawn %s x%zu: error %d", (unsigned)parent,
		         log_printable(shown, sizeof(shown), req->file), count, err);
		return err;
	}
	TAILQ_INSERT_TAIL(&runs, run, entry);
	/* our own copy: the request is freed when its handler returns */
	len = pvmx__spawn_request__get_packed_size(req);
	packed = malloc(len ? len : 1);
	if (packed != NULL) {
		pvmx__spawn_request__pack(req, packed);
		run->req = pvmx__spawn_request__unpack(NULL, len, packed);
		free(packed);
	}
	run->to = *to;
	run->parent = parent;
	run->sibs_from = sibs_from;
	run->count = run->left = count;
	run->done = done;
	run->arg = arg;
	run->tids = calloc(count, sizeof(*run->tids));
	run->binds = calloc(count, sizeof(*run->binds)); /* (NULL: not known) */
	run->in = calloc(count, sizeof(*run->in));
	run->step = evtimer_new(pvmd.base, run_step_cb, run);
	if (run->req != NULL)
		run->argv = malloc(sizeof(char *) * (run->req->n_argv + 2));
	if (run->req == NULL || run->tids == NULL || run->in == NULL || run->step == NULL ||
	    run->argv == NULL || spawn_env_build(&run->se, run->req, parent) != 0 ||
	    (run->wait = pending_add(PENDING_SPAWN_RUN, to, host, 0, run_cancel, run)) ==
	        NULL) {
		run_free(run);
		return PvmNoMem;
	}
	run->argv[0] = run->path;
	for (size_t i = 0; i < run->req->n_argv; i++)
		run->argv[i + 1] = run->req->argv[i];
	run->argv[run->req->n_argv + 1] = NULL;
	for (size_t i = 0; i < count; i++)
		run->in[i].out = run->in[i].err = run->in[i].report = -1;
	run_schedule(run);
	return 0;
}

/* The daemon exits: runs end unanswered (done gets no tids). */
void spawn_free_all(void)
{
	struct spawn_run *run;

	while ((run = TAILQ_FIRST(&runs)) != NULL) {
		spawn_done_fn *done = run->done;
		void *arg = run->arg;
		struct reply_addr to = run->to;

		run_free(run);
		done(arg, &to, NULL, NULL, 0);
	}
}

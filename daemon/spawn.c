/*
 * spawn.c - pvm_spawn: placement over the hosts, finding the executable,
 * the child's environment, and fork+exec with a close-on-exec pipe that
 * reports exec failures back, one task per instance.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"
#include "wire.h"

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
	char tid[32], parent[32], arch[48];
	char sock[sizeof(pvmd.sock_path) + 16];
};

static const char *const bootstrap_names[] = {"PVMX_TID", "PVMX_PARENT", "PVMX_SOCK",
                                              "PVM_ARCH"};

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
	se->envp = malloc(sizeof(char *) * (n + req->n_env + 5));
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
                             const char *cwd, int outfd, int errfd, int report,
                             pid_t daemon)
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
	if (dup2(pvmd.devnull_fd, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0)
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

/* One instance between its fork and the news of its exec. */
struct spawn_inst {
	struct task *t;
	pid_t pid;
	int out, err, report; /* read ends */
};

static void spawn_inst_fail(struct spawn_inst *in)
{
	if (in->out >= 0)
		close(in->out);
	if (in->err >= 0)
		close(in->err);
	if (in->report >= 0)
		close(in->report);
	in->out = in->err = in->report = -1;
	in->t->reaped = 1; /* no process: the exit below is immediate */
	task_check_exit(in->t);
	in->t = NULL;
}

/* Forks one instance; 0, or a PVM error (nothing left behind). */
static int spawn_fork(struct spawn_inst *in, const Pvmx__SpawnRequest *req,
                      const char *path, char **argv, struct spawn_env *se)
{
	char shown[LOG_PRINTABLE_LEN];
	int outp[2], errp[2], rep[2];
	pid_t parent;
	int e;

	in->out = in->err = in->report = -1;
	in->t = task_new(1);
	if (in->t == NULL)
		return PvmOutOfRes;
	snprintf(se->tid, sizeof(se->tid), "PVMX_TID=%d", in->t->tid);
	if (pipe2(outp, O_CLOEXEC) != 0)
		goto fail;
	in->out = outp[0];
	if (pipe2(errp, O_CLOEXEC) != 0) {
		close(outp[1]);
		goto fail;
	}
	in->err = errp[0];
	if (pipe2(rep, O_CLOEXEC) != 0) {
		close(outp[1]);
		close(errp[1]);
		goto fail;
	}
	in->report = rep[0];
	parent = getpid();
	in->pid = fork();
	if (in->pid == 0)
		spawn_child_exec(path, argv, se->envp, req->cwd, outp[1], errp[1],
		                 rep[1], parent);
	e = errno;
	close(outp[1]);
	close(errp[1]);
	close(rep[1]);
	if (in->pid < 0) {
		errno = e;
		goto fail;
	}
	/* also here, so a kill of the group cannot race the child's own */
	setpgid(in->pid, in->pid);
	return 0;
fail:
	e = errno;
	log_error("spawn %s: %s", log_printable(shown, sizeof(shown), path), strerror(e));
	spawn_inst_fail(in);
	return PvmOutOfRes;
}

/* Waits for the exec of a forked instance (its report pipe closes, or
 * carries the errno); returns its tid or a PVM error. */
static int spawn_collect(struct spawn_inst *in, const Pvmx__SpawnRequest *req,
                         const char *path, int parent)
{
	char shown[LOG_PRINTABLE_LEN];
	struct task *t = in->t;
	const char *base;
	ssize_t n;
	int e = 0;

	while ((n = read(in->report, &e, sizeof(e))) < 0 && errno == EINTR)
		;
	close(in->report);
	in->report = -1;
	if (n == sizeof(e)) {
		log_info("spawn %s: exec failed: %s",
		         log_printable(shown, sizeof(shown), path), strerror(e));
		while (waitpid(in->pid, NULL, 0) < 0 && errno == EINTR)
			;
		spawn_inst_fail(in);
		return errno_to_pvm(e);
	}
	t->pid = in->pid;
	base = strrchr(req->file, '/');
	t->name = strdup(
	    log_printable(shown, sizeof(shown), base != NULL ? base + 1 : req->file));
	t->ptid = parent;
	t->out_tid = req->out_tid;
	t->out_code = req->out_code;
	t->out_ctx = req->out_ctx;
	t->ctx = req->ctx;
	log_info("t%x pid %d spawned: %s (parent t%x)", t->tid, (int)t->pid,
	         log_printable(shown, sizeof(shown), path), (unsigned)parent);
	if (output_start(t, in->out, in->err) != 0) {
		/* it runs, but unwatched output would block it: end it */
		kill(-t->pid, SIGKILL);
	}
	return t->tid;
}

/* Starts count instances: all are forked first, then each one's exec is
 * awaited, so the children exec in parallel while we fork the next. */
static void spawn_instances(const Pvmx__SpawnRequest *req, const char *path, char **argv,
                            struct spawn_env *se, int parent, int32_t *tids, size_t count)
{
	struct spawn_inst *in = calloc(count, sizeof(*in));

	if (in == NULL) {
		for (size_t i = 0; i < count; i++)
			tids[i] = PvmNoMem;
		return;
	}
	for (size_t i = 0; i < count; i++)
		tids[i] = spawn_fork(&in[i], req, path, argv, se);
	for (size_t i = 0; i < count; i++) {
		if (tids[i] == 0)
			tids[i] = spawn_collect(&in[i], req, path, parent);
	}
	free(in);
}

void spawn_reply(const struct reply_addr *to, int code, int32_t *tids, size_t n)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__SpawnReply sr = PVMX__SPAWN_REPLY__INIT;

	sr.code = code;
	sr.tids = tids;
	sr.n_tids = n;
	ctl.body_case = PVMX__CONTROL__BODY_SPAWN_REPLY;
	ctl.spawn_reply = &sr;
	reply_control(to, &ctl);
}

/* Shares the started tids among the tasks of ours among them
 * (pvm_siblings); those waiting at register for the list get it now. */
void spawn_set_siblings(const int32_t *tids, size_t count)
{
	struct siblings *s;
	size_t n = 0;

	for (size_t i = 0; i < count; i++)
		n += tids[i] > 0;
	if (n == 0)
		return;
	s = malloc(sizeof(*s) + n * sizeof(int32_t));
	if (s == NULL) {
		log_error("out of memory for a sibling list");
		return;
	}
	s->refs = 0;
	s->n = 0;
	for (size_t i = 0; i < count; i++) {
		if (tids[i] > 0)
			s->tids[s->n++] = tids[i];
	}
	for (size_t i = 0; i < count; i++) {
		struct task *t = tids[i] > 0 ? task_find(tids[i]) : NULL;

		if (t == NULL || t->sibs != NULL)
			continue;
		t->sibs = s;
		s->refs++;
		if (t->sibs_wait)
			control_register_reply(t);
	}
	if (s->refs == 0)
		free(s);
}

void spawn_siblings(const Pvmx__Siblings *s)
{
	spawn_set_siblings(s->tids, s->n_tids);
}

/* Placement: the host index of each instance, round robin over the hosts
 * that flags and where allow.  0, or PvmNoHost when none does. */
static int spawn_place(const Pvmx__SpawnRequest *req, int *idx, size_t count)
{
	static int cursor;
	const char *where = req->where != NULL ? req->where : "";
	int *cand = malloc(sizeof(int) * (size_t)(hosttab_count() + 1));
	struct host *named = NULL;
	int n = 0;

	if (cand == NULL)
		return PvmNoMem;
	if (req->flags & PvmTaskHost) {
		named = hosttab_by_name(where);
		if (!(req->flags & PvmHostCompl)) {
			free(cand);
			if (named == NULL)
				return PvmNoHost;
			for (size_t i = 0; i < count; i++)
				idx[i] = named->index;
			return 0;
		}
	}
	for (int i = 1; i <= TID_MAX_HOST; i++) {
		struct host *h = hosttab_get(i);

		if (h == NULL || (named != NULL && h == named))
			continue;
		if ((req->flags & PvmTaskArch) && strcmp(h->arch, where) != 0)
			continue;
		cand[n++] = i;
	}
	if (n == 0) {
		free(cand);
		return PvmNoHost;
	}
	for (size_t i = 0; i < count; i++)
		idx[i] = cand[(cursor + (int)i) % n];
	cursor = (int)((cursor + (int)(count % (size_t)n)) % n);
	free(cand);
	return 0;
}

/* Starts count instances here; tids gets a tid or an error for each. */
void spawn_here(const Pvmx__SpawnRequest *req, int parent, int32_t *tids, size_t count,
                int sibs_from)
{
	struct spawn_env se = {0};
	char path[4096], shown[LOG_PRINTABLE_LEN];
	char **argv = NULL;
	int err = 0;

	if (pvmd.halting || spawn_resolve(req, path, sizeof(path)) != 0)
		err = pvmd.halting ? PvmSysErr : PvmNoFile;
	if (err == 0) {
		argv = malloc(sizeof(char *) * (req->n_argv + 2));
		if (argv == NULL || spawn_env_build(&se, req, parent) != 0)
			err = PvmNoMem;
	}
	if (err == 0) {
		argv[0] = path;
		for (size_t i = 0; i < req->n_argv; i++)
			argv[i + 1] = req->argv[i];
		argv[req->n_argv + 1] = NULL;
		spawn_instances(req, path, argv, &se, parent, tids, count);
	} else {
		for (size_t i = 0; i < count; i++)
			tids[i] = err;
		log_info("t%x: spawn %s x%zu: error %d", (unsigned)parent,
		         log_printable(shown, sizeof(shown), req->file), count, err);
	}
	for (size_t i = 0; sibs_from != 0 && i < count; i++) {
		struct task *t = tids[i] > 0 ? task_find(tids[i]) : NULL;

		if (t != NULL) {
			t->sibs_wait = 1;
			t->sibs_from = sibs_from;
		}
	}
	free(argv);
	free(se.envp);
}

int spawn_code(const int32_t *tids, size_t count)
{
	int started = 0;

	for (size_t i = 0; i < count; i++)
		started += tids[i] > 0;
	for (size_t i = 0; i < count && started == 0; i++)
		return tids[i];
	return started;
}

void spawn_request(const struct reply_addr *to, const Pvmx__SpawnRequest *req)
{
	int parent = req->no_parent ? PvmNoParent : to->tid;
	char shown[LOG_PRINTABLE_LEN];
	int32_t *tids;
	int *idx, err;
	size_t count, nlocal = 0;

	if (req->count < 1 || req->count > SPAWN_MAX_COUNT || req->file == NULL ||
	    req->file[0] == '\0') {
		spawn_reply(to, PvmBadParam, NULL, 0);
		return;
	}
	count = (size_t)req->count;
	tids = malloc(count * sizeof(*tids));
	idx = malloc(count * sizeof(*idx));
	if (tids == NULL || idx == NULL) {
		free(tids);
		free(idx);
		spawn_reply(to, PvmNoMem, NULL, 0);
		return;
	}
	err = spawn_place(req, idx, count);
	for (size_t i = 0; err == 0 && i < count; i++)
		nlocal += idx[i] == pvmd.host_index;
	if (err == 0 && nlocal < count) {
		free(tids);
		spawn_multi(to, req, parent, idx, count); /* takes idx */
		return;
	}
	if (err == 0) {
		spawn_here(req, parent, tids, count, 0);
	} else {
		for (size_t i = 0; i < count; i++)
			tids[i] = err;
		log_info("t%x: spawn %s x%zu: error %d", (unsigned)to->tid,
		         log_printable(shown, sizeof(shown), req->file), count, err);
	}
	spawn_set_siblings(tids, count);
	spawn_reply(to, spawn_code(tids, count), tids, count);
	free(tids);
	free(idx);
}

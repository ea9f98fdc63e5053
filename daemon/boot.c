/*
 * boot.c - growing and shrinking the virtual machine.  The master starts
 * a daemon on a new host through the remote shell ($PVM_RSH, default
 * ssh), hands it its identity and the credential proving it (tls.h) on
 * the shell's stdin,
 * reads back the port it listens on, dials it over TLS and tells everyone.
 * A daemon started that way (`pvmd -s`) reads those lines, listens, says
 * where, and detaches from the shell.
 */
#include "pvmd.h"

#include "hostfile.h"
#include "log.h"
#include "tid.h"
#include "tls.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <netdb.h>
#include <pvm3.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BOOT_LINE_MAX 1024

/* One host being added. */
struct boot_one {
	struct boot_job *job;
	size_t i; /* its name's place in the request */
	struct hostfile_entry e;
	int index;
	char addr[64];
	pid_t pid; /* the remote shell */
	int out;   /* its stdout */
	struct event *ev;
	struct pending *start; /* its PENDING_HOST_START, with the deadline */
	char line[BOOT_LINE_MAX];
	size_t linelen;
	char arch[32];
	int dsig, port;
	int cores, pus, numa; /* its topology, from its start line */
	int taken;    /* its name is this add's: another add of it is a duplicate */
	int resolved; /* addr is known */
	int done;
};

/* One pvm_addhosts request: the arg of its PENDING_ADD_HOSTS. */
struct boot_job {
	struct pending *p;
	struct reply_addr to;
	size_t n, waiting;
	int32_t *infos;
	struct boot_one *ones;
};

/* host file entries given to the master at its start: options for
 * hosts added later by name ('&' lines, and the others after a delete) */
static struct hostfile_entry *known;
static size_t nknown;
static struct hostfile_entry known_defaults;
/* the host file's own add; the tasks waiting for it (pvm_start_pvmd
 * with block, the console's `pvm hostfile`) are PENDING_BOOT_WAITs */
static struct boot_job *hostfile_job;

static void boot_waiters_answer(void)
{
	struct pending *p;

	while ((p = pending_next(PENDING_BOOT_WAIT, NULL)) != NULL) {
		reply_status(&p->to, hosttab_count());
		pending_done(p);
	}
}

/* Answered once the host file's hosts are in (or failed): at once when
 * there is none or it is done; the answer is the number of hosts. */
void boot_wait(int tid, uint32_t seq)
{
	struct reply_addr to = {tid, seq};

	if (hostfile_job == NULL)
		reply_status(&to, hosttab_count());
	else if (pending_add(PENDING_BOOT_WAIT, &to, 0, 0, NULL, NULL) == NULL)
		reply_status(&to, PvmNoMem);
}

static int boot_timeout_s(void)
{
	const char *s = getenv("PVMX_BOOT_TIMEOUT");
	int v = s != NULL ? atoi(s) : 0;

	return v > 0 ? v : 30;
}

/* master: host index is gone (dead or deleted); everyone hears of it */
void boot_host_failed(int index, const char *why)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__HostChange hc = PVMX__HOST_CHANGE__INIT;
	Pvmx__HostEntry e;
	struct host *h = hosttab_get(index);

	if (h == NULL || index == pvmd.host_index)
		return;
	hosttab_entry(h, &e);
	hc.deleted = 1;
	hc.host = &e;
	ctl.body_case = PVMX__CONTROL__BODY_HOST_CHANGE;
	ctl.host_change = &hc;
	peer_broadcast_control(&ctl, index);
	hosttab_remove(index, why);
}

static void job_reply(struct boot_job *job)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__HostsReply hr = PVMX__HOSTS_REPLY__INIT;

	for (size_t i = 0; i < job->n; i++)
		hr.code += job->infos[i] >= 0;
	hr.infos = job->infos;
	hr.n_infos = job->n;
	ctl.body_case = PVMX__CONTROL__BODY_HOSTS_REPLY;
	ctl.hosts_reply = &hr;
	reply_control(&job->to, &ctl);
}

static void one_cleanup(struct boot_one *o)
{
	if (o->ev != NULL)
		event_free(o->ev);
	o->ev = NULL;
	pending_done(o->start);
	o->start = NULL;
	if (o->out >= 0)
		close(o->out);
	o->out = -1;
}

static void job_free(struct boot_job *job)
{
	for (size_t i = 0; i < job->n; i++)
		one_cleanup(&job->ones[i]);
	free(job->ones);
	free(job->infos);
	free(job);
}

static void one_finish(struct boot_one *o, int info)
{
	struct boot_job *job = o->job;

	if (o->done)
		return;
	o->done = 1;
	one_cleanup(o);
	if (info < 0 && o->pid > 0)
		kill(-o->pid, SIGKILL);
	job->infos[o->i] = info;
	if (--job->waiting == 0) {
		if (job == hostfile_job) {
			hostfile_job = NULL;
			boot_waiters_answer();
		}
		job_reply(job);
		pending_done(job->p);
		job_free(job);
	}
}

static void one_dialled(void *arg, struct peer *p, int code)
{
	struct boot_one *o = arg;
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__HostTable ht = PVMX__HOST_TABLE__INIT;
	Pvmx__HostChange hc = PVMX__HOST_CHANGE__INIT;
	Pvmx__HostEntry *entries, **ptrs, e;
	char name[LOG_PRINTABLE_LEN];
	struct host *h;
	size_t n = 0;

	if (code != 0 || o->done) {
		log_error("add %s: cannot link to its daemon at %s port %d",
		          log_printable(name, sizeof(name), o->e.name), o->addr, o->port);
		one_finish(o, PvmCantStart);
		return;
	}
	/* sp= when given, else from its cores, as it computed itself */
	h = hosttab_add(o->index, o->e.name, o->arch, topo_speed(o->e.speed, o->cores),
	                o->dsig, o->addr, o->port);
	if (h == NULL) {
		one_finish(o, PvmNoMem);
		return;
	}
	h->cores = o->cores;
	h->pus = o->pus;
	h->numa = o->numa;
	peer_attach_host(p, h);
	/* the new daemon gets the whole table, the others the change */
	entries = calloc((size_t)hosttab_count(), sizeof(*entries));
	ptrs = calloc((size_t)hosttab_count(), sizeof(*ptrs));
	for (int i = 1; entries != NULL && ptrs != NULL && i <= TID_MAX_HOST; i++) {
		struct host *x = hosttab_get(i);

		if (x == NULL)
			continue;
		hosttab_entry(x, &entries[n]);
		ptrs[n] = &entries[n];
		n++;
	}
	ht.hosts = ptrs;
	ht.n_hosts = n;
	ht.master = pvmd.host_tid;
	ctl.body_case = PVMX__CONTROL__BODY_HOST_TABLE;
	ctl.host_table = &ht;
	peer_send_control(o->index, pvmd.host_tid, h->tid, &ctl);
	free(entries);
	free(ptrs);
	hosttab_entry(h, &e);
	hc.host = &e;
	ctl.body_case = PVMX__CONTROL__BODY_HOST_CHANGE;
	ctl.host_change = &hc;
	peer_broadcast_control(&ctl, o->index);
	/* after its table: the groups whose home it now is */
	group_hosts_changed();
	log_info("host %s (t%x, %s, %s port %d) added",
	         log_printable(name, sizeof(name), o->e.name), (unsigned)h->tid, o->arch,
	         o->addr, o->port);
	notify_host_change(h->tid, 0);
	one_finish(o, h->tid);
}

/* The value of " key=" in line, or 0 (not there, or not a count). */
static int line_count(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	long v = p != NULL ? strtol(p + strlen(key), NULL, 10) : 0;

	return v > 0 && v < 1 << 20 ? (int)v : 0;
}

/* "pvmx-slave 1 port=P arch=A dsig=D name=N cores=C pus=P numa=M" or
 * "pvmx-slave-error reason" */
static void one_line(struct boot_one *o, const char *line)
{
	char name[LOG_PRINTABLE_LEN], said[LOG_PRINTABLE_LEN];
	const char *p;

	if (strncmp(line, "pvmx-slave-error ", 17) == 0) {
		log_error("add %s: its daemon says: %s",
		          log_printable(name, sizeof(name), o->e.name),
		          log_printable(said, sizeof(said), line + 17));
		one_finish(o, PvmCantStart);
		return;
	}
	if (strncmp(line, "pvmx-slave 1 ", 13) != 0) {
		log_info("add %s: remote shell says: %s",
		         log_printable(name, sizeof(name), o->e.name),
		         log_printable(said, sizeof(said), line));
		return;
	}
	o->port = (p = strstr(line, " port=")) != NULL ? atoi(p + 6) : 0;
	o->dsig = (p = strstr(line, " dsig=")) != NULL ? (int)strtol(p + 6, NULL, 0) : 0;
	o->cores = line_count(line, " cores=");
	o->pus = line_count(line, " pus=");
	o->numa = line_count(line, " numa=");
	if ((p = strstr(line, " arch=")) != NULL)
		snprintf(o->arch, sizeof(o->arch), "%.*s", (int)strcspn(p + 6, " "),
		         p + 6);
	if (o->port <= 0 || o->port > 65535 || o->arch[0] == '\0') {
		log_error("add %s: bad start line from its daemon: %s",
		          log_printable(name, sizeof(name), o->e.name),
		          log_printable(said, sizeof(said), line));
		one_finish(o, PvmCantStart);
		return;
	}
	one_cleanup(o);
	if (peer_dial(o->index, o->addr, o->port, one_dialled, o) != 0)
		one_finish(o, PvmCantStart);
}

static void one_read(evutil_socket_t fd, short what, void *arg)
{
	struct boot_one *o = arg;
	char buf[512], name[LOG_PRINTABLE_LEN];
	ssize_t n;

	(void)what;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		log_error("add %s: the remote shell ended before its daemon started "
		          "(see the lines above)",
		          log_printable(name, sizeof(name), o->e.name));
		one_finish(o, PvmCantStart);
		return;
	}
	for (ssize_t i = 0; i < n && !o->done; i++) {
		if (buf[i] == '\n' || o->linelen + 1 == sizeof(o->line)) {
			o->line[o->linelen] = '\0';
			o->linelen = 0;
			one_line(o, o->line);
			if (o->out < 0)
				return; /* dialling: the pipe is closed */
		} else {
			o->line[o->linelen++] = buf[i];
		}
	}
}

static void one_fail_in_order(struct boot_one *o, int info);

/* The deadline of its name's resolution, or of its daemon's start (or
 * the daemon exits: the job frees it). */
static void one_timeout(const struct pending *p, enum pending_why why, void *arg)
{
	struct boot_one *o = arg;
	char name[LOG_PRINTABLE_LEN];

	(void)p;
	o->start = NULL;
	if (why != PENDING_DEADLINE)
		return;
	log_error("add %s: %s within %d s", log_printable(name, sizeof(name), o->e.name),
	          o->resolved ? "no daemon started" : "its name did not resolve",
	          boot_timeout_s());
	one_fail_in_order(o, o->resolved ? PvmCantStart : PvmNoHost);
}

/* Words of $PVM_RSH ("ssh -p 2222" is fine), the login, the host and the
 * daemon's command. */
static char **rsh_argv(const struct boot_one *o, const char *dx, char *buf, size_t len)
{
	const char *rsh = getenv("PVM_RSH");
	char **argv = calloc(40, sizeof(char *));
	size_t n = 0;
	char *save = NULL, *w;

	if (argv == NULL)
		return NULL;
	snprintf(buf, len, "%s", rsh != NULL && rsh[0] != '\0' ? rsh : "ssh");
	for (w = strtok_r(buf, " \t", &save); w != NULL && n < 32;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	if (o->e.login[0] != '\0') {
		argv[n++] = "-l";
		argv[n++] = (char *)o->e.login;
	}
	argv[n++] = (char *)o->e.name;
	argv[n++] = (char *)dx;
	argv[n++] = "-s";
	argv[n] = NULL;
	return argv;
}

static int one_start(struct boot_one *o)
{
	static char self[4096];
	char words[1024], boot[8192], cred_lines[TLS_CRED_LINES_MAX];
	struct tls_cred cred;
	char name[LOG_PRINTABLE_LEN];
	const char *dx = o->e.dx;
	int in[2], out[2], len;
	char **argv;

	if (dx[0] == '\0') {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		self[n > 0 ? n : 0] = '\0';
		dx = self;
	}
	argv = rsh_argv(o, dx, words, sizeof(words));
	if (argv == NULL)
		return PvmNoMem;
	if (pipe2(in, O_CLOEXEC) != 0) {
		free(argv);
		return PvmOutOfRes;
	}
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		free(argv);
		return PvmOutOfRes;
	}
	o->pid = fork();
	if (o->pid == 0) {
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(fileno(pvmd.logf), 2);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "pvmd: cannot run the remote shell %s: %s\n", argv[0],
		        strerror(errno));
		_exit(127);
	}
	free(argv);
	close(in[0]);
	close(out[1]);
	if (o->pid < 0) {
		close(in[1]);
		close(out[0]);
		return PvmOutOfRes;
	}
	/* its own credential only: the CA's key never leaves the master */
	len = -1;
	if (tls_cred_issue(&pvmd.ca, tid_make(o->index, 0), &cred) == 0) {
		if (tls_cred_to_lines(&cred, cred_lines, sizeof(cred_lines)) > 0)
			len = snprintf(
			    boot, sizeof(boot),
			    "pvmx-boot 2\n%svmid %s\ntid %d\nmaster %d\nbind %s\n"
			    "name %s\nsp %d\nep %s\nwd %s\nlog %d\nhost-timeout %d\nend\n",
			    cred_lines, pvmd.vmid, tid_make(o->index, 0), pvmd.host_tid,
			    o->addr, o->e.name, o->e.speed, o->e.ep, o->e.wd,
			    log_current_level(), pvmd.host_timeout_ms);
		tls_cred_free(&cred);
	}
	tls_wipe(cred_lines, sizeof(cred_lines));
	/* small enough for the pipe: never blocks */
	if (len <= 0 || (size_t)len >= sizeof(boot) ||
	    write(in[1], boot, (size_t)len) != len)
		log_error("add %s: cannot write the boot lines",
		          log_printable(name, sizeof(name), o->e.name));
	tls_wipe(boot, sizeof(boot));
	close(in[1]);
	o->out = out[0];
	fcntl(o->out, F_SETFL, O_NONBLOCK);
	o->ev = event_new(pvmd.base, o->out, EV_READ | EV_PERSIST, one_read, o);
	o->start = pending_add(PENDING_HOST_START, &o->job->to, 0,
	                       boot_timeout_s() * 1000, one_timeout, o);
	if (o->ev == NULL || o->start == NULL || event_add(o->ev, NULL) != 0)
		return PvmOutOfRes;
	log_info("add %s: starting t%x with %s",
	         log_printable(name, sizeof(name), o->e.name),
	         (unsigned)tid_make(o->index, 0),
	         getenv("PVM_RSH") ? getenv("PVM_RSH") : "ssh");
	return 0;
}

/* Whether name is in the table or being added. */
static int name_taken(const char *name)
{
	struct pending *p;

	if (hosttab_by_listed_name(name) != NULL || strcasecmp(name, pvmd.hostname) == 0)
		return 1;
	for (p = pending_next(PENDING_ADD_HOSTS, NULL); p != NULL;
	     p = pending_next(PENDING_ADD_HOSTS, p)) {
		const struct boot_job *job = p->arg;

		for (size_t i = 0; i < job->n; i++) {
			if (job->ones[i].taken && !job->ones[i].done &&
			    strcasecmp(job->ones[i].e.name, name) == 0)
				return 1;
		}
	}
	return 0;
}

static int resolve(const char *name, char *addr, size_t len, int flags)
{
	struct addrinfo hints = {0}, *res = NULL;
	int r;

	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = flags;
	r = getaddrinfo(name, NULL, &hints, &res);
	if (r != 0 || res == NULL) {
		hints.ai_family = AF_UNSPEC;
		r = getaddrinfo(name, NULL, &hints, &res);
	}
	if (r != 0 || res == NULL)
		return -1;
	r = getnameinfo(res->ai_addr, res->ai_addrlen, addr, (socklen_t)len, NULL, 0,
	                NI_NUMERICHOST);
	freeaddrinfo(res);
	return r == 0 ? 0 : -1;
}

static int job_start_resolved(struct boot_job *job);

/* o failed: the hosts after it in its request no longer wait for it. */
static void one_fail_in_order(struct boot_one *o, int info)
{
	struct boot_job *job = o->job;
	int last = job->waiting == 1;

	one_finish(o, info);
	if (!last)
		job_start_resolved(job);
}

/* The resolver's answer: a numeric address, or nothing. */
static void one_resolved(evutil_socket_t fd, short what, void *arg)
{
	struct boot_one *o = arg;
	char name[LOG_PRINTABLE_LEN], shown[LOG_PRINTABLE_LEN];
	ssize_t n;

	(void)what;
	n = read(fd, o->addr, sizeof(o->addr) - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	one_cleanup(o);
	o->pid = 0; /* (it has exited: nothing to end if the add fails) */
	o->addr[n > 0 ? n : 0] = '\0';
	if (o->addr[0] == '\0') {
		log_warn("add %s: cannot resolve %s",
		         log_printable(name, sizeof(name), o->e.name),
		         o->e.ip[0] != '\0' ? log_printable(shown, sizeof(shown), o->e.ip)
		                            : "the name");
		one_fail_in_order(o, PvmNoHost);
		return;
	}
	o->resolved = 1;
	job_start_resolved(o->job);
}

/* Hosts get their indices in the order of the request, whatever the
 * order their names resolve in: each resolved one starts once those
 * before it have started or failed.  0, or -1 when the job is gone
 * (every host failed). */
static int job_start_resolved(struct boot_job *job)
{
	for (size_t i = 0; i < job->n; i++) {
		struct boot_one *o = &job->ones[i];
		int r;

		if (o->done || o->index > 0)
			continue;
		if (!o->resolved)
			return 0; /* the later ones wait for it */
		o->index = hosttab_next_index();
		r = o->index < 0 ? PvmOutOfRes : one_start(o);
		if (r != 0) {
			int last = job->waiting == 1;

			one_finish(o, r);
			if (last)
				return -1;
		}
	}
	return 0;
}

/* A name that is not a numeric address may take the resolver seconds
 * (DNS): a child of ours asks it, and the loop goes on meanwhile.  0 (the
 * address is known, or comes to one_resolved), or a PVM error. */
static int one_resolve(struct boot_one *o)
{
	const char *name = o->e.ip[0] != '\0' ? o->e.ip : o->e.name;
	int p[2];

	if (resolve(name, o->addr, sizeof(o->addr), AI_NUMERICHOST) == 0) {
		o->resolved = 1;
		return 0;
	}
	if (pipe2(p, O_CLOEXEC) != 0)
		return PvmOutOfRes;
	o->pid = fork();
	if (o->pid == 0) {
		char addr[sizeof(o->addr)] = "";

		close(p[0]);
		setpgid(0, 0);
		if (resolve(name, addr, sizeof(addr), 0) != 0)
			addr[0] = '\0';
		(void)!write(p[1], addr, strlen(addr));
		_exit(0);
	}
	close(p[1]);
	if (o->pid < 0) {
		close(p[0]);
		return PvmOutOfRes;
	}
	o->out = p[0];
	fcntl(o->out, F_SETFL, O_NONBLOCK);
	o->ev = event_new(pvmd.base, o->out, EV_READ | EV_PERSIST, one_resolved, o);
	o->start = pending_add(PENDING_HOST_START, &o->job->to, 0, boot_timeout_s() * 1000,
	                       one_timeout, o);
	if (o->ev == NULL || o->start == NULL || event_add(o->ev, NULL) != 0)
		return PvmOutOfRes;
	return 0;
}

/* The options for name: its own, then its line of the boot host file,
 * then that file's last '*' line (PVM's rule); then its address, and its
 * daemon is started. */
static int one_prepare(struct boot_one *o, const char *line)
{
	char why[256], name[LOG_PRINTABLE_LEN], shown[LOG_PRINTABLE_LEN];
	int r = hostfile_resolve_add(line, known, nknown, &known_defaults, &o->e, why,
	                             sizeof(why));

	if (r != 1) {
		log_warn("add \"%s\": %s", log_printable(shown, sizeof(shown), line),
		         r < 0 ? why : "no host name");
		return PvmBadParam;
	}
	if (name_taken(o->e.name))
		return PvmDupHost;
	o->taken = 1;
	if (strcmp(o->e.so, "ms") == 0) {
		log_warn("add %s: manual start-up (so=ms) is not supported",
		         log_printable(name, sizeof(name), o->e.name));
		return PvmCantStart;
	}
	return one_resolve(o);
}

/* An add ends unanswered only when the daemon exits. */
static void job_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	(void)p;
	(void)why;
	if (arg == hostfile_job)
		hostfile_job = NULL;
	job_free(arg);
}

/* The job, or NULL when it is already answered (every host failed at
 * once, or no memory). */
static struct boot_job *boot_add(const struct reply_addr *to,
                                 const Pvmx__HostsRequest *req)
{
	struct boot_job *job = calloc(1, sizeof(*job));

	if (job != NULL && req->n_names > 0) {
		job->infos = calloc(req->n_names, sizeof(*job->infos));
		job->ones = calloc(req->n_names, sizeof(*job->ones));
		if (job->infos != NULL && job->ones != NULL)
			job->p =
			    pending_add(PENDING_ADD_HOSTS, to, 0, 0, job_cancel, job);
	}
	if (job == NULL || req->n_names == 0 || job->p == NULL) {
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		Pvmx__HostsReply hr = PVMX__HOSTS_REPLY__INIT;

		hr.code = req->n_names == 0 ? PvmBadParam : PvmNoMem;
		ctl.body_case = PVMX__CONTROL__BODY_HOSTS_REPLY;
		ctl.hosts_reply = &hr;
		reply_control(to, &ctl);
		if (job != NULL) {
			free(job->infos);
			free(job->ones);
		}
		free(job);
		return NULL;
	}
	job->to = *to;
	job->n = req->n_names;
	job->waiting = job->n;
	for (size_t i = 0; i < job->n; i++) {
		job->ones[i].job = job;
		job->ones[i].i = i;
		job->ones[i].out = -1;
	}
	/* all start at once; the reply goes when the last is in or failed */
	for (size_t i = 0; i < job->n; i++) {
		struct boot_one *o = &job->ones[i];
		int r = pvmd.halting ? PvmSysErr : one_prepare(o, req->names[i]);

		if (r != 0) {
			if (job->waiting == 1) {
				one_finish(o, r);
				return NULL; /* the job is gone */
			}
			one_finish(o, r);
		}
	}
	return job_start_resolved(job) == 0 ? job : NULL;
}

void boot_add_hosts(int requester, uint32_t seq, const Pvmx__HostsRequest *req)
{
	struct reply_addr to = {requester, seq};

	boot_add(&to, req);
}

/* Deleting happens from the loop, not inside the request: the request
 * may have come on the very link the deletion closes. */
static void delete_later_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	boot_host_failed((int)(intptr_t)arg, "deleted");
}

void boot_del_hosts(int requester, uint32_t seq, const Pvmx__HostsRequest *req)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT, halt = PVMX__CONTROL__INIT;
	Pvmx__HostsReply hr = PVMX__HOSTS_REPLY__INIT;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	int32_t *infos = calloc(req->n_names ? req->n_names : 1, sizeof(*infos));

	hr.code = req->n_names == 0 ? PvmBadParam : infos == NULL ? PvmNoMem : 0;
	halt.body_case = PVMX__CONTROL__BODY_PEER_HALT;
	halt.peer_halt = &e;
	for (size_t i = 0; hr.code >= 0 && i < req->n_names; i++) {
		struct host *h = hosttab_by_listed_name(req->names[i]);

		if (h == NULL)
			h = hosttab_by_name(req->names[i]);
		if (h == NULL) {
			infos[i] = PvmNoHost;
		} else if (h->index == pvmd.host_index) {
			/* the master cannot delete itself: pvm_halt ends the VM */
			infos[i] = PvmBadParam;
		} else {
			static const struct timeval now = {0, 0};

			peer_send_control(h->index, pvmd.host_tid, h->tid, &halt);
			if (event_base_once(pvmd.base, -1, EV_TIMEOUT, delete_later_cb,
			                    (void *)(intptr_t)h->index, &now) != 0)
				boot_host_failed(h->index, "deleted");
			infos[i] = 0;
			hr.code++;
		}
	}
	hr.infos = infos;
	hr.n_infos = hr.code >= 0 || req->n_names > 0 ? req->n_names : 0;
	if (infos == NULL)
		hr.n_infos = 0;
	ctl.seq = seq;
	ctl.body_case = PVMX__CONTROL__BODY_HOSTS_REPLY;
	ctl.hosts_reply = &hr;
	route_control(requester, &ctl);
	free(infos);
}

/* A started daemon the master never reaches (a firewall, a master that
 * died meanwhile) must not wait for ever. */
static void slave_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct host *m = hosttab_get(tid_host_index(pvmd.master_tid));

	(void)fd;
	(void)what;
	(void)arg;
	if ((m == NULL || m->link == NULL) && !pvmd.halting) {
		log_error("the master t%x did not link up within %d s: halting",
		          (unsigned)pvmd.master_tid, boot_timeout_s());
		pvmd_halt(NULL);
	}
}

void boot_slave_watchdog(void)
{
	struct timeval tv = {boot_timeout_s(), 0};

	event_base_once(pvmd.base, -1, EV_TIMEOUT, slave_watchdog_cb, NULL, &tv);
}

void boot_slave_ready(void)
{
	log_info("joined the virtual machine of t%x as t%x (%d hosts)",
	         (unsigned)pvmd.master_tid, (unsigned)pvmd.host_tid, hosttab_count());
}

/* (Adds in progress are pending waits: pending_free_all ends them.) */
void boot_free_all(void)
{
	hostfile_job = NULL;
	free(known);
	known = NULL;
	nknown = 0;
}

/* The master's host file: hosts without '&' are added now, all are
 * remembered for later adds by name. */
int boot_hostfile(const char *path)
{
	char why[512];
	Pvmx__HostsRequest req = PVMX__HOSTS_REQUEST__INIT;
	char **names;
	size_t n = 0;

	if (hostfile_load_defaults(path, &known, &nknown, &known_defaults, why,
	                           sizeof(why)) != 0) {
		fprintf(stderr, "pvmd: %s\n", why);
		log_error("%s", why);
		return -1;
	}
	names = calloc(nknown ? nknown : 1, sizeof(*names));
	if (names == NULL)
		return -1;
	for (size_t i = 0; i < nknown; i++) {
		if (!known[i].later && !host_is_me(known[i].name))
			names[n++] = known[i].name;
	}
	if (n > 0) {
		struct reply_addr nobody = {0, 0};

		req.names = names;
		req.n_names = n;
		/* nobody to answer: the log says how each went; while it
		 * is still starting, pvm_start_pvmd(block) waits for it */
		hostfile_job = boot_add(&nobody, &req);
	}
	free(names);
	return 0;
}

/* --- the started side: pvmd -s ------------------------------------------ */

static void slave_fail(const char *fmt, const char *arg)
{
	printf("pvmx-slave-error ");
	printf(fmt, arg);
	printf("\n");
	fflush(stdout);
}

/* Reads the boot lines from stdin into pvmd (and *bind_addr); 0 or -1
 * (said on stdout, for the master's log). */
int boot_slave_read(char *bind_addr, size_t bind_len)
{
	char line[BOOT_LINE_MAX * 4];
	int r, bad_cred = 0, seen_end = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *v;

		line[strcspn(line, "\n")] = '\0';
		v = strchr(line, ' ');
		if (v != NULL)
			*v++ = '\0';
		else
			v = line + strlen(line);
		if (strcmp(line, "end") == 0) {
			seen_end = 1;
			break;
		} else if ((r = tls_cred_set_line(&pvmd.cred, line, v)) != 0) {
			bad_cred |= r < 0;
		} else if (strcmp(line, "vmid") == 0) {
			snprintf(pvmd.vmid, sizeof(pvmd.vmid), "%s", v);
		} else if (strcmp(line, "tid") == 0) {
			pvmd.host_tid = atoi(v);
		} else if (strcmp(line, "master") == 0) {
			pvmd.master_tid = atoi(v);
		} else if (strcmp(line, "bind") == 0) {
			snprintf(bind_addr, bind_len, "%s", v);
		} else if (strcmp(line, "sp") == 0) {
			pvmd.speed = atoi(v);
		} else if (strcmp(line, "ep") == 0) {
			snprintf(pvmd.ep, sizeof(pvmd.ep), "%s", v);
		} else if (strcmp(line, "wd") == 0) {
			snprintf(pvmd.wd, sizeof(pvmd.wd), "%s", v);
		} else if (strcmp(line, "host-timeout") == 0) {
			/* one timeout for the whole machine: the master's */
			liveness_set_timeout(atoi(v));
		} else if (strcmp(line, "log") == 0) {
			/* the master's log level, unless ours is higher */
			int l = atoi(v);

			if (l > log_current_level() && l <= LOG_DEBUG)
				log_set_level((enum log_level)l);
		}
		tls_wipe(line, sizeof(line));
	}
	tls_wipe(line, sizeof(line));
	if (!seen_end || bad_cred || tls_cred_check(&pvmd.cred) != 0 ||
	    tls_cert_tid(pvmd.cred.cert) != pvmd.host_tid ||
	    !tid_is_daemon(pvmd.host_tid) || !tid_is_daemon(pvmd.master_tid) ||
	    pvmd.vmid[0] == '\0' || pvmd.host_tid == pvmd.master_tid) {
		slave_fail("%s", "incomplete or bad boot lines on stdin");
		return -1;
	}
	pvmd.host_index = tid_host_index(pvmd.host_tid);
	if (setenv("PVM_VMID", pvmd.vmid, 1) != 0) {
		slave_fail("%s", "cannot set PVM_VMID");
		return -1;
	}
	return 0;
}

void boot_slave_say(const char *fmt, const char *arg)
{
	slave_fail(fmt, arg);
}

/* Tells the master where we listen, then leaves the remote shell: stdin,
 * stdout and stderr become /dev/null and we run in a session of our own,
 * so the shell (ssh) can end.  With PVMX_BOOT_ATTACHED=1 (srun-rsh: a
 * batch system's job step, which must last as long as we do) we stay
 * the shell's process and only let go of its stdio. */
int boot_slave_detach(void)
{
	const char *v = getenv("PVMX_BOOT_ATTACHED");
	int attached = v != NULL && strcmp(v, "1") == 0;
	pid_t pid;

	printf("pvmx-slave 1 port=%d arch=%s dsig=0x%x name=%s cores=%d pus=%d numa=%d\n",
	       pvmd.tcp_port, pvmd.arch, (unsigned)pvmd.dsig, pvmd.hostname, pvmd.cores,
	       pvmd.pus, pvmd.numa);
	fflush(stdout);
	unsetenv("PVMX_BOOT_ATTACHED"); /* not for the tasks we spawn */
	if (!attached) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid > 0)
			_exit(0);
		setsid();
	}
	dup2(pvmd.devnull_fd, 0);
	dup2(pvmd.devnull_fd, 1);
	dup2(pvmd.devnull_fd, 2);
	return 0;
}

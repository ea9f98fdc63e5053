/*
 * main.c - pvmd's start and end: command line, the private directory's
 * lock, log and socket, signals, the event loop, and halting.
 */
#include "pvmd.h"

#include "clock.h"
#include "dsig.h"
#include "log.h"
#include "paths.h"
#include "tid.h"
#include "tls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pvm3.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct pvmd pvmd;

static void usage(void)
{
	fprintf(stderr,
	        "usage: pvmd [-d level] [-o pid] [hostfile]\n"
	        "       pvmd -s        (started by a master pvmd: boot lines on stdin)\n"
	        "  -d level  log level: 0 error, 1 warn, 2 info, 3 debug\n"
	        "  -o pid    halt the machine when process pid ends (its owner)\n"
	        "  hostfile  hosts to add at start (docs/hosts.md)\n");
}

/* A daemon started with a closed stdin, stdout or stderr would hand those
 * numbers to its first sockets and pipes; children would then inherit
 * them as their standard streams.  Fill the gaps with /dev/null. */
static int ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDWR);

			if (n < 0)
				return -1;
			if (n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
	}
	return 0;
}

/* Descriptors above stderr that whoever started us left open (a test
 * harness's, a shell's) are for no one we start: the remote shell, a
 * slave daemon or a task would inherit them.  Ours are all opened
 * close-on-exec. */
static void cloexec_inherited(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (d == NULL) {
		log_warn("cannot list /proc/self/fd: %s (inherited descriptors stay "
		         "inheritable)",
		         strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), fl;

		if (fd < 3 || fd == dirfd(d) || (fl = fcntl(fd, F_GETFD)) < 0)
			continue;
		if (!(fl & FD_CLOEXEC))
			(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
	closedir(d);
}

/* Takes the VM's lock for the daemon's lifetime.  Returns 0, 1 when
 * another daemon holds it, -1 on error (printed). */
static int take_lock(void)
{
	pvmd.lock_fd = open(pvmd.lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (pvmd.lock_fd < 0) {
		fprintf(stderr, "pvmd: cannot open %s: %s\n", pvmd.lock_path,
		        strerror(errno));
		return -1;
	}
	if (flock(pvmd.lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			return 1;
		fprintf(stderr, "pvmd: cannot lock %s: %s\n", pvmd.lock_path,
		        strerror(errno));
		return -1;
	}
	return 0;
}

static int open_log(void)
{
	int fd = open(pvmd.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || (pvmd.logf = fdopen(fd, "a")) == NULL) {
		fprintf(stderr, "pvmd: cannot open log %s: %s\n", pvmd.log_path,
		        strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	log_init("pvmd", pvmd.logf);
	return 0;
}

/* A listener that cannot accept (out of descriptors, or of memory)
 * would be readable again at once, and the loop would spin: it pauses
 * for a moment instead, and says so once per episode. */
struct listen_guard {
	struct evconnlistener *l;
	const char *what;
	int paused;        /* pauses since the last line about them */
	int64_t logged_ms; /* when that line was */
};

#define LISTEN_PAUSE_MS 100
#define LISTEN_LOG_MS 10000

static void listen_resume(evutil_socket_t fd, short what, void *arg)
{
	struct listen_guard *g = arg;

	(void)fd;
	(void)what;
	if (g->l != NULL && !pvmd.halting)
		evconnlistener_enable(g->l);
}

static void listen_error(struct evconnlistener *l, void *arg)
{
	static const struct timeval pause = {0, LISTEN_PAUSE_MS * 1000};
	struct listen_guard *g = arg;
	int e = EVUTIL_SOCKET_ERROR();

	g->paused++;
	if (clock_now_ms() - g->logged_ms >= LISTEN_LOG_MS) {
		log_error("accept on %s: %s: pausing %d ms at a time until it works "
		          "(%d pauses; said at most every %d s)",
		          g->what, strerror(e), LISTEN_PAUSE_MS, g->paused, LISTEN_LOG_MS / 1000);
		g->logged_ms = clock_now_ms();
		g->paused = 0;
	}
	evconnlistener_disable(l);
	event_base_once(pvmd.base, -1, EV_TIMEOUT, listen_resume, g, &pause);
}

/* The two listeners' guards (the Unix socket, the daemon links' port). */
static struct listen_guard guards[2];

struct evconnlistener *listener_new(evconnlistener_cb cb, int fd, const char *what)
{
	struct listen_guard *g = NULL;

	for (size_t i = 0; i < sizeof(guards) / sizeof(guards[0]) && g == NULL; i++)
		if (guards[i].l == NULL)
			g = &guards[i];
	if (g == NULL)
		return NULL;
	g->what = what;
	g->paused = 0;
	g->logged_ms = -LISTEN_LOG_MS;
	g->l = evconnlistener_new(pvmd.base, cb, g, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
	                          0, fd);
	if (g->l != NULL)
		evconnlistener_set_error_cb(g->l, listen_error);
	return g->l;
}

void listener_accepted(void *arg)
{
	struct listen_guard *g = arg;

	/* (an accept between pauses is no news: only the first after a
	 * quiet spell is said) */
	if (g != NULL && g->paused && clock_now_ms() - g->logged_ms >= LISTEN_LOG_MS) {
		log_info("accept on %s works again (%d more pauses)", g->what, g->paused);
		g->paused = 0;
	}
}

void listener_free(struct evconnlistener *l)
{
	for (size_t i = 0; i < sizeof(guards) / sizeof(guards[0]); i++)
		if (guards[i].l == l)
			guards[i].l = NULL;
	evconnlistener_free(l);
}

/* Binds the socket; the lock is ours, so whatever sits at the path is a
 * dead daemon's leftover. */
static int open_socket(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (unlink(pvmd.sock_path) == 0)
		log_info("removed stale socket %s", pvmd.sock_path);
	memcpy(sa.sun_path, pvmd.sock_path, strlen(pvmd.sock_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		log_error("cannot listen on %s: %s", pvmd.sock_path, strerror(errno));
		fprintf(stderr, "pvmd: cannot listen on %s: %s\n", pvmd.sock_path,
		        strerror(errno));
		close(fd);
		return -1;
	}
	pvmd.listener = listener_new(conn_accept, fd, pvmd.sock_path);
	if (pvmd.listener == NULL) {
		log_error("cannot listen on %s: libevent refused the socket",
		          pvmd.sock_path);
		close(fd);
		unlink(pvmd.sock_path);
		return -1;
	}
	return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	switch (sig) {
	case SIGCHLD:
		task_reap_children();
		break;
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: halting", (int)sig);
		pvmd_halt(NULL);
		break;
	default:
		/* SIGHUP: a closed terminal is no reason to end the machine */
		log_info("signal %d ignored", (int)sig);
		break;
	}
}

static int add_signals(void)
{
	pvmd.sig_chld = evsignal_new(pvmd.base, SIGCHLD, on_signal, NULL);
	pvmd.sig_term = evsignal_new(pvmd.base, SIGTERM, on_signal, NULL);
	pvmd.sig_int = evsignal_new(pvmd.base, SIGINT, on_signal, NULL);
	pvmd.sig_hup = evsignal_new(pvmd.base, SIGHUP, on_signal, NULL);
	if (pvmd.sig_chld == NULL || pvmd.sig_term == NULL || pvmd.sig_int == NULL ||
	    pvmd.sig_hup == NULL || evsignal_add(pvmd.sig_chld, NULL) != 0 ||
	    evsignal_add(pvmd.sig_term, NULL) != 0 ||
	    evsignal_add(pvmd.sig_int, NULL) != 0 ||
	    evsignal_add(pvmd.sig_hup, NULL) != 0) {
		log_error("cannot install signal events");
		return -1;
	}
	return 0;
}

/* Whether a spawned task's process (or a descendant holding its output
 * pipes) may still be running. */
static int task_may_run(const struct task *t)
{
	return t->spawned && (!t->reaped || t->open_pipes > 0);
}

static void halt_finish(evutil_socket_t fd, short what, void *arg)
{
	struct task *t;

	(void)fd;
	(void)what;
	(void)arg;
	TAILQ_FOREACH(t, &pvmd.tasks, entry)
	{
		if (task_may_run(t) && t->pid > 1) {
			log_warn("t%x pid %d: still running %d ms after SIGTERM: SIGKILL",
			         t->tid, (int)t->pid, PVMD_HALT_GRACE_MS);
			kill(-t->pid, SIGKILL);
		}
	}
	event_base_loopbreak(pvmd.base);
}

/* Halting: every spawned task's process group gets SIGTERM, SIGKILL after
 * the grace period; tasks started by hand get SIGTERM, except the one that
 * asked (it waits for our reply).  The loop keeps running meanwhile so
 * replies are flushed and children reaped. */
void pvmd_halt(struct conn *requester)
{
	static const struct timeval grace = {PVMD_HALT_GRACE_MS / 1000,
	                                     (PVMD_HALT_GRACE_MS % 1000) * 1000};
	struct task *t;
	int waiting = 0, links = 0;

	if (pvmd.halting)
		return;
	pvmd.halting = 1;
	log_info("halting");
	if (requester != NULL)
		conn_flush_now(requester);
	if (pvmd.host_tid == pvmd.master_tid && hosttab_count() > 1) {
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		Pvmx__Empty e = PVMX__EMPTY__INIT;

		ctl.body_case = PVMX__CONTROL__BODY_PEER_HALT;
		ctl.peer_halt = &e;
		peer_broadcast_control(&ctl, 0);
		links = 1;
	}
	if (pvmd.listener != NULL) {
		listener_free(pvmd.listener);
		pvmd.listener = NULL;
	}
	unlink(pvmd.sock_path);
	TAILQ_FOREACH(t, &pvmd.tasks, entry)
	{
		if (t->spawned) {
			if (task_may_run(t) && t->pid > 1) {
				kill(-t->pid, SIGTERM);
				waiting++;
			}
		} else if (t->pid > 1 && (requester == NULL || requester->task != t)) {
			kill(t->pid, SIGTERM);
		}
	}
	if (waiting == 0 && links) {
		/* a moment for the halts to reach the other daemons */
		static const struct timeval moment = {0, 200 * 1000};

		pvmd.halt_timer = evtimer_new(pvmd.base, halt_finish, NULL);
		if (pvmd.halt_timer == NULL || evtimer_add(pvmd.halt_timer, &moment) != 0)
			halt_finish(-1, 0, NULL);
		return;
	}
	if (waiting == 0) {
		event_base_loopbreak(pvmd.base);
		return;
	}
	pvmd.halt_timer = evtimer_new(pvmd.base, halt_finish, NULL);
	if (pvmd.halt_timer == NULL || evtimer_add(pvmd.halt_timer, &grace) != 0)
		halt_finish(-1, 0, NULL);
}

/* Called after each reap while halting: done once nothing may run. */
void pvmd_halt_progress(void)
{
	struct task *t;

	if (!pvmd.halting)
		return;
	TAILQ_FOREACH(t, &pvmd.tasks, entry)
	{
		if (task_may_run(t))
			return;
	}
	event_base_loopbreak(pvmd.base);
}

static int setup_paths(void)
{
	char dir[512], vmid[PATHS_VMID_LEN];

	if (paths_private_dir(dir, sizeof(dir)) != 0)
		return -1;
	if (paths_vm_file(pvmd.lock_path, sizeof(pvmd.lock_path), "lock") != 0 ||
	    paths_vm_file(pvmd.log_path, sizeof(pvmd.log_path), "log") != 0) {
		fprintf(stderr, "pvmd: file names in %s are too long\n", dir);
		return -1;
	}
	if (paths_vm_file(pvmd.sock_path, sizeof(pvmd.sock_path), "sock") != 0) {
		fprintf(stderr,
		        "pvmd: the socket path %s/pvmd.%s.sock is longer than a Unix "
		        "socket allows (%zu bytes); set PVM_TMP to a shorter directory\n",
		        dir, paths_vmid(vmid, sizeof(vmid)), sizeof(pvmd.sock_path) - 1);
		return -1;
	}
	return 0;
}

static void teardown(void)
{
	/* first, while everything a wait refers to still exists */
	pending_free_all();
	spawn_free_all();
	boot_free_all();
	peer_free_all();
	liveness_free_all();
	hosttab_free_all();
	if (pvmd.tls_server != NULL)
		SSL_CTX_free(pvmd.tls_server);
	if (pvmd.tls_client != NULL)
		SSL_CTX_free(pvmd.tls_client);
	tls_cred_free(&pvmd.cred);
	tls_ca_free(&pvmd.ca);
	notify_free_all();
	mbox_free_all();
	group_free_all();
	context_free_all();
	task_free_all();
	topo_free_all();
	conn_free_all();
	flow_free_all();
	if (pvmd.listener != NULL)
		listener_free(pvmd.listener);
	if (pvmd.halt_timer != NULL)
		event_free(pvmd.halt_timer);
	owner_free();
	event_free(pvmd.sig_chld);
	event_free(pvmd.sig_term);
	event_free(pvmd.sig_int);
	event_free(pvmd.sig_hup);
	/* a bufferevent freed from inside its own callbacks (a link closed
	 * while halting) is released by the loop's deferred callbacks: let
	 * them run, or its TLS state is left behind */
	event_base_loop(pvmd.base, EVLOOP_NONBLOCK);
	event_base_free(pvmd.base);
	free(pvmd.by_local);
	close(pvmd.devnull_fd);
}

int main(int argc, char **argv)
{
	const char *hostfile = NULL;
	int level = -1, env_level = LOG_ERROR, opt, r, slave = 0;
	long owner_pid = 0;
	char bind_addr[64] = "";

	while ((opt = getopt(argc, argv, "d:ho:s")) != -1) {
		char *end;

		switch (opt) {
		case 's':
			slave = 1;
			break;
		case 'd':
			level = (int)strtol(optarg, &end, 0);
			if (*end != '\0' || level < 0 || level > 3) {
				usage();
				return 1;
			}
			break;
		case 'o':
			owner_pid = strtol(optarg, &end, 10);
			if (*end != '\0' || owner_pid < 2) {
				usage();
				return 1;
			}
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 1;
		}
	}
	if (argc - optind > 1) {
		usage();
		return 1;
	}
	if (optind < argc)
		hostfile = argv[optind];
	log_init("pvmd", NULL); /* stderr until the log file is open */
	if (ensure_std_fds() != 0)
		return 1;
	cloexec_inherited();
	signal(SIGPIPE, SIG_IGN);

	/* PVMX_DEBUG only ever raises what -d asked for */
	for (int l = LOG_DEBUG; l > LOG_ERROR; l--) {
		if (log_enabled((enum log_level)l)) {
			env_level = l;
			break;
		}
	}
	if (level >= 0)
		log_set_level((enum log_level)(level > env_level ? level : env_level));

	host_init();
	pvmd.dsig = dsig_native();
	pvmd.speed = 0; /* sp= from the boot lines, else from the cores */
	liveness_init();
	if (slave) {
		if (hostfile != NULL) {
			usage();
			return 1;
		}
		/* the master's boot lines; replies on stdout */
		if (boot_slave_read(bind_addr, sizeof(bind_addr)) != 0)
			return 1;
	} else {
		paths_vmid(pvmd.vmid, sizeof(pvmd.vmid));
		pvmd.host_index = PVMD_MASTER_INDEX;
		pvmd.host_tid = tid_make(PVMD_MASTER_INDEX, 0);
		pvmd.master_tid = pvmd.host_tid;
		if (tls_ca_new(&pvmd.ca) != 0 ||
		    tls_cred_issue(&pvmd.ca, pvmd.host_tid, &pvmd.cred) != 0) {
			fprintf(stderr,
			        "pvmd: cannot make the virtual machine's credentials\n");
			return 1;
		}
	}
	if (setup_paths() != 0) {
		if (slave)
			boot_slave_say("%s", "bad private directory or socket path");
		return 1;
	}
	r = take_lock();
	if (r != 0) {
		if (r == 1)
			fprintf(
			    stderr,
			    "pvmd: a daemon already runs for this virtual machine (%s)\n",
			    pvmd.sock_path);
		if (slave)
			boot_slave_say(
			    "a pvmd already runs for this virtual machine on %s",
			    pvmd.hostname);
		return r == 1 ? 2 : 1;
	}
	if (open_log() != 0) {
		if (slave)
			boot_slave_say("%s", "cannot open the log");
		return 1;
	}
	/* we hold the VM's lock on this host: what is left is a dead daemon's */
	shmreg_sweep();
	topo_init();
	pvmd.speed = topo_speed(pvmd.speed, pvmd.cores);

	/* every spawned task costs two pipes and a socket: take all the
	 * descriptors we may; children get the limit we were given */
	if (getrlimit(RLIMIT_NOFILE, &pvmd.nofile) == 0 &&
	    pvmd.nofile.rlim_cur < pvmd.nofile.rlim_max) {
		struct rlimit more = {pvmd.nofile.rlim_max, pvmd.nofile.rlim_max};

		if (setrlimit(RLIMIT_NOFILE, &more) != 0)
			log_warn("cannot raise the descriptor limit: %s",
			         strerror(errno));
	}
	pvmd.devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	pvmd.by_local = calloc((size_t)TID_LOCAL_MASK + 1, sizeof(*pvmd.by_local));
	pvmd.base = event_base_new();
	if (pvmd.devnull_fd < 0 || pvmd.by_local == NULL || pvmd.base == NULL) {
		log_error("cannot initialise: %s", strerror(errno));
		return 1;
	}
	pending_init(pvmd.base);
	TAILQ_INIT(&pvmd.conns);
	TAILQ_INIT(&pvmd.tasks);
	pvmd.next_local = 1;
	pvmd.max_frame = frame_max_len();

	pvmd.tls_server = tls_ctx_new(1, &pvmd.cred);
	pvmd.tls_client = tls_ctx_new(0, &pvmd.cred);
	if (pvmd.tls_server == NULL || pvmd.tls_client == NULL) {
		if (slave)
			boot_slave_say("%s", "cannot set up TLS");
		return 1;
	}
	if (add_signals() != 0 || open_socket() != 0) {
		if (slave)
			boot_slave_say("%s", "cannot listen on the local socket");
		return 1;
	}
	if (slave) {
		int lo = 0, hi = 0;
		const char *range = getenv("PVMX_PORT_RANGE");

		if (range != NULL && sscanf(range, "%d-%d", &lo, &hi) < 1)
			lo = hi = 0;
		if (lo < 0 || lo > 65535 || hi > 65535)
			lo = hi = 0;
		/* the address the master will dial, else every address */
		if (peer_listen(bind_addr, lo, hi) != 0 &&
		    peer_listen(NULL, lo, hi) != 0) {
			boot_slave_say("%s", "cannot listen for daemon links");
			return 1;
		}
		fabricreg_set_link_addr(bind_addr);
	}
	if (hosttab_init_self() != 0)
		return 1;
	log_info("pvmd t%x on %s (%s, dsig 0x%x) listening on %s%s", pvmd.host_tid,
	         pvmd.hostname, pvmd.arch, (unsigned)pvmd.dsig, pvmd.sock_path,
	         slave ? " and for daemon links" : "");
	if (slave) {
		log_info("daemon links on port %d; master t%x", pvmd.tcp_port,
		         (unsigned)pvmd.master_tid);
		if (boot_slave_detach() != 0)
			return 1;
		event_reinit(pvmd.base);
		boot_slave_watchdog();
	}
	liveness_start();
	if (owner_pid > 0 && owner_watch((pid_t)owner_pid) != 0)
		return 1;
	if (hostfile != NULL && boot_hostfile(hostfile) != 0)
		return 1;

	event_base_dispatch(pvmd.base);

	if (pvmd.listener != NULL)
		unlink(pvmd.sock_path);
	log_info("pvmd t%x exits", pvmd.host_tid);
	teardown();
	fclose(pvmd.logf);
	close(pvmd.lock_fd);
	return pvmd.exit_code;
}

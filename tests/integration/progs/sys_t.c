/*
 * sys_t.c - pvm_sendsig, pvm_hostsync, pvm_tickle, pvm_getnoresets,
 * PvmSelfOutput*, host notifies, the exactly-once exit notify of a task
 * killed with SIGKILL, and pvm_reg_rm/_hoster/_tasker, between real
 * tasks (children are this program with a role argument).  Prints
 * "ok - ..." / "FAIL - ..." lines; exits 1 on a failure.
 */
#include <pvm3.h>
#include <pvmx.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define TAG_REPLY 20
#define TAG_OUT 33
#define TAG_EXIT 40
#define TAG_EXITST 41

static int fails;
static const char *prog;
static volatile sig_atomic_t got_usr1;

static void check(int cond, const char *what, long got)
{
	printf("%s - %s (got %ld)\n", cond ? "ok" : "FAIL", what, got);
	fflush(stdout);
	if (!cond)
		fails++;
}

static void reply(int v)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&v, 1, 1);
	pvm_send(pvm_parent(), TAG_REPLY);
}

static int wait_reply(int from, int secs)
{
	struct timeval tv = {secs, 0};
	int v = -9999;

	if (pvm_trecv(from, TAG_REPLY, &tv) > 0)
		pvm_upkint(&v, 1, 1);
	return v;
}

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static int child(const char *role)
{
	pvm_mytid();
	pvm_setopt(PvmAutoErr, 0);
	if (strcmp(role, "sigwait") == 0) {
		signal(SIGUSR1, on_usr1);
		reply(1); /* ready */
		for (int i = 0; i < 500 && !got_usr1; i++)
			usleep(10000);
		reply(got_usr1 ? 2 : 0);
	} else if (strcmp(role, "selfout") == 0) {
		pvm_setopt(PvmSelfOutputCode, TAG_OUT);
		pvm_setopt(PvmSelfOutputTid, pvm_parent());
		printf("hello-self\n");
		fflush(stdout);
		reply(1);
	} else if (strcmp(role, "roles") == 0) {
		struct pvmhostinfo *hi = NULL;
		int a = pvm_reg_rm(&hi), b = pvm_reg_hoster(), c = pvm_reg_tasker();

		reply(a == 0 && b == 0 && c == 0 && hi != NULL &&
		              hi->hi_tid == pvm_tidtohost(pvm_mytid())
		          ? 1
		          : a * 1000 + b * 100 + c);
		pause();
	} else if (strcmp(role, "sleep") == 0) {
		reply(1);
		pause();
	}
	pvm_exit();
	return 0;
}

/* Receives output messages with TAG_OUT until END; the text they carried. */
static void read_output(int from, char *text, size_t len, int *begin, int *end)
{
	struct timeval tv = {5, 0};
	size_t used = 0;

	*begin = *end = 0;
	text[0] = '\0';
	while (!*end && pvm_trecv(-1, TAG_OUT, &tv) > 0) {
		int tid, n;

		pvm_upkint(&tid, 1, 1);
		pvm_upkint(&n, 1, 1);
		if (tid != from)
			continue;
		if (n == PVMX_OUTPUT_BEGIN)
			(*begin)++;
		else if (n == PVMX_OUTPUT_END)
			(*end)++;
		else if (n > 0 && used + (size_t)n < len) {
			pvm_upkbyte(text + used, n, 1);
			used += (size_t)n;
			text[used] = '\0';
		}
	}
}

static int spawn(const char *role)
{
	int tid = 0;

	if (pvm_spawn((char *)prog, (char *[]){(char *)role, NULL}, 0, "", 1, &tid) != 1)
		return -1;
	return tid;
}

int main(int argc, char **argv)
{
	int me, host, kid, r, n, *tids, a[4], res[4], nres;
	struct timeval clk, delta, now, none = {0, 400000};
	char text[256];
	int begin, end;

	prog = argv[0];
	if (argc > 1)
		return child(argv[1]);
	me = pvm_mytid();
	if (me < 0)
		return 1;
	pvm_setopt(PvmAutoErr, 0);
	host = pvm_tidtohost(me);

	/* pvm_sendsig */
	kid = spawn("sigwait");
	check(wait_reply(kid, 10) == 1, "a child waiting for SIGUSR1", kid);
	check(pvm_sendsig(kid, SIGUSR1) == 0, "sendsig SIGUSR1", 0);
	check(wait_reply(kid, 10) == 2, "the child got the signal", 0);
	check(pvm_sendsig(-5, SIGUSR1) == PvmBadParam,
	      "sendsig to a bad tid: PvmBadParam", 0);
	check(pvm_sendsig(me, -1) == PvmBadParam, "sendsig of signal -1: PvmBadParam", 0);
	check(pvm_sendsig(host | 0x3fff0, SIGUSR1) == PvmNoTask,
	      "sendsig to no such task: PvmNoTask", 0);
	check(pvm_sendsig(me, 0) == 0, "sendsig of signal 0 to a live task", 0);

	/* pvm_hostsync */
	r = pvm_hostsync(host, &clk, &delta);
	gettimeofday(&now, NULL);
	check(r == 0, "hostsync of our host", r);
	check(clk.tv_sec >= now.tv_sec - 2 && clk.tv_sec <= now.tv_sec + 2,
	      "hostsync: the clock is the time of day", (long)(clk.tv_sec - now.tv_sec));
	check((delta.tv_sec == 0 || delta.tv_sec == -1) && delta.tv_usec >= 0 &&
	          delta.tv_usec < 1000000,
	      "hostsync: delta is small, microseconds normalised", (long)delta.tv_usec);
	check(pvm_hostsync(0x1c0000, &clk, &delta) == PvmNoHost,
	      "hostsync of a host not in the machine: PvmNoHost", 0);
	check(pvm_hostsync(host, NULL, NULL) == 0, "hostsync with null pointers", 0);

	/* pvm_tickle */
	a[0] = 5;
	nres = -1;
	check(pvm_tickle(1, a, &nres, res) == 0 && nres == 1, "tickle 5: the debug level",
	      nres);
	a[0] = 6;
	a[1] = 2;
	check(pvm_tickle(2, a, &nres, res) == 0, "tickle 6: set the debug level", 0);
	a[0] = 5;
	check(pvm_tickle(1, a, &nres, res) == 0 && res[0] == 2, "tickle 5 sees it",
	      res[0]);
	a[0] = 2;
	check(pvm_tickle(1, a, &nres, res) == 0 && nres == 0,
	      "tickle 2: task table to the log", 0);
	a[0] = 99;
	check(pvm_tickle(1, a, &nres, res) == PvmBadParam, "tickle 99: PvmBadParam", 0);
	check(pvm_tickle(0, a, &nres, res) == PvmBadParam,
	      "tickle without args: PvmBadParam", 0);

	/* pvm_getnoresets */
	r = pvm_getnoresets(&tids, &n);
	check(r == 0 && n == 0, "getnoresets: none yet", n);
	pvm_setopt(PvmNoReset, 1);
	r = pvm_getnoresets(&tids, &n);
	check(r == 0 && n == 1 && tids[0] == me,
	      "getnoresets: the task that set PvmNoReset", n);
	pvm_setopt(PvmNoReset, 0);
	r = pvm_getnoresets(&tids, &n);
	check(r == 0 && n == 0, "getnoresets: cleared again", n);

	/* PvmSelfOutput*: the child's own output comes to us */
	kid = spawn("selfout");
	read_output(kid, text, sizeof(text), &begin, &end);
	check(begin == 1 && end == 1 && strstr(text, "hello-self") != NULL,
	      "self output: BEGIN, the text, END", begin * 10 + end);

	/* host notifies (one host: never fire, except for a host that does
	 * not exist, and when cancelled, as PVM) */
	r = 0x1c0000;
	check(pvm_notify(PvmHostDelete, 50, 1, &r) == 0,
	      "notify HostDelete, no such host", 0);
	{
		struct timeval tv = {5, 0};
		int t = 0;

		if (pvm_trecv(-1, 50, &tv) > 0)
			pvm_upkint(&t, 1, 1);
		check(t == 0x1c0000, "... answered at once with that host's tid", t);
	}
	check(pvm_notify(PvmHostDelete, 51, 1, &host) == 0,
	      "notify HostDelete of our host", 0);
	check(pvm_notify(PvmHostAdd, 52, -1, NULL) == 0, "notify HostAdd", 0);
	check(pvm_trecv(-1, 51, &none) == 0 && pvm_trecv(-1, 52, &none) == 0,
	      "neither fires on a single host", 0);
	check(pvm_notify(PvmHostAdd | PvmNotifyCancel, 52, -1, NULL) == 0,
	      "cancel HostAdd", 0);
	check(pvm_notify(PvmHostDelete | PvmNotifyCancel, 51, 1, &host) == 0,
	      "cancel HostDelete", 0);
	check(pvm_trecv(-1, 51, &none) > 0,
	      "a cancelled HostDelete is delivered (as PVM)", 0);
	check(pvm_trecv(-1, 52, &none) == 0, "a cancelled HostAdd is not", 0);

	/* exactly one exit notify for a task killed with SIGKILL */
	kid = spawn("sleep");
	wait_reply(kid, 10);
	pvm_notify(PvmTaskExit, TAG_EXIT, 1, &kid);
	pvm_notify(PvmxTaskExitStatus, TAG_EXITST, 1, &kid);
	check(pvm_sendsig(kid, SIGKILL) == 0, "SIGKILL to a child", 0);
	{
		struct timeval tv = {10, 0};
		int t = 0, st = 0;

		if (pvm_trecv(-1, TAG_EXIT, &tv) > 0)
			pvm_upkint(&t, 1, 1);
		check(t == kid, "its exit is notified", t);
		if (pvm_trecv(-1, TAG_EXITST, &tv) > 0) {
			pvm_upkint(&t, 1, 1);
			pvm_upkint(&st, 1, 1);
		}
		check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "... killed by SIGKILL",
		      st);
		usleep(300000);
		check(pvm_nrecv(-1, TAG_EXIT) == 0 && pvm_nrecv(-1, TAG_EXITST) == 0,
		      "... exactly once", 0);
	}

	/* resource manager, hoster, tasker */
	kid = spawn("roles");
	check(wait_reply(kid, 10) == 1, "a child registers as rm, hoster and tasker",
	      kid);
	{
		struct pvmhostinfo *hi;

		check(pvm_reg_rm(&hi) == PvmAlready,
		      "a second resource manager: PvmAlready", 0);
		check(pvm_reg_hoster() == PvmAlready, "a second hoster: PvmAlready", 0);
		check(pvm_reg_tasker() == PvmAlready, "a second tasker: PvmAlready", 0);
	}
	r = spawn("sleep");
	check(r > 0 && wait_reply(r, 10) == 1, "spawn works while an rm is registered",
	      r);
	pvm_kill(r);
	pvm_notify(PvmTaskExit, TAG_EXIT, 1, &kid);
	pvm_sendsig(kid, SIGKILL);
	{
		struct timeval tv = {10, 0};

		check(pvm_trecv(-1, TAG_EXIT, &tv) > 0, "the rm is killed", 0);
	}
	{
		struct pvmhostinfo *hi = NULL;

		r = pvm_reg_rm(&hi);
		check(r == 0 && hi != NULL && hi->hi_tid == host,
		      "the dead rm is forgotten at once: we may register", r);
		check(pvm_reg_rm(&hi) == 0, "registering again as the same rm", 0);
		check(pvm_reg_hoster() == 0 && pvm_reg_tasker() == 0,
		      "hoster and tasker are free too", 0);
	}
	r = spawn("sleep");
	check(r > 0 && wait_reply(r, 10) == 1, "spawn works after the rm died", r);
	pvm_kill(r);
	pvm_exit();
	return fails != 0;
}

/*
 * console_task.c - commands on the console task's options (getopt,
 * setopt), on other tasks (sig, jobs) and on the daemon (tickle), and
 * trace, which pvmx does not have.
 */
#include "console.h"
#include "errtext.h"

#include <pvm3.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The options PVM's console shows, in its order and with its names. */
static const struct option_name {
	const char *name;
	int what;
} options[] = {
    {"PvmRoute", PvmRoute},
    {"PvmDebugMask", PvmDebugMask},
    {"PvmAutoErr", PvmAutoErr},
    {"PvmOutputTid", PvmOutputTid},
    {"PvmOutputCode", PvmOutputCode},
    {"PvmTraceTid", PvmTraceTid},
    {"PvmTraceCode", PvmTraceCode},
    {"PvmTraceBuffer", PvmTraceBuffer},
    {"PvmTraceOptions", PvmTraceOptions},
    {"PvmFragSize", PvmFragSize},
    {"PvmResvTids", PvmResvTids},
    {"PvmSelfOutputTid", PvmSelfOutputTid},
    {"PvmSelfOutputCode", PvmSelfOutputCode},
    {"PvmSelfTraceTid", PvmSelfTraceTid},
    {"PvmSelfTraceCode", PvmSelfTraceCode},
    {"PvmSelfTraceBuffer", PvmSelfTraceBuffer},
    {"PvmSelfTraceOptions", PvmSelfTraceOptions},
    {"PvmShowTids", PvmShowTids},
    {"PvmOutputContext", PvmOutputContext},
    {"PvmTraceContext", PvmTraceContext},
    {"PvmSelfOutputContext", PvmSelfOutputContext},
    {"PvmSelfTraceContext", PvmSelfTraceContext},
    {"PvmNoReset", PvmNoReset},
    {NULL, 0},
};

/* The option called name: exactly, in any case, or without "Pvm". */
static const struct option_name *option_find(const char *name)
{
	for (const struct option_name *o = options; o->name != NULL; o++) {
		if (strcasecmp(o->name, name) == 0 || strcasecmp(o->name + 3, name) == 0)
			return o;
	}
	printf("PVM Option \"%s\" Unknown.\n", name);
	return NULL;
}

static void option_show(const struct option_name *o)
{
	int v = pvm_getopt(o->what);

	/* options hold negative values too (PvmOutputTid -1): only a
	 * library error code that getopt cannot return as a value counts */
	if (v == PvmBadParam || v == PvmNotImpl)
		printf("%s: %s\n", o->name, errtext(v));
	else
		printf("%s Currently Set to %d\n", o->name, v);
}

enum console_action console_cmd_getopt(int ac, char **av)
{
	const struct option_name *o;

	if (ac > 2) {
		printf("getopt: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	if (ac == 1) {
		for (o = options; o->name != NULL; o++)
			option_show(o);
		return CONSOLE_CONTINUE;
	}
	o = option_find(av[1]);
	if (o != NULL)
		option_show(o);
	return CONSOLE_CONTINUE;
}

enum console_action console_cmd_setopt(int ac, char **av)
{
	const struct option_name *o;
	int value, old, r;

	if (ac != 3) {
		printf("setopt: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	o = option_find(av[1]);
	if (o == NULL)
		return CONSOLE_CONTINUE;
	if (console_parse_int(av[2], &value) < 0) {
		printf("setopt: bad value \"%s\"\n", av[2]);
		return CONSOLE_CONTINUE;
	}
	/* setopt answers the old value or an error code, which an old value
	 * can look like: compare with what getopt said before */
	old = pvm_getopt(o->what);
	r = pvm_setopt(o->what, value);
	if (r < 0 && r != old) {
		printf("setopt: %s: %s\n", o->name, errtext(r));
		return CONSOLE_CONTINUE;
	}
	printf("%s Changed from %d to %d\n", o->name, old, pvm_getopt(o->what));
	return CONSOLE_CONTINUE;
}

/* A signal by number, or by name with or without SIG. */
static int parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
	    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
	    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
	    {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
	};
	int sig;

	if (console_parse_int(s, &sig) == 0)
		return sig > 0 && sig < NSIG ? sig : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(names[i].name, s) == 0)
			return names[i].sig;
	}
	return -1;
}

enum console_action console_cmd_sig(int ac, char **av)
{
	int sig;

	if (ac < 3) {
		printf("sig: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	sig = parse_signal(av[1]);
	if (sig < 0) {
		printf("sig: bad signal %s\n", av[1]);
		return CONSOLE_CONTINUE;
	}
	for (int i = 2; i < ac; i++) {
		int tid = console_parse_tid(av[i]), r;

		if (tid < 0) {
			printf("sig: bad task id %s\n", av[i]);
			continue;
		}
		/* as for kill: a signal meant for a task, typed with the wrong
		 * tid, must not end the console */
		if (tid == console.mytid) {
			printf("sig: t%x is this console\n", (unsigned)tid);
			continue;
		}
		r = pvm_sendsig(tid, sig);
		if (r < 0)
			printf("sig: t%x: %s\n", (unsigned)tid, errtext(r));
	}
	return CONSOLE_CONTINUE;
}

/* pvm_tickle has no room for a result count limit: give it plenty */
#define TICKLE_MAX_ARGS 16
#define TICKLE_MAX_RESULTS 256

enum console_action console_cmd_tickle(int ac, char **av)
{
	int args[TICKLE_MAX_ARGS], results[TICKLE_MAX_RESULTS];
	int nres = 0, r;

	if (ac < 2) {
		printf("tickle: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	if (ac - 1 > TICKLE_MAX_ARGS) {
		printf("tickle: more than %d arguments\n", TICKLE_MAX_ARGS);
		return CONSOLE_CONTINUE;
	}
	for (int i = 1; i < ac; i++) {
		if (console_parse_int(av[i], &args[i - 1]) < 0) {
			printf("tickle: bad number \"%s\"\n", av[i]);
			return CONSOLE_CONTINUE;
		}
	}
	r = pvm_tickle(ac - 1, args, &nres, results);
	if (r < 0) {
		printf("tickle: %s\n", errtext(r));
		return CONSOLE_CONTINUE;
	}
	if (nres < 0 || nres > TICKLE_MAX_RESULTS)
		nres = 0;
	printf("(");
	for (int i = 0; i < nres; i++)
		printf(" %d", results[i]);
	printf(" )\n");
	return CONSOLE_CONTINUE;
}

enum console_action console_cmd_trace(int ac, char **av)
{
	(void)ac;
	(void)av;
	printf("trace: not supported (pvmx has no tracing)\n");
	return CONSOLE_CONTINUE;
}

struct jobs_listing {
	int longfmt;
	struct pvmtaskinfo *ti;
	int ntask;
	struct pvmhostinfo *hosts;
	int nhost;
};

static void print_job(void *arg, int job, const int *tids, int ntids)
{
	struct jobs_listing *l = arg;

	printf("%2d:", job);
	if (!l->longfmt) {
		for (int i = 0; i < ntids; i++)
			printf(" t%x", (unsigned)tids[i]);
		putchar('\n');
		return;
	}
	putchar('\n');
	for (int i = 0; i < ntids; i++) {
		int found = 0;

		for (int k = 0; k < l->ntask && !found; k++) {
			if (l->ti[k].ti_tid == tids[i]) {
				console_ps_row(&l->ti[k], l->hosts, l->nhost);
				found = 1;
			}
		}
		/* its output has not ended, but the task has (or pvm_tasks
		 * failed) */
		if (!found)
			printf("%24s %8x %7s %s\n", "-", (unsigned)tids[i], "-",
			       "(exited)");
	}
}

enum console_action console_cmd_jobs(int ac, char **av)
{
	struct jobs_listing l = {0};
	int narch;

	for (int i = 1; i < ac; i++) {
		if (strcmp(av[i], "-l") == 0) {
			l.longfmt = 1;
		} else {
			printf("jobs: unknown option %s (usage: jobs [-l])\n", av[i]);
			return CONSOLE_CONTINUE;
		}
	}
	/* take output already here, so jobs that ended are not listed */
	console_out_poll();
	if (l.longfmt) {
		if (pvm_config(&l.nhost, &narch, &l.hosts) < 0)
			l.nhost = 0;
		if (pvm_tasks(0, &l.ntask, &l.ti) < 0)
			l.ntask = 0;
		console_ps_header();
	}
	console_jobs_visit(print_job, &l);
	return CONSOLE_CONTINUE;
}

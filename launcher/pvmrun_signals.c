/*
 * pvmrun_signals.c - SIGINT, SIGTERM and SIGHUP end the job (the loop
 * sees them and stops every task); SIGUSR1, SIGUSR2 and SIGCONT are
 * passed to every running task (pvm_sendsig); SIGTSTP too, and then
 * pvmrun stops itself, as a job control shell expects.
 */
#include "pvmrun.h"

#include <pvm3.h>

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t forward_pending[NSIG];

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_forward(int sig)
{
	forward_pending[sig] = 1;
}

void pvmrun_signals_init(void)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	static const int forwards[] = {SIGUSR1, SIGUSR2, SIGTSTP, SIGCONT};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_forward;
	for (size_t i = 0; i < sizeof(forwards) / sizeof(forwards[0]); i++)
		sigaction(forwards[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int pvmrun_signal_stop(void)
{
	return stop_signal;
}

static void send_all(int sig)
{
	for (int i = 0; i < run.ntasks; i++) {
		const struct pvmrun_task *t = &run.tasks[i];

		if (t->rank >= 0 && !t->exited)
			pvm_sendsig(t->tid, sig);
	}
}

void pvmrun_signals_forward(void)
{
	static const int order[] = {SIGCONT, SIGUSR1, SIGUSR2, SIGTSTP};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int sig = order[i];

		if (!forward_pending[sig])
			continue;
		forward_pending[sig] = 0;
		if (run.o.verbose) {
			fprintf(stderr, "pvmrun: passing %s to the tasks\n",
			        strsignal(sig));
			fflush(stderr);
		}
		send_all(sig);
		if (sig == SIGTSTP)
			raise(SIGSTOP); /* SIGCONT wakes us, and is passed on */
	}
}

/* Every task not known to have exited: ranks and theirs. */
void pvmrun_kill_tasks(void)
{
	for (int i = 0; i < run.ntasks; i++) {
		const struct pvmrun_task *t = &run.tasks[i];

		if (t->rank >= 0 ? !t->exited : !t->ended)
			pvm_kill(t->tid);
	}
}

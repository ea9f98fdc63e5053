/*
 * con_sigwait.c - test task for the console's `sig`: says it is ready,
 * then waits (at most argv[1] seconds, default 30) for SIGUSR1, prints
 * that it got it and exits 0; exits 1 if none came.
 */
#include <pvm3.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

int main(int argc, char **argv)
{
	int limit = argc > 1 ? atoi(argv[1]) : 30;
	struct sigaction sa = {0};
	time_t end;
	int tid;

	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	tid = pvm_mytid();
	printf("con_sigwait t%x: ready\n", (unsigned)(tid > 0 ? tid : 0));
	fflush(stdout);
	end = time(NULL) + limit;
	while (!got_usr1 && time(NULL) < end)
		usleep(20 * 1000);
	if (!got_usr1) {
		printf("con_sigwait: no SIGUSR1 within %d s\n", limit);
		pvm_exit();
		return 1;
	}
	printf("con_sigwait: got SIGUSR1\n");
	fflush(stdout);
	pvm_exit();
	return 0;
}

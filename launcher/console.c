/*
 * console.c - `pvm`, the interactive console: joins the virtual machine
 * (starting a daemon when none runs), then reads commands from stdin,
 * with a `pvm> ` prompt on a terminal, while printing the output of the
 * tasks it spawned with `->` as it arrives.
 */
#include "console.h"
#include "errtext.h"

#include <pvm3.h>
#include <pvmx.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_MAX_LEN CONSOLE_LINE_MAX
/* how long, at the end of input, the console waits for `->` output */
#define DRAIN_SECONDS 30

struct console console;

void console_break_prompt(void)
{
	if (console.prompt_shown) {
		putchar('\n');
		console.prompt_shown = 0;
	}
}

static void show_prompt(void)
{
	if (console.interactive && !console.prompt_shown) {
		fputs("pvm> ", stdout);
		fflush(stdout);
		console.prompt_shown = 1;
	}
}

/* Joins the virtual machine; starts a daemon when none answers, as PVM's
 * console does.  Returns the console's tid or a PVM error code. */
static int join_vm(char *hostfile)
{
	int tid, r;

	/* the console reports errors itself, in its own words */
	pvm_setopt(PvmAutoErr, 0);
	tid = pvm_mytid();
	if (tid != PvmSysErr) {
		if (tid > 0 && hostfile != NULL)
			fprintf(stderr,
			        "pvm: a pvmd already runs: host file %s not used\n",
			        hostfile);
		return tid;
	}
	/* let the library explain a failed start (which pvmd, which log);
	 * with a host file it returns once those hosts are in or failed */
	pvm_setopt(PvmAutoErr, 1);
	r = pvm_start_pvmd(hostfile != NULL ? 1 : 0, hostfile != NULL ? &hostfile : NULL,
	                   1);
	pvm_setopt(PvmAutoErr, 0);
	if (r < 0 && r != PvmDupHost)
		return r;
	tid = pvm_mytid();
	if (tid > 0 && console.interactive && r == 0)
		printf("pvm: started a pvmd for this virtual machine\n");
	return tid;
}

/* Runs every complete line in buf[0..*len); keeps the partial rest. */
static enum console_action run_lines(char *buf, size_t *len)
{
	char *start = buf, *nl;
	enum console_action act = CONSOLE_CONTINUE;

	while (act == CONSOLE_CONTINUE &&
	       (nl = memchr(start, '\n', *len - (size_t)(start - buf))) != NULL) {
		*nl = '\0';
		console.prompt_shown = 0; /* the user's newline ended that line */
		act = console_execute(start);
		fflush(stdout);
		start = nl + 1;
	}
	*len -= (size_t)(start - buf);
	memmove(buf, start, *len);
	return act;
}

/* The input loop: stdin is polled 50 ms at a time and task output taken
 * between polls, so output never waits for a command. */
static enum console_action input_loop(void)
{
	static char buf[LINE_MAX_LEN + 1];
	size_t len = 0;
	enum console_action act = CONSOLE_CONTINUE;

	while (act == CONSOLE_CONTINUE) {
		struct pollfd p = {.fd = 0, .events = POLLIN};
		int r;

		show_prompt();
		r = poll(&p, 1, 50);
		if (r < 0 && errno != EINTR) {
			perror("pvm: poll");
			return CONSOLE_QUIT;
		}
		if (r > 0) {
			ssize_t n = read(0, buf + len, LINE_MAX_LEN - len);

			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				perror("pvm: read");
				return CONSOLE_QUIT;
			}
			if (n == 0) {
				/* a last line without its newline still counts */
				if (len > 0) {
					buf[len++] = '\n';
					act = run_lines(buf, &len);
				}
				if (act == CONSOLE_CONTINUE) {
					console_break_prompt();
					act = CONSOLE_QUIT;
				}
				break;
			}
			if (n > 0) {
				len += (size_t)n;
				act = run_lines(buf, &len);
				if (len == LINE_MAX_LEN) {
					console_break_prompt();
					fprintf(
					    stderr,
					    "pvm: line longer than %d bytes ignored\n",
					    LINE_MAX_LEN);
					len = 0;
				}
			}
		}
		if (act == CONSOLE_CONTINUE && console_out_poll() < 0) {
			console_break_prompt();
			fprintf(stderr, "pvm: lost the connection to pvmd\n");
			return CONSOLE_EXIT;
		}
	}
	return act;
}

/* `pvm top ...`: joins a machine that runs (never starts one), runs the
 * console's top with those words, and leaves. */
static int run_top(int ac, char **av)
{
	char line[LINE_MAX_LEN];
	int tid;

	signal(SIGPIPE, SIG_IGN);
	pvm_setopt(PvmAutoErr, 0);
	tid = pvm_mytid();
	if (tid < 0) {
		fprintf(stderr, "pvm top: no virtual machine to show: %s\n",
		        errtext(tid));
		return 1;
	}
	console.mytid = tid;
	if (console_join_words(line, sizeof(line), ac, av) < 0) {
		fprintf(stderr, "pvm top: arguments too long\n");
		pvm_exit();
		return 2;
	}
	console_execute(line);
	fflush(stdout);
	pvm_exit();
	return 0;
}

int main(int argc, char **argv)
{
	enum console_action act;
	int tid;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf(
		    "usage: pvm [hostfile]\n"
		    "       pvm top [-d seconds] [-n count]\n"
		    "The PVM console: reads commands (type `help`) from stdin,\n"
		    "with a prompt when stdin is a terminal.  Starts a pvmd when\n"
		    "none runs for this virtual machine (PVM_VMID, PVM_TMP), with\n"
		    "the hosts of hostfile (docs/hosts.md) when one is given.\n"
		    "First runs the commands in $HOME/.pvmrc, if there is one\n"
		    "(one per line, # starts a comment; alias and setenv are usual).\n"
		    "pvm top shows the running machine live (docs/top.md) and exits.\n");
		return 0;
	}
	/* `pvm top [options]`: the live view of a running machine, then exit
	 * (a host file called top is still `pvm ./top`) */
	if (argc > 1 && strcmp(argv[1], "top") == 0)
		return run_top(argc - 1, argv + 1);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr,
		        "pvm: options are not supported: %s (usage: pvm [hostfile])\n",
		        argv[1]);
		return 2;
	}
	/* a reader that went away must not kill the console mid-command */
	signal(SIGPIPE, SIG_IGN);
	console.interactive = isatty(0);
	tid = join_vm(argc == 2 ? argv[1] : NULL);
	if (tid < 0) {
		fprintf(stderr, "pvm: cannot join the virtual machine: %s\n",
		        errtext(tid));
		return 1;
	}
	console.mytid = tid;
	/* as PVM's console: a reset elsewhere spares this console */
	pvm_setopt(PvmNoReset, 1);
	act = console_read_pvmrc();
	if (act == CONSOLE_CONTINUE)
		act = input_loop();
	if (act == CONSOLE_EXIT)
		return 0;
	/* end of piped input: wait for output still owed by `->` tasks (a
	 * user at a terminal who quits does not want to wait) */
	if (!console.interactive)
		console_out_drain(DRAIN_SECONDS);
	fflush(stdout);
	pvm_exit();
	return 0;
}

/*
 * console_top.c - the console's top command (docs/top.md): the virtual
 * machine's hosts, links, tasks and groups, redrawn every few seconds
 * with ANSI clear and home on a terminal (so it works over ssh, with no
 * curses), as successive plain snapshots otherwise.  q or Ctrl-C quits.
 */
#include "console.h"
#include "console_top.h"
#include "errtext.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define TOP_EVERY_MIN 0.1
#define TOP_EVERY_MAX 3600.0

static volatile sig_atomic_t top_interrupted;

static void top_on_sigint(int sig)
{
	(void)sig;
	top_interrupted = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes the screen: on a terminal from the top left corner, each line
 * cleared to its end and cut to the terminal's size; else as it is, a
 * blank line after.  0, or -1 when stdout is gone. */
static int top_show(const struct top_screen *scr, int tty, int first)
{
	struct winsize ws = {0};
	int rows = scr->n, cols = 255;

	if (tty) {
		if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1 && ws.ws_col > 0) {
			rows = ws.ws_row - 1;
			cols = ws.ws_col < 255 ? ws.ws_col : 255;
		}
		fputs(first ? "\033[H\033[2J" : "\033[H", stdout);
	}
	for (int i = 0; i < scr->n && i < rows; i++) {
		if (tty && i == rows - 1 && scr->n > rows)
			printf("... %d more lines (a taller terminal shows them)\033[K\n",
			       scr->n - rows + 1);
		else
			printf("%.*s%s\n", cols, scr->lines[i], tty ? "\033[K" : "");
	}
	fputs(tty ? "\033[J" : "\n", stdout);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

/* Waits until the next refresh at deadline; 1 when the user quits. */
static int top_wait(double deadline, int keys)
{
	for (;;) {
		double left = deadline - now_seconds();
		struct pollfd p = {.fd = 0, .events = POLLIN};
		int r;

		if (top_interrupted)
			return 1;
		if (left <= 0)
			return 0;
		r = poll(&p, keys ? 1 : 0, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			return 1;
		if (r > 0) {
			char c[64];
			ssize_t n = read(0, c, sizeof(c));

			if (n <= 0)
				return 1; /* end of input */
			for (ssize_t i = 0; i < n; i++)
				if (c[i] == 'q' || c[i] == 'Q' || c[i] == 4 /* ^D */)
					return 1;
		}
	}
}

static int top_options(int ac, char **av, double *every, int *count)
{
	for (int i = 1; i < ac; i++) {
		char *end;

		if (strcmp(av[i], "-d") == 0 && i + 1 < ac) {
			*every = strtod(av[++i], &end);
			if (*end != '\0' ||
			    !(*every >= TOP_EVERY_MIN && *every <= TOP_EVERY_MAX)) {
				printf("top: -d takes seconds, %g to %g\n", TOP_EVERY_MIN,
				       TOP_EVERY_MAX);
				return -1;
			}
		} else if (strcmp(av[i], "-n") == 0 && i + 1 < ac) {
			if (console_parse_int(av[++i], count) < 0 || *count < 1) {
				printf("top: -n takes a count of refreshes, 1 or more\n");
				return -1;
			}
		} else {
			printf("top: usage: top [ -d seconds ] [ -n count ]\n");
			return -1;
		}
	}
	return 0;
}

enum console_action console_cmd_top(int ac, char **av)
{
	static struct top_screen scr;
	struct top_snap snaps[2] = {{0}, {0}};
	struct sigaction sa = {0}, old_int;
	struct termios old_tio, tio;
	double every = 1.0, next;
	int count = 0, tty = isatty(1), keys = isatty(0), raw = 0;

	if (top_options(ac, av, &every, &count) < 0)
		return CONSOLE_CONTINUE;
	console_break_prompt();
	/* keys without Enter, not echoed; Ctrl-C still signals */
	if (keys && tcgetattr(0, &old_tio) == 0) {
		tio = old_tio;
		tio.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		raw = tcsetattr(0, TCSANOW, &tio) == 0;
	}
	top_interrupted = 0;
	sa.sa_handler = top_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	scr.keys = keys;
	next = now_seconds();
	for (int round = 0; count == 0 || round < count; round++) {
		struct top_snap *s = &snaps[round % 2], *prev = &snaps[(round + 1) % 2];
		int r;

		top_snap_free(s);
		r = top_snap_take(s);
		if (r < 0) {
			printf("top: %s\n", errtext(r));
			break;
		}
		top_draw(&scr, s, round > 0 ? prev : NULL, every);
		if (top_show(&scr, tty, round == 0) < 0)
			break;
		if (count != 0 && round + 1 == count)
			break;
		next += every;
		if (top_wait(next, keys) != 0)
			break;
	}
	sigaction(SIGINT, &old_int, NULL);
	if (raw)
		tcsetattr(0, TCSANOW, &old_tio);
	top_snap_free(&snaps[0]);
	top_snap_free(&snaps[1]);
	return CONSOLE_CONTINUE;
}

/*
 * cruft_util.h - what cruft_prog.h needs besides its checks: the
 * prototypes of the functions it calls (PVM 3.4.6 exports them but
 * declares them nowhere, so programs declare them like this), result
 * lines with stderr captured, and calls run in a child process.
 */
#ifndef CRUFT_UTIL_H
#define CRUFT_UTIL_H

#include "compat_util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pvmproto.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* PVM 3.4.6 declares none of these: programs declare them themselves */
int pvmsleep(int secs);
int pvmgetclock(struct timeval *tm);
int pvmxtoi(char *p);
int pvmstrtoi(char *p);
int pvmget8(char *p);
int pvmget16(char *p);
int pvmget32(char *p);
int pvmput8(char *p, int n);
int pvmput16(char *p, int n);
int pvmput32(char *p, int n);
int pvmmatchstring(char *str, char *pattern);
unsigned int pvmcrcappend(char *buf, int len, unsigned int crc);
char *debug_flags(int mask);
void hex_inadport(char *s, struct sockaddr_in *sad);
char *inadport_decimal(struct sockaddr_in *sad);
char *inadport_hex(struct sockaddr_in *sad);
int errnamecode(char *name);
char *pvmnametag(int tag, int *found);
int pvmputenv(char *s);
char **pvmcopyenv(char **env);
int pvmenvinsert(char ***envp, char *s);
int pvmfreeenv(char **env);
char *pvmgethome(void);
char *pvmgetroot(void);
char *pvmdsockfile(void);
char *pvmgetpvmd(void);
void pvmchkuid(int uid);
int pvmlogerror(char *s);
int pvmlogperror(char *s);
int pvmlogprintf(const char *fmt, ...);
int vpvmlogprintf(char *fmt, va_list ap);
int pvmhdump(char *cp, int n, char *pad);
int print_fdset(char *pad, int n, fd_set *f);
void pvmbailout(int n);
char *i_malloc(unsigned int len, char *tag);
char *i_realloc(char *loc, unsigned int len);
int i_free(char *loc);
void i_dump(int how);
void i_choke(void);
char *pvm_alloc(unsigned int n, char *tag);
char *pvm_realloc(char *p, unsigned int n);
void pvm_free(char *p);

#define CRUFT_TEXT 16384

/* ------------------------------------------------------------ printing */

/* in as one printable line: C escapes for controls, quotes and
 * backslashes; "pid1234"/"pid-1" as "pidN" and long hex numbers (heap
 * addresses) as "0xADDR", which differ from run to run */
static void cruft_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; in[i] != '\0' && o + 8 < len; i++) {
		unsigned char c = (unsigned char)in[i];
		size_t hex = 0;

		if (strncmp(in + i, "pid", 3) == 0 &&
		    (isdigit((unsigned char)in[i + 3]) ||
		     (in[i + 3] == '-' && isdigit((unsigned char)in[i + 4])))) {
			i += 3 + (in[i + 3] == '-');
			while (isdigit((unsigned char)in[i + 1]))
				i++;
			o += (size_t)snprintf(out + o, len - o, "pidN");
			continue;
		}
		if (in[i] == '0' && in[i + 1] == 'x') {
			while (isxdigit((unsigned char)in[i + 2 + hex]))
				hex++;
			if (hex >= 6) {
				i += 1 + hex;
				o += (size_t)snprintf(out + o, len - o, "0xADDR");
				continue;
			}
		}
		if (c == '\n')
			o += (size_t)snprintf(out + o, len - o, "\\n");
		else if (c == '\\' || c == '"')
			o += (size_t)snprintf(out + o, len - o, "\\%c", c);
		else if (c < ' ' || c >= 0x7f)
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* All of f's contents (from the start) into buf. */
static void cruft_slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
}

/* The program's own stdout, kept for information lines that a child
 * (whose stdout is captured) writes: they are "#" lines, not compared. */
static int cruft_info_fd = -1;

__attribute__((format(printf, 1, 2))) static void cruft_info(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fflush(stdout);
	if (write(cruft_info_fd >= 0 ? cruft_info_fd : 1, "# ", 2) < 0 ||
	    write(cruft_info_fd >= 0 ? cruft_info_fd : 1, line, (size_t)n) < 0)
		return;
}

/* ------------------------------------------- capturing stderr in-process */

static FILE *cruft_capture_file;
static int cruft_saved_stderr = -1;

static void cruft_capture_begin(void)
{
	fflush(stdout);
	fflush(stderr);
	cruft_capture_file = tmpfile();
	if (cruft_capture_file == NULL) {
		perror("cruft: tmpfile");
		exit(2);
	}
	cruft_saved_stderr = dup(2);
	dup2(fileno(cruft_capture_file), 2);
}

/* Ends a capture: what went to stderr, as it is, in raw. */
static void cruft_capture_end_raw(char *raw, size_t len)
{
	fflush(stderr);
	dup2(cruft_saved_stderr, 2);
	close(cruft_saved_stderr);
	cruft_slurp(cruft_capture_file, raw, len);
	fclose(cruft_capture_file);
}

/* Ends a capture: what went to stderr, escaped and normalized, in esc. */
static void cruft_capture_end(char *esc, size_t len)
{
	static char raw[CRUFT_TEXT];

	cruft_capture_end_raw(raw, sizeof(raw));
	cruft_escape(raw, esc, len);
}

/* --------------------------------------------------- calls in a child */

enum { CHILD_PLAIN = 0, CHILD_SUMMARY = 1 };

static const char *cruft_signame(int sig)
{
	switch (sig) {
	case SIGABRT:
		return "SIGABRT";
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGALRM:
		return "SIGALRM (hung)";
	default:
		return "another signal";
	}
}

/*
 * Runs fn in a child with its stdout and stderr in temporary files and
 * prints "what: exit N|signal; stdout "..."; stderr "..."".  With
 * CHILD_SUMMARY stdout is summarized (its line count and whether it
 * names PVM_ALLOW_ROOT), for text whose wording is not compared.
 */
static void cruft_child(const char *what, void (*fn)(void), int how)
{
	static char raw[CRUFT_TEXT], out[CRUFT_TEXT], err[CRUFT_TEXT];
	FILE *fo, *fe;
	char status[64];
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	fo = tmpfile();
	fe = tmpfile();
	if (fo == NULL || fe == NULL) {
		perror("cruft: tmpfile");
		exit(2);
	}
	pid = fork();
	if (pid < 0) {
		perror("cruft: fork");
		exit(2);
	}
	if (pid == 0) {
		dup2(fileno(fo), 1);
		dup2(fileno(fe), 2);
		alarm(20); /* a call that hangs ends here */
		fn();
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		snprintf(status, sizeof(status), "signal %s",
		         cruft_signame(WTERMSIG(st)));
	else
		snprintf(status, sizeof(status), "exit %d", WEXITSTATUS(st));
	cruft_slurp(fo, raw, sizeof(raw));
	if (how == CHILD_SUMMARY) {
		int lines = 0;

		for (char *p = raw; *p != '\0'; p++)
			lines += *p == '\n';
		snprintf(out, sizeof(out), "%s lines, %s PVM_ALLOW_ROOT",
		         lines >= 3 ? "3 or more" : "fewer than 3",
		         strstr(raw, "PVM_ALLOW_ROOT") != NULL ? "names"
		                                               : "does not name");
	} else {
		cruft_escape(raw, out, sizeof(out));
	}
	cruft_slurp(fe, raw, sizeof(raw));
	cruft_escape(raw, err, sizeof(err));
	fclose(fo);
	fclose(fe);
	compat_line("%s: %s; stdout \"%s\"; stderr \"%s\"", what, status, out, err);
}

#endif

/*
 * lpvm_log.c - PVM 3.4.6's task-side logging: lines on stderr that start
 * with the task's name, "libpvm [t40001]" once it is a task and
 * "libpvm [pid1234]" before, as pvm_perror writes it.  Also the dumps
 * that log through it (pvmhdump, print_fdset) and pvmbailout.
 */
#include "lpvm.h"
#include "lpvm_cruft.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* pvmlogprintf's prefix goes before its first output and after each
 * call whose FORMAT ended in a newline (not its output: "%s" with a
 * string ending in "\n" leaves the next call unprefixed), as in PVM. */
static int log_at_line_start = 1;

/* "t40001" for a task, else "pid1234" (PVM 3.4.6 says "pid-1" there,
 * its process id being unset until the task connects) */
static void log_who(char *buf, size_t len)
{
	if (lpvm.mytid > 0)
		snprintf(buf, len, "t%x", (unsigned int)lpvm.mytid);
	else
		snprintf(buf, len, "pid%d", (int)getpid());
}

/* s as it is, after "libpvm [WHO]: ".  Always 0. */
int pvmlogerror(char *s)
{
	char who[32];

	log_who(who, sizeof(who));
	fprintf(stderr, "libpvm [%s]: %s", who, s != NULL ? s : "(null)");
	return 0;
}

/* Returns what vfprintf returns for the message itself. */
int vpvmlogprintf(char *fmt, va_list ap)
{
	size_t len;
	int n;

	if (fmt == NULL)
		return 0;
	if (log_at_line_start) {
		char who[32];

		log_who(who, sizeof(who));
		fprintf(stderr, "libpvm [%s] ", who);
	}
	n = vfprintf(stderr, fmt, ap);
	len = strlen(fmt);
	if (len > 0)
		log_at_line_start = fmt[len - 1] == '\n';
	fflush(stderr);
	return n;
}

int pvmlogprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vpvmlogprintf((char *)fmt, ap);
	va_end(ap);
	return n;
}

/* "s: strerror(errno)".  A NULL s is reported first, as PVM does. */
int pvmlogperror(char *s)
{
	int e = errno;
	const char *text = strerror(e);

	if (s == NULL) {
		pvmlogprintf("NULL STRING PASSED TO pvmlogperror() errno=%d\n", e);
		s = "(null string passed to pvmlogperror()...)";
	}
	pvmlogprintf("%s: %s\n", s, text);
	return 0;
}

/* n bytes in hex, 16 to a line, each line led by pad and logged with
 * pvmlogerror.  Always 0 (PVM's 1 is for a failed malloc; none here). */
int pvmhdump(char *cp, int n, char *pad)
{
	const unsigned char *p = (const unsigned char *)cp;
	char hex[16 * 3 + 1];
	char who[32];

	if (cp == NULL || n <= 0)
		return 0;
	if (pad == NULL)
		pad = "";
	log_who(who, sizeof(who));
	for (int i = 0; i < n; i += 16) {
		size_t used = 0;

		for (int j = i; j < n && j < i + 16; j++)
			used += (size_t)snprintf(hex + used, sizeof(hex) - used, "%s%02x",
			                         j > i ? " " : "", p[j]);
		/* one write per line, as pvmlogerror would make it */
		fprintf(stderr, "libpvm [%s]: %s%s\n", who, pad, hex);
	}
	return 0;
}

/* "pad" and the descriptors below n set in f, comma-separated, through
 * pvmlogprintf.  Always 0. */
int print_fdset(char *pad, int n, fd_set *f)
{
	const char *sep = "";

	pvmlogprintf("%s", pad != NULL ? pad : "(null)");
	if (n > FD_SETSIZE)
		n = FD_SETSIZE;
	for (int fd = 0; f != NULL && fd < n; fd++) {
		if (FD_ISSET(fd, f)) {
			pvmlogprintf("%s%d", sep, fd);
			sep = ",";
		}
	}
	pvmlogprintf("\n");
	return 0;
}

/*
 * PVM's low-level code calls pvmbailout before it gives up (then exits
 * by itself); in PVM's library, unlike in its daemon, it does nothing.
 * Here too: the caller's exit closes the daemon connection, and the
 * daemon takes that as the task's exit, as for any task that ends
 * without pvm_exit.
 */
void pvmbailout(int n)
{
	(void)n;
}

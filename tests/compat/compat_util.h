/*
 * compat_util.h - what the compatibility programs share: "ok/FAIL/SKIP"
 * check lines, the libpvm3.so.3 the loader gave us (dladdr), and the
 * reports a spawned worker sends back to its master so its checks show
 * up in the master's output.  Built against the REFERENCE pvm3.h.
 *
 * SKIP is for one thing only: a call that answered PvmNotImpl, i.e. a
 * library that does not have the function yet.  A wrong answer is a FAIL.
 */
#ifndef COMPAT_UTIL_H
#define COMPAT_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, RTLD_DEFAULT */
#endif
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* NOTMPNAM: declare pvmtmpnam() and size PVMTMPNAMLEN for it (128) */
#define NOTMPNAM
#include <pvm3.h>

/* the exit status of a program whose checks could not run because the
 * library answered PvmNotImpl (automake's "skipped") */
#define COMPAT_EXIT_SKIP 77

/* PVM 3.4.6 exports these but its header does not declare them;
 * programs that use them declare them like this */
extern int pvm_errno;
extern int pvm_nerr;
extern char *pvm_errlist[];

static int compat_failures;
static int compat_skips;

/* A worker's lines go into compat_report (sent to its master by
 * compat_report_send) instead of its own stdout, which the daemon owns. */
static int compat_collect;
static char compat_report[16384];
static size_t compat_report_len;

__attribute__((format(printf, 1, 2))) static void compat_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!compat_collect) {
		vprintf(fmt, ap);
		putchar('\n');
		fflush(stdout);
	} else if (compat_report_len < sizeof(compat_report)) {
		size_t room = sizeof(compat_report) - compat_report_len;
		int n = vsnprintf(compat_report + compat_report_len, room, fmt, ap);
		if (n > 0 && (size_t)n + 1 < room) {
			compat_report_len += (size_t)n;
			compat_report[compat_report_len++] = '\n';
			compat_report[compat_report_len] = '\0';
		} else {
			compat_report_len = sizeof(compat_report);
		}
	}
	va_end(ap);
}

static void compat_check(int cond, const char *who, const char *what)
{
	compat_line("%s - %s: %s", cond ? "ok" : "FAIL", who, what);
	if (!cond)
		compat_failures++;
}

/*
 * compat_check_known: a check where pvmx is known to differ from PVM
 * 3.4.6 (to be listed in docs/compat.md; none is at present).  cond is
 * PVM 3.4.6's answer; known is pvmx's known wrong one, shown as an XFAIL
 * line and not counted.  Any other answer is a FAIL, and the right one
 * an ok.
 */
__attribute__((unused)) static void compat_check_known(int cond, int known,
                                                       const char *who, const char *what,
                                                       const char *note)
{
	if (!cond && known)
		compat_line("XFAIL - %s: %s: %s, a known difference", who, what, note);
	else
		compat_check(cond, who, what);
}

/*
 * compat_notimpl: 1 (and a SKIP line) if cc is PvmNotImpl, the answer of
 * a library that does not have fn yet; 0 otherwise, for the caller to
 * check cc as usual.
 */
__attribute__((unused)) static int compat_notimpl(int cc, const char *who, const char *fn)
{
	if (cc != PvmNotImpl)
		return 0;
	compat_line("SKIP - %s: %s returned PvmNotImpl (%d): not in this library yet",
	            who, fn, cc);
	compat_skips++;
	return 1;
}

/*
 * The file the dynamic loader took pvm_mytid from.  dladdr(&pvm_mytid) is
 * the direct answer; if the address is the executable's own PLT stub (a
 * non-PIE build), ask the loader for the definition instead.
 */
__attribute__((unused)) static const char *compat_library_path(void)
{
	static char path[PATH_MAX];
	Dl_info info, exe;

	/* compat_check is in the executable: that tells us its base */
	memset(&exe, 0, sizeof(exe));
	dladdr((void *)&compat_check, &exe);
	if (dladdr((void *)&pvm_mytid, &info) == 0 || info.dli_fname == NULL ||
	    (exe.dli_fbase != NULL && info.dli_fbase == exe.dli_fbase)) {
		void *sym = dlsym(RTLD_DEFAULT, "pvm_mytid");
		if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL)
			return "unknown";
	}
	if (realpath(info.dli_fname, path) == NULL)
		snprintf(path, sizeof(path), "%s", info.dli_fname);
	return path;
}

/*
 * A worker's report: its failure and skip counts, its library, and its
 * collected lines, sent to tid with tag in the current context.  Uses a
 * buffer of its own so the caller's send buffer is left as it was.
 */
__attribute__((unused)) static int compat_report_send(int tid, int tag)
{
	int buf = pvm_mkbuf(PvmDataDefault);
	int old = pvm_setsbuf(buf);
	char lib[PATH_MAX];
	int cc;

	snprintf(lib, sizeof(lib), "%s", compat_library_path());
	cc = pvm_pkint(&compat_failures, 1, 1);
	if (cc >= 0)
		cc = pvm_pkint(&compat_skips, 1, 1);
	if (cc >= 0)
		cc = pvm_pkstr(lib);
	if (cc >= 0)
		cc = pvm_pkstr(compat_report);
	if (cc >= 0)
		cc = pvm_send(tid, tag);
	pvm_setsbuf(old);
	pvm_freebuf(buf);
	return cc;
}

/*
 * compat_report_take: wait (at most secs) for the report of worker tid,
 * print its lines under name, and count its failures and skips as ours.
 * Prints "worker library: PATH" for the driver.  Returns 0, or -1 (and a
 * FAIL) if no report came.
 */
__attribute__((unused)) static int compat_report_take(const char *who, const char *name,
                                                      int tid, int tag, int secs)
{
	struct timeval tmo = {secs, 0};
	char lib[PATH_MAX], what[256];
	static char text[sizeof(compat_report) + 1];
	int nfail = 0, nskip = 0;
	int bufid = pvm_trecv(tid, tag, &tmo);

	if (bufid <= 0 || pvm_upkint(&nfail, 1, 1) < 0 || pvm_upkint(&nskip, 1, 1) < 0 ||
	    pvm_upkstr(lib) < 0 || pvm_upkstr(text) < 0) {
		snprintf(what, sizeof(what),
		         "report of %s t%x (tag %d) within %d s: got %d", name, tid, tag,
		         secs, bufid);
		compat_check(0, who, what);
		return -1;
	}
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
		compat_line("    [%s t%x] %s", name, tid, line);
	compat_line("worker library: %s", lib);
	compat_failures += nfail;
	compat_skips += nskip;
	return 0;
}

/* a master's last word and exit status: failures first, then skips */
__attribute__((unused)) static int compat_finish(const char *who)
{
	if (compat_failures > 0) {
		compat_line("%s: %d check(s) failed", who, compat_failures);
		return 1;
	}
	if (compat_skips > 0) {
		compat_line("%s: skipped (%d call(s) answered PvmNotImpl)", who,
		            compat_skips);
		return COMPAT_EXIT_SKIP;
	}
	compat_line("%s: all checks passed", who);
	return 0;
}

#endif

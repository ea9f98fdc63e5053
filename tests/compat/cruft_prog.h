/*
 * cruft_prog.h - calls every utility function PVM 3.4.6's libpvm3.so.3
 * exports outside pvm3.h (pvmxtoi, pvmmatchstring, pvmlogprintf,
 * i_malloc, ...) with ordinary and edge-case inputs, and prints one
 * "what: result" line per result, for tests/integration/test_cruft.sh to
 * diff between the reference library and ours.  Results that must differ
 * (a path, an address, a pid) are printed in a comparable form; "#"
 * lines are information, not compared.  What a call writes to stderr is
 * captured into its line; calls that may abort or crash run in a child.
 * No daemon is needed.  The stateless checks are in cruft_pure.h.
 *
 * "task" as argument: run as a PVM task instead (needs a daemon), log
 * through pvmlogerror/pvmlogprintf as one, show pvmdsockfile, then end by
 * pvmbailout and exit(1), without pvm_exit.  "tasks": print how many
 * tasks the virtual machine has, and leave it.
 */
#ifndef CRUFT_PROG_H
#define CRUFT_PROG_H

#include "cruft_pure.h"

/* ------------------------------------------- NULL where PVM has no check */

static void null_xtoi(void)
{
	printf("%d", pvmxtoi(NULL));
}
static void null_strtoi(void)
{
	printf("%d", pvmstrtoi(NULL));
}
static void null_errnamecode(void)
{
	printf("%d", errnamecode(NULL));
}
static void null_match_str(void)
{
	printf("%d", pvmmatchstring(NULL, "a"));
}
static void null_match_str_star(void)
{
	printf("%d", pvmmatchstring(NULL, "*"));
}
static void null_match_pattern(void)
{
	printf("%d", pvmmatchstring("a", NULL));
}
static void null_freeenv(void)
{
	printf("%d", pvmfreeenv(NULL));
}
static void null_hdump(void)
{
	printf("%d", pvmhdump(NULL, 0, "x"));
}

static void null_hex_inadport(void)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	hex_inadport(NULL, &sa);
	printf("%s", inadport_hex(&sa));
}

static void null_envinsert_list(void)
{
	char **env = NULL;
	int rc = pvmenvinsert(&env, "A=1");

	printf("%d, %s", rc, env != NULL && env[0] != NULL ? env[0] : "no list");
}

static void check_nulls(void)
{
	cruft_child("pvmxtoi(NULL)", null_xtoi, CHILD_PLAIN);
	cruft_child("pvmstrtoi(NULL)", null_strtoi, CHILD_PLAIN);
	cruft_child("errnamecode(NULL)", null_errnamecode, CHILD_PLAIN);
	cruft_child("pvmmatchstring(NULL, \"a\")", null_match_str, CHILD_PLAIN);
	cruft_child("pvmmatchstring(NULL, \"*\")", null_match_str_star, CHILD_PLAIN);
	cruft_child("pvmmatchstring(\"a\", NULL)", null_match_pattern, CHILD_PLAIN);
	cruft_child("hex_inadport(NULL)", null_hex_inadport, CHILD_PLAIN);
	cruft_child("pvmfreeenv(NULL)", null_freeenv, CHILD_PLAIN);
	cruft_child("pvmenvinsert into a NULL list", null_envinsert_list, CHILD_PLAIN);
	cruft_child("pvmhdump(NULL, 0, \"x\")", null_hdump, CHILD_PLAIN);
}

/* ---------------------------------------------------------------- paths */

static const char *yes(int cond)
{
	return cond ? "yes" : "no";
}

static void home_unset(void)
{
	char *h;

	unsetenv("HOME");
	h = pvmgethome();
	printf("%s, then %s", h, pvmgethome());
}

static void home_empty(void)
{
	setenv("HOME", "", 1);
	printf("\"%s\"", pvmgethome());
}

static void root_unset(void)
{
	struct stat st;
	const char *env;
	char *r;

	unsetenv("PVM_ROOT");
	r = pvmgetroot();
	env = getenv("PVM_ROOT");
	cruft_info("pvmgetroot() without PVM_ROOT: %s", r);
	printf("an existing directory: %s, exported as PVM_ROOT: %s",
	       yes(r != NULL && stat(r, &st) == 0 && S_ISDIR(st.st_mode)),
	       yes(r != NULL && env != NULL && strcmp(env, r) == 0));
}

static void root_empty(void)
{
	setenv("PVM_ROOT", "", 1);
	printf("\"%s\"", pvmgetroot());
}

static void chkuid_user(void)
{
	pvmchkuid(1000);
	printf("returned");
}
static void chkuid_minus(void)
{
	pvmchkuid(-1);
	printf("returned");
}

static void chkuid_root(void)
{
	unsetenv("PVM_ALLOW_ROOT");
	pvmchkuid(0);
	printf("returned");
}

static void chkuid_root_allowed(void)
{
	setenv("PVM_ALLOW_ROOT", "", 1);
	pvmchkuid(0);
	printf("returned");
}

/* home and root are taken at the first call: these children come first */
static void check_paths_unset(void)
{
	cruft_child("pvmgethome() without HOME", home_unset, CHILD_PLAIN);
	cruft_child("pvmgethome() with HOME=\"\"", home_empty, CHILD_PLAIN);
	cruft_child("pvmgetroot() without PVM_ROOT", root_unset, CHILD_PLAIN);
	cruft_child("pvmgetroot() with PVM_ROOT=\"\"", root_empty, CHILD_PLAIN);
}

static void check_paths(void)
{
	const char *home = getenv("HOME"), *root = getenv("PVM_ROOT");
	const char *tmp = getenv("PVM_TMP"), *vmid = getenv("PVM_VMID");
	char *h = pvmgethome(), *r = pvmgetroot(), *s, *d;
	char under[1024];

	compat_line("pvmgethome(): $HOME: %s, the same pointer next time: %s",
	            yes(home != NULL && strcmp(h, home) == 0), yes(pvmgethome() == h));
	compat_line("pvmgetroot(): $PVM_ROOT: %s, the same pointer next time: %s",
	            yes(root != NULL && strcmp(r, root) == 0), yes(pvmgetroot() == r));
	s = pvmdsockfile();
	cruft_info("pvmdsockfile(): %s", s ? s : "NULL");
	snprintf(under, sizeof(under), "%s/", tmp ? tmp : "/tmp");
	compat_line(
	    "pvmdsockfile(): absolute: %s, under $PVM_TMP: %s, names $PVM_VMID: %s",
	    yes(s != NULL && s[0] == '/'),
	    yes(s != NULL && strncmp(s, under, strlen(under)) == 0),
	    yes(s != NULL && vmid != NULL && strstr(s, vmid) != NULL));
	d = pvmgetpvmd();
	cruft_info("pvmgetpvmd(): %s", d ? d : "NULL");
	compat_line("pvmgetpvmd(): absolute: %s, executable: %s",
	            yes(d != NULL && d[0] == '/'),
	            yes(d != NULL && access(d, X_OK) == 0));

	cruft_child("pvmchkuid(1000)", chkuid_user, CHILD_PLAIN);
	cruft_child("pvmchkuid(-1)", chkuid_minus, CHILD_PLAIN);
	cruft_child("pvmchkuid(0) without PVM_ALLOW_ROOT", chkuid_root, CHILD_SUMMARY);
	cruft_child("pvmchkuid(0) with PVM_ALLOW_ROOT=\"\"", chkuid_root_allowed,
	            CHILD_PLAIN);
}

/* -------------------------------------------------------------- logging */

static char log_rcs[256]; /* the return codes of a sequence of calls */

static void log_rc(int rc)
{
	size_t used = strlen(log_rcs);

	snprintf(log_rcs + used, sizeof(log_rcs) - used, "%s%d", used ? "," : "", rc);
}

static int cruft_vlog(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vpvmlogprintf((char *)fmt, ap);
	va_end(ap);
	return rc;
}

/* what: the return codes of the calls in body, and what they logged */
#define LOG_CASE(what, body)                                                             \
	do {                                                                             \
		log_rcs[0] = '\0';                                                       \
		cruft_capture_begin();                                                   \
		body;                                                                    \
		cruft_capture_end(esc, sizeof(esc));                                     \
		compat_line("%s: returns %s, stderr \"%s\"", what, log_rcs, esc);        \
	} while (0)

static void check_logging(void)
{
	static char esc[CRUFT_TEXT];
	unsigned char bytes[40];
	fd_set fds;

	for (int i = 0; i < (int)sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 7 + 0x70);

	LOG_CASE("pvmlogerror(\"one\\n\")", log_rc(pvmlogerror("one\n")));
	LOG_CASE("pvmlogerror(\"nonl\") twice",
	         (log_rc(pvmlogerror("nonl")), log_rc(pvmlogerror("nonl"))));
	LOG_CASE("pvmlogerror(\"\")", log_rc(pvmlogerror("")));
	LOG_CASE("pvmlogerror(NULL)", log_rc(pvmlogerror(NULL)));
	LOG_CASE("pvmlogerror(\"%d%s\\n\")", log_rc(pvmlogerror("%d%s\n")));
	LOG_CASE("pvmlogprintf(\"a%d\", 1), (\"b%d\\n\", 2), (\"c\\n\")",
	         (log_rc(pvmlogprintf("a%d", 1)), log_rc(pvmlogprintf("b%d\n", 2)),
	          log_rc(pvmlogprintf("c\n"))));
	LOG_CASE("pvmlogprintf(\"%s\", \"x\\n\"), (\"y\\n\"), (\"z\\n\")",
	         (log_rc(pvmlogprintf("%s", "x\n")), log_rc(pvmlogprintf("y\n")),
	          log_rc(pvmlogprintf("z\n"))));
	LOG_CASE(
	    "pvmlogprintf(\"mid\"), pvmlogerror(\"err\\n\"), pvmlogprintf(\"after\\n\")",
	    (log_rc(pvmlogprintf("mid")), log_rc(pvmlogerror("err\n")),
	     log_rc(pvmlogprintf("after\n"))));
	LOG_CASE("vpvmlogprintf(\"v%d-%s\\n\", 3, \"z\")",
	         log_rc(cruft_vlog("v%d-%s\n", 3, "z")));
	LOG_CASE("pvmlogprintf(\"%5.2f|%-4s|%x\\n\", 3.14159, \"ab\", 255)",
	         log_rc(pvmlogprintf("%5.2f|%-4s|%x\n", 3.14159, "ab", 255)));
	LOG_CASE("pvmlogperror(\"perr\") with errno ENOENT",
	         (errno = ENOENT, log_rc(pvmlogperror("perr"))));
	LOG_CASE("pvmlogperror(\"x\") with errno EACCES",
	         (errno = EACCES, log_rc(pvmlogperror("x"))));
	LOG_CASE("pvmlogperror(\"big\") with errno 12345",
	         (errno = 12345, log_rc(pvmlogperror("big"))));
	LOG_CASE("pvmlogperror(NULL) with errno 0",
	         (errno = 0, log_rc(pvmlogperror(NULL))));

	LOG_CASE("pvmhdump(20 bytes, \"pad: \")",
	         log_rc(pvmhdump((char *)bytes, 20, "pad: ")));
	LOG_CASE("pvmhdump(16 bytes, \"p \")", log_rc(pvmhdump((char *)bytes, 16, "p ")));
	LOG_CASE("pvmhdump(33 bytes, \"\")", log_rc(pvmhdump((char *)bytes, 33, "")));
	LOG_CASE("pvmhdump(1 byte, NULL)", log_rc(pvmhdump((char *)bytes, 1, NULL)));
	LOG_CASE("pvmhdump(0 bytes, \"x\")", log_rc(pvmhdump((char *)bytes, 0, "x")));
	LOG_CASE("pvmhdump(-3 bytes, \"x\")", log_rc(pvmhdump((char *)bytes, -3, "x")));

	FD_ZERO(&fds);
	FD_SET(0, &fds);
	FD_SET(3, &fds);
	FD_SET(9, &fds);
	LOG_CASE("print_fdset(\"fds: \", 10, {0,3,9})",
	         log_rc(print_fdset("fds: ", 10, &fds)));
	LOG_CASE("print_fdset(\"fds: \", 4, {0,3,9})",
	         log_rc(print_fdset("fds: ", 4, &fds)));
	LOG_CASE("print_fdset(\"\", 10, {0,3,9})", log_rc(print_fdset("", 10, &fds)));
	LOG_CASE("print_fdset(NULL, 10, {0,3,9})", log_rc(print_fdset(NULL, 10, &fds)));
	LOG_CASE("print_fdset(\"n0 \", 0, {0,3,9})", log_rc(print_fdset("n0 ", 0, &fds)));
	LOG_CASE("pvmlogprintf(\"open \"), print_fdset(\"fds \", 10, {0,3,9})",
	         (log_rc(pvmlogprintf("open ")), log_rc(print_fdset("fds ", 10, &fds))));
	FD_ZERO(&fds);
	LOG_CASE("print_fdset(\"none\", 10, {})", log_rc(print_fdset("none", 10, &fds)));
	FD_SET(FD_SETSIZE - 1, &fds);
	LOG_CASE("print_fdset(\"last \", FD_SETSIZE, {FD_SETSIZE-1})",
	         log_rc(print_fdset("last ", FD_SETSIZE, &fds)));

	LOG_CASE("pvmbailout(0), pvmbailout(1)",
	         (pvmbailout(0), pvmbailout(1), log_rc(0)));
}

/* ----------------------------------------------------------- allocator */

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* i_dump(how), its lines after the first sorted (their order follows
 * heap addresses), one result line each */
static void show_dump(const char *what, int how)
{
	static char raw[CRUFT_TEXT];
	char *lines[256], esc[512];
	int n = 0;

	cruft_capture_begin();
	i_dump(how);
	cruft_capture_end_raw(raw, sizeof(raw));
	for (char *l = strtok(raw, "\n"); l != NULL && n < 256; l = strtok(NULL, "\n"))
		lines[n++] = l;
	if (n > 2)
		qsort(lines + 1, (size_t)n - 1, sizeof(lines[0]), cmp_lines);
	compat_line("%s: %d line(s)", what, n);
	for (int i = 0; i < n; i++) {
		cruft_escape(lines[i], esc, sizeof(esc));
		compat_line("%s line %d: \"%s\"", what, i + 1, esc);
	}
}

static void free_first(void)
{
	i_free((char *)&cruft_info_fd);
}
static void realloc_first(void)
{
	i_realloc((char *)&cruft_info_fd, 8);
}
static void bogus_free(void)
{
	i_free(i_malloc(4, "bf") + 1);
}
static void bogus_realloc(void)
{
	i_realloc(i_malloc(4, "br") + 1, 8);
}
static void free_null(void)
{
	i_free(NULL);
}
static void pvm_free_null(void)
{
	pvm_free(NULL);
}
static void too_big(void)
{
	i_malloc(0x100001, "big");
}
static void huge(void)
{
	i_malloc(0xffffffffu, "huge");
}
static void realloc_too_big(void)
{
	i_realloc(i_malloc(4, "rb"), 0x100001);
}
static void pvm_alloc_too_big(void)
{
	pvm_alloc(0x200000, "pab");
}
static void choke(void)
{
	i_choke();
}

static void double_free(void)
{
	char *p = i_malloc(10, "df");

	printf("first %d", i_free(p));
	fflush(stdout);
	i_free(p);
}

/* bytes flipped, so they differ from whatever the guard held */
static void scribble_after(void)
{
	char *p = i_malloc(10, "tl");

	memset(p, 1, 10);
	p[10] = (char)~p[10];
	p[13] = (char)~p[13];
	i_dump(0);
	i_dump(1);
	i_free(p);
}

static void scribble_before(void)
{
	char *p = i_malloc(10, "hd");

	memset(p, 2, 10);
	p[-1] = (char)~p[-1];
	p[-16] = (char)~p[-16];
	i_dump(1);
	i_realloc(p, 20);
}

static void check_allocator_first(void)
{
	cruft_child("i_free before any i_malloc", free_first, CHILD_PLAIN);
	cruft_child("i_realloc before any i_malloc", realloc_first, CHILD_PLAIN);
}

static void check_allocator(void)
{
	char *p, *q, *r, *c, *big;
	int kept = 1;

	p = i_malloc(10, "abcdef");
	memset(p, 'p', 10);
	memcpy(p, "hi\001\177x", 5);
	q = i_malloc(0, NULL);
	q[0] = 'q';
	r = pvm_alloc(40, "tag");
	memset(r, 'z', 40);
	c = i_malloc(30, "ctl");
	for (int i = 0; i < 30; i++)
		c[i] = (char)(i * 9 + 120);
	big = i_malloc(0x100000, "big");
	compat_line("i_malloc(1 MiB): %s", big != NULL ? "a block" : "NULL");
	memset(big, 0, 0x100000);
	compat_line("i_free(the 1 MiB block): %d", i_free(big));
	show_dump("i_dump(0) of four new blocks", 0);
	show_dump("i_dump(1) again", 1);

	p = i_realloc(p, 100);
	kept = p != NULL && memcmp(p, "hi\001\177xppppp", 10) == 0;
	compat_line("i_realloc(10 -> 100) keeps the contents: %s", yes(kept));
	memset(p + 10, 'P', 90);
	r = pvm_realloc(r, 5);
	compat_line("pvm_realloc(40 -> 5) keeps the contents: %s",
	            yes(memcmp(r, "zzzzz", 5) == 0));
	q = i_realloc(q, 0);
	q[0] = 'Q';
	show_dump("i_dump(1) after three i_realloc", 1);

	compat_line("i_free: %d", i_free(p));
	pvm_free(q);
	compat_line("i_free: %d", i_free(r));
	compat_line("i_free: %d", i_free(c));
	show_dump("i_dump(1) with nothing left", 1);

	cruft_child("i_free of a pointer into a block", bogus_free, CHILD_PLAIN);
	cruft_child("i_realloc of a pointer into a block", bogus_realloc, CHILD_PLAIN);
	cruft_child("i_free twice", double_free, CHILD_PLAIN);
	cruft_child("i_free(NULL)", free_null, CHILD_PLAIN);
	cruft_child("pvm_free(NULL)", pvm_free_null, CHILD_PLAIN);
	cruft_child("i_malloc(1 MiB + 1)", too_big, CHILD_PLAIN);
	cruft_child("i_malloc(0xffffffff)", huge, CHILD_PLAIN);
	cruft_child("i_realloc(p, 1 MiB + 1)", realloc_too_big, CHILD_PLAIN);
	cruft_child("pvm_alloc(2 MiB)", pvm_alloc_too_big, CHILD_PLAIN);
	cruft_child("guard bytes after a block overwritten", scribble_after, CHILD_PLAIN);
	cruft_child("guard bytes before a block overwritten", scribble_before,
	            CHILD_PLAIN);
	cruft_child("i_choke()", choke, CHILD_PLAIN);
}

/* -------------------------------------------------------- clock, sleep */

static double seconds_since(const struct timeval *t0)
{
	struct timeval now;

	gettimeofday(&now, NULL);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_usec - t0->tv_usec) / 1e6;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void check_clock(void)
{
	struct timeval a, b, t0;
	/* every 0.3 s, so one lands within the sleep however late it starts */
	struct itimerval it = {{0, 300000}, {0, 300000}}, off = {{0, 0}, {0, 0}};
	struct sigaction sa;
	int ra, rb, r;
	double dt;

	gettimeofday(&t0, NULL);
	ra = pvmgetclock(&a);
	rb = pvmgetclock(&b);
	compat_line(
	    "pvmgetclock: returns %d and %d, within 2 s of gettimeofday: %s, "
	    "usec in [0, 1e6): %s, second not earlier: %s",
	    ra, rb, yes(a.tv_sec >= t0.tv_sec - 2 && a.tv_sec <= t0.tv_sec + 2),
	    yes(a.tv_usec >= 0 && a.tv_usec < 1000000),
	    yes(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_usec >= a.tv_usec)));

	gettimeofday(&t0, NULL);
	r = pvmsleep(0);
	compat_line("pvmsleep(0): returns %d, at once: %s", r,
	            yes(seconds_since(&t0) < 0.5));
	gettimeofday(&t0, NULL);
	r = pvmsleep(1);
	dt = seconds_since(&t0);
	compat_line("pvmsleep(1): returns %d, after 0.9 to 5 s: %s", r,
	            yes(dt >= 0.9 && dt < 5));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: the signal ends the sleep */
	sigaction(SIGALRM, &sa, NULL);
	gettimeofday(&t0, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	r = pvmsleep(3);
	dt = seconds_since(&t0);
	setitimer(ITIMER_REAL, &off, NULL);
	compat_line("pvmsleep(3) interrupted by a signal at 0.3 s: returns 2 or 3: %s, "
	            "early: %s",
	            yes(r == 2 || r == 3), yes(dt < 2.9));
	signal(SIGALRM, SIG_DFL);
}

/* ----------------------------------------------------- as a PVM task */

static int cruft_task(void)
{
	static char esc[CRUFT_TEXT];
	int tid = pvm_mytid();
	char *s;

	if (tid < 0) {
		printf("task: pvm_mytid() = %d\n", tid);
		return 2;
	}
	printf("tid: t%x\n", (unsigned)tid);
	log_rcs[0] = '\0';
	cruft_capture_begin();
	log_rc(pvmlogerror("as a task\n"));
	log_rc(pvmlogprintf("printf %d\n", 7));
	cruft_capture_end(esc, sizeof(esc));
	printf("task log: returns %s, stderr \"%s\"\n", log_rcs, esc);
	s = pvmdsockfile();
	printf("pvmdsockfile: %s\n", s ? s : "NULL");
	printf("bailing out\n");
	fflush(stdout);
	pvmbailout(1);
	exit(1);
}

static int cruft_tasks(void)
{
	struct pvmtaskinfo *ti;
	int ntask = -1, cc = pvm_tasks(0, &ntask, &ti);

	printf("tasks: %d (pvm_tasks %d)\n", ntask, cc);
	pvm_exit();
	return cc < 0;
}

/* --------------------------------------------------------------- main */

static int cruft_main(const char *who, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "task") == 0)
		return cruft_task();
	if (argc > 1 && strcmp(argv[1], "tasks") == 0)
		return cruft_tasks();

	cruft_info_fd = dup(1);
	cruft_info("%s, library: %s", who, compat_library_path());
	/* first: what depends on nothing having been called yet */
	check_paths_unset();
	check_allocator_first();

	check_numbers();
	check_bytes();
	check_match();
	check_crc();
	check_flags_and_names();
	check_inadport();
	check_envlists();
	check_putenv();
	check_nulls();
	check_paths();
	check_logging();
	check_allocator();
	check_clock();
	compat_line("cruft: done");
	return 0;
}

#endif

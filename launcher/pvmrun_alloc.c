/*
 * pvmrun_alloc.c - the hosts and slots of the batch allocation pvmrun runs
 * in: Slurm (SLURM_JOB_NODELIST, SLURM_TASKS_PER_NODE), PBS/Torque
 * (PBS_NODEFILE) or LSF (LSB_DJOB_HOSTFILE, LSB_MCPU_HOSTS). docs/batch.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "pvmrun_alloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* a tid holds 12 bits of host index and 18 of task number */
#define ALLOC_HOSTS_MAX 4095
#define ALLOC_SLOTS_MAX 262143
/* scontrol prints one name a line: the most it can say for ALLOC_HOSTS_MAX */
#define SCONTROL_OUT_MAX ((size_t)ALLOC_HOSTS_MAX * 257)
#define SCONTROL_TIMEOUT_MS 10000
/* a bad value quoted in a message: 60 bytes at most */
#define SHOW_SIZE 64

struct hostlist {
	struct pvmrun_host *h;
	int n, cap;
	const char *src; /* the variable or file named in messages */
};

/* s[0..len) with anything unprintable as '?', cut at 60 bytes, in buf. */
static const char *printable(char buf[static SHOW_SIZE], const char *s, size_t len)
{
	size_t i, n = len < SHOW_SIZE - 4 ? len : SHOW_SIZE - 4;

	for (i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (n < len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* A host name as a remote shell may be handed it: letters, digits, '.',
 * '-', '_', never starting with '-' (an option) or '.'. */
static const char *name_fault(const char *s, size_t len)
{
	if (len == 0)
		return "an empty host name";
	if (len >= sizeof(((struct pvmrun_host *)0)->name))
		return "a host name over 255 bytes";
	if (s[0] == '-' || s[0] == '.')
		return "a host name starting with '-' or '.'";
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' &&
		    s[i] != '_')
			return "a character not allowed in a host name";
	return NULL;
}

/* Adds slots to name, first seen first (a host listed twice is one host
 * with both counts). -1 after saying why. */
static int hl_add(struct hostlist *l, const char *name, size_t len, int slots)
{
	const char *fault = name_fault(name, len);
	char show[SHOW_SIZE];
	int i;

	if (fault != NULL && len == 0) {
		fprintf(stderr, "pvmrun: %s: %s\n", l->src, fault);
		return -1;
	}
	if (fault != NULL) {
		fprintf(stderr, "pvmrun: %s: %s: \"%s\"\n", l->src, fault,
		        printable(show, name, len));
		return -1;
	}
	for (i = 0; i < l->n; i++)
		if (strlen(l->h[i].name) == len && memcmp(l->h[i].name, name, len) == 0)
			break;
	if (i == l->n) {
		if (l->n == ALLOC_HOSTS_MAX) {
			fprintf(stderr, "pvmrun: %s: more than %d hosts\n", l->src,
			        ALLOC_HOSTS_MAX);
			return -1;
		}
		if (l->n == l->cap) {
			int cap = l->cap ? l->cap * 2 : 16;
			struct pvmrun_host *h = realloc(l->h, (size_t)cap * sizeof(*h));

			if (h == NULL) {
				fprintf(stderr, "pvmrun: %s: out of memory\n", l->src);
				return -1;
			}
			l->h = h;
			l->cap = cap;
		}
		memcpy(l->h[i].name, name, len);
		l->h[i].name[len] = '\0';
		l->h[i].slots = 0;
		l->n++;
	}
	if (slots > ALLOC_SLOTS_MAX - l->h[i].slots) {
		fprintf(stderr, "pvmrun: %s: more than %d slots on %s\n", l->src,
		        ALLOC_SLOTS_MAX, l->h[i].name);
		return -1;
	}
	l->h[i].slots += slots;
	return 0;
}

/* A decimal count in s[0..len): 1..max, at most 9 digits; else -1. */
static long count_parse(const char *s, size_t len, long min, long max)
{
	long v = 0;

	if (len == 0 || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= min && v <= max ? v : -1;
}

/*
 * The built-in hostlist expander, for when scontrol is absent or fails:
 * names separated by commas, each literal text and any number of bracket
 * groups of decimal numbers and ranges, "node[1-3,5]", "n[01-10]" (the low
 * bound's leading zeros give the width), "r[1-2]n[1-4]", "a,b[7]".
 * Rejected: nested brackets, text after the last group (as Slurm 22.05
 * does), empty names ("a,,b", which Slurm skips), anything but
 * [A-Za-z0-9._-] in a name.  A name listed twice is one host.  name[0..nlen) is what the
 * groups before this one made; each level adds at least one digit to it, so the recursion
 * is at most 255 deep.
 */
static int expand_entry(struct hostlist *l, const char *s, size_t len, char *name,
                        size_t nlen)
{
	const char *lb = memchr(s, '[', len), *rb, *p;
	size_t lit = lb != NULL ? (size_t)(lb - s) : len;
	char show[SHOW_SIZE];

	if (lb == NULL && nlen > 0 && lit > 0) {
		fprintf(stderr, "pvmrun: %s: text after the last ']' in \"%s\"\n", l->src,
		        printable(show, s, len));
		return -1;
	}
	if (nlen + lit >= 256) {
		fprintf(stderr, "pvmrun: %s: a host name over 255 bytes\n", l->src);
		return -1;
	}
	memcpy(name + nlen, s, lit);
	nlen += lit;
	if (lb == NULL)
		return hl_add(l, name, nlen, 0);
	rb = memchr(lb, ']', len - lit);
	p = memchr(lb + 1, '[', len - lit - 1);
	if (rb == NULL || (p != NULL && p < rb)) {
		fprintf(stderr, "pvmrun: %s: a '[' without its ']' in \"%s\"\n", l->src,
		        printable(show, s, len));
		return -1;
	}
	for (p = lb + 1; p <= rb;) {
		const char *end = memchr(p, ',', (size_t)(rb - p));
		const char *dash;
		long lo, hi;
		int width = 0;

		if (end == NULL)
			end = rb;
		dash = memchr(p, '-', (size_t)(end - p));
		lo = count_parse(p, (size_t)((dash ? dash : end) - p), 0, 999999999);
		hi = dash ? count_parse(dash + 1, (size_t)(end - dash - 1), 0, 999999999)
		          : lo;
		if (lo < 0 || hi < lo) {
			fprintf(stderr, "pvmrun: %s: a bad range \"%s\"\n", l->src,
			        printable(show, p, (size_t)(end - p)));
			return -1;
		}
		if (*p == '0' && (dash ? dash : end) - p > 1)
			width = (int)((dash ? dash : end) - p);
		for (long v = lo; v <= hi; v++) {
			char num[16];
			int w = snprintf(num, sizeof(num), "%0*ld", width, v);

			if (nlen + (size_t)w >= 256) {
				fprintf(stderr,
				        "pvmrun: %s: a host name over 255 bytes\n",
				        l->src);
				return -1;
			}
			memcpy(name + nlen, num, (size_t)w);
			if (expand_entry(l, rb + 1, len - (size_t)(rb + 1 - s), name,
			                 nlen + (size_t)w) != 0)
				return -1;
		}
		p = end + 1;
	}
	return 0;
}

static int expand_builtin(struct hostlist *l, const char *list)
{
	char name[256];
	const char *s = list;

	if (*s == '\0') {
		fprintf(stderr, "pvmrun: %s: empty\n", l->src);
		return -1;
	}
	while (*s != '\0') {
		const char *e = s;
		int depth = 0;

		/* commas inside brackets do not end a name */
		for (; *e != '\0' && (*e != ',' || depth); e++)
			depth = *e == '[' ? 1 : *e == ']' ? 0 : depth;
		if (expand_entry(l, s, (size_t)(e - s), name, 0) != 0)
			return -1;
		if (*e == ',' && e[1] == '\0') {
			fprintf(stderr, "pvmrun: %s: ends with ','\n", l->src);
			return -1;
		}
		s = *e == ',' ? e + 1 : e;
	}
	return 0;
}

/* path = the executable name found on PATH; 0, or -1 when none is */
static int path_find(const char *name, char *path, size_t size)
{
	const char *p = getenv("PATH");

	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, ':');
		int len = (int)(e != NULL ? e - p : (long)strlen(p));

		if (len > 0 &&
		    snprintf(path, size, "%.*s/%s", len, p, name) < (int)size &&
		    access(path, X_OK) == 0)
			return 0;
		p = e != NULL ? e + 1 : NULL;
	}
	return -1;
}

/* `scontrol show hostnames LIST`, Slurm's own expander, into l: 0, or -1
 * (silently, l left empty) when it is absent, fails or takes over 10 s.
 * Names it prints are checked as any others are. */
static int expand_scontrol(struct hostlist *l, const char *list)
{
	int fd[2], status = 0, got_status;
	size_t len = 0;
	char *out = NULL;
	pid_t pid;
	struct timespec t0, t;
	int ok = 1;
	char path[PATH_MAX];

	if (path_find("scontrol", path, sizeof(path)) != 0 || pipe2(fd, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fd[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		execl(path, "scontrol", "show", "hostnames", list, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	if (pid < 0) {
		close(fd[0]);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = {.fd = fd[0], .events = POLLIN};
		long ms;
		ssize_t r;
		int ready;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = SCONTROL_TIMEOUT_MS -
		     ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		ready = ms > 0 ? poll(&pfd, 1, (int)ms) : 0;
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			ok = 0;
			kill(pid, SIGKILL);
			break;
		}
		if (len == SCONTROL_OUT_MAX) {
			ok = 0; /* more than ALLOC_HOSTS_MAX names: let the expander say
			           so */
			kill(pid, SIGKILL);
			break;
		}
		if (out == NULL && (out = malloc(SCONTROL_OUT_MAX + 1)) == NULL) {
			ok = 0;
			kill(pid, SIGKILL);
			break;
		}
		r = read(fd[0], out + len, SCONTROL_OUT_MAX - len);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd[0]);
	while ((got_status = (int)waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	/* a SIGCHLD handler of the caller's may have reaped it: trust a
	 * complete output then */
	if (got_status < 0 ? len == 0 : !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		ok = 0;
	if (ok) {
		char *s = out, *end = out + len;

		while (s < end) {
			char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t n = (size_t)((nl ? nl : end) - s);

			if (n > 0 && hl_add(l, s, n, 0) != 0) {
				free(out);
				return -2;
			}
			s += n + 1;
		}
	}
	free(out);
	if (!ok || l->n == 0) {
		l->n = 0;
		return -1;
	}
	return 0;
}

/* Slurm's per-node counts, "2(x3),1", one for each of l's n hosts. */
static int slurm_counts(struct hostlist *l, const char *var, const char *v)
{
	int i = 0;
	const char *s = v;
	char show[SHOW_SIZE];

	while (*s != '\0') {
		const char *e = strchr(s, ','), *paren;
		long count, times = 1;

		if (e == NULL)
			e = s + strlen(s);
		paren = memchr(s, '(', (size_t)(e - s));
		count =
		    count_parse(s, (size_t)((paren ? paren : e) - s), 1, ALLOC_SLOTS_MAX);
		if (paren != NULL) {
			if (e - paren < 4 || paren[1] != 'x' || e[-1] != ')')
				times = -1;
			else
				times = count_parse(paren + 2, (size_t)(e - paren - 3), 1,
				                    ALLOC_HOSTS_MAX);
		}
		if (count < 0 || times < 0) {
			fprintf(stderr, "pvmrun: %s: a bad count \"%s\"\n", var,
			        printable(show, s, (size_t)(e - s)));
			return -1;
		}
		for (long k = 0; k < times; k++, i++)
			if (i < l->n)
				l->h[i].slots = (int)count;
		if (i > l->n)
			break;
		if (*e == ',' && e[1] == '\0') {
			fprintf(stderr, "pvmrun: %s: ends with ','\n", var);
			return -1;
		}
		s = *e == ',' ? e + 1 : e;
	}
	if (i != l->n) {
		fprintf(stderr, "pvmrun: %s counts %s%d nodes, %s lists %d\n", var,
		        i > l->n ? "more than " : "", i, l->src, l->n);
		return -1;
	}
	return 0;
}

/* The srun-rsh beside the running program (PVMX_SRUN_RSH overrides), or
 * NULL after a note. */
static const char *srun_rsh(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("PVMX_SRUN_RSH");
	ssize_t n;
	char *slash;

	if (env != NULL && env[0] != '\0') {
		snprintf(path, sizeof(path), "%s", env);
		return path;
	}
	n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("/srun-rsh"));
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		if (slash != NULL) {
			/* room kept by the readlink above */
			memcpy(slash, "/srun-rsh", sizeof("/srun-rsh"));
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	fprintf(stderr,
	        "pvmrun: no srun-rsh beside %s: daemons start with PVM_RSH, "
	        "not srun\n",
	        n > 0 ? "this program" : "pvmrun");
	return NULL;
}

static int from_slurm(struct hostlist *l, const char *list, const char **rsh)
{
	const char *counts = getenv("SLURM_TASKS_PER_NODE");
	const char *cvar = "SLURM_TASKS_PER_NODE";
	int r = expand_scontrol(l, list);

	if (r == -2)
		return -1;
	if (r != 0 && expand_builtin(l, list) != 0)
		return -1;
	if (counts == NULL) {
		counts = getenv("SLURM_JOB_CPUS_PER_NODE");
		cvar = "SLURM_JOB_CPUS_PER_NODE";
	}
	if (counts != NULL) {
		if (slurm_counts(l, cvar, counts) != 0)
			return -1;
	} else {
		for (int i = 0; i < l->n; i++)
			l->h[i].slots = 1;
	}
	*rsh = srun_rsh();
	return 0;
}

/* One host name a line, a line per slot (PBS_NODEFILE, LSB_DJOB_HOSTFILE);
 * blanks around names and blank lines are ignored. */
static int from_slot_file(struct hostlist *l, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	if (f == NULL) {
		fprintf(stderr, "pvmrun: %s: cannot open %s: %s\n", l->src, path,
		        strerror(errno));
		return -1;
	}
	while (r == 0 && (n = getline(&line, &cap, f)) >= 0) {
		char *s = line, *e = line + n;

		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (e > s)
			r = hl_add(l, s, (size_t)(e - s), 1);
	}
	if (r == 0 && ferror(f)) {
		fprintf(stderr, "pvmrun: %s: cannot read %s\n", l->src, path);
		r = -1;
	}
	free(line);
	fclose(f);
	if (r == 0 && l->n == 0) {
		fprintf(stderr, "pvmrun: %s: %s lists no hosts\n", l->src, path);
		r = -1;
	}
	return r;
}

/* LSF's "h1 2 h2 4": names and their slots. */
static int from_lsf_pairs(struct hostlist *l, const char *v)
{
	const char *s = v;
	char show[SHOW_SIZE];

	for (;;) {
		const char *name, *num;
		size_t nlen, clen;
		long count;

		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		name = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		nlen = (size_t)(s - name);
		while (isspace((unsigned char)*s))
			s++;
		num = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		clen = (size_t)(s - num);
		count = count_parse(num, clen, 1, ALLOC_SLOTS_MAX);
		if (count < 0) {
			fprintf(stderr, "pvmrun: %s: \"%s\" is not followed by a count\n",
			        l->src, printable(show, name, nlen));
			return -1;
		}
		if (hl_add(l, name, nlen, (int)count) != 0)
			return -1;
	}
	if (l->n == 0) {
		fprintf(stderr, "pvmrun: %s: empty\n", l->src);
		return -1;
	}
	return 0;
}

int pvmrun_alloc_hosts(struct pvmrun_host **hosts, const char **rsh)
{
	struct hostlist l = {0};
	const char *v;
	int r;

	*hosts = NULL;
	*rsh = NULL;
	if ((v = getenv(l.src = "SLURM_JOB_NODELIST")) != NULL ||
	    (v = getenv(l.src = "SLURM_NODELIST")) != NULL)
		r = from_slurm(&l, v, rsh);
	else if ((v = getenv(l.src = "PBS_NODEFILE")) != NULL)
		r = from_slot_file(&l, v);
	else if ((v = getenv(l.src = "LSB_DJOB_HOSTFILE")) != NULL)
		r = from_slot_file(&l, v);
	else if ((v = getenv(l.src = "LSB_MCPU_HOSTS")) != NULL)
		r = from_lsf_pairs(&l, v);
	else
		return 0;
	if (r != 0) {
		free(l.h);
		*rsh = NULL;
		return -1;
	}
	*hosts = l.h;
	return l.n;
}

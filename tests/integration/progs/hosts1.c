/*
 * hosts1.c - pvm_addhosts and pvm_delhosts on a one-host machine: bad
 * arguments (refused in the library, infos left alone or filled), error
 * reporting through PvmAutoErr, and requests for hosts that cannot be
 * added or deleted.  The last hold whether the daemon answers PvmNotImpl
 * (before multi-host support) or real per-host results (after): the
 * first line says which ("daemon adds hosts: no|yes").  Prints
 * "ok - ..." / "FAIL - ..." lines; exits 1 on a failure.
 */
#include <pvm3.h>

#include <stdio.h>
#include <stdlib.h>

/* exported by libpvm3 (PVM 3.4.6's too), declared by neither pvm3.h */
extern int pvm_errno;

#define SENTINEL 12345
#define MANY 4096 /* one more name than a machine can have hosts */

static int fails;

static void check(int cond, const char *what, long got)
{
	printf("%s - %s (got %ld)\n", cond ? "ok" : "FAIL", what, got);
	fflush(stdout);
	if (!cond)
		fails++;
}

static void fill(int *infos, int n, int v)
{
	for (int i = 0; i < n; i++)
		infos[i] = v;
}

static int all_are(const int *infos, int n, int v)
{
	for (int i = 0; i < n; i++) {
		if (infos[i] != v)
			return 0;
	}
	return 1;
}

typedef int (*hosts_fn)(char **, int, int *);

/* Arguments the library refuses by itself, without asking the daemon. */
static void bad_counts(const char *fn, hosts_fn call, char **names)
{
	static int infos[MANY];
	char what[128];
	int r;

	fill(infos, MANY, SENTINEL);
	pvm_errno = 0;
	r = call(names, 0, infos);
	snprintf(what, sizeof(what), "%s count 0: PvmBadParam", fn);
	check(r == PvmBadParam, what, r);
	snprintf(what, sizeof(what), "%s count 0: pvm_errno set", fn);
	check(pvm_errno == PvmBadParam, what, pvm_errno);
	snprintf(what, sizeof(what), "%s count 0: infos left alone", fn);
	check(infos[0] == SENTINEL, what, infos[0]);
	r = call(names, -3, infos);
	snprintf(what, sizeof(what), "%s count -3: PvmBadParam", fn);
	check(r == PvmBadParam, what, r);
	r = call(names, MANY, infos);
	snprintf(what, sizeof(what), "%s count %d: PvmBadParam", fn, MANY);
	check(r == PvmBadParam, what, r);
	snprintf(what, sizeof(what), "%s count %d: infos left alone", fn, MANY);
	check(all_are(infos, MANY, SENTINEL), what, infos[0]);
}

static void bad_names(const char *fn, hosts_fn call)
{
	char *one_null[] = {"a.invalid", NULL};
	int infos[2];
	char what[128];
	int r;

	fill(infos, 2, SENTINEL);
	r = call(NULL, 2, infos);
	snprintf(what, sizeof(what), "%s NULL names: PvmBadParam", fn);
	check(r == PvmBadParam, what, r);
	snprintf(what, sizeof(what), "%s NULL names: every info PvmBadParam", fn);
	check(all_are(infos, 2, PvmBadParam), what, infos[1]);
	fill(infos, 2, SENTINEL);
	r = call(one_null, 2, infos);
	snprintf(what, sizeof(what), "%s a NULL name: PvmBadParam", fn);
	check(r == PvmBadParam, what, r);
	snprintf(what, sizeof(what), "%s a NULL name: every info PvmBadParam", fn);
	check(all_are(infos, 2, PvmBadParam), what, infos[0]);
	r = call(NULL, 1, NULL);
	snprintf(what, sizeof(what), "%s NULL names and infos: PvmBadParam", fn);
	check(r == PvmBadParam, what, r);
}

/* Whether the daemon does host adds: it answers PvmNotImpl while it
 * cannot.  A name that cannot resolve is the probe. */
static int daemon_adds(void)
{
	char *names[] = {"nosuchhost.invalid"};
	int infos[1] = {SENTINEL};
	int r = pvm_addhosts(names, 1, infos);

	if (r == PvmNotImpl) {
		check(infos[0] == PvmNotImpl, "PvmNotImpl: the info says so too",
		      infos[0]);
		check(pvm_errno == PvmNotImpl, "PvmNotImpl: pvm_errno says so too",
		      pvm_errno);
		return 0;
	}
	check(r == 0, "an unresolvable host: 0 added", r);
	check(infos[0] == PvmNoHost || infos[0] == PvmCantStart,
	      "an unresolvable host: PvmNoHost (or PvmCantStart)", infos[0]);
	return 1;
}

/* Requests the daemon sees; each holds in both modes. */
static void requests(int adds)
{
	char *bad_option[] = {"c.invalid foo=1"};
	char *two[] = {"nosuchhost.invalid", "d.invalid sp=0"};
	char *del[] = {"nosuchhost.invalid"};
	int infos[2], r, nhost = -1, narch;
	struct pvmhostinfo *hosts;

	fill(infos, 2, SENTINEL);
	r = pvm_addhosts(bad_option, 1, infos);
	if (!adds)
		check(r == PvmNotImpl && infos[0] == PvmNotImpl,
		      "unknown host file option: PvmNotImpl", r);
	else
		check(r == 0 && infos[0] == PvmBadParam,
		      "unknown host file option: info PvmBadParam", infos[0]);

	fill(infos, 2, SENTINEL);
	r = pvm_addhosts(two, 2, infos);
	if (!adds)
		check(r == PvmNotImpl && all_are(infos, 2, PvmNotImpl),
		      "two names: PvmNotImpl in both infos", r);
	else
		check(r == 0 && infos[0] < 0 && infos[1] == PvmBadParam,
		      "two names: neither added, sp=0 is PvmBadParam", infos[1]);

	r = pvm_addhosts(two, 2, NULL);
	check(r == (adds ? 0 : PvmNotImpl), "infos may be NULL", r);

	fill(infos, 2, SENTINEL);
	r = pvm_delhosts(del, 1, infos);
	if (!adds)
		check(r == PvmNotImpl && infos[0] == PvmNotImpl,
		      "delete an unknown host: PvmNotImpl", r);
	else
		check(r == 0 && infos[0] == PvmNoHost,
		      "delete an unknown host: PvmNoHost", infos[0]);
	r = pvm_delhosts(del, 1, NULL);
	check(r == (adds ? 0 : PvmNotImpl), "delete: infos may be NULL", r);

	r = pvm_config(&nhost, &narch, &hosts);
	check(r == 0 && nhost == 1, "still one host, and the connection works", nhost);
}

int main(void)
{
	char *names[] = {"a.invalid"};
	int tid, adds;

	pvm_setopt(PvmAutoErr, 0);
	/* refused before the library even connects */
	bad_counts("pvm_addhosts", pvm_addhosts, names);
	bad_counts("pvm_delhosts", pvm_delhosts, names);
	tid = pvm_mytid();
	if (tid < 0) {
		printf("FAIL - pvm_mytid: %d\n", tid);
		return 1;
	}
	bad_names("pvm_addhosts", pvm_addhosts);
	bad_names("pvm_delhosts", pvm_delhosts);

	/* reported as every call reports: the driver checks stderr */
	printf("tid t%x\n", (unsigned)tid);
	fflush(stdout);
	pvm_setopt(PvmAutoErr, 1);
	pvm_addhosts(names, 0, NULL);
	pvm_delhosts(names, 0, NULL);
	pvm_setopt(PvmAutoErr, 0);

	adds = daemon_adds();
	printf("daemon adds hosts: %s\n", adds ? "yes" : "no");
	requests(adds);
	pvm_exit();
	return fails != 0;
}

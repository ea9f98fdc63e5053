/*
 * test_alloc.c - the batch allocation reader (launcher/pvmrun_alloc.c):
 * Slurm's compressed host lists and counts with the built-in expander
 * (scontrol kept off PATH), PBS_NODEFILE, LSF's LSB_MCPU_HOSTS and
 * LSB_DJOB_HOSTFILE, which wins, and hostile values: each refused with
 * one line on stderr, none crashing, then random ones.
 */
#include "pvmrun_alloc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char dir[] = "/tmp/test_alloc.XXXXXX";
static char errfile[300];
static struct pvmrun_host *h;
static const char *rsh;

static const char *vars[] = {"SLURM_JOB_NODELIST",   "SLURM_NODELIST",
                             "SLURM_TASKS_PER_NODE", "SLURM_JOB_CPUS_PER_NODE",
                             "PBS_NODEFILE",         "LSB_DJOB_HOSTFILE",
                             "LSB_MCPU_HOSTS",       NULL};

static void clear_env(void)
{
	for (int i = 0; vars[i] != NULL; i++)
		unsetenv(vars[i]);
}

/* pvmrun_alloc_hosts with stderr in errfile; *lines = the lines it wrote */
static int alloc(int *lines)
{
	int saved = dup(2), fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600), n, c;
	FILE *f;

	free(h);
	h = NULL;
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	n = pvmrun_alloc_hosts(&h, &rsh);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	*lines = 0;
	f = fopen(errfile, "r");
	while (f != NULL && (c = fgetc(f)) != EOF)
		*lines += c == '\n';
	if (f != NULL)
		fclose(f);
	return n;
}

static void slurm(const char *list, const char *tasks)
{
	clear_env();
	setenv("SLURM_JOB_NODELIST", list, 1);
	if (tasks != NULL)
		setenv("SLURM_TASKS_PER_NODE", tasks, 1);
}

/* the hosts, "name:slots name:slots ...", in a static buffer */
static const char *shown(int n)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && len < sizeof(buf) - 300; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%d",
		                        i ? " " : "", h[i].name, h[i].slots);
	return buf;
}

static void expect_hosts(const char *what, const char *want)
{
	int lines, n = alloc(&lines);

	if (n <= 0) {
		fprintf(stderr, "%s:%d: %s: got %d, not hosts\n", __FILE__, __LINE__,
		        what, n);
		failures++;
		return;
	}
	CHECK_STR(what, want, shown(n));
	CHECK_EQ("nothing on stderr", 0, lines);
}

static void expect_refused(const char *what)
{
	int lines, n = alloc(&lines);

	CHECK_EQ(what, -1, n);
	CHECK_EQ("one line saying why", 1, lines);
	CHECK_EQ("no hosts handed back", 0, h != NULL);
}

static const char *file_of(const char *name, const char *text, size_t len)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL || fwrite(text, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
	return path;
}

static void test_slurm_forms(void)
{
	int lines;

	clear_env();
	CHECK_EQ("no allocation: 0", 0, alloc(&lines));
	CHECK_EQ("no allocation: quiet", 0, lines);
	setenv("PVMX_SRUN_RSH", "/x/srun-rsh", 1); /* no note about it */

	slurm("node[1-3,5]", "2(x3),1");
	expect_hosts("ranges and counts", "node1:2 node2:2 node3:2 node5:1");
	slurm("n[01-03],login", "1(x2),3,4");
	expect_hosts("widths from leading zeros", "n01:1 n02:1 n03:3 login:4");
	slurm("r[1-2]n[8-10]", NULL);
	expect_hosts("two groups, no counts: a slot each",
	             "r1n8:1 r1n9:1 r1n10:1 r2n8:1 r2n9:1 r2n10:1");
	slurm("a,b[7],d-e.f_g", NULL);
	setenv("SLURM_JOB_CPUS_PER_NODE", "4(x3)", 1);
	expect_hosts("counts from CPUs", "a:4 b7:4 d-e.f_g:4");
	setenv("SLURM_TASKS_PER_NODE", "1,2,3", 1);
	expect_hosts("tasks win over CPUs", "a:1 b7:2 d-e.f_g:3");
	slurm("x[7],x7", "1,2");
	expect_refused("a host twice is one: one count too many");
	slurm("[1-2]", "1(x2)");
	expect_hosts("numbers alone are names", "1:1 2:1");

	clear_env();
	setenv("SLURM_NODELIST", "old[1-2]", 1);
	expect_hosts("SLURM_NODELIST of older Slurm", "old1:1 old2:1");

	/* the remote shell */
	slurm("a", NULL);
	unsetenv("PVMX_SRUN_RSH");
	alloc(&lines);
	CHECK_EQ("no srun-rsh beside this program: PVM_RSH's", 1, rsh == NULL);
	CHECK_EQ("and a line saying so", 1, lines);
	setenv("PVMX_SRUN_RSH", "/opt/x/srun-rsh", 1);
	alloc(&lines);
	CHECK_STR("PVMX_SRUN_RSH names srun-rsh", "/opt/x/srun-rsh",
	          rsh ? rsh : "(null)");
}

static void test_slurm_hostile(void)
{
	static const char *lists[] = {"",
	                              "node[",
	                              "node[1-",
	                              "node[3-1]",
	                              "node[]",
	                              "node[1,]",
	                              "node[,1]",
	                              "node[a-b]",
	                              "node[1-2",
	                              "n[[1]]",
	                              "n[1[2]]",
	                              "a,,b",
	                              "a,",
	                              ",a",
	                              "-rf",
	                              ".x",
	                              "a b",
	                              "a;rm -rf /",
	                              "a\nb",
	                              "a\tb",
	                              "a/b",
	                              "a$(id)",
	                              "x[0-999999999]",
	                              "x[1-10000000000]",
	                              "x[-1]",
	                              "x[1--2]",
	                              "x[1-2-3]",
	                              "]a[",
	                              "a]b",
	                              "x[1-9999]",
	                              "\xff\xfe",
	                              "a[1]]",
	                              "b[7]c",
	                              "x[1-2]y[3]z",
	                              NULL};
	static const char *counts[] = {
	    "",     "0",           "1(x0)",     "1(x",   "1(y2)", "2(x2)x",
	    "x",    "1,",          ",1",        "1,,1",  "-1",    "1(x2",
	    "(x2)", "99999999999", "1(x99999)", "1,1,1", NULL};
	char big[600];

	for (int i = 0; lists[i] != NULL; i++) {
		char what[100];

		slurm(lists[i], NULL);
		snprintf(what, sizeof(what), "list %d refused", i);
		expect_refused(what);
	}
	for (int i = 0; counts[i] != NULL; i++) {
		char what[100];

		slurm("a,b", counts[i]);
		snprintf(what, sizeof(what), "counts \"%s\" for 2 nodes refused",
		         counts[i]);
		expect_refused(what);
	}
	memset(big, 'a', 300);
	big[300] = '\0';
	slurm(big, NULL);
	expect_refused("a 300-byte name");
	big[255] = '\0';
	slurm(big, NULL);
	expect_hosts("a 255-byte name", strcat(big, ":1"));
	big[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(big, "a[1]");
	slurm(big, NULL);
	expect_hosts("100 groups of one", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	                                  "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	                                  "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	                                  "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	                                  "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1:1");
	for (int i = 0; i < 30; i++)
		strcat(big, "b[1]");
	slurm(big, NULL);
	expect_refused("groups making a name over 255 bytes");
}

static void test_pbs_lsf(void)
{
	char *longline = malloc(70000);

	clear_env();
	setenv("PBS_NODEFILE", file_of("pbs", "h1\nh1\nh2\n\n  h3  \r\nh1\n", 21), 1);
	expect_hosts("PBS: a line a slot, in first-seen order", "h1:3 h2:1 h3:1");
	setenv("SLURM_JOB_NODELIST", "s1", 1);
	expect_hosts("Slurm before PBS", "s1:1");
	clear_env();
	setenv("PBS_NODEFILE", file_of("empty", "\n \n", 3), 1);
	expect_refused("PBS: a file without hosts");
	setenv("PBS_NODEFILE", "/nonexistent/nodefile", 1);
	expect_refused("PBS: no such file");
	setenv("PBS_NODEFILE", file_of("bad", "h1\nh 2\n", 7), 1);
	expect_refused("PBS: two words on a line");
	setenv("PBS_NODEFILE", file_of("nul", "h1\nh\0002\n", 6), 1);
	expect_refused("PBS: a NUL byte");
	memset(longline, 'q', 69999);
	longline[69999] = '\n';
	setenv("PBS_NODEFILE", file_of("long", longline, 70000), 1);
	expect_refused("PBS: a 70000-byte line");
	free(longline);

	clear_env();
	setenv("LSB_MCPU_HOSTS", "h1 2 h2 4 ", 1);
	expect_hosts("LSF: names and counts", "h1:2 h2:4");
	setenv("LSB_DJOB_HOSTFILE", file_of("lsf", "f1\nf2\nf2\n", 9), 1);
	expect_hosts("LSF: the host file wins", "f1:1 f2:2");
	unsetenv("LSB_DJOB_HOSTFILE");
	static const char *bad[] = {"h1",    "h1 x", "h1 0",  "h1 2 h2", "  ",
	                            "h1 -2", "-h 2", "h1 2x", NULL};
	for (int i = 0; bad[i] != NULL; i++) {
		char what[100];

		setenv("LSB_MCPU_HOSTS", bad[i], 1);
		snprintf(what, sizeof(what), "LSF: \"%s\" refused", bad[i]);
		expect_refused(what);
	}
}

/* scontrol, when on PATH, is asked first: a stand-in on the test's PATH
 * answers as told; names it prints are checked as any; when it fails,
 * the built-in expander decides */
static void scontrol_says(const char *script)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/scontrol", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fprintf(f, "#!/bin/sh\n%s\n", script);
	fclose(f);
	chmod(path, 0700);
}

static void test_scontrol(void)
{
	char path[400];

	scontrol_says("[ \"$1 $2\" = \"show hostnames\" ] && printf 'x1\\nx2\\n'");
	slurm("whatever[1-2]", "3,4");
	expect_hosts("scontrol's names, Slurm's counts", "x1:3 x2:4");
	scontrol_says("echo 'Invalid hostlist' >&2; exit 1");
	slurm("n[1-2]", NULL);
	expect_hosts("scontrol fails: the built-in expander", "n1:1 n2:1");
	scontrol_says("printf 'ok\\n-oProxyCommand=x\\n'");
	slurm("n[1-2]", NULL);
	expect_refused("a bad name from scontrol is refused");
	scontrol_says("exit 0");
	slurm("n[1-2]", NULL);
	expect_hosts("scontrol says nothing: the built-in expander", "n1:1 n2:1");
	scontrol_says("kill -9 $$");
	slurm("n[1-2]", NULL);
	expect_hosts("scontrol killed: the built-in expander", "n1:1 n2:1");
	snprintf(path, sizeof(path), "%s/scontrol", dir);
	unlink(path);
}

/* random strings of the forms' own characters: -1 or valid hosts, never
 * a crash (ASan in make check) */
static void test_random(void)
{
	static const char alpha[] = "[]-,0123456789ab(x)";
	unsigned seed = 12345;
	char list[40], counts[16];
	int accepted = 0;

	for (int k = 0; k < 5000; k++) {
		int lines, n;
		size_t ll = (size_t)(rand_r(&seed) % (sizeof(list) - 1));
		size_t cl = (size_t)(rand_r(&seed) % (sizeof(counts) - 1));

		for (size_t i = 0; i < ll; i++)
			list[i] = alpha[rand_r(&seed) % (sizeof(alpha) - 1)];
		list[ll] = '\0';
		for (size_t i = 0; i < cl; i++)
			counts[i] = alpha[4 + rand_r(&seed) % (sizeof(alpha) - 5)];
		counts[cl] = '\0';
		slurm(list, k % 2 ? counts : NULL);
		n = alloc(&lines);
		if (n == -1 ? lines != 1 : n <= 0 || lines != 0) {
			fprintf(stderr, "%s:%d: \"%s\" \"%s\": %d with %d lines\n",
			        __FILE__, __LINE__, list, counts, n, lines);
			failures++;
		}
		for (int i = 0; i < n; i++)
			if (h[i].name[0] == '\0' || h[i].slots < 1) {
				fprintf(stderr, "%s:%d: \"%s\": a bad host\n", __FILE__,
				        __LINE__, list);
				failures++;
			}
		accepted += n > 0;
	}
	CHECK_EQ("some random lists are valid", 1, accepted > 0);
}

int main(void)
{
	char path[400];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(errfile, sizeof(errfile), "%s/stderr", dir);
	/* the built-in expander: no scontrol to be found */
	setenv("PATH", dir, 1);
	unsetenv("PVMX_SRUN_RSH");
	test_slurm_forms();
	test_slurm_hostile();
	test_pbs_lsf();
	test_scontrol();
	test_random();
	free(h);
	clear_env();
	for (const char *f = "pbs\0empty\0bad\0nul\0long\0lsf\0stderr\0"; *f;
	     f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, f);
		unlink(path);
	}
	rmdir(dir);
	if (failures == 0)
		printf("test_alloc: ok\n");
	return failures != 0;
}

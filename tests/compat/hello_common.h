/*
 * hello_common.h - the master and worker of the binary-compatibility
 * checks, shared by compat_hello/compat_worker (linked against our
 * libpvm3) and ref_hello/ref_worker (linked against PVM 3.4.6's, run with
 * ours in its place).  Both are built against the REFERENCE pvm3.h.
 *
 * The master spawns the worker by name, sends it packed ints, doubles and
 * a string, and checks the echo; both ends report which libpvm3.so.3 the
 * dynamic loader gave them.  Every check prints "ok - ..." or
 * "FAIL - ...", and the master exits 0 only if all passed.
 */
#ifndef COMPAT_HELLO_COMMON_H
#define COMPAT_HELLO_COMMON_H

#include <sys/stat.h>

#include "compat_util.h"

#define TAG_DATA 71
#define TAG_ECHO 72
#define TAG_EXIT 73

#define N_INTS 5
#define N_DOUBLES 4
#define STR_MAX 512

static const int compat_ints[N_INTS] = {0, 1, -1, INT_MAX, INT_MIN};
static const double compat_doubles[N_DOUBLES] = {0.1, -2.5e-300, 1e300, 3.0};
static const char compat_string[] = "compat: hello from the master";

/* ---------------------------------------------------------------- worker */

__attribute__((unused)) static int compat_worker_main(const char *who)
{
	int mytid = pvm_mytid();
	int parent = pvm_parent();
	int ints[N_INTS], status = 0;
	double doubles[N_DOUBLES];
	char str[STR_MAX];
	char lib[PATH_MAX];

	if (mytid < 0 || parent < 0) {
		fprintf(stderr, "%s: pvm_mytid %d pvm_parent %d\n", who, mytid, parent);
		pvm_exit();
		return 1;
	}
	snprintf(lib, sizeof(lib), "%s", compat_library_path());

	if (pvm_recv(parent, TAG_DATA) < 0 || pvm_upkint(ints, N_INTS, 1) < 0 ||
	    pvm_upkdouble(doubles, N_DOUBLES, 1) < 0 || pvm_upkstr(str) < 0) {
		pvm_perror((char *)who);
		pvm_exit();
		return 1;
	}
	/* the worker checks the values too, so a corruption shows up on
	 * whichever leg it happens */
	if (memcmp(ints, compat_ints, sizeof(ints)) != 0)
		status |= 1;
	if (memcmp(doubles, compat_doubles, sizeof(doubles)) != 0)
		status |= 2;
	if (strcmp(str, compat_string) != 0)
		status |= 4;

	int host = pvm_tidtohost(mytid);
	if (pvm_initsend(PvmDataDefault) < 0 || pvm_pkint(&status, 1, 1) < 0 ||
	    pvm_pkint(&mytid, 1, 1) < 0 || pvm_pkint(&parent, 1, 1) < 0 ||
	    pvm_pkint(&host, 1, 1) < 0 || pvm_pkint(ints, N_INTS, 1) < 0 ||
	    pvm_pkdouble(doubles, N_DOUBLES, 1) < 0 || pvm_pkstr(str) < 0 ||
	    pvm_pkstr(lib) < 0 || pvm_send(parent, TAG_ECHO) < 0) {
		pvm_perror((char *)who);
		pvm_exit();
		return 1;
	}
	pvm_exit();
	return 0;
}

/* ---------------------------------------------------------------- master */

__attribute__((unused)) static int compat_master_main(const char *who, char *worker_name)
{
	char what[PATH_MAX + 64];

	printf("library: %s\n", compat_library_path());

	int mytid = pvm_mytid();
	snprintf(what, sizeof(what), "pvm_mytid = t%x", mytid);
	compat_check(mytid > 0, who, what);
	if (mytid < 0) {
		pvm_perror("pvm_mytid");
		return 1;
	}

	/* A local error: no such buffer.  pvm_errno (a variable of the
	 * library, reached by the program through a copy relocation) holds
	 * the code, and pvm_strerror() -- declared (void) in 3.4.6: it
	 * describes pvm_errno -- gives the same text as pvm_errlist. */
	int bytes = 0, tag = 0, src = 0;
	int saved_autoerr = pvm_setopt(PvmAutoErr, 0);
	int cc = pvm_bufinfo(999999, &bytes, &tag, &src);
	pvm_setopt(PvmAutoErr, saved_autoerr);
	snprintf(what, sizeof(what), "pvm_bufinfo(no such buffer) = %d, pvm_errno = %d",
	         cc, pvm_errno);
	compat_check(cc == PvmNoSuchBuf && pvm_errno == PvmNoSuchBuf, who, what);
	const char *text = pvm_strerror();
	const char *listed = pvm_nerr > -PvmNoSuchBuf ? pvm_errlist[-PvmNoSuchBuf] : NULL;
	snprintf(what, sizeof(what), "pvm_strerror() = \"%s\", pvm_errlist says \"%s\"",
	         text ? text : "(null)", listed ? listed : "(null)");
	compat_check(text && listed && strcmp(text, listed) == 0, who, what);

	/* pvmtmpnam: distinct names in a directory that exists */
	char name1[PVMTMPNAMLEN], name2[PVMTMPNAMLEN], dir[PVMTMPNAMLEN];
	name1[0] = name2[0] = '\0';
	pvmtmpnam(name1);
	pvmtmpnam(name2);
	snprintf(dir, sizeof(dir), "%s", name1);
	char *slash = strrchr(dir, '/');
	struct stat st;
	if (slash != NULL)
		*slash = '\0';
	snprintf(what, sizeof(what), "pvmtmpnam: \"%s\", \"%s\"", name1, name2);
	compat_check(strcmp(name1, name2) != 0 && slash != NULL && stat(dir, &st) == 0 &&
	                 S_ISDIR(st.st_mode),
	             who, what);

	/* started by hand, not spawned: no parent */
	int parent = pvm_parent();
	snprintf(what, sizeof(what), "pvm_parent = %d (PvmNoParent)", parent);
	compat_check(parent == PvmNoParent, who, what);

	int myhost = pvm_tidtohost(mytid);
	snprintf(what, sizeof(what), "pvm_tidtohost(self) = t%x", myhost);
	compat_check(myhost > 0 && (mytid & ~0x3ffff) == myhost, who, what);

	/* pvm_config: our own host must be in the table */
	int nhost = 0, narch = 0;
	struct pvmhostinfo *hosts = NULL;
	cc = pvm_config(&nhost, &narch, &hosts);
	snprintf(what, sizeof(what), "pvm_config = %d, %d host(s), %d arch(s)", cc, nhost,
	         narch);
	compat_check(cc >= 0 && nhost >= 1 && narch >= 1 && hosts != NULL, who, what);
	int found = 0;
	for (int i = 0; cc >= 0 && i < nhost; i++) {
		printf("host %d: t%x %s %s speed %d dsig 0x%x\n", i, hosts[i].hi_tid,
		       hosts[i].hi_name ? hosts[i].hi_name : "(null)",
		       hosts[i].hi_arch ? hosts[i].hi_arch : "(null)", hosts[i].hi_speed,
		       hosts[i].hi_dsig);
		if (hosts[i].hi_tid == myhost && hosts[i].hi_name && hosts[i].hi_arch)
			found = 1;
	}
	compat_check(found, who, "pvm_config lists our host with a name and arch");

	/* spawn the worker by name: the daemon finds it on PATH */
	int child = 0;
	cc = pvm_spawn(worker_name, NULL, PvmTaskDefault, "", 1, &child);
	snprintf(what, sizeof(what), "pvm_spawn(%s) = %d, tid t%x", worker_name, cc,
	         child);
	compat_check(cc == 1 && child > 0, who, what);
	if (cc != 1 || child <= 0) {
		pvm_exit();
		return 1;
	}
	snprintf(what, sizeof(what), "pvm_tidtohost(child) = t%x", pvm_tidtohost(child));
	compat_check(pvm_tidtohost(child) == myhost, who, what);

	/* pvm_tasks: both of us, and the child's parent is us.  The worker
	 * waits for our message, so it is still there. */
	int ntask = 0;
	struct pvmtaskinfo *tasks = NULL;
	cc = pvm_tasks(0, &ntask, &tasks);
	snprintf(what, sizeof(what), "pvm_tasks(0) = %d, %d task(s)", cc, ntask);
	compat_check(cc >= 0 && ntask >= 2 && tasks != NULL, who, what);
	int seen_self = 0, seen_child = 0;
	for (int i = 0; cc >= 0 && i < ntask; i++) {
		printf("task %d: t%x parent t%x host t%x pid %d %s\n", i, tasks[i].ti_tid,
		       tasks[i].ti_ptid, tasks[i].ti_host, tasks[i].ti_pid,
		       tasks[i].ti_a_out ? tasks[i].ti_a_out : "(null)");
		/* a task nobody spawned has parent 0 here (pvm_parent
		 * says PvmNoParent) */
		if (tasks[i].ti_tid == mytid && tasks[i].ti_ptid == 0 &&
		    tasks[i].ti_host == myhost)
			seen_self = 1;
		if (tasks[i].ti_tid == child && tasks[i].ti_ptid == mytid &&
		    tasks[i].ti_host == myhost && tasks[i].ti_pid > 0 &&
		    tasks[i].ti_a_out && strstr(tasks[i].ti_a_out, worker_name) != NULL)
			seen_child = 1;
	}
	compat_check(seen_self, who,
	             "pvm_tasks lists this task, with parent 0 and our host");
	compat_check(seen_child, who,
	             "pvm_tasks lists the worker with parent, host, pid, a.out");

	/* tell us when the worker exits */
	cc = pvm_notify(PvmTaskExit, TAG_EXIT, 1, &child);
	snprintf(what, sizeof(what), "pvm_notify(PvmTaskExit) = %d", cc);
	compat_check(cc >= 0, who, what);

	/* send: ints, doubles, a string */
	cc = pvm_initsend(PvmDataDefault);
	compat_check(cc > 0, who, "pvm_initsend");
	compat_check(pvm_pkint((int *)compat_ints, N_INTS, 1) == 0, who, "pvm_pkint");
	compat_check(pvm_pkdouble((double *)compat_doubles, N_DOUBLES, 1) == 0, who,
	             "pvm_pkdouble");
	compat_check(pvm_pkstr((char *)compat_string) == 0, who, "pvm_pkstr");
	compat_check(pvm_send(child, TAG_DATA) == 0, who, "pvm_send");

	/* the echo, with a bound so a lost message fails instead of hanging */
	struct timeval tmo = {20, 0};
	int bufid = pvm_trecv(child, TAG_ECHO, &tmo);
	snprintf(what, sizeof(what), "pvm_trecv(echo) = %d", bufid);
	compat_check(bufid > 0, who, what);
	if (bufid <= 0) {
		pvm_exit();
		return 1;
	}
	cc = pvm_bufinfo(bufid, &bytes, &tag, &src);
	snprintf(what, sizeof(what), "pvm_bufinfo = %d: %d bytes, tag %d, from t%x", cc,
	         bytes, tag, src);
	compat_check(cc == 0 && bytes > 0 && tag == TAG_ECHO && src == child, who, what);

	int status = -1, wtid = 0, wparent = 0, whost = 0;
	int ints[N_INTS];
	double doubles[N_DOUBLES];
	char str[STR_MAX], lib[STR_MAX];
	memset(ints, 0, sizeof(ints));
	memset(doubles, 0, sizeof(doubles));
	str[0] = lib[0] = '\0';
	cc = 0;
	if (pvm_upkint(&status, 1, 1) < 0 || pvm_upkint(&wtid, 1, 1) < 0 ||
	    pvm_upkint(&wparent, 1, 1) < 0 || pvm_upkint(&whost, 1, 1) < 0 ||
	    pvm_upkint(ints, N_INTS, 1) < 0 || pvm_upkdouble(doubles, N_DOUBLES, 1) < 0 ||
	    pvm_upkstr(str) < 0 || pvm_upkstr(lib) < 0)
		cc = -1;
	compat_check(cc == 0, who, "unpacking the echo");
	snprintf(what, sizeof(what), "worker's own check of the values (status %d)",
	         status);
	compat_check(status == 0, who, what);
	snprintf(what, sizeof(what), "worker's pvm_mytid t%x = spawned tid", wtid);
	compat_check(wtid == child, who, what);
	snprintf(what, sizeof(what), "worker's pvm_parent t%x = master", wparent);
	compat_check(wparent == mytid, who, what);
	snprintf(what, sizeof(what), "worker's pvm_tidtohost t%x", whost);
	compat_check(whost == myhost, who, what);
	compat_check(memcmp(ints, compat_ints, sizeof(ints)) == 0, who,
	             "ints echoed exactly");
	compat_check(memcmp(doubles, compat_doubles, sizeof(doubles)) == 0, who,
	             "doubles echoed exactly");
	compat_check(strcmp(str, compat_string) == 0, who, "string echoed exactly");
	printf("worker library: %s\n", lib);

	/* the exit notify: one int, the tid that exited */
	tmo.tv_sec = 20;
	tmo.tv_usec = 0;
	bufid = pvm_trecv(-1, TAG_EXIT, &tmo);
	int gone = 0;
	if (bufid > 0)
		pvm_upkint(&gone, 1, 1);
	snprintf(what, sizeof(what), "PvmTaskExit notify for t%x (got %d, t%x)", child,
	         bufid, gone);
	compat_check(bufid > 0 && gone == child, who, what);

	cc = pvm_exit();
	compat_check(cc == 0, who, "pvm_exit");
	if (compat_failures == 0)
		printf("%s: all checks passed\n", who);
	else
		printf("%s: %d check(s) failed\n", who, compat_failures);
	return compat_failures == 0 ? 0 : 1;
}

#endif

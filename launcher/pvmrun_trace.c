/*
 * pvmrun_trace.c - pvmrun's side of tracing a run (pvmrun_trace.h): the
 * pvmtrace collector started as a task of the run's machine, the trace
 * options set for the children, and the end of the collection.
 */
#include "pvmrun_trace.h"
#include "pvmtrace.h"

#include <limits.h>
#include <pvm3.h>
#include <pvmtev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int collector;            /* its tid, 0 when none */
static char json_path[PATH_MAX]; /* absolute: it runs in our directory */
static char html_path[PATH_MAX];

/* path made absolute against our working directory */
static int absolute(const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (path == NULL) {
		out[0] = '\0';
		return 0;
	}
	if (path[0] == '/')
		return snprintf(out, len, "%s", path) < (int)len ? 0 : -1;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	return snprintf(out, len, "%s/%s", cwd, path) < (int)len ? 0 : -1;
}

/* bin/pvmtrace beside this program, else "pvmtrace" (the spawn path) */
static void collector_path(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	snprintf(out, len, "pvmtrace");
	if (n <= 0)
		return;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	if ((size_t)snprintf(out, len, "%s/pvmtrace", self) >= len ||
	    access(out, X_OK) != 0)
		snprintf(out, len, "pvmtrace");
}

/* the name of this task's host, as pvm_config lists it */
static const char *my_host(void)
{
	struct pvmhostinfo *hosts;
	int nhost, narch, me = pvm_tidtohost(pvm_mytid());

	if (pvm_config(&nhost, &narch, &hosts) < 0)
		return NULL;
	for (int i = 0; i < nhost; i++)
		if (hosts[i].hi_tid == me)
			return hosts[i].hi_name;
	return NULL;
}

int pvmrun_trace_start(const char *json, const char *html)
{
	char prog[PATH_MAX], *argv[6];
	const char *host;
	Pvmtmask mask;
	int n = 0, r, tid = 0;

	if ((json == NULL && html == NULL) || collector > 0)
		return PvmBadParam;
	if (absolute(json, json_path, sizeof(json_path)) < 0 ||
	    absolute(html, html_path, sizeof(html_path)) < 0) {
		fprintf(stderr, "pvmrun: trace file name too long\n");
		return PvmBadParam;
	}
	argv[n++] = "--collect";
	if (json != NULL) {
		argv[n++] = "-o";
		argv[n++] = json_path;
	}
	if (html != NULL) {
		argv[n++] = "--html";
		argv[n++] = html_path;
	}
	argv[n] = NULL;
	collector_path(prog, sizeof(prog));
	host = my_host();
	r = pvm_spawn(prog, argv, host != NULL ? PvmTaskHost : PvmTaskDefault,
	              (char *)host, 1, &tid);
	if (r != 1) {
		fprintf(stderr, "pvmrun: cannot start the trace collector %s: error %d\n",
		        prog, tid < 0 ? tid : r);
		return tid < 0 ? tid : PvmSysErr;
	}
	collector = tid;
	pvm_notify(PvmTaskExit, PVMRUN_TRACE_NOTIFY_TAG, 1, &collector);
	TEV_MASK_INIT(mask);
	for (int k = TEV_FIRST; k <= TEV_MAX; k++)
		TEV_MASK_SET(mask, k);
	pvm_settmask(PvmTaskChild, mask);
	pvm_setopt(PvmTraceCode, PVMTRACE_EVENT_TAG);
	pvm_setopt(PvmTraceContext, pvm_getcontext());
	pvm_setopt(PvmTraceBuffer, 4096);
	pvm_setopt(PvmTraceOptions, PvmTraceFull);
	pvm_setopt(PvmTraceTid, collector);
	return 0;
}

static int file_ok(const char *path)
{
	FILE *f;
	long size;

	if (path[0] == '\0')
		return 1;
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	return size > 0;
}

int pvmrun_trace_finish(void)
{
	struct timeval tmo = {30, 0};
	int r = 0;

	if (collector <= 0)
		return -1;
	pvm_setopt(PvmTraceTid, 0);
	pvm_initsend(PvmDataDefault);
	pvm_send(collector, PVMTRACE_END_TAG);
	if (pvm_trecv(-1, PVMRUN_TRACE_NOTIFY_TAG, &tmo) <= 0) {
		fprintf(stderr,
		        "pvmrun: the trace collector t%x did not finish in 30 s\n",
		        (unsigned)collector);
		r = -1;
	}
	collector = 0;
	if (!file_ok(json_path) || !file_ok(html_path)) {
		fprintf(stderr, "pvmrun: trace files missing or empty: %s %s\n",
		        json_path, html_path);
		r = -1;
	}
	return r;
}

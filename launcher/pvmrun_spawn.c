/*
 * pvmrun_spawn.c - placement and spawn: rank r is the r-th instance over
 * the MPMD parts; --map-by slot fills each host's slots in host order,
 * node deals ranks round robin, core/numa fill one rank per core or NUMA
 * node (pvmrun_bind.c).  Each MPMD part is one spawn (pvmx_spawn: a host
 * and a PVMX_RANK per instance), so pvm_siblings gives the part's ranks.
 */
#include "errtext.h"
#include "pvmrun.h"
#include "pvmrun_bind.h"

#include <pvm3.h>
#include <pvmx.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pvmrun_task *pvmrun_task_find(int tid)
{
	for (int i = 0; i < run.ntasks; i++)
		if (run.tasks[i].tid == tid)
			return &run.tasks[i];
	return NULL;
}

/* (the table moves: pointers into it last until the next add) */
struct pvmrun_task *pvmrun_task_add(int tid, int rank)
{
	struct pvmrun_task *t;

	if (run.ntasks == run.cap) {
		int cap = run.cap ? run.cap * 2 : 16;
		struct pvmrun_task *n = realloc(run.tasks, sizeof(*n) * (size_t)cap);

		if (n == NULL)
			return NULL;
		run.tasks = n;
		run.cap = cap;
	}
	t = &run.tasks[run.ntasks++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->rank = rank;
	t->host = -1;
	return t;
}

const char *pvmrun_task_host(const struct pvmrun_task *t)
{
	return t->host >= 0 ? run.hosts[t->host].name : "?";
}

/* How many ranks host h takes per round. */
static int capacity(const struct pvmrun_vmhost *h)
{
	const char *m = run.o.map_by;
	int c = 0;

	if (strcmp(m, "core") == 0 || strcmp(m, "numa") == 0)
		c = pvmrun_bind_capacity(h->dtid, m);
	if (c <= 0)
		c = h->slots;
	return c > 0 ? c : 1;
}

/* host[r] for every rank: rounds over the hosts until all are placed
 * (past the slots, hosts are used again: oversubscribed). */
static int *place(int np)
{
	int *host = malloc(sizeof(int) * (size_t)np);
	int *used = calloc((size_t)run.nhosts, sizeof(int));
	int by_node = strcmp(run.o.map_by, "node") == 0, r = 0;

	if (host == NULL || used == NULL) {
		free(host);
		free(used);
		return NULL;
	}
	while (r < np) {
		int placed = 0;

		for (int h = 0; h < run.nhosts && r < np; h++) {
			int take = by_node ? 1 : capacity(&run.hosts[h]);

			if (by_node && used[h] >= capacity(&run.hosts[h]))
				continue;
			for (int k = 0; k < take && r < np; k++) {
				host[r++] = h;
				used[h]++;
				placed++;
			}
		}
		if (placed == 0) /* every host full: another round */
			memset(used, 0, sizeof(int) * (size_t)run.nhosts);
	}
	free(used);
	return host;
}

/* PVM_EXPORT for the ranks: the user's, -x's names and PVMX_SIZE
 * (PVMX_RANK is set by the daemons, per instance: pvmx_spawn). */
static int set_exports(void)
{
	const char *user = getenv("PVM_EXPORT");
	const char *x = run.o.export_names;
	char size[16], *ex;
	size_t n;

	n = (user ? strlen(user) : 0) + (x ? strlen(x) : 0) + 32;
	ex = malloc(n);
	if (ex == NULL)
		return -1;
	snprintf(ex, n, "%s%s%s%sPVMX_SIZE", user ? user : "", user && *user ? ":" : "",
	         x ? x : "", x && *x ? ":" : "");
	snprintf(size, sizeof(size), "%d", run.np);
	n = setenv("PVM_EXPORT", ex, 1) | setenv("PVMX_SIZE", size, 1);
	free(ex);
	return n == 0 ? 0 : -1;
}

static void spawn_failed(const char *prog, int rank, const char *host, int code)
{
	fprintf(stderr, "pvmrun: cannot spawn %s (rank %d on %s): %s\n", prog, rank, host,
	        errtext(code));
	pvmrun_kill_tasks();
	pvmrun_leave(127);
}

int pvmrun_spawn_all(void)
{
	int *where, *tids, *ranks, rank = 0, n;
	char **names;

	run.np = 0;
	for (int p = 0; p < run.o.nparts; p++) {
		struct pvmrun_part *part = &run.o.parts[p];

		if (part->np == 0 && run.o.nparts == 1 && run.explicit_hosts) {
			for (int h = 0; h < run.nhosts; h++)
				part->np += capacity(&run.hosts[h]);
		}
		if (part->np == 0)
			part->np = 1;
		run.np += part->np;
	}
	if (run.np > PVMRUN_MAX_NP) {
		fprintf(stderr, "pvmrun: %d ranks: at most %d\n", run.np, PVMRUN_MAX_NP);
		return 2;
	}
	if (run.o.bind_to != NULL) {
		int r = pvmrun_bind_set(run.o.bind_to);

		if (r == PvmNotImpl) {
			fprintf(stderr,
			        "pvmrun: --bind-to %s: not supported by this build\n",
			        run.o.bind_to);
			return 2;
		}
		if (r < 0) {
			fprintf(stderr, "pvmrun: --bind-to %s: %s\n", run.o.bind_to,
			        errtext(r));
			return 2;
		}
	}
	where = place(run.np);
	tids = malloc(sizeof(int) * (size_t)run.np);
	ranks = malloc(sizeof(int) * (size_t)run.np);
	names = malloc(sizeof(char *) * (size_t)run.np);
	if (where == NULL || tids == NULL || ranks == NULL || names == NULL ||
	    set_exports() != 0) {
		fprintf(stderr, "pvmrun: out of memory\n");
		free(where);
		free(tids);
		free(ranks);
		free(names);
		return 1;
	}
	pvm_setopt(PvmOutputTid, run.mytid);
	pvm_setopt(PvmOutputCode, PVMRUN_OUT_TAG);
	pvm_setopt(PvmxOutputErrCode, PVMRUN_ERR_TAG);
	if (run.o.wdir != NULL && chdir(run.o.wdir) != 0) {
		fprintf(stderr, "pvmrun: --wdir %s: no such directory\n", run.o.wdir);
		free(where);
		free(tids);
		free(ranks);
		free(names);
		return 2;
	}
	for (int p = 0; p < run.o.nparts; p++) {
		const struct pvmrun_part *part = &run.o.parts[p];
		int base = rank, failed = 0;

		for (int i = 0; i < part->np; i++) {
			names[i] = run.hosts[where[base + i]].name;
			ranks[i] = base + i;
			tids[base + i] = PvmDSysErr;
		}
		/* one spawn per part: pvm_siblings gives each all of them */
		n = pvmx_spawn((char *)part->prog, part->args, p == 0 ? PvmxTaskStdin : 0,
		               names, ranks, part->np, &tids[base]);
		if (n < 0 && tids[base] == PvmDSysErr)
			tids[base] = n; /* refused as a whole */
		for (int i = 0; i < part->np; i++, rank++) {
			struct pvmrun_task *t;

			if (tids[rank] <= 0) {
				if (failed == 0)
					failed = rank + 1;
				continue;
			}
			t = pvmrun_task_add(tids[rank], rank);
			if (t == NULL) {
				failed = rank + 1;
				tids[rank] = PvmNoMem;
				continue;
			}
			t->host = where[rank];
			if (pvmrun_output_open(t) != 0) {
				pvmrun_kill_tasks();
				pvmrun_leave(1);
			}
			if (run.o.verbose)
				fprintf(stderr,
				        "pvmrun: started t%x (rank %d of %d) on %s\n",
				        (unsigned)tids[rank], rank, run.np,
				        run.hosts[where[rank]].name);
		}
		if (failed != 0) {
			int f = failed - 1, code = tids[f] < 0 ? tids[f] : PvmDSysErr;
			const char *host = run.hosts[where[f]].name;

			free(where);
			free(tids);
			free(names);
			free(ranks);
			spawn_failed(part->prog, f, host, code);
		}
	}
	free(names);
	free(ranks);
	free(where);
	n = pvm_notify(PvmxTaskExitStatus, PVMRUN_EXIT_TAG, run.np, tids);
	free(tids);
	if (n < 0) {
		fprintf(stderr, "pvmrun: cannot watch the tasks: %s\n", errtext(n));
		pvmrun_kill_tasks();
		pvmrun_leave(1);
	}
	if (run.o.report_bindings)
		for (int i = 0; i < run.ntasks; i++)
			if (run.tasks[i].rank >= 0)
				pvmrun_bind_report(run.tasks[i].rank, run.tasks[i].tid,
				                   pvmrun_task_host(&run.tasks[i]));
	pvmrun_stdin_start(run.tasks[0].tid);
	return 0;
}

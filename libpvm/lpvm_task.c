/*
 * lpvm_task.c - task and machine control: identity (pvm_mytid,
 * pvm_parent, pvm_siblings), pvm_spawn, pvm_kill, pvm_exit, pvm_halt,
 * pvm_notify and the queries (pvm_config, pvm_tasks, pvm_pstat,
 * pvm_mstat, pvm_tidtohost, pvm_archcode).
 */
#include "lpvm.h"
#include "lpvm_trace.h"

#include "pvmx.h"
#include "tid.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int pvm_mytid(void)
{
	int r = lpvm_ensure("pvm_mytid");

	return r < 0 ? r : lpvm.mytid;
}

int pvm_parent(void)
{
	int r = lpvm_ensure("pvm_parent");

	if (r < 0)
		return r;
	/* PvmNoParent is a normal answer: not reported as an error */
	return lpvm.parent;
}

int pvm_siblings(int **tids)
{
	int r = lpvm_ensure("pvm_siblings");
	int *list, n;

	if (r < 0)
		return r;
	list = lpvm.nsiblings > 0 ? lpvm.siblings : &lpvm.mytid;
	n = lpvm.nsiblings > 0 ? lpvm.nsiblings : 1;
	if (tids != NULL)
		*tids = list;
	lpvm_globals_siblings(list, n);
	return n;
}

int pvm_tidtohost(int tid)
{
	if (!tid_is_valid(tid))
		return lpvm_error("pvm_tidtohost", PvmBadParam);
	return tid_host(tid);
}

int pvm_kill(int tid)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__KillRequest k = PVMX__KILL_REQUEST__INIT;

	if (!tid_is_valid(tid))
		return lpvm_error("pvm_kill", PvmBadParam);
	k.tid = tid;
	req.body_case = PVMX__CONTROL__BODY_KILL;
	req.kill = &k;
	return lpvm_status_request("pvm_kill", &req, 1);
}

int pvm_pstat(int tid)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__PstatRequest p = PVMX__PSTAT_REQUEST__INIT;

	if (!tid_is_valid(tid))
		return lpvm_error("pvm_pstat", PvmBadParam);
	p.tid = tid;
	req.body_case = PVMX__CONTROL__BODY_PSTAT;
	req.pstat = &p;
	return lpvm_status_request("pvm_pstat", &req, 0);
}

int pvm_mstat(char *host)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__MstatRequest m = PVMX__MSTAT_REQUEST__INIT;

	if (host == NULL)
		return lpvm_error("pvm_mstat", PvmBadParam);
	m.host = host;
	req.body_case = PVMX__CONTROL__BODY_MSTAT;
	req.mstat = &m;
	return lpvm_status_request("pvm_mstat", &req, 0);
}

int lpvm_notify_ctx(const char *fn, int what, int tag, int ctx, int cnt, int *tids)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__NotifyRequest n = PVMX__NOTIFY_REQUEST__INIT;
	int kind = what & ~PvmNotifyCancel;
	int i;

	if (kind != PvmTaskExit && kind != PvmHostDelete && kind != PvmHostAdd &&
	    kind != PvmxTaskExitStatus)
		return lpvm_error(fn, PvmBadParam);
	if (kind != PvmHostAdd && (cnt < 0 || (cnt > 0 && tids == NULL)))
		return lpvm_error(fn, PvmBadParam);
	if (kind != PvmHostAdd) {
		for (i = 0; i < cnt; i++) {
			if (!tid_is_valid(tids[i]))
				return lpvm_error(fn, PvmBadParam);
		}
		n.n_tids = (size_t)cnt;
		n.tids = tids;
	}
	n.kind = what;
	n.tag = tag;
	n.ctx = ctx;
	n.count = cnt;
	req.body_case = PVMX__CONTROL__BODY_NOTIFY;
	req.notify = &n;
	i = lpvm_status_request(fn, &req, 1);
	return i < 0 ? i : PvmOk;
}

int pvm_notify(int what, int tag, int cnt, int *tids)
{
	if (tag < 0)
		return lpvm_error("pvm_notify", PvmBadParam);
	return lpvm_notify_ctx("pvm_notify", what, tag, lpvm.ctx, cnt, tids);
}

/* NAME=value for every name in PVM_EXPORT (colon-separated), and
 * PVM_EXPORT itself, as PVM passes them to spawned tasks. */
static char **exported_env(size_t *n)
{
	const char *ex = getenv("PVM_EXPORT");
	char **out, *names, *save = NULL, *name;
	size_t cap = 4, k = 0;

	*n = 0;
	if (ex == NULL || *ex == '\0')
		return NULL;
	out = calloc(cap, sizeof(char *));
	names = strdup(ex);
	if (out == NULL || names == NULL) {
		free(out);
		free(names);
		return NULL;
	}
	for (name = strtok_r(names, ":", &save); name != NULL;
	     name = strtok_r(NULL, ":", &save)) {
		const char *v = getenv(name);
		size_t len;

		if (v == NULL)
			continue;
		if (k + 2 > cap) {
			char **o2 = realloc(out, sizeof(char *) * cap * 2);

			if (o2 == NULL)
				break;
			out = o2;
			cap *= 2;
		}
		len = strlen(name) + strlen(v) + 2;
		out[k] = malloc(len);
		if (out[k] == NULL)
			break;
		snprintf(out[k], len, "%s=%s", name, v);
		k++;
	}
	free(names);
	if (k + 1 <= cap) {
		size_t len = strlen(ex) + sizeof("PVM_EXPORT=");

		out[k] = malloc(len);
		if (out[k] != NULL) {
			snprintf(out[k], len, "PVM_EXPORT=%s", ex);
			k++;
		}
	}
	*n = k;
	return out;
}

/* pvm_spawn, and pvmx_spawn's placement (hosts, ranks: NULL or count
 * long each). */
static int spawn_request(const char *fn, char *file, char **argv, int flags, char *where,
                         int count, int *tids, char **hosts, const int *ranks)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__SpawnRequest sp = PVMX__SPAWN_REQUEST__INIT;
	Pvmx__SpawnReply *sr;
	char cwd[4096];
	char **env;
	size_t nenv = 0, i;
	struct lpvm_out_dest out;
	int r;

	r = lpvm_ensure(fn);
	if (r < 0)
		return r;
	if (file == NULL || *file == '\0' || count < 1)
		return lpvm_error(fn, PvmBadParam);
	if ((flags & (PvmTaskHost | PvmTaskArch)) && (where == NULL || *where == '\0'))
		return lpvm_error(fn, PvmBadParam);
	sp.file = file;
	if (argv != NULL) {
		while (argv[sp.n_argv] != NULL)
			sp.n_argv++;
		sp.argv = argv;
	}
	sp.flags = flags;
	sp.where = (flags & (PvmTaskHost | PvmTaskArch)) ? where : "";
	sp.count = count;
	env = exported_env(&nenv);
	out.tid = lpvm.out_tid;
	out.code = lpvm.out_code;
	out.ctx = lpvm.out_ctx;
	out.err_code = lpvm.out_err_code;
	lpvm_trace_spawn_env(flags, &env, &nenv, &out);
	sp.env = env;
	sp.n_env = nenv;
	sp.out_tid = out.tid;
	sp.out_code = out.code;
	sp.out_ctx = out.ctx;
	sp.out_err_code = out.err_code;
	sp.stdin_pipe = (flags & PvmxTaskStdin) != 0;
	sp.ctx = lpvm.ctx;
	sp.no_parent = (flags & PvmNoSpawnParent) != 0;
	sp.bind = lpvm.bind;
	sp.cwd = getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "";
	if (hosts != NULL) {
		sp.hosts = hosts;
		sp.n_hosts = (size_t)count;
	}
	if (ranks != NULL) {
		sp.ranks = (int32_t *)ranks;
		sp.n_ranks = (size_t)count;
	}
	req.body_case = PVMX__CONTROL__BODY_SPAWN;
	req.spawn = &sp;
	r = lpvm_request_as(&req, PVMX__CONTROL__BODY_SPAWN_REPLY, &rep);
	for (i = 0; i < nenv; i++)
		free(env[i]);
	free(env);
	if (r < 0)
		return lpvm_error(fn, r);
	sr = rep->spawn_reply;
	if (sr->n_tids == 0 && sr->code < 0) {
		/* refused as a whole (bad request): no per-instance codes */
		r = sr->code;
		wire_control_free(rep);
		return lpvm_error(fn, r);
	}
	r = 0;
	for (i = 0; i < (size_t)count; i++) {
		int t = i < sr->n_tids ? sr->tids[i] : PvmDSysErr;

		if (tids != NULL)
			tids[i] = t;
		if (t > 0)
			r++;
		if (t > 0 && sr->n_bindings == sr->n_tids)
			lpvm_binding_remember(t, sr->bindings[i]);
	}
	/* as PVM: the count started; failures are in tids[] */
	wire_control_free(rep);
	return r;
}

static int spawn_untraced(char *file, char **argv, int flags, char *where, int count,
                          int *tids)
{
	return spawn_request("pvm_spawn", file, argv, flags, where, count, tids, NULL, NULL);
}

int pvm_spawn(char *file, char **argv, int flags, char *where, int count, int *tids)
{
	if (lpvm_trace_on)
		return lpvm_trace_spawn(file, argv, flags, where, count, tids,
		                        spawn_untraced);
	return spawn_untraced(file, argv, flags, where, count, tids);
}

/* pvmx_spawn's placement, for spawn_placed under lpvm_trace_spawn */
static char **placed_hosts;
static const int *placed_ranks;

static int spawn_placed(char *file, char **argv, int flags, char *where, int count,
                        int *tids)
{
	(void)where;
	return spawn_request("pvmx_spawn", file, argv, flags, NULL, count, tids,
	                     placed_hosts, placed_ranks);
}

int pvmx_spawn(char *file, char **argv, int flags, char **hosts, const int *ranks,
               int count, int *tids)
{
	int r;

	if (flags & (PvmTaskHost | PvmTaskArch))
		return lpvm_error("pvmx_spawn", PvmBadParam);
	placed_hosts = hosts;
	placed_ranks = ranks;
	r = lpvm_trace_on ? lpvm_trace_spawn(file, argv, flags, NULL, count, tids, spawn_placed)
	                  : spawn_placed(file, argv, flags, NULL, count, tids);
	placed_hosts = NULL;
	placed_ranks = NULL;
	return r;
}

int pvm_exit(void)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Empty e = PVMX__EMPTY__INIT;

	if (lpvm.fd < 0 || lpvm.mytid <= 0)
		return PvmOk;
	lpvm_output_drain(); /* pvm_catchout: children's output first */
	if (lpvm_trace_on)
		lpvm_trace_exit();
	req.body_case = PVMX__CONTROL__BODY_LEAVE;
	req.leave = &e;
	if (lpvm_request(&req, &rep) == 0)
		wire_control_free(rep);
	lpvm_disconnect();
	return PvmOk;
}

int pvm_halt(void)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	int r = lpvm_ensure("pvm_halt");

	if (r < 0)
		return r;
	req.body_case = PVMX__CONTROL__BODY_HALT;
	req.halt = &e;
	r = lpvm_request(&req, &rep);
	if (r == 0)
		wire_control_free(rep);
	lpvm_disconnect();
	return r < 0 ? lpvm_error("pvm_halt", r) : PvmOk;
}

/* pvm_config and pvm_tasks return storage that lives until the next call,
 * as in PVM. */
static struct pvmhostinfo *config_hosts;
static int config_nhosts;
static struct pvmtaskinfo *tasks_info;
static int tasks_n;

static void free_config(void)
{
	for (int i = 0; i < config_nhosts; i++) {
		free(config_hosts[i].hi_name);
		free(config_hosts[i].hi_arch);
	}
	free(config_hosts);
	config_hosts = NULL;
	config_nhosts = 0;
}

/* Asks the daemon for its host table; *rep is freed by the caller. */
static int fetch_config(const char *fn, Pvmx__Control **rep)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	req.body_case = PVMX__CONTROL__BODY_CONFIG;
	req.config = &e;
	r = lpvm_request(&req, rep);
	if (r < 0)
		return lpvm_error(fn, r);
	if ((*rep)->body_case != PVMX__CONTROL__BODY_CONFIG_REPLY) {
		wire_control_free(*rep);
		return lpvm_error(fn, PvmDSysErr);
	}
	return 0;
}

int pvm_config(int *nhost, int *narch, struct pvmhostinfo **hostp)
{
	Pvmx__Control *rep = NULL;
	Pvmx__ConfigReply *cr;
	int r = fetch_config("pvm_config", &rep);

	if (r < 0)
		return r;
	cr = rep->config_reply;
	free_config();
	config_hosts = calloc(cr->n_hosts ? cr->n_hosts : 1, sizeof(*config_hosts));
	if (config_hosts == NULL) {
		wire_control_free(rep);
		return lpvm_error("pvm_config", PvmNoMem);
	}
	for (size_t i = 0; i < cr->n_hosts; i++) {
		struct pvmhostinfo *h = &config_hosts[i];

		h->hi_tid = cr->hosts[i]->tid;
		h->hi_name = strdup(cr->hosts[i]->name);
		h->hi_arch = strdup(cr->hosts[i]->arch);
		h->hi_speed = cr->hosts[i]->speed;
		h->hi_dsig = cr->hosts[i]->dsig;
		config_nhosts++;
	}
	if (nhost != NULL)
		*nhost = config_nhosts;
	if (narch != NULL)
		*narch = cr->narch;
	if (hostp != NULL)
		*hostp = config_hosts;
	wire_control_free(rep);
	return PvmOk;
}

/* The data signature of a host of architecture arch.  Leaves pvm_config's
 * storage alone: callers may pass one of its hi_arch strings. */
int pvm_archcode(char *arch)
{
	Pvmx__Control *rep = NULL;
	int r;

	if (arch == NULL)
		return lpvm_error("pvm_archcode", PvmBadParam);
	r = fetch_config("pvm_archcode", &rep);
	if (r < 0)
		return r;
	r = PvmNotFound;
	for (size_t i = 0; i < rep->config_reply->n_hosts; i++) {
		if (strcmp(rep->config_reply->hosts[i]->arch, arch) == 0) {
			r = rep->config_reply->hosts[i]->dsig;
			break;
		}
	}
	wire_control_free(rep);
	return r == PvmNotFound ? lpvm_error("pvm_archcode", r) : r;
}

/* One host's (or one task's) tasks into tasks_info; 0 or a PVM error. */
static int tasks_of(int where)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__TasksRequest t = PVMX__TASKS_REQUEST__INIT;
	Pvmx__TasksReply *tr;
	struct pvmtaskinfo *more;
	int r;

	t.where = where;
	req.body_case = PVMX__CONTROL__BODY_TASKS;
	req.tasks = &t;
	r = lpvm_request_as(&req, PVMX__CONTROL__BODY_TASKS_REPLY, &rep);
	if (r < 0)
		return r;
	tr = rep->tasks_reply;
	if (tr->code < 0) {
		r = tr->code;
		wire_control_free(rep);
		return r;
	}
	more = realloc(tasks_info,
	               sizeof(*tasks_info) * ((size_t)tasks_n + tr->n_tasks + 1));
	if (more == NULL) {
		wire_control_free(rep);
		return PvmNoMem;
	}
	tasks_info = more;
	for (size_t i = 0; i < tr->n_tasks; i++) {
		struct pvmtaskinfo *ti = &tasks_info[tasks_n];

		ti->ti_tid = tr->tasks[i]->tid;
		/* PVM reports "no parent" here as 0, not PvmNoParent */
		ti->ti_ptid = tr->tasks[i]->parent_tid > 0 ? tr->tasks[i]->parent_tid : 0;
		ti->ti_host = tr->tasks[i]->host_tid;
		ti->ti_flag = tr->tasks[i]->flags;
		ti->ti_a_out = strdup(tr->tasks[i]->name);
		ti->ti_pid = tr->tasks[i]->pid;
		tasks_n++;
	}
	wire_control_free(rep);
	return 0;
}

/* where 0: every host's daemon is asked in turn (a host that dies
 * meanwhile is left out). */
int pvm_tasks(int where, int *ntask, struct pvmtaskinfo **taskp)
{
	int r;

	if (where != 0 && !tid_is_valid(where))
		return lpvm_error("pvm_tasks", PvmBadParam);
	r = lpvm_ensure("pvm_tasks");
	if (r < 0)
		return r;
	for (int i = 0; i < tasks_n; i++)
		free(tasks_info[i].ti_a_out);
	free(tasks_info);
	tasks_info = NULL;
	tasks_n = 0;
	if (where != 0) {
		r = tasks_of(where);
	} else {
		Pvmx__Control *rep = NULL;

		r = fetch_config("pvm_tasks", &rep);
		if (r < 0)
			return r;
		for (size_t i = 0; i < rep->config_reply->n_hosts && r >= 0; i++) {
			r = tasks_of(rep->config_reply->hosts[i]->tid);
			if (r == PvmHostFail || r == PvmNoHost)
				r = 0;
		}
		wire_control_free(rep);
	}
	if (r < 0)
		return lpvm_error("pvm_tasks", r);
	if (tasks_info == NULL && (tasks_info = calloc(1, sizeof(*tasks_info))) == NULL)
		return lpvm_error("pvm_tasks", PvmNoMem);
	if (ntask != NULL)
		*ntask = tasks_n;
	if (taskp != NULL)
		*taskp = tasks_info;
	return PvmOk;
}

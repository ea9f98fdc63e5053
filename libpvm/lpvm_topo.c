/*
 * lpvm_topo.c - pvmx's topology and binding calls (include/pvmx.h,
 * docs/topology.md): the policy of this task's spawns, a host's topology
 * from the host table, a task's binding from its daemon.
 */
#include "lpvm.h"

#include "pvmx.h"
#include "tid.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

int pvmx_setbind(int policy)
{
	int old = lpvm.bind;

	if (policy != PVMX_BIND_NONE && policy != PVMX_BIND_CORE &&
	    policy != PVMX_BIND_NUMA)
		return lpvm_error("pvmx_setbind", PvmBadParam);
	lpvm.bind = policy;
	return old;
}

/* The host table of our daemon (which the master keeps up to date)
 * carries each host's topology. */
int pvmx_hosttopo(int dtid, struct pvmx_topo *t)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	int r;

	if (t == NULL)
		return lpvm_error("pvmx_hosttopo", PvmBadParam);
	req.body_case = PVMX__CONTROL__BODY_CONFIG;
	req.config = &e;
	r = lpvm_typed_request("pvmx_hosttopo", &req, PVMX__CONTROL__BODY_CONFIG_REPLY, &rep);
	if (r < 0)
		return r;
	if (rep->config_reply->code < 0) {
		r = rep->config_reply->code;
		wire_control_free(rep);
		return lpvm_error("pvmx_hosttopo", r);
	}
	r = PvmNoHost;
	for (size_t i = 0; i < rep->config_reply->n_hosts; i++) {
		const Pvmx__HostInfo *h = rep->config_reply->hosts[i];

		if (h->tid == dtid) {
			t->cores = h->cores;
			t->pus = h->pus;
			t->numa = h->numa;
			r = 0;
			break;
		}
	}
	wire_control_free(rep);
	return r < 0 ? lpvm_error("pvmx_hosttopo", r) : 0;
}

/* The bindings of the last REMEMBERED tasks this one spawned, oldest
 * overwritten first. */
#define REMEMBERED 4096
static struct {
	int tid;
	char *cpus;
} remembered[REMEMBERED];
static unsigned next_remembered;

void lpvm_binding_remember(int tid, const char *cpus)
{
	unsigned k = next_remembered++ % REMEMBERED;
	char *c = strdup(cpus != NULL ? cpus : "");

	free(remembered[k].cpus);
	remembered[k].tid = c != NULL ? tid : 0;
	remembered[k].cpus = c;
}

static const char *binding_of(int tid)
{
	/* newest first: a tid reused after its task ended is the new one */
	for (unsigned n = 0; n < REMEMBERED && n < next_remembered; n++) {
		unsigned k = (next_remembered - 1 - n) % REMEMBERED;

		if (remembered[k].tid == tid)
			return remembered[k].cpus;
	}
	return NULL;
}

static int copy_binding(const char *b, char *buf, int len)
{
	if (strlen(b) >= (size_t)len)
		return lpvm_error("pvmx_taskbinding", PvmOverflow);
	memcpy(buf, b, strlen(b) + 1);
	return 0;
}

/* A task this one spawned: as its spawn reply said (it may have ended
 * since); any other: asked of the daemon of tid, as pvm_tasks(tid) is. */
int pvmx_taskbinding(int tid, char *buf, int len)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__TasksRequest tr = PVMX__TASKS_REQUEST__INIT;
	const char *b;
	int r;

	if (buf == NULL || len < 1)
		return lpvm_error("pvmx_taskbinding", PvmBadParam);
	if (!tid_is_valid(tid) || tid_is_daemon(tid))
		return lpvm_error("pvmx_taskbinding", PvmNoTask);
	if ((b = binding_of(tid)) != NULL)
		return copy_binding(b, buf, len);
	tr.where = tid;
	req.body_case = PVMX__CONTROL__BODY_TASKS;
	req.tasks = &tr;
	r = lpvm_typed_request("pvmx_taskbinding", &req, PVMX__CONTROL__BODY_TASKS_REPLY, &rep);
	if (r < 0)
		return r;
	r = rep->tasks_reply->code;
	if (r >= 0 && rep->tasks_reply->n_tasks != 1)
		r = PvmNoTask;
	if (r < 0) {
		wire_control_free(rep);
		/* a host that is not there has no such task either */
		return lpvm_error("pvmx_taskbinding",
		                  r == PvmNoHost || r == PvmHostFail ? PvmNoTask : r);
	}
	b = rep->tasks_reply->tasks[0]->binding;
	r = copy_binding(b != NULL ? b : "", buf, len);
	wire_control_free(rep);
	return r;
}

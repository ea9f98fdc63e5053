/*
 * topo.c - this host's topology, read once with hwloc at start (cores,
 * PUs, NUMA nodes), the speed it gives the host, and the places of the
 * spawned tasks that ask to be bound (docs/topology.md).  The parent
 * chooses a task's cores and builds its CPU mask; the child only applies
 * it (sched_setaffinity, safe after fork).
 */
#include "pvmd.h"

#include "log.h"
#include "pvmx.h"

#include <errno.h>
#include <pvm3.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* sp= when given, else 1000 per core (PVM's 1000 for a one-core host, or
 * when the topology is unknown), at most sp='s bound, 1000000. */
int topo_speed(int sp, int ncores)
{
	if (sp > 0)
		return sp;
	if (ncores <= 0)
		return PVMD_SPEED;
	return ncores >= 1000 ? 1000000 : PVMD_SPEED * ncores;
}

#ifdef PVMX_HAVE_HWLOC
#include <hwloc.h>
#include <hwloc/glibc-sched.h>

/* One place a task can be bound to: a core (or a PU where the topology
 * has no cores) or a NUMA node; held counts the live tasks bound there. */
struct topo_place {
	hwloc_bitmap_t cpuset;
	char *list; /* "0-3,8": hwloc's list form, as Cpus_allowed_list */
	int held;
};

struct topo_places {
	struct topo_place *v;
	int n;
};

static hwloc_topology_t topology;
static struct topo_places cores, nodes;
static int applied;      /* the topology is this machine's: masks are applied */
static size_t mask_cpus; /* CPUs a mask must cover (the highest + 1) */

static void places_free(struct topo_places *p)
{
	for (int i = 0; i < p->n; i++) {
		hwloc_bitmap_free(p->v[i].cpuset);
		free(p->v[i].list);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static int places_fill(struct topo_places *p, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topology, type);

	places_free(p); /* (cores with no CPUs, filled again with PUs) */
	if (n <= 0)
		return 0;
	p->v = calloc((size_t)n, sizeof(*p->v));
	if (p->v == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topology, type, (unsigned)i);
		struct topo_place *pl = &p->v[p->n];
		int len;

		if (o == NULL || o->cpuset == NULL || hwloc_bitmap_iszero(o->cpuset))
			continue; /* (a NUMA node of memory only) */
		pl->cpuset = hwloc_bitmap_dup(o->cpuset);
		len = hwloc_bitmap_list_asprintf(&pl->list, o->cpuset);
		if (pl->cpuset == NULL || len < 0) {
			hwloc_bitmap_free(pl->cpuset);
			free(pl->list);
			return -1;
		}
		p->n++;
	}
	return 0;
}

/* A daemon started bound to some CPUs (taskset, a batch system's job
 * step) has those CPUs only: its tasks are placed among them.  (hwloc
 * itself leaves out only what the cgroup forbids.) */
static void restrict_to_binding(void)
{
	hwloc_bitmap_t mine = hwloc_bitmap_alloc();

	if (mine != NULL &&
	    hwloc_get_cpubind(topology, mine, HWLOC_CPUBIND_PROCESS) == 0 &&
	    !hwloc_bitmap_iszero(mine) &&
	    !hwloc_bitmap_isincluded(hwloc_topology_get_topology_cpuset(topology),
	                             mine) &&
	    hwloc_topology_restrict(topology, mine, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS) !=
	        0)
		log_warn("hwloc: cannot restrict the topology to our CPUs: %s",
		         strerror(errno));
	hwloc_bitmap_free(mine);
}

/* Reads the topology (hwloc honours HWLOC_XMLFILE and HWLOC_SYNTHETIC,
 * so a test can give the daemon another shape) into pvmd.cores, pus and
 * numa; 0, or -1 (logged: they stay 0 and binding is refused). */
int topo_init(void)
{
	hwloc_const_cpuset_t all;
	int last;

	if (hwloc_topology_init(&topology) != 0) {
		log_error("hwloc: cannot initialise a topology: %s", strerror(errno));
		topology = NULL;
		return -1;
	}
	hwloc_topology_set_flags(topology, HWLOC_TOPOLOGY_FLAG_DONT_CHANGE_BINDING);
	if (hwloc_topology_load(topology) != 0) {
		log_error("hwloc: cannot read this host's topology: %s", strerror(errno));
		hwloc_topology_destroy(topology);
		topology = NULL;
		return -1;
	}
	applied = hwloc_topology_is_thissystem(topology);
	if (applied)
		restrict_to_binding();
	if (places_fill(&cores, HWLOC_OBJ_CORE) != 0 ||
	    (cores.n == 0 && places_fill(&cores, HWLOC_OBJ_PU) != 0) ||
	    places_fill(&nodes, HWLOC_OBJ_NUMANODE) != 0) {
		log_error("hwloc: out of memory for the topology");
		topo_free_all();
		return -1;
	}
	pvmd.cores = cores.n;
	pvmd.pus = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
	pvmd.numa = nodes.n;
	all = hwloc_topology_get_topology_cpuset(topology);
	last = all != NULL ? hwloc_bitmap_last(all) : -1;
	mask_cpus = last >= 0 ? (size_t)last + 1 : 1;
	log_info("topology: %d cores, %d PUs, %d NUMA nodes%s", pvmd.cores, pvmd.pus,
	         pvmd.numa,
	         applied ? ""
	                 : " (not this machine's: bindings are chosen, not applied)");
	return 0;
}

static struct topo_places *places_of(int policy)
{
	return policy == PVMX_BIND_CORE   ? &cores
	       : policy == PVMX_BIND_NUMA ? &nodes
	                                  : NULL;
}

/* The place held by the fewest live bound tasks, the lowest first: new
 * tasks spread over free places, wrap round when all are held, and take
 * a freed one again. */
static int place_pick(const struct topo_places *p)
{
	int best = 0;

	for (int i = 1; i < p->n; i++) {
		if (p->v[i].held < p->v[best].held)
			best = i;
	}
	return best;
}

/* t takes a place by policy: t->binding and t->bind_* are set, and
 * *mask (the caller frees it with CPU_FREE; NULL when the topology is not
 * this machine's) is what its child applies.  0, or a PVM error. */
int topo_bind_take(struct task *t, int policy, cpu_set_t **mask, size_t *size)
{
	struct topo_places *p = places_of(policy);
	struct topo_place *pl;
	int i;

	*mask = NULL;
	*size = 0;
	if (p == NULL)
		return PvmBadParam;
	if (topology == NULL || p->n == 0)
		return PvmSysErr;
	i = place_pick(p);
	pl = &p->v[i];
	t->binding = strdup(pl->list);
	if (t->binding == NULL)
		return PvmNoMem;
	if (applied) {
		*mask = CPU_ALLOC(mask_cpus);
		*size = CPU_ALLOC_SIZE(mask_cpus);
		if (*mask == NULL || hwloc_cpuset_to_glibc_sched_affinity(
		                         topology, pl->cpuset, *mask, *size) != 0) {
			if (*mask != NULL)
				CPU_FREE(*mask);
			*mask = NULL;
			free(t->binding);
			t->binding = NULL;
			return PvmNoMem;
		}
	}
	t->bind_policy = policy;
	t->bind_index = i;
	pl->held++;
	return 0;
}

/* t is gone: its place is free for the next bound task. */
void topo_bind_release(struct task *t)
{
	struct topo_places *p = places_of(t->bind_policy);

	if (p != NULL && t->bind_index >= 0 && t->bind_index < p->n &&
	    p->v[t->bind_index].held > 0)
		p->v[t->bind_index].held--;
	t->bind_policy = PVMX_BIND_NONE;
	free(t->binding);
	t->binding = NULL;
}

void topo_free_all(void)
{
	places_free(&cores);
	places_free(&nodes);
	if (topology != NULL)
		hwloc_topology_destroy(topology);
	topology = NULL;
}

#else /* no hwloc: no topology, no binding */

int topo_init(void)
{
	log_warn("built without hwloc: no topology, bound spawns are refused");
	return -1;
}

int topo_bind_take(struct task *t, int policy, cpu_set_t **mask, size_t *size)
{
	(void)t;
	*mask = NULL;
	*size = 0;
	return policy == PVMX_BIND_CORE || policy == PVMX_BIND_NUMA ? PvmSysErr
	                                                            : PvmBadParam;
}

void topo_bind_release(struct task *t)
{
	t->bind_policy = PVMX_BIND_NONE;
	free(t->binding);
	t->binding = NULL;
}

void topo_free_all(void) {}
#endif

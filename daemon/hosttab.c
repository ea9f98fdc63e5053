/*
 * hosttab.c - the hosts of the virtual machine, by host index.  The
 * master's table is the truth; it sends the whole table to each new daemon
 * and every change to all of them (peer.c), so each daemon can route,
 * place spawns and answer pvm_config alone.
 */
#include "pvmd.h"

#include "log.h"
#include "tid.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct host *hosts[TID_MAX_HOST + 1];
static int nhosts;
/* the highest index in use: the walks stop there (the table has room
 * for 4095 hosts, and pvm_config and every group request walk it) */
static int top;
/* the master never reuses an index: a tid of a dead host may still be
 * held by someone */
static int next_index = PVMD_MASTER_INDEX + 1;

struct host *hosttab_get(int index)
{
	if (index < 1 || index > TID_MAX_HOST)
		return NULL;
	return hosts[index];
}

struct host *hosttab_by_tid(int tid)
{
	if (!tid_is_valid(tid))
		return NULL;
	return hosttab_get(tid_host_index(tid));
}

/* The host listed under exactly this name (any case): what pvm_addhosts
 * and pvm_delhosts match against. */
struct host *hosttab_by_listed_name(const char *name)
{
	for (int i = 1; i <= top; i++) {
		if (hosts[i] != NULL && strcasecmp(hosts[i]->name, name) == 0)
			return hosts[i];
	}
	return NULL;
}

/* A name given by a task (spawn's where, pvm_mstat, pvm_delhosts): a host
 * of the table by its name, else this host by any of its own names. */
struct host *hosttab_by_name(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return NULL;
	for (int i = 1; i <= top; i++) {
		if (hosts[i] != NULL && host_same_name(hosts[i]->name, name))
			return hosts[i];
	}
	if (host_is_me(name))
		return hosts[pvmd.host_index];
	return NULL;
}

int hosttab_count(void)
{
	return nhosts;
}

void hosttab_foreach(void (*f)(struct host *, void *), void *arg)
{
	for (int i = 1; i <= top; i++) {
		if (hosts[i] != NULL)
			f(hosts[i], arg);
	}
}

struct host *hosttab_add(int index, const char *name, const char *arch, int speed,
                         int dsig, const char *addr, int port)
{
	struct host *h;

	if (index < 1 || index > TID_MAX_HOST || hosts[index] != NULL)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->name = strdup(name);
	h->arch = strdup(arch);
	if (h->name == NULL || h->arch == NULL) {
		free(h->name);
		free(h->arch);
		free(h);
		return NULL;
	}
	h->index = index;
	h->tid = tid_make(index, 0);
	h->speed = speed > 0 ? speed : PVMD_SPEED;
	h->dsig = dsig;
	snprintf(h->addr, sizeof(h->addr), "%s", addr != NULL ? addr : "");
	h->port = port;
	liveness_heard(h);
	hosts[index] = h;
	nhosts++;
	if (index > top)
		top = index;
	if (index >= next_index)
		next_index = index + 1;
	return h;
}

int hosttab_init_self(void)
{
	struct host *h = hosttab_add(pvmd.host_index, pvmd.hostname, pvmd.arch,
	                             pvmd.speed, pvmd.dsig, "", pvmd.tcp_port);

	if (h == NULL)
		return -1;
	h->cores = pvmd.cores;
	h->pus = pvmd.pus;
	h->numa = pvmd.numa;
	return 0;
}

int hosttab_next_index(void)
{
	for (int i = next_index; i <= TID_MAX_HOST; i++) {
		if (hosts[i] == NULL) {
			next_index = i + 1;
			return i;
		}
	}
	return -1;
}

void hosttab_entry(const struct host *h, Pvmx__HostEntry *e)
{
	pvmx__host_entry__init(e);
	e->tid = h->tid;
	e->name = h->name;
	e->arch = h->arch;
	e->speed = h->speed;
	e->dsig = h->dsig;
	e->addr = (char *)h->addr;
	e->port = h->port;
	e->cores = h->cores;
	e->pus = h->pus;
	e->numa = h->numa;
}

static void host_free(struct host *h)
{
	if (h->queue != NULL)
		evbuffer_free(h->queue);
	free(h->name);
	free(h->arch);
	free(h);
}

void hosttab_remove(int index, const char *why)
{
	struct host *h = hosttab_get(index);
	char name[LOG_PRINTABLE_LEN];

	if (h == NULL || index == pvmd.host_index)
		return;
	log_warn("host %s (t%x) leaves the virtual machine: %s",
	         log_printable(name, sizeof(name), h->name), (unsigned)h->tid, why);
	hosts[index] = NULL;
	nhosts--;
	while (top > 0 && hosts[top] == NULL)
		top--;
	peer_drop_host(h);
	if (h->queued > 0)
		log_warn("host t%x: %zu bytes of frames for it dropped", (unsigned)h->tid,
		         h->queued);
	/* what waited for it fails now, then the watchers learn of it */
	pending_host_gone(index);
	group_host_gone(index);
	spawn_host_gone(index);
	notify_host_change(h->tid, 1);
	host_free(h);
}

void hosttab_free_all(void)
{
	for (int i = 1; i <= TID_MAX_HOST; i++) {
		if (hosts[i] != NULL) {
			host_free(hosts[i]);
			hosts[i] = NULL;
		}
	}
	nhosts = 0;
	top = 0;
}

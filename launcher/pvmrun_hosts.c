/*
 * pvmrun_hosts.c - where the job runs: the running virtual machine; or a
 * private machine of the hosts named by --host, --hostfile or a batch
 * allocation, booted here (its master daemon halts when pvmrun ends,
 * `pvmd -o`); or a private machine of this host alone.
 */
#include "errtext.h"
#include "pvmrun.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int host_add(const char *name, size_t namelen, const char *opts, int slots)
{
	struct pvmrun_vmhost *h, *n;
	size_t olen = opts != NULL ? strlen(opts) : 0;

	if (namelen == 0 || namelen >= sizeof(h->name)) {
		fprintf(stderr, "pvmrun: bad host name \"%.*s\"\n", (int)namelen, name);
		return -1;
	}
	n = realloc(run.hosts, sizeof(*n) * (size_t)(run.nhosts + 1));
	if (n == NULL)
		return -1;
	run.hosts = n;
	h = &run.hosts[run.nhosts];
	memset(h, 0, sizeof(*h));
	memcpy(h->name, name, namelen);
	h->slots = slots;
	h->addopts = malloc(namelen + olen + 2);
	if (h->addopts == NULL)
		return -1;
	snprintf(h->addopts, namelen + olen + 2, "%s%s%s", h->name, olen ? " " : "",
	         olen ? opts : "");
	run.nhosts++;
	return 0;
}

/* "a,b:2,c": names with an optional slot count each */
static int hosts_from_list(char *list)
{
	char *save = NULL;

	for (char *w = strtok_r(list, ",", &save); w != NULL;
	     w = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(w, ':'), *end;
		long slots = 0;

		if (colon != NULL) {
			slots = strtol(colon + 1, &end, 10);
			if (colon[1] == '\0' || *end != '\0' || slots < 1 ||
			    slots > PVMRUN_MAX_NP) {
				fprintf(stderr, "pvmrun: --host %s: bad slot count\n", w);
				return -1;
			}
		}
		if (host_add(w, colon != NULL ? (size_t)(colon - w) : strlen(w), NULL,
		             (int)slots) != 0)
			return -1;
	}
	return 0;
}

/* A PVM host file (docs/hosts.md): "name options", '*' lines of
 * defaults, '&' lines (not started: not used here), '#' comments; a
 * word slots=N is pvmrun's and is not passed to the daemon. */
static int hosts_from_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[4096], defaults[4096] = "";
	int lineno = 0;

	if (fp == NULL) {
		fprintf(stderr, "pvmrun: --hostfile %s: cannot open it\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char opts[4096] = "", both[8192], *save = NULL, *name, *w;
		size_t olen = 0;
		long slots = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		name = strtok_r(line, " \t", &save);
		if (name == NULL || name[0] == '#' || name[0] == '&')
			continue;
		for (w = strtok_r(NULL, " \t", &save); w != NULL;
		     w = strtok_r(NULL, " \t", &save)) {
			if (strncmp(w, "slots=", 6) == 0) {
				char *end;

				slots = strtol(w + 6, &end, 10);
				if (w[6] == '\0' || *end != '\0' || slots < 1 ||
				    slots > PVMRUN_MAX_NP) {
					fprintf(stderr, "pvmrun: %s:%d: bad %s\n", path,
					        lineno, w);
					fclose(fp);
					return -1;
				}
				continue;
			}
			olen += (size_t)snprintf(opts + olen, sizeof(opts) - olen, "%s%s",
			                         olen ? " " : "", w);
			if (olen >= sizeof(opts)) {
				fprintf(stderr, "pvmrun: %s:%d: line too long\n", path,
				        lineno);
				fclose(fp);
				return -1;
			}
		}
		if (strcmp(name, "*") == 0) {
			snprintf(defaults, sizeof(defaults), "%s", opts);
			continue;
		}
		snprintf(both, sizeof(both), "%s%s%s", defaults,
		         defaults[0] && opts[0] ? " " : "", opts);
		if (host_add(name, strlen(name), both, (int)slots) != 0) {
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	if (run.nhosts == 0) {
		fprintf(stderr, "pvmrun: --hostfile %s: no hosts in it\n", path);
		return -1;
	}
	return 0;
}

/* The hosts of the machine we joined, for placement round robin. */
static int hosts_from_config(void)
{
	struct pvmhostinfo *hi;
	int nhost, narch;

	if (pvm_config(&nhost, &narch, &hi) < 0)
		return -1;
	for (int i = 0; i < nhost; i++) {
		if (host_add(hi[i].hi_name, strlen(hi[i].hi_name), NULL, 0) != 0)
			return -1;
		run.hosts[run.nhosts - 1].dtid = hi[i].hi_tid;
	}
	return 0;
}

/* Starts a private master daemon that halts when we end. */
static int start_private(void)
{
	char pid[24], *args[2] = {"-o", pid};
	int r;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	pvm_setopt(PvmAutoErr, 1); /* the library says why a start fails */
	r = pvm_start_pvmd(2, args, 1);
	pvm_setopt(PvmAutoErr, 0);
	if (r != 0)
		return r;
	run.private_vm = 1;
	run.mytid = pvm_mytid();
	if (run.mytid < 0) {
		/* it came up but will not have us: do not leave it behind */
		pvm_halt();
		run.private_vm = 0;
		return run.mytid;
	}
	if (run.o.verbose)
		fprintf(stderr, "pvmrun: started a private pvmd\n");
	return 0;
}

/* Adds the listed hosts; the local one is there already (PvmDupHost).
 * Each host's dtid, from the configuration. */
static int add_hosts(void)
{
	char **names = calloc((size_t)run.nhosts, sizeof(char *));
	int *infos = calloc((size_t)run.nhosts, sizeof(int));
	int me = pvm_tidtohost(run.mytid), r = 0;
	struct pvmhostinfo *hi;
	int nhost, narch;

	if (names == NULL || infos == NULL) {
		free(names);
		free(infos);
		return -1;
	}
	for (int i = 0; i < run.nhosts; i++)
		names[i] = run.hosts[i].addopts;
	pvm_addhosts(names, run.nhosts, infos);
	if (pvm_config(&nhost, &narch, &hi) < 0)
		nhost = 0;
	for (int i = 0; i < run.nhosts && r == 0; i++) {
		struct pvmrun_vmhost *h = &run.hosts[i];

		for (int k = 0; k < nhost && h->dtid == 0; k++)
			if (strcmp(hi[k].hi_name, h->name) == 0)
				h->dtid = hi[k].hi_tid;
		if (infos[i] > 0)
			h->dtid = infos[i];
		else if (h->dtid == 0 && infos[i] == PvmDupHost)
			h->dtid = me; /* another name of this host */
		if (h->dtid == 0) {
			fprintf(stderr, "pvmrun: cannot add host %s: %s\n", h->name,
			        errtext(infos[i] < 0 ? infos[i] : PvmNoHost));
			r = -1;
		} else if (run.o.verbose) {
			fprintf(stderr, "pvmrun: host %s is t%x\n", h->name,
			        (unsigned)h->dtid);
		}
	}
	free(names);
	free(infos);
	return r;
}

/* The hosts of a batch allocation, when we are in one and no host
 * list was given: 0 (none), 1 (taken), -1 (malformed: said why). */
static int hosts_from_alloc(void)
{
	struct pvmrun_host *hosts = NULL;
	const char *rsh = NULL;
	int n = pvmrun_alloc_hosts(&hosts, &rsh);

	for (int i = 0; i < n; i++) {
		if (host_add(hosts[i].name, strnlen(hosts[i].name, sizeof(hosts[i].name)),
		             NULL, hosts[i].slots) != 0) {
			free(hosts);
			return -1;
		}
	}
	free(hosts);
	if (n > 0 && rsh != NULL)
		setenv("PVM_RSH", rsh, 1); /* the daemon we start boots with it */
	if (n > 0 && run.o.verbose)
		fprintf(stderr, "pvmrun: %d hosts from the batch allocation\n", n);
	return n > 0 ? 1 : n;
}

/* A machine of our own: a VM id no running machine has. */
static void private_vmid(void)
{
	const char *old = getenv("PVM_VMID");
	char id[128];

	snprintf(id, sizeof(id), "%.60s-run%d", old != NULL && *old ? old : "default",
	         (int)getpid());
	setenv("PVM_VMID", id, 1);
}

int pvmrun_join(void)
{
	int r = 0;

	if (run.o.hosts_arg != NULL)
		r = hosts_from_list(run.o.hosts_arg);
	else if (run.o.hostfile != NULL)
		r = hosts_from_file(run.o.hostfile);
	if (r != 0)
		return -2;
	pvm_setopt(PvmAutoErr, 0);
	if (run.nhosts == 0) {
		run.mytid = pvm_mytid();
		if (run.mytid > 0)
			return hosts_from_config();
		r = hosts_from_alloc();
		if (r < 0)
			return -2;
		if (r == 0) {
			/* this host alone */
			r = start_private();
			if (r == PvmDupHost) /* another pvmrun's start won */
				run.mytid = pvm_mytid();
			else if (r < 0)
				run.mytid = r;
			if (run.mytid < 0) {
				fprintf(stderr,
				        "pvmrun: cannot join the virtual machine: %s\n",
				        errtext(run.mytid));
				return -1;
			}
			return hosts_from_config();
		}
	}
	run.explicit_hosts = 1;
	private_vmid();
	r = start_private();
	if (r < 0) {
		fprintf(stderr, "pvmrun: cannot start a private virtual machine: %s\n",
		        errtext(r));
		return -1;
	}
	return add_hosts();
}

void pvmrun_leave(int code)
{
	pvmrun_output_flush();
	fflush(stdout);
	fflush(stderr);
	if (run.private_vm)
		pvm_halt();
	else
		pvm_exit();
	exit(code);
}

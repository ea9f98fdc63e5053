/*
 * fpvm_host.c - the Fortran calls on the virtual machine: its hosts,
 * their clocks, architectures, and starting or halting it.
 */
#include "fpvm.h"

#include "pvm3.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/*
 * pvmfconfig(nhost, narch, dtid, name, arch, speed, info): one host per
 * call, from a list taken at the first call; info is 1 for each host.
 * The list is taken afresh after its last host, or when the caller
 * passes nhost = -1.  name and arch are cut or blank-padded.
 */
void pvmfconfig_(int *nhost, int *narch, int *dtid, char *name, char *arch, int *speed,
                 int *info, fstrlen name_len, fstrlen arch_len)
{
	static struct pvmhostinfo *list;
	static int count, archs, next;

	if (count > 0 && nhost != NULL && *nhost == -1)
		count = 0;
	if (count == 0) {
		int cc = pvm_config(&count, &archs, &list);
		if (cc < 0) {
			count = 0;
			*info = cc;
			return;
		}
		next = 0;
	}
	if (next < count) {
		const struct pvmhostinfo *h = &list[next++];

		if (nhost != NULL)
			*nhost = count;
		if (narch != NULL)
			*narch = archs;
		if (dtid != NULL)
			*dtid = h->hi_tid;
		fpvm_fstr(name, name_len, h->hi_name);
		fpvm_fstr(arch, arch_len, h->hi_arch);
		if (speed != NULL)
			*speed = h->hi_speed;
		*info = 1;
	}
	if (next >= count)
		count = 0;
}

/* pvm_addhosts or pvm_delhosts on the one host named by the Fortran
 * string host: *info is its result for that host (a daemon tid, 0 when
 * deleted) or the error. */
static void one_host(int (*op)(char **, int, int *), const char *host, fstrlen len,
                     int *info)
{
	char chost[FPVM_HOST_MAX + 1];
	char *names[1] = {chost};
	int result;

	if (fpvm_cstr(chost, sizeof(chost), host, len) != 0) {
		*info = PvmBadParam;
		return;
	}
	*info = op(names, 1, &result);
	if (*info >= 0)
		*info = result;
}

/* pvmfaddhost(host, info): info is the new host's daemon tid, or an
 * error */
void pvmfaddhost_(char *host, int *info, fstrlen host_len)
{
	one_host(pvm_addhosts, host, host_len, info);
}

/* pvmfdelhost(host, info): info is 0 when the host went, or an error */
void pvmfdelhost_(char *host, int *info, fstrlen host_len)
{
	one_host(pvm_delhosts, host, host_len, info);
}

void pvmfmstat_(char *host, int *status, fstrlen host_len)
{
	char chost[FPVM_HOST_MAX + 1];

	if (fpvm_cstr(chost, sizeof(chost), host, host_len) != 0) {
		*status = PvmBadParam;
		return;
	}
	*status = pvm_mstat(chost);
}

void pvmfhalt_(int *info)
{
	*info = pvm_halt();
}

/* pvmfhostsync(host, clksec, clkusec, deltasec, deltausec, info) */
void pvmfhostsync_(int *host, int *clksec, int *clkusec, int *deltasec, int *deltausec,
                   int *info)
{
	struct timeval clk = {0, 0}, delta = {0, 0};

	*info = pvm_hostsync(*host, &clk, &delta);
	*clksec = (int)clk.tv_sec;
	*clkusec = (int)clk.tv_usec;
	*deltasec = (int)delta.tv_sec;
	*deltausec = (int)delta.tv_usec;
}

void pvmftidtohost_(int *tid, int *dtid)
{
	*dtid = pvm_tidtohost(*tid);
}

void pvmfarchcode_(char *arch, int *code, fstrlen arch_len)
{
	char carch[FPVM_HOST_MAX + 1];

	if (fpvm_cstr(carch, sizeof(carch), arch, arch_len) != 0) {
		*code = PvmBadParam;
		return;
	}
	*code = pvm_archcode(carch);
}

/*
 * pvmfstartpvmd(args, block, info): args is the daemon's command line,
 * words separated by blanks or tabs (none: no arguments).
 */
void pvmfstartpvmd_(char *args, int *block, int *info, fstrlen args_len)
{
	char *line = malloc(args_len + 1), **argv = NULL, *word, *save = NULL;
	int argc = 0;

	if (line == NULL) {
		*info = PvmNoMem;
		return;
	}
	memcpy(line, args, args_len);
	line[args_len] = '\0';
	/* at most one word per two bytes, and the terminating NULL */
	argv = calloc(args_len / 2 + 2, sizeof(*argv));
	if (argv == NULL) {
		free(line);
		*info = PvmNoMem;
		return;
	}
	for (word = strtok_r(line, " \t", &save); word != NULL;
	     word = strtok_r(NULL, " \t", &save))
		argv[argc++] = word;
	*info = pvm_start_pvmd(argc, argc > 0 ? argv : NULL, *block);
	free(argv);
	free(line);
}

/*
 * gpvm_shim.c - libgpvm3.so.3.  In PVM 3.4 the group functions live in a
 * separate library talking to a group server task (pvmgs); in pvmx they
 * are part of libpvm3 (the daemons hold group membership), so this
 * library carries a DT_NEEDED on libpvm3.so.3, which resolves the group
 * calls of binaries linked with -lgpvm3, and only the few names of PVM's
 * group library that tools use directly (Debian's pvm_gstat, pvmgroups).
 */
#include <pvm3.h>
#include <stddef.h>
#include <sys/time.h>


/* from libpvm3 (exported there for PVM's own programs) */
int lpvmerr(char *fn, int code);

/* PVM's cached tid of the group server: there is none (-1, PVM's value
 * before one is found). */
int gstid = -1;

/* How long PVM's group tools wait for the server; NULL: forever. */
struct timeval *pvmgs_tmout = NULL;

/* The group server's tid, starting one if needed, in PVM.  pvmx has no
 * group server: always PvmNotImpl, so PVM's tools say "no groups
 * server" instead of sending it requests. */
int gs_getgstid(void);
int gs_getgstid(void)
{
	return lpvmerr("gs_getgstid", PvmNotImpl);
}

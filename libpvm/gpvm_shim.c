/*
 * gpvm_shim.c - libgpvm3.so.3.  In PVM 3.4 the group functions live in a
 * separate library; in pvmx they are part of libpvm3 (the daemons hold
 * group membership), so this library only carries a DT_NEEDED on
 * libpvm3.so.3 and lets binaries linked with -lgpvm3 load and resolve.
 */
int pvmx_gpvm_shim_present(void);

int pvmx_gpvm_shim_present(void) { return 1; }

/*
 * paths.h - where a virtual machine's socket, lock and log live: a
 * private 0700 directory per user, one set of files per PVM_VMID.
 */
#ifndef PVMX_PATHS_H
#define PVMX_PATHS_H

#include <stddef.h>

/* Fills buf with the private directory, creating it 0700 when missing.
 * Returns 0, or -1 (with a logged reason) if it is not ours or not private. */
int paths_private_dir(char *buf, size_t len);
/* Room for any VM id paths_vmid() writes. */
#define PATHS_VMID_LEN 64
/* The VM id, into buf (len bytes, at least 1): PVM_VMID with only
 * [A-Za-z0-9._-] kept, cut to fit, else "default".  Returns buf. */
const char *paths_vmid(char *buf, size_t len);
/* dir/pvmd.<vmid>.<suffix>; returns 0 or -1 if it does not fit. */
int paths_vm_file(char *buf, size_t len, const char *suffix);
/* The shared-memory receive region of task tid of this VM, a shm_open
 * name "/pvmx.<uid>.<vmid>.<tid>"; and its doorbell, a datagram socket
 * dir/pvmd.<vmid>.t<tid>.bell (at most 107 bytes, a socket path's limit).
 * Both derive from the tid alone, so a sender finds a peer's without
 * asking; only the daemon of the tid's host makes them.  0, or -1 if the
 * name does not fit. */
int paths_shm_region(char *buf, size_t len, int tid);
int paths_shm_bell(char *buf, size_t len, int tid);
/* The prefix every region name of this VM and user starts with. */
int paths_shm_prefix(char *buf, size_t len);

#endif

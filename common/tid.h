/*
 * tid.h - PVM task identifiers: bits 18-29 the host index, bits 0-17 the
 * task's number on that host; the daemon of host h is h << 18.
 */
#ifndef PVMX_TID_H
#define PVMX_TID_H

#define TID_HOST_SHIFT 18
#define TID_LOCAL_MASK 0x3ffff
#define TID_HOST_MASK 0x3ffc0000
#define TID_MAX_HOST 0xfff

static inline int tid_host(int tid) { return tid & TID_HOST_MASK; }
static inline int tid_local(int tid) { return tid & TID_LOCAL_MASK; }
static inline int tid_make(int host_index, int local)
{
	return (host_index << TID_HOST_SHIFT) | (local & TID_LOCAL_MASK);
}
static inline int tid_host_index(int tid) { return (tid & TID_HOST_MASK) >> TID_HOST_SHIFT; }
/* A well-formed task or daemon id: positive, no bits above 29, a host. */
static inline int tid_is_valid(int tid)
{
	return tid > 0 && (tid & ~(TID_HOST_MASK | TID_LOCAL_MASK)) == 0 &&
	       tid_host_index(tid) != 0;
}
static inline int tid_is_daemon(int tid) { return tid_is_valid(tid) && tid_local(tid) == 0; }

#endif

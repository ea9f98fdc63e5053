/*
 * pvmx.h - pvmx's own extensions to the PVM 3.4 interface.  Nothing here
 * changes pvm3.h's behaviour; programs that only include pvm3.h never see
 * these names.
 */
#ifndef PVMX_H
#define PVMX_H

#include <pvm3.h>
#include <stdarg.h>

#define PVMX_VERSION "0.1.0"

/*
 * Notify kind for pvm_notify(): like PvmTaskExit, but the message body is
 * two packed ints, the tid and its wait(2) status (as from waitpid: use
 * WIFEXITED/WEXITSTATUS/WIFSIGNALED/WTERMSIG).  A task that was not
 * spawned by a daemon reports status 0 when it disconnects.  A task that
 * has already exited (the daemon remembers its last 4096 exits) gets its
 * message at once with its real status; a tid never seen, with -1.
 */
#define PvmxTaskExitStatus 16

/*
 * Output messages (PvmOutputTid / PvmOutputCode) carry three packed
 * items: int tid, int count, and count bytes of output when count > 0.
 * count PVMX_OUTPUT_BEGIN marks a task whose output starts; count
 * PVMX_OUTPUT_END (0) marks the end of its output.
 */
#define PVMX_OUTPUT_BEGIN (-1)
#define PVMX_OUTPUT_END 0

/*
 * pvm_setopt option: non-zero, the tag of the output messages carrying
 * the stderr bytes of the tasks spawned after it (stdout keeps
 * PvmOutputCode's; BEGIN and END come with PvmOutputCode's too).  0, the
 * default, sends both streams with PvmOutputCode's tag, as PVM does.
 * Children of those tasks inherit PvmOutputTid and PvmOutputCode only.
 */
#define PvmxOutputErrCode 0x7801

/*
 * pvm_spawn / pvmx_spawn flag: the first instance's stdin is a pipe fed
 * by pvmx_stdin (the others', and otherwise, /dev/null, as in PVM).
 */
#define PvmxTaskStdin 0x10000

#ifdef __cplusplus
extern "C" {
#endif

/* The socket directory this process would use (PVM_TMP, XDG_RUNTIME_DIR
 * or /tmp, plus pvmx-<uid>); NULL if it cannot be made private. */
const char *pvmx_socket_dir(void);

/* pvm_packf / pvm_unpackf taking a va_list, as PVM 3.4.6 exports them
 * (its pvm3.h does not declare them). */
int pvm_vpackf(const char *fmt, va_list ap);
int pvm_vunpackf(const char *fmt, va_list ap);

/* The console's reset, as PVM 3.4.6 exports it (undeclared in its
 * pvm3.h): with killtasks, kills every task but mytid and the no-reset
 * ones; the daemon deletes the persistent mailbox entries of class
 * (NULL or "": every class) at index (-1: every index) whose owner has
 * exited, and those of the killed tasks as they exit.  0, or an error. */
int pvmreset(int mytid, int killtasks, char *class_name, int index);

/* The console's groups command (PVM 3.4.6's pvm_gstat): every group of
 * the virtual machine, asking each host's daemon for the groups homed
 * there.  gi_tids and gi_hosts are by instance (-1: a free instance);
 * gi_state 0 dynamic, 1 frozen, 2 frozen then left by a member.  The
 * storage is the library's, until the next call.  0, or an error. */
struct pvmxgroupinfo {
	char *gi_name;
	int gi_home; /* the daemon tid of its home */
	int gi_size; /* members */
	int gi_ninst;
	int *gi_tids;
	int *gi_hosts;
	int gi_state;
};
int pvmx_groups(struct pvmxgroupinfo **groups, int *ngroups);

/*
 * Topology and CPU binding (docs/topology.md).  Each daemon reads its
 * host's topology with hwloc when it starts.
 *
 * pvmx_setbind: how this task's later pvm_spawn instances are bound, on
 * whichever host they start: PVMX_BIND_NONE (the default: not bound),
 * PVMX_BIND_CORE (each instance to one core, all its PUs) or
 * PVMX_BIND_NUMA (each to one NUMA node's CPUs).  The daemon that forks
 * an instance gives it the core (node) held by the fewest of its live
 * bound tasks, the lowest first: instances spread over the cores, wrap
 * round when there are more than cores, and take freed ones again.
 * Returns the policy it replaces, or PvmBadParam.
 */
#define PVMX_BIND_NONE 0
#define PVMX_BIND_CORE 1
#define PVMX_BIND_NUMA 2
int pvmx_setbind(int policy);

/* A host's topology as its daemon's hwloc read it: cores (PUs where the
 * topology has no cores), PUs (hardware threads) and NUMA nodes; 0 in
 * each when that daemon could not read it.  dtid: the host's daemon tid
 * (pvm_config's hi_tid, or pvm_tidtohost of a task).  0, PvmNoHost (no
 * such host) or PvmSysErr (its daemon could not be asked). */
struct pvmx_topo {
	int cores;
	int pus;
	int numa;
};
int pvmx_hosttopo(int dtid, struct pvmx_topo *t);

/* The CPUs task tid is bound to, in the list form of
 * /proc/PID/status's Cpus_allowed_list ("0-3,8"; "" when it is not
 * bound), written to buf (len bytes, with the NUL).  Its daemon's
 * record: where the host's topology is not the machine's own (an hwloc
 * synthetic or XML topology), the binding is chosen but not applied.
 * For a task this one spawned, the binding its spawn reply gave (known
 * after the task has ended too).  0, PvmNoTask (no such task),
 * PvmOverflow (buf too short) or another PVM error. */
int pvmx_taskbinding(int tid, char *buf, int len);

/* The clock of host (a tid of it, its daemon's; 0: ours) minus the
 * caller's host's clock, in microseconds, into *offset_us, right within
 * *err_us (either may be NULL).  The daemons keep these offsets from
 * their heartbeats (docs/tracing.md); the caller's daemon answers from
 * its table, without asking that host.  The clock is the time of day
 * (gettimeofday, as trace events are stamped).  0, PvmNoEntry (no
 * estimate yet: a host that joined a second ago), PvmNoHost or
 * PvmBadParam. */
int pvmx_hostclock(int host, long long *offset_us, long long *err_us);

/* The console's top (docs/top.md): the counters of the host whose daemon
 * is host, asked of that daemon.  Counters count since the daemon
 * started; messages and bytes are those that went through the daemons
 * (the direct routes, shared memory and libfabric, are not counted).
 * hs_load* are /proc/loadavg times 100 (-1: unknown); hs_now_us the
 * daemon's monotonic clock, for rates between two calls.  The storage is
 * the library's, until the next call.  0, or an error (PvmNoHost). */
struct pvmxtaskstat {
	int ts_tid;
	int ts_pid;
	char *ts_name;
	int ts_state; /* 0 running, 1 starting, 2 left (pvm_exit), 3 exiting */
	int ts_held;  /* its sends wait for a receiver's queue */
	int ts_over;  /* its queue is over the daemon's bound */
	unsigned long long ts_sent_msgs, ts_sent_bytes, ts_recv_msgs, ts_recv_bytes;
	unsigned long long ts_queued_bytes; /* held for it by its daemon */
};
struct pvmxlinkstat {
	int ls_host; /* the other daemon's tid */
	int ls_up;
	int ls_full;     /* senders wait for it to drain */
	int ls_heard_ms; /* since anything came from that host; -1 unknown */
	unsigned long long ls_sent_frames, ls_sent_bytes, ls_recv_frames, ls_recv_bytes;
	unsigned long long ls_queued_bytes;
};
struct pvmxhoststat {
	int hs_host;
	unsigned long long hs_now_us;
	int hs_load1, hs_load5, hs_load15;
	int hs_ncpu;
	int hs_ntask;
	struct pvmxtaskstat *hs_tasks;
	int hs_nlink;
	struct pvmxlinkstat *hs_links;
};
int pvmx_hoststat(int host, struct pvmxhoststat **stat);

/* pvm_spawn with a placement (pvmrun's): hosts, when not NULL, names the
 * host of each of the count instances (as pvm_config names it); ranks,
 * when not NULL, gives each instance's PVMX_RANK environment variable.
 * One spawn, so pvm_siblings gives every instance all their tids in
 * instance order.  flags as pvm_spawn's without PvmTaskHost/PvmTaskArch.
 * Returns and fills tids as pvm_spawn does. */
int pvmx_spawn(char *file, char **argv, int flags, char **hosts, const int *ranks,
               int count, int *tids);

/* Queues len bytes for the stdin of task tid (spawned with
 * PvmxTaskStdin); eof non-zero closes its stdin once they are written.
 * The bytes still queued for it (>= 0); PvmOverflow when its queue is
 * full (nothing taken: wait and send again); PvmNoTask when it has gone
 * or has no stdin pipe. */
int pvmx_stdin(int tid, const void *buf, int len, int eof);

#ifdef __cplusplus
}
#endif

#endif

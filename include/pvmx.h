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

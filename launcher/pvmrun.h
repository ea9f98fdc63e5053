/*
 * pvmrun.h - the launcher's shared state: its options, the hosts it
 * places ranks on, and the tasks whose output and exit it waits for.
 * One file per concern: pvmrun_opts.c (command line), pvmrun_hosts.c
 * (host lists, the private machine), pvmrun_spawn.c (placement, spawn),
 * pvmrun_output.c, pvmrun_stdin.c, pvmrun_signals.c, pvmrun.c (the loop).
 */
#ifndef PVMX_PVMRUN_H
#define PVMX_PVMRUN_H

#include "linebuf.h"
#include "pvmrun_alloc.h"

#include <stdio.h>

/* private message tags: stdout (and BEGIN/END), stderr, exit notices */
#define PVMRUN_OUT_TAG 0x50520001
#define PVMRUN_EXIT_TAG 0x50520002
#define PVMRUN_ERR_TAG 0x50520003
#define PVMRUN_MAX_NP 100000

/* One part of an MPMD command line (`: -np M prog2 ...`). */
struct pvmrun_part {
	int np; /* 0: not given */
	const char *prog;
	char **args; /* NULL-terminated, or NULL */
};

struct pvmrun_opts {
	struct pvmrun_part *parts;
	int nparts;
	char *hosts_arg; /* --host lists, joined by ',' (malloc'd), or NULL */
	const char *hostfile;
	const char *map_by;  /* slot (default), node, core, numa */
	const char *bind_to; /* NULL: not asked */
	int report_bindings, tag_output, timestamp_output, keep_going, verbose;
	char *output_dir; /* absolute (malloc'd), or NULL */
	const char *trace_json, *trace_html; /* --trace, --trace-html, or NULL */
	const char *wdir;
	double timeout;           /* seconds; 0: none */
	const char *timeout_from; /* "--timeout" or "PVMRUN_TIMEOUT" */
	char *export_names;       /* -x names, ':'-separated (malloc'd) */
};

/* A host ranks go to: from --host, --hostfile, a batch allocation or
 * the running machine's configuration. */
struct pvmrun_vmhost {
	char name[256]; /* as the machine knows it (pvm_spawn's where) */
	char *addopts;  /* "name options" for pvm_addhosts (malloc'd) */
	int slots;      /* 0: not given */
	int dtid;       /* its daemon, once in the machine */
};

/* A task: a rank pvmrun spawned, or a task of theirs whose output
 * reaches us (it inherits the output settings; rank -1). */
struct pvmrun_task {
	int tid;
	int rank; /* -1: not ours */
	int host; /* index into run.hosts, -1: unknown */
	int exited, ended, status;
	struct linebuf out, err;
	FILE *fout, *ferr; /* --output-dir files, or NULL */
};

struct pvmrun_state {
	struct pvmrun_opts o;
	int np; /* ranks over all parts */
	struct pvmrun_vmhost *hosts;
	int nhosts;
	int explicit_hosts; /* placed with PvmTaskHost */
	int private_vm;
	int mytid;
	struct pvmrun_task *tasks;
	int ntasks, cap;
	int first_failure; /* index into tasks, or -1 */
	int stopping;      /* the others are being stopped */
};

extern struct pvmrun_state run;

/* pvmrun_opts.c: 0, or -1 after a one-line message (exit 2) */
int pvmrun_parse(int argc, char **argv, struct pvmrun_opts *o);
void pvmrun_usage(FILE *fp);

/* pvmrun_hosts.c: joins or boots the machine; 0 or -1 (said why) */
int pvmrun_join(void);
void pvmrun_leave(int code) __attribute__((noreturn));

/* pvmrun_spawn.c: places and spawns every rank; 0, or an exit code */
int pvmrun_spawn_all(void);
struct pvmrun_task *pvmrun_task_find(int tid);
struct pvmrun_task *pvmrun_task_add(int tid, int rank);
const char *pvmrun_task_host(const struct pvmrun_task *t);

/* pvmrun_output.c */
void pvmrun_output_init(void);
int pvmrun_output_open(struct pvmrun_task *t); /* --output-dir files */
void pvmrun_output_msg(int tag);               /* message in the buffer */
void pvmrun_output_flush(void);

/* pvmrun_stdin.c: forwards our stdin to rank 0 */
void pvmrun_stdin_start(int tid);
int pvmrun_stdin_active(void);
void pvmrun_stdin_pump(void);

/* pvmrun_signals.c */
void pvmrun_signals_init(void);
int pvmrun_signal_stop(void); /* a SIGINT/TERM/HUP that arrived, or 0 */
void pvmrun_signals_forward(void);
void pvmrun_kill_tasks(void);

#endif

/*
 * console.h - the interactive console `pvm`: its command table
 * (console_cmds.c), commands on its own environment and aliases
 * (console_env.c), on the hosts (console_hosts.c), on options, signals,
 * the daemon and jobs (console_task.c), on the message mailbox
 * (console_mbox.c), the output of tasks spawned with `->` (console_out.c)
 * and the input loop (console.c).
 */
#ifndef PVMX_CONSOLE_H
#define PVMX_CONSOLE_H

#include <pvm3.h>

#include <stdio.h>

/* What a command asks the input loop to do next. */
enum console_action {
	CONSOLE_CONTINUE,
	CONSOLE_QUIT, /* leave the virtual machine running */
	CONSOLE_EXIT, /* the daemon is gone (halt): exit at once */
};

struct console {
	int mytid;
	int interactive;  /* stdin is a terminal: prompt, notes */
	int prompt_shown; /* "pvm> " is on the screen, waiting for input */
};

extern struct console console;

/* The longest command line, and the longest an alias makes one. */
#define CONSOLE_LINE_MAX 4096

/* Runs one command line; returns what the loop does next. */
enum console_action console_execute(char *line);
/* Runs the commands of ~/.pvmrc, if there is one; returns what the loop
 * does next (a `quit` or `halt` there ends the console). */
enum console_action console_read_pvmrc(void);

/* A tid as PVM prints them: hex, with or without the leading t; -1 when
 * s is not one. */
int console_parse_tid(const char *s);
/* Writes the ac words of av into out, separated by spaces and quoted
 * where needed, so that the console's tokenizer gives them back; returns
 * 0, or -1 when they do not fit in cap bytes. */
int console_join_words(char *out, size_t cap, int ac, char **av);
/* A C int written as strtol(.., 0) reads it; -1 when s is not one. */
int console_parse_int(const char *s, int *value);

/* Command handlers outside console_cmds.c; av[0] is the command name. */
enum console_action console_cmd_add(int ac, char **av);
enum console_action console_cmd_alias(int ac, char **av);
enum console_action console_cmd_conf(int ac, char **av);
enum console_action console_cmd_delete(int ac, char **av);
enum console_action console_cmd_unalias(int ac, char **av);
enum console_action console_cmd_setenv(int ac, char **av);
enum console_action console_cmd_export(int ac, char **av);
enum console_action console_cmd_unexport(int ac, char **av);
enum console_action console_cmd_getopt(int ac, char **av);
enum console_action console_cmd_setopt(int ac, char **av);
enum console_action console_cmd_sig(int ac, char **av);
enum console_action console_cmd_tickle(int ac, char **av);
enum console_action console_cmd_trace(int ac, char **av);
enum console_action console_cmd_jobs(int ac, char **av);
enum console_action console_cmd_names(int ac, char **av);
enum console_action console_cmd_groups(int ac, char **av);
enum console_action console_cmd_put(int ac, char **av);
enum console_action console_cmd_lookup(int ac, char **av);
enum console_action console_cmd_remove(int ac, char **av);
enum console_action console_cmd_reset(int ac, char **av);
enum console_action console_cmd_top(int ac, char **av);

/* `ps`'s header and one task's row, the host named from hosts. */
void console_ps_header(void);
void console_ps_row(const struct pvmtaskinfo *ti, const struct pvmhostinfo *hosts,
                    int nhost);

/* The definition of alias name, or NULL. */
const char *console_alias_find(const char *name);
/* Forgets every alias (the fuzz harness starts each input afresh). */
void console_alias_clear(void);

/* Output of `->` tasks: each job gets its own output tag, so tasks that
 * a job's tasks spawn (which inherit the tag) are shown as that job's. */
#define CONSOLE_OUT_TAG_BASE 0x50560000
#define CONSOLE_MAX_JOBS 0xffff

/* A new job whose output goes to fp (stdout when NULL; the console owns
 * fp from here on and closes it when the job ends).  Returns its number
 * (> 0), or -1. */
int console_job_new(FILE *fp);
/* tid was spawned in job: wait for its end marker. */
void console_job_add(int job, int tid);
/* The job had no task after all: forget it. */
void console_job_drop(int job);
/* Takes every message waiting, printing output as it comes; returns the
 * number of messages taken, or a PVM error code if the daemon is gone. */
int console_out_poll(void);
/* Tasks of jobs whose output has not ended yet. */
int console_out_pending(void);
/* Waits up to seconds for every pending task's end marker. */
void console_out_drain(int seconds);
/* Calls visit once for each job whose output has not ended, in job
 * order, with the tids of its tasks still running (tids is only valid
 * during the call). */
typedef void (*console_job_visit)(void *arg, int job, const int *tids, int ntids);
void console_jobs_visit(console_job_visit visit, void *arg);

/* Called before printing anything while a prompt may be showing. */
void console_break_prompt(void);

#endif

/*
 * console.h - the interactive console `pvm`: its command table
 * (console_cmds.c), the output of tasks spawned with `->`
 * (console_out.c) and the input loop (console.c).
 */
#ifndef PVMX_CONSOLE_H
#define PVMX_CONSOLE_H

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

/* Runs one command line; returns what the loop does next. */
enum console_action console_execute(char *line);

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

/* Called before printing anything while a prompt may be showing. */
void console_break_prompt(void);

#endif

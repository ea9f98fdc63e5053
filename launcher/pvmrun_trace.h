/*
 * pvmrun_trace.h - pvmrun's tracing of a run (pvmrun --trace FILE,
 * --trace-html FILE; docs/tracing.md): a pvmtrace collector task is
 * started before the spawns and the tasks pvmrun spawns then send it
 * their events; after the run it writes the timeline.
 *
 * Use, in a task that has enrolled (pvm_mytid() > 0):
 *
 *	if (pvmrun_trace_start(json, html) < 0) ... give up tracing
 *	... pvm_spawn the run's tasks ...
 *	... wait until every task of the run has ended ...
 *	if (pvmrun_trace_finish() < 0) ... the files were not written
 */
#ifndef PVMX_PVMRUN_TRACE_H
#define PVMX_PVMRUN_TRACE_H

/* Starts the collector (bin/pvmtrace --collect, beside this program, on
 * this task's host and in its directory) writing Chrome trace-event JSON
 * to json and/or the HTML page to html (either may be NULL, not both),
 * and sets this task's options for its children (PvmTraceTid, Code,
 * Context, Buffer, Options, the child trace mask with every event) so
 * every task spawned from now on, and the tasks they spawn, is traced.
 * This task itself is not.  Returns 0, or a PVM error code (negative)
 * with a line on stderr; on failure nothing is traced. */
int pvmrun_trace_start(const char *json, const char *html);

/* After every traced task has ended: stops tracing further spawns,
 * tells the collector the run is over, waits (at most 30 s) for it to
 * write the files and exit, and checks they are there and not empty.
 * The collector's exit is awaited with pvm_notify(PvmTaskExit) under
 * tag PVMRUN_TRACE_NOTIFY_TAG: a caller receiving with tag -1 meanwhile
 * must leave that tag alone.  Returns 0, or -1 with a line on stderr. */
int pvmrun_trace_finish(void);

#define PVMRUN_TRACE_NOTIFY_TAG 0x7e7ad0

#endif

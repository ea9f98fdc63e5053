/*
 * console_cmds.c - the console's commands: a table of name, handler and
 * help, a small tokenizer (quotes and backslashes as a shell has them),
 * and one handler per command, printing in PVM 3.4's formats.
 */
#include "console.h"
#include "errtext.h"

#include <pvm3.h>
#include <pvmx.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 256

struct command {
	const char *name;
	enum console_action (*run)(int ac, char **av);
	const char *syntax;
	const char *what;
};

static const struct command commands[];

/* Splits line in place into at most max words; returns the count or -1
 * for an unterminated quote. */
static int tokenize(char *line, char **av, int max)
{
	char *in = line, *out = line;
	int ac = 0;

	for (;;) {
		char quote = 0;

		while (*in == ' ' || *in == '\t' || *in == '\r')
			in++;
		if (*in == '\0' || *in == '#')
			break;
		if (ac == max)
			return -1;
		av[ac++] = out;
		while (*in != '\0' &&
		       (quote || (*in != ' ' && *in != '\t' && *in != '\r'))) {
			if (quote && *in == quote) {
				quote = 0;
				in++;
			} else if (!quote && (*in == '"' || *in == '\'')) {
				quote = *in++;
			} else if (*in == '\\' && quote != '\'' && in[1] != '\0') {
				*out++ = in[1];
				in += 2;
			} else {
				*out++ = *in++;
			}
		}
		if (quote)
			return -1;
		if (*in != '\0')
			in++;
		*out++ = '\0';
	}
	av[ac] = NULL;
	return ac;
}

int console_parse_tid(const char *s)
{
	char *end;
	long v;

	if (*s == 't' || *s == 'T')
		s++;
	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 16);
	if (errno != 0 || *end != '\0' || v <= 0 || v > 0x3fffffff)
		return -1;
	return (int)v;
}

int console_parse_int(const char *s, int *value)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < INT_MIN || v > INT_MAX)
		return -1;
	*value = (int)v;
	return 0;
}

/* The name of the host whose daemon is dtid, from the configuration. */
static const char *host_name(const struct pvmhostinfo *hosts, int nhost, int dtid)
{
	for (int i = 0; i < nhost; i++) {
		if (hosts[i].hi_tid == dtid)
			return hosts[i].hi_name;
	}
	return "?";
}

void console_ps_header(void)
{
	printf("%24s %8s %7s %s\n", "HOST", "TID", "FLAG 0x", "COMMAND");
}

void console_ps_row(const struct pvmtaskinfo *ti, const struct pvmhostinfo *hosts,
                    int nhost)
{
	const char *name = ti->ti_a_out;

	if (name == NULL || *name == '\0')
		name = "-";
	printf("%24s %8x %7x %s\n", host_name(hosts, nhost, ti->ti_host),
	       (unsigned)ti->ti_tid, (unsigned)ti->ti_flag, name);
}

static enum console_action cmd_ps(int ac, char **av)
{
	struct pvmhostinfo *hosts = NULL;
	struct pvmtaskinfo *ti;
	int nhost = 0, narch, ntask, all = 0, r;

	for (int i = 1; i < ac; i++) {
		if (strcmp(av[i], "-a") == 0) {
			all = 1;
		} else {
			printf("ps: unknown option %s (usage: ps [-a])\n", av[i]);
			return CONSOLE_CONTINUE;
		}
	}
	if (pvm_config(&nhost, &narch, &hosts) < 0)
		nhost = 0;
	r = pvm_tasks(0, &ntask, &ti);
	if (r < 0) {
		printf("ps: %s\n", errtext(r));
		return CONSOLE_CONTINUE;
	}
	console_ps_header();
	for (int i = 0; i < ntask; i++) {
		/* without -a, PVM shows the console's own jobs */
		if (all || ti[i].ti_ptid == console.mytid)
			console_ps_row(&ti[i], hosts, nhost);
	}
	return CONSOLE_CONTINUE;
}

/* Whether name is an architecture of the virtual machine. */
static int is_arch(const char *name)
{
	struct pvmhostinfo *hosts;
	int nhost, narch;

	if (pvm_config(&nhost, &narch, &hosts) < 0)
		return 0;
	for (int i = 0; i < nhost; i++) {
		if (strcmp(hosts[i].hi_arch, name) == 0)
			return 1;
	}
	return 0;
}

/* spawn [-count] [-host|-ARCH] [-?] [->|->file|->>file] [-@] file [args] */
static enum console_action cmd_spawn(int ac, char **av)
{
	int count = 1, flags = PvmTaskDefault, redirect = 0, job = -1, n, i;
	const char *outfile = NULL, *mode = "w";
	char *where = NULL;
	int *tids;
	FILE *fp = NULL;

	for (i = 1; i < ac && av[i][0] == '-' && av[i][1] != '\0'; i++) {
		const char *o = av[i] + 1;

		if (o[0] >= '0' && o[0] <= '9') {
			char *end;
			long v = strtol(o, &end, 10);

			if (*end != '\0' || v < 1 || v > 100000) {
				printf("spawn: bad count %s\n", av[i]);
				return CONSOLE_CONTINUE;
			}
			count = (int)v;
		} else if (strcmp(o, "?") == 0) {
			flags |= PvmTaskDebug;
		} else if (strcmp(o, "@") == 0) {
			flags |= PvmTaskTrace;
		} else if (o[0] == '>') {
			redirect = 1;
			if (o[1] == '>') {
				mode = "a";
				o++;
			}
			outfile = o[1] != '\0' ? o + 1 : NULL;
		} else {
			where = (char *)o;
			flags |= is_arch(o) ? PvmTaskArch : PvmTaskHost;
		}
	}
	if (i >= ac) {
		printf("spawn: no program named (usage: spawn [-count] [-host] [->] file "
		       "[args])\n");
		return CONSOLE_CONTINUE;
	}
	if (outfile != NULL) {
		fp = fopen(outfile, mode);
		if (fp == NULL) {
			printf("spawn: cannot open %s: %s\n", outfile, strerror(errno));
			return CONSOLE_CONTINUE;
		}
	}
	tids = calloc((size_t)count, sizeof(int));
	if (tids == NULL) {
		if (fp != NULL)
			fclose(fp);
		printf("spawn: %s\n", errtext(PvmNoMem));
		return CONSOLE_CONTINUE;
	}
	if (redirect) {
		job = console_job_new(fp);
		if (job < 0) {
			if (fp != NULL)
				fclose(fp);
			free(tids);
			printf("spawn: %s\n", errtext(PvmNoMem));
			return CONSOLE_CONTINUE;
		}
		pvm_setopt(PvmOutputTid, console.mytid);
		pvm_setopt(PvmOutputCode, CONSOLE_OUT_TAG_BASE + job);
		printf("[%d]\n", job);
	} else {
		/* output of tasks nobody watches goes to the daemon's log */
		pvm_setopt(PvmOutputTid, 0);
		pvm_setopt(PvmOutputCode, 0);
	}
	for (int k = 0; k < count; k++)
		tids[k] = PvmDSysErr;
	n = pvm_spawn(av[i], av[i + 1] != NULL ? &av[i + 1] : NULL, flags, where, count,
	              tids);
	pvm_setopt(PvmOutputTid, 0);
	pvm_setopt(PvmOutputCode, 0);
	if (n < 0 && tids[0] == PvmDSysErr) {
		/* the request itself failed: no per-instance answer */
		for (int k = 0; k < count; k++)
			tids[k] = n;
	}
	printf("%d successful\n", n < 0 ? 0 : n);
	for (int k = 0; k < count; k++) {
		if (tids[k] > 0) {
			printf("t%x\n", (unsigned)tids[k]);
			if (job > 0)
				console_job_add(job, tids[k]);
		} else {
			printf("%s\n", errtext(tids[k]));
		}
	}
	if (job > 0 && n <= 0)
		console_job_drop(job);
	free(tids);
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_kill(int ac, char **av)
{
	if (ac < 2) {
		printf("kill: usage: kill tid ...\n");
		return CONSOLE_CONTINUE;
	}
	for (int i = 1; i < ac; i++) {
		int tid = console_parse_tid(av[i]), r;

		if (tid < 0) {
			printf("kill: bad task id %s\n", av[i]);
			continue;
		}
		if (tid == console.mytid) {
			printf("kill: t%x is this console (use quit or halt)\n",
			       (unsigned)tid);
			continue;
		}
		r = pvm_kill(tid);
		if (r < 0)
			printf("kill: t%x: %s\n", (unsigned)tid, errtext(r));
	}
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_halt(int ac, char **av)
{
	int r;

	(void)ac;
	(void)av;
	r = pvm_halt();
	/* a daemon that closes the connection instead of answering has
	 * halted all the same */
	if (r < 0 && r != PvmSysErr) {
		printf("halt: %s\n", errtext(r));
		return CONSOLE_CONTINUE;
	}
	return CONSOLE_EXIT;
}

static enum console_action cmd_quit(int ac, char **av)
{
	(void)ac;
	(void)av;
	if (console.interactive)
		printf("\nConsole: exit handler called\npvmd still running.\n");
	return CONSOLE_QUIT;
}

static enum console_action cmd_version(int ac, char **av)
{
	(void)ac;
	(void)av;
	printf("%s\n", pvm_version());
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_id(int ac, char **av)
{
	(void)ac;
	(void)av;
	printf("t%x\n", (unsigned)console.mytid);
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_mstat(int ac, char **av)
{
	if (ac < 2) {
		printf("mstat: usage: mstat host ...\n");
		return CONSOLE_CONTINUE;
	}
	for (int i = 1; i < ac; i++) {
		int r = pvm_mstat(av[i]);

		printf("%24s  %s\n", av[i], r == PvmOk ? "ok" : errtext(r));
	}
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_pstat(int ac, char **av)
{
	if (ac < 2) {
		printf("pstat: usage: pstat tid ...\n");
		return CONSOLE_CONTINUE;
	}
	for (int i = 1; i < ac; i++) {
		int tid = console_parse_tid(av[i]), r;

		if (tid < 0) {
			printf("pstat: bad task id %s\n", av[i]);
			continue;
		}
		r = pvm_pstat(tid);
		printf("t%8x  %s\n", (unsigned)tid, r == PvmOk ? "run" : errtext(r));
	}
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_echo(int ac, char **av)
{
	for (int i = 1; i < ac; i++)
		printf("%s%s", av[i], i + 1 < ac ? " " : "");
	putchar('\n');
	return CONSOLE_CONTINUE;
}

static enum console_action cmd_help(int ac, char **av)
{
	if (ac > 1) {
		for (const struct command *c = commands; c->name != NULL; c++) {
			if (strcmp(c->name, av[1]) == 0) {
				printf("%-11s %s\nSyntax:  %s\n", c->name, c->what,
				       c->syntax);
				return CONSOLE_CONTINUE;
			}
		}
		printf("help: no such command: %s\n", av[1]);
		return CONSOLE_CONTINUE;
	}
	printf("help        Print helpful information about a command\n"
	       "Syntax:  help [ command ]\n"
	       "Commands are:\n");
	for (const struct command *c = commands; c->name != NULL; c++)
		printf("  %-11s %s\n", c->name, c->what);
	return CONSOLE_CONTINUE;
}

static const struct command commands[] = {
    {"add", console_cmd_add,
     "add hostname ...   or   add 'hostname option=value ...' ...",
     "Add hosts to virtual machine (options: see docs/hosts.md)"},
    {"alias", console_cmd_alias, "alias [ name [ command [ arg ... ] ] ]",
     "Define/list command aliases"},
    {"conf", console_cmd_conf, "conf [ -v ]",
     "List virtual machine configuration (-v: cores, PUs, NUMA nodes)"},
    {"delete", console_cmd_delete, "delete hostname ...",
     "Delete hosts from virtual machine"},
    {"echo", cmd_echo, "echo [ arg ... ]", "Echo arguments"},
    {"export", console_cmd_export, "export [ varname ... ]",
     "Add environment variables to spawn export list"},
    {"getopt", console_cmd_getopt, "getopt [ what ]",
     "Display PVM options for the console task"},
    {"groups", console_cmd_groups, "groups [ name ]",
     "List groups, their members and instances (pvm_gstat)"},
    {"halt", cmd_halt, "halt", "Stop pvmds"},
    {"help", cmd_help, "help [ command ]", "Print helpful information about a command"},
    {"id", cmd_id, "id", "Print console task id"},
    {"jobs", console_cmd_jobs, "jobs [ -l ]",
     "Display list of running jobs (-l: with their tasks)"},
    {"kill", cmd_kill, "kill tid ...", "Terminate tasks"},
    {"lookup", console_cmd_lookup, "lookup name [ index ]",
     "Print a message mailbox entry (a string, as put stores)"},
    {"mstat", cmd_mstat, "mstat host ...", "Show status of hosts"},
    {"names", console_cmd_names, "names [ pattern ]", "List message mailbox names"},
    {"ps", cmd_ps, "ps [ -a ]", "List tasks (-a: all, else the console's)"},
    {"pstat", cmd_pstat, "pstat tid ...", "Show status of tasks"},
    {"put", console_cmd_put, "put name [ flags ] value",
     "Add entry (the string value) to message mailbox"},
    {"quit", cmd_quit, "quit", "Exit console, leaving the pvmd running"},
    {"remove", console_cmd_remove, "remove name [ index ]",
     "Delete a message mailbox entry"},
    {"reset", console_cmd_reset,
     "reset\n\nreset info    Delete orphaned persistent mbox entries\n"
     "Syntax:  reset info [ class [ index ] ]",
     "Kill all tasks but the no-reset ones, delete leftover mboxes"},
    {"setenv", console_cmd_setenv, "setenv [ name [ value ... ] ]",
     "Display or set environment variables"},
    {"setopt", console_cmd_setopt, "setopt what value",
     "Set PVM options - for the console task *only*!"},
    {"sig", console_cmd_sig, "sig signum tid ...", "Send signal to task"},
    {"spawn", cmd_spawn,
     "spawn [ -count ] [ -(host|ARCH) ] [ -? ] [ -> | ->file | ->>file ] file [ arg ... "
     "]",
     "Spawn task (-> shows its output here)"},
    {"tickle", console_cmd_tickle, "tickle how [ arg ... ]", "Tickle pvmd"},
    {"top", console_cmd_top, "top [ -d seconds ] [ -n count ]",
     "Show hosts, links, tasks, groups; refresh (q quits)"},
    {"trace", console_cmd_trace, "trace", "Not supported: pvmx has no tracing"},
    {"unalias", console_cmd_unalias, "unalias name ...", "Undefine command alias"},
    {"unexport", console_cmd_unexport, "unexport [ varname ... ]",
     "Remove environment variables from spawn export list"},
    {"version", cmd_version, "version", "Show libpvm version"},
    {NULL, NULL, NULL, NULL},
};

/* Whether word can be written as it is, without quotes. */
static int word_is_plain(const char *word)
{
	if (*word == '\0')
		return 0;
	return strpbrk(word, " \t\r\n\"'\\#") == NULL;
}

int console_join_words(char *out, size_t cap, int ac, char **av)
{
	size_t len = 0;

	if (cap == 0)
		return -1;
	out[0] = '\0';
	for (int i = 0; i < ac; i++) {
		const char *w = av[i];

		if (i > 0 && len + 1 < cap)
			out[len++] = ' ';
		if (word_is_plain(w)) {
			size_t n = strlen(w);

			if (len + n >= cap)
				return -1;
			memcpy(out + len, w, n);
			len += n;
			continue;
		}
		/* single quotes keep everything but a single quote, which is
		 * written as '\'' (close, escaped quote, reopen) */
		if (len + 1 >= cap)
			return -1;
		out[len++] = '\'';
		for (; *w != '\0'; w++) {
			const char *piece = *w == '\'' ? "'\\''" : NULL;
			size_t n = piece != NULL ? 4 : 1;

			if (len + n + 1 >= cap)
				return -1;
			if (piece != NULL)
				memcpy(out + len, piece, n);
			else
				out[len] = *w;
			len += n;
		}
		out[len++] = '\'';
		if (len >= cap)
			return -1;
	}
	out[len] = '\0';
	return 0;
}

/* Replaces an alias in av[0] by its definition, into buf; returns the new
 * word count (av then points into buf), 0 when av[0] is no alias, or -1
 * when the expansion does not fit. */
static int expand_alias(char **av, int ac, char *buf, size_t cap)
{
	const char *def = console_alias_find(av[0]);
	size_t n;

	if (def == NULL)
		return 0;
	n = strlen(def);
	if (n + 1 >= cap)
		return -1;
	memcpy(buf, def, n);
	buf[n] = ' ';
	if (console_join_words(buf + n + 1, cap - n - 1, ac - 1, av + 1) < 0)
		return -1;
	return tokenize(buf, av, MAX_ARGS);
}

enum console_action console_execute(char *line)
{
	static char expanded[2][CONSOLE_LINE_MAX];
	char *av[MAX_ARGS + 1];
	int ac = tokenize(line, av, MAX_ARGS);

	if (ac < 0) {
		printf("pvm: unterminated quote or too many words\n");
		return CONSOLE_CONTINUE;
	}
	/* an alias may name another; a bounded number of rounds stops
	 * loops, and one that names itself (alias ls ls -a) is a command */
	for (int round = 0; ac > 0 && round < 8; round++) {
		char first[64];
		int n;

		snprintf(first, sizeof(first), "%s", av[0]);
		n = expand_alias(av, ac, expanded[round % 2], sizeof(expanded[0]));
		if (n == 0)
			break;
		if (n < 0) {
			printf("pvm: alias %s: expansion too long or badly quoted\n",
			       first);
			return CONSOLE_CONTINUE;
		}
		ac = n;
		if (strcmp(av[0], first) == 0)
			break;
	}
	if (ac == 0)
		return CONSOLE_CONTINUE;
	for (const struct command *c = commands; c->name != NULL; c++) {
		if (strcmp(c->name, av[0]) == 0)
			return c->run(ac, av);
	}
	printf("unknown command: %s\n", av[0]);
	return CONSOLE_CONTINUE;
}

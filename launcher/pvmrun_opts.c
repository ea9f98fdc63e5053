/*
 * pvmrun_opts.c - pvmrun's command line: global options, then parts
 * `[-np N] prog [args]` separated by ':' (MPMD).  A bad option or value
 * is one line on stderr and exit 2 (the caller's).
 */
#include "pvmrun.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void pvmrun_usage(FILE *fp)
{
	fprintf(
	    fp,
	    "usage: pvmrun [options] prog [args] [: [-np M] prog2 [args] ...]\n"
	    "  -np N, -n N            ranks of this part (default 1, or the host list's "
	    "slots)\n"
	    "  --host H, -H H         hosts a,b:2,... (:N slots) for a private machine\n"
	    "  --hostfile F           the same from a PVM host file (slots=N per line)\n"
	    "  --map-by slot|node|core|numa  fill each host's slots (default), round "
	    "robin,\n"
	    "                         or one rank per core / NUMA node\n"
	    "  --bind-to core|numa|none      bind each task\n"
	    "  --report-bindings      print each rank's binding on stderr\n"
	    "  --tag-output, -t       prefix output lines with [rank,tid]\n"
	    "  --timestamp-output     prefix output lines with the time\n"
	    "  --output-dir D         each rank's output to D/rank.R.out and "
	    "D/rank.R.err\n"
	    "  --timeout S            end the job after S seconds (also PVMRUN_TIMEOUT)\n"
	    "  -x VAR[=val]           export VAR to the tasks\n"
	    "  --wdir D               the tasks' working directory\n"
	    "  --keep-going           do not stop the others when one task fails\n"
	    "  --trace F              write the run's timeline to F (Chrome/Perfetto "
	    "JSON)\n"
	    "  --trace-html F         and/or a page with its space-time diagram\n"
	    "  -v                     say what pvmrun does on stderr\n"
	    "  --help, -h             this text\n"
	    "See pvmrun(1) and docs/pvmrun.md.\n");
}

static int bad(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "pvmrun: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, " (pvmrun --help)\n");
	return -1;
}

/* "--name=value" or "--name value": *val, and how many words it took
 * (1 or 2); 0 when argv[i] is not the option; -1 when it lacks a value. */
static int opt_value(char **argv, int argc, int i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[i], name, n) != 0)
		return 0;
	if (argv[i][n] == '=' && name[1] == '-') {
		*val = argv[i] + n + 1;
		return 1;
	}
	if (argv[i][n] != '\0')
		return 0;
	if (i + 1 >= argc) {
		bad("%s needs a value%s", name, "");
		return -1;
	}
	*val = argv[i + 1];
	return 2;
}

static int one_of(const char *v, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(v, *allowed) == 0)
			return 1;
	return 0;
}

static int append(char **list, const char *item, char sep)
{
	size_t old = *list != NULL ? strlen(*list) : 0, n = strlen(item);
	char *s = realloc(*list, old + n + 2);

	if (s == NULL)
		return -1;
	if (old > 0)
		s[old++] = sep;
	memcpy(s + old, item, n + 1);
	*list = s;
	return 0;
}

/* -x VAR[=val]: VAR must be a shell name; a value is set here, so the
 * spawn exports it (PVM_EXPORT). */
static int add_export(struct pvmrun_opts *o, const char *spec)
{
	const char *eq = strchr(spec, '=');
	size_t n = eq != NULL ? (size_t)(eq - spec) : strlen(spec);
	char name[256];

	if (n == 0 || n >= sizeof(name) || (spec[0] >= '0' && spec[0] <= '9'))
		return bad("-x %s: not a variable name%s", spec, "");
	for (size_t i = 0; i < n; i++) {
		char c = spec[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return bad("-x %s: not a variable name%s", spec, "");
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	if (eq != NULL && setenv(name, eq + 1, 1) != 0)
		return bad("-x %s: cannot set it%s", spec, "");
	if (eq == NULL && getenv(name) == NULL)
		fprintf(stderr, "pvmrun: -x %s: not set here, not exported\n", name);
	return append(&o->export_names, name, ':');
}

static int parse_count(const char *opt, const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 1 || n > PVMRUN_MAX_NP)
		return bad("%s %s: a count 1..100000 is needed", opt, v);
	*out = (int)n;
	return 0;
}

static int parse_seconds(const char *what, const char *v, double *out)
{
	char *end;
	double s = strtod(v, &end);

	if (*v == '\0' || *end != '\0' || !(s > 0) || s > 1e7)
		return bad("%s %s: seconds > 0 are needed", what, v);
	*out = s;
	return 0;
}

/* One option at argv[i]: how many words it took, or -1. */
static int parse_option(int argc, char **argv, int i, struct pvmrun_opts *o,
                        struct pvmrun_part *part)
{
	static const char *const map_by[] = {"slot", "node", "core", "numa", NULL};
	static const char *const bind_to[] = {"core", "numa", "none", NULL};
	const char *a = argv[i], *v = NULL;
	int k;

	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		pvmrun_usage(stdout);
		exit(0);
	}
	if (strcmp(a, "-v") == 0)
		return o->verbose = 1;
	if (strcmp(a, "-t") == 0 || strcmp(a, "--tag-output") == 0)
		return o->tag_output = 1;
	if (strcmp(a, "--timestamp-output") == 0)
		return o->timestamp_output = 1;
	if (strcmp(a, "--report-bindings") == 0)
		return o->report_bindings = 1;
	if (strcmp(a, "--keep-going") == 0)
		return o->keep_going = 1;
	if ((k = opt_value(argv, argc, i, "-np", &v)) != 0 ||
	    (k = opt_value(argv, argc, i, "-n", &v)) != 0)
		return k < 0 || parse_count(a, v, &part->np) != 0 ? -1 : k;
	if ((k = opt_value(argv, argc, i, "--host", &v)) != 0 ||
	    (k = opt_value(argv, argc, i, "-H", &v)) != 0) {
		if (k < 0)
			return -1;
		if (*v == '\0' || v[0] == ',' || strstr(v, ",,") != NULL)
			return bad("--host %s: an empty host name%s", v, "");
		return append(&o->hosts_arg, v, ',') == 0 ? k : -1;
	}
	if ((k = opt_value(argv, argc, i, "--hostfile", &v)) != 0) {
		if (k > 0 && access(v, R_OK) != 0)
			return bad("--hostfile %s: cannot read it%s", v, "");
		o->hostfile = v;
		return k;
	}
	if ((k = opt_value(argv, argc, i, "--map-by", &v)) != 0) {
		if (k > 0 && !one_of(v, map_by))
			return bad("--map-by %s: slot, node, core or numa%s", v, "");
		o->map_by = v;
		return k;
	}
	if ((k = opt_value(argv, argc, i, "--bind-to", &v)) != 0) {
		if (k > 0 && !one_of(v, bind_to))
			return bad("--bind-to %s: core, numa or none%s", v, "");
		o->bind_to = v;
		return k;
	}
	if ((k = opt_value(argv, argc, i, "--trace", &v)) != 0 ||
	    (k = opt_value(argv, argc, i, "--trace-html", &v)) != 0) {
		if (k > 0 && *v == '\0')
			return bad("%s: an empty file name%s", a, "");
		if (k > 0 && strncmp(a, "--trace-html", 12) == 0)
			o->trace_html = v;
		else if (k > 0)
			o->trace_json = v;
		return k;
	}
	if ((k = opt_value(argv, argc, i, "--output-dir", &v)) != 0) {
		char *abs;

		if (k < 0)
			return -1;
		if (*v == '\0')
			return bad("--output-dir: an empty name%s%s", "", "");
		abs = v[0] == '/' ? strdup(v) : NULL;
		if (abs == NULL) {
			char cwd[PATH_MAX];

			if (getcwd(cwd, sizeof(cwd)) == NULL)
				return bad("--output-dir %s: no working directory%s", v,
				           "");
			abs = NULL;
			if (append(&abs, cwd, '/') != 0 || append(&abs, v, '/') != 0)
				return -1;
		}
		free(o->output_dir);
		o->output_dir = abs;
		return k;
	}
	if ((k = opt_value(argv, argc, i, "--timeout", &v)) != 0) {
		o->timeout_from = "--timeout";
		return k < 0 || parse_seconds("--timeout", v, &o->timeout) != 0 ? -1 : k;
	}
	if ((k = opt_value(argv, argc, i, "-x", &v)) != 0)
		return k < 0 || add_export(o, v) != 0 ? -1 : k;
	if ((k = opt_value(argv, argc, i, "--wdir", &v)) != 0) {
		struct stat st;

		if (k > 0 &&
		    (stat(v, &st) != 0 || !S_ISDIR(st.st_mode))) /* used at spawn */
			return bad("--wdir %s: no such directory%s", v, "");
		o->wdir = v;
		return k;
	}
	return bad("unknown option %s%s", a, "");
}

int pvmrun_parse(int argc, char **argv, struct pvmrun_opts *o)
{
	const char *tmo = getenv("PVMRUN_TIMEOUT");
	int i = 1;

	o->map_by = "slot";
	if (tmo != NULL && *tmo != '\0') {
		if (parse_seconds("PVMRUN_TIMEOUT", tmo, &o->timeout) != 0)
			return -1;
		o->timeout_from = "PVMRUN_TIMEOUT";
	}
	while (i <= argc) {
		struct pvmrun_part part = {0}, *parts;

		while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
			int k = parse_option(argc, argv, i, o, &part);

			if (k < 0)
				return -1;
			i += k;
		}
		if (i < argc && strcmp(argv[i], "--") == 0)
			i++;
		if (i >= argc || strcmp(argv[i], ":") == 0) {
			fprintf(stderr, "pvmrun: no program named (pvmrun --help)\n");
			return -1;
		}
		part.prog = argv[i++];
		part.args = &argv[i];
		while (i < argc && strcmp(argv[i], ":") != 0)
			i++;
		if (i == (int)(part.args - argv))
			part.args = NULL;
		parts = realloc(o->parts, sizeof(*parts) * (size_t)(o->nparts + 1));
		if (parts == NULL)
			return -1;
		o->parts = parts;
		o->parts[o->nparts++] = part;
		if (i >= argc)
			break;
		argv[i++] = NULL; /* ends the part's args; ':' */
	}
	if (o->hosts_arg != NULL && o->hostfile != NULL)
		return bad("--host and --hostfile: give one of them%s%s", "", "");
	return 0;
}

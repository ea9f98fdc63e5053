/*
 * console_env.c - the console's own settings: command aliases, its
 * environment (which spawned tasks receive for the names in PVM_EXPORT)
 * and the startup file ~/.pvmrc that usually sets both.
 */
#include "console.h"
#include "errtext.h"

#include <pvm3.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

struct alias {
	char *name;
	char *def; /* the command and its words, quoted for the tokenizer */
};

static struct alias *aliases;
static int naliases, aliascap;

static struct alias *alias_lookup(const char *name)
{
	for (int i = 0; i < naliases; i++) {
		if (strcmp(aliases[i].name, name) == 0)
			return &aliases[i];
	}
	return NULL;
}

const char *console_alias_find(const char *name)
{
	struct alias *a = alias_lookup(name);

	return a != NULL ? a->def : NULL;
}

void console_alias_clear(void)
{
	for (int i = 0; i < naliases; i++) {
		free(aliases[i].name);
		free(aliases[i].def);
	}
	free(aliases);
	aliases = NULL;
	naliases = aliascap = 0;
}

/* Defines (or redefines) name; returns 0 or PvmNoMem. */
static int alias_set(const char *name, const char *def)
{
	struct alias *a = alias_lookup(name);
	char *d = strdup(def);

	if (d == NULL)
		return PvmNoMem;
	if (a != NULL) {
		free(a->def);
		a->def = d;
		return 0;
	}
	if (naliases == aliascap) {
		int cap = aliascap ? aliascap * 2 : 16;
		struct alias *n = realloc(aliases, sizeof(*n) * (size_t)cap);

		if (n == NULL) {
			free(d);
			return PvmNoMem;
		}
		aliases = n;
		aliascap = cap;
	}
	a = &aliases[naliases];
	a->name = strdup(name);
	if (a->name == NULL) {
		free(d);
		return PvmNoMem;
	}
	a->def = d;
	naliases++;
	return 0;
}

/* alias: list all; alias name: show one; alias name cmd args: define */
enum console_action console_cmd_alias(int ac, char **av)
{
	char def[CONSOLE_LINE_MAX];
	int r;

	if (ac == 1) {
		for (int i = 0; i < naliases; i++)
			printf("%s\t%s\n", aliases[i].name, aliases[i].def);
		return CONSOLE_CONTINUE;
	}
	if (ac == 2) {
		const char *d = console_alias_find(av[1]);

		if (d != NULL)
			printf("%s\t%s\n", av[1], d);
		return CONSOLE_CONTINUE;
	}
	if (console_join_words(def, sizeof(def), ac - 2, av + 2) < 0) {
		printf("alias: definition too long\n");
		return CONSOLE_CONTINUE;
	}
	r = alias_set(av[1], def);
	if (r < 0)
		printf("alias: %s\n", errtext(r));
	return CONSOLE_CONTINUE;
}

enum console_action console_cmd_unalias(int ac, char **av)
{
	if (ac < 2) {
		printf("unalias: wrong #args\n");
		return CONSOLE_CONTINUE;
	}
	for (int i = 1; i < ac; i++) {
		struct alias *a = alias_lookup(av[i]);

		/* as PVM's: undefining an unknown name is no error */
		if (a == NULL)
			continue;
		free(a->name);
		free(a->def);
		/* keep definition order for the listing */
		memmove(a, a + 1, sizeof(*a) * (size_t)(naliases - (a - aliases) - 1));
		naliases--;
	}
	return CONSOLE_CONTINUE;
}

/* setenv: print the environment; setenv name: its value;
 * setenv name value ...: set it to the words joined by spaces */
enum console_action console_cmd_setenv(int ac, char **av)
{
	char value[CONSOLE_LINE_MAX];
	size_t len = 0;

	if (ac == 1) {
		for (char **e = environ; e != NULL && *e != NULL; e++)
			printf("%s\n", *e);
		return CONSOLE_CONTINUE;
	}
	if (av[1][0] == '\0' || strchr(av[1], '=') != NULL) {
		printf("setenv: bad variable name \"%s\"\n", av[1]);
		return CONSOLE_CONTINUE;
	}
	if (ac == 2) {
		const char *v = getenv(av[1]);

		if (v != NULL)
			printf("%s\n", v);
		return CONSOLE_CONTINUE;
	}
	value[0] = '\0';
	for (int i = 2; i < ac; i++) {
		int n = snprintf(value + len, sizeof(value) - len, "%s%s",
		                 i > 2 ? " " : "", av[i]);

		if (n < 0 || (size_t)n >= sizeof(value) - len) {
			printf("setenv: value too long\n");
			return CONSOLE_CONTINUE;
		}
		len += (size_t)n;
	}
	if (setenv(av[1], value, 1) != 0)
		printf("setenv: %s: %s\n", av[1], strerror(errno));
	return CONSOLE_CONTINUE;
}

enum console_action console_cmd_export(int ac, char **av)
{
	if (ac == 1) {
		const char *ex = getenv("PVM_EXPORT");

		printf("PVM_EXPORT=%s\n", ex != NULL ? ex : "");
		return CONSOLE_CONTINUE;
	}
	for (int i = 1; i < ac; i++) {
		int r = pvm_export(av[i]);

		if (r < 0)
			printf("export: %s: %s\n", av[i], errtext(r));
	}
	return CONSOLE_CONTINUE;
}

enum console_action console_cmd_unexport(int ac, char **av)
{
	for (int i = 1; i < ac; i++) {
		int r = pvm_unexport(av[i]);

		if (r < 0)
			printf("unexport: %s: %s\n", av[i], errtext(r));
	}
	return CONSOLE_CONTINUE;
}

enum console_action console_read_pvmrc(void)
{
	const char *home = getenv("HOME");
	char path[4096];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;
	enum console_action act = CONSOLE_CONTINUE;

	if (home == NULL || *home == '\0')
		return CONSOLE_CONTINUE;
	if (snprintf(path, sizeof(path), "%s/.pvmrc", home) >= (int)sizeof(path))
		return CONSOLE_CONTINUE;
	fp = fopen(path, "r");
	if (fp == NULL) {
		if (errno != ENOENT)
			fprintf(stderr, "pvm: cannot read %s: %s\n", path,
			        strerror(errno));
		return CONSOLE_CONTINUE;
	}
	while (act == CONSOLE_CONTINUE && (n = getline(&line, &cap, fp)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n >= CONSOLE_LINE_MAX) {
			fprintf(stderr, "pvm: %s: line longer than %d bytes ignored\n",
			        path, CONSOLE_LINE_MAX);
			continue;
		}
		act = console_execute(line);
		fflush(stdout);
	}
	free(line);
	fclose(fp);
	return act;
}

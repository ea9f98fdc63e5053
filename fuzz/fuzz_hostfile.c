/*
 * fuzz_hostfile.c - the host file parser (daemon/hostfile.c): the input
 * is a host file, loaded whole (from a memfd, so nothing is written to
 * the file system), then line by line as pvm_addhosts names arrive, with
 * each value $-expanded into buffers of several sizes.
 */
#include "fuzz.h"
#include "hostfile.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* what the seeds' $VARIABLES expand to */
	setenv("PVM_ROOT", "/usr/lib/pvm3", 1);
	setenv("PVM_ARCH", "LINUX64", 1);
	setenv("HOME", "/home/fuzz", 1);
	return 0;
}

/* Expands s into buffers of exactly cap bytes. */
static void expand(const char *s)
{
	static const size_t caps[] = {1, 2, 7, 64, 4096};

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *out = malloc(caps[i]);

		FUZZ_CHECK(out != NULL);
		if (hostfile_expand(s, out, caps[i]) == 0)
			FUZZ_CHECK(strlen(out) < caps[i]);
		free(out);
	}
}

static void expand_entry(const struct hostfile_entry *e)
{
	FUZZ_CHECK(memchr(e->name, '\0', sizeof(e->name)) != NULL);
	FUZZ_CHECK(e->speed >= 0 && e->speed <= HOSTFILE_SPEED_MAX);
	expand(e->dx);
	expand(e->ep);
	expand(e->wd);
	expand(e->bx);
}

/* The whole file, as the master reads it at start. */
static void load(const uint8_t *data, size_t size, struct hostfile_entry **entries,
                 size_t *n, struct hostfile_entry *defaults)
{
	char path[64], why[256];
	int fd = memfd_create("hostfile", MFD_CLOEXEC);

	*entries = NULL;
	*n = 0;
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (hostfile_load_defaults(path, entries, n, defaults, why, sizeof(why)) != 0) {
		FUZZ_CHECK(*entries == NULL && *n == 0 && why[0] != '\0');
	} else {
		FUZZ_CHECK(*n <= HOSTFILE_MAX_HOSTS);
		for (size_t i = 0; i < *n; i++)
			expand_entry(&(*entries)[i]);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostfile_entry *entries, defaults, e;
	char *text = fuzz_string(data, size), *line, *next, why[256];
	size_t n;

	memset(&defaults, 0, sizeof(defaults));
	load(data, size, &entries, &n, &defaults);
	/* each line on its own: a host line as pvm_addhosts gives it */
	for (line = text; line != NULL; line = next) {
		int r;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		r = hostfile_resolve_add(line, entries, n, &defaults, &e, why,
		                         sizeof(why));
		FUZZ_CHECK(r == 1 || r == -1);
		if (r == 1) {
			FUZZ_CHECK(e.later == 0);
			expand_entry(&e);
			hostfile_find(entries, n, e.name);
		}
		r = hostfile_parse_line(line, NULL, &e, NULL, 0);
		FUZZ_CHECK(r >= -1 && r <= 1);
		expand(line);
	}
	free(entries);
	free(text);
	return 0;
}

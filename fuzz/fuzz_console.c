/*
 * fuzz_console.c - the console's command parser (launcher/console_cmds.c
 * and the handlers it dispatches to): the input is what a user types,
 * up to 16 lines, each run as one command, aliases carrying over from
 * one line to the next.
 *
 * No daemon is ever reached: PVM_TMP is a fresh private directory and
 * connect() is replaced here, so every PVM call a command makes fails as
 * with no pvmd; the environment is restored after each line (a `setenv
 * PVM_TMP` cannot point the next one anywhere).  Inputs with a '>' are
 * skipped: `spawn ->file` would create files.
 */
#include "console.h"
#include "fuzz.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINES 16

struct console console;

void console_break_prompt(void) {}

/* Interposed on libc's for libpvm3 too: no connection leaves this
 * process, whatever a command's environment says. */
int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd;
	(void)addr;
	(void)len;
	errno = ECONNREFUSED;
	return -1;
}

static char tmpdir[256], privdir[300];

static void set_env(void)
{
	clearenv();
	setenv("PVM_TMP", tmpdir, 1);
	setenv("PVM_VMID", "fuzz", 1);
	setenv("HOME", tmpdir, 1);
	setenv("PATH", "/usr/bin:/bin", 1);
}

static void cleanup(void)
{
	rmdir(privdir);
	rmdir(tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(tmpdir, sizeof(tmpdir), "%s/fuzz_console.XXXXXX",
	         base != NULL && *base != '\0' ? base : "/tmp");
	FUZZ_CHECK(mkdtemp(tmpdir) != NULL);
	snprintf(privdir, sizeof(privdir), "%s/pvmx-%u", tmpdir, (unsigned)getuid());
	atexit(cleanup);
	FUZZ_CHECK(chdir(tmpdir) == 0);
	set_env();
	pvm_setopt(PvmAutoErr, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[CONSOLE_LINE_MAX];
	const uint8_t *p = data, *end = data + size;

	if (memchr(data, '>', size) != NULL)
		return 0;
	for (int n = 0; n < MAX_LINES && p < end; n++) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);

		/* the console refuses a longer line before parsing it */
		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			console_execute(line);
			set_env();
		}
		p = nl != NULL ? nl + 1 : end;
	}
	console_alias_clear();
	fflush(stdout);
	return 0;
}

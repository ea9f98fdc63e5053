/*
 * lpvm_start.c - pvm_start_pvmd: start a daemon for this virtual machine
 * when none runs, detached from the caller, and optionally wait for it.
 * Also the small path helpers PVM exports (pvmgettmp, pvmgetrsh, ...).
 */
#include "lpvm.h"
#include "lpvm_cruft.h"

#include "dsig.h"
#include "paths.h"
#include "pvmx.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int daemon_answers(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, ok;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 0;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* With a host file and block, PVM returns once its hosts are added: we
 * join the machine (as PVM's call does) and ask the master to answer
 * when the host file's adds are done (each bounded by the boot timeout). */
static int wait_for_hosts(void)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	int r = pvm_mytid();

	if (r < 0)
		return r;
	req.body_case = PVMX__CONTROL__BODY_BOOT_WAIT;
	req.boot_wait = &e;
	r = lpvm_request(&req, &rep);
	if (r < 0)
		return lpvm_error("pvm_start_pvmd", r);
	r = rep->body_case == PVMX__CONTROL__BODY_STATUS ? rep->status->code : PvmDSysErr;
	wire_control_free(rep);
	return r < 0 ? lpvm_error("pvm_start_pvmd", r) : PvmOk;
}

int pvm_start_pvmd(int argc, char **argv, int block)
{
	char pvmd[PATH_MAX], sock[256];
	char **args;
	pid_t pid;
	int status, i;

	if (argc < 0 || (argc > 0 && argv == NULL))
		return lpvm_error("pvm_start_pvmd", PvmBadParam);
	if (paths_vm_file(sock, sizeof(sock), "sock") != 0)
		return lpvm_error("pvm_start_pvmd", PvmSysErr);
	if (daemon_answers(sock))
		return lpvm_error("pvm_start_pvmd", PvmDupHost);
	if (lpvm_pvmd_path(pvmd, sizeof(pvmd)) != 0) {
		snprintf(lpvm_error_detail, sizeof(lpvm_error_detail),
		         "no pvmd executable found (set PVMX_PVMD)");
		return lpvm_error("pvm_start_pvmd", PvmCantStart);
	}
	args = calloc((size_t)argc + 2, sizeof(char *));
	if (args == NULL)
		return lpvm_error("pvm_start_pvmd", PvmNoMem);
	args[0] = pvmd;
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	/* double fork: the daemon is not our child, so it never becomes our
	 * zombie, and it leaves our session */
	pid = fork();
	if (pid < 0) {
		free(args);
		return lpvm_error("pvm_start_pvmd", PvmSysErr);
	}
	if (pid == 0) {
		int fd;

		setsid();
		if (fork() != 0)
			_exit(0);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		execv(pvmd, args);
		_exit(127);
	}
	free(args);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!block)
		return PvmOk;
	for (i = 0; i < 200; i++) {
		struct timespec ts = {0, 25 * 1000 * 1000};

		if (daemon_answers(sock))
			return argc > 0 ? wait_for_hosts() : PvmOk;
		nanosleep(&ts, NULL);
	}
	snprintf(lpvm_error_detail, sizeof(lpvm_error_detail),
	         "%.100s did not come up within 5 s (see its log beside %.100s)", pvmd,
	         sock);
	return lpvm_error("pvm_start_pvmd", PvmCantStart);
}

const char *pvmx_socket_dir(void)
{
	static char dir[512];

	return paths_private_dir(dir, sizeof(dir)) == 0 ? dir : NULL;
}

char *pvmgettmp(void)
{
	static char dir[512];

	if (paths_private_dir(dir, sizeof(dir)) != 0)
		snprintf(dir, sizeof(dir), "/tmp");
	return dir;
}

char *pvmgetrsh(void)
{
	const char *s = getenv("PVM_RSH");

	return (char *)(s != NULL && *s != '\0' ? s : "ssh");
}

/* Callers see pvmtmpnam only with NOTMPNAM, where their buffers are 128
 * bytes (PVMTMPNAMLEN then); the name must stay unique within that. */
#define TMPNAM_LEN 128

char *pvmtmpnam(char *buf)
{
	static char own[TMPNAM_LEN];
	static unsigned counter;
	char name[64];
	const char *dir = pvmgettmp();

	if (buf == NULL)
		buf = own;
	snprintf(name, sizeof(name), "pvmtmp%d.%u", (int)getpid(), counter++);
	if (strlen(dir) + strlen(name) + 2 > TMPNAM_LEN)
		dir = "/tmp";
	snprintf(buf, TMPNAM_LEN, "%s/%s", dir, name);
	return buf;
}

int pvmgetdsig(void);
int pvmgetdsig(void)
{
	return dsig_native();
}

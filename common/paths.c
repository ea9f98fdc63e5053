/*
 * paths.c - resolve and secure the per-user private directory.
 */
#include "paths.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base_dir(void)
{
	const char *s = getenv("PVM_TMP");

	if (s != NULL && *s != '\0')
		return s;
	s = getenv("XDG_RUNTIME_DIR");
	if (s != NULL && *s != '\0')
		return s;
	return "/tmp";
}

int paths_private_dir(char *buf, size_t len)
{
	struct stat st;
	int n;

	n = snprintf(buf, len, "%s/pvmx-%u", base_dir(), (unsigned)getuid());
	if (n < 0 || (size_t)n >= len) {
		log_error("private directory name too long");
		return -1;
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
		log_error("cannot create %s: %s", buf, strerror(errno));
		return -1;
	}
	if (lstat(buf, &st) != 0) {
		log_error("cannot stat %s: %s", buf, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
		log_error("%s is not a directory owned by uid %u; refusing it", buf,
			  (unsigned)getuid());
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		log_error("%s is accessible to other users (mode %o); refusing it", buf,
			  (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

const char *paths_vmid(char *buf, size_t len)
{
	const char *s = getenv("PVM_VMID");
	size_t i, j = 0;

	for (i = 0; s != NULL && s[i] != '\0' && j + 1 < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')
			buf[j++] = c;
	}
	buf[j] = '\0';
	if (j == 0)
		snprintf(buf, len, "default");
	return buf;
}

int paths_vm_file(char *buf, size_t len, const char *suffix)
{
	char dir[512], vmid[PATHS_VMID_LEN];
	int n;

	if (paths_private_dir(dir, sizeof(dir)) != 0)
		return -1;
	n = snprintf(buf, len, "%s/pvmd.%s.%s", dir, paths_vmid(vmid, sizeof(vmid)),
	             suffix);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

int paths_shm_prefix(char *buf, size_t len)
{
	char vmid[PATHS_VMID_LEN];
	int n = snprintf(buf, len, "/pvmx.%u.%s.", (unsigned)getuid(),
	                 paths_vmid(vmid, sizeof(vmid)));

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int paths_shm_region(char *buf, size_t len, int tid)
{
	char prefix[PATHS_VMID_LEN + 32];
	int n;

	if (paths_shm_prefix(prefix, sizeof(prefix)) != 0)
		return -1;
	n = snprintf(buf, len, "%s%x", prefix, (unsigned)tid);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int paths_shm_bell(char *buf, size_t len, int tid)
{
	char suffix[32], path[512];

	snprintf(suffix, sizeof(suffix), "t%x.bell", (unsigned)tid);
	/* a socket path holds at most 107 bytes */
	if (paths_vm_file(path, sizeof(path), suffix) != 0 || strlen(path) > 107 ||
	    strlen(path) >= len)
		return -1;
	memcpy(buf, path, strlen(path) + 1);
	return 0;
}

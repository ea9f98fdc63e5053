/*
 * lpvm_paths.c - PVM 3.4.6's environment-list helpers (pvmputenv and the
 * malloc-owned lists of pvmcopyenv) and the paths it exports: home, PVM
 * root, daemon address and daemon program, given their pvmx meaning.
 * Also pvmchkuid, its refusal to run as root.
 */
#include "lpvm.h"
#include "lpvm_cruft.h"


#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PVMX_INSTALL_BINDIR
#define PVMX_INSTALL_BINDIR "/usr/local/bin"
#endif

/* Length of the "NAME=" part of s, or 0 when s has no '=' (or is NULL). */
static size_t env_name_len(const char *s)
{
	const char *eq = s != NULL ? strchr(s, '=') : NULL;

	return eq != NULL ? (size_t)(eq - s) + 1 : 0;
}

/*
 * Sets "NAME=value" in the process environment.  s itself becomes part
 * of the environment, so it must stay alive and unchanged (as with
 * putenv, and as PVM says).  -1 for NULL, no '=' or an empty name.
 */
int pvmputenv(char *s)
{
	if (env_name_len(s) <= 1)
		return -1;
	return putenv(s) == 0 ? 0 : -1;
}

/* A copy of env (NULL: an empty list) whose array and strings are all
 * malloc'd, for pvmenvinsert and pvmfreeenv; NULL if memory ran out. */
char **pvmcopyenv(char **env)
{
	size_t n = 0;
	char **copy;

	while (env != NULL && env[n] != NULL)
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	if (copy == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		copy[i] = strdup(env[i]);
		if (copy[i] == NULL) {
			pvmfreeenv(copy);
			return NULL;
		}
	}
	return copy;
}

/*
 * Puts a copy of "NAME=value" into *envp (a list from pvmcopyenv),
 * replacing the entry of that name or appending one; the list may move.
 * 0, or -1 for NULL or a string without '=' (any name goes, even empty,
 * as in PVM) and when memory runs out.  A NULL *envp is taken as an
 * empty list (PVM crashes).
 */
int pvmenvinsert(char ***envp, char *s)
{
	size_t name = env_name_len(s);
	char **env, *dup;
	size_t n = 0;

	if (envp == NULL || name == 0)
		return -1;
	env = *envp;
	dup = strdup(s);
	if (dup == NULL)
		return -1;
	for (; env != NULL && env[n] != NULL; n++) {
		if (strncmp(env[n], s, name) == 0) {
			free(env[n]);
			env[n] = dup;
			return 0;
		}
	}
	env = realloc(env, (n + 2) * sizeof(*env));
	if (env == NULL) {
		free(dup);
		return -1;
	}
	env[n] = dup;
	env[n + 1] = NULL;
	*envp = env;
	return 0;
}

/* Frees a list from pvmcopyenv, strings and all.  Always 0. */
int pvmfreeenv(char **env)
{
	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
	return 0;
}

/* $HOME as it was at the first call (a warning and "/" without one). */
char *pvmgethome(void)
{
	static char *home;
	const char *s;

	if (home != NULL)
		return home;
	s = getenv("HOME");
	if (s == NULL) {
		pvmlogerror("warning: can't getenv(HOME), using /\n");
		return home = "/";
	}
	home = strdup(s);
	return home != NULL ? home : (char *)"/";
}

#ifndef PVMX_LIB_TO_BIN
#define PVMX_LIB_TO_BIN "../bin"
#endif

/* The directory this library was loaded from, into buf; -1 if unknown. */
static int library_dir(char *buf, size_t len)
{
	char path[PATH_MAX];
	Dl_info info;
	char *slash;

	if (dladdr((void *)library_dir, &info) == 0 || info.dli_fname == NULL ||
	    realpath(info.dli_fname, path) == NULL ||
	    (slash = strrchr(path, '/')) == NULL)
		return -1;
	*slash = '\0';
	snprintf(buf, len, "%s", path);
	return 0;
}

/*
 * The bin directory of the pvmx this library belongs to, into buf: as
 * installed (the library's directory, then PVMX_LIB_TO_BIN: ../bin, or
 * ../../bin under lib/<multiarch>), else in a build tree (build/lib ->
 * build/bin), else the install prefix's bin.  Only the first that holds
 * an executable pvmd counts; the last is taken without one.
 */
static void program_dir(char *buf, size_t len)
{
	const char *rel[] = {PVMX_LIB_TO_BIN, "../bin"};
	char dir[PATH_MAX], bin[PATH_MAX + 16], real[PATH_MAX], pvmd[PATH_MAX + 8];

	if (library_dir(dir, sizeof(dir)) == 0) {
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(bin, sizeof(bin), "%s/%s", dir, rel[i]);
			if (realpath(bin, real) == NULL)
				continue;
			snprintf(pvmd, sizeof(pvmd), "%s/pvmd", real);
			if (access(pvmd, X_OK) == 0 && strlen(real) < len) {
				memcpy(buf, real, strlen(real) + 1);
				return;
			}
		}
	}
	snprintf(buf, len, "%s", PVMX_INSTALL_BINDIR);
}

/* The prefix pvmx is installed under (or the build tree): the directory
 * above program_dir. */
static void library_prefix(char *buf, size_t len)
{
	char *slash;

	program_dir(buf, len);
	slash = strrchr(buf, '/');
	if (slash != NULL && slash != buf)
		*slash = '\0';
}

/*
 * $PVM_ROOT as it was at the first call.  Without one, PVM 3.4.6 (as
 * Debian builds it) takes /usr/lib/pvm3 and exports it as PVM_ROOT, and
 * exits when that does not exist; pvmx takes the prefix it is installed
 * under (library_prefix) and exports that.  It never exits: pvmx needs
 * no PVM_ROOT.
 */
char *pvmgetroot(void)
{
	static char *root;
	static char prefix[PATH_MAX];
	const char *s;

	if (root != NULL)
		return root;
	s = getenv("PVM_ROOT");
	if (s != NULL) {
		root = strdup(s);
		if (root != NULL)
			return root;
	}
	library_prefix(prefix, sizeof(prefix));
	setenv("PVM_ROOT", prefix, 0);
	return root = prefix;
}

/*
 * PVM 3.4.6 answers the file in which its daemon advertises its address
 * ($PVM_TMP/pvmd.<uid>[.<vmid>]); the pvmx equivalent is the daemon's
 * socket: the one this task is connected to, else the one it would
 * connect to ($PVMX_SOCK, else pvmd.<vmid>.sock in the private
 * directory).  NULL if the private directory cannot be made.
 */
char *pvmdsockfile(void)
{
	static char path[sizeof(lpvm.sock_path)];

	if (lpvm.fd >= 0 && lpvm.sock_path[0] != '\0')
		snprintf(path, sizeof(path), "%s", lpvm.sock_path);
	else if (lpvm_daemon_sock_path(path, sizeof(path)) != 0)
		return NULL;
	return path;
}

int lpvm_pvmd_path(char *buf, size_t len)
{
	const char *env = getenv("PVMX_PVMD");
	char dir[PATH_MAX];

	if (env != NULL && *env != '\0')
		snprintf(buf, len, "%s", env);
	else {
		program_dir(dir, sizeof(dir));
		snprintf(buf, len, "%s/pvmd", dir);
	}
	return access(buf, X_OK) == 0 ? 0 : -1;
}

/* PVM 3.4.6 answers its pvmd (/usr/bin/pvmd in Debian); pvmx the pvmd
 * that belongs to this library (lpvm_pvmd_path), found at the first
 * call. */
char *pvmgetpvmd(void)
{
	static char path[PATH_MAX];

	if (path[0] == '\0')
		lpvm_pvmd_path(path, sizeof(path));
	return path;
}

/*
 * PVM refuses to run as root, where remote shells to other hosts seldom
 * work, unless PVM_ALLOW_ROOT is set: for uid 0 it explains on stdout and
 * exits with status 1.  Same stream and status here, in our words.
 */
void pvmchkuid(int uid)
{
	if (uid != 0 || getenv("PVM_ALLOW_ROOT") != NULL)
		return;
	printf("\n*** PVM refuses to run as the user \"root\" ***\n\n"
	       "As root, a virtual machine rarely works: root usually cannot\n"
	       "reach other hosts through rsh or ssh to add them.  Install PVM\n"
	       "as root if you like, but run it as an ordinary user.\n\n"
	       "To run it as root anyway, accepting the risks, set the\n"
	       "PVM_ALLOW_ROOT environment variable.\n\n");
	fflush(stdout);
	pvmbailout(0);
	exit(1);
}

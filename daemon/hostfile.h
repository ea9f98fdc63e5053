/*
 * hostfile.h - PVM 3.4's host file format (`man pvmd3`, docs/hosts.md):
 * one host per line with `opt=value` options, `#` comment lines, `*`
 * lines setting defaults, `&` (and `$`) before a name.  The same syntax
 * names a host given to pvm_addhosts.  Parsing only: nothing here
 * resolves names or starts daemons.
 */
#ifndef PVMX_HOSTFILE_H
#define PVMX_HOSTFILE_H

#include <stddef.h>

#define HOSTFILE_NAME_MAX 256
/* The longest line hostfile_load reads (a longer one is an error). */
#define HOSTFILE_LINE_MAX 32768
/* At most this many hosts in one file: host indices are 12 bits. */
#define HOSTFILE_MAX_HOSTS 4095
/* sp= is an integer in [1, HOSTFILE_SPEED_MAX], as `man pvmd3` says */
#define HOSTFILE_SPEED_MAX 1000000

/* One host.  Every string is "" when its option was not given (and no
 * default supplied it); values are kept as written, `$VAR` unexpanded
 * (hostfile_expand does that, on the host where the value is used). */
struct hostfile_entry {
	char name[HOSTFILE_NAME_MAX]; /* as written */
	char login[64];               /* lo= ("" when not given) */
	char dx[4096];                /* dx=: the pvmd to start on that host */
	char ep[4096];                /* ep=: colon-separated executable search path */
	char wd[4096];                /* wd=: working directory of spawned tasks */
	char bx[4096];                /* bx= (accepted, unused) */
	char ip[256];                 /* ip=: address (or name) to reach it by */
	char id[256];                 /* id=: the virtual machine id on that host */
	char so[16];                  /* so=: "ms" manual start (refused), "pw" */
	int speed;                    /* sp=, 0 when not given (the daemon uses 1000) */
	int later;                    /* the line began with '&' */
	int overload;                 /* the line began with '$' (accepted, unused) */
};

/* One line ("name opt=v ...", also how pvm_addhosts names come).  1 with
 * *out filled, 0 for a blank, comment or '*' line (which updates
 * *defaults), -1 with why (one line) for a malformed one.  defaults may be
 * NULL.  A host line gets the options it does not give from *defaults.
 * *out is written only when 1 is returned; why may be NULL. */
int hostfile_parse_line(const char *line, struct hostfile_entry *defaults,
                        struct hostfile_entry *out, char *why, size_t whylen);

/* A whole file: *entries (malloc'ed, caller frees; NULL when there are
 * none) and *n; -1 with why naming the line number.  A file with any
 * malformed line is refused as a whole. */
int hostfile_load(const char *path, struct hostfile_entry **entries, size_t *n, char *why,
                  size_t whylen);
/* The same, also giving the options of the file's last '*' line in
 * *defaults (all empty when it has none): they apply to hosts
 * pvm_addhosts names that the file does not list. */
int hostfile_load_defaults(const char *path, struct hostfile_entry **entries, size_t *n,
                           struct hostfile_entry *defaults, char *why, size_t whylen);

/* Options of *from fill those *e does not give (as a '*' line's do);
 * later and overload are or-ed in. */
void hostfile_apply_defaults(struct hostfile_entry *e, const struct hostfile_entry *from);

/* The last entry named name, or NULL. */
const struct hostfile_entry *hostfile_find(const struct hostfile_entry *entries, size_t n,
                                           const char *name);

/* A pvm_addhosts name: the line parsed as a host line (no '*', '&' or
 * '$', not blank), then the options it does not give taken from the
 * file's entry of that name when there is one, else from the file's '*'
 * defaults (file_defaults may be NULL), as PVM 3.4.6's master does.
 * later is 0 in the result.  1 with *out, or -1 with why: the daemon
 * answers PvmBadParam for that name. */
int hostfile_resolve_add(const char *line, const struct hostfile_entry *entries, size_t n,
                         const struct hostfile_entry *file_defaults,
                         struct hostfile_entry *out, char *why, size_t whylen);

/* Copies in to out (cap bytes) with $NAME and ${NAME} replaced by the
 * environment's values ("" when unset), as a pvmd expands ep=, wd=, bx=
 * and dx=; a '$' not followed by a name stays as it is.  0, or -1 when
 * the result does not fit or a ${ is not closed. */
int hostfile_expand(const char *in, char *out, size_t cap);

#endif

/*
 * lpvm_cruft.h - the utility functions PVM 3.4.6's libpvm3.so.3 exports
 * without declaring them in pvm3.h (its console, its examples and
 * programs of its time call them, declaring them themselves).  Each has
 * PVM's signature; docs/compat.md lists what each does here.
 */
#ifndef PVMX_LPVM_CRUFT_H
#define PVMX_LPVM_CRUFT_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/time.h>

struct sockaddr_in;

/* numbers, bytes, strings (lpvm_cruft.c) */
int pvmsleep(int secs);
int pvmgetclock(struct timeval *tm);
int pvmxtoi(char *p);
int pvmstrtoi(char *p);
int pvmget8(char *p);
int pvmget16(char *p);
int pvmget32(char *p);
int pvmput8(char *p, int n);
int pvmput16(char *p, int n);
int pvmput32(char *p, int n);
int pvmmatchstring(char *str, char *pattern);
unsigned int pvmcrcappend(char *buf, int len, unsigned int crc);
char *debug_flags(int mask);
void hex_inadport(char *s, struct sockaddr_in *sad);
char *inadport_decimal(struct sockaddr_in *sad);
char *inadport_hex(struct sockaddr_in *sad);
int errnamecode(char *name);
char *pvmnametag(int tag, int *found);

/* environment lists and paths (lpvm_paths.c) */
int pvmputenv(char *s);
char **pvmcopyenv(char **env);
int pvmenvinsert(char ***envp, char *s);
int pvmfreeenv(char **env);
char *pvmgethome(void);
char *pvmgetroot(void);
char *pvmdsockfile(void);
char *pvmgetpvmd(void);
void pvmchkuid(int uid);
/* The pvmd that belongs to this library, into buf: $PVMX_PVMD, else
 * ../bin/pvmd beside the directory libpvm3.so.3 was loaded from, else
 * the install directory.  Never a PATH search: it could find PVM 3.4.6's
 * pvmd.  0 if it is executable, else -1. */
int lpvm_pvmd_path(char *buf, size_t len);

/* logging to stderr with the task's prefix (lpvm_log.c) */
int pvmlogerror(char *s);
int pvmlogperror(char *s);
int pvmlogprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vpvmlogprintf(char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int pvmhdump(char *cp, int n, char *pad);
int print_fdset(char *pad, int n, fd_set *f);
void pvmbailout(int n);

/* PVM's instrumented allocator (lpvm_imalloc.c) */
char *i_malloc(unsigned int len, char *tag);
char *i_realloc(char *loc, unsigned int len);
int i_free(char *loc);
void i_dump(int how);
void i_choke(void);
char *pvm_alloc(unsigned int n, char *tag);
char *pvm_realloc(char *p, unsigned int n);
void pvm_free(char *p);

#endif

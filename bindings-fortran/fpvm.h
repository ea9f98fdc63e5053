/*
 * fpvm.h - what the files of libfpvm3 share: gfortran's calling
 * convention and the conversion of strings between Fortran and C.
 *
 * Every routine is a C function named as gfortran names an external
 * procedure (lower case, one trailing underscore).  Every argument comes
 * by reference; after the last one comes, by value, the length of each
 * CHARACTER argument, in order.  A Fortran string is that many bytes,
 * padded with blanks, with no NUL at the end.
 */
#ifndef PVMX_FPVM_H
#define PVMX_FPVM_H

#include <stddef.h>

/* gfortran (8 and later) passes hidden string lengths as size_t */
typedef size_t fstrlen;

/* The longest names PVM 3.4.6's libfpvm3 takes, without the NUL: a longer
 * one (after its trailing blanks are cut) is PvmBadParam, as there. */
#define FPVM_GROUP_MAX 31
#define FPVM_HOST_MAX 256
#define FPVM_PROGRAM_MAX 256
#define FPVM_MBOX_MAX 256

/* PVM 3.4.6's libfpvm3 exports these two helpers under these names.
 * ftocstr: the Fortran string src (slen bytes) without its trailing
 * blanks, as a C string in dst (dlen bytes); 0, or 1 (dst left empty)
 * when it needs more than dlen - 1 bytes.  ctofstr: the C string src
 * into the Fortran string dst (dlen bytes), cut to fit or padded with
 * blanks.  Always 0. */
int ftocstr(char *dst, int dlen, const char *src, int slen);
int ctofstr(char *dst, int dlen, const char *src);

/* ftocstr for a hidden length: 0, or PvmBadParam when src does not fit
 * (dst is then empty). */
int fpvm_cstr(char *dst, size_t dlen, const char *src, fstrlen slen);
/* ctofstr for a hidden length; nothing when dst is NULL. */
void fpvm_fstr(char *dst, fstrlen dlen, const char *src);
/* The length of the Fortran string s without its trailing blanks. */
size_t fpvm_trimmed_len(const char *s, fstrlen len);

#endif

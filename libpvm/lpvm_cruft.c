/*
 * lpvm_cruft.c - PVM 3.4.6's small exported helpers that need no task
 * state: sleeping and the clock, number parsing, big-endian byte access,
 * its wildcard matcher, its CRC, and the names of debug bits, error codes
 * and system message tags.  Behaviour checked against PVM 3.4.6 by
 * tests/integration/test_cruft.sh.
 */
#include "lpvm_cruft.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvm3.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * debug_flags, inadport_decimal, inadport_hex and pvmnametag return a
 * string without taking a buffer: PVM's signatures leave no room for
 * one.  PVM formats into one static buffer per function, so two calls in
 * one printf print the same text twice; here each call takes the next of
 * a small ring of per-thread buffers, so up to RING_SLOTS results in one
 * expression stay distinct.
 */
#define RING_SLOTS 8
#define RING_SLOT_LEN 64 /* debug_flags' longest answer is 63 chars */

static char *ring_slot(void)
{
	static _Thread_local char slots[RING_SLOTS][RING_SLOT_LEN];
	static _Thread_local unsigned int next;

	return slots[next++ % RING_SLOTS];
}

int pvmsleep(int secs)
{
	/* PVM passes a negative count to sleep() as a huge unsigned one */
	if (secs <= 0)
		return 0;
	return (int)sleep((unsigned int)secs);
}

/* The clock pvm_hostsync reports too: the time of day. */
int pvmgetclock(struct timeval *tm)
{
	return gettimeofday(tm, NULL);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits from p on, as PVM: no sign, no blanks; bits above 32 fall
 * off the top (the value wraps, it does not saturate). */
static int parse_hex(const char *p)
{
	uint32_t v = 0;

	for (; hex_value(*p) >= 0; p++)
		v = (v << 4) | (uint32_t)hex_value(*p);
	return (int)v;
}

int pvmxtoi(char *p)
{
	if (p == NULL)
		return 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	return parse_hex(p);
}

/* "0x.." hex and "0.." octal (both wrapping at 32 bits), else decimal as
 * atoi() takes it (blanks and a sign allowed). */
int pvmstrtoi(char *p)
{
	uint32_t v = 0;

	if (p == NULL)
		return 0;
	if (p[0] != '0')
		return (int)strtol(p, NULL, 10);
	if (p[1] == 'x' || p[1] == 'X')
		return parse_hex(p + 2);
	for (p++; *p >= '0' && *p <= '7'; p++)
		v = (v << 3) | (uint32_t)(*p - '0');
	return (int)v;
}

/* Big-endian (network order) access at any alignment. */
int pvmget8(char *p)
{
	return (unsigned char)p[0];
}

int pvmget16(char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (u[0] << 8) | u[1];
}

int pvmget32(char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (int)((uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 |
	             u[3]);
}

int pvmput8(char *p, int n)
{
	p[0] = (char)n;
	return 0;
}

int pvmput16(char *p, int n)
{
	p[0] = (char)(n >> 8);
	p[1] = (char)n;
	return 0;
}

int pvmput32(char *p, int n)
{
	uint32_t v = (uint32_t)n;

	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
	return 0;
}

/*
 * One attempt of pvmmatchstring at str, whose first char equals the
 * pattern's.  Chars compare literally; a '*' reached after at least one
 * matched char starts a new unanchored search of the rest; "\*" after a
 * matched char is a literal '*'.
 */
static int match_at(char *str, char *pat)
{
	while (*str != '\0' && *pat != '\0' && *str == *pat) {
		str++;
		pat++;
		if (*pat == '*')
			return pvmmatchstring(str, pat + 1);
		if (pat[0] == '\\' && pat[1] == '*')
			pat++;
	}
	return *pat == '\0';
}

/*
 * PVM's stand-in for regular expressions (its mailbox and tester use
 * it): 1 if pattern occurs anywhere in str, where '*' matches any run of
 * chars, leading '*'s are ignored and an empty pattern matches all.
 * NULL is taken as "" (PVM crashes).
 */
int pvmmatchstring(char *str, char *pattern)
{
	char *first = pattern != NULL ? pattern : "";

	while (*first == '*')
		first++;
	if (*first == '\0')
		return 1;
	if (str == NULL)
		return 0;
	for (; *str != '\0'; str++)
		if (*str == *first && match_at(str, first))
			return 1;
	return 0;
}

/* CRC-32 (reflected, polynomial 0xedb88320) of len bytes, continuing
 * from crc, with no inversion before or after: PVM's variant. */
unsigned int pvmcrcappend(char *buf, int len, unsigned int crc)
{
	const unsigned char *p = (const unsigned char *)buf;
	uint32_t c = crc;

	for (int i = 0; i < len; i++) {
		c ^= p[i];
		for (int bit = 0; bit < 8; bit++)
			c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return c;
}

/* PvmDebugMask bits, lowest first */
static const char *const debug_names[] = {
    "pkt", "msg", "tsk", "slv", "hst", "sel", "net", "mpp",
    "sch", "app", "wai", "mem", "sem", "lck", "rtg", "mbx",
};

/* The names of the bits set in mask, comma-separated ("" for none);
 * bits above the 16 named ones are left out, as PVM does. */
char *debug_flags(int mask)
{
	char *buf = ring_slot();
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NELEM(debug_names); i++) {
		if (!((unsigned int)mask & (1u << i)))
			continue;
		used += (size_t)snprintf(buf + used, RING_SLOT_LEN - used, "%s%s",
		                         used > 0 ? "," : "", debug_names[i]);
	}
	return buf;
}

/* "AAAAAAAA:PPPP" (hex address and port) into sad; sin_family is left
 * as it was.  NULL is taken as "" (PVM crashes). */
void hex_inadport(char *s, struct sockaddr_in *sad)
{
	char *colon;

	if (s == NULL)
		s = "";
	sad->sin_addr.s_addr = htonl((uint32_t)pvmxtoi(s));
	colon = strchr(s, ':');
	sad->sin_port = htons((uint16_t)pvmxtoi(colon != NULL ? colon + 1 : ""));
}

char *inadport_decimal(struct sockaddr_in *sad)
{
	char *buf = ring_slot();
	uint32_t a = ntohl(sad->sin_addr.s_addr);

	snprintf(buf, RING_SLOT_LEN, "%u.%u.%u.%u:%u", a >> 24, (a >> 16) & 0xff,
	         (a >> 8) & 0xff, a & 0xff, (unsigned int)ntohs(sad->sin_port));
	return buf;
}

char *inadport_hex(struct sockaddr_in *sad)
{
	char *buf = ring_slot();

	snprintf(buf, RING_SLOT_LEN, "%08x:%04x",
	         (unsigned int)ntohl(sad->sin_addr.s_addr),
	         (unsigned int)ntohs(sad->sin_port));
	return buf;
}

/* The names of PVM's error codes, indexed by minus the code; the codes
 * 3.4.6 does not use (-1, -9, -11, -13) have none, which here is "". */
#define ERROR_NAME(code) [-(code)] = #code

static const char *const error_names[] = {
    ERROR_NAME(PvmOk),         ERROR_NAME(PvmBadParam),     ERROR_NAME(PvmMismatch),
    ERROR_NAME(PvmOverflow),   ERROR_NAME(PvmNoData),       ERROR_NAME(PvmNoHost),
    ERROR_NAME(PvmNoFile),     ERROR_NAME(PvmDenied),       ERROR_NAME(PvmNoMem),
    ERROR_NAME(PvmBadMsg),     ERROR_NAME(PvmSysErr),       ERROR_NAME(PvmNoBuf),
    ERROR_NAME(PvmNoSuchBuf),  ERROR_NAME(PvmNullGroup),    ERROR_NAME(PvmDupGroup),
    ERROR_NAME(PvmNoGroup),    ERROR_NAME(PvmNotInGroup),   ERROR_NAME(PvmNoInst),
    ERROR_NAME(PvmHostFail),   ERROR_NAME(PvmNoParent),     ERROR_NAME(PvmNotImpl),
    ERROR_NAME(PvmDSysErr),    ERROR_NAME(PvmBadVersion),   ERROR_NAME(PvmOutOfRes),
    ERROR_NAME(PvmDupHost),    ERROR_NAME(PvmCantStart),    ERROR_NAME(PvmAlready),
    ERROR_NAME(PvmNoTask),     ERROR_NAME(PvmNotFound),     ERROR_NAME(PvmExists),
    ERROR_NAME(PvmHostrNMstr), ERROR_NAME(PvmParentNotSet), ERROR_NAME(PvmIPLoopback),
};

/* The code named name ("PvmNoMem" -> -10); 0 for a name it does not
 * know, as for "PvmOk".  "" answers -1, the first unnamed code, as in
 * PVM; NULL answers 0 (PVM crashes). */
int errnamecode(char *name)
{
	if (name == NULL)
		return 0;
	for (size_t i = 0; i < NELEM(error_names); i++)
		if (strcmp(name, error_names[i] != NULL ? error_names[i] : "") == 0)
			return -(int)i;
	return 0;
}

/* PVM's system message tags (pvmproto.h): four numbered ranges. */
static const char *const tm_names[] = {
    "TM_CONNECT",  "TM_CONN2",   "TM_EXIT",   "TM_ADDHOST", "TM_DELHOST",
    "TM_CONFIG",   "TM_MSTAT",   "TM_HALT",   "TM_TICKLE",  "TM_SPAWN",
    "TM_PSTAT",    "TM_SENDSIG", "TM_TASK",   "TM_MCA",     "TM_NOTIFY",
    "TM_DB",       "TM_SCHED",   "TM_TASKER", "TM_HOSTER",  "TM_TRACER",
    "TM_HOSTSYNC", "TM_SETOPT",  "TM_GETOPT", "TM_CONTEXT", "TM_SHMCONN",
};
static const char *const dm_names[] = {
    "DM_ADD",      "DM_ADDACK",    "DM_EXEC",     "DM_EXECACK",     "DM_SENDSIG",
    "DM_HTUPD",    "DM_HTUPDACK",  "DM_HTCOMMIT", "DM_SLCONF",      "DM_STARTACK",
    "DM_TASK",     "DM_TASKACK",   "DM_DELHOST",  "DM_DELHOSTACK",  "DM_NULL",
    "DM_TASKOUT",  "DM_PSTAT",     "DM_PSTATACK", "DM_HALT",        "DM_MCA",
    "DM_NOTIFY",   "DM_NOTIFYACK", "DM_DB",       "DM_DBACK",       "DM_RESET",
    "DM_RESETACK", "DM_HTDEL",     "DM_HOSTSYNC", "DM_HOSTSYNCACK",
};
static const char *const tc_names[] = {
    "TC_CONREQ",    "TC_CONACK",   "TC_TASKEXIT", "TC_NOOP",
    "TC_OUTPUT",    "TC_SETTRACE", "TC_SETTMASK", "TC_SETTRCBUF",
    "TC_SETTRCOPT", "TC_SHMAT",    "TC_OUTPUTX",  "TC_SIBLINGS",
};
static const char *const sm_names[] = {
    "SM_SPAWN",   "SM_EXEC",  "SM_EXECACK", "SM_TASK",      "SM_CONFIG", "SM_ADDHOST",
    "SM_DELHOST", "SM_ADD",   "SM_ADDACK",  "SM_NOTIFY",    "SM_TASKX",  "SM_HOSTX",
    "SM_HANDOFF", "SM_SCHED", "SM_STHOST",  "SM_STHOSTACK", "SM_STTASK",
};

static const struct tag_range {
	int first;
	const char *const *names;
	size_t count;
} tag_ranges[] = {
    {(int)0x80010001u, tm_names, NELEM(tm_names)},
    {(int)0x80020001u, dm_names, NELEM(dm_names)},
    {(int)0x80030001u, tc_names, NELEM(tc_names)},
    {(int)0x80040001u, sm_names, NELEM(sm_names)},
};

/* The name of a system message tag, else the tag in decimal; *found
 * (when given) says which. */
char *pvmnametag(int tag, int *found)
{
	char *buf;

	for (size_t i = 0; i < NELEM(tag_ranges); i++) {
		const struct tag_range *r = &tag_ranges[i];

		if (tag >= r->first && (int64_t)tag - r->first < (int64_t)r->count) {
			if (found != NULL)
				*found = 1;
			return (char *)r->names[tag - r->first];
		}
	}
	if (found != NULL)
		*found = 0;
	buf = ring_slot();
	snprintf(buf, RING_SLOT_LEN, "%d", tag);
	return buf;
}

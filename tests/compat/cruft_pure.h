/*
 * cruft_pure.h - cruft_prog.h's checks of the functions that keep no
 * state: number parsing, byte order, pvmmatchstring, pvmcrcappend, the
 * names of debug bits, error codes and message tags, socket address
 * text, and environment lists.
 */
#ifndef CRUFT_PURE_H
#define CRUFT_PURE_H

#include "cruft_util.h"

/* ------------------------------------------------- numbers and bytes */

static void check_numbers(void)
{
	static char *hex[] = {
	    "0",        "1f",         "0x1f",      "0X1F",      "7fffffff",
	    "80000000", "ffffffff",   "100000000", "fffffffff", "123456789abc",
	    "DeadBeef", "0xdeadbeef", "zz",        "0x",        "",
	    "-1",       " 1f",        "1fg",       "0x0x1",     "00x1",
	    "x1",       "0xg",        "abcdef:12", "AbCdEf",
	};
	static char *num[] = {
	    "0",
	    "7",
	    "10",
	    "010",
	    "0x10",
	    "0X1f",
	    "0xG",
	    "08",
	    "0778",
	    "0777777777777",
	    "017777777777777",
	    "2147483647",
	    "2147483648",
	    "-2147483648",
	    "-2147483649",
	    "99999999999",
	    "99999999999999999999",
	    "-5",
	    " 7",
	    "\t-7",
	    "+3",
	    "",
	    "0x",
	    "-0x10",
	    "1e3",
	    "12abc",
	    "0x7fffffff",
	    "0x80000000",
	    "0xffffffff",
	    "0x100000001",
	    "00",
	    "0-1",
	    " 0x10",
	};
	char esc[128];

	for (size_t i = 0; i < sizeof(hex) / sizeof(hex[0]); i++) {
		cruft_escape(hex[i], esc, sizeof(esc));
		compat_line("pvmxtoi(\"%s\"): %d", esc, pvmxtoi(hex[i]));
	}
	for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
		cruft_escape(num[i], esc, sizeof(esc));
		compat_line("pvmstrtoi(\"%s\"): %d", esc, pvmstrtoi(num[i]));
	}
}

static void show_bytes(const char *what, int rc, const unsigned char *b, size_t n)
{
	char text[64];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < sizeof(text); i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%02x", i ? " " : "",
		                      b[i]);
	compat_line("%s: returns %d, bytes %s", what, rc, text);
}

static void check_bytes(void)
{
	unsigned char buf[12];
	char what[64];

	/* every alignment */
	for (int off = 0; off < 4; off++) {
		memset(buf, 0xaa, sizeof(buf));
		snprintf(what, sizeof(what), "pvmput32(buf+%d, 0x12345678)", off);
		show_bytes(what, pvmput32((char *)buf + off, 0x12345678), buf, 8);
		compat_line("pvmget32(buf+%d): 0x%x, pvmget16: 0x%x, pvmget8: 0x%x", off,
		            (unsigned)pvmget32((char *)buf + off),
		            (unsigned)pvmget16((char *)buf + off),
		            (unsigned)pvmget8((char *)buf + off));
		memset(buf, 0xaa, sizeof(buf));
		snprintf(what, sizeof(what), "pvmput16(buf+%d, 0xbeef)", off);
		show_bytes(what, pvmput16((char *)buf + off, 0xbeef), buf, 6);
		snprintf(what, sizeof(what), "pvmput8(buf+%d, 0x5a)", off);
		show_bytes(what, pvmput8((char *)buf + off, 0x5a), buf, 6);
	}
	memset(buf, 0, sizeof(buf));
	show_bytes("pvmput32(buf+1, -2)", pvmput32((char *)buf + 1, -2), buf, 6);
	compat_line("pvmget32 of ff ff ff fe: %d", pvmget32((char *)buf + 1));
	show_bytes("pvmput16(buf+1, 0x12345)", pvmput16((char *)buf + 1, 0x12345), buf,
	           4);
	show_bytes("pvmput16(buf+1, -1)", pvmput16((char *)buf + 1, -1), buf, 4);
	compat_line("pvmget16 of ff ff: %d", pvmget16((char *)buf + 1));
	show_bytes("pvmput8(buf+3, 0x1ff)", pvmput8((char *)buf + 3, 0x1ff), buf, 4);
	show_bytes("pvmput8(buf+3, -128)", pvmput8((char *)buf + 3, -128), buf, 4);
	compat_line("pvmget8 of 80: %d", pvmget8((char *)buf + 3));
	memcpy(buf, "\x80\x00\x00\x00\x7f\xff\xff\xff", 8);
	compat_line("pvmget32 of 80 00 00 00: %d, of 7f ff ff ff: %d",
	            pvmget32((char *)buf), pvmget32((char *)buf + 4));
	compat_line("pvmget16 of 80 00: %d, of 7f ff: %d", pvmget16((char *)buf),
	            pvmget16((char *)buf + 4));
}

/* ------------------------------------------------------ pvmmatchstring */

/* The idx-th string over "ab*\" of length 0 to 4, shortest first. */
#define SWEEP_N (1 + 4 + 16 + 64 + 256)

static void sweep_string(int idx, char *out)
{
	static const char alphabet[] = "ab*\\";
	int len = 0, first = 0, count = 1;

	while (idx >= first + count) {
		first += count;
		count *= 4;
		len++;
	}
	idx -= first;
	for (int i = len - 1; i >= 0; i--) {
		out[i] = alphabet[idx % 4];
		idx /= 4;
	}
	out[len] = '\0';
}

static void check_match(void)
{
	static char *cases[][2] = {
	    {"abc", "b"},
	    {"abc", ""},
	    {"abc", "*"},
	    {"abc", "**"},
	    {"abc", "a*c"},
	    {"abc", "a*d"},
	    {"abc", "*c"},
	    {"aab", "ab"},
	    {"abab", "abb"},
	    {"a*b", "a\\*b"},
	    {"axb", "a\\*b"},
	    {"", "*"},
	    {"", ""},
	    {"", "a"},
	    {"abc", "abcd"},
	    {"abcabd", "ab*d"},
	    {"hello world", "o*w"},
	    {"a.b", "a.b"},
	    {"axb", "a.b"},
	    {"abc", "**b**"},
	    {"abc", "b*"},
	    {"xay", "a*"},
	    {"aaa", "aa*a"},
	    {"ab", "a**b"},
	    {"a\\b", "\\"},
	    {"a\\*b", "\\*"},
	    {"ab", "\\*"},
	    {"a\\b", "\\*b"},
	    {"abc", "^a"},
	    {"abc", "c$"},
	    {"mbox.class.1", "class"},
	    {"mbox.class.1", "*.1"},
	    {"abc", "a*b*c"},
	    {"acb", "a*b*c"},
	    {"abcbc", "a*bc*c"},
	    {"xyz", "xyz*"},
	    {"xyzxyz", "z*x"},
	    {"aXbXc", "X*X*"},
	    {"ab", "ab\\"},
	    {"ab\\", "ab\\"},
	    {"a*", "a\\*"},
	    {"a**", "a\\*\\*"},
	    {"a*x", "a\\**x"},
	};
	char s[8], p[8], es[32], ep[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cruft_escape(cases[i][0], es, sizeof(es));
		cruft_escape(cases[i][1], ep, sizeof(ep));
		compat_line("pvmmatchstring(\"%s\", \"%s\"): %d", es, ep,
		            pvmmatchstring(cases[i][0], cases[i][1]));
	}
	/* every pattern against every string, both over "ab*\" up to 4 long:
	 * per pattern, how many match and a hash of which */
	for (int pi = 0; pi < SWEEP_N; pi++) {
		unsigned int hash = 2166136261u;
		int n = 0;

		sweep_string(pi, p);
		for (int si = 0; si < SWEEP_N; si++) {
			int m;

			sweep_string(si, s);
			m = pvmmatchstring(s, p);
			n += m != 0;
			hash = (hash ^ (unsigned int)(m != 0)) * 16777619u;
		}
		cruft_escape(p, ep, sizeof(ep));
		compat_line("pvmmatchstring sweep \"%s\": %d of %d, hash %08x", ep, n,
		            SWEEP_N, hash);
	}
}

/* ---------------------------------------------------- crc, flags, names */

static void check_crc(void)
{
	char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	compat_line("pvmcrcappend(\"\", 0, 0): %08x", pvmcrcappend("", 0, 0));
	compat_line("pvmcrcappend(\"\", 0, 7): %08x", pvmcrcappend("", 0, 7));
	compat_line("pvmcrcappend(\"a\", 1, 0): %08x", pvmcrcappend("a", 1, 0));
	compat_line("pvmcrcappend(\"hello\", 5, 0): %08x", pvmcrcappend("hello", 5, 0));
	compat_line("pvmcrcappend(\"hello\", 5, ~0): %08x",
	            pvmcrcappend("hello", 5, 0xffffffffu));
	compat_line("pvmcrcappend(\"lo\", 2, crc of \"hel\"): %08x",
	            pvmcrcappend("lo", 2, pvmcrcappend("hel", 3, 0)));
	compat_line("pvmcrcappend(bytes 0..255, 256, 0): %08x",
	            pvmcrcappend(all, 256, 0));
	compat_line("pvmcrcappend(bytes 0..255, 256, 0x12345678): %08x",
	            pvmcrcappend(all, 256, 0x12345678u));
	compat_line("pvmcrcappend(\"\\xff\\x80\", 2, 0): %08x",
	            pvmcrcappend("\xff\x80", 2, 0));
	compat_line("pvmcrcappend(\"abc\", -1, 9): %08x", pvmcrcappend("abc", -1, 9));
}

static void check_flags_and_names(void)
{
	static const struct {
		const char *name;
		int code;
	} errors[] = {
	    {"PvmOk", PvmOk},
	    {"PvmBadParam", PvmBadParam},
	    {"PvmMismatch", PvmMismatch},
	    {"PvmOverflow", PvmOverflow},
	    {"PvmNoData", PvmNoData},
	    {"PvmNoHost", PvmNoHost},
	    {"PvmNoFile", PvmNoFile},
	    {"PvmDenied", PvmDenied},
	    {"PvmNoMem", PvmNoMem},
	    {"PvmBadMsg", PvmBadMsg},
	    {"PvmSysErr", PvmSysErr},
	    {"PvmNoBuf", PvmNoBuf},
	    {"PvmNoSuchBuf", PvmNoSuchBuf},
	    {"PvmNullGroup", PvmNullGroup},
	    {"PvmDupGroup", PvmDupGroup},
	    {"PvmNoGroup", PvmNoGroup},
	    {"PvmNotInGroup", PvmNotInGroup},
	    {"PvmNoInst", PvmNoInst},
	    {"PvmHostFail", PvmHostFail},
	    {"PvmNoParent", PvmNoParent},
	    {"PvmNotImpl", PvmNotImpl},
	    {"PvmDSysErr", PvmDSysErr},
	    {"PvmBadVersion", PvmBadVersion},
	    {"PvmOutOfRes", PvmOutOfRes},
	    {"PvmDupHost", PvmDupHost},
	    {"PvmCantStart", PvmCantStart},
	    {"PvmAlready", PvmAlready},
	    {"PvmNoTask", PvmNoTask},
	    {"PvmNotFound", PvmNotFound},
	    {"PvmExists", PvmExists},
	    {"PvmHostrNMstr", PvmHostrNMstr},
	    {"PvmParentNotSet", PvmParentNotSet},
	    {"PvmIPLoopback", PvmIPLoopback},
	};
	static char *odd[] = {"",          "bogus", "pvmok",   "PvmOk ",
	                      "PvmNoMemX", "Pvm",   "PVMNOMEM"};
	static const int ranges[][2] = {{TM_FIRST, TM_LAST},
	                                {DM_FIRST, DM_LAST},
	                                {TC_FIRST, TC_LAST},
	                                {SM_FIRST, SM_LAST}};
	static const int other_tags[] = {
	    0, 1, -1, 5, INT_MIN, INT_MAX, 0x80010000, 0x80050001, (int)0x80000000};
	char *a, *b;
	int found;

	for (int bit = 0; bit <= 16; bit++)
		compat_line("debug_flags(0x%x): \"%s\"", 1 << bit, debug_flags(1 << bit));
	compat_line("debug_flags(0): \"%s\"", debug_flags(0));
	compat_line("debug_flags(0xffff): \"%s\"", debug_flags(0xffff));
	compat_line("debug_flags(-1): \"%s\"", debug_flags(-1));
	compat_line("debug_flags(0x18001): \"%s\"", debug_flags(0x18001));
	/* a static buffer shows here: PVM prints one of the two twice */
	compat_line("debug_flags(1) and debug_flags(2) in one printf: \"%s\" \"%s\"",
	            debug_flags(1), debug_flags(2));

	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		compat_line("errnamecode(\"%s\"): %d (the header's %s: %d)",
		            errors[i].name, errnamecode((char *)errors[i].name),
		            errors[i].name, errors[i].code);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		compat_line("errnamecode(\"%s\"): %d", odd[i], errnamecode(odd[i]));

	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
		for (int tag = ranges[r][0] - 1; tag <= ranges[r][1] + 1; tag++) {
			found = 7;
			a = pvmnametag(tag, &found);
			compat_line("pvmnametag(0x%x): \"%s\", found %d", (unsigned)tag,
			            a, found);
		}
	}
	for (size_t i = 0; i < sizeof(other_tags) / sizeof(other_tags[0]); i++) {
		found = 7;
		a = pvmnametag(other_tags[i], &found);
		compat_line("pvmnametag(%d): \"%s\", found %d", other_tags[i], a, found);
	}
	compat_line("pvmnametag(TC_OUTPUT, NULL): \"%s\"", pvmnametag(TC_OUTPUT, NULL));
	compat_line("pvmnametag(42, NULL): \"%s\"", pvmnametag(42, NULL));
	a = pvmnametag(TM_SPAWN, NULL);
	b = pvmnametag(TM_SPAWN, NULL);
	compat_line("pvmnametag(TM_SPAWN) twice: the same string %s",
	            a == b ? "object" : "text only");
}

static void show_sad(const char *in, struct sockaddr_in *sa)
{
	compat_line("hex_inadport(\"%s\"): %s = %s, sin_family %d", in,
	            inadport_decimal(sa), inadport_hex(sa), sa->sin_family);
}

static void check_inadport(void)
{
	static char *in[] = {"7f000001:1f90",   "c0a80101", "ffffffff:12345",
	                     "0x7f000001:0x50", "",         ":",
	                     "zz:zz",           "1:2:3",    "a:b",
	                     "00000000:0000"};
	struct sockaddr_in sa;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		memset(&sa, 0x55, sizeof(sa));
		sa.sin_family = 77;
		hex_inadport(in[i], &sa);
		show_sad(in[i], &sa);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_addr.s_addr = htonl(0x0a000102);
	sa.sin_port = htons(65535);
	compat_line("inadport_decimal(10.0.1.2:65535): %s, inadport_hex: %s",
	            inadport_decimal(&sa), inadport_hex(&sa));
}

/* ---------------------------------------------------- environment lists */

static void show_env(const char *what, int rc, char **env)
{
	char text[2048];
	size_t o = 0;
	int n = 0;

	text[0] = '\0';
	for (; env != NULL && env[n] != NULL && o + 64 < sizeof(text); n++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s%s", n ? " " : "",
		                      env[n]);
	compat_line("%s: returns %d, list (%d) [%s]", what, rc, n, text);
}

static void check_envlists(void)
{
	char *src[] = {"A=1", "B=2", NULL};
	char a[] = "A=1";
	char *mut[] = {a, NULL};
	char **e, **m;
	char buf[32];
	int rc, bad = 0;

	e = pvmcopyenv(src);
	show_env("pvmcopyenv({A=1, B=2})", 0, e);
	compat_line("pvmcopyenv copies the strings: %s", e[0] != src[0] ? "yes" : "no");
	rc = pvmenvinsert(&e, "C=3");
	show_env("pvmenvinsert(C=3)", rc, e);
	rc = pvmenvinsert(&e, "A=9");
	show_env("pvmenvinsert(A=9)", rc, e);
	rc = pvmenvinsert(&e, "noeq");
	show_env("pvmenvinsert(noeq)", rc, e);
	rc = pvmenvinsert(&e, "=x");
	show_env("pvmenvinsert(=x)", rc, e);
	rc = pvmenvinsert(&e, "=y");
	show_env("pvmenvinsert(=y)", rc, e);
	rc = pvmenvinsert(&e, "AB=x");
	show_env("pvmenvinsert(AB=x)", rc, e);
	rc = pvmenvinsert(&e, "A=");
	show_env("pvmenvinsert(A=)", rc, e);
	rc = pvmenvinsert(&e, "B==2=");
	show_env("pvmenvinsert(B==2=)", rc, e);
	rc = pvmenvinsert(&e, NULL);
	show_env("pvmenvinsert(NULL)", rc, e);
	snprintf(buf, sizeof(buf), "D=4");
	rc = pvmenvinsert(&e, buf);
	buf[2] = '5';
	show_env("pvmenvinsert(D=4) then its string changed", rc, e);
	compat_line("pvmfreeenv: %d", pvmfreeenv(e));

	e = pvmcopyenv(NULL);
	show_env("pvmcopyenv(NULL)", 0, e);
	for (int i = 0; i < 200; i++) {
		snprintf(buf, sizeof(buf), "V%d=%d", i % 150, i);
		bad += pvmenvinsert(&e, buf) != 0;
	}
	for (rc = 0; e[rc] != NULL; rc++)
		;
	compat_line(
	    "200 pvmenvinsert of 150 names: %d failed, %d entries, V0=%s, V149=%s", bad,
	    rc, e[0] + 3, e[149] + 5);
	compat_line("pvmfreeenv: %d", pvmfreeenv(e));

	m = pvmcopyenv(mut);
	a[2] = '7';
	show_env("pvmcopyenv, then the source string changed", 0, m);
	pvmfreeenv(m);
}

/* name's value after a call, or "NULL" */
static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v != NULL ? v : "NULL";
}

static void check_putenv(void)
{
	static char set1[] = "CRUFT_T=1", set2[] = "CRUFT_T=2", setx[] = "CRUFT_TX=3",
	            empty[] = "CRUFT_E=", inplace[] = "CRUFT_P=1",
	            twoeq[] = "CRUFT_Q=a=b";
	int rc;

	unsetenv("CRUFT_T");
	unsetenv("CRUFT_TX");
	rc = pvmputenv(set1);
	compat_line("pvmputenv(CRUFT_T=1): %d, getenv: %s", rc, env_value("CRUFT_T"));
	rc = pvmputenv(set2);
	compat_line("pvmputenv(CRUFT_T=2): %d, getenv: %s", rc, env_value("CRUFT_T"));
	rc = pvmputenv(setx);
	compat_line("pvmputenv(CRUFT_TX=3): %d, CRUFT_T: %s, CRUFT_TX: %s", rc,
	            env_value("CRUFT_T"), env_value("CRUFT_TX"));
	compat_line("pvmputenv(noeq): %d", pvmputenv("noeq"));
	compat_line("pvmputenv(=v): %d", pvmputenv("=v"));
	compat_line("pvmputenv(\"\"): %d", pvmputenv(""));
	compat_line("pvmputenv(NULL): %d", pvmputenv(NULL));
	rc = pvmputenv(empty);
	compat_line("pvmputenv(CRUFT_E=): %d, getenv: \"%s\"", rc, env_value("CRUFT_E"));
	rc = pvmputenv(twoeq);
	compat_line("pvmputenv(CRUFT_Q=a=b): %d, getenv: %s", rc, env_value("CRUFT_Q"));
	compat_line("pvmputenv(CRUFT_P=1): %d", pvmputenv(inplace));
	inplace[8] = '2';
	compat_line("its string changed afterwards: getenv: %s", env_value("CRUFT_P"));
}

#endif

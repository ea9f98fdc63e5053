/*
 * test_hostfile.c - the host file parser (daemon/hostfile.c): every
 * option, '*' defaults, '&' and '$', comments, malformed lines, values
 * at and over their field's size, whole files (empty, missing, bad at a
 * line), pvm_addhosts names against a file, and $VARIABLE expansion.
 */
#include "hostfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* why must mention part */
#define CHECK_WHY(what, part, why)                                                       \
	do {                                                                             \
		if (strstr((why), (part)) == NULL) {                                     \
			fprintf(stderr, "%s:%d: %s: \"%s\" does not mention \"%s\"\n",   \
			        __FILE__, __LINE__, what, (why), (part));                \
			failures++;                                                      \
		}                                                                        \
	} while (0)

static struct hostfile_entry e, def;
static char why[256];

static int parse(const char *line, struct hostfile_entry *defaults)
{
	why[0] = '\0';
	memset(&e, 0x5a, sizeof(e)); /* untouched unless 1 comes back */
	return hostfile_parse_line(line, defaults, &e, why, sizeof(why));
}

/* A value of n bytes ('v' repeated) after prefix, in a static buffer. */
static const char *long_line(const char *prefix, size_t n)
{
	static char buf[8192];
	size_t pl = strlen(prefix);

	memcpy(buf, prefix, pl);
	memset(buf + pl, 'v', n);
	buf[pl + n] = '\0';
	return buf;
}

static char tmpdir[256];
static int nfiles;

/* Writes text (len bytes) to a new file in tmpdir; returns its path
 * (valid until the next call). */
static const char *write_file(const char *text, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hostfile.%d", tmpdir, nfiles++);
	f = fopen(path, "w");
	if (f == NULL || fwrite(text, 1, len, f) != len) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return path;
}

/* a string literal, NUL bytes inside included */
#define WRITE_LITERAL(s) write_file((s), sizeof(s) - 1)

static void test_plain_name(void)
{
	CHECK_EQ("plain name", 1, parse("thud", NULL));
	CHECK_STR("name", "thud", e.name);
	CHECK_STR("no login", "", e.login);
	CHECK_STR("no dx", "", e.dx);
	CHECK_STR("no ep", "", e.ep);
	CHECK_STR("no wd", "", e.wd);
	CHECK_STR("no bx", "", e.bx);
	CHECK_STR("no ip", "", e.ip);
	CHECK_STR("no id", "", e.id);
	CHECK_STR("no so", "", e.so);
	CHECK_EQ("no speed", 0, e.speed);
	CHECK_EQ("not later", 0, e.later);
	CHECK_EQ("not overload", 0, e.overload);
	CHECK_EQ("white space around, newline", 1,
	         parse("  \tfred.cs.utk.edu \r\n", NULL));
	CHECK_STR("name without the white space", "fred.cs.utk.edu", e.name);
}

static void test_every_option(void)
{
	CHECK_EQ(
	    "every option", 1,
	    parse("sigi lo=guest dx=/usr/local/pvm3/lib/pvmd ep=bob/bin:$PVM_ROOT/bin "
	          "wd=/scratch bx=/usr/bin/gdb ip=sigi-eth1 id=vm7 so=pw sp=2500",
	          NULL));
	CHECK_STR("name", "sigi", e.name);
	CHECK_STR("lo=", "guest", e.login);
	CHECK_STR("dx=", "/usr/local/pvm3/lib/pvmd", e.dx);
	CHECK_STR("ep= kept as written, $VAR unexpanded", "bob/bin:$PVM_ROOT/bin", e.ep);
	CHECK_STR("wd=", "/scratch", e.wd);
	CHECK_STR("bx=", "/usr/bin/gdb", e.bx);
	CHECK_STR("ip=", "sigi-eth1", e.ip);
	CHECK_STR("id=", "vm7", e.id);
	CHECK_STR("so=pw", "pw", e.so);
	CHECK_EQ("sp=", 2500, e.speed);
	CHECK_EQ("so=ms is parsed (the daemon refuses it)", 1, parse("igor so=ms", NULL));
	CHECK_STR("so=ms", "ms", e.so);
	CHECK_EQ("any other so= value is kept, as PVM does", 1,
	         parse("igor so=xy", NULL));
	CHECK_STR("so=xy", "xy", e.so);
	CHECK_EQ("a value may hold '='", 1, parse("h wd=/a=b", NULL));
	CHECK_STR("wd=/a=b", "/a=b", e.wd);
	CHECK_EQ("a later '#' word is no comment: unknown option", -1,
	         parse("h # note", NULL));
	CHECK_WHY("why names the word", "\"#\"", why);
}

static void test_first_wins(void)
{
	CHECK_EQ("an option twice", 1, parse("h sp=5 lo=a sp=7 lo=b", NULL));
	CHECK_EQ("the first sp= counts, as in PVM 3.4.6", 5, e.speed);
	CHECK_STR("the first lo= counts", "a", e.login);
	CHECK_EQ("a later duplicate must still be well-formed", -1,
	         parse("h sp=5 sp=x", NULL));
}

static void test_speed(void)
{
	CHECK_EQ("sp=1", 1, parse("h sp=1", NULL));
	CHECK_EQ("sp=1 value", 1, e.speed);
	CHECK_EQ("sp=1000000", 1, parse("h sp=1000000", NULL));
	CHECK_EQ("sp=1000000 value", 1000000, e.speed);
	CHECK_EQ("sp=0", -1, parse("h sp=0", NULL));
	CHECK_WHY("sp=0 why", "sp=", why);
	CHECK_EQ("sp=1000001", -1, parse("h sp=1000001", NULL));
	CHECK_EQ("sp=abc", -1, parse("h sp=abc", NULL));
	CHECK_EQ("sp=-5", -1, parse("h sp=-5", NULL));
	CHECK_EQ("sp=12x", -1, parse("h sp=12x", NULL));
	CHECK_EQ("sp=99999999999", -1, parse("h sp=99999999999", NULL));
}

static void test_not_hosts(void)
{
	CHECK_EQ("empty line", 0, parse("", NULL));
	CHECK_EQ("blank line", 0, parse(" \t\r\n", NULL));
	CHECK_EQ("comment", 0, parse("# my first host file", NULL));
	CHECK_EQ("comment after white space", 0, parse("   # indented", NULL));
	CHECK_EQ("'*' line without defaults to update", 0, parse("* lo=x", NULL));
	CHECK_EQ("out untouched by a comment", 0x5a, (unsigned char)e.name[0]);
}

static void test_later_and_overload(void)
{
	CHECK_EQ("& with a space", 1, parse("& igor.firewall.com lo=guest2 so=ms", NULL));
	CHECK_STR("& name", "igor.firewall.com", e.name);
	CHECK_EQ("& later", 1, e.later);
	CHECK_EQ("& not overload", 0, e.overload);
	CHECK_EQ("&name", 1, parse("&igor", NULL));
	CHECK_STR("&name name", "igor", e.name);
	CHECK_EQ("&name later", 1, e.later);
	CHECK_EQ("$name", 1, parse("$twin ip=twin-2", NULL));
	CHECK_STR("$name name", "twin", e.name);
	CHECK_EQ("$ overload", 1, e.overload);
	CHECK_EQ("$ not later", 0, e.later);
	CHECK_EQ("&$ both", 1, parse("  &$both", NULL));
	CHECK_EQ("&$ later", 1, e.later);
	CHECK_EQ("&$ overload", 1, e.overload);
	CHECK_EQ("& alone", -1, parse("&", NULL));
	CHECK_WHY("& alone why", "no host name", why);
	CHECK_EQ("& then options only", -1, parse("& ", NULL));
}

static void test_defaults(void)
{
	struct hostfile_entry d;

	memset(&d, 0, sizeof(d));
	CHECK_EQ("'*' line", 0, parse("* lo=afriend so=pw sp=10 ep=/e", &d));
	CHECK_STR("defaults lo", "afriend", d.login);
	CHECK_STR("defaults so", "pw", d.so);
	CHECK_EQ("defaults sp", 10, d.speed);
	CHECK_EQ("a host after it", 1, parse("sn666 lo=me", &d));
	CHECK_STR("its own lo= wins", "me", e.login);
	CHECK_STR("so from the defaults", "pw", e.so);
	CHECK_STR("ep from the defaults", "/e", e.ep);
	CHECK_EQ("sp from the defaults", 10, e.speed);
	CHECK_STR("name is never a default", "sn666", e.name);
	CHECK_EQ("a new '*' line", 0, parse("* wd=/w", &d));
	CHECK_STR("replaces the defaults entirely: lo gone", "", d.login);
	CHECK_EQ("sp gone", 0, d.speed);
	CHECK_STR("wd set", "/w", d.wd);
	CHECK_EQ("a host after the second '*'", 1, parse("cubie", &d));
	CHECK_STR("no lo now", "", e.login);
	CHECK_STR("wd from the new defaults", "/w", e.wd);
	CHECK_EQ("'*' alone resets the defaults", 0, parse("*", &d));
	CHECK_STR("nothing left", "", d.wd);
	CHECK_EQ("'& *' makes later a default", 0, parse("& * lo=x", &d));
	CHECK_EQ("defaults later", 1, d.later);
	CHECK_EQ("a host after '& *'", 1, parse("h", &d));
	CHECK_EQ("is later too (flags are or-ed, as in PVM)", 1, e.later);
	CHECK_EQ("a bad '*' line", -1, parse("* lo=x nope=1", &d));
	CHECK_STR("leaves the defaults as they were", "x", d.login);

	memset(&d, 0, sizeof(d));
	memset(&def, 0, sizeof(def));
	strcpy(def.ep, "/from");
	strcpy(def.wd, "/here");
	def.speed = 3;
	strcpy(d.ep, "/mine");
	hostfile_apply_defaults(&d, &def);
	CHECK_STR("apply_defaults keeps what is set", "/mine", d.ep);
	CHECK_STR("apply_defaults fills what is not", "/here", d.wd);
	CHECK_EQ("apply_defaults fills speed", 3, d.speed);
}

static void test_malformed(void)
{
	CHECK_EQ("unknown option", -1, parse("h foo=1", NULL));
	CHECK_WHY("unknown option why", "unknown option \"foo=1\"", why);
	CHECK_EQ("option without '='", -1, parse("h lo", NULL));
	CHECK_WHY("option without '=' why", "unknown option", why);
	CHECK_EQ("upper case key", -1, parse("h LO=x", NULL));
	CHECK_EQ("three-letter key", -1, parse("h lox=1", NULL));
	CHECK_EQ("empty value", -1, parse("h lo=", NULL));
	CHECK_WHY("empty value why", "needs a value", why);
	CHECK_EQ("empty dx", -1, parse("h dx=", NULL));
	CHECK_EQ("name with a leading '-'", -1, parse("-oProxyCommand=x", NULL));
	CHECK_WHY("leading '-' why", "begins with '-'", why);
	CHECK_EQ("ip= with a leading '-'", -1, parse("h ip=-x", NULL));
	CHECK_EQ("lo= with a leading '-'", -1, parse("h lo=-x", NULL));
	CHECK_EQ("dx= may begin with '-' (not an argv word)", 1, parse("h dx=-x", NULL));
	CHECK_EQ("control character", -1, parse("h\001 lo=x", NULL));
	CHECK_WHY("control character why", "control character", why);
	CHECK_EQ("DEL", -1, parse("h\177", NULL));
	CHECK_EQ("UTF-8 in a value is fine", 1,
	         parse("h wd=/home/J\xc3\xa9r\xc3\xb4me", NULL));
	CHECK_EQ("NULL line", -1, hostfile_parse_line(NULL, NULL, &e, why, sizeof(why)));
	CHECK_EQ("why may be NULL", -1, hostfile_parse_line("h x=1", NULL, &e, NULL, 0));
	CHECK_EQ("a short why is cut, not overrun", -1,
	         hostfile_parse_line("h foo=1", NULL, &e, why, 4));
	CHECK_EQ("cut why length", 3, (long long)strlen(why));
}

/* Each field takes values up to its size - 1; one more byte is an error. */
static void test_long_values(void)
{
	static const struct {
		const char *prefix;
		size_t size;
	} fields[] = {
	    {"h lo=", sizeof(e.login)}, {"h dx=", sizeof(e.dx)}, {"h ep=", sizeof(e.ep)},
	    {"h wd=", sizeof(e.wd)},    {"h bx=", sizeof(e.bx)}, {"h ip=", sizeof(e.ip)},
	    {"h id=", sizeof(e.id)},    {"h so=", sizeof(e.so)},
	};
	char what[64];

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(what, sizeof(what), "%.3s of %zu bytes", fields[i].prefix + 2,
		         fields[i].size - 1);
		CHECK_EQ(what, 1,
		         parse(long_line(fields[i].prefix, fields[i].size - 1), NULL));
		snprintf(what, sizeof(what), "%.3s of %zu bytes", fields[i].prefix + 2,
		         fields[i].size);
		CHECK_EQ(what, -1,
		         parse(long_line(fields[i].prefix, fields[i].size), NULL));
		CHECK_WHY(what, "longer than", why);
	}
	CHECK_EQ("dx= at its limit is kept whole", 1,
	         parse(long_line("h dx=", sizeof(e.dx) - 1), NULL));
	CHECK_EQ("dx= length", (long long)sizeof(e.dx) - 1, (long long)strlen(e.dx));
	CHECK_EQ("name of 255 bytes", 1,
	         parse(long_line("", HOSTFILE_NAME_MAX - 1), NULL));
	CHECK_EQ("name length", HOSTFILE_NAME_MAX - 1, (long long)strlen(e.name));
	CHECK_EQ("name of 256 bytes", -1, parse(long_line("", HOSTFILE_NAME_MAX), NULL));
	CHECK_WHY("long name why", "host name longer", why);
}

static void test_load(void)
{
	static const char text[] =
	    "  # my first host file\n"
	    "thud\n"
	    "\n"
	    "sigi.cs\t\tdx=/usr/local/pvm3/lib/pvmd\n"
	    "*\t\tlo=guest so=pw\n"
	    "sn666.jrandom.com\r\n"
	    "& igor.firewall.com lo=guest2 so=ms ep=bob/pvm3/bin/$PVM_ARCH\n"
	    "* sp=7\n"
	    "last wd=/tmp"; /* no newline at the end */
	struct hostfile_entry *v = NULL, d;
	const char *path = write_file(text, sizeof(text) - 1);
	size_t n = 99;

	CHECK_EQ("load", 0, hostfile_load_defaults(path, &v, &n, &d, why, sizeof(why)));
	CHECK_EQ("hosts", 5, (long long)n);
	if (n == 5) {
		CHECK_STR("1 name", "thud", v[0].name);
		CHECK_STR("1 no lo", "", v[0].login);
		CHECK_STR("2 name", "sigi.cs", v[1].name);
		CHECK_STR("2 dx", "/usr/local/pvm3/lib/pvmd", v[1].dx);
		CHECK_STR("2 no so (defaults come after it)", "", v[1].so);
		CHECK_STR("3 name (CRLF)", "sn666.jrandom.com", v[2].name);
		CHECK_STR("3 lo from '*'", "guest", v[2].login);
		CHECK_STR("3 so from '*'", "pw", v[2].so);
		CHECK_EQ("3 not later", 0, v[2].later);
		CHECK_STR("4 name", "igor.firewall.com", v[3].name);
		CHECK_EQ("4 later", 1, v[3].later);
		CHECK_STR("4 own lo", "guest2", v[3].login);
		CHECK_STR("4 own so", "ms", v[3].so);
		CHECK_STR("4 ep", "bob/pvm3/bin/$PVM_ARCH", v[3].ep);
		CHECK_STR("5 name (last line, no newline)", "last", v[4].name);
		CHECK_STR("5 lo gone with the second '*'", "", v[4].login);
		CHECK_EQ("5 sp from the second '*'", 7, v[4].speed);
		CHECK_STR("5 wd", "/tmp", v[4].wd);
	}
	CHECK_EQ("file defaults: the last '*' line", 7, d.speed);
	CHECK_STR("file defaults: nothing else", "", d.login);
	free(v);

	n = 99;
	CHECK_EQ("hostfile_load", 0, hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_EQ("hostfile_load hosts", 5, (long long)n);
	free(v);
}

static void test_load_edges(void)
{
	struct hostfile_entry *v = (struct hostfile_entry *)&v, d;
	size_t n = 99;
	const char *path;

	path = WRITE_LITERAL("");
	CHECK_EQ("empty file", 0,
	         hostfile_load_defaults(path, &v, &n, &d, why, sizeof(why)));
	CHECK_EQ("empty file: no hosts", 0, (long long)n);
	CHECK_EQ("empty file: entries NULL", 1, v == NULL);
	CHECK_EQ("empty file: no defaults", 0, d.speed);

	path = WRITE_LITERAL("# nothing\n\n* sp=3\n");
	CHECK_EQ("comments and '*' only", 0,
	         hostfile_load_defaults(path, &v, &n, &d, why, sizeof(why)));
	CHECK_EQ("no hosts", 0, (long long)n);
	CHECK_EQ("defaults kept", 3, d.speed);
	free(v);

	snprintf(why, sizeof(why), "unset");
	CHECK_EQ("missing file", -1,
	         hostfile_load("/nonexistent/pvmx/hosts", &v, &n, why, sizeof(why)));
	CHECK_WHY("missing file why names it", "/nonexistent/pvmx/hosts", why);
	CHECK_WHY("missing file why says why", "No such file", why);
	CHECK_EQ("missing file: no entries", 1, v == NULL && n == 0);

	path = WRITE_LITERAL("a\nb\n# c\nd sp=0\ne\n");
	CHECK_EQ("bad line", -1, hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_WHY("why names the line number", ":4: sp=", why);
	CHECK_EQ("bad line: nothing returned", 1, v == NULL && n == 0);

	path = WRITE_LITERAL("a\nb zz=1\n");
	CHECK_EQ("unknown option in a file", -1,
	         hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_WHY("unknown option line", ":2: unknown option \"zz=1\"", why);

	path = WRITE_LITERAL("a\nb\0c\n");
	CHECK_EQ("NUL byte", -1, hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_WHY("NUL byte why", ":2: NUL", why);
}

static void test_load_limits(void)
{
	size_t big = HOSTFILE_LINE_MAX + 10, len;
	char *text = malloc(big + 4);
	struct hostfile_entry *v;
	size_t n;
	const char *path;
	FILE *f;

	/* a line one byte over the limit: refused, not split */
	memcpy(text, "a\nh ", 4);
	memset(text + 4, ' ', HOSTFILE_LINE_MAX - 1);
	len = 4 + HOSTFILE_LINE_MAX - 1;
	text[len++] = '\n';
	path = write_file(text, len);
	CHECK_EQ("line over the limit", -1,
	         hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_WHY("line over the limit why", ":2: line longer", why);
	/* exactly at the limit: read */
	len = 4 + HOSTFILE_LINE_MAX - 2;
	text[len++] = '\n';
	path = write_file(text, len);
	CHECK_EQ("line at the limit", 0, hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_EQ("line at the limit: 2 hosts", 2, (long long)n);
	free(v);
	free(text);

	/* HOSTFILE_MAX_HOSTS hosts, then one more */
	path = WRITE_LITERAL("");
	f = fopen(path, "w");
	for (int i = 0; f != NULL && i < HOSTFILE_MAX_HOSTS; i++)
		fprintf(f, "h%d sp=%d\n", i, i + 1);
	if (f != NULL)
		fclose(f);
	CHECK_EQ("the most hosts", 0, hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_EQ("the most hosts: count", HOSTFILE_MAX_HOSTS, (long long)n);
	if (n == HOSTFILE_MAX_HOSTS)
		CHECK_EQ("the last one's speed", HOSTFILE_MAX_HOSTS, v[n - 1].speed);
	free(v);
	f = fopen(path, "a");
	if (f != NULL) {
		fputs("one-too-many\n", f);
		fclose(f);
	}
	CHECK_EQ("one host too many", -1, hostfile_load(path, &v, &n, why, sizeof(why)));
	CHECK_WHY("one host too many why", "more than 4095 hosts", why);
}

static void test_resolve_add(void)
{
	static const char text[] = "* lo=guest sp=50\n"
	                           "& igor lo=guest2 so=ms wd=/igor\n"
	                           "thud wd=/thud\n"
	                           "* ep=/last\n";
	struct hostfile_entry *v = NULL, d;
	size_t n = 0;
	const char *path = write_file(text, sizeof(text) - 1);

	CHECK_EQ("load", 0, hostfile_load_defaults(path, &v, &n, &d, why, sizeof(why)));
	CHECK_EQ("find igor", 1, hostfile_find(v, n, "igor") == &v[0]);
	CHECK_EQ("find nobody", 1, hostfile_find(v, n, "nobody") == NULL);
	CHECK_EQ("find in nothing", 1, hostfile_find(NULL, 0, "igor") == NULL);

	CHECK_EQ("add igor (a '&' entry)", 1,
	         hostfile_resolve_add("igor sp=9", v, n, &d, &e, why, sizeof(why)));
	CHECK_STR("its name", "igor", e.name);
	CHECK_EQ("the name's own sp", 9, e.speed);
	CHECK_STR("lo from the file's entry", "guest2", e.login);
	CHECK_STR("so from the file's entry", "ms", e.so);
	CHECK_STR("wd from the file's entry", "/igor", e.wd);
	CHECK_STR("not the '*' defaults' ep", "", e.ep);
	CHECK_EQ("later is cleared: it is being added", 0, e.later);

	CHECK_EQ("add thud (a host the file started)", 1,
	         hostfile_resolve_add("thud", v, n, &d, &e, why, sizeof(why)));
	CHECK_STR("thud wd", "/thud", e.wd);
	CHECK_EQ("thud sp from the '*' before it", 50, e.speed);

	CHECK_EQ("add a host the file does not list", 1,
	         hostfile_resolve_add("  new lo=me  ", v, n, &d, &e, why, sizeof(why)));
	CHECK_STR("new name", "new", e.name);
	CHECK_STR("new keeps its lo", "me", e.login);
	CHECK_STR("new gets the last '*' line's ep", "/last", e.ep);
	CHECK_EQ("new: not the first '*' line's sp", 0, e.speed);

	CHECK_EQ("no host file at all", 1,
	         hostfile_resolve_add("solo", NULL, 0, NULL, &e, why, sizeof(why)));
	CHECK_STR("solo", "solo", e.name);
	CHECK_STR("solo: nothing filled", "", e.ep);

	CHECK_EQ("empty name", -1,
	         hostfile_resolve_add("", v, n, &d, &e, why, sizeof(why)));
	CHECK_WHY("empty name why", "empty host name", why);
	CHECK_EQ("blank name", -1,
	         hostfile_resolve_add("  ", v, n, &d, &e, why, sizeof(why)));
	CHECK_EQ("'*'", -1,
	         hostfile_resolve_add("* lo=x", v, n, &d, &e, why, sizeof(why)));
	CHECK_EQ("'&name'", -1,
	         hostfile_resolve_add("&igor", v, n, &d, &e, why, sizeof(why)));
	CHECK_EQ("'#'", -1, hostfile_resolve_add("# x", v, n, &d, &e, why, sizeof(why)));
	CHECK_EQ("unknown option", -1,
	         hostfile_resolve_add("thud foo=1", v, n, &d, &e, why, sizeof(why)));
	CHECK_WHY("unknown option why", "unknown option", why);
	CHECK_EQ("NULL name", -1,
	         hostfile_resolve_add(NULL, v, n, &d, &e, why, sizeof(why)));
	free(v);
}

static void test_expand(void)
{
	char out[64];

	setenv("HF_ARCH", "LINUX64", 1);
	setenv("HF_ROOT", "/usr/lib/pvm3", 1);
	unsetenv("HF_UNSET");
	CHECK_EQ("expand", 0, hostfile_expand("$HF_ROOT/bin/$HF_ARCH", out, sizeof(out)));
	CHECK_STR("expand result", "/usr/lib/pvm3/bin/LINUX64", out);
	CHECK_EQ("braces", 0, hostfile_expand("${HF_ARCH}x", out, sizeof(out)));
	CHECK_STR("braces result", "LINUX64x", out);
	CHECK_EQ("name ends at a non-name char", 0,
	         hostfile_expand("$HF_ARCH.d", out, 64));
	CHECK_STR("name end result", "LINUX64.d", out);
	CHECK_EQ("unset", 0, hostfile_expand("a$HF_UNSET:b", out, sizeof(out)));
	CHECK_STR("unset is empty", "a:b", out);
	CHECK_EQ("a lone $", 0, hostfile_expand("cost$ $5 $", out, sizeof(out)));
	CHECK_STR("a $ without a name stays", "cost$ $5 $", out);
	CHECK_EQ("no variables", 0, hostfile_expand("/plain", out, sizeof(out)));
	CHECK_STR("no variables result", "/plain", out);
	CHECK_EQ("unclosed brace", -1, hostfile_expand("${HF_ARCH", out, sizeof(out)));
	CHECK_EQ("empty braces", -1, hostfile_expand("${}", out, sizeof(out)));
	CHECK_EQ("fits exactly", 0, hostfile_expand("$HF_ARCH", out, 8));
	CHECK_STR("fits exactly result", "LINUX64", out);
	CHECK_EQ("one byte short", -1, hostfile_expand("$HF_ARCH", out, 7));
	CHECK_EQ("literal too long", -1, hostfile_expand("abcdefgh", out, 8));
	CHECK_EQ("no room at all", -1, hostfile_expand("", out, 0));
}

int main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_hostfile.XXXXXX",
	         t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_plain_name();
	test_every_option();
	test_first_wins();
	test_speed();
	test_not_hosts();
	test_later_and_overload();
	test_defaults();
	test_malformed();
	test_long_values();
	test_load();
	test_load_edges();
	test_load_limits();
	test_resolve_add();
	test_expand();

	for (int i = 0; i < nfiles; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/hostfile.%d", tmpdir, i);
		unlink(path);
	}
	rmdir(tmpdir);
	if (failures == 0)
		printf("test_hostfile: all passed\n");
	return failures != 0;
}

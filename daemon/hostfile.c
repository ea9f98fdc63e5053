/*
 * hostfile.c - reads PVM 3.4's host file format (hostfile.h, docs/hosts.md)
 * into host entries: words split at white space, the first the host
 * name, the rest two-letter options; '*' lines hold defaults for the
 * lines after them.  Also expands $VARIABLES in option values.
 */
#include "hostfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_why(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* White space as PVM's word splitter (isspace in the C locale) has it,
 * without depending on the process's locale. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_control(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && !is_space(c)) || u == 0x7f;
}

static const char *skip_space(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

/* The word at p (after white space): *w and *wl (0 at the end of the
 * line); returns where the next word may start. */
static const char *next_word(const char *p, const char **w, size_t *wl)
{
	p = skip_space(p);
	*w = p;
	while (*p != '\0' && !is_space(*p))
		p++;
	*wl = (size_t)(p - *w);
	return p;
}

/* The string options, by key; sp= is handled on its own. */
struct string_option {
	size_t offset; /* of the field in struct hostfile_entry */
	size_t size;   /* of that field */
	int no_dash;   /* the value reaches a remote shell's argv: no leading '-' */
	char key[3];
};

#define STRING_OPTION(k, field, nd)                                                      \
	{                                                                                \
		offsetof(struct hostfile_entry, field),                                  \
		    sizeof(((struct hostfile_entry *)0)->field), nd, k                   \
	}

static const struct string_option string_options[] = {
    STRING_OPTION("lo", login, 1), STRING_OPTION("dx", dx, 0), STRING_OPTION("ep", ep, 0),
    STRING_OPTION("wd", wd, 0),    STRING_OPTION("bx", bx, 0), STRING_OPTION("ip", ip, 1),
    STRING_OPTION("id", id, 0),    STRING_OPTION("so", so, 0),
};
#define NSTRING_OPTIONS (sizeof(string_options) / sizeof(string_options[0]))
/* bit of sp= in the mask of options a line gave */
#define SPEED_BIT (1u << NSTRING_OPTIONS)

/* Shown in messages: at most this much of an offending word. */
#define SHOW 64

static int parse_speed(const char *v, size_t vl, int *speed)
{
	long s = 0;

	if (vl == 0 || vl > 7)
		return -1;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		s = s * 10 + (v[i] - '0');
	}
	if (s < 1 || s > HOSTFILE_SPEED_MAX)
		return -1;
	*speed = (int)s;
	return 0;
}

/* One "xx=value" word into *e.  As in PVM 3.4.6, when a line gives an
 * option twice the first one counts (*given tracks which it gave); every
 * occurrence must still be well-formed. */
static int parse_option(struct hostfile_entry *e, const char *w, size_t wl,
                        unsigned *given, char *why, size_t whylen)
{
	const char *v;
	size_t vl;

	if (wl < 3 || w[2] != '=') {
		set_why(why, whylen, "unknown option \"%.*s\"",
		        (int)(wl < SHOW ? wl : SHOW), w);
		return -1;
	}
	v = w + 3;
	vl = wl - 3;
	if (vl == 0) {
		set_why(why, whylen, "option %.3s needs a value", w);
		return -1;
	}
	if (memcmp(w, "sp", 2) == 0) {
		int speed;

		if (parse_speed(v, vl, &speed) != 0) {
			set_why(why, whylen,
			        "sp= wants an integer from 1 to %d, not \"%.*s\"",
			        HOSTFILE_SPEED_MAX, (int)(vl < SHOW ? vl : SHOW), v);
			return -1;
		}
		if (!(*given & SPEED_BIT))
			e->speed = speed;
		*given |= SPEED_BIT;
		return 0;
	}
	for (size_t i = 0; i < NSTRING_OPTIONS; i++) {
		const struct string_option *o = &string_options[i];

		if (memcmp(w, o->key, 2) != 0)
			continue;
		if (vl >= o->size) {
			set_why(why, whylen, "value of %s= longer than %zu bytes", o->key,
			        o->size - 1);
			return -1;
		}
		if (o->no_dash && v[0] == '-') {
			set_why(why, whylen, "value of %s= begins with '-'", o->key);
			return -1;
		}
		if (!(*given & (1u << i))) {
			char *field = (char *)e + o->offset;

			memcpy(field, v, vl);
			field[vl] = '\0';
		}
		*given |= 1u << i;
		return 0;
	}
	set_why(why, whylen, "unknown option \"%.*s\"", (int)(wl < SHOW ? wl : SHOW), w);
	return -1;
}

void hostfile_apply_defaults(struct hostfile_entry *e, const struct hostfile_entry *from)
{
	for (size_t i = 0; i < NSTRING_OPTIONS; i++) {
		const struct string_option *o = &string_options[i];
		char *dst = (char *)e + o->offset;
		const char *src = (const char *)from + o->offset;

		if (dst[0] == '\0') {
			size_t len = strnlen(src, o->size - 1);

			memcpy(dst, src, len);
			dst[len] = '\0';
		}
	}
	if (e->speed == 0)
		e->speed = from->speed;
	e->later |= from->later;
	e->overload |= from->overload;
}

int hostfile_parse_line(const char *line, struct hostfile_entry *defaults,
                        struct hostfile_entry *out, char *why, size_t whylen)
{
	struct hostfile_entry e;
	const char *p, *w;
	size_t wl;
	unsigned given = 0;

	if (line == NULL || out == NULL) {
		set_why(why, whylen, "no line to parse");
		return -1;
	}
	for (p = line; *p != '\0'; p++) {
		if (is_control(*p)) {
			set_why(why, whylen, "control character 0x%02x in line",
			        (unsigned char)*p);
			return -1;
		}
	}
	p = skip_space(line);
	if (*p == '\0' || *p == '#')
		return 0;
	memset(&e, 0, sizeof(e));
	for (; *p == '&' || *p == '$'; p++) {
		if (*p == '&')
			e.later = 1;
		else
			e.overload = 1;
	}
	p = next_word(p, &w, &wl);
	if (wl == 0) {
		set_why(why, whylen, "no host name after '&' or '$'");
		return -1;
	}
	if (wl >= sizeof(e.name)) {
		set_why(why, whylen, "host name longer than %zu bytes",
		        sizeof(e.name) - 1);
		return -1;
	}
	/* a name reaches the remote shell's argv: never let it be an option */
	if (w[0] == '-') {
		set_why(why, whylen, "host name \"%.*s\" begins with '-'",
		        (int)(wl < SHOW ? wl : SHOW), w);
		return -1;
	}
	memcpy(e.name, w, wl);
	for (;;) {
		p = next_word(p, &w, &wl);
		if (wl == 0)
			break;
		if (parse_option(&e, w, wl, &given, why, whylen) != 0)
			return -1;
	}
	/* '*': new defaults, replacing the previous ones entirely */
	if (strcmp(e.name, "*") == 0) {
		if (defaults != NULL)
			*defaults = e;
		return 0;
	}
	if (defaults != NULL)
		hostfile_apply_defaults(&e, defaults);
	*out = e;
	return 1;
}

/* Reads one line (without its newline) into buf (cap bytes).  1 with
 * *len, 0 at the end of the file, -1 for a line that does not fit, -2
 * for a NUL byte in it, -3 for a read error. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0')
			return -2;
		if (n + 1 >= cap)
			return -1;
		buf[n++] = (char)c;
	}
	if (c == EOF && ferror(f))
		return -3;
	if (c == EOF && n == 0)
		return 0;
	buf[n] = '\0';
	*len = n;
	return 1;
}

int hostfile_load_defaults(const char *path, struct hostfile_entry **entries, size_t *n,
                           struct hostfile_entry *defaults, char *why, size_t whylen)
{
	struct hostfile_entry def, e, *v = NULL;
	size_t nv = 0, capv = 0, lnum = 0, len;
	char *line = NULL, lwhy[256];
	FILE *f;
	int r;

	*entries = NULL;
	*n = 0;
	memset(&def, 0, sizeof(def));
	f = fopen(path, "re");
	if (f == NULL) {
		set_why(why, whylen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	line = malloc(HOSTFILE_LINE_MAX + 1);
	if (line == NULL) {
		set_why(why, whylen, "%s: out of memory", path);
		goto fail;
	}
	for (;;) {
		r = read_line(f, line, HOSTFILE_LINE_MAX + 1, &len);
		if (r == 0)
			break;
		lnum++;
		if (r == -1) {
			set_why(why, whylen, "%s:%zu: line longer than %d bytes", path,
			        lnum, HOSTFILE_LINE_MAX);
			goto fail;
		}
		if (r == -2) {
			set_why(why, whylen, "%s:%zu: NUL byte in line", path, lnum);
			goto fail;
		}
		if (r == -3) {
			set_why(why, whylen, "%s: read error: %s", path, strerror(errno));
			goto fail;
		}
		r = hostfile_parse_line(line, &def, &e, lwhy, sizeof(lwhy));
		if (r < 0) {
			set_why(why, whylen, "%s:%zu: %s", path, lnum, lwhy);
			goto fail;
		}
		if (r == 0)
			continue;
		if (nv == HOSTFILE_MAX_HOSTS) {
			set_why(why, whylen, "%s:%zu: more than %d hosts", path, lnum,
			        HOSTFILE_MAX_HOSTS);
			goto fail;
		}
		if (nv == capv) {
			size_t ncap = capv ? capv * 2 : 8;
			struct hostfile_entry *nvp = realloc(v, ncap * sizeof(*v));

			if (nvp == NULL) {
				set_why(why, whylen, "%s:%zu: out of memory", path, lnum);
				goto fail;
			}
			v = nvp;
			capv = ncap;
		}
		v[nv++] = e;
	}
	free(line);
	fclose(f);
	*entries = v;
	*n = nv;
	if (defaults != NULL)
		*defaults = def;
	return 0;
fail:
	free(line);
	free(v);
	fclose(f);
	return -1;
}

int hostfile_load(const char *path, struct hostfile_entry **entries, size_t *n, char *why,
                  size_t whylen)
{
	return hostfile_load_defaults(path, entries, n, NULL, why, whylen);
}

const struct hostfile_entry *hostfile_find(const struct hostfile_entry *entries, size_t n,
                                           const char *name)
{
	/* the last line naming it wins, as PVM's lookup (newest first) has it */
	while (entries != NULL && n-- > 0) {
		if (strcmp(entries[n].name, name) == 0)
			return &entries[n];
	}
	return NULL;
}

int hostfile_resolve_add(const char *line, const struct hostfile_entry *entries, size_t n,
                         const struct hostfile_entry *file_defaults,
                         struct hostfile_entry *out, char *why, size_t whylen)
{
	const struct hostfile_entry *from;
	struct hostfile_entry e;
	const char *p;
	int r;

	if (line == NULL || out == NULL) {
		set_why(why, whylen, "no host named");
		return -1;
	}
	p = skip_space(line);
	if (*p == '\0') {
		set_why(why, whylen, "empty host name");
		return -1;
	}
	if (*p == '#' || *p == '&' || *p == '$') {
		set_why(why, whylen, "'%c' is for host files, not a host name", *p);
		return -1;
	}
	r = hostfile_parse_line(line, NULL, &e, why, whylen);
	if (r < 0)
		return -1;
	if (r == 0) {
		set_why(why, whylen, "'*' is not a host name");
		return -1;
	}
	from = hostfile_find(entries, n, e.name);
	if (from == NULL)
		from = file_defaults;
	if (from != NULL)
		hostfile_apply_defaults(&e, from);
	e.later = 0;
	*out = e;
	return 1;
}

static int is_name_char(char c, int first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* Appends len bytes of s at out[*o]; -1 when they and a NUL do not fit. */
static int append(char *out, size_t cap, size_t *o, const char *s, size_t len)
{
	if (len >= cap - *o)
		return -1;
	memcpy(out + *o, s, len);
	*o += len;
	return 0;
}

int hostfile_expand(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	const char *p = in;

	if (cap == 0)
		return -1;
	while (*p != '\0') {
		const char *name, *value;
		char nbuf[256];
		size_t nl;

		if (p[0] != '$' || (p[1] != '{' && !is_name_char(p[1], 1))) {
			if (append(out, cap, &o, p, 1) != 0)
				return -1;
			p++;
			continue;
		}
		if (p[1] == '{') {
			const char *close = strchr(p + 2, '}');

			if (close == NULL || close == p + 2)
				return -1;
			name = p + 2;
			nl = (size_t)(close - name);
			p = close + 1;
		} else {
			name = p + 1;
			for (nl = 1; is_name_char(name[nl], 0); nl++)
				;
			p = name + nl;
		}
		if (nl >= sizeof(nbuf))
			return -1;
		memcpy(nbuf, name, nl);
		nbuf[nl] = '\0';
		value = getenv(nbuf);
		if (value != NULL && append(out, cap, &o, value, strlen(value)) != 0)
			return -1;
	}
	out[o] = '\0';
	return 0;
}

/*
 * lpvm_imalloc.c - PVM 3.4.6's instrumented allocator, which its
 * library exports and its console uses (i_dump): each block is recorded,
 * numbered and fenced by guard bytes, checked when freed, resized or
 * dumped.  On any inconsistency it logs one line and aborts (i_choke), as
 * PVM's does, so a debugger stops where the damage is found.  pvm_alloc,
 * pvm_realloc and pvm_free are PVM's thin wrappers over it.
 *
 * Not thread-safe, like PVM's: one task, one thread using it.
 */
#include "lpvm_cruft.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD_LEN 16         /* guard bytes before and after each block */
#define MAX_BLOCK (1u << 20) /* larger requests are refused, as in PVM */
#define NBUCKETS 256

enum { BLOCK_NEW = 1, BLOCK_RESIZED = 2 }; /* until the next i_dump */

struct block {
	struct block *next; /* in its bucket */
	char *base;         /* what the caller holds; GUARD_LEN after malloc's */
	unsigned int len;
	int id;        /* request number: each i_malloc and i_realloc */
	uint32_t seed; /* guard bytes come from guard_next(seed) */
	int flags;
	char tag[4]; /* the caller's label, not NUL-terminated */
};

static struct block *buckets[NBUCKETS];
static int started; /* an i_malloc happened: i_free before one is an error */
static int last_id;
static int total_bytes;
static uint32_t next_seed = 0x2545f491u;

static struct block **bucket_of(const char *p)
{
	uintptr_t a = (uintptr_t)p;

	return &buckets[(a >> 4 ^ a >> 12 ^ a >> 20) % NBUCKETS];
}

/* xorshift32: the guard bytes are its low bytes, from the block's seed */
static uint32_t guard_next(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* Writes the guards around b->base, from a new seed. */
static void guards_write(struct block *b)
{
	uint32_t s;

	b->seed = next_seed;
	guard_next(&next_seed);
	s = b->seed;
	for (int i = -GUARD_LEN; i < 0; i++)
		b->base[i] = (char)guard_next(&s);
	for (int i = 0; i < GUARD_LEN; i++)
		b->base[b->len + i] = (char)guard_next(&s);
}

/*
 * Checks b's guards, low addresses first.  Each bad byte is reported by
 * report(b, 0, its offset from base (< 0)) or, after the block, by
 * report(b, 1, its offset from the end); report returns 0 to stop.
 * Returns the number found.
 */
static int guards_check(struct block *b, int (*report)(struct block *, int, int))
{
	uint32_t s = b->seed;
	int bad = 0;

	for (int i = -GUARD_LEN; i < 0; i++) {
		if (b->base[i] != (char)guard_next(&s)) {
			bad++;
			if (!report(b, 0, i))
				return bad;
		}
	}
	for (int i = 0; i < GUARD_LEN; i++) {
		if (b->base[b->len + i] != (char)guard_next(&s)) {
			bad++;
			if (!report(b, 1, i))
				return bad;
		}
	}
	return bad;
}

/* Logs one line as PVM formats it. */
__attribute__((format(printf, 1, 2))) static void imalloc_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pvmlogerror(line);
}

/* Found damage or a bad call: stop here.  PVM's debugging aid aborts. */
void i_choke(void)
{
	abort();
}

/* Unlinks and returns the block whose base is loc, or NULL. */
static struct block *block_take(char *loc)
{
	struct block **pp = bucket_of(loc);

	for (; *pp != NULL; pp = &(*pp)->next) {
		struct block *b = *pp;

		if (b->base == loc) {
			*pp = b->next;
			return b;
		}
	}
	return NULL;
}

static void block_put(struct block *b)
{
	struct block **pp = bucket_of(b->base);

	b->next = *pp;
	*pp = b;
}

static const char *checking; /* "i_free" or "i_realloc", for the reports */

static int report_and_choke(struct block *b, int after, int offset)
{
	if (!after)
		imalloc_log("%s: scribbled in 0x%lx[%d]\n", checking,
		            (unsigned long)b->base, offset);
	else
		imalloc_log("%s: scribbled in 0x%lx[%d+%d]\n", checking,
		            (unsigned long)b->base, (int)b->len, offset);
	i_choke();
	return 0;
}

/* len bytes (0 counts as 1), labelled with up to 4 chars of tag. */
char *i_malloc(unsigned int len, char *tag)
{
	struct block *b;
	char *raw;

	started = 1;
	if (len == 0)
		len = 1;
	if (len > MAX_BLOCK) {
		imalloc_log("i_malloc: bogus len=%d\n", (int)len);
		i_choke();
		return NULL;
	}
	raw = malloc(len + 2 * GUARD_LEN);
	if (raw == NULL) {
		imalloc_log("i_malloc: malloc failed len=%d\n", (int)len);
		i_choke();
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		free(raw);
		imalloc_log("i_malloc: malloc failed for glob\n");
		i_choke();
		return NULL;
	}
	b->base = raw + GUARD_LEN;
	b->len = len;
	b->id = ++last_id;
	b->flags = BLOCK_NEW;
	for (size_t i = 0; tag != NULL && i < sizeof(b->tag) && tag[i] != '\0'; i++)
		b->tag[i] = tag[i];
	guards_write(b);
	block_put(b);
	total_bytes += (int)len;
	return b->base;
}

int i_free(char *loc)
{
	struct block *b;

	if (!started) {
		imalloc_log("i_free: called before i_malloc?\n");
		i_choke();
		return 0;
	}
	b = block_take(loc);
	if (b == NULL) {
		imalloc_log("i_free: bogus loc=0x%lx\n", (unsigned long)loc);
		i_choke();
		return 0;
	}
	checking = "i_free";
	guards_check(b, report_and_choke);
	/* cleared, so a late use reads zeros rather than stale data */
	memset(b->base - GUARD_LEN, 0, b->len + 2 * GUARD_LEN);
	free(b->base - GUARD_LEN);
	total_bytes -= (int)b->len;
	free(b);
	return 0;
}

/* loc resized to len (0 counts as 1), keeping its contents up to the
 * smaller length; it gets a new request number and keeps its tag. */
char *i_realloc(char *loc, unsigned int len)
{
	struct block *b;
	char *raw;

	if (!started) {
		imalloc_log("i_realloc: called before i_malloc?\n");
		i_choke();
		return NULL;
	}
	if (len == 0)
		len = 1;
	if (len > MAX_BLOCK) {
		imalloc_log("i_realloc: bogus len=%d\n", (int)len);
		i_choke();
		return NULL;
	}
	b = block_take(loc);
	if (b == NULL) {
		imalloc_log("i_realloc: bogus loc=0x%lx\n", (unsigned long)loc);
		i_choke();
		return NULL;
	}
	checking = "i_realloc";
	guards_check(b, report_and_choke);
	raw = realloc(b->base - GUARD_LEN, len + 2 * GUARD_LEN);
	if (raw == NULL) {
		imalloc_log("i_realloc: malloc failed len=%d\n", (int)len);
		i_choke();
		return NULL;
	}
	total_bytes += (int)len - (int)b->len;
	b->base = raw + GUARD_LEN;
	b->len = len;
	b->id = ++last_id;
	b->flags = BLOCK_RESIZED;
	guards_write(b);
	block_put(b);
	return b->base;
}

static int report_in_dump(struct block *b, int after, int offset)
{
	if (!after)
		imalloc_log("%5d 0x%08lx[%d]: scribbled in [%d]\n", b->id,
		            (unsigned long)b->base, (int)b->len, offset);
	else
		imalloc_log("%5d 0x%08lx[%d]: scribbled in [%d+%d]\n", b->id,
		            (unsigned long)b->base, (int)b->len, (int)b->len, offset);
	return 1;
}

/* i_dump's line for an intact block: request number, '*' if new or '+'
 * if resized since the last dump, tag, address, length and its first 24
 * bytes (control chars as ^X). */
static void dump_block(const struct block *b)
{
	char line[128];
	int shown = b->len < 24 ? (int)b->len : 24;
	int mark = b->flags & BLOCK_NEW ? '*' : b->flags & BLOCK_RESIZED ? '+' : ' ';
	int used = snprintf(line, sizeof(line), "%5d%c%4.4s 0x%08lx[%4d] ", b->id, mark,
	                    b->tag, (unsigned long)b->base, (int)b->len);

	for (int i = 0; i < shown && used + 3 < (int)sizeof(line); i++) {
		int c = b->base[i] & 0x7f;
		int ctl = c < ' ' || c == 0x7f;

		line[used++] = (char)(ctl ? '^' : ' ');
		line[used++] = (char)(ctl ? (c + '@') & 0x7f : c);
	}
	line[used++] = '\n';
	line[used] = '\0';
	pvmlogerror(line);
}

/* Logs the total, then each live block (dump_block).  With how != 0 the
 * guards are checked too, and a damaged block is reported instead. */
void i_dump(int how)
{
	imalloc_log("i_dump() %d bytes total\n", total_bytes);
	for (int h = 0; h < NBUCKETS; h++) {
		for (struct block *b = buckets[h]; b != NULL; b = b->next) {
			if (how == 0 || guards_check(b, report_in_dump) == 0)
				dump_block(b);
			b->flags = 0;
		}
	}
}

char *pvm_alloc(unsigned int n, char *tag)
{
	char *p = i_malloc(n, tag);

	if (p == NULL)
		pvmlogprintf("pvm_alloc: can't get %d bytes", (int)n);
	return p;
}

char *pvm_realloc(char *p, unsigned int n)
{
	char *r = i_realloc(p, n);

	if (r == NULL)
		pvmlogprintf("pvm_realloc: can't get %d bytes", (int)n);
	return r;
}

void pvm_free(char *p)
{
	i_free(p);
}

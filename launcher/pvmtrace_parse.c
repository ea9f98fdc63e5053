/*
 * pvmtrace_parse.c - reads PVM 3.4 trace messages (pvmtev.h): event
 * buffers, descriptors (data ids and types, with the first values) and
 * records (values only, in the descriptor's order), keeping the data
 * pvmtrace draws.  Every count and length is checked before use.
 */
#include "pvmtrace.h"

#include <pvm3.h>
#include <pvmtev.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DATA 32

struct desc {
	int tid, ev, n;
	int did[MAX_DATA], type[MAX_DATA];
};
static struct desc *descs;
static size_t ndesc, desc_cap;

static struct desc *desc_find(int tid, int ev)
{
	for (size_t i = 0; i < ndesc; i++)
		if (descs[i].tid == tid && descs[i].ev == ev)
			return &descs[i];
	return NULL;
}

static struct desc *desc_new(int tid, int ev)
{
	struct desc *d = desc_find(tid, ev);

	if (d != NULL) {
		d->n = 0;
		return d;
	}
	if (ndesc == desc_cap) {
		size_t cap = desc_cap ? desc_cap * 2 : 64;
		struct desc *n = realloc(descs, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		descs = n;
		desc_cap = cap;
	}
	d = &descs[ndesc++];
	d->tid = tid;
	d->ev = ev;
	d->n = 0;
	return d;
}

/* copies s into buf (cap bytes), cut short if it must be */
static void copy_cut(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static int upk_int(int *v)
{
	return pvm_upkint(v, 1, 1) < 0 ? -1 : 0;
}

/* PVM 3.4.6's unpacking of a string of any length (libpvm3 exports it) */
int pvmupkstralloc(char **ss);

static int upk_str(char *buf, size_t cap)
{
	char *s = NULL;

	if (pvmupkstralloc(&s) != 0 || s == NULL)
		return -1;
	copy_cut(buf, cap, s);
	free(s);
	return 0;
}

static void set_int(struct tev *e, int did, int v)
{
	switch (did) {
	case TEV_DID_TS:
		e->us += (long long)v * 1000000;
		break;
	case TEV_DID_TU:
		e->us += v;
		break;
	case TEV_DID_TID:
		e->tid = v;
		break;
	case TEV_DID_CC:
		e->cc = v;
		break;
	case TEV_DID_MNB:
		e->nb = v;
		break;
	case TEV_DID_DST:
		e->dst = v;
		break;
	case TEV_DID_SRC:
	case TEV_DID_RST:
		e->src = v;
		break;
	case TEV_DID_MC:
	case TEV_DID_RMC:
		e->tag = v;
		break;
	case TEV_DID_MCX:
	case TEV_DID_RCX:
		e->ctx = v;
		break;
	case TEV_DID_PT:
		e->pt = v;
		break;
	case TEV_DID_GBC:
	case TEV_DID_SC:
	case TEV_DID_GS:
		e->count = v;
		break;
	case TEV_DID_GT:
		e->gtid = v;
		break;
	case TEV_DID_GI:
		e->inst = v;
		break;
	case TEV_DID_CGI:
		e->root = v;
		break;
	default:
		break;
	}
}

/* one datum of type t (scalar or array) for data id did */
static int upk_datum(struct tev *e, int did, int t)
{
	int base = t & ~TEV_DATA_ARRAY, n = 1, v;
	long lv;
	char s[256];

	if ((t & TEV_DATA_ARRAY) && (upk_int(&n) < 0 || n < 0 || n > 1 << 20))
		return -1;
	for (int i = 0; i < n; i++) {
		switch (base) {
		case TEV_DATA_INT:
		case TEV_DATA_UINT:
			if (upk_int(&v) < 0)
				return -1;
			if ((t & TEV_DATA_ARRAY) &&
			    (did == TEV_DID_MDL || did == TEV_DID_STL)) {
				if (i == 0) {
					free(e->tids);
					e->tids = calloc((size_t)n ? (size_t)n : 1,
					                 sizeof(int));
					e->ntids = e->tids != NULL ? n : 0;
				}
				if (i < e->ntids)
					e->tids[i] = v;
			} else {
				set_int(e, did, v);
			}
			break;
		case TEV_DATA_LONG:
		case TEV_DATA_ULONG:
			/* an address (PDA of psend / precv): not drawn */
			if (pvm_upklong(&lv, 1, 1) < 0)
				return -1;
			break;
		case TEV_DATA_STRING:
			if (upk_str(s, sizeof(s)) < 0)
				return -1;
			if (did == TEV_DID_ME)
				copy_cut(e->route, sizeof(e->route), s);
			else if (did == TEV_DID_TN || did == TEV_DID_GN ||
			         did == TEV_DID_SE)
				copy_cut(e->str, sizeof(e->str), s);
			break;
		default:
			/* other types: pvmx sends none; PVM's user events */
			return -1;
		}
	}
	return 0;
}

static struct tev *log_add(struct tevlog *log)
{
	struct tev *e;

	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 256;
		struct tev *n = realloc(log->ev, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		log->ev = n;
		log->cap = cap;
	}
	e = &log->ev[log->n];
	memset(e, 0, sizeof(*e));
	e->cc = e->nb = e->dst = e->src = e->tag = e->ctx = e->pt = e->count = -1;
	e->gtid = e->inst = e->root = -1;
	return e;
}

static void split_ev(struct tev *e, int ev)
{
	e->ee = ev & (TEV_EVENT_ENTRY | TEV_EVENT_EXIT);
	e->kind = ev & ~(TEV_EVENT_ENTRY | TEV_EVENT_EXIT);
}

/* a descriptor: (did, type, value) until its end marker */
static int parse_desc(struct tevlog *log, int src)
{
	struct tev *e = log_add(log);
	struct desc *d;
	char name[64];
	int ev, did, t;

	if (e == NULL || upk_int(&ev) < 0 || upk_str(name, sizeof(name)) < 0)
		return -1;
	if ((d = desc_new(src, ev)) == NULL)
		return -1;
	split_ev(e, ev);
	for (;;) {
		if (upk_int(&did) < 0)
			return -1;
		if (did == TEV_MARK_EVENT_DESC_END)
			break;
		if (upk_int(&t) < 0 || d->n >= MAX_DATA || upk_datum(e, did, t) < 0)
			return -1;
		d->did[d->n] = did;
		d->type[d->n++] = t;
	}
	log->n++;
	return 1;
}

static int parse_record(struct tevlog *log, int src)
{
	struct tev *e = log_add(log);
	struct desc *d;
	int ev, end;

	if (e == NULL || upk_int(&ev) < 0 || (d = desc_find(src, ev)) == NULL)
		return -1;
	split_ev(e, ev);
	for (int i = 0; i < d->n; i++)
		if (upk_datum(e, d->did[i], d->type[i]) < 0)
			return -1;
	if (upk_int(&end) < 0 || end != TEV_MARK_EVENT_RECORD_END)
		return -1;
	log->n++;
	return 1;
}

int tev_parse_message(struct tevlog *log, int src)
{
	int marker, nest = 0, added = 0, r;

	do {
		if (upk_int(&marker) < 0)
			return added > 0 ? added : -1;
		switch (marker) {
		case TEV_MARK_EVENT_BUFFER:
			nest++;
			continue;
		case TEV_MARK_EVENT_BUFFER_END:
			nest--;
			continue;
		case TEV_MARK_EVENT_DESC:
			r = parse_desc(log, src);
			break;
		case TEV_MARK_EVENT_RECORD:
			r = parse_record(log, src);
			break;
		default:
			return -1;
		}
		if (r < 0)
			return -1;
		added += r;
	} while (nest > 0);
	return added;
}

void tev_log_free(struct tevlog *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->ev[i].tids);
	free(log->ev);
	log->ev = NULL;
	log->n = log->cap = 0;
}

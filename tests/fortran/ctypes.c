/*
 * ctypes.c - the C side of tests/fortran/ftypes.f90: every Fortran data
 * type, packed by a Fortran task and unpacked here with pvm_upk*, and
 * back, checked value by value (the formulas and the message layout are
 * ftypes.f90's).  Spawned by ftypes it is the worker: it checks what
 * comes, adds 1 to every value and sends it back with its verdicts.
 * Started by hand it is the master: it spawns argv[1] (default
 * "ftypes") as the worker and prints one ok/FAIL line per check.
 */
#include "pvm3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NV 5
#define NT 9
#define NCHK (2 * NT)
#define SENTINEL 35.0
#define SKIPPED 33.0

enum { T_BYTE, T_SHORT, T_INT, T_LONG, T_FLOAT, T_CPLX, T_DOUBLE, T_DCPLX, T_STRING };

static const char *const type_name[NT] = {"BYTE1",    "INTEGER2",  "INTEGER4",
                                          "INTEGER8", "REAL4",     "COMPLEX8",
                                          "REAL8",    "COMPLEX16", "STRING"};
static const double base[NT] = {
    64.0, -30000.0, 2000000000.0, 3298534883328.0, -2.5, 0.25, 1e15 + 0.5, -7.75, 96.0};

/* The arrays of one item (0: stride 1, 1: stride 2), kept until the
 * send, since PvmDataInPlace reads them then; complex values are
 * (re, im) pairs. */
struct item {
	char b[2 * NV];
	short h[2 * NV];
	int i[2 * NV];
	long l[2 * NV];
	float f[2 * NV];
	float c[4 * NV];
	double d[2 * NV];
	double z[4 * NV];
	char s[2 * NV];
};
static struct item items[2];

/* value i (0-based) of item it of type t, d added */
static double value(int t, int it, int i, int d)
{
	return base[t] + i + 1 + 10 * it + d;
}

static void set_one(int t, struct item *x, int j, double v)
{
	switch (t) {
	case T_BYTE:
		x->b[j] = (char)v;
		break;
	case T_SHORT:
		x->h[j] = (short)v;
		break;
	case T_INT:
		x->i[j] = (int)v;
		break;
	case T_LONG:
		x->l[j] = (long)v;
		break;
	case T_FLOAT:
		x->f[j] = (float)v;
		break;
	case T_CPLX:
		x->c[2 * j] = (float)v;
		x->c[2 * j + 1] = (float)-v;
		break;
	case T_DOUBLE:
		x->d[j] = v;
		break;
	case T_DCPLX:
		x->z[2 * j] = v;
		x->z[2 * j + 1] = -v;
		break;
	default:
		x->s[j] = (char)v;
		break;
	}
}

/* the value at position j; *im is -re for the types that have none */
static double get_one(int t, const struct item *x, int j, double *im)
{
	double re;

	switch (t) {
	case T_BYTE:
		re = x->b[j];
		break;
	case T_SHORT:
		re = x->h[j];
		break;
	case T_INT:
		re = x->i[j];
		break;
	case T_LONG:
		re = (double)x->l[j];
		break;
	case T_FLOAT:
		re = x->f[j];
		break;
	case T_CPLX:
		*im = x->c[2 * j + 1];
		return x->c[2 * j];
	case T_DOUBLE:
		re = x->d[j];
		break;
	case T_DCPLX:
		*im = x->z[2 * j + 1];
		return x->z[2 * j];
	default:
		re = x->s[j];
		break;
	}
	*im = -re;
	return re;
}

/* pack type t of item x with stride s, or unpack it when up */
static int move(int up, int t, struct item *x, int s)
{
	switch (t) {
	case T_BYTE:
		return up ? pvm_upkbyte(x->b, NV, s) : pvm_pkbyte(x->b, NV, s);
	case T_SHORT:
		return up ? pvm_upkshort(x->h, NV, s) : pvm_pkshort(x->h, NV, s);
	case T_INT:
		return up ? pvm_upkint(x->i, NV, s) : pvm_pkint(x->i, NV, s);
	case T_LONG:
		return up ? pvm_upklong(x->l, NV, s) : pvm_pklong(x->l, NV, s);
	case T_FLOAT:
		return up ? pvm_upkfloat(x->f, NV, s) : pvm_pkfloat(x->f, NV, s);
	case T_CPLX:
		return up ? pvm_upkcplx(x->c, NV, s) : pvm_pkcplx(x->c, NV, s);
	case T_DOUBLE:
		return up ? pvm_upkdouble(x->d, NV, s) : pvm_pkdouble(x->d, NV, s);
	case T_DCPLX:
		return up ? pvm_upkdcplx(x->z, NV, s) : pvm_pkdcplx(x->z, NV, s);
	default:
		return up ? pvm_upkbyte(x->s, NV, s) : pvm_pkbyte(x->s, NV, s);
	}
}

static void fill(struct item *x, double v)
{
	for (int t = 0; t < NT; t++)
		for (int j = 0; j < 2 * NV; j++)
			set_one(t, x, j, v);
}

/* pack every type, both items, d added; a failed pack into status */
static void pack_all(int d, int *status)
{
	for (int it = 0; it < 2; it++)
		fill(&items[it], SKIPPED);
	for (int t = 0; t < NT; t++) {
		for (int it = 0; it < 2; it++) {
			int cc;

			for (int i = 0; i < NV; i++)
				set_one(t, &items[it], i * (it + 1), value(t, it, i, d));
			if ((cc = move(0, t, &items[it], it + 1)) < 0 &&
			    status[2 * t + it] == 0)
				status[2 * t + it] = 1000 + cc;
		}
	}
}

/* unpack every type, both items, into sentinel-filled arrays; the
 * verdict of each: 0, the first wrong position (from 1), or 1000 + cc */
static void unpack_check(int d, int *status)
{
	for (int it = 0; it < 2; it++)
		fill(&items[it], SENTINEL);
	for (int t = 0; t < NT; t++) {
		for (int it = 0; it < 2; it++) {
			int k = 2 * t + it, s = it + 1, cc;

			status[k] = 0;
			if ((cc = move(1, t, &items[it], s)) < 0) {
				status[k] = 1000 + cc;
				continue;
			}
			for (int j = 2 * NV - 1; j >= 0; j--) {
				double want = j % s == 0 && j / s < NV
				                  ? value(t, it, j / s, d)
				                  : SENTINEL;
				double im, re = get_one(t, &items[it], j, &im);

				if (re != want || im != -want) {
					if (status[k] == 0 || j + 1 < status[k])
						fprintf(stderr,
						        "ctypes: %s, stride %d, position "
						        "%d: %.17g %.17g, want %.17g\n",
						        type_name[t], s, j + 1, re, im,
						        want);
					status[k] = j + 1;
				}
			}
		}
	}
}

/* one line per check; the number of failures */
static int report(const int *status, const char *what, int enc)
{
	const char *ename = enc == PvmDataDefault ? "PVMDEFAULT"
	                    : enc == PvmDataRaw   ? "PVMRAW"
	                                          : "PVMINPLACE";
	int fails = 0;

	for (int k = 0; k < NCHK; k++) {
		if (status[k] == 0) {
			printf("ok - %s %s %s, stride %d\n", what, ename,
			       type_name[k / 2], k % 2 + 1);
		} else {
			printf("FAIL - %s %s %s, stride %d: %d\n", what, ename,
			       type_name[k / 2], k % 2 + 1, status[k]);
			fails++;
		}
	}
	return fails;
}

static void worker(int parent)
{
	int status[NCHK], enc;

	while (pvm_recv(parent, 1) > 0 && pvm_upkint(&enc, 1, 1) == 0 && enc >= 0) {
		unpack_check(0, status);
		pvm_initsend(enc);
		pvm_pkint(status, NCHK, 1);
		pack_all(1, status);
		pvm_send(parent, 2);
	}
}

static int master(const char *prog)
{
	static const int encs[] = {PvmDataDefault, PvmDataRaw, PvmDataInPlace};
	int child, fails = 0, stop = -1;

	if (pvm_spawn((char *)prog, NULL, PvmTaskDefault, "", 1, &child) != 1) {
		printf("FAIL - spawn %s: %d\n", prog, child);
		return 1;
	}
	printf("ok - spawn %s\n", prog);
	for (size_t e = 0; e < sizeof(encs) / sizeof(encs[0]); e++) {
		int status[NCHK] = {0}, theirs[NCHK];

		pvm_initsend(encs[e]);
		pvm_pkint((int *)&encs[e], 1, 1);
		pack_all(0, status);
		pvm_send(child, 1);
		if (pvm_recv(child, 2) < 0 || pvm_upkint(theirs, NCHK, 1) < 0) {
			printf("FAIL - reply from %s\n", prog);
			fails++;
			break;
		}
		fails += report(theirs, "C to Fortran", encs[e]);
		unpack_check(1, status);
		fails += report(status, "Fortran to C", encs[e]);
	}
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&stop, 1, 1);
	pvm_send(child, 1);
	return fails > 0;
}

int main(int argc, char **argv)
{
	int parent, rc = 0;

	if (pvm_mytid() < 0)
		return 1;
	parent = pvm_parent();
	if (parent > 0)
		worker(parent);
	else
		rc = master(argc > 1 ? argv[1] : "ftypes");
	pvm_exit();
	return rc;
}

/*
 * reduce_prog.h - PvmMax, PvmMin, PvmSum and PvmProduct, found through
 * libgpvm3.so.3 as a program linked with -lgpvm3 finds them (dlopen by
 * soname, so LD_LIBRARY_PATH picks whose), applied to every data type
 * with chosen and pseudo-random operands; one line per call, "OP TYPE
 * CASE: info N x HEX", for test_reduce_compat.sh to diff between PVM
 * 3.4.6 and pvmx.  "#" lines are information, not compared.
 */
#ifndef REDUCE_PROG_H
#define REDUCE_PROG_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <pvm3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*reduce_fn)(int *, void *, void *, int *, int *);

#define NELEM 16
#define ROOM (NELEM * 16) /* bytes: NELEM double complex */

static uint32_t rng = 2463534242u;
static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void print_call(reduce_fn f, const char *op, int type, const char *what,
                       const unsigned char *x0, const unsigned char *y0, int num)
{
	unsigned char x[ROOM], y[ROOM];
	int info = 12345, t = type, n = num;

	memcpy(x, x0, ROOM);
	memcpy(y, y0, ROOM);
	f(&t, x, y, &n, &info);
	printf("%s type %d %s: info %d x", op, type, what, info);
	for (int i = 0; i < ROOM; i++)
		printf("%02x", x[i]);
	printf("%s\n", memcmp(y, y0, ROOM) == 0 ? "" : " (y changed)");
}

/* chosen cases, the same bytes for each type: small numbers (each
 * element size), NaN and ties for the reals and complex */
static void fill_chosen(int type, unsigned char *x, unsigned char *y, int k)
{
	memset(x, 0, ROOM);
	memset(y, 0, ROOM);
	for (int i = 0; i < NELEM * 2; i++) {
		double a = (double)((i * 7 + k * 3) % 11) - 5,
		       b = (double)((i * 5 + k) % 13) - 6;

		if (k == 2 && i % 3 == 0)
			a = NAN;
		if (k == 3 && i % 4 == 1)
			b = NAN;
		if (k == 4)
			b = (i % 2) ? a : -a; /* ties of modulus for complex */
		/* integers: a NaN converts to 0, and every scale keeps |6| in
		 * range (a double out of an integer's range converts to
		 * undefined behaviour, which UBSan stops) */
		double ia = isnan(a) ? 0 : a, ib = isnan(b) ? 0 : b;

		switch (type) {
		case PVM_BYTE:
			((signed char *)x)[i] = (signed char)(ia * 20),
			              ((signed char *)y)[i] = (signed char)(ib * 20);
			break;
		case PVM_SHORT:
		case PVM_USHORT:
			((short *)x)[i] = (short)(ia * 5000),
			        ((short *)y)[i] = (short)(ib * 5000);
			break;
		case PVM_INT:
		case PVM_UINT:
			((int *)x)[i] = (int)(ia * 3.5e8), ((int *)y)[i] = (int)(ib * 3.5e8);
			break;
		case PVM_LONG:
		case PVM_ULONG:
			((long *)x)[i] = (long)(ia * 1.5e18),
			       ((long *)y)[i] = (long)(ib * 1.5e18);
			break;
		case PVM_FLOAT:
		case PVM_CPLX:
			((float *)x)[i] = (float)a, ((float *)y)[i] = (float)b;
			break;
		default:
			((double *)x)[i] = a, ((double *)y)[i] = b;
			break;
		}
		if (isnan(a) || isnan(b)) {
			/* integers: no NaN, keep the case defined */
			if (type != PVM_FLOAT && type != PVM_CPLX && type != PVM_DOUBLE &&
			    type != PVM_DCPLX)
				x[i % ROOM] = 1;
		}
	}
}

static int reduce_main(const char *prog)
{
	static const char *names[] = {"PvmMax", "PvmMin", "PvmSum", "PvmProduct"};
	void *lib;
	unsigned char x[ROOM], y[ROOM];
	Dl_info di;

	/* PVM's libgpvm3 has no DT_NEEDED on libpvm3: a program linked with
	 * both has it loaded already; so must this one */
	dlopen("libpvm3.so.3", RTLD_NOW | RTLD_GLOBAL);
	lib = dlopen("libgpvm3.so.3", RTLD_NOW | RTLD_GLOBAL);
	if (lib == NULL) {
		printf("# %s: dlopen libgpvm3.so.3: %s\n", prog, dlerror());
		return 1;
	}
	for (int o = 0; o < 4; o++) {
		reduce_fn f = (reduce_fn)dlsym(lib, names[o]);

		if (f == NULL) {
			printf("%s: not found through libgpvm3.so.3\n", names[o]);
			continue;
		}
		if (o == 0 && dladdr((void *)f, &di) != 0)
			printf("# %s, library: %s\n", prog, di.dli_fname);
		for (int type = -1; type <= 12; type++) {
			char what[32];

			for (int k = 0; k < 5; k++) {
				fill_chosen(type, x, y, k);
				snprintf(what, sizeof(what), "chosen %d", k);
				print_call(f, names[o], type, what, x, y, NELEM);
			}
			for (int k = 0; k < 4; k++) {
				for (int i = 0; i < ROOM; i++) {
					x[i] = (unsigned char)next_random();
					y[i] = (unsigned char)next_random();
				}
				snprintf(what, sizeof(what), "random %d", k);
				print_call(f, names[o], type, what, x, y, NELEM);
			}
			fill_chosen(type, x, y, 0);
			print_call(f, names[o], type, "num 0", x, y, 0);
			print_call(f, names[o], type, "num -3", x, y, -3);
			print_call(f, names[o], type, "num 1", x, y, 1);
		}
	}
	printf("reduce: done\n");
	return 0;
}

#endif

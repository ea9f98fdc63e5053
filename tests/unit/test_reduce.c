/*
 * test_reduce.c - PvmMax, PvmMin, PvmSum and PvmProduct (lpvm_reduce.c)
 * for every PVM data type, against answers worked out here another way:
 * integers in 128-bit arithmetic reduced to the type's width, reals in
 * long double on values whose results are exact, complex numbers with C's
 * _Complex arithmetic and cabs; and PVM 3.4.6's answers where a type or
 * an operation is refused, a NaN or a tie decides (docs/groups.md).
 */
#include <complex.h>
#include <math.h>
#include <pvm3.h>
#include <stdio.h>

#include "check.h"

typedef void (*reduce_fn)(int *, void *, void *, int *, int *);

static const struct {
	const char *name;
	reduce_fn f;
} ops[] = {{"PvmMax", PvmMax},
           {"PvmMin", PvmMin},
           {"PvmSum", PvmSum},
           {"PvmProduct", PvmProduct}};

#define N 8
/* values every integer case starts from, chosen to overflow every width */
static const long long xs[N] = {0, 1, -1, 127, -128, 30000, 2000000000, -2000000000};
static const long long ys[N] = {5, -7, -1, 127, 3, 30000, 2000000000, 7};

static int call(reduce_fn f, int type, void *x, void *y, int n)
{
	int info = 12345;

	f(&type, x, y, &n, &info);
	return info;
}

/* v reduced to bits wide, signed or not (two's complement) */
static __int128 wrap(__int128 v, int bits, int is_signed)
{
	unsigned __int128 m = ((unsigned __int128)1 << bits) - 1,
	                  u = (unsigned __int128)v & m;

	if (is_signed && (u >> (bits - 1)) != 0)
		return (__int128)u - ((__int128)1 << bits);
	return (__int128)u;
}

static __int128 expect_int(int op, __int128 a, __int128 b, int bits, int is_signed)
{
	switch (op) {
	case 0:
		return a > b ? a : b;
	case 1:
		return a < b ? a : b;
	case 2:
		return wrap((unsigned __int128)a + (unsigned __int128)b, bits, is_signed);
	default:
		/* unsigned: the product of two 64-bit values may not fit signed */
		return wrap((unsigned __int128)a * (unsigned __int128)b, bits, is_signed);
	}
}

#define TEST_INT(T, TYPE, IS_SIGNED)                                                     \
	do {                                                                             \
		int bits = (int)sizeof(T) * 8;                                           \
		for (int op = 0; op < 4; op++) {                                         \
			T x[N], y[N];                                                    \
			char what[96];                                                   \
			for (int i = 0; i < N; i++) {                                    \
				x[i] =                                                   \
				    (T)wrap((unsigned __int128)xs[i], bits, IS_SIGNED);  \
				y[i] =                                                   \
				    (T)wrap((unsigned __int128)ys[i], bits, IS_SIGNED);  \
			}                                                                \
			snprintf(what, sizeof(what), "%s(" #TYPE ") info",               \
			         ops[op].name);                                          \
			CHECK_EQ(what, PvmOk, call(ops[op].f, TYPE, x, y, N));           \
			for (int i = 0; i < N; i++) {                                    \
				__int128 a =                                             \
				    wrap((unsigned __int128)xs[i], bits, IS_SIGNED);     \
				__int128 b =                                             \
				    wrap((unsigned __int128)ys[i], bits, IS_SIGNED);     \
				snprintf(what, sizeof(what), "%s(" #TYPE ") [%d]",       \
				         ops[op].name, i);                               \
				CHECK_EQ(                                                \
				    what,                                                \
				    (long long)expect_int(op, a, b, bits, IS_SIGNED),    \
				    (long long)x[i]);                                    \
			}                                                                \
		}                                                                        \
	} while (0)

static void test_integers(void)
{
	TEST_INT(short, PVM_SHORT, 1);
	TEST_INT(int, PVM_INT, 1);
	TEST_INT(long, PVM_LONG, 1);
	TEST_INT(unsigned short, PVM_USHORT, 0);
	TEST_INT(unsigned int, PVM_UINT, 0);
	TEST_INT(unsigned long, PVM_ULONG, 0);
}

/* PVM_BYTE: Max and Min (signed), Sum and Product refused (as PVM 3.4.6) */
static void test_bytes(void)
{
	signed char x[4] = {100, -3, 0, -128}, y[4] = {-100, 5, 0, 127};
	signed char keep[4] = {100, -3, 0, -128};

	CHECK_EQ("PvmMax(PVM_BYTE) info", PvmOk, call(PvmMax, PVM_BYTE, x, y, 4));
	CHECK_EQ("PvmMax(PVM_BYTE) [0]", 100, x[0]);
	CHECK_EQ("PvmMax(PVM_BYTE) [1]", 5, x[1]);
	CHECK_EQ("PvmMax(PVM_BYTE) [3]", 127, x[3]);
	memcpy(x, keep, sizeof(x));
	CHECK_EQ("PvmMin(PVM_BYTE) info", PvmOk, call(PvmMin, PVM_BYTE, x, y, 4));
	CHECK_EQ("PvmMin(PVM_BYTE) [0]", -100, x[0]);
	CHECK_EQ("PvmMin(PVM_BYTE) [1]", -3, x[1]);
	CHECK_EQ("PvmMin(PVM_BYTE) [3]", -128, x[3]);
	memcpy(x, keep, sizeof(x));
	CHECK_EQ("PvmSum(PVM_BYTE) refused", PvmBadParam,
	         call(PvmSum, PVM_BYTE, x, y, 4));
	CHECK_EQ("PvmProduct(PVM_BYTE) refused", PvmBadParam,
	         call(PvmProduct, PVM_BYTE, x, y, 4));
	CHECK_BYTES("PVM_BYTE untouched when refused", keep, x, sizeof(x));
}

/* reals on values whose sums and products are exact in every precision */
static const long double rx[N] = {0, 1.5, -2.25, 1e3, -0.5, 3, 1024, -7};
static const long double ry[N] = {-1, 1.5, 4, -1e3, -0.25, 3.5, 0.5, -8};

static long double expect_real(int op, long double a, long double b)
{
	switch (op) {
	case 0:
		return fmaxl(a, b);
	case 1:
		return fminl(a, b);
	case 2:
		return a + b;
	default:
		return a * b;
	}
}

#define TEST_REAL(T, TYPE)                                                               \
	do {                                                                             \
		for (int op = 0; op < 4; op++) {                                         \
			T x[N], y[N];                                                    \
			char what[96];                                                   \
			for (int i = 0; i < N; i++) {                                    \
				x[i] = (T)rx[i];                                         \
				y[i] = (T)ry[i];                                         \
			}                                                                \
			snprintf(what, sizeof(what), "%s(" #TYPE ") info",               \
			         ops[op].name);                                          \
			CHECK_EQ(what, PvmOk, call(ops[op].f, TYPE, x, y, N));           \
			for (int i = 0; i < N; i++) {                                    \
				T e = (T)expect_real(op, rx[i], ry[i]);                  \
				snprintf(what, sizeof(what), "%s(" #TYPE ") [%d] = %g",  \
				         ops[op].name, i, (double)e);                    \
				CHECK_BYTES(what, &e, &x[i], sizeof(T));                 \
			}                                                                \
		}                                                                        \
		/* NaN: as PVM, x > y ? x : y keeps y when either is NaN */              \
		{                                                                        \
			T x[2] = {(T)NAN, 1}, y[2] = {1, (T)NAN};                        \
			CHECK_EQ("PvmMax NaN info " #TYPE, PvmOk,                        \
			         call(PvmMax, TYPE, x, y, 2));                           \
			CHECK_EQ("PvmMax(NaN, 1) is 1 " #TYPE, 1, x[0] == 1);            \
			CHECK_EQ("PvmMax(1, NaN) is NaN " #TYPE, 1, isnan(x[1]));        \
			x[0] = (T)NAN, x[1] = 1;                                         \
			call(PvmMin, TYPE, x, y, 2);                                     \
			CHECK_EQ("PvmMin(NaN, 1) is 1 " #TYPE, 1, x[0] == 1);            \
			CHECK_EQ("PvmMin(1, NaN) is NaN " #TYPE, 1, isnan(x[1]));        \
		}                                                                        \
	} while (0)

static void test_reals(void)
{
	TEST_REAL(float, PVM_FLOAT);
	TEST_REAL(double, PVM_DOUBLE);
}

/* complex: pairs (re, im); Max/Min by modulus, x kept on a tie */
static const long double cx[N][2] = {{3, 4}, {1, 1}, {-2, 0.5}, {0, 0},
                                     {3, 4}, {5, 0}, {-1, -1},  {0.5, 8}};
static const long double cy[N][2] = {{-5, 1}, {0, 2}, {1, 1}, {0, -3},
                                     {4, 3},  {0, 5}, {2, 2}, {-0.25, 0.5}};

#define TEST_CPLX(T, CT, CABS, TYPE)                                                     \
	do {                                                                             \
		for (int op = 0; op < 4; op++) {                                         \
			T x[2 * N], y[2 * N];                                            \
			char what[96];                                                   \
			for (int i = 0; i < N; i++) {                                    \
				x[2 * i] = (T)cx[i][0], x[2 * i + 1] = (T)cx[i][1];      \
				y[2 * i] = (T)cy[i][0], y[2 * i + 1] = (T)cy[i][1];      \
			}                                                                \
			snprintf(what, sizeof(what), "%s(" #TYPE ") info",               \
			         ops[op].name);                                          \
			CHECK_EQ(what, PvmOk, call(ops[op].f, TYPE, x, y, N));           \
			for (int i = 0; i < N; i++) {                                    \
				CT a = (T)cx[i][0] + (T)cx[i][1] * I;                    \
				CT b = (T)cy[i][0] + (T)cy[i][1] * I;                    \
				CT e;                                                    \
				T got[2] = {x[2 * i], x[2 * i + 1]}, want[2];            \
				if (op == 0)                                             \
					e = CABS(b) > CABS(a) ? b : a;                   \
				else if (op == 1)                                        \
					e = CABS(b) < CABS(a) ? b : a;                   \
				else if (op == 2)                                        \
					e = a + b;                                       \
				else                                                     \
					e = a * b;                                       \
				want[0] = creal(e), want[1] = cimag(e);                  \
				snprintf(what, sizeof(what),                             \
				         "%s(" #TYPE ") [%d] = (%g,%g)", ops[op].name,   \
				         i, (double)want[0], (double)want[1]);           \
				CHECK_BYTES(what, want, got, sizeof(got));               \
			}                                                                \
		}                                                                        \
	} while (0)

static void test_complex(void)
{
	TEST_CPLX(float, float complex, cabsf, PVM_CPLX);
	TEST_CPLX(double, double complex, cabs, PVM_DCPLX);
	/* PVM 3.4.6 squares in the element's precision: 1e20f and 2e20f
	 * both overflow to inf, a tie, so x stays */
	{
		float x[2] = {1e20f, 0}, y[2] = {2e20f, 0};

		call(PvmMax, PVM_CPLX, x, y, 1);
		CHECK_EQ("PvmMax(PVM_CPLX) squared modulus overflows: x kept", 1,
		         x[0] == 1e20f);
	}
}

/* refused types, and nothing to do */
static void test_refused(void)
{
	int x[2] = {1, 2}, y[2] = {3, 4};

	for (int op = 0; op < 4; op++) {
		char what[64];

		snprintf(what, sizeof(what), "%s(PVM_STR)", ops[op].name);
		CHECK_EQ(what, PvmBadParam, call(ops[op].f, PVM_STR, x, y, 2));
		snprintf(what, sizeof(what), "%s(type 12)", ops[op].name);
		CHECK_EQ(what, PvmBadParam, call(ops[op].f, 12, x, y, 2));
		snprintf(what, sizeof(what), "%s(type -1)", ops[op].name);
		CHECK_EQ(what, PvmBadParam, call(ops[op].f, -1, x, y, 2));
		snprintf(what, sizeof(what), "%s(PVM_INT, num 0)", ops[op].name);
		CHECK_EQ(what, PvmOk, call(ops[op].f, PVM_INT, x, y, 0));
		snprintf(what, sizeof(what), "%s(PVM_INT, num -1)", ops[op].name);
		CHECK_EQ(what, PvmOk, call(ops[op].f, PVM_INT, x, y, -1));
	}
	CHECK_EQ("x untouched [0]", 1, x[0]);
	CHECK_EQ("x untouched [1]", 2, x[1]);
}

int main(void)
{
	test_integers();
	test_bytes();
	test_reals();
	test_complex();
	test_refused();
	if (failures == 0)
		printf("test_reduce: all passed\n");
	return failures != 0;
}

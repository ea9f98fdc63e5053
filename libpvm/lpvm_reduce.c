/*
 * lpvm_reduce.c - the predefined pvm_reduce functions PvmMax, PvmMin,
 * PvmSum and PvmProduct: x[i] = op(x[i], y[i]) for *num elements of
 * *datatype, *info PvmOk or PvmBadParam (x left alone).  What each does
 * per type is PVM 3.4.6's, as measured on its libgpvm3 (docs/groups.md):
 *   - Max/Min of reals: x > y ? x : y (x < y ? x : y), so a NaN in y wins
 *     and a NaN in x loses; of complex: the one of larger (smaller)
 *     squared modulus, computed in the element's precision, x kept on a
 *     tie (and when a modulus is NaN);
 *   - PVM_BYTE: Max and Min only (signed), Sum and Product PvmBadParam;
 *   - PVM_STR and unknown types: PvmBadParam; *num <= 0: nothing, PvmOk;
 *   - integer Sum and Product wrap around.
 * PVM 3.4.6 answers PvmBadParam for PVM_USHORT, PVM_UINT and PVM_ULONG;
 * pvmx computes them (an extension: issue 10 asks for every type).
 */
#include <pvm3.h>

enum reduce_op { OP_MAX, OP_MIN, OP_SUM, OP_PRODUCT };

/* Max/Min of one real or integer type; ordered as PVM's. */
#define MINMAX_LOOP(T)                                                                   \
	do {                                                                             \
		T *a = x;                                                                \
		const T *b = y;                                                          \
		for (int i = 0; i < n; i++) {                                            \
			if (op == OP_MAX)                                                \
				a[i] = a[i] > b[i] ? a[i] : b[i];                        \
			else                                                             \
				a[i] = a[i] < b[i] ? a[i] : b[i];                        \
		}                                                                        \
	} while (0)

/* Sum/Product of an integer type T, computed in its unsigned twin U so
 * that overflow wraps instead of being undefined. */
#define INT_ARITH_LOOP(T, U)                                                             \
	do {                                                                             \
		T *a = x;                                                                \
		const T *b = y;                                                          \
		for (int i = 0; i < n; i++) {                                            \
			U r = op == OP_SUM ? (U)((U)a[i] + (U)b[i])                      \
			                   : (U)((U)a[i] * (U)b[i]);                     \
			a[i] = (T)r;                                                     \
		}                                                                        \
	} while (0)

#define REAL_ARITH_LOOP(T)                                                               \
	do {                                                                             \
		T *a = x;                                                                \
		const T *b = y;                                                          \
		for (int i = 0; i < n; i++)                                              \
			a[i] = op == OP_SUM ? a[i] + b[i] : a[i] * b[i];                 \
	} while (0)

/* Complex numbers are (re, im) pairs of T. */
#define CPLX_LOOP(T)                                                                     \
	do {                                                                             \
		T *a = x;                                                                \
		const T *b = y;                                                          \
		for (int i = 0; i < 2 * n; i += 2) {                                     \
			T ar = a[i], ai = a[i + 1], br = b[i], bi = b[i + 1];            \
			if (op == OP_SUM) {                                              \
				a[i] = ar + br;                                          \
				a[i + 1] = ai + bi;                                      \
			} else if (op == OP_PRODUCT) {                                   \
				a[i] = ar * br - ai * bi;                                \
				a[i + 1] = ar * bi + ai * br;                            \
			} else {                                                         \
				T ma = ar * ar + ai * ai, mb = br * br + bi * bi;        \
				if (op == OP_MAX ? mb > ma : mb < ma) {                  \
					a[i] = br;                                       \
					a[i + 1] = bi;                                   \
				}                                                        \
			}                                                                \
		}                                                                        \
	} while (0)

#define INT_CASE(T, U)                                                                   \
	do {                                                                             \
		if (op == OP_MAX || op == OP_MIN)                                        \
			MINMAX_LOOP(T);                                                  \
		else                                                                     \
			INT_ARITH_LOOP(T, U);                                            \
	} while (0)
#define REAL_CASE(T)                                                                     \
	do {                                                                             \
		if (op == OP_MAX || op == OP_MIN)                                        \
			MINMAX_LOOP(T);                                                  \
		else                                                                     \
			REAL_ARITH_LOOP(T);                                              \
	} while (0)

static void reduce(enum reduce_op op, int datatype, void *x, const void *y, int n,
                   int *info)
{
	*info = PvmOk;
	switch (datatype) {
	case PVM_BYTE:
		if (op == OP_SUM || op == OP_PRODUCT)
			*info = PvmBadParam;
		else if (n > 0)
			MINMAX_LOOP(signed char);
		return;
	case PVM_SHORT:
		/* unsigned int: two unsigned shorts multiply as int, which
		 * 65535 * 65535 overflows */
		INT_CASE(short, unsigned int);
		return;
	case PVM_INT:
		INT_CASE(int, unsigned int);
		return;
	case PVM_LONG:
		INT_CASE(long, unsigned long);
		return;
	case PVM_USHORT:
		INT_CASE(unsigned short, unsigned int);
		return;
	case PVM_UINT:
		INT_CASE(unsigned int, unsigned int);
		return;
	case PVM_ULONG:
		INT_CASE(unsigned long, unsigned long);
		return;
	case PVM_FLOAT:
		REAL_CASE(float);
		return;
	case PVM_DOUBLE:
		REAL_CASE(double);
		return;
	case PVM_CPLX:
		CPLX_LOOP(float);
		return;
	case PVM_DCPLX:
		CPLX_LOOP(double);
		return;
	default: /* PVM_STR and anything else */
		*info = PvmBadParam;
		return;
	}
}

void PvmMax(int *datatype, void *x, void *y, int *num, int *info)
{
	reduce(OP_MAX, *datatype, x, y, *num, info);
}
void PvmMin(int *datatype, void *x, void *y, int *num, int *info)
{
	reduce(OP_MIN, *datatype, x, y, *num, info);
}
void PvmSum(int *datatype, void *x, void *y, int *num, int *info)
{
	reduce(OP_SUM, *datatype, x, y, *num, info);
}
void PvmProduct(int *datatype, void *x, void *y, int *num, int *info)
{
	reduce(OP_PRODUCT, *datatype, x, y, *num, info);
}

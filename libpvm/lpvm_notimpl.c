/*
 * lpvm_notimpl.c - the part of PVM 3.4's interface not built yet.  Each
 * function exists (so binaries linked against PVM 3.4.6 load and resolve)
 * and answers PvmNotImpl; docs/compat.md says which issue brings it.
 * Also the predefined pvm_reduce functions, which are plain arithmetic.
 */
#include "lpvm.h"

#define NOTIMPL(fn) return lpvm_error(#fn, PvmNotImpl)

/* message handlers, contexts, message info */

/* messaging extras */

/* resource manager, hoster, tasker, tracer */
int pvm_reg_tracer(int tctx, int ttag, int octx, int otag, char *tmask, int tbuf,
                   int topt)
{
	(void)tctx, (void)ttag, (void)octx, (void)otag, (void)tmask, (void)tbuf;
	(void)topt;
	NOTIMPL(pvm_reg_tracer);
}

/* groups and collectives */
int pvm_bcast(char *g, int tag)
{
	(void)g, (void)tag;
	NOTIMPL(pvm_bcast);
}
int pvm_gather(void *result, void *data, int count, int type, int tag, char *g, int root)
{
	(void)result, (void)data, (void)count, (void)type, (void)tag, (void)g, (void)root;
	NOTIMPL(pvm_gather);
}
int pvm_scatter(void *result, void *data, int count, int type, int tag, char *g, int root)
{
	(void)result, (void)data, (void)count, (void)type, (void)tag, (void)g, (void)root;
	NOTIMPL(pvm_scatter);
}
int pvm_reduce(void (*f)(int *, void *, void *, int *, int *), void *data, int count,
               int type, int tag, char *g, int root)
{
	(void)f, (void)data, (void)count, (void)type, (void)tag, (void)g, (void)root;
	NOTIMPL(pvm_reduce);
}

/* The predefined reduce functions: x[i] = op(x[i], y[i]) for *num
 * elements of *datatype; *info gets PvmOk or PvmBadParam. */
#define REDUCE_BODY(OP)                                                                  \
	do {                                                                             \
		int n = *num;                                                            \
		*info = PvmOk;                                                           \
		switch (*datatype) {                                                     \
		case PVM_BYTE:                                                           \
			REDUCE_LOOP(char, OP);                                           \
			break;                                                           \
		case PVM_SHORT:                                                          \
			REDUCE_LOOP(short, OP);                                          \
			break;                                                           \
		case PVM_INT:                                                            \
			REDUCE_LOOP(int, OP);                                            \
			break;                                                           \
		case PVM_FLOAT:                                                          \
			REDUCE_LOOP(float, OP);                                          \
			break;                                                           \
		case PVM_DOUBLE:                                                         \
			REDUCE_LOOP(double, OP);                                         \
			break;                                                           \
		case PVM_LONG:                                                           \
			REDUCE_LOOP(long, OP);                                           \
			break;                                                           \
		case PVM_USHORT:                                                         \
			REDUCE_LOOP(unsigned short, OP);                                 \
			break;                                                           \
		case PVM_UINT:                                                           \
			REDUCE_LOOP(unsigned int, OP);                                   \
			break;                                                           \
		case PVM_ULONG:                                                          \
			REDUCE_LOOP(unsigned long, OP);                                  \
			break;                                                           \
		default:                                                                 \
			*info = PvmBadParam;                                             \
			break;                                                           \
		}                                                                        \
	} while (0)
#define REDUCE_LOOP(T, OP)                                                               \
	do {                                                                             \
		T *a = x;                                                                \
		const T *b = y;                                                          \
		for (int i = 0; i < n; i++)                                              \
			a[i] = OP(a[i], b[i]);                                           \
	} while (0)
#define OP_MAX(a, b) ((a) > (b) ? (a) : (b))
#define OP_MIN(a, b) ((a) < (b) ? (a) : (b))
#define OP_SUM(a, b) ((a) + (b))
#define OP_PRODUCT(a, b) ((a) * (b))

void PvmMax(int *datatype, void *x, void *y, int *num, int *info)
{
	REDUCE_BODY(OP_MAX);
}
void PvmMin(int *datatype, void *x, void *y, int *num, int *info)
{
	REDUCE_BODY(OP_MIN);
}
void PvmSum(int *datatype, void *x, void *y, int *num, int *info)
{
	REDUCE_BODY(OP_SUM);
}
void PvmProduct(int *datatype, void *x, void *y, int *num, int *info)
{
	REDUCE_BODY(OP_PRODUCT);
}

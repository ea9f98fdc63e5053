/*
 * compat_reduce.c - the predefined reduce functions (reduce_prog.h),
 * built against PVM 3.4.6's pvm3.h and linked against our libpvm3.so.3.
 */
#include "reduce_prog.h"

int main(void)
{
	return reduce_main("compat_reduce");
}

/*
 * ref_reduce.c - the predefined reduce functions (reduce_prog.h), built
 * against PVM 3.4.6's pvm3.h and linked against its libpvm3.so.3;
 * test_reduce_compat.sh runs it on PVM 3.4.6's libraries and with ours
 * in their place, and compares.
 */
#include "reduce_prog.h"

int main(void)
{
	return reduce_main("ref_reduce");
}

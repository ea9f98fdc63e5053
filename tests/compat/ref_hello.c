/*
 * ref_hello.c - master of the binary-compatibility check (hello_common.h),
 * built against PVM 3.4.6's pvm3.h and linked against PVM 3.4.6's own
 * libpvm3.so.3; test_compat.sh runs it with OUR library in that one's
 * place and checks, from what it prints, that ours was loaded.  It spawns
 * ref_worker, linked the same way.
 */
#include "hello_common.h"

int main(void)
{
	return compat_master_main("ref_hello", "ref_worker");
}

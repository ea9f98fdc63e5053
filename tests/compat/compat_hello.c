/*
 * compat_hello.c - master of the source-compatibility check
 * (hello_common.h): built against PVM 3.4.6's pvm3.h, linked against our
 * libpvm3.so.3.  It spawns compat_worker, built the same way.
 */
#include "hello_common.h"

int main(void)
{
	return compat_master_main("compat_hello", "compat_worker");
}

/*
 * ref_worker.c - the worker that ref_hello spawns (hello_common.h): echoes
 * what it receives and reports which libpvm3.so.3 it was given.
 */
#include "hello_common.h"

int main(void)
{
	return compat_worker_main("ref_worker");
}

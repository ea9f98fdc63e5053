/*
 * compat_context.c - contexts master/worker (context_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against our libpvm3.
 * It spawns itself for its other tasks.
 */
#include "context_prog.h"

int main(int argc, char **argv)
{
	return context_main("compat_context", "compat_context", argc, argv);
}

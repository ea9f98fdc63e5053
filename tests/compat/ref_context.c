/*
 * ref_context.c - contexts master/worker (context_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against PVM 3.4.6's libpvm3.so.3
 * (run with ours in its place).
 * It spawns itself for its other tasks.
 */
#include "context_prog.h"

int main(int argc, char **argv)
{
	return context_main("ref_context", "ref_context", argc, argv);
}

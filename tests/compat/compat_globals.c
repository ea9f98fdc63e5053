/*
 * compat_globals.c - PVM 3.4.6's exported variables and extra calls
 * (globals_prog.h), built against PVM 3.4.6's headers and linked against
 * our libpvm3.
 * It spawns itself as its worker.
 */
#include "globals_prog.h"

int main(int argc, char **argv)
{
	return globals_main("compat_globals", "compat_globals", argc, argv);
}

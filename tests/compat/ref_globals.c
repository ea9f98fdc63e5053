/*
 * ref_globals.c - PVM 3.4.6's exported variables and extra calls
 * (globals_prog.h), built against PVM 3.4.6's headers and linked against
 * PVM 3.4.6's libpvm3.so.3 (run with ours in its place).
 * It spawns itself as its worker.
 */
#include "globals_prog.h"

int main(int argc, char **argv)
{
	return globals_main("ref_globals", "ref_globals", argc, argv);
}

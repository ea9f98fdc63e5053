/*
 * ref_output.c - catchout, notify, packf and psend (output_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against PVM 3.4.6's libpvm3.so.3
 * (run with ours in its place).
 * It spawns itself for its other tasks.
 */
#include "output_prog.h"

int main(int argc, char **argv)
{
	return output_main("ref_output", "ref_output", argc, argv);
}

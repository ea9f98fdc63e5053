/*
 * compat_output.c - catchout, notify, packf and psend (output_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against our libpvm3.
 * It spawns itself for its other tasks.
 */
#include "output_prog.h"

int main(int argc, char **argv)
{
	return output_main("compat_output", "compat_output", argc, argv);
}

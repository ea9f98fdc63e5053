/*
 * compat_cruft.c - PVM 3.4.6's utility exports outside pvm3.h
 * (cruft_prog.h), built against PVM 3.4.6's pvm3.h and linked against
 * our libpvm3.so.3.
 */
#include "cruft_prog.h"

int main(int argc, char **argv)
{
	return cruft_main("compat_cruft", argc, argv);
}

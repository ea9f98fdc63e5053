/*
 * ref_cruft.c - PVM 3.4.6's utility exports outside pvm3.h
 * (cruft_prog.h), built against PVM 3.4.6's pvm3.h and linked against
 * PVM 3.4.6's libpvm3.so.3; test_cruft.sh runs it on that library and
 * with ours in its place, and compares.
 */
#include "cruft_prog.h"

int main(int argc, char **argv)
{
	return cruft_main("ref_cruft", argc, argv);
}

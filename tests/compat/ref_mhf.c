/*
 * ref_mhf.c - message-handler server (mhf_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against PVM 3.4.6's libpvm3.so.3
 * (run with ours in its place).
 * It spawns itself for its other tasks.
 */
#include "mhf_prog.h"

int main(int argc, char **argv)
{
	return mhf_main("ref_mhf", "ref_mhf", argc, argv);
}

/*
 * compat_mhf.c - message-handler server (mhf_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against our libpvm3.
 * It spawns itself for its other tasks.
 */
#include "mhf_prog.h"

int main(int argc, char **argv)
{
	return mhf_main("compat_mhf", "compat_mhf", argc, argv);
}

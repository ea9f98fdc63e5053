/*
 * compat_mbox.c - mailbox service (mbox_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against our libpvm3.
 * It spawns itself for its other tasks.
 */
#include "mbox_prog.h"

int main(int argc, char **argv)
{
	return mbox_main("compat_mbox", "compat_mbox", argc, argv);
}

/*
 * ref_mbox.c - mailbox service (mbox_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against PVM 3.4.6's libpvm3.so.3
 * (run with ours in its place).
 * It spawns itself for its other tasks.
 */
#include "mbox_prog.h"

int main(int argc, char **argv)
{
	return mbox_main("ref_mbox", "ref_mbox", argc, argv);
}

/*
 * ref_groups.c - dynamic groups (groups_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against PVM 3.4.6's libgpvm3.so.3 and
 * libpvm3.so.3 (run with ours in their place).
 * It spawns itself for its workers.
 */
#include "groups_prog.h"

int main(int argc, char **argv)
{
	return groups_main("ref_groups", "ref_groups", argc, argv);
}

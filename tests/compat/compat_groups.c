/*
 * compat_groups.c - dynamic groups (groups_prog.h), built against
 * PVM 3.4.6's pvm3.h and linked against our libpvm3.
 * It spawns itself for its workers.
 */
#include "groups_prog.h"

int main(int argc, char **argv)
{
	return groups_main("compat_groups", "compat_groups", argc, argv);
}

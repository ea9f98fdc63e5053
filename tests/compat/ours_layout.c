/*
 * ours_layout.c - the same lines as compat_layout.c, but compiled against
 * OUR include/pvm3.h (tests/CMakeLists.txt puts our include directory
 * first for compat/ours_*.c).  test_compat.sh diffs the two outputs.
 */
#include <stdio.h>

#include <pvm3.h>

#include "layout_items.h"

int main(void)
{
	layout_print_all();
	return 0;
}

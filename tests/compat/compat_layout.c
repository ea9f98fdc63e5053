/*
 * compat_layout.c - prints the constants, macro results and struct layouts
 * of the REFERENCE pvm3.h (PVM 3.4.6, /usr/include), one "NAME VALUE" line
 * each.  ours_layout.c prints the same from our header; test_compat.sh
 * diffs the two.
 */
#include <stdio.h>

#include <pvm3.h>

#include "layout_items.h"

int main(void)
{
	layout_print_all();
	return 0;
}

/*
 * test_paths.c - paths_vmid (common/paths.c): PVM_VMID with only
 * [A-Za-z0-9._-] kept, "default" when nothing is left, the id cut to the
 * caller's buffer, and a second call leaving the first one's id alone.
 */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void test_vmid(void)
{
	char buf[PATHS_VMID_LEN], small[4];

	unsetenv("PVM_VMID");
	CHECK_STR("unset", "default", paths_vmid(buf, sizeof(buf)));
	setenv("PVM_VMID", "", 1);
	CHECK_STR("empty", "default", paths_vmid(buf, sizeof(buf)));
	setenv("PVM_VMID", "/../", 1);
	CHECK_STR("nothing allowed left", "..", paths_vmid(buf, sizeof(buf)));
	setenv("PVM_VMID", "//", 1);
	CHECK_STR("nothing left", "default", paths_vmid(buf, sizeof(buf)));
	setenv("PVM_VMID", "run 7/a_b-c.d", 1);
	CHECK_STR("only [A-Za-z0-9._-] kept", "run7a_b-c.d",
	          paths_vmid(buf, sizeof(buf)));
	CHECK_EQ("returns the caller's buffer", 1, paths_vmid(buf, sizeof(buf)) == buf);
	CHECK_STR("cut to the buffer", "run", paths_vmid(small, sizeof(small)));
}

static void test_two_ids(void)
{
	char first[PATHS_VMID_LEN], second[PATHS_VMID_LEN], line[200];

	setenv("PVM_VMID", "one", 1);
	paths_vmid(first, sizeof(first));
	setenv("PVM_VMID", "two", 1);
	snprintf(line, sizeof(line), "%s %s", first, paths_vmid(second, sizeof(second)));
	CHECK_STR("a second call leaves the first id alone", "one two", line);
}

int main(void)
{
	test_vmid();
	test_two_ids();
	if (failures != 0) {
		fprintf(stderr, "test_paths: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_paths: ok\n");
	return 0;
}

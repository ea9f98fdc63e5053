/*
 * test_env.c - env_long (common/env.c): a decimal number in range is
 * taken; unset, empty, trailing junk, out of range or overflowing gives
 * the default.
 */
#include "env.h"

#include <limits.h>
#include <stdlib.h>

#include "check.h"

static long with(const char *value, long lo, long hi, long dflt)
{
	if (value == NULL)
		unsetenv("PVMX_TEST_ENV");
	else
		setenv("PVMX_TEST_ENV", value, 1);
	return env_long("PVMX_TEST_ENV", lo, hi, dflt);
}

int main(void)
{
	CHECK_EQ("unset", 7, with(NULL, 0, 100, 7));
	CHECK_EQ("empty", 7, with("", 0, 100, 7));
	CHECK_EQ("a number", 42, with("42", 0, 100, 7));
	CHECK_EQ("zero, when allowed", 0, with("0", 0, 100, 7));
	CHECK_EQ("the bounds are in", 100, with("100", 0, 100, 7));
	CHECK_EQ("below", 7, with("-1", 0, 100, 7));
	CHECK_EQ("above", 7, with("101", 0, 100, 7));
	CHECK_EQ("trailing junk", 7, with("12ms", 0, 100, 7));
	CHECK_EQ("not a number", 7, with("many", 0, 100, 7));
	CHECK_EQ("overflow", 7, with("99999999999999999999999", 0, LONG_MAX, 7));
	CHECK_EQ("negative range", -5, with("-5", -10, 10, 7));
	if (failures == 0)
		printf("ok - test_env\n");
	return failures != 0;
}

/*
 * test_tid.c - task identifiers: building and splitting them, and which
 * values are well-formed task or daemon ids.
 */
#include "tid.h"

#include <stdio.h>

#include "check.h"

static void test_make_split(void)
{
	int t = tid_make(3, 17);

	CHECK_EQ("tid_make(3, 17)", (3 << 18) | 17, t);
	CHECK_EQ("host index", 3, tid_host_index(t));
	CHECK_EQ("host part", 3 << 18, tid_host(t));
	CHECK_EQ("local part", 17, tid_local(t));
	CHECK_EQ("daemon of host 1", 0x40000, tid_make(1, 0));
	CHECK_EQ("local number is masked", tid_make(2, 5),
	         tid_make(2, 5 + TID_LOCAL_MASK + 1));
	t = tid_make(TID_MAX_HOST, TID_LOCAL_MASK);
	CHECK_EQ("largest tid", 0x3fffffff, t);
	CHECK_EQ("largest host index", TID_MAX_HOST, tid_host_index(t));
	CHECK_EQ("largest local", TID_LOCAL_MASK, tid_local(t));
	CHECK_EQ("masks are disjoint", 0, TID_HOST_MASK & TID_LOCAL_MASK);
}

static void test_validity(void)
{
	CHECK_EQ("task on host 1", 1, tid_is_valid(tid_make(1, 1)));
	CHECK_EQ("largest tid", 1, tid_is_valid(tid_make(TID_MAX_HOST, TID_LOCAL_MASK)));
	CHECK_EQ("zero", 0, tid_is_valid(0));
	CHECK_EQ("an error code", 0, tid_is_valid(-2));
	CHECK_EQ("no host index", 0, tid_is_valid(17));
	CHECK_EQ("bit 30 set", 0, tid_is_valid(tid_make(1, 1) | (1 << 30)));
	CHECK_EQ("daemon of host 1", 1, tid_is_daemon(tid_make(1, 0)));
	CHECK_EQ("daemon of host 4095", 1, tid_is_daemon(tid_make(TID_MAX_HOST, 0)));
	CHECK_EQ("task is not a daemon", 0, tid_is_daemon(tid_make(1, 1)));
	CHECK_EQ("zero is not a daemon", 0, tid_is_daemon(0));
	CHECK_EQ("negative is not a daemon", 0, tid_is_daemon(-0x40000));
}

int main(void)
{
	test_make_split();
	test_validity();
	if (failures != 0) {
		fprintf(stderr, "test_tid: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_tid: ok\n");
	return 0;
}

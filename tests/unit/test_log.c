/*
 * test_log.c - log_printable (common/log.c): control characters and DEL
 * replaced, other bytes kept, the text cut to the caller's buffer, and two
 * calls in one log line printing two strings (a static buffer would print
 * one of them twice).
 */
#include "log.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static void test_replaced(void)
{
	char buf[LOG_PRINTABLE_LEN];

	CHECK_STR("plain text kept", "node-1.example",
	          log_printable(buf, sizeof(buf), "node-1.example"));
	CHECK_STR("control characters and DEL", "a?b?c?d?",
	          log_printable(buf, sizeof(buf),
	                        "a\nb\tc\x1b"
	                        "d\x7f"));
	CHECK_STR("bytes above 127 kept", "h\xc3\xb4te",
	          log_printable(buf, sizeof(buf), "h\xc3\xb4te"));
	CHECK_STR("empty", "", log_printable(buf, sizeof(buf), ""));
	CHECK_EQ("returns the caller's buffer", 1,
	         log_printable(buf, sizeof(buf), "x") == buf);
}

static void test_cut(void)
{
	char small[4], one[1], big[LOG_PRINTABLE_LEN], text[LOG_PRINTABLE_LEN + 50];

	CHECK_STR("cut to 3 and a NUL", "abc",
	          log_printable(small, sizeof(small), "abcdef"));
	CHECK_STR("a 1-byte buffer holds the NUL only", "",
	          log_printable(one, sizeof(one), "abc"));
	memset(text, 'v', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CHECK_EQ("a long name cut to LOG_PRINTABLE_LEN - 1", LOG_PRINTABLE_LEN - 1,
	         strlen(log_printable(big, sizeof(big), text)));
}

static void test_two_in_one_line(void)
{
	char name[LOG_PRINTABLE_LEN], said[LOG_PRINTABLE_LEN], line[600];

	/* the shape of boot.c's "add HOST: its daemon says: WHY" */
	snprintf(line, sizeof(line), "add %s: its daemon says: %s",
	         log_printable(name, sizeof(name), "node1"),
	         log_printable(said, sizeof(said), "no\tsuch file"));
	CHECK_STR("two strings through log_printable in one line",
	          "add node1: its daemon says: no?such file", line);
}

int main(void)
{
	test_replaced();
	test_cut();
	test_two_in_one_line();
	if (failures != 0) {
		fprintf(stderr, "test_log: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_log: ok\n");
	return 0;
}

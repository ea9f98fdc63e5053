/*
 * test_msgsplice.c - the msgbuf helpers behind pvm_pkmesgbody (appending
 * packed items) and pvm_precv (counting the elements ahead of the cursor):
 * spliced items unpack in order, in-place references stay in place, counts
 * span items of one type class and leave the cursor where it was.
 */
#include "msgbuf.h"
#include "pvm3.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The flattened payload as a receiver sees it. */
static struct msgbuf *receive(const struct msgbuf *mb)
{
	uint8_t *p = msgbuf_flatten(mb);
	struct msgbuf *rb =
	    p != NULL ? msgbuf_from_bytes(p, msgbuf_length(mb), mb->dsig) : NULL;

	if (rb == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return rb;
}

static void test_append_raw(void)
{
	struct msgbuf *inner = msgbuf_new(PvmDataDefault, dsig_native());
	struct msgbuf *outer = msgbuf_new(PvmDataInPlace, dsig_native());
	int a[3] = {1, 2, 3}, five = 5, b = 9, out[3] = {0}, v = 0;
	uint8_t *body;
	struct msgbuf *rb;
	char s[8] = "";

	CHECK_EQ("pack inner", 0, msgbuf_pack(inner, DSIG_INT, &five, 1, 1));
	CHECK_EQ("pack inner str", 0, msgbuf_pack_str(inner, "in"));
	/* an in-place item before and after the splice */
	CHECK_EQ("pack outer", 0, msgbuf_pack(outer, DSIG_INT, a, 3, 1));
	body = msgbuf_flatten(inner);
	CHECK_EQ("append", 0, msgbuf_append_raw(outer, body, msgbuf_length(inner)));
	free(body);
	CHECK_EQ("pack outer 2", 0, msgbuf_pack(outer, DSIG_INT, &b, 1, 1));
	CHECK_EQ("length adds up", 8 + 12 + msgbuf_length(inner) + 8 + 4,
	         msgbuf_length(outer));
	CHECK_EQ("append nothing", 0, msgbuf_append_raw(outer, NULL, 0));
	CHECK_EQ("append NULL bytes", PvmBadParam, msgbuf_append_raw(outer, NULL, 3));

	rb = receive(outer);
	CHECK_EQ("unpack first", 0, msgbuf_unpack(rb, DSIG_INT, out, 3, 1));
	CHECK_EQ("first[2]", 3, out[2]);
	CHECK_EQ("unpack spliced int", 0, msgbuf_unpack(rb, DSIG_INT, &v, 1, 1));
	CHECK_EQ("spliced int", 5, v);
	CHECK_EQ("unpack spliced str", 0, msgbuf_unpack_str(rb, s));
	CHECK_EQ("spliced str", 0, strcmp(s, "in"));
	CHECK_EQ("unpack last", 0, msgbuf_unpack(rb, DSIG_INT, &v, 1, 1));
	CHECK_EQ("last", 9, v);
	CHECK_EQ("end", PvmNoData, msgbuf_unpack(rb, DSIG_INT, &v, 1, 1));
	msgbuf_free(rb);
	msgbuf_free(inner);
	msgbuf_free(outer);
}

static void test_count_ahead(void)
{
	struct msgbuf *mb = msgbuf_new(PvmDataDefault, dsig_native()), *rb;
	int i3[3] = {1, 2, 3}, v[5];
	unsigned u2[2] = {4, 5};
	short h = 7;
	size_t n = 99;

	msgbuf_pack(mb, DSIG_INT, i3, 3, 1);
	msgbuf_pack(mb, DSIG_UINT, u2, 2, 1); /* same class: counted on */
	msgbuf_pack(mb, DSIG_SHORT, &h, 1, 1);
	msgbuf_pack_str(mb, "abcd");
	msgbuf_pack_str(mb, "ef");
	rb = receive(mb);

	CHECK_EQ("count ints", 0, msgbuf_count_ahead(rb, DSIG_INT, &n));
	CHECK_EQ("ints and uints ahead", 5, n);
	CHECK_EQ("cursor unmoved", 0, rb->rpos);
	CHECK_EQ("wrong class first", PvmBadMsg, msgbuf_count_ahead(rb, DSIG_SHORT, &n));
	CHECK_EQ("unpack 2", 0, msgbuf_unpack(rb, DSIG_INT, v, 2, 1));
	CHECK_EQ("count mid-item", 0, msgbuf_count_ahead(rb, DSIG_UINT, &n));
	CHECK_EQ("left from the middle", 3, n);
	CHECK_EQ("unpack rest", 0, msgbuf_unpack(rb, DSIG_INT, v, 3, 1));
	CHECK_EQ("value 5", 5, v[2]);
	CHECK_EQ("count short", 0, msgbuf_count_ahead(rb, DSIG_SHORT, &n));
	CHECK_EQ("one short", 1, n);
	msgbuf_unpack(rb, DSIG_SHORT, &h, 1, 1);
	CHECK_EQ("count str", 0, msgbuf_count_ahead(rb, DSIG_STR, &n));
	CHECK_EQ("first string only", 4, n);
	{
		char s[8];

		CHECK_EQ("str still there", 0, msgbuf_unpack_str(rb, s));
		CHECK_EQ("str", 0, strcmp(s, "abcd"));
	}
	msgbuf_unpack_str(rb, (char[8]){0});
	CHECK_EQ("at the end", PvmNoData, msgbuf_count_ahead(rb, DSIG_INT, &n));
	msgbuf_free(rb);
	msgbuf_free(mb);

	/* a count that runs past the payload is a malformed item */
	{
		uint8_t bad[8] = {DSIG_INT, 0, 0, 0, 0, 0, 0, 9};
		uint8_t *p = malloc(sizeof(bad));

		memcpy(p, bad, sizeof(bad));
		rb = msgbuf_from_bytes(p, sizeof(bad), dsig_native());
		CHECK_EQ("malformed", PvmBadMsg, msgbuf_count_ahead(rb, DSIG_INT, &n));
		msgbuf_free(rb);
	}
}

int main(void)
{
	test_append_raw();
	test_count_ahead();
	if (failures == 0)
		printf("test_msgsplice: all passed\n");
	return failures != 0;
}

/*
 * test_frame.c - frame headers: encode/decode round trip, the bytes on the
 * wire, and rejection (with a reason) of bad magic, version, kind, length;
 * the framer: its steps over a stream, its limits and the owner's check.
 */
#include "frame.h"
#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static struct frame_header sample(void)
{
	struct frame_header h = {0};

	h.version = FRAME_VERSION;
	h.kind = FRAME_DATA;
	h.flags = 0xa55a;
	h.src = 0x40001;
	h.dst = 0x80002;
	h.ctx = -7;
	h.tag = 123456;
	h.dsig = 0x00408c41;
	h.len = 4096;
	h.seq = 0xfedcba98u;
	return h;
}

static void test_round_trip(void)
{
	struct frame_header h = sample(), back;
	uint8_t buf[FRAME_HEADER_LEN];
	const char *why = NULL;

	frame_encode(&h, buf);
	memset(&back, 0, sizeof(back));
	CHECK_EQ("decode", 0, frame_decode(buf, FRAME_DEFAULT_MAX, &back, &why));
	CHECK_EQ("version", h.version, back.version);
	CHECK_EQ("kind", h.kind, back.kind);
	CHECK_EQ("flags", h.flags, back.flags);
	CHECK_EQ("src", h.src, back.src);
	CHECK_EQ("dst", h.dst, back.dst);
	CHECK_EQ("ctx", h.ctx, back.ctx);
	CHECK_EQ("tag", h.tag, back.tag);
	CHECK_EQ("dsig", h.dsig, back.dsig);
	CHECK_EQ("len", h.len, back.len);
	CHECK_EQ("seq", h.seq, back.seq);

	h.kind = FRAME_CONTROL;
	h.len = 0;
	frame_encode(&h, buf);
	CHECK_EQ("control frame, empty payload", 0,
	         frame_decode(buf, FRAME_DEFAULT_MAX, &back, &why));
	CHECK_EQ("control kind", FRAME_CONTROL, back.kind);
}

/* Network byte order, magic first. */
static void test_wire_bytes(void)
{
	struct frame_header h = sample();
	uint8_t buf[FRAME_HEADER_LEN];

	frame_encode(&h, buf);
	CHECK_EQ("magic byte 0", 'P', buf[0]);
	CHECK_EQ("magic byte 3", 'X', buf[3]);
	CHECK_EQ("version byte", FRAME_VERSION, buf[4]);
	CHECK_EQ("kind byte", FRAME_DATA, buf[5]);
	CHECK_EQ("flags high byte first", 0xa5, buf[6]);
	CHECK_EQ("src most significant byte first", 0x00, buf[8]);
	CHECK_EQ("src low byte last", 0x01, buf[11]);
	CHECK_EQ("ctx -7 in two's complement", 0xf9, buf[19]);
	CHECK_EQ("len 4096", 0x10, buf[30]);
	CHECK_EQ("seq most significant byte first", 0xfe, buf[32]);
	CHECK_EQ("seq low byte last", 0x98, buf[35]);
	CHECK_EQ("header length", 36, FRAME_HEADER_LEN);
}

static void expect_reject(const char *what, const uint8_t *buf, uint32_t max)
{
	struct frame_header h;
	const char *why = NULL;
	int r = frame_decode(buf, max, &h, &why);

	CHECK_EQ(what, -1, r);
	if (r == -1 && (why == NULL || why[0] == '\0')) {
		fprintf(stderr, "%s: rejected without a reason\n", what);
		failures++;
	} else if (r == -1) {
		printf("%s: rejected: %s\n", what, why);
	}
}

static void test_rejects(void)
{
	struct frame_header h = sample(), back;
	uint8_t good[FRAME_HEADER_LEN], buf[FRAME_HEADER_LEN];
	const char *why = NULL;

	frame_encode(&h, good);
	memcpy(buf, good, sizeof(buf));
	buf[0] ^= 0x01;
	expect_reject("bad magic", buf, FRAME_DEFAULT_MAX);

	memcpy(buf, good, sizeof(buf));
	buf[4] = FRAME_VERSION + 1;
	expect_reject("bad version", buf, FRAME_DEFAULT_MAX);
	buf[4] = 0;
	expect_reject("version 0", buf, FRAME_DEFAULT_MAX);
	/* another pvmx build is named as such, older or newer */
	buf[4] = 1;
	CHECK_EQ("version 1 refused", -1, frame_decode(buf, FRAME_DEFAULT_MAX, &back, &why));
	CHECK_EQ("version 1: an older build", 1, strstr(why, "older pvmx build") != NULL);
	buf[4] = FRAME_VERSION + 1;
	frame_decode(buf, FRAME_DEFAULT_MAX, &back, &why);
	CHECK_EQ("a later version: a newer build", 1, strstr(why, "newer pvmx build") != NULL);

	memcpy(buf, good, sizeof(buf));
	buf[5] = 0;
	expect_reject("kind 0", buf, FRAME_DEFAULT_MAX);
	buf[5] = 3;
	expect_reject("kind 3", buf, FRAME_DEFAULT_MAX);
	buf[5] = 0xff;
	expect_reject("kind 255", buf, FRAME_DEFAULT_MAX);

	/* 4096 bytes of payload: exactly the maximum passes, one less fails */
	CHECK_EQ("length at the maximum", 0, frame_decode(good, 4096, &back, &why));
	expect_reject("length above the maximum", good, 4095);
	h.len = 0xffffffffu;
	frame_encode(&h, buf);
	expect_reject("length 2^32-1", buf, FRAME_DEFAULT_MAX);
}

static void test_max_len(void)
{
	unsetenv("PVMX_MAX_FRAME");
	CHECK_EQ("default maximum", FRAME_DEFAULT_MAX, frame_max_len());
	setenv("PVMX_MAX_FRAME", "65536", 1);
	CHECK_EQ("PVMX_MAX_FRAME", 65536, frame_max_len());
	setenv("PVMX_MAX_FRAME", "12x", 1);
	CHECK_EQ("garbage PVMX_MAX_FRAME", FRAME_DEFAULT_MAX, frame_max_len());
	setenv("PVMX_MAX_FRAME", "100", 1);
	CHECK_EQ("PVMX_MAX_FRAME below 1024", FRAME_DEFAULT_MAX, frame_max_len());
	setenv("PVMX_MAX_FRAME", "", 1);
	CHECK_EQ("empty PVMX_MAX_FRAME", FRAME_DEFAULT_MAX, frame_max_len());
	unsetenv("PVMX_MAX_FRAME");
}

static int check_calls;

/* the owner's check: control frames only, and counts its calls */
static int control_only(void *arg, const struct frame_header *h, const char **why)
{
	(void)arg;
	check_calls++;
	if (h->kind != FRAME_CONTROL) {
		*why = "not a control frame";
		return -1;
	}
	return 0;
}

/* A stream of two frames offered a byte at a time: the framer wants a
 * header, then its payload, then the next header. */
static void test_framer_steps(void)
{
	struct framer f;
	struct frame_header h = sample();
	uint8_t stream[2 * FRAME_HEADER_LEN + 10];
	const char *why = NULL;
	size_t at = 0, have;
	int headers = 0, payloads = 0, needs = 0;

	h.kind = FRAME_CONTROL;
	h.len = 10;
	frame_encode(&h, stream);
	memset(stream + FRAME_HEADER_LEN, 'x', 10);
	h.len = 0;
	frame_encode(&h, stream + FRAME_HEADER_LEN + 10);
	framer_init(&f, 1000, 100, control_only, NULL);
	for (have = 0; have <= sizeof(stream) - at;) {
		/* what is buffered: from `at` to `at + have` */
		enum framer_step st = framer_feed(&f, stream + at, have, &why);

		if (st == FRAMER_NEED) {
			needs++;
			if (at + have == sizeof(stream))
				break;
			have++;
		} else if (st == FRAMER_HEADER) {
			headers++;
			at += FRAME_HEADER_LEN;
			have -= FRAME_HEADER_LEN;
		} else if (st == FRAMER_PAYLOAD) {
			payloads++;
			CHECK_EQ("payload length", payloads == 1 ? 10u : 0u, f.hdr.len);
			at += f.hdr.len;
			have -= f.hdr.len;
		} else {
			CHECK_EQ("no error on a good stream", 0, 1);
			break;
		}
	}
	CHECK_EQ("two headers", 2, headers);
	CHECK_EQ("two payloads", 2, payloads);
	CHECK_EQ("the check saw each header", 2, check_calls);
	CHECK_EQ("it waited for bytes", 1, needs > FRAME_HEADER_LEN);
	CHECK_EQ("all consumed", sizeof(stream), at);
}

static void test_framer_limits(void)
{
	struct framer f;
	struct frame_header h = sample();
	uint8_t buf[FRAME_HEADER_LEN];
	const char *why = NULL;

	framer_init(&f, 1000, 100, control_only, NULL);
	h.kind = FRAME_CONTROL;
	h.len = 100;
	frame_encode(&h, buf);
	CHECK_EQ("control at its limit", FRAMER_HEADER, framer_feed(&f, buf, sizeof(buf), &why));
	framer_init(&f, 1000, 100, control_only, NULL);
	h.len = 101;
	frame_encode(&h, buf);
	CHECK_EQ("control over its limit", FRAMER_ERROR, framer_feed(&f, buf, sizeof(buf), &why));
	CHECK_EQ("with a reason", 1, why != NULL && strstr(why, "control frame longer") != NULL);
	framer_init(&f, 1000, 100, control_only, NULL);
	h.kind = FRAME_DATA;
	h.len = 5;
	frame_encode(&h, buf);
	CHECK_EQ("the owner refuses a data frame", FRAMER_ERROR,
	         framer_feed(&f, buf, sizeof(buf), &why));
	CHECK_STR("the owner's reason", "not a control frame", why);
	framer_init(&f, 1000, 2000, NULL, NULL);
	h.len = 1001;
	frame_encode(&h, buf);
	CHECK_EQ("any frame over the stream's maximum", FRAMER_ERROR,
	         framer_feed(&f, buf, sizeof(buf), &why));
}

/* A field numbered 0 (an over-long varint tag, 80 00) is refused, at the
 * top or nested: protobuf-c keeps it but cannot pack it again, so a
 * forwarded copy would not decode (found by fuzz/fuzz_control.c). */
static void test_control_field_zero(void)
{
	static const uint8_t top[] = {0x08, 0x08, 0x80, 0x00, 0x00};
	static const uint8_t nested[] = {0x08, 0x01, 0x62, 0x03, 0x80, 0x00, 0x00};
	static const uint8_t good[] = {0x08, 0x08, 0x62, 0x00};
	Pvmx__Control *ctl;

	CHECK_EQ("field 0 refused", 1, wire_control_decode(top, sizeof(top)) == NULL);
	CHECK_EQ("nested field 0 refused", 1,
	         wire_control_decode(nested, sizeof(nested)) == NULL);
	ctl = wire_control_decode(good, sizeof(good));
	CHECK_EQ("an empty spawn decodes", 1,
	         ctl != NULL && ctl->body_case == PVMX__CONTROL__BODY_SPAWN);
	wire_control_free(ctl);
}

int main(void)
{
	test_control_field_zero();
	test_framer_steps();
	test_framer_limits();
	test_round_trip();
	test_wire_bytes();
	test_rejects();
	test_max_len();
	if (failures != 0) {
		fprintf(stderr, "test_frame: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_frame: ok\n");
	return 0;
}

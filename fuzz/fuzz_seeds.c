/*
 * fuzz_seeds.c - writes the binary seed corpora of fuzz_frame,
 * fuzz_control and fuzz_unpack into <dir>/<target>/, made with the real
 * encoders (wire_control_frame, frame_encode, msgbuf_pack), so that the
 * seeds follow the formats as they change.  The build runs it; the
 * text corpora and regression inputs are in the tree (fuzz/corpus/).
 *
 *   fuzz_seeds DIR
 */
#include "msgbuf.h"
#include "pvm3.h"
#include "wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *outdir;

static void put(const char *target, const char *name, const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Fills the scalar fields of a message with plausible values, and
 * repeated int32 fields with two; nested messages stay unset. */
static void fill(ProtobufCMessage *m)
{
	static int32_t two[2] = {0x40001, 0x80002};
	static char str[] = "fuzz";

	for (unsigned i = 0; i < m->descriptor->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &m->descriptor->fields[i];
		char *at = (char *)m + f->offset;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			if (f->type == PROTOBUF_C_TYPE_INT32 ||
			    f->type == PROTOBUF_C_TYPE_SINT32) {
				*(size_t *)((char *)m + f->quantifier_offset) = 2;
				*(int32_t **)at = two;
			}
			continue;
		}
		switch (f->type) {
		case PROTOBUF_C_TYPE_INT32:
		case PROTOBUF_C_TYPE_SINT32:
		case PROTOBUF_C_TYPE_UINT32:
		case PROTOBUF_C_TYPE_ENUM:
			*(int32_t *)at = (int32_t)(0x40000 + i);
			break;
		case PROTOBUF_C_TYPE_INT64:
		case PROTOBUF_C_TYPE_UINT64:
			*(int64_t *)at = 1000000007LL * (i + 1);
			break;
		case PROTOBUF_C_TYPE_BOOL:
			*(protobuf_c_boolean *)at = 1;
			break;
		case PROTOBUF_C_TYPE_STRING:
			*(char **)at = str;
			break;
		case PROTOBUF_C_TYPE_BYTES:
			((ProtobufCBinaryData *)at)->data = (uint8_t *)str;
			((ProtobufCBinaryData *)at)->len = 4;
			break;
		default:
			break;
		}
	}
}

/* One seed per Control body: its payload (control/) and frame (frame/). */
static void control_seeds(void)
{
	const ProtobufCMessageDescriptor *d = &pvmx__control__descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		Pvmx__Control ctl = PVMX__CONTROL__INIT;
		ProtobufCMessage *sub;
		uint8_t *frame;
		size_t len;
		char name[128];

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		sub = calloc(1, f->descriptor == NULL
		                    ? 1
		                    : ((const ProtobufCMessageDescriptor *)f->descriptor)
		                          ->sizeof_message);
		if (sub == NULL)
			exit(1);
		protobuf_c_message_init(f->descriptor, sub);
		fill(sub);
		ctl.seq = 7 + i;
		*(uint32_t *)((char *)&ctl + f->quantifier_offset) = f->id;
		*(ProtobufCMessage **)((char *)&ctl + f->offset) = sub;
		frame = wire_control_frame(&ctl, 0x40001, 0x40000, &len);
		if (frame == NULL)
			exit(1);
		snprintf(name, sizeof(name), "%s", f->name);
		put("control", name, frame + FRAME_HEADER_LEN, len - FRAME_HEADER_LEN);
		snprintf(name, sizeof(name), "control-%s", f->name);
		put("frame", name, frame, len);
		free(frame);
		free(sub);
	}
}

static void frame_seeds(void)
{
	struct frame_header h = {.kind = FRAME_DATA,
	                         .src = 0x40001,
	                         .dst = 0x80002,
	                         .tag = 7,
	                         .dsig = dsig_native(),
	                         .len = 8,
	                         .seq = 1};
	uint8_t buf[3 * FRAME_HEADER_LEN + 64] = {0};

	frame_encode(&h, buf);
	memcpy(buf + FRAME_HEADER_LEN, "\x03\0\0\0\0\0\0\0", 8);
	put("frame", "data", buf, FRAME_HEADER_LEN + 8);
	/* two frames back to back, the second empty */
	h.len = 0;
	h.seq = 2;
	frame_encode(&h, buf + FRAME_HEADER_LEN + 8);
	put("frame", "data-twice", buf, 2 * FRAME_HEADER_LEN + 8);
	/* a multicast to two tids: (tid, seq) pairs, then the message */
	h.flags = FRAME_FLAG_MCAST;
	h.dst = 2;
	h.len = 2 * FRAME_MCAST_ENTRY;
	frame_encode(&h, buf);
	memcpy(buf + FRAME_HEADER_LEN, "\0\x08\0\x02\0\0\0\x01\0\x0c\0\x03\0\0\0\x01",
	       16);
	put("frame", "mcast", buf, FRAME_HEADER_LEN + 16);
	/* the header alone, promising a payload that never comes */
	h.flags = FRAME_FLAG_RAW;
	h.len = 1000;
	frame_encode(&h, buf);
	put("frame", "header-only", buf, FRAME_HEADER_LEN);
}

/* A message of every type, packed under each sender's signature. */
static void unpack_seeds(void)
{
	static const char *names[] = {"native", "be64", "le32", "be32"};
	const int sigs[] = {dsig_native(), dsig_make(2, 4, 8, 1), dsig_make(2, 4, 4, 0),
	                    dsig_make(2, 4, 4, 1)};
	/* the script: one unpack of each type, in packing order */
	static const uint8_t script[] = {0, 1 + 13, 2 + 13, 3 + 26, 4,  5,
	                                 6, 7,      8,      9,      10, 11};

	for (int s = 0; s < 4; s++) {
		struct msgbuf *mb = msgbuf_new(PvmDataDefault, sigs[s]);
		signed char b[3] = {-1, 2, 127};
		short sh[2] = {-300, 300};
		int in[3] = {-70000, 1, 2147483647};
		float fl[2] = {1.5f, -0.0f};
		double db[2] = {3.25e10, -7.125};
		long lg[2] = {-5, 1L << 30};
		unsigned short us = 65535;
		unsigned ui = 4000000000u;
		unsigned long ul = 4000000000ul;
		uint8_t *flat, *seed;
		size_t len;

		if (mb == NULL)
			exit(1);
		msgbuf_pack_str(mb, "hello");
		msgbuf_pack(mb, DSIG_BYTE, b, 3, 1);
		msgbuf_pack(mb, DSIG_SHORT, sh, 2, 1);
		msgbuf_pack(mb, DSIG_INT, in, 3, 1);
		msgbuf_pack(mb, DSIG_FLOAT, fl, 2, 1);
		msgbuf_pack(mb, DSIG_CPLX, fl, 1, 1);
		msgbuf_pack(mb, DSIG_DOUBLE, db, 2, 1);
		msgbuf_pack(mb, DSIG_DCPLX, db, 1, 1);
		msgbuf_pack(mb, DSIG_LONG, lg, 2, 1);
		msgbuf_pack(mb, DSIG_USHORT, &us, 1, 1);
		msgbuf_pack(mb, DSIG_UINT, &ui, 1, 1);
		msgbuf_pack(mb, DSIG_ULONG, &ul, 1, 1);
		flat = msgbuf_flatten(mb);
		len = msgbuf_length(mb);
		seed = malloc(2 + sizeof(script) + len);
		if (flat == NULL || seed == NULL)
			exit(1);
		seed[0] = (uint8_t)s;
		seed[1] = sizeof(script);
		memcpy(seed + 2, script, sizeof(script));
		memcpy(seed + 2 + sizeof(script), flat, len);
		put("unpack", names[s], seed, 2 + sizeof(script) + len);
		free(seed);
		free(flat);
		msgbuf_free(mb);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	control_seeds();
	frame_seeds();
	unpack_seeds();
	return 0;
}

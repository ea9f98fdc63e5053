/*
 * wire.c - build and parse control frames.
 */
#include "wire.h"

#include <stdlib.h>

uint8_t *wire_control_frame(const Pvmx__Control *ctl, int src, int dst, size_t *len)
{
	struct frame_header h = {0};
	size_t plen = pvmx__control__get_packed_size(ctl);
	uint8_t *buf = malloc(FRAME_HEADER_LEN + plen);

	if (buf == NULL)
		return NULL;
	h.kind = FRAME_CONTROL;
	h.src = src;
	h.dst = dst;
	h.len = (uint32_t)plen;
	frame_encode(&h, buf);
	pvmx__control__pack(ctl, buf + FRAME_HEADER_LEN);
	*len = FRAME_HEADER_LEN + plen;
	return buf;
}

/*
 * Whether m or a message in it holds an unknown field numbered 0.
 * protobuf-c 1.4 accepts one (written as an over-long varint, 80 00) and
 * keeps it, but packs it as a plain 00 that it then refuses: a message a
 * daemon forwards (to a task, or to another daemon) would arrive
 * undecodable and close that connection (found by fuzz/fuzz_control.c).
 */
static int has_field_zero(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < m->n_unknown_fields; i++) {
		if (m->unknown_fields[i].tag == 0)
			return 1;
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *at = (const char *)m + f->offset;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n =
			    *(const size_t *)((const char *)m + f->quantifier_offset);
			ProtobufCMessage *const *v =
			    *(ProtobufCMessage *const *const *)at;

			for (size_t k = 0; k < n; k++) {
				if (v[k] != NULL && has_field_zero(v[k]))
					return 1;
			}
			continue;
		}
		/* a member of a oneof is set only when the case names it */
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
			continue;
		if (*(ProtobufCMessage *const *)at != NULL &&
		    has_field_zero(*(ProtobufCMessage *const *)at))
			return 1;
	}
	return 0;
}

Pvmx__Control *wire_control_decode(const uint8_t *payload, size_t len)
{
	Pvmx__Control *ctl = pvmx__control__unpack(NULL, len, payload);

	if (ctl != NULL && has_field_zero(&ctl->base)) {
		pvmx__control__free_unpacked(ctl, NULL);
		return NULL;
	}
	return ctl;
}

void wire_control_free(Pvmx__Control *ctl)
{
	if (ctl != NULL)
		pvmx__control__free_unpacked(ctl, NULL);
}

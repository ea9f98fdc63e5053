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

Pvmx__Control *wire_control_decode(const uint8_t *payload, size_t len)
{
	return pvmx__control__unpack(NULL, len, payload);
}

void wire_control_free(Pvmx__Control *ctl)
{
	if (ctl != NULL)
		pvmx__control__free_unpacked(ctl, NULL);
}

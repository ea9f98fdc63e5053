/*
 * wire.h - control frames: a pvmx.Control protobuf in a FRAME_CONTROL.
 */
#ifndef PVMX_WIRE_H
#define PVMX_WIRE_H

#include "frame.h"
#include "pvmx.pb-c.h"

#include <stddef.h>
#include <stdint.h>

#define PVMX_PROTOCOL_VERSION 1

/* A malloc'ed frame (header and payload) holding ctl; *len its size.
 * NULL when out of memory.  The caller frees it. */
uint8_t *wire_control_frame(const Pvmx__Control *ctl, int src, int dst, size_t *len);
/* Unpacks a control payload; NULL if malformed (bounded by len).  Free
 * with wire_control_free. */
Pvmx__Control *wire_control_decode(const uint8_t *payload, size_t len);
void wire_control_free(Pvmx__Control *ctl);

#endif

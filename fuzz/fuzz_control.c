/*
 * fuzz_control.c - the control-message decoder (common/wire.c): the
 * input is a control frame's payload, as the daemon and the library get
 * it from a peer.  A message that decodes must encode into a frame that
 * decodes again, and encode the same way the second time.
 */
#include "fuzz.h"
#include "wire.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *payload = fuzz_copy(data, size);
	Pvmx__Control *ctl = wire_control_decode(payload, size);

	if (ctl != NULL) {
		size_t len, len2;
		uint8_t *frame = wire_control_frame(ctl, 0x40001, 0x40000, &len);
		struct frame_header h;
		const char *why;
		Pvmx__Control *again;
		uint8_t *frame2;

		FUZZ_CHECK(frame != NULL && len >= FRAME_HEADER_LEN);
		FUZZ_CHECK(frame_decode(frame, UINT32_MAX, &h, &why) == 0);
		FUZZ_CHECK(h.kind == FRAME_CONTROL && h.len == len - FRAME_HEADER_LEN);
		again = wire_control_decode(frame + FRAME_HEADER_LEN, h.len);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(again->body_case == ctl->body_case && again->seq == ctl->seq);
		frame2 = wire_control_frame(again, 0x40001, 0x40000, &len2);
		FUZZ_CHECK(frame2 != NULL && len2 == len);
		FUZZ_CHECK(memcmp(frame, frame2, len) == 0);
		free(frame2);
		wire_control_free(again);
		free(frame);
		wire_control_free(ctl);
	}
	free(payload);
	return 0;
}

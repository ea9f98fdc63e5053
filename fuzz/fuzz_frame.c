/*
 * fuzz_frame.c - the frame decoder and the framer (common/frame.c) over
 * a hostile byte stream: the input is read as one stream, offered to the
 * framer in chunks of varying size as a socket would deliver it.  Every
 * accepted header must re-encode to the bytes it came from, and no step
 * may claim more bytes than are buffered.
 */
#include "frame.h"
#include "fuzz.h"

#include <string.h>

/* A check as a stream's owner makes one: refuses some headers */
static int check_header(void *arg, const struct frame_header *h, const char **why)
{
	(void)arg;
	if (h->kind == FRAME_DATA && h->dst == 0) {
		*why = "data frame to tid 0";
		return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *stream = fuzz_copy(data, size);
	struct framer f;
	size_t pos = 0, avail = 0, chunk = 1 + (size % 7);
	uint32_t max_len = 1u << 16;
	const char *why = NULL;

	/* one header decoded on its own, from a buffer of exactly its size */
	if (size >= FRAME_HEADER_LEN) {
		uint8_t *hdr = fuzz_copy(data, FRAME_HEADER_LEN), out[FRAME_HEADER_LEN];
		struct frame_header h;

		if (frame_decode(hdr, max_len, &h, &why) == 0) {
			frame_encode(&h, out);
			FUZZ_CHECK(memcmp(out, hdr, FRAME_HEADER_LEN) == 0);
			FUZZ_CHECK(h.len <= max_len);
		} else {
			FUZZ_CHECK(why != NULL);
		}
		free(hdr);
	}

	framer_init(&f, max_len, 1024, check_header, NULL);
	for (;;) {
		size_t buffered = avail - pos;
		enum framer_step step = framer_feed(&f, stream + pos, buffered, &why);

		if (step == FRAMER_ERROR) {
			FUZZ_CHECK(why != NULL);
			break;
		}
		if (step == FRAMER_HEADER) {
			FUZZ_CHECK(buffered >= FRAME_HEADER_LEN);
			FUZZ_CHECK(f.hdr.len <= max_len);
			FUZZ_CHECK(f.hdr.kind != FRAME_CONTROL || f.hdr.len <= 1024);
			pos += FRAME_HEADER_LEN;
			continue;
		}
		if (step == FRAMER_PAYLOAD) {
			FUZZ_CHECK(f.hdr.len <= buffered);
			pos += f.hdr.len;
			continue;
		}
		FUZZ_CHECK(step == FRAMER_NEED);
		if (avail == size)
			break;
		/* the next read of the "socket" */
		avail = avail + chunk < size ? avail + chunk : size;
		chunk = chunk * 3 % 61 + 1;
	}
	free(stream);
	return 0;
}

/*
 * fuzz_unpack.c - unpacking a received message (libpvm/msgbuf.c) and the
 * conversion between data signatures (common/dsig.c), as a receiver
 * meets a payload from a hostile or differently built sender.
 *
 * Input: byte 0 picks the sender's data signature (FUZZ_SIGS below, or
 * any other value: the next 4 bytes are one, raw); then a script length
 * L (at most 32) and L script bytes; the rest is the payload.  Each
 * script byte is one unpack: type, count and stride; then whatever is
 * left is drained item by item.  Every buffer unpacked into has exactly
 * the size the call may write, so AddressSanitizer sees one byte more.
 */
#include "fuzz.h"
#include "msgbuf.h"
#include "pvm3.h"

#include <string.h>

/* x86_64 (native here), s390x/ppc64 (big endian), i386 and 32-bit big
 * endian (sparc, ppc): the hosts of a heterogeneous VM */
static int sig_of(int pick)
{
	switch (pick) {
	case 0:
		return dsig_native();
	case 1:
		return dsig_make(2, 4, 8, 1);
	case 2:
		return dsig_make(2, 4, 4, 0);
	default:
		return dsig_make(2, 4, 4, 1);
	}
}

/* Bytes msgbuf_unpack writes for count elements every stride'th. */
static size_t span(size_t esz, size_t count, size_t stride)
{
	return count == 0 ? 0 : ((count - 1) * stride + 1) * esz;
}

static int unpack_one(struct msgbuf *mb, enum dsig_type t, size_t count, size_t stride)
{
	size_t esz = dsig_elem_size(dsig_native(), t), n = span(esz, count, stride);
	uint8_t *buf = malloc(n > 0 ? n : 1);
	int r;

	FUZZ_CHECK(buf != NULL);
	r = msgbuf_unpack(mb, t, n > 0 ? buf : NULL, (int)count, (int)stride);
	FUZZ_CHECK(r == 0 || r == PvmNoData || r == PvmBadMsg || r == PvmOverflow ||
	           (r == PvmBadParam && t == DSIG_STR));
	free(buf);
	return r;
}

static int unpack_str(struct msgbuf *mb)
{
	size_t n = 0;
	char *s;
	int r = msgbuf_count_ahead(mb, DSIG_STR, &n);

	if (r != 0) {
		/* what count_ahead refuses, unpacking must refuse too */
		FUZZ_CHECK(msgbuf_unpack_str(mb, (char[1]){0}) != 0);
		return r;
	}
	s = malloc(n + 1);
	FUZZ_CHECK(s != NULL);
	r = msgbuf_unpack_str(mb, s);
	FUZZ_CHECK(r == 0 && strlen(s) <= n);
	free(s);
	return r;
}

/* Converts the payload's bytes as values of every type, both ways. */
static void convert_all(const uint8_t *payload, size_t len, int sig)
{
	int native = dsig_native();

	for (int t = DSIG_BYTE; t < DSIG_NTYPES; t++) {
		size_t ssz = dsig_elem_size(sig, (enum dsig_type)t);
		size_t dsz = dsig_elem_size(native, (enum dsig_type)t);
		size_t n = ssz > 0 ? len / ssz : 0;
		uint8_t *out, *back;
		int r;

		if (ssz == 0) {
			FUZZ_CHECK(dsig_convert((enum dsig_type)t, payload, sig,
			                        (char[8]){0}, native, 1) == PvmBadMsg);
			continue;
		}
		out = malloc(n * dsz + 1);
		back = malloc(n * ssz + 1);
		FUZZ_CHECK(out != NULL && back != NULL);
		r = dsig_convert((enum dsig_type)t, payload, sig, out, native, n);
		FUZZ_CHECK(r == 0 || r == PvmOverflow);
		r = dsig_convert((enum dsig_type)t, out, native, back, sig, n);
		FUZZ_CHECK(r == 0 || r == PvmOverflow);
		if (sig == native)
			FUZZ_CHECK(memcmp(back, payload, n * ssz) == 0);
		free(out);
		free(back);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *script, *payload;
	size_t nscript, plen;
	struct msgbuf *mb;
	int sig;

	if (size < 2)
		return 0;
	if (data[0] < 4) {
		sig = sig_of(data[0]);
		data++;
		size--;
	} else {
		if (size < 6)
			return 0;
		sig = (int)((uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
		            (uint32_t)data[3] << 8 | data[4]);
		data += 5;
		size -= 5;
	}
	nscript = data[0] % 33;
	if (nscript > size - 1)
		nscript = size - 1;
	script = data + 1;
	payload = script + nscript;
	plen = size - 1 - nscript;

	if (dsig_is_supported(sig))
		convert_all(payload, plen, sig);

	mb = msgbuf_from_bytes(fuzz_copy(payload, plen), plen, sig);
	FUZZ_CHECK(mb != NULL);
	for (size_t i = 0; i < nscript; i++) {
		int t = script[i] % 13;

		if (t == DSIG_STR)
			unpack_str(mb);
		else if (t < DSIG_NTYPES)
			unpack_one(mb, (enum dsig_type)t, (script[i] / 13) % 5,
			           1 + script[i] / 65);
		else
			msgbuf_rewind(mb);
	}
	/* drain: whatever type comes next, all of its run */
	for (int rounds = 0; rounds < 4096; rounds++) {
		size_t before = mb->rpos, n = 0;
		int t, r = PvmNoData;

		for (t = DSIG_STR; t < DSIG_NTYPES; t++) {
			if (msgbuf_count_ahead(mb, (enum dsig_type)t, &n) == 0)
				break;
		}
		if (t == DSIG_NTYPES)
			break;
		FUZZ_CHECK(n <= plen);
		r = t == DSIG_STR ? unpack_str(mb)
		                  : unpack_one(mb, (enum dsig_type)t, n, 1);
		if ((r != 0 && r != PvmOverflow) || mb->rpos == before)
			break;
	}
	msgbuf_free(mb);
	return 0;
}

/*
 * api3_packf.c - pvm_packf / pvm_unpackf against the typed pack functions,
 * both ways, for every conversion, count, stride and modifier; bad formats.
 * Needs no daemon: it packs and unpacks one local buffer.
 */
#include <pvm3.h>
#include <pvmx.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fails;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (cond) {                                                              \
			printf("ok - " __VA_ARGS__);                                     \
		} else {                                                                 \
			printf("FAIL - " __VA_ARGS__);                                   \
			fails++;                                                         \
		}                                                                        \
		printf(" (%s:%d)\n", __FILE__, __LINE__);                                \
	} while (0)

/* Makes the send buffer the receive buffer too, read from the start. */
static int as_rbuf(void)
{
	return pvm_setrbuf(pvm_getsbuf());
}

static int my_vpackf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pvm_vpackf(fmt, ap);
	va_end(ap);
	return r;
}

static int my_vunpackf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = pvm_vunpackf(fmt, ap);
	va_end(ap);
	return r;
}

/* values given by value, read back by the typed functions */
static void values_to_typed(int enc)
{
	char c, s[16];
	short h;
	unsigned short uh;
	int i;
	unsigned u;
	long l;
	unsigned long ul;
	float f;
	double d;
	int r;

	r = pvm_packf("%+ %c %hd %hud %d %ud %ld %lud %f %lf %s", enc, 'Q', -12, 65000,
	              -123456, 4000000000u, -1234567890123L, 18000000000000000000ul, 1.5,
	              2.25, "str");
	CHECK(r == 0, "packf by value, encoding %d: %d", enc, r);
	as_rbuf();
	r = pvm_upkbyte(&c, 1, 1);
	r |= pvm_upkshort(&h, 1, 1);
	r |= pvm_upkushort(&uh, 1, 1);
	r |= pvm_upkint(&i, 1, 1);
	r |= pvm_upkuint(&u, 1, 1);
	r |= pvm_upklong(&l, 1, 1);
	r |= pvm_upkulong(&ul, 1, 1);
	r |= pvm_upkfloat(&f, 1, 1);
	r |= pvm_upkdouble(&d, 1, 1);
	r |= pvm_upkstr(s);
	CHECK(r == 0 && c == 'Q' && h == -12 && uh == 65000 && i == -123456 &&
	          u == 4000000000u && l == -1234567890123L &&
	          ul == 18000000000000000000ul && f == 1.5f && d == 2.25 &&
	          strcmp(s, "str") == 0,
	      "typed unpack of packf values (enc %d)", enc);
	pvm_setrbuf(0);
}

/* arrays with counts and strides, packed typed, read by unpackf */
static void typed_to_unpackf(void)
{
	char cb[6] = "abcdef", cbo[3];
	short sh[6] = {1, 2, 3, 4, 5, 6}, sho[2];
	int in[6] = {10, 20, 30, 40, 50, 60}, ino[3];
	long lo[4] = {-1, -2, -3, -4}, loo[4];
	float fl[4] = {0.5f, 1.5f, 2.5f, 3.5f}, flo[2];
	double db[3] = {1e300, -2e-300, 3}, dbo[3];
	float cx[4] = {1, 2, 3, 4}, cxo[4];
	double dcx[4] = {5, 6, 7, 8}, dcxo[2];
	unsigned uo[2], ui[2] = {1u, 0xffffffffu};
	char str[32];
	int n3 = 3, s2 = 2, r;

	pvm_initsend(PvmDataDefault);
	r = pvm_pkbyte(cb, 3, 2);    /* a c e */
	r |= pvm_pkshort(sh, 2, 3);  /* 1 4 */
	r |= pvm_pkint(in, 3, 2);    /* 10 30 50 */
	r |= pvm_pklong(lo, 4, 1);   /* all */
	r |= pvm_pkfloat(fl, 2, 2);  /* 0.5 2.5 */
	r |= pvm_pkdouble(db, 3, 1); /* all */
	r |= pvm_pkcplx(cx, 2, 1);   /* (1,2) (3,4) */
	r |= pvm_pkdcplx(dcx, 1, 2); /* (5,6) */
	r |= pvm_pkuint(ui, 2, 1);
	r |= pvm_pkstr("hello world");
	CHECK(r == 0, "typed packs");
	as_rbuf();
	r = pvm_unpackf("%3c %2hd %*d %4ld %2f %3lf %2x %lx %2ud %s", cbo, sho, n3, ino,
	                loo, flo, dbo, cxo, dcxo, uo, str);
	CHECK(r == 0, "unpackf of typed packs: %d", r);
	CHECK(memcmp(cbo, "ace", 3) == 0 && sho[0] == 1 && sho[1] == 4 && ino[0] == 10 &&
	          ino[1] == 30 && ino[2] == 50 && loo[3] == -4 && flo[1] == 2.5f &&
	          dbo[0] == 1e300 && dbo[1] == -2e-300 && cxo[3] == 4 && dcxo[0] == 5 &&
	          dcxo[1] == 6 && uo[1] == 0xffffffffu && strcmp(str, "hello world") == 0,
	      "unpackf values");
	pvm_setrbuf(0);

	/* strides on the unpacking side: every other slot */
	pvm_initsend(PvmDataRaw);
	r = pvm_packf("%*.*d", 3, s2, in); /* 10 30 50 */
	CHECK(r == 0, "packf %%*.*d: %d", r);
	as_rbuf();
	{
		int out[6] = {0};

		r = pvm_unpackf("%3.2d", out);
		CHECK(r == 0 && out[0] == 10 && out[1] == 0 && out[2] == 30 &&
		          out[4] == 50,
		      "unpackf %%3.2d strided store");
	}
	pvm_setrbuf(0);
}

/* packf with addresses (count given), read by unpackf; in-place buffer */
static void packf_to_unpackf(void)
{
	int in[4] = {7, 8, 9, 10}, ino[4];
	double d = 3.25, dout;
	short hs[2] = {-3, 3}, hso[2];
	unsigned long ul[2] = {1, 2}, ulo[2];
	unsigned char uc[2] = {200, 1}, uco[2];
	char s[16];
	int r;

	r = pvm_packf("%+ %4d %1lf %2hd %2lud %2uc %s", PvmDataInPlace, in, &d, hs, ul,
	              uc, "ip");
	CHECK(r == 0, "packf addresses into PvmDataInPlace: %d", r);
	as_rbuf();
	r = pvm_unpackf("%4d %lf %2hd %2lud %2uc %s", ino, &dout, hso, ulo, uco, s);
	CHECK(r == 0 && ino[3] == 10 && dout == 3.25 && hso[0] == -3 && ulo[1] == 2 &&
	          uco[0] == 200 && strcmp(s, "ip") == 0,
	      "unpackf of packf addresses: %d", r);
	pvm_setrbuf(0);

	/* the va_list forms */
	pvm_initsend(PvmDataDefault);
	r = my_vpackf("%d %lf", 77, 0.125);
	as_rbuf();
	{
		int v = 0;
		double dv = 0;

		r |= my_vunpackf("%d %lf", &v, &dv);
		CHECK(r == 0 && v == 77 && dv == 0.125, "pvm_vpackf / pvm_vunpackf");
	}
	pvm_setrbuf(0);
	/* literal text and %% are skipped */
	pvm_initsend(PvmDataDefault);
	r = pvm_packf("x=%d, %% y=%d\n", 1, 2);
	as_rbuf();
	{
		int a[2] = {0, 0};

		r |= pvm_upkint(a, 2, 1);
		CHECK(r == 0 && a[0] == 1 && a[1] == 2,
		      "text between conversions skipped");
	}
	pvm_setrbuf(0);
}

static void errors(void)
{
	int v = 0, r;

	pvm_setopt(PvmAutoErr, 0);
	pvm_initsend(PvmDataDefault);
	CHECK(pvm_packf("%q", 1) == PvmBadParam, "unknown conversion: PvmBadParam");
	CHECK(pvm_packf("%5") == PvmBadParam, "unfinished conversion: PvmBadParam");
	CHECK(pvm_packf("%.d", 1) == PvmBadParam, "stride without digits: PvmBadParam");
	CHECK(pvm_packf("%*d", -1, &v) == PvmBadParam, "negative count: PvmBadParam");
	CHECK(pvm_packf("%1.*d", 0, &v) == PvmBadParam, "stride 0: PvmBadParam");
	CHECK(pvm_packf("%s", (char *)0) == PvmBadParam, "null string: PvmBadParam");
	CHECK(pvm_packf("%2d", (int *)0) == PvmBadParam, "null address: PvmBadParam");
	CHECK(pvm_packf(0) == PvmBadParam, "null format: PvmBadParam");
	CHECK(pvm_packf("%+ %d", 99, 1) == PvmBadParam,
	      "%%+ with a bad encoding: PvmBadParam");
	CHECK(pvm_unpackf("%+", 0) == PvmBadParam, "%%+ in unpackf: PvmBadParam");
	pvm_freebuf(pvm_setsbuf(0));
	CHECK(pvm_packf("%d", 1) == PvmNoBuf, "no send buffer: PvmNoBuf");
	pvm_initsend(PvmDataDefault);
	pvm_packf("%d", 5);
	as_rbuf();
	r = pvm_unpackf("%f", &v);
	CHECK(r == PvmBadMsg, "unpackf of the wrong type: PvmBadMsg (%d)", r);
	r = pvm_unpackf("%d %d", &v, &v);
	CHECK(r == PvmNoData && v == 5, "unpackf past the end: PvmNoData (%d)", r);
	pvm_setrbuf(0);
	CHECK(pvm_unpackf("%d", &v) == PvmNoBuf, "no receive buffer: PvmNoBuf");
}

int main(void)
{
	values_to_typed(PvmDataDefault);
	values_to_typed(PvmDataRaw);
	values_to_typed(PvmDataInPlace);
	typed_to_unpackf();
	packf_to_unpackf();
	errors();
	printf("%s\n", fails ? "api3_packf: FAILED" : "api3_packf: all passed");
	return fails ? 1 : 0;
}

/*
 * hetero_t.c - test_hetero.sh's task on a VM of two byte orders: the
 * native (x86-64, little-endian) master and an s390x (big-endian) host
 * run under qemu.  Built natively and for s390x (cmake/s390x.cmake).
 *   hetero_t run HOST   (native) spawns its partner on HOST, and for
 *                       PvmDataDefault and PvmDataRaw sends every pk type
 *                       (strided), has the partner check them, gets the
 *                       partner's own natively packed values and checks
 *                       them; then pvm_config seen from HOST, a notify
 *                       the partner asked for, and the partner's exit
 *   hetero_t partner    the spawned side
 *   hetero_t sleep      a task that waits to be killed
 * Prints one line per check ("ok - ", "FAIL - "); exits 1 if any failed.
 */
#include <pvm3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "check.h"

#define N 5          /* values of each type that travel */
#define PK_STRIDE 2  /* packed from every 2nd element */
#define UPK_STRIDE 3 /* unpacked into every 3rd element */
#define TAG_VALUES 1 /* native -> partner: encoding, then the values */
#define TAG_VERDICT 2
#define TAG_BACK 3 /* partner -> native: its own values */
#define TAG_CONF 4
#define TAG_WATCH 5 /* native -> partner: a tid to watch; partner answers */
#define TAG_NOTIFY 6
#define TAG_EXIT 9
#define TAG_GONE 10

static const char *const STRS[2] = {"hello, other byte order", ""};

/* The i-th value of each type: every byte differs, signs both ways. */
static char v_byte(int i)
{
	return (char)(0x80 + 0x11 * i);
}
static short v_short(int i)
{
	return (short)(i % 2 ? -0x1234 - i : 0x1234 + 0x101 * i);
}
static unsigned short v_ushort(int i)
{
	return (unsigned short)(0xfedc - 0x0102 * i);
}
static int v_int(int i)
{
	return i % 2 ? -0x12345678 - i : 0x12345678 + 0x01010101 * i;
}
static unsigned v_uint(int i)
{
	return 0xfedcba98u - 0x01020304u * (unsigned)i;
}
static long v_long(int i)
{
	/* 64 bits on both hosts (LP64): a value that needs them */
	return sizeof(long) == 8 ? (i % 2 ? -1 : 1) * (long)(0x0123456789abcdefLL + i)
	                         : (long)v_int(i);
}
static unsigned long v_ulong(int i)
{
	return sizeof(long) == 8 ? (unsigned long)(0xfedcba9876543210ULL - (unsigned)i)
	                         : (unsigned long)v_uint(i);
}
static float v_float(int i)
{
	return 1.5f * (float)i - 3.25e7f;
}
static double v_double(int i)
{
	return (i % 2 ? -1.0 : 1.0) * 1.0e300 / (i + 1) + 0.125;
}

/* Packs N values of each type from arrays of N * PK_STRIDE elements. */
static void pack_all(void)
{
	char b[N * PK_STRIDE];
	short s[N * PK_STRIDE];
	unsigned short us[N * PK_STRIDE];
	int in[N * PK_STRIDE];
	unsigned ui[N * PK_STRIDE];
	long l[N * PK_STRIDE];
	unsigned long ul[N * PK_STRIDE];
	float f[N * PK_STRIDE], c[2 * N * PK_STRIDE];
	double d[N * PK_STRIDE], z[2 * N * PK_STRIDE];
	int i;

	for (i = 0; i < N * PK_STRIDE; i++) {
		/* the skipped elements hold what must never arrive */
		int k = i % PK_STRIDE ? 77 : i / PK_STRIDE;

		b[i] = v_byte(k);
		s[i] = v_short(k);
		us[i] = v_ushort(k);
		in[i] = v_int(k);
		ui[i] = v_uint(k);
		l[i] = v_long(k);
		ul[i] = v_ulong(k);
		f[i] = v_float(k);
		d[i] = v_double(k);
		c[2 * i] = v_float(k);
		c[2 * i + 1] = -v_float(k + 1);
		z[2 * i] = v_double(k);
		z[2 * i + 1] = -v_double(k + 1);
	}
	pvm_pkbyte(b, N, PK_STRIDE);
	pvm_pkshort(s, N, PK_STRIDE);
	pvm_pkushort(us, N, PK_STRIDE);
	pvm_pkint(in, N, PK_STRIDE);
	pvm_pkuint(ui, N, PK_STRIDE);
	pvm_pklong(l, N, PK_STRIDE);
	pvm_pkulong(ul, N, PK_STRIDE);
	pvm_pkfloat(f, N, PK_STRIDE);
	pvm_pkdouble(d, N, PK_STRIDE);
	pvm_pkcplx(c, N, PK_STRIDE);
	pvm_pkdcplx(z, N, PK_STRIDE);
	pvm_pkstr((char *)STRS[0]);
	pvm_pkstr((char *)STRS[1]);
}

#define BAD(...)                                                                         \
	do {                                                                             \
		if (nbad++ == 0)                                                         \
			snprintf(why, whylen, __VA_ARGS__);                              \
	} while (0)

/* Unpacks what pack_all packed, into every UPK_STRIDE-th element of
 * zeroed arrays; the number of wrong values, the first described in why. */
static int unpack_check(char *why, size_t whylen)
{
	enum { M = N * UPK_STRIDE };
	char b[M] = {0}, str[2][64];
	short s[M] = {0};
	unsigned short us[M] = {0};
	int in[M] = {0}, nbad = 0, i, rc[13];
	unsigned ui[M] = {0};
	long l[M] = {0};
	unsigned long ul[M] = {0};
	float f[M] = {0}, c[2 * M] = {0};
	double d[M] = {0}, z[2 * M] = {0};

	snprintf(why, whylen, "all values right");
	rc[0] = pvm_upkbyte(b, N, UPK_STRIDE);
	rc[1] = pvm_upkshort(s, N, UPK_STRIDE);
	rc[2] = pvm_upkushort(us, N, UPK_STRIDE);
	rc[3] = pvm_upkint(in, N, UPK_STRIDE);
	rc[4] = pvm_upkuint(ui, N, UPK_STRIDE);
	rc[5] = pvm_upklong(l, N, UPK_STRIDE);
	rc[6] = pvm_upkulong(ul, N, UPK_STRIDE);
	rc[7] = pvm_upkfloat(f, N, UPK_STRIDE);
	rc[8] = pvm_upkdouble(d, N, UPK_STRIDE);
	rc[9] = pvm_upkcplx(c, N, UPK_STRIDE);
	rc[10] = pvm_upkdcplx(z, N, UPK_STRIDE);
	memset(str, 'x', sizeof(str));
	rc[11] = pvm_upkstr(str[0]);
	rc[12] = pvm_upkstr(str[1]);
	for (i = 0; i < 13; i++)
		if (rc[i] < 0)
			BAD("unpack %d of 13 returned %d", i + 1, rc[i]);
	for (i = 0; i < M; i++) {
		int k = i / UPK_STRIDE, at = i % UPK_STRIDE == 0;

		if (b[i] != (at ? v_byte(k) : 0))
			BAD("byte[%d] = %d", i, b[i]);
		if (s[i] != (at ? v_short(k) : 0))
			BAD("short[%d] = %d", i, s[i]);
		if (us[i] != (at ? v_ushort(k) : 0))
			BAD("ushort[%d] = %u", i, us[i]);
		if (in[i] != (at ? v_int(k) : 0))
			BAD("int[%d] = %d", i, in[i]);
		if (ui[i] != (at ? v_uint(k) : 0))
			BAD("uint[%d] = %u", i, ui[i]);
		if (l[i] != (at ? v_long(k) : 0))
			BAD("long[%d] = %ld", i, l[i]);
		if (ul[i] != (at ? v_ulong(k) : 0))
			BAD("ulong[%d] = %lu", i, ul[i]);
		if (f[i] != (at ? v_float(k) : 0))
			BAD("float[%d] = %g", i, (double)f[i]);
		if (d[i] != (at ? v_double(k) : 0))
			BAD("double[%d] = %g", i, d[i]);
		if (c[2 * i] != (at ? v_float(k) : 0) ||
		    c[2 * i + 1] != (at ? -v_float(k + 1) : 0))
			BAD("cplx[%d] = %g%+gi", i, (double)c[2 * i],
			    (double)c[2 * i + 1]);
		if (z[2 * i] != (at ? v_double(k) : 0) ||
		    z[2 * i + 1] != (at ? -v_double(k + 1) : 0))
			BAD("dcplx[%d] = %g%+gi", i, z[2 * i], z[2 * i + 1]);
	}
	if (strcmp(str[0], STRS[0]) != 0 || strcmp(str[1], STRS[1]) != 0)
		BAD("strings [%.40s] [%.40s]", str[0], str[1]);
	return nbad;
}

static const char *enc_name(int enc)
{
	return enc == PvmDataRaw ? "PvmDataRaw" : "PvmDataDefault";
}

static int run_partner(void)
{
	int parent = pvm_parent(), enc, nbad, bufid;
	char why[200];

	for (;;) {
		int bytes, tag, src;

		bufid = pvm_recv(parent, -1);
		if (bufid < 0)
			return 1;
		pvm_bufinfo(bufid, &bytes, &tag, &src);
		if (tag == TAG_EXIT)
			return 0;
		if (tag == TAG_VALUES) {
			pvm_upkint(&enc, 1, 1);
			nbad = unpack_check(why, sizeof(why));
			pvm_initsend(enc);
			pvm_pkint(&nbad, 1, 1);
			pvm_pkstr(why);
			pvm_send(parent, TAG_VERDICT);
			pvm_initsend(enc);
			pack_all();
			pvm_send(parent, TAG_BACK);
		} else if (tag == TAG_CONF) {
			struct pvmhostinfo *hi;
			int nhost, narch, i, me = pvm_tidtohost(pvm_mytid());

			pvm_config(&nhost, &narch, &hi);
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&nhost, 1, 1);
			pvm_pkint(&narch, 1, 1);
			for (i = 0; i < nhost; i++) {
				pvm_pkint(&hi[i].hi_tid, 1, 1);
				pvm_pkstr(hi[i].hi_name);
				pvm_pkstr(hi[i].hi_arch);
				pvm_pkint(&hi[i].hi_dsig, 1, 1);
			}
			pvm_pkint(&me, 1, 1);
			pvm_send(parent, TAG_CONF);
		} else if (tag == TAG_WATCH) {
			int victim, got = 0, from = -1, r;

			pvm_upkint(&victim, 1, 1);
			r = pvm_notify(PvmTaskExit, TAG_NOTIFY, 1, &victim);
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&r, 1, 1);
			pvm_send(parent, TAG_WATCH); /* armed: the parent kills it */
			bufid = pvm_trecv(-1, TAG_NOTIFY, &(struct timeval){10, 0});
			if (bufid > 0) {
				pvm_bufinfo(bufid, &bytes, &tag, &from);
				pvm_upkint(&got, 1, 1);
			}
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&got, 1, 1);
			pvm_pkint(&from, 1, 1);
			pvm_send(parent, TAG_NOTIFY);
		}
	}
}

static int run_native(const char *host)
{
	static const int encs[2] = {PvmDataDefault, PvmDataRaw};
	char *pargs[] = {"partner", NULL}, *sargs[] = {"sleep", NULL};
	struct timeval tmo = {30, 0};
	struct pvmhostinfo *hi;
	int partner = 0, victim = 0, n, e, nhost, narch, i, bytes, tag, src;

	if (pvm_mytid() < 0)
		return 1;
	n = pvm_spawn("hetero_t", pargs, PvmTaskHost, (char *)host, 1, &partner);
	CHECK(n == 1, "spawn hetero_t partner on %s: t%x", host, partner);
	if (n != 1) {
		pvm_exit();
		return 1;
	}
	pvm_config(&nhost, &narch, &hi);
	for (i = 0; i < nhost; i++)
		if (hi[i].hi_tid == pvm_tidtohost(partner))
			printf("# partner's host %s arch %s dsig 0x%x; ours 0x%x\n",
			       hi[i].hi_name, hi[i].hi_arch, (unsigned)hi[i].hi_dsig,
			       (unsigned)hi[0].hi_dsig);
	CHECK(pvm_notify(PvmTaskExit, TAG_GONE, 1, &partner) == 0,
	      "notify PvmTaskExit on the partner");

	for (e = 0; e < 2; e++) {
		char why[200];
		int nbad = -1;

		pvm_initsend(encs[e]);
		pvm_pkint((int *)&encs[e], 1, 1);
		pack_all();
		pvm_send(partner, TAG_VALUES);
		if (pvm_trecv(partner, TAG_VERDICT, &tmo) > 0) {
			pvm_upkint(&nbad, 1, 1);
			pvm_upkstr(why);
		} else {
			snprintf(why, sizeof(why), "no answer");
		}
		CHECK(nbad == 0, "%s: the partner unpacked every type right: %s",
		      enc_name(encs[e]), why);
		if (pvm_trecv(partner, TAG_BACK, &tmo) > 0) {
			nbad = unpack_check(why, sizeof(why));
		} else {
			nbad = -1;
			snprintf(why, sizeof(why), "no answer");
		}
		CHECK(nbad == 0, "%s: the partner's own values unpack right here: %s",
		      enc_name(encs[e]), why);
	}

	/* pvm_config as the partner's library sees it */
	pvm_initsend(PvmDataDefault);
	pvm_send(partner, TAG_CONF);
	if (pvm_trecv(partner, TAG_CONF, &tmo) > 0) {
		int pn = 0, pa = 0, me = 0, dsig[8] = {0}, tid[8] = {0};
		char name[8][64], arch[8][32], line[1024] = "";

		pvm_upkint(&pn, 1, 1);
		pvm_upkint(&pa, 1, 1);
		for (i = 0; i < pn && i < 8; i++) {
			pvm_upkint(&tid[i], 1, 1);
			pvm_upkstr(name[i]);
			pvm_upkstr(arch[i]);
			pvm_upkint(&dsig[i], 1, 1);
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
			         " %s=%s/0x%x", name[i], arch[i], (unsigned)dsig[i]);
		}
		pvm_upkint(&me, 1, 1);
		CHECK(pn == nhost && pa == 2,
		      "partner's pvm_config: %d hosts, %d archs:%s", pn, pa, line);
		for (i = 0; i < pn && i < 8 && i < nhost; i++)
			CHECK(tid[i] == hi[i].hi_tid &&
			          strcmp(arch[i], hi[i].hi_arch) == 0 &&
			          dsig[i] == hi[i].hi_dsig,
			      "host %d the same from both sides: t%x %s 0x%x", i, tid[i],
			      arch[i], (unsigned)dsig[i]);
		CHECK(me == pvm_tidtohost(partner), "partner's pvm_tidtohost: t%x", me);
	} else {
		CHECK(0, "partner's pvm_config: no answer");
	}

	/* a notify the s390x partner asks for, about a native task */
	n = pvm_spawn("hetero_t", sargs, PvmTaskHost, (char *)hi[0].hi_name, 1, &victim);
	CHECK(n == 1, "spawn a native task to watch: t%x", victim);
	if (n == 1) {
		int r = -99, got = 0, from = 0;

		pvm_initsend(PvmDataDefault);
		pvm_pkint(&victim, 1, 1);
		pvm_send(partner, TAG_WATCH);
		if (pvm_trecv(partner, TAG_WATCH, &tmo) > 0)
			pvm_upkint(&r, 1, 1);
		CHECK(r == 0, "partner's pvm_notify(PvmTaskExit) on t%x: %d", victim, r);
		pvm_kill(victim);
		if (pvm_trecv(partner, TAG_NOTIFY, &tmo) > 0) {
			pvm_upkint(&got, 1, 1);
			pvm_upkint(&from, 1, 1);
		}
		CHECK(got == victim,
		      "partner got PvmTaskExit for t%x (says t%x, from t%x)", victim, got,
		      from);
	}

	/* the partner exits: our notify names it */
	pvm_initsend(PvmDataDefault);
	pvm_send(partner, TAG_EXIT);
	{
		int got = 0;

		if (pvm_trecv(-1, TAG_GONE, &tmo) > 0) {
			pvm_bufinfo(pvm_getrbuf(), &bytes, &tag, &src);
			pvm_upkint(&got, 1, 1);
		}
		CHECK(got == partner, "PvmTaskExit for the partner t%x: t%x", partner,
		      got);
	}
	pvm_exit();
	printf("%s - hetero: %d failure(s)\n", fails ? "FAIL" : "ok", fails);
	return fails != 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "partner") == 0) {
		int r = run_partner();

		pvm_exit();
		return r;
	}
	if (argc >= 2 && strcmp(argv[1], "sleep") == 0) {
		pvm_mytid();
		pvm_recv(-1, TAG_EXIT);
		pvm_exit();
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "run") == 0)
		return run_native(argv[2]);
	fprintf(stderr, "usage: hetero_t run HOST | partner | sleep\n");
	return 2;
}

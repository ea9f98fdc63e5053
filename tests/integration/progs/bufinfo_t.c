/*
 * bufinfo_t.c - pvm_bufinfo's byte count (and pvm_getminfo's len) as PVM
 * 3.4.6 reports it, for each type under PvmDataRaw, PvmDataDefault (XDR)
 * and PvmDataInPlace.  The expected numbers were read off the real PVM
 * 3.4.6 (Debian's libpvm3) with this same sequence of calls.  Prints one
 * line per check; exits 1 if any failed.
 */
#include <pvm3.h>
#include <stdio.h>

static int me, fails;

/* sends the send buffer to ourselves; the received message's length */
static int roundtrip(int *minfo_len)
{
	struct pvmminfo mi;
	int b, n = -1;

	pvm_send(me, 1);
	b = pvm_recv(me, 1);
	pvm_bufinfo(b, &n, 0, 0);
	*minfo_len = pvm_getminfo(b, &mi) == 0 ? mi.len : -1;
	return n;
}

static void check(const char *what, int enc, int want)
{
	int ml, got = roundtrip(&ml);

	printf("%s - %s %s: %d bytes (PVM 3.4.6: %d), getminfo len %d\n",
	       got == want && ml == want ? "ok" : "FAIL",
	       enc == PvmDataRaw       ? "raw"
	       : enc == PvmDataDefault ? "xdr"
	                               : "inplace",
	       what, got, want, ml);
	fails += got != want || ml != want;
}

int main(void)
{
	short s[3] = {1, 2, 3};
	long l[3] = {1, 2, 3};
	float f[3] = {1, 2, 3};
	double d[3] = {1, 2, 3};
	char c[11] = "abcdefghij";
	int v[3] = {1, 2, 3};
	unsigned u = 1;
	unsigned long ul = 1;
	unsigned short us = 1;
	/* raw, xdr */
	static const int want[][2] = {{6, 12},  {24, 12}, {12, 12}, {8, 8},   {16, 16},
	                              {5, 8},   {8, 8},   {10, 16}, {6, 8},   {14, 12},
	                              {10, 12}, {12, 12}, {10, 12}, {11, 12}, {0, 0}};
	const int encs[2] = {PvmDataRaw, PvmDataDefault};

	me = pvm_mytid();
	if (me < 0)
		return 1;
	for (int e = 0; e < 2; e++) {
		int E = encs[e], k = 0;

		pvm_initsend(E), pvm_pkshort(s, 3, 1), check("3 shorts", E, want[k++][e]);
		pvm_initsend(E), pvm_pklong(l, 3, 1), check("3 longs", E, want[k++][e]);
		pvm_initsend(E), pvm_pkfloat(f, 3, 1), check("3 floats", E, want[k++][e]);
		pvm_initsend(E), pvm_pkcplx(f, 1, 1), check("1 complex", E, want[k++][e]);
		pvm_initsend(E), pvm_pkdcplx(d, 1, 1),
		    check("1 dcomplex", E, want[k++][e]);
		pvm_initsend(E), pvm_pkstr(""), check("empty string", E, want[k++][e]);
		pvm_initsend(E), pvm_pkstr("abc"), check("string abc", E, want[k++][e]);
		pvm_initsend(E), pvm_pkbyte(c, 5, 1), pvm_pkbyte(c, 5, 1);
		check("5 bytes twice", E, want[k++][e]);
		pvm_initsend(E), pvm_pkbyte(c, 6, 2),
		    check("6 bytes, stride 2", E, want[k++][e]);
		pvm_initsend(E), pvm_pkuint(&u, 1, 1), pvm_pkulong(&ul, 1, 1);
		pvm_pkushort(&us, 1, 1), check("uint, ulong, ushort", E, want[k++][e]);
		pvm_initsend(E), pvm_pkbyte(c, 10, 1), check("10 bytes", E, want[k++][e]);
		pvm_initsend(E), pvm_pkint(v, 3, 1), check("3 ints", E, want[k++][e]);
		pvm_initsend(E), pvm_pkstr("hello"),
		    check("string hello", E, want[k++][e]);
		pvm_initsend(E), pvm_pkbyte(c, 3, 1), pvm_pkdouble(d, 1, 1);
		check("3 bytes and a double", E, want[k++][e]);
		pvm_initsend(E), check("empty message", E, want[k++][e]);
	}
	pvm_initsend(PvmDataInPlace), pvm_pkbyte(c, 5, 1), pvm_pkint(v, 1, 1);
	check("5 bytes and an int", PvmDataInPlace, 9);
	/* a message of bytes only: the count unpacks it whole (raw) */
	pvm_initsend(PvmDataRaw), pvm_pkbyte(c, 10, 1);
	{
		int n, b;
		char back[16];

		pvm_send(me, 2);
		b = pvm_recv(me, 2);
		pvm_bufinfo(b, &n, 0, 0);
		printf("%s - raw bytes: bufinfo's count unpacks them whole (%d)\n",
		       n == 10 && pvm_upkbyte(back, n, 1) == 0 ? "ok" : "FAIL", n);
		fails += n != 10;
	}
	pvm_exit();
	return fails != 0;
}

/*
 * output_prog.h - a PVM 3.4 master that catches its children's output
 * (pvm_catchout), watches them exit (pvm_notify PvmTaskExit), and talks
 * to them with pvm_psend/pvm_precv and pvm_packf/pvm_unpackf, each mixed
 * with the ordinary calls on the other end (pvm_send to pvm_precv,
 * pvm_psend to pvm_recv, pvm_packf to pvm_upk*).
 * compat_output.c and ref_output.c are this file.
 *
 * A call that answers PvmNotImpl is reported as a skip and replaced by
 * its ordinary equivalent, so the other checks still run.
 */
#ifndef COMPAT_OUTPUT_PROG_H
#define COMPAT_OUTPUT_PROG_H

#include <unistd.h>

#include "compat_util.h"

#define OUT_TAG_PS 41     /* master -> child, psend doubles */
#define OUT_TAG_INTS 42   /* master -> child, pvm_send ints */
#define OUT_TAG_BACK 43   /* child -> master, psend doubles back */
#define OUT_TAG_PACKF 44  /* child -> master, packf */
#define OUT_TAG_REPORT 45 /* child -> master */
#define OUT_TAG_EXIT 46
#define OUT_TAG_LATE 47
#define OUT_NCHILD 2
#define OUT_ND 8
#define OUT_NI 5
#define OUT_WAIT 20
#define OUT_TEXT "packed with pvm_packf"

static const double out_doubles[OUT_ND] = {0.5, -1.25, 3e100, -7e-200,
                                           1.0, 2.0,   1e-3,  42.0};
static const int out_ints[OUT_NI] = {7, -7, 0, 2147483647, -2147483647 - 1};

/* ----------------------------------------------------------------- child */

static int out_child(void)
{
	const char *who = "child";
	char what[256];
	int mytid = pvm_mytid();
	int parent = pvm_parent();
	double d[16];
	int ints[OUT_NI];
	int rtid = 0, rtag = 0, rlen = 0;

	compat_collect = 1;
	/* for the parent's pvm_catchout: one line each on stdout and stderr */
	printf("stdout line from t%x\n", mytid);
	fflush(stdout);
	fprintf(stderr, "stderr line from t%x\n", mytid);
	fflush(stderr);

	/* the parent's catchout is where our own output goes, and where our
	 * children's would: the output options are inherited as both */
	int otid = pvm_getopt(PvmOutputTid), stid = pvm_getopt(PvmSelfOutputTid);
	int ocode = pvm_getopt(PvmOutputCode), scode = pvm_getopt(PvmSelfOutputCode);
	int octx = pvm_getopt(PvmOutputContext), sctx = pvm_getopt(PvmSelfOutputContext);
	snprintf(what, sizeof(what),
	         "inherited PvmOutputTid t%x, PvmSelfOutputTid t%x (the parent t%x), "
	         "code and context alike",
	         otid, stid, parent);
	compat_check(otid == parent && stid == parent && ocode == scode && octx == sctx,
	             who, what);
	/* pvm_catchout(0) sets the output options back to the self ones */
	pvm_catchout(stdout);
	pvm_catchout(NULL);
	snprintf(what, sizeof(what),
	         "after pvm_catchout(stdout) and pvm_catchout(0): PvmOutputTid t%x",
	         pvm_getopt(PvmOutputTid));
	compat_check(pvm_getopt(PvmOutputTid) == parent &&
	                 pvm_getopt(PvmOutputCode) == scode &&
	                 pvm_getopt(PvmOutputContext) == sctx,
	             who, what);

	memset(d, 0, sizeof(d));
	int cc = pvm_precv(parent, OUT_TAG_PS, d, 16, PVM_DOUBLE, &rtid, &rtag, &rlen);
	if (compat_notimpl(cc, who, "pvm_precv")) {
		pvm_recv(parent, OUT_TAG_PS);
		pvm_upkdouble(d, OUT_ND, 1);
		rtid = parent, rtag = OUT_TAG_PS, rlen = OUT_ND;
	} else {
		snprintf(
		    what, sizeof(what),
		    "pvm_precv(parent, %d, 16 doubles) = %d: from t%x, tag %d, %d bytes",
		    OUT_TAG_PS, cc, rtid, rtag, rlen);
		compat_check(cc == 0 && rtid == parent && rtag == OUT_TAG_PS &&
		                 rlen == (int)(OUT_ND * sizeof(double)),
		             who, what);
	}
	compat_check(memcmp(d, out_doubles, sizeof(out_doubles)) == 0, who,
	             "the doubles arrived exactly");

	/* a message from pvm_send + pvm_pkint, taken with pvm_precv (the
	 * parent packs it PvmDataRaw: PVM 3.4.6's pvm_precv copies the bytes
	 * as they are, and PvmDataDefault's are XDR, big-endian) */
	memset(ints, 0, sizeof(ints));
	cc = pvm_precv(parent, OUT_TAG_INTS, ints, OUT_NI, PVM_INT, &rtid, &rtag, &rlen);
	if (compat_notimpl(cc, who, "pvm_precv")) {
		pvm_recv(parent, OUT_TAG_INTS);
		pvm_upkint(ints, OUT_NI, 1);
	} else {
		snprintf(
		    what, sizeof(what),
		    "pvm_precv of a pvm_send message = %d: from t%x, tag %d, %d bytes",
		    cc, rtid, rtag, rlen);
		compat_check(cc == 0 && rtid == parent && rtag == OUT_TAG_INTS &&
		                 rlen == (int)(OUT_NI * sizeof(int)),
		             who, what);
	}
	compat_check(memcmp(ints, out_ints, sizeof(ints)) == 0, who,
	             "the ints from pvm_send arrived exactly through pvm_precv");

	/* psend back, doubled, for the parent's pvm_recv */
	for (int i = 0; i < OUT_ND; i++)
		d[i] *= 2;
	cc = pvm_psend(parent, OUT_TAG_BACK, d, OUT_ND, PVM_DOUBLE);
	if (compat_notimpl(cc, who, "pvm_psend")) {
		pvm_initsend(PvmDataDefault);
		pvm_pkdouble(d, OUT_ND, 1);
		pvm_send(parent, OUT_TAG_BACK);
	} else {
		snprintf(what, sizeof(what), "pvm_psend(parent, %d doubles) = %d", OUT_ND,
		         cc);
		compat_check(cc == 0, who, what);
	}

	/* packf: an int by value, a counted int array, 4 doubles, a string,
	 * a long and a short by value (a long that fits 32 bits: PVM 3.4.6
	 * sends PvmDataDefault longs as 4 XDR bytes) */
	int count = OUT_NI;
	long lv = 1234567890L;
	short sv = -12345;
	cc = pvm_packf("%+ %d %*d %4lf %s %ld %hd", PvmDataDefault, count, count,
	               (int *)out_ints, (double *)out_doubles, OUT_TEXT, lv, sv);
	if (compat_notimpl(cc, who, "pvm_packf")) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&count, 1, 1);
		pvm_pkint((int *)out_ints, count, 1);
		pvm_pkdouble((double *)out_doubles, 4, 1);
		pvm_pkstr(OUT_TEXT);
		pvm_pklong(&lv, 1, 1);
		pvm_pkshort(&sv, 1, 1);
	} else {
		snprintf(what, sizeof(what),
		         "pvm_packf(\"%%+ %%d %%*d %%4lf %%s %%ld %%hd\") = %d", cc);
		compat_check(cc >= 0, who, what);
	}
	pvm_send(parent, OUT_TAG_PACKF);

	compat_report_send(parent, OUT_TAG_REPORT);
	pvm_exit();
	return 0;
}

/* ---------------------------------------------------------------- master */

/* the packf message of one child, unpacked with pvm_unpackf and checked
 * against what pvm_upk* would give */
static void out_take_packf(const char *who, int child)
{
	char what[256], text[64];
	int ints[OUT_NI], count = -1;
	double d[4];
	long lv = 0;
	short sv = 0;
	struct timeval tmo = {OUT_WAIT, 0};

	int bufid = pvm_trecv(child, OUT_TAG_PACKF, &tmo);
	snprintf(what, sizeof(what), "the packf message of t%x arrived (%d)", child,
	         bufid);
	compat_check(bufid > 0, who, what);
	if (bufid <= 0)
		return;
	memset(ints, 0, sizeof(ints));
	memset(d, 0, sizeof(d));
	text[0] = '\0';
	int cc = pvm_unpackf("%d", &count);
	if (compat_notimpl(cc, who, "pvm_unpackf")) {
		pvm_upkint(&count, 1, 1);
		if (count == OUT_NI)
			pvm_upkint(ints, count, 1);
		pvm_upkdouble(d, 4, 1);
		pvm_upkstr(text);
		pvm_upklong(&lv, 1, 1);
		cc = pvm_upkshort(&sv, 1, 1);
	} else if (cc >= 0 && count == OUT_NI) {
		cc = pvm_unpackf("%*d %4lf %s %ld %hd", count, ints, d, text, &lv, &sv);
	}
	snprintf(
	    what, sizeof(what),
	    "unpacked (%d): count %d, ints %s, doubles %s, \"%s\", long %ld, short %d",
	    cc, count, memcmp(ints, out_ints, sizeof(ints)) == 0 ? "exact" : "WRONG",
	    memcmp(d, out_doubles, sizeof(d)) == 0 ? "exact" : "WRONG", text, lv, sv);
	compat_check(cc >= 0 && count == OUT_NI &&
	                 memcmp(ints, out_ints, sizeof(ints)) == 0 &&
	                 memcmp(d, out_doubles, sizeof(d)) == 0 &&
	                 strcmp(text, OUT_TEXT) == 0 && lv == 1234567890L && sv == -12345,
	             who, what);
}

/* the caught output holds, for the child, "[tTID] " + want */
static int out_has_line(const char *caught, int tid, const char *want)
{
	char line[160];
	snprintf(line, sizeof(line), "[t%x] %s\n", tid, want);
	return strstr(caught, line) != NULL;
}

static int out_master(const char *who, char *self)
{
	char what[256];
	int children[OUT_NCHILD] = {0, 0};
	int caught_on = 0;

	compat_line("library: %s", compat_library_path());
	int mytid = pvm_mytid();
	snprintf(what, sizeof(what), "pvm_mytid = t%x", mytid);
	compat_check(mytid > 0, who, what);
	if (mytid <= 0)
		return 1;

	FILE *caught = tmpfile();
	compat_check(caught != NULL, who, "a temporary file for the output");
	if (caught == NULL)
		return compat_finish(who);
	int cc = pvm_catchout(caught);
	if (!compat_notimpl(cc, who, "pvm_catchout")) {
		snprintf(what, sizeof(what), "pvm_catchout(file) = %d", cc);
		compat_check(cc == 0, who, what);
		caught_on = 1;
	}
	snprintf(what, sizeof(what), "PvmShowTids is on by default (%d)",
	         pvm_getopt(PvmShowTids));
	compat_check(pvm_getopt(PvmShowTids) == 1, who, what);

	char *child_argv[] = {"child", NULL};
	cc = pvm_spawn(self, child_argv, PvmTaskDefault, "", OUT_NCHILD, children);
	snprintf(what, sizeof(what), "spawned %d children: t%x t%x", cc, children[0],
	         children[1]);
	compat_check(cc == OUT_NCHILD, who, what);
	if (cc != OUT_NCHILD) {
		pvm_exit();
		return compat_finish(who);
	}
	cc = pvm_notify(PvmTaskExit, OUT_TAG_EXIT, OUT_NCHILD, children);
	snprintf(what, sizeof(what), "pvm_notify(PvmTaskExit, %d children) = %d",
	         OUT_NCHILD, cc);
	compat_check(cc == 0, who, what);

	for (int i = 0; i < OUT_NCHILD; i++) {
		/* psend does not touch the send buffer; prove it with one
		 * that pvm_send then sends, for the child's pvm_precv (raw:
		 * see out_child) */
		int sbuf = pvm_initsend(PvmDataRaw);
		pvm_pkint((int *)out_ints, OUT_NI, 1);
		cc = pvm_psend(children[i], OUT_TAG_PS, (void *)out_doubles, OUT_ND,
		               PVM_DOUBLE);
		if (compat_notimpl(cc, who, "pvm_psend")) {
			int keep = pvm_setsbuf(pvm_mkbuf(PvmDataDefault));
			pvm_pkdouble((double *)out_doubles, OUT_ND, 1);
			pvm_send(children[i], OUT_TAG_PS);
			pvm_freebuf(pvm_setsbuf(keep));
		} else {
			snprintf(what, sizeof(what), "pvm_psend(t%x, %d doubles) = %d",
			         children[i], OUT_ND, cc);
			compat_check(cc == 0 && pvm_getsbuf() == sbuf, who, what);
		}
		pvm_send(children[i], OUT_TAG_INTS);
	}

	for (int i = 0; i < OUT_NCHILD; i++) {
		struct timeval tmo = {OUT_WAIT, 0};
		double d[OUT_ND];
		int ok = 1;
		memset(d, 0, sizeof(d));
		int bufid = pvm_trecv(children[i], OUT_TAG_BACK, &tmo);
		if (bufid > 0)
			pvm_upkdouble(d, OUT_ND, 1);
		for (int k = 0; k < OUT_ND; k++)
			ok = ok && d[k] == 2 * out_doubles[k];
		snprintf(what, sizeof(what),
		         "t%x's pvm_psend, taken with pvm_recv + pvm_upkdouble: %s",
		         children[i],
		         bufid <= 0 ? "nothing"
		         : ok       ? "exact"
		                    : "WRONG");
		compat_check(bufid > 0 && ok, who, what);
		out_take_packf(who, children[i]);
		compat_report_take(who, "child", children[i], OUT_TAG_REPORT, OUT_WAIT);
	}

	int seen = 0;
	for (int i = 0; i < OUT_NCHILD; i++) {
		struct timeval tmo = {OUT_WAIT, 0};
		int gone = 0;
		if (pvm_trecv(-1, OUT_TAG_EXIT, &tmo) > 0 &&
		    pvm_upkint(&gone, 1, 1) >= 0 &&
		    (gone == children[0] || gone == children[1]))
			seen++;
	}
	snprintf(what, sizeof(what),
	         "%d of %d PvmTaskExit notifies, each with a child's tid", seen,
	         OUT_NCHILD);
	compat_check(seen == OUT_NCHILD, who, what);
	/* asked after the exit: the notify comes at once */
	cc = pvm_notify(PvmTaskExit, OUT_TAG_LATE, 1, &children[0]);
	struct timeval tmo = {OUT_WAIT, 0};
	int gone = 0;
	int bufid = pvm_trecv(-1, OUT_TAG_LATE, &tmo);
	if (bufid > 0)
		pvm_upkint(&gone, 1, 1);
	snprintf(what, sizeof(what),
	         "pvm_notify(PvmTaskExit) after the exit = %d: got t%x", cc, gone);
	compat_check(cc == 0 && bufid > 0 && gone == children[0], who, what);

	/* pvm_exit waits for the children's output to be written.  Each
	 * child's ends with "[tTID] EOF" in PVM 3.4.6 (its man page says END) */
	cc = pvm_exit();
	snprintf(what, sizeof(what), "pvm_exit = %d", cc);
	compat_check(cc == 0, who, what);
	if (caught_on) {
		static char text[8192];
		fflush(caught);
		rewind(caught);
		size_t n = fread(text, 1, sizeof(text) - 1, caught);
		text[n] = '\0';
		for (char *line = strtok(strdup(text), "\n"); line;
		     line = strtok(NULL, "\n"))
			compat_line("    caught: %s", line);
		for (int i = 0; i < OUT_NCHILD; i++) {
			char out[64], err[64];
			int t = children[i];
			snprintf(out, sizeof(out), "stdout line from t%x", t);
			snprintf(err, sizeof(err), "stderr line from t%x", t);
			snprintf(
			    what, sizeof(what),
			    "caught t%x's BEGIN, stdout line and stderr line, tagged", t);
			compat_check(out_has_line(text, t, "BEGIN") &&
			                 out_has_line(text, t, out) &&
			                 out_has_line(text, t, err),
			             who, what);
			snprintf(what, sizeof(what),
			         "caught t%x's last line, \"[t%x] EOF\"", t, t);
			compat_check(out_has_line(text, t, "EOF"), who, what);
		}
	}
	fclose(caught);
	return compat_finish(who);
}

__attribute__((unused)) static int output_main(const char *who, char *self, int argc,
                                               char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return out_child();
	return out_master(who, self);
}

#endif

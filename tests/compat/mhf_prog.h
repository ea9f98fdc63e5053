/*
 * mhf_prog.h - a PVM 3.4 server whose requests are answered by message
 * handlers (pvm_addmhf) while its main loop does something else and only
 * polls for its stop message.  The handlers reply as pvm_addmhf(3PVM)
 * shows (a send buffer of their own, freed afterwards), and must leave
 * the main loop's send buffer alone.  After pvm_delmhf the same request
 * reaches the main flow again.  compat_mhf.c and ref_mhf.c are this file.
 */
#ifndef COMPAT_MHF_PROG_H
#define COMPAT_MHF_PROG_H

#include <unistd.h>

#include "compat_util.h"

#define MH_TAG_READY 31
#define MH_TAG_REQ 32
#define MH_TAG_REP 33
#define MH_TAG_PING 34
#define MH_TAG_PONG 35
#define MH_TAG_STOP 36
#define MH_TAG_MAIN 37
#define MH_TAG_DELETED 38
#define MH_TAG_REPORT 39
#define MH_NREQ 10
#define MH_MAIN_VALUE 4242
#define MH_WAIT 20

/* ---------------------------------------------------------------- server */

static int mh_handled, mh_pinged, mh_bad_rbuf;

/* n -> n + 1, to whoever asked */
static int mh_on_request(int mid)
{
	int bytes = 0, tag = 0, src = 0, n = 0;

	if (pvm_getrbuf() != mid)
		mh_bad_rbuf++;
	pvm_bufinfo(mid, &bytes, &tag, &src);
	pvm_upkint(&n, 1, 1);
	n++;
	pvm_setsbuf(pvm_mkbuf(PvmDataDefault));
	pvm_pkint(&n, 1, 1);
	pvm_send(src, MH_TAG_REP);
	pvm_freebuf(pvm_setsbuf(0));
	mh_handled++;
	return 0;
}

/* answers the parent's ping with the number of requests handled */
static int mh_on_ping(int mid)
{
	if (pvm_getrbuf() != mid)
		mh_bad_rbuf++;
	pvm_setsbuf(pvm_mkbuf(PvmDataDefault));
	pvm_pkint(&mh_handled, 1, 1);
	pvm_send(pvm_parent(), MH_TAG_PONG);
	pvm_freebuf(pvm_setsbuf(0));
	mh_pinged++;
	return 0;
}

static void mh_ready(int parent, int status)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&status, 1, 1);
	pvm_send(parent, MH_TAG_READY);
}

static int mh_server(void)
{
	const char *who = "server";
	char what[256];
	int parent = pvm_parent();

	compat_collect = 1;
	int id_req = pvm_addmhf(-1, MH_TAG_REQ, -1, mh_on_request);
	if (compat_notimpl(id_req, who, "pvm_addmhf")) {
		mh_ready(parent, 1);
		compat_report_send(parent, MH_TAG_REPORT);
		pvm_exit();
		return 0;
	}
	snprintf(what, sizeof(what),
	         "pvm_addmhf(any source, request tag, any context) = %d", id_req);
	compat_check(id_req >= 0, who, what);
	int id_ping = pvm_addmhf(parent, MH_TAG_PING, pvm_getcontext(), mh_on_ping);
	snprintf(what, sizeof(what), "pvm_addmhf(parent, ping tag, this context) = %d",
	         id_ping);
	compat_check(id_ping >= 0 && id_ping != id_req, who, what);
	int dup = pvm_addmhf(-1, MH_TAG_REQ, -1, mh_on_request);
	snprintf(what, sizeof(what), "pvm_addmhf of the same (src, tag, ctx) again = %d",
	         dup);
	compat_check(dup == PvmExists, who, what);
	mh_ready(parent, 0);

	/* the main flow's own message, packed before the handlers run and
	 * sent after: they must not touch it */
	int mine = MH_MAIN_VALUE;
	int main_sbuf = pvm_initsend(PvmDataDefault);
	pvm_pkint(&mine, 1, 1);

	/* something else: a computation, polling for the stop message */
	long iterations = 0;
	double sum = 0;
	int stopped = 0;
	for (int i = 0; i < 10000 && !stopped; i++) {
		for (int k = 1; k <= 1000; k++)
			sum += 1.0 / k;
		iterations++;
		stopped = pvm_nrecv(parent, MH_TAG_STOP) > 0;
		if (!stopped)
			usleep(2000);
	}
	snprintf(what, sizeof(what), "the main loop ran %ld iteration(s) and was stopped",
	         iterations);
	compat_check(stopped && iterations > 0 && sum > 0, who, what);
	snprintf(what, sizeof(what), "the handlers ran: %d request(s), %d ping(s)",
	         mh_handled, mh_pinged);
	compat_check(mh_handled == MH_NREQ && mh_pinged == 1, who, what);
	compat_check(mh_bad_rbuf == 0, who,
	             "each handler found its message as the receive buffer");
	int left = pvm_nrecv(-1, MH_TAG_REQ);
	snprintf(what, sizeof(what),
	         "no handled request reaches the main flow (nrecv = %d)", left);
	compat_check(left == 0, who, what);
	snprintf(what, sizeof(what), "the main send buffer is still %d (now %d)",
	         main_sbuf, pvm_getsbuf());
	compat_check(pvm_getsbuf() == main_sbuf, who, what);
	pvm_send(parent, MH_TAG_MAIN);

	int cc = pvm_delmhf(id_req);
	snprintf(what, sizeof(what), "pvm_delmhf(%d) = %d", id_req, cc);
	compat_check(cc == PvmOk, who, what);
	cc = pvm_delmhf(id_req);
	snprintf(what, sizeof(what), "pvm_delmhf(%d) again = %d (PvmNotFound)", id_req,
	         cc);
	compat_check(cc == PvmNotFound, who, what);
	cc = pvm_delmhf(-1);
	snprintf(what, sizeof(what), "pvm_delmhf(-1) = %d (PvmBadParam)", cc);
	compat_check(cc == PvmBadParam, who, what);
	pvm_initsend(PvmDataDefault);
	pvm_send(parent, MH_TAG_DELETED);

	/* now a request is the main flow's to receive */
	struct timeval tmo = {MH_WAIT, 0};
	int n = -1;
	int bufid = pvm_trecv(parent, MH_TAG_REQ, &tmo);
	if (bufid > 0)
		pvm_upkint(&n, 1, 1);
	snprintf(what, sizeof(what),
	         "after pvm_delmhf the main flow receives the request (%d)", bufid);
	compat_check(bufid > 0 && mh_handled == MH_NREQ, who, what);
	n += 1000;
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&n, 1, 1);
	pvm_send(parent, MH_TAG_REP);
	cc = pvm_delmhf(id_ping);
	snprintf(what, sizeof(what), "pvm_delmhf(%d), the ping handler = %d", id_ping,
	         cc);
	compat_check(cc == PvmOk, who, what);

	compat_report_send(parent, MH_TAG_REPORT);
	pvm_exit();
	return 0;
}

/* ---------------------------------------------------------------- master */

static int mh_recv_int(int tid, int tag, int *value)
{
	struct timeval tmo = {MH_WAIT, 0};
	int bufid = pvm_trecv(tid, tag, &tmo);
	*value = -1;
	if (bufid > 0)
		pvm_upkint(value, 1, 1);
	return bufid;
}

static int mh_master(const char *who, char *self)
{
	char what[256];
	int server = 0, status = -1, value;

	compat_line("library: %s", compat_library_path());
	int mytid = pvm_mytid();
	snprintf(what, sizeof(what), "pvm_mytid = t%x", mytid);
	compat_check(mytid > 0, who, what);
	if (mytid <= 0)
		return 1;
	char *server_argv[] = {"server", NULL};
	int cc = pvm_spawn(self, server_argv, PvmTaskDefault, "", 1, &server);
	snprintf(what, sizeof(what), "spawned the server t%x", server);
	compat_check(cc == 1, who, what);
	if (cc != 1) {
		pvm_exit();
		return compat_finish(who);
	}
	int bufid = mh_recv_int(server, MH_TAG_READY, &status);
	compat_check(bufid > 0, who, "the server is ready");
	if (bufid <= 0 || status != 0) {
		compat_report_take(who, "server", server, MH_TAG_REPORT, MH_WAIT);
		pvm_exit();
		return compat_finish(who);
	}

	/* requests, all sent before any answer is read */
	for (int i = 0; i < MH_NREQ; i++) {
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&i, 1, 1);
		pvm_send(server, MH_TAG_REQ);
	}
	int right = 0;
	for (int i = 0; i < MH_NREQ; i++)
		if (mh_recv_int(server, MH_TAG_REP, &value) > 0 && value == i + 1)
			right++;
	snprintf(what, sizeof(what),
	         "%d of %d requests answered by the handler, in order", right, MH_NREQ);
	compat_check(right == MH_NREQ, who, what);

	pvm_initsend(PvmDataDefault);
	pvm_send(server, MH_TAG_PING);
	bufid = mh_recv_int(server, MH_TAG_PONG, &value);
	snprintf(what, sizeof(what), "the ping handler answered: %d handled", value);
	compat_check(bufid > 0 && value == MH_NREQ, who, what);

	pvm_initsend(PvmDataDefault);
	pvm_send(server, MH_TAG_STOP);
	bufid = mh_recv_int(server, MH_TAG_MAIN, &value);
	snprintf(what, sizeof(what), "the main flow's own message arrived intact: %d",
	         value);
	compat_check(bufid > 0 && value == MH_MAIN_VALUE, who, what);

	struct timeval tmo = {MH_WAIT, 0};
	bufid = pvm_trecv(server, MH_TAG_DELETED, &tmo);
	compat_check(bufid > 0, who, "the server deleted its request handler");
	int seven = 7;
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&seven, 1, 1);
	pvm_send(server, MH_TAG_REQ);
	bufid = mh_recv_int(server, MH_TAG_REP, &value);
	snprintf(what, sizeof(what), "answered by the main flow after pvm_delmhf: %d",
	         value);
	compat_check(bufid > 0 && value == 1007, who, what);

	compat_report_take(who, "server", server, MH_TAG_REPORT, MH_WAIT);
	pvm_exit();
	return compat_finish(who);
}

__attribute__((unused)) static int mhf_main(const char *who, char *self, int argc,
                                            char **argv)
{
	if (argc > 1 && strcmp(argv[1], "server") == 0)
		return mh_server();
	return mh_master(who, self);
}

#endif

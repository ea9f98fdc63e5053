/*
 * mbox_prog.h - a PVM 3.4 service found through the mailbox.  A server
 * task puts an entry under a well-known name holding its tid; the master
 * waits for it with PvmMboxWaitForInfo (the server puts it a moment after
 * it starts), and it and two client tasks look it up with pvm_recvinfo
 * and talk to the server.  Around that, the flags: a locked entry refuses
 * another writer and deleter, an overwritable one lets them in,
 * multi-instance classes with FirstAvail and ReadAndDelete, a persistent
 * entry outlives its owner while a default one goes with it,
 * pvm_getmboxinfo, and the PVM 3.3 pvm_insert/lookup/delete.
 * compat_mbox.c and ref_mbox.c are this file.
 */
#ifndef COMPAT_MBOX_PROG_H
#define COMPAT_MBOX_PROG_H

#include <unistd.h>

#include "compat_util.h"

#define MB_TAG_REQ 21
#define MB_TAG_REP 22
#define MB_TAG_STOP 23
#define MB_TAG_REPORT 24
#define MB_TAG_EXIT 25
#define MB_WAIT 20
#define MB_GREETING "at your service"
#define MB_NAME 128

/* the entry names of one run: "<program>.<what>", so the compat_ and
 * ref_ variants can share a daemon */
static void mb_name(char *out, const char *self, const char *what)
{
	snprintf(out, MB_NAME, "%s.%s", self, what);
}

/* a fresh buffer holding the given ints, made the send buffer; returns
 * its id (the old send buffer is freed: callers use one at a time) */
static int mb_ints_buf(int n, const int *v)
{
	int buf = pvm_initsend(PvmDataDefault);
	pvm_pkint((int *)v, n, 1);
	return buf;
}

/* recvinfo + unpack of one int; returns the recvinfo answer */
static int mb_recv_int(const char *name, int index, int flags, int *value)
{
	int bufid = pvm_recvinfo((char *)name, index, flags);
	*value = -1;
	if (bufid > 0) {
		pvm_setrbuf(bufid);
		pvm_upkint(value, 1, 1);
	}
	return bufid;
}

/* ---------------------------------------------------------------- server */

static int mb_server(const char *self)
{
	char service[MB_NAME], open[MB_NAME], what[256];
	const char *who = "server";
	int mytid = pvm_mytid();
	int parent = pvm_parent();

	compat_collect = 1;
	mb_name(service, self, "service");
	mb_name(open, self, "open");
	/* let the master block in pvm_recvinfo(PvmMboxWaitForInfo) first */
	usleep(500 * 1000);

	pvm_initsend(PvmDataDefault);
	pvm_pkint(&mytid, 1, 1);
	pvm_pkstr(MB_GREETING);
	int index = pvm_putinfo(service, pvm_getsbuf(), PvmMboxDefault);
	if (!compat_notimpl(index, who, "pvm_putinfo")) {
		snprintf(what, sizeof(what), "pvm_putinfo(%s, PvmMboxDefault) = %d",
		         service, index);
		compat_check(index == 0, who, what);
		/* its owner may replace a default entry */
		index = pvm_putinfo(service, pvm_getsbuf(), PvmMboxDefault);
		snprintf(what, sizeof(what), "pvm_putinfo(%s) again, by its owner = %d",
		         service, index);
		compat_check(index == 0, who, what);
		int one = 1;
		index = pvm_putinfo(open, mb_ints_buf(1, &one), PvmMboxOverWritable);
		snprintf(what, sizeof(what), "pvm_putinfo(%s, PvmMboxOverWritable) = %d",
		         open, index);
		compat_check(index == 0, who, what);
	}

	/* serve: n -> n*n + 1, until the parent says stop */
	int served = 0;
	for (;;) {
		int bytes = 0, tag = 0, src = 0, n = 0;
		int bufid = pvm_recv(-1, -1);
		if (bufid <= 0 || pvm_bufinfo(bufid, &bytes, &tag, &src) < 0)
			break;
		if (tag == MB_TAG_STOP && src == parent)
			break;
		if (tag != MB_TAG_REQ)
			continue;
		pvm_upkint(&n, 1, 1);
		n = n * n + 1;
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&n, 1, 1);
		pvm_send(src, MB_TAG_REP);
		served++;
	}
	snprintf(what, sizeof(what), "served %d request(s)", served);
	compat_check(served == 3, who, what);
	compat_report_send(parent, MB_TAG_REPORT);
	pvm_exit();
	return 0;
}

/* look the service up and use it; returns the server's tid or < 0 */
static int mb_use_service(const char *who, const char *service, int flags, int n)
{
	char what[256], greeting[64];
	int tid = 0, answer = -1;
	int bufid = pvm_recvinfo((char *)service, 0, flags);

	if (compat_notimpl(bufid, who, "pvm_recvinfo"))
		return PvmNotImpl;
	greeting[0] = '\0';
	if (bufid > 0) {
		pvm_setrbuf(bufid);
		pvm_upkint(&tid, 1, 1);
		pvm_upkstr(greeting);
	}
	snprintf(what, sizeof(what), "pvm_recvinfo(%s, 0, %d) = %d: tid t%x, \"%s\"",
	         service, flags, bufid, tid, greeting);
	compat_check(bufid > 0 && tid > 0 && strcmp(greeting, MB_GREETING) == 0, who,
	             what);
	if (bufid <= 0 || tid <= 0)
		return -1;

	struct timeval tmo = {MB_WAIT, 0};
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&n, 1, 1);
	pvm_send(tid, MB_TAG_REQ);
	if (pvm_trecv(tid, MB_TAG_REP, &tmo) > 0)
		pvm_upkint(&answer, 1, 1);
	snprintf(what, sizeof(what), "the service answered %d -> %d", n, answer);
	compat_check(answer == n * n + 1, who, what);
	return tid;
}

/* ---------------------------------------------------------- other tasks */

static int mb_client(const char *self, int n)
{
	char service[MB_NAME];

	compat_collect = 1;
	mb_name(service, self, "service");
	mb_use_service("client", service, PvmMboxDefault, n);
	compat_report_send(pvm_parent(), MB_TAG_REPORT);
	pvm_exit();
	return 0;
}

/* puts a persistent and a default entry, then exits */
static int mb_leaver(const char *self)
{
	char persist[MB_NAME], transient[MB_NAME], what[256];
	int mytid = pvm_mytid();

	compat_collect = 1;
	mb_name(persist, self, "persistent");
	mb_name(transient, self, "transient");
	int cc = pvm_putinfo(persist, mb_ints_buf(1, &mytid), PvmMboxPersistent);
	if (!compat_notimpl(cc, "leaver", "pvm_putinfo")) {
		snprintf(what, sizeof(what), "pvm_putinfo(%s, PvmMboxPersistent) = %d",
		         persist, cc);
		compat_check(cc == 0, "leaver", what);
		/* two more, for the master to try to overwrite and to take */
		for (int i = 0; i < 2; i++) {
			char more[MB_NAME];
			mb_name(more, self,
			        i == 0 ? "persistent-put" : "persistent-take");
			cc = pvm_putinfo(more, mb_ints_buf(1, &mytid), PvmMboxPersistent);
			snprintf(what, sizeof(what),
			         "pvm_putinfo(%s, PvmMboxPersistent) = %d", more, cc);
			compat_check(cc == 0, "leaver", what);
		}
		cc = pvm_putinfo(transient, mb_ints_buf(1, &mytid), PvmMboxDefault);
		snprintf(what, sizeof(what), "pvm_putinfo(%s, PvmMboxDefault) = %d",
		         transient, cc);
		compat_check(cc == 0, "leaver", what);
	}
	compat_report_send(pvm_parent(), MB_TAG_REPORT);
	pvm_exit();
	return 0;
}

/* ---------------------------------------------------------------- master */

static int mb_wait_exit(int tid)
{
	struct timeval tmo = {MB_WAIT, 0};
	int gone = 0;
	if (pvm_trecv(-1, MB_TAG_EXIT, &tmo) > 0)
		pvm_upkint(&gone, 1, 1);
	return gone == tid;
}

static void mb_multi(const char *who, const char *self)
{
	char multi[MB_NAME], what[256];
	int idx[3], value, cc;

	mb_name(multi, self, "multi");
	for (int i = 0; i < 3; i++) {
		int v = 100 + i;
		idx[i] = pvm_putinfo(multi, mb_ints_buf(1, &v), PvmMboxMultiInstance);
	}
	snprintf(what, sizeof(what),
	         "3 x pvm_putinfo(%s, PvmMboxMultiInstance) = %d %d %d", multi, idx[0],
	         idx[1], idx[2]);
	compat_check(idx[0] == 0 && idx[1] == 1 && idx[2] == 2, who, what);

	cc = mb_recv_int(multi, 1, PvmMboxDefault, &value);
	snprintf(what, sizeof(what), "pvm_recvinfo(%s, 1, PvmMboxDefault) = %d: %d",
	         multi, cc, value);
	compat_check(cc > 0 && value == 101, who, what);

	/* PVM 3.4.6 answers the index it deleted (its man page says PvmOk) */
	cc = pvm_delinfo(multi, 1, 0);
	snprintf(what, sizeof(what), "pvm_delinfo(%s, 1) = %d (the index)", multi, cc);
	compat_check(cc == 1, who, what);
	cc = mb_recv_int(multi, 1, PvmMboxDefault, &value);
	snprintf(what, sizeof(what),
	         "pvm_recvinfo(%s, 1, PvmMboxDefault) after delete = %d", multi, cc);
	compat_check(cc == PvmNotFound, who, what);
	cc = mb_recv_int(multi, 1, PvmMboxFirstAvail, &value);
	snprintf(what, sizeof(what), "pvm_recvinfo(%s, 1, PvmMboxFirstAvail) = %d: %d",
	         multi, cc, value);
	compat_check(cc > 0 && value == 102, who, what);

	cc = mb_recv_int(multi, 0, PvmMboxReadAndDelete, &value);
	snprintf(what, sizeof(what), "pvm_recvinfo(%s, 0, PvmMboxReadAndDelete) = %d: %d",
	         multi, cc, value);
	compat_check(cc > 0 && value == 100, who, what);
	cc = mb_recv_int(multi, 0, PvmMboxDefault, &value);
	snprintf(what, sizeof(what), "... then pvm_recvinfo(%s, 0) = %d", multi, cc);
	compat_check(cc == PvmNotFound, who, what);

	/* a new instance takes the lowest free index */
	int v = 103;
	cc = pvm_putinfo(multi, mb_ints_buf(1, &v), PvmMboxMultiInstance);
	snprintf(what, sizeof(what), "pvm_putinfo(%s, PvmMboxMultiInstance) again = %d",
	         multi, cc);
	compat_check(cc == 0, who, what);
}

/*
 * PvmMboxDirectIndex(i), as PVM 3.4.6 does it: put without
 * PvmMboxMultiInstance, it replaces the overwritable entry at index i;
 * with it, it adds an instance at the first free index >= i.
 */
static void mb_direct(const char *who, const char *self)
{
	char direct[MB_NAME], what[256];
	const int multi = PvmMboxMultiInstance | PvmMboxOverWritable;
	int idx[3], value, cc;

	mb_name(direct, self, "direct");
	for (int i = 0; i < 3; i++) {
		int v = 10 + i;
		idx[i] = pvm_putinfo(direct, mb_ints_buf(1, &v), multi);
	}
	int v = 21;
	cc = pvm_putinfo(direct, mb_ints_buf(1, &v),
	                 PvmMboxOverWritable | PvmMboxDirectIndex(1));
	int got = mb_recv_int(direct, 1, PvmMboxDefault, &value);
	snprintf(
	    what, sizeof(what),
	    "instances %d %d %d; PvmMboxDirectIndex(1) = %d, index 1 now holds %d (%d)",
	    idx[0], idx[1], idx[2], cc, value, got);
	compat_check(idx[2] == 2 && cc == 1 && got > 0 && value == 21, who, what);
	v = 22;
	cc = pvm_putinfo(direct, mb_ints_buf(1, &v), multi | PvmMboxDirectIndex(1));
	got = mb_recv_int(direct, 3, PvmMboxDefault, &value);
	snprintf(
	    what, sizeof(what),
	    "PvmMboxDirectIndex(1) | PvmMboxMultiInstance = %d (first free index >= 1), "
	    "holding %d",
	    cc, value);
	compat_check(cc == 3 && got > 0 && value == 22, who, what);
	for (int i = 0; i < 4; i++)
		pvm_delinfo(direct, i, 0);

	/* an index above 0 needs no PvmMboxMultiInstance in an empty slot */
	char alone[MB_NAME];
	mb_name(alone, self, "direct-alone");
	v = 23;
	cc = pvm_putinfo(alone, mb_ints_buf(1, &v), PvmMboxDirectIndex(5));
	got = mb_recv_int(alone, 5, PvmMboxDefault, &value);
	snprintf(what, sizeof(what),
	         "pvm_putinfo(%s, PvmMboxDirectIndex(5)) into an empty class = %d, "
	         "holding %d",
	         alone, cc, value);
	compat_check(cc == 5 && got > 0 && value == 23, who, what);
	cc = pvm_delinfo(alone, 5, 0);
	snprintf(what, sizeof(what), "pvm_delinfo(%s, 5) = %d (the index)", alone, cc);
	compat_check(cc == 5, who, what);
}

/* pvm_getmboxinfo: the class of name has one entry per index in want,
 * owned by owner */
static void mb_check_class(const char *who, struct pvmmboxinfo *classes, int n,
                           const char *name, int nwant, const int *want, int owner)
{
	char what[512];
	struct pvmmboxinfo *c = NULL;

	for (int i = 0; i < n; i++)
		if (classes[i].mi_name != NULL && strcmp(classes[i].mi_name, name) == 0)
			c = &classes[i];
	if (c == NULL) {
		snprintf(what, sizeof(what), "pvm_getmboxinfo lists class %s", name);
		compat_check(0, who, what);
		return;
	}
	int ok = c->mi_nentries == nwant;
	int len = snprintf(what, sizeof(what), "pvm_getmboxinfo: %s has %d entr%s:", name,
	                   c->mi_nentries, c->mi_nentries == 1 ? "y" : "ies");
	for (int i = 0; i < c->mi_nentries && len > 0 && (size_t)len < sizeof(what);
	     i++) {
		len += snprintf(what + len, sizeof(what) - (size_t)len,
		                " [index %d owner t%x flags %d]", c->mi_indices[i],
		                c->mi_owners[i], c->mi_flags[i]);
		if (i >= nwant || c->mi_indices[i] != want[i] || c->mi_owners[i] != owner)
			ok = 0;
	}
	compat_check(ok, who, what);
}

static int mb_master(const char *who, char *self)
{
	char service[MB_NAME], open[MB_NAME], persist[MB_NAME], transient[MB_NAME];
	char pattern[MB_NAME + 8], what[256], greeting[64];
	int server = 0, clients[2] = {0, 0}, leaver = 0, cc, value;

	compat_line("library: %s", compat_library_path());
	int mytid = pvm_mytid();
	snprintf(what, sizeof(what), "pvm_mytid = t%x", mytid);
	compat_check(mytid > 0, who, what);
	if (mytid <= 0)
		return 1;
	mb_name(service, self, "service");
	mb_name(open, self, "open");
	mb_name(persist, self, "persistent");
	mb_name(transient, self, "transient");

	char *server_argv[] = {"server", NULL};
	cc = pvm_spawn(self, server_argv, PvmTaskDefault, "", 1, &server);
	snprintf(what, sizeof(what), "spawned the server t%x", server);
	compat_check(cc == 1, who, what);
	if (cc != 1) {
		pvm_exit();
		return compat_finish(who);
	}
	pvm_notify(PvmTaskExit, MB_TAG_EXIT, 1, &server);

	/* the server puts its entry half a second from now: wait for it */
	struct timeval t0, t1;
	gettimeofday(&t0, NULL);
	int bufid = pvm_recvinfo(service, 0, PvmMboxWaitForInfo);
	gettimeofday(&t1, NULL);
	if (compat_notimpl(bufid, who, "pvm_recvinfo")) {
		pvm_kill(server);
		pvm_exit();
		return compat_finish(who);
	}
	int tid = 0;
	greeting[0] = '\0';
	if (bufid > 0) {
		pvm_setrbuf(bufid);
		pvm_upkint(&tid, 1, 1);
		pvm_upkstr(greeting);
	}
	long waited = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_usec - t0.tv_usec) / 1000;
	snprintf(what, sizeof(what),
	         "pvm_recvinfo(%s, 0, PvmMboxWaitForInfo) = %d after %ld ms: t%x \"%s\"",
	         service, bufid, waited, tid, greeting);
	compat_check(bufid > 0 && tid == server && strcmp(greeting, MB_GREETING) == 0,
	             who, what);
	/* the server put the entry before its first receive: talk to it */
	compat_check(mb_use_service(who, service, PvmMboxDefault, 5) == server, who,
	             "looked the service up again and used it");

	/* a default entry is locked: no other task may replace or delete it */
	int mine = 0;
	cc = pvm_putinfo(service, mb_ints_buf(1, &mine), PvmMboxDefault);
	snprintf(what, sizeof(what),
	         "pvm_putinfo(%s) over the server's entry = %d (PvmDenied)", service, cc);
	compat_check(cc == PvmDenied, who, what);
	cc = pvm_delinfo(service, 0, 0);
	snprintf(what, sizeof(what), "pvm_delinfo(%s) of the server's entry = %d",
	         service, cc);
	compat_check(cc == PvmDenied, who, what);
	/* an overwritable one may be */
	int two = 2;
	cc = pvm_putinfo(open, mb_ints_buf(1, &two), PvmMboxOverWritable);
	snprintf(what, sizeof(what),
	         "pvm_putinfo(%s) over the server's overwritable = %d", open, cc);
	compat_check(cc == 0, who, what);
	cc = mb_recv_int(open, 0, PvmMboxDefault, &value);
	snprintf(what, sizeof(what), "pvm_recvinfo(%s) = %d: %d (ours)", open, cc, value);
	compat_check(cc > 0 && value == 2, who, what);
	cc = pvm_delinfo(open, 0, 0);
	snprintf(what, sizeof(what), "pvm_delinfo(%s) = %d", open, cc);
	compat_check(cc == PvmOk, who, what);
	cc = pvm_recvinfo("pvmx compat: no such entry", 0, PvmMboxDefault);
	snprintf(what, sizeof(what), "pvm_recvinfo(no such name) = %d", cc);
	compat_check(cc == PvmNotFound, who, what);

	/* two clients find the service by name */
	char *client_argv[] = {"client", NULL};
	cc = pvm_spawn(self, client_argv, PvmTaskDefault, "", 2, clients);
	snprintf(what, sizeof(what), "spawned %d client(s)", cc);
	compat_check(cc == 2, who, what);
	for (int i = 0; i < cc && i < 2; i++)
		compat_report_take(who, "client", clients[i], MB_TAG_REPORT, MB_WAIT);

	mb_multi(who, self);

	/* a persistent entry outlives its owner; a default one does not */
	char *leaver_argv[] = {"leaver", NULL};
	cc = pvm_spawn(self, leaver_argv, PvmTaskDefault, "", 1, &leaver);
	compat_check(cc == 1, who, "spawned a task that leaves entries behind");
	if (cc == 1) {
		pvm_notify(PvmTaskExit, MB_TAG_EXIT, 1, &leaver);
		compat_report_take(who, "leaver", leaver, MB_TAG_REPORT, MB_WAIT);
		compat_check(mb_wait_exit(leaver), who, "the leaver exited");
		cc = mb_recv_int(persist, 0, PvmMboxDefault, &value);
		snprintf(what, sizeof(what),
		         "pvm_recvinfo(%s) after its owner exited = %d: t%x", persist, cc,
		         value);
		compat_check(cc > 0 && value == leaver, who, what);
		cc = mb_recv_int(transient, 0, PvmMboxDefault, &value);
		snprintf(what, sizeof(what),
		         "pvm_recvinfo(%s) after its owner exited = %d", transient, cc);
		compat_check(cc == PvmNotFound, who, what);
	}

	/* what the mailbox holds now */
	int nclasses = 0;
	struct pvmmboxinfo *classes = NULL;
	/* PVM 3.4.6 matches a pattern anywhere in a name, with '.' and '*'
	 * but no anchors or escapes: keep to what both readings agree on */
	snprintf(pattern, sizeof(pattern), "%s.", self);
	cc = pvm_getmboxinfo(pattern, &nclasses, &classes);
	if (!compat_notimpl(cc, who, "pvm_getmboxinfo")) {
		char multi[MB_NAME];
		snprintf(what, sizeof(what), "pvm_getmboxinfo(\"%s\") = %d: %d class(es)",
		         pattern, cc, nclasses);
		compat_check(cc == 0 && nclasses == 5, who, what);
		mb_name(multi, self, "multi");
		int idx_service[] = {0}, idx_multi[] = {0, 2}, idx_persist[] = {0};
		mb_check_class(who, classes, nclasses, service, 1, idx_service, server);
		mb_check_class(who, classes, nclasses, multi, 2, idx_multi, mytid);
		/* "the owner tid of that entry is marked as zero" */
		mb_check_class(who, classes, nclasses, persist, 1, idx_persist, 0);
	}
	/* an ownerless entry stays locked to writers and readers-and-deleters;
	 * only a reset (the console's) deletes it */
	char persist_put[MB_NAME], persist_take[MB_NAME];
	mb_name(persist_put, self, "persistent-put");
	mb_name(persist_take, self, "persistent-take");
	int nine = 9;
	cc = pvm_putinfo(persist_put, mb_ints_buf(1, &nine), PvmMboxDefault);
	snprintf(
	    what, sizeof(what),
	    "pvm_putinfo(%s) over an ownerless, not overwritable entry = %d (PvmDenied)",
	    persist_put, cc);
	compat_check(cc == PvmDenied, who, what);
	cc = mb_recv_int(persist_take, 0, PvmMboxReadAndDelete, &value);
	snprintf(what, sizeof(what),
	         "pvm_recvinfo(%s, PvmMboxReadAndDelete) of an ownerless entry = %d "
	         "(PvmDenied)",
	         persist_take, cc);
	compat_check(cc == PvmDenied, who, what);
	mb_direct(who, self);
	cc = pvm_delinfo(persist, 0, 0);
	snprintf(what, sizeof(what),
	         "pvm_delinfo(%s), ownerless but not overwritable = %d (PvmDenied)",
	         persist, cc);
	compat_check(cc == PvmDenied, who, what);

	/* the PVM 3.3 interface, over the mailbox */
	char old33[MB_NAME];
	mb_name(old33, self, "v33");
	int index = pvm_insert(old33, -1, 42);
	if (!compat_notimpl(index, who, "pvm_insert")) {
		int data = 0;
		cc = pvm_lookup(old33, index, &data);
		snprintf(what, sizeof(what),
		         "pvm_insert(%s, -1, 42) = %d, pvm_lookup = %d: %d", old33, index,
		         cc, data);
		compat_check(index >= 0 && cc == index && data == 42, who, what);
		cc = pvm_delete(old33, index);
		int again = pvm_lookup(old33, index, &data);
		snprintf(what, sizeof(what), "pvm_delete = %d, then pvm_lookup = %d", cc,
		         again);
		compat_check(cc == index && again == PvmNoEntry, who, what);
		/* pvm_delete answers the index deleted (its man page: 0) */
		index = pvm_insert(old33, 5, 43);
		cc = pvm_delete(old33, 5);
		snprintf(what, sizeof(what),
		         "pvm_insert(%s, 5, 43) = %d, pvm_delete = %d", old33, index, cc);
		compat_check(index == 5 && cc == 5, who, what);
	}

	/* the server goes, and its default entry with it */
	pvm_initsend(PvmDataDefault);
	pvm_send(server, MB_TAG_STOP);
	compat_report_take(who, "server", server, MB_TAG_REPORT, MB_WAIT);
	compat_check(mb_wait_exit(server), who, "the server exited");
	cc = pvm_recvinfo(service, 0, PvmMboxDefault);
	snprintf(what, sizeof(what), "pvm_recvinfo(%s) after the server exited = %d",
	         service, cc);
	compat_check(cc == PvmNotFound, who, what);

	pvm_exit();
	return compat_finish(who);
}

__attribute__((unused)) static int mbox_main(const char *who, char *self, int argc,
                                             char **argv)
{
	if (argc > 1 && strcmp(argv[1], "server") == 0)
		return mb_server(self);
	if (argc > 1 && strcmp(argv[1], "client") == 0)
		return mb_client(self, 6 + (pvm_mytid() & 1));
	if (argc > 1 && strcmp(argv[1], "leaver") == 0)
		return mb_leaver(self);
	return mb_master(who, self);
}

#endif

/*
 * lpvm_mbox.c - the message mailbox, kept by the daemon: pvm_putinfo,
 * pvm_recvinfo, pvm_delinfo, pvm_getmboxinfo, PVM 3.3's integer database
 * calls pvm_insert, pvm_lookup and pvm_delete on top of it, and pvmreset
 * (the console's reset).  Entries are packed messages with their data
 * signature, so a message read back unpacks like a received one.
 */
#include "lpvm.h"

#include "pvmx.h"
#include "wire.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

/* An entry travels in one control frame, which pvmd takes up to 16 MiB:
 * a bigger message is refused here rather than cost us the connection. */
#define MBOX_ENTRY_MAX (15u * 1024u * 1024u)

static int name_ok(const char *name)
{
	return name != NULL && name[0] != '\0';
}

/* Stores the packed message mb under name; the index, or a code. */
static int put(const char *fn, char *name, struct msgbuf *mb, int index, int flags,
               int mode)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__MboxPut p = PVMX__MBOX_PUT__INIT;
	uint8_t *data;
	int r;

	if (msgbuf_length(mb) > MBOX_ENTRY_MAX)
		return lpvm_error(fn, PvmNoMem);
	data = msgbuf_flatten(mb);
	if (data == NULL)
		return lpvm_error(fn, PvmNoMem);
	p.name = name;
	p.index = index;
	p.flags = flags;
	p.dsig = mb->dsig;
	p.data.data = data;
	p.data.len = msgbuf_length(mb);
	p.mode = mode;
	req.body_case = PVMX__CONTROL__BODY_MBOX_PUT;
	req.mbox_put = &p;
	r = lpvm_status_request(fn, &req, 0);
	free(data);
	return r;
}

int pvm_putinfo(char *name, int bufid, int flags)
{
	struct msgbuf *mb;
	int r = lpvm_ensure("pvm_putinfo");

	if (r < 0)
		return r;
	if (!name_ok(name) || bufid < 0)
		return lpvm_error("pvm_putinfo", PvmBadParam);
	mb = lpvm_buf(bufid);
	if (mb == NULL)
		return lpvm_error("pvm_putinfo", PvmNoSuchBuf);
	r = put("pvm_putinfo", name, mb, 0, flags, 0);
	/* as PVM: a key in use is an answer, not an error to report */
	if (r < 0 && r != PvmExists && r != PvmDenied)
		return lpvm_error("pvm_putinfo", r);
	return r;
}

/* Reads entry <name, index>; *reply is the daemon's answer (freed by the
 * caller) when the return is >= 0 (the entry's index). */
static int get(const char *fn, char *name, int index, int flags, Pvmx__Control **reply)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__MboxGet g = PVMX__MBOX_GET__INIT;
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	g.name = name;
	g.index = index;
	g.flags = flags;
	req.body_case = PVMX__CONTROL__BODY_MBOX_GET;
	req.mbox_get = &g;
	r = lpvm_request(&req, reply);
	if (r < 0)
		return lpvm_error(fn, r);
	if ((*reply)->body_case != PVMX__CONTROL__BODY_MBOX_GET_REPLY) {
		r = (*reply)->body_case == PVMX__CONTROL__BODY_STATUS
		        ? (*reply)->status->code
		        : PvmDSysErr;
		wire_control_free(*reply);
		return r < 0 ? r : PvmDSysErr;
	}
	r = (*reply)->mbox_get_reply->code;
	if (r < 0)
		wire_control_free(*reply);
	return r;
}

/* A message buffer holding a copy of the entry in rep. */
static struct msgbuf *entry_buf(const Pvmx__MboxGetReply *rep)
{
	size_t len = rep->data.len;
	uint8_t *bytes = malloc(len ? len : 1);
	struct msgbuf *mb;

	if (bytes == NULL)
		return NULL;
	if (len > 0)
		memcpy(bytes, rep->data.data, len);
	mb = msgbuf_from_bytes(bytes, len, rep->dsig);
	if (mb == NULL) {
		free(bytes);
		return NULL;
	}
	mb->src = rep->owner;
	return mb;
}

int pvm_recvinfo(char *name, int index, int flags)
{
	Pvmx__Control *rep = NULL;
	struct msgbuf *mb;
	int r, id;

	if (!name_ok(name) || index < 0)
		return lpvm_error("pvm_recvinfo", PvmBadParam);
	r = get("pvm_recvinfo", name, index, flags, &rep);
	if (r < 0) {
		/* no such entry is an answer (PVM stays quiet too) */
		return r == PvmNotFound ? r : lpvm_error("pvm_recvinfo", r);
	}
	mb = entry_buf(rep->mbox_get_reply);
	wire_control_free(rep);
	if (mb == NULL)
		return lpvm_error("pvm_recvinfo", PvmNoMem);
	id = lpvm_buf_register(mb);
	if (id < 0) {
		msgbuf_free(mb);
		return lpvm_error("pvm_recvinfo", id);
	}
	/* as PVM 3.4.6: it becomes the receive buffer (the previous one is
	 * left alone, as pvm_setrbuf leaves it) */
	lpvm.rbuf = id;
	return id;
}

static int del(const char *fn, char *name, int index, int flags)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__MboxDel d = PVMX__MBOX_DEL__INIT;
	int r = lpvm_ensure(fn);

	if (r < 0)
		return r;
	d.name = name;
	d.index = index;
	d.flags = flags;
	req.body_case = PVMX__CONTROL__BODY_MBOX_DEL;
	req.mbox_del = &d;
	return lpvm_status_request(fn, &req, 0);
}

/* As PVM 3.4.6: the index deleted (so 0, PvmOk, for a single instance);
 * flags are ignored. */
int pvm_delinfo(char *name, int index, int flags)
{
	int r;

	if (!name_ok(name) || index < 0)
		return lpvm_error("pvm_delinfo", PvmBadParam);
	r = del("pvm_delinfo", name, index, flags);
	if (r < 0 && r != PvmNotFound && r != PvmDenied)
		return lpvm_error("pvm_delinfo", r);
	return r;
}

/* pvm_getmboxinfo's storage lives until the next call, as in PVM. */
static struct pvmmboxinfo *mbox_info;
static int mbox_ninfo;

static void free_info(void)
{
	for (int i = 0; i < mbox_ninfo; i++) {
		free(mbox_info[i].mi_name);
		free(mbox_info[i].mi_indices);
		free(mbox_info[i].mi_owners);
		free(mbox_info[i].mi_flags);
	}
	free(mbox_info);
	mbox_info = NULL;
	mbox_ninfo = 0;
}

static int *copy_ints(const int32_t *v, size_t n)
{
	int *p = malloc(sizeof(int) * (n ? n : 1));

	for (size_t i = 0; p != NULL && i < n; i++)
		p[i] = v[i];
	return p;
}

/* PVM 3.4.6's pattern: matched anywhere in the name, where `.` is any
 * character and `*` repeats what precedes it; every other character is
 * itself (`^`, `$`, `\` included).  "*" alone (or "") is everything.
 * Made into a POSIX basic expression; NULL when out of memory. */
static char *pattern_regex(const char *p)
{
	char *re = malloc(2 * strlen(p) + 1), *o = re;

	for (; re != NULL && *p != '\0'; p++) {
		if (strchr("^$\\[]", *p) != NULL || (*p == '*' && o == re))
			*o++ = '\\';
		*o++ = *p;
	}
	if (re != NULL)
		*o = '\0';
	return re;
}

/* pattern: see pattern_regex; "*" (or "") is all. */
int pvm_getmboxinfo(char *pattern, int *nclasses, struct pvmmboxinfo **classes)
{
	Pvmx__Control req = PVMX__CONTROL__INIT, *rep = NULL;
	Pvmx__Empty e = PVMX__EMPTY__INIT;
	Pvmx__MboxInfoReply *mr;
	int all = pattern == NULL || pattern[0] == '\0' || strcmp(pattern, "*") == 0;
	regex_t re;
	int r = lpvm_ensure("pvm_getmboxinfo");

	if (r < 0)
		return r;
	if (!all) {
		char *bre = pattern_regex(pattern);

		r = bre != NULL ? regcomp(&re, bre, REG_NOSUB) : -1;
		free(bre);
		if (r != 0)
			return lpvm_error("pvm_getmboxinfo", PvmBadParam);
	}
	req.body_case = PVMX__CONTROL__BODY_MBOX_INFO;
	req.mbox_info = &e;
	r = lpvm_request(&req, &rep);
	if (r == 0 && rep->body_case != PVMX__CONTROL__BODY_MBOX_INFO_REPLY) {
		wire_control_free(rep);
		r = PvmDSysErr;
	}
	if (r == 0 && rep->mbox_info_reply->code < 0) {
		r = rep->mbox_info_reply->code;
		wire_control_free(rep);
	}
	if (r < 0) {
		if (!all)
			regfree(&re);
		return lpvm_error("pvm_getmboxinfo", r);
	}
	mr = rep->mbox_info_reply;
	free_info();
	mbox_info = calloc(mr->n_classes ? mr->n_classes : 1, sizeof(*mbox_info));
	for (size_t i = 0; mbox_info != NULL && i < mr->n_classes; i++) {
		Pvmx__MboxClass *k = mr->classes[i];
		struct pvmmboxinfo *m = &mbox_info[mbox_ninfo];
		size_t n = k->n_indices;

		if (n != k->n_owners || n != k->n_flags)
			continue;
		if (!all && regexec(&re, k->name, 0, NULL, 0) != 0)
			continue;
		m->mi_name = strdup(k->name);
		m->mi_nentries = (int)n;
		m->mi_indices = copy_ints(k->indices, n);
		m->mi_owners = copy_ints(k->owners, n);
		m->mi_flags = copy_ints(k->flags, n);
		mbox_ninfo++;
		if (m->mi_name == NULL || m->mi_indices == NULL || m->mi_owners == NULL ||
		    m->mi_flags == NULL) {
			r = PvmNoMem;
			break;
		}
	}
	if (mbox_info == NULL)
		r = PvmNoMem;
	wire_control_free(rep);
	if (!all)
		regfree(&re);
	if (r < 0) {
		free_info();
		return lpvm_error("pvm_getmboxinfo", r);
	}
	if (nclasses != NULL)
		*nclasses = mbox_ninfo;
	if (classes != NULL)
		*classes = mbox_info;
	return PvmOk;
}

/* PVM 3.3's database: one int per <name, index>, kept persistent and
 * multi-instance in the mailbox (as PVM 3.4 lists them). */
int pvm_insert(char *name, int index, int data)
{
	struct msgbuf *mb;
	int r = lpvm_ensure("pvm_insert");

	if (r < 0)
		return r;
	if (!name_ok(name) || index < -1)
		return lpvm_error("pvm_insert", PvmBadParam);
	mb = msgbuf_new(PvmDataDefault, dsig_native());
	if (mb == NULL)
		return lpvm_error("pvm_insert", PvmNoMem);
	r = msgbuf_pack(mb, DSIG_INT, &data, 1, 1);
	if (r == 0)
		r = put("pvm_insert", name, mb, index, 0, 1);
	msgbuf_free(mb);
	/* a taken index is an answer, PvmDupEntry */
	if (r < 0 && r != PvmDupEntry)
		return lpvm_error("pvm_insert", r);
	return r;
}

int pvm_lookup(char *name, int index, int *data)
{
	Pvmx__Control *rep = NULL;
	struct msgbuf *mb;
	int r, v = 0;

	if (!name_ok(name) || index < -1)
		return lpvm_error("pvm_lookup", PvmBadParam);
	r = get("pvm_lookup", name, index, 0, &rep);
	if (r < 0)
		return r == PvmNoEntry ? r : lpvm_error("pvm_lookup", r);
	mb = entry_buf(rep->mbox_get_reply);
	wire_control_free(rep);
	if (mb == NULL)
		return lpvm_error("pvm_lookup", PvmNoMem);
	if (msgbuf_unpack(mb, DSIG_INT, &v, 1, 1) != 0) {
		msgbuf_free(mb);
		return lpvm_error("pvm_lookup", PvmBadMsg);
	}
	msgbuf_free(mb);
	if (data != NULL)
		*data = v;
	return r;
}

/* As PVM 3.4.6: the index deleted. */
int pvm_delete(char *name, int index)
{
	int r;

	if (!name_ok(name) || index < 0)
		return lpvm_error("pvm_delete", PvmBadParam);
	r = del("pvm_delete", name, index, 0);
	return r < 0 ? lpvm_error("pvm_delete", r) : r;
}

static int tid_in(int tid, const int *tids, int n)
{
	for (int i = 0; i < n; i++) {
		if (tids[i] == tid)
			return 1;
	}
	return 0;
}

/*
 * pvmreset: PVM 3.4.6's call behind the console's reset (exported there
 * too, undeclared in pvm3.h).  With killtasks, every task but mytid and
 * the no-reset ones is killed; then the daemon deletes the persistent
 * mailbox entries of class name (NULL or "": all) at index (-1: all)
 * whose owner has exited, and, with killtasks, those of the killed tasks
 * as they exit.  0 (as PVM 3.4.6), or a PVM error if the daemon could
 * not be asked; kills that fail are not reported, as in PVM.
 */
int pvmreset(int mytid, int killtasks, char *name, int index)
{
	Pvmx__Control req = PVMX__CONTROL__INIT;
	Pvmx__MboxReset mr = PVMX__MBOX_RESET__INIT;
	struct pvmtaskinfo *ti;
	int *noresets = NULL, nnoreset = 0, ntask = 0, r;
	int32_t *list = NULL;

	r = lpvm_ensure("pvmreset");
	if (r < 0)
		return r;
	if (index < -1 || (name != NULL && strlen(name) > 1024))
		return lpvm_error("pvmreset", PvmBadParam);
	/* without the list, killing could hit a task that asked to be spared:
	 * do nothing rather than guess */
	r = pvm_getnoresets(&noresets, &nnoreset);
	if (r < 0)
		return r;
	if (noresets == NULL || nnoreset < 0)
		nnoreset = 0;
	if (killtasks && pvm_tasks(0, &ntask, &ti) >= 0) {
		for (int i = 0; i < ntask; i++) {
			int tid = ti[i].ti_tid;

			if (tid != 0 && tid != mytid && !tid_in(tid, noresets, nnoreset))
				pvm_kill(tid);
		}
	}
	if (nnoreset > 0) {
		list = malloc(sizeof(*list) * (size_t)nnoreset);
		if (list == NULL)
			return lpvm_error("pvmreset", PvmNoMem);
		for (int i = 0; i < nnoreset; i++)
			list[i] = noresets[i];
	}
	mr.name = name != NULL ? name : "";
	mr.index = index;
	mr.kill = killtasks != 0;
	mr.noresets = list;
	mr.n_noresets = (size_t)nnoreset;
	req.body_case = PVMX__CONTROL__BODY_MBOX_RESET;
	req.mbox_reset = &mr;
	r = lpvm_status_request("pvmreset", &req, 1);
	free(list);
	return r < 0 ? r : PvmOk;
}

/*
 * mbox_t.c - the message mailbox between real tasks.  `mbox_t` spawns
 * helpers (itself, argument "helper") that act as a second task on
 * command, and checks every flag, the errors, pvm_getmboxinfo, the
 * PVM 3.3 calls, and the clean-up when an owner exits or is killed with
 * SIGKILL, all as PVM 3.4.6 does them (entries an exited owner left stay
 * locked; test_mbox.sh clears them with the console's reset).  Prints
 * "ok - ..." / "FAIL - ..." lines; exits 1 on a failure.
 */
#include <pvm3.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OP_PUT = 1, OP_GET, OP_DEL, OP_LATE_PUT, OP_WAIT_GET, OP_EXIT };
#define TAG_CMD 10
#define TAG_RES 11
#define TAG_EARLY 12
#define TAG_EXIT 13

static int fails;
static const char *prog;

static void check(int cond, const char *what, long got)
{
	printf("%s - %s (got %ld)\n", cond ? "ok" : "FAIL", what, got);
	fflush(stdout);
	if (!cond)
		fails++;
}

/* A message holding one int (and a string, to show a real message). */
static int pack_value(int v)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&v, 1, 1);
	pvm_pkstr("mailbox");
	return pvm_getsbuf();
}

static int put(const char *name, int v, int flags)
{
	return pvm_putinfo((char *)name, pack_value(v), flags);
}

/* The int stored at <name, index>, or the error. */
static int get(const char *name, int index, int flags)
{
	int b = pvm_recvinfo((char *)name, index, flags), v = -999, old;
	char s[16] = "";

	if (b < 0)
		return b;
	old = pvm_setrbuf(b);
	pvm_upkint(&v, 1, 1);
	pvm_upkstr(s);
	pvm_setrbuf(old);
	pvm_freebuf(b);
	return strcmp(s, "mailbox") == 0 ? v : -998;
}

static int helper(void)
{
	int parent = pvm_parent();

	for (;;) {
		int op, v, flags, index, r = 0;
		char name[64];

		if (pvm_recv(parent, TAG_CMD) < 0)
			return 1;
		pvm_upkint(&op, 1, 1);
		pvm_upkint(&v, 1, 1);
		pvm_upkint(&flags, 1, 1);
		pvm_upkint(&index, 1, 1);
		pvm_upkstr(name);
		switch (op) {
		case OP_PUT:
			r = put(name, v, flags);
			break;
		case OP_GET:
		case OP_WAIT_GET:
			r = get(name, index, flags);
			break;
		case OP_DEL:
			r = pvm_delinfo(name, index, 0);
			break;
		case OP_LATE_PUT:
			/* a message first, then the entry a while later */
			pvm_initsend(PvmDataDefault);
			pvm_pkint(&v, 1, 1);
			pvm_send(parent, TAG_EARLY);
			usleep(300000);
			r = put(name, v, flags);
			break;
		case OP_EXIT:
			pvm_exit();
			return 0;
		}
		pvm_initsend(PvmDataDefault);
		pvm_pkint(&r, 1, 1);
		pvm_send(parent, TAG_RES);
	}
}

static int spawn_helper(void)
{
	int tid = 0;

	if (pvm_spawn((char *)prog, (char *[]){"helper", NULL}, 0, "", 1, &tid) != 1)
		return -1;
	pvm_notify(PvmTaskExit, TAG_EXIT, 1, &tid);
	return tid;
}

static void command(int h, int op, const char *name, int v, int flags, int index)
{
	pvm_initsend(PvmDataDefault);
	pvm_pkint(&op, 1, 1);
	pvm_pkint(&v, 1, 1);
	pvm_pkint(&flags, 1, 1);
	pvm_pkint(&index, 1, 1);
	pvm_pkstr((char *)name);
	pvm_send(h, TAG_CMD);
}

static int result(int h)
{
	struct timeval tv = {10, 0};
	int r = -9999;

	if (pvm_trecv(h, TAG_RES, &tv) > 0)
		pvm_upkint(&r, 1, 1);
	return r;
}

/* Runs op in helper h and returns its result. */
static int in(int h, int op, const char *name, int v, int flags, int index)
{
	command(h, op, name, v, flags, index);
	return result(h);
}

static int wait_exit(int h)
{
	struct timeval tv = {10, 0};
	int t = 0;

	if (pvm_trecv(-1, TAG_EXIT, &tv) > 0)
		pvm_upkint(&t, 1, 1);
	return t == h;
}

/* Entry owner / flags / count of class name, from pvm_getmboxinfo. */
static int info(const char *name, int index, int *owner, int *flags)
{
	struct pvmmboxinfo *mi;
	int n = 0;

	if (pvm_getmboxinfo("*", &n, &mi) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(mi[i].mi_name, name) != 0)
			continue;
		for (int j = 0; j < mi[i].mi_nentries; j++) {
			if (mi[i].mi_indices[j] == index) {
				if (owner != NULL)
					*owner = mi[i].mi_owners[j];
				if (flags != NULL)
					*flags = mi[i].mi_flags[j];
			}
		}
		return mi[i].mi_nentries;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int me, h, r, owner = -1, flags = -1, d = 0, n;
	struct pvmmboxinfo *mi;

	prog = argv[0];
	if (argc > 1 && strcmp(argv[1], "helper") == 0)
		return helper();
	me = pvm_mytid();
	if (me < 0)
		return 1;
	pvm_setopt(PvmAutoErr, 0);
	h = spawn_helper();
	check(h > 0, "spawn a helper task", h);

	/* PvmMboxDefault: one instance, locked to its owner */
	check(put("d", 1, PvmMboxDefault) == 0, "default: put stores at index 0", 0);
	check(put("d", 2, PvmMboxDefault) == 0, "default: the owner may replace it", 0);
	check(get("d", 0, 0) == 2, "default: recvinfo reads the new message",
	      get("d", 0, 0));
	r = in(h, OP_PUT, "d", 3, PvmMboxDefault, 0);
	check(r == PvmDenied, "default: another task's put is PvmDenied", r);
	r = in(h, OP_DEL, "d", 0, 0, 0);
	check(r == PvmDenied, "default: another task's delinfo is PvmDenied", r);
	r = in(h, OP_GET, "d", 0, PvmMboxReadAndDelete, 0);
	check(r == PvmDenied, "default: another task's read-and-delete is PvmDenied", r);
	r = in(h, OP_GET, "d", 0, 0, 0);
	check(r == 2, "default: another task may read it", r);

	/* PvmMboxOverWritable */
	check(put("ow", 4, PvmMboxOverWritable) == 0, "overwritable: put", 0);
	r = in(h, OP_PUT, "ow", 5, PvmMboxDefault, 0);
	check(r == 0, "overwritable: another task replaces it", r);
	check(get("ow", 0, 0) == 5 && info("ow", 0, &owner, NULL) == 1 && owner == h,
	      "overwritable: the replacement is the other task's", owner);

	/* PvmMboxMultiInstance and PvmMboxFirstAvail */
	r = put("mi", 10, PvmMboxMultiInstance);
	r = r * 10 + put("mi", 11, PvmMboxMultiInstance);
	r = r * 10 + put("mi", 12, PvmMboxMultiInstance);
	check(r == 12, "multi-instance: indices 0, 1, 2", r);
	r = in(h, OP_PUT, "mi", 13, PvmMboxMultiInstance, 0);
	check(r == 3, "multi-instance: another task adds index 3", r);
	r = in(h, OP_PUT, "mi", 14, PvmMboxDefault, 0);
	check(r == PvmDenied, "multi-instance: another task may not replace index 0", r);
	check(get("mi", 1, 0) == 11, "recvinfo of index 1", get("mi", 1, 0));
	r = pvm_delinfo("mi", 1, 0);
	check(r == 1, "delinfo answers the index deleted (as PVM 3.4.6)", r);
	check(get("mi", 1, 0) == PvmNotFound, "a deleted index is PvmNotFound",
	      get("mi", 1, 0));
	check(get("mi", 1, PvmMboxFirstAvail) == 12, "first-avail from 1 finds index 2",
	      get("mi", 1, PvmMboxFirstAvail));
	check(get("mi", 0, PvmMboxFirstAvail) == 10, "first-avail from 0 is index 0", 0);
	check(put("mi", 15, PvmMboxMultiInstance) == 1, "the lowest free index is reused",
	      0);

	/* PvmMboxReadAndDelete */
	put("rd", 20, PvmMboxDefault);
	check(get("rd", 0, PvmMboxReadAndDelete) == 20, "read-and-delete reads", 0);
	check(get("rd", 0, 0) == PvmNotFound, "read-and-delete deletes", get("rd", 0, 0));

	/* PvmMboxDirectIndex, as PVM 3.4.6: without PvmMboxMultiInstance the
	 * entry at the index is replaced (if the caller may); with it, a new
	 * instance goes to the first free index at or above it */
	put("dx", 30, PvmMboxMultiInstance | PvmMboxOverWritable);
	put("dx", 31, PvmMboxMultiInstance | PvmMboxOverWritable);
	r = put("dx", 32, PvmMboxOverWritable | PvmMboxDirectIndex(1));
	check(r == 1 && get("dx", 1, 0) == 32 && info("dx", 0, NULL, NULL) == 2,
	      "direct index: replaces an overwritable instance in place", r);
	r = put("dx", 33,
	        PvmMboxMultiInstance | PvmMboxOverWritable | PvmMboxDirectIndex(1));
	check(r == 2 && get("dx", 1, 0) == 32 && get("dx", 2, 0) == 33,
	      "direct index + multi-instance: the first free index above it", r);
	r = put("dx", 34,
	        PvmMboxMultiInstance | PvmMboxOverWritable | PvmMboxDirectIndex(7));
	check(r == 7 && get("dx", 7, 0) == 34,
	      "direct index: a free index is used as given", r);
	r = in(h, OP_PUT, "dx", 35, PvmMboxDirectIndex(2), 0);
	check(r == 2 && get("dx", 2, 0) == 35 && info("dx", 2, &owner, NULL) == 4 &&
	          owner == h,
	      "direct index: another task replaces an overwritable instance", r);
	put("dy", 40, PvmMboxMultiInstance);
	put("dy", 41, PvmMboxMultiInstance);
	r = put("dy", 42, PvmMboxMultiInstance | PvmMboxDirectIndex(1));
	check(r == 2 && get("dy", 1, 0) == 41,
	      "direct index: a locked instance is kept, a new one added", r);
	r = in(h, OP_PUT, "dy", 43, PvmMboxDirectIndex(1), 0);
	check(r == PvmDenied && get("dy", 1, 0) == 41,
	      "direct index: another task's locked instance is PvmDenied", r);
	r = put("dy", 44, PvmMboxDirectIndex(1));
	check(r == 1 && get("dy", 1, 0) == 44,
	      "direct index: the owner replaces its locked instance", r);
	r = put("dz", 45, PvmMboxDirectIndex(3));
	check(r == 3 && get("dz", 3, 0) == 45,
	      "direct index above 0 without multi-instance: stored there", r);

	/* errors */
	check(pvm_putinfo("x", 9999, 0) == PvmNoSuchBuf,
	      "putinfo of no buffer: PvmNoSuchBuf", 0);
	check(pvm_putinfo("x", -1, 0) == PvmBadParam, "putinfo bufid -1: PvmBadParam", 0);
	check(pvm_putinfo("", pack_value(1), 0) == PvmBadParam, "empty name: PvmBadParam",
	      0);
	check(pvm_putinfo(NULL, pack_value(1), 0) == PvmBadParam, "no name: PvmBadParam",
	      0);
	r = put("uf", 1, 0x80);
	check(r == 0 && info("uf", 0, NULL, &flags) == 1 && flags == 0x80,
	      "flag bits PVM has no use for are kept, not refused (as PVM 3.4.6)", flags);
	check(get("uf", 0, 0x80 | 0x1000) == 1,
	      "recvinfo ignores flag bits it has no use for", 0);
	check(pvm_delinfo("uf", 0, 0x80) == 0, "delinfo ignores its flags", 0);
	check(pvm_recvinfo("mi", -1, 0) == PvmBadParam, "recvinfo index -1: PvmBadParam",
	      0);
	check(pvm_recvinfo("nosuch", 0, 0) == PvmNotFound,
	      "recvinfo of nothing: PvmNotFound", 0);
	check(pvm_delinfo("nosuch", 0, 0) == PvmNotFound,
	      "delinfo of nothing: PvmNotFound", 0);

	{
		static char big[16 << 20];

		pvm_initsend(PvmDataDefault);
		pvm_pkbyte(big, (int)sizeof(big), 1);
		check(pvm_putinfo("big", pvm_getsbuf(), 0) == PvmNoMem,
		      "an entry over 15 MiB: PvmNoMem", 0);
		check(put("big", 1, 0) == 0 && get("big", 0, 0) == 1,
		      "... and the connection is still there", 0);
	}

	/* pvm_getmboxinfo */
	r = pvm_getmboxinfo("mi", &n, &mi);
	check(r == 0 && n == 1 && strcmp(mi[0].mi_name, "mi") == 0 &&
	          mi[0].mi_nentries == 4,
	      "getmboxinfo with a pattern: class mi, 4 entries", n);
	r = pvm_getmboxinfo("^mi", &n, &mi);
	check(r == 0 && n == 0, "getmboxinfo: ^ is a plain character, as PVM 3.4.6", n);
	r = pvm_getmboxinfo("d.", &n, &mi);
	check(r == 0 && n == 3, "getmboxinfo: . is any character (dx, dy, dz)", n);
	info("dx", 7, &owner, &flags);
	check(owner == me && flags == (PvmMboxMultiInstance | PvmMboxOverWritable |
	                               (int)PvmMboxDirectIndex(7)),
	      "getmboxinfo: owner and flags as put", flags);

	/* PVM 3.3's database */
	check(pvm_insert("db", -1, 77) == 0 && pvm_insert("db", -1, 78) == 1,
	      "insert -1: first free indices", 0);
	check(pvm_insert("db", 0, 79) == PvmDupEntry,
	      "insert at a taken index: PvmDupEntry", 0);
	check(pvm_insert("db", 5, 80) == 5, "insert at a free index", 0);
	check(pvm_lookup("db", 1, &d) == 1 && d == 78, "lookup by index", d);
	check(pvm_lookup("db", -1, &d) == 0 && d == 77, "lookup -1: the first entry", d);
	check(pvm_delete("db", 0) == 0, "delete", 0);
	check(pvm_lookup("db", 0, &d) == PvmNoEntry, "lookup after delete: PvmNoEntry",
	      0);
	check(info("db", 1, NULL, &flags) == 2 &&
	          flags == (PvmMboxPersistent | PvmMboxMultiInstance),
	      "insert's entries are persistent, multi-instance", flags);

	/* PvmMboxPersistent; non-persistent entries go with their owner */
	in(h, OP_PUT, "pers", 50, PvmMboxPersistent, 0);
	in(h, OP_PUT, "pers_ow", 52, PvmMboxPersistent | PvmMboxOverWritable, 0);
	in(h, OP_PUT, "gone", 51, PvmMboxDefault, 0);
	command(h, OP_EXIT, "", 0, 0, 0);
	check(wait_exit(h), "the helper exits", h);
	check(get("pers", 0, 0) == 50 && info("pers", 0, &owner, NULL) == 1 && owner == 0,
	      "persistent: kept after its owner exits, owner 0", owner);
	check(get("gone", 0, 0) == PvmNotFound, "default: gone when its owner exits",
	      get("gone", 0, 0));
	check(get("ow", 0, 0) == PvmNotFound, "a replaced entry goes with its new owner",
	      0);
	owner = -1;
	check(info("mi", 3, &owner, NULL) == 3 && owner == -1,
	      "the exited helper's instance of mi is gone", owner);
	/* as PVM 3.4.6: what an exited owner left stays locked */
	r = put("pers", 53, PvmMboxDefault);
	check(r == PvmDenied && get("pers", 0, 0) == 50,
	      "ownerless: a put over it is PvmDenied", r);
	r = get("pers", 0, PvmMboxReadAndDelete);
	check(r == PvmDenied && get("pers", 0, 0) == 50,
	      "ownerless: read-and-delete is PvmDenied", r);
	r = pvm_delinfo("pers", 0, 0);
	check(r == PvmDenied, "ownerless: delinfo is PvmDenied", r);
	r = put("pers", 54, PvmMboxMultiInstance);
	check(r == 1 && pvm_delinfo("pers", 1, 0) == 1,
	      "ownerless: a multi-instance put adds an instance beside it", r);
	r = pvm_delinfo("pers_ow", 0, 0);
	check(r == 0, "ownerless but overwritable: anyone deletes it", r);

	/* an owner killed with SIGKILL */
	h = spawn_helper();
	in(h, OP_PUT, "k_def", 60, PvmMboxDefault, 0);
	in(h, OP_PUT, "k_pers", 61, PvmMboxPersistent, 0);
	check(pvm_sendsig(h, SIGKILL) == 0, "sendsig SIGKILL to the owner", 0);
	check(wait_exit(h), "the killed owner's exit is notified", h);
	check(get("k_def", 0, 0) == PvmNotFound, "kill -9: its default entry is gone", 0);
	check(get("k_pers", 0, 0) == 61, "kill -9: its persistent entry stays", 0);

	/* PvmMboxWaitForInfo: the daemon holds the request until the entry
	 * appears; messages arriving meanwhile are kept */
	h = spawn_helper();
	command(h, OP_LATE_PUT, "late", 70, PvmMboxDefault, 0);
	r = get("late", 0, PvmMboxWaitForInfo);
	check(r == 70, "wait-for-info: returns once the entry is put", r);
	check(result(h) == 0, "the helper's late put", 0);
	{
		struct timeval tv = {0, 0};

		check(pvm_trecv(h, TAG_EARLY, &tv) > 0,
		      "a message that came while waiting is still received", 0);
	}
	command(h, OP_LATE_PUT, "late2", 71, PvmMboxDefault, 0);
	r = get("late2", 0, PvmMboxWaitForInfo | PvmMboxReadAndDelete);
	check(r == PvmDenied, "wait + read-and-delete of a locked entry: PvmDenied", r);
	result(h);
	pvm_recv(h, TAG_EARLY);
	command(h, OP_LATE_PUT, "late3", 72, PvmMboxOverWritable, 0);
	r = get("late3", 0, PvmMboxWaitForInfo | PvmMboxReadAndDelete);
	check(r == 72 && get("late3", 0, 0) == PvmNotFound,
	      "wait + read-and-delete: read and gone", r);
	result(h);
	pvm_recv(h, TAG_EARLY);
	check(get("late", 0, PvmMboxWaitForInfo) == 70,
	      "wait-for-info of one present: at once", 0);
	/* a task that dies while waiting is forgotten */
	command(h, OP_WAIT_GET, "never", 0, PvmMboxWaitForInfo, 0);
	usleep(200000);
	pvm_sendsig(h, SIGKILL);
	check(wait_exit(h), "a waiting task killed", h);
	check(put("never", 80, PvmMboxDefault) == 0 && get("never", 0, 0) == 80,
	      "the entry it waited for is put and read afterwards", 0);
	/* what killed tasks left behind is locked too; our own entries we
	 * delete (pvm_delete answers the index, as PVM 3.4.6) */
	r = pvm_delinfo("k_pers", 0, 0);
	check(r == PvmDenied, "a killed owner's persistent entry is locked", r);
	r = pvm_delete("db", 1);
	r = r * 10 + pvm_delete("db", 5);
	check(r == 15, "pvm_delete answers the index deleted", r);
	pvm_exit();
	return fails != 0;
}

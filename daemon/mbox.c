/*
 * mbox.c - the message mailbox (pvm_putinfo, pvm_recvinfo, pvm_delinfo,
 * pvm_getmboxinfo, the older pvm_insert/pvm_lookup/pvm_delete, and the
 * console's reset): named classes of indexed entries, each a packed
 * message owned by a task.  Requests with PvmMboxWaitForInfo are held
 * until an entry appears.  Rights and indices are PVM 3.4.6's.
 */
#include "pvmd.h"

#include "log.h"
#include "wire.h"

#include <pvm3.h>
#include <stdlib.h>
#include <string.h>

/* A class name is a key, not a document. */
#define MBOX_NAME_MAX 1024
/* All entries together; one more is refused with PvmNoMem. */
#define MBOX_BYTES_MAX (256u * 1024u * 1024u)
#define MBOX_ENTRIES_MAX 100000
/* Owners are found by tid in this many lists (a power of 2). */
#define MBOX_OWNER_BUCKETS 1024

struct mbox_owner;
struct mbox_class;

struct mbox_entry {
	TAILQ_ENTRY(mbox_entry) entry; /* in index order */
	TAILQ_ENTRY(mbox_entry) owned; /* among its owner's */
	struct mbox_class *cls;
	struct mbox_owner *own; /* NULL once owner is 0 */
	int index;
	int owner; /* 0 once a persistent entry's owner has exited */
	int flags;
	int dsig;
	uint8_t *data;
	size_t len;
};
TAILQ_HEAD(mbox_entries, mbox_entry);
TAILQ_HEAD(mbox_owned, mbox_entry);

/* A task that owns entries, so that its exit touches its own entries
 * only, not the whole mailbox. */
struct mbox_owner {
	LIST_ENTRY(mbox_owner) bucket;
	int tid;
	int doomed;         /* a reset is killing it: its persistent entries
	                       go when it exits (kept while it owns none) */
	unsigned reset_gen; /* the last reset that looked at it */
	struct mbox_owned entries;
};
LIST_HEAD(mbox_owner_list, mbox_owner);

struct mbox_class {
	TAILQ_ENTRY(mbox_class) entry;
	char *name;
	struct mbox_entries entries;
	size_t n;
};
TAILQ_HEAD(mbox_classes, mbox_class);

/* A pvm_recvinfo with PvmMboxWaitForInfo, answered when it can be: the
 * arg of its PENDING_MBOX_WAIT (which holds who asked). */
struct mbox_waiter {
	char *name;
	int index, flags;
};

static struct mbox_classes classes = TAILQ_HEAD_INITIALIZER(classes);
static size_t mbox_bytes, mbox_entries;
static struct mbox_owner_list owners[MBOX_OWNER_BUCKETS];
/* Owners a reset is killing: when one exits, its persistent entries are
 * deleted instead of left ownerless. */
static size_t ndoomed;
static unsigned reset_gen;

static struct mbox_owner_list *owner_bucket(int tid)
{
	return &owners[(unsigned)tid % MBOX_OWNER_BUCKETS];
}

/* The owner record of tid; with create, made when missing (NULL: out of
 * memory). */
static struct mbox_owner *owner_get(int tid, int create)
{
	struct mbox_owner_list *b = owner_bucket(tid);
	struct mbox_owner *o;

	LIST_FOREACH(o, b, bucket)
	{
		if (o->tid == tid)
			return o;
	}
	if (!create || (o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->tid = tid;
	TAILQ_INIT(&o->entries);
	LIST_INSERT_HEAD(b, o, bucket);
	return o;
}

/* Freed once it owns nothing and no reset awaits its exit. */
static void owner_release(struct mbox_owner *o)
{
	if (o->doomed || !TAILQ_EMPTY(&o->entries))
		return;
	LIST_REMOVE(o, bucket);
	free(o);
}

/* The entry is no longer o's (it goes, or its owner has exited). */
static void entry_disown(struct mbox_entry *e)
{
	struct mbox_owner *o = e->own;

	if (o == NULL)
		return;
	TAILQ_REMOVE(&o->entries, e, owned);
	e->own = NULL;
	owner_release(o);
}

static int name_ok(const char *name)
{
	return name != NULL && name[0] != '\0' && strlen(name) <= MBOX_NAME_MAX;
}

static struct mbox_class *class_find(const char *name)
{
	struct mbox_class *k;

	TAILQ_FOREACH(k, &classes, entry)
	{
		if (strcmp(k->name, name) == 0)
			return k;
	}
	return NULL;
}

static struct mbox_entry *entry_at(struct mbox_class *k, int index)
{
	struct mbox_entry *e;

	TAILQ_FOREACH(e, &k->entries, entry)
	{
		if (e->index == index)
			return e;
	}
	return NULL;
}

/* The first entry with an index >= index. */
static struct mbox_entry *entry_from(struct mbox_class *k, int index)
{
	struct mbox_entry *e;

	TAILQ_FOREACH(e, &k->entries, entry)
	{
		if (e->index >= index)
			return e;
	}
	return NULL;
}

static int lowest_free(struct mbox_class *k)
{
	struct mbox_entry *e;
	int i = 0;

	TAILQ_FOREACH(e, &k->entries, entry)
	{
		if (e->index != i)
			break;
		i++;
	}
	return i;
}

static void entry_free(struct mbox_class *k, struct mbox_entry *e)
{
	entry_disown(e);
	TAILQ_REMOVE(&k->entries, e, entry);
	k->n--;
	mbox_bytes -= e->len;
	mbox_entries--;
	free(e->data);
	free(e);
	if (k->n == 0) {
		TAILQ_REMOVE(&classes, k, entry);
		free(k->name);
		free(k);
	}
}

/* Inserts e in index order. */
static void entry_link(struct mbox_class *k, struct mbox_entry *e)
{
	struct mbox_entry *x;

	TAILQ_FOREACH(x, &k->entries, entry)
	{
		if (x->index > e->index) {
			TAILQ_INSERT_BEFORE(x, e, entry);
			k->n++;
			return;
		}
	}
	TAILQ_INSERT_TAIL(&k->entries, e, entry);
	k->n++;
}

/* May task tid replace, delete or read-and-delete e?  Its owner may, and
 * anyone when it is overwritable.  An entry whose owner has exited
 * (persistent, owner 0) stays locked: only a reset deletes it. */
static int may_modify(const struct mbox_entry *e, int tid)
{
	return e->owner == tid || (e->flags & PvmMboxOverWritable);
}

static void waiters_wake(const char *name);

/* The slot a put goes to: an existing entry to replace (*old), or a new
 * index.  Returns the index, or a PVM error.  As PVM 3.4.6: the index
 * asked for is the direct index (0 without one); when it is taken, a
 * multi-instance put adds the first free index above it, any other put
 * replaces the entry there if the caller owns it or it is overwritable. */
static int put_target(struct mbox_class *k, const Pvmx__MboxPut *req, int tid,
                      struct mbox_entry **old)
{
	int flags = req->flags;
	int index = (int)PvmMboxDirectIndexOf(flags);
	struct mbox_entry *e;

	*old = NULL;
	if (req->mode == 1) {
		/* pvm_insert: a given index must be free */
		if (req->index < 0)
			return k != NULL ? lowest_free(k) : 0;
		return k != NULL && entry_at(k, req->index) != NULL ? PvmDupEntry
		                                                    : req->index;
	}
	e = k != NULL ? entry_at(k, index) : NULL;
	if (e == NULL)
		return index;
	if (flags & PvmMboxMultiInstance) {
		/* entries are in index order: step over the taken run */
		for (; e != NULL && e->index == index; e = TAILQ_NEXT(e, entry))
			index++;
		return index;
	}
	if (!may_modify(e, tid))
		return PvmDenied;
	*old = e;
	return index;
}

/* pvm_putinfo / pvm_insert by task tid: the index stored at, or a PVM
 * error. */
int mbox_put(int tid, const Pvmx__MboxPut *req)
{
	char shown[LOG_PRINTABLE_LEN];
	struct mbox_class *k;
	struct mbox_entry *old, *e;
	int index;

	/* as PVM 3.4.6, flag bits it has no use for are kept, not refused */
	if (!name_ok(req->name) || (req->mode != 0 && req->mode != 1) ||
	    (req->mode == 1 && req->index < -1) ||
	    (req->data.len > 0 && req->data.data == NULL))
		return PvmBadParam;
	k = class_find(req->name);
	index = put_target(k, req, tid, &old);
	if (index < 0)
		return index;
	if (mbox_bytes + req->data.len > MBOX_BYTES_MAX ||
	    mbox_entries >= MBOX_ENTRIES_MAX) {
		log_warn("t%x: mailbox full (%zu entries, %zu bytes)", (unsigned)tid,
		         mbox_entries, mbox_bytes);
		return PvmNoMem;
	}
	e = calloc(1, sizeof(*e));
	if (e != NULL && req->data.len > 0) {
		e->data = malloc(req->data.len);
		if (e->data == NULL) {
			free(e);
			e = NULL;
		}
	}
	if (e != NULL && k == NULL) {
		k = calloc(1, sizeof(*k));
		if (k != NULL && (k->name = strdup(req->name)) == NULL) {
			free(k);
			k = NULL;
		}
		if (k == NULL) {
			free(e->data);
			free(e);
			e = NULL;
		} else {
			TAILQ_INIT(&k->entries);
			TAILQ_INSERT_TAIL(&classes, k, entry);
		}
	}
	if (e != NULL && (e->own = owner_get(tid, 1)) == NULL) {
		free(e->data);
		free(e);
		e = NULL;
		if (TAILQ_EMPTY(&k->entries)) { /* made for it */
			TAILQ_REMOVE(&classes, k, entry);
			free(k->name);
			free(k);
		}
	}
	if (e == NULL)
		return PvmNoMem;
	TAILQ_INSERT_TAIL(&e->own->entries, e, owned);
	e->cls = k;
	if (req->data.len > 0)
		memcpy(e->data, req->data.data, req->data.len);
	e->len = req->data.len;
	e->index = index;
	e->owner = tid;
	e->flags = req->mode == 1 ? PvmMboxPersistent | PvmMboxMultiInstance : req->flags;
	e->dsig = req->dsig;
	/* link the new one first: freeing the old must not free the class */
	entry_link(k, e);
	mbox_bytes += e->len;
	mbox_entries++;
	if (old != NULL)
		entry_free(k, old);
	log_debug("t%x: mailbox put \"%s\" index %d (%zu bytes, flags 0x%x)",
	          (unsigned)tid, log_printable(shown, sizeof(shown), req->name), index,
	          e->len, (unsigned)e->flags);
	waiters_wake(req->name);
	return index;
}

/* Looks up for a get; *e is the entry, or NULL with the error returned. */
static int get_find(const char *name, int index, int flags, int tid,
                    struct mbox_entry **e, struct mbox_class **k)
{
	*k = class_find(name);
	*e = NULL;
	if (*k == NULL)
		return PvmNotFound;
	*e = (flags & PvmMboxFirstAvail) || index < 0
	         ? entry_from(*k, index < 0 ? 0 : index)
	         : entry_at(*k, index);
	if (*e == NULL)
		return PvmNotFound;
	if ((flags & PvmMboxReadAndDelete) && !may_modify(*e, tid)) {
		*e = NULL;
		return PvmDenied;
	}
	return 0;
}

static void reply_get(const struct reply_addr *to, int code, const struct mbox_entry *e)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__MboxGetReply r = PVMX__MBOX_GET_REPLY__INIT;

	r.code = code;
	if (e != NULL) {
		r.code = e->index;
		r.owner = e->owner;
		r.dsig = e->dsig;
		r.data.data = e->data;
		r.data.len = e->len;
	}
	ctl.body_case = PVMX__CONTROL__BODY_MBOX_GET_REPLY;
	ctl.mbox_get_reply = &r;
	reply_control(to, &ctl);
}

/* Answers a get with entry e (deleting it for PvmMboxReadAndDelete). */
static void get_answer(const struct reply_addr *to, int flags, struct mbox_class *k,
                       struct mbox_entry *e)
{
	reply_get(to, 0, e);
	if (flags & PvmMboxReadAndDelete)
		entry_free(k, e);
}

static void waiter_free(struct mbox_waiter *w)
{
	free(w->name);
	free(w);
}

/* A held read whose task is gone (or the daemon exits): no answer. */
static void waiter_cancel(const struct pending *p, enum pending_why why, void *arg)
{
	(void)p;
	(void)why;
	waiter_free(arg);
}

/* pvm_recvinfo / pvm_lookup: answered now, or held (WaitForInfo). */
void mbox_get(const struct reply_addr *to, const Pvmx__MboxGet *req)
{
	char shown[LOG_PRINTABLE_LEN];
	struct mbox_class *k;
	struct mbox_entry *e;
	struct mbox_waiter *w;
	int r;

	/* unknown flag bits are ignored, as PVM 3.4.6 does */
	if (!name_ok(req->name) || req->index < -1) {
		reply_get(to, PvmBadParam, NULL);
		return;
	}
	r = get_find(req->name, req->index, req->flags, to->tid, &e, &k);
	if (e != NULL) {
		get_answer(to, req->flags, k, e);
		return;
	}
	if (r != PvmNotFound || !(req->flags & PvmMboxWaitForInfo)) {
		reply_get(to, r, NULL);
		return;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL || (w->name = strdup(req->name)) == NULL) {
		free(w);
		reply_get(to, PvmNoMem, NULL);
		return;
	}
	w->index = req->index;
	w->flags = req->flags;
	if (pending_add(PENDING_MBOX_WAIT, to, 0, 0, waiter_cancel, w) == NULL) {
		waiter_free(w);
		reply_get(to, PvmNoMem, NULL);
		return;
	}
	log_debug("t%x: waits for mailbox \"%s\" index %d", (unsigned)to->tid,
	          log_printable(shown, sizeof(shown), w->name), w->index);
}

/* An entry of class name appeared: answer the waiters it satisfies, in
 * the order they asked. */
static void waiters_wake(const char *name)
{
	struct pending *p, *next;

	for (p = pending_next(PENDING_MBOX_WAIT, NULL); p != NULL; p = next) {
		struct mbox_waiter *w = p->arg;
		struct mbox_class *k;
		struct mbox_entry *e;
		int r;

		next = pending_next(PENDING_MBOX_WAIT, p);
		if (strcmp(w->name, name) != 0)
			continue;
		/* an entry must not be read and deleted for nobody */
		if (!reply_reachable(&p->to)) {
			pending_done(p);
			waiter_free(w);
			continue;
		}
		r = get_find(w->name, w->index, w->flags, p->to.tid, &e, &k);
		if (e != NULL)
			get_answer(&p->to, w->flags, k, e);
		else if (r == PvmDenied)
			reply_get(&p->to, r, NULL);
		else
			continue;
		pending_done(p);
		waiter_free(w);
		/* a read-and-delete may have emptied the class */
		if (class_find(name) == NULL)
			break;
	}
}

/* pvm_delinfo / pvm_delete: the index deleted (as PVM 3.4.6 answers),
 * or a PVM error. */
int mbox_del(int tid, const Pvmx__MboxDel *req)
{
	struct mbox_class *k;
	struct mbox_entry *e;
	int index = req->index;

	/* flags are ignored, as PVM 3.4.6 does */
	if (!name_ok(req->name) || index < 0)
		return PvmBadParam;
	k = class_find(req->name);
	e = k != NULL ? entry_at(k, index) : NULL;
	if (e == NULL)
		return PvmNotFound;
	if (!may_modify(e, tid))
		return PvmDenied;
	entry_free(k, e);
	return index;
}

/* pvm_getmboxinfo: every class, every entry. */
void mbox_info(const struct reply_addr *to)
{
	Pvmx__Control ctl = PVMX__CONTROL__INIT;
	Pvmx__MboxInfoReply r = PVMX__MBOX_INFO_REPLY__INIT;
	Pvmx__MboxClass *cls = NULL, **ptrs = NULL;
	int32_t *ints = NULL;
	struct mbox_class *k;
	size_t n = 0, ne = 0, i = 0, j = 0;

	TAILQ_FOREACH(k, &classes, entry)
	{
		n++;
		ne += k->n;
	}
	cls = calloc(n ? n : 1, sizeof(*cls));
	ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	ints = calloc(ne ? 3 * ne : 1, sizeof(*ints));
	if (cls == NULL || ptrs == NULL || ints == NULL) {
		r.code = PvmNoMem;
		n = 0;
	}
	if (r.code == 0) {
		TAILQ_FOREACH(k, &classes, entry)
		{
			Pvmx__MboxClass *m = &cls[i];
			struct mbox_entry *e;
			size_t x = 0;

			pvmx__mbox_class__init(m);
			m->name = k->name;
			m->indices = ints + j;
			m->owners = ints + j + k->n;
			m->flags = ints + j + 2 * k->n;
			m->n_indices = m->n_owners = m->n_flags = k->n;
			TAILQ_FOREACH(e, &k->entries, entry)
			{
				m->indices[x] = e->index;
				m->owners[x] = e->owner;
				m->flags[x] = e->flags;
				x++;
			}
			j += 3 * k->n;
			ptrs[i] = m;
			i++;
		}
	}
	r.classes = ptrs;
	r.n_classes = n;
	ctl.body_case = PVMX__CONTROL__BODY_MBOX_INFO_REPLY;
	ctl.mbox_info_reply = &r;
	reply_control(to, &ctl);
	free(cls);
	free(ptrs);
	free(ints);
}

static int tid_listed(int tid, const int32_t *tids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (tids[i] == tid)
			return 1;
	}
	return 0;
}

/*
 * pvmreset by task tid, as PVM 3.4.6's master pvmd does it: of the
 * persistent entries of class name ("" all) at index (-1 all), those
 * whose owner has exited are deleted now; with kill, the owners of the
 * others, unless listed as no-reset tasks, are being killed, and their
 * persistent entries will go when they exit.  Other entries are left
 * alone (a killed task's go with it).  The number deleted now, or a PVM
 * error.
 */
int mbox_reset(int tid, const Pvmx__MboxReset *req)
{
	char shown[LOG_PRINTABLE_LEN];
	struct mbox_class *k, *knext;
	int deleted = 0;

	if (req->name == NULL || strlen(req->name) > MBOX_NAME_MAX || req->index < -1)
		return PvmBadParam;
	reset_gen++;
	for (k = TAILQ_FIRST(&classes); k != NULL; k = knext) {
		struct mbox_entry *e, *enext;

		knext = TAILQ_NEXT(k, entry);
		if (req->name[0] != '\0' && strcmp(k->name, req->name) != 0)
			continue;
		for (e = TAILQ_FIRST(&k->entries); e != NULL; e = enext) {
			enext = TAILQ_NEXT(e, entry);
			if (!(e->flags & PvmMboxPersistent) ||
			    (req->index >= 0 && e->index != req->index))
				continue;
			if (e->owner == 0) {
				int last = k->n == 1;

				entry_free(k, e);
				deleted++;
				if (last)
					break; /* the class is gone */
			} else if (req->kill && e->own != NULL &&
			           e->own->reset_gen != reset_gen) {
				/* each owner once per reset, however many
				 * entries it has */
				e->own->reset_gen = reset_gen;
				if (!e->own->doomed &&
				    !tid_listed(e->owner, req->noresets, req->n_noresets)) {
					e->own->doomed = 1;
					ndoomed++;
				}
			}
		}
	}
	log_info("t%x: mailbox reset of \"%s\" index %d%s: %d ownerless entr%s deleted",
	         (unsigned)tid, log_printable(shown, sizeof(shown), req->name),
	         req->index, req->kill ? " (tasks killed)" : "", deleted,
	         deleted == 1 ? "y" : "ies");
	return deleted;
}

/* Task tid has exited: its entries go, unless persistent (they stay,
 * owner 0, or go too if a reset is killing it).  (Its held reads are
 * pending waits: pending_task_gone drops them.) */
void mbox_task_exit(int tid)
{
	struct mbox_owner *o = owner_get(tid, 0);
	struct mbox_entry *e;
	int doomed;

	if (o == NULL)
		return;
	doomed = o->doomed;
	/* kept while we go through its entries */
	o->doomed = 1;
	while ((e = TAILQ_FIRST(&o->entries)) != NULL) {
		if ((e->flags & PvmMboxPersistent) && !doomed) {
			e->owner = 0;
			entry_disown(e);
		} else {
			entry_free(e->cls, e);
		}
	}
	if (doomed)
		ndoomed--;
	o->doomed = 0;
	owner_release(o);
}

/* For pvm_tickle: one log line per class. */
void mbox_dump(void)
{
	char shown[LOG_PRINTABLE_LEN];
	struct mbox_class *k;

	tickle_log(
	    "mailbox: %zu entries, %zu bytes, %s waiters, %zu owners a reset awaits",
	    mbox_entries, mbox_bytes,
	    pending_count(PENDING_MBOX_WAIT) == 0 ? "no" : "some", ndoomed);
	TAILQ_FOREACH(k, &classes, entry)
	tickle_log("mailbox class \"%s\": %zu entries",
	           log_printable(shown, sizeof(shown), k->name), k->n);
}

void mbox_free_all(void)
{

	while (!TAILQ_EMPTY(&classes)) {
		struct mbox_class *k = TAILQ_FIRST(&classes);

		while (k != NULL && TAILQ_FIRST(&k->entries) != NULL) {
			int last = k->n == 1;

			entry_free(k, TAILQ_FIRST(&k->entries));
			if (last)
				break;
		}
	}
	for (size_t i = 0; i < MBOX_OWNER_BUCKETS; i++) {
		struct mbox_owner *o;

		while ((o = LIST_FIRST(&owners[i])) != NULL) {
			LIST_REMOVE(o, bucket);
			free(o);
		}
	}
	ndoomed = 0;
}

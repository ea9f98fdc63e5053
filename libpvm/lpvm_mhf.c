/*
 * lpvm_mhf.c - message handlers (pvm_addmhf, pvm_delmhf) and the
 * replaceable receive matcher (pvm_recvf).  Messages a handler wants are
 * held as they are read and handed to it, in arrival order, once no
 * control request is outstanding (lpvm_mhf_run).
 */
#include "lpvm.h"
#include "lpvm_route.h"

#include <stdlib.h>
#include <string.h>

struct mhf {
	int src, tag, ctx; /* -1: any */
	int (*f)(int);     /* NULL: a free slot */
};

static struct mhf *handlers; /* handler id n is handlers[n - 1] */
static int nhandlers;

/* held messages: buffer id and the handler slot that wants it */
static struct held {
	int id, slot;
} * held;
static int nheld, heldcap;
static int running;
/* the message a handler is running with; 0 once something released it */
static int handler_mid;

static int (*matcher)(int, int, int);

int pvm_addmhf(int src, int tag, int ctx, int (*f)(int))
{
	int i, free_slot = -1;

	if (f == NULL || src < -1 || tag < -1 || ctx < -1)
		return lpvm_error("pvm_addmhf", PvmBadParam);
	for (i = 0; i < nhandlers; i++) {
		const struct mhf *h = &handlers[i];

		if (h->f == NULL) {
			if (free_slot < 0)
				free_slot = i;
		} else if (h->src == src && h->tag == tag && h->ctx == ctx) {
			return lpvm_error("pvm_addmhf", PvmExists);
		}
	}
	if (free_slot < 0) {
		struct mhf *nh = realloc(handlers, sizeof(*nh) * (size_t)(nhandlers + 1));

		if (nh == NULL)
			return lpvm_error("pvm_addmhf", PvmNoMem);
		handlers = nh;
		free_slot = nhandlers++;
	}
	handlers[free_slot] = (struct mhf){.src = src, .tag = tag, .ctx = ctx, .f = f};
	return free_slot + 1;
}

int pvm_delmhf(int mhid)
{
	int i;

	if (mhid < 0)
		return lpvm_error("pvm_delmhf", PvmBadParam);
	if (mhid == 0 || mhid > nhandlers || handlers[mhid - 1].f == NULL)
		return lpvm_error("pvm_delmhf", PvmNotFound);
	handlers[mhid - 1].f = NULL;
	/* messages held for it go to the receive queue, as if it never was */
	for (i = 0; i < nheld; i++) {
		if (held[i].slot == mhid - 1) {
			lpvm_rxq_push(held[i].id);
			memmove(held + i, held + i + 1,
			        sizeof(*held) * (size_t)(nheld - i - 1));
			nheld--;
			i--;
		}
	}
	return PvmOk;
}

int lpvm_mhf_take(int id)
{
	const struct msgbuf *mb = lpvm_buf(id);
	int i;

	if (mb == NULL)
		return 0;
	for (i = 0; i < nhandlers; i++) {
		const struct mhf *h = &handlers[i];

		if (h->f == NULL || (h->src != -1 && h->src != mb->src) ||
		    (h->tag != -1 && h->tag != mb->tag) ||
		    (h->ctx != -1 && h->ctx != mb->ctx))
			continue;
		if (nheld == heldcap) {
			int n = heldcap ? heldcap * 2 : 16;
			struct held *nh = realloc(held, sizeof(*nh) * (size_t)n);

			if (nh == NULL)
				return 0; /* queued instead: better than lost */
			held = nh;
			heldcap = n;
		}
		held[nheld++] = (struct held){.id = id, .slot = i};
		return 1;
	}
	return 0;
}

/* Calls the handler with the message as the receive buffer, the caller's
 * send and receive buffers saved around it; frees the message after,
 * unless the handler did. */
static void call_handler(int (*f)(int), int id)
{
	int sbuf = lpvm.sbuf, rbuf = lpvm.rbuf;

	lpvm.rbuf = id;
	handler_mid = id;
	f(id);
	/* the id may name a new buffer now if the handler freed the message */
	if (handler_mid == id)
		lpvm_buf_release(id);
	handler_mid = 0;
	lpvm.sbuf = lpvm_buf(sbuf) != NULL ? sbuf : 0;
	lpvm.rbuf = lpvm_buf(rbuf) != NULL ? rbuf : 0;
}

void lpvm_mhf_run(void)
{
	/* never inside a send: a handler's own send would nest in it */
	if (running || lpvm_sending)
		return;
	running = 1;
	while (nheld > 0) {
		struct held h = held[0];

		memmove(held, held + 1, sizeof(*held) * (size_t)(nheld - 1));
		nheld--;
		if (h.slot < nhandlers && handlers[h.slot].f != NULL)
			call_handler(handlers[h.slot].f, h.id);
		else if (lpvm_buf(h.id) != NULL)
			lpvm_rxq_push(h.id);
	}
	running = 0;
}

void lpvm_mhf_released(int id)
{
	if (id == handler_mid)
		handler_mid = 0;
}

/* pvm_recvf ------------------------------------------------------------- */

int lpvm_recvf_active(void)
{
	return matcher != NULL;
}

/* As the man page: < 0 returns that code, 0 skips, 1 picks at once, > 1
 * ranks (the highest wins; the earliest among equals). */
int lpvm_recvf_find(int tid, int tag)
{
	int i, best = -1, best_rank = 1;

	for (i = 0; i < lpvm.nrx; i++) {
		int r = matcher(lpvm.rxq[i], tid, tag);

		if (r < 0)
			return r == -1 ? PvmSysErr : r;
		if (r == 1)
			return i;
		if (r > best_rank) {
			best = i;
			best_rank = r;
		}
	}
	return best;
}

/* PVM 3.4.6's prototype: returns the old matcher as a pointer to a
 * function taking a matcher; callers cast it back to what it is. */
typedef int (*recvf_ret)(int (*)(int, int, int));

int (*pvm_recvf(int (*f)(int, int, int)))(int (*)(int, int, int))
{
	int (*old)(int, int, int) = matcher;

	matcher = f;
	return (recvf_ret)(void (*)(void))old;
}

/* PVM 3.4.6's debugging dump of the message handler table, exported by
 * its library: a heading naming who and tid, msg, then one line per
 * handler slot, on stdout.  pvmx has no handlers of its own, so only the
 * program's appear (PVM lists its internal ones too). */
void pvmdisplaymhfinfo(char *who, char *msg, int tid);
void pvmdisplaymhfinfo(char *who, char *msg, int tid)
{
	const char *w = who != NULL ? who : "";
	int i, used = 0;

	for (i = 0; i < nhandlers; i++)
		used += handlers[i].f != NULL;
	printf("\n%s t%x: Display Message Handler Information: nhandles = %d\tslots = %d\n", w,
	       (unsigned)tid, used, nhandlers);
	printf("%s t%x: %s\n", w, (unsigned)tid, msg != NULL ? msg : "");
	for (i = 0; i < nhandlers; i++) {
		const struct mhf *h = &handlers[i];

		printf("%s t%x: handles[%2d].mhid = %2d  .header.src = t%x  .header.ctx = %8d  "
		       ".header.tag= %8d\n",
		       w, (unsigned)tid, i, h->f != NULL ? i + 1 : -1, (unsigned)h->src, h->ctx,
		       h->tag);
	}
	printf("\n");
}

/*
 * fpvm_task.c - the Fortran task calls: identity, spawn and kill, the
 * task list, output, errors, options, notify and contexts.
 */
#include "fpvm.h"

#include "pvm3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpvm3 exports it (lpvm_cruft.c); no public header declares it */
int pvmsleep(int secs);

void pvmfmytid_(int *tid)
{
	*tid = pvm_mytid();
}

void pvmfparent_(int *tid)
{
	*tid = pvm_parent();
}

void pvmfexit_(int *info)
{
	*info = pvm_exit();
}

/*
 * pvmfspawn(task, flag, where, ntask, tids, numt): no argv (PVM's
 * Fortran interface has none); a where starting with '*' means any host,
 * as in PVM 3.4.6.
 */
void pvmfspawn_(char *task, int *flag, char *where, int *ntask, int *tids, int *numt,
                fstrlen task_len, fstrlen where_len)
{
	char ctask[FPVM_PROGRAM_MAX + 1], cwhere[FPVM_HOST_MAX + 1];

	if (fpvm_cstr(ctask, sizeof(ctask), task, task_len) != 0) {
		*numt = PvmBadParam;
		return;
	}
	if (where_len > 0 && where[0] == '*')
		cwhere[0] = '\0';
	else if (fpvm_cstr(cwhere, sizeof(cwhere), where, where_len) != 0) {
		*numt = PvmBadParam;
		return;
	}
	*numt = pvm_spawn(ctask, NULL, *flag, cwhere, *ntask, tids);
}

void pvmfkill_(int *tid, int *info)
{
	*info = pvm_kill(*tid);
}

void pvmfsendsig_(int *tid, int *signum, int *info)
{
	*info = pvm_sendsig(*tid, *signum);
}

void pvmfpstat_(int *tid, int *status)
{
	*status = pvm_pstat(*tid);
}

/*
 * pvmftasks(where, ntask, tid, ptid, dtid, flag, aout, info): one task
 * per call, from a list taken at the first call; info is 1 for each
 * task, and the list is taken afresh after its last task, or when the
 * caller passes ntask = -1.  aout is cut or blank-padded to its length.
 */
void pvmftasks_(int *where, int *ntask, int *tid, int *ptid, int *dtid, int *flag,
                char *aout, int *info, fstrlen aout_len)
{
	static struct pvmtaskinfo *list;
	static int count, next;

	if (count > 0 && ntask != NULL && *ntask == -1)
		count = 0;
	if (count == 0) {
		int cc = pvm_tasks(*where, &count, &list);
		if (cc < 0) {
			count = 0;
			*info = cc;
			return;
		}
		next = 0;
	}
	if (next < count) {
		const struct pvmtaskinfo *t = &list[next++];

		if (ntask != NULL)
			*ntask = count;
		if (tid != NULL)
			*tid = t->ti_tid;
		if (ptid != NULL)
			*ptid = t->ti_ptid;
		if (dtid != NULL)
			*dtid = t->ti_host;
		if (flag != NULL)
			*flag = t->ti_flag;
		fpvm_fstr(aout, aout_len, t->ti_a_out);
		*info = 1;
	}
	if (next >= count)
		count = 0;
}

/*
 * pvmfsiblings(nsiblings, index, stid): the number of tasks started by
 * the spawn that started this one, and the tid of the one at index
 * (from 0; PvmNoTask out of range).  The list is taken once.
 */
void pvmfsiblings_(int *nsiblings, const int *index, int *stid)
{
	static int count = -1;
	static int *tids;

	if (count == -1)
		count = pvm_siblings(&tids);
	if (nsiblings != NULL)
		*nsiblings = count;
	if (index != NULL && stid != NULL)
		*stid = *index >= 0 && *index < count ? tids[*index] : PvmNoTask;
}

/* pvmfcatchout(onoff, info): children's output to stdout, or not */
void pvmfcatchout_(int *onoff, int *info)
{
	*info = pvm_catchout(*onoff ? stdout : NULL);
}

/* pvmfperror(msg, info): msg without its trailing blanks */
void pvmfperror_(char *msg, int *info, fstrlen msg_len)
{
	size_t n = fpvm_trimmed_len(msg, msg_len);
	char *s = malloc(n + 1);

	if (s == NULL) {
		*info = PvmNoMem;
		return;
	}
	memcpy(s, msg, n);
	s[n] = '\0';
	*info = pvm_perror(s);
	free(s);
}

void pvmfsetopt_(int *what, int *val, int *oldval)
{
	*oldval = pvm_setopt(*what, *val);
}

void pvmfgetopt_(int *what, int *val)
{
	*val = pvm_getopt(*what);
}

void pvmfnotify_(int *what, int *msgtag, int *cnt, int *tids, int *info)
{
	*info = pvm_notify(*what, *msgtag, *cnt, tids);
}

void pvmfnewcontext_(int *ctx)
{
	*ctx = pvm_newcontext();
}

void pvmfsetcontext_(int *ctx, int *oldctx)
{
	*oldctx = pvm_setcontext(*ctx);
}

void pvmfgetcontext_(int *ctx)
{
	*ctx = pvm_getcontext();
}

/* PVM 3.4.6's pvmffreecontext calls pvm_setcontext (a slip): this one
 * frees the context, as its manual page says. */
void pvmffreecontext_(int *ctx, int *info)
{
	*info = pvm_freecontext(*ctx);
}

void pvmfsleep_(int *secs)
{
	pvmsleep(*secs);
}

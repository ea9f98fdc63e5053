/*
 * lpvm_trace.c - PVM 3.4's tracing entry points, as "no tracer": the
 * trace masks are kept (pvm_settmask / pvm_gettmask, in pvmtrc and
 * pvmctrc) but pvmx generates no trace events yet, so every tev_* call
 * answers "not tracing" and packs nothing.  Consistent with
 * pvm_reg_tracer, which answers PvmNotImpl (docs/compat.md).
 */
#include "lpvm.h"

#include <pvmtev.h>
#include <string.h>


static char *mask_of(int who)
{
	switch (who) {
	case PvmTaskSelf:
		return pvmtrc.tmask;
	case PvmTaskChild:
		return pvmctrc.tmask;
	default:
		return NULL;
	}
}

int pvm_settmask(int who, Pvmtmask tmask)
{
	char *m = mask_of(who);

	if (m == NULL || tmask == NULL)
		return lpvm_error("pvm_settmask", PvmBadParam);
	/* a mask is a string; the last byte stays the terminator */
	strncpy(m, tmask, TEV_MASK_LENGTH - 1);
	m[TEV_MASK_LENGTH - 1] = '\0';
	return PvmOk;
}

int pvm_gettmask(int who, Pvmtmask tmask)
{
	const char *m = mask_of(who);

	if (m == NULL || tmask == NULL)
		return lpvm_error("pvm_gettmask", PvmBadParam);
	memcpy(tmask, m, TEV_MASK_LENGTH);
	return PvmOk;
}

/* PVM's trace packing vector (PVM's TEV_PACK_* macros call through it
 * once tev_begin has begun a record).  No record is ever begun here, but
 * a caller that packs anyway reaches functions that pack nothing. */
typedef int (*tev_pack_fn)(int did, int array, void *data, int count, int stride);
struct lpvm_tev_packers {
	tev_pack_fn byte, cplx, dcplx, dbl, flt, int32, uint32, lng, ulng, shrt,
	    ushrt, str;
};

static int tev_pack_nothing(int did, int array, void *data, int count, int stride)
{
	(void)did, (void)array, (void)data, (void)count, (void)stride;
	return 0;
}

static struct lpvm_tev_packers tev_packers_none = {
    tev_pack_nothing, tev_pack_nothing, tev_pack_nothing, tev_pack_nothing,
    tev_pack_nothing, tev_pack_nothing, tev_pack_nothing, tev_pack_nothing,
    tev_pack_nothing, tev_pack_nothing, tev_pack_nothing, tev_pack_nothing,
};
struct lpvm_tev_packers *pvmtrccodef = &tev_packers_none;

/* Whether event kind should be traced now (PVM's user-code test before
 * a user-defined event): never. */
int tev_do_trace(int kind, int entry_exit);
int tev_do_trace(int kind, int entry_exit)
{
	(void)kind, (void)entry_exit;
	return 0;
}

/* Begins a trace record: none is begun (0). */
int tev_begin(int kind, int entry_exit);
int tev_begin(int kind, int entry_exit)
{
	(void)kind, (void)entry_exit;
	return 0;
}

/* Ends the record tev_begin began: there is none (0). */
int tev_fin(void);
int tev_fin(void)
{
	return 0;
}

/* Sends buffered trace records to the tracer: there are none. */
void tev_flush(int setflag);
void tev_flush(int setflag)
{
	(void)setflag;
}

/* Resets the per-event counters (PvmTraceTime / PvmTraceCount). */
void tev_init(void);
void tev_init(void)
{
	for (int i = TEV_FIRST; i <= TEV_MAX; i++) {
		pvmtevinfo[i].desc_status = 0;
		pvmtevinfo[i].mark.tv_sec = pvmtevinfo[i].mark.tv_usec = 0;
		pvmtevinfo[i].total.tv_sec = pvmtevinfo[i].total.tv_usec = 0;
		pvmtevinfo[i].count = 0;
	}
}

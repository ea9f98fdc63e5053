/*
 * lpvm_notimpl.c - the part of PVM 3.4's interface not built yet.  Each
 * function exists (so binaries linked against PVM 3.4.6 load and resolve)
 * and answers PvmNotImpl; docs/compat.md says which issue brings it.
 */
#include "lpvm.h"

#define NOTIMPL(fn) return lpvm_error(#fn, PvmNotImpl)

/* message handlers, contexts, message info */

/* messaging extras */

/* resource manager, hoster, tasker, tracer */

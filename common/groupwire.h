/*
 * groupwire.h - the operations of a GroupRequest (proto/pvmx.proto),
 * shared by the library and the daemons, and the one code a home daemon
 * answers that is not PVM's.
 */
#ifndef PVMX_GROUPWIRE_H
#define PVMX_GROUPWIRE_H

enum group_op {
	GROUP_OP_JOIN = 1,
	GROUP_OP_LEAVE = 2,
	GROUP_OP_GETINST = 3, /* arg: tid */
	GROUP_OP_GETTID = 4,  /* arg: instance */
	GROUP_OP_GSIZE = 5,
	GROUP_OP_FREEZE = 6,  /* arg: size, -1 the current size */
	GROUP_OP_BARRIER = 7, /* arg: count, -1 the current size */
	GROUP_OP_VIEW = 8,    /* answered by group_members */
	GROUP_OP_LIST = 9,    /* arg: a daemon tid; answered by group_members */
};

/* The daemon asked is no longer (or not yet) the group's home: the host
 * set is changing; the library asks again a moment later. */
#define GROUP_MOVED (-1001)

#endif

/*
 * errtext.h - the text of PVM's error codes, for the console and pvmrun.
 * pvm3.h declares pvm_strerror(void), so the launchers keep their own
 * table keyed by pvm3.h's codes, worded as PVM 3.4 words them.
 */
#ifndef PVMX_LAUNCHER_ERRTEXT_H
#define PVMX_LAUNCHER_ERRTEXT_H

#include <pvm3.h>

static inline const char *errtext(int code)
{
	switch (code) {
	case PvmOk:
		return "Ok";
	case PvmBadParam:
		return "Bad parameter";
	case PvmMismatch:
		return "Parameter mismatch";
	case PvmOverflow:
		return "Value too large";
	case PvmNoData:
		return "End of buffer";
	case PvmNoHost:
		return "No such host";
	case PvmNoFile:
		return "No such file";
	case PvmDenied:
		return "Permission denied";
	case PvmNoMem:
		return "Malloc failed";
	case PvmBadMsg:
		return "Can't decode message";
	case PvmSysErr:
		return "Can't contact local daemon";
	case PvmNoBuf:
		return "No current buffer";
	case PvmNoSuchBuf:
		return "No such buffer";
	case PvmNullGroup:
		return "Null group name";
	case PvmDupGroup:
		return "Already in group";
	case PvmNoGroup:
		return "No such group";
	case PvmNotInGroup:
		return "Not in group";
	case PvmNoInst:
		return "No such instance";
	case PvmHostFail:
		return "Host failed";
	case PvmNoParent:
		return "No parent task";
	case PvmNotImpl:
		return "Not implemented";
	case PvmDSysErr:
		return "Pvmd system error";
	case PvmBadVersion:
		return "Version mismatch";
	case PvmOutOfRes:
		return "Out of resources";
	case PvmDupHost:
		return "Duplicate host";
	case PvmCantStart:
		return "Can't start pvmd";
	case PvmAlready:
		return "Already in progress";
	case PvmNoTask:
		return "No such task";
	case PvmNotFound:
		return "Not Found";
	case PvmExists:
		return "Already Exists";
	case PvmHostrNMstr:
		return "Hoster must run on master host";
	case PvmParentNotSet:
		return "Spawning parent set PvmNoParent";
	case PvmIPLoopback:
		return "Master Host IP Address is Loopback! (See pvm3/Readme)";
	default:
		return "Unknown error";
	}
}

#endif

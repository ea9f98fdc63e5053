/*
 * layout_items.h - the facts of pvm3.h that binaries depend on: every
 * constant PVM 3.4.6's header defines, the function-like macros applied to
 * sample values, and the size and member offsets of each public struct.
 *
 * Included by compat_layout.c (built against the reference header) and by
 * ours_layout.c (built against ours).  Each prints one "NAME VALUE TYPE"
 * line per item, so test_compat.sh can diff the two outputs.  Includers
 * include <stdio.h> and then <pvm3.h>, as PVM programs do: the reference
 * header declares pvm_catchout, and sizes PVMTMPNAMLEN by L_tmpnam, only
 * when <stdio.h> came first.
 * test_compat.sh also checks that this list names every Pvm/PVM constant
 * the reference header defines, so a header update cannot slip past it.
 */

#include <stddef.h>
#include <stdio.h>

/* a printable name for the type of an expression: a constant that changes
 * from int to unsigned or long changes how programs compare it */
#define LAYOUT_TYPE(x)                                                                   \
	_Generic((x), int: "int", unsigned int: "unsigned", long: "long",                \
		 unsigned long: "unsigned-long", char *: "char*", const char *: "char*", \
		 int *: "int*", default: "other")

#define LAYOUT_INT(x) printf("%s %lld %s\n", #x, (long long)(x), LAYOUT_TYPE(x))
#define LAYOUT_STR(x) printf("%s \"%s\" %s\n", #x, (x), LAYOUT_TYPE(x))
#define LAYOUT_MISSING(x) printf("%s MISSING\n", #x)
#define LAYOUT_XSTR(x) #x
#define LAYOUT_EXPANSION(x) layout_print_expansion(#x, LAYOUT_XSTR(x))
#define LAYOUT_SIZE(T) printf("sizeof(%s) %zu\n", #T, sizeof(T))
#define LAYOUT_MEMBER(T, m)                                                              \
	printf("offsetof(%s,%s) %zu size %zu %s\n", #T, #m, offsetof(T, m),              \
	       sizeof(((T *)0)->m), LAYOUT_TYPE(((T *)0)->m))

/* prints what a macro expands to, without the spacing, which is style */
static void layout_print_expansion(const char *name, const char *text)
{
	printf("%s ", name);
	for (; *text != '\0'; text++)
		if (*text != ' ' && *text != '\t')
			putchar(*text);
	putchar('\n');
}

static void layout_print_all(void)
{
#ifdef PVMHOSTERCLASS
	LAYOUT_STR(PVMHOSTERCLASS);
#else
	LAYOUT_MISSING(PVMHOSTERCLASS);
#endif
#ifdef PVMNORESETCLASS
	LAYOUT_STR(PVMNORESETCLASS);
#else
	LAYOUT_MISSING(PVMNORESETCLASS);
#endif
#ifdef PVMRMCLASS
	LAYOUT_STR(PVMRMCLASS);
#else
	LAYOUT_MISSING(PVMRMCLASS);
#endif
#ifdef PVMTASKERCLASS
	LAYOUT_STR(PVMTASKERCLASS);
#else
	LAYOUT_MISSING(PVMTASKERCLASS);
#endif
#ifdef PVMTMPNAMLEN
	LAYOUT_INT(PVMTMPNAMLEN);
#else
	LAYOUT_MISSING(PVMTMPNAMLEN);
#endif
#ifdef PVMTRACERCLASS
	LAYOUT_STR(PVMTRACERCLASS);
#else
	LAYOUT_MISSING(PVMTRACERCLASS);
#endif
#ifdef PVM_BYTE
	LAYOUT_INT(PVM_BYTE);
#else
	LAYOUT_MISSING(PVM_BYTE);
#endif
#ifdef PVM_CPLX
	LAYOUT_INT(PVM_CPLX);
#else
	LAYOUT_MISSING(PVM_CPLX);
#endif
#ifdef PVM_DCPLX
	LAYOUT_INT(PVM_DCPLX);
#else
	LAYOUT_MISSING(PVM_DCPLX);
#endif
#ifdef PVM_DOUBLE
	LAYOUT_INT(PVM_DOUBLE);
#else
	LAYOUT_MISSING(PVM_DOUBLE);
#endif
#ifdef PVM_FLOAT
	LAYOUT_INT(PVM_FLOAT);
#else
	LAYOUT_MISSING(PVM_FLOAT);
#endif
#ifdef PVM_INT
	LAYOUT_INT(PVM_INT);
#else
	LAYOUT_MISSING(PVM_INT);
#endif
#ifdef PVM_LONG
	LAYOUT_INT(PVM_LONG);
#else
	LAYOUT_MISSING(PVM_LONG);
#endif
#ifdef PVM_MAJOR_VERSION
	LAYOUT_INT(PVM_MAJOR_VERSION);
#else
	LAYOUT_MISSING(PVM_MAJOR_VERSION);
#endif
#ifdef PVM_MINOR_VERSION
	LAYOUT_INT(PVM_MINOR_VERSION);
#else
	LAYOUT_MISSING(PVM_MINOR_VERSION);
#endif
#ifdef PVM_PATCH_VERSION
	LAYOUT_INT(PVM_PATCH_VERSION);
#else
	LAYOUT_MISSING(PVM_PATCH_VERSION);
#endif
#ifdef PVM_SHORT
	LAYOUT_INT(PVM_SHORT);
#else
	LAYOUT_MISSING(PVM_SHORT);
#endif
#ifdef PVM_STR
	LAYOUT_INT(PVM_STR);
#else
	LAYOUT_MISSING(PVM_STR);
#endif
#ifdef PVM_UINT
	LAYOUT_INT(PVM_UINT);
#else
	LAYOUT_MISSING(PVM_UINT);
#endif
#ifdef PVM_ULONG
	LAYOUT_INT(PVM_ULONG);
#else
	LAYOUT_MISSING(PVM_ULONG);
#endif
#ifdef PVM_USHORT
	LAYOUT_INT(PVM_USHORT);
#else
	LAYOUT_MISSING(PVM_USHORT);
#endif
#ifdef PVM_VER
	LAYOUT_STR(PVM_VER);
#else
	LAYOUT_MISSING(PVM_VER);
#endif
#ifdef PvmAllowDirect
	LAYOUT_INT(PvmAllowDirect);
#else
	LAYOUT_MISSING(PvmAllowDirect);
#endif
#ifdef PvmAlready
	LAYOUT_INT(PvmAlready);
#else
	LAYOUT_MISSING(PvmAlready);
#endif
#ifdef PvmAutoErr
	LAYOUT_INT(PvmAutoErr);
#else
	LAYOUT_MISSING(PvmAutoErr);
#endif
#ifdef PvmBadMsg
	LAYOUT_INT(PvmBadMsg);
#else
	LAYOUT_MISSING(PvmBadMsg);
#endif
#ifdef PvmBadParam
	LAYOUT_INT(PvmBadParam);
#else
	LAYOUT_MISSING(PvmBadParam);
#endif
#ifdef PvmBadVersion
	LAYOUT_INT(PvmBadVersion);
#else
	LAYOUT_MISSING(PvmBadVersion);
#endif
#ifdef PvmBaseContext
	LAYOUT_INT(PvmBaseContext);
#else
	LAYOUT_MISSING(PvmBaseContext);
#endif
#ifdef PvmCantStart
	LAYOUT_INT(PvmCantStart);
#else
	LAYOUT_MISSING(PvmCantStart);
#endif
#ifdef PvmDSysErr
	LAYOUT_INT(PvmDSysErr);
#else
	LAYOUT_MISSING(PvmDSysErr);
#endif
#ifdef PvmDataDefault
	LAYOUT_INT(PvmDataDefault);
#else
	LAYOUT_MISSING(PvmDataDefault);
#endif
#ifdef PvmDataFoo
	LAYOUT_INT(PvmDataFoo);
#else
	LAYOUT_MISSING(PvmDataFoo);
#endif
#ifdef PvmDataInPlace
	LAYOUT_INT(PvmDataInPlace);
#else
	LAYOUT_MISSING(PvmDataInPlace);
#endif
#ifdef PvmDataRaw
	LAYOUT_INT(PvmDataRaw);
#else
	LAYOUT_MISSING(PvmDataRaw);
#endif
#ifdef PvmDataTrace
	LAYOUT_INT(PvmDataTrace);
#else
	LAYOUT_MISSING(PvmDataTrace);
#endif
#ifdef PvmDebugMask
	LAYOUT_INT(PvmDebugMask);
#else
	LAYOUT_MISSING(PvmDebugMask);
#endif
#ifdef PvmDenied
	LAYOUT_INT(PvmDenied);
#else
	LAYOUT_MISSING(PvmDenied);
#endif
#ifdef PvmDontRoute
	LAYOUT_INT(PvmDontRoute);
#else
	LAYOUT_MISSING(PvmDontRoute);
#endif
#ifdef PvmDupEntry
	LAYOUT_INT(PvmDupEntry);
#else
	LAYOUT_MISSING(PvmDupEntry);
#endif
#ifdef PvmDupGroup
	LAYOUT_INT(PvmDupGroup);
#else
	LAYOUT_MISSING(PvmDupGroup);
#endif
#ifdef PvmDupHost
	LAYOUT_INT(PvmDupHost);
#else
	LAYOUT_MISSING(PvmDupHost);
#endif
#ifdef PvmExists
	LAYOUT_INT(PvmExists);
#else
	LAYOUT_MISSING(PvmExists);
#endif
#ifdef PvmFragSize
	LAYOUT_INT(PvmFragSize);
#else
	LAYOUT_MISSING(PvmFragSize);
#endif
#ifdef PvmHostAdd
	LAYOUT_INT(PvmHostAdd);
#else
	LAYOUT_MISSING(PvmHostAdd);
#endif
#ifdef PvmHostCompl
	LAYOUT_INT(PvmHostCompl);
#else
	LAYOUT_MISSING(PvmHostCompl);
#endif
#ifdef PvmHostDelete
	LAYOUT_INT(PvmHostDelete);
#else
	LAYOUT_MISSING(PvmHostDelete);
#endif
#ifdef PvmHostFail
	LAYOUT_INT(PvmHostFail);
#else
	LAYOUT_MISSING(PvmHostFail);
#endif
#ifdef PvmHostrNMstr
	LAYOUT_INT(PvmHostrNMstr);
#else
	LAYOUT_MISSING(PvmHostrNMstr);
#endif
#ifdef PvmIPLoopback
	LAYOUT_INT(PvmIPLoopback);
#else
	LAYOUT_MISSING(PvmIPLoopback);
#endif
#ifdef PvmMboxDefault
	LAYOUT_INT(PvmMboxDefault);
#else
	LAYOUT_MISSING(PvmMboxDefault);
#endif
#ifdef PvmMboxDirectIndexShift
	LAYOUT_INT(PvmMboxDirectIndexShift);
#else
	LAYOUT_MISSING(PvmMboxDirectIndexShift);
#endif
#ifdef PvmMboxFirstAvail
	LAYOUT_INT(PvmMboxFirstAvail);
#else
	LAYOUT_MISSING(PvmMboxFirstAvail);
#endif
#ifdef PvmMboxMaxDirectIndex
	LAYOUT_INT(PvmMboxMaxDirectIndex);
#else
	LAYOUT_MISSING(PvmMboxMaxDirectIndex);
#endif
#ifdef PvmMboxMaxFlag
	LAYOUT_INT(PvmMboxMaxFlag);
#else
	LAYOUT_MISSING(PvmMboxMaxFlag);
#endif
#ifdef PvmMboxMultiInstance
	LAYOUT_INT(PvmMboxMultiInstance);
#else
	LAYOUT_MISSING(PvmMboxMultiInstance);
#endif
#ifdef PvmMboxOverWritable
	LAYOUT_INT(PvmMboxOverWritable);
#else
	LAYOUT_MISSING(PvmMboxOverWritable);
#endif
#ifdef PvmMboxPersistent
	LAYOUT_INT(PvmMboxPersistent);
#else
	LAYOUT_MISSING(PvmMboxPersistent);
#endif
#ifdef PvmMboxReadAndDelete
	LAYOUT_INT(PvmMboxReadAndDelete);
#else
	LAYOUT_MISSING(PvmMboxReadAndDelete);
#endif
#ifdef PvmMboxWaitForInfo
	LAYOUT_INT(PvmMboxWaitForInfo);
#else
	LAYOUT_MISSING(PvmMboxWaitForInfo);
#endif
#ifdef PvmMismatch
	LAYOUT_INT(PvmMismatch);
#else
	LAYOUT_MISSING(PvmMismatch);
#endif
#ifdef PvmMppFront
	LAYOUT_INT(PvmMppFront);
#else
	LAYOUT_MISSING(PvmMppFront);
#endif
#ifdef PvmNoBuf
	LAYOUT_INT(PvmNoBuf);
#else
	LAYOUT_MISSING(PvmNoBuf);
#endif
#ifdef PvmNoData
	LAYOUT_INT(PvmNoData);
#else
	LAYOUT_MISSING(PvmNoData);
#endif
#ifdef PvmNoEntry
	LAYOUT_INT(PvmNoEntry);
#else
	LAYOUT_MISSING(PvmNoEntry);
#endif
#ifdef PvmNoFile
	LAYOUT_INT(PvmNoFile);
#else
	LAYOUT_MISSING(PvmNoFile);
#endif
#ifdef PvmNoGroup
	LAYOUT_INT(PvmNoGroup);
#else
	LAYOUT_MISSING(PvmNoGroup);
#endif
#ifdef PvmNoHost
	LAYOUT_INT(PvmNoHost);
#else
	LAYOUT_MISSING(PvmNoHost);
#endif
#ifdef PvmNoInst
	LAYOUT_INT(PvmNoInst);
#else
	LAYOUT_MISSING(PvmNoInst);
#endif
#ifdef PvmNoMem
	LAYOUT_INT(PvmNoMem);
#else
	LAYOUT_MISSING(PvmNoMem);
#endif
#ifdef PvmNoParent
	LAYOUT_INT(PvmNoParent);
#else
	LAYOUT_MISSING(PvmNoParent);
#endif
#ifdef PvmNoReset
	LAYOUT_INT(PvmNoReset);
#else
	LAYOUT_MISSING(PvmNoReset);
#endif
#ifdef PvmNoSpawnParent
	LAYOUT_INT(PvmNoSpawnParent);
#else
	LAYOUT_MISSING(PvmNoSpawnParent);
#endif
#ifdef PvmNoSuchBuf
	LAYOUT_INT(PvmNoSuchBuf);
#else
	LAYOUT_MISSING(PvmNoSuchBuf);
#endif
#ifdef PvmNoTask
	LAYOUT_INT(PvmNoTask);
#else
	LAYOUT_MISSING(PvmNoTask);
#endif
#ifdef PvmNotFound
	LAYOUT_INT(PvmNotFound);
#else
	LAYOUT_MISSING(PvmNotFound);
#endif
#ifdef PvmNotImpl
	LAYOUT_INT(PvmNotImpl);
#else
	LAYOUT_MISSING(PvmNotImpl);
#endif
#ifdef PvmNotInGroup
	LAYOUT_INT(PvmNotInGroup);
#else
	LAYOUT_MISSING(PvmNotInGroup);
#endif
#ifdef PvmNotifyCancel
	LAYOUT_INT(PvmNotifyCancel);
#else
	LAYOUT_MISSING(PvmNotifyCancel);
#endif
#ifdef PvmNullGroup
	LAYOUT_INT(PvmNullGroup);
#else
	LAYOUT_MISSING(PvmNullGroup);
#endif
#ifdef PvmOk
	LAYOUT_INT(PvmOk);
#else
	LAYOUT_MISSING(PvmOk);
#endif
#ifdef PvmOutOfRes
	LAYOUT_INT(PvmOutOfRes);
#else
	LAYOUT_MISSING(PvmOutOfRes);
#endif
#ifdef PvmOutputCode
	LAYOUT_INT(PvmOutputCode);
#else
	LAYOUT_MISSING(PvmOutputCode);
#endif
#ifdef PvmOutputContext
	LAYOUT_INT(PvmOutputContext);
#else
	LAYOUT_MISSING(PvmOutputContext);
#endif
#ifdef PvmOutputTid
	LAYOUT_INT(PvmOutputTid);
#else
	LAYOUT_MISSING(PvmOutputTid);
#endif
#ifdef PvmOverflow
	LAYOUT_INT(PvmOverflow);
#else
	LAYOUT_MISSING(PvmOverflow);
#endif
#ifdef PvmParentNotSet
	LAYOUT_INT(PvmParentNotSet);
#else
	LAYOUT_MISSING(PvmParentNotSet);
#endif
#ifdef PvmPollConstant
	LAYOUT_INT(PvmPollConstant);
#else
	LAYOUT_MISSING(PvmPollConstant);
#endif
#ifdef PvmPollSleep
	LAYOUT_INT(PvmPollSleep);
#else
	LAYOUT_MISSING(PvmPollSleep);
#endif
#ifdef PvmPollTime
	LAYOUT_INT(PvmPollTime);
#else
	LAYOUT_MISSING(PvmPollTime);
#endif
#ifdef PvmPollType
	LAYOUT_INT(PvmPollType);
#else
	LAYOUT_MISSING(PvmPollType);
#endif
#ifdef PvmResvTids
	LAYOUT_INT(PvmResvTids);
#else
	LAYOUT_MISSING(PvmResvTids);
#endif
#ifdef PvmRoute
	LAYOUT_INT(PvmRoute);
#else
	LAYOUT_MISSING(PvmRoute);
#endif
#ifdef PvmRouteAdd
	LAYOUT_INT(PvmRouteAdd);
#else
	LAYOUT_MISSING(PvmRouteAdd);
#endif
#ifdef PvmRouteDelete
	LAYOUT_INT(PvmRouteDelete);
#else
	LAYOUT_MISSING(PvmRouteDelete);
#endif
#ifdef PvmRouteDirect
	LAYOUT_INT(PvmRouteDirect);
#else
	LAYOUT_MISSING(PvmRouteDirect);
#endif
#ifdef PvmSelfOutputCode
	LAYOUT_INT(PvmSelfOutputCode);
#else
	LAYOUT_MISSING(PvmSelfOutputCode);
#endif
#ifdef PvmSelfOutputContext
	LAYOUT_INT(PvmSelfOutputContext);
#else
	LAYOUT_MISSING(PvmSelfOutputContext);
#endif
#ifdef PvmSelfOutputTid
	LAYOUT_INT(PvmSelfOutputTid);
#else
	LAYOUT_MISSING(PvmSelfOutputTid);
#endif
#ifdef PvmSelfTraceBuffer
	LAYOUT_INT(PvmSelfTraceBuffer);
#else
	LAYOUT_MISSING(PvmSelfTraceBuffer);
#endif
#ifdef PvmSelfTraceCode
	LAYOUT_INT(PvmSelfTraceCode);
#else
	LAYOUT_MISSING(PvmSelfTraceCode);
#endif
#ifdef PvmSelfTraceContext
	LAYOUT_INT(PvmSelfTraceContext);
#else
	LAYOUT_MISSING(PvmSelfTraceContext);
#endif
#ifdef PvmSelfTraceOptions
	LAYOUT_INT(PvmSelfTraceOptions);
#else
	LAYOUT_MISSING(PvmSelfTraceOptions);
#endif
#ifdef PvmSelfTraceTid
	LAYOUT_INT(PvmSelfTraceTid);
#else
	LAYOUT_MISSING(PvmSelfTraceTid);
#endif
#ifdef PvmShowTids
	LAYOUT_INT(PvmShowTids);
#else
	LAYOUT_MISSING(PvmShowTids);
#endif
#ifdef PvmSysErr
	LAYOUT_INT(PvmSysErr);
#else
	LAYOUT_MISSING(PvmSysErr);
#endif
#ifdef PvmTaskArch
	LAYOUT_INT(PvmTaskArch);
#else
	LAYOUT_MISSING(PvmTaskArch);
#endif
#ifdef PvmTaskChild
	LAYOUT_INT(PvmTaskChild);
#else
	LAYOUT_MISSING(PvmTaskChild);
#endif
#ifdef PvmTaskDebug
	LAYOUT_INT(PvmTaskDebug);
#else
	LAYOUT_MISSING(PvmTaskDebug);
#endif
#ifdef PvmTaskDefault
	LAYOUT_INT(PvmTaskDefault);
#else
	LAYOUT_MISSING(PvmTaskDefault);
#endif
#ifdef PvmTaskExit
	LAYOUT_INT(PvmTaskExit);
#else
	LAYOUT_MISSING(PvmTaskExit);
#endif
#ifdef PvmTaskHost
	LAYOUT_INT(PvmTaskHost);
#else
	LAYOUT_MISSING(PvmTaskHost);
#endif
#ifdef PvmTaskSelf
	LAYOUT_INT(PvmTaskSelf);
#else
	LAYOUT_MISSING(PvmTaskSelf);
#endif
#ifdef PvmTaskTrace
	LAYOUT_INT(PvmTaskTrace);
#else
	LAYOUT_MISSING(PvmTaskTrace);
#endif
#ifdef PvmTraceBuffer
	LAYOUT_INT(PvmTraceBuffer);
#else
	LAYOUT_MISSING(PvmTraceBuffer);
#endif
#ifdef PvmTraceCode
	LAYOUT_INT(PvmTraceCode);
#else
	LAYOUT_MISSING(PvmTraceCode);
#endif
#ifdef PvmTraceContext
	LAYOUT_INT(PvmTraceContext);
#else
	LAYOUT_MISSING(PvmTraceContext);
#endif
#ifdef PvmTraceCount
	LAYOUT_INT(PvmTraceCount);
#else
	LAYOUT_MISSING(PvmTraceCount);
#endif
#ifdef PvmTraceFull
	LAYOUT_INT(PvmTraceFull);
#else
	LAYOUT_MISSING(PvmTraceFull);
#endif
#ifdef PvmTraceOptions
	LAYOUT_INT(PvmTraceOptions);
#else
	LAYOUT_MISSING(PvmTraceOptions);
#endif
#ifdef PvmTraceTid
	LAYOUT_INT(PvmTraceTid);
#else
	LAYOUT_MISSING(PvmTraceTid);
#endif
#ifdef PvmTraceTime
	LAYOUT_INT(PvmTraceTime);
#else
	LAYOUT_MISSING(PvmTraceTime);
#endif

	/* function-like macros, applied to sample arguments */
#ifdef PvmMboxDirectIndex
	LAYOUT_INT(PvmMboxDirectIndex(5));
	LAYOUT_INT(PvmMboxDirectIndex(0));
	/* too large: both print a complaint on stderr and give 0 */
	LAYOUT_INT(PvmMboxDirectIndex(PvmMboxMaxDirectIndex));
#else
	LAYOUT_MISSING(PvmMboxDirectIndex);
#endif
#ifdef PvmMboxDirectIndexOf
	LAYOUT_INT(PvmMboxDirectIndexOf(PvmMboxDirectIndex(5) | PvmMboxPersistent));
	LAYOUT_INT(PvmMboxDirectIndexOf(-1));
#else
	LAYOUT_MISSING(PvmMboxDirectIndexOf);
#endif
#ifdef PVMTMPNAMFUN
	LAYOUT_EXPANSION(PVMTMPNAMFUN(buf));
#else
	LAYOUT_MISSING(PVMTMPNAMFUN);
#endif

	/* structs returned by pvm_config, pvm_tasks, pvm_getminfo and
	 * pvm_getmboxinfo: programs index arrays of them, so size and
	 * member offsets are ABI */
	LAYOUT_SIZE(struct pvmhostinfo);
	LAYOUT_MEMBER(struct pvmhostinfo, hi_tid);
	LAYOUT_MEMBER(struct pvmhostinfo, hi_name);
	LAYOUT_MEMBER(struct pvmhostinfo, hi_arch);
	LAYOUT_MEMBER(struct pvmhostinfo, hi_speed);
	LAYOUT_MEMBER(struct pvmhostinfo, hi_dsig);

	LAYOUT_SIZE(struct pvmtaskinfo);
	LAYOUT_MEMBER(struct pvmtaskinfo, ti_tid);
	LAYOUT_MEMBER(struct pvmtaskinfo, ti_ptid);
	LAYOUT_MEMBER(struct pvmtaskinfo, ti_host);
	LAYOUT_MEMBER(struct pvmtaskinfo, ti_flag);
	LAYOUT_MEMBER(struct pvmtaskinfo, ti_a_out);
	LAYOUT_MEMBER(struct pvmtaskinfo, ti_pid);

	LAYOUT_SIZE(struct pvmminfo);
	LAYOUT_MEMBER(struct pvmminfo, len);
	LAYOUT_MEMBER(struct pvmminfo, ctx);
	LAYOUT_MEMBER(struct pvmminfo, tag);
	LAYOUT_MEMBER(struct pvmminfo, wid);
	LAYOUT_MEMBER(struct pvmminfo, enc);
	LAYOUT_MEMBER(struct pvmminfo, crc);
	LAYOUT_MEMBER(struct pvmminfo, src);
	LAYOUT_MEMBER(struct pvmminfo, dst);

	LAYOUT_SIZE(struct pvmmboxinfo);
	LAYOUT_MEMBER(struct pvmmboxinfo, mi_name);
	LAYOUT_MEMBER(struct pvmmboxinfo, mi_nentries);
	LAYOUT_MEMBER(struct pvmmboxinfo, mi_indices);
	LAYOUT_MEMBER(struct pvmmboxinfo, mi_owners);
	LAYOUT_MEMBER(struct pvmmboxinfo, mi_flags);
}

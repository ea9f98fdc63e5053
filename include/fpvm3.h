! fpvm3.h - the constants of pvmx's Fortran interface (libfpvm3), with
! the names and values of PVM 3.4.6's: include it in every program unit
! that calls pvmf* routines,
!       include 'fpvm3.h'
! and link with -lfpvm3 -lpvm3 (or build with pvmfort).  Written so that
! both fixed-form (.f) and free-form (.f90) sources can include it:
! comments start with '!', statements at column 7, no line past 72.
! docs/fortran.md describes the routines.
!
!     spawn flags (pvmfspawn's flag)
      integer PVMTASKDEFAULT, PVMTASKHOST, PVMTASKARCH, PVMTASKDEBUG
      integer PVMTASKTRACE, PVMMPPFRONT, PVMHOSTCOMPL, PVMNOSPAWNPARENT
      parameter (PVMTASKDEFAULT   = 0)
      parameter (PVMTASKHOST      = 1)
      parameter (PVMTASKARCH      = 2)
      parameter (PVMTASKDEBUG     = 4)
      parameter (PVMTASKTRACE     = 8)
      parameter (PVMMPPFRONT      = 16)
      parameter (PVMHOSTCOMPL     = 32)
      parameter (PVMNOSPAWNPARENT = 64)
!
!     the same, by their PVM 3.3 names
      integer PVMHOST, PVMARCH, PVMDEBUG, PVMTRACE
      parameter (PVMHOST  = 1)
      parameter (PVMARCH  = 2)
      parameter (PVMDEBUG = 4)
      parameter (PVMTRACE = 8)
!
!     message encodings (pvmfinitsend, pvmfmkbuf)
      integer PVMDATADEFAULT, PVMDATARAW, PVMDATAINPLACE, PVMDATATRACE
      parameter (PVMDATADEFAULT = 0)
      parameter (PVMDATARAW     = 1)
      parameter (PVMDATAINPLACE = 2)
      parameter (PVMDATATRACE   = 4)
!
!     the same, by their PVM 3.3 names
      integer PVMDEFAULT, PVMRAW, PVMINPLACE
      parameter (PVMDEFAULT = 0)
      parameter (PVMRAW     = 1)
      parameter (PVMINPLACE = 2)
!
!     events for pvmfnotify
      integer PVMTASKEXIT, PVMHOSTDELETE, PVMHOSTADD, PVMROUTEADD
      integer PVMROUTEDELETE, PVMNOTIFYCANCEL
      parameter (PVMTASKEXIT     = 1)
      parameter (PVMHOSTDELETE   = 2)
      parameter (PVMHOSTADD      = 3)
      parameter (PVMROUTEADD     = 4)
      parameter (PVMROUTEDELETE  = 5)
      parameter (PVMNOTIFYCANCEL = 256)
!
!     data types (pvmfpack, pvmfunpack, pvmfpsend, pvmfreduce, ...)
      integer STRING, BYTE1, INTEGER2, INTEGER4, REAL4, COMPLEX8, REAL8
      integer COMPLEX16, INTEGER8
      parameter (STRING    = 0)
      parameter (BYTE1     = 1)
      parameter (INTEGER2  = 2)
      parameter (INTEGER4  = 3)
      parameter (REAL4     = 4)
      parameter (COMPLEX8  = 5)
      parameter (REAL8     = 6)
      parameter (COMPLEX16 = 7)
      parameter (INTEGER8  = 8)
!
!     options for pvmfsetopt and pvmfgetopt
      integer PVMROUTE, PVMDEBUGMASK, PVMAUTOERR, PVMOUTPUTTID
      integer PVMOUTPUTCODE, PVMTRACETID, PVMTRACECODE, PVMTRACEBUFFER
      integer PVMTRACEOPTIONS, PVMFRAGSIZE, PVMRESVTIDS, PVMSOUTPUTTID
      integer PVMSOUTPUTCODE, PVMSTRACETID, PVMSTRACECODE
      integer PVMSTRACEBUFFER, PVMSTRACEOPTIONS, PVMSHOWTIDS
      integer PVMPOLLTYPE, PVMPOLLTIME, PVMOUTPUTCTX, PVMTRACECTX
      integer PVMSOUTPUTCTX, PVMSTRACECTX, PVMNORESET
      parameter (PVMROUTE         = 1)
      parameter (PVMDEBUGMASK     = 2)
      parameter (PVMAUTOERR       = 3)
      parameter (PVMOUTPUTTID     = 4)
      parameter (PVMOUTPUTCODE    = 5)
      parameter (PVMTRACETID      = 6)
      parameter (PVMTRACECODE     = 7)
      parameter (PVMTRACEBUFFER   = 8)
      parameter (PVMTRACEOPTIONS  = 9)
      parameter (PVMFRAGSIZE      = 10)
      parameter (PVMRESVTIDS      = 11)
      parameter (PVMSOUTPUTTID    = 12)
      parameter (PVMSOUTPUTCODE   = 13)
      parameter (PVMSTRACETID     = 14)
      parameter (PVMSTRACECODE    = 15)
      parameter (PVMSTRACEBUFFER  = 16)
      parameter (PVMSTRACEOPTIONS = 17)
      parameter (PVMSHOWTIDS      = 18)
      parameter (PVMPOLLTYPE      = 19)
      parameter (PVMPOLLTIME      = 20)
      parameter (PVMOUTPUTCTX     = 21)
      parameter (PVMTRACECTX      = 22)
      parameter (PVMSOUTPUTCTX    = 23)
      parameter (PVMSTRACECTX     = 24)
      parameter (PVMNORESET       = 25)
!
!     values of PVMTRACEOPTIONS
      integer PVMTRACEFULL, PVMTRACETIME, PVMTRACECOUNT
      parameter (PVMTRACEFULL  = 1)
      parameter (PVMTRACETIME  = 2)
      parameter (PVMTRACECOUNT = 3)
!
!     values of PVMPOLLTYPE
      integer PVMPOLLCONSTANT, PVMPOLLSLEEP
      parameter (PVMPOLLCONSTANT = 1)
      parameter (PVMPOLLSLEEP    = 2)
!
!     mailbox flags (pvmfputinfo, pvmfrecvinfo, pvmfdelinfo)
      integer PVMMBOXDEFAULT, PVMMBOXPERSISTENT, PVMMBOXMULTIINSTANCE
      integer PVMMBOXOVERWRITABLE, PVMMBOXFIRSTAVAIL
      integer PVMMBOXREADANDDELETE, PVMMBOXWAITFORINFO
      parameter (PVMMBOXDEFAULT       = 0)
      parameter (PVMMBOXPERSISTENT    = 1)
      parameter (PVMMBOXMULTIINSTANCE = 2)
      parameter (PVMMBOXOVERWRITABLE  = 4)
      parameter (PVMMBOXFIRSTAVAIL    = 8)
      parameter (PVMMBOXREADANDDELETE = 16)
      parameter (PVMMBOXWAITFORINFO   = 32)
!
!     values of PVMROUTE
      integer PVMDONTROUTE, PVMALLOWDIRECT, PVMROUTEDIRECT
      parameter (PVMDONTROUTE   = 1)
      parameter (PVMALLOWDIRECT = 2)
      parameter (PVMROUTEDIRECT = 3)
!
!     error codes: what info and other results are when negative
      integer PvmOk, PvmBadParam, PvmMismatch, PvmOverflow, PvmNoData
      integer PvmNoHost, PvmNoFile, PvmDenied, PvmNoMem, PvmBadMsg
      integer PvmSysErr, PvmNoBuf, PvmNoSuchBuf, PvmNullGroup
      integer PvmDupGroup, PvmNoGroup, PvmNotInGroup, PvmNoInst
      integer PvmHostFail, PvmNoParent, PvmNotImpl, PvmDSysErr
      integer PvmBadVersion, PvmOutOfRes, PvmDupHost, PvmCantStart
      integer PvmAlready, PvmNoTask, PvmNotFound, PvmExists
      integer PvmHostrNMstr, PvmParentNotSet, PvmIPLoopback
      parameter (PvmOk           = 0)
      parameter (PvmBadParam     = -2)
      parameter (PvmMismatch     = -3)
      parameter (PvmOverflow     = -4)
      parameter (PvmNoData       = -5)
      parameter (PvmNoHost       = -6)
      parameter (PvmNoFile       = -7)
      parameter (PvmDenied       = -8)
      parameter (PvmNoMem        = -10)
      parameter (PvmBadMsg       = -12)
      parameter (PvmSysErr       = -14)
      parameter (PvmNoBuf        = -15)
      parameter (PvmNoSuchBuf    = -16)
      parameter (PvmNullGroup    = -17)
      parameter (PvmDupGroup     = -18)
      parameter (PvmNoGroup      = -19)
      parameter (PvmNotInGroup   = -20)
      parameter (PvmNoInst       = -21)
      parameter (PvmHostFail     = -22)
      parameter (PvmNoParent     = -23)
      parameter (PvmNotImpl      = -24)
      parameter (PvmDSysErr      = -25)
      parameter (PvmBadVersion   = -26)
      parameter (PvmOutOfRes     = -27)
      parameter (PvmDupHost      = -28)
      parameter (PvmCantStart    = -29)
      parameter (PvmAlready      = -30)
      parameter (PvmNoTask       = -31)
      parameter (PvmNotFound     = -32)
      parameter (PvmExists       = -33)
      parameter (PvmHostrNMstr   = -34)
      parameter (PvmParentNotSet = -35)
      parameter (PvmIPLoopback   = -36)
!
!     old names of PvmNotFound and PvmExists
      integer PvmNoEntry, PvmDupEntry
      parameter (PvmNoEntry  = -32)
      parameter (PvmDupEntry = -33)

!     fhello.f - hello, world in Fortran (fixed form, as PVM's own
!     examples were written): spawns one fhello_other, which answers
!     with a greeting naming its host; prints it.
!
!         pvmrun fhello
!
      program fhello
      include 'fpvm3.h'
      integer mytid, tid(1), numt, bufid, info, n
      character*128 greeting

      call pvmfmytid(mytid)
      if (mytid .lt. 0) then
         call pvmfperror('fhello', info)
         stop 1
      end if
      call pvmfspawn('fhello_other', PVMTASKDEFAULT, '*', 1, tid, numt)
      if (numt .ne. 1) then
         print *, 'fhello: cannot spawn fhello_other:', tid(1)
         call pvmfexit(info)
         stop 1
      end if
!     the greeting comes as its length, then its bytes
      call pvmfrecv(tid(1), 1, bufid)
      call pvmfunpack(INTEGER4, n, 1, 1, info)
      if (n .gt. len(greeting)) n = len(greeting)
      greeting = ' '
      call pvmfunpack(STRING, greeting, n, 1, info)
      write (*, '(a,z0,2a)') 'fhello: from t', tid(1), ': ',
     &   greeting(1:n)
      call pvmfexit(info)
      end

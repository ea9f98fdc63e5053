!     fhello_other.f - spawned by fhello: sends its parent a greeting
!     naming the host it runs on (found in the host table by its
!     daemon's tid) and its own tid.
      program fhelloother
      include 'fpvm3.h'
      integer mytid, parent, dtid, nhost, narch, htid, speed, info
      integer bufid, n, i
      character*64 host, name, arch
      character*128 greeting

      call pvmfmytid(mytid)
      call pvmfparent(parent)
      if (parent .lt. 0) then
         print *, 'fhello_other: run fhello, which spawns me'
         call pvmfexit(info)
         stop 1
      end if
      call pvmftidtohost(mytid, dtid)
      host = '?'
!     pvmfconfig gives one host per call: nhost calls walk the table
      nhost = 1
      i = 1
   10 call pvmfconfig(nhost, narch, htid, name, arch, speed, info)
      if (info .lt. 0) goto 20
      if (htid .eq. dtid) host = name
      i = i + 1
      if (i .le. nhost) goto 10
   20 write (greeting, '(3a,z0,a)') 'hello, world from ',
     &   trim(host), ' (task t', mytid, ')'
      n = len_trim(greeting)
      call pvmfinitsend(PVMDEFAULT, bufid)
      call pvmfpack(INTEGER4, n, 1, 1, info)
      call pvmfpack(STRING, greeting, n, 1, info)
      call pvmfsend(parent, 1, info)
      call pvmfexit(info)
      end

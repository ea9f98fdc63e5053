! fcalls.f90 - calls every area of PVM's Fortran interface once and
! prints what came back, in words that do not depend on tids or hosts.
! integration.test_fortran runs it linked against our libfpvm3 and
! against PVM 3.4.6's libfpvm3.a (both over our libpvm3) and diffs the
! two outputs.  Started by hand it is the parent; it spawns itself once
! as the child, which echoes a message and exits.  With the argument
! "ours" it also calls the two routines PVM 3.4.6 gets wrong
! (pvmfgetmboxinfo, pvmffreecontext; docs/fortran.md).
program fcalls
  implicit none
  include 'fpvm3.h'
  integer mytid, parent, info, bufid, bytes, tag, src, oldbuf, i
  integer ints(6), iback(3), child(1), tids2(1), nsib, sib, numt
  integer*2 shorts(4), sback(4)
  integer*8 longs(2), lback(2)
  real*4 reals(3), rback(3)
  real*8 dbls(4), dback(2)
  complex*8 cplx(2), cback(2)
  complex*16 dcplx(2), dcback(2)
  character*11 text
  character*4 short_name
  character*64 name, arch
  character*256 self
  integer nhost, narch, dtid, speed, ntask, ttid, ptid, flag, ctx, old
  integer atid, atag, alen, inum, gsize, n, idx, cnt
  real*8 pbuf(3), pback(3)
  integer sumv(3), maxv(3)
  integer, external :: handler
  external pvmsum, pvmmax
  logical ours

  call pvmfmytid(mytid)
  call pvmfparent(parent)
  call pvmfsetopt(PVMAUTOERR, 0, info)
  if (parent .gt. 0) then
     call child_main(parent)
     stop
  end if
  ours = .false.
  if (command_argument_count() .ge. 1) then
     call get_command_argument(1, name)
     ours = name .eq. 'ours'
  end if
  print '(a,l1)', 'mytid positive: ', mytid .gt. 0
  print '(a,i0)', 'parent: ', parent

  ! packing every type, with strides, to ourselves
  ints = (/ 1, 2, 3, 4, 5, 6 /)
  shorts = (/ 7_2, -8_2, 9_2, -10_2 /)
  longs = (/ 123456789012_8, -5_8 /)
  reals = (/ 1.5, -2.25, 3.0 /)
  dbls = (/ 0.5d0, 1.5d0, 2.5d0, 3.5d0 /)
  cplx = (/ (1.0, -1.0), (2.0, 0.5) /)
  dcplx = (/ (1.0d0, 2.0d0), (-3.0d0, 4.0d0) /)
  text = 'hello world'
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, ints, 3, 2, info)
  call pvmfpack(INTEGER2, shorts, 4, 1, info)
  call pvmfpack(INTEGER8, longs, 2, 1, info)
  call pvmfpack(REAL4, reals, 3, 1, info)
  call pvmfpack(REAL8, dbls, 2, 2, info)
  call pvmfpack(COMPLEX8, cplx, 2, 1, info)
  call pvmfpack(COMPLEX16, dcplx, 2, 1, info)
  call pvmfpack(STRING, text, 11, 1, info)
  call pvmfpack(BYTE1, text, 5, 1, info)
  call pvmfpack(99, text, 1, 1, info)
  print '(a,i0)', 'pack of an unknown type: ', info
  call pvmfsend(mytid, 5, info)
  print '(a,i0)', 'send to self: ', info
  call pvmfrecv(-1, 5, bufid)
  call pvmfprobe(mytid, 5, i)
  print '(a,i0)', 'probe, nothing more: ', i
  call pvmfbufinfo(bufid, bytes, tag, src, info)
  print '(a,i0,a,l1)', 'bufinfo: tag ', tag, ', from self ', src .eq. mytid
  call pvmfunpack(INTEGER4, iback, 3, 1, info)
  print '(a,3(1x,i0))', 'int4, stride 2:', iback
  call pvmfunpack(INTEGER2, sback, 4, 1, info)
  print '(a,4(1x,i0))', 'int2:', sback
  call pvmfunpack(INTEGER8, lback, 2, 1, info)
  print '(a,2(1x,i0))', 'int8:', lback
  call pvmfunpack(REAL4, rback, 3, 1, info)
  print '(a,3(1x,f6.2))', 'real4:', rback
  call pvmfunpack(REAL8, dback, 2, 1, info)
  print '(a,2(1x,f6.2))', 'real8, stride 2:', dback
  call pvmfunpack(COMPLEX8, cback, 2, 1, info)
  print '(a,4(1x,f6.2))', 'complex8:', cback
  call pvmfunpack(COMPLEX16, dcback, 2, 1, info)
  print '(a,4(1x,f6.2))', 'complex16:', dcback
  text = ' '
  call pvmfunpack(STRING, text, 11, 1, info)
  print '(3a)', 'string: [', text, ']'
  text = ' '
  call pvmfunpack(BYTE1, text, 5, 1, info)
  print '(3a)', 'bytes: [', text, ']'
  call pvmfunpack(INTEGER4, iback, 1, 1, info)
  print '(a,i0)', 'unpack past the end: ', info

  ! buffers
  call pvmfmkbuf(PVMRAW, bufid)
  call pvmfsetsbuf(bufid, oldbuf)
  call pvmfgetsbuf(i)
  print '(a,l1)', 'setsbuf/getsbuf: ', i .eq. bufid
  call pvmffreebuf(bufid, info)
  print '(a,i0)', 'freebuf: ', info
  call pvmfgetrbuf(i)
  call pvmfsetrbuf(0, oldbuf)
  call pvmfnrecv(-1, 77, bufid)
  print '(a,i0)', 'nrecv, nothing there: ', bufid
  call pvmftrecv(-1, 77, 0, 100000, bufid)
  print '(a,i0)', 'trecv, 0.1 s, nothing there: ', bufid

  ! psend/precv
  pbuf = (/ 1.25d0, 2.5d0, 5.0d0 /)
  call pvmfpsend(mytid, 6, pbuf, 3, REAL8, info)
  call pvmfprecv(mytid, 6, pback, 3, REAL8, atid, atag, alen, info)
  print '(a,3(1x,f5.2),a,i0,a,i0)', 'precv:', pback, ' tag ', atag, ' len ', alen

  ! options
  call pvmfgetopt(PVMROUTE, i)
  print '(a,i0)', 'route option: ', i
  call pvmfsetopt(PVMROUTE, PVMDONTROUTE, old)
  call pvmfgetopt(PVMROUTE, i)
  print '(a,i0)', 'route option set: ', i
  call pvmfsetopt(PVMROUTE, old, info)

  ! the machine: one host, its name cut to 4 bytes and blank-padded
  nhost = 0
  call pvmfconfig(nhost, narch, dtid, name, arch, speed, info)
  print '(a,i0,a,i0,a,i0)', 'config: ', nhost, ' host(s), info ', info, &
       & ', speed ', speed
  print '(a,l1)', 'host name blank-padded: ', name(len_trim(name)+1:) .eq. ' '
  call pvmfmstat(name, info)
  print '(a,i0)', 'mstat of our host: ', info
  call pvmfmstat('no.such.host', info)
  print '(a,i0)', 'mstat of another: ', info
  call pvmfconfig(nhost, narch, dtid, short_name, arch, speed, info)
  print '(a,l1)', 'host name cut to 4: ', short_name .eq. name(1:4)
  call pvmftidtohost(mytid, i)
  print '(a,l1)', 'tidtohost is the daemon: ', i .eq. dtid
  call pvmfarchcode(arch, i)
  print '(a,l1)', 'archcode positive: ', i .gt. 0
  call pvmfhostsync(dtid, i, n, idx, cnt, info)
  print '(a,i0)', 'hostsync: ', info
  call pvmfsleep(0)

  ! tasks: we are the only one; the name cut to 4
  ntask = 0
  call pvmftasks(0, ntask, ttid, ptid, dtid, flag, short_name, info)
  print '(a,i0,a,i0,a,l1)', 'tasks: ', ntask, ', info ', info, ', me ', ttid .eq. mytid
  call get_command_argument(0, self)
  self = self(index(self, '/', back=.true.)+1:)
  print '(a,l1)', 'task name cut to 4: ', short_name .eq. self(1:4)
  call pvmfsiblings(nsib, 0, sib)
  print '(a,i0,a,l1)', 'siblings: ', nsib, ', first is me ', sib .eq. mytid

  ! spawn the child, watch it exit, echo a message through it
  call pvmfspawn(self, PVMTASKDEFAULT, '*', 1, child, numt)
  print '(a,i0)', 'spawn: ', numt
  call pvmfspawn('no-such-program-xyz', PVMTASKDEFAULT, '*', 1, tids2, numt)
  print '(a,l1)', 'spawn of a missing program fails: ', numt .lt. 1 .or. tids2(1) .lt. 0
  call pvmfnotify(PVMTASKEXIT, 9, 1, child, info)
  print '(a,i0)', 'notify: ', info
  call pvmfpstat(child(1), info)
  print '(a,i0)', 'pstat of the child: ', info
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, ints, 6, 1, info)
  call pvmfmcast(1, child, 7, info)
  call pvmfrecv(child(1), 8, bufid)
  call pvmfunpack(INTEGER4, ints, 6, 1, info)
  print '(a,6(1x,i0))', 'child doubled:', ints
  call pvmfrecv(-1, 9, bufid)
  call pvmfunpack(INTEGER4, i, 1, 1, info)
  print '(a,l1)', 'exit notify names the child: ', i .eq. child(1)
  call pvmfkill(child(1), info)
  print '(a,i0)', 'kill of the exited child: ', info

  ! contexts and message handlers
  call pvmfnewcontext(ctx)
  call pvmfsetcontext(ctx, old)
  call pvmfgetcontext(i)
  print '(a,l1)', 'context set: ', i .eq. ctx
  call pvmfsetcontext(old, i)
  call pvmfaddmhf(-1, 4242, -1, 0, handler, i)
  print '(a,l1)', 'addmhf: ', i .ge. 0
  call pvmfdelmhf(i, info)
  print '(a,i0)', 'delmhf: ', info

  ! mailbox
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, 4711, 1, 1, info)
  call pvmfputinfo('fcalls.box   ', bufid, PVMMBOXDEFAULT, idx)
  print '(a,i0)', 'putinfo: ', idx
  call pvmfrecvinfo('fcalls.box', idx, PVMMBOXDEFAULT, bufid)
  call pvmfunpack(INTEGER4, i, 1, 1, info)
  print '(a,i0)', 'recvinfo: ', i
  if (ours) call check_mboxinfo()
  call pvmfdelinfo('fcalls.box', idx, PVMMBOXDEFAULT, info)
  print '(a,i0)', 'delinfo: ', info
  call pvmfrecvinfo('fcalls.box', idx, PVMMBOXDEFAULT, bufid)
  print '(a,i0)', 'recvinfo after delinfo: ', bufid

  ! groups of one: inst 0, a sum and a max of itself
  call pvmfjoingroup('fcalls', inum)
  print '(a,i0)', 'joingroup: ', inum
  call pvmfgsize('fcalls', gsize)
  print '(a,i0)', 'gsize: ', gsize
  call pvmfgetinst('fcalls', mytid, inum)
  call pvmfgettid('fcalls', 0, i)
  print '(a,i0,a,l1)', 'getinst: ', inum, ', gettid is me ', i .eq. mytid
  call pvmffreezegroup('fcalls', 1, info)
  print '(a,i0)', 'freezegroup: ', info
  call pvmfbarrier('fcalls', 1, info)
  print '(a,i0)', 'barrier: ', info
  sumv = (/ 3, -4, 5 /)
  maxv = sumv
  call pvmfreduce(pvmsum, sumv, 3, INTEGER4, 11, 'fcalls', 0, info)
  call pvmfreduce(pvmmax, maxv, 3, INTEGER4, 12, 'fcalls', 0, info)
  print '(a,3(1x,i0),a,i0)', 'reduce sum:', sumv, ', info ', info
  call pvmfgather(iback, ints, 1, INTEGER4, 13, 'fcalls', 0, info)
  print '(a,i0,a,i0)', 'gather: ', iback(1), ', info ', info
  call pvmfscatter(i, ints(2), 1, INTEGER4, 14, 'fcalls', 0, info)
  print '(a,i0,a,i0)', 'scatter: ', i, ', info ', info
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfbcast('fcalls', 15, info)
  print '(a,i0)', 'bcast to nobody else: ', info
  call pvmfgsize('a-group-name-longer-than-31-characters', gsize)
  print '(a,i0)', 'gsize of a too long name: ', gsize
  call pvmflvgroup('fcalls', info)
  print '(a,i0)', 'lvgroup: ', info

  if (ours) then
     call pvmfnewcontext(ctx)
     call pvmffreecontext(ctx, info)
     print '(a,i0)', 'freecontext: ', info
  end if
  call pvmfcatchout(0, info)
  call pvmfexit(info)
  print '(a,i0)', 'exit: ', info
contains
  ! each entry of the mailbox, one per call, then PvmNotFound
  subroutine check_mboxinfo()
    character*32 cname
    integer nclasses, nentries, indices(4), owners(4), flags(4), k, minfo
    nclasses = 0
    do k = 1, 5
       call pvmfgetmboxinfo('fcalls.*', cname, nclasses, nentries, indices, &
            & owners, flags, minfo)
       if (minfo .ne. 0) exit
       print '(3a,i0,a,l1)', 'mboxinfo: [', trim(cname), '] entries ', nentries, &
            & ', owner is me ', owners(1) .eq. mytid
    end do
    print '(a,i0,a,i0)', 'mboxinfo done: ', minfo, ', classes ', nclasses
  end subroutine check_mboxinfo
end program fcalls

! the child: doubles what the parent sends and exits
subroutine child_main(parent)
  implicit none
  include 'fpvm3.h'
  integer parent, bufid, info, vals(6)
  call pvmfrecv(parent, 7, bufid)
  call pvmfunpack(INTEGER4, vals, 6, 1, info)
  vals = 2 * vals
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, vals, 6, 1, info)
  call pvmfsend(parent, 8, info)
  call pvmfexit(info)
end subroutine child_main

integer function handler(mid)
  implicit none
  integer mid
  handler = mid
end function handler

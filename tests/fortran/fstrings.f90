! fstrings.f90 - strings of every length through PVM's Fortran
! interface: empty, exactly filling their variable, and longer than the
! variable (blank-padded, or cut).  Every output goes into a variable
! of a common block followed by a guard, or into a substring of one,
! and the bytes after it are checked untouched.  One ok/FAIL line per
! check, the same whichever libfpvm3 it is linked with; exit status 1
! on any failure.  Started by hand it spawns itself; the child exits.
module fstrings_check
  implicit none
  integer :: fails = 0
  ! the variables strings come out into, each followed by its guard
  character(len=16) :: sbuf
  character(len=8) :: sguard
  character(len=64) :: lbuf
  character(len=8) :: lguard
  common /guarded/ sbuf, sguard, lbuf, lguard
  character(len=*), parameter :: GUARD = 'GuArD!!!'
contains
  subroutine check(what, cond)
    character(len=*), intent(in) :: what
    logical, intent(in) :: cond
    if (cond) then
       print '(2a)', 'ok - ', what
    else
       print '(2a)', 'FAIL - ', what
       fails = fails + 1
    end if
  end subroutine check

  subroutine check_int(what, got, want)
    character(len=*), intent(in) :: what
    integer, intent(in) :: got, want
    if (got .eq. want) then
       print '(3a,i0)', 'ok - ', what, ': ', got
    else
       print '(3a,i0,a,i0)', 'FAIL - ', what, ': ', got, ', want ', want
       fails = fails + 1
    end if
  end subroutine check_int

  subroutine reset()
    sbuf = repeat('#', len(sbuf))
    lbuf = repeat('#', len(lbuf))
    sguard = GUARD
    lguard = GUARD
  end subroutine reset

  ! nothing written past the first n bytes of sbuf, nor of lbuf
  logical function sbuf_kept(n)
    integer, intent(in) :: n
    sbuf_kept = sbuf(n + 1:) .eq. repeat('#', len(sbuf) - n) .and. sguard .eq. GUARD
  end function sbuf_kept

  logical function lbuf_kept(n)
    integer, intent(in) :: n
    lbuf_kept = lbuf(n + 1:) .eq. repeat('#', len(lbuf) - n) .and. lguard .eq. GUARD
  end function lbuf_kept
end module fstrings_check

program fstrings
  use fstrings_check
  implicit none
  include 'fpvm3.h'
  integer mytid, parent, info, bufid, marker, numt, tids(1), i, n
  integer nhost, narch, dtid, speed, ntask, ttid, ptid, flag, inum, idx, k
  character(len=0) :: nothing
  character(len=40) :: padded, where
  character(len=300) :: self
  character(len=257) :: toolong
  character(len=64) :: full, arch
  character(len=*), parameter :: EXACT = 'sixteen bytes!!!'
  character(len=*), parameter :: LONGER = 'a string longer than sixteen'
  character(len=*), parameter :: G31 = 'fstrings.group.of.31.characters'

  call pvmfmytid(mytid)
  call pvmfparent(parent)
  call pvmfsetopt(PVMAUTOERR, 0, info)
  if (parent .gt. 0) then
     call pvmfexit(info)
     stop
  end if
  call get_command_argument(0, self)
  i = index(self, '/', back=.true.)
  self = self(i + 1:)

  ! STRING packed and unpacked: nitem bytes, as PVM 3.4.6 moves
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(STRING, nothing, 0, 1, info)
  call check_int('pack STRING, empty', info, 0)
  call pvmfpack(STRING, EXACT, len(EXACT), 1, info)
  call pvmfpack(STRING, LONGER, len(LONGER), 1, info)
  call pvmfpack(INTEGER4, 4711, 1, 1, info)
  call pvmfsend(mytid, 1, info)
  call pvmfrecv(mytid, 1, bufid)
  call reset()
  call pvmfunpack(STRING, sbuf, 0, 1, info)
  call check_int('unpack STRING, empty', info, 0)
  call check('unpack STRING, empty: nothing written', sbuf_kept(0))
  call pvmfunpack(STRING, sbuf, len(sbuf), 1, info)
  call check_int('unpack STRING, exactly the variable', info, 0)
  call check('unpack STRING, exactly the variable: the string', sbuf .eq. EXACT)
  call check('unpack STRING, exactly the variable: the guard after it kept', sbuf_kept(16))
  call pvmfunpack(STRING, sbuf, len(sbuf), 1, info)
  call check_int('unpack STRING, longer than the variable, cut to it', info, 0)
  call check('unpack STRING, cut: its first 16 bytes', sbuf .eq. LONGER(1:16))
  call check('unpack STRING, cut: the guard after it kept', sbuf_kept(16))
  call pvmfunpack(STRING, lbuf, len(LONGER) - 16, 1, info)
  call check('unpack STRING, cut: the rest follows', lbuf(1:len(LONGER) - 16) .eq. LONGER(17:))
  call check('unpack STRING, the rest: nothing written past it', lbuf_kept(len(LONGER) - 16))
  call pvmfunpack(INTEGER4, marker, 1, 1, info)
  call check_int('unpack after the strings', marker, 4711)

  ! group names: blank-padded, exactly PVM's 31 bytes, longer, empty
  padded = 'fstrings.group'
  call pvmfjoingroup(padded, inum)
  call check_int('joingroup, name blank-padded in 40', inum, 0)
  call pvmfgsize('fstrings.group', n)
  call check_int('gsize, the same name exactly', n, 1)
  call pvmfgetinst('fstrings.group   ', mytid, inum)
  call check_int('getinst, the same name, other padding', inum, 0)
  call pvmflvgroup(padded, info)
  call check_int('lvgroup, name blank-padded', info, 0)
  call pvmfjoingroup(G31, inum)
  call check_int('joingroup, a name of 31 bytes exactly', inum, 0)
  padded = G31
  call pvmfgsize(padded, n)
  call check_int('gsize, 31 bytes blank-padded in 40', n, 1)
  call pvmflvgroup(G31, info)
  call check_int('lvgroup, 31 bytes', info, 0)
  call pvmfjoingroup(G31 // 'x', inum)
  call check_int('joingroup, a name of 32 bytes', inum, PvmBadParam)
  call pvmfjoingroup(nothing, inum)
  call check_int('joingroup, an empty name', inum, PvmNullGroup)
  padded = ' '
  call pvmfjoingroup(padded, inum)
  call check_int('joingroup, a name all blanks', inum, PvmNullGroup)

  ! the task name: blank-padded in 300 bytes, exactly, too long, empty
  where = ' '
  call pvmfspawn(self, PVMTASKDEFAULT, '*', 1, tids, numt)
  call check_int('spawn, the name blank-padded in 300', numt, 1)
  call pvmfspawn(self(1:len_trim(self)), PVMTASKDEFAULT, where, 1, tids, numt)
  call check_int('spawn, the name exactly, where all blanks', numt, 1)
  toolong = repeat('x', len(toolong))
  call pvmfspawn(toolong, PVMTASKDEFAULT, '*', 1, tids, numt)
  call check_int('spawn, a name of 257 bytes', numt, PvmBadParam)
  tids(1) = 0
  call pvmfspawn(nothing, PVMTASKDEFAULT, '*', 1, tids, numt)
  call check('spawn, an empty name, fails', numt .lt. 1 .or. tids(1) .lt. 0)

  ! mailbox names: padded, exactly, empty
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, 4711, 1, 1, info)
  padded = 'fstrings.box'
  call pvmfputinfo(padded, bufid, PVMMBOXDEFAULT, idx)
  call check_int('putinfo, name blank-padded', idx, 0)
  call pvmfrecvinfo('fstrings.box', idx, PVMMBOXDEFAULT, bufid)
  call check('recvinfo, the same name exactly', bufid .gt. 0)
  call pvmfdelinfo('fstrings.box  ', idx, PVMMBOXDEFAULT, info)
  call check_int('delinfo, other padding', info, 0)
  call pvmfrecvinfo(nothing, 0, PVMMBOXDEFAULT, bufid)
  call check('recvinfo, an empty name, fails', bufid .lt. 0)

  ! names out: into 0 bytes, one short of their length (cut), exactly
  ! their length, and more (blank-padded)
  call pvmfconfig(nhost, narch, dtid, full, arch, speed, info)
  n = len_trim(full)
  k = len_trim(arch)
  call check('config: a host name and arch', info .ge. 0 .and. n .ge. 1 .and. k .ge. 1)
  call reset()
  call pvmfconfig(nhost, narch, dtid, lbuf(1:0), arch, speed, info)
  call check('config, host name into 0 bytes: nothing written', lbuf_kept(0))
  call pvmfconfig(nhost, narch, dtid, lbuf(1:n - 1), arch, speed, info)
  call check('config, host name into one byte less: cut', lbuf(1:n - 1) .eq. full(1:n - 1))
  call check('config, host name into one byte less: nothing past it', lbuf_kept(n - 1))
  call reset()
  call pvmfconfig(nhost, narch, dtid, lbuf(1:n), arch, speed, info)
  call check('config, host name into its length: whole', lbuf(1:n) .eq. full(1:n))
  call check('config, host name into its length: nothing past it', lbuf_kept(n))
  call reset()
  call pvmfconfig(nhost, narch, dtid, lbuf, sbuf(1:k - 1), speed, info)
  call check('config, host name into 64: blank-padded', lbuf .eq. full)
  call check('config, host name into 64: the guard after it kept', lbuf_kept(64))
  call check('config, arch into one byte less: cut', sbuf(1:k - 1) .eq. arch(1:k - 1))
  call check('config, arch into one byte less: nothing past it', sbuf_kept(k - 1))

  n = len_trim(self)
  call reset()
  ntask = -1
  call pvmftasks(0, ntask, ttid, ptid, dtid, flag, sbuf(1:0), info)
  call check('tasks, name into 0 bytes: nothing written', info .eq. 1 .and. sbuf_kept(0))
  ntask = -1
  call pvmftasks(0, ntask, ttid, ptid, dtid, flag, sbuf(1:5), info)
  call check('tasks, name into 5 bytes: cut', sbuf(1:5) .eq. self(1:5))
  call check('tasks, name into 5 bytes: nothing past them', sbuf_kept(5))
  call reset()
  ntask = -1
  call pvmftasks(0, ntask, ttid, ptid, dtid, flag, sbuf(1:n), info)
  call check('tasks, name into its length: whole', sbuf(1:n) .eq. self(1:n))
  call check('tasks, name into its length: nothing past it', sbuf_kept(n))
  call reset()
  ntask = -1
  call pvmftasks(0, ntask, ttid, ptid, dtid, flag, sbuf, info)
  call check('tasks, name into 16: blank-padded', sbuf .eq. self(1:16))
  call check('tasks, name into 16: the guard after it kept', sbuf_kept(16))

  ! pvmfperror: empty, exactly, padded (the script reads stderr)
  call pvmfperror(nothing, info)
  call check_int('perror, empty', info, 0)
  call pvmfperror('fstrings perror exact', info)
  call check_int('perror, exactly', info, 0)
  padded = 'fstrings perror padded'
  call pvmfperror(padded, info)
  call check_int('perror, blank-padded', info, 0)

  call pvmfexit(info)
  if (fails .gt. 0) call exit(1)
end program fstrings

! fring.f90 - an SPMD token ring in Fortran: every instance runs this
! program, started together,
!
!     pvmrun -np 4 fring 3
!
! pvmfsiblings gives each the tids of all, in one order; an instance's
! index there is its rank.  Rank 0 sends a token (an integer) round the
! ring K times (argument 1, default 3), each instance adding one, so it
! must come home as N*K.
program fring
  implicit none
  include 'fpvm3.h'
  integer, parameter :: tag_token = 20
  integer mytid, n, me, i, t, next, prev, laps, lap, token, info, bufid
  character*16 arg

  laps = 3
  if (command_argument_count() .ge. 1) then
     call get_command_argument(1, arg)
     read (arg, *, iostat=info) laps
     if (info .ne. 0) laps = 0
  end if
  if (laps .lt. 1) then
     print '(a)', 'fring: the number of laps must be at least 1'
     stop 2
  end if
  call pvmfmytid(mytid)
  call pvmfsiblings(n, 0, t)
  if (mytid .lt. 0 .or. n .lt. 1) then
     call pvmfperror('fring', info)
     stop 1
  end if
  me = -1
  do i = 0, n - 1
     call pvmfsiblings(n, i, t)
     if (t .eq. mytid) me = i
  end do
  call pvmfsiblings(n, mod(me + 1, n), next)
  call pvmfsiblings(n, mod(me + n - 1, n), prev)

  token = 0
  do lap = 1, laps
     if (me .eq. 0) then
        call pass(next, token + 1)
        token = receive(prev)
     else
        token = receive(prev)
        call pass(next, token + 1)
     end if
  end do
  if (me .eq. 0) then
     if (token .eq. n * laps) then
        print '(a,i0,a,i0,a,i0,a)', 'fring: token = ', token, ' after ', laps, &
             & ' laps of ', n, ' instances: OK'
     else
        print '(a,i0,a,i0)', 'fring: token = ', token, ', expected ', n * laps
        call pvmfexit(info)
        stop 1
     end if
  end if
  call pvmfexit(info)
contains
  subroutine pass(to, value)
    integer to, value
    call pvmfinitsend(PVMDEFAULT, bufid)
    call pvmfpack(INTEGER4, value, 1, 1, info)
    call pvmfsend(to, tag_token, info)
  end subroutine pass
  integer function receive(from)
    integer from
    call pvmfrecv(from, tag_token, bufid)
    call pvmfunpack(INTEGER4, receive, 1, 1, info)
  end function receive
end program fring

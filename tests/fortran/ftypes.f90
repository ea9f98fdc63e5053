! ftypes.f90 - every Fortran data type between a Fortran task and a C
! task (tests/fortran/ctypes.c), checked value by value on both sides.
! Started by hand it is the master: it spawns ctypes and, for each of
! PVMDEFAULT, PVMRAW and PVMINPLACE, sends each type twice (stride 1,
! then stride 2); ctypes checks them, adds 1 to every value and sends
! them back with its verdicts; this side unpacks with the same strides
! and checks.  Spawned by ctypes (the other direction) it is the worker.
! One ok/FAIL line per check; exit status 1 on any failure.
! The values, the same formulas in ctypes.c: value i (1..NV) of item
! it (0: stride 1, 1: stride 2) of type t is base(t) + i + 10*it + d,
! d being 0 on the way out and 1 on the way back; a complex value is
! (v, -v); a byte or character has that code.
module ftypes_data
  implicit none
  include 'fpvm3.h'
  integer, parameter :: NV = 5, NT = 9, NCHK = 2 * NT
  character(len=9), parameter :: tname(NT) = (/ 'BYTE1    ', 'INTEGER2 ', &
       'INTEGER4 ', 'INTEGER8 ', 'REAL4    ', 'COMPLEX8 ', 'REAL8    ', &
       'COMPLEX16', 'STRING   ' /)
  integer :: ttype(NT)
  ! ttype in a data statement: the names of fpvm3.h are parameters
  data ttype / BYTE1, INTEGER2, INTEGER4, INTEGER8, REAL4, COMPLEX8, &
       REAL8, COMPLEX16, STRING /
  external pvmfpack, pvmfunpack
  real*8, parameter :: base(NT) = (/ 64d0, -30000d0, 2000000000d0, &
       3298534883328d0, -2.5d0, 0.25d0, 1d15 + 0.5d0, -7.75d0, 96d0 /)
  ! what an unpack must leave alone; what a pack must skip
  real*8, parameter :: SENTINEL = 35d0, SKIPPED = 33d0
  ! the arrays packed, kept until the send (PVMINPLACE reads them then)
  integer*1 :: b1(2*NV, 0:1)
  integer*2 :: i2(2*NV, 0:1)
  integer*4 :: i4(2*NV, 0:1)
  integer*8 :: i8(2*NV, 0:1)
  real*4 :: r4(2*NV, 0:1)
  complex*8 :: c8(2*NV, 0:1)
  real*8 :: r8(2*NV, 0:1)
  complex*16 :: c16(2*NV, 0:1)
  character(len=2*NV) :: st(0:1)
contains
  real*8 function val(t, it, i, d)
    integer, intent(in) :: t, it, i, d
    val = base(t) + i + 10 * it + d
  end function val

  ! position j of every type's array of item it holds v
  subroutine fill(it, j, v)
    integer, intent(in) :: it, j
    real*8, intent(in) :: v
    integer t
    do t = 1, NT
       call set_one(t, it, j, v)
    end do
  end subroutine fill

  ! pvmfpack or pvmfunpack (op) type t of item it from or into its
  ! array, with the item's stride
  subroutine move(op, t, it, info)
    external op
    integer, intent(in) :: t, it
    integer, intent(out) :: info
    integer s
    s = it + 1
    select case (t)
    case (1); call op(BYTE1, b1(1, it), NV, s, info)
    case (2); call op(INTEGER2, i2(1, it), NV, s, info)
    case (3); call op(INTEGER4, i4(1, it), NV, s, info)
    case (4); call op(INTEGER8, i8(1, it), NV, s, info)
    case (5); call op(REAL4, r4(1, it), NV, s, info)
    case (6); call op(COMPLEX8, c8(1, it), NV, s, info)
    case (7); call op(REAL8, r8(1, it), NV, s, info)
    case (8); call op(COMPLEX16, c16(1, it), NV, s, info)
    case (9); call op(STRING, st(it), NV, s, info)
    end select
  end subroutine move

  ! the real and imaginary parts at position j of type t's array
  subroutine at(t, it, j, re, im)
    integer, intent(in) :: t, it, j
    real*8, intent(out) :: re, im
    im = 0d0
    select case (t)
    case (1); re = b1(j, it)
    case (2); re = i2(j, it)
    case (3); re = i4(j, it)
    case (4); re = real(i8(j, it), 8)
    case (5); re = r4(j, it)
    case (6); re = real(c8(j, it), 8); im = aimag(c8(j, it))
    case (7); re = r8(j, it)
    case (8); re = real(c16(j, it), 8); im = aimag(c16(j, it))
    case (9); re = iachar(st(it)(j:j))
    end select
    if (t .ne. 6 .and. t .ne. 8) im = -re
  end subroutine at

  ! pack every type, both items, values with d added
  subroutine pack_all(d, status)
    integer, intent(in) :: d
    integer, intent(inout) :: status(NCHK)
    integer t, it, i, info
    do it = 0, 1
       do i = 1, 2 * NV
          call fill(it, i, SKIPPED)
       end do
    end do
    ! in the order unpack_check reads them: by type, then by item
    do t = 1, NT
       do it = 0, 1
          do i = 1, NV
             call set_one(t, it, 1 + (i - 1) * (it + 1), val(t, it, i, d))
          end do
          call move(pvmfpack, t, it, info)
          if (info .lt. 0 .and. status(2 * t - 1 + it) .eq. 0) &
               status(2 * t - 1 + it) = 1000 + info
       end do
    end do
  end subroutine pack_all

  subroutine set_one(t, it, j, v)
    integer, intent(in) :: t, it, j
    real*8, intent(in) :: v
    select case (t)
    case (1); b1(j, it) = int(v, 1)
    case (2); i2(j, it) = int(v, 2)
    case (3); i4(j, it) = int(v, 4)
    case (4); i8(j, it) = int(v, 8)
    case (5); r4(j, it) = real(v, 4)
    case (6); c8(j, it) = cmplx(v, -v, 4)
    case (7); r8(j, it) = v
    case (8); c16(j, it) = cmplx(v, -v, 8)
    case (9); st(it)(j:j) = achar(int(v))
    end select
  end subroutine set_one

  ! unpack every type, both items, into sentinel-filled arrays; the
  ! verdict of each: 0, the first wrong position, or 1000 + info
  subroutine unpack_check(d, status)
    integer, intent(in) :: d
    integer, intent(out) :: status(NCHK)
    integer t, it, i, j, s, info, k
    real*8 re, im, want
    status = 0
    do it = 0, 1
       do i = 1, 2 * NV
          call fill(it, i, SENTINEL)
       end do
    end do
    do t = 1, NT
       do it = 0, 1
          k = 2 * t - 1 + it
          s = it + 1
          call move(pvmfunpack, t, it, info)
          if (info .lt. 0) then
             status(k) = 1000 + info
             cycle
          end if
          do j = 2 * NV, 1, -1
             want = SENTINEL
             if (mod(j - 1, s) .eq. 0 .and. (j - 1) / s .lt. NV) &
                  want = val(t, it, (j - 1) / s + 1, d)
             call at(t, it, j, re, im)
             if (re .ne. want .or. im .ne. -want) status(k) = j
          end do
       end do
    end do
  end subroutine unpack_check

  ! one line per check; the number of failures
  integer function report(status, what, enc)
    integer, intent(in) :: status(NCHK), enc
    character(len=*), intent(in) :: what
    integer t, it, k
    character(len=10) :: ename
    select case (enc)
    case (PVMDEFAULT); ename = 'PVMDEFAULT'
    case (PVMRAW); ename = 'PVMRAW'
    case default; ename = 'PVMINPLACE'
    end select
    report = 0
    do t = 1, NT
       do it = 0, 1
          k = 2 * t - 1 + it
          if (status(k) .eq. 0) then
             print '(5a,i0)', 'ok - ', what, ' ', trim(ename) // ' ' // &
                  trim(tname(t)), ', stride ', it + 1
          else
             report = report + 1
             print '(5a,i0,a,i0)', 'FAIL - ', what, ' ', trim(ename) // ' ' // &
                  trim(tname(t)), ', stride ', it + 1, ': ', status(k)
          end if
       end do
    end do
  end function report
end module ftypes_data

program ftypes
  use ftypes_data
  implicit none
  integer mytid, parent, info, bufid, numt, child(1), fails, e, enc
  integer encs(3), status(NCHK), theirs(NCHK)

  call pvmfmytid(mytid)
  call pvmfparent(parent)
  if (parent .gt. 0) then
     ! the worker: check, add 1, send back, until told to stop
     do
        call pvmfrecv(parent, 1, bufid)
        call pvmfunpack(INTEGER4, enc, 1, 1, info)
        if (bufid .lt. 0 .or. info .lt. 0 .or. enc .lt. 0) exit
        call unpack_check(0, status)
        call pvmfinitsend(enc, bufid)
        call pvmfpack(INTEGER4, status, NCHK, 1, info)
        call pack_all(1, status)
        call pvmfsend(parent, 2, info)
     end do
     call pvmfexit(info)
     stop
  end if

  fails = 0
  call pvmfspawn('ctypes', PVMTASKDEFAULT, '*', 1, child, numt)
  if (numt .ne. 1) then
     print '(a,i0,a,i0)', 'FAIL - spawn ctypes: ', numt, ' ', child(1)
     call pvmfexit(info)
     call exit(1)
  end if
  print '(a)', 'ok - spawn ctypes'
  encs = (/ PVMDEFAULT, PVMRAW, PVMINPLACE /)
  do e = 1, 3
     status = 0
     call pvmfinitsend(encs(e), bufid)
     call pvmfpack(INTEGER4, encs(e), 1, 1, info)
     call pack_all(0, status)
     call pvmfsend(child(1), 1, info)
     call pvmfrecv(child(1), 2, bufid)
     call pvmfunpack(INTEGER4, theirs, NCHK, 1, info)
     if (bufid .lt. 0 .or. info .lt. 0) then
        print '(a,i0)', 'FAIL - reply from ctypes: ', bufid
        fails = fails + 1
        exit
     end if
     ! a pack that failed here shows in the C side's verdict too
     fails = fails + report(theirs, 'Fortran to C', encs(e))
     call unpack_check(1, status)
     fails = fails + report(status, 'C to Fortran', encs(e))
  end do
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, -1, 1, 1, info)
  call pvmfsend(child(1), 1, info)
  call pvmfexit(info)
  if (fails .gt. 0) call exit(1)
end program ftypes

! fmaster.f90 - master/worker in Fortran: spawns N fworker tasks
! (argument 1, default 4), hands each a slice of 0..999, and adds up
! the sums of squares (0.5 i)**2 they send back; checks the total
! against its own serial sum.
!
!     pvmrun fmaster 8
program fmaster
  implicit none
  include 'fpvm3.h'
  integer, parameter :: nitems = 1000, maxw = 64
  integer, parameter :: tag_work = 1, tag_result = 2
  integer mytid, nworkers, numt, tids(maxw), bufid, info, i, lo, hi, who
  real*8 part, total, serial
  character*16 arg

  nworkers = 4
  if (command_argument_count() .ge. 1) then
     call get_command_argument(1, arg)
     read (arg, *, iostat=info) nworkers
     if (info .ne. 0) nworkers = 0
  end if
  if (nworkers .lt. 1 .or. nworkers .gt. maxw) then
     print '(a,i0)', 'fmaster: the number of workers must be 1 to ', maxw
     stop 2
  end if
  call pvmfmytid(mytid)
  if (mytid .lt. 0) then
     call pvmfperror('fmaster', info)
     stop 1
  end if
  call pvmfspawn('fworker', PVMTASKDEFAULT, '*', nworkers, tids, numt)
  if (numt .ne. nworkers) then
     print '(a,i0,a,i0)', 'fmaster: spawned ', max(numt, 0), ' of ', nworkers
     call pvmfexit(info)
     stop 1
  end if
  ! worker k gets [lo, hi): the slices differ by at most one item
  do i = 1, nworkers
     lo = (i - 1) * nitems / nworkers
     hi = i * nitems / nworkers
     call pvmfinitsend(PVMDEFAULT, bufid)
     call pvmfpack(INTEGER4, lo, 1, 1, info)
     call pvmfpack(INTEGER4, hi, 1, 1, info)
     call pvmfsend(tids(i), tag_work, info)
  end do
  total = 0
  do i = 1, nworkers
     call pvmfrecv(-1, tag_result, bufid)
     call pvmfunpack(INTEGER4, who, 1, 1, info)
     call pvmfunpack(REAL8, part, 1, 1, info)
     total = total + part
  end do
  serial = 0
  do i = 0, nitems - 1
     serial = serial + (0.5d0 * i)**2
  end do
  print '(a,f0.1,a,i0,a)', 'fmaster: total sum of squares = ', total, &
       & ' (', nworkers, ' workers)'
  call pvmfexit(info)
  if (abs(total - serial) .gt. 0) then
     print '(a,f0.1)', 'fmaster: MISMATCH, the serial sum is ', serial
     stop 1
  end if
  print '(a)', 'fmaster: results match'
end program fmaster

! fworker.f90 - the worker of fmaster.f90: receives a slice [lo, hi),
! sends back its index and the sum of (0.5 i)**2 over it.
program fworker
  implicit none
  include 'fpvm3.h'
  integer mytid, parent, bufid, info, lo, hi, i
  real*8 part

  call pvmfmytid(mytid)
  call pvmfparent(parent)
  if (parent .lt. 0) then
     print '(a)', 'fworker: run fmaster, which spawns me'
     call pvmfexit(info)
     stop 1
  end if
  call pvmfrecv(parent, 1, bufid)
  call pvmfunpack(INTEGER4, lo, 1, 1, info)
  call pvmfunpack(INTEGER4, hi, 1, 1, info)
  part = 0
  do i = lo, hi - 1
     part = part + (0.5d0 * i)**2
  end do
  print '(a,i0,a)', 'fworker: summed ', hi - lo, ' squares'
  call pvmfinitsend(PVMDEFAULT, bufid)
  call pvmfpack(INTEGER4, mytid, 1, 1, info)
  call pvmfpack(REAL8, part, 1, 1, info)
  call pvmfsend(parent, 2, info)
  call pvmfexit(info)
end program fworker

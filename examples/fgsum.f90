! fgsum.f90 - a group reduction in Fortran: N instances
!
!     pvmrun -np 4 fgsum
!
! join the group "fgsum", freeze it at N members, and reduce vectors onto
! instance 0, k being an instance's number plus one: PvmSum of (k, k*k),
! PvmMax of (k, -k), PvmProduct of k, PvmMin of (k, -k) in REAL8, and
! (k, 2k) with a reduce function written in Fortran (addup, below).
! Instance 0 prints and checks the results; then all meet at a barrier.
program fgsum
  implicit none
  include 'fpvm3.h'
  character*(*), parameter :: group = 'fgsum'
  integer mytid, n, t, inst, info, k, sums(2), maxs(2), prod, own(2), i
  real*8 mins(2)
  external pvmsum, pvmmax, pvmproduct, pvmmin, addup

  call pvmfmytid(mytid)
  call pvmfsiblings(n, 0, t)
  if (mytid .lt. 0 .or. n .lt. 1) then
     call pvmfperror('fgsum', info)
     stop 1
  end if
  call pvmfjoingroup(group, inst)
  if (inst .lt. 0) call fail('pvmfjoingroup', inst)
  call pvmffreezegroup(group, n, info)
  if (info .lt. 0) call fail('pvmffreezegroup', info)
  call pvmfgetinst(group, mytid, inst)
  k = inst + 1
  sums = (/ k, k * k /)
  maxs = (/ k, -k /)
  call pvmfreduce(pvmsum, sums, 2, INTEGER4, 31, group, 0, info)
  if (info .lt. 0) call fail('pvmfreduce PvmSum', info)
  call pvmfreduce(pvmmax, maxs, 2, INTEGER4, 32, group, 0, info)
  if (info .lt. 0) call fail('pvmfreduce PvmMax', info)
  prod = k
  call pvmfreduce(pvmproduct, prod, 1, INTEGER4, 33, group, 0, info)
  if (info .lt. 0) call fail('pvmfreduce PvmProduct', info)
  mins = (/ dble(k), -dble(k) /)
  call pvmfreduce(pvmmin, mins, 2, REAL8, 34, group, 0, info)
  if (info .lt. 0) call fail('pvmfreduce PvmMin', info)
  own = (/ k, 2 * k /)
  call pvmfreduce(addup, own, 2, INTEGER4, 35, group, 0, info)
  if (info .lt. 0) call fail('pvmfreduce addup', info)
  if (inst .eq. 0) then
     print '(a,i0,a,i0,a,i0)', 'fgsum: ', n, ' members: sum ', sums(1), &
          & ', sum of squares ', sums(2)
     print '(a,i0,a,i0)', 'fgsum: max ', maxs(1), ', max of negatives ', maxs(2)
     print '(a,i0,a,f0.1,a,f0.1)', 'fgsum: product ', prod, ', min ', mins(1), &
          & ', min of negatives ', mins(2)
     print '(a,i0,1x,i0)', 'fgsum: addup (a Fortran reduce function): ', own
     if (sums(1) .ne. n * (n + 1) / 2 .or. &
          & sums(2) .ne. n * (n + 1) * (2 * n + 1) / 6 .or. &
          & maxs(1) .ne. n .or. maxs(2) .ne. -1 .or. &
          & prod .ne. product((/ (i, i = 1, n) /)) .or. &
          & nint(mins(1)) .ne. 1 .or. nint(mins(2)) .ne. -n .or. &
          & own(1) .ne. sums(1) .or. own(2) .ne. 2 * sums(1)) then
        print '(a)', 'fgsum: WRONG'
        call pvmfexit(info)
        stop 1
     end if
     print '(a)', 'fgsum: OK'
  end if
  call pvmfbarrier(group, n, info)
  if (info .lt. 0) call fail('pvmfbarrier', info)
  call pvmflvgroup(group, info)
  call pvmfexit(info)
contains
  subroutine fail(what, code)
    character*(*) what
    integer code, i
    print '(3a,i0)', 'fgsum: ', what, ' failed: ', code
    call pvmfexit(i)
    stop 1
  end subroutine fail
end program fgsum

! A reduce function: called as pvm_reduce calls a C one, every argument
! by reference; x becomes x op y, element by element.
subroutine addup(datatype, x, y, num, info)
  implicit none
  include 'fpvm3.h'
  integer datatype, num, info, i
  integer x(num), y(num)
  if (datatype .ne. INTEGER4) then
     info = PvmBadParam
     return
  end if
  do i = 1, num
     x(i) = x(i) + y(i)
  end do
  info = PvmOk
end subroutine addup

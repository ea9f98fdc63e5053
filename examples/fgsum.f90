! fgsum.f90 - a group reduction in Fortran: N instances
!
!     pvmrun -np 4 fgsum
!
! join the group "fgsum", freeze it at N members, and reduce two vectors
! onto instance 0: PvmSum of (k, k*k) and PvmMax of (k, -k), k being an
! instance's number plus one.  Instance 0 prints and checks the results
! (N(N+1)/2, N(N+1)(2N+1)/6; N, -1); then all meet at a barrier.
program fgsum
  implicit none
  include 'fpvm3.h'
  character*(*), parameter :: group = 'fgsum'
  integer mytid, n, t, inst, info, k, sums(2), maxs(2)
  external pvmsum, pvmmax

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
  if (inst .eq. 0) then
     print '(a,i0,a,i0,a,i0)', 'fgsum: ', n, ' members: sum ', sums(1), &
          & ', sum of squares ', sums(2)
     print '(a,i0,a,i0)', 'fgsum: max ', maxs(1), ', max of negatives ', maxs(2)
     if (sums(1) .ne. n * (n + 1) / 2 .or. &
          & sums(2) .ne. n * (n + 1) * (2 * n + 1) / 6 .or. &
          & maxs(1) .ne. n .or. maxs(2) .ne. -1) then
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

# cmake --install: programs, libraries (with their sonames), headers,
# pkg-config files, the CMake package pvmx (pvmx::pvm3, pvmx::gpvm3,
# pvmx::fpvm3), the compiler wrappers and the man pages.  Everything
# installed finds the rest relative to where it sits, so a prefix can be
# moved (docs/install.md).
include(CMakePackageConfigHelpers)

install(TARGETS pvmd pvm pvmrun pvmtrace RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# the remote shell pvmrun starts daemons with inside Slurm (docs/batch.md)
install(PROGRAMS scripts/srun-rsh DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS pvm3 gpvm3 fpvm3 fpvm3_static EXPORT pvmxTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/pvm3.h include/pvmtev.h include/pvmx.h include/fpvm3.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# relative paths the installed files use to find each other
file(RELATIVE_PATH PVMX_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
  ${CMAKE_INSTALL_PREFIX})
file(RELATIVE_PATH PVMX_BIN_TO_PREFIX ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" PVMX_PC_TO_PREFIX "${PVMX_PC_TO_PREFIX}")
string(REGEX REPLACE "/$" "" PVMX_BIN_TO_PREFIX "${PVMX_BIN_TO_PREFIX}")
set(PVMX_PKG_OUT ${CMAKE_BINARY_DIR}/pkg)

foreach(pc pvm3 fpvm3)
  configure_file(cmake/${pc}.pc.in ${PVMX_PKG_OUT}/${pc}.pc @ONLY)
  install(FILES ${PVMX_PKG_OUT}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

set(PVMX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/pvmx)
install(EXPORT pvmxTargets NAMESPACE pvmx:: DESTINATION ${PVMX_CMAKE_DIR})
configure_file(cmake/pvmxConfig.cmake.in ${PVMX_PKG_OUT}/pvmxConfig.cmake @ONLY)
write_basic_package_version_file(${PVMX_PKG_OUT}/pvmxConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PVMX_PKG_OUT}/pvmxConfig.cmake ${PVMX_PKG_OUT}/pvmxConfigVersion.cmake
  DESTINATION ${PVMX_CMAKE_DIR})

# pvmcc and pvmfort (pvmf77, pvmf90: links to it); the compilers they run
# by default are the ones this build found (PVMCC / PVMFC override them)
get_filename_component(PVMX_WRAP_CC ${CMAKE_C_COMPILER} NAME)
if(PVMX_HAVE_FORTRAN)
  get_filename_component(PVMX_WRAP_FC ${CMAKE_Fortran_COMPILER} NAME)
  # CMake may have found gfortran as f95: name it as users know it
  if(CMAKE_Fortran_COMPILER_ID STREQUAL GNU)
    set(PVMX_WRAP_FC gfortran)
  endif()
  string(REPLACE ";" " " PVMX_WRAP_FFLAGS "${PVMX_FORTRAN_FLAGS}")
else()
  set(PVMX_WRAP_FC gfortran)
endif()
file(READ launcher/wrapper-body.sh PVMX_WRAP_BODY)
foreach(w pvmcc pvmfort)
  configure_file(launcher/${w}.in ${PVMX_PKG_OUT}/${w} @ONLY)
endforeach()
install(PROGRAMS ${PVMX_PKG_OUT}/pvmcc ${PVMX_PKG_OUT}/pvmfort
  DESTINATION ${CMAKE_INSTALL_BINDIR})
install(CODE "
  foreach(name pvmf77 pvmf90)
    file(CREATE_LINK pvmfort \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/\${name}\"
      SYMBOLIC)
  endforeach()")

install(FILES man/pvmd.1 man/pvm.1 man/pvmrun.1 man/srun-rsh.1 man/pvmtrace.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

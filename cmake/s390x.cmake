# Cross build for s390x (big-endian, 64-bit) Linux, to run under
# qemu-s390x-static next to a native VM (docs/heterogeneous.md).
#   scripts/s390x-sysroot.sh build-s390x/sysroot
#   cmake -S . -B build-s390x -DCMAKE_TOOLCHAIN_FILE=cmake/s390x.cmake
# Compilers and libc: Debian's gcc-s390x-linux-gnu, libc6-dev-s390x-cross
# (/usr/s390x-linux-gnu).  libevent, protobuf-c and OpenSSL: the s390x
# packages unpacked into PVMX_S390X_SYSROOT (default: sysroot in the
# build directory).  protoc-c stays the native one.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE s390x-linux-gnu)

if(NOT PVMX_S390X_SYSROOT)
  if(DEFINED ENV{PVMX_S390X_SYSROOT})
    set(PVMX_S390X_SYSROOT $ENV{PVMX_S390X_SYSROOT})
  else()
    set(PVMX_S390X_SYSROOT ${CMAKE_BINARY_DIR}/sysroot)
  endif()
endif()
# try_compile projects see the toolchain file again: pass the value on
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PVMX_S390X_SYSROOT)
set(ENV{PVMX_S390X_SYSROOT} ${PVMX_S390X_SYSROOT})

set(CMAKE_FIND_ROOT_PATH /usr/s390x-linux-gnu ${PVMX_S390X_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(ENV{PKG_CONFIG_LIBDIR} ${PVMX_S390X_SYSROOT}/usr/lib/s390x-linux-gnu/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${PVMX_S390X_SYSROOT})
set(ENV{PKG_CONFIG_PATH} "")
# OpenSSL's configuration.h lives in the multiarch include directory
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES
  ${PVMX_S390X_SYSROOT}/usr/include/s390x-linux-gnu ${PVMX_S390X_SYSROOT}/usr/include)
# the linker resolves the libraries' own dependencies (libcrypto of libssl...)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${PVMX_S390X_SYSROOT}/usr/lib/s390x-linux-gnu")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${PVMX_S390X_SYSROOT}/usr/lib/s390x-linux-gnu")

#!/usr/bin/env bash
# Installs the Debian 12 packages pvmx needs to build, test and compare
# itself against PVM 3.4.6.  Does nothing when they are all present.
set -euo pipefail

packages=(
	build-essential cmake pkg-config
	clang                  # make check compiles with clang too (README, "Builds")
	gfortran               # the Fortran examples and tests (docs/fortran.md); the build works without
	libclang-rt-14-dev     # clang's libFuzzer and sanitizer runtimes (make fuzz, docs/fuzzing.md)
	libevent-dev libprotobuf-c-dev protobuf-c-compiler
	libfabric-dev libhwloc-dev libssl-dev
	pvm pvm-dev            # the reference PVM 3.4.6, for compatibility tests
	openmpi-bin libopenmpi-dev  # Open MPI, for the side-by-side benchmarks in bench/
	netpipe-tcp netpipe-pvm netpipe-openmpi  # NetPIPE's NPtcp, NPpvm, NPopenmpi (bench/run-direct.sh)
	iproute2 procps
	openssl                # its s_client: test_hosts's client with a wrong TLS key
	# a real Slurm (controller, node daemon, srun/salloc/sinfo/scontrol) and
	# munge, its authentication, for tests/integration/test_slurm.sh (docs/batch.md)
	slurmctld slurmd slurm-client munge
	tmux                   # test_top.sh runs the console's top in a terminal (docs/top.md)
	chromium               # test_trace.sh opens the --trace-html page in a headless browser
	# s390x (big-endian) cross compiler, libc and emulator for
	# tests/integration/test_hetero.sh; its libraries come from
	# scripts/s390x-sysroot.sh, which needs the s390x package index
	gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user-static
)

# the s390x package index (apt-get download of libevent, protobuf-c and
# OpenSSL for s390x); nothing s390x is installed from it
need_update=0
if ! dpkg --print-foreign-architectures | grep -qx s390x ||
	! apt-cache show libssl3:s390x >/dev/null 2>&1; then
	need_update=1
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && [ $need_update -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx s390x; then
	echo "install-deps: adding the s390x architecture to dpkg"
	$sudo dpkg --add-architecture s390x
fi
$sudo apt-get update -qq
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

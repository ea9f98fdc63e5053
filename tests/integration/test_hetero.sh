#!/usr/bin/env bash
# test_hetero.sh - a virtual machine of two byte orders: the native master
# (x86-64, little-endian) and an s390x host (big-endian, 64-bit) whose
# pvmd and tasks run under qemu-s390x-static, the "host" named 127.0.0.2
# and started through scripts/lo-rsh.  Every pk type both ways under
# PvmDataDefault and PvmDataRaw (the receiver converts), pvm_config from
# the s390x side, notifies (docs/heterogeneous.md).
# Skips (77) without the s390x build (PVMX_S390X_BUILD, default
# $PVMX_BUILD/../build-s390x) or qemu-s390x-static.
S390X=${PVMX_S390X_BUILD:-${PVMX_BUILD:?}/../build-s390x}
SYSROOT=${PVMX_S390X_SYSROOT:-$S390X/sysroot}
QEMU=$(command -v qemu-s390x-static || true)
CROSS_LIBC=/usr/s390x-linux-gnu
[ -n "$QEMU" ] || { echo "SKIP: qemu-s390x-static not installed"; exit 77; }
[ -x "$S390X/bin/pvmd" ] && [ -x "$S390X/tests/progs/hetero_t" ] ||
	{ echo "SKIP: no s390x build in $S390X (set PVMX_S390X_BUILD; docs/heterogeneous.md)"; exit 77; }
[ -d "$SYSROOT/usr/lib/s390x-linux-gnu" ] && [ -e "$CROSS_LIBC/lib/ld64.so.1" ] ||
	{ echo "SKIP: no s390x libraries ($SYSROOT, $CROSS_LIBC)"; exit 77; }
S390X=$(cd "$S390X" && pwd)
SYSROOT=$(cd "$SYSROOT" && pwd)
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
# (qemu is slow: the default host timeout, 30 s, gives the emulated
# daemon time before it counts as dead)
unset PVMX_HOST_TIMEOUT_MS

# No binfmt_misc here (or not assumed): the emulated pvmd starts tasks by
# exec, so dx= and every ep= entry are scripts that exec qemu.
wrap() { # wrap SCRIPT S390X_BINARY
	printf '#!/bin/sh\nLD_LIBRARY_PATH=%s:%s\nexport LD_LIBRARY_PATH\nexec %s -L %s %s "$@"\n' \
		"$SYSROOT/usr/lib/s390x-linux-gnu" "$S390X/lib" "$QEMU" "$CROSS_LIBC" "$2" >"$1"
	chmod 755 "$1"
}
mkdir -p "$TEST_TMP/s390x-ep"
wrap "$TEST_TMP/s390x-pvmd" "$S390X/bin/pvmd"
wrap "$TEST_TMP/s390x-ep/hetero_t" "$S390X/tests/progs/hetero_t"

# (readelf: binutils, which build-essential brings; `file` is not installed)
out=$(readelf -h "$S390X/bin/pvmd" 2>&1 | grep -E '^ *(Data|Machine):' | tr -s ' \n' ' ')
expect_match "the s390x pvmd is a big-endian s390 binary" "big endian.*Machine: IBM S/390" "$out"

printf '127.0.0.2 dx=%s ep=%s\n' "$TEST_TMP/s390x-pvmd" "$TEST_TMP/s390x-ep" >"$TEST_TMP/hosts"
vm_start -d 2 "$TEST_TMP/hosts"
conf=""
for _ in $(seq 1 150); do
	conf=$(echo conf | tmo 10 "$BIN/pvm" 2>&1)
	printf '%s\n' "$conf" | grep -q '^2 hosts' && break
	sleep 0.2
done
printf '%s\n' "$conf"
expect_match "console conf: two hosts, two data formats" "^2 hosts, 2 data formats" "$conf"
expect_match "the s390x host: LINUXS390X" "127\.0\.0\.2 +[0-9a-f]+ +LINUXS390X " "$conf"
expect_match "the master: LINUX64" " +[0-9a-f]+ +LINUX64 " "$conf"
dsigs=$(printf '%s\n' "$conf" | grep -Eo '0x[0-9a-f]+' | sort -u | wc -l)
expect_eq "two data signatures" 2 "$dsigs"

out=$(tmo 90 "$PROGS/hetero_t" run 127.0.0.2 2>&1)
printf '%s\n' "$out"
n=$(printf '%s\n' "$out" | grep -c '^ok - ')
FAILS=$((FAILS + $(printf '%s\n' "$out" | grep -c '^FAIL')))
expect_eq "hetero_t: all 15 checks passed" 15 "$n"
expect_match "hetero_t finished" "^ok - hetero: 0 failure" "$out"
slog=$TEST_TMP/lo-127.0.0.2/pvmx-$(id -u)/pvmd.$PVM_VMID.log
expect_match "the partner was started by the s390x pvmd, from its ep=" \
	"spawned: $TEST_TMP/s390x-ep/hetero_t" "$(cat "$slog" 2>/dev/null)"
expect_match "the s390x pvmd's own idea of itself" "LINUXS390X, dsig 0x658ef59" "$(cat "$slog" 2>/dev/null)"
# the emulated daemon: the qemu process whose PVM_TMP is that host's
spid=""
for p in $(pgrep -f "qemu-s390x-static .*/bin/pvmd"); do
	tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "PVM_TMP=$TEST_TMP/lo-127.0.0.2" && spid=$p
done
[ -n "$spid" ] && pass "the s390x pvmd runs under qemu (pid $spid)" || fail "no qemu pvmd for 127.0.0.2"
vm_stop
if [ -n "$spid" ]; then
	for _ in $(seq 1 100); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$spid" 2>/dev/null && fail "the s390x pvmd still runs 10 s after the master halted" ||
		pass "the s390x pvmd ends with the master"
fi
finish

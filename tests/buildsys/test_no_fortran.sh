#!/usr/bin/env bash
# Without a Fortran compiler the build still configures: libfpvm3 (C)
# is still a target, the Fortran examples and test programs are skipped
# with a message.  Configures the source tree afresh in a scratch
# directory with a compiler that does not exist, and reads what CMake
# generated.
set -euo pipefail
src=${PVMX_SRC:?PVMX_SRC: the source tree}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if ! cmake -S "$src" -B "$dir" -DCMAKE_Fortran_COMPILER=/nonexistent/gfortran \
	>"$dir/configure.log" 2>&1; then
	echo "FAIL: configure with no Fortran compiler failed:"
	cat "$dir/configure.log"
	exit 1
fi
echo "ok: configures with -DCMAKE_Fortran_COMPILER=/nonexistent/gfortran"
if ! grep -q "Fortran examples and tests are skipped" "$dir/configure.log"; then
	echo "FAIL: configure does not say that the Fortran parts are skipped:"
	cat "$dir/configure.log"
	exit 1
fi
echo "ok: configure says the Fortran parts are skipped"
targets=$(cmake --build "$dir" --target help)
for t in fpvm3 fpvm3_static pvm3; do
	if ! printf '%s\n' "$targets" | grep -qx "\.\.\. $t"; then
		echo "FAIL: no target $t without a Fortran compiler"
		exit 1
	fi
done
echo "ok: libfpvm3 (shared and static) is still built"
for t in fhello fmaster fring fgsum ftest_fcalls; do
	if printf '%s\n' "$targets" | grep -qx "\.\.\. $t"; then
		echo "FAIL: Fortran target $t without a Fortran compiler"
		exit 1
	fi
done
echo "ok: no Fortran targets"

#!/usr/bin/env bash
# test_fortran_data.sh - data through PVM's Fortran interface:
#  - tests/fortran/ftypes (Fortran) and ctypes (C) exchange every data
#    type of fpvm3.h, with strides 1 and 2, in PVMDEFAULT, PVMRAW and
#    PVMINPLACE, each side checking every value (a Fortran master with a
#    C worker, and a C master with a Fortran worker), with our libfpvm3
#    and with PVM 3.4.6's libfpvm3.a;
#  - tests/fortran/fstrings passes strings of every length (empty,
#    exactly filling the variable, longer than it) in and out of the
#    string-taking routines, and checks that nothing past a variable is
#    written; it must print the same with PVM 3.4.6's libfpvm3.a.
# Without a Fortran compiler the build has no Fortran programs: the test
# then fails, saying so, as integration.test_fortran does.
source "$PVMX_SRC/tests/integration/lib.sh"

FT=$PVMX_BUILD/tests/fortran
for p in ftypes ftypes_ref ctypes; do
	if [ ! -x "$FT/$p" ]; then
		echo "FAIL: $FT/$p not built: the build found no Fortran compiler (install gfortran:"
		echo "      scripts/install-deps.sh, then re-run cmake)"
		exit 1
	fi
done
export PATH=$FT:$PATH

vm_start

# run NAME ARGS...: its lines, each ok/FAIL one counted as a check
run() {
	local label=$1 out rc
	shift
	out=$(tmo 90 "$@" 2>"$TEST_TMP/err")
	rc=$?
	printf '%s\n' "$out" | sed "s/^/    [$label] /"
	expect_eq "$label: exits 0" 0 "$rc"
	[ "$rc" -eq 0 ] || sed 's/^/    [stderr] /' "$TEST_TMP/err"
	expect_eq "$label: no check failed" 0 "$(printf '%s\n' "$out" | grep -c '^FAIL')"
	# 3 encodings x 9 types x 2 strides, each way, and the spawn
	expect_eq "$label: every check ran" 109 "$(printf '%s\n' "$out" | grep -c '^ok - ')"
}
run "Fortran master, C worker" "$FT/ftypes"
run "Fortran master (PVM 3.4.6's libfpvm3.a), C worker" "$FT/ftypes_ref"
run "C master, Fortran worker" "$FT/ctypes" ftypes
run "C master, Fortran worker (PVM 3.4.6's libfpvm3.a)" "$FT/ctypes" ftypes_ref

vm_stop
finish

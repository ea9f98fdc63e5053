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
for p in ftypes ftypes_ref ctypes fstrings fstrings_ref; do
	if [ ! -x "$FT/$p" ]; then
		echo "FAIL: $FT/$p not built: the build found no Fortran compiler (install gfortran:"
		echo "      scripts/install-deps.sh, then re-run cmake)"
		exit 1
	fi
done
export PATH=$FT:$PATH

vm_start

# run LABEL CHECKS PROGRAM ARGS...: its lines, each ok/FAIL one a check,
# CHECKS of them; what it printed in $out
run() {
	local label=$1 checks=$2 rc
	shift 2
	out=$(tmo 90 "$@" 2>"$TEST_TMP/err")
	rc=$?
	printf '%s\n' "$out" | sed "s/^/    [$label] /"
	expect_eq "$label: exits 0" 0 "$rc"
	[ "$rc" -eq 0 ] || sed 's/^/    [stderr] /' "$TEST_TMP/err"
	expect_eq "$label: no check failed" 0 "$(printf '%s\n' "$out" | grep -c '^FAIL')"
	expect_eq "$label: every check ran" "$checks" "$(printf '%s\n' "$out" | grep -c '^ok - ')"
}
# 3 encodings x 9 types x 2 strides, each way, and the spawn
run "Fortran master, C worker" 109 "$FT/ftypes"
run "Fortran master (PVM 3.4.6's libfpvm3.a), C worker" 109 "$FT/ftypes_ref"
run "C master, Fortran worker" 109 "$FT/ctypes" ftypes
run "C master, Fortran worker (PVM 3.4.6's libfpvm3.a)" 109 "$FT/ctypes" ftypes_ref

run "fstrings" 50 "$FT/fstrings"
ours=$out
# pvmfperror: the message without its trailing blanks, empty or not
for msg in '' 'fstrings perror exact' 'fstrings perror padded'; do
	expect_match "fstrings: pvmfperror prints [$msg]" \
		"^libpvm \[t[0-9a-f]+\]: $msg: Bad parameter\$" "$(cat "$TEST_TMP/err")"
done
run "fstrings (PVM 3.4.6's libfpvm3.a)" 50 "$FT/fstrings_ref"
if [ "$ours" == "$out" ]; then
	pass "fstrings: our libfpvm3 and PVM 3.4.6's print the same"
else
	fail "fstrings: our libfpvm3 and PVM 3.4.6's differ (< ours, > theirs):"
	diff <(printf '%s\n' "$ours") <(printf '%s\n' "$out") | sed 's/^/    /'
fi

vm_stop
finish

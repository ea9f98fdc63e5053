#!/usr/bin/env bash
# test_fortran.sh - PVM's Fortran interface (libfpvm3, include/fpvm3.h):
#  - every constant of PVM 3.4.6's fpvm3.h (Debian's pvm-dev), by name
#    and value, is in ours, and ours has no other;
#  - libfpvm3.so.3 defines exactly the symbols PVM's libfpvm3.a does;
#  - tests/fortran/fcalls, which calls every area of the interface,
#    prints the expected results, and the same as when linked against
#    PVM's libfpvm3.a (over our libpvm3);
#  - the Fortran examples run under pvmrun and print the right results.
# Without a Fortran compiler the build has no Fortran programs: the last
# two parts then fail, saying so (scripts/install-deps.sh installs one).
source "$PVMX_SRC/tests/integration/lib.sh"

REF_H=/usr/include/fpvm3.h
REF_A=/usr/lib/x86_64-linux-gnu/libfpvm3.a
for f in "$REF_H" "$REF_A"; do
	if [ ! -e "$f" ]; then
		echo "FAIL: $f missing: it comes with Debian's pvm-dev (scripts/install-deps.sh)"
		exit 1
	fi
done

# NAME=VALUE of each parameter of a Fortran header, sorted; names in
# upper case (Fortran does not tell case apart)
constants() {
	grep -iE '^[[:space:]]+parameter[[:space:]]*\(' "$1" |
		sed -E 's/^[[:space:]]+[pP][aA][rR][aA][mM][eE][tT][eE][rR][[:space:]]*\([[:space:]]*([A-Za-z0-9_]+)[[:space:]]*=[[:space:]]*(-?[0-9]+)[[:space:]]*\).*/\1=\2/' |
		tr '[:lower:]' '[:upper:]' | sort
}
ref_consts=$(constants "$REF_H")
our_consts=$(constants "$PVMX_SRC/include/fpvm3.h")
expect_eq "fpvm3.h: PVM 3.4.6 has 109 constants" 109 "$(printf '%s\n' "$ref_consts" | grep -c =)"
if [ "$ref_consts" == "$our_consts" ]; then
	pass "fpvm3.h: every constant of PVM 3.4.6's, same value, no other"
else
	fail "fpvm3.h differs from PVM 3.4.6's (< theirs, > ours):"
	diff <(printf '%s\n' "$ref_consts") <(printf '%s\n' "$our_consts") | sed 's/^/    /'
fi
# every name is declared integer (else it would be real by default)
undeclared=""
for kv in $our_consts; do
	name=${kv%%=*}
	grep -iqE "^[[:space:]]+integer[[:space:]].*\b$name\b" "$PVMX_SRC/include/fpvm3.h" ||
		undeclared="$undeclared $name"
done
expect_eq "fpvm3.h: every constant declared integer" "" "$undeclared"

ref_syms=$(nm "$REF_A" | awk '$2 == "T" { print $3 }' | sort -u)
our_syms=$(nm -D --defined-only "$PVMX_BUILD/lib/libfpvm3.so.3" | awk '$2 == "T" { print $3 }' | sort -u)
expect_eq "libfpvm3: PVM 3.4.6 defines 69 symbols" 69 "$(printf '%s\n' "$ref_syms" | grep -c .)"
if [ "$ref_syms" == "$our_syms" ]; then
	pass "libfpvm3.so.3 defines the symbols of PVM 3.4.6's libfpvm3.a, no other"
else
	fail "libfpvm3 symbols differ (< PVM 3.4.6, > ours):"
	diff <(printf '%s\n' "$ref_syms") <(printf '%s\n' "$our_syms") | sed 's/^/    /'
fi
expect_eq "libfpvm3.so.3: soname" "libfpvm3.so.3" \
	"$(readelf -d "$PVMX_BUILD/lib/libfpvm3.so.3" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
[ -f "$PVMX_BUILD/lib/static/libfpvm3.a" ] && pass "libfpvm3.a built" || fail "libfpvm3.a not built"

FT=$PVMX_BUILD/tests/fortran
for p in "$FT/fcalls" "$FT/fcalls_ref" "$EXAMPLES/fhello" "$EXAMPLES/fmaster" \
	"$EXAMPLES/fring" "$EXAMPLES/fgsum"; do
	if [ ! -x "$p" ]; then
		echo "FAIL: $p not built: the build found no Fortran compiler (install gfortran:"
		echo "      scripts/install-deps.sh, then re-run cmake)"
		finish_failed=1
	fi
done
[ -z "${finish_failed:-}" ] || exit 1
export PATH=$FT:$PATH

vm_start
# the speed pvm_config gives in C (1000 per core: docs/topology.md)
speed=$(tmo 10 "$PROGS/topo_t" topo "$(hostname)" | awk '{ print $5 }')

ours=$(tmo 60 "$FT/fcalls" 2>"$TEST_TMP/fcalls.err")
rc=$?
expect_eq "fcalls (our libfpvm3) exits 0" 0 "$rc"
printf '%s\n' "$ours" | sed 's/^/    [ours] /'
[ "$rc" -eq 0 ] || sed 's/^/    [stderr] /' "$TEST_TMP/fcalls.err"
theirs=$(tmo 60 "$FT/fcalls_ref" 2>"$TEST_TMP/fcalls_ref.err")
rc=$?
expect_eq "fcalls_ref (PVM 3.4.6's libfpvm3.a) exits 0" 0 "$rc"
if [ "$ours" == "$theirs" ]; then
	pass "our libfpvm3 and PVM 3.4.6's print the same"
else
	fail "our libfpvm3 and PVM 3.4.6's differ (< ours, > theirs):"
	diff <(printf '%s\n' "$ours") <(printf '%s\n' "$theirs") | sed 's/^/    /'
fi
# what the output must say, whoever's library printed it
for want in 'parent: -23' 'pack of an unknown type: -2' 'int4, stride 2: 1 3 5' \
	'int2: 7 -8 9 -10' 'int8: 123456789012 -5' 'real4:   1.50  -2.25   3.00' \
	'real8, stride 2:   0.50   2.50' 'complex8:   1.00  -1.00   2.00   0.50' \
	'complex16:   1.00   2.00  -3.00   4.00' 'string: [hello world]' \
	'bytes: [hello      ]' 'unpack past the end: -5' 'nrecv, nothing there: 0' \
	'trecv, 0.1 s, nothing there: 0' 'precv:  1.25  2.50  5.00 tag 6 len 24' \
	'route option set: 1' "config: 1 host(s), info 1, speed ${speed:-?}" \
	'host name blank-padded: T' 'mstat of our host: 0' 'mstat of another: -6' \
	'host name cut to 4: T' 'task name cut to 4: T' 'tasks: 1, info 1, me T' \
	'spawn: 1' 'child doubled: 2 4 6 8 10 12' 'exit notify names the child: T' \
	'recvinfo: 4711' 'recvinfo after delinfo: -32' 'getinst: 0, gettid is me T' \
	'reduce sum: 3 -4 5, info 0' 'gather: 2, info 0' 'scatter: 4, info 0' \
	'gsize of a too long name: -2' 'lvgroup: 0' 'exit: 0'; do
	if printf '%s\n' "$ours" | grep -qxF -- "$want"; then pass "fcalls: $want"; else fail "fcalls: no line [$want]"; fi
done

# the two routines PVM 3.4.6 gets wrong, ours only
extra=$(tmo 60 "$FT/fcalls" ours 2>&1)
expect_match "pvmfgetmboxinfo: one class per call, then PvmNotFound" \
	'mboxinfo: \[fcalls.box\] entries 1, owner is me T.*mboxinfo done: -32, classes 1' \
	"$(printf '%s' "$extra" | tr '\n' ' ')"
expect_match "pvmffreecontext frees" 'freecontext: 0' "$extra"

# the examples, as the user guide runs them
out=$(tmo 60 "$BIN/pvmrun" fhello 2>&1)
expect_eq "pvmrun fhello exits 0" 0 "$?"
expect_match "fhello prints fhello_other's greeting" \
	"fhello: from t([0-9A-F]+): hello, world from $(hostname) \(task t\1\)" "$out"
out=$(tmo 60 "$BIN/pvmrun" fmaster 7 2>&1)
expect_eq "pvmrun fmaster 7 exits 0" 0 "$?"
expect_match "fmaster: the total of 7 workers" \
	'total sum of squares = 83208375\.0 \(7 workers\)' "$out"
expect_match "fmaster: agrees with the serial sum" 'results match' "$out"
expect_eq "fmaster: 7 workers reported" 7 "$(printf '%s\n' "$out" | grep -c 'fworker: summed')"
out=$(tmo 60 "$BIN/pvmrun" -np 4 fring 3 2>&1)
expect_eq "pvmrun -np 4 fring 3 exits 0" 0 "$?"
expect_match "fring: token 12 after 3 laps of 4" 'token = 12 after 3 laps of 4 instances: OK' "$out"
out=$(tmo 60 "$BIN/pvmrun" -np 4 fgsum 2>&1)
expect_eq "pvmrun -np 4 fgsum exits 0" 0 "$?"
expect_match "fgsum: PvmSum over 4 members" 'fgsum: 4 members: sum 10, sum of squares 30' "$out"
expect_match "fgsum: PvmMax over 4 members" 'fgsum: max 4, max of negatives -1' "$out"
expect_match "fgsum: PvmProduct and PvmMin (REAL8) over 4 members" \
	'fgsum: product 24, min 1.0, min of negatives -4.0' "$out"
expect_match "fgsum: a reduce function written in Fortran" \
	'fgsum: addup \(a Fortran reduce function\): 10 20' "$out"
expect_match "fgsum: checked" 'fgsum: OK' "$out"

vm_stop
finish

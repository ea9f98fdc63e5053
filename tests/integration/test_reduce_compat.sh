#!/usr/bin/env bash
# test_reduce_compat.sh - PvmMax, PvmMin, PvmSum and PvmProduct, found
# through libgpvm3.so.3, answer as PVM 3.4.6's do (tests/compat/reduce_prog.h):
#   1. ref_reduce (linked against the reference) runs on PVM 3.4.6's
#      libraries, then with ours in their place (each proven with dladdr),
#      and compat_reduce (linked against ours);
#   2. every line is identical, info and result bytes, for every type and
#      case, except the unsigned types (PVM_USHORT, PVM_UINT, PVM_ULONG):
#      PVM 3.4.6 refuses them (PvmBadParam, x untouched), pvmx computes
#      them (docs/groups.md) - checked to be exactly that.
# No daemon is needed.
source "$PVMX_SRC/tests/integration/lib.sh"

COMPAT=$PVMX_BUILD/tests/compat
OURLIB=$PVMX_BUILD/lib
need_compat ref_reduce compat_reduce
OURLIB_REAL=$(realpath "$OURLIB")

run() { # run LABEL VAR cmd...: stdout into VAR, exit 0 and "reduce: done" required
	local label=$1 var=$2 out rc
	shift 2
	out=$("$@" 2>"$TEST_TMP/err")
	rc=$?
	printf -v "$var" '%s' "$out"
	expect_eq "$label exits 0" 0 "$rc"
	[ -s "$TEST_TMP/err" ] && sed "s/^/    [$label stderr] /" "$TEST_TMP/err"
	expect_eq "$label reaches its end" "reduce: done" "$(printf '%s\n' "$out" | tail -1)"
}
library_of() { printf '%s\n' "$1" | sed -n 's/^# [a-z_]*, library: //p' | head -1; }

run "ref_reduce on PVM 3.4.6" ref_out env -u LD_LIBRARY_PATH timeout -k 2 30 "$COMPAT/ref_reduce"
case $(library_of "$ref_out") in
/usr/lib/* | /lib/*) pass "ref_reduce without LD_LIBRARY_PATH found PvmMax in $(library_of "$ref_out")" ;;
*) fail "ref_reduce without LD_LIBRARY_PATH found PvmMax in [$(library_of "$ref_out")]" ;;
esac
run "ref_reduce on ours" our_out env LD_LIBRARY_PATH="$OURLIB" timeout -k 2 30 "$COMPAT/ref_reduce"
case $(library_of "$our_out") in
"$OURLIB_REAL"/* | "$OURLIB"/*) pass "ref_reduce on ours found PvmMax in $(library_of "$our_out")" ;;
*) fail "ref_reduce on ours found PvmMax in [$(library_of "$our_out")]" ;;
esac
run "compat_reduce" compat_out env LD_LIBRARY_PATH="$OURLIB" timeout -k 2 30 "$COMPAT/compat_reduce"

unsigned_re='^Pvm[A-Za-z]+ type (9|10|11) '
ref_cmp=$(printf '%s\n' "$ref_out" | grep -v '^#' | grep -Ev "$unsigned_re")
our_cmp=$(printf '%s\n' "$our_out" | grep -v '^#' | grep -Ev "$unsigned_re")
ncmp=$(printf '%s\n' "$ref_cmp" | grep -c '^Pvm')
if [ "$ncmp" -lt 400 ]; then
	fail "only $ncmp calls to compare from ref_reduce on PVM 3.4.6"
elif [ "$ref_cmp" == "$our_cmp" ]; then
	pass "all $ncmp calls of the 4 functions on 11 other types (and bad ones): info and result bytes identical"
else
	fail "results differ from PVM 3.4.6 (< PVM 3.4.6, > ours):"
	diff <(printf '%s\n' "$ref_cmp") <(printf '%s\n' "$our_cmp") | grep '^[<>]' | head -20 | sed 's/^/    /'
fi

# the known difference: PVM refuses the unsigned types, with x untouched
ref_u=$(printf '%s\n' "$ref_out" | grep -E "$unsigned_re")
our_u=$(printf '%s\n' "$our_out" | grep -E "$unsigned_re")
nu=$(printf '%s\n' "$ref_u" | grep -c .)
expect_eq "PVM 3.4.6 refuses every unsigned call (PvmBadParam)" "$nu" \
	"$(printf '%s\n' "$ref_u" | grep -c ': info -2 x')"
expect_eq "pvmx computes every unsigned call (PvmOk)" "$nu" \
	"$(printf '%s\n' "$our_u" | grep -c ': info 0 x')"
if [ "$(printf '%s\n' "$compat_out" | grep -v '^#')" == "$(printf '%s\n' "$our_out" | grep -v '^#')" ]; then
	pass "compat_reduce (linked against ours) prints what ref_reduce on ours prints"
else
	fail "compat_reduce differs from ref_reduce on ours"
fi
finish

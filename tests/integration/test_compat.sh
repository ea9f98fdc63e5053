#!/usr/bin/env bash
# test_compat.sh - pvmx against PVM 3.4.6 (Debian's pvm/pvm-dev):
#   1. our pvm3.h defines every constant, macro and struct layout of the
#      reference header with the same value (compat_layout vs ours_layout),
#      and no Pvm/PVM names of its own;
#   2. it declares the same functions with the same prototypes;
#   3. our libpvm3.so.3 exports every function and variable the reference
#      header and library offer;
#   4. a program built against the reference header and linked against our
#      library works (compat_hello + compat_worker, on a real daemon);
#   5. a program built and linked against the REFERENCE library runs with
#      ours in its place (ref_hello + ref_worker), and proves which library
#      the loader gave it.
source "$PVMX_SRC/tests/integration/lib.sh"

COMPAT=$PVMX_BUILD/tests/compat
OURLIB=$PVMX_BUILD/lib
REF_HEADER=/usr/include/pvm3.h
REF_LIBDIR=/usr/lib/x86_64-linux-gnu
CC=${CC:-cc}

need_compat compat_layout ours_layout compat_hello compat_worker ref_hello ref_worker
OURLIB_REAL=$(realpath "$OURLIB")

# Every program below must load OUR libpvm3.so.3, and so must the tasks the
# daemon spawns: they inherit the daemon's environment, so export it
# before vm_start.  Spawned workers are found on PATH.
export LD_LIBRARY_PATH=$OURLIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH=$COMPAT:$PATH

# ---------------------------------------------------------------- 1. header
ref_layout=$(tmo 10 "$COMPAT/compat_layout" 2>/dev/null)
ours_layout=$(tmo 10 "$COMPAT/ours_layout" 2>/dev/null)
nlines=$(printf '%s\n' "$ref_layout" | wc -l)
if [ "$nlines" -lt 100 ]; then
	fail "compat_layout printed only $nlines lines"
elif [ "$ref_layout" == "$ours_layout" ]; then
	pass "pvm3.h: $nlines constants, macro results and struct layouts identical"
else
	fail "pvm3.h differs from the reference (< reference, > ours):"
	diff <(printf '%s\n' "$ref_layout") <(printf '%s\n' "$ours_layout") | grep '^[<>]' |
		sed 's/^/    /'
fi

# Pvm/PVM macro names each header defines (function-like ones without
# their parameter list).  The layout list must cover all the reference's,
# and ours must add none: extensions belong in pvmx.h.
macro_names() {
	printf '#include <stdio.h>\n#include <pvm3.h>\n' |
		"$CC" "$@" -dM -E -x c - |
		awk '$2 ~ /^(Pvm|PVM)/ { sub(/\(.*/, "", $2); print $2 }' | sort -u
}
ref_macros=$(macro_names)
our_macros=$(macro_names -I"$PVMX_SRC/include")
uncovered=""
for m in $ref_macros; do
	printf '%s\n' "$ref_layout" | grep -Eq "^$m[ (]" || uncovered="$uncovered $m"
done
expect_eq "layout_items.h covers every Pvm/PVM macro of the reference header" "" "$uncovered"
extra=$(comm -13 <(printf '%s\n' "$ref_macros") <(printf '%s\n' "$our_macros") | tr '\n' ' ')
expect_eq "our pvm3.h defines no Pvm/PVM macro the reference lacks" "" "$extra"

# ------------------------------------------------------------ 2. prototypes
# gcc -aux-info writes every declaration in a normalized form, tagged with
# the file it came from.  NOTMPNAM and PVM33COMPAT make the reference
# declare its conditional functions too.
prototypes() {
	local out=$TEST_TMP/protos.$$.$RANDOM
	printf '#include <stdio.h>\n#include <pvm3.h>\n' >"$TEST_TMP/protos.c"
	"$CC" "$@" -DNOTMPNAM -DPVM33COMPAT -w -fsyntax-only -aux-info "$out" \
		"$TEST_TMP/protos.c" || return 1
	grep -E '^/\* [^ ]*pvm3\.h:' "$out" |
		sed -E 's|^/\*[^*]*\*/ *||; s/[[:space:]]+/ /g' | sort
}
ref_protos=$(prototypes)
our_protos=$(prototypes -I"$PVMX_SRC/include")
nprotos=$(printf '%s\n' "$ref_protos" | grep -c .)
if [ "$nprotos" -lt 100 ]; then
	fail "found only $nprotos prototypes in the reference header"
elif [ "$ref_protos" == "$our_protos" ]; then
	pass "pvm3.h: all $nprotos function prototypes identical"
else
	fail "function prototypes differ (< reference, > ours):"
	diff <(printf '%s\n' "$ref_protos") <(printf '%s\n' "$our_protos") | grep '^[<>]' |
		sed 's/^/    /'
fi

# ---------------------------------------------------------------- 3. exports
# Every function the reference header declares, and the error variables.
# Group functions and PvmMax & co. live in PVM's libgpvm3; ours has them in
# libpvm3 itself (libgpvm3 only forwards).  A name neither reference
# library exports (pvm_getmwid/pvm_setmwid) cannot be used by any program.
declared=$(grep -oE '\b(pvm|Pvm)[A-Za-z0-9_]*[[:space:]]+__ProtoGlarp__' "$REF_HEADER" |
	awk '{ print $1 }' | sort -u)
ref_exports=$(nm -D --defined-only "$REF_LIBDIR/libpvm3.so.3" "$REF_LIBDIR/libgpvm3.so.3" \
	2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u)
our_exports=$(nm -D --defined-only "$OURLIB/libpvm3.so.3" | awk 'NF == 3 { print $2, $3 }')
absent="" skipped="" nchecked=0
for f in $declared; do
	if ! printf '%s\n' "$ref_exports" | grep -qx "$f"; then
		skipped="$skipped $f"
		continue
	fi
	nchecked=$((nchecked + 1))
	printf '%s\n' "$our_exports" | grep -Eq "^[TtWi] $f\$" || absent="$absent $f"
done
[ -n "$skipped" ] && echo "# declared but exported by neither reference library, skipped:$skipped"
expect_eq "libpvm3.so.3 exports all $nchecked functions of the reference header" "" "$absent"
absent=""
for v in pvm_errno pvm_nerr pvm_errlist; do
	printf '%s\n' "$our_exports" | grep -Eq "^[BDGSVd] $v\$" || absent="$absent $v"
done
expect_eq "libpvm3.so.3 exports the variables pvm_errno, pvm_nerr, pvm_errlist" "" "$absent"

# ------------------------------------------------------ 4./5. running them
needed=$(readelf -d "$COMPAT/ref_hello" | awk '/NEEDED/ { print $NF }' | tr -d '[]' | tr '\n' ' ')
echo "# ref_hello DT_NEEDED: $needed"
expect_match "ref_hello needs libpvm3.so.3 (linked against the reference)" \
	'(^| )libpvm3\.so\.3( |$)' "$needed"
resolved=$(ldd "$COMPAT/ref_hello" | awk '$1 == "libpvm3.so.3" { print $3 }')
echo "# ldd ref_hello (LD_LIBRARY_PATH=$OURLIB): libpvm3.so.3 => $resolved"
case $(realpath "$resolved" 2>/dev/null) in
"$OURLIB_REAL"/*) pass "the loader resolves ref_hello's libpvm3.so.3 to ours" ;;
*) fail "the loader resolves ref_hello's libpvm3.so.3 to [$resolved], not ours" ;;
esac

vm_start

# check_library WHAT LABEL OUTPUT: the "LABEL: path" line names a file in
# our build's lib directory, not the reference in /usr/lib
check_library() {
	local path
	path=$(printf '%s\n' "$3" | sed -n "s/^$2: //p" | head -1)
	case $path in
	"$OURLIB_REAL"/*) pass "$1 loaded ours: $path" ;;
	*) fail "$1 loaded [$path], not a library under $OURLIB_REAL" ;;
	esac
}

for master in compat_hello ref_hello; do
	out=$(tmo 60 "$COMPAT/$master" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/    [$master] /"
	expect_eq "$master exits 0" 0 "$rc"
	if printf '%s\n' "$out" | grep -q "^$master: all checks passed"; then
		pass "$master: all its checks passed"
	else
		fail "$master: $(printf '%s\n' "$out" | grep -c '^FAIL') of its checks failed (above)"
	fi
	check_library "$master" library "$out"
	check_library "${master%_hello}_worker (spawned by $master)" "worker library" "$out"
done

vm_stop
finish

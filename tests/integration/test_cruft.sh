#!/usr/bin/env bash
# test_cruft.sh - the utility functions PVM 3.4.6's libpvm3.so.3 exports
# outside pvm3.h (pvmxtoi, pvmmatchstring, pvmlogprintf, i_malloc, ...;
# docs/compat.md) behave as PVM 3.4.6's:
#   1. ref_cruft (tests/compat/cruft_prog.h, linked against the reference
#      library) runs on the REAL library, then with ours in its place
#      (each proven with dladdr), and compat_cruft (linked against ours);
#   2. their outputs are identical, line for line, except the known
#      differences listed below, each checked to be exactly that;
#   3. as a task of a pvmx daemon, the logging functions name the task,
#      pvmdsockfile is the daemon's socket, and a task that ends through
#      pvmbailout and exit(1) is gone from the daemon's task table.
source "$PVMX_SRC/tests/integration/lib.sh"

COMPAT=$PVMX_BUILD/tests/compat
OURLIB=$PVMX_BUILD/lib
REF_LIB=/usr/lib/x86_64-linux-gnu/libpvm3.so.3

san_unsupported "it checks that PVM 3.4.6's own library dies of SIGSEGV on NULL" \
	"arguments, which ASan turns into a report and SIGABRT"
need_compat ref_cruft compat_cruft
OURLIB_REAL=$(realpath "$OURLIB")
REF_REAL=$(realpath "$REF_LIB")

# what the program compares against
export PVM_ROOT=$TEST_TMP/root
mkdir -p "$PVM_ROOT"
unset PVM_ALLOW_ROOT PVMX_SOCK PVMX_PVMD

# check_library LABEL OUTPUT DIR: its "# NAME, library: PATH" line names
# a file under DIR
check_library() {
	local path
	path=$(printf '%s\n' "$2" | sed -n 's/^# [a-z_]*, library: //p' | head -1)
	case $path in
	"$3"*) pass "$1 loaded $path" ;;
	*) fail "$1 loaded [$path], not a library under $3" ;;
	esac
}

# run LABEL VAR cmd...: its stdout into VAR; exit status 0 and a last
# line "cruft: done" required
run() {
	local label=$1 var=$2 out rc
	shift 2
	out=$("$@" 2>"$TEST_TMP/$label.err")
	rc=$?
	printf -v "$var" '%s' "$out"
	expect_eq "$label exits 0" 0 "$rc"
	[ -s "$TEST_TMP/$label.err" ] && sed "s/^/    [$label stderr] /" "$TEST_TMP/$label.err"
	expect_eq "$label reaches its end" "cruft: done" "$(printf '%s\n' "$out" | tail -1)"
}

# ------------------------------------------------------------- 1. run
run "ref_cruft on PVM 3.4.6" ref_out env -u LD_LIBRARY_PATH timeout -k 2 60 "$COMPAT/ref_cruft"
check_library "ref_cruft without LD_LIBRARY_PATH" "$ref_out" "$REF_REAL"
run "ref_cruft on ours" our_out env LD_LIBRARY_PATH="$OURLIB" timeout -k 2 60 "$COMPAT/ref_cruft"
check_library "ref_cruft with LD_LIBRARY_PATH=$OURLIB" "$our_out" "$OURLIB_REAL"
run "compat_cruft" compat_out env LD_LIBRARY_PATH="$OURLIB" timeout -k 2 60 "$COMPAT/compat_cruft"
check_library "compat_cruft" "$compat_out" "$OURLIB_REAL"
printf '%s\n' "$ref_out" | grep '^# ' | sed 's/^/    [PVM 3.4.6] /'
printf '%s\n' "$our_out" | grep '^# ' | sed 's/^/    [pvmx] /'

# -------------------------------------------------- 2. known differences
# known KEY PVM PVMX WHY: the line "KEY: ..." answers PVM (an extended
# regular expression) on PVM 3.4.6 and PVMX on ours
KNOWN_KEYS=() KNOWN_REF=() KNOWN_OURS=() KNOWN_WHY=()
known() {
	KNOWN_KEYS+=("$1")
	KNOWN_REF+=("$2")
	KNOWN_OURS+=("$3")
	KNOWN_WHY+=("$4")
}
segv='signal SIGSEGV; stdout ""; stderr ""'
known 'pvmxtoi(NULL)' "$segv" 'exit 0; stdout "0"; stderr ""' \
	'PVM reads through NULL; pvmx takes it as ""'
known 'pvmstrtoi(NULL)' "$segv" 'exit 0; stdout "0"; stderr ""' \
	'PVM reads through NULL; pvmx takes it as ""'
known 'errnamecode(NULL)' "$segv" 'exit 0; stdout "0"; stderr ""' \
	'PVM reads through NULL; pvmx answers 0, as for a name it does not know'
known 'pvmmatchstring(NULL, "a")' "$segv" 'exit 0; stdout "0"; stderr ""' \
	'PVM reads through NULL; pvmx takes it as ""'
known 'pvmmatchstring("a", NULL)' "$segv" 'exit 0; stdout "1"; stderr ""' \
	'PVM reads through NULL; pvmx takes it as "", which matches everything'
known 'hex_inadport(NULL)' "$segv" 'exit 0; stdout "00000000:0000"; stderr ""' \
	'PVM reads through NULL; pvmx takes it as ""'
known 'pvmfreeenv(NULL)' "$segv" 'exit 0; stdout "0"; stderr ""' \
	'PVM reads through NULL; pvmx frees nothing'
known 'pvmenvinsert into a NULL list' "$segv" 'exit 0; stdout "0, A=1"; stderr ""' \
	'PVM reads through NULL; pvmx starts an empty list'
known 'debug_flags(1) and debug_flags(2) in one printf' \
	'"pkt" "pkt"|"msg" "msg"' '"pkt" "msg"' \
	'PVM formats into one static buffer (which call wins depends on the compiler); pvmx into a ring of them'

# value_of OUTPUT KEY: what follows "KEY: " on its line
value_of() {
	printf '%s\n' "$1" | awk -v k="$2: " 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'
}
drop_known() {
	local text=$1 k
	text=$(printf '%s\n' "$text" | grep -v '^#')
	for k in "${KNOWN_KEYS[@]}"; do
		text=$(printf '%s\n' "$text" | awk -v k="$k: " 'index($0, k) != 1')
	done
	printf '%s\n' "$text"
}
for i in "${!KNOWN_KEYS[@]}"; do
	k=${KNOWN_KEYS[$i]}
	rv=$(value_of "$ref_out" "$k")
	ov=$(value_of "$our_out" "$k")
	if [[ $rv =~ ^(${KNOWN_REF[$i]})$ ]] && [[ $ov =~ ^(${KNOWN_OURS[$i]})$ ]]; then
		pass "known difference: $k: PVM 3.4.6 [$rv], pvmx [$ov] (${KNOWN_WHY[$i]})"
	else
		fail "known difference $k: PVM 3.4.6 [$rv] (expected /${KNOWN_REF[$i]}/), pvmx [$ov] (expected /${KNOWN_OURS[$i]}/)"
	fi
done

ref_cmp=$(drop_known "$ref_out")
our_cmp=$(drop_known "$our_out")
ncmp=$(printf '%s\n' "$ref_cmp" | grep -c .)
if [ "$ncmp" -lt 700 ]; then
	fail "only $ncmp lines to compare from ref_cruft on PVM 3.4.6"
elif [ "$ref_cmp" == "$our_cmp" ]; then
	pass "all $ncmp other results identical on PVM 3.4.6 and on ours"
else
	fail "results differ from PVM 3.4.6 (< PVM 3.4.6, > ours):"
	diff <(printf '%s\n' "$ref_cmp") <(printf '%s\n' "$our_cmp") | grep '^[<>]' | sed 's/^/    /'
fi
if [ "$(drop_known "$compat_out")" == "$our_cmp" ]; then
	pass "compat_cruft (linked against ours) prints what ref_cruft on ours prints"
else
	fail "compat_cruft differs from ref_cruft on ours (< ref_cruft, > compat_cruft):"
	diff <(printf '%s\n' "$our_cmp") <(drop_known "$compat_out") | grep '^[<>]' |
		sed 's/^/    /'
fi

# --------------------------------------------------------- 3. as a task
export LD_LIBRARY_PATH=$OURLIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
vm_start
task_out=$(tmo 30 "$COMPAT/ref_cruft" task 2>&1)
rc=$?
printf '%s\n' "$task_out" | sed 's/^/    [ref_cruft task] /'
expect_eq "the task exits with its own status 1 after pvmbailout" 1 "$rc"
tid=$(printf '%s\n' "$task_out" | sed -n 's/^tid: //p')
expect_match "the task got a tid" '^t[0-9a-f]+$' "$tid"
expect_eq "pvmlogerror and pvmlogprintf name the task" \
	"task log: returns 0,9, stderr \"libpvm [$tid]: as a task\\nlibpvm [$tid] printf 7\\n\"" \
	"$(printf '%s\n' "$task_out" | grep '^task log: ')"
expect_eq "pvmdsockfile() is the daemon's socket" "pvmdsockfile: $(sock_path)" \
	"$(printf '%s\n' "$task_out" | grep '^pvmdsockfile: ')"
# the daemon saw the task go (its connection closed), within 5 s
tasks=""
for _ in $(seq 1 50); do
	tasks=$(tmo 10 "$COMPAT/ref_cruft" tasks 2>&1)
	[ "$tasks" == "tasks: 1 (pvm_tasks 0)" ] && break
	sleep 0.1
done
expect_eq "after it, the daemon answers and lists only the asking task" \
	"tasks: 1 (pvm_tasks 0)" "$tasks"
vm_stop
finish

#!/bin/bash
# test_api3.sh - the library-only parts of issue 3 on a real pvmd: packf,
# psend/precv, pkmesg, getminfo/setminfo, message handlers, recvf,
# catchout, export, getfds.  The programs check and print one line per
# behaviour (tests/integration/progs/api3_*.c).
source "$PVMX_SRC/tests/integration/lib.sh"

# run_group NAME ARGS...: runs api3_msg (or api3_packf) and counts its FAILs
run_group() {
	local out
	out=$(tmo 30 "$@" 2>&1)
	local rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc -eq 0 ]; then pass "$*"; else fail "$* (exit $rc)"; fi
}

run_group "$PROGS/api3_packf"

vm_start
run_group "$PROGS/api3_msg" pmsg
run_group "$PROGS/api3_msg" mhf
run_group "$PROGS/api3_msg" recvf
run_group "$PROGS/api3_msg" env

# catchout with PvmShowTids: every line tagged, BEGIN and EOF per task
# (PVM 3.4.6's word; its man page says END)
F=$TEST_TMP/catch.txt
out=$(tmo 30 "$PROGS/api3_msg" catchout "$F" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
expect_eq "catchout program" 0 "$rc"
t1=$(printf '%s\n' "$out" | sed -n 's/^child-out //p')
t2=$(printf '%s\n' "$out" | sed -n 's/^child-env //p')
# stderr has its own pipe: its line is checked apart from stdout's order
got=$(grep -F "[t$t1]" "$F" 2>/dev/null | grep -vx "\[t$t1\] to stderr")
expect_eq "child's stderr line caught" 1 "$(grep -cx "\[t$t1\] to stderr" "$F")"
expect_eq "child output tagged, in order, BEGIN..EOF" \
	"[t$t1] BEGIN
[t$t1] first line
[t$t1] second line
[t$t1] split line
[t$t1] no newline
[t$t1] EOF" "$got"
got=$(grep -F "[t$t2]" "$F" 2>/dev/null)
expect_eq "exported variable reaches the child" \
	"[t$t2] BEGIN
[t$t2] API3_VAR=xyz
[t$t2] EOF" "$got"
t3=$(sed -n 's/^\[t[0-9a-f]*\] grandchild t//p' "$F")
got=$(grep -F "[t$t3]" "$F" 2>/dev/null | grep -c "BEGIN\|first line\|no newline\|EOF")
expect_eq "a grandchild's output is caught too (t$t3)" 4 "$got"
expect_eq "nothing else in the file" $((10 + 3 + 7)) "$(wc -l <"$F")"

# PvmShowTids off: untagged whole lines (a last one gets its newline, as
# PVM 3.4.6), no BEGIN/EOF
F=$TEST_TMP/raw.txt
out=$(tmo 30 "$PROGS/api3_msg" catchout-raw "$F" 2>&1)
expect_eq "catchout-raw program" 0 "$?"
got=$(cat "$F")
expect_match "raw output untagged" '^first line' "$got"
expect_match "raw output has the exported variable" 'API3_VAR=xyz' "$got"
expect_eq "raw output: a line left at the end is written whole, with its newline" \
	"1 0" "$(grep -cx 'no newline' "$F") $(tail -c 1 "$F" | tr -d '\n' | wc -c)"
if grep -q 'BEGIN\|EOF\|\[t' "$F"; then fail "raw output has tags"; else pass "raw output has no tags"; fi

# pvm_exit right after spawning waits for the output to end
F=$TEST_TMP/exit.txt
out=$(tmo 30 "$PROGS/api3_msg" catchout-exit "$F" 2>&1)
expect_eq "catchout-exit program" 0 "$?"
expect_eq "pvm_exit waited for both EOFs" 2 "$(grep -c '\] EOF$' "$F")"
expect_match "and said so on stderr, as PVM 3.4.6" \
	'^libpvm \[t[0-9a-f]+\]: child task\(s\) still running\.  waiting\.\.\.$' "$out"
expect_match "pvm_exit waited for the last line" 'no newline' "$(cat "$F")"

# pvm_catchout(0) with a child still writing: nothing queued, no crash
run_group "$PROGS/api3_msg" catchout-off "$TEST_TMP/off.txt"

vm_stop
finish

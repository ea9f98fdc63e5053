#!/usr/bin/env bash
# test_liveness.sh - liveness without false deaths (issue 11): with the
# default host timeout, a daemon stopped for 10 s (SIGSTOP) while its
# task runs is still in the machine when it goes on, and its task still
# runs and answers; a daemon killed is dead at once (its link closes),
# long before that timeout.  With a low PVMX_HOST_TIMEOUT_MS a stopped
# daemon is declared dead, and when it runs again it is not re-trusted:
# the master has closed its link and does not take it back, and it halts
# by itself, ending its task; the rest of the machine goes on.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
LT=$PROGS/loop_t
MH=$PROGS/mh_t
FROZEN=""
on_exit() {
	[ -n "$FROZEN" ] && kill -CONT "$FROZEN" 2>/dev/null
	cleanup
}
trap on_exit EXIT
log_of() { cat "$TEST_TMP/lo-$1/pvmx-$(id -u)/pvmd.$PVM_VMID.log" 2>/dev/null; }
hosts_are() { [ "$(tmo 10 "$MH" conf | head -1)" = "conf $1" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# vm_task_pids HOST: processes of loopback host HOST other than its pvmd
vm_task_pids() {
	local p
	for p in $(pgrep -x loop_t); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "PVM_TMP=$TEST_TMP/lo-$1" && echo "$p"
	done
}
# hold HOST: a loop_t hold on HOST as coprocess HOLD; its task's tid in TID
hold() {
	coproc HOLD { tmo 60 "$LT" hold "$1" 2>&1; }
	hold_pid=$HOLD_PID
	EXTRA_PIDS="$EXTRA_PIDS $hold_pid"
	TID=""
	read -r -t 20 line <&"${HOLD[0]}" && TID=${line#ready }
	[ -n "$TID" ] && [ "$TID" != "$line" ]
}
release() { # tells the hold to check its task: its answer line
	echo go >&"${HOLD[1]}"
	read -r -t 30 line <&"${HOLD[0]}"
	printf '%s\n' "$line"
}
printf '127.0.0.2\n127.0.0.3\n' >"$TEST_TMP/hosts"

# --- the default host timeout ---------------------------------------------
unset PVMX_HOST_TIMEOUT_MS
vm_start -d 2 "$TEST_TMP/hosts"
wait_until 20 hosts_are 3 || fail "the VM of 3 hosts did not come up"
p2=$(daemon_pid 127.0.0.2)
p3=$(daemon_pid 127.0.0.3)
if hold 127.0.0.3 && [ -n "$p3" ]; then
	pass "a task runs on 127.0.0.3 (t$TID)"
	kill -STOP "$p3"
	FROZEN=$p3
	sleep 10 # the pause under test, not a wait for a condition
	kill -CONT "$p3"
	FROZEN=""
	expect_eq "127.0.0.3's daemon, stopped for 10 s, still runs its task, which answers" \
		"alive $TID" "$(release)"
	expect_eq "and its host is still in the machine" "conf 3" "$(tmo 10 "$MH" conf | head -1)"
	grep -q "leaves the virtual machine" "$(log_path)" &&
		fail "the master let a host go: $(grep 'leaves the virtual machine' "$(log_path)")"
	log_of 127.0.0.3 | grep -q "did not run for" &&
		pass "127.0.0.3 knows it did not run, and forgives the others' silence meanwhile" ||
		fail "no 'did not run for' line in 127.0.0.3's log"
else
	fail "no task on 127.0.0.3 (${line:-no line}) or no pvmd there"
fi
wait "$hold_pid" 2>/dev/null

kill -KILL "$p2"
if wait_until 5 hosts_are 2; then
	pass "a killed daemon's host is dead at once (its link closed), not after the 30 s timeout"
else
	fail "127.0.0.2's daemon killed: its host still in the machine 5 s later"
fi
grep -q "t80000) leaves the virtual machine: its link closed" "$(log_path)" &&
	pass "the master says why: its link closed" || fail "no 'its link closed' line for t80000"
echo halt | tmo 10 "$BIN/pvm" >/dev/null 2>&1
wait_until 10 gone "$PVMD_PID" && wait_until 10 gone "$p3" || fail "the VM did not halt"
PVMD_PID=""

# --- a low timeout: dead, and not re-trusted ------------------------------
export PVMX_HOST_TIMEOUT_MS=1000
export PVM_VMID=${PVM_VMID}b
vm_start -d 2 "$TEST_TMP/hosts"
wait_until 20 hosts_are 3 || fail "the second VM of 3 hosts did not come up"
p2=$(daemon_pid 127.0.0.2)
p3=$(daemon_pid 127.0.0.3)
if hold 127.0.0.3 && [ -n "$p3" ]; then
	kill -STOP "$p3"
	FROZEN=$p3
	declared() { grep -q "tc0000) leaves the virtual machine: silent for" "$(log_path)"; }
	wait_until 10 declared && pass "a daemon stopped past PVMX_HOST_TIMEOUT_MS=1000 is declared dead" ||
		fail "127.0.0.3 stopped: not declared dead within 10 s"
	expect_eq "its host is out of the table" "conf 2" "$(tmo 10 "$MH" conf | head -1)"
	kill -CONT "$p3"
	FROZEN=""
	wait_until 10 gone "$p3" && pass "when it runs again it halts by itself" ||
		fail "127.0.0.3's daemon still runs 10 s after it was let go on"
	log_of 127.0.0.3 | grep -q "lost the link to the master\|deleted" &&
		pass "it says why: $(log_of 127.0.0.3 | grep -m1 'lost the link to the master\|deleted' | cut -c21-)" ||
		fail "no reason in 127.0.0.3's log"
	out=$(release)
	case $out in
	"gone $TID"*) pass "its task is gone for the machine ($out)" ;;
	*) fail "its task: [$out]" ;;
	esac
	left_task() { [ -z "$(vm_task_pids 127.0.0.3)" ]; }
	wait_until 10 left_task && pass "its task's process has ended" ||
		fail "its task's process still runs: $(vm_task_pids 127.0.0.3)"
	expect_eq "it is not taken back" "conf 2" "$(tmo 10 "$MH" conf | head -1)"
	n=$(grep -c "link .* tc0000: up" "$(log_path)")
	expect_eq "the master linked it up once, never again" 1 "$n"
else
	fail "no task on 127.0.0.3 in the second VM (${line:-no line})"
fi
wait "$hold_pid" 2>/dev/null
out=$(tmo 60 "$LT" spawn 10 /bin/true 127.0.0.2)
expect_eq "the rest of the machine goes on (a spawn on 127.0.0.2)" "spawn 10 10 0 0" "$out"
finish

#!/usr/bin/env bash
# test_pvmrun.sh - the launcher: with no daemon it starts a private one
# and halts it at the end; output of every task reaches its stdout; its
# exit status is that of the first task that failed, named; a missing
# program, SIGINT and PVMRUN_TIMEOUT end it cleanly.
source "$PVMX_SRC/tests/integration/lib.sh"

PVMRUN=$BIN/pvmrun
for f in "$PVMRUN" "$PROGS/run_exit" "$PROGS/run_sig" "$PROGS/run_sleep" "$PROGS/run_lines"; do
	if [ ! -x "$f" ]; then
		echo "FAIL: $f not built"
		exit 1
	fi
done

# pvmrun ARGS...: runs pvmrun with a timeout; sets OUT (stdout), ERR, RC
pvmrun() {
	tmo 40 "$PVMRUN" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	OUT=$(cat "$TEST_TMP/out")
	ERR=$(cat "$TEST_TMP/err")
	printf '%s\n' "$OUT" | sed "s/^/    [out] /"
	printf '%s\n' "$ERR" | sed "s/^/    [err] /"
}

# wait_gone NAME: waits up to 5 s until no process NAME of ours is left
wait_gone() {
	for _ in $(seq 1 50); do
		[ -z "$(vm_procs "$1")" ] && return 0
		sleep 0.1
	done
	return 1
}

pvmrun --help
expect_eq "--help exits 0" 0 "$RC"
expect_match "--help prints the usage" '^usage: pvmrun' "$OUT"
pvmrun
expect_eq "no program: exit 2" 2 "$RC"
expect_match "no program: says so" 'no program named' "$ERR"

# --- no daemon: a private one, halted at the end --------------------
pvmrun -v -np 2 run_exit 0
expect_eq "pvmrun with no daemon exits 0" 0 "$RC"
expect_eq "both tasks printed their line" 2 "$(printf '%s\n' "$OUT" | grep -cE '^run_exit t[0-9a-f]+: exiting with 0$')"
expect_match "-v names the private daemon" 'started a private pvmd' "$ERR"
expect_match "-v names the tasks as they start" '^pvmrun: started t[0-9a-f]+ \(rank 0 of 2\) on ' "$ERR"
if wait_gone pvmd; then pass "the private pvmd is gone"; else
	fail "a pvmd is left after pvmrun: $(vm_procs pvmd)"
	for p in $(vm_procs pvmd); do kill -KILL "$p"; done
fi
for _ in $(seq 1 50); do
	[ -e "$(sock_path)" ] || break
	sleep 0.1
done
if [ -e "$(sock_path)" ]; then fail "the private daemon's socket is left"; else
	pass "the private daemon's socket is gone"
fi

# --- against a running daemon ------------------------------------------
vm_start

pvmrun -np 3 run_exit 0
expect_eq "pvmrun -np 3 run_exit 0 exits 0" 0 "$RC"
expect_eq "three lines of output" 3 "$(printf '%s\n' "$OUT" | grep -c .)"
expect_eq "from three different tasks" 3 \
	"$(printf '%s\n' "$OUT" | grep -oE 't[0-9a-f]+:' | sort -u | wc -l)"
expect_eq "nothing on stderr" "" "$ERR"
if kill -0 "$PVMD_PID" 2>/dev/null; then pass "a daemon pvmrun did not start keeps running"; else
	fail "pvmrun stopped a daemon it had not started"
fi

pvmrun --keep-going -np 2 run_exit 3
expect_eq "a task exiting 3: pvmrun exits 3" 3 "$RC"
expect_match "the failing task is named" '^pvmrun: rank [01] \(t[0-9a-f]+\) on [^ ]+ exited with status 3' "$ERR"
expect_eq "--keep-going: both tasks still printed their line" 2 "$(printf '%s\n' "$OUT" | grep -c 'exiting with 3')"

pvmrun run_sig 9
expect_eq "a task killed by SIGKILL: pvmrun exits 137" 137 "$RC"
expect_match "the signal is named" '^pvmrun: rank 0 \(t[0-9a-f]+\) on [^ ]+ killed by signal 9 \(Killed\)$' "$ERR"
expect_match "its output came first" 'raising signal 9' "$OUT"

pvmrun run_sig 15
expect_eq "a task killed by SIGTERM: pvmrun exits 143" 143 "$RC"
expect_match "the signal is named" 'killed by signal 15 \(Terminated\)' "$ERR"

pvmrun no_such_program_xyz
expect_eq "a missing program: exit 127" 127 "$RC"
expect_match "a missing program: the reason" '^pvmrun: cannot spawn no_such_program_xyz \(rank 0 on [^ ]+\): No such file$' "$ERR"

# output arrives exactly as written without -t, in whole prefixed lines with -t
pvmrun run_lines 2
expect_eq "untagged output is copied byte for byte" \
	"$(printf 'line 1 of 2\nline 2 of 2\nno newline')" "$OUT"
pvmrun -t -np 2 run_lines 3
expect_eq "-t: every line whole and prefixed" 6 \
	"$(printf '%s\n' "$OUT" | grep -cE '^\[[01],t[0-9a-f]+\] line [123] of 3$')"
expect_eq "-t: the last partial line of each task is prefixed too" 2 \
	"$(printf '%s\n' "$OUT" | grep -cE '^\[[01],t[0-9a-f]+\] no newline$')"
expect_eq "-t: nothing else" 8 "$(printf '%s\n' "$OUT" | grep -c .)"

# PVMRUN_TIMEOUT gives up, killing the tasks
START=$(date +%s)
export PVMRUN_TIMEOUT=1
pvmrun -np 2 run_sleep 60
unset PVMRUN_TIMEOUT
expect_eq "PVMRUN_TIMEOUT=1: exit 124" 124 "$RC"
expect_match "PVMRUN_TIMEOUT: says so" 'PVMRUN_TIMEOUT' "$ERR"
if [ $(($(date +%s) - START)) -le 10 ]; then pass "PVMRUN_TIMEOUT=1 ended it within 10 s"; else
	fail "PVMRUN_TIMEOUT=1 took $(($(date +%s) - START)) s"
fi
if wait_gone run_sleep; then pass "the timed-out tasks were killed"; else
	fail "run_sleep left running after the timeout: $(vm_procs run_sleep)"
fi

# SIGINT kills the tasks and exits 130
"$PVMRUN" -np 2 run_sleep 60 >"$TEST_TMP/int.out" 2>"$TEST_TMP/int.err" &
RUN_PID=$!
EXTRA_PIDS="$EXTRA_PIDS $RUN_PID"
for _ in $(seq 1 100); do
	[ "$(grep -c sleeping "$TEST_TMP/int.out")" -ge 2 ] && break
	sleep 0.1
done
expect_eq "both tasks run before the interrupt" 2 "$(grep -c sleeping "$TEST_TMP/int.out")"
kill -INT "$RUN_PID"
RC=""
for _ in $(seq 1 50); do
	if ! kill -0 "$RUN_PID" 2>/dev/null; then
		wait "$RUN_PID"
		RC=$?
		break
	fi
	sleep 0.1
done
expect_eq "SIGINT: pvmrun exits 130 within 5 s" 130 "$RC"
sed 's/^/    [err] /' "$TEST_TMP/int.err"
if wait_gone run_sleep; then pass "SIGINT killed the tasks"; else
	fail "run_sleep left running after SIGINT: $(vm_procs run_sleep)"
fi

vm_stop
finish

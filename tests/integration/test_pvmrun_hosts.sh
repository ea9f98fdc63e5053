#!/usr/bin/env bash
# test_pvmrun_hosts.sh - pvmrun over a private machine of loopback hosts
# (scripts/lo-rsh): --host with slots, --map-by node, --hostfile; a
# failing rank on one host stops those on the others; SIGTERM,
# --timeout and kill -9 of pvmrun itself leave no task and no daemon.
source "$PVMX_SRC/tests/integration/lib.sh"
export PVM_RSH=$PVMX_SRC/scripts/lo-rsh

PVMRUN=$BIN/pvmrun
# what a task prints to say where it runs: its daemon's PVM_TMP's tail
WHERE='echo "$PVMX_RANK ${PVM_TMP##*/}"'

run() {
	tmo 50 "$PVMRUN" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null
	RC=$?
	OUT=$(sort "$TEST_TMP/out")
	ERR=$(cat "$TEST_TMP/err")
}

# left: pids of this test's daemons and tasks still alive (after up to 10 s)
left() {
	local n
	for n in $(seq 1 100); do
		L="$(vm_procs pvmd) $(daemon_pid 127.0.0.2) $(daemon_pid 127.0.0.3) $(vm_procs run_sleep) $(pgrep -f "run_sleep" | while read -r p; do tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q "^PVM_TMP=$TEST_TMP" && echo "$p"; done)"
		L=$(echo $L)
		[ -z "$L" ] && return 0
		sleep 0.1
	done
	return 1
}
expect_clean() {
	if left; then pass "$1: no daemon or task left"; else
		fail "$1: left running: $L ($(ps -o pid,args -p "${L// /,}" | tail -n +2 | tr '\n' ';'))"
		for p in $L; do kill -KILL "$p" 2>/dev/null; done
	fi
}

# --- --host with slots: filled in order; the machine halts at the end -----------------
run --host 127.0.0.2,127.0.0.3:2 -np 4 sh -c "$WHERE"
expect_eq "--host a,b:2 -np 4: exit 0" 0 "$RC"
expect_eq "--map-by slot: 0 on .2, 1-2 on .3, 3 on .2 again" "0 lo-127.0.0.2
1 lo-127.0.0.3
2 lo-127.0.0.3
3 lo-127.0.0.2" "$OUT"
[ "$RC" = 0 ] || echo "$ERR"
expect_clean "--host"

run --host 127.0.0.2,127.0.0.3:2 -np 4 run_sibs : -np 2 run_sibs
expect_eq "pvm_siblings: one list per part, in rank order, over the hosts" "rank 0 sibling 0 of 4 on lo-127.0.0.2
rank 1 sibling 1 of 4 on lo-127.0.0.3
rank 2 sibling 2 of 4 on lo-127.0.0.3
rank 3 sibling 3 of 4 on lo-127.0.0.2
rank 4 sibling 0 of 2 on lo-127.0.0.3
rank 5 sibling 1 of 2 on lo-127.0.0.3" "$OUT"

run --host 127.0.0.2,127.0.0.3:2 sh -c "$WHERE"
expect_eq "--host without -np: one rank per slot" 3 "$(grep -c . <<<"$OUT")"
run -H 127.0.0.2:2,127.0.0.3:2 --map-by node -np 4 sh -c "$WHERE"
expect_eq "--map-by node: round robin" "0 lo-127.0.0.2
1 lo-127.0.0.3
2 lo-127.0.0.2
3 lo-127.0.0.3" "$OUT"

printf '# a PVM host file with slots\n* sp=1200\n127.0.0.2 slots=1\n127.0.0.3 slots=2 sp=900\n&127.0.0.4\n' >"$TEST_TMP/hosts"
run --hostfile "$TEST_TMP/hosts" sh -c "$WHERE"
expect_eq "--hostfile: slots=N, defaults, '&' hosts unused" "0 lo-127.0.0.2
1 lo-127.0.0.3
2 lo-127.0.0.3" "$OUT"
run --host 127.0.0.2,no.such.host.invalid true
expect_eq "a host that cannot be added: exit 1" 1 "$RC"
expect_match "it is named" 'cannot add host no.such.host.invalid' "$ERR"
expect_clean "a bad host"

# --- a failure on one host stops the ranks on the others --------------------------
START=$(date +%s)
run --host 127.0.0.2,127.0.0.3 -np 4 sh -c '[ "$PVMX_RANK" = 3 ] && { sleep 0.5; exit 5; }; exec run_sleep 60'
expect_eq "rank 3 exits 5: pvmrun exits 5" 5 "$RC"
expect_match "named once" 'rank 3 \(t[0-9a-f]+\) on 127.0.0.3 exited with status 5; stopping' "$ERR"
[ $(($(date +%s) - START)) -le 20 ] && pass "the others stopped at once" || fail "took $(($(date +%s) - START)) s"
expect_clean "a failed rank"

# --- --timeout over two hosts -------------------------------------------------------
run --timeout 2 --host 127.0.0.2,127.0.0.3 -np 2 run_sleep 60
expect_eq "--timeout: exit 124" 124 "$RC"
expect_match "--timeout names the running ranks" 'timeout \(2 s\) passed; still running: rank 0 \(t[0-9a-f]+\) on 127.0.0.2, rank 1 \(t[0-9a-f]+\) on 127.0.0.3' "$ERR"
expect_clean "--timeout"

# has N PATTERN: the background pvmrun's output has N lines matching
has() { [ "$(grep -c "$2" "$TEST_TMP/bg.out" 2>/dev/null)" -ge "$1" ]; }
# bg N ARGS...: pvmrun in the background, waits until N "sleeping" lines
bg() {
	local n=$1
	shift
	"$PVMRUN" "$@" >"$TEST_TMP/bg.out" 2>"$TEST_TMP/bg.err" </dev/null &
	RUN_PID=$!
	EXTRA_PIDS="$EXTRA_PIDS $RUN_PID"
	wait_until 20 has "$n" sleeping ||
		fail "the tasks did not start: $(cat "$TEST_TMP/bg.err")"
}
# reap: pvmrun's exit status within 15 s (RC), or "running"
reap() {
	RC=running
	wait_until 15 eval '! kill -0 "$RUN_PID" 2>/dev/null' || return
	wait "$RUN_PID"
	RC=$?
}

# --- SIGTERM to pvmrun --------------------------------------------------------------
bg 3 --host 127.0.0.2,127.0.0.3 -np 3 run_sleep 60
kill -TERM "$RUN_PID"
reap
expect_eq "SIGTERM: exit 143" 143 "$RC"
expect_clean "SIGTERM"

# --- signals passed on: USR1, USR2, TSTP/CONT ---------------------------------------------
"$PVMRUN" --host 127.0.0.2,127.0.0.3 -np 2 sh -c 'trap "echo got USR1 \$PVMX_RANK" USR1; trap "echo got USR2 \$PVMX_RANK" USR2; echo "pid $$ sleeping"; while :; do sleep 0.1; done' >"$TEST_TMP/bg.out" 2>"$TEST_TMP/bg.err" </dev/null &
RUN_PID=$!
EXTRA_PIDS="$EXTRA_PIDS $RUN_PID"
wait_until 20 has 2 sleeping
kill -USR1 "$RUN_PID"
wait_until 10 has 2 'got USR1'
expect_eq "SIGUSR1 reaches both ranks" 2 "$(grep -c 'got USR1' "$TEST_TMP/bg.out")"
kill -USR2 "$RUN_PID"
wait_until 10 has 2 'got USR2'
expect_eq "SIGUSR2 reaches both ranks" 2 "$(grep -c 'got USR2' "$TEST_TMP/bg.out")"
PIDS=$(awk '/^pid/ { print $2 }' "$TEST_TMP/bg.out")
state() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; }
all_state() { local p; for p in $PIDS; do [ "$(state "$p")" = "$1" ] || return 1; done; }
kill -TSTP "$RUN_PID"
wait_until 10 all_state T && pass "SIGTSTP stops both ranks" || fail "after SIGTSTP: $(for p in $PIDS; do state "$p"; done)"
wait_until 10 eval '[ "$(state "$RUN_PID")" = T ]' && pass "and pvmrun itself" || fail "pvmrun is $(state "$RUN_PID")"
kill -CONT "$RUN_PID"
wait_until 10 eval '! all_state T && [ "$(state "$RUN_PID")" != T ]' &&
	pass "SIGCONT wakes them" || fail "after SIGCONT: $(for p in $PIDS; do state "$p"; done) pvmrun $(state "$RUN_PID")"
kill -INT "$RUN_PID"
reap
expect_eq "SIGINT: exit 130" 130 "$RC"
expect_clean "SIGINT"

# --- kill -9 of pvmrun: its private machine halts --------------------------------------
bg 3 --host 127.0.0.2,127.0.0.3 -np 3 run_sleep 60
kill -KILL "$RUN_PID"
wait "$RUN_PID" 2>/dev/null
expect_clean "kill -9 of pvmrun"
bg 2 -np 2 run_sleep 60
kill -KILL "$RUN_PID"
wait "$RUN_PID" 2>/dev/null
expect_clean "kill -9 of pvmrun on its one-host machine"

finish

#!/usr/bin/env bash
# test_examples.sh - runs each teaching program of examples/ the way the
# user guide does, through pvmrun on a private daemon, and checks exit
# status and output: hello shows hello_other's greeting, master prints
# the right total, `pvmrun -np 4 ring 3` brings the token home as 12.
source "$PVMX_SRC/tests/integration/lib.sh"

for p in hello hello_other master worker ring; do
	if [ ! -x "$EXAMPLES/$p" ]; then
		echo "FAIL: $EXAMPLES/$p not built"
		exit 1
	fi
done

# run_example LABEL SECONDS CMD...: runs CMD with a timeout, sets OUT and RC
run_example() {
	local label=$1 secs=$2
	shift 2
	OUT=$(tmo "$secs" "$@" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed "s/^/    [$label] /"
}

# Without a daemon every example must fail cleanly, not hang or crash.
run_example "hello, no pvmd" 15 "$EXAMPLES/hello"
if [ "$RC" -ne 0 ] && [ "$RC" -lt 124 ]; then
	pass "hello without a daemon exits non-zero ($RC)"
else
	fail "hello without a daemon: exit status $RC (want 1..123)"
fi

vm_start

# hello: one spawned task greets its parent with its host name and tid
run_example hello 30 "$BIN/pvmrun" hello
expect_eq "pvmrun hello exits 0" 0 "$RC"
expect_match "hello prints the greeting of the tid it spawned" \
	'hello: from (t[0-9a-f]+): hello, world from [^ ]+ \(task \1\)' "$OUT"
if printf '%s\n' "$OUT" | grep -qF "hello, world from $(hostname) (task"; then
	pass "the greeting names this host, $(hostname)"
else
	fail "the greeting does not name this host, $(hostname)"
fi

# master/worker: sum of (0.5 i)^2 for i < 1000 is 83208375
run_example master 30 "$BIN/pvmrun" master
expect_eq "pvmrun master exits 0" 0 "$RC"
expect_match "master (4 workers) prints the right total" \
	'total sum of squares = 83208375\.0 ' "$OUT"
expect_match "master (4 workers) agrees with the serial sum" 'results match' "$OUT"
expect_eq "master used 4 workers" 4 "$(printf '%s\n' "$OUT" | grep -c 'summed [0-9]* squares')"

# an uneven split (1000 = 6 x 143 + 1 x 142)
run_example "master 7" 30 "$BIN/pvmrun" master 7
expect_eq "pvmrun master 7 exits 0" 0 "$RC"
expect_match "master (7 workers) prints the right total" \
	'total sum of squares = 83208375\.0 ' "$OUT"
expect_eq "master used 7 workers" 7 "$(printf '%s\n' "$OUT" | grep -c 'summed [0-9]* squares')"

# ring: N instances, K laps, token N*K
run_example "ring 4x3" 30 "$BIN/pvmrun" -np 4 ring 3
expect_eq "pvmrun -np 4 ring 3 exits 0" 0 "$RC"
expect_match "ring of 4, 3 laps: token 12" 'token = 12 after 3 laps of 4 instances.*OK' "$OUT"

run_example "ring 2x5" 30 "$BIN/pvmrun" -np 2 ring 5
expect_eq "pvmrun -np 2 ring 5 exits 0" 0 "$RC"
expect_match "ring of 2, 5 laps: token 10" 'token = 10 after 5 laps of 2 instances.*OK' "$OUT"

# the default: 3 laps
run_example "ring 3" 30 "$BIN/pvmrun" -np 3 ring
expect_eq "pvmrun -np 3 ring exits 0" 0 "$RC"
expect_match "ring of 3, default 3 laps: token 9" 'token = 9 after 3 laps of 3 instances' "$OUT"

# a failing task fails the run: pvmrun passes the verdict on
run_example "master 0" 30 "$BIN/pvmrun" master 0
if [ "$RC" -ne 0 ] && [ "$RC" -lt 124 ]; then
	pass "pvmrun master 0 (a usage error) exits non-zero ($RC)"
else
	fail "pvmrun master 0: exit status $RC (want 1..123)"
fi

vm_stop
finish

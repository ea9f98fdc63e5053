#!/usr/bin/env bash
# soak.sh - the soak run (docs/testing.md): a VM of three loopback hosts
# (this one, 127.0.0.2 and 127.0.0.3 through scripts/lo-rsh), and
# tests/integration/progs/soak_t.c's master on it for SOAK_SECONDS
# (default 600): SOAK_WORKERS tasks (default 9) exchanging random traffic
# while tasks and the daemons of 127.0.0.2 and 127.0.0.3 are killed at
# random and brought back.  Prints what soak_t counts (sent, received,
# lost, duplicated, reordered, corrupted, faults, daemon RSS) and exits 1
# on any loss, duplicate, reordering or corruption between tasks that
# lived, or a crash.  Run by `make soak`; integration/test_soak.sh runs a
# short one.  Other knobs: SOAK_SEED, SOAK_RATE, SOAK_MAXLEN,
# SOAK_TASK_KILL_MS, SOAK_DAEMON_KILL_MS (soak_t.c).
. "${PVMX_SRC:?}/tests/integration/lib.sh"

SECONDS_RUN=${SOAK_SECONDS:-600}
WORKERS=${SOAK_WORKERS:-9}
export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
export SOAK_SEED=${SOAK_SEED:-$(date +%s)}
# the re-added hosts find soak_t on PATH (lo-rsh keeps the environment)
printf '127.0.0.2\n127.0.0.3\n' >"$TEST_TMP/hosts"
vm_start "$TEST_TMP/hosts"
three_hosts() { [ "$(tmo 10 "$PROGS/mh_t" conf | head -1)" = "conf 3" ]; }
wait_until 30 three_hosts || { fail "the three hosts did not come up"; finish; }

# soak RUN SECONDS: soak_t's master for SECONDS, its lines into
# $TEST_TMP/RUN.out; its exit status
soak() {
	tmo $(($2 + 240)) "$PROGS/soak_t" master "$2" "$WORKERS" 127.0.0.2 127.0.0.3 \
		>"$TEST_TMP/$1.out" 2>&1
}
# the line of soak_t's report on COUNT in RUN's output: "soak: COUNT N ..."
count_of() { sed -n "s/^soak: .*\b$2 \([0-9]*\).*/\1/p" "$TEST_TMP/$1.out" | head -1; }

# SOAK_SELFTEST=1: first the checker's own test - a few seconds without
# faults for each kind of damage soak_t can make on purpose (SOAK_BREAK),
# each of which it must count and fail on
if [ "${SOAK_SELFTEST:-0}" = 1 ]; then
	for brk in lose:lost dup:duplicated reorder:reordered corrupt:corrupted; do
		SOAK_BREAK=${brk%%:*} SOAK_TASK_KILL_MS=0 SOAK_DAEMON_KILL_MS=0 soak "break-${brk%%:*}" 4
		rc=$?
		n=$(count_of "break-${brk%%:*}" "${brk#*:}")
		if [ "$rc" = 1 ] && [ "${n:-0}" -gt 0 ]; then
			pass "SOAK_BREAK=${brk%%:*}: soak_t counts $n ${brk#*:} and fails"
		else
			fail "SOAK_BREAK=${brk%%:*}: exit $rc, ${brk#*:} [${n}]"
			sed 's/^/    /' "$TEST_TMP/break-${brk%%:*}.out" | grep -v '^    \[t' | tail -20
		fi
	done
fi

echo "# soak: ${SECONDS_RUN} s, $WORKERS workers, seed $SOAK_SEED (SOAK_SEED=$SOAK_SEED reruns it)"
soak run "$SECONDS_RUN"
rc=$?
grep -v '^\[t[0-9a-f]*\] \(BEGIN\|EOF\)$' "$TEST_TMP/run.out"
expect_eq "soak_t ends with PASS" "soak: PASS" "$(grep '^soak: \(PASS\|FAIL\)$' "$TEST_TMP/run.out")"
expect_eq "soak_t exits 0" 0 "$rc"
# the daemons this run did not kill are alive and answer
kill -0 "$PVMD_PID" 2>/dev/null && pass "the master daemon survived" || fail "the master daemon died"
wait_until 20 three_hosts && pass "the VM has its three hosts at the end" ||
	fail "the VM did not get back its three hosts: $(tmo 10 "$PROGS/mh_t" conf | head -1)"
vm_stop
finish

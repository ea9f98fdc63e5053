#!/usr/bin/env bash
# test_hosts_console.sh - `pvm hostfile` as PVM's console does it: with no
# daemon running, the console starts the master with that host file and
# waits until its hosts are in (or failed) before reading commands; with a
# daemon running, the file is not used (said on stderr).  Hosts are
# loopback daemons through scripts/lo-rsh.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
printf '127.0.0.2\n127.0.0.3 sp=700\nno.such.host.invalid\n' >"$TEST_TMP/hosts"

# the first command already sees every host that could start
out=$(echo conf | tmo 60 "$BIN/pvm" "$TEST_TMP/hosts" 2>"$TEST_TMP/err")
expect_match "pvm hostfile: conf sees the master and both hosts at once" "^3 hosts, 1 data format" "$out"
expect_match "pvm hostfile: 127.0.0.3 with its sp=700" " +127\.0\.0\.3 +c0000 +[A-Z0-9]+ +700 " "$out"
grep -q "no.such.host.invalid" "$(log_path)" && pass "the unresolvable host is named in the master's log" ||
	fail "no line about no.such.host.invalid in the log"
# the daemon the console started: the one holding the VM's lock
PVMD_PID=$(pgrep -f "bin/pvmd $TEST_TMP/hosts" | head -1)
[ -n "$PVMD_PID" ] && pass "the console started pvmd with the host file (pid $PVMD_PID)" ||
	fail "no pvmd started with the host file"

# a daemon runs now: the file is not used, and the console says so
out=$(echo conf | tmo 20 "$BIN/pvm" "$TEST_TMP/hosts" 2>&1)
expect_match "pvm hostfile with a daemon running: said on stderr" "a pvmd already runs: host file .* not used" "$out"
expect_match "and the console works on the running machine" "^3 hosts, 1 data format" "$out"
out=$(tmo 5 "$BIN/pvm" -x 2>&1 </dev/null)
expect_match "options other than a host file are refused" "options are not supported: -x" "$out"

echo halt | tmo 20 "$BIN/pvm" >/dev/null 2>&1
for _ in $(seq 1 50); do kill -0 "$PVMD_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PVMD_PID" 2>/dev/null && fail "pvmd still runs after halt" || pass "halt ends it"
PVMD_PID=""
finish

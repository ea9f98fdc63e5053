#!/usr/bin/env bash
# Message contexts: allocation by the daemon, isolation of two contexts
# with the same tags between the same two tasks, inheritance by spawned
# children.  Real daemon, real tasks.
source "$PVMX_SRC/tests/integration/lib.sh"

vm_start
out=$(tmo 30 ctx_iso 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
expect_eq "ctx_iso exits 0" 0 "$rc"
expect_eq "no failed check" "" "$(printf '%s\n' "$out" | grep '^FAIL')"
expect_match "the isolation checks ran" "ok - in context 2: only context 2" "$out"
kill -0 "$PVMD_PID" 2>/dev/null && pass "daemon still alive" || fail "daemon died"
vm_stop
finish

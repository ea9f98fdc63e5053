#!/usr/bin/env bash
# The message mailbox: every put/recvinfo flag one by one, the errors,
# getmboxinfo, insert/lookup/delete, owner exit (normal and kill -9),
# wait-for-info held in the daemon.  Real daemon, real tasks.
source "$PVMX_SRC/tests/integration/lib.sh"

vm_start
out=$(tmo 60 mbox_t 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
expect_eq "mbox_t exits 0" 0 "$rc"
expect_eq "no failed check" "" "$(printf '%s\n' "$out" | grep '^FAIL')"
expect_match "the last check ran" "ok - the entry it waited for is put" "$out"
# the daemon survives requests it must refuse, and keeps answering
out=$(tmo 20 mbox_t 2>&1); rc=$?
expect_eq "a second run against the same daemon (persistent leftovers)" 0 "$rc"
[ $rc -eq 0 ] || printf '%s\n' "$out" | grep FAIL | sed 's/^/    /'
kill -0 "$PVMD_PID" 2>/dev/null && pass "daemon still alive" || fail "daemon died"
vm_stop
finish

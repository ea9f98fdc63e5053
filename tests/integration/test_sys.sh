#!/usr/bin/env bash
# pvm_sendsig, pvm_hostsync, pvm_tickle, pvm_getnoresets, PvmSelfOutput*,
# host notifies, the exit notify of a SIGKILLed task (exactly once), and
# pvm_reg_rm/_hoster/_tasker (a dead one is forgotten at once).
source "$PVMX_SRC/tests/integration/lib.sh"

vm_start
out=$(tmo 60 sys_t 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
expect_eq "sys_t exits 0" 0 "$rc"
expect_eq "no failed check" "" "$(printf '%s\n' "$out" | grep '^FAIL')"
expect_match "the last check ran" "ok - spawn works after the rm died" "$out"
expect_match "tickle 2 dumped the task table to the log" "tickle: task table: [0-9]+ tasks" \
	"$(cat "$(log_path)")"
out=$(tmo 30 sys_bad 2>&1); rc=$?
expect_eq "sys_bad: every malformed request refused, connection kept" 0 "$rc"
[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
kill -0 "$PVMD_PID" 2>/dev/null && pass "daemon still alive" || fail "daemon died"
vm_stop
finish

#!/usr/bin/env bash
# libpvm3 end to end: identity and queries, messages (order, wildcards,
# probe/nrecv/trecv, mcast, siblings, notify), error codes, no daemon,
# pvm_start_pvmd/pvm_halt, a large message.  Real daemon, real tasks.
source "$PVMX_SRC/tests/integration/lib.sh"

out=$(tmo 10 lib_api nodaemon 2>&1); rc=$?
expect_eq "no daemon: lib_api exits 0" 0 "$rc"
expect_match "no daemon: one-line explanation names the socket" "Can't contact local daemon \(no pvmd at .*pvmd\.$PVM_VMID\.sock" "$out"

out=$(PVMX_PVMD=$BIN/pvmd tmo 20 lib_api start 2>&1); rc=$?
expect_eq "start/halt case" 0 "$rc"
[ $rc -eq 0 ] || echo "$out"
# pvm_halt is answered before the daemon it started has exited: wait for
# that daemon (ours by its PVM_TMP) to be gone, then look at its socket
no_daemon() { [ -z "$(vm_procs pvmd)" ]; }
wait_until 10 no_daemon || fail "the daemon lib_api started still runs 10 s after pvm_halt: $(vm_procs pvmd)"
[ -e "$(sock_path)" ] && fail "socket still there after pvm_halt" || pass "socket removed after pvm_halt"

vm_start
for c in query errors messages large; do
	out=$(tmo 60 lib_api $c 2>&1); rc=$?
	expect_eq "lib_api $c" 0 "$rc"
	[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
done
kill -0 "$PVMD_PID" 2>/dev/null && pass "daemon still alive" || fail "daemon died"
vm_stop
finish

#!/usr/bin/env bash
# test_pending.sh - requests that wait in a daemon (daemon/pending.c) end
# when their requester or a host goes, whatever their kind: a held
# mailbox read of a task of another host, killed or whose host was
# killed, is dropped (its read-and-delete never eats a later entry); a
# request relayed to a daemon that is killed, and a spawn on a host that
# is deleted meanwhile, get PvmHostFail.  Loopback hosts through
# scripts/lo-rsh; each wait is seen in the daemon's pvm_tickle dump
# before its requester or host goes.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
# a frozen daemon is killed or deleted by the test, never timed out
export PVMX_HOST_TIMEOUT_MS=60000
PT=$PROGS/pending_t
MH=$PROGS/mh_t
FROZEN=""

# waits_now: the master's waits, as its pvm_tickle 3 dump logs them now
waits_now() {
	local n
	n=$(wc -l <"$(log_path)")
	tmo 10 "$PT" tickle >/dev/null
	tail -n +"$((n + 1))" "$(log_path)" | grep 'tickle: pending: '
}
has_wait() { waits_now | grep -q "pending: $1 "; }
no_wait() { ! waits_now | grep -q "pending: [0-9]* $1 "; }
hosts_now() { tmo 10 "$MH" conf | head -1; }
hosts_are() { [ "$(hosts_now)" = "conf $1" ]; }
# thaw_kill PID: a frozen daemon of ours is killed (SIGKILL ends a
# stopped process too)
thaw_kill() {
	kill -KILL "$1" 2>/dev/null
	kill -CONT "$1" 2>/dev/null
	FROZEN=""
}
on_exit() {
	[ -n "$FROZEN" ] && thaw_kill "$FROZEN"
	cleanup
}
trap on_exit EXIT

vm_start
out=$(tmo 60 "$MH" add 127.0.0.2 127.0.0.3 127.0.0.4)
expect_match "three loopback hosts added" "^add 3 " "$out"
p2=$(daemon_pid 127.0.0.2)
p3=$(daemon_pid 127.0.0.3)
p4=$(daemon_pid 127.0.0.4)
[ -n "$p2" ] && [ -n "$p3" ] && [ -n "$p4" ] && pass "their daemons run ($p2 $p3 $p4)" ||
	fail "daemon pids [$p2] [$p3] [$p4]"

# --- a relayed mailbox wait whose requester is killed --------------------
out=$(tmo 10 "$PT" spawnwait 127.0.0.2 cls_a)
tid=${out#spawnwait }
[ "$tid" != 0 ] && pass "a waiter spawned on 127.0.0.2 (t$tid)" || fail "spawnwait: $out"
wait_until 10 has_wait "1 mailbox wait" && pass "the master holds its read" ||
	fail "no mailbox wait at the master: $(waits_now)"
expect_eq "pvm_kill of the waiter" "kill 0" "$(tmo 10 "$PT" kill "$tid")"
wait_until 10 no_wait "mailbox wait" && pass "its exit drops the held read" ||
	fail "the held read stays: $(waits_now)"
expect_eq "a put after it" "put 0" "$(tmo 10 "$PT" put cls_a)"
expect_eq "the entry is still there (the dead waiter did not read and delete it)" \
	"get 0 42" "$(tmo 10 "$PT" get cls_a)"

# --- a mailbox wait of a task whose host is killed -----------------------
out=$(tmo 10 "$PT" spawnwait 127.0.0.3 cls_b)
tid=${out#spawnwait }
[ "$tid" != 0 ] && pass "a waiter spawned on 127.0.0.3 (t$tid)" || fail "spawnwait: $out"
wait_until 10 has_wait "1 mailbox wait" && pass "the master holds its read" ||
	fail "no mailbox wait at the master: $(waits_now)"
kill -KILL "$p3"
wait_until 10 hosts_are 3 && pass "127.0.0.3 leaves when its daemon is killed" ||
	fail "127.0.0.3 still in the table: $(hosts_now)"
wait_until 10 no_wait "mailbox wait" && pass "its host's end drops the held read" ||
	fail "the held read of a task of a dead host stays: $(waits_now)"
expect_eq "a put after it" "put 0" "$(tmo 10 "$PT" put cls_b)"
expect_eq "the entry is still there (nobody read and deleted it for a dead host)" \
	"get 0 42" "$(tmo 10 "$PT" get cls_b)"

# --- a request relayed to a daemon that is killed ------------------------
kill -STOP "$p2"
FROZEN=$p2
tmo 30 "$PT" tasks 80000 >"$TEST_TMP/tasks" &
tasks_pid=$!
EXTRA_PIDS="$EXTRA_PIDS $tasks_pid"
wait_until 10 has_wait "1 relay" && pass "pvm_tasks of a frozen host waits as a relay" ||
	fail "no relay at the master: $(waits_now)"
thaw_kill "$p2"
wait "$tasks_pid"
expect_eq "its daemon killed: PvmHostFail" "tasks -22" "$(cat "$TEST_TMP/tasks")"
wait_until 10 no_wait "relay" && pass "the relay is gone" || fail "a relay stays: $(waits_now)"

# --- a spawn on a host deleted meanwhile ---------------------------------
kill -STOP "$p4"
FROZEN=$p4
tmo 30 "$PT" spawn 127.0.0.4 >"$TEST_TMP/spawn" &
spawn_pid=$!
EXTRA_PIDS="$EXTRA_PIDS $spawn_pid"
wait_until 10 has_wait "1 spawn share" && pass "the spawn waits for the frozen host's share" ||
	fail "no spawn share at the master: $(waits_now)"
expect_match "pvm_delhosts of the frozen host" "^del 1 " "$(tmo 10 "$MH" del 127.0.0.4)"
wait "$spawn_pid"
expect_eq "the spawn's instance: PvmHostFail" "spawn 0 -22" "$(cat "$TEST_TMP/spawn")"
wait_until 10 no_wait "spawn share" && pass "the share is gone" || fail "a share stays: $(waits_now)"
thaw_kill "$p4"

expect_eq "the master alone is left" "conf 1" "$(hosts_now)"
expect_eq "nothing waits at the master" "" "$(waits_now)"
kill -0 "$PVMD_PID" 2>/dev/null && pass "the master still runs" || fail "the master died"
vm_stop
finish

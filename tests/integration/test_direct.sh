#!/usr/bin/env bash
# test_direct.sh - the shared-memory route between tasks of one daemon
# (libpvm/lpvm_route_shm.c, docs/shm.md), on a real daemon:
#   1. two tasks exchange messages of random sizes (0 B - 4 MiB) and tags
#      both ways at once, switching between PvmRouteDirect and
#      PvmDontRoute mid-stream, with multicasts (always by the daemons)
#      in between: every message arrives once, in order, intact;
#   2. direct traffic does not pass through the daemon (its read bytes
#      stay far below what was sent), daemon-routed traffic does;
#   3. the daemon makes a task's region when it registers and removes it,
#      and its doorbell, when the task is killed with SIGKILL; a receiver
#      that never reads holds its sender up with bounded memory, and
#      killed, lets it finish;
#   4. a task blocked in pvm_recv, or waiting for its daemon's reply,
#      costs (almost) no CPU, unless it asks to spin (PvmPollType
#      PvmPollConstant);
#   5. a task spinning in pvm_recv learns of messages the daemon writes
#      to its socket from the note in its region alone (its socket is
#      not polled while it spins: PVMX_DAEMON_POLL_CALLS=0);
#   6. nothing of the test's tasks is left in /dev/shm.
source "$PVMX_SRC/tests/integration/lib.sh"

C="$PROGS/pvmd_client"
vm_start
SOCK=$(sock_path)
client() { tmo 20 "$C" -s "$SOCK" "$@" 2>&1; }
prefix="pvmx.$(id -u).$PVM_VMID."
regions() { ls /dev/shm 2>/dev/null | grep -F "$prefix" || true; }
bells() { ls "$(dirname "$SOCK")" 2>/dev/null | grep '\.bell$' || true; }
# (the daemon thread's own: /proc/PID/io also counts its reaped children)
rchar() { awk '$1 == "rchar:" { print $2 }' "/proc/$PVMD_PID/task/$PVMD_PID/io"; }

# 1. random traffic, both ways, route switches, multicasts
seed=$(( $$ * 7919 ))
out=$(cd "$TEST_TMP" && tmo 100 "$PROGS/direct_t" pair 200 "$seed" 2>&1)
printf '%s\n' "$out" | sed 's/^/    /'
[ "$(printf '%s\n' "$out" | grep -c '^ok - peer')" = 2 ] && ! printf '%s\n' "$out" | grep -q FAIL &&
	pass "200 random messages each way (seed $seed), in order and intact across route switches" ||
	fail "random traffic between two tasks (seed $seed)"

# 2. 64 MiB by the direct route: the daemon does not read it
# stream ROUTE: 64 MiB to a sink by ROUTE; sets OUT and READ (what the
# daemon read meanwhile)
stream() {
	local before
	before=$(rchar)
	OUT=$(cd "$TEST_TMP" && tmo 60 "$PROGS/direct_t" stream 64 "$1" 2>&1)
	READ=$(($(rchar) - before))
}
stream direct
expect_match "64 MiB sent directly arrived" "^ok - the sink took 64 of 64" "$OUT"
[ "$READ" -lt $((8 << 20)) ] &&
	pass "the daemon read $READ bytes while 64 MiB went directly" ||
	fail "the daemon read $READ bytes while 64 MiB should have gone directly"
stream daemon
expect_match "64 MiB sent by the daemons arrived" "^ok - the sink took 64 of 64" "$OUT"
[ "$READ" -gt $((64 << 20)) ] &&
	pass "with PvmDontRoute the daemon read all of it ($READ bytes)" ||
	fail "with PvmDontRoute the daemon read only $READ bytes"

# 3. a task's region: made at register, gone after kill -9
base=$(regions | wc -l)
out=$(client "spawn:direct_t:1:0::sleeper")
tid=$(printf '%s\n' "$out" | sed -n 's/^spawn code=1 tids=//p')
has_region() { [ -e "/dev/shm/$prefix${tid#0x}" ]; }
if [ -n "$tid" ] && wait_until 10 has_region; then
	pass "the daemon made t${tid#0x}'s region in /dev/shm"
	pid=$(client "tasks" | sed -n "s/.*tid=$tid .* pid=\([0-9]*\).*/\1/p")
	[ -n "$pid" ] && kill -KILL "$pid"
	no_region() { ! has_region && [ ! -e "$(dirname "$SOCK")/pvmd.$PVM_VMID.t${tid#0x}.bell" ]; }
	wait_until 10 no_region &&
		pass "after kill -9 of t${tid#0x} (pid $pid) its region and doorbell are gone" ||
		fail "t${tid#0x}'s region or doorbell outlived its kill -9: $(regions) $(bells)"
else
	fail "no region for the spawned task ($out)"
fi
expect_eq "as many regions as before" "$base" "$(regions | wc -l)"

# 3b. a receiver of this host that never reads: its full ring holds the
# sender up (bounded memory); killed, it lets the sender finish
(cd "$TEST_TMP" && tmo 60 "$PROGS/direct_t" flood 64 "$(hostname)" >"$TEST_TMP/flood.out" 2>&1) &
fpid=$!
EXTRA_PIDS="$EXTRA_PIDS $fpid"
started() { grep -q "^idle t" "$TEST_TMP/flood.out" 2>/dev/null; }
if wait_until 20 started; then
	ipid=$(sed -n 's/^idle t.* pid \([0-9]*\)$/\1/p' "$TEST_TMP/flood.out")
	fpid_task=$(pgrep -f "^$PROGS/direct_t flood 64" | head -1)
	sleep 2
	n1=$(grep -c '^sent' "$TEST_TMP/flood.out")
	rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$fpid_task/status" 2>/dev/null)
	[ "$n1" -lt 64 ] && [ -n "$rss" ] && [ "$rss" -lt $((48 << 10)) ] &&
		pass "a local receiver that never reads holds its sender up ($n1 of 64 MiB sent, peak ${rss} KiB)" ||
		fail "the sender to a local receiver that never reads: $n1 of 64 MiB sent, peak '${rss}' KiB"
	[ -n "$ipid" ] && kill -KILL "$ipid"
	done_() { grep -q '^flood done' "$TEST_TMP/flood.out"; }
	wait_until 30 done_ && ! grep -q FAIL "$TEST_TMP/flood.out" &&
		pass "after kill -9 of the local receiver the sender finished, every send 0" ||
		fail "the sender after its local receiver was killed: $(tail -2 "$TEST_TMP/flood.out")"
else
	fail "the local flood did not start: $(cat "$TEST_TMP/flood.out")"
fi
wait "$fpid" 2>/dev/null

# 4. blocked in pvm_recv for 2 s: under 1% of a core (20 ms)
out=$(cd "$TEST_TMP" && tmo 20 "$PROGS/direct_t" blocked 2 2>&1)
us=$(printf '%s\n' "$out" | sed -n 's/^cpu_us //p')
[ -n "$us" ] && [ "$us" -lt 20000 ] &&
	pass "a task blocked 2 s in pvm_recv used ${us} us of CPU" ||
	fail "a task blocked 2 s in pvm_recv used '${us}' us of CPU"

# ... and so does one blocked 1 s waiting for a reply of its daemon (a
# mailbox entry a child puts late), once its daemon's note has moved
out=$(cd "$TEST_TMP" && tmo 20 "$PROGS/direct_t" blocked 1 mbox 2>&1)
us=$(printf '%s\n' "$out" | sed -n 's/^cpu_us //p')
[ -n "$us" ] && [ "$us" -lt 20000 ] && ! printf '%s\n' "$out" | grep -q '^FAIL' &&
	pass "a task waiting 1 s for its daemon's reply used ${us} us of CPU" ||
	fail "a task waiting 1 s for its daemon's reply used '${us}' us of CPU: $out"

# ... and with PvmPollType = PvmPollConstant it spins instead, as asked:
# it never sleeps (voluntary context switches).  How much CPU a spinner
# gets depends on the load: it gives its core away every 20 us, and with
# a busy process on its core (a compiler of a parallel build) gets back
# only 20 us of each of that one's time slices, 2% of the core.  So it
# spun if it used 50 ms of CPU or, runnable all along, was switched out
# (involuntarily: a yield that gave the core away) 100 times or more; a
# task asleep in poll is neither.
out=$(cd "$TEST_TMP" && tmo 20 "$PROGS/direct_t" blocked 1 constant 2>&1)
us=$(printf '%s\n' "$out" | sed -n 's/^cpu_us //p')
sleeps=$(printf '%s\n' "$out" | sed -n 's/^sleeps //p')
preempted=$(printf '%s\n' "$out" | sed -n 's/^preempted //p')
expect_match "PvmPollType and PvmPollTime refuse values PVM refuses" "^ok - PvmPollType 7" "$out"
[ -n "$us" ] && [ -n "$preempted" ] && { [ "$us" -gt 50000 ] || [ "$preempted" -ge 100 ]; } &&
	[ -n "$sleeps" ] && [ "$sleeps" -le 2 ] &&
	pass "with PvmPollConstant a task blocked 1 s spun (${us} us of CPU, slept $sleeps times, switched out $preempted times)" ||
	fail "with PvmPollConstant a task blocked 1 s used '${us}' us of CPU, slept '${sleeps}' times and was switched out '${preempted}' times"

# 5. daemon-routed messages to a spinning task that never polls its
# socket while it spins: each is seen by the daemon's note
out=$(cd "$TEST_TMP" && PVMX_DAEMON_POLL_CALLS=0 PVM_EXPORT=PVMX_DAEMON_POLL_CALLS \
	tmo 60 "$PROGS/direct_t" few 200 "$(hostname)" noted 2>&1)
expect_match "a spinning task saw 200 daemon-routed messages by its note" \
	"^ok - 200 of 200 messages of 8 bytes echoed" "$out"

vm_stop
left=$(regions)
expect_eq "no region of ours left in /dev/shm after the daemon halted" "" "$left"
finish

#!/usr/bin/env bash
# test_fabric_route.sh - the libfabric route between tasks of different
# hosts (libpvm/lpvm_route_fabric.c, docs/routes.md), on three loopback
# hosts (daemons of their own, started through scripts/lo-rsh):
#   1. three pairs of tasks, one pair per two hosts, all at once, send each
#      other random messages (0 B - 4 MiB, random tags, PvmDataInPlace and
#      multicasts among them), switching between PvmRouteDirect and
#      PvmDontRoute mid-stream: every message arrives once, in order,
#      intact;
#   2. 64 MiB sent directly to another host passes through neither
#      daemon; with PvmDontRoute both daemons carry it;
#   3. a task's endpoint listens on its host's address, not elsewhere;
#   4. a receiver that never reads holds its sender up (bounded memory),
#      and once it is killed the sender goes on and finishes;
#   5. with PVMX_FABRIC_PROVIDER=none traffic still arrives (daemon route),
#      and so it does from a task of another rxm eager limit than its peer's;
#   6. pvm_psend/pvm_precv, message handlers, pvm_recvf and a select on
#      pvm_getfds work with a task of another host;
#   7. a task that sends a few small messages to another host opens no
#      endpoint (they go through the daemons); one that sends more than
#      PVMX_FABRIC_OPEN_AFTER (64) does.
# Parts 2-4 measure the direct route itself: their tasks open their
# endpoints at the first message (PVMX_FABRIC_OPEN_AFTER=0, exported to
# the tasks they spawn), as otherwise a receiver that has sent nothing
# away opens its endpoint only when its sender looks it up, and the
# sender's first messages meanwhile go through the daemons.
# Skips (77) in a build without libfabric.
source "$PVMX_SRC/tests/integration/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
D=$PROGS/direct_t

# (a build with libfabric must pass this; only one without it skips)
if ! grep -q '^PVMX_WITH_FABRIC:BOOL=ON' "$PVMX_BUILD/CMakeCache.txt" ||
	! grep -q '^LIBFABRIC_FOUND:INTERNAL=1' "$PVMX_BUILD/CMakeCache.txt"; then
	echo "SKIP: this build has no libfabric (PVMX_WITH_FABRIC, pkg-config libfabric)"
	exit 77
fi

# (the daemon thread's own: /proc/PID/io also counts its reaped children)
rchar() { awk '$1 == "rchar:" { print $2 }' "/proc/$1/task/$1/io"; }

printf '127.0.0.2\n127.0.0.3\n' >"$TEST_TMP/hosts"
vm_start "$TEST_TMP/hosts"
three() { [ "$(echo conf | tmo 10 "$BIN/pvm" 2>/dev/null | sed -n 1p)" = "3 hosts, 1 data format" ]; }
wait_until 30 three && pass "three hosts up" || { fail "the hosts did not come up"; finish; }
P2=$(daemon_pid 127.0.0.2)
P3=$(daemon_pid 127.0.0.3)
master=$(hostname)

# 1. three pairs across the three hosts at once
seed=$(($$ * 7919))
pids=""
i=0
for hp in "$master 127.0.0.2" "127.0.0.2 127.0.0.3" "127.0.0.3 $master"; do
	# shellcheck disable=SC2086
	(cd "$TEST_TMP" && tmo 150 "$D" pair 150 $((seed + i)) $hp >"$TEST_TMP/pair$i.out" 2>&1) &
	pids="$pids $!"
	i=$((i + 1))
done
EXTRA_PIDS="$EXTRA_PIDS $pids"
# shellcheck disable=SC2086
wait $pids
for i in 0 1 2; do
	out=$(cat "$TEST_TMP/pair$i.out")
	printf '%s\n' "$out" | sed "s/^/    [pair $i] /"
	[ "$(printf '%s\n' "$out" | grep -c '^ok - peer')" = 2 ] && ! printf '%s\n' "$out" | grep -q FAIL &&
		pass "pair $i: 150 random messages each way (seed $((seed + i))), in order and intact across route switches" ||
		fail "pair $i: random traffic across hosts (seed $((seed + i)))"
done

# 2. 64 MiB to another host: directly, then by the daemons
at_once() { PVMX_FABRIC_OPEN_AFTER=0 PVM_EXPORT=PVMX_FABRIC_OPEN_AFTER "$@"; }
# stream ROUTE: 64 MiB to 127.0.0.2 by ROUTE; sets OUT, R1 and R2 (what
# the master's and 127.0.0.2's daemons read meanwhile)
stream() {
	local b1 b2
	b1=$(rchar "$PVMD_PID")
	b2=$(rchar "$P2")
	OUT=$(cd "$TEST_TMP" && at_once tmo 120 "$D" stream 64 "$1" 127.0.0.2 2>&1)
	R1=$(($(rchar "$PVMD_PID") - b1))
	R2=$(($(rchar "$P2") - b2))
}
stream direct
expect_match "64 MiB sent directly to 127.0.0.2 arrived" "^ok - the sink took 64 of 64" "$OUT"
[ "$R1" -lt $((8 << 20)) ] && [ "$R2" -lt $((8 << 20)) ] &&
	pass "the daemons read $R1 and $R2 bytes while 64 MiB went directly" ||
	fail "the daemons read $R1 and $R2 bytes while 64 MiB should have gone directly"
stream daemon
expect_match "64 MiB sent by the daemons arrived" "^ok - the sink took 64 of 64" "$OUT"
[ "$R1" -gt $((64 << 20)) ] && [ "$R2" -gt $((64 << 20)) ] &&
	pass "with PvmDontRoute both daemons read all of it ($R1, $R2 bytes)" ||
	fail "with PvmDontRoute the daemons read only $R1 and $R2 bytes"

# 3 and 4. a receiver on 127.0.0.3 that never reads
(cd "$TEST_TMP" && at_once tmo 120 "$D" flood 64 127.0.0.3 >"$TEST_TMP/flood.out" 2>&1) &
fpid=$!
EXTRA_PIDS="$EXTRA_PIDS $fpid"
started() { grep -q '^idle t' "$TEST_TMP/flood.out"; }
wait_until 30 started || fail "the flood did not start: $(cat "$TEST_TMP/flood.out")"
tid=$(sed -n 's/^idle t\([0-9a-f]*\) .*/\1/p' "$TEST_TMP/flood.out")
ipid=$(sed -n 's/^idle t.* pid \([0-9]*\)$/\1/p' "$TEST_TMP/flood.out")
fpid_task=$(pgrep -f "^$D flood 64" | head -1)
listen=$(ss -Htlnp 2>/dev/null | grep "pid=$ipid," | awk '{ print $4 }' | sort -u | tr '\n' ' ')
[ -n "$ipid" ] && [ -n "$listen" ] && ! printf '%s' "$listen" | grep -qv '^127\.0\.0\.3:' &&
	pass "the endpoint of t$tid (pid $ipid) listens on its host's address only: $listen" ||
	fail "the endpoint of t$tid (pid '$ipid') listens on '$listen', not 127.0.0.3 only"
sleep 3
n1=$(grep -c '^sent' "$TEST_TMP/flood.out")
rss=$(awk '/^VmHWM/ { print $2 }' "/proc/$fpid_task/status" 2>/dev/null)
! grep -q '^flood done' "$TEST_TMP/flood.out" && [ "$n1" -lt 64 ] &&
	pass "a receiver that never reads holds its sender up ($n1 of 64 MiB sent after 3 s)" ||
	fail "the sender to a receiver that never reads was not held up ($n1 sent)"
[ -n "$rss" ] && [ "$rss" -lt $((48 << 10)) ] &&
	pass "meanwhile the sender's peak memory is ${rss} KiB" ||
	fail "the sender's peak memory is '${rss}' KiB while its receiver does not read"
[ -n "$ipid" ] && kill -KILL "$ipid"
done_() { grep -q '^flood done' "$TEST_TMP/flood.out"; }
wait_until 30 done_ &&
	pass "after kill -9 of the receiver (pid $ipid) the sender went on and finished" ||
	fail "the sender hangs after its receiver was killed: $(tail -3 "$TEST_TMP/flood.out")"
! grep -q FAIL "$TEST_TMP/flood.out" && pass "every send returned 0" ||
	fail "a send failed: $(grep FAIL "$TEST_TMP/flood.out" | head -3)"
wait "$fpid" 2>/dev/null

# 6. psend/precv, a message handler, pvm_recvf and a select on pvm_getfds
# with the partner on another host
out=$(cd "$TEST_TMP" && tmo 60 "$D" features 127.0.0.2 2>&1)
printf '%s\n' "$out" | sed 's/^/    /'
[ "$(printf '%s\n' "$out" | grep -c '^ok - ')" -ge 5 ] && ! printf '%s\n' "$out" | grep -q FAIL &&
	pass "psend/precv, a handler, recvf and select on pvm_getfds work with a task of another host" ||
	fail "psend/precv, handler, recvf or select with a task of another host"

# 5. no fabric in this task: still there, by the daemons
out=$(cd "$TEST_TMP" && PVMX_FABRIC_PROVIDER=none tmo 120 "$D" stream 8 direct 127.0.0.3 2>&1)
expect_match "without the fabric route 8 MiB still arrive" "^ok - the sink took 8 of 8" "$out"

# 5b. a task whose rxm eager limit differs from its peer's (the user's
# FI_OFI_RXM_EAGER_LIMIT on one end only: rxm would refuse the
# connection, and retry it for ever): its endpoint address is refused,
# and the messages go through the daemons
out=$(cd "$TEST_TMP" && FI_OFI_RXM_EAGER_LIMIT=16384 at_once tmo 120 "$D" stream 8 direct 127.0.0.3 2>&1)
expect_match "with another rxm eager limit than its peer's, 8 MiB still arrive" \
	"^ok - the sink took 8 of 8" "$out"

# 7. the endpoint opens only for traffic worth it (the library says so at
# info level: "fabric route open on ADDR")
out=$(cd "$TEST_TMP" && PVMX_DEBUG=info tmo 60 "$D" few 3 127.0.0.2 2>&1)
expect_match "3 small messages to another host echoed" "^ok - 3 of 3 messages" "$out"
! printf '%s\n' "$out" | grep -q 'fabric route open' &&
	pass "3 small messages to another host opened no endpoint" ||
	fail "3 small messages opened an endpoint: $(printf '%s\n' "$out" | grep 'fabric route open')"
out=$(cd "$TEST_TMP" && PVMX_DEBUG=info tmo 60 "$D" few 200 127.0.0.2 2>&1)
expect_match "200 small messages to another host echoed" "^ok - 200 of 200 messages" "$out"
printf '%s\n' "$out" | grep -q 'fabric route open' &&
	pass "200 small messages to another host opened its endpoint" ||
	fail "200 small messages opened no endpoint: $(printf '%s\n' "$out" | tail -3)"

vm_stop
finish

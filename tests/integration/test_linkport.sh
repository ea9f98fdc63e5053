#!/usr/bin/env bash
# test_linkport.sh - a daemon's doors against a stranger (issue 11, item
# 4): a link that trickles its TLS handshake is closed at its hello
# deadline, counted from accept (not reset by each byte); links not yet
# past their hello are capped per source address (and in all) while the
# machine's own hosts still reach each other; out of descriptors, the
# links' listener pauses instead of spinning, says so once, and recovers;
# a local connection that never registers is closed at the same deadline.
# Loopback hosts through scripts/lo-rsh; the stranger comes from other
# loopback addresses.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
export PVMX_HOST_TIMEOUT_MS=60000
export PVMX_HELLO_TIMEOUT_MS=1500
LP=$PROGS/link_probe
MH=$PROGS/mh_t

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

vm_start -d 2
out=$(tmo 60 "$MH" add 127.0.0.2 127.0.0.3)
expect_match "two loopback hosts added" "^add 2 " "$out"
port=$(sed -n 's/.*127\.0\.0\.2 port \([0-9]*\)) added.*/\1/p' "$(log_path)" | head -1)
p2=$(daemon_pid 127.0.0.2)
log2=$(find "$TEST_TMP/lo-127.0.0.2" -name 'pvmd.*.log' | head -1)
[ -n "$port" ] && [ -n "$p2" ] && [ -n "$log2" ] &&
	pass "127.0.0.2's daemon (pid $p2) listens on port $port, logs to $log2" ||
	fail "127.0.0.2: port [$port] pid [$p2] log [$log2]"

# --- a trickled handshake: closed at the deadline -------------------------
out=$(tmo 20 "$LP" drip 127.0.0.2 "$port" 127.0.0.6 300 8)
ms=$(printf '%s\n' "$out" | sed -n 's/^closed //p')
[ -n "$ms" ] && [ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ] &&
	pass "a handshake trickled a byte every 300 ms is closed after $ms ms (deadline 1500)" ||
	fail "a trickled handshake: '$out' (deadline 1500 ms)"

# --- many links from one address: capped; the hosts still talk ----------
tmo 30 "$LP" hold 127.0.0.2 "$port" 20 500 8 127.0.0.5 >"$TEST_TMP/hold.out" 2>&1 &
holder=$!
EXTRA_PIDS="$EXTRA_PIDS $holder"
wait_until 10 grep -q "^open" "$TEST_TMP/hold.out"
out=$(cat "$TEST_TMP/hold.out")
k=$(printf '%s\n' "$out" | sed -n 's/^open \([0-9]*\) of 20$/\1/p')
[ -n "$k" ] && [ "$k" -le 8 ] && [ "$k" -ge 1 ] &&
	pass "of 20 links from 127.0.0.5, $k stay open (cap 8 per address)" ||
	fail "20 links from one address: '$out'"
grep -q "link from 127.0.0.5: refused" "$log2" &&
	pass "the refusals are logged" || fail "no refusal in $log2"
xhost() { # xhost WHAT: tasks of the three hosts exchange messages
	out=$(tmo 60 "$MH" xhost 2>&1)
	if [ $? = 0 ] && ! printf '%s\n' "$out" | grep -q "^FAIL"; then
		pass "$1"
	else
		fail "$1:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}
xhost "meanwhile tasks of all three hosts exchange messages"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# --- out of descriptors: the listener pauses, it does not spin ----------
if prlimit --pid "$p2" --nofile=40:40 2>/dev/null; then
	srcs=""
	for i in 10 11 12 13 14 15 16 17; do srcs="$srcs 127.0.0.$i"; done
	# shellcheck disable=SC2086
	tmo 30 "$LP" hold 127.0.0.2 "$port" 8 300 6 $srcs >"$TEST_TMP/hold2.out" 2>&1 &
	holder=$!
	EXTRA_PIDS="$EXTRA_PIDS $holder"
	wait_until 10 grep -q "^open" "$TEST_TMP/hold2.out"
	t0=$(cpu_ticks "$p2")
	sleep 2
	t1=$(cpu_ticks "$p2")
	used=$(( (t1 - t0) * 1000 / $(getconf CLK_TCK) ))
	[ "$used" -lt 400 ] &&
		pass "at its descriptor limit the daemon used $used ms of CPU in 2 s" ||
		fail "at its descriptor limit the daemon used $used ms of CPU in 2 s (spinning)"
	n=$(grep -c "accept on the daemon links' port: .*pausing" "$log2")
	[ "$n" = 1 ] && pass "it said so once" || fail "'pausing' logged $n times in 2 s"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	prlimit --pid "$p2" --nofile=1024:1024
	# (the links that waited in the backlog are accepted and closed)
	fds_below() { [ "$(ls "/proc/$p2/fd" | wc -l)" -lt "$1" ]; }
	wait_until 10 fds_below 30 || fail "127.0.0.2's daemon still has $(ls "/proc/$p2/fd" | wc -l) descriptors"
	xhost "once descriptors are free, the three hosts still exchange messages"
else
	fail "prlimit cannot lower the daemon's descriptor limit"
fi

# --- a local connection that never registers ----------------------------
out=$(tmo 20 "$LP" unix "$(sock_path)" 6)
ms=$(printf '%s\n' "$out" | sed -n 's/^closed //p')
[ -n "$ms" ] && [ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ] &&
	pass "an unregistered local connection is closed after $ms ms" ||
	fail "an unregistered local connection: '$out'"
kill -0 "$PVMD_PID" && pass "the master still runs" || fail "the master died"
finish

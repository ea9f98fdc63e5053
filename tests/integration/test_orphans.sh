#!/usr/bin/env bash
# test_orphans.sh - nothing outlives its daemon, and nothing a daemon
# inherited reaches what it starts (issue 11, item 6): a task that does
# not use libpvm (/bin/sleep) ends when its daemon is killed with -9, on
# the master and on another host; a descriptor left open by whoever
# started the master reaches neither a task nor the other host's daemon.
# Loopback hosts through scripts/lo-rsh.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
# a killed daemon's link closes: its host is deleted at once, never by
# a timeout on this loaded machine
export PVMX_HOST_TIMEOUT_MS=60000
ST=$PROGS/spawn_t
MH=$PROGS/mh_t
INHERITED=$TEST_TMP/inherited

# sleeper_of DIR: the pid of our /bin/sleep 300 whose PVM_TMP is DIR
sleeper_of() {
	local p
	for p in $(pgrep -x sleep); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "PVM_TMP=$1" && { echo "$p"; return; }
	done
}
# holds PID: PID has a descriptor on $INHERITED
holds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q -- "-> $INHERITED\$"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# the master starts with descriptor 9 open (as a harness or shell may
# leave one); it must be the only one to hold it
exec 9>"$INHERITED"
vm_start
exec 9>&-
holds "$PVMD_PID" && pass "the master holds the inherited descriptor (the test's premise)" ||
	fail "the master does not hold descriptor 9: the test cannot tell anything"

out=$(tmo 60 "$MH" add 127.0.0.2)
expect_match "a loopback host is added" "^add 1 " "$out"
p2=$(daemon_pid 127.0.0.2)
[ -n "$p2" ] && pass "its daemon runs (pid $p2)" || fail "no daemon for 127.0.0.2"

out=$(tmo 20 "$ST" "$(hostname)" sleep 300)
expect_match "sleep 300 spawned on the master" "^spawned 1 " "$out"
out=$(tmo 20 "$ST" 127.0.0.2 sleep 300)
expect_match "sleep 300 spawned on the other host" "^spawned 1 " "$out"
wait_until 10 test -n "$(sleeper_of "$TEST_TMP")"
s1=$(sleeper_of "$TEST_TMP")
wait_until 10 test -n "$(sleeper_of "$TEST_TMP/lo-127.0.0.2")"
s2=$(sleeper_of "$TEST_TMP/lo-127.0.0.2")
[ -n "$s1" ] && [ -n "$s2" ] && pass "both run (pids $s1 $s2)" ||
	fail "sleepers: master [$s1] other host [$s2]"

for p in $s1 $s2 $p2; do
	holds "$p" && fail "pid $p ($(cat /proc/"$p"/comm)) inherited the master's descriptor 9" ||
		pass "pid $p ($(cat /proc/"$p"/comm 2>/dev/null)) does not hold the master's descriptor"
done

# the other host's daemon is killed: its task ends with it, and the
# master (whose link closed) goes on
[ -n "$p2" ] && kill -KILL "$p2"
if [ -n "$s2" ] && wait_until 5 gone "$s2"; then
	pass "the other host's sleep ended with its daemon"
else
	fail "the other host's sleep (pid $s2) outlived its killed daemon"
fi
kill -0 "$PVMD_PID" 2>/dev/null && pass "the master still runs" || fail "the master died"

# now the master: killed with -9, its sleep ends too
kill -KILL "$PVMD_PID"
wait "$PVMD_PID" 2>/dev/null
PVMD_PID=""
if [ -n "$s1" ] && wait_until 5 gone "$s1"; then
	pass "the master's sleep ended with its daemon"
else
	fail "the master's sleep (pid $s1) outlived its killed daemon"
fi
# (the regions of the killed daemons' tasks are lib.sh's to remove)
finish

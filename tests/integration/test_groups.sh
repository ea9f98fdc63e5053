#!/usr/bin/env bash
# test_groups.sh - group membership at each group's home daemon
# (docs/groups-membership.md), driven by tests/integration/progs/grp_t.c:
# on one host, join/leave/instance reuse/gettid/getinst/gsize/freeze and
# their errors as PVM 3.4.6 returns them, barriers with a count and -1,
# a waiter or a member killed with -9; on four loopback hosts, groups
# homed on different daemons, concurrent barriers, a host's daemon
# killed; hosts added while groups exist (their home moves); and
# members reading a group from their own daemon's view while it changes
# on another host; a freeze answered with the group (one request per
# call, and none after); frozen groups staying frozen when their home
# moves to an added host and when that host's daemon is killed.  Also the
# console's groups command.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
export PATH=$PROGS:$PATH
GT=$PROGS/grp_t

# run WHAT CMD...: a grp_t scenario; its ok/FAIL lines counted here
run() {
	local what=$1 out rc n
	shift
	out=$(cd "$TEST_TMP" && tmo 100 "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/    [$what] /"
	n=$(printf '%s\n' "$out" | grep -c '^FAIL - ')
	if [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] && printf '%s\n' "$out" | grep -q '^grp_t: 0 failure'; then
		pass "$what: every check passed"
	else
		fail "$what: exit $rc, $n FAIL line(s)"
	fi
}

vm_start
run "one host" "$GT" basic
# the freeze's answer carries the group: each member's freeze is one
# request to the home, and its later reads and collectives are none
run "freeze" "$GT" freeze
served=$(grep 'tickle: group requests served here' "$(log_path)")
printf '%s\n' "$served" | sed 's/^/    [home] /'
# count LINE OP: OP's count in dump LINE (1 before the freezes, 2 after)
count() {
	local n
	n=$(printf '%s\n' "$served" | sed -n "$1s/.* $2 \([0-9]*\).*/\1/p")
	echo "${n:-99999}"
}
for op in freeze view gsize gettid getinst; do
	eval "d_$op=\$((\$(count 2 $op) - \$(count 1 $op)))"
done
expect_eq "three freezes: three requests served by the home" 3 "$d_freeze"
expect_eq "and no view asked for, at the freeze or after" 0 "$d_view"
expect_eq "the members' reads of the frozen group: none at the home" 0 \
	"$((d_gsize + d_gettid + d_getinst))"
vm_stop

# frozen groups: their home moves to an added host, which then dies
vm_start
run "frozen groups" "$GT" frozen 127.0.0.2 127.0.0.3
vm_stop

# groups made before hosts are added
vm_start
run "hosts added" "$GT" add 127.0.0.2 127.0.0.3
"$GT" hold cons.g 30 >"$TEST_TMP/hold1" 2>&1 &
h1=$!
wait_until 10 grep -q '^hold 0' "$TEST_TMP/hold1"
"$GT" hold cons.g 30 >"$TEST_TMP/hold2" 2>&1 &
h2=$!
wait_until 10 grep -q '^hold 1' "$TEST_TMP/hold2"
out=$(printf 'groups\ngroups cons.g\ngroups nosuch\nquit\n' | tmo 20 "$BIN/pvm" 2>&1)
printf '%s\n' "$out" | sed 's/^/    [pvm] /'
expect_match "the console lists the group, its size and home" \
	'^group cons\.g: 2 members, dynamic, home t[0-9a-f]+0000$' "$out"
expect_match "and its members by instance, with their hosts" '^ +1 +[0-9a-f]+ +40000$' "$out"
expect_match "groups NAME of no group says so" '^groups: no group nosuch$' "$out"
kill -KILL "$h1" "$h2" 2>/dev/null
wait "$h1" "$h2" 2>/dev/null
vm_stop

# reads answered by the members' own daemon (daemon/groupview.c)
vm_start
out=$(tmo 60 "$PROGS/mh_t" add 127.0.0.2)
expect_match "a loopback host added" "^add 1 " "$out"
run "views" "$GT" views 127.0.0.2
log2=$PVM_TMP/lo-127.0.0.2/pvmx-$(id -u)/pvmd.$PVM_VMID.log
dump=$(grep 'tickle: group view' "$log2")
printf '%s\n' "$dump" | sed 's/^/    [127.0.0.2] /'
# 2 x 200 rounds of 3 reads, all but the first from the view
reads=$(printf '%s\n' "$dump" | sed -n 's/.*group views: [0-9]* came from home daemons, \([0-9]*\) reads answered.*/\1/p')
[ -n "$reads" ] && [ "$reads" -ge 1190 ] &&
	pass "127.0.0.2's daemon answered $reads of the 1200 reads from its view" ||
	fail "127.0.0.2's daemon's view answered [${reads}] reads"
# the joins and leaves drop the view: it came a few times, not per read
fills=$(printf '%s\n' "$dump" | sed -n 's/.*group views: \([0-9]*\) came from home daemons.*/\1/p')
[ -n "$fills" ] && [ "$fills" -le 8 ] && pass "it asked the home daemon $fills times" ||
	fail "it asked the home daemon [${fills}] times"
# 51 barriers with two members there: their calls held and sent together
calls=$(printf '%s\n' "$dump" | sed -n 's/.* \([0-9]*\) barrier calls held and sent in \([0-9]*\) messages.*/\1 \2/p')
set -- $calls
[ "${1:-0}" -ge 96 ] && [ "$((${2:-999} * 2))" -eq "$1" ] &&
	pass "$1 barrier calls of the members there went to the home in $2 messages" ||
	fail "barrier calls held and messages: [$calls]"
vm_stop

vm_start
out=$(tmo 60 "$PROGS/mh_t" add 127.0.0.2 127.0.0.3 127.0.0.4)
expect_match "three loopback hosts added" "^add 3 " "$out"
p3=$(daemon_pid 127.0.0.3)
[ -n "$p3" ] && pass "127.0.0.3's daemon is pid $p3" || fail "no daemon pid for 127.0.0.3"
run "four hosts" "$GT" hosts 127.0.0.2 127.0.0.3 127.0.0.4 "${p3:-0}"
vm_stop
finish

#!/usr/bin/env bash
# test_coll.sh - the collectives (libpvm/lpvm_coll.c, docs/groups.md)
# among real tasks on real daemons: the tasks make their group with the
# internal pvmx_coll_test_view, then by joining it (frozen, and dynamic)
# (tests/integration/progs/coll_t.c).  Each run checks reductions of
# every type and operation against a serial answer, gather and scatter
# of every type, bcasts from every instance (sender and tag as
# pvm_bufinfo shows them), 200 back-to-back reductions with one tag,
# barriers (none leaves one before the last member entered), argument
# errors, and that user messages of the same tags sent before are still
# there after:
#   1. 2 and 4 tasks on one host (the barrier by the exchange among
#      the members: the default for 2, PVMX_BARRIER_ONEHOST_MAX=4 for 4);
#   2. 6 tasks on one host;
#   3. 5 tasks over three loopback hosts (scripts/lo-rsh), two of them
#      with several tasks, so host leaders and the tree both work (the
#      leaders' barrier by the exchange, then along the tree);
#   4. 4 tasks on one host and 5 over three hosts, the group frozen, and
#      5 over three hosts, the group dynamic;
#   5. a member (on another host) killed during a reduction and a gather:
#      the root gets PvmNoTask, every survivor comes back.
source "$PVMX_SRC/tests/integration/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh

# run LABEL ARGS...: coll_t ARGS, every line of its kinds "ok", "coll: done"
run() {
	local label=$1 out rc
	shift
	out=$(cd "$TEST_TMP" && tmo 100 "$PROGS/coll_t" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^ok - ' | sed "s/^/    [$label] /"
	expect_eq "$label: coll_t exits 0" 0 "$rc"
	expect_eq "$label: coll_t reaches its end" 1 "$(printf '%s\n' "$out" | grep -c '^coll: done$')"
	expect_eq "$label: every kind of check passed in every task" 8 \
		"$(printf '%s\n' "$out" | grep -c '^ok - .*, 0 failed$')"
	printf '%s\n' "$out" | grep '^ok - ' | sed "s/^/    [$label] /"
	if printf '%s\n' "$out" | grep -q FAIL; then
		fail "$label: failures (above)"
	fi
}

printf '127.0.0.2\n127.0.0.3\n' >"$TEST_TMP/hosts"
vm_start "$TEST_TMP/hosts"
three() { [ "$(echo conf | tmo 10 "$BIN/pvm" 2>/dev/null | sed -n 1p)" = "3 hosts, 1 data format" ]; }
wait_until 30 three && pass "three hosts up" || { fail "the hosts did not come up"; finish; }
master=$(hostname)

run "2 tasks, one host" 2 "$master"
run "4 tasks, one host" 4 "$master"
# the barrier of 4 members of one host by the exchange among them all
# (PVMX_BARRIER_ONEHOST_MAX=4) instead of through the host's leader
PVMX_BARRIER_ONEHOST_MAX=4 PVM_EXPORT=PVMX_BARRIER_ONEHOST_MAX \
	run "4 tasks, one host, members' exchange barrier" 4 "$master"
run "6 tasks, one host" 6 "$master"
run "5 tasks, three hosts" 5 127.0.0.2 127.0.0.3 127.0.0.2 "$master"
# the host leaders' barrier along the tree (PVMX_BARRIER_EXCHANGE_MAX=0,
# passed to every member) instead of the exchange three hosts get
PVMX_BARRIER_EXCHANGE_MAX=0 PVM_EXPORT=PVMX_BARRIER_EXCHANGE_MAX \
	run "5 tasks, three hosts, leaders' tree barrier" 5 127.0.0.2 127.0.0.3 127.0.0.2 "$master"
# the same over real membership: the group joined and frozen (every
# member holds its view), or joined and left dynamic (its view asked of
# its home daemon at each collective; the barriers are the daemon's)
run "4 tasks, one host, frozen group" -m 4 "$master"
run "5 tasks, three hosts, frozen group" -m 5 127.0.0.2 127.0.0.3 127.0.0.2 "$master"
run "5 tasks, three hosts, dynamic group" -d 5 127.0.0.2 127.0.0.3 "$master" 127.0.0.3

# a member killed during a reduction (then a gather): the others come back
out=$(cd "$TEST_TMP" && tmo 60 "$PROGS/coll_t" -k 4 127.0.0.2 "$master" 127.0.0.3 2>&1)
rc=$?
printf '%s\n' "$out" | sed "s/^/    [killed member] /"
expect_eq "killed member: coll_t exits 0" 0 "$rc"
expect_eq "killed member: every check passed" 3 "$(printf '%s\n' "$out" | grep -c '^ok - ')"
vm_stop
finish

#!/usr/bin/env bash
# test_bcast_tree.sh - pvm_bcast of a frozen group spanning four loopback
# hosts (scripts/lo-rsh), several members on each, goes down the daemons'
# binomial tree of hosts (daemon/mcast.c, docs/groups.md); driven by
# tests/integration/progs/bcast_t.c:
#   - pvm_send, pvm_bcast, pvm_send from a root to every member, one tag,
#     30 rounds from two roots: each member gets them in that order, from
#     the root's tid, every byte of the bcast (up to 100 kB, checksummed)
#     exactly once;
#   - the members of the host at position 2, whose daemon passes the bcast
#     on to position 3, stay out of libpvm until position 3 has it;
#   - the frames each daemon sent to each other daemon during 200 bcasts
#     (pvm_tickle 7): about 200 on each edge of the tree (root -> positions
#     1 and 2, 2 -> 3), next to nothing between other pairs (the root's
#     daemon does not send to position 3).
source "$PVMX_SRC/tests/integration/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh

printf '127.0.0.2\n127.0.0.3\n127.0.0.4\n' >"$TEST_TMP/hosts"
vm_start "$TEST_TMP/hosts"
four() { [ "$(echo conf | tmo 10 "$BIN/pvm" 2>/dev/null | sed -n 1p)" = "4 hosts, 1 data format" ]; }
wait_until 30 four && pass "four hosts up" || { fail "the hosts did not come up"; finish; }
master=$(hostname)

# 9 members: 3 on the first host, 2 on each other; 6 members elsewhere
# would get direct sends (up to 8 do): PVMX_BCAST_DIRECT_MAX=0, passed to
# the members, makes every bcast take the tree
export PVMX_BCAST_DIRECT_MAX=0 PVM_EXPORT=PVMX_BCAST_DIRECT_MAX
out=$(cd "$TEST_TMP" && tmo 100 "$PROGS/bcast_t" 9 127.0.0.2 127.0.0.3 127.0.0.4 "$master" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    [bcast_t] /'
expect_eq "bcast_t exits 0" 0 "$rc"
expect_eq "bcast_t reaches its end" 1 "$(printf '%s\n' "$out" | grep -c '^bcast: done$')"
expect_eq "order, bytes and the stalled forwarder" 1 \
	"$(printf '%s\n' "$out" | grep -c '^ok - 9 members over 4 hosts: .*: 0 failures$')"
expect_eq "the cross-host frames follow the tree" 1 \
	"$(printf '%s\n' "$out" | grep -c '^ok - the bcasts.* cross-host frames follow the tree')"
if printf '%s\n' "$out" | grep -q '^FAIL'; then
	fail "failures (above)"
fi
vm_stop
finish

#!/usr/bin/env bash
# test_identity.sh - a daemon speaks only for its own host (docs/cluster.md,
# "Security model").  A VM of four loopback hosts: the master, a real pvmd
# (127.0.0.2) and two hosts whose "pvmd" is tests/progs/link_forge, holding
# the credential the master issued them: 127.0.0.3 only logs what reaches
# it, 127.0.0.4 is the compromised host and tries, with a credential that
# is truly its own: a hello claiming to be the master (then a host
# deletion), one claiming to be 127.0.0.3, a certificate it made itself,
# a frame from 127.0.0.3's tids, and a frame to pass on to 127.0.0.3.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
# the forger beats as a daemon does; the default host timeout (30 s)
# keeps a loaded machine from losing it
MH=$PROGS/mh_t
FORGE=$PROGS/link_forge
[ -x "$FORGE" ] || { echo "FAIL: $FORGE not built"; exit 1; }

log_of() { cat "$TEST_TMP/lo-$1/pvmx-$(id -u)/pvmd.$PVM_VMID.log" 2>/dev/null; }
forge_log() { cat "$TEST_TMP/lo-$1/forge.log" 2>/dev/null; }
forge_pids() {
	local h
	for h in 127.0.0.3 127.0.0.4; do
		forge_log $h | sed -n 's/^pid \([0-9]*\) .*/\1/p'
	done
}

for h in 127.0.0.3 127.0.0.4; do
	mkdir -p -m 700 "$TEST_TMP/lo-$h"
done
echo passive >"$TEST_TMP/lo-127.0.0.3/forge.plan"
echo "attack 127.0.0.2 127.0.0.3" >"$TEST_TMP/lo-127.0.0.4/forge.plan"

# 127.0.0.3 first, so that the attacker's table already has it
printf '127.0.0.2\n127.0.0.3 dx=%s\n&127.0.0.4 dx=%s\n' "$FORGE" "$FORGE" >"$TEST_TMP/hosts"
vm_start -d 2 "$TEST_TMP/hosts"
have_conf() { [ "$(tmo 10 "$MH" conf | head -1)" = "conf $1" ]; }
wait_until 20 have_conf 3 || fail "the master and two hosts did not come up"
out=$(echo "add 127.0.0.4" | tmo 30 "$BIN/pvm")
expect_match "the attacker joins as a host (its own credential)" "1 successful" "$out"
for p in $(forge_pids); do EXTRA_PIDS="$EXTRA_PIDS $p"; done

done_attacking() { forge_log 127.0.0.4 | grep -q '^attack: done'; }
wait_until 40 done_attacking || fail "the attacker did not finish"
echo "    [attacker]"
forge_log 127.0.0.4 | sed 's/^/    /'
echo "    [127.0.0.3, the victim]"
forge_log 127.0.0.3 | sed 's/^/    /'
for p in $(forge_pids); do EXTRA_PIDS="$EXTRA_PIDS $p"; done

a=$(forge_log 127.0.0.4)
expect_match "the attacker's table names both" "^attack: real t80000, victim tc0000" "$a"

# --- a hello claiming the master, or another host ---------------------------
expect_match "a hello claiming the master is refused" "^claim-master: refused" "$a"
log_of 127.0.0.2 | grep -q "refused: its hello claims t40000 (the master), its certificate proves t100000" &&
	pass "and 127.0.0.2 logs what was claimed and what was proved" ||
	fail "no refusal of the master claim in 127.0.0.2's log"
if log_of 127.0.0.2 | grep -q "(tc0000) leaves the virtual machine"; then
	fail "127.0.0.2 took a host deletion from the forger"
else
	pass "no host deletion reached 127.0.0.2"
fi
expect_match "a hello claiming another host is refused" "^claim-host: refused" "$a"
log_of 127.0.0.2 | grep -q "refused: its hello claims tc0000, its certificate proves t100000" &&
	pass "and logged" || fail "no refusal of the host claim in 127.0.0.2's log"
expect_match "a certificate of its own making (naming the master) is refused" \
	"^self-made: (TLS failed.*|refused)$" "$a"
log_of 127.0.0.2 | grep -q "TLS handshake or authentication failed: .*certificate verify failed" &&
	pass "and logged by TLS" || fail "no TLS refusal in 127.0.0.2's log"

# --- frames: only the sender's own tids, nothing for a second hop ------------
expect_match "as itself it is accepted" "^honest: accepted" "$a"
expect_match "a frame from another host's tid closes its link" "^forged-src: link closed" "$a"
log_of 127.0.0.2 | grep -q "link from t100000: refused a control frame from tc0001: not a tid of that host" &&
	pass "and 127.0.0.2 logs it" || fail "no forged-source line in 127.0.0.2's log"
expect_match "a frame for a third host closes its link to the master" \
	"^second-hop: link closed" "$a"
grep -q "link to t100000 (127.0.0.4 port [0-9]*): refused a control frame from t100000 for tc0005: not a tid of this host (no second hop)" "$(log_path)" ||
	grep -q "t100000: refused a control frame from t100000 for tc0005: not a tid of this host (no second hop)" "$(log_path)" &&
	pass "and the master logs it" || fail "no second-hop line in the master's log"
v=$(forge_log 127.0.0.3)
expect_match "the victim's link is up" "^master link up" "$v"
if printf '%s\n' "$v" | grep -q '^got '; then
	fail "a forged frame reached 127.0.0.3"
else
	pass "no forged frame reached 127.0.0.3"
fi

# --- the VM is whole but for the attacker, which the master dropped ----------
gone4() { ! tmo 10 "$MH" conf | grep -q "host 100000 "; }
wait_until 15 gone4 && pass "the master dropped the attacker" || fail "the attacker is still a host"
out=$(tmo 10 "$MH" conf)
expect_match "127.0.0.2 is still a host" "host 80000 127.0.0.2 " "$out"
expect_match "127.0.0.3 is still a host" "host c0000 127.0.0.3 " "$out"
[ -n "$(daemon_pid 127.0.0.2)" ] && pass "127.0.0.2's pvmd runs" || fail "127.0.0.2's pvmd is gone"

# --- a started daemon takes only a credential for its own tid ----------------
mkdir -m 700 "$TEST_TMP/lo-wrong"
line=$({ printf 'pvmx-boot 2\n'; "$FORGE" creds 0xc0000; printf 'vmid %s\ntid 524288\nmaster 262144\nbind 127.0.0.9\nend\n' "$PVM_VMID"; } |
	PVM_TMP=$TEST_TMP/lo-wrong tmo 10 "$BIN/pvmd" -s)
expect_match "pvmd -s refuses a credential naming another tid" "^pvmx-slave-error " "$line"

vm_stop
finish

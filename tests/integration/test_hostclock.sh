#!/usr/bin/env bash
# test_hostclock.sh - the hosts' clocks kept by the daemons
# (docs/tracing.md, daemon/hostclock.c): three loopback hosts, two of
# them with a shifted time of day (tests/integration/preload/clockskew.c,
# preloaded into that host's daemon and so its tasks); pvmx_hostclock,
# asked of the master's daemon and of another host's, gives each shift
# within its error bound; pvm_hostsync still measures its own; and
# pvmtrace, with the daemons' offsets, puts every receive after its send
# (which, uncorrected, some are not).
source "$PVMX_SRC/tests/integration/lib.sh"

SKEWLIB=$PVMX_BUILD/tests/preload/clockskew.so
[ -e "$SKEWLIB" ] || { echo "FAIL: $SKEWLIB not built"; exit 1; }
SKEW2=2000000   # 127.0.0.2's clock: 2 s ahead
SKEW3=-1500000  # 127.0.0.3's: 1.5 s behind
# a bound worth the name against such shifts, even on a loaded machine
ERR_MAX=200000

# the remote shell: lo-rsh, with the shifted clock for those two hosts
cat >"$TEST_TMP/skew-rsh" <<EOF
#!/bin/sh
for a in "\$@"; do
	case \$a in
	127.0.0.2) PVMX_TEST_CLOCK_SKEW_US=$SKEW2; break ;;
	127.0.0.3) PVMX_TEST_CLOCK_SKEW_US=$SKEW3; break ;;
	esac
done
export PVMX_TEST_CLOCK_SKEW_US
LD_PRELOAD="\${LD_PRELOAD:+\$LD_PRELOAD:}$SKEWLIB"
export LD_PRELOAD
exec "$PVMX_SRC/scripts/lo-rsh" "\$@"
EOF
chmod +x "$TEST_TMP/skew-rsh"
export PVM_RSH=$TEST_TMP/skew-rsh

skew_of() {
	case $1 in
	127.0.0.2) echo $SKEW2 ;;
	127.0.0.3) echo $SKEW3 ;;
	*) echo 0 ;;
	esac
}

vm_start
out=$(printf 'add 127.0.0.2 127.0.0.3\nquit\n' | tmo 60 "$BIN/pvm" 2>&1)
expect_match "three hosts" "2 successful" "$out"

# check_table WHAT BASE TABLE: each line's offset is (its skew - BASE)
# within its bound, the bound is below ERR_MAX, and pvm_hostsync agrees
check_table() {
	local what=$1 base=$2 name tid rc off err sync want bad=0 n=0
	while read -r _ name tid rc off err sync; do
		n=$((n + 1))
		want=$(($(skew_of "$name") - base))
		if [ "$rc" != 0 ]; then
			fail "$what: $name: pvmx_hostclock $rc"; bad=1; continue
		fi
		local d=$((off - want)) s=$((sync - want))
		if [ ${d#-} -gt "$err" ] || [ "$err" -gt $ERR_MAX ]; then
			fail "$what: $name: offset $off within $err, want $want"; bad=1
		fi
		if [ ${s#-} -gt $ERR_MAX ]; then
			fail "$what: $name: pvm_hostsync says $sync, want $want"; bad=1
		fi
	done <<<"$3"
	[ "$n" = 3 ] || { fail "$what: $n hosts, want 3"; bad=1; }
	[ $bad = 0 ] && pass "$what: every host's shift within its bound (< $ERR_MAX us)"
}

# the daemons need a heartbeat or two (one a second) after the adds
known3() {
	table=$(tmo 20 hostclock_t table 2>&1)
	[ "$(grep -c '^clock [^ ]* [0-9a-f]* 0 ' <<<"$table")" = 3 ]
}
if wait_until 30 known3; then pass "the master's daemon knows every host's clock"; else
	fail "offsets not known within 30 s:"; printf '%s\n' "$table" | sed 's/^/    /'
fi
printf '%s\n' "$table" | sed 's/^/    [master] /'
check_table "from the master's host" 0 "$table"

# from 127.0.0.2: another daemon's offsets come through the master's,
# in its answer to that daemon's next heartbeat or so
known_on2() {
	t2=$(tmo 40 hostclock_t on 127.0.0.2 2>&1)
	[ "$(grep -c '^clock [^ ]* [0-9a-f]* 0 ' <<<"$t2")" = 3 ] || { sleep 0.5; return 1; }
}
if wait_until 30 known_on2; then pass "127.0.0.2's daemon knows every host's clock"; else
	fail "127.0.0.2: offsets not known within 30 s"
fi
printf '%s\n' "$t2" | sed 's/^/    [127.0.0.2] /'
check_table "from 127.0.0.2's host" $SKEW2 "$t2"

out=$(tmo 20 hostclock_t errors 2>&1)
printf '%s\n' "$out" | sed 's/^/    /'
expect_eq "pvmx_hostclock's error codes" "5 0" \
	"$(grep -c '^ok - ' <<<"$out") $(grep -c '^FAIL' <<<"$out")"

# --- pvmtrace on the shifted hosts --------------------------------------
J=$TEST_TMP/run.json
out=$(tmo 90 "$BIN/pvmtrace" -o "$J" trace_t 3 4 2>&1)
printf '%s\n' "$out" | sed 's/^/    [pvmtrace] /'
expect_match "the traced program ran" "trace_t: ok 3 tasks 4 rounds" "$out"
# the host index of each name, for the JSON's hosts
skews=""
while read -r _ name tid _; do
	skews="$skews $((0x$tid >> 18))=$(skew_of "$name")"
done <<<"$table"
check=$(python3 - "$J" $skews <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
skew = {int(k): int(v) for k, v in (a.split("=") for a in sys.argv[2:])}
hosts = {h["host"]: h for h in d["pvmxHosts"]}
print("sources", " ".join(sorted(h["clock_source"] for h in hosts.values())))
print("offsets right", all(abs(h["clock_offset_us"] - skew[i]) <= h["clock_err_us"]
                           for i, h in hosts.items()))
host = {t["tid"]: t["host"] for t in d["pvmxTasks"]}
msgs = [m for m in d["pvmxMessages"] if m["recv_ts"] is not None]
def err(t):
    return hosts[host[t]]["clock_err_us"]
late = [m for m in msgs if m["recv_ts"] + err(m["src"]) + err(m["dst"]) < m["send_ts"]]
print("messages", len(msgs), "received before sent", len(late))
off = lambda t: hosts[host[t]]["clock_offset_us"]
raw = [m for m in msgs if m["recv_ts"] + off(m["dst"]) < m["send_ts"] + off(m["src"])]
print("uncorrected, received before sent", len(raw) > 0)
PY
)
printf '%s\n' "$check" | sed 's/^/    [check] /'
expect_match "JSON: every host's offset from the daemons" "^sources daemons daemons daemons$" "$check"
expect_match "JSON: each offset the host's shift, within its bound" "^offsets right True$" "$check"
expect_match "JSON: every receive after its send" "^messages [1-9][0-9]* received before sent 0$" "$check"
expect_match "JSON: (uncorrected, some would not be)" "^uncorrected, received before sent True$" "$check"

finish

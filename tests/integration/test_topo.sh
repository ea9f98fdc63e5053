#!/usr/bin/env bash
# test_topo.sh - each daemon's topology (hwloc) and the binding of the
# tasks it spawns (docs/topology.md), on loopback hosts of several shapes:
#   the master        this machine as it is
#   127.0.0.2         hwloc synthetic "numa:2 core:4 pu:1" (8 cores, 2 nodes)
#   127.0.0.3         hwloc synthetic "core:3 pu:2", and sp=500
#   127.0.0.4         this machine under `taskset -c 1` (one real core)
# A synthetic topology is not this machine's: its daemon chooses the
# bindings (checked through pvmx_taskbinding) but does not apply them
# (the tasks' Cpus_allowed_list stays the daemon's).  On the master and
# 127.0.0.4 they are applied, and checked in /proc/PID/status.
source "$PVMX_SRC/tests/integration/lib.sh"

PVM=$BIN/pvm
T=$PROGS/topo_t

# several CPUs for 127.0.0.4's taskset; else it is left out, saying so
REAL4=0
if command -v taskset >/dev/null && taskset -c 1 true 2>/dev/null; then
	REAL4=1
else
	echo "# no CPU 1 to run a host under taskset -c 1: 127.0.0.4 left out"
fi

# the remote shell: lo-rsh, with each host's shape
cat >"$TEST_TMP/topo-rsh" <<EOS
#!/bin/sh
for a; do case \$a in 127.0.0.*) host=\$a; break ;; esac; done
case \$host in
127.0.0.2) HWLOC_SYNTHETIC="numa:2 core:4 pu:1"; export HWLOC_SYNTHETIC ;;
127.0.0.3) HWLOC_SYNTHETIC="core:3 pu:2"; export HWLOC_SYNTHETIC ;;
127.0.0.4) exec taskset -c 1 "$PVMX_SRC/scripts/lo-rsh" "\$@" ;;
esac
exec "$PVMX_SRC/scripts/lo-rsh" "\$@"
EOS
chmod +x "$TEST_TMP/topo-rsh"
export PVM_RSH=$TEST_TMP/topo-rsh
unset HWLOC_SYNTHETIC HWLOC_XMLFILE HWLOC_THISSYSTEM

console() {
	OUT=$(printf '%s\n' "$@" | tmo 60 "$PVM" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed "s/^/    [pvm] /"
}
# run_t ARGS...: topo_t's output in OUT (its ok/FAIL lines counted)
run_t() {
	OUT=$(tmo 60 "$T" "$@" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed "s/^/    [topo_t $1] /"
	[ "$RC" = 0 ] || fail "topo_t $*: exit $RC"
	if printf '%s\n' "$OUT" | grep -q '^FAIL'; then
		fail "topo_t $*: $(printf '%s\n' "$OUT" | grep -c '^FAIL') check(s) failed"
	fi
}
# col N: field N of the lines "task I BINDING ALLOWED" of OUT, in order
col() { printf '%s\n' "$OUT" | awk -v n="$1" '$1 == "task" { print $n }' | tr '\n' ' '; }

vm_start
read -r _ mcores _ <<<"$(tmo 10 "$T" topo "$(hostname)" 2>/dev/null)"
if [ "${mcores:-0}" = 0 ]; then
	echo "SKIP: the daemon reports no topology (a build without hwloc?):"
	grep -i "hwloc\|topology" "$(log_path)" | sed 's/^/    /'
	exit 77
fi
hosts="127.0.0.2 '127.0.0.3 sp=500'"
[ "$REAL4" = 1 ] && hosts="$hosts 127.0.0.4"
console "add $hosts"
nhosts=$((3 + REAL4))
expect_match "add: every host in" "^$((nhosts - 1)) successful" "$OUT"

# --- what each daemon reports ----------------------------------------------
console "conf" "conf -v"
expect_eq "conf: PVM's column header unchanged" \
	"                    HOST     DTID     ARCH   SPEED       DSIG" \
	"$(printf '%s\n' "$OUT" | grep -m1 ' HOST ')"
expect_eq "conf -v: three more columns" \
	"                    HOST     DTID     ARCH   SPEED       DSIG  CORES    PUS   NUMA" \
	"$(printf '%s\n' "$OUT" | grep ' HOST ' | sed -n 2p)"
row() { printf '%s\n' "$OUT" | awk -v h="$1" '$1 == h && NF == 8 { print $4, $6, $7, $8 }'; }
expect_eq "conf -v: 127.0.0.2 speed 8000 = 1000 x 8 cores, 8 PUs, 2 NUMA nodes" \
	"8000 8 8 2" "$(row 127.0.0.2)"
expect_eq "conf -v: 127.0.0.3 sp=500 kept, 3 cores, 6 PUs, 1 NUMA node" \
	"500 3 6 1" "$(row 127.0.0.3)"
read -r mspeed mcores mpus mnuma <<<"$(row "$(hostname)")"
expect_eq "conf -v: the master's speed is 1000 x its $mcores cores" \
	"$((1000 * ${mcores:-0}))" "${mspeed:-}"
[ "$REAL4" = 1 ] && expect_eq "conf -v: 127.0.0.4 under taskset -c 1: one core" \
	"1000 1" "$(row 127.0.0.4 | cut -d' ' -f1,2)"

run_t topo 127.0.0.2
expect_eq "pvmx_hosttopo of 127.0.0.2 (another daemon's), with pvm_config's speed" \
	"topo 8 8 2 8000" "$OUT"
run_t topo 127.0.0.3
expect_eq "pvmx_hosttopo of 127.0.0.3" "topo 3 6 1 500" "$OUT"
run_t errors

# --- binding on a synthetic host: chosen, reported, not applied ------------
run_t spawn 127.0.0.2 core 10
expect_eq "core on 127.0.0.2: the next free core each, wrapping after 8" \
	"0 1 2 3 4 5 6 7 0 1 " "$(col 3)"
allowed=$(col 4 | tr ' ' '\n' | sort -u | tr -d '\n')
expect_eq "... not applied (a synthetic topology): each task as its daemon" \
	"$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/$$/status)" "$allowed"
run_t spawn 127.0.0.2 numa 3
expect_eq "numa on 127.0.0.2: a node's cpuset each, wrapping after 2" \
	"0-3 4-7 0-3 " "$(col 3)"
run_t spawn 127.0.0.3 core 4
expect_eq "core on 127.0.0.3 (2 PUs a core): a core's PUs each, wrapping" \
	"0-1 2-3 4-5 0-1 " "$(col 3)"
run_t spawn 127.0.0.2 core 3 1 1
expect_eq "core: a freed core is taken by the next bound task" \
	"0 1 2 1 " "$(col 3)"
run_t spawn 127.0.0.2 none 2
expect_eq "none: unbound" "- - " "$(col 3)"

# --- binding on real hosts: applied, as /proc/PID/status says ---------------
if [ -n "${mcores:-}" ] && [ "$mcores" -ge 1 ]; then
	# one past the last core (a big machine: 16 tasks, no wrap-round)
	n=$((mcores + 1))
	[ "$n" -le 64 ] || n=16
	run_t spawn "$(hostname)" core $n
	b=$(col 3)
	expect_eq "core on the master: $n tasks on distinct cores, up to its $mcores" \
		"$((n > mcores ? mcores : n))" "$(printf '%s\n' $b | sort -u | wc -l)"
	[ "$n" -gt "$mcores" ] && expect_eq "... the one past the last core wraps to the first" \
		"$(printf '%s\n' $b | sed -n 1p)" "$(printf '%s\n' $b | sed -n "$((mcores + 1))p")"
	expect_eq "... applied: Cpus_allowed_list of every task is its binding" "$b" "$(col 4)"
	run_t spawn "$(hostname)" numa 2
	expect_eq "numa on the master: applied" "$(col 3)" "$(col 4)"
	expect_eq "... every task on a node's CPUs (no dash: bound)" "" \
		"$(col 3 | tr ' ' '\n' | grep -x -- '-')"
fi
if [ "$REAL4" = 1 ]; then
	run_t spawn 127.0.0.4 core 2
	expect_eq "core on 127.0.0.4 (taskset -c 1): CPU 1, twice, applied" \
		"1 1 |1 1 " "$(col 3)|$(col 4)"
fi

# --- a spawn over every host: each daemon binds the instances it forks --------
run_t spawn - core $((2 * nhosts))
expect_eq "core, spawned over the $nhosts hosts: every instance bound" "" \
	"$(col 3 | tr ' ' '\n' | grep -x -- '-')"
expect_eq "... on every host" "$nhosts" "$(col 5 | tr ' ' '\n' | sort -u | grep -c .)"
expect_match "... 127.0.0.2's two on its cores 0 and 1" "^0 1 $" \
	"$(printf '%s\n' "$OUT" | awk '$1 == "task" && $5 == "t80000" { printf "%s ", $3 }')"

# --- pvmrun's functions (launcher/pvmrun_bind.c) ----------------------------
out=$(tmo 60 "$PROGS/bind_t" 127.0.0.2 numa 2 2>&1)
expect_eq "bind_t exits 0" 0 "$?"
printf '%s\n' "$out" | sed 's/^/    [bind_t] /'
expect_match "pvmrun_bind_capacity of 127.0.0.2: 8 cores, 2 nodes, 0 by slot" \
	"^capacity core 8 numa 2 slot 0$" "$out"
expect_match "pvmrun_bind_set(\"bogus\"): PvmBadParam" "^set bogus -2$" "$out"
expect_match "pvmrun_bind_report, as --report-bindings: rank 0" \
	"^\[127\.0\.0\.2:0\] t[0-9a-f]+ bound to CPUs 0-3$" "$out"
expect_match "... rank 1 on the other node" \
	"^\[127\.0\.0\.2:1\] t[0-9a-f]+ bound to CPUs 4-7$" "$out"
out=$(tmo 60 "$PROGS/bind_t" 127.0.0.3 none 1 2>&1)
expect_match "pvmrun_bind_report of an unbound task" \
	"^\[127\.0\.0\.3:0\] t[0-9a-f]+ not bound$" "$out"

# --- the daemons are alive and answer after all that ------------------------
console "conf"
expect_match "conf still answers: $nhosts hosts" "^$nhosts hosts" "$OUT"
finish

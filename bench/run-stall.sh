#!/usr/bin/env bash
# Loop stall benchmark: how long a daemon's loop is held by one piece of
# work while a big spawn runs (docs/cluster.md, "Failure").  A private VM
# of 3 hosts on loopback addresses (scripts/lo-rsh) spawns N instances of
# /bin/true, ROUNDS times, on the master, on another host and over the 3
# hosts; each daemon's own loop watch reports its longest stall (the
# master through pvm_tickle 9, the others in their last log line when the
# VM halts).
# Usage: [PVMX_BUILD=build] bench/run-stall.sh [N] [ROUNDS]   (after `make`)
# Each stall is reported whole (the CPU the machine gave others
# included) and as the part the daemon could have been busy (at most the
# CPU it ran).  Prints a table and one machine-readable line:
#   STALL n=N rounds=R master_ms=A master_busy_ms=B host2_ms=.. host2_busy_ms=..
#         host3_ms=.. host3_busy_ms=.. spawn_ms_per_task=D
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${PVMX_BUILD:-$src/build}" && pwd) || exit 1
n=${1:-2000}
rounds=${2:-3}
lt=$build/tests/progs/loop_t
[ -x "$lt" ] || { echo "run-stall: $lt not built" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-stall.XXXXXX")
export PVM_TMP=$work PVM_VMID=stall$$ HOME=$work PVM_RSH=$src/scripts/lo-rsh
export PATH=$build/tests/progs:$build/bin:$PATH
unset PVMX_HOST_TIMEOUT_MS PVM_EXPORT XDG_RUNTIME_DIR
pids=""
# shellcheck disable=SC2317  # (an EXIT trap)
finish() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap finish EXIT
log_of() { cat "$work/lo-$1/pvmx-$(id -u)/pvmd.$PVM_VMID.log" 2>/dev/null; }
# "LONGEST BUSY" from a daemon's last line
longest() { sed -n "s/.*the loop's longest stall: \([0-9]*\) ms, busy at most \([0-9]*\) ms.*/\1 \2/p" | tail -1; }

printf '127.0.0.2\n127.0.0.3\n' >"$work/hosts"
"$build/bin/pvmd" -d 2 "$work/hosts" >"$work/pvmd.out" 2>&1 &
pids=$!
for _ in $(seq 1 200); do
	[ "$(timeout 10 "$build/tests/progs/mh_t" conf 2>/dev/null | head -1)" = "conf 3" ] && break
	sleep 0.1
done
for h in 127.0.0.2 127.0.0.3; do
	for p in $(pgrep -x pvmd); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "PVM_TMP=$work/lo-$h" && pids="$pids $p"
	done
done
master=$(hostname)
t0=$(date +%s%N)
spawned=0
for _ in $(seq 1 "$rounds"); do
	for where in "$master" 127.0.0.2 ""; do
		# shellcheck disable=SC2086  # (no HOST: wherever the VM likes)
		out=$(timeout 300 "$lt" spawn "$n" /bin/true $where)
		echo "spawn $n on ${where:-all hosts}: $out"
		spawned=$((spawned + n))
	done
done
t1=$(date +%s%N)
m=$(timeout 10 "$lt" stalls | sed -n 's/^stalls \([0-9]*\) \([0-9]*\) .*/\1 \2/p')
echo halt | timeout 10 "$build/bin/pvm" >/dev/null 2>&1
for p in $pids; do
	for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
h2=$(log_of 127.0.0.2 | longest)
h3=$(log_of 127.0.0.3 | longest)
per=$(awk "BEGIN{printf \"%.3f\", ($t1 - $t0) / 1e6 / $spawned}")
echo
printf '%-12s %20s %22s\n' "daemon" "longest stall (ms)" "of it busy, at most"
printf '%-12s %20s %22s\n' master ${m:-? ?} 127.0.0.2 ${h2:-? ?} 127.0.0.3 ${h3:-? ?}
set -- ${m:-? ?} ${h2:-? ?} ${h3:-? ?}
echo "STALL n=$n rounds=$rounds master_ms=$1 master_busy_ms=$2 host2_ms=$3 host2_busy_ms=$4 host3_ms=$5 host3_busy_ms=$6 spawn_ms_per_task=$per"

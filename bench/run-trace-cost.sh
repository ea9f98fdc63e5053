#!/usr/bin/env bash
# Cost of tracing (docs/tracing.md, "Cost"): the 1-byte ping-pong latency
# and the 8-byte message rate of bench_pingpong -s on one host, with
# tracing off (the default) and on with PvmTraceBuffer 0, 4096 and 65536
# bytes, every event kind in the mask.  Each run is bench_trace_sink
# (bench/trace_sink.c) running bench_pingpong as its child: the sink
# takes the events and throws them away ("off": the same tasks,
# untraced).  The settings are interleaved run by run, RUNS runs each;
# each cell is the median.
# Usage: bench/run-trace-cost.sh [BUILD] [RUNS]   (after `make`; BUILD
#   the build directory, default build; RUNS default 5)
# Prints a table and a RESULT line.  Run it on a quiet machine.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
settings=(off 0 4096 65536)
sink=$build/bench/bench_trace_sink
pp=$build/bench/bench_pingpong
for f in "$sink" "$pp" "$build/bin/pvmd" "$build/bin/pvm"; do
	[ -x "$f" ] || { echo "build first: $f"; exit 1; }
done

work=$(mktemp -d)
export PVM_TMP=$work PVM_VMID=tcost$$ HOME=$work
export PATH=$build/bench:$build/bin:$PATH
pvmd_pid=""
cleanup() {
	if [ -n "$pvmd_pid" ] && kill -0 "$pvmd_pid" 2>/dev/null; then
		timeout -k 2 10 "$build/bin/pvm" <<<halt >/dev/null 2>&1 || true
		for _ in $(seq 1 50); do kill -0 "$pvmd_pid" 2>/dev/null || break; sleep 0.1; done
		kill "$pvmd_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
"$build/bin/pvmd" >"$work/pvmd.log" 2>&1 </dev/null &
pvmd_pid=$!
for _ in $(seq 1 100); do
	[ -S "$work/pvmx-$(id -u)/pvmd.$PVM_VMID.sock" ] && break
	sleep 0.1
done
[ -S "$work/pvmx-$(id -u)/pvmd.$PVM_VMID.sock" ] || { echo "pvmd did not start"; cat "$work/pvmd.log"; exit 1; }

# one_run SETTING: "LATENCY_US RATE" of one run, or "failed failed"
one_run() {
	local out lat rate
	if ! out=$(timeout -k 5 120 "$sink" "$1" bench_pingpong -s -i "trace-$1" 2>&1); then
		printf '%s\n' "$out" | tail -3 | sed 's/^/    /' >&2
		echo failed failed
		return
	fi
	lat=$(printf '%s\n' "$out" | sed -n 's/.*PINGPONG .* bytes=1 .*half_rtt_us=\([0-9.]*\).*/\1/p')
	rate=$(printf '%s\n' "$out" | sed -n 's/.*MSGRATE .*msgs_per_s=\([0-9]*\).*/\1/p')
	echo "${lat:-failed} ${rate:-failed}"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A lat rate
for _ in $(seq 1 "$runs"); do
	for s in "${settings[@]}"; do
		read -r l r < <(one_run "$s")
		lat[$s]="${lat[$s]:-} $l"
		rate[$s]="${rate[$s]:-} $r"
	done
done

echo "== tracing cost, one host: $(hostname), $(nproc) cores; bench_pingpong -s, median of $runs runs"
printf '%-16s %16s %16s\n' tracing "1 B latency us" "8 B msgs/s"
result="RESULT runs=$runs"
for s in "${settings[@]}"; do
	if [[ " ${lat[$s]} ${rate[$s]} " == *" failed "* ]]; then
		ml=failed mr=failed
	else
		ml=$(tr ' ' '\n' <<<"${lat[$s]}" | grep . | median)
		mr=$(tr ' ' '\n' <<<"${rate[$s]}" | grep . | median)
	fi
	label=$([ "$s" = off ] && echo off || echo "buffer $s")
	printf '%-16s %16s %16s\n' "$label" "$ml" "$mr"
	key=$([ "$s" = off ] && echo off || echo "buf$s")
	result="$result ${key}_lat_us=$ml ${key}_msgs_per_s=$mr"
done
echo "$result"

#!/usr/bin/env bash
# Requests to the local daemon, as a task sees them (docs/routes.md,
# "Waiting for the daemon"): bench_requests (bench/requests.c) times
# pvm_config, pvm_pstat, and on a group of one pvm_gsize, pvm_gettid and
# pvm_barrier(g, 1), on pvmx and on PVM 3.4.6 (Debian pvm; its group
# calls go to its group server pvmgs), one host, RUNS runs each,
# interleaved; each cell is the median of the runs' means.
# Usage: [BEFORE=BUILD2] bench/run-requests.sh [BUILD] [RUNS]   (after
#   `make`; BUILD the build directory, default build; RUNS default 5;
#   BEFORE: another pvmx build, e.g. of an older commit, measured as
#   "pvmx-before" in the same run)
# Prints a table and a REQ-MEDIAN line per system and call.  Run it on a
# quiet machine.  Every daemon started is halted, and killed by its pid
# if it does not go; the temporary directory is removed.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
calls=(config pstat gsize gettid barrier)
for f in "$build/bench/bench_requests" "$build/bin/pvmd" "$build/bin/pvm"; do
	[ -x "$f" ] || { echo "build first: $f"; exit 1; }
done
systems=(pvmx)
before=${BEFORE:-}
if [ -n "$before" ]; then
	before=$(cd "$before" && pwd)
	[ -x "$before/bench/bench_requests" ] || { echo "build first: $before/bench/bench_requests"; exit 1; }
	systems+=(pvmx-before)
fi
if [ -x "$build/bench/ref/bench_requests" ] && [ -x /usr/bin/pvmd ] && [ -x /usr/bin/pvmgs ]; then
	systems+=(pvm346)
else
	echo "(PVM 3.4.6 not measured: needs Debian's pvm and pvm-dev, then cmake again)"
fi

work=$(mktemp -d)
pid=""
stop_daemon() { # SYSTEM: halts the daemon started last, then by pid
	[ -n "$pid" ] || return 0
	if [ "$1" != pvm346 ]; then
		HOME=$work/$1 PVM_TMP=$work/$1 timeout -k 2 10 "$(bdir "$1")/bin/pvm" <<<halt >/dev/null 2>&1 || true
	else
		(HOME=$work/pvm346 PVM_TMP=$work/pvm346 PVM_ROOT=/usr/lib/pvm3 PVM_ALLOW_ROOT=1 \
			timeout -k 2 10 /usr/bin/pvm <<<halt >/dev/null 2>&1) 2>/dev/null || true
	fi
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
	pid=""
}
bdir() { [ "$1" = pvmx-before ] && echo "$before" || echo "$build"; }
last=pvmx
cleanup() {
	stop_daemon "$last"
	rm -rf "$work"
}
trap cleanup EXIT

# one_run SYSTEM: "CALL US" lines of one run (a VM of its own), or
# "CALL failed"
one_run() {
	local dir=$work/$1 out prog
	rm -rf "$dir"
	mkdir -p "$dir/pvm3/bin/LINUX64"
	last=$1
	if [ "$1" != pvm346 ]; then
		prog=$(bdir "$1")/bench/bench_requests
		HOME=$dir PVM_TMP=$dir "$(bdir "$1")/bin/pvmd" >"$dir/pvmd.log" 2>&1 </dev/null &
		pid=$!
		for _ in $(seq 1 100); do
			[ -n "$(find "$dir" -name 'pvmd*.sock' 2>/dev/null)" ] && break
			sleep 0.1
		done
		out=$(HOME=$dir PVM_TMP=$dir timeout -k 5 60 "$prog" "$1" 2>&1) || true
	else
		prog=$build/bench/ref/bench_requests
		cp /usr/bin/pvmgs "$dir/pvm3/bin/LINUX64/"
		HOME=$dir PVM_TMP=$dir PVM_ROOT=/usr/lib/pvm3 PVM_ALLOW_ROOT=1 /usr/bin/pvmd \
			>"$dir/pvmd.log" 2>&1 </dev/null &
		pid=$!
		for _ in $(seq 1 100); do
			[ -s "$dir/pvmd.$(id -u)" ] && break
			sleep 0.1
		done
		out=$(HOME=$dir PVM_TMP=$dir PVM_ROOT=/usr/lib/pvm3 PVM_ALLOW_ROOT=1 \
			timeout -k 5 60 "$prog" pvm346 2>&1) || true
	fi
	stop_daemon "$1"
	for c in "${calls[@]}"; do
		v=$(printf '%s\n' "$out" | sed -n "s/^REQ .* call=$c .* us=\([0-9.]*\)$/\1/p")
		echo "$c ${v:-failed}"
	done
	if ! printf '%s\n' "$out" | grep -q "call=barrier"; then
		printf '%s\n' "$out" | tail -3 | sed "s/^/    [$1] /" >&2
	fi
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A vals
for _ in $(seq 1 "$runs"); do
	for s in "${systems[@]}"; do
		while read -r c v; do
			vals[$s.$c]="${vals[$s.$c]:-} $v"
		done < <(one_run "$s")
	done
done

echo "== requests to the local daemon: $(hostname), $(nproc) cores; us per call, median of $runs runs"
printf '%-10s' call
for s in "${systems[@]}"; do printf ' %12s' "$s"; done
ratios=()
for s in "${systems[@]}"; do [ "$s" != pvmx ] && ratios+=("$s"); done
for s in "${ratios[@]}"; do printf ' %18s' "pvmx/$s"; done
echo
for c in "${calls[@]}"; do
	printf '%-10s' "$c"
	declare -A med=()
	for s in "${systems[@]}"; do
		if [[ " ${vals[$s.$c]} " == *" failed "* ]]; then
			med[$s]=failed
		else
			med[$s]=$(tr ' ' '\n' <<<"${vals[$s.$c]}" | grep . | median)
		fi
		printf ' %12s' "${med[$s]}"
	done
	for s in "${ratios[@]}"; do
		if [ "${med[pvmx]}" != failed ] && [ "${med[$s]}" != failed ]; then
			printf ' %18.2f' "$(echo "${med[pvmx]} / ${med[$s]}" | bc -l)"
		else
			printf ' %18s' -
		fi
	done
	echo
	for s in "${systems[@]}"; do
		echo "REQ-MEDIAN system=$s call=$c runs=$runs us=${med[$s]}" >>"$work/lines"
	done
	unset med
done
cat "$work/lines"

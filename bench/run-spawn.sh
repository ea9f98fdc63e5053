#!/usr/bin/env bash
# Spawn benchmark, side by side: bare fork+exec, pvmx, PVM 3.4.6.
# Usage: bench/run-spawn.sh [BUILD] [N] [ROUNDS]   (after `make`)
# Each system spawns N copies of a task that registers and exits, ROUNDS
# times; medians are reported.  PVM 3.4.6 runs from Debian's package with
# PVM_ALLOW_ROOT=1 and a private HOME (it finds programs only in
# $HOME/pvm3/bin/LINUX64); both systems keep their daemon files in a
# private PVM_TMP, so this runs beside other daemons.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
n=${2:-16}
rounds=${3:-7}
work=$(mktemp -d)
trap 'echo halt | PVM_ALLOW_ROOT=1 HOME=$work timeout 10 pvm >/dev/null 2>&1 || true;
      [ -n "${pvmd_pid:-}" ] && kill "$pvmd_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "== fork+exec floor ($n tasks x $rounds rounds)"
floor=$("$build/bench/bench_forkexec" /bin/true "$n" "$rounds")
echo "$floor"

echo "== pvmx"
export PVM_TMP=$work PVM_VMID=bench
PATH=$build/bench:$PATH "$build/bin/pvmd" & pvmd_pid=$!
for _ in $(seq 50); do [ -S "$work/pvmx-$(id -u)/pvmd.bench.sock" ] && break; sleep 0.1; done
[ -S "$work/pvmx-$(id -u)/pvmd.bench.sock" ] || { echo "pvmx: pvmd did not start within 5 s"; exit 1; }
ours=$("$build/bench/bench_spawn" "$n" "$rounds" | tail -1)
echo "$ours"
kill "$pvmd_pid"; wait "$pvmd_pid" 2>/dev/null || true; pvmd_pid=""

echo "== PVM 3.4.6"
if [ -x "$build/bench/ref/bench_spawn" ] && command -v pvm >/dev/null; then
	mkdir -p "$work/pvm3/bin/LINUX64"
	cp "$build/bench/ref/bench_nop" "$work/pvm3/bin/LINUX64/"
	echo quit | PVM_ALLOW_ROOT=1 HOME=$work timeout 10 pvm >/dev/null 2>&1
	ref=$(PVM_ALLOW_ROOT=1 HOME=$work "$build/bench/ref/bench_spawn" "$n" "$rounds" | tail -1)
	echo "$ref"
else
	ref=""
	echo "PVM 3.4.6 not installed (Debian packages pvm, pvm-dev): skipped"
fi

get() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
f=$(get forkexec_ms_per_task "$floor")
o=$(get total_ms_per_task "$ours")
echo
printf '%-28s %10s\n' "system" "ms/task (spawn + exit)"
printf '%-28s %10s\n' "fork+exec+wait (/bin/true)" "$f"
printf '%-28s %10s\n' "pvmx" "$o"
if [ -n "$ref" ]; then
	r=$(get total_ms_per_task "$ref")
	printf '%-28s %10s\n' "PVM 3.4.6" "$r"
	echo "RESULT pvmx_ms=$o pvm346_ms=$r forkexec_ms=$f pvm346_over_pvmx=$(awk "BEGIN{printf \"%.1f\", $r/$o}")"
else
	echo "RESULT pvmx_ms=$o forkexec_ms=$f"
fi

#!/usr/bin/env bash
# Runs the libFuzzer harnesses of a -DPVMX_FUZZ=ON build one after the
# other, each for SECONDS, on the seeds in the tree (fuzz/corpus/<target>)
# and those the build generated (BUILD/fuzz/corpus/<target>).  Fails on
# the first crash, leak, timeout or sanitizer report, keeping the input
# in BUILD/fuzz/artifacts/.  What a run finds stays in a temporary
# directory (removed after): nothing is written into the tree.
#
#   fuzz/run.sh BUILD SECONDS [target ...]    (default: every target)
set -euo pipefail

build=$(cd "$1" && pwd)
seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame control unpack hostfile packf console)

work=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/fuzz/artifacts"
status=0
for t in "${targets[@]}"; do
	bin=$build/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz: $bin missing (build the 'fuzzers' target)" >&2; exit 2; }
	mkdir -p "$work/$t/new" "$work/$t/tmp"
	seeds=()
	for d in "$src/corpus/$t" "$build/fuzz/corpus/$t"; do
		[ -d "$d" ] && seeds+=("$d")
	done
	start=$(date +%s)
	# new inputs go to the first directory (ours); stdout is the
	# console's chatter; one process, one worker (a shared machine)
	if (cd "$work/$t" && TMPDIR="$work/$t/tmp" \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
		-max_len=8192 -close_fd_mask=1 -print_final_stats=1 \
		-artifact_prefix="$work/$t/" "$work/$t/new" "${seeds[@]}") \
		>"$work/$t/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log")
		cov=$(grep -o 'cov: [0-9]*' "$work/$t/log" | tail -1)
		echo "fuzz_$t: ok, ${runs:-?} inputs in $(($(date +%s) - start)) s, $cov"
	else
		status=1
		echo "fuzz_$t: FAILED after $(($(date +%s) - start)) s" >&2
		grep -v '^#[0-9]' "$work/$t/log" | tail -60 >&2
		for a in "$work/$t"/crash-* "$work/$t"/leak-* "$work/$t"/timeout-* \
			"$work/$t"/oom-* "$work/$t"/slow-unit-*; do
			[ -e "$a" ] || continue
			cp "$a" "$build/fuzz/artifacts/fuzz_${t}-$(basename "$a")"
			echo "fuzz_$t: input kept in $build/fuzz/artifacts/fuzz_${t}-$(basename "$a")" >&2
			od -A d -c "$a" | head -20 >&2
		done
	fi
done
exit $status

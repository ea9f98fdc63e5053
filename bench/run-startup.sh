#!/usr/bin/env bash
# Start-up benchmark: `pvmrun -np N` beside Open MPI's `mpirun -np N`, on
# one host, for a trivial program (/bin/true) and a hello where every rank
# sends one message to rank 0 (bench/hello_pvm.c, bench/mpi_hello.c).
# Usage: bench/run-startup.sh [BUILD] [RUNS] [NS...]   (after `make`)
#   BUILD the build directory (default build), RUNS runs per cell
#   (default 11), NS the rank counts (default 1 8 64).
# Each cell is the median wall time of RUNS runs, in ms, each run a whole
# job: pvmrun boots (and halts) its private one-host machine, as mpirun
# starts its own runtime.  A run that takes longer than 120 s is killed
# and its cell shows "hung" (HANG_S=seconds changes the limit).  Run it on
# a quiet machine.
# Not measured here: the same across 8 namespace hosts (bench/vhost-run.sh
# makes such hosts; not done yet).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-11}
shift $(($# > 2 ? 2 : $#))
ns=("$@")
[ ${#ns[@]} -gt 0 ] || ns=(1 8 64)
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PVM_TMP=$work PVM_VMID=startup$$

pvmrun=$build/bin/pvmrun
hello_pvm=$build/bench/bench_hello_pvm
[ -x "$pvmrun" ] && [ -x "$hello_pvm" ] || { echo "build first: $pvmrun, $hello_pvm"; exit 1; }

mpi=()
mpi_missing=""
if ! command -v mpirun >/dev/null || ! command -v mpicc >/dev/null; then
	mpi_missing="mpirun/mpicc not found (Debian openmpi-bin libopenmpi-dev)"
elif ! mpicc -O2 -o "$work/mpi_hello" "$src/bench/mpi_hello.c" >"$work/mpicc.log" 2>&1; then
	mpi_missing="mpicc failed: $(tail -1 "$work/mpicc.log")"
else
	mpi=(mpirun --oversubscribe)
	[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
fi

# one_ms CMD...: the wall time of one run in ms, or "hung" / "failed"
one_ms() {
	local t0 t1 rc=0
	t0=$(date +%s%N)
	timeout -k 5 "${HANG_S:-120}" "$@" >"$work/run.out" 2>&1 </dev/null || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo hung; elif [ "$rc" != 0 ]; then echo failed; else
		echo $(((t1 - t0) / 1000000))
	fi
}

# median CMD...: the median of RUNS runs (a hung or failed run ends the cell)
median() {
	local i v vals=()
	for i in $(seq 1 "$runs"); do
		v=$(one_ms "$@")
		case $v in hung | failed) echo "$v"; sed 's/^/    /' "$work/run.out" | tail -3 >&2; return ;; esac
		vals+=("$v")
	done
	printf '%s\n' "${vals[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

printf '%-6s %14s %14s %14s %14s\n' N "pvmrun true" "mpirun true" "pvmrun hello" "mpirun hello"
result="RESULT runs=$runs"
for n in "${ns[@]}"; do
	pt=$(median "$pvmrun" -np "$n" /bin/true)
	ph=$(median "$pvmrun" -np "$n" "$hello_pvm")
	if [ ${#mpi[@]} -gt 0 ]; then
		mt=$(median "${mpi[@]}" -np "$n" /bin/true)
		mh=$(median "${mpi[@]}" -np "$n" "$work/mpi_hello")
	else
		mt=-
		mh=-
	fi
	printf '%-6s %14s %14s %14s %14s\n' "$n" "$pt" "$mt" "$ph" "$mh"
	result="$result pvmrun_true_$n=$pt mpirun_true_$n=$mt pvmrun_hello_$n=$ph mpirun_hello_$n=$mh"
done
[ -z "$mpi_missing" ] || echo "Open MPI: $mpi_missing"
echo "(ms, median of $runs runs; one host: $(hostname), $(nproc) cores)"
echo "$result"

#!/usr/bin/env bash
# Start-up benchmark: `pvmrun -np N` beside Open MPI's `mpirun -np N`, for
# a trivial program (/bin/true) and a hello where every rank sends one
# message to rank 0 (bench/hello_pvm.c, bench/mpi_hello.c), on one host
# and across 8 network-namespace hosts (scripts/vhosts).
# Usage: [SCENARIOS="onehost hosts8"] [HANG_S=120] \
#          bench/run-startup.sh [BUILD] [RUNS] [NS...]   (after `make`)
#   BUILD the build directory (default build), RUNS runs per cell
#   (default 11), NS the rank counts (default 1 8 64).
# Each cell is the median wall time of RUNS runs, in ms, each run a whole
# job.  onehost: pvmrun boots (and halts) its private one-host machine, as
# mpirun starts its own runtime.  hosts8: both run on host h1 with the
# hosts h1..h8 (one slot each, ranks placed round-robin over the hosts:
# --map-by node) and start their remote parts with scripts/vhost-rsh:
# pvmrun boots and halts a private machine of the 8 hosts, mpirun starts
# an orted on each.  A run that takes longer than HANG_S (120) seconds is
# killed and its cell shows "hung".  After every hosts8 run whatever is
# left on the hosts is ended by pid (and reported).  Run it on a quiet
# machine.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
runs=${2:-11}
shift $(($# > 2 ? 2 : $#))
ns=("$@")
[ ${#ns[@]} -gt 0 ] || ns=(1 8 64)
scenarios=${SCENARIOS:-onehost hosts8}
src=$(cd "$(dirname "$0")/.." && pwd)
VHOSTS=$src/scripts/vhosts
RSH=$src/scripts/vhost-rsh
NHOSTS=8

pvmrun=$build/bin/pvmrun
hello_pvm=$build/bench/bench_hello_pvm
[ -x "$pvmrun" ] && [ -x "$hello_pvm" ] || { echo "build first: $pvmrun, $hello_pvm"; exit 1; }

vhosts_missing=""
case " $scenarios " in
*" hosts8 "*)
	if ! vhosts_missing=$("$VHOSTS" check); then
		vhosts_missing=${vhosts_missing:-namespaces cannot be made here}
	else
		vhosts_missing=""
		# shellcheck source=bench/vhost-run.sh
		. "$src/bench/vhost-run.sh"
		vhost_session startup "$NHOSTS" # work, hosts_dir, the EXIT trap
	fi
	;;
esac
if [ -z "${work:-}" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
export PVM_TMP=$work PVM_VMID=startup$$

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
host_list=$(seq -s, -f 'h%g' 1 "$NHOSTS")
# shellcheck disable=SC2054  # (-H takes a list)
mpi_hosts=(--map-by node -H "$host_list" --mca plm_rsh_agent "$RSH"
	--mca oob_tcp_if_include eth0 --mca btl vader,tcp,self --mca btl_tcp_if_include eth0)

# one_ms CMD...: the wall time of one run in ms, or "hung" / "failed"
one_ms() {
	local t0 t1 rc=0
	t0=$(date +%s%N)
	timeout -k 5 "${HANG_S:-120}" "$@" >"$work/run.out" 2>&1 </dev/null || rc=$?
	t1=$(date +%s%N)
	if [ "$scenario" = hosts8 ]; then
		end_run "$work/left.log" >/dev/null
	fi
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo hung; elif [ "$rc" != 0 ]; then echo failed; else
		echo $(((t1 - t0) / 1000000))
	fi
}

# median CMD...: the median of RUNS runs (a hung or failed run ends the cell)
median() {
	local v vals=()
	for _ in $(seq 1 "$runs"); do
		v=$(one_ms "$@")
		case $v in hung | failed) echo "$v"; sed 's/^/    /' "$work/run.out" | tail -3 >&2; return ;; esac
		vals+=("$v")
	done
	printf '%s\n' "${vals[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

# set_cmd pvm|mpi PROG N: cmd=(the command of one run in this scenario)
set_cmd() {
	local run
	if [ "$1" = pvm ]; then
		run=("$pvmrun")
		[ "$scenario" = onehost ] || run+=(--map-by node --host "$host_list")
	else
		run=("${mpi[@]}")
		[ "$scenario" = onehost ] || run+=("${mpi_hosts[@]}")
	fi
	cmd=("${run[@]}" -np "$3" "$2")
	[ "$scenario" = onehost ] || cmd=("$RSH" h1 exec "${cmd[@]}")
}

result="RESULT runs=$runs"
for scenario in $scenarios; do
	case $scenario in
	onehost) echo "== one host: $(hostname), $(nproc) cores" ;;
	hosts8)
		echo "== $NHOSTS namespace hosts ($host_list), run from h1"
		if [ -n "$vhosts_missing" ]; then
			echo "skipped: $vhosts_missing"
			continue
		fi
		;;
	*) echo "unknown scenario $scenario (onehost, hosts8)" >&2; exit 2 ;;
	esac
	printf '%-6s %14s %14s %14s %14s\n' N "pvmrun true" "mpirun true" "pvmrun hello" "mpirun hello"
	for n in "${ns[@]}"; do
		set_cmd pvm /bin/true "$n"
		pt=$(median "${cmd[@]}")
		set_cmd pvm "$hello_pvm" "$n"
		ph=$(median "${cmd[@]}")
		if [ ${#mpi[@]} -gt 0 ]; then
			set_cmd mpi /bin/true "$n"
			mt=$(median "${cmd[@]}")
			set_cmd mpi "$work/mpi_hello" "$n"
			mh=$(median "${cmd[@]}")
		else
			mt=-
			mh=-
		fi
		printf '%-6s %14s %14s %14s %14s\n' "$n" "$pt" "$mt" "$ph" "$mh"
		result="$result ${scenario}_pvmrun_true_$n=$pt ${scenario}_mpirun_true_$n=$mt ${scenario}_pvmrun_hello_$n=$ph ${scenario}_mpirun_hello_$n=$mh"
	done
done
[ -z "$mpi_missing" ] || echo "Open MPI: $mpi_missing"
if [ -s "$work/left.log" ]; then
	echo "left on the hosts after some runs (ended by pid):"
	sort "$work/left.log" | uniq -c
fi
echo "(ms, median of $runs runs)"
echo "$result"

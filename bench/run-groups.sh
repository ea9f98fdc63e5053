#!/usr/bin/env bash
# The collectives benchmark of issue 10 (item 7), in one run: barrier,
# bcast, reduce (PvmSum / MPI_SUM), reduce + bcast (MPI_Allreduce) and
# gather, of 1 and 1024 ints, for
#   pvmx-frozen     pvmx, pvm_joingroup + pvm_freezegroup: the tree
#                   algorithms, views held by every member
#   pvmx-dynamic    pvmx, a group never frozen: each collective asks the
#                   group's home daemon for the view, the barrier is the
#                   home daemon's
#   pvm346          PVM 3.4.6 (Debian pvm) with its group server pvmgs,
#                   the group frozen too (its best case: the group's
#                   table is cached by the members)
#   openmpi         Open MPI on MPI_COMM_WORLD: vader on one host, the
#                   tcp BTL on eth0 between hosts
# in scenarios
#   onehost-N       N tasks on one host (h1), for N in ONEHOST_TASKS
#   hosts-H         H namespace hosts (scripts/vhosts), one task on each,
#                   for H in HOSTS
# (bench/groups.c for pvmx and PVM 3.4.6, one source built against each;
# bench/mpi_groups.c; schedule and lines in bench/groups_plan.h).
#
# Usage (as root, after building pvmx):
#   [PVMX_BUILD=build] [RUNS=3] [ONEHOST_TASKS="2 4 8"] [HOSTS="2 4 8"] \
#     [SYSTEMS="pvmx-frozen pvmx-dynamic pvm346 openmpi"] [BUDGET=0.25] \
#     bench/run-groups.sh
# Every system runs RUNS times per scenario, the runs interleaved (run 1
# of every system, then run 2, ...).  Each run boots its own virtual
# machine (or mpirun) and every operation's timed loop aims at BUDGET
# seconds (each operation timed alone by every task, an untimed barrier
# between two; the slowest task's mean is reported).
# Printed: each run's barrier figure, then per scenario a table of
# medians (us per operation) with the ratios pvmx / PVM 3.4.6 and pvmx /
# Open MPI, for hosts-H the eth0 packets sent per operation (all hosts;
# cross-host traffic, TCP acks included) and, for pvmx, the frames its
# daemons sent to other daemons per operation (pvm_tickle 7: the daemon
# route only; the direct data path between hosts is not counted there),
# and machine-readable lines:
#   GROUPS-MEDIAN scenario=S system=Y op=O ints=K metric=M runs=R value=V
#   GROUPS-RATIO scenario=S op=O ints=K of=pvmx-MODE/SYSTEM value=V
# metric: us, ethpkts, dframes, errors (wrong reductions/gathers seen by
# the root, summed over the runs).  A system that is missing or fails is
# reported with its reason and the script goes on.
#
# Nothing is bound to a core; Open MPI yields when idle
# (mpi_yield_when_idle), pvmx's waits block after a short spin.  With
# more tasks than cores (8 on a 2-core machine) the figures are mostly
# the scheduler's.
#
# Everything runs inside the hosts this script makes; every command has a
# timeout; after each run every process left in the hosts is ended by
# pid and the hosts' /dev/shm is checked (leftovers reported, then
# removed); at exit `vhosts down` and the temporary directory goes.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${PVMX_BUILD:-$src/build}" && pwd) || exit 1
runs=${RUNS:-3}
onehost_tasks=${ONEHOST_TASKS-2 4 8}
host_counts=${HOSTS-2 4 8}
all_systems="pvmx-frozen pvmx-dynamic pvm346 openmpi"
systems=${SYSTEMS:-$all_systems}
budget=${BUDGET:-0.25}
VHOSTS=$src/scripts/vhosts
RSH=$src/scripts/vhost-rsh
RUN_TIMEOUT=${RUN_TIMEOUT:-120} # one system's run, boot and halt aside
MPI_COMMON=(--allow-run-as-root --mca pml ob1 --mca mpi_yield_when_idle 1 --bind-to none)

if ! reason=$("$VHOSTS" check); then
	echo "run-groups: skipped: $reason"
	exit 77
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "run-groups: RUNS must be 1 or more" >&2
	exit 2
fi
nmax=1
scenarios=""
for n in $onehost_tasks; do
	[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 64 ] || {
		echo "run-groups: ONEHOST_TASKS: 2 to 64 tasks" >&2
		exit 2
	}
	scenarios+=" onehost-$n"
done
for n in $host_counts; do
	[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 2 ] && [ "$n" -le 64 ] || {
		echo "run-groups: HOSTS: 2 to 64 hosts" >&2
		exit 2
	}
	scenarios+=" hosts-$n"
	[ "$n" -gt "$nmax" ] && nmax=$n
done
for s in $systems; do
	case " $all_systems " in *" $s "*) ;; *)
		echo "run-groups: unknown system $s ($all_systems)" >&2
		exit 2
		;;
	esac
done

# shellcheck source=bench/vhost-run.sh
. "$src/bench/vhost-run.sh"
vhost_session run-groups "$nmax"

# shellcheck disable=SC2317  # (called through wait_for)
has_hosts() { # HOME H: pvmx's console lists hosts h1..hH
	[ "$(HOME=$1 PVM_VMID=gx timeout -k 2 10 "$RSH" h1 "$build/bin/pvm" <<<conf 2>/dev/null |
		grep -cwE 'h[0-9]+')" -ge "$2" ]
}

# --- the virtual machines ------------------------------------------------
# boot_pvmx H HOME LOG: pvmx's master on h1, and h2..hH
boot_pvmx() {
	local hostfile=()
	rm -rf "$hosts_dir"/h*/tmp/pvmx-"$uid"
	if [ "$1" -gt 1 ]; then
		seq -f 'h%g' 2 "$1" >"$work/hostfile"
		hostfile=("$work/hostfile")
	fi
	HOME=$2 PVM_VMID=gx PATH=$build/bench:$build/bin:$PATH \
		"$RSH" h1 exec "$build/bin/pvmd" "${hostfile[@]}" >>"$3" 2>&1 </dev/null &
	bg_started
	wait_for 10 $! test -S "$hosts_dir/h1/tmp/pvmx-$uid/pvmd.gx.sock" || return 1
	[ "$1" = 1 ] || wait_for 30 "${started[-1]}" has_hosts "$2" "$1"
}
halt_pvmx() {
	HOME=$1 PVM_VMID=gx timeout -k 2 10 "$RSH" h1 "$build/bin/pvm" <<<halt >/dev/null 2>&1
}
# boot_pvm346 H HOME LOG
boot_pvm346() {
	rm -f "$hosts_dir"/h*/tmp/pvmd."$uid" "$hosts_dir"/h*/tmp/pvmtmp*
	HOME=$2 PVM_ROOT=/usr/lib/pvm3 "$RSH" h1 exec /usr/bin/pvmd >>"$3" 2>&1 </dev/null &
	bg_started
	wait_for 10 $! test -s "$hosts_dir/h1/tmp/pvmd.$uid" || return 1
	[ "$1" = 1 ] && return 0
	HOME=$2 timeout -k 2 90 "$RSH" h1 pvm <<<"add $(seq -f 'h%g' -s ' ' 2 "$1")" >>"$3" 2>&1
	grep -q "$(($1 - 1)) successful" "$3"
}
# (PVM 3.4.6's halt also kills the console: the subshell keeps bash's
# "Terminated" off the output)
halt_pvm346() {
	(HOME=$1 timeout -k 2 10 "$RSH" h1 pvm <<<halt >/dev/null 2>&1) 2>/dev/null
}

# --- one run of one system -------------------------------------------------
# one_run SCENARIO SYSTEM RUN: its output in $work/SCENARIO.SYSTEM.RUN.log,
# results appended to $work/results as "SCENARIO SYSTEM OP INTS METRIC
# VALUE"; sets $failure on failure.
one_run() {
	local scen=$1 sys=$2 log=$work/$1.$2.$3.log home=$work/home-${2%%-*} rc=0
	local n=${1#*-} nh=1 where=() count=() i
	failure=""
	if [ "${scen%%-*}" = hosts ]; then
		nh=$n
		count=(-c)
		for ((i = 2; i <= n; i++)); do where+=("h$i"); done
	else
		where=(-n "$n")
	fi
	mkdir -p "$home/pvm3/bin/LINUX64"
	: >"$log"
	case $sys in
	pvmx-*)
		cp "$build/bench/bench_groups" "$home/pvm3/bin/LINUX64/"
		if boot_pvmx "$nh" "$home" "$log"; then
			HOME=$home PVM_VMID=gx PATH=$build/bench:$build/bin:$PATH \
				timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec "$build/bench/bench_groups" \
				-i pvmx -g "${sys#pvmx-}" -t "$budget" "${count[@]}" "${where[@]}" \
				>>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="pvmx did not boot: $(tail -1 "$log")"
		fi
		halt_pvmx "$home"
		;;
	pvm346)
		cp "$build/bench/ref/bench_groups" /usr/bin/pvmgs "$home/pvm3/bin/LINUX64/"
		if boot_pvm346 "$nh" "$home" "$log"; then
			HOME=$home timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec \
				"$build/bench/ref/bench_groups" -i pvm346 -g frozen -t "$budget" \
				"${count[@]}" "${where[@]}" >>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="PVM 3.4.6 did not boot: $(tail -1 "$log")"
		fi
		halt_pvm346 "$home"
		;;
	openmpi)
		local opts=("${MPI_COMMON[@]}" -np "$n")
		if [ "$nh" = 1 ]; then
			opts+=(--host "h1:$n" --mca btl "vader,self")
		else
			opts+=(-H "$(seq -f 'h%g' -s , 1 "$n")" --mca plm_rsh_agent "$RSH"
				--mca btl "tcp,self" --mca btl_tcp_if_include eth0
				--mca oob_tcp_if_include eth0)
		fi
		HOME=$home timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec mpirun "${opts[@]}" \
			"$work/mpi_groups" -l "${scen%%-*}" -t "$budget" "${count[@]}" \
			>>"$log" 2>&1 </dev/null
		rc=$?
		;;
	esac
	end_run "$log"
	[ -n "$failure" ] && return
	awk -v s="$scen" -v y="$sys" '
		function get(k,  i) {for (i = 2; i <= NF; i++) if (index($i, k "=") == 1)
			return substr($i, length(k) + 2)}
		$1 == "GROUPS" {o = get("op") " " get("ints")
			print s, y, o, "us", get("us"); print s, y, o, "errors", get("errors")
			if (get("ethpkts") != "") print s, y, o, "ethpkts", get("ethpkts")
			if (get("dframes") != "") print s, y, o, "dframes", get("dframes")}' \
		"$log" >"$log.results"
	if ! grep -q ' gather 1024 us ' "$log.results"; then
		if [ "$rc" = 124 ]; then
			failure="timed out after ${RUN_TIMEOUT}s"
		else
			failure="exit $rc, no result for gather of 1024 ints: $(grep -v '^GROUPS ' "$log" | tail -1)"
		fi
		return
	fi
	cat "$log.results" >>"$work/results"
}

# --- what is there -----------------------------------------------------
missing() {
	case $1 in
	pvmx-*) [ -x "$build/bench/bench_groups" ] && [ -x "$build/bin/pvmd" ] ||
		echo "not built ($build/bench/bench_groups, $build/bin/pvmd)" ;;
	pvm346) [ -x "$build/bench/ref/bench_groups" ] && [ -x /usr/bin/pvmd ] && [ -x /usr/bin/pvmgs ] ||
		echo "not installed or not built (Debian pvm pvm-dev, then cmake: $build/bench/ref/bench_groups)" ;;
	openmpi) [ -n "$mpi_missing" ] && echo "$mpi_missing" ;;
	esac
}
mpi_missing=""
if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
	mpi_missing="mpicc/mpirun not found (Debian openmpi-bin libopenmpi-dev)"
elif ! mpicc -O2 -I"$src/bench" -o "$work/mpi_groups" "$src/bench/mpi_groups.c" \
	>"$work/mpicc.log" 2>&1; then
	mpi_missing="mpicc failed: $(tail -1 "$work/mpicc.log")"
fi

echo "== run-groups: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $runs runs," \
	"budget ${budget} s per operation," \
	"pvmx $(git -C "$src" describe --always --dirty 2>/dev/null || echo '?') ($build)"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== scenarios:$scenarios"
echo "== Open MPI: $(mpirun --version 2>/dev/null | head -1); mpirun ${MPI_COMMON[*]} ..."
declare -A failed=()
run_list=()
for sys in $systems; do
	why=$(missing "$sys")
	if [ -n "$why" ]; then
		echo "== $sys: skipped: $why"
		failed[$sys]="skipped: $why"
	else
		run_list+=("$sys")
	fi
done
: >"$work/results"
for scen in $scenarios; do
	for ((r = 1; r <= runs; r++)); do
		for sys in "${run_list[@]}"; do
			[ -z "${failed[$scen.$sys]:-}" ] || continue
			t0=$SECONDS
			one_run "$scen" "$sys" "$r"
			if [ -n "$failure" ]; then
				echo "$scen run $r $sys: FAILED: $failure"
				sed 's/^/    /' "$work/$scen.$sys.$r.log" | tail -8
				failed[$scen.$sys]=$failure
				continue
			fi
			awk -v h="$scen run $r $sys:" -v t=$((SECONDS - t0)) '
				$3 == "barrier" && $5 == "us" {b = $6}
				$3 == "allreduce" && $4 == 1 && $5 == "us" {a = $6}
				$5 == "errors" {e += $6}
				END {printf "%s barrier %s us, allreduce(1) %s us, %d wrong answers (%d s)\n",
					h, b, a, e, t}' "$work/$scen.$sys.$r.log.results"
		done
	done
done
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg); took ${SECONDS} s"

# --- medians, tables, machine-readable lines ------------------------------
# errors are summed over the runs, the rest are medians
sort -k1,1 -k2,2 -k3,3 -k4,4n -k5,5 -k6,6g "$work/results" | awk '
	function flush() {if (n) {m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		if (metric == "errors") m = tot
		print key, m, n}; n = 0; tot = 0}
	{k = $1 " " $2 " " $3 " " $4 " " $5; if (k != key) {flush(); key = k; metric = $5}
	 v[++n] = $6; tot += $6}
	END {flush()}' >"$work/medians"
declare -A med=()
while read -r s y o k m v n; do
	med[$s.$y.$o.$k.$m]=$v
	echo "GROUPS-MEDIAN scenario=$s system=$y op=$o ints=$k metric=$m runs=$n value=$v"
done <"$work/medians" >"$work/median-lines"

fmt() { # VALUE: 3 significant digits, or "-"
	awk -v v="$1" 'BEGIN {if (v == "") print "-"; else if (v >= 1000) printf "%.0f\n", v;
		else if (v >= 100) printf "%.1f\n", v; else if (v >= 10) printf "%.2f\n", v;
		else printf "%.3f\n", v}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "" && b != "" && b > 0) printf "%.2f", a / b; else printf "-"}'; }
ops="barrier.0 bcast.1 bcast.1024 reduce.1 reduce.1024 allreduce.1 allreduce.1024 gather.1 gather.1024"
ratios="pvmx-frozen/pvm346 pvmx-frozen/openmpi pvmx-dynamic/pvm346 pvmx-dynamic/openmpi"
: >"$work/ratio-lines"
for scen in $scenarios; do
	echo
	case $scen in
	onehost-*) echo "== One host (h1), ${scen#*-} tasks: us per operation, medians of $runs runs" ;;
	hosts-*) echo "== ${scen#*-} hosts (h1..h${scen#*-}), one task each: us per operation, medians of $runs runs" ;;
	esac
	for sys in $all_systems; do
		why=${failed[$scen.$sys]:-${failed[$sys]:-}}
		case " $systems " in *" $sys "*) [ -n "$why" ] && echo "   $sys: not measured: $why" ;; esac
	done
	printf '%-10s %5s' op ints
	for sys in $all_systems; do printf ' %13s' "$sys"; done
	for q in $ratios; do printf ' %20s' "$q"; done
	echo
	for ok in $ops; do
		o=${ok%.*} k=${ok#*.}
		printf '%-10s %5s' "$o" "$k"
		for sys in $all_systems; do printf ' %13s' "$(fmt "${med[$scen.$sys.$o.$k.us]:-}")"; done
		for q in $ratios; do
			v=$(ratio "${med[$scen.${q%/*}.$o.$k.us]:-}" "${med[$scen.${q#*/}.$o.$k.us]:-}")
			printf ' %20s' "$v"
			[ "$v" = - ] || echo "GROUPS-RATIO scenario=$scen op=$o ints=$k of=$q value=$v" >>"$work/ratio-lines"
		done
		echo
	done
	echo "(allreduce: pvm_reduce then pvm_bcast of the answer for PVM, MPI_Allreduce for MPI;"
	echo " ratios above 1: pvmx is slower)"
	bad=""
	for sys in $all_systems; do
		e=0
		for ok in $ops; do
			e=$((e + ${med[$scen.$sys.${ok%.*}.${ok#*.}.errors]:-0}))
		done
		[ "$e" = 0 ] || bad+=" $sys: $e"
	done
	[ -z "$bad" ] || echo "   wrong answers seen by the root (all runs):$bad"
	case $scen in hosts-*)
		echo "   per operation: packets sent on eth0 (all hosts) | pvmx daemon-to-daemon frames"
		printf '%-10s %5s' op ints
		for sys in $all_systems; do printf ' %13s' "$sys"; done
		printf ' %13s %13s\n' "frozen:dfr" "dynamic:dfr"
		for ok in $ops; do
			o=${ok%.*} k=${ok#*.}
			printf '%-10s %5s' "$o" "$k"
			for sys in $all_systems; do printf ' %13s' "$(fmt "${med[$scen.$sys.$o.$k.ethpkts]:-}")"; done
			printf ' %13s %13s\n' "$(fmt "${med[$scen.pvmx-frozen.$o.$k.dframes]:-}")" \
				"$(fmt "${med[$scen.pvmx-dynamic.$o.$k.dframes]:-}")"
		done
		;;
	esac
done
echo
cat "$work/median-lines" "$work/ratio-lines"
shm_after=$(find /dev/shm -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort)
new=$(comm -13 <(echo "$shm_before") <(echo "$shm_after") | tr '\n' ' ')
[ -z "$new" ] || echo "== note: new in the machine's /dev/shm during the run (not ours: we ran in the hosts): $new"
exit 0

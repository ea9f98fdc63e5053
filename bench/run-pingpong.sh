#!/usr/bin/env bash
# Ping-pong between two hosts, side by side: pvmx, PVM 3.4.6 (daemon route,
# then PvmRouteDirect) and Open MPI, on two hosts made of network
# namespaces (scripts/vhosts).
# Usage: [PVMX_BUILD=build] bench/run-pingpong.sh [RUNS]   (as root, after `make`)
#   RUNS  runs of each system (default 3)
# PVM: the master daemon is started on h1 through scripts/vhost-rsh (pvmx
# with a host file naming h2; PVM 3.4.6 then gets `add h2` from its
# console), and bench_pingpong (bench/pingpong.c) runs on h1, spawning its
# partner on h2 with PvmTaskHost.  Open MPI: bench/mpi_pingpong.c, built
# here with mpicc, runs as 2 ranks (h1, h2) under mpirun started on h1,
# with vhost-rsh as its remote shell.  Skipped, with a message, where
# mpicc/mpirun are missing (Debian packages openmpi-bin libopenmpi-dev).
# Prints a table of medians over the runs and one line per system, route
# and size:
#   PINGPONG-MEDIAN impl=pvmx route=daemon bytes=N runs=R half_rtt_us=X mbps=Y
# The hosts are made once; every daemon and mpirun started is ended by pid
# after each run, and `vhosts down` ends anything left; the temporary
# directory is removed.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${PVMX_BUILD:-$src/build}" && pwd) || exit 1
runs=${1:-3}
VHOSTS=$src/scripts/vhosts
RSH=$src/scripts/vhost-rsh
RUN_TIMEOUT=90
# Open MPI over TCP on the hosts' eth0; ob1 with the tcp BTL only (no UCX,
# no shared memory: the ranks are on different hosts); yield when idle, as
# the machine has 2 cores; no binding, as the daemons' PVM runs are not bound.
MPI_OPTS=(--allow-run-as-root --mca plm_rsh_agent "$RSH" -H "h1,h2" -np 2
	--mca pml ob1 --mca btl "tcp,self" --mca btl_tcp_if_include eth0
	--mca oob_tcp_if_include eth0 --mca mpi_yield_when_idle 1 --bind-to none)

if ! reason=$("$VHOSTS" check); then
	echo "run-pingpong: skipped: $reason"
	exit 77
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "run-pingpong: RUNS must be 1 or more" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-pingpong.XXXXXX")
hosts_dir=$work/hosts
started=() # pids of daemons and mpiruns this script started
# shellcheck disable=SC2317  # (an EXIT trap)
cleanup() {
	local p
	for p in "${started[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	"$VHOSTS" down "$hosts_dir"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unset PVM_ROOT PVM_EXPORT PVM_DPATH PVM_DEBUGGER PVM_VMID LD_LIBRARY_PATH XDG_RUNTIME_DIR
export PVM_ALLOW_ROOT=1 PVM_RSH=$RSH
if ! "$VHOSTS" up "$hosts_dir" 2 >"$work/vhosts.log" 2>&1; then
	echo "run-pingpong: vhosts up failed: $(tail -1 "$work/vhosts.log")"
	exit 1
fi
export PVMX_VHOSTS=$hosts_dir
tag=$(sed -n 's/^tag=//p' "$hosts_dir/vhosts.state")

alive() { [ -d "/proc/$1" ] && [ "$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)" != Z ]; }
# pids of processes named NAME running in host H's network namespace
pids_on() {
	local p
	for p in $(pgrep -x "$2"); do
		[ "/proc/$p/ns/net" -ef "/run/netns/vx$tag$1" ] && echo "$p"
	done
}
# stop PID...: TERM, then KILL after 3 s
stop() {
	local p t
	for p in "$@"; do
		kill "$p" 2>/dev/null
	done
	for p in "$@"; do
		for ((t = 0; t < 30; t++)); do
			alive "$p" || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# one_run SYSTEM RUN: boot, ping-pong, halt.  Its output goes to
# $work/SYSTEM.RUN.log; prints "FAIL reason" on failure.
# SYSTEM: pvmx, pvm346, pvm346-direct, openmpi
one_run() {
	local sys=$1 log=$work/$1.$2.log home=$work/home-$1 master="" t rc
	mkdir -p "$home/pvm3/bin/LINUX64"
	case $sys in
	pvmx)
		cp "$build/bench/bench_pingpong" "$home/pvm3/bin/LINUX64/"
		echo h2 >"$work/hostfile"
		HOME=$home PVM_VMID=pp PATH=$build/bench:$build/bin:$PATH \
			"$RSH" h1 exec "$build/bin/pvmd" "$work/hostfile" >>"$log" 2>&1 </dev/null &
		master=$!
		started+=("$master")
		# the master's socket first (else the console would start a
		# daemon), then the host file's h2 has joined when conf lists it
		for ((t = 0; t < 100; t++)); do
			[ -S "$hosts_dir/h1/tmp/pvmx-$(id -u)/pvmd.pp.sock" ] && break
			alive "$master" || break
			sleep 0.1
		done
		for ((t = 0; t < 200; t++)); do
			HOME=$home PVM_VMID=pp timeout -k 2 10 "$RSH" h1 "$build/bin/pvm" \
				<<<conf 2>/dev/null | grep -qw h2 && break
			alive "$master" || break
			sleep 0.1
		done
		HOME=$home PVM_VMID=pp PATH=$build/bench:$build/bin:$PATH \
			timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec "$build/bench/bench_pingpong" h2 \
			>>"$log" 2>&1 </dev/null
		rc=$?
		HOME=$home PVM_VMID=pp timeout -k 2 10 "$RSH" h1 "$build/bin/pvm" <<<halt >/dev/null 2>&1
		;;
	pvm346 | pvm346-direct)
		cp "$build/bench/ref/bench_pingpong" "$home/pvm3/bin/LINUX64/"
		HOME=$home PVM_ROOT=/usr/lib/pvm3 "$RSH" h1 exec /usr/bin/pvmd >>"$log" 2>&1 </dev/null &
		master=$!
		started+=("$master")
		for ((t = 0; t < 100; t++)); do
			[ -s "$hosts_dir/h1/tmp/pvmd.$(id -u)" ] && break
			alive "$master" || break
			sleep 0.1
		done
		HOME=$home timeout -k 2 60 "$RSH" h1 pvm <<<"add h2" >>"$log" 2>&1
		local direct=()
		[ "$sys" = pvm346-direct ] && direct=(direct pvm346)
		[ "$sys" = pvm346 ] && direct=(daemon pvm346)
		HOME=$home timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec \
			"$build/bench/ref/bench_pingpong" h2 "${direct[@]}" >>"$log" 2>&1 </dev/null
		rc=$?
		HOME=$home timeout -k 2 10 "$RSH" h1 pvm <<<halt >/dev/null 2>&1
		;;
	openmpi)
		HOME=$home OMPI_MCA_plm_rsh_agent=$RSH timeout -k 5 "$RUN_TIMEOUT" \
			"$RSH" h1 exec mpirun "${MPI_OPTS[@]}" "$work/mpi_pingpong" tcp \
			>>"$log" 2>&1 </dev/null &
		master=$!
		started+=("$master")
		wait "$master"
		rc=$?
		;;
	esac
	# end by pid whatever of this run is left: the master (or mpirun), and
	# the daemons (or orted) it started on h2
	# shellcheck disable=SC2046
	stop "$master" $(pids_on h2 pvmd) $(pids_on h2 orted) $(pids_on h1 pvmd)
	if [ "$(grep -c '^PINGPONG ' "$log")" != 6 ]; then
		if [ "$rc" = 124 ]; then
			echo "FAIL timed out after ${RUN_TIMEOUT}s"
		else
			echo "FAIL exit $rc: $(grep -v '^PINGPONG ' "$log" | tail -1)"
		fi
	fi
}

median() {
	sort -g | awk '{v[NR] = $1}
		END {if (NR % 2) print v[(NR + 1) / 2]; else if (NR) printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
get() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

systems=()
have() {
	case $1 in
	pvmx) [ -x "$build/bench/bench_pingpong" ] ;;
	pvm346*) [ -x "$build/bench/ref/bench_pingpong" ] && [ -x /usr/bin/pvmd ] ;;
	openmpi) [ -x "$work/mpi_pingpong" ] ;;
	esac
}
if command -v mpicc >/dev/null && command -v mpirun >/dev/null; then
	mpicc -O2 -o "$work/mpi_pingpong" "$src/bench/mpi_pingpong.c" ||
		echo "== Open MPI: mpicc failed, skipped"
	echo "== Open MPI: $(mpirun --version 2>/dev/null | head -1); options: ${MPI_OPTS[*]}"
else
	echo "== Open MPI: mpicc/mpirun not found, skipped (Debian packages openmpi-bin libopenmpi-dev)"
fi
declare -A med_lat med_bw
sizes=(1 8 1024 65536 1048576 4194304)
for sys in pvmx pvm346 pvm346-direct openmpi; do
	if ! have "$sys"; then
		[ "$sys" != openmpi ] && echo "== $sys: not built or not installed, skipped"
		continue
	fi
	echo "== $sys: $runs runs"
	failure=""
	for ((r = 1; r <= runs; r++)); do
		result=$(one_run "$sys" "$r")
		if [ -n "$result" ]; then
			failure=${result#FAIL }
			echo "run $r: $result"
			sed 's/^/    /' "$work/$sys.$r.log" | tail -15
			break
		fi
		echo "run $r: $(awk '/^PINGPONG /{split($4, b, "="); split($6, l, "="); split($7, m, "=");
			printf "%s B %s us %s MB/s; ", b[2], l[2], m[2]}' "$work/$sys.$r.log")"
	done
	if [ -n "$failure" ]; then
		echo "$sys: failed ($failure)"
		continue
	fi
	systems+=("$sys")
	for b in "${sizes[@]}"; do
		lines=$(cat "$work/$sys".*.log | grep "^PINGPONG .* bytes=$b ")
		med_lat[$sys.$b]=$(while read -r l; do get half_rtt_us "$l"; done <<<"$lines" | median)
		med_bw[$sys.$b]=$(while read -r l; do get mbps "$l"; done <<<"$lines" | median)
	done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "" && b > 0) printf "%.2f", a / b; else printf "-"}'; }
echo
echo "Medians of $runs runs; latency = half round trip (us), bandwidth = bytes / half round trip (MB/s, 10^6 B/s)"
printf '%-8s %-8s' bytes metric
for sys in "${systems[@]}"; do printf ' %14s' "$sys"; done
printf ' %14s %14s\n' pvmx/pvm346 pvmx/openmpi
for b in "${sizes[@]}"; do
	if [ "$b" -le 1024 ]; then m=us; else m=MB/s; fi
	printf '%-8s %-8s' "$b" "$m"
	for sys in "${systems[@]}"; do
		if [ "$m" = us ]; then v=${med_lat[$sys.$b]}; else v=${med_bw[$sys.$b]}; fi
		printf ' %14s' "$v"
	done
	if [ "$m" = us ]; then
		printf ' %14s %14s\n' "$(ratio "${med_lat[pvmx.$b]:-}" "${med_lat[pvm346.$b]:-0}")" \
			"$(ratio "${med_lat[pvmx.$b]:-}" "${med_lat[openmpi.$b]:-0}")"
	else
		printf ' %14s %14s\n' "$(ratio "${med_bw[pvmx.$b]:-}" "${med_bw[pvm346.$b]:-0}")" \
			"$(ratio "${med_bw[pvmx.$b]:-}" "${med_bw[openmpi.$b]:-0}")"
	fi
done
echo "(ratios: of latencies for sizes up to 1 KiB, > 1 means pvmx is slower; of bandwidths above, < 1 means pvmx is slower)"
for sys in "${systems[@]}"; do
	impl=${sys%-direct} route=daemon
	[ "$sys" = pvm346-direct ] && route=direct
	[ "$sys" = openmpi ] && route=tcp
	for b in "${sizes[@]}"; do
		echo "PINGPONG-MEDIAN impl=$impl route=$route bytes=$b runs=$runs half_rtt_us=${med_lat[$sys.$b]} mbps=${med_bw[$sys.$b]}"
	done
done
exit 0

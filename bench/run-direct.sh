#!/usr/bin/env bash
# The message-passing benchmark of issue 9, in one run: on one host and
# between two hosts (network namespaces, scripts/vhosts h1 and h2), side
# by side:
#   pvmx-direct     pvmx, pvm_setopt(PvmRoute, PvmRouteDirect)
#   pvmx-dontroute  pvmx, pvm_setopt(PvmRoute, PvmDontRoute)
#   pvmx-plain      pvmx with no tricks: no pvm_setopt, PvmDataDefault
#   pvm346          PVM 3.4.6 (Debian pvm), its default route
#   pvm346-direct   PVM 3.4.6, PvmRouteDirect
#   openmpi         Open MPI: vader (shared memory) on one host, the tcp
#                   BTL on eth0 between hosts
#   nptcp           raw TCP, NetPIPE's NPtcp (loopback on one host)
#   tcp             raw TCP on bench_pingpong's schedule (bench/tcp_pingpong.c):
#                   each size's mean over its timed loop, as the PVM and MPI
#                   figures are, where NPtcp prints the best of its trials
# each measuring ping-pong latency (1 B to 4 MiB), streaming bandwidth (a
# window of back-to-back sends, then one ack) and the message rate at 8 B
# (bench/pingpong.c, bench/mpi_pingpong.c, schedule in
# bench/pingpong_plan.h; NPtcp gives latency and ping-pong bandwidth);
# and, on one host, NetPIPE's own figures for
#   nppvm-pvmx      NPpvm (Debian netpipe-pvm, unmodified) on our
#                   libpvm3 (LD_LIBRARY_PATH) and our pvmd
#   nppvm-pvm346    NPpvm on PVM 3.4.6
#   npopenmpi       NPopenmpi (Debian netpipe-openmpi), vader
#
# Usage (as root, after building pvmx):
#   [PVMX_BUILD=build] [RUNS=3] [SCENARIOS="onehost twohost"] \
#     [SYSTEMS="pvmx-direct ..."] bench/run-direct.sh
# Every system runs RUNS times, the runs interleaved (run 1 of every
# system, then run 2, ...) so that a change in the machine's load spreads
# over all of them.  Printed: each run's headline figures, then per
# scenario a table of medians with the ratios pvmx-direct / other, a
# table of NetPIPE's figures, and machine-readable lines:
#   DIRECT-MEDIAN scenario=S impl=I route=R metric=M bytes=N runs=K value=V
#   DIRECT-RATIO scenario=S metric=M bytes=N of=pvmx-direct/SYSTEM value=V
# metric: latency (half round trip, us: the mean over the timed loop,
# NetPIPE's best trial for NPtcp and the NP* programs), best (the best of
# the loop's PLAN_TRIALS trials, us: what compares with NetPIPE's figure),
# ppbw (ping-pong bandwidth, bytes
# over half a round trip, MB/s = 10^6 B/s), bandwidth (streaming, MB/s),
# msgrate (messages/s).  A system that is missing or fails is reported with
# its reason and the script goes on.
#
# pvmx's route is whatever PvmRouteDirect gives the build measured: the
# daemon route until the direct data path lands, then that path, with no
# change here.  Nothing is bound to a core; Open MPI yields when idle
# (mpi_yield_when_idle), but a polling process still costs a core.
#
# Everything runs inside the two hosts this script makes (their own
# loopback, eth0 on a private bridge, /dev/shm, PVM_TMP); every command
# has a timeout; after each run every process left in the hosts (daemons,
# mpirun, orted, NetPIPE, tasks) is ended by pid and the hosts' /dev/shm
# is checked (leftovers reported, then removed); at exit `vhosts down`
# and the temporary directory goes.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${PVMX_BUILD:-$src/build}" && pwd) || exit 1
runs=${RUNS:-3}
scenarios=${SCENARIOS:-onehost twohost}
all_systems="pvmx-direct pvmx-plain pvmx-dontroute pvm346 pvm346-direct openmpi nptcp tcp nppvm-pvmx nppvm-pvm346 npopenmpi"
systems=${SYSTEMS:-$all_systems}
VHOSTS=$src/scripts/vhosts
RSH=$src/scripts/vhost-rsh
RUN_TIMEOUT=${RUN_TIMEOUT:-150} # one system's run, boot and halt aside
NETPIPE_OPTS=(-p 0 -u 4194304)  # powers of 2 only, up to 4 MiB
MPI_COMMON=(--allow-run-as-root --mca pml ob1 --mca mpi_yield_when_idle 1 --bind-to none)
MPI_ONEHOST=("${MPI_COMMON[@]}" -np 2 --host h1:2 --mca btl "vader,self")
MPI_TWOHOST=("${MPI_COMMON[@]}" -np 2 -H "h1,h2" --mca plm_rsh_agent "$RSH"
	--mca btl "tcp,self" --mca btl_tcp_if_include eth0 --mca oob_tcp_if_include eth0)

if ! reason=$("$VHOSTS" check); then
	echo "run-direct: skipped: $reason"
	exit 77
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "run-direct: RUNS must be 1 or more" >&2
	exit 2
fi
for s in $scenarios; do
	case $s in onehost | twohost) ;; *)
		echo "run-direct: unknown scenario $s (onehost, twohost)" >&2
		exit 2
		;;
	esac
done
for s in $systems; do
	case " $all_systems " in *" $s "*) ;; *)
		echo "run-direct: unknown system $s ($all_systems)" >&2
		exit 2
		;;
	esac
done

# shellcheck source=bench/vhost-run.sh
. "$src/bench/vhost-run.sh"
vhost_session run-direct 2

# shellcheck disable=SC2317  # (called through wait_for)
listening() { timeout 5 "$RSH" "$1" "ss -ltnH 'sport = :$2'" 2>/dev/null | grep -q .; }
# shellcheck disable=SC2317
has_h2() { HOME=$1 PVM_VMID=dx timeout -k 2 10 "$RSH" h1 "$build/bin/pvm" <<<conf 2>/dev/null | grep -qw h2; }

# --- the virtual machines ------------------------------------------------
# boot_pvmx SCENARIO HOME LOG: pvmx's master on h1 (and h2 for twohost)
# the bench_pingpong options of a pvmx system
pvmx_args() {
	case $1 in
	pvmx-plain) echo "-r default -e default" ;;
	*) echo "-r ${1#pvmx-}" ;;
	esac
}

boot_pvmx() {
	local hostfile=()
	rm -rf "$hosts_dir"/h*/tmp/pvmx-"$uid"
	if [ "$1" = twohost ]; then
		echo h2 >"$work/hostfile"
		hostfile=("$work/hostfile")
	fi
	HOME=$2 PVM_VMID=dx PATH=$build/bench:$build/bin:$PATH \
		"$RSH" h1 exec "$build/bin/pvmd" "${hostfile[@]}" >>"$3" 2>&1 </dev/null &
	bg_started
	wait_for 10 $! test -S "$hosts_dir/h1/tmp/pvmx-$uid/pvmd.dx.sock" || return 1
	[ "$1" = onehost ] || wait_for 20 "${started[-1]}" has_h2 "$2"
}
halt_pvmx() {
	HOME=$1 PVM_VMID=dx timeout -k 2 10 "$RSH" h1 "$build/bin/pvm" <<<halt >/dev/null 2>&1
}
# boot_pvm346 SCENARIO HOME LOG
boot_pvm346() {
	rm -f "$hosts_dir"/h*/tmp/pvmd."$uid" "$hosts_dir"/h*/tmp/pvmtmp*
	HOME=$2 PVM_ROOT=/usr/lib/pvm3 "$RSH" h1 exec /usr/bin/pvmd >>"$3" 2>&1 </dev/null &
	bg_started
	wait_for 10 $! test -s "$hosts_dir/h1/tmp/pvmd.$uid" || return 1
	[ "$1" = onehost ] && return 0
	HOME=$2 timeout -k 2 60 "$RSH" h1 pvm <<<"add h2" >>"$3" 2>&1
	grep -q "1 successful" "$3"
}
# (PVM 3.4.6's halt also kills the console: the subshell keeps bash's
# "Terminated" off the output)
halt_pvm346() {
	(HOME=$1 timeout -k 2 10 "$RSH" h1 pvm <<<halt >/dev/null 2>&1) 2>/dev/null
}

# --- one run of one system -------------------------------------------------
# one_run SCENARIO SYSTEM RUN: its output in $work/SCENARIO.SYSTEM.RUN.log,
# results appended to $work/results as "SCENARIO SYSTEM METRIC BYTES VALUE";
# sets $failure on failure.
one_run() {
	local scen=$1 sys=$2 log=$work/$1.$2.$3.log home=$work/home-${2%%-*} rc=0
	local peer=() at=h1
	[ "$scen" = twohost ] && peer=(h2) at=h2
	failure=""
	mkdir -p "$home/pvm3/bin/LINUX64" "$work/np"
	: >"$log"
	case $sys in
	pvmx-*)
		cp "$build/bench/bench_pingpong" "$home/pvm3/bin/LINUX64/"
		if boot_pvmx "$scen" "$home" "$log"; then
			HOME=$home PVM_VMID=dx PATH=$build/bench:$build/bin:$PATH \
				timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec "$build/bench/bench_pingpong" \
				$(pvmx_args "$sys") -i pvmx "${peer[@]}" >>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="pvmx did not boot: $(tail -1 "$log")"
		fi
		halt_pvmx "$home"
		;;
	pvm346 | pvm346-direct)
		cp "$build/bench/ref/bench_pingpong" "$home/pvm3/bin/LINUX64/"
		local route=default
		[ "$sys" = pvm346-direct ] && route=direct
		if boot_pvm346 "$scen" "$home" "$log"; then
			HOME=$home timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec \
				"$build/bench/ref/bench_pingpong" -r "$route" -i pvm346 "${peer[@]}" \
				>>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="PVM 3.4.6 did not boot: $(tail -1 "$log")"
		fi
		halt_pvm346 "$home"
		;;
	openmpi)
		local opts=("${MPI_ONEHOST[@]}") btl=vader
		[ "$scen" = twohost ] && opts=("${MPI_TWOHOST[@]}") btl=tcp
		HOME=$home timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec \
			mpirun "${opts[@]}" "$work/mpi_pingpong" "$btl" >>"$log" 2>&1 </dev/null
		rc=$?
		;;
	nptcp)
		local to=localhost
		[ "$scen" = twohost ] && to=h2
		(cd "$work/np" && exec "$RSH" "$at" exec timeout -k 5 "$RUN_TIMEOUT" \
			NPtcp "${NETPIPE_OPTS[@]}" >"$log.receiver" 2>&1 </dev/null) &
		bg_started
		if wait_for 10 $! listening "$at" 5002; then
			timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec NPtcp -h "$to" "${NETPIPE_OPTS[@]}" \
				-o "$work/np/$scen.$sys.$3.out" >>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="NPtcp's receiver on $at did not listen: $(tail -1 "$log.receiver")"
		fi
		;;
	tcp)
		local to=localhost
		[ "$scen" = twohost ] && to=h2
		"$RSH" "$at" exec timeout -k 5 "$RUN_TIMEOUT" "$build/bench/bench_tcp_pingpong" -l \
			>"$log.receiver" 2>&1 </dev/null &
		bg_started
		if wait_for 10 $! listening "$at" 5003; then
			timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec "$build/bench/bench_tcp_pingpong" "$to" \
				>>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="bench_tcp_pingpong's partner on $at did not listen: $(tail -1 "$log.receiver")"
		fi
		;;
	nppvm-pvmx | nppvm-pvm346)
		local env=(HOME="$home" PVM_VMID=dx) ok=0
		if [ "$sys" = nppvm-pvmx ]; then
			env+=(LD_LIBRARY_PATH="$build/lib")
			boot_pvmx onehost "$home" "$log" && ok=1
		else
			boot_pvm346 onehost "$home" "$log" && ok=1
			env=(HOME="$home") # PVM 3.4.6's daemon and tasks agree on no PVM_VMID
		fi
		if [ "$ok" = 1 ]; then
			# the receiver first: the transmitter (-h) looks for it with pvm_tasks
			(cd "$work/np" && exec env "${env[@]}" "$RSH" h1 exec timeout -k 5 \
				"$RUN_TIMEOUT" NPpvm "${NETPIPE_OPTS[@]}" >"$log.receiver" 2>&1 </dev/null) &
			bg_started
			sleep 1
			env "${env[@]}" timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec NPpvm -h h1 \
				"${NETPIPE_OPTS[@]}" -o "$work/np/$scen.$sys.$3.out" >>"$log" 2>&1 </dev/null
			rc=$?
		else
			failure="the virtual machine did not boot: $(tail -1 "$log")"
		fi
		if [ "$sys" = nppvm-pvmx ]; then halt_pvmx "$home"; else halt_pvm346 "$home"; fi
		;;
	npopenmpi)
		(cd "$work/np" && HOME=$home timeout -k 5 "$RUN_TIMEOUT" "$RSH" h1 exec \
			mpirun "${MPI_ONEHOST[@]}" NPopenmpi "${NETPIPE_OPTS[@]}" \
			-o "$work/np/$scen.$sys.$3.out" >>"$log" 2>&1 </dev/null)
		rc=$?
		;;
	esac
	end_run "$log"
	[ -n "$failure" ] && return
	case $sys in
	np*)
		# "  0:       1 bytes   2924 times -->      0.60 Mbps in      12.68 usec"
		# (NetPIPE's Mbps are 2^20 bits/s; ppbw is recomputed as bytes/usec)
		awk -v s="$scen" -v y="$sys" '$3 == "bytes" && $NF == "usec" {
			b = $2; p = b; while (p > 1 && p % 4 == 0) p /= 4
			if (p != 1) next
			print s, y, "latency", b, $(NF - 1)
			print s, y, "best", b, $(NF - 1) # (NetPIPE prints its best trial)
			if (b >= 65536) print s, y, "ppbw", b, b / $(NF - 1)}' "$log" >"$log.results"
		grep -q ' latency 4194304 ' "$log.results" || failure="no result for 4 MiB"
		;;
	*)
		awk -v s="$scen" -v y="$sys" '
			function get(k,  i) {for (i = 2; i <= NF; i++) if (index($i, k "=") == 1)
				return substr($i, length(k) + 2)}
			$1 == "PINGPONG" {print s, y, "latency", get("bytes"), get("half_rtt_us")
				print s, y, "best", get("bytes"), get("best_half_rtt_us")
				if (get("bytes") + 0 >= 65536) print s, y, "ppbw", get("bytes"), get("mbps")}
			$1 == "STREAM" {print s, y, "bandwidth", get("bytes"), get("mbps")}
			$1 == "MSGRATE" {print s, y, "msgrate", get("bytes"), get("msgs_per_s")}' \
			"$log" >"$log.results"
		grep -q ' msgrate ' "$log.results" || failure="no message-rate result"
		;;
	esac
	if [ -n "$failure" ]; then
		if [ "$rc" = 124 ]; then
			failure="timed out after ${RUN_TIMEOUT}s"
		else
			failure="exit $rc, $failure: $(grep -v '^PINGPONG \|^STREAM ' "$log" | tail -1)"
		fi
		return
	fi
	cat "$log.results" >>"$work/results"
}

# --- what is there -----------------------------------------------------
# missing SYSTEM: why SYSTEM cannot run here, or nothing
missing() {
	case $1 in
	pvmx-*) [ -x "$build/bench/bench_pingpong" ] && [ -x "$build/bin/pvmd" ] ||
		echo "not built ($build/bench/bench_pingpong, $build/bin/pvmd)" ;;
	pvm346*) [ -x "$build/bench/ref/bench_pingpong" ] && [ -x /usr/bin/pvmd ] ||
		echo "not installed or not built (Debian pvm pvm-dev, then cmake: $build/bench/ref/bench_pingpong)" ;;
	openmpi) [ -n "$mpi_missing" ] && echo "$mpi_missing" ;;
	nptcp) command -v NPtcp >/dev/null || echo "NPtcp not installed (Debian netpipe-tcp)" ;;
	tcp) [ -x "$build/bench/bench_tcp_pingpong" ] || echo "not built ($build/bench/bench_tcp_pingpong)" ;;
	nppvm-pvmx) command -v NPpvm >/dev/null && [ -e "$build/lib/libpvm3.so.3" ] ||
		echo "NPpvm (Debian netpipe-pvm) or $build/lib/libpvm3.so.3 missing" ;;
	nppvm-pvm346) command -v NPpvm >/dev/null && [ -x /usr/bin/pvmd ] ||
		echo "NPpvm (Debian netpipe-pvm) or PVM 3.4.6 (Debian pvm) missing" ;;
	npopenmpi) command -v NPopenmpi >/dev/null && command -v mpirun >/dev/null ||
		echo "NPopenmpi (Debian netpipe-openmpi) or mpirun missing" ;;
	esac
}
applies() { # SYSTEM SCENARIO: NetPIPE's PVM and MPI figures are taken on one host
	case $1 in nppvm-* | npopenmpi) [ "$2" = onehost ] ;; *) true ;; esac
}
mpi_missing=""
if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
	mpi_missing="mpicc/mpirun not found (Debian openmpi-bin libopenmpi-dev)"
elif ! mpicc -O2 -I"$src/bench" -o "$work/mpi_pingpong" "$src/bench/mpi_pingpong.c" \
	>"$work/mpicc.log" 2>&1; then
	mpi_missing="mpicc failed: $(tail -1 "$work/mpicc.log")"
fi

echo "== run-direct: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $runs runs," \
	"pvmx $(git -C "$src" describe --always --dirty 2>/dev/null || echo '?') ($build)"
echo "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Open MPI: $(mpirun --version 2>/dev/null | head -1)"
echo "==   one host: mpirun ${MPI_ONEHOST[*]}"
echo "==   two hosts: mpirun ${MPI_TWOHOST[*]}"
echo "== NetPIPE options: ${NETPIPE_OPTS[*]}"
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
			applies "$sys" "$scen" || continue
			[ -z "${failed[$scen.$sys]:-}" ] || continue
			one_run "$scen" "$sys" "$r"
			if [ -n "$failure" ]; then
				echo "$scen run $r $sys: FAILED: $failure"
				sed 's/^/    /' "$work/$scen.$sys.$r.log" | tail -8
				failed[$scen.$sys]=$failure
				continue
			fi
			awk -v h="$scen run $r $sys:" '
				$3 == "latency" && $4 == 1 {l = $5}
				$3 == "ppbw" && $4 == 1048576 {p = $5}
				$3 == "bandwidth" && $4 == 1048576 {b = $5}
				$3 == "msgrate" {m = $5}
				END {printf "%s 1 B %s us; 1 MiB %s MB/s ping-pong", h, l, p
					if (b != "") printf ", %s MB/s streaming", b
					if (m != "") printf "; %.0f msgs/s at 8 B", m
					print ""}' "$work/$scen.$sys.$r.log.results"
		done
	done
done
echo "== load average at end: $(cut -d' ' -f1-3 /proc/loadavg); took ${SECONDS} s"

# --- medians, tables, machine-readable lines ------------------------------
sort -k1,1 -k2,2 -k3,3 -k4,4n -k5,5g "$work/results" | awk '
	function flush() {if (n) {m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		print key, m, n}; n = 0}
	{k = $1 " " $2 " " $3 " " $4; if (k != key) {flush(); key = k}; v[++n] = $5}
	END {flush()}' >"$work/medians"
declare -A med=()
while read -r s y m b v n; do
	med[$s.$y.$m.$b]=$v
	case $y in
	pvmx-plain) impl=pvmx route=plain ;;
	pvmx-*) impl=pvmx route=${y#pvmx-} ;;
	pvm346) impl=pvm346 route=default ;;
	pvm346-direct) impl=pvm346 route=direct ;;
	openmpi) impl=openmpi route=$([ "$s" = onehost ] && echo vader || echo tcp) ;;
	nptcp) impl=nptcp route=tcp ;;
	tcp) impl=tcp route=tcp ;;
	*) impl=$y route=netpipe ;;
	esac
	echo "DIRECT-MEDIAN scenario=$s impl=$impl route=$route metric=$m bytes=$b runs=$n value=$v"
done <"$work/medians" >"$work/median-lines"

fmt() { # VALUE: 3 significant digits, or "-"
	awk -v v="$1" 'BEGIN {if (v == "") print "-"; else if (v >= 1000) printf "%.0f\n", v;
		else if (v >= 100) printf "%.1f\n", v; else if (v >= 10) printf "%.2f\n", v;
		else printf "%.3f\n", v}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "" && b != "" && b > 0) printf "%.2f", a / b; else printf "-"}'; }
size() { awk -v b="$1" 'BEGIN {if (b >= 1048576) printf "%d MiB", b / 1048576;
	else if (b >= 1024) printf "%d KiB", b / 1024; else printf "%d B", b}'; }
table_systems=(pvmx-direct pvmx-plain pvmx-dontroute pvm346 pvm346-direct openmpi nptcp tcp)
ratio_to=(openmpi pvm346 pvm346-direct nptcp tcp pvmx-plain)
for scen in $scenarios; do
	echo
	case $scen in
	onehost) echo "== One host (h1): medians of $runs runs" ;;
	twohost) echo "== Two hosts (h1 -> h2, veths through a bridge): medians of $runs runs" ;;
	esac
	for sys in "${table_systems[@]}"; do
		[ -n "${failed[$scen.$sys]:-${failed[$sys]:-}}" ] &&
			echo "   $sys: not measured: ${failed[$scen.$sys]:-${failed[$sys]}}"
	done
	printf '%-9s %-9s %-6s' metric size unit
	for sys in "${table_systems[@]}"; do printf ' %14s' "$sys"; done
	for o in "${ratio_to[@]}"; do printf ' %13s' "pvmx/$o"; done
	echo
	for m in latency best ppbw bandwidth msgrate; do
		case $m in latency | best) u=us ;; msgrate) u=msgs/s ;; *) u=MB/s ;; esac
		for b in $(awk -v s="$scen" -v m="$m" '$1 == s && $3 == m {print $4}' "$work/medians" |
			sort -nu); do
			printf '%-9s %-9s %-6s' "$m" "$(size "$b")" "$u"
			for sys in "${table_systems[@]}"; do
				printf ' %14s' "$(fmt "${med[$scen.$sys.$m.$b]:-}")"
			done
			for o in "${ratio_to[@]}"; do
				v=$(ratio "${med[$scen.pvmx-direct.$m.$b]:-}" "${med[$scen.$o.$m.$b]:-}")
				printf ' %13s' "$v"
				[ "$v" = - ] || echo "DIRECT-RATIO scenario=$scen metric=$m bytes=$b of=pvmx-direct/$o value=$v" >>"$work/ratio-lines"
			done
			echo
		done
	done
	echo "(pvmx = pvmx-direct; ratios pvmx / other: above 1 pvmx is slower in latency, faster in MB/s and msgs/s;"
	echo " nptcp: ping-pong only, NetPIPE's streaming mode (-s) resets its connection between trials here;"
	echo " latency: the mean over each size's timed loop, except nptcp's: NetPIPE prints the best of its trials;"
	echo " best: the best of 3 trials (PLAN_TRIALS) of that loop (bench/pingpong_plan.h), NetPIPE's own for nptcp: set"
	echo " pvmx beside nptcp there)"
	if [ "$scen" = onehost ]; then
		echo
		echo "== NetPIPE's own figures, one host: medians of $runs runs"
		printf '%-34s %16s %22s\n' system "1 B latency (us)" "1 MiB ping-pong (MB/s)"
		for sys in nppvm-pvmx nppvm-pvm346 npopenmpi nptcp; do
			case $sys in
			nppvm-pvmx) name="NPpvm on pvmx" ;;
			nppvm-pvm346) name="NPpvm on PVM 3.4.6" ;;
			npopenmpi) name="NPopenmpi (vader)" ;;
			nptcp) name="NPtcp (loopback)" ;;
			esac
			why=${failed[$scen.$sys]:-${failed[$sys]:-}}
			if [ -n "$why" ]; then
				printf '%-34s not measured: %s\n' "$name" "$why"
				continue
			fi
			printf '%-34s %16s %22s\n' "$name" "$(fmt "${med[$scen.$sys.latency.1]:-}")" \
				"$(fmt "${med[$scen.$sys.ppbw.1048576]:-}")"
		done
	fi
done
echo
cat "$work/median-lines"
[ -e "$work/ratio-lines" ] && cat "$work/ratio-lines"
shm_after=$(find /dev/shm -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort)
new=$(comm -13 <(echo "$shm_before") <(echo "$shm_after") | tr '\n' ' ')
[ -z "$new" ] || echo "== note: new in the machine's /dev/shm during the run (not ours: we ran in the hosts): $new"
exit 0

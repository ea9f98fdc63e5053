#!/usr/bin/env bash
# Boot benchmark, side by side: PVM 3.4.6, then pvmx, booting an N-host
# virtual machine on hosts made of network namespaces (scripts/vhosts).
# Usage: [PVMX_BUILD=build] bench/run-boot.sh [N] [RUNS]   (as root, after `make`)
#   N     hosts, the master's included (default 32)
#   RUNS  runs of each system, each on a freshly made set of hosts (default 3)
# In each run the master daemon is started on h1 through scripts/vhost-rsh,
# with PVM_RSH=vhost-rsh, and bench_boot (bench/boot.c) runs on h1 as its
# task: it adds h2..hN in one pvm_addhosts call, spawns one bench_nop per
# host and waits for their exits, then halts the machine.  Medians of the
# runs are printed, with one machine-readable line per system:
#   BOOT-MEDIAN impl=pvm346 hosts=N runs=R add_s=X spawn_s=Y
# A system that fails is reported as "<impl>: failed (reason)" and the
# script goes on.  Everything it starts lives in the namespaces it made and
# is ended with them; its temporary directory is removed.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${PVMX_BUILD:-$src/build}" && pwd) || exit 1
n=${1:-32}
runs=${2:-3}
VHOSTS=$src/scripts/vhosts
RSH=$src/scripts/vhost-rsh
BOOT_TIMEOUT=300

if ! reason=$("$VHOSTS" check); then
	echo "run-boot: skipped: $reason"
	exit 77
fi
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 2 ]; then
	echo "run-boot: N must be 2 or more" >&2
	exit 2
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "run-boot: RUNS must be 1 or more" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-boot.XXXXXX")
hosts_dir=$work/hosts
# shellcheck disable=SC2317  # (an EXIT trap)
cleanup() {
	"$VHOSTS" down "$hosts_dir"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Everything a daemon or task needs comes from here, through vhost-rsh's
# inherited environment; nothing of the caller's PVM settings leaks in.
unset PVM_ROOT PVM_EXPORT PVM_DPATH PVM_DEBUGGER PVM_VMID LD_LIBRARY_PATH XDG_RUNTIME_DIR
export PVM_ALLOW_ROOT=1 PVM_RSH=$RSH

targets=()
for ((i = 2; i <= n; i++)); do
	targets+=("h$i")
done

# wait_file PATH SECONDS PID: until PATH is a socket or a file that is not
# empty, or PID died
wait_file() {
	local t
	for ((t = 0; t < $2 * 10; t++)); do
		[ -S "$1" ] || [ -s "$1" ] && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# one_run IMPL RUN: make the hosts, boot, measure, tear down.  Prints the
# bench's BOOT line, or "FAIL reason".  Its output goes to $work/IMPL.RUN.log.
# (Run in a subshell: the caller's EXIT trap still downs $hosts_dir.)
one_run() {
	local impl=$1 log=$work/$1.$2.log master pidfile boot home vmid=()
	if ! "$VHOSTS" up "$hosts_dir" "$n" >"$log" 2>&1; then
		echo "FAIL vhosts up: $(tail -1 "$log")"
		return
	fi
	export PVMX_VHOSTS=$hosts_dir
	case $impl in
	pvm346)
		# PVM 3.4.6 finds spawnable programs only in $HOME/pvm3/bin/$PVM_ARCH,
		# and its daemon as "pvmd" on PATH (Debian's /usr/bin/pvmd)
		home=$work/home-pvm346
		mkdir -p "$home/pvm3/bin/LINUX64"
		cp "$build/bench/ref/bench_nop" "$home/pvm3/bin/LINUX64/"
		boot=$build/bench/ref/bench_boot
		pidfile=$hosts_dir/h1/tmp/pvmd.$(id -u)
		HOME=$home PVM_ROOT=/usr/lib/pvm3 "$RSH" h1 exec /usr/bin/pvmd \
			>>"$log" 2>&1 </dev/null &
		master=$!
		;;
	pvmx)
		home=$work/home-pvmx
		mkdir -p "$home/pvm3/bin/LINUX64"
		cp "$build/bench/bench_nop" "$home/pvm3/bin/LINUX64/"
		boot=$build/bench/bench_boot
		pidfile=$hosts_dir/h1/tmp/pvmx-$(id -u)/pvmd.boot.sock
		vmid=(PVM_VMID=boot)
		HOME=$home PVM_VMID=boot PATH=$build/bench:$build/bin:$PATH \
			"$RSH" h1 exec "$build/bin/pvmd" >>"$log" 2>&1 </dev/null &
		master=$!
		;;
	esac
	if ! wait_file "$pidfile" 20 "$master"; then
		echo "FAIL master daemon did not start on h1: $(tail -1 "$log")"
	else
		env HOME="$home" "${vmid[@]}" PATH="$build/bench:$build/bin:$PATH" \
			timeout -k 5 "$BOOT_TIMEOUT" "$RSH" h1 exec "$boot" "${targets[@]}" \
			>>"$log" 2>&1 </dev/null
		local rc=$? line
		line=$(grep '^BOOT ' "$log" | tail -1)
		if [ -z "$line" ]; then
			if [ "$rc" = 124 ]; then
				echo "FAIL bench_boot timed out after ${BOOT_TIMEOUT}s"
			else
				echo "FAIL bench_boot exit $rc: $(grep -v '^vhosts:' "$log" | tail -1)"
			fi
		elif [[ "$line" != *" added=$((n - 1)) "* ]]; then
			echo "FAIL added $(get added "$line") of $((n - 1)) hosts;" \
				"first refusal: $(grep -m1 -E '^h[0-9]+ +[^d ]' "$log" | tr -s ' ')"
		elif [[ "$line" != *" spawned=$n exited=$n "* ]]; then
			echo "FAIL spawned $(get spawned "$line") of $n tasks, $(get exited "$line") exited;" \
				"$(grep -m1 'pvm_spawn' "$log" | tr -s ' ')"
		else
			echo "$line"
		fi
	fi
	kill "$master" 2>/dev/null
	wait "$master" 2>/dev/null
	"$VHOSTS" down "$hosts_dir"
	unset PVMX_VHOSTS
}

median() {
	sort -g | awk '{v[NR] = $1}
		END {if (NR % 2) print v[(NR + 1) / 2]; else if (NR) printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
get() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

summary=() medians=()
for impl in pvm346 pvmx; do
	name=$impl
	[ "$impl" = pvm346 ] && name="PVM 3.4.6"
	if [ "$impl" = pvm346 ] && { [ ! -x "$build/bench/ref/bench_boot" ] || [ ! -x /usr/bin/pvmd ]; }; then
		echo "== $name: not installed (Debian packages pvm, pvm-dev), skipped"
		summary+=("$(printf '%-10s %s' "$impl" "skipped: not installed")")
		continue
	fi
	echo "== $name: $n hosts, $runs runs"
	adds=() spawns=() failure=""
	for ((r = 1; r <= runs; r++)); do
		result=$(one_run "$impl" "$r")
		echo "run $r: $result"
		if [[ "$result" == FAIL* ]]; then
			failure=${result#FAIL }
			sed 's/^/    /' "$work/$impl.$r.log" | tail -15
			break
		fi
		adds+=("$(get add_s "$result")")
		spawns+=("$(get spawn_s "$result")")
	done
	if [ -n "$failure" ]; then
		echo "$impl: failed ($failure)"
		summary+=("$(printf '%-10s %s' "$impl" "failed ($failure)")")
		continue
	fi
	a=$(printf '%s\n' "${adds[@]}" | median)
	s=$(printf '%s\n' "${spawns[@]}" | median)
	summary+=("$(printf '%-10s %6d %5d %14s %16s' "$impl" "$n" "$runs" "$a" "$s")")
	medians+=("BOOT-MEDIAN impl=$impl hosts=$n runs=$runs add_s=$a spawn_s=$s")
done

echo
printf '%-10s %6s %5s %14s %16s\n' system hosts runs "add_s median" "spawn_s median"
printf '%s\n' "${summary[@]}"
[ "${#medians[@]}" -gt 0 ] && printf '%s\n' "${medians[@]}"
exit 0

# bench/vhost-run.sh - what the benchmarks on network-namespace hosts
# (scripts/vhosts) share: a session of hosts made and removed with the
# script (vhost_session), and the runs on them ended by pid.  Sourced
# after the caller has set VHOSTS (scripts/vhosts) and RSH
# (scripts/vhost-rsh); vhost_session sets work, hosts_dir, tag, uid,
# all_hosts (the hosts a run may leave something on), shm_before and
# started=() (pids started in the background).
# shellcheck shell=bash disable=SC2154  # (VHOSTS, RSH: the caller's)

# vhost_session NAME N: N hosts h1..hN in a work directory of their own,
# removed (with every process started, by pid) when the script exits; a
# clean environment for PVM 3.4.6 and pvmx.  Exits 1 if the hosts do not
# come up.
vhost_session() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-$1.XXXXXX")
	hosts_dir=$work/hosts
	shm_before=$(find /dev/shm -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort)
	started=()
	trap vhost_cleanup EXIT
	trap 'exit 130' INT TERM
	unset PVM_ROOT PVM_EXPORT PVM_DPATH PVM_DEBUGGER PVM_VMID LD_LIBRARY_PATH XDG_RUNTIME_DIR
	export PVM_ALLOW_ROOT=1 PVM_RSH=$RSH
	if ! "$VHOSTS" up "$hosts_dir" "$2" >"$work/vhosts.log" 2>&1; then
		echo "$1: vhosts up failed: $(tail -1 "$work/vhosts.log")"
		exit 1
	fi
	export PVMX_VHOSTS=$hosts_dir
	tag=$(sed -n 's/^tag=//p' "$hosts_dir/vhosts.state")
	uid=$(id -u)
	all_hosts=$(seq -f 'h%g' 1 "$2")
}
# shellcheck disable=SC2317  # (an EXIT trap)
vhost_cleanup() {
	local p
	for p in "${started[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	"$VHOSTS" down "$hosts_dir"
	rm -rf "$work"
}
alive() { [ -d "/proc/$1" ] && [ "$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)" != Z ]; }
# every process in host H's network namespace but its holder
pids_on() {
	local p holder f
	read -r holder _ <"$hosts_dir/$1/holder"
	for f in /proc/[0-9]*/ns/net; do
		p=${f#/proc/}
		p=${p%/ns/net}
		[ "$p" != "$holder" ] && [ "$f" -ef "/run/netns/vx$tag$1" ] && echo "$p"
	done 2>/dev/null
}
# bg_started: remember the job just started in the background, by pid, and
# take it off the job table, so that bash does not report its end (PVM
# 3.4.6's halt ends its daemon with SIGTERM: "Terminated")
bg_started() {
	started+=($!)
	disown $!
}
# stop PID...: TERM, then KILL after 3 s
stop() {
	local p t
	[ $# -gt 0 ] || return 0
	kill "$@" 2>/dev/null
	for p in "$@"; do
		for ((t = 0; t < 30; t++)); do
			alive "$p" || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
# end_run LOG: end, by pid, whatever of a run is left on the hosts; report
# (to LOG and stdout) and remove what it left in the hosts' /dev/shm
end_run() {
	local h left pids=()
	for h in $all_hosts; do
		# shellcheck disable=SC2207
		pids+=($(pids_on "$h"))
	done
	stop "${started[@]}" "${pids[@]}"
	started=()
	for h in $all_hosts; do
		left=$(timeout -k 2 10 "$RSH" "$h" 'ls -A /dev/shm' 2>/dev/null | tr '\n' ' ')
		if [ -n "$left" ]; then
			echo "    WARNING: left in $h's /dev/shm: $left(removed)" | tee -a "$1"
			timeout -k 2 10 "$RSH" "$h" 'find /dev/shm -mindepth 1 -delete' >/dev/null 2>&1
		fi
	done
}
# wait_for SECONDS PID TEST...: until TEST succeeds, PID dies or time is up
wait_for() {
	local t limit=$(($1 * 10)) pid=$2
	shift 2
	for ((t = 0; t < limit; t++)); do
		"$@" && return 0
		alive "$pid" || return 1
		sleep 0.1
	done
	return 1
}

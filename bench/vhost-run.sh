# bench/vhost-run.sh - what bench/run-direct.sh and bench/run-groups.sh
# share to run systems on network-namespace hosts (scripts/vhosts) and end
# them by pid.  Sourced after the caller has set RSH (scripts/vhost-rsh),
# hosts_dir and tag (from vhosts.state), all_hosts (the hosts a run may
# leave something on) and started=() (pids it started in the background).
# shellcheck shell=bash disable=SC2154  # (hosts_dir, tag, all_hosts: the caller's)

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

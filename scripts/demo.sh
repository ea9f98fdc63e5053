#!/usr/bin/env bash
# make demo: start a private virtual machine, run the master/worker example
# through pvmrun, print its result; add two more hosts (daemons of their
# own on 127.0.0.2 and 127.0.0.3, started through scripts/lo-rsh as the
# remote shell) and run the token ring over all three; halt the machine.
set -euo pipefail
build=${1:-build}
build=$(cd "$build" && pwd)
export PVM_VMID=demo-$$
export PATH=$build/examples:$build/bin:$PATH
src=$(cd "$(dirname "$0")/.." && pwd)
# the extra hosts' daemons keep their files in a directory of our own
demo_tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-demo.XXXXXX")
export PVM_TMP=$demo_tmp PVM_RSH=$src/scripts/lo-rsh
sock=$demo_tmp/pvmx-$(id -u)/pvmd.$PVM_VMID.sock
# demo_daemons: pids of our daemons (PVM_TMP ours, or a host's below it)
demo_daemons() {
	local p
	for p in $(pgrep -x pvmd); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" |
			grep -q "^PVM_TMP=$demo_tmp\(/.*\)\{0,1\}$" && echo "$p"
	done
	return 0
}
# halt_all: halts the machine if it runs (a console started with no daemon
# would start one) and waits, at most 5 s, for every daemon of ours to
# have exited, so that none still writes in demo_tmp as it is removed
halt_all() {
	local _ left
	[ ! -S "$sock" ] || echo halt | "$build/bin/pvm" >/dev/null 2>&1 || true
	for _ in $(seq 1 50); do
		left=$(demo_daemons)
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086 # (pids)
	kill -KILL $left 2>/dev/null || true
}
trap 'halt_all; rm -rf "$demo_tmp"' EXIT

echo "== starting a private virtual machine (PVM_VMID=$PVM_VMID)"
pvm_out=$(echo conf | "$build/bin/pvm")
echo "$pvm_out"
echo "== pvmrun master 4   (the master spawns 4 workers)"
status=0
timeout 60 "$build/bin/pvmrun" master 4 || status=$?
echo "== pvmrun -np 4 ring 3   (an SPMD token ring)"
timeout 60 "$build/bin/pvmrun" -np 4 ring 3 || status=$?
echo "== add 127.0.0.2 127.0.0.3   (two more hosts: a pvmd each, linked by TLS)"
printf 'add 127.0.0.2 127.0.0.3\nconf\n' | timeout 60 "$build/bin/pvm" || status=$?
echo "== pvmrun -t -np 6 ring 3   (the ring over three hosts; -t shows each task's tid)"
timeout 60 "$build/bin/pvmrun" -t -np 6 ring 3 || status=$?
echo "== halting the virtual machine (every host)"
halt_all
exit $status

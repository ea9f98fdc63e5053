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
trap 'echo halt | "$build/bin/pvm" >/dev/null 2>&1 || true; rm -rf "$demo_tmp"' EXIT

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
echo halt | "$build/bin/pvm" >/dev/null || true
exit $status

#!/usr/bin/env bash
# make demo: start a private virtual machine, run the master/worker example
# through pvmrun, print its result, halt the machine.
set -euo pipefail
build=${1:-build}
build=$(cd "$build" && pwd)
export PVM_VMID=demo-$$
export PATH=$build/examples:$build/bin:$PATH

echo "== starting a private virtual machine (PVM_VMID=$PVM_VMID)"
pvm_out=$(echo conf | "$build/bin/pvm")
echo "$pvm_out"
echo "== pvmrun master 4   (the master spawns 4 workers)"
status=0
timeout 60 "$build/bin/pvmrun" master 4 || status=$?
echo "== pvmrun -np 4 ring 3   (an SPMD token ring)"
timeout 60 "$build/bin/pvmrun" -np 4 ring 3 || status=$?
echo "== halting the virtual machine"
echo halt | "$build/bin/pvm" >/dev/null || true
exit $status

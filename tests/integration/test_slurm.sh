#!/usr/bin/env bash
# test_slurm.sh - batch allocations (docs/batch.md): PBS and LSF host files
# and variables read by launcher/pvmrun_alloc.c (through alloc_t); then a
# real Slurm on two namespace nodes h1, h2 (tests/integration/slurm_lib.sh):
# the built-in host list expander against scontrol's, the allocation of
# `salloc -N2 --ntasks-per-node=2` as pvmrun_alloc_hosts sees it, a VM
# booted over it with PVM_RSH=srun-rsh whose daemon on h2 is a process of
# a Slurm job step and runs a task on h2, the step ending with the VM's
# halt, and Slurm ending the daemon when the job ends without one; pvmrun
# inside salloc when pvmrun reads allocations.  Skips (77) saying why
# when Slurm cannot start here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"
cd "$TEST_TMP" || exit 1
ALLOC_T=$PROGS/alloc_t
noenv=(env -u SLURM_JOB_NODELIST -u SLURM_NODELIST -u SLURM_TASKS_PER_NODE
	-u SLURM_JOB_CPUS_PER_NODE -u PBS_NODEFILE -u LSB_DJOB_HOSTFILE -u LSB_MCPU_HOSTS)

# --- PBS and LSF, from variables and files of our own
printf 'c1\nc1\nc2\nc1\n' >pbs_nodes
out=$("${noenv[@]}" PBS_NODEFILE=$TEST_TMP/pbs_nodes "$ALLOC_T")
expect_eq "PBS_NODEFILE: a line a slot" "count 2
host c1 3
host c2 1
rsh -" "$out"
out=$("${noenv[@]}" LSB_MCPU_HOSTS="l1 2 l2 4" "$ALLOC_T")
expect_eq "LSB_MCPU_HOSTS: names and slots" "count 2
host l1 2
host l2 4
rsh -" "$out"
printf 'f1\nf2\nf2\n' >lsf_hosts
out=$("${noenv[@]}" LSB_DJOB_HOSTFILE=$TEST_TMP/lsf_hosts LSB_MCPU_HOSTS="l1 2" "$ALLOC_T")
expect_match "LSB_DJOB_HOSTFILE wins over LSB_MCPU_HOSTS" "^count 2
host f1 1
host f2 2" "$out"
out=$("${noenv[@]}" LSB_MCPU_HOSTS="l1" "$ALLOC_T" 2>&1)
expect_eq "a malformed LSB_MCPU_HOSTS: one line, refused" "pvmrun: LSB_MCPU_HOSTS: \"l1\" is not followed by a count
count -1
rsh -" "$out"
"${noenv[@]}" "$ALLOC_T" >/dev/null
expect_eq "outside any allocation: none (exit 3)" 3 $?

# --- a real Slurm
slurm_up 2
pass "slurmctld and 2 slurmd (h1, h2) up, sinfo shows both idle"

# the built-in expander says what Slurm's own does
# (both refuse x[1-2]y: text after the last group)
for list in 'n[01-03,7],x' 'r[1-2]n[8-10]' 'a-b[9-11],d' 'n[1-03]' 'h[1-2]' 'x[1-2]y'; do
	want=$(slurm_on h1 scontrol show hostnames "$list" 2>/dev/null | sed 's/$/ 1/; s/^/host /')
	got=$("${noenv[@]}" SLURM_JOB_NODELIST="$list" PVMX_SRUN_RSH=/x PATH=/nonexistent "$ALLOC_T" 2>/dev/null |
		grep '^host')
	expect_eq "built-in expander = scontrol show hostnames for $list" "$want" "$got"
done

# scontrol is used when there: it takes "a,,b", which the built-in refuses
got=$("${noenv[@]}" SLURM_JOB_NODELIST='a,,b' PVMX_SRUN_RSH=/x "$ALLOC_T" 2>&1 | grep -v '^rsh')
expect_eq "scontrol expands the list when it is on PATH" "count 2
host a 1
host b 1" "$got"
got=$("${noenv[@]}" SLURM_JOB_NODELIST='a,,b' PVMX_SRUN_RSH=/x PATH=/nonexistent "$ALLOC_T" 2>&1 |
	grep -v '^rsh')
expect_eq "the built-in one otherwise" "pvmrun: SLURM_JOB_NODELIST: an empty host name
count -1" "$got"

# the job: run on h1 by salloc, inside the allocation
cat >job.sh <<EOF
set -u
export PATH=$PATH
export PVMX_SRUN_RSH=$BIN/srun-rsh
cd $TEST_TMP
echo "env SLURM_JOB_NODELIST=\$SLURM_JOB_NODELIST SLURM_TASKS_PER_NODE=\$SLURM_TASKS_PER_NODE"
echo "--- alloc_t"
$ALLOC_T
echo "--- builtin"
env PATH=/nonexistent $ALLOC_T
echo "--- vm"
export PVM_RSH=$BIN/srun-rsh
$BIN/pvmd >$TEST_TMP/pvmd-\$1.out 2>&1 &
echo "master \$!"
sock=\$PVM_TMP/pvmx-\$(id -u)/pvmd.\$PVM_VMID.sock
for i in \$(seq 1 100); do [ -S "\$sock" ] && break; sleep 0.1; done
timeout 60 $ALLOC_T vm
echo "vm exit \$?"
# the daemon h2 runs, and the processes above it
for p in \$(pgrep -x pvmd); do
	{ tr '\0' '\n' </proc/\$p/environ; } 2>/dev/null | grep -qx "PVM_TMP=$TEST_TMP/slurm/node-h2" || continue
	echo "h2 pvmd \$p"
	q=\$p
	while [ "\$q" -gt 1 ]; do
		q=\$(awk '{print \$4}' /proc/\$q/stat 2>/dev/null) || break
		[ -n "\$q" ] || break
		echo "above \$(cat /proc/\$q/comm 2>/dev/null)"
	done
done
echo "steps \$(squeue -h -s -j \$SLURM_JOB_ID -o %j | sort | tr '\n' ' ')"
if [ "\$1" = halt ]; then
	echo halt | timeout 20 $BIN/pvm >/dev/null 2>&1
	for i in \$(seq 1 150); do
		[ -z "\$(squeue -h -s -j \$SLURM_JOB_ID -n pvmd -o %i)" ] && break
		sleep 0.1
	done
	echo "steps after halt \$(squeue -h -s -j \$SLURM_JOB_ID -o %j | sort | tr '\n' ' ')"
fi
EOF

# h2's daemon: its pid (from the job's output) and whether it still runs
h2_pvmd() { sed -n 's/^h2 pvmd //p' "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null; }

slurm_on h1 timeout 120 salloc -N2 --ntasks-per-node=2 --quiet bash "$TEST_TMP/job.sh" halt \
	>job-halt.out 2>&1
out=$(cat job-halt.out)
expect_match "salloc: the job's node list and tasks" "^env SLURM_JOB_NODELIST=h\[1-2\] SLURM_TASKS_PER_NODE=2\(x2\)$" "$out"
expect_eq "pvmrun_alloc_hosts in the job (scontrol): h1, h2 with 2 slots each, srun-rsh" \
	"count 2
host h1 2
host h2 2
rsh $BIN/srun-rsh" "$(sed -n '/^--- alloc_t/,/^---/p' job-halt.out | grep -v '^---')"
expect_eq "and with the built-in expander" \
	"count 2
host h1 2
host h2 2
rsh $BIN/srun-rsh" "$(sed -n '/^--- builtin/,/^---/p' job-halt.out | grep -v '^---')"
expect_match "a task spawned on each node ran there" "^ran h1 on h1
ran h2 on h2
vm exit 0$" "$out"
expect_match "h2's daemon is a process of a Slurm job step" "^above slurmstepd$" "$out"
expect_match "started with srun (the step is named pvmd)" "^steps pvmd $" "$out"
expect_match "the step ends with the VM's halt" "^steps after halt $" "$out"
pid=$(h2_pvmd job-halt.out)
[ -n "$pid" ] && wait_until 10 gone "$pid" && pass "h2's daemon ended with the halt" ||
	fail "h2's daemon ${pid:-(none)} still runs after halt"
master=$(sed -n 's/^master //p' job-halt.out)
[ -n "$master" ] && wait_until 10 gone "$master" && pass "the master ended with the halt" ||
	{ fail "the master pvmd ${master:-(none)} still runs"; EXTRA_PIDS="$EXTRA_PIDS $master"; }

# the job ends with the VM up: Slurm ends h2's daemon (the master on h1
# is the job script's, not a step's: ours to end)
slurm_on h1 timeout 120 salloc -N2 --quiet bash "$TEST_TMP/job.sh" leave >job-leave.out 2>&1
master=$(sed -n 's/^master //p' job-leave.out)
EXTRA_PIDS="$EXTRA_PIDS $master"
expect_match "second job: a task on h2 again" "^ran h2 on h2$" "$(cat job-leave.out)"
pid=$(h2_pvmd job-leave.out)
[ -n "$pid" ] && wait_until 20 gone "$pid" && pass "Slurm ended h2's daemon with the job" ||
	fail "h2's daemon ${pid:-(none)} outlived its job"
kill -TERM $master 2>/dev/null

# pvmrun itself inside salloc (issue 13 item 5): its hosts and slots
# from the allocation, the daemon of h2 started through srun-rsh; each
# rank says where it runs and whether a Slurm step is above it.  Run when
# pvmrun calls pvmrun_alloc_hosts (the real one names Slurm's variables).
cat >where.sh <<'EOF2'
#!/bin/sh
q=$$ step=nostep
while [ "$q" -gt 1 ]; do
	q=$(awk '{print $4}' /proc/$q/stat 2>/dev/null) || break
	[ -n "$q" ] || break
	[ "$(cat /proc/$q/comm 2>/dev/null)" = slurmstepd ] && step=step
done
echo "$(hostname):$step"
EOF2
chmod +x where.sh
if grep -q SLURM_TASKS_PER_NODE "$BIN/pvmrun"; then
	out=$(slurm_on h1 timeout 120 salloc -N2 --ntasks-per-node=2 --quiet \
		env PATH="$PATH" PVMRUN_TIMEOUT=60 "$BIN/pvmrun" -np 4 "$TEST_TMP/where.sh" 2>&1 |
		sort | tr '\n' ' ')
	expect_eq "pvmrun in salloc -N2 --ntasks-per-node=2: 2 ranks a node, h2's under its daemon's step" \
		"h1:nostep h1:nostep h2:step h2:step " "$out"
	no_steps() { [ -z "$(slurm_on h1 squeue -h -s -o %i 2>&1)" ]; }
	wait_until 20 no_steps && pass "no step left once pvmrun is done" ||
		fail "steps left after pvmrun: $(slurm_on h1 squeue -h -s 2>&1)"
	no_h2_pvmd() {
		local p
		for p in $(pgrep -x pvmd); do
			{ tr '\0' '\n' </proc/"$p"/environ; } 2>/dev/null |
				grep -qx "PVM_TMP=$SLURM_DIR/node-h2" && return 1
		done
		return 0
	}
	wait_until 20 no_h2_pvmd && pass "and no daemon on h2" || fail "a pvmd still runs on h2"
else
	echo "SKIP (part): this pvmrun does not read allocations (pvmrun_alloc_hosts not linked): pvmrun in salloc not run"
fi
finish

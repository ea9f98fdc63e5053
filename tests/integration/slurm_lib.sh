# shellcheck shell=bash
# slurm_lib.sh - a private Slurm cluster for a test, on this machine:
# munged with its own key and socket, slurmctld and one slurmd per node,
# the nodes being scripts/vhosts namespace hosts h1..hN (own hostname,
# network and address 10.231.0.I on a bridge of the fixture's own), all
# configured by a slurm.conf of the test's own (SLURM_CONF).  Source it
# after lib.sh.
#
#   slurm_check        prints why Slurm cannot run here (exit 77 material),
#                      or nothing
#   slurm_up N         starts it all and waits until sinfo shows N idle
#                      nodes; exits 77 saying why when it cannot
#   slurm_on HOST cmd  runs cmd on node HOST (h1 also runs slurmctld and
#                      is where salloc/srun are run from)
#   slurm_down         stops everything by pid and removes its files (the
#                      EXIT trap does it; lib.sh's cleanup runs after)
#
# Each node's tasks get PVM_TMP=$SLURM_DIR/node-HOST from a TaskProlog, as
# each node of a real cluster has its own /tmp: the nodes share this
# machine's filesystem.
SLURM_DIR=""
SLURM_PIDS=""
SLURM_NODES=0
VHOSTS=$PVMX_SRC/scripts/vhosts
VHOST_RSH=$PVMX_SRC/scripts/vhost-rsh

# What a run killed by the runner's timeout (SIGKILL: no EXIT trap) left
# running - its daemons and their jobs' processes, marked with
# PVMX_SLURM_OWNER (the test's pid) and PVMX_SLURM_DIR in their
# environment - and its namespace hosts go
# when the next run starts, as lib.sh does with its directories.
slurm_sweep() {
	local p env owner dir dirs=""
	for p in $(pgrep -f .); do
		[ "$p" != $$ ] || continue
		env=$({ tr '\0' '\n' </proc/"$p"/environ; } 2>/dev/null)
		owner=$(sed -n 's/^PVMX_SLURM_OWNER=//p' <<<"$env")
		case $owner in '' | *[!0-9]*) continue ;; esac
		[ "$owner" != $$ ] && ! kill -0 "$owner" 2>/dev/null || continue
		kill -KILL "$p" 2>/dev/null
		dir=$(sed -n 's/^PVMX_SLURM_DIR=//p' <<<"$env")
		case $dir in "${TMPDIR:-/tmp}"/pvmx-test.*/slurm) dirs="$dirs $dir" ;; esac
	done
	for dir in $(printf '%s\n' $dirs | sort -u); do
		"$VHOSTS" down "$dir/vhosts" >/dev/null 2>&1
		rm -rf "$dir"
	done
}
slurm_sweep

slurm_check() {
	local t
	for t in slurmctld slurmd srun salloc sinfo scontrol munged; do
		command -v "$t" >/dev/null 2>&1 || {
			echo "no $t: Debian's slurmctld, slurmd, slurm-client and munge are not installed (scripts/install-deps.sh)"
			return
		}
	done
	t=$("$VHOSTS" check 2>&1) || echo "${t#vhosts: }"
}

slurm_on() {
	local h=$1
	shift
	PVMX_VHOSTS=$SLURM_DIR/vhosts "$VHOST_RSH" "$h" "$@"
}

# slurm_fail WHAT LOG...: stop, show the logs' tails, skip saying why
slurm_fail() {
	local why=$1 f
	shift
	echo "SKIP: Slurm could not start here: $why"
	for f in "$@"; do
		[ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
	done
	exit 77
}

slurm_conf() {
	local n=$1 i nodes=""
	# ports of our own (each in the nodes' own network namespaces)
	cat <<EOF
ClusterName=pvmxt$$
SlurmctldHost=h1(10.231.0.1)
SlurmctldPort=26817
SlurmdPort=26818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SLURM_DIR/munge/socket
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool-%n
SlurmctldPidFile=$SLURM_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/slurmd-%n.pid
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
TaskProlog=$SLURM_DIR/task-prolog
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdParameters=config_overrides
InactiveLimit=0
KillWait=2
MinJobAge=10
EOF
	for i in $(seq 1 "$n"); do
		echo "NodeName=h$i NodeAddr=10.231.0.$i CPUs=2 State=UNKNOWN"
		nodes=$nodes${nodes:+,}h$i
	done
	echo "PartitionName=test Nodes=$nodes Default=YES MaxTime=INFINITE State=UP"
}

slurm_idle() {
	[ "$(slurm_on h1 sinfo -h -N -t idle -o %N 2>/dev/null | sort -u | wc -l)" = "$SLURM_NODES" ]
}

slurm_up() {
	local n=$1 i why log
	why=$(slurm_check)
	[ -z "$why" ] || { echo "SKIP: $why"; exit 77; }
	SLURM_DIR=$TEST_TMP/slurm
	SLURM_NODES=$n
	mkdir -p "$SLURM_DIR"/{munge,state,log}
	chmod 700 "$SLURM_DIR" "$SLURM_DIR/munge"
	export SLURM_CONF=$SLURM_DIR/slurm.conf
	export PVMX_SLURM_OWNER=$$ PVMX_SLURM_DIR=$SLURM_DIR
	slurm_conf "$n" >"$SLURM_CONF"
	cat >"$SLURM_DIR/task-prolog" <<EOF
#!/bin/sh
mkdir -p "$SLURM_DIR/node-\$SLURMD_NODENAME" && chmod 700 "$SLURM_DIR/node-\$SLURMD_NODENAME"
echo "export PVM_TMP=$SLURM_DIR/node-\$SLURMD_NODENAME"
EOF
	chmod 755 "$SLURM_DIR/task-prolog"
	trap 'slurm_down; cleanup' EXIT

	# munge: a key of our own, a socket of our own
	head -c 1024 /dev/urandom >"$SLURM_DIR/munge/key"
	chmod 400 "$SLURM_DIR/munge/key"
	munged -F --force --socket="$SLURM_DIR/munge/socket" \
		--key-file="$SLURM_DIR/munge/key" --pid-file="$SLURM_DIR/munge/pid" \
		--log-file="$SLURM_DIR/log/munged.log" --seed-file="$SLURM_DIR/munge/seed" \
		>"$SLURM_DIR/log/munged.out" 2>&1 &
	SLURM_PIDS="$SLURM_PIDS $!"
	wait_until 10 test -S "$SLURM_DIR/munge/socket" ||
		slurm_fail "munged did not start" "$SLURM_DIR/log/munged.out" "$SLURM_DIR/log/munged.log"

	why=$("$VHOSTS" up "$SLURM_DIR/vhosts" "$n" 2>&1) ||
		slurm_fail "no namespace hosts: ${why##*$'\n'}"
	slurm_on h1 slurmctld -D -i -f "$SLURM_CONF" >"$SLURM_DIR/log/slurmctld.out" 2>&1 &
	SLURM_PIDS="$SLURM_PIDS $!"
	for i in $(seq 1 "$n"); do
		slurm_on "h$i" slurmd -D -N "h$i" -f "$SLURM_CONF" >"$SLURM_DIR/log/slurmd-h$i.out" 2>&1 &
		SLURM_PIDS="$SLURM_PIDS $!"
	done
	if ! wait_until 60 slurm_idle; then
		log=$(ls "$SLURM_DIR"/log/*)
		# shellcheck disable=SC2086
		slurm_fail "the nodes did not become idle within 60 s: $(slurm_on h1 sinfo -h -N 2>&1 | tr '\n' ' ')" $log
	fi
}

slurm_down() {
	local p
	[ -n "$SLURM_DIR" ] || return 0
	# jobs first (their steps' processes), then the daemons
	slurm_on h1 scancel --full --quiet -p test >/dev/null 2>&1 || true
	for p in $SLURM_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $SLURM_PIDS; do
		for _ in $(seq 1 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SLURM_PIDS=""
	"$VHOSTS" down "$SLURM_DIR/vhosts" >/dev/null 2>&1 || true
	rm -rf "$SLURM_DIR"
	SLURM_DIR=""
}

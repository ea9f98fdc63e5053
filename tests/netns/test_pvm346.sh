#!/usr/bin/env bash
# The real PVM 3.4.6 (Debian's pvm package) boots a 3-host virtual machine
# on the vhosts fixture, with vhost-rsh as its remote shell: its master
# daemon runs on h1, the console adds h2 and h3, each slave daemon runs in
# its own host (own hostname, own PVM_TMP), a task spawned on each host
# runs there, and halt ends every daemon.  This checks the fixture against
# the system pvmx is measured against (bench/run-boot.sh).
# Skips (77) without namespaces or without PVM 3.4.6.
# ok() never fails, so "test && ok || fail" is an if-then-else here;
# single-quoted commands are expanded on the host, on purpose.
# shellcheck disable=SC2015,SC2016
set -u
: "${PVMX_SRC:?PVMX_SRC must point at the source directory}"
VHOSTS=$PVMX_SRC/scripts/vhosts
RSH=$PVMX_SRC/scripts/vhost-rsh

if ! reason=$("$VHOSTS" check); then
	echo "SKIP: ${reason:-vhosts check failed}"
	exit 77
fi
if [ ! -x /usr/bin/pvmd ] || [ ! -x /usr/bin/pvm ]; then
	echo "SKIP: PVM 3.4.6 is not installed (Debian package pvm)"
	exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-pvm346.XXXXXX")
DIR=$WORK/hosts
MASTER=""
FAILS=0
cleanup() {
	[ -n "$MASTER" ] && kill -KILL "$MASTER" 2>/dev/null
	# down also ends the slave daemons and tasks: they live in the hosts
	"$VHOSTS" down "$DIR"
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() { echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
# alive PID: running (not gone, not a zombie)
alive() { [ -d "/proc/$1" ] && [ "$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null)" != Z ]; }

"$VHOSTS" up "$DIR" 3 >/dev/null || exit 1
export PVMX_VHOSTS=$DIR PVM_RSH=$RSH PVM_ALLOW_ROOT=1 HOME=$WORK/home
unset PVM_ROOT PVM_EXPORT PVM_DPATH PVM_VMID LD_LIBRARY_PATH
# PVM 3.4.6 spawns only from $HOME/pvm3/bin/$PVM_ARCH: a task (any program)
# that records where it ran
mkdir -p "$HOME/pvm3/bin/LINUX64"
cat >"$HOME/pvm3/bin/LINUX64/whereami" <<EOF
#!/bin/sh
echo "\$(hostname) \$PVM_TMP" >"$WORK/where.\$(hostname)"
EOF
chmod +x "$HOME/pvm3/bin/LINUX64/whereami"

# the master daemon on h1 (bash -c execs it: $! is pvmd's own pid)
"$RSH" h1 exec /usr/bin/pvmd >"$WORK/master.out" 2>&1 </dev/null &
MASTER=$!
for _ in $(seq 1 100); do
	[ -s "$DIR/h1/tmp/pvmd.$(id -u)" ] && break
	alive "$MASTER" || break
	sleep 0.1
done
[ -s "$DIR/h1/tmp/pvmd.$(id -u)" ] && ok "master pvmd up on h1 ($DIR/h1/tmp/pvmd.$(id -u))" || {
	echo "FAIL: master pvmd did not start on h1: $(cat "$WORK/master.out")"
	exit 1
}
[ "$(readlink "/proc/$MASTER/exe")" = /usr/bin/pvmd ] && ok "the master's pid is pvmd's own" ||
	fail "pid $MASTER is $(readlink "/proc/$MASTER/exe"), not /usr/bin/pvmd"

# the console on h1 adds h2 and h3: PVM starts them as `$PVM_RSH hI pvmd -s ...`
out=$(printf 'add h2 h3\nconf\n' | timeout -k 2 60 "$RSH" h1 pvm 2>&1)
echo "$out" | grep -q '^2 successful' && ok "console: add h2 h3 -> 2 successful" ||
	fail "console add: $out"
conf=$(echo "$out" | awk '/hosts, 1 data format/ {c = 1; next} c && $1 ~ /^h[0-9]$/ {print $1, $3}' | tr '\n' ' ')
[ "$conf" = "h1 LINUX64 h2 LINUX64 h3 LINUX64 " ] && ok "conf: $conf" || fail "conf lists '$conf'; console said: $out"

for h in h2 h3; do
	grep -q "$h (10.231.0.${h#h}:" "$DIR/$h/tmp/pvml.$(id -u)" 2>/dev/null &&
		ok "slave pvmd on $h logs to its own PVM_TMP, from 10.231.0.${h#h}" ||
		fail "no slave log for $h in $DIR/$h/tmp: $(ls "$DIR/$h/tmp")"
done

# one task on each host, through the console's spawn
printf 'spawn -h1 whereami\nspawn -h2 whereami\nspawn -h3 whereami\n' |
	timeout -k 2 30 "$RSH" h1 pvm >"$WORK/spawn.out" 2>&1
for _ in $(seq 1 100); do
	[ -s "$WORK/where.h1" ] && [ -s "$WORK/where.h2" ] && [ -s "$WORK/where.h3" ] && break
	sleep 0.1
done
for h in h1 h2 h3; do
	r=$(cat "$WORK/where.$h" 2>/dev/null)
	[ "$r" = "$h $DIR/$h/tmp" ] && ok "task spawned on $h ran on $h with PVM_TMP $DIR/$h/tmp" ||
		fail "task for $h: '$r'; console: $(tr '\n' ' ' <"$WORK/spawn.out")"
done

# halt ends every daemon: the master (ours) and the slaves in h2 and h3
slaves=$(for h in h2 h3; do
	for p in $(pgrep -x pvmd); do
		[ "/proc/$p/ns/net" -ef "/run/netns/$(sed -n 's/^tag=/vx/p' "$DIR/vhosts.state")$h" ] && echo "$p"
	done
done)
[ "$(echo "$slaves" | wc -w)" = 2 ] && ok "one slave pvmd in each of h2, h3 (pids $(echo "$slaves" | tr '\n' ' '))" ||
	fail "slave pvmds in h2/h3: '$slaves'"
echo halt | timeout -k 2 30 "$RSH" h1 pvm >/dev/null 2>&1
left=""
for _ in $(seq 1 100); do
	left=""
	for p in $MASTER $slaves; do
		alive "$p" && left="$left $p"
	done
	[ -z "$left" ] && break
	sleep 0.1
done
[ -z "$left" ] && ok "halt ended the master and both slaves" || fail "still running after halt:$left"
{ wait "$MASTER"; } 2>/dev/null
MASTER=""

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all PVM 3.4.6 checks passed"

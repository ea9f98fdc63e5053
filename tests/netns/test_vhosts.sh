#!/usr/bin/env bash
# The vhosts fixture itself (scripts/vhosts, scripts/vhost-rsh): three
# hosts, each with its own hostname, /dev/shm, address and name
# resolution; reachable from each other by name over the bridge; nothing
# added to the root namespace; vhost-rsh passing stdin, stdout, exit status
# and PVM_TMP, also from one host into another; and `down` leaving no
# namespace, process or file behind, also after an `up` killed at any of
# its steps (a test hook stops it there: no sleep races it), and when run
# while an `up` still runs (they take turns, by a lock).
# Skips (77) where namespaces cannot be made.
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

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-netns.XXXXXX")
DIR=$WORK/hosts
LISTENER=""
BUSY_UP="" BUSY_DOWN=""
FAILS=0
cleanup() {
	local d
	[ -n "$LISTENER" ] && kill -KILL "$LISTENER" 2>/dev/null
	for d in $BUSY_UP $BUSY_DOWN; do
		kill -KILL "$d" 2>/dev/null
		wait "$d" 2>/dev/null
	done
	"$VHOSTS" down "$DIR"
	for d in "$WORK"/half-* "$WORK/busy"; do
		"$VHOSTS" down "$d"
	done
	# (only there if /dev/shm was not private: a broken fixture)
	rm -f "/dev/shm/vhosts-test-$$"
	rm -rf "$WORK"
}
trap cleanup EXIT

tmo() { timeout -k 2 "$@"; }
ok() { echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
# on HOST CMD: run CMD on HOST through the fixture, bounded
on() {
	local h=$1
	shift
	PVMX_VHOSTS=$DIR tmo 20 "$RSH" "$h" "$@"
}
root_links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
# proc_key PID: "PID:START" while PID runs (START, its start time, tells
# it from a later process given the same pid); nothing once it has ended
proc_key() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	# shellcheck disable=SC2086 # (the fields of stat, after the name)
	set -- "$1" $s
	[ "$2" = Z ] || echo "$1:${21}"
}
# in_namespaces NSID...: proc_key of every process in one of those network
# namespaces.  (Namespace ids are handed out again at once, to a parallel
# test's new namespace too: after `down`, an id alone proves nothing, so
# what ran in ours is listed before, and looked for by proc_key after.)
in_namespaces() {
	local f ns
	while read -r f ns; do
		case " $* " in
		*" $ns "*)
			f=${f#/proc/}
			proc_key "${f%/ns/net}"
			;;
		esac
	done < <(find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/ns/net' -printf '%p %l\n' 2>/dev/null)
}
# still_running KEY...: the KEYs (from proc_key) whose process still runs
still_running() {
	local k
	for k in "$@"; do
		[ "$(proc_key "${k%%:*}")" != "$k" ] || echo "$k"
	done
}

links_before=$(root_links)
out=$(tmo 60 "$VHOSTS" up "$DIR" 3 2>&1) || {
	echo "FAIL: vhosts up: $out"
	exit 1
}
tag=$(sed -n 's/^tag=//p' "$DIR/vhosts.state")
[ ! -e "/run/vhosts/$tag.lock" ] && ok "up left no lock file" || fail "up left /run/vhosts/$tag.lock"
if tmo 60 "$VHOSTS" up "$DIR" 3 >/dev/null 2>&1; then
	fail "a second up of $DIR succeeded"
else
	ok "a second up of a live fixture is refused"
fi
holders=""
for i in 1 2 3; do
	holders="$holders $(cut -d' ' -f1 "$DIR/h$i/holder")"
done
nsids=$(cut -d' ' -f2 "$DIR"/h*/holder)

# names and hostnames
names=$(for h in h1 h2 h3; do on "$h" hostname; done | tr '\n' ' ')
[ "$names" = "h1 h2 h3 " ] && ok "hostnames: $names" || fail "hostnames are '$names', want 'h1 h2 h3 '"
[ "$(hostname)" != h1 ] && ok "root hostname unchanged ($(hostname))" || fail "root hostname became h1"
for i in 1 2 3; do
	a=$(on h$i "ip -4 -o addr show dev eth0" | awk '{print $4}')
	[ "$a" = "10.231.0.$i/24" ] && ok "h$i has 10.231.0.$i/24 on eth0" || fail "h$i eth0 address '$a'"
done
r=$(on h2 "getent hosts h3 h1" | awk '{print $2 "=" $1}' | tr '\n' ' ')
[ "$r" = "h3=10.231.0.3 h1=10.231.0.1 " ] && ok "names resolve on h2: $r" || fail "h2 resolves '$r'"
if getent hosts h1 2>/dev/null | grep -q 10.231.0.1; then
	fail "the root namespace resolves h1 to the fixture (its /etc/hosts leaked)"
else
	ok "the root namespace's /etc/hosts is untouched"
fi

# /dev/shm: private per host, shared by all commands on one host
f=vhosts-test-$$
on h1 "echo from-h1 >/dev/shm/$f" || fail "cannot write /dev/shm on h1"
[ "$(on h1 "cat /dev/shm/$f")" = from-h1 ] && ok "a second command on h1 sees h1's /dev/shm file" ||
	fail "a second command on h1 does not see /dev/shm/$f"
if on h2 "test -e /dev/shm/$f"; then fail "h2 sees h1's /dev/shm/$f"; else ok "h2 does not see h1's /dev/shm file"; fi
if [ -e "/dev/shm/$f" ]; then fail "the root namespace sees h1's /dev/shm/$f"; else ok "root /dev/shm untouched"; fi

# /tmp and the working directory stay shared; PVM_TMP and TMPDIR per host
echo shared >"$WORK/marker"
[ "$(cd "$WORK" && on h3 "cat marker")" = shared ] && ok "h3 sees the caller's files, in the caller's directory" ||
	fail "h3 does not see $WORK/marker from the caller's working directory"
t=$(on h2 'echo "$PVM_TMP $TMPDIR"')
[ "$t" = "$DIR/h2/tmp $DIR/h2/tmp" ] && [ -d "$DIR/h2/tmp" ] && ok "PVM_TMP and TMPDIR on h2 are $DIR/h2/tmp" ||
	fail "PVM_TMP/TMPDIR on h2: '$t'"

# vhost-rsh as a remote shell: stdin through, exit status back, ssh options
# ignored, words joined into one command, run from inside another host
r=$(printf 'secret-1\nsecret-2\n' | on h2 'read a; read b; echo "$(hostname):$a:$b"')
[ "$r" = "h2:secret-1:secret-2" ] && ok "stdin passes through to h2" || fail "stdin round trip gave '$r'"
on h3 'exit 7'
rc=$?
[ "$rc" = 7 ] && ok "exit status 7 propagated" || fail "exit status $rc, want 7"
r=$(PVMX_VHOSTS=$DIR tmo 20 "$RSH" -l nobody -n -x -o BatchMode=yes h1 echo one '&&' hostname)
[ "$r" = "one
h1" ] && ok "ssh-style options ignored, command words joined" || fail "ssh-style call gave '$r'"
r=$(on h1 "$RSH h3 hostname")
[ "$r" = h3 ] && ok "vhost-rsh from h1 into h3" || fail "nested vhost-rsh from h1 gave '$r'"
PVMX_VHOSTS=$DIR tmo 20 "$RSH" h4 true 2>/dev/null
rc=$?
[ "$rc" = 255 ] && ok "unknown host h4: 255, as ssh" || fail "unknown host h4 gave $rc, want 255"

# h1 reaches h3 by name over the bridge: a one-shot TCP listener on h3
# (perl, kept in the foreground of its vhost-rsh so its pid is ours)
port=7700
ready=$WORK/listener.ready
# shellcheck disable=SC2016
PVMX_VHOSTS=$DIR "$RSH" h3 "exec perl -MIO::Socket::INET -e '
	my \$s = IO::Socket::INET->new(LocalAddr => \"10.231.0.3\", LocalPort => $port,
		Listen => 1, ReuseAddr => 1) or die \"listen: \$!\";
	open(my \$r, \">\", \"$ready\") and close(\$r);
	my \$c = \$s->accept; print \$c \"hello from \", \`hostname\`; close \$c'" &
LISTENER=$!
for _ in $(seq 1 100); do
	[ -e "$ready" ] && break
	sleep 0.1
done
r=$(on h1 "bash -c 'exec 3<>/dev/tcp/h3/$port && read -r line <&3 && echo \"\$line\"'")
[ "$r" = "hello from h3" ] && ok "h1 connects to h3 by name: '$r'" || fail "h1 -> h3:$port gave '$r'"
for _ in $(seq 1 50); do
	kill -0 "$LISTENER" 2>/dev/null || break
	sleep 0.1
done
kill -KILL "$LISTENER" 2>/dev/null && fail "listener on h3 still running after its one connection"
wait "$LISTENER" 2>/dev/null
LISTENER=""

# the root namespace got no interface; the bridge lives in its own namespace
[ "$(root_links)" = "$links_before" ] && ok "no new interface in the root namespace" ||
	fail "root interfaces changed: $(diff <(echo "$links_before") <(root_links) | tr '\n' ' ')"
ports=$(ip -n "vx${tag}b" -o link show master "vx${tag}br" 2>/dev/null | wc -l)
[ "$ports" = 3 ] && ok "bridge vx${tag}br in namespace vx${tag}b has 3 ports" || fail "bridge has $ports ports"

# a process left running on a host is ended by down
PVMX_VHOSTS=$DIR tmo 20 "$RSH" h2 'sleep 600 >/dev/null 2>&1 & echo $! >'"$WORK/stray.pid"
stray=$(cat "$WORK/stray.pid")
kill -0 "$stray" 2>/dev/null || fail "the stray process on h2 did not start"

# shellcheck disable=SC2086 # (pids, namespace ids: one word each)
{
	keys=$(for p in $holders $stray; do proc_key "$p"; done)
	in_ns=$(in_namespaces $nsids)
}
tmo 30 "$VHOSTS" down "$DIR" || fail "vhosts down failed"
# shellcheck disable=SC2086
left=$(still_running $keys | tr '\n' ' ')
[ -n "$keys" ] && [ -z "$left" ] && ok "down ended the holders and the stray process" ||
	fail "processes left after down: '$left' (of '$keys')"
# shellcheck disable=SC2086
left=$(still_running $in_ns | tr '\n' ' ')
named=$(ip netns list | grep -c "^vx$tag" || true)
[ -z "$left" ] && [ "$named" = 0 ] && ok "down left no namespace (no name, nothing running in one)" ||
	fail "namespaces left: processes '$left' in them, $named named"
[ -z "$(ls -A "$DIR" 2>/dev/null)" ] && ok "down left no file in $DIR" || fail "left in $DIR: $(ls -A "$DIR")"
[ "$(root_links)" = "$links_before" ] || fail "root interfaces changed after down"
tmo 30 "$VHOSTS" down "$DIR" && ok "a second down is a no-op" || fail "second down failed"

# `up` killed at each of its steps (VHOSTS_TEST_STOP_AT makes it SIGKILL
# itself there, so no sleep races it), and `down` then: exit 0, no holder
# (the lock proves none can still appear: no waiting for one), no
# namespace, no lock file, no file, and no DIR when up made it.  "dir"
# runs up in a directory that already exists (down must keep it).
fixture_tag() { printf '%s' "$(realpath -m -- "$1")" | sha1sum | cut -c1-6; }
# leftovers DIR TAG MADE: what of fixture TAG in DIR is still there
leftovers() {
	local p ns
	p=$(pgrep -f "vhost-$2-h" | tr '\n' ' ')
	[ -z "$p" ] || echo "holders $p;"
	ns=$(ip netns list | awk '{print $1}' | grep "^vx$2" | tr '\n' ' ')
	[ -z "$ns" ] || echo "namespaces $ns;"
	[ ! -e "/run/vhosts/$2.lock" ] || echo "lock file /run/vhosts/$2.lock;"
	if [ "$3" = 1 ]; then
		[ ! -e "$1" ] || echo "DIR $1 (up made it) with: $(ls -A "$1");"
	elif [ ! -d "$1" ]; then
		echo "DIR $1 (not made by up) is gone;"
	elif [ -n "$(ls -A "$1")" ]; then
		echo "in DIR: $(ls -A "$1");"
	fi
}
# wait_for WHAT CMD...: poll CMD until it succeeds, at most 10 s
wait_for() {
	local what=$1 _
	shift
	for _ in $(seq 1 200); do
		"$@" && return 0
		sleep 0.05
	done
	fail "timed out waiting for $what"
	return 1
}
stopped() { grep -q '^State:[[:space:]]*T' "/proc/$1/status" 2>/dev/null; }
waits_on_lock() { pgrep -P "$1" -x flock >/dev/null; }

for point in locked made-dir-recorded dir-made state bridge holder-forked \
	holders-forked holders-ready attached wired up dir:locked dir:holders-forked; do
	made=1
	d=$WORK/half-${point#dir:}
	if [ "${point#dir:}" != "$point" ]; then
		point=${point#dir:}
		made=0
		d=$WORK/half-dir-$point
		mkdir "$d"
	fi
	t=$(fixture_tag "$d")
	VHOSTS_TEST_STOP_AT=$point tmo 60 "$VHOSTS" up "$d" 3 >"$WORK/up.out" 2>&1
	rc=$?
	[ "$rc" = 137 ] || fail "up stopped at $point: exit $rc, want 137 (SIGKILL): $(cat "$WORK/up.out")"
	tmo 60 "$VHOSTS" down "$d" >"$WORK/down.out" 2>&1
	rc=$?
	l=$(leftovers "$d" "$t" "$made")
	[ "$rc" = 0 ] && [ -z "$l" ] && ok "down after up killed at $point (DIR made by up: $made) leaves nothing" ||
		fail "down after up killed at $point: exit $rc ($(cat "$WORK/down.out")), left: $l"
	[ "$made" = 1 ] || rmdir "$d"
done

# up failing (not killed) once its holders are forked undoes itself
d=$WORK/half-fail
t=$(fixture_tag "$d")
VHOSTS_TEST_STOP_AT=holders-forked:fail tmo 60 "$VHOSTS" up "$d" 3 >"$WORK/up.out" 2>&1
rc=$?
l=$(leftovers "$d" "$t" 1)
[ "$rc" = 1 ] && [ -z "$l" ] && ok "an up that fails tears itself down" ||
	fail "up failing at holders-forked: exit $rc ($(cat "$WORK/up.out")), left: $l"

# down while up runs waits for it (the lock), then takes the hosts down
d=$WORK/busy
t=$(fixture_tag "$d")
VHOSTS_TEST_STOP_AT=holders-forked:STOP "$VHOSTS" up "$d" 3 >"$WORK/up.out" 2>&1 &
BUSY_UP=$!
if wait_for "up to stop at holders-forked" stopped "$BUSY_UP"; then
	"$VHOSTS" down "$d" >"$WORK/down.out" 2>&1 &
	BUSY_DOWN=$!
	wait_for "down to wait on the lock" waits_on_lock "$BUSY_DOWN"
fi
kill -CONT "$BUSY_UP" 2>/dev/null
wait "$BUSY_UP"
urc=$?
rc=0
if [ -n "$BUSY_DOWN" ]; then
	wait "$BUSY_DOWN"
	rc=$?
fi
BUSY_UP="" BUSY_DOWN=""
l=$(leftovers "$d" "$t" 1)
[ "$urc" = 0 ] && grep -q 'up (tag' "$WORK/up.out" && [ "$rc" = 0 ] && [ -z "$l" ] &&
	ok "down during up waits for it, then leaves nothing" ||
	fail "down during up: up exit $urc ($(cat "$WORK/up.out")), down exit $rc ($(cat "$WORK/down.out")), left: $l"

# an up that stays stuck holding the lock is ended by down after
# VHOSTS_LOCK_WAIT seconds
VHOSTS_TEST_STOP_AT=holders-forked:STOP "$VHOSTS" up "$d" 3 >"$WORK/up.out" 2>&1 &
BUSY_UP=$!
wait_for "up to stop at holders-forked" stopped "$BUSY_UP"
VHOSTS_LOCK_WAIT=1 tmo 60 "$VHOSTS" down "$d" >"$WORK/down.out" 2>&1
rc=$?
# (if down did not end it, this does, so that the wait cannot hang)
kill -KILL "$BUSY_UP" 2>/dev/null && fail "down left the stuck up running"
wait "$BUSY_UP" 2>/dev/null
urc=$?
BUSY_UP=""
l=$(leftovers "$d" "$t" 1)
[ "$rc" = 0 ] && [ "$urc" = 137 ] && [ -z "$l" ] && ok "down ends an up stuck with the lock, then leaves nothing" ||
	fail "down of a stuck up: down exit $rc ($(cat "$WORK/down.out")), up exit $urc, left: $l"

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS check(s) failed"
	exit 1
fi
echo "all vhosts checks passed"

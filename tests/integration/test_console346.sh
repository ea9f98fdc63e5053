#!/usr/bin/env bash
# test_console346.sh - PVM 3.4.6's own console (Debian's /usr/bin/pvm,
# linked against PVM's libpvm3.so.3) run with our library in its place,
# against our daemon: it loads (every symbol it needs is ours), and its
# conf, version, id, spawn, trace and halt commands work.  Its trace
# command reads pvmtevinfo and calls pvm_gettmask/pvm_settmask; halt
# must end our daemon.
source "$PVMX_SRC/tests/integration/lib.sh"

CONSOLE=/usr/bin/pvm
if [ ! -x "$CONSOLE" ]; then
	echo "FAIL: $CONSOLE missing (Debian package pvm, installed by scripts/install-deps.sh)"
	exit 1
fi
OURLIB=$PVMX_BUILD/lib

vm_start
# the console must not start PVM's own daemon: ours is found first (in a
# sanitized build, with the ASan runtime our library needs loaded first)
out=$(printf 'conf\nversion\nid\nspawn true\ntrace + setopt\ntrace - mytid\ntrace\nhalt\n' |
	LD_PRELOAD=${SAN_PRELOAD:-${LD_PRELOAD:-}} LD_LIBRARY_PATH=$OURLIB tmo 20 "$CONSOLE" 2>&1)
printf '%s\n' "$out" | sed 's/^/    [pvm 3.4.6] /'

if printf '%s\n' "$out" | grep -q 'symbol lookup error\|undefined symbol'; then
	fail "the console does not load with our library"
fi
# it sets PvmSelfOutputTid -1 at start, which PVM 3.4.6 accepts
expect_eq "no library call of the console failed" "" \
	"$(printf '%s\n' "$out" | grep '^libpvm \[')"
expect_match "conf lists our host with its daemon tid and data signature" \
	'^ +[^ ]+ +40000 +LINUX64 +[0-9]+ +0x00408c41$' "$out"
expect_match "version is PVM's" '^3\.4\.6$' "$out"
expect_match "id is the console's tid on our daemon" '^t4[0-9a-f]{4}$' "$out"
expect_match "spawn runs a task" '^1 successful$' "$out"
expect_match "trace lists PVM's event names (pvmtevinfo)" ' settmask ' "$out"
# "trace + setopt" and "trace - mytid" change the console's mask for the
# tasks it spawns (pvm_settmask(PvmTaskChild), read back by pvm_gettmask):
# '*' marks the events in it
expect_match "trace + setopt: setopt marked" ' \* setopt ' "$out"
expect_match "trace - mytid: mytid no longer marked" '^ +[a-z_]+ +   mytid ' "$out"
gone() { ! kill -0 "$1" 2>/dev/null; }
if wait_until 5 gone "$PVMD_PID"; then
	wait "$PVMD_PID" 2>/dev/null
	PVMD_PID=""
	pass "halt from PVM 3.4.6's console ended our daemon"
else
	fail "halt from PVM 3.4.6's console did not end our daemon within 5 s"
fi
finish

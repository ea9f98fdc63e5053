#!/usr/bin/env bash
# run_on_pvm346.sh - run compatibility programs on the REAL PVM 3.4.6
# (Debian's /usr/bin/pvmd and libpvm3.so.3), to check that the programs
# themselves are right before they judge pvmx.  Not part of `make check`:
# a developer's tool.
#
# Usage: tests/compat/run_on_pvm346.sh BUILD_DIR PROGRAM...
#   e.g. tests/compat/run_on_pvm346.sh /tmp/build ref_context compat_mbox
#
# A private HOME and PVM_TMP (so its /tmp/pvmd.<uid> and log are its own,
# and it can run beside another reference daemon); spawnable programs are
# copied to $HOME/pvm3/bin/LINUX64, where PVM 3.4.6 looks for them.
# compat_* programs are run with no LD_LIBRARY_PATH, so they too get the
# reference library.  The daemon is halted afterwards, and its log shown.
set -u
BUILD=${1:?usage: $0 BUILD_DIR PROGRAM...}
shift
COMPAT=$BUILD/tests/compat
DIR=$(mktemp -d "${TMPDIR:-/tmp}/pvm346.XXXXXX")
export HOME=$DIR PVM_TMP=$DIR PVM_ALLOW_ROOT=1
unset LD_LIBRARY_PATH PVM_ROOT PVM_EXPORT
mkdir -p "$HOME/pvm3/bin/LINUX64"
for p in "$@"; do
	cp "$COMPAT/$p" "$HOME/pvm3/bin/LINUX64/"
done
# PVM 3.4.6's group server, which its libgpvm3 spawns from there too
[ -x /usr/bin/pvmgs ] && cp /usr/bin/pvmgs "$HOME/pvm3/bin/LINUX64/"

/usr/bin/pvmd >"$DIR/pvmd.out" 2>&1 &
pvmd_pid=$!
for _ in $(seq 1 100); do
	[ -s "$PVM_TMP/pvmd.$(id -u)" ] && break
	sleep 0.1
done

rc=0
for p in "$@"; do
	echo "=== $p on PVM 3.4.6"
	(cd "$HOME" && timeout -k 2 90 "$HOME/pvm3/bin/LINUX64/$p")
	prc=$?
	echo "=== $p exit $prc"
	[ "$prc" -eq 0 ] || rc=1
done

echo halt | timeout 10 /usr/bin/pvm >/dev/null 2>&1
for _ in $(seq 1 50); do
	kill -0 "$pvmd_pid" 2>/dev/null || break
	sleep 0.1
done
kill -KILL "$pvmd_pid" 2>/dev/null
echo "=== pvmd log ($PVM_TMP/pvml.$(id -u)):"
sed 's/^/    /' "$PVM_TMP/pvml.$(id -u)" 2>/dev/null | tail -60
rm -rf "$DIR"
exit $rc

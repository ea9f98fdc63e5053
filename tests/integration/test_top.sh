#!/usr/bin/env bash
# test_top.sh - the console's top (docs/top.md) on a machine of three
# hosts (lo-rsh 127.0.0.2/3) where top_t's tasks exchange messages through
# the daemons (PvmDontRoute) and form the group topgrp:
#   1. `top -n 2` piped: two plain snapshots, no escape sequences, the
#      three hosts, the tasks with non-zero message rates, the group with
#      its size; `pvm top -n 2` from the shell, the same;
#   2. in a terminal (tmux): top draws the same, refreshes (two captures
#      differ in their counters), and q gives the prompt back, as Ctrl-C
#      does.
source "$PVMX_SRC/tests/integration/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
PVM=$BIN/pvm
if ! command -v tmux >/dev/null; then
	echo "SKIP: tmux is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi
# tmux's socket lives in the test's directory, under a name of its own
export TMUX_TMPDIR=$TEST_TMP
TSOCK=pvmx-top-$$
trap 'tmux -L "$TSOCK" kill-server 2>/dev/null; cleanup' EXIT

printf '127.0.0.2\n127.0.0.3\n' >"$TEST_TMP/hosts"
vm_start "$TEST_TMP/hosts"
three() { [ "$(echo conf | tmo 10 "$PVM" 2>/dev/null | sed -n 1p)" = "3 hosts, 1 data format" ]; }
wait_until 30 three && pass "three hosts up" || { fail "the hosts did not come up"; finish; }

(cd "$TEST_TMP" && exec "$PROGS/top_t" master) >"$TEST_TMP/master.out" 2>&1 &
MASTER=$!
EXTRA_PIDS="$EXTRA_PIDS $MASTER"
ready() { grep -q '^ready 3$' "$TEST_TMP/master.out"; }
wait_until 60 ready && pass "top_t: a worker on each host, group made" ||
	{ fail "top_t did not get ready"; cat "$TEST_TMP/master.out"; finish; }

# check_screen LABEL TEXT: TEXT (one screen) shows the three hosts, the
# four top_t tasks sending and receiving at non-zero rates, the group
check_screen() {
	local label=$1 text=$2 n
	n=$(printf '%s\n' "$text" | awk '$1 ~ /^127\.0\.0\.[23]$/ || $1 == "'"$(hostname)"'"' |
		awk '$2 ~ /^t[0-9a-f]+$/ && $3 ~ /^[0-9]+\.[0-9][0-9]$/' | wc -l)
	expect_eq "$label: the three hosts, with their load" 3 "$n"
	n=$(printf '%s\n' "$text" | awk '$NF ~ /top_t$/ && $3 == "run" &&
		$4 ~ /^[0-9.]+k?$/ && $4 + 0 > 0 && $6 ~ /^[0-9.]+k?$/ && $6 + 0 > 0' | wc -l)
	expect_eq "$label: four top_t tasks with messages sent and received per second" 4 "$n"
	# (a link between the other two exists only if the group's home is
	# one of them, which depends on the host names)
	n=$(printf '%s\n' "$text" | awk -v m="$(hostname)" '($1 == m || $2 == m) &&
		$3 ~ /^(up|full)$/ && $4 + 0 > 0 && $6 + 0 > 0' | wc -l)
	expect_eq "$label: the links from the master to each host and back carry frames" 4 "$n"
	expect_match "$label: group topgrp with its 4 members" '^topgrp +4 +dynamic' "$text"
	expect_match "$label: says direct traffic is not counted" 'direct traffic .* not counted' "$text"
}

# --- 1. piped: plain snapshots -----------------------------------------
OUT=$(echo "top -n 2 -d 1" | tmo 60 "$PVM" 2>&1)
printf '%s\n' "$OUT" | sed 's/^/    [top] /'
expect_eq "piped: two snapshots" 2 "$(printf '%s\n' "$OUT" | grep -c '^pvmx top ')"
if printf '%s' "$OUT" | grep -q $'\033'; then fail "piped: escape sequences in plain output"; else
	pass "piped: no escape sequences"; fi
check_screen "piped, second snapshot" "$(printf '%s\n' "$OUT" | awk '/^pvmx top /{n++} n == 2')"

OUT=$(tmo 60 "$PVM" top -n 2 -d 1 2>&1 | cat)
expect_eq "pvm top -n 2 from the shell: two snapshots" 2 "$(printf '%s\n' "$OUT" | grep -c '^pvmx top ')"
check_screen "pvm top, second snapshot" "$(printf '%s\n' "$OUT" | awk '/^pvmx top /{n++} n == 2')"
OUT=$(echo "top -d 0" | tmo 20 "$PVM" 2>&1)
expect_match "top -d 0 is refused" 'top: -d takes seconds' "$OUT"

# --- 2. in a terminal ---------------------------------------------------
capture() { tmux -L "$TSOCK" capture-pane -p -t top 2>/dev/null; }
tmux -L "$TSOCK" new-session -d -s top -x 160 -y 50 \
	"env PVM_TMP='$PVM_TMP' PVM_VMID='$PVM_VMID' HOME='$HOME' PATH='$PATH' '$PVM'"
prompt() { capture | grep -q '^pvm> *$'; }
wait_until 30 prompt && pass "tmux: the console's prompt" || fail "tmux: no prompt"
tmux -L "$TSOCK" send-keys -t top "top" Enter
# the second frame has rates: wait for a top_t row with a number
rates() { capture | awk '$NF ~ /top_t$/ && $4 + 0 > 0' | grep -q .; }
wait_until 30 rates && pass "tmux: top shows rates" || fail "tmux: no rates shown"
C1=$(capture)
printf '%s\n' "$C1" | sed 's/^/    [tmux] /'
check_screen "tmux" "$C1"
expect_match "tmux: says q quits" '\(q quits\)' "$C1"
changed() { [ "$(capture | sed 1d)" != "$(printf '%s\n' "$C1" | sed 1d)" ]; }
wait_until 30 changed && pass "tmux: the counters refresh" || fail "tmux: the screen did not change"
tmux -L "$TSOCK" send-keys -t top q
# the prompt again, below top's last screen
back() { capture | awk '/^topgrp / { seen = 1 } seen && /^pvm> *$/ { ok = 1 } END { exit !ok }'; }
wait_until 20 back && pass "tmux: q ends top, the prompt is back" || { fail "tmux: q did not end top"; capture; }
# Ctrl-C ends top, not the console
tmux -L "$TSOCK" send-keys -t top "top -d 0.5" Enter
redrawn() { capture | grep -q '^pvmx top .*every 0.5s'; }
wait_until 20 redrawn && pass "tmux: top -d 0.5 runs" || fail "tmux: top -d 0.5 did not draw"
tmux -L "$TSOCK" send-keys -t top C-c
wait_until 20 back && pass "tmux: Ctrl-C ends top, the console goes on" ||
	{ fail "tmux: Ctrl-C did not give the prompt back"; capture; }
tmux -L "$TSOCK" send-keys -t top "quit" Enter
gone() { ! tmux -L "$TSOCK" has-session -t top 2>/dev/null; }
wait_until 20 gone && pass "tmux: the console quits" || fail "tmux: the console did not quit"
tmux -L "$TSOCK" kill-server 2>/dev/null

kill -TERM "$MASTER"
wait "$MASTER"
expect_eq "top_t ends on SIGTERM" 0 "$?"
finish

# shellcheck shell=bash
# tutorial.sh - the commands of docs/tutorial-tracing.md, read from the
# page itself, for its test (tests/integration/test_tutorial.sh) and its
# pictures (docs/img/make-pictures.sh).  Source it after
# tests/integration/lib.sh (TEST_TMP, tmo, wait_until, the private VM).
#
# A block of the page is the fenced block after a line
# "<!-- tutorial:NAME -->"; a captured screen is the fenced block after
# "<!-- tutorial-capture:NAME -->".

TUTORIAL_PAGE=$PVMX_SRC/docs/tutorial-tracing.md
# (CHROMIUM= in the environment: as if there were none)
CHROMIUM=${CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}

# tutorial_block NAME: prints the commands of block NAME
tutorial_block() {
	awk -v mark="<!-- tutorial:$1 -->" '
		$0 == mark { want = 1; next }
		want == 1 && /^```/ { want = 2; next }
		want == 2 && /^```/ { exit }
		want == 2 { print }' "$TUTORIAL_PAGE"
}

# tutorial_run NAME SECONDS: runs block NAME with bash -e in the current
# directory, within SECONDS; its output goes to stdout
tutorial_run() {
	local cmds
	cmds=$(tutorial_block "$1")
	if [ -z "$cmds" ]; then
		echo "tutorial: no block $1 in $TUTORIAL_PAGE"
		return 1
	fi
	tmo "$2" bash -e -c "$cmds"
}

# tutorial_shot HTML PNG NTASKS: a screenshot of the page HTML of NTASKS
# task lines (headless Chromium, 1000 pixels wide, as tall as the diagram)
tutorial_shot() {
	local prof rc height
	prof=$(mktemp -d "$TEST_TMP/chromium.XXXXXX")
	# the page: two text lines, then an svg 1200 units wide scaled to
	# the window, 20 + 34 per task + 20 units tall
	height=$((52 + (40 + 34 * $3) * 982 / 1200 + 6))
	HOME=$prof tmo 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir="$prof" --window-size=1000,$height \
		--screenshot="$2" "file://$1" >/dev/null 2>"$prof/err"
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/    [chromium] /' "$prof/err" | tail -5
	rm -rf "$prof"
	return $rc
}

# tutorial_top NAME CAPTURE: runs block NAME (a background run, then
# `pvm top`) in a terminal (tmux, 110x36); when top shows the ring's
# message rates, writes the screen to CAPTURE, presses q and waits (60 s)
# for the block to end.  Returns 1, saying why, if any step did not.
tutorial_top() {
	local sock=pvmx-tutorial-$$ rcfile=$TEST_TMP/top-block.rc r=0
	tutorial_block "$1" >"$TEST_TMP/top-block.sh"
	rm -f "$rcfile"
	TMUX_TMPDIR=$TEST_TMP tmux -L "$sock" new-session -d -s tut -x 110 -y 36 \
		"cd '$PWD' && env PVM_TMP='$PVM_TMP' PVM_VMID='$PVM_VMID' HOME='$HOME' \
PATH='$PATH' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' \
bash '$TEST_TMP/top-block.sh'; echo \$? >'$rcfile'"
	_tut_screen() { TMUX_TMPDIR=$TEST_TMP tmux -L "$sock" capture-pane -p -t tut 2>/dev/null; }
	# the second frame has rates: a ring row with messages sent per second
	_tut_rates() { _tut_screen | awk '$NF == "ring" && $4 + 0 > 0 { n++ } END { exit n < 4 }'; }
	if wait_until 90 _tut_rates; then
		_tut_screen | sed -e 's/[[:space:]]*$//' | awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ }' >"$2"
		TMUX_TMPDIR=$TEST_TMP tmux -L "$sock" send-keys -t tut q
		wait_until 60 test -e "$rcfile" || { echo "tutorial: block $1 did not end after q"; r=1; }
	else
		echo "tutorial: top showed no rates for the ring:"
		_tut_screen | sed 's/^/    [screen] /'
		r=1
	fi
	TMUX_TMPDIR=$TEST_TMP tmux -L "$sock" kill-server 2>/dev/null
	return $r
}

# tutorial_reap PID SECONDS: waits (at most SECONDS) for our child PID
# to exit, as the page's `echo halt | pvm` makes a daemon do, and reaps it
tutorial_reap() {
	_tut_exited() { case $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) in '' | Z) return 0 ;; esac; return 1; }
	wait_until "$2" _tut_exited "$1" || return 1
	wait "$1" 2>/dev/null
	return 0
}

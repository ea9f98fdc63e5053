#!/usr/bin/env bash
# make-pictures.sh BUILD - remakes the pictures of docs/tutorial-tracing.md
# from a build: runs the page's own commands (scripts/tutorial.sh) on a
# private virtual machine, takes docs/img/ring.png and docs/img/master.png
# with headless Chromium, and puts a fresh `pvm top` screen (tmux) into
# the page.  Every process it starts ends, by pid or as a process of its
# private machine (tests/integration/lib.sh), and its directory goes.
set -u
if [ $# -ne 1 ] || [ ! -x "$1/bin/pvmrun" ]; then
	echo "usage: $0 BUILD   (a build directory holding bin/pvmrun)" >&2
	exit 2
fi
PVMX_BUILD=$(cd "$1" && pwd)
PVMX_SRC=$(cd "$(dirname "$0")/../.." && pwd)
export PVMX_BUILD PVMX_SRC
source "$PVMX_SRC/tests/integration/lib.sh"
source "$PVMX_SRC/scripts/tutorial.sh"
IMG=$PVMX_SRC/docs/img
command -v tmux >/dev/null || { echo "make-pictures: needs tmux" >&2; exit 1; }
[ -n "$CHROMIUM" ] || { echo "make-pictures: needs chromium" >&2; exit 1; }

# ntasks FILE.json: the tasks of a timeline
ntasks() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["pvmxTasks"]))' "$1"; }

# set_capture NAME FILE: the page's captured screen NAME becomes FILE
set_capture() {
	python3 - "$TUTORIAL_PAGE" "$1" "$2" <<'PY'
import sys
page, name, screen = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
lines = open(page).read().split("\n")
at = lines.index("<!-- tutorial-capture:%s -->" % name)
start = next(i for i in range(at + 1, len(lines)) if lines[i].startswith("```"))
end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
lines[start + 1:end] = screen.split("\n")
open(page, "w").write("\n".join(lines))
PY
}

mkdir -p "$TEST_TMP/work"
cd "$TEST_TMP/work" || exit 1
vm_start
for run in ring master; do
	tutorial_run $run 180 || { echo "make-pictures: the $run block failed" >&2; exit 1; }
	tutorial_shot "$PWD/$run.html" "$IMG/$run.png" "$(ntasks $run.json)" ||
		{ echo "make-pictures: no screenshot of $run.html" >&2; exit 1; }
done
tutorial_run top-vm 60 >"$TEST_TMP/top-vm.out" 2>&1 || { cat "$TEST_TMP/top-vm.out"; exit 1; }
# the first daemon is ours: reap it (tutorial_run's halt ended it)
tutorial_reap "$PVMD_PID" 30 || { echo "make-pictures: halt did not stop the daemon" >&2; exit 1; }
PVMD_PID=""
wait_until 30 test -S "$(sock_path)" || { echo "make-pictures: no daemon after top-vm" >&2; exit 1; }
tutorial_top top "$TEST_TMP/top.txt" || exit 1
set_capture top "$TEST_TMP/top.txt"
tutorial_run halt 60 >/dev/null
cd "$PVMX_SRC" || exit 1
ls -l "$IMG"/*.png
echo "make-pictures: docs/img/ring.png, docs/img/master.png and the top screen in docs/tutorial-tracing.md"

# lib.sh - shared set-up for integration drivers: a private PVM_TMP, a
# private VM id, a daemon started and stopped by pid, bounded waits.
# Usage: source it, call vm_start, run things with `tmo`, and let the EXIT
# trap clean up.  Every process it starts is killed by pid; the temporary
# directory is removed.
set -u
: "${PVMX_BUILD:?PVMX_BUILD must point at the build directory}"
: "${PVMX_SRC:?PVMX_SRC must point at the source directory}"

BIN=$PVMX_BUILD/bin
PROGS=$PVMX_BUILD/tests/progs
EXAMPLES=$PVMX_BUILD/examples
TEST_NAME=$(basename "$0" .sh)
# What a test killed by the runner's timeout (SIGKILL: no EXIT trap) left
# behind - its temporary directory and its VM's shared-memory regions,
# both named after its shell's pid - goes when the next test starts.
for _stale in "${TMPDIR:-/tmp}"/pvmx-test.*.* /dev/shm/pvmx."$(id -u)".t*.*; do
	_pid=${_stale##*/pvmx-test.}
	case $_stale in /dev/shm/*) _pid=${_stale#/dev/shm/pvmx.*.t} ;; esac
	_pid=${_pid%%.*}
	case $_pid in '' | *[!0-9]*) continue ;; esac
	[ "$_pid" != "$$" ] && ! kill -0 "$_pid" 2>/dev/null && rm -rf "$_stale"
done
unset _stale _pid
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pvmx-test.$$.XXXXXX")
export PVM_TMP=$TEST_TMP
export PVM_VMID=t$$
export HOME=$TEST_TMP/home
mkdir -p "$HOME"
export PATH=$PROGS:$EXAMPLES:$BIN:$PATH
unset XDG_RUNTIME_DIR PVM_EXPORT
PVMD_PID=""
EXTRA_PIDS=""
FAILS=0
# A sanitized build (tests/CMakeLists.txt sets PVMX_SANITIZED=1 for
# -DPVMX_SANITIZE=ON): every process of the test inherits these options -
# the daemons of every host (lo-rsh keeps the environment), the tasks they
# spawn, the console, pvmrun - and writes any ASan, LSan or UBSan report
# into SAN_DIR instead of stderr, where a task's report would be lost in
# forwarded output.  The first report ends that process (abort); any report
# fails the test at exit (san_check), whoever wrote it.
SAN_DIR=""
if [ "${PVMX_SANITIZED:-0}" = 1 ]; then
	SAN_DIR=$TEST_TMP/san
	mkdir -p "$SAN_DIR"
	export ASAN_OPTIONS="log_path=$SAN_DIR/asan:log_exe_name=1:halt_on_error=1:abort_on_error=1:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$SAN_DIR/ubsan:log_exe_name=1:halt_on_error=1:abort_on_error=1:print_stacktrace=1"
fi

# SAN_PRELOAD: the sanitizers' runtime (PVMX_SAN_RUNTIME, from
# tests/CMakeLists.txt), for a program that is not sanitized itself but
# runs on our libraries (PVM 3.4.6's own binaries): it must load first
SAN_PRELOAD=""
[ -n "$SAN_DIR" ] && SAN_PRELOAD=${PVMX_SAN_RUNTIME:-}

# san_unsupported REASON: in a sanitized build, skip the test (exit 77)
# saying why it cannot run there
san_unsupported() {
	[ -n "$SAN_DIR" ] || return 0
	echo "SKIP: not run under the sanitizers: $*"
	exit 77
}

# san_check: 0 if no process of the test wrote a sanitizer report; else
# prints each report and returns 1
san_check() {
	local f rc=0
	[ -n "$SAN_DIR" ] || return 0
	for f in "$SAN_DIR"/*; do
		[ -s "$f" ] || continue
		echo "FAIL - sanitizer report ${f##*/}:"
		sed 's/^/    /' "$f"
		rc=1
	done
	return $rc
}

cleanup() {
	local p san=0
	for p in $EXTRA_PIDS $PVMD_PID; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $EXTRA_PIDS $PVMD_PID; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	# tasks the daemon spawned are in their own process groups; the
	# daemon kills them when it halts, but a killed daemon cannot: end
	# any still-running process whose environment names our VM.
	for p in $(pgrep -f . 2>/dev/null); do
		# (daemons of other "hosts" live in directories below it)
		if tr "\\0" "\\n" 2>/dev/null <"/proc/$p/environ" | grep -q "^PVM_TMP=$TEST_TMP\(/.*\)\{0,1\}$"; then
			[ "$p" != "$$" ] && kill -KILL "$p" 2>/dev/null
		fi
	done
	# shared-memory regions of tasks whose daemon a test killed (a
	# live daemon removes its tasks' own; a killed one cannot)
	rm -f /dev/shm/pvmx."$(id -u)"."$PVM_VMID".*
	san_check || san=1
	rm -rf "$TEST_TMP"
	# a report fails the test whatever its own result
	[ "$san" = 0 ] || exit 1
}
trap cleanup EXIT

# tmo SECONDS cmd...: run with a timeout (SIGKILL 2 s after SIGTERM)
tmo() {
	local s=$1
	shift
	timeout -k 2 "$s" "$@"
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds;
# fails if it has not within SECONDS (wait for a condition, never for a
# fixed time)
wait_until() {
	local n=$(($1 * 10))
	shift
	until "$@"; do
		[ "$n" -gt 0 ] || return 1
		n=$((n - 1))
		sleep 0.1
	done
}

# vm_procs NAME: pids of live processes called NAME that belong to this
# test's virtual machine (their environment names our PVM_TMP)
vm_procs() {
	local p
	for p in $(pgrep -x "$1"); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "PVM_TMP=$TEST_TMP" && echo "$p"
	done
}

# daemon_pid HOST: the pid of the pvmd of loopback host HOST (started
# through scripts/lo-rsh, whose PVM_TMP is $TEST_TMP/lo-HOST)
daemon_pid() {
	local p
	for p in $(pgrep -x pvmd); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "PVM_TMP=$TEST_TMP/lo-$1" && { echo "$p"; return; }
	done
}

# tracer_start FILE [ARGS]: PVM 3.4.6's tracer (Debian's pvm-dev, at
# $TRACER) on our library, writing trace FILE, its prompt's input on fd 7
# and its output in $TEST_TMP/tracer.out; 1 if it did not connect.
# tracer_stop: quits it (pid TRACER_PID) and shows the start of its output.
TRACER=/usr/bin/tracer
tracer_start() {
	local file=$1 asan=${ASAN_OPTIONS:-}
	shift
	rm -f "$TEST_TMP/tracer.in"
	mkfifo "$TEST_TMP/tracer.in"
	# (sanitized: PVM's tracer leaks its own allocations at exit, which
	# is not ours to fix; our library is checked for leaks in the tasks)
	[ -n "$SAN_DIR" ] && asan="$asan:detect_leaks=0"
	ASAN_OPTIONS=$asan LD_LIBRARY_PATH=$PVMX_BUILD/lib LD_PRELOAD=$SAN_PRELOAD \
		tmo 90 "$TRACER" -T "$file" "$@" <"$TEST_TMP/tracer.in" >"$TEST_TMP/tracer.out" 2>&1 &
	TRACER_PID=$!
	EXTRA_PIDS="$EXTRA_PIDS $TRACER_PID"
	exec 7>"$TEST_TMP/tracer.in"
	wait_until 20 grep -q "Tracer connected" "$TEST_TMP/tracer.out"
}
tracer_stop() {
	echo quit >&7
	exec 7>&-
	for _ in $(seq 1 50); do kill -0 "$TRACER_PID" 2>/dev/null || break; sleep 0.1; done
	sed 's/^/    [tracer] /' "$TEST_TMP/tracer.out" | head -20
}

# need_compat PROG...: the compatibility programs PROG (in
# $PVMX_BUILD/tests/compat), the reference PVM 3.4.6 (header and library)
# and our libpvm3.so.3 are all there, or the test fails at once, saying
# what is missing and how to get it.
need_compat() {
	local p missing=""
	for p in "$@"; do
		[ -x "$PVMX_BUILD/tests/compat/$p" ] || missing="$missing $p"
	done
	for p in /usr/include/pvm3.h /usr/lib/x86_64-linux-gnu/libpvm3.so.3; do
		[ -e "$p" ] || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "FAIL: compatibility programs or the reference PVM 3.4.6 missing:$missing."
		echo "      They need Debian's pvm and pvm-dev (PVM 3.4.6):"
		echo "      run scripts/install-deps.sh, then re-run cmake and rebuild."
		exit 1
	fi
	if [ ! -e "$PVMX_BUILD/lib/libpvm3.so.3" ]; then
		echo "FAIL: $PVMX_BUILD/lib/libpvm3.so.3 not built"
		exit 1
	fi
}

sock_path() { echo "$PVM_TMP/pvmx-$(id -u)/pvmd.$PVM_VMID.sock"; }
log_path() { echo "$PVM_TMP/pvmx-$(id -u)/pvmd.$PVM_VMID.log"; }

# vm_start: start pvmd in the background and wait (max 10 s) for its socket
vm_start() {
	"$BIN/pvmd" "$@" >"$TEST_TMP/pvmd.out" 2>&1 &
	PVMD_PID=$!
	local i
	for i in $(seq 1 100); do
		[ -S "$(sock_path)" ] && return 0
		kill -0 "$PVMD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: pvmd did not come up"; cat "$TEST_TMP/pvmd.out"
	exit 1
}

# vm_stop: halt through the console-free path (signal) and wait for exit
vm_stop() {
	[ -n "$PVMD_PID" ] || return 0
	kill -TERM "$PVMD_PID" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$PVMD_PID" 2>/dev/null || { wait "$PVMD_PID" 2>/dev/null; PVMD_PID=""; return 0; }
		sleep 0.1
	done
	echo "FAIL: pvmd did not stop on SIGTERM"
	FAILS=$((FAILS + 1))
}

pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}
# expect_match WHAT REGEX TEXT
expect_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then pass "$1"; else
		fail "$1: no match for /$2/ in:"; printf '%s\n' "$3" | sed 's/^/    /'
	fi
}
finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$TEST_NAME: $FAILS failure(s); daemon log:"
		sed 's/^/    /' "$(log_path)" 2>/dev/null | tail -40
		exit 1
	fi
	echo "$TEST_NAME: all passed"
	exit 0
}

# trace_lib.sh - sourced by the tracing tests after lib.sh: PVM 3.4.6's
# own trace collector (`tracer`, Debian's pvm-dev) run on our library,
# as lib.sh's tracer_start/tracer_stop run it.

# pvm346_tracer FILE N CMD: runs the tracer writing FILE, then CMD at the
# console (`spawn -@` traces with the registered tracer); waits (with
# timeouts) for N endtask records, then quits the tracer.  Its output is
# in $TEST_TMP/tracer.out.  1 when the tracer did not connect.
pvm346_tracer() {
	local file=$1 n=$2 cmd=$3

	tracer_start "$file" || return 1
	printf '%s\nquit\n' "$cmd" | tmo 60 "$BIN/pvm" >/dev/null 2>&1
	wait_until 30 sh -c "[ \$(grep -c '^\"endtask' '$file' 2>/dev/null) -ge $n ]" || true
	tracer_stop
	return 0
}

# trace_three_hosts: a VM of this host and 127.0.0.2/3 (scripts/lo-rsh).
trace_three_hosts() {
	local out

	export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
	vm_start
	out=$(printf 'add 127.0.0.2 127.0.0.3\nquit\n' | tmo 60 "$BIN/pvm" 2>&1)
	expect_match "three hosts" "2 successful" "$out"
}

# trace_run PROG N ROUNDS: pvmtrace runs PROG N ROUNDS, writing the JSON
# $J and the page $H ($TEST_TMP/run.json, run.html); checks that PROG
# said "PROG: ok N tasks ROUNDS rounds".
trace_run() {
	local out

	J=$TEST_TMP/run.json
	H=$TEST_TMP/run.html
	out=$(tmo 90 "$BIN/pvmtrace" -o "$J" --html "$H" "$1" "$2" "$3" 2>&1)
	printf '%s\n' "$out" | sed 's/^/    [pvmtrace] /'
	expect_match "the traced program ran" "$1: ok $2 tasks $3 rounds" "$out"
}

# chrome ARGS...: headless Chromium ($CHROMIUM, found here: empty when
# not installed) with a profile of its own in $TEST_TMP, logging to
# stderr (where the page's console errors show).
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
chrome() {
	HOME=$TEST_TMP/chromium tmo 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$TEST_TMP/chromium" --enable-logging=stderr --v=0 \
		--window-size=1300,400 "$@"
}

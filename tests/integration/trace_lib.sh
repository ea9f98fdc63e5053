# trace_lib.sh - sourced by the tracing tests after lib.sh: PVM 3.4.6's
# own trace collector (`tracer`, Debian's pvm-dev) run on our library.
TRACER=/usr/bin/tracer

# pvm346_tracer FILE N CMD: runs the tracer writing FILE, then CMD at the
# console (`spawn -@` traces with the registered tracer); waits (with
# timeouts) for N endtask records, then quits the tracer.  Its output is
# in $TEST_TMP/tracer.out.  1 when the tracer did not connect.
pvm346_tracer() {
	local file=$1 n=$2 cmd=$3 fifo=$TEST_TMP/tracer.in tpid tracer_asan
	rm -f "$fifo"
	mkfifo "$fifo"
	# (sanitized: PVM's tracer leaks its own allocations at exit, which
	# is not ours to fix; our library is checked for leaks in the tasks)
	tracer_asan=${ASAN_OPTIONS:-}
	[ -n "$SAN_DIR" ] && tracer_asan="$tracer_asan:detect_leaks=0"
	ASAN_OPTIONS=$tracer_asan LD_LIBRARY_PATH=$PVMX_BUILD/lib LD_PRELOAD=$SAN_PRELOAD \
		tmo 90 "$TRACER" -T "$file" <"$fifo" >"$TEST_TMP/tracer.out" 2>&1 &
	tpid=$!
	EXTRA_PIDS="$EXTRA_PIDS $tpid"
	exec 7>"$fifo"
	if ! wait_until 20 grep -q "Tracer connected" "$TEST_TMP/tracer.out"; then
		exec 7>&-
		return 1
	fi
	printf '%s\nquit\n' "$cmd" | tmo 60 "$BIN/pvm" >/dev/null 2>&1
	wait_until 30 sh -c "[ \$(grep -c '^\"endtask' '$file' 2>/dev/null) -ge $n ]" || true
	echo quit >&7
	exec 7>&-
	for _ in $(seq 1 50); do kill -0 "$tpid" 2>/dev/null || break; sleep 0.1; done
	sed 's/^/    [tracer] /' "$TEST_TMP/tracer.out" | head -20
	return 0
}

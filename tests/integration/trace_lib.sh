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

#!/usr/bin/env bash
# test_trace_sum.sh - PVM's trace summaries and the registered tracer's
# output collection (docs/tracing.md): a child traced with PvmTraceCount
# and with PvmTraceTime sends no record per call but one "profiling" or
# "timing" descriptor with its counts (7 pvm_send: 14 records counted,
# entry and exit, as PVM counts them) and times; a task registered with
# pvm_reg_tracer gets the output of the console's spawn -@ children in
# its octx and otag; PVM 3.4.6's own tracer (Debian's pvm-dev) records a
# PvmTraceCount run and the children's output.
source "$PVMX_SRC/tests/integration/lib.sh"

N=7
vm_start

# --- PvmTraceCount and PvmTraceTime, tsum_t as the collector -------------
for opt in count time; do
	out=$(tmo 60 "$PROGS/tsum_t" collect $opt $N 2>&1)
	printf '%s\n' "$out" | sed "s/^/    [$opt] /"
	expect_match "$opt: the child ended (its endtask came)" "^collect: ok" "$out"
	expect_match "$opt: no record per call" "^records 0$" "$out"
	name=profiling
	[ $opt = time ] && name=timing
	expect_match "$opt: one $name summary" "^summary $name end$" "$out"
	expect_eq "$opt: $N pvm_send counted (entry and exit)" "$((2 * N))" \
		"$(printf '%s\n' "$out" | awk -v k=$name '$1 == "summary" && $2 == k && $3 == "send" { print $4 }')"
	expect_eq "$opt: 1 pvm_recv counted" 2 \
		"$(printf '%s\n' "$out" | awk -v k=$name '$1 == "summary" && $2 == k && $3 == "recv" { print $4 }')"
	# PVM's pvm_exit has an entry record only
	expect_eq "$opt: pvm_exit counted once" 1 \
		"$(printf '%s\n' "$out" | awk -v k=$name '$1 == "summary" && $2 == k && $3 == "exit" { print $4 }')"
done
# the receive waited for the collector's bye, sent 300 ms after the
# last message: its time is at least that
recv_s=$(printf '%s\n' "$out" | awk '$1 == "summary" && $2 == "timing" && $3 == "recv" { print $5 }')
if awk -v t="${recv_s:-0}" 'BEGIN { exit !(t >= 0.29 && t < 30) }'; then
	pass "time: the receive's time is its wait ($recv_s s)"
else
	fail "time: the receive's time is '$recv_s' s, not its wait of 0.3 s"
fi

# --- pvm_reg_tracer's output collection (octx, otag) --------------------
R=$TEST_TMP/reg.out
tmo 60 "$PROGS/tsum_t" reg 2 >"$R" 2>&1 &
rpid=$!
EXTRA_PIDS="$EXTRA_PIDS $rpid"
wait_until 20 grep -q "^registered" "$R" || fail "tsum_t reg did not register: $(cat "$R")"
# spawn -@ without ->: nobody else collects the output, the tracer does
out=$(printf 'spawn -@ tsum_t pair 3\nquit\n' | tmo 60 "$BIN/pvm" 2>&1)
wait_until 30 grep -q "^reg: " "$R" || true
wait "$rpid" 2>/dev/null
sed 's/^/    [reg] /' "$R"
expect_match "reg: both tasks' output came, and their ends" "^reg: ok" "$(cat "$R")"
expect_match "reg: the spawn -@ child's line, in octx with otag" \
	"^output t[0-9a-f]+ tsum_t: ok 3$" "$(cat "$R")"
expect_match "reg: its child's line too (the output collection is inherited)" \
	"^output t[0-9a-f]+ tsum_t: t[0-9a-f]+ sent 3$" "$(cat "$R")"

# --- PVM 3.4.6's tracer, PvmTraceCount ----------------------------------
if [ ! -x "$TRACER" ]; then
	echo "SKIP part: $TRACER missing (Debian's pvm-dev)"
else
	T=$TEST_TMP/tracefile
	tracer_start "$T" count || fail "tracer did not connect: $(cat "$TEST_TMP/tracer.out")"
	out=$(printf 'spawn -@ tsum_t pair %s\nquit\n' $N | tmo 60 "$BIN/pvm" 2>&1)
	wait_until 30 sh -c "[ \$(grep -c '^\"endtask' '$T' 2>/dev/null) -ge 2 ]" || true
	wait_until 10 grep -q "tsum_t: ok $N" "$T" 2>/dev/null || true
	tracer_stop
	grep -E '^"?(profiling|output|endtask|newtask)' "$T" | sed 's/^/    [tracefile] /' | head -20
	expect_eq "tracer: two profiling summaries (the pair and its child)" 2 \
		"$(grep -c '^"profiling' "$T" 2>/dev/null)"
	expect_eq "tracer: no record per call" 0 \
		"$(grep -Ec '^"(send|recv|trecv|exit)\(' "$T" 2>/dev/null)"
	expect_eq "tracer: both tasks ended" 2 "$(grep -c '^"endtask' "$T" 2>/dev/null)"
	# (its "Missing DID List" warnings: no task sends PVM's data id
	# list, which PVM's daemon sends; the tracer has its own)
	expect_eq "tracer: no error while reading" "" \
		"$(grep -E "Error|Unknown|Not Found|Warning" "$TEST_TMP/tracer.out" | grep -v "Missing DID List")"
	grep -q '"tsum_t: ok '$N'"' "$T" && pass "tracer: the spawn -@ task's output in its trace file" ||
		fail "tracer: no output of the spawn -@ task in the trace file"
fi
finish

#!/usr/bin/env bash
# test_console.sh - the console `pvm` fed on stdin: it starts a daemon
# when none runs and `halt` stops it; `conf`, `version`, `id`, `mstat`;
# `spawn -> ` shows each task's output lines as `[<job>:t<tid>] text`
# and its end as `[<job>:t<tid>] EOF`, as PVM 3.4.6's console; `ps`
# and `ps -a` list running tasks and `kill` removes them; unknown
# commands are reported and the console goes on.
source "$PVMX_SRC/tests/integration/lib.sh"

PVM=$BIN/pvm
for f in "$PVM" "$PROGS/run_exit" "$PROGS/run_sleep" "$PROGS/run_lines"; do
	if [ ! -x "$f" ]; then
		echo "FAIL: $f not built"
		exit 1
	fi
done

# gone PID: true once PID has ended (a zombie counts as ended)
gone() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$s" ] || [ "${s:0:1}" = Z ]
}

# console CMDS...: feeds each argument as one line to a console; sets OUT, RC
console() {
	OUT=$(printf '%s\n' "$@" | tmo 40 "$PVM" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed "s/^/    [pvm] /"
}

# --- no daemon: the console starts one; halt stops it -------------------
console id
expect_eq "console with no daemon running exits 0" 0 "$RC"
expect_match "it joins a daemon it started and prints its tid" '^t[0-9a-f]+$' "$OUT"
if [ -S "$(sock_path)" ]; then pass "the daemon's socket exists"; else fail "no socket at $(sock_path)"; fi
STARTED=$(vm_procs pvmd)
if [ -n "$STARTED" ]; then pass "a pvmd runs after the console left (pid $STARTED)"; else
	fail "no pvmd running after the console started one"
fi
console halt
expect_eq "halt exits 0" 0 "$RC"
for p in $STARTED; do
	for _ in $(seq 1 50); do
		gone "$p" && break
		sleep 0.1
	done
	if gone "$p"; then pass "halt stopped the console-started pvmd $p"; else
		fail "pvmd $p still runs 5 s after halt"
		kill -KILL "$p" 2>/dev/null
	fi
done

# --- a daemon of our own for the rest ----------------------------------
vm_start

console conf
expect_eq "conf exits 0" 0 "$RC"
expect_match "conf counts one host and one data format" '^1 host, 1 data format$' "$OUT"
expect_match "conf prints the column header" '^ +HOST +DTID +ARCH +SPEED +DSIG$' "$OUT"
expect_match "conf shows the host with the x86-64 data signature" \
	'^ +[^ ]+ +40000 +[^ ]+ +[0-9]+ 0x00408c41$' "$OUT"
if printf '%s' "$OUT" | grep -q 'pvm>'; then fail "a prompt was printed with stdin not a terminal"; else
	pass "no prompt when stdin is not a terminal"
fi
HOST=$(printf '%s\n' "$OUT" | awk '$2 == "40000" { print $1 }')

console version
expect_eq "version prints PVM's version" "3.4.6" "$OUT"

console id
expect_match "id prints a tid" '^t[0-9a-f]+$' "$OUT"

console "mstat $HOST" "mstat no-such-host.invalid"
expect_match "mstat of the host is ok" "^ +$HOST +ok$" "$OUT"
expect_match "mstat of an unknown host says so" '^ +no-such-host.invalid +No such host$' "$OUT"

console frobnicate version
expect_eq "an unknown command does not end the console" 0 "$RC"
expect_match "an unknown command is reported" '^unknown command: frobnicate$' "$OUT"
expect_match "the next command still runs" '^3\.4\.6$' "$OUT"

# --- spawn -> : output comes back prefixed with the job and the tid ----
console "spawn -2 -> run_exit 0"
expect_eq "spawn -> exits 0" 0 "$RC"
expect_match "spawn -2 reports two successes" '^2 successful$' "$OUT"
TIDS=$(printf '%s\n' "$OUT" | grep -E '^t[0-9a-f]+$')
expect_eq "spawn -2 prints two tids" 2 "$(printf '%s\n' "$TIDS" | grep -c .)"
for t in $TIDS; do
	expect_match "the output of $t is shown, prefixed" \
		"^\[1:$t\] run_exit $t: exiting with 0$" "$OUT"
	expect_match "the end of $t's output is shown" "^\[1:$t\] EOF$" "$OUT"
done

console "spawn -> run_lines 3"
T=$(printf '%s\n' "$OUT" | grep -E '^t[0-9a-f]+$' | head -1)
expect_eq "lines written in pieces arrive whole" 3 \
	"$(printf '%s\n' "$OUT" | grep -cE "^\[1:$T\] line [123] of 3$")"
expect_match "a last line without a newline is shown at the end" "^\[1:$T\] no newline$" "$OUT"
expect_match "the job is reported finished" '^\[1\] finished$' "$OUT"

# --- spawn ->FILE: the same lines in the file; finished on the console --
console "spawn ->$TEST_TMP/job.out run_lines 2"
T=$(printf '%s\n' "$OUT" | grep -E '^t[0-9a-f]+$' | head -1)
expect_match "a job writing to a file is reported finished too" '^\[1\] finished$' "$OUT"
expect_eq "the file has the job's lines, prefixed, and EOF" \
	"[1:$T] line 1 of 2
[1:$T] line 2 of 2
[1:$T] no newline
[1:$T] EOF" "$(cat "$TEST_TMP/job.out" 2>/dev/null)"

console "spawn no_such_program_xyz"
expect_match "spawning a missing program reports 0 successful" '^0 successful$' "$OUT"
expect_match "and why" '^No such file$' "$OUT"

# --- ps, ps -a and kill -------------------------------------------------
console "spawn -2 run_sleep 60" ps
TIDS=$(printf '%s\n' "$OUT" | grep -E '^t[0-9a-f]+$')
T1=$(printf '%s\n' "$TIDS" | sed -n 1p)
T2=$(printf '%s\n' "$TIDS" | sed -n 2p)
if [ -n "$T1" ] && [ -n "$T2" ]; then pass "two run_sleep tasks spawned ($T1 $T2)"; else
	fail "spawn -2 run_sleep did not print two tids"
fi
for t in $T1 $T2; do
	expect_match "ps in the spawning console lists $t" "^ +[^ ]+ +${t#t} +[0-9a-f]+ [^ ]*run_sleep" "$OUT"
done

console "ps"
if printf '%s\n' "$OUT" | grep -q run_sleep; then
	fail "ps in another console lists tasks that are not its children"
else
	pass "ps in another console does not list the first console's tasks"
fi

console "ps -a"
for t in $T1 $T2; do
	expect_match "ps -a lists $t" "^ +[^ ]+ +${t#t} +[0-9a-f]+ [^ ]*run_sleep" "$OUT"
done

console "kill $T1"
expect_eq "kill prints nothing on success" "" "$OUT"
for _ in $(seq 1 50); do
	console "ps -a" >/dev/null
	printf '%s\n' "$OUT" | grep -qE "^ +[^ ]+ +${T1#t} " || break
	sleep 0.1
done
if printf '%s\n' "$OUT" | grep -qE "^ +[^ ]+ +${T1#t} "; then fail "ps -a still lists $T1 5 s after kill"; else
	pass "after kill $T1, ps -a no longer lists it"
fi
expect_match "ps -a still lists $T2" "^ +[^ ]+ +${T2#t} +[0-9a-f]+ [^ ]*run_sleep" "$OUT"

# a tid without its t is accepted too
console "kill ${T2#t}"
for _ in $(seq 1 50); do
	[ -z "$(vm_procs run_sleep)" ] && break
	sleep 0.1
done
expect_eq "both run_sleep processes are gone" "" "$(vm_procs run_sleep)"

console "kill t7ffff"
expect_match "kill of an unknown tid says so" '^kill: t7ffff: No such task$' "$OUT"

# --- halt stops the daemon -------------------------------------------
console halt
expect_eq "halt exits 0" 0 "$RC"
for _ in $(seq 1 50); do
	gone "$PVMD_PID" && break
	sleep 0.1
done
if gone "$PVMD_PID"; then
	pass "halt stopped pvmd (pid $PVMD_PID) within 5 s"
	wait "$PVMD_PID" 2>/dev/null
	PVMD_PID=""
else
	fail "pvmd $PVMD_PID still runs 5 s after halt"
fi
if [ -e "$(sock_path)" ]; then fail "the socket is still there after halt"; else
	pass "halt removed the socket"
fi

finish

#!/usr/bin/env bash
# test_console3.sh - the console's second set of commands, fed on stdin to
# `pvm` on a real daemon: ~/.pvmrc at start; alias/unalias; echo; setenv;
# export/unexport, and an exported variable reaching a spawned task;
# getopt/setopt; sig delivering SIGUSR1; jobs; pstat; names/put/lookup/
# remove on the mailbox; tickle; trace (not supported); reset killing all
# tasks but the no-reset ones (other consoles) and clearing the mailbox
# as PVM 3.4.6 does; reset info.
source "$PVMX_SRC/tests/integration/lib.sh"

PVM=$BIN/pvm
for f in "$PVM" "$PROGS/run_sleep" "$PROGS/con_sigwait"; do
	if [ ! -x "$f" ]; then
		echo "FAIL: $f not built"
		exit 1
	fi
done

# console CMDS...: feeds each argument as one line to a console; sets OUT, RC
console() {
	OUT=$(printf '%s\n' "$@" | tmo 40 "$PVM" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed "s/^/    [pvm] /"
}

TAB=$'\t'
# no_notimpl WHAT: fails when the last console reported PvmNotImpl
no_notimpl() {
	if printf '%s\n' "$OUT" | grep -q 'Not implemented'; then
		fail "$1: a library call answered PvmNotImpl"
	fi
}

# interact SCRIPT: runs a console whose input is written by the shell
# function SCRIPT, which may wait for the console's output (in $IOUT,
# flushed after every command) before writing more; sets OUT, RC
IOUT=$TEST_TMP/interact.out
interact() {
	: >"$IOUT"
	"$1" | tmo 60 "$PVM" >"$IOUT" 2>&1
	RC=$?
	OUT=$(cat "$IOUT")
	printf '%s\n' "$OUT" | sed "s/^/    [pvm] /"
}
# wait_output REGEX [SECONDS]: waits (default 10 s) for a line in $IOUT
wait_output() {
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		grep -Eq -- "$1" "$IOUT" && return 0
		sleep 0.1
	done
	return 1
}

vm_start

# --- ~/.pvmrc runs before the first command ----------------------------
cat >"$HOME/.pvmrc" <<'EOF'
# a startup file as PVM's example has them
alias ? help
alias say echo from-alias   # a comment after a command
setenv PVMX_RC_VAR set by pvmrc

echo pvmrc ran
EOF
console "echo first command" "say hi" "setenv PVMX_RC_VAR" "alias"
expect_eq "the console with a .pvmrc exits 0" 0 "$RC"
expect_eq "the .pvmrc's output comes before the first command's" \
	"pvmrc ran" "$(printf '%s\n' "$OUT" | sed -n 1p)"
expect_eq "then the first command runs" "first command" "$(printf '%s\n' "$OUT" | sed -n 2p)"
expect_match "an alias from .pvmrc expands, with the words after it" '^from-alias hi$' "$OUT"
expect_match "setenv in .pvmrc sets the console's environment" '^set by pvmrc$' "$OUT"
expect_match "alias lists the .pvmrc's aliases (name, tab, command)" "^\\?${TAB}help\$" "$OUT"
expect_match "alias lists the definition without its comment" "^say${TAB}echo from-alias\$" "$OUT"
rm -f "$HOME/.pvmrc"

# --- alias, unalias, echo ----------------------------------------------
console "echo a \"b c\"   d" \
	"alias greet echo 'hello world' and" \
	"alias" "alias greet" \
	"greet more" \
	"alias echo echo X" "echo self" "unalias echo" \
	"unalias greet no_such_alias" "greet again" "alias" "unalias"
expect_match "echo joins its words with one space" '^a b c d$' "$OUT"
expect_match "alias keeps a quoted word whole" "^greet${TAB}echo 'hello world' and\$" "$OUT"
expect_match "an alias expands with the words that follow it" '^hello world and more$' "$OUT"
expect_match "an alias may name the command it is called as" '^X self$' "$OUT"
expect_match "after unalias, the name is unknown again" '^unknown command: greet$' "$OUT"
expect_eq "greet is listed by alias and alias greet, not after unalias" 2 \
	"$(printf '%s\n' "$OUT" | grep -c "^greet${TAB}")"
expect_match "unalias without a name says so" '^unalias: wrong #args$' "$OUT"

# --- setenv -------------------------------------------------------------
console "setenv PVMX_T1 one   two" "setenv PVMX_T1" "setenv PVMX_UNSET_VAR" "setenv"
expect_match "setenv name shows the value set (words joined by a space)" '^one two$' "$OUT"
expect_match "setenv alone lists the environment" '^PVMX_T1=one two$' "$OUT"
expect_match "and the environment the console started with" "^PVM_TMP=$TEST_TMP\$" "$OUT"

# --- setenv PVM_EXPORT (no library call): a task receives the variable --
console "setenv PVMX_T2 via-setenv" "setenv PVM_EXPORT PVMX_T2" \
	"spawn -> /bin/sh -c 'echo \"T2=\$PVMX_T2 T3=\${PVMX_T3-unset}\"'" \
	"setenv PVMX_T3 not-exported"
expect_match "a variable named in PVM_EXPORT reaches a spawned task; others do not" \
	'^\[1:t[0-9a-f]+\] T2=via-setenv T3=unset$' "$OUT"

# --- export, unexport ----------------------------------------------------
console "export" "export PVMX_A PVMX_B" "export" "unexport PVMX_A" "export" \
	"setenv PVMX_B via-export" \
	"spawn -> /bin/sh -c 'echo \"B=\$PVMX_B\"'"
no_notimpl "export/unexport"
expect_match "export alone shows an empty PVM_EXPORT" '^PVM_EXPORT=$' "$OUT"
expect_match "export adds names to PVM_EXPORT" '^PVM_EXPORT=PVMX_A:PVMX_B$' "$OUT"
expect_match "unexport removes one" '^PVM_EXPORT=PVMX_B$' "$OUT"
expect_match "setenv + export: the spawned task sees the variable" \
	'^\[1:t[0-9a-f]+\] B=via-export$' "$OUT"

# --- getopt, setopt ------------------------------------------------------
console getopt
expect_eq "getopt lists PVM's 23 console options" 23 \
	"$(printf '%s\n' "$OUT" | grep -cE '^Pvm[A-Za-z]+ Currently Set to -?[0-9]+$')"
expect_match "getopt shows the console's PvmNoReset set" '^PvmNoReset Currently Set to 1$' "$OUT"
console "getopt PvmRoute" "setopt PvmRoute 3" "getopt PvmRoute" \
	"getopt PvmFoo" "setopt PvmRoute" "setopt PvmDebugMask x" "setopt PvmRoute 99"
expect_match "setopt says the old and the new value" '^PvmRoute Changed from [0-9]+ to 3$' "$OUT"
expect_match "getopt then shows the new value" '^PvmRoute Currently Set to 3$' "$OUT"
expect_match "an unknown option is named" '^PVM Option "PvmFoo" Unknown\.$' "$OUT"
expect_match "setopt without a value says so" '^setopt: wrong #args$' "$OUT"
expect_match "setopt with a non-number says so" '^setopt: bad value "x"$' "$OUT"
expect_match "a value the library refuses is reported" '^setopt: PvmRoute: Bad parameter$' "$OUT"

# --- trace, help ---------------------------------------------------------
console trace help "help reset"
expect_match "trace is not supported, and says so" '^trace: not supported' "$OUT"
for c in alias export getopt jobs lookup names put remove reset setenv setopt sig tickle \
	trace unalias unexport; do
	expect_match "help lists $c" "^  $c +[A-Z]" "$OUT"
done
expect_match "help reset gives its syntax" '^Syntax:  reset$' "$OUT"

# --- jobs, pstat, sig: a task waits for SIGUSR1 --------------------------
sig_script() {
	local t
	echo "spawn -> con_sigwait 15"
	wait_output 'con_sigwait t[0-9a-f]+: ready' || return
	t=$(grep -Eo '^t[0-9a-f]+$' "$IOUT" | head -1)
	echo "jobs"
	echo "jobs -l"
	echo "pstat $t t7ffff"
	echo "sig USR1 $t"
	wait_output 'con_sigwait: got SIGUSR1|Not implemented' 10
	wait_output '^\[1\] finished' 10
	echo "jobs"
	echo "echo end of jobs"
}
interact sig_script
T=$(printf '%s\n' "$OUT" | grep -Eo '^t[0-9a-f]+$' | head -1)
expect_match "con_sigwait started in job 1" '^\[1\]$' "$OUT"
expect_match "jobs lists job 1 with its task" "^ 1: $T\$" "$OUT"
expect_match "jobs -l prints ps's header" '^ +HOST +TID +FLAG 0x +COMMAND$' "$OUT"
expect_match "jobs -l lists the task under its job" "^ +[^ ]+ +${T#t} +[0-9a-f]+ [^ ]*con_sigwait" "$OUT"
expect_match "pstat of a running task says run, as PVM prints it" "^t +${T#t}  run\$" "$OUT"
expect_match "pstat of an unknown task says so" '^t +7ffff  No such task$' "$OUT"
no_notimpl "sig"
expect_match "sig USR1 reached the task" "^\[1:$T\] con_sigwait: got SIGUSR1\$" "$OUT"
expect_eq "after the job ended, jobs lists nothing" "end of jobs" \
	"$(printf '%s\n' "$OUT" | grep -A1 '^\[1\] finished' | tail -1)"
sig_self_script() {
	echo id
	wait_output '^t[0-9a-f]+$' || return
	echo "sig USR1 $(grep -Eo '^t[0-9a-f]+$' "$IOUT" | head -1)"
	echo "echo after sig"
}
interact sig_self_script
ME=$(printf '%s\n' "$OUT" | grep -Eo '^t[0-9a-f]+$' | head -1)
expect_match "sig refuses to signal the console itself" "^sig: $ME is this console\$" "$OUT"
expect_match "and the console goes on" '^after sig$' "$OUT"
console "sig 10" "sig BOGUS t1" "sig 10 zz" "sig 10 t7ffff" "echo after sig"
expect_match "sig without a task says so" '^sig: wrong #args$' "$OUT"
expect_match "a bad signal is named" '^sig: bad signal BOGUS$' "$OUT"
expect_match "a bad task id is named" '^sig: bad task id zz$' "$OUT"
expect_match "an unknown task is reported" '^sig: t7ffff: No such task$' "$OUT"
expect_match "the console goes on" '^after sig$' "$OUT"

# --- the mailbox: put, names, lookup, remove -----------------------------
console id "put pvmx_a hello" "put pvmx_b 1 'hi there'" names "names pvmx_b" \
	"lookup pvmx_a" "lookup pvmx_b 0" "remove pvmx_a" "lookup pvmx_a" "names pvmx_a" \
	"put x y z" "echo end"
no_notimpl "names/put/lookup/remove"
ME=$(printf '%s\n' "$OUT" | grep -Eo '^t[0-9a-f]+$' | head -1)
expect_match "names lists a put entry, owned by the console" \
	"^${TAB}index=0 owner=0x${ME#t}/$((16#${ME#t})) flags=0x0\$" "$OUT"
expect_match "names shows put's flags (PvmMboxPersistent)" \
	"^${TAB}index=0 owner=0x${ME#t}/[0-9]+ flags=0x1\$" "$OUT"
expect_eq "names with a name lists that class" 2 "$(printf '%s\n' "$OUT" | grep -c '^<pvmx_b>:$')"
expect_match "lookup prints the stored string" '^hello$' "$OUT"
expect_match "lookup with an index, a string with a space" '^hi there$' "$OUT"
expect_match "after remove, lookup finds nothing" '^lookup: Not Found$' "$OUT"
expect_match "put with flags that are no number says so" '^put: bad flags "y"' "$OUT"
expect_match "the console goes on" '^end$' "$OUT"
# a persistent entry outlives its owner (marked ownerless); others go
console "lookup pvmx_b" "names pvmx_b"
expect_match "another console looks up the persistent entry" '^hi there$' "$OUT"
expect_match "its owner shows as 0 once the owner left" \
	"^${TAB}index=0 owner=0x0/0 flags=0x1\$" "$OUT"
console "put pvmx_multi 2 one" "put pvmx_multi 2 two" "names pvmx_multi" \
	"lookup pvmx_multi 1" "lookup pvmx_multi 7"
expect_match "PvmMboxMultiInstance entries get indices 0 and 1" \
	"^${TAB}index=1 owner=0x[0-9a-f]+/[0-9]+ flags=0x2\$" "$OUT"
expect_match "lookup name index finds the second" '^two$' "$OUT"
expect_match "lookup of a missing index says so" '^lookup: Not Found$' "$OUT"

# --- tickle --------------------------------------------------------------
console "tickle 5" "tickle" "tickle x"
no_notimpl "tickle"
expect_match "tickle 5 (debug mask) prints its results in parentheses" \
	'^\(( -?[0-9]+)+ \)$' "$OUT"
expect_match "tickle without a number says so" '^tickle: wrong #args$' "$OUT"
expect_match "tickle with a non-number says so" '^tickle: bad number "x"$' "$OUT"

# --- reset: kills all tasks but the no-reset ones, clears the mailbox ----
# tasks spawned by a console that has left, and a persistent entry it left;
# a task holding a persistent and a default entry, which reset kills
console "spawn -2 run_sleep 60" "put pvmx_orphan 1 left-behind" \
	"spawn mbox_hold 60 pvmx_held 1 pvmx_held_n 0" "echo end"
expect_match "two run_sleep tasks to reset" '^2 successful$' "$OUT"
for _ in $(seq 1 50); do
	console "names pvmx_held"
	printf '%s\n' "$OUT" | grep -q '^<pvmx_held>:$' && break
	sleep 0.1
done
expect_match "a task holds a persistent entry" '^<pvmx_held>:$' "$OUT"
# another console, still running during the reset: PVM spares consoles,
# and the entries of a no-reset task.  Its input is a fifo we write: it
# has put its entry before the reset (it says so), and is still there
# during it (its input ends after).
BG_OUT=$TEST_TMP/bg_console.out
BG_IN=$TEST_TMP/bg_console.in
mkfifo "$BG_IN"
timeout -k 2 30 "$PVM" <"$BG_IN" >"$BG_OUT" 2>&1 &
BG_PID=$!
EXTRA_PIDS="$EXTRA_PIDS $BG_PID"
exec {bg_in}>"$BG_IN"
printf 'put pvmx_bg 1 kept\necho background console ready\n' >&"$bg_in"
wait_until 10 grep -qx "background console ready" "$BG_OUT" ||
	fail "the background console did not start: $(cat "$BG_OUT")"
console "put pvmx_mine 0 kept" "spawn -> run_sleep 60" reset "names" "echo after reset"
echo "echo background console survived" >&"$bg_in"
exec {bg_in}>&-
no_notimpl "reset"
expect_match "the console that reset goes on" '^after reset$' "$OUT"
expect_match "a -> job of the resetting console ends with its task" '^\[1\] finished$' "$OUT"
for _ in $(seq 1 50); do
	[ -z "$(vm_procs run_sleep)$(vm_procs mbox_hold)" ] && break
	sleep 0.1
done
expect_eq "reset killed every run_sleep task" "" "$(vm_procs run_sleep)"
expect_eq "reset killed the task holding entries" "" "$(vm_procs mbox_hold)"
if printf '%s\n' "$OUT" | grep -qE '^<pvmx_(orphan|b)>:$'; then
	fail "reset left an orphaned persistent entry (pvmx_orphan or pvmx_b)"
else
	pass "reset deleted the orphaned persistent entries"
fi
expect_match "reset kept the resetting console's own entry" '^<pvmx_mine>:$' "$OUT"
# as PVM 3.4.6: the persistent entry of a task reset killed goes when it
# exits (not left ownerless); a no-reset task's entry stays
console names
if printf '%s\n' "$OUT" | grep -qE '^<pvmx_held(_n)?>:$'; then
	fail "the killed task's entries outlived it (pvmx_held, pvmx_held_n)"
else
	pass "the killed task's entries, persistent too, went with it"
fi
expect_match "reset kept the entry of another console (a no-reset task)" '^<pvmx_bg>:$' "$OUT"
wait "$BG_PID"
expect_match "reset spared another console (a no-reset task)" \
	'^background console survived$' "$(cat "$BG_OUT")"

# --- reset info [class [index]]: only ownerless persistent entries -------
console "put pvmx_left 1 x" "put pvmx_left 3 y" "put pvmx_left 3 z"
console "names pvmx_left" "put pvmx_mine2 1 mine" "reset info pvmx_left 1" \
	"names pvmx_left" "reset info" names "echo end"
expect_match "two ownerless entries to clear, at 0 and 1" \
	"^${TAB}index=1 owner=0x0/0 flags=0x3\$" "$OUT"
expect_eq "reset info CLASS INDEX deletes that one; reset info every ownerless one" \
	"1 0" "$(printf '%s\n' "$OUT" | grep -c "^${TAB}index=1 owner=0x0/0") $(
		printf '%s\n' "$OUT" | grep -c '^<pvmx_bg>:$')"
expect_match "reset info leaves a live task's persistent entry" '^<pvmx_mine2>:$' "$OUT"
expect_match "reset info kills nobody: the console goes on" '^end$' "$OUT"
console "reset info a b c" "reset now" "echo end"
expect_match "reset info takes at most a class and an index" '^reset: wrong #args$' "$OUT"
expect_match "reset with another word says so, as PVM" '^"now" arg to reset not valid$' "$OUT"

finish

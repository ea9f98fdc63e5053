#!/usr/bin/env bash
# test_pvmrun_opts.sh - pvmrun's options on one host: bad options and
# values are one line and exit 2; -x, --wdir, PVMX_RANK/PVMX_SIZE, MPMD
# parts with ':', --keep-going, --bind-to and --report-bindings.
source "$PVMX_SRC/tests/integration/lib.sh"

PVMRUN=$BIN/pvmrun

# run ARGS...: pvmrun with a timeout; OUT, ERR, RC
run() {
	tmo 40 "$PVMRUN" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$TEST_TMP/out")
	ERR=$(cat "$TEST_TMP/err")
}

# --- refusals: one line, exit 2, nothing started -----------------------------
for bad in "--bogus true" "-np 0 true" "-np x true" "-n" "--map-by diagonal true" \
	"--bind-to socket true" "--timeout 0 true" "--timeout soon true" "-x 1X true" \
	"-x A-B true" "--wdir /nonexistent/dir true" "--hostfile /nonexistent true" \
	"--host a,,b true" "--host a:0 true" "--host a -H b --hostfile /etc/hostname true" \
	"-np 2 true :" ": true" "-t"; do
	# shellcheck disable=SC2086 # the words are the arguments
	run $bad
	if [ "$RC" = 2 ] && [ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ] && [ -z "$OUT" ]; then
		pass "pvmrun $bad: exit 2, one line: $ERR"
	else
		fail "pvmrun $bad: exit $RC, stderr [$ERR], stdout [$OUT]"
	fi
done
PVMRUN_TIMEOUT=abc run true
expect_eq "PVMRUN_TIMEOUT=abc: exit 2" 2 "$RC"
expect_eq "no daemon was left by the refusals" "" "$(vm_procs pvmd)"

vm_start

# --- ranks, exports, working directory -------------------------------------------
run -np 3 sh -c 'echo "rank $PVMX_RANK of $PVMX_SIZE"'
expect_eq "PVMX_RANK and PVMX_SIZE" "rank 0 of 3 rank 1 of 3 rank 2 of 3" "$(sort <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
export PVMRUN_T_SET=fromhere
run -x PVMRUN_T_VAL="a b=c" -x PVMRUN_T_SET -np 2 sh -c 'echo "[$PVMRUN_T_VAL] [$PVMRUN_T_SET] [${PVMRUN_T_UNSET-unset}]"'
expect_eq "-x VAR=val and -x VAR reach every task" "[a b=c] [fromhere] [unset]
[a b=c] [fromhere] [unset]" "$OUT"
unset PVMRUN_T_SET
mkdir -p "$TEST_TMP/wd"
run --wdir "$TEST_TMP/wd" -np 2 pwd
expect_eq "--wdir: the tasks run there" "$TEST_TMP/wd
$TEST_TMP/wd" "$OUT"
cd "$TEST_TMP" && run --wdir wd --output-dir od -np 1 pwd && cd - >/dev/null
expect_eq "--wdir and --output-dir relative to pvmrun's directory" "$TEST_TMP/wd" "$(cat "$TEST_TMP/od/rank.0.out" 2>&1)"

# --- MPMD ------------------------------------------------------------------------
run -np 2 sh -c 'echo "A $PVMX_RANK/$PVMX_SIZE"' : -n 1 sh -c 'echo "B $PVMX_RANK/$PVMX_SIZE"' : sh -c 'echo "C $PVMX_RANK/$PVMX_SIZE"'
expect_eq "MPMD: ranks numbered across the parts" "A 0/4 A 1/4 B 2/4 C 3/4" "$(sort <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "MPMD: exit 0" 0 "$RC"

# --- the first failure: its status, the others stopped or kept ------------------------
START=$(date +%s)
run -np 3 sh -c 'if [ "$PVMX_RANK" = 1 ]; then exit 7; fi; exec run_sleep 60'
expect_eq "a rank exiting 7: pvmrun exits 7" 7 "$RC"
expect_match "one message names it and says the others stop" '^pvmrun: rank 1 \(t[0-9a-f]+\) on [^ ]+ exited with status 7; stopping the other tasks$' "$ERR"
expect_eq "only that message" 1 "$(grep -c . <<<"$ERR")"
if [ $(($(date +%s) - START)) -le 15 ]; then pass "the others were stopped at once"; else
	fail "the others ran on: $(($(date +%s) - START)) s"
fi
expect_eq "no run_sleep left" "" "$(vm_procs run_sleep)"
run --keep-going -np 3 sh -c 'sleep 0.$PVMX_RANK; echo "done $PVMX_RANK"; exit $PVMX_RANK'
expect_eq "--keep-going: the first failure's status (rank 1's)" 1 "$RC"
expect_eq "--keep-going: every rank finished" 3 "$(grep -c '^done' <<<"$OUT")"
run -np 2 sh -c 'kill -USR1 $$'
expect_eq "a rank killed by SIGUSR1: 128+10" 138 "$RC"

# --- binding (hwloc: launcher/pvmrun_bind.c, docs/topology.md) ----------------------
run --bind-to none --report-bindings -np 2 sleep 1
expect_eq "--bind-to none: exit 0" 0 "$RC"
expect_eq "--report-bindings: a line per rank, not bound" 2 \
	"$(grep -cE '^\[[^]:]+:[01]\] t[0-9a-f]+ not bound$' <<<"$ERR")"
# ranks that end at once are reported too (from the spawn's reply)
run --bind-to none --report-bindings -np 8 true
expect_eq "--report-bindings of 8 ranks of true: a line per rank, not bound" 8 \
	"$(grep -cE '^\[[^]:]+:[0-7]\] t[0-9a-f]+ not bound$' <<<"$ERR")"
run --bind-to core --report-bindings --tag-output -np 2 sh -c 'grep Cpus_allowed_list /proc/self/status; sleep 1'
if [ "$RC" = 2 ] && [ "$ERR" = "pvmrun: --bind-to core: not supported by this build" ]; then
	echo "skip - --bind-to core: this build has no hwloc (pvmrun says so, exit 2)"
else
	expect_eq "--bind-to core: exit 0" 0 "$RC"
	for r in 0 1; do
		want=$(sed -nE "s/^\[[^]:]+:$r\] t[0-9a-f]+ bound to CPUs (.*)$/\1/p" <<<"$ERR")
		got=$(sed -nE "s/^\[$r,t[0-9a-f]+\] Cpus_allowed_list:[[:space:]]*(.*)$/\1/p" <<<"$OUT")
		[ -n "$want" ] && [ "$want" = "$got" ] &&
			pass "rank $r: --report-bindings says CPUs $want, and the task runs on them" ||
			fail "rank $r: reported [$want], the task's Cpus_allowed_list [$got]"
	done
	run --bind-to core --report-bindings -np 2 true
	expect_eq "--report-bindings of 2 bound ranks of true: a line each" 2 \
		"$(grep -cE '^\[[^]:]+:[01]\] t[0-9a-f]+ bound to CPUs [0-9]' <<<"$ERR")"
fi
run --map-by core -np 2 true
expect_eq "--map-by core: exit 0" 0 "$RC"

vm_stop
finish

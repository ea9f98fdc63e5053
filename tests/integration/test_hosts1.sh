#!/usr/bin/env bash
# test_hosts1.sh - pvm_addhosts/pvm_delhosts and the console's add, delete
# and conf on a one-host machine: argument checks, error reporting, and
# PVM 3.4.6's exact output lines.  Until the daemon adds hosts it answers
# PvmNotImpl, and every host's line says "Not implemented"; once it does,
# the same requests must give PVM's per-host errors instead (STATUS_*
# below; hosts1 detects which daemon it talks to).
source "$PVMX_SRC/tests/integration/lib.sh"

PVM=$BIN/pvm
for f in "$PVM" "$PROGS/hosts1"; do
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

vm_start

# --- the library ----------------------------------------------------------
tmo 60 "$PROGS/hosts1" >"$TEST_TMP/hosts1.out" 2>"$TEST_TMP/hosts1.err"
rc=$?
out=$(cat "$TEST_TMP/hosts1.out")
err=$(cat "$TEST_TMP/hosts1.err")
printf '%s\n' "$out" | sed 's/^/    /'
printf '%s\n' "$err" | sed 's/^/    [stderr] /'
expect_eq "hosts1 exits 0" 0 "$rc"
expect_eq "no failed check" "" "$(printf '%s\n' "$out" | grep '^FAIL')"
expect_match "the last check ran" "^ok - still one host" "$out"
tid=$(printf '%s\n' "$out" | sed -n 's/^tid \(t[0-9a-f]*\)$/\1/p')
expect_eq "PvmAutoErr reports pvm_addhosts as PVM does" \
	"libpvm [$tid]: pvm_addhosts(): Bad parameter" "$(printf '%s\n' "$err" | sed -n 1p)"
expect_eq "PvmAutoErr reports pvm_delhosts as PVM does" \
	"libpvm [$tid]: pvm_delhosts(): Bad parameter" "$(printf '%s\n' "$err" | sed -n 2p)"
expect_eq "nothing else on stderr" 2 "$(printf '%s\n' "$err" | grep -c .)"

# What each host's line says.  Before multi-host: PvmNotImpl for the whole
# request, which the console shows on every host's line.  After: PVM
# 3.4.6's per-host answers (an unresolvable name is "No such host", a
# malformed option "Bad parameter", deleting a host not in the machine
# "No such host").
if printf '%s\n' "$out" | grep -qx "daemon adds hosts: no"; then
	STATUS_NOHOST="Not implemented"
	STATUS_BADOPT="Not implemented"
	STATUS_DELNOHOST="Not implemented"
else
	STATUS_NOHOST="No such host"
	STATUS_BADOPT="Bad parameter"
	STATUS_DELNOHOST="No such host"
fi

# --- the console: add and delete ----------------------------------------
console "add" "delete" "echo after"
expect_eq "add without a host: PVM's message" "add: wrong #args" "$(printf '%s\n' "$OUT" | sed -n 1p)"
expect_eq "delete without a host: PVM's message" "delete: wrong #args" \
	"$(printf '%s\n' "$OUT" | sed -n 2p)"
expect_eq "the console goes on" "after" "$(printf '%s\n' "$OUT" | sed -n 3p)"

console "add nosuchhost.invalid 'b.invalid sp=5' \"c.invalid foo=1\""
expected=$(
	echo "0 successful"
	echo "                    HOST     DTID"
	printf '%24s %8s\n' "nosuchhost.invalid" "$STATUS_NOHOST"
	printf '%24s %8s\n' "b.invalid sp=5" "$STATUS_NOHOST"
	printf '%24s %8s\n' "c.invalid foo=1" "$STATUS_BADOPT"
)
expect_eq "add: PVM's lines, one per host as given (options too)" "$expected" "$OUT"
expect_eq "add: the console exits 0" 0 "$RC"

console "delete nosuchhost.invalid b.invalid"
expected=$(
	echo "0 successful"
	echo "                    HOST  STATUS"
	printf '%24s  %8s\n' "nosuchhost.invalid" "$STATUS_DELNOHOST"
	printf '%24s  %8s\n' "b.invalid" "$STATUS_DELNOHOST"
)
expect_eq "delete: PVM's lines, one per host" "$expected" "$OUT"

# a name as long as the column: no padding, one space, the status
long=a-host-name-of-24-chars.
console "add $long"
expect_eq "add: a 24-character name fills its column" \
	"$long $STATUS_NOHOST" "$(printf '%s\n' "$OUT" | sed -n 3p)"

console "help add" "help delete" "help"
expect_match "help add" "^add +Add hosts to virtual machine" "$OUT"
expect_match "help delete" "^delete +Delete hosts from virtual machine" "$OUT"
expect_match "help lists add" "^  add +Add hosts" "$OUT"
expect_match "help lists delete" "^  delete +Delete hosts" "$OUT"

# --- the console: conf -----------------------------------------------------
console "conf"
expect_eq "conf: PVM's header line, singular" "1 host, 1 data format" \
	"$(printf '%s\n' "$OUT" | sed -n 1p)"
expect_eq "conf: PVM's column header" \
	"                    HOST     DTID     ARCH   SPEED       DSIG" \
	"$(printf '%s\n' "$OUT" | sed -n 2p)"
row=$(printf '%s\n' "$OUT" | sed -n 3p)
read -r name dtid arch speed dsig <<<"$row"
expect_eq "conf: the row is PVM's format (%24s %8x %8s%8d 0x%08x)" \
	"$(printf '%24s %8s %8s%8s %s' "$name" "$dtid" "$arch" "$speed" "$dsig")" "$row"
expect_eq "conf: the master's dtid" 40000 "$dtid"
expect_match "conf: dsig in 0x%08x" '^0x[0-9a-f]{8}$' "$dsig"
expect_eq "conf: nothing after the one host" 3 "$(printf '%s\n' "$OUT" | grep -c .)"

kill -0 "$PVMD_PID" 2>/dev/null && pass "daemon still alive" || fail "daemon died"
vm_stop
finish

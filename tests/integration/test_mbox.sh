#!/usr/bin/env bash
# The message mailbox: every put/recvinfo flag one by one, the errors,
# getmboxinfo, insert/lookup/delete, owner exit (normal and kill -9),
# wait-for-info held in the daemon, entries an exited owner left locked
# (as PVM 3.4.6), and the console's `reset info` deleting them.  Real
# daemon, real tasks.
source "$PVMX_SRC/tests/integration/lib.sh"

PVM=$BIN/pvm
# names: the console's listing of every class, one line per class
names() {
	printf '%s\n' "$@" names | tmo 20 "$PVM" 2>&1 | grep -v '^$' | tr '\n\t' '  ' |
		sed 's/ </\n</g; s/ *$//'
}

vm_start
out=$(tmo 60 mbox_t 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/    /'
expect_eq "mbox_t exits 0" 0 "$rc"
expect_eq "no failed check" "" "$(printf '%s\n' "$out" | grep '^FAIL')"
expect_match "the last check ran" "ok - pvm_delete answers the index deleted" "$out"

# what the run left: two persistent entries whose owners exited, locked
got=$(names)
printf '%s\n' "$got" | sed 's/^/    [names] /'
expect_match "the exited helper's persistent entry is left, owner 0" \
	'^<pers>: +index=0 owner=0x0/0 flags=0x1$' "$got"
expect_match "the killed helper's persistent entry is left, owner 0" \
	'^<k_pers>: +index=0 owner=0x0/0 flags=0x1$' "$got"
expect_eq "nothing else is left" 2 "$(printf '%s\n' "$got" | grep -c '^<')"
# reset info CLASS deletes that class's ownerless entries only
got=$(names "reset info k_pers")
expect_match "reset info k_pers keeps pers" '^<pers>:' "$got"
if printf '%s\n' "$got" | grep -q '^<k_pers>:'; then
	fail "reset info k_pers deleted k_pers"
else
	pass "reset info k_pers deleted k_pers"
fi
got=$(names "reset info pers 3" "reset info pers x" "reset bogus")
expect_match "reset info with another index keeps the entry" '^<pers>:' "$got"
expect_match "a bad index is refused" 'reset: bad index "x"' "$got"
expect_match "a bad word is named, as PVM's console does" \
	'"bogus" arg to reset not valid' "$got"
got=$(names "reset info")
expect_eq "reset info clears every ownerless persistent entry" "" "$got"

# the daemon survives requests it must refuse, and keeps answering
out=$(tmo 20 mbox_t 2>&1); rc=$?
expect_eq "a second run against the same daemon, after reset info" 0 "$rc"
[ $rc -eq 0 ] || printf '%s\n' "$out" | grep FAIL | sed 's/^/    /'
got=$(names "reset info" "echo after")
expect_eq "reset info cleared the second run's leftovers" "after" "$got"
kill -0 "$PVMD_PID" 2>/dev/null && pass "daemon still alive" || fail "daemon died"
vm_stop
finish

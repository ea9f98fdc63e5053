#!/usr/bin/env bash
# test_bufinfo.sh - pvm_bufinfo / pvm_getminfo report a message's length
# as PVM 3.4.6 does, for every type and encoding (tests/integration/progs/
# bufinfo_t.c holds the reference numbers).
. "$(dirname "$0")/lib.sh"
vm_start
out=$(tmo 30 "$PROGS/bufinfo_t" 2>&1)
rc=$?
printf '%s\n' "$out"
expect_eq "bufinfo_t exits 0" 0 "$rc"
expect_eq "no failed check" 0 "$(printf '%s\n' "$out" | grep -c '^FAIL')"
expect_eq "all 32 checks ran" 32 "$(printf '%s\n' "$out" | grep -c '^ok')"
finish

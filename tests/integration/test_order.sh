#!/usr/bin/env bash
# test_order.sh - the library's delivery point keeps each sender's
# messages in the order of their pair sequence numbers (frame.h), as it
# must when messages of one pair come by different routes: raw frames
# (progs/pvmd_client.c) with chosen seqs reach a libpvm receiver
# (progs/order_t.c), which takes them in the order delivered.  Also: a
# frame that comes twice is dropped; an unnumbered one (seq 0, as the
# daemons make) is delivered as it comes.
source "$PVMX_SRC/tests/integration/lib.sh"

C="$PROGS/pvmd_client"
vm_start
SOCK=$(sock_path)
LOG=$(log_path)
client() { tmo 20 "$C" -s "$SOCK" "$@" 2>&1; }
has_log() { grep -Eq -- "$1" "$LOG" 2>/dev/null; }

# arrival: 2 1 1 0 4 3 5  ->  delivered: 1 2 (dup dropped) 0 3 4 5
out=$(client "spawn:order_t:1:0::6" "sendseq:@last:7:2:2" "sendseq:@last:7:1:1" \
	"sendseq:@last:7:1:1" "sendseq:@last:7:0:0" "sendseq:@last:7:4:4" \
	"sendseq:@last:7:3:3" "sendseq:@last:7:5:5")
expect_match "the receiver was spawned" "^spawn code=1 tids=0x[0-9a-f]+" "$out"
if wait_until 10 has_log '\] order: '; then
	got=$(grep -Eo '\] order: .*' "$LOG" | head -1 | sed 's/^\] order: //')
	expect_eq "frames delivered in seq order; the duplicate dropped; seq 0 as it came" \
		"1 2 0 3 4 5" "$got"
else
	fail "the receiver printed nothing within 10 s"
fi
# (the receiver's own log line goes to its stderr: the daemon's log)
expect_match "the duplicate is reported" "came twice: dropped" "$(cat "$LOG")"

vm_stop
finish

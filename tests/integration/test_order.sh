#!/usr/bin/env bash
# test_order.sh - the library's delivery point keeps each sender's
# messages in the order of their pair sequence numbers (frame.h), as it
# must when messages of one pair come by different routes: raw frames
# (progs/pvmd_client.c) with chosen seqs reach a libpvm receiver
# (progs/order_t.c), which takes them in the order delivered.  Also: a
# frame that comes twice is dropped; an unnumbered one (seq 0, as the
# daemons make) is delivered as it comes; a frame missing for longer
# than PVMX_GAP_WARN_MS (10 s by default) is reported while the later
# ones wait, and they still come in order once it does.
source "$PVMX_SRC/tests/integration/lib.sh"

# the daemon passes it on to the tasks it spawns
export PVMX_GAP_WARN_MS=300

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

# frame 1 comes 1.5 s after 2 and 3: reported once, then all in order
expect_eq "no gap reported before" 0 "$(grep -c 'has not come for' "$LOG")"
out=$(client "spawn:order_t:1:0::3" "sendseq:@last:7:2:2" "sendseq:@last:7:3:3" \
	"sleep:1500" "sendseq:@last:7:1:1")
expect_match "the second receiver was spawned" "^spawn code=1 tids=0x[0-9a-f]+" "$out"
two_orders() { [ "$(grep -c '\] order: ' "$LOG")" -ge 2 ]; }
if wait_until 10 two_orders; then
	got=$(grep -Eo '\] order: .*' "$LOG" | sed -n 2p | sed 's/^\] order: //')
	expect_eq "the frames held for the late one came after it, in order" "1 2 3" "$got"
else
	fail "the second receiver printed nothing within 10 s"
fi
expect_eq "the late frame is reported once, naming what waits" 1 \
	"$(grep -c 'frame 1 from t[0-9a-f]* has not come for [0-9]* ms; 2 later frames from it wait behind it' "$LOG")"

vm_stop
finish

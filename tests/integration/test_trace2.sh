#!/usr/bin/env bash
# test_trace2.sh - tracing the calls besides send and receive
# (docs/tracing.md, "The events"): pvmtrace runs trace2_t on three hosts
# (psend/precv round a ring, a bcast, a reduce, a gather, a scatter, the
# group queries, a probe and a barrier of a frozen group).  The JSON has
# every psend once with both ends, in order per pair; the bcast as a
# message per member; each collective as one slice on every member's
# track (group, tag, bytes, root) and none of their own messages; the
# HTML page shows them.  PVM 3.4.6's tracer (pvm-dev) records the run.
source "$PVMX_SRC/tests/integration/lib.sh"
source "$PVMX_SRC/tests/integration/trace_lib.sh"

N=3
ROUNDS=3
# the psends, the bcast to the others, one answer per worker
EXPECTED=$((N * ROUNDS + (N - 1) + (N - 1)))

trace_three_hosts

trace_run trace2_t $N $ROUNDS

check=$(python3 - "$J" "$N" "$ROUNDS" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
n, rounds = int(sys.argv[2]), int(sys.argv[3])
ev, msgs, tasks = d["traceEvents"], d["pvmxMessages"], d["pvmxTasks"]
calls = [e for e in ev if e["ph"] == "X"]
tids = sorted(t["tid"] for t in tasks)
print("tasks", len(tasks), "ended", sum(t["ended"] for t in tasks),
      "hosts", len({t["host"] for t in tasks}))
print("messages", len(msgs), "received", sum(m["recv_ts"] is not None for m in msgs))
print("tags", sorted({m["tag"] for m in msgs}))
ps = [m for m in msgs if m["tag"] == 10]
print("psend messages", len(ps), "received", sum(m["recv_ts"] is not None for m in ps),
      "routed", all(m["route"] in ("shm", "fabric", "daemon") for m in ps))
def named(name):
    return [c for c in calls if c["name"] == name]
print("psend calls", len(named("psend")), "precv calls", len(named("precv")))
# per pair, the i-th precv is the i-th psend: sends and receives in order
by, pair_ok = {}, True
for m in ps:
    by.setdefault((m["src"], m["dst"]), []).append(m)
for ms in by.values():
    s = [m["send_ts"] for m in ms]; r = [m["recv_ts"] for m in ms]
    pair_ok &= s == sorted(s) and r == sorted(r) and len(ms) == rounds
# a psend of instance i carries i + 1 ints: its bytes say which it is
psz = sorted({m["bytes"] for m in ps})
print("psend pairs", len(by), "in order", pair_ok, "bytes", psz)
bc = [m for m in msgs if m["tag"] == 11]
print("bcast messages", len(bc), "received", sum(m["recv_ts"] is not None for m in bc),
      "routes", sorted({m["route"] for m in bc}), "sources", len({m["src"] for m in bc}))
print("bcast calls", len(named("bcast")), "group",
      sorted({c["args"].get("name") for c in named("bcast")}))
flows = {}
for e in ev:
    if e["ph"] in "sf":
        flows.setdefault(e["id"], []).append(e["ph"])
print("flows paired", all(sorted(v) == ["f", "s"] for v in flows.values()), len(flows))
# each collective once on every member's track, with its arguments
for name, tag, root in (("reduce", 12, 0), ("gather", 13, 1), ("scatter", 14, 0)):
    cs = named(name)
    print(name, "tracks", sorted(c["tid"] for c in cs) == tids,
          "args", all(c["args"].get("name") == "trace2_g" and c["args"]["tag"] == tag and
                      c["args"]["n"] == 16 and c["args"].get("root") == root for c in cs))
b = named("barrier")
print("barrier tracks", sorted(c["tid"] for c in b) == tids)
for name in ("gsize", "getinst", "gettid"):
    print(name, "tracks", sorted({c["tid"] for c in named(name)}) == tids)
print("gsize answers", sorted({c["args"]["n"] for c in named("gsize")}))
print("probe tracks", len({c["tid"] for c in named("probe")}))
PY
)
printf '%s\n' "$check" | sed 's/^/    [check] /'
expect_match "JSON: $N tasks on 3 hosts, all ended" "^tasks $N ended $N hosts 3$" "$check"
expect_match "JSON: every message once, both ends" "^messages $EXPECTED received $EXPECTED$" "$check"
expect_match "JSON: no collective's own message" "^tags \[3, 10, 11\]$" "$check"
expect_match "JSON: every psend a message with both ends, routed" \
	"^psend messages $((N * ROUNDS)) received $((N * ROUNDS)) routed True$" "$check"
expect_match "JSON: a psend and a precv call per message" \
	"^psend calls $((N * ROUNDS)) precv calls $((N * ROUNDS))$" "$check"
expect_match "JSON: psends in order per pair" "^psend pairs $N in order True bytes \[4, 8, 12\]$" "$check"
expect_match "JSON: the bcast a message per other member" \
	"^bcast messages $((N - 1)) received $((N - 1)) routes \['bcast'\] sources 1$" "$check"
expect_match "JSON: one bcast call, its group" "^bcast calls 1 group \['trace2_g'\]$" "$check"
expect_match "JSON: flows s/f paired per message" "^flows paired True $EXPECTED$" "$check"
for c in reduce gather scatter; do
	expect_match "JSON: $c on every member's track (group, tag, bytes, root)" \
		"^$c tracks True args True$" "$check"
done
expect_match "JSON: the frozen group's barrier on every track" "^barrier tracks True$" "$check"
for c in gsize getinst gettid; do
	expect_match "JSON: $c traced by every member" "^$c tracks True$" "$check"
done
expect_match "JSON: gsize's answer" "^gsize answers \[$N\]$" "$check"
expect_match "JSON: the probes" "^probe tracks $((N - 1))$" "$check"

# --- the page: the new calls, drawn and described ------------------------
grep -q "scatter" "$H" && grep -q '"name":"precv"' "$H" && pass "HTML holds the new calls" ||
	fail "HTML without the new calls"
if [ -z "$CHROMIUM" ]; then
	echo "SKIP part: no chromium (apt-get install chromium) to open the page"
else
	chrome --dump-dom "file://$H" >"$TEST_TMP/dom.html" 2>"$TEST_TMP/chrome.err"
	errs=$(grep -E "CONSOLE|Uncaught" "$TEST_TMP/chrome.err" | head -5)
	expect_eq "browser: the page's script runs without errors" "" "$errs"
	expect_eq "browser DOM: a reduce bar per task" "$N" "$(grep -o 'class="call reduce"' "$TEST_TMP/dom.html" | wc -l)"
	expect_eq "browser DOM: an arrow per message" "$EXPECTED" "$(grep -o 'class="msg"' "$TEST_TMP/dom.html" | wc -l)"
	grep -q "gather by t[0-9a-f]* at [0-9.]* ms, [0-9]* us, tag 13, 16 bytes, root instance 1, trace2_g" "$TEST_TMP/dom.html" &&
		pass "browser DOM: a gather's details (tag, bytes, root, group)" ||
		fail "browser DOM: no gather details: $(grep -o 'gather by[^<]*' "$TEST_TMP/dom.html" | head -1)"
fi

# --- PVM 3.4.6's tracer parses the new records ---------------------------
if [ ! -x "$TRACER" ]; then
	echo "SKIP part: $TRACER missing (Debian's pvm-dev)"
else
	T=$TEST_TMP/tracefile
	pvm346_tracer "$T" $N "spawn -@ -> trace2_t $N $ROUNDS" ||
		fail "tracer did not connect: $(cat "$TEST_TMP/tracer.out")"
	grep -E '^"(psend|precv|bcast|reduce)\(' "$T" | head -8 | sed 's/^/    [tracefile] /'
	counts=$(for k in psend precv bcast reduce gather scatter gsize getinst gettid probe barrier; do
		printf '%s %s %s\n' $k "$(grep -c "^\"$k(0\." "$T")" "$(grep -c "^\"$k(1\." "$T")"
	done)
	printf '%s\n' "$counts" | sed 's/^/    [tracer file] /'
	expect_match "tracer: a psend entry and exit per message" "^psend $((N * ROUNDS)) $((N * ROUNDS))$" "$counts"
	expect_match "tracer: a precv entry and exit per message" "^precv $((N * ROUNDS)) $((N * ROUNDS))$" "$counts"
	expect_match "tracer: the bcast" "^bcast 1 1$" "$counts"
	for c in reduce gather scatter barrier; do
		expect_match "tracer: $c by every member" "^$c $N $N$" "$counts"
	done
	expect_eq "tracer: every task ended" "$N" "$(grep -c '^"endtask' "$T")"
fi
finish

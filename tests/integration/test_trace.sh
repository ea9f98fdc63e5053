#!/usr/bin/env bash
# test_trace.sh - tracing a run (docs/tracing.md): pvmtrace runs
# trace_t on three hosts and writes its timeline: valid JSON holding
# every message once with both ends, in order per pair, events ordered
# per task; a self-contained HTML page; and PVM 3.4.6's own tracer
# (Debian's pvm-dev), run on our library, records a traced run; pvmrun
# --trace and --trace-html write the same.
source "$PVMX_SRC/tests/integration/lib.sh"
source "$PVMX_SRC/tests/integration/trace_lib.sh"

N=3
ROUNDS=4
# mcast of the ring, the token's trips, one done per worker
EXPECTED=$(((N - 1) + ROUNDS * N + (N - 1)))

trace_three_hosts

# --- pvmtrace: JSON and HTML --------------------------------------------
trace_run trace_t $N $ROUNDS

check=$(python3 - "$J" "$N" "$EXPECTED" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
n, expected = int(sys.argv[2]), int(sys.argv[3])
ev, msgs, tasks = d["traceEvents"], d["pvmxMessages"], d["pvmxTasks"]
print("tasks", len(tasks), "ended", sum(t["ended"] for t in tasks))
print("hosts", len({t["host"] for t in tasks}))
print("messages", len(msgs), "received", sum(m["recv_ts"] is not None for m in msgs))
# each host's clock is shifted by an offset measured to within half its
# sync round trip: a receive is after its send within that error
rtt = {h["host"]: h["sync_rtt_us"] for h in d.get("pvmxHosts", [])}
host = {t["tid"]: t["host"] for t in tasks}
def slack(m):
    return (rtt.get(host.get(m["src"]), 0) + rtt.get(host.get(m["dst"]), 0)) / 2
ok = all(m["recv_ts"] is None or m["recv_ts"] + slack(m) >= m["send_ts"] for m in msgs)
print("recv after send", ok)
# in order per pair: per (src, dst, tag) the receives follow the sends
pair_ok = True
by = {}
for m in msgs:
    by.setdefault((m["src"], m["dst"], m["tag"]), []).append(m)
for k, ms in by.items():
    s = [m["send_ts"] for m in ms]; r = [m["recv_ts"] for m in ms]
    pair_ok &= s == sorted(s) and r == sorted(r)
print("order per pair", pair_ok)
tags = sorted(m["tag"] for m in msgs)
print("tags", tags.count(1), tags.count(2), tags.count(3))
flows = [e for e in ev if e["ph"] in "sf"]
ids = {}
for e in flows:
    ids.setdefault(e["id"], []).append(e["ph"])
print("flows paired", all(sorted(v) == ["f", "s"] for v in ids.values()), len(ids))
# slices of each task do not overlap and come in time order
order_ok = True
for t in tasks:
    xs = [e for e in ev if e["ph"] == "X" and e["tid"] == t["tid"]]
    for a, b in zip(xs, xs[1:]):
        order_ok &= b["ts"] >= a["ts"] + a["dur"]
print("events ordered per task", order_ok)
print("barriers", sum(1 for e in ev if e["ph"] == "X" and e["name"] == "barrier"))
# one clock: each host's offset, measured by pvm_hostsync round trips;
# on one machine the clocks are one, so it is within half a round trip
hs = d["pvmxHosts"]
print("clocks", len(hs), all(h["sync_rtt_us"] >= 0 and abs(h["clock_offset_us"]) <= h["sync_rtt_us"] // 2 + 1 for h in hs))
routes = sorted({m["route"] for m in msgs})
print("routes", " ".join(routes))
PY
)
printf '%s\n' "$check" | sed 's/^/    [check] /'
expect_match "JSON: $N tasks, all ended" "^tasks $N ended $N$" "$check"
expect_match "JSON: tasks on 3 hosts" "^hosts 3$" "$check"
expect_match "JSON: every message once, both ends" "^messages $EXPECTED received $EXPECTED$" "$check"
expect_match "JSON: mcast, ring and done messages" "^tags $((N - 1)) $((ROUNDS * N)) $((N - 1))$" "$check"
expect_match "JSON: a receive after its send" "^recv after send True$" "$check"
expect_match "JSON: order per pair" "^order per pair True$" "$check"
expect_match "JSON: flows s/f paired per message" "^flows paired True $EXPECTED$" "$check"
expect_match "JSON: events ordered per task" "^events ordered per task True$" "$check"
expect_match "JSON: a barrier per task" "^barriers $N$" "$check"
expect_match "JSON: each host's clock offset measured (within half a round trip)" "^clocks 3 True$" "$check"

[ -s "$H" ] && pass "HTML written" || fail "HTML missing"
if grep -Eiq "(src|href)[[:space:]]*=[[:space:]]*[\"']?(https?:)?//" "$H"; then
	fail "HTML loads something: $(grep -Eio "(src|href)[^>]{0,60}" "$H" | head -3)"
else
	pass "HTML self-contained (no src/href to the network)"
fi
grep -q '"pvmxMessages"' "$H" && grep -q "<svg" "$H" && pass "HTML holds the data and the diagram" ||
	fail "HTML without data or svg"

# --- the page in a real browser (headless Chromium, when installed) ----
if [ -z "$CHROMIUM" ]; then
	echo "SKIP part: no chromium (apt-get install chromium) to open the page"
else
	chrome --dump-dom "file://$H" >"$TEST_TMP/dom.html" 2>"$TEST_TMP/chrome.err"
	chrome --screenshot="$TEST_TMP/shot.png" "file://$H" >/dev/null 2>>"$TEST_TMP/chrome.err"
	errs=$(grep -E "CONSOLE|Uncaught" "$TEST_TMP/chrome.err" | head -5)
	expect_eq "browser: the page's script runs without errors" "" "$errs"
	expect_eq "browser DOM: one line per task" "$N" "$(grep -o 'class="task"' "$TEST_TMP/dom.html" | wc -l)"
	expect_eq "browser DOM: one arrow per message" "$EXPECTED" "$(grep -o 'class="msg"' "$TEST_TMP/dom.html" | wc -l)"
	# the screenshot: a band of drawn pixels (the task's bars) per task
	bands=$(python3 - "$TEST_TMP/shot.png" <<'PY' 2>&1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
def drawn(line):
    x0, x1 = int(w * 0.2), int(w * 0.95)
    return sum(1 for x in range(x0, x1) if min(line[x * bpp:x * bpp + 3]) < 200) > (x1 - x0) // 4
bands, inside = 0, False
for line in rows:
    d = drawn(line)
    bands += d and not inside
    inside = d
print(bands)
PY
)
	expect_eq "browser screenshot: a drawn band per task" "$N" "$bands"
fi

# --- pvmrun's interface (launcher/pvmrun_trace.h) -----------------------
J2=$TEST_TMP/run2.json
out=$(cd "$TEST_TMP" && tmo 120 "$PROGS/trace_run" run2.json run2.html trace_t $N 2 2>&1)
printf '%s\n' "$out" | sed 's/^/    [trace_run] /'
expect_match "pvmrun_trace_start/finish: the run and the files" "trace_run: ok" "$out"
n2=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["pvmxMessages"]; print(len(m), sum(x["recv_ts"] is not None for x in m))' "$J2" 2>&1)
expect_eq "pvmrun_trace: every message with both ends" "$(((N - 1) + 2 * N + (N - 1))) $(((N - 1) + 2 * N + (N - 1)))" "$n2"
[ -s "$TEST_TMP/run2.html" ] && pass "pvmrun_trace: HTML written" || fail "pvmrun_trace: no HTML"

# --- pvmrun --trace / --trace-html: the same, from the command line -------
out=$(cd "$TEST_TMP" && tmo 120 "$BIN/pvmrun" --trace run3.json --trace-html run3.html trace_t $N 2 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/    [pvmrun] /'
expect_eq "pvmrun --trace: exit 0" 0 "$rc"
expect_match "pvmrun --trace: the run" "trace_t: ok $N tasks 2 rounds" "$out"
n3=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["pvmxMessages"]; print(len(m), sum(x["recv_ts"] is not None for x in m))' "$TEST_TMP/run3.json" 2>&1)
expect_eq "pvmrun --trace: every message with both ends" "$(((N - 1) + 2 * N + (N - 1))) $(((N - 1) + 2 * N + (N - 1)))" "$n3"
[ -s "$TEST_TMP/run3.html" ] && ! grep -qE '(src|href)="?https?:' "$TEST_TMP/run3.html" &&
	pass "pvmrun --trace-html: a self-contained page" || fail "pvmrun --trace-html: no page, or it loads from the network"

# --- PVM 3.4.6's tracer on our library ----------------------------------
if [ ! -x "$TRACER" ]; then
	echo "SKIP part: $TRACER missing (Debian's pvm-dev)"
else
	T=$TEST_TMP/tracefile
	tracer_start "$T" || fail "tracer did not connect: $(cat "$TEST_TMP/tracer.out")"
	# the console's spawn -@: the registered tracer's settings (PvmTaskTrace)
	out=$(printf 'spawn -@ -> trace_t %s %s\nquit\n' $N $ROUNDS | tmo 60 "$BIN/pvm" 2>&1)
	wait_until 30 grep -q "trace_t: ok" "$T" 2>/dev/null || true
	wait_until 30 sh -c "[ \$(grep -c '^\"endtask' '$T') -ge $N ]" || true
	tracer_stop
	sends=$(grep -c '^"send(1\.' "$T" 2>/dev/null)
	recvs=$(grep -Ec '^"(trecv|recv)\(1\.' "$T" 2>/dev/null)
	news=$(grep -Ec '^"(newtask|spntask)' "$T" 2>/dev/null)
	ends=$(grep -c '^"endtask' "$T" 2>/dev/null)
	echo "    [tracer file] $(wc -l <"$T" 2>/dev/null) lines; send exits $sends, receive exits $recvs, tasks $news, ends $ends"
	sed -n '1,12p' "$T" 2>/dev/null | sed 's/^/    [tracefile] /'
	# every message sent (send and mcast entries: source, destination,
	# tag) is received once (receive exits: source, tag at the receiver)
	matched=$(python3 - "$T" <<'PY' 2>&1
import re, sys
tok = re.compile(r'\[\d+\] \{ ([^}]*) \}|"[^"]*"|-?\d+')
sent, got = [], []
for line in open(sys.argv[1]):
    m = re.match(r'^"(\w+)\((\d)\.\d+\)" \{ (.*) \};;$', line.strip())
    if not m:
        continue
    name, ee, body = m.groups()
    v = []
    for t in tok.finditer(body):
        a = t.group(1)
        v.append([int(x) for x in a.split(",")] if a and '"' not in a else t.group(0))
    if name == "send" and ee == "0":    # TS TU TID MNB DST MC MCX
        sent.append((int(v[2]), int(v[4]), int(v[5])))
    elif name == "mcast" and ee == "0": # TS TU TID MNB MDL MC MCX
        sent += [(int(v[2]), d, int(v[5])) for d in v[4]]
    elif name in ("recv", "trecv", "nrecv") and ee == "1" and int(v[3]) > 0:
        got.append((int(v[7]), int(v[2]), int(v[5])))  # SRC, TID, MC
print("sent", len(sent), "received", len(got), "matched", sorted(sent) == sorted(got))
PY
)
	echo "    [tracer file] $matched"
	expect_eq "tracer: every message sent is received once" \
		"sent $EXPECTED received $EXPECTED matched True" "$matched"
	# ring + done sends (the mcast is its own event); a receive for each
	expect_eq "tracer: the sends recorded" $((ROUNDS * N + N - 1)) "$sends"
	expect_eq "tracer: the receives recorded (mcast included)" "$EXPECTED" "$recvs"
	expect_eq "tracer: every task ended" "$N" "$ends"
fi
[ -n "${KEEP_TRACE:-}" ] && cp -r "$TEST_TMP"/tracefile "$TEST_TMP"/run.* "$KEEP_TRACE"/ 2>/dev/null
finish

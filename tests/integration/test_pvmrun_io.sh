#!/usr/bin/env bash
# test_pvmrun_io.sh - pvmrun's output and input: stdout and stderr stay
# apart; heavy output of 4 tasks arrives whole (every line checked);
# (also from two other hosts); --tag-output, --timestamp-output and
# --output-dir; stdin reaches rank 0 byte for byte (also on another
# host) and its end of file too.
source "$PVMX_SRC/tests/integration/lib.sh"

PVMRUN=$BIN/pvmrun
[ -x "$PROGS/run_flood" ] || { echo "FAIL: run_flood not built"; exit 1; }

# run ARGS...: pvmrun with a timeout; OUT and ERR files, RC
run() {
	tmo 50 "$PVMRUN" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null
	RC=$?
}

vm_start

# --- stdout and stderr apart ---------------------------------------------
run -np 2 sh -c 'echo "out $PVMX_RANK"; echo "err $PVMX_RANK" >&2'
expect_eq "two streams: exit 0" 0 "$RC"
expect_eq "stdout has the two out lines only" "out 0 out 1" "$(sort "$TEST_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "stderr has the two err lines only" "err 0 err 1" "$(sort "$TEST_TMP/err" | tr '\n' ' ' | sed 's/ $//')"

# --- heavy output: 4 tasks x 20000 lines (and 2000 each on stderr) ---------
# check FILE PREFIX: every line well formed, its checksum right, each
# rank's lines all there and in order; prints "ranks lines bad"
check() {
	awk -v pre="$2" '
	BEGIN { az = "abcdefghijklmnopqrstuvwxyz" }
	{
		if (pre != "") { if ($1 != pre) { bad++; next } ; $0 = substr($0, length(pre) + 2) }
		r = $1; i = $2; s = ($1 * 1000003 + $2) % 1000000007; p = $4
		if (NF != 4 || length(p) != i % 97 + 1) { bad++; next }
		for (k = 1; k <= length(p); k++) s = (s * 31 + index(az, substr(p, k, 1)) + 96) % 1000000007
		if (s != $3) { bad++; next }
		if (r in last && i <= last[r]) bad++
		last[r] = i; n[r]++
	}
	END { for (r in n) { nr++; tot += n[r] } ; printf "%d %d %d\n", nr, tot, bad + 0 }' "$1"
}
START=$(date +%s)
run -np 4 run_flood 20000
expect_eq "flood: exit 0" 0 "$RC"
expect_eq "flood: 4 ranks x 20000 lines on stdout, none damaged" "4 80000 0" "$(check "$TEST_TMP/out" "")"
expect_eq "flood: 4 ranks x 2000 lines on stderr, none damaged" "4 8000 0" "$(check "$TEST_TMP/err" E)"
echo "    (flood took $(($(date +%s) - START)) s)"

# the same from three hosts of a private machine (lo-rsh loopback hosts)
PVM_RSH=$PVMX_SRC/scripts/lo-rsh run --host 127.0.0.2,127.0.0.3 -np 4 run_flood 20000
expect_eq "flood over two other hosts: exit 0" 0 "$RC"
expect_eq "flood over hosts: 4 x 20000 lines on stdout, none damaged" "4 80000 0" "$(check "$TEST_TMP/out" "")"
expect_eq "flood over hosts: 4 x 2000 lines on stderr, none damaged" "4 8000 0" "$(check "$TEST_TMP/err" E)"
printf 'x\ny\n' | PVM_RSH=$PVMX_SRC/scripts/lo-rsh tmo 30 "$PVMRUN" --host 127.0.0.3,127.0.0.2 -np 2 \
	sh -c '[ "$PVMX_RANK" = 0 ] && { cat; echo "on ${PVM_TMP##*/}"; }; true' >"$TEST_TMP/out" 2>"$TEST_TMP/err"
expect_eq "stdin reaches rank 0 on another host" "x y on lo-127.0.0.3" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"

# --- --tag-output: [rank,tid] on every line, whole lines --------------------
run --tag-output -np 4 run_flood 5000
expect_eq "tagged flood: exit 0" 0 "$RC"
expect_eq "every stdout line is tagged with its own rank" 0 \
	"$(awk '{ t = $1; sub(/^\[/, "", t); sub(/,t[0-9a-f]+\]$/, "", t); if (t != $2) bad++ } END { print bad + 0 }' "$TEST_TMP/out")"
sed -E 's/^\[[0-9]+,t[0-9a-f]+\] //' "$TEST_TMP/out" >"$TEST_TMP/untagged"
expect_eq "tagged flood: all lines whole" "4 20000 0" "$(check "$TEST_TMP/untagged" "")"

# --- --timestamp-output -----------------------------------------------------
run --timestamp-output -t sh -c 'echo hello; echo oops >&2'
expect_match "--timestamp-output: time, then tag" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} \[0,t[0-9a-f]+\] hello$' "$(cat "$TEST_TMP/out")"
expect_match "--timestamp-output on stderr too" '^[0-9-]+T[0-9:.]+ \[0,t[0-9a-f]+\] oops$' "$(cat "$TEST_TMP/err")"

# --- --output-dir -------------------------------------------------------------
run --output-dir "$TEST_TMP/od" -np 3 sh -c 'echo "o$PVMX_RANK"; echo "e$PVMX_RANK" >&2'
expect_eq "--output-dir: exit 0" 0 "$RC"
expect_eq "--output-dir: nothing on pvmrun's stdout" "" "$(cat "$TEST_TMP/out")"
ok=1
for r in 0 1 2; do
	[ "$(cat "$TEST_TMP/od/rank.$r.out" 2>/dev/null)" = "o$r" ] || ok=0
	[ "$(cat "$TEST_TMP/od/rank.$r.err" 2>/dev/null)" = "e$r" ] || ok=0
done
[ $ok = 1 ] && pass "--output-dir: rank.R.out and rank.R.err per rank" ||
	fail "--output-dir files: $(ls -l "$TEST_TMP/od" 2>&1; head "$TEST_TMP/od"/* 2>&1)"

# --- stdin to rank 0 ------------------------------------------------------------
head -c 3000000 /dev/urandom >"$TEST_TMP/in"
tmo 50 "$PVMRUN" -np 3 sh -c '[ "$PVMX_RANK" = 0 ] && cksum || { cat; echo "rank $PVMX_RANK read [$(cat)]"; }' \
	<"$TEST_TMP/in" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
RC=$?
expect_eq "stdin: exit 0 (rank 0 saw its end of file)" 0 "$RC"
expect_match "stdin: rank 0 read all 3 MB as sent" "^$(cksum <"$TEST_TMP/in")$" "$(cat "$TEST_TMP/out")"
expect_eq "stdin: the other ranks read nothing" 2 "$(grep -c 'read \[\]' "$TEST_TMP/out")"
printf 'a\nb\n' | tmo 20 "$PVMRUN" cat >"$TEST_TMP/out" 2>"$TEST_TMP/err"
expect_eq "stdin: a pipe's lines reach rank 0" "a b" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"

vm_stop
finish

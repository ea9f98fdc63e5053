#!/usr/bin/env bash
# test_hosts2.sh - the console's add, conf and delete on a machine that
# really grows: loopback "hosts" started through scripts/lo-rsh.  Every
# line is PVM 3.4.6's: "N successful", the HOST/DTID (HOST/STATUS) table
# with a tid, "Duplicate host", "No such host" or "deleted" per host as
# typed, conf's "N hosts, M data format" and its rows.
source "$PVMX_SRC/tests/integration/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
PVM=$BIN/pvm

# console CMDS...: feeds each argument as one line to a console; sets OUT, RC
console() {
	OUT=$(printf '%s\n' "$@" | tmo 60 "$PVM" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed "s/^/    [pvm] /"
}
# dtid_of HOST: that host's DTID in the last conf output ($OUT)
dtid_of() { printf '%s\n' "$OUT" | awk -v h="$1" 'NR > 2 && $1 == h { print $2 }'; }
# conf_row_ok LINE: the row is exactly "%24s %8x %8s%8d 0x%08x"
conf_row_ok() {
	local name dtid arch speed dsig
	read -r name dtid arch speed dsig <<<"$1"
	[ "$1" == "$(printf '%24s %8s %8s%8s %s' "$name" "$dtid" "$arch" "$speed" "$dsig")" ] &&
		[[ $dtid =~ ^[0-9a-f]+$ ]] && [[ $dsig =~ ^0x[0-9a-f]{8}$ ]]
}

vm_start

# --- add: two new, one already there, one that does not resolve ---------
console "add 127.0.0.2 '127.0.0.3 sp=77' 127.0.0.2 nosuch.invalid"
add_out=$OUT
expect_eq "add: the console exits 0" 0 "$RC"

console "conf"
expect_eq "conf: PVM's header line, plural" "3 hosts, 1 data format" \
	"$(printf '%s\n' "$OUT" | sed -n 1p)"
expect_eq "conf: PVM's column header" \
	"                    HOST     DTID     ARCH   SPEED       DSIG" \
	"$(printf '%s\n' "$OUT" | sed -n 2p)"
for n in 3 4 5; do
	row=$(printf '%s\n' "$OUT" | sed -n ${n}p)
	conf_row_ok "$row" && pass "conf: row $((n - 2)) in PVM's format" ||
		fail "conf: row $((n - 2)) not in PVM's format: [$row]"
done
expect_match "conf: the master first, t40000" "^ +[^ ]+ +40000 " "$(printf '%s\n' "$OUT" | sed -n 3p)"
expect_match "conf: sp=77 of 127.0.0.3" "^ +127\\.0\\.0\\.3 +[0-9a-f]+ +[A-Z0-9_]+ +77 0x" "$OUT"
# without sp=, 1000 per core (docs/topology.md): conf -v shows the cores
cores2=$(printf '%s\n' "conf -v" | tmo 60 "$PVM" 2>&1 | awk '$1 == "127.0.0.2" { print $6 }')
expect_match "conf: 1000 per core ($cores2) when sp= is not given" \
	"^ +127\\.0\\.0\\.2 +[0-9a-f]+ +[A-Z0-9_]+ +$((1000 * ${cores2:-0})) 0x" "$OUT"
d2=$(dtid_of 127.0.0.2)
d3=$(dtid_of 127.0.0.3)
expected=$(
	echo "2 successful"
	echo "                    HOST     DTID"
	printf '%24s %8s\n' "127.0.0.2" "$d2"
	printf '%24s %8s\n' "127.0.0.3 sp=77" "$d3"
	printf '%24s %8s\n' "127.0.0.2" "Duplicate host"
	printf '%24s %8s\n' "nosuch.invalid" "No such host"
)
expect_eq "add: PVM's lines (tids as conf shows them)" "$expected" "$add_out"
[ -n "$d2" ] && [ -n "$d3" ] && [ "$d2" != "$d3" ] && pass "two new daemon tids" ||
	fail "daemon tids [$d2] [$d3]"

# --- a bad option: the host's line says why ------------------------------
console "add '127.0.0.4 foo=1'"
expected=$(
	echo "0 successful"
	echo "                    HOST     DTID"
	printf '%24s %8s\n' "127.0.0.4 foo=1" "Bad parameter"
)
expect_eq "add: an unknown option is Bad parameter" "$expected" "$OUT"

# --- delete: one host, one not in the machine ----------------------------
console "delete 127.0.0.2 127.0.0.9"
expected=$(
	echo "1 successful"
	echo "                    HOST  STATUS"
	printf '%24s  deleted\n' "127.0.0.2"
	printf '%24s  %8s\n' "127.0.0.9" "No such host"
)
expect_eq "delete: PVM's lines" "$expected" "$OUT"

console "conf"
expect_eq "conf after the delete" "2 hosts, 1 data format" "$(printf '%s\n' "$OUT" | sed -n 1p)"
expect_eq "conf: 127.0.0.3 is left, with its tid" "$d3" "$(dtid_of 127.0.0.3)"
expect_eq "conf: 127.0.0.2 is gone" "" "$(dtid_of 127.0.0.2)"

console "halt"
for _ in $(seq 1 50); do
	kill -0 "$PVMD_PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$PVMD_PID" 2>/dev/null && fail "halt: the master still runs" || pass "halt ends the machine"
PVMD_PID=""
finish

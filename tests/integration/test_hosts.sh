#!/usr/bin/env bash
# test_hosts.sh - a virtual machine of several hosts on loopback: each
# "host" is a pvmd of its own, named by an address in 127.0.0.0/8 and
# started through scripts/lo-rsh as the remote shell.  Boot from a host
# file, pvm_addhosts/pvm_delhosts and their errors, work across hosts,
# the TLS port refusing strangers, a killed daemon, a killed master.
. "$(dirname "$0")/lib.sh"

export PVM_RSH=$PVMX_SRC/scripts/lo-rsh
export PVMX_HOST_TIMEOUT_MS=600
MH=$PROGS/mh_t

# pids of the daemons of this test: the master and those below TEST_TMP
log_of() { cat "$TEST_TMP/lo-$1/pvmx-$(id -u)/pvmd.$PVM_VMID.log" 2>/dev/null; }
# wait_gone PID SECONDS: 0 once the process is gone
wait_gone() {
	local i
	for i in $(seq 1 $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

printf '# two hosts at boot, one remembered for later\n127.0.0.2\n127.0.0.3 sp=2000\n* sp=1500\n&127.0.0.4\n' >"$TEST_TMP/hosts"
vm_start -d 2 "$TEST_TMP/hosts"
for _ in $(seq 1 50); do
	[ "$(tmo 10 "$MH" conf | head -1)" = "conf 3" ] && break
	sleep 0.1
done
out=$(tmo 10 "$MH" conf)
expect_match "host file: the master and two hosts" "conf 3" "$out"
expect_match "host file: 127.0.0.2 is t80000" "host 80000 127.0.0.2 " "$out"
expect_match "host file: 127.0.0.3 is tc0000" "host c0000 127.0.0.3 " "$out"
out=$(echo conf | tmo 10 "$BIN/pvm")
expect_match "console conf: sp=2000 of 127.0.0.3" "127.0.0.3 +c0000 +[A-Z0-9]+ +2000 " "$out"
p2=$(daemon_pid 127.0.0.2)
[ -n "$p2" ] && pass "127.0.0.2's pvmd runs (pid $p2)" || fail "no pvmd for 127.0.0.2"

# --- across hosts ----------------------------------------------------------
out=$(tmo 60 "$MH" xhost 2>&1)
printf '%s\n' "$out"
FAILS=$((FAILS + $(printf '%s\n' "$out" | grep -c '^FAIL')))
printf '%s\n' "$out" | grep -q '^ok - every one' || fail "xhost did not finish"

# --- pvm_addhosts / pvm_delhosts -------------------------------------------
out=$(tmo 30 "$MH" add 127.0.0.4 127.0.0.2 no.such.host.invalid "127.0.0.5 dx=/nonexistent/pvmd")
expect_eq "addhosts: new, duplicate, unknown name, daemon that cannot start" \
	"add 1 100000 -1c -6 -1d" "$out"
out=$(tmo 10 "$MH" conf)
expect_match "the added host is in the table" "host 100000 127.0.0.4 " "$out"
out=$(echo conf | tmo 10 "$BIN/pvm")
expect_match "the added host has the options of its '&' line (* sp=1500)" "127.0.0.4 +100000 +[A-Z0-9]+ +1500 " "$out"
out=$(tmo 30 "$MH" del 127.0.0.4 127.0.0.9)
expect_eq "delhosts: a host, one not in the VM" "del 1 0 -6" "$out"
# no_daemon HOST: that host's pvmd has exited
no_daemon() { [ -z "$(daemon_pid "$1")" ]; }
wait_until 5 no_daemon 127.0.0.4 && pass "the deleted host's pvmd is gone" ||
	fail "pvmd of 127.0.0.4 still runs 5 s after delhosts"
out=$(tmo 30 "$MH" addwatch 127.0.0.4)
expect_match "re-added host: a fresh index, never the old one; PvmHostAdd notify" \
	"^ok - PvmHostAdd notify for 127.0.0.4: count 1, t1[4-9a-f]0000 " "$out"

out=$(printf 'add 127.0.0.6\nconf\ndelete 127.0.0.6\n' | tmo 30 "$BIN/pvm")
expect_match "console add: PVM's success lines" "1 successful" "$out"
expect_match "console add: the host and its new dtid" " +127\.0\.0\.6 +1[c-f]0000" "$out"
expect_match "console conf: 5 hosts after the add" "^5 hosts, 1 data format" "$out"
expect_match "console delete: PVM's lines" "127\.0\.0\.6 +deleted" "$out"
wait_until 5 no_daemon 127.0.0.6 || fail "pvmd of 127.0.0.6 still runs 5 s after delete"

# --- strangers on a daemon port ---------------------------------------------
port=$(sed -n 's/.*127\.0\.0\.2 port \([0-9]*\)) added.*/\1/p' "$(log_path)" | head -1)
if [ -n "$port" ]; then
	# plaintext and garbage: refused at the TLS handshake
	(exec 3<>"/dev/tcp/127.0.0.2/$port" && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && timeout 2 cat <&3 >/dev/null) 2>/dev/null
	(exec 3<>"/dev/tcp/127.0.0.2/$port" && head -c 4096 /dev/urandom >&3 && timeout 2 cat <&3 >/dev/null) 2>/dev/null
	# a TLS 1.3 client with a certificate that is not of the VM's CA
	# (openssl: Debian package openssl, in scripts/install-deps.sh)
	command -v openssl >/dev/null || fail "no openssl command for the wrong-key client (Debian package openssl)"
	openssl req -x509 -newkey ed25519 -nodes -subj "/CN=pvmx t40000" -days 1 \
		-keyout "$TEST_TMP/stranger.key" -out "$TEST_TMP/stranger.crt" >/dev/null 2>&1
	echo x | timeout 5 openssl s_client -connect "127.0.0.2:$port" -tls1_3 \
		-cert "$TEST_TMP/stranger.crt" -key "$TEST_TMP/stranger.key" \
		-ciphersuites TLS_AES_128_GCM_SHA256 >/dev/null 2>&1
	# the daemon logs each refusal once it has handled it: wait for all three
	refusals() { log_of 127.0.0.2 | grep -c 'TLS handshake or authentication failed'; }
	logged() { [ "$(refusals)" -ge 3 ] && log_of 127.0.0.2 | grep -q 'certificate verify failed'; }
	wait_until 5 logged
	n=$(refusals)
	[ "$n" -ge 3 ] && pass "plaintext, garbage and a wrong key are refused and logged ($n)" ||
		fail "expected 3 refusals in 127.0.0.2's log, found $n"
	log_of 127.0.0.2 | grep -q 'certificate verify failed' && pass "the wrong key is named in the log" ||
		fail "no certificate failure line in 127.0.0.2's log"
	out=$(tmo 10 "$MH" conf)
	expect_match "the VM is unchanged after the strangers" "conf 4" "$out"
else
	fail "no port of 127.0.0.2 in the master's log"
fi

# --- a started daemon the master never reaches ends by itself ------------
mkdir -m 700 "$TEST_TMP/lo-orphan"
# (a credential for t80000 from a CA of link_forge's own: no master has it)
line=$({ printf 'pvmx-boot 2\n'; "$PROGS/link_forge" creds 0x80000; printf 'vmid %s\ntid 524288\nmaster 262144\nbind 127.0.0.9\nend\n' "$PVM_VMID"; } |
	PVM_TMP=$TEST_TMP/lo-orphan PVMX_BOOT_TIMEOUT=1 tmo 10 "$BIN/pvmd" -s)
expect_match "pvmd -s answers its port on stdout" "^pvmx-slave 1 port=[0-9]+ arch=[A-Z0-9]+ dsig=0x" "$line"
po=$(daemon_pid orphan)
if [ -n "$po" ] && wait_gone "$po" 5; then
	pass "with no master linking up within PVMX_BOOT_TIMEOUT, it halts (pid $po)"
else
	fail "the orphan pvmd -s still runs (pid ${po:-none found})"
fi
log_of orphan | grep -q "did not link up within 1 s" && pass "and says why" || fail "no reason in the orphan's log"
line=$(printf 'pvmx-boot 2\ncert 12\nend\n' | PVM_TMP=$TEST_TMP/lo-orphan tmo 10 "$BIN/pvmd" -s)
expect_match "bad boot lines: pvmx-slave-error" "^pvmx-slave-error " "$line"

# --- a host dies -------------------------------------------------------------
p3=$(daemon_pid 127.0.0.3)
coproc WATCH { tmo 20 "$MH" watch 127.0.0.3 2>&1; }
watch_pid=$WATCH_PID
EXTRA_PIDS="$EXTRA_PIDS $watch_pid"
read -r -t 10 line <&"${WATCH[0]}"
printf '%s\n' "$line"
read -r -t 10 line <&"${WATCH[0]}"
if [ "$line" = ready ] && [ -n "$p3" ]; then
	kill -KILL "$p3"
	echo go >&"${WATCH[1]}"
	out=$(timeout 15 cat <&"${WATCH[0]}")
	printf '%s\n' "$out"
	FAILS=$((FAILS + $(printf '%s\n' "$out" | grep -c '^FAIL')))
	printf '%s\n' "$out" | grep -q 'PvmTaskExit for' || fail "watch did not report"
else
	fail "watch not ready ($line) or no pvmd for 127.0.0.3"
fi
out=$(tmo 10 "$MH" conf)
expect_match "the dead host is gone from the table" "conf 3" "$out"
out=$(tmo 30 "$PROGS/mh_t" xhost 2>&1 | grep -c '^FAIL')
expect_eq "the rest of the VM keeps working (xhost on 3 hosts)" 0 "$out"

# --- a host that stops answering: a request waiting on it fails ---------
p4=$(daemon_pid 127.0.0.4)
dtid4=$(tmo 10 "$MH" conf | sed -n 's/^host \([0-9a-f]*\) 127\.0\.0\.4 .*/\1/p')
if [ -n "$p4" ] && [ -n "$dtid4" ]; then
	# Both requests must be waiting on the frozen daemon when it is declared
	# dead (3 heartbeats, 0.6 s, after it froze): the two tasks join first
	# and ask the moment their stdin, one fifo, is closed, right after the
	# freeze, rather than a process start-up later.
	go=$TEST_TMP/go
	mkfifo "$go"
	tmo 10 "$MH" spawnon 127.0.0.4 wait <"$go" >"$TEST_TMP/spawnon" &
	spawn_pid=$!
	tmo 10 "$MH" tasksof "$dtid4" wait <"$go" >"$TEST_TMP/tasksof" &
	tasks_pid=$!
	exec {go_fd}>"$go"
	both_ready() { grep -sqx ready "$TEST_TMP/spawnon" && grep -sqx ready "$TEST_TMP/tasksof"; }
	wait_until 10 both_ready || fail "spawnon and tasksof did not join the machine"
	kill -STOP "$p4"
	exec {go_fd}>&-
	wait "$tasks_pid"
	expect_eq "pvm_tasks on a host whose daemon froze: PvmHostFail once it is declared dead" \
		"tasksof -22" "$(tail -1 "$TEST_TMP/tasksof")"
	wait "$spawn_pid"
	expect_eq "a spawn waiting on that host: PvmHostFail for its instance" \
		"spawnon 0 -22" "$(tail -1 "$TEST_TMP/spawnon")"
	kill -KILL "$p4"
	kill -CONT "$p4" 2>/dev/null
	out=$(tmo 10 "$MH" conf | head -1)
	expect_eq "the frozen host is gone from the table" "conf 2" "$out"
else
	fail "no pvmd or dtid for 127.0.0.4"
fi

# --- the master dies: the others end --------------------------------------
p2=$(daemon_pid 127.0.0.2)
kill -KILL "$PVMD_PID"
wait "$PVMD_PID" 2>/dev/null
PVMD_PID=""
if wait_gone "$p2" 5; then
	pass "with the master killed, the other daemon ends (pid $p2)"
else
	fail "daemons still run 5 s after the master was killed"
fi
log_of 127.0.0.2 | grep -q 'lost the link to the master' && pass "and say why in their logs" ||
	fail "no 'lost the link to the master' in 127.0.0.2's log"
finish

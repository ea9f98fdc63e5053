#!/usr/bin/env bash
# pvmd on its own, spoken to in the raw protocol (progs/pvmd_client.c,
# progs/pvmd_badframe.c): queries, spawn and its errors, output to the log
# and to a task, notify (order after output), queued messages, kill,
# malformed frames (only that connection closes), stale socket, a second
# daemon refused, SIGTERM, halt, and a peer of another uid.
source "$PVMX_SRC/tests/integration/lib.sh"

C="$PROGS/pvmd_client"
SOCK=$(sock_path)
LOG=$(log_path)

# client ARGS...: one bounded client session, stdout and stderr together
client() { tmo 20 "$C" -s "$SOCK" "$@" 2>&1; }
# wait_log REGEX: up to 5 s for a line in the daemon's log
wait_log() {
	for _ in $(seq 1 50); do
		grep -Eq -- "$1" "$LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# gone PID: the process no longer exists (or is a zombie nobody reaped yet)
gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$st" ] || [ "${st:0:1}" = Z ]
}
wait_gone() {
	for _ in $(seq 1 50); do
		gone "$1" && return 0
		sleep 0.1
	done
	return 1
}

vm_start -d 2
pass "pvmd starts and creates its socket"
[ -s "$TEST_TMP/pvmd.out" ] && fail "pvmd printed on start: $(cat "$TEST_TMP/pvmd.out")" ||
	pass "pvmd prints nothing on success"

# --- queries -----------------------------------------------------------
out=$(client config)
expect_match "register: fresh tid, no parent, daemon tid, siblings = self" \
	"reg code=0 tid=0x4[0-9a-f]{4} parent=-23 host=0x40000 dsig=0x[0-9a-f]+ max=[0-9]+ siblings=0x4" "$out"
arch=$(printf '%s\n' "$out" | sed -n 's/.*host=0x40000,[^,]*,\([^,]*\),.*/\1/p')
# (the speed is 1000 per core of this host: test_topo.sh checks the value)
expect_match "config: one host t40000, our name, arch, speed 1000 x cores" \
	"config code=0 narch=1 nhost=1 host=0x40000,$(hostname),[A-Z0-9]+,[1-9][0-9]*000,0x" "$out"
[ "$(uname -m)" = x86_64 ] && expect_eq "arch on x86_64" LINUX64 "$arch"

out=$(client tasks tasks:0x40000 tasks:0x80000 tasks:5 tasks:0x4fff0 tasks:@self)
expect_match "tasks: lists the caller, connected (flag 4)" "task tid=0x4[0-9a-f]+ ptid=-0x17 host=0x40000 flag=4 name=pvmd_client pid=[0-9]+" "$out"
expect_eq "tasks: where = this daemon, another host, malformed, unknown tid, self" \
	"0 0 -6 -2 -31 0" "$(printf '%s\n' "$out" | sed -n 's/^tasks code=\(-*[0-9]*\).*/\1/p' | xargs)"

out=$(client mstat:. mstat:localhost "mstat:$(hostname)" mstat:127.0.0.1 mstat:no.such.host \
	pstat:@self pstat:0x40000 pstat:0x4fff0 pstat:5 kill:0x4fff0 kill:5 kill:0x40000)
expect_eq "mstat ., localhost, hostname, 127.0.0.1, unknown; pstat self, daemon, unknown, bad; kill unknown, bad, daemon" \
	"0 0 0 0 -6 0 0 -31 -2 -31 -2 -2" "$(printf '%s\n' "$out" | sed -n 's/^status code=//p' | xargs)"

# --- spawn ---------------------------------------------------------------
out=$(client "spawn:no_such_program_pvmx:3:0:" "spawn:/nonexistent/prog:1:0:" "spawn:$TEST_TMP:1:0:")
expect_match "spawn of a missing program: PvmNoFile per instance" "spawn code=-7 tids=-7,-7,-7" "$out"
expect_match "spawn of a missing path / a directory: PvmNoFile" \
	"spawn code=-7 tids=-7.*spawn code=-7 tids=-7" "$(printf '%s ' $out)"

printf '#!/bin/sh\nexit 0\n' >"$TEST_TMP/noexec.sh"
chmod 0644 "$TEST_TMP/noexec.sh"
out=$(client "spawn:$TEST_TMP/noexec.sh:1:0:")
expect_match "spawn of a file without x permission: PvmNoFile" "spawn code=-7 tids=-7" "$out"

out=$(client "spawn:true:1:1:no.such.host" "spawn:true:1:1:." "spawn:true:1:1:localhost" \
	"spawn:true:1:1:$(hostname)" "spawn:true:1:2:$arch" "spawn:true:1:2:SUN4" \
	"spawn:true:1:33:." "spawn:true:2:12:")
expect_eq "placement: other host, ., localhost, hostname, our arch, other arch, HostCompl of us, debug|trace" \
	"-6 1 1 1 1 -6 -6 2" "$(printf '%s\n' "$out" | sed -n 's/^spawn code=\(-*[0-9]*\).*/\1/p' | xargs)"

# task_gone TID: the daemon no longer lists TID (it noticed the exit)
task_gone() { client "tasks:$1" | grep -q "tasks code=-31 n=0"; }
out=$(client "spawn:true:1:0:")
expect_match "spawn of true: one tid" "spawn code=1 tids=0x4[0-9a-f]+" "$out"
tid=$(printf '%s\n' "$out" | sed -n 's/^spawn code=1 tids=\(0x[0-9a-f]*\)$/\1/p')
[ -n "$tid" ] && wait_until 10 task_gone "$tid" && pass "its exit is noticed: tasks no longer lists it" ||
	fail "tasks still lists the task of true ($tid) after 10 s"

# --- output ----------------------------------------------------------------
out=$(client "spawn:/bin/sh:1:0::-c:echo hi; echo to-stderr >&2; printf no-newline")
tid=$(printf '%s\n' "$out" | sed -n 's/^spawn code=1 tids=0x\([0-9a-f]*\)$/\1/p')
wait_log "^\[t$tid\] hi$" && pass "output of sh -c 'echo hi' in the log as [t$tid] hi" ||
	fail "no [t$tid] hi in the log"
wait_log "^\[t$tid\] to-stderr$" && pass "stderr in the log too" || fail "no stderr line in the log"
wait_log "^\[t$tid\] no-newline$" && pass "a partial last line is flushed at EOF" ||
	fail "partial line missing"

out=$(client "spawnout:7:/bin/sh:1:0::-c:sleep 0.3; echo out; exit 3" "notify:16:9:@last" \
	"notify:1:10:@last" recvall:3000)
tid=$(printf '%s\n' "$out" | sed -n 's/^spawn code=1 tids=\(0x[0-9a-f]*\)$/\1/p')
dec=$((tid))
seq=$(printf '%s\n' "$out" | sed -n 's/^data src=0x40000 tag=\([0-9]*\) ctx=0 len=[0-9]* dsig=0x[0-9a-f]*: \(.*\)/\1 \2/p' | tr '\n' '|')
expect_eq "output to a task: BEGIN, data, END, then exit notifies (status 3<<8)" \
	"7 int=$dec int=-1|7 int=$dec int=4 bytes=\"out\\n\"|7 int=$dec int=0|9 int=$dec int=768|10 int=$dec|" "$seq"

out=$(client "notify:1:4:0x4fff0" "notify:16:5:0x4fff0" "notify:2:6:0x80000" "notify:3:8:0" recvall:500)
seq=$(printf '%s\n' "$out" | sed -n 's/^data src=0x40000 tag=\([0-9]*\) .*: \(.*\)/\1 \2/p' | tr '\n' '|')
expect_eq "notify on a task/host that does not exist fires at once; HostAdd waits" \
	"4 int=327664|5 int=327664 int=-1|6 int=524288|" "$seq"
# (asked for once the daemon has noticed the exit, by another connection)
out=$(client "spawn:/bin/sh:1:0::-c:exit 5")
tid=$(printf '%s\n' "$out" | sed -n 's/^spawn code=1 tids=\(0x[0-9a-f]*\)$/\1/p')
[ -n "$tid" ] && wait_until 10 task_gone "$tid" || fail "the task of sh -c 'exit 5' ($tid) is still listed after 10 s"
out=$(client "notify:16:11:$tid" recv:3000)
expect_match "a notify that comes after the task exited still carries its status" \
	"tag=11 .*: int=$((tid)) int=1280" "$(printf '%s ' $out)"
out=$(client "notify:0x101:4:@self" "notify:7:4:@self" "notify:1:4:-5")
expect_eq "notify: cancel accepted, bad kind and bad tid refused" "0 -2 -2" \
	"$(printf '%s\n' "$out" | sed -n 's/^status code=//p' | xargs)"

# --- a spawned task claims its tid; messages sent before that wait for it -
out=$(client "spawn:pvmd_client:2:0::recv" "send:@last:5:42,43")
tids=$(printf '%s\n' "$out" | sed -n 's/^spawn code=2 tids=//p')
first=${tids%%,*}
wait_log "^\[t${first#0x}\] data src=0x[0-9a-f]+ tag=5 ctx=0 len=16 dsig=0x[0-9a-f]+: int=42 int=43$" &&
	pass "a message sent before the child connected is delivered after it registers" ||
	fail "queued message not delivered to $first"
wait_log "^\[t${first#0x}\] reg code=0 tid=$first parent=[0-9]+ host=0x40000 .* siblings=$tids out=0x0:0:0" &&
	pass "the child registers with its tid, parent and siblings" || fail "child's register line"
out=$(PVMX_TID=$(($first)) client config)
expect_match "claiming a tid that has connected before is denied" "reg code=-8" "$out"
out=$(PVMX_TID=$((0x4fff0)) client config)
expect_match "claiming a tid that does not exist is denied" "reg code=-8" "$out"

# --- hand-started tasks, leave ---------------------------------------------
out=$(client leave register tasks)
t1=$(printf '%s\n' "$out" | sed -n '1s/^reg code=0 tid=\(0x[0-9a-f]*\).*/\1/p')
t2=$(printf '%s\n' "$out" | sed -n '3s/^reg code=0 tid=\(0x[0-9a-f]*\).*/\1/p')
expect_match "leave, then register again: a new tid" "^status code=0$" "$out"
if [ -n "$t2" ] && [ "$t1" != "$t2" ] && ! printf '%s\n' "$out" | grep -q "task tid=$t1 "; then
	pass "after leave the old tid is gone, the new one listed"
else
	fail "leave/register: t1=$t1 t2=$t2: $out"
fi

tmo 20 "$C" -s "$SOCK" sleep:2000 >"$TEST_TMP/hand.out" 2>&1 &
hand=$!
EXTRA_PIDS="$EXTRA_PIDS $hand"
for _ in $(seq 1 50); do grep -q "^reg " "$TEST_TMP/hand.out" && break; sleep 0.1; done
ht=$(sed -n 's/^reg code=0 tid=\(0x[0-9a-f]*\).*/\1/p' "$TEST_TMP/hand.out")
out=$(client "notify:16:3:$ht" recv:5000)
expect_match "a task started by hand exits when its connection closes (status 0)" \
	"tag=3 .*: int=$(($ht)) int=0$" "$out"
wait "$hand" 2>/dev/null

# --- kill ------------------------------------------------------------------
out=$(client "spawn:sleep:1:0::30" "tasks:@last")
pid=$(printf '%s\n' "$out" | sed -n 's/^task .* name=sleep pid=\([0-9]*\)$/\1/p')
stid=$(printf '%s\n' "$out" | sed -n 's/^spawn code=1 tids=\(0x[0-9a-f]*\)$/\1/p')
expect_match "tasks: a spawned task not (yet) connected has flag 0" "task tid=$stid ptid=0x4[0-9a-f]+ host=0x40000 flag=0 name=sleep pid=$pid" "$out"
out=$(client "kill:$stid")
expect_eq "kill of a spawned task" "status code=0" "$(printf '%s\n' "$out" | tail -1)"
wait_gone "$pid" && pass "killed task's process is gone" || fail "pid $pid still runs"

# --- malformed frames close that connection only ---------------------------
declare -A reason=(
	[garbage]="bad magic" [badmagic]="bad magic" [badversion]="frame version newer than this pvmx's \\(2\\): a newer pvmx build"
	[oldversion]="frame version older than this pvmx's \\(2\\): an older pvmx build"
	[badkind]="unknown frame kind" [oversize]="frame longer than the configured maximum"
	[badproto]="unparsable control payload" [forgedsrc]="data frame with src t"
	[datafirst]="first frame is not a Register \(a data frame\)"
	[notreg]="first frame is not a Register \(control"
)
tmo 20 "$C" -s "$SOCK" sleep:4000 config >"$TEST_TMP/bystander.out" 2>&1 &
by=$!
EXTRA_PIDS="$EXTRA_PIDS $by"
for mode in garbage badmagic badversion oldversion badkind oversize badproto forgedsrc datafirst notreg; do
	before=$(wc -l <"$LOG")
	out=$(tmo 10 "$PROGS/pvmd_badframe" "$SOCK" "$mode" 2>&1)
	expect_eq "$mode: the daemon closes the connection" closed "$out"
	new=$(tail -n +$((before + 1)) "$LOG")
	expect_match "$mode: log names the reason" "conn fd [0-9]+ pid [0-9]+: closing: ${reason[$mode]}" "$new"
	kill -0 "$PVMD_PID" 2>/dev/null || { fail "$mode: pvmd died"; break; }
done
seed=$$
out=$(tmo 60 "$PROGS/pvmd_badframe" "$SOCK" "fuzz:$seed:500" 2>&1)
expect_eq "500 fuzzing connections (seed $seed) run" fuzzed "$out"
kill -0 "$PVMD_PID" 2>/dev/null && pass "pvmd survives the fuzzing" || fail "pvmd died while fuzzed (seed $seed)"
out=$(client config)
expect_match "after every malformed frame, the daemon still answers config" "config code=0" "$out"
wait "$by"
expect_match "a connection open meanwhile is untouched" "config code=0" "$(cat "$TEST_TMP/bystander.out")"

# --- a peer of another uid ---------------------------------------------------
if [ "$(id -u)" -eq 0 ] && id -u 65534 >/dev/null 2>&1; then
	dir=$(dirname "$SOCK")
	chmod 0711 "$TEST_TMP" "$dir"
	chmod 0777 "$SOCK"
	before=$(wc -l <"$LOG")
	out=$(tmo 10 "$PROGS/pvmd_badframe" "$SOCK" otheruid 2>&1)
	chmod 0700 "$dir" "$TEST_TMP"
	expect_eq "peer of uid 65534: connection closed" closed "$out"
	expect_match "peer of another uid: log line" "closing: peer uid 65534 is not the daemon's uid 0" \
		"$(tail -n +$((before + 1)) "$LOG")"
else
	echo "skip - peer of another uid: needs root and uid 65534 (running as $(id -u))"
fi

# --- a second daemon is refused; SIGTERM; a stale socket --------------------
out=$(tmo 10 "$BIN/pvmd" 2>&1); rc=$?
expect_eq "a second pvmd for the same VM exits 2" 2 "$rc"
expect_match "... saying why" "a daemon already runs for this virtual machine \(.*pvmd\.$PVM_VMID\.sock\)" "$out"

out=$(client "spawn:sleep:1:0::100" "spawn:/bin/sh:1:0::-c:trap '' TERM; sleep 100" tasks)
pids=$(printf '%s\n' "$out" | sed -n 's/^task .* name=\(sleep\|sh\) pid=\([0-9]*\)$/\2/p' | xargs)
expect_match "two long tasks running" "^[0-9]+ [0-9]+$" "$pids"
dpid=$PVMD_PID
vm_stop
[ -S "$SOCK" ] && fail "SIGTERM: socket still there" || pass "SIGTERM: pvmd exits and removes its socket"
for p in $pids; do
	wait_gone "$p" && pass "SIGTERM: spawned task pid $p is gone (SIGTERM, then SIGKILL)" ||
		fail "pid $p survives the daemon"
done
grep -q "SIGKILL" "$LOG" && pass "the task ignoring SIGTERM got SIGKILL" || fail "no SIGKILL in the log"

vm_start -d 2
kill -KILL "$PVMD_PID"
wait "$PVMD_PID" 2>/dev/null
PVMD_PID=""
[ -S "$SOCK" ] && pass "kill -9 leaves a stale socket" || fail "no stale socket after kill -9"
# vm_start returns at once here (the stale socket exists): retry until
# the new daemon has replaced it
vm_start -d 2
for _ in $(seq 1 50); do
	out=$(client config)
	printf '%s' "$out" | grep -q "config code=0" && break
	sleep 0.1
done
expect_match "a new pvmd replaces the stale socket and serves" "config code=0" "$out"

# --- halt --------------------------------------------------------------------
# halt_wait: HALT_RC = pvmd's exit status within 5 s (999 if it does not exit)
halt_wait() {
	HALT_RC=999
	for _ in $(seq 1 50); do
		if gone "$PVMD_PID"; then
			wait "$PVMD_PID"
			HALT_RC=$?
			break
		fi
		sleep 0.1
	done
	[ "$HALT_RC" = 999 ] || PVMD_PID=""
}
out=$(client halt)
expect_eq "halt with no tasks is answered before the daemon exits" "status code=0" \
	"$(printf '%s\n' "$out" | tail -1)"
halt_wait
expect_eq "halt with no tasks: pvmd exits 0" 0 "$HALT_RC"
vm_start -d 2
out=$(client "spawn:sleep:1:0::100" tasks:@last halt)
pid=$(printf '%s\n' "$out" | sed -n 's/^task .* name=sleep pid=\([0-9]*\)$/\1/p')
expect_eq "halt is answered" "status code=0" "$(printf '%s\n' "$out" | tail -1)"
halt_wait
expect_eq "halt: pvmd exits 0" 0 "$HALT_RC"
[ -S "$SOCK" ] && fail "halt: socket still there" || pass "halt: socket removed"
wait_gone "$pid" && pass "halt: spawned task killed" || fail "halt: pid $pid survives"
finish

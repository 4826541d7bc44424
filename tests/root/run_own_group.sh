#!/usr/bin/env bash
# run's command is a job of its own: kill(0, SIGKILL) in it kills its own
# process group, not the tracer, which writes the report and passes 137
# through; SIGTERM and SIGHUP sent to pidtrace reach the command and the
# report is still written; on a terminal, ^C goes to the command, ^Z stops
# the job (the shell sees it stopped), fg continues it.
. "$(dirname "$0")/../lib.sh"
need_root

# setsid: without the fix, the kill reaches this script's group too.
setsid -w "$PIDTRACE" run -o "$T/k.txt" -- bash -c 'sleep 100 & sleep 0.2; kill -9 0' 2>"$T/k.err"
rc=$?
[ "$rc" = 137 ] && pass kill_0_in_command_exits_137 || fail kill_0_in_command_exits_137 "exit $rc: $(cat "$T/k.err")"
if grep -q '^command killed by SIGKILL' "$T/k.txt" && grep -q '^2 deaths' "$T/k.txt"; then
	pass kill_0_in_command_report_written
else
	fail kill_0_in_command_report_written "$(cat "$T/k.txt" "$T/k.err")"
fi

setsid -w "$PIDTRACE" run --json -o "$T/k.json" -- bash -c 'sleep 100 & sleep 0.2; kill -9 0' 2>/dev/null
n=$(jq -s '[.[] | select(.event == "death")] | length' "$T/k.json" 2>/dev/null)
[ "$n" = 2 ] && pass kill_0_in_command_json_report_has_both_deaths ||
	fail kill_0_in_command_json_report_has_both_deaths "$n deaths: $(head -c 300 "$T/k.json")"

# A supervisor's SIGTERM, a hangup: forwarded, the report written.
for sig in TERM HUP; do
	"$PIDTRACE" run -o "$T/$sig.txt" -- sleep 100 2>"$T/$sig.err" &
	p=$!
	for i in $(seq 1 100); do pgrep -P "$p" -x sleep >/dev/null && break; sleep 0.05; done
	sleep 0.2
	kill -"$sig" "$p"
	wait "$p"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	if [ "$rc" = "$want" ] && grep -q "SIG$sig" "$T/$sig.txt" && grep -q '^1 death' "$T/$sig.txt"; then
		pass "sig${sig,,}_to_pidtrace_forwarded_and_reported"
	else
		fail "sig${sig,,}_to_pidtrace_forwarded_and_reported" "exit $rc (want $want): $(cat "$T/$sig.txt" "$T/$sig.err")"
	fi
done

# On a terminal, through an interactive shell: ^Z, fg, ^C.
cat >"$T/pt_jobctl.py" <<'EOF_PY'
import os, pty, sys, time, select, signal
pidtrace, out = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
buf = b""
def read_until(pat, t=10):
    global buf
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
        if pat in buf:
            return True
    return False
def say(s):
    os.write(fd, s)
say(b"PS1='$ '; " + pidtrace.encode() + b" run -o " + out.encode() + b" -- sleep 100\n")
time.sleep(1.5)
say(b"\x1a")                                   # ^Z
ok_stop = read_until(b"Stopped")
say(b"jobs -l > " + out.encode() + b".jobs; fg\n")
time.sleep(1.0)
say(b"\x03")                                   # ^C
time.sleep(1.0)
say(b"echo rc=$?\n")                          # fg's status: the job's
ok_rc = read_until(b"rc=130")
say(b"exit\n")
time.sleep(0.3)
try:
    os.kill(pid, signal.SIGKILL)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
print("stopped" if ok_stop else "not-stopped", "rc130" if ok_rc else "no-rc130")
sys.stdout.flush()
open(out + ".tty", "wb").write(buf)
EOF_PY
res=$(timeout 40 python3 "$T/pt_jobctl.py" "$PIDTRACE" "$T/tty.txt")
[[ "$res" == stopped* ]] && pass ctrl_z_stops_the_job || fail ctrl_z_stops_the_job "$res: $(tr -d '\r' <"$T/tty.txt.tty" | tail -5)"
[[ "$res" == *" rc130" ]] && pass ctrl_c_after_fg_ends_command_130 || fail ctrl_c_after_fg_ends_command_130 "$res: $(tr -d '\r' <"$T/tty.txt.tty" | tail -5)"
if grep -q 'SIGINT' "$T/tty.txt" 2>/dev/null && grep -q ' tty ' "$T/tty.txt"; then
	pass ctrl_c_reaches_the_command_from_its_terminal
else
	fail ctrl_c_reaches_the_command_from_its_terminal "$(cat "$T/tty.txt" 2>&1 | head -5)"
fi

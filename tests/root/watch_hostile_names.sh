#!/usr/bin/env bash
# Strings from other processes reach a terminal only escaped: a comm set
# with prctl(PR_SET_NAME, "\e]0;pwn\a\e[2J"), a cgroup and a binary whose
# names hold escape sequences. In plain output (watch, run, show) no ESC or
# BEL byte is printed, the names appear as "\x1b]0;pwn\x07\x1b[2J" (the
# COMM column, the why line, the sender, the cgroup, the user stack, the
# verdict); JSON keeps them exact and parses.
. "$(dirname "$0")/../lib.sh"
need_root

ESC=$(printf '\033')
BEL=$(printf '\a')
RAW="${ESC}]0;pwn${BEL}${ESC}[2J"
SHOWN='\x1b]0;pwn\x07\x1b[2J'
CGNAME="pt-hostile-$$-${ESC}[2J"
CG=/sys/fs/cgroup/unified/$CGNAME
BINDIR="$T/bin${ESC}[31m"
HB="$BINDIR/hostile${ESC}[2J"
mkdir -p "$BINDIR" "$CG" || { fail setup "cannot make $CG or $BINDIR"; exit 1; }
at_exit "cgroup_remove '$CG'"
cp "$PROGS/hostile_name" "$HB"

# clean NAME FILE: no ESC or BEL byte in FILE, and the escaped comm in it.
clean() {
	if LC_ALL=C grep -q "[$ESC$BEL]" "$2"; then
		fail "$1" "raw control bytes: $(LC_ALL=C grep -n "[$ESC$BEL]" "$2" | head -3 | cat -v)"
	elif ! grep -qF "$SHOWN" "$2"; then
		fail "$1" "the escaped comm is not there: $(head -c 400 "$2" | cat -v)"
	else
		pass "$1"
	fi
}

# has NAME FILE LABEL: a line of FILE starting with LABEL holds the escaped comm.
has() {
	if grep -E "^ *$3" "$2" | grep -qF "$SHOWN"; then
		pass "$1"
	else
		fail "$1" "no '$3' line with the escaped comm: $(head -c 600 "$2" | cat -v)"
	fi
}

# A victim in the hostile cgroup, killed by a hostile sender; under watch.
start_victim() {
	rm -f "$T/vout"
	sh -c "echo \$\$ > '$CG/cgroup.procs' && exec '$HB' victim" >"$T/vout" &
	VICTIM=$!
	for i in $(seq 1 500); do grep -q ready "$T/vout" && break; sleep 0.02; done
}

for mode in plain json; do
	args=(--stacks)
	[ "$mode" = json ] && args+=(--json)
	rm -f "$T/w.$mode"
	"$PIDTRACE" watch "${args[@]}" -p $$ -o "$T/w.$mode" 2>"$T/werr" &
	WATCH_PID=$!
	for i in $(seq 1 200); do grep -q tracing "$T/werr" && break; sleep 0.05; done
	start_victim
	"$HB" kill "$VICTIM"
	wait "$VICTIM" 2>/dev/null
	sleep 0.5
	watch_stop
done
clean watch_plain_escapes_every_hostile_string "$T/w.plain"
# The COMM column is the third field of the event line.
if awk '$2 ~ /^[0-9]+$/ && $3 ~ /pwn/' "$T/w.plain" | grep -qF "$SHOWN"; then
	pass watch_comm_column_escaped
else
	fail watch_comm_column_escaped "$(head -3 "$T/w.plain" | cat -v)"
fi
has watch_why_line_escaped "$T/w.plain" why
has watch_victim_line_escaped "$T/w.plain" victim
has watch_sender_line_escaped "$T/w.plain" sender
if grep -F 'pt-hostile' "$T/w.plain" | grep -qF '\x1b[2J'; then
	pass watch_cgroup_escaped
else
	fail watch_cgroup_escaped "$(grep -i cgroup "$T/w.plain" | cat -v)"
fi
if grep -E '^ *(user)? ' "$T/w.plain" | grep -F 'hostile' | grep -qF '\x1b[2J'; then
	pass watch_user_stack_binary_name_escaped
else
	fail watch_user_stack_binary_name_escaped "$(grep -A8 '^ *user' "$T/w.plain" | cat -v)"
fi

d=$(jq -c 'select(.event == "death")' "$T/w.json" 2>/dev/null | head -1)
if [ -n "$d" ] && [ "$(printf '%s' "$d" | jq -r .victim.comm)" = "$RAW" ] &&
	[ "$(printf '%s' "$d" | jq -r .sender.comm)" = "$RAW" ] &&
	[ "$(printf '%s' "$d" | jq -r .victim.cgroup)" = "/$CGNAME" ]; then
	pass watch_json_keeps_hostile_names_exact
else
	fail watch_json_keeps_hostile_names_exact "$(head -c 400 "$T/w.json" | cat -v)"
fi
if jq -e . "$T/w.json" >/dev/null 2>&1 && ! LC_ALL=C grep -q "[$ESC$BEL]" "$T/w.json"; then
	pass watch_json_escapes_control_characters
else
	fail watch_json_escapes_control_characters "$(head -c 400 "$T/w.json" | cat -v)"
fi

# run: the same family inside the traced command.
# The kill waits for the victim's "ready": named, in the group (a fixed
# while may be too short on a loaded machine).
cat >"$T/fam.sh" <<EOS
rm -f '$T/famout'
sh -c "echo \\\$\\\$ > '$CG/cgroup.procs' && exec '$HB' victim" >'$T/famout' &
v=\$!
i=0
while [ \$i -lt 500 ] && ! grep -q ready '$T/famout'; do sleep 0.02; i=\$((i + 1)); done
'$HB' kill \$v
wait \$v
exit 0
EOS
"$PIDTRACE" run -o "$T/r.plain" -- sh "$T/fam.sh" 2>"$T/rerr"
clean run_plain_escapes_every_hostile_string "$T/r.plain"
has run_why_line_escaped "$T/r.plain" why
has run_verdict_escaped "$T/r.plain" '(verdict)? '
has run_lineage_escaped "$T/r.plain" '(reaped|created|verdict)'
"$PIDTRACE" run --json -o "$T/r.json" -- sh "$T/fam.sh" 2>>"$T/rerr"
if jq -e . "$T/r.json" >/dev/null 2>&1 && ! LC_ALL=C grep -q "[$ESC$BEL]" "$T/r.json" &&
	[ "$(jq -r 'select(.event == "death") | .victim.comm' "$T/r.json")" = "$RAW" ]; then
	pass run_json_escapes_and_keeps_names
else
	fail run_json_escapes_and_keeps_names "$(head -c 400 "$T/r.json" | cat -v)"
fi

# An 8-bit name (a lone 0x9b, not UTF-8): escaped in plain text; in JSON
# the line stays valid UTF-8 (U+FFFD for the byte).
HOSTILE_8BIT=1 "$PIDTRACE" run -o "$T/r8.plain" -- sh "$T/fam.sh" 2>/dev/null
HOSTILE_8BIT=1 "$PIDTRACE" run --json -o "$T/r8.json" -- sh "$T/fam.sh" 2>/dev/null
if grep -qF '\x9b2Jpwn' "$T/r8.plain" && ! LC_ALL=C grep -q "$(printf '\233')" "$T/r8.plain"; then
	pass run_plain_escapes_8bit_name
else
	fail run_plain_escapes_8bit_name "$(head -3 "$T/r8.plain" | cat -v)"
fi
if python3 -c '
import json, sys
for l in open(sys.argv[1], "rb"):
    json.loads(l.decode("utf-8"))' "$T/r8.json" 2>/dev/null &&
	[ "$(jq -r 'select(.event == "death") | .victim.comm' "$T/r8.json")" = "$(printf '\357\277\2752Jpwn')" ]; then
	pass run_json_8bit_name_is_valid_utf8
else
	fail run_json_8bit_name_is_valid_utf8 "$(head -c 300 "$T/r8.json" | cat -v)"
fi

# show: an image of the hostile victim (its comm, its exe's path).
start_victim
if "$PIDTRACE" dump --leave-running -t "$VICTIM" -D "$T/img" >"$T/dout" 2>&1; then
	# The restore refuses (the pid is in use): its error line quotes the comm.
	"$PIDTRACE" restore -D "$T/img" >"$T/rsout" 2>"$T/rserr"
	if LC_ALL=C grep -q "[$ESC$BEL]" "$T/rserr" "$T/rsout"; then
		fail restore_error_line_escaped "$(cat -v "$T/rserr")"
	elif grep -qF "$SHOWN" "$T/rserr" "$T/rsout"; then
		pass restore_error_line_escaped
	else
		fail restore_error_line_escaped "the comm is not quoted: $(cat -v "$T/rserr" "$T/rsout" | head -5)"
	fi
	"$PIDTRACE" show -D "$T/img" >"$T/show" 2>&1
	clean show_escapes_comm_and_paths "$T/show"
	if grep -F 'exe ' "$T/show" | grep -qF '\x1b[31m'; then
		pass show_exe_path_escaped
	else
		fail show_exe_path_escaped "$(grep 'exe ' "$T/show" | cat -v)"
	fi
else
	fail show_escapes_comm_and_paths "dump failed: $(cat -v "$T/dout")"
fi
kill -9 "$VICTIM" 2>/dev/null
wait "$VICTIM" 2>/dev/null

# show --json of an 8-bit name: the whole document valid UTF-8 (U+FFFD).
HOSTILE_8BIT=1 start_victim
if "$PIDTRACE" dump --leave-running -t "$VICTIM" -D "$T/img8" >"$T/dout8" 2>&1; then
	"$PIDTRACE" show --json -D "$T/img8" >"$T/show8.json" 2>&1
	if python3 -c '
import json, sys
json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$T/show8.json" 2>/dev/null &&
		[ "$(jq -r '.tasks[0].comm' "$T/show8.json")" = "$(printf '\357\277\2752Jpwn')" ]; then
		pass show_json_8bit_name_is_valid_utf8
	else
		fail show_json_8bit_name_is_valid_utf8 "$(head -c 300 "$T/show8.json" | cat -v)"
	fi
else
	fail show_json_8bit_name_is_valid_utf8 "dump failed: $(cat -v "$T/dout8")"
fi
kill -9 "$VICTIM" 2>/dev/null
wait "$VICTIM" 2>/dev/null
exit 0

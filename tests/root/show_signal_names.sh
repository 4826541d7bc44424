#!/usr/bin/env bash
# show_signal_names: a signal has one name in every command and in JSON:
# show (human and --json) names signal 34 "SIGRTMIN+2", as watch and run
# do (counting from the kernel's first real-time signal, 32; names.h).
. "$(dirname "$0")/../lib.sh"
need_root

# pdeath signal 34 and 34 ignored, kept across exec.
python3 -c "import ctypes, os, signal
ctypes.CDLL(None).prctl(1, 34)
signal.signal(34, signal.SIG_IGN)
os.execvp('sleep', ['sleep', '1000'])" &
P=$!
at_exit "kill_ours 9 $P; wait $P 2>/dev/null"
for _ in $(seq 100); do
	[ "$(readlink /proc/$P/exe 2>/dev/null)" = "$(command -v sleep | xargs readlink -f)" ] && break
	sleep 0.05
done
"$PIDTRACE" dump -t "$P" -D "$T/img" >/dev/null 2>"$T/err" || {
	fail show_signal_names_setup "$(cat "$T/err")"
	exit 1
}
wait "$P" 2>/dev/null

"$PIDTRACE" show -D "$T/img" >"$T/show.txt" 2>"$T/err"
grep -q "pdeath SIGRTMIN+2\$" "$T/show.txt" && pass show_pdeath_name ||
	fail show_pdeath_name "$(grep pdeath "$T/show.txt")"
grep -Eq '^    SIGRTMIN\+2 +SIG_IGN' "$T/show.txt" && pass show_sigaction_name ||
	fail show_sigaction_name "$(grep -E '^    SIG' "$T/show.txt" | tr '\n' '|')"
"$PIDTRACE" show -D "$T/img" --json >"$T/show.json" 2>"$T/err"
names=$(jq -r '[.. | objects | select(has("name")) | .name | select(startswith("SIG"))] | join(",")' "$T/show.json")
case ",$names," in
*,SIGRTMIN+2,*) pass show_json_sigaction_name ;;
*) fail show_json_sigaction_name "names: $names" ;;
esac

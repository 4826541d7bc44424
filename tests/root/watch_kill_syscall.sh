#!/usr/bin/env bash
# A separate process SIGKILLs a sleeping victim through each kill syscall:
# pidtrace watch names the class kill-syscall, the sender, its syscall and
# the si_code, and the victim's exit.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

# prog name_in_test victim_comm sender_comm syscall si_code
check() {
	local prog=$1 n=$2 vcomm=$3 scomm=$4 sys=$5 code=$6 d
	watch_start -c "$vcomm" || { fail "kill_by_${n}_watch_starts" "see stderr"; return; }
	scen "$prog" || { watch_stop; return; }
	settle_and_stop
	d=$(death_of "$victim")
	one_record "kill_by_${n}_reports_one_death" "$d" "victim $victim" || return
	expect "kill_by_${n}_is_kill_syscall" "$d" .cause kill-syscall
	expect "kill_by_${n}_signal_is_sigkill" "$d" .signo 9
	expect "kill_by_${n}_names_sender" "$d" .sender.pid "$sender"
	expect "kill_by_${n}_names_sender_comm" "$d" .sender.comm "$scomm"
	expect "kill_by_${n}_sender_is_user" "$d" .sender_kind user
	expect "kill_by_${n}_names_syscall" "$d" .syscall "$sys"
	expect "kill_by_${n}_si_code_is_${code}" "$d" .si_code "$code"
	expect "kill_by_${n}_victim_comm" "$d" .victim.comm "$vcomm"
	expect "kill_by_${n}_victim_exit_is_sigkill" "$d" .exit.signal SIGKILL
	rm -f "$T/watch.json"
}

check kill_kill kill sc-kill-v sc-kill-s kill SI_USER
check kill_tgkill tgkill sc-tgkill-v sc-tgkill-s tgkill SI_TKILL
check kill_pidfd pidfd_send_signal sc-pidfd-v sc-pidfd-s pidfd_send_signal SI_USER
check kill_sigqueue sigqueue sc-sigqueue-v sc-sigqueue-s rt_sigqueueinfo SI_QUEUE

#!/usr/bin/env bash
# cr_tcp_fwpass: the firewall pass for replayed segments (tcp_fwpass.h) on
# a rule set of the user's own: a table with a big set (listed tersely,
# the elements never; nft never waits on pidtrace), a base chain at the
# output hook that drops every TCP segment (the replay from a raw socket
# goes out that way too: the pass covers output and postrouting as well
# as prerouting and input), rules "pidtrace-replay PID" left by a
# pidtrace that is gone (removed by the next pass and by restore
# --unlock-only) and by one that is alive (left alone). Afterwards the
# user's rules and set are as they were, none of ours is left. In a
# network namespace of its own.
if [ -z "${CR_TCP_FWPASS_NETNS:-}" ]; then
	CR_TCP_FWPASS_NETNS=1 exec unshare -n "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
if ! command -v iptables >/dev/null || ! command -v nft >/dev/null; then
	skip fwpass "no iptables or nft"
	exit 0
fi

ip link set lo up
# 60000 elements: a listing with them is megabytes.
{
	echo 'table inet usr {'
	echo ' set big { type ipv4_addr; elements = {'
	for a in $(seq 1 235); do for b in $(seq 0 254); do echo "10.9.$a.$b,"; done; done
	echo ' 10.8.0.1 } }'
	echo ' chain out { type filter hook output priority 0; policy accept; }'
	echo '}'
} | nft -f -
# A rule of a pidtrace that died (no such pid) and one of a living one (this shell).
dead='ip daddr 192.0.2.1 accept comment "pidtrace-replay 99999999"'
nft add rule inet usr out "$dead"
nft add rule inet usr out "ip daddr 192.0.2.2 accept comment \"pidtrace-replay $$\""
ours() { nft -a list chain inet usr out | grep -o 'pidtrace-replay [0-9]*' | sort | tr '\n' ' '; }
elements() { nft -j list set inet usr big | jq '.nftables[1].set.elem | length'; }

if ! cr_start fwpass zdtm_tcplastack; then
	fail fwpass_start "the program did not start"
else
	# From now on the program's segments go nowhere, and the replayed ones would not either.
	nft add rule inet usr out meta l4proto tcp drop
	before=$(nft list chain inet usr out | grep -v pidtrace-replay)
	if cr_dump; then
		pass fwpass_dump
		same fwpass_stale_removed "$(ours)" "pidtrace-replay $$ "
		if cr_restore; then
			pass fwpass_restore
			same fwpass_chain_after "$(nft list chain inet usr out | grep -v pidtrace-replay)" \
				"$before"
			same fwpass_only_living "$(ours)" "pidtrace-replay $$ "
			same fwpass_set_kept "$(elements)" 59926
			# The program's own FIN goes out again for its end to close.
			nft flush chain inet usr out
			cr_finish
			if [ "$CR_RC" = 0 ] && wait_for 30 grep -q '^PASS' "$CR_DIR/log"; then
				pass fwpass_verify
			else
				fail fwpass_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
			fi
		else
			fail fwpass_restore "$(jr '.error // empty') $(tail -n 2 "$CR_DIR/restore.err")"
		fi
	else
		fail fwpass_dump "$(tail -n 2 "$CR_DIR/dump.err")"
	fi
	# restore --unlock-only removes a dead run's rules too.
	nft add rule inet usr out "$dead"
	nft add rule inet usr out "ip daddr 192.0.2.2 accept comment \"pidtrace-replay $$\""
	out=$("$PIDTRACE" restore -D "$CR_DIR/img" --unlock-only 2>&1)
	case $out in
	*'1 nftables rule(s) "pidtrace-replay" of a restore that is gone removed'*)
		pass fwpass_unlock_only ;;
	*) fail fwpass_unlock_only "$out" ;;
	esac
	same fwpass_unlock_only_living "$(ours)" "pidtrace-replay $$ "
fi
cr_cleanup
nft flush chain inet usr out

# The rules cannot be removed after the replay: the restore fails in one
# line and is rolled back; its rules, left, go at the next
# restore --unlock-only.
if ! cr_start closefault zdtm_tcplastack; then
	fail closefault_start "the program did not start"
elif ! nft add rule inet usr out meta l4proto tcp drop || ! cr_dump; then
	fail closefault_dump "$(tail -n 2 "$CR_DIR/dump.err")"
else
	if PIDTRACE_FAULT=fwpass-close cr_restore; then
		fail closefault_restore "the restore succeeded"
	else
		case $(jr '.error // empty') in
		*'firewall pass: the nftables rules "pidtrace-replay '*'" added for the replay could not be removed: Input/output error'*)
			pass closefault_restore ;;
		*) fail closefault_restore "$(jr '.error // empty')" ;;
		esac
	fi
	# Left (2 connections, 2 chains), they admit the replayed segments only.
	same closefault_left "$(nft list ruleset | grep -cE 'ip saddr 127\.0\.0\.1 ip daddr 127\.0\.0\.1 tcp sport [0-9]+ tcp dport [0-9]+ meta mark 0x70747263 accept comment "pidtrace-replay [0-9]+"')" 4
	same closefault_left_only "$(nft list ruleset | grep -c pidtrace-replay)" 4
	"$PIDTRACE" restore -D "$CR_DIR/img" --unlock-only >/dev/null 2>&1
	same closefault_cleaned "$(nft -a list ruleset | grep -c pidtrace-replay)" 0
fi
cr_cleanup
nft delete table inet usr

# The table made again while the way is open (restore paused at the end
# of the pass): its rules, whatever their handles, are the user's, and
# stay; ours in the other tables go.
if ! cr_start remade zdtm_tcplastack; then
	fail remade_start "the program did not start"
elif ! nft add table inet usr || ! nft add chain inet usr out '{ type filter hook output priority 0; }' ||
	! nft add rule inet usr out meta l4proto tcp drop || ! cr_dump; then
	fail remade_dump "$(tail -n 2 "$CR_DIR/dump.err")"
else
	(PIDTRACE_TEST_PAUSE=fwpass-close cr_restore) &
	paused=$!
	rpid=
	stopped() {
		rpid=$(nft list ruleset | sed -n 's/.*"pidtrace-replay \([0-9]*\)".*/\1/p' | head -n 1)
		[ -n "$rpid" ] && grep -q '^State:.*T' "/proc/$rpid/status" 2>/dev/null
	}
	if wait_for 20 stopped; then
		nft delete table inet usr
		nft add table inet usr
		nft add chain inet usr out '{ type filter hook output priority 0; }'
		for i in $(seq 1 12); do nft add rule inet usr out ip daddr 192.0.2.$i accept; done
		kill -CONT "$rpid"
		wait "$paused"
		same remade_user_rules "$(nft list chain inet usr out | grep -c 'ip daddr 192\.0\.2\.')" 12
		same remade_ours_gone "$(nft list ruleset | grep -c pidtrace-replay)" 0
	else
		fail remade_paused "the restore did not pause in the pass"
		wait "$paused"
	fi
fi
cr_cleanup
nft delete table inet usr 2>/dev/null

#!/usr/bin/env bash
# cr_tcp_lastack: a connection in LAST_ACK whose peer's ACK a firewall rule
# of the program's own drops (zdtm socket-tcp-closed-last-ack;
# tests/progs/zdtm_tcplastack). Restore makes it again by replaying the
# peer's FIN from a raw socket, which the same rule drops: the replay
# passes through nftables for a moment (tcp_fwpass.h), and the firewall
# is as it was afterwards. Restored, the end is still in LAST_ACK, the
# client closed; with the rule deleted both read the end of the stream,
# cannot write, and the LAST_ACK end closes. In a network namespace of
# its own (the rule), and a mount namespace (a failing nft put in place).
if [ -z "${CR_TCP_LASTACK_NETNS:-}" ]; then
	CR_TCP_LASTACK_NETNS=1 exec unshare -n -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
if ! command -v iptables >/dev/null; then
	skip lastack "no iptables"
	exit 0
fi

ip link set lo up
rules() { iptables -w -S INPUT; }

if ! cr_start lastack zdtm_tcplastack; then
	fail lastack_start "the program did not start"
else
	before=$(rules)
	if cr_dump; then
		pass lastack_dump
		same lastack_rules_after_dump "$(rules)" "$before"
		cr_show_has lastack_show '[.tasks[].fds[].inet | select(.tcp) | .state] | sort ==
			["closed", "last-ack"]'
		if cr_restore; then
			pass lastack_restore
			same lastack_rules_after_restore "$(rules)" "$before"
			same lastack_no_pass_rule "$(nft -a list ruleset | grep -c pidtrace-replay)" 0
			cr_finish
			if [ "$CR_RC" = 0 ] && wait_for 30 grep -q '^PASS' "$CR_DIR/log"; then
				pass lastack_verify
			else
				fail lastack_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
			fi
		else
			fail lastack_restore "$(jr '.error // empty') $(tail -n 2 "$CR_DIR/restore.err")"
		fi
	else
		fail lastack_dump "$(tail -n 2 "$CR_DIR/dump.err")"
	fi
fi
cr_cleanup

# nft fails to open the way (an nft that refuses every change, bound over
# the real one in this mount namespace): the refusal says nft's own line,
# escaped (before: a guess, "an iptables-legacy rule, no nft?", and nft's
# line in the debug log only). Before the legacy case: its table stays.
NFT=$(command -v nft)
if [ -n "$NFT" ] && cp "$NFT" "$T/nft.real"; then
	cat >"$T/nft.fake" <<EOF
#!/bin/sh
case " \$* " in *" -e "*) printf 'Error: Could not process rule: \\033[31mno way\\n' >&2; exit 1;; esac
exec $T/nft.real "\$@"
EOF
	chmod +x "$T/nft.fake"
	if mount --bind "$T/nft.fake" "$NFT" && cr_start nftfails zdtm_tcplastack; then
		cr_refused nftfails "pid $CR_PID fd [0-9]+: TCP connection 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:[0-9]+ \\(last-ack\\), where no segment from its peer's address arrives \\(the way through nftables could not be opened: nft: Operation not permitted: Error: Could not process rule: \\\\x1b\\[31mno way\\), is not supported: restore replays the peer's FIN or ACK that way"
		if grep -q $'\e' "$CR_DIR/dump.err"; then fail nftfails_escaped "$(cat -v "$CR_DIR/dump.err")"; else pass nftfails_escaped; fi
	else
		fail nftfails_start "the fake nft or the program did not start"
	fi
	cr_cleanup
	umount "$NFT" 2>/dev/null
else
	skip nftfails "no nft"
fi

# The same rule in iptables-legacy, whose chains nftables cannot pass:
# refused in one line, the program and its rule untouched.
if command -v iptables-legacy >/dev/null; then
	if cr_start legacy zdtm_tcplastack iptables-legacy; then
		cr_refused legacy "pid $CR_PID fd [0-9]+: TCP connection 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:[0-9]+ \\(last-ack\\), where no segment from its peer's address arrives \\(the way through nftables could not be opened: an iptables-legacy table is in the namespace\\), is not supported: restore replays the peer's FIN or ACK that way"
	else
		fail legacy_start "the program did not start"
	fi
	cr_cleanup
else
	skip legacy "no iptables-legacy"
fi

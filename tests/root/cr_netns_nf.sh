#!/usr/bin/env bash
# cr_netns_nf: a tree in a net namespace it made itself, with firewall
# rules and conntrack entries (zdtm socket-tcp-ipt-nfconntrack;
# tests/progs/zdtm_netnf): an established TCP connection over lo that
# only its conntrack entry lets through (iptables-legacy "--state
# ESTABLISHED" then DROP; a mangle rule marking the connection). Dump
# reads the iptables-legacy tables (IPv4 and IPv6, a default one too) and the conntrack entries, makes them in
# its rehearsal namespace and compares (netns_xt.c, netns_ct.c); restore
# makes them again before the first task. Restored: the connection
# carries data both ways, a new one is dropped, and `iptables-legacy-save
# -c`, `ip6tables-legacy-save -c` and the conntrack table (but its
# timeouts) in the made namespace are what they were; the same with
# nftables ("ct state established", `nft list ruleset` loaded again with
# its counters and the same handles). Refused in one line, the tree left
# running: a NAT binding, a "-m limit" rule (its tokens are the
# kernel's), a nftables set element that expires, a rule handle a
# deletion left (the rehearsal's would be another).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
for t in iptables-legacy ip6tables-legacy iptables-legacy-save ip6tables-legacy-save; do
	if ! command -v "$t" >/dev/null; then
		skip netns_nf "no $t"
		exit 0
	fi
done

PRE="pid [0-9]+ is in a net namespace \(net:\[[0-9]+\]\) other than pidtrace's: "
# The firewall and conntrack table of the namespace of pid $1 (counters
# kept, conntrack's timeouts and ids left out).
fw() {
	nsenter -t "$1" -n iptables-legacy-save -c | grep -v '^#'
	nsenter -t "$1" -n ip6tables-legacy-save -c | grep -v '^#'
	if command -v nft >/dev/null; then nsenter -t "$1" -n nft -a list ruleset; fi
	if nsenter -t "$1" -n test -r /proc/net/nf_conntrack; then
		nsenter -t "$1" -n cat /proc/net/nf_conntrack |
			awk '{ $5 = ""; print }' | sed 's/ use=[0-9]*//' | sort
	fi
}

# trip MODE XT CT: the program dumped and restored; XT the tables show
# lists ([family, name], sorted), CT the conntrack entries.
trip() {
	local m=$1 before after
	if ! cr_start "$m" zdtm_netnf "$m"; then
		fail "${m}_start" "the program did not start"
		return
	fi
	# ipt: arptables' filter table instantiated, left at its default
	# (ARPT_SO_GET_INFO): not made again, nothing of the tree sees it.
	if [ "$m" = ipt ] && ! nsenter -t "$CR_PID" -n python3 -c '
import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
buf = ctypes.create_string_buffer(b"filter", 68)
n = ctypes.c_uint(68)
exit(libc.getsockopt(s.fileno(), 0, 96, buf, ctypes.byref(n)))'; then
		fail "${m}_arptables" "ARPT_SO_GET_INFO failed"
	fi
	before=$(fw "$CR_PID")
	if ! grep -q ESTABLISHED <<<"$before"; then
		fail "${m}_setup" "no conntrack entry: $before"
	elif ! cr_dump; then
		fail "${m}_dump" "$(tail -n 3 "$CR_DIR/dump.err")"
	else
		pass "${m}_dump"
		cr_show_has "${m}_show_xt" ".netns_made.xt | map([.family, .name]) | sort == $2"
		cr_show_has "${m}_show_ct" ".netns_made.ct == $3"
		bad_images "$m"
		if cr_restore; then
			pass "${m}_restore"
			after=$(fw "$CR_PID")
			# Counters move with the restored sockets' first segments
			# (the kernel's window probe as repair mode ends): the rules
			# the same, each counter at least what it was (made again,
			# not from zero: the program sent far more than those).
			same "${m}_firewall_same" "$(blank <<<"$after")" "$(blank <<<"$before")"
			if paste -d' ' <(counts <<<"$before") <(counts <<<"$after") |
				awk 'NF != 2 || $2 < $1 || $2 > $1 + 10 { bad = 1 } END { exit bad }'; then
				pass "${m}_counters"
			else
				fail "${m}_counters" "before: $(counts <<<"$before" | tr '\n' ' '), after: $(counts <<<"$after" | tr '\n' ' ')"
			fi
			cr_finish
			if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
				pass "${m}_connection"
			else
				fail "${m}_connection" "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
			fi
		else
			fail "${m}_restore" "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
		fi
	fi
	cr_cleanup
}
# bad_images MODE: restores of a damaged copy of the image, each failing
# in one line and rolled back. ipt: a match the kernel cannot load
# ("conntrack", which -m state is, renamed in the entries); nft: a rule the image's lines do not have (the
# ruleset text edited): the verification names it.
bad_images() {
	local bad=$T/bad err rc
	image_copy "$CR_DIR/img" "$bad"
	if [ "$1" = ipt ]; then
		python3 - "$bad/inventory.img" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
i = b.index(b"conntrack\0")
open(p, "wb").write(b[:i] + b"conntrbck" + b[i + 9:])
PY
		image_edit reframe "$bad/inventory.img" >/dev/null
		"$PIDTRACE" restore -D "$bad" >/dev/null 2>"$CR_DIR/bad.err" </dev/null
		rc=$?
		if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/bad.err")" = 1 ] &&
			grep -q "^pidtrace: restore: check: making the tree's net namespace again: iptables table filter: setting its rules (IPT_SO_SET_REPLACE): No such file or directory (a match or target the kernel cannot load? it uses: .*conntrbck" "$CR_DIR/bad.err"; then
			pass "${1}_unknown_match"
		else
			fail "${1}_unknown_match" "exit $rc: $(cat "$CR_DIR/bad.err")"
		fi
	else
		image_set "$bad" inventory.img netns_made.nft_ruleset \
			"$(image_edit get "$bad/inventory.img" netns_made.nft_ruleset | sed 's/counter packets \([0-9]*\) bytes \([0-9]*\) drop/counter packets \1 bytes \2 accept/')"
		"$PIDTRACE" restore -D "$bad" --json >"$CR_DIR/bad.json" 2>"$CR_DIR/bad.err" </dev/null
		rc=$?
		err=$(jq -r '.error // empty' "$CR_DIR/bad.json")
		if [ "$rc" = 1 ] && [[ "$err" =~ ^verify:\ the\ net\ namespace\ made\ again\ (has|lacks)\ \"nftables\ ruleset\ line\ [0-9]+:\ counter\ packets\ -\ bytes\ -\ (accept|drop) ]]; then
			pass "${1}_verify_catches"
		else
			fail "${1}_verify_catches" "exit $rc: $err $(cat "$CR_DIR/bad.err")"
		fi
		# An include (nft would read a file of this machine): not loaded.
		image_copy "$CR_DIR/img" "$bad"
		image_set "$bad" inventory.img netns_made.nft_ruleset \
			"$(printf 'flush ruleset\n  include "/etc/hostname"\n')"
		"$PIDTRACE" restore -D "$bad" >/dev/null 2>"$CR_DIR/bad.err" </dev/null
		rc=$?
		if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/bad.err")" = 1 ] &&
			grep -q "^pidtrace: restore: check: making the tree's net namespace again: the image's nftables ruleset has an include, which nft list ruleset never writes: not loaded$" "$CR_DIR/bad.err"; then
			pass "${1}_include_refused"
		else
			fail "${1}_include_refused" "exit $rc: $(cat "$CR_DIR/bad.err")"
		fi
	fi
}

# The packet counts of the listings (iptables-save's [P:B], nft's "packets P").
counts() { grep -oE '\[[0-9]+:|packets [0-9]+' | tr -dc '0-9\n'; }
blank() { sed -E 's/\[[0-9]+:[0-9]+\]/[-]/g; s/packets [0-9]+ bytes [0-9]+/packets - bytes -/g'; }

trip ipt '[[2, "filter"], [2, "mangle"], [2, "raw"], [10, "filter"]]' 1
if command -v nft >/dev/null; then
	trip nft '[]' 1
else
	skip nft "no nft"
fi

if cr_start nat zdtm_netnf nat; then
	cr_refused nat "${PRE}it has conntrack entry proto 6 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.2:[0-9]+: status 0x[0-9a-f]+ \(NAT, a helper, an expectation, offload\.\.\.\), which restore cannot give it, not supported"
else
	fail nat_start "the program did not start"
fi
cr_cleanup
if cr_start limit zdtm_netnf limit; then
	cr_refused limit "${PRE}it has iptables table filter: \"limit\", whose state the kernel keeps apart from the rules \(it would come back reset\), not supported"
else
	fail limit_start "the program did not start"
fi
cr_cleanup
# nftables: a set element that expires; a handle a deletion left (nft
# gives the next one to a ruleset loaded again: the rehearsal differs).
if command -v nft >/dev/null; then
	if cr_start expires zdtm_netnf nft &&
		nsenter -t "$CR_PID" -n nft -f - <<<'add table inet t
add set inet t s { type ipv4_addr; flags timeout; }
add element inet t s { 10.0.0.1 timeout 1h }'; then
		cr_refused expires "${PRE}it has nftables ruleset: a set element that expires \(its timeout would start again\), which restore would not make the same, not supported"
	else
		fail expires_start "the program did not start"
	fi
	cr_cleanup
	if cr_start gap zdtm_netnf nft &&
		nsenter -t "$CR_PID" -n nft -f - <<<'add table inet g
add chain inet g c
add rule inet g c counter accept
add rule inet g c drop' &&
		nsenter -t "$CR_PID" -n nft delete rule inet g c handle 2; then
		cr_refused gap "${PRE}it has \"nftables ruleset line [0-9]+: drop # handle 3\", which a namespace made again from the image would not: not supported"
	else
		fail gap_start "the program did not start"
	fi
	cr_cleanup
fi

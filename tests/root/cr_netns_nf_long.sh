#!/usr/bin/env bash
# cr_netns_nf_long: a nftables rule line longer than a state line can
# show (a rule with an anonymous set of 400 addresses, ~5 KiB in `nft -a
# list ruleset`) whose handle a deletion left: the " # handle N" at the
# end of the line is what the rehearsal's differs in. The state line is
# the line's head and tail and a hash of it whole (netns_nft.c), so the
# dump is refused naming it; it was cut at 4 KiB (escape__str()'s ring,
# and 1 KiB for a line with counters) and compared equal, the handle lost.
# A named limit object (its tokens are the kernel's, as for "limit rate",
# which was refused; "limit NAME { rate ... }" and 'limit name "NAME"' in a
# rule were not): refused too. (The chain before the object: nft -f makes
# them so, the handles are the same and the rehearsal sees no difference.)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root
if ! command -v nft >/dev/null; then
	skip nf_long "no nft"
	exit 0
fi
PRE="pid [0-9]+ is in a net namespace \(net:\[[0-9]+\]\) other than pidtrace's: "
ips=$(python3 -c 'print(", ".join("10.%d.%d.1" % (i // 250, i % 250) for i in range(400)))')
if cr_start long zdtm_netnf nft &&
	nsenter -t "$CR_PID" -n nft -f - <<<"add table inet g
add chain inet g c
add rule inet g c counter accept
add rule inet g c ip saddr { $ips } counter drop" &&
	nsenter -t "$CR_PID" -n nft delete rule inet g c handle 2; then
	cr_refused long "${PRE}it has \"nftables ruleset line [0-9]+: ip saddr \{ 10\.0\.0\.1, .*\.\.\. .* counter packets - bytes - drop # handle 4 \([0-9]+ bytes, hash [0-9a-f]{16}\)\", which a namespace made again from the image would not: not supported"
else
	fail long_start "the program did not start"
fi
cr_cleanup
if cr_start named_limit zdtm_netnf nft &&
	nsenter -t "$CR_PID" -n nft -f - <<<'add table inet l
add chain inet l c
add limit inet l lim1 { rate 10/second }
add rule inet l c limit name "lim1" accept'; then
	cr_refused named_limit "${PRE}it has nftables ruleset: a named limit \\(its tokens are the kernel's\\), which restore would not make the same, not supported"
else
	fail named_limit_start "the program did not start"
fi
cr_cleanup
# Conntrack accounting (on for a rule that reads it: -m connbytes, nft's
# "ct bytes"): an entry's packet and byte counts are state CT_NEW cannot
# give (made again, they start from zero, and the connbytes rule sees
# another connection): refused, as NAT is. The entry was made again with
# its counts left out and the dump said OK.
if cr_start acct zdtm_netnf ipt &&
	nsenter -t "$CR_PID" -n iptables-legacy -w -A OUTPUT -p udp -m connbytes --connbytes 3: \
		--connbytes-dir original --connbytes-mode packets -j DROP &&
	nsenter -t "$CR_PID" -n bash -c 'echo x >/dev/udp/127.0.0.1/9'; then
	cr_refused acct "${PRE}it has conntrack entry proto 17 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:9: 1 packets and 30 bytes counted \(accounting on\), which restore cannot give it, not supported"
else
	fail acct_start "the program did not start"
fi
cr_cleanup

#!/usr/bin/env bash
# cr_netns_made: a tree in a net namespace it made itself (zdtm_tunns, as
# CRIU's tun_ns: unshare, lo up, tun/tap devices with addresses, a
# multi-queue device with a detached queue, a persistent one without fd,
# a TCP listener; it reads the IPv6 packets the kernel sends through its
# up devices before it is ready). Dump records the namespace and refuses what restore
# would not make the same (dump_netmade.c); restore makes it again before
# the first task (restore_netmade.c) and hands the queues to the fds
# (kind_tun.c); the program finds every device, flag, queue, MAC, MTU and
# address again, and the restore's verification compares the namespace
# made with the image (an image whose links disagree with its lines fails
# it, rolled back). Refused in one line, the tree left running: a
# sysctl changed, a route added, a link of another kind (veth), an
# iptables-legacy quota rule, a nftables limit, a packet queued on a tun device
# for its reader, a tun queue held outside the tree and the namespace
# (found without touching the device), a process outside the tree in
# the namespace, the namespace mounted; --join-ns net for such an image;
# a tun queue of pidtrace's own namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

same() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi; }
ino() { stat -L -c %i "$1" 2>/dev/null; }
PRE="pid [0-9]+ is in a net namespace \(net:\[[0-9]+\]\) other than pidtrace's: "

if ! cr_start trip zdtm_tunns trip; then
	fail trip_start "the program did not start"
elif ! DUMPED=$(ino "/proc/$CR_PID/ns/net") || ! cr_dump; then
	fail trip_dump "$(tail -n 3 "$CR_DIR/dump.err")"
else
	pass trip_dump
	q='[.tasks[0].fds[] | select(.type == "tun") | .tun'
	cr_show_has trip_show_tun "$q | [.dev, .detached]] == [[null, null], [\"tunx0\", false], [\"tunx1\", false], [\"tunx1\", true], [\"tapx0\", false]]"
	cr_show_has trip_show_netns '.netns_made.links | map([.name, .queues, .disabled, .persist]) == [["lo", null, null, null], ["tunx0", 1, 0, false], ["tunx1", 1, 1, false], ["tunx2", 0, 0, true], ["tapx0", 1, 0, false]]'
	cr_show_has trip_show_lines '.netns_made.state | any(startswith("addr tapx0 10.77.1.1/24 "))'
	"$PIDTRACE" restore -D "$CR_DIR/img" --join-ns net:/proc/self/ns/net >"$CR_DIR/r.out" 2>"$CR_DIR/r.err" </dev/null
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/r.err")" = 1 ] &&
		grep -q "^pidtrace: restore: check: the image's tree was in a net namespace of its own (net:\[$DUMPED\]), which restore makes again: --join-ns net does not apply" "$CR_DIR/r.err"; then
		pass trip_join_refused
	else
		fail trip_join_refused "exit $rc: $(cat "$CR_DIR/r.err")"
	fi
	# An image whose links say another MTU than its lines (a restore that
	# would make the namespace wrong): the verification names the
	# difference, the restore is rolled back.
	BAD=$T/bad
	image_copy "$CR_DIR/img" "$BAD"
	if same trip_bad_link "$(image_edit get "$BAD/inventory.img" netns_made.links.4.name)" tapx0 &&
		image_set "$BAD" inventory.img netns_made.links.4.mtu 1300; then
		"$PIDTRACE" restore -D "$BAD" --json >"$CR_DIR/bad.json" 2>"$CR_DIR/bad.err" </dev/null
		rc=$?
		err=$(jq -r '.error // empty' "$CR_DIR/bad.json")
		if [ "$rc" = 1 ] && [[ "$err" =~ ^verify:\ the\ net\ namespace\ made\ again\ (has|lacks)\ \" ]] &&
			cr_gone "$CR_PID"; then
			pass trip_verify_catches
		else
			fail trip_verify_catches "exit $rc: $err $(cat "$CR_DIR/bad.err")"
		fi
	fi
	# An image line with terminal escapes (a line read back from the
	# image): the verification's refusal prints it escaped.
	image_copy "$CR_DIR/img" "$BAD"
	if image_set "$BAD" inventory.img netns_made.state.0 $'\e]0;pwn\a\e[2Jsysctl net/x = 1'; then
		"$PIDTRACE" restore -D "$BAD" >/dev/null 2>"$CR_DIR/bad.err" </dev/null
		rc=$?
		if [ "$rc" = 1 ] && ! grep -q $'\e' "$CR_DIR/bad.err" &&
			grep -qF 'verify: the net namespace made again lacks "\x1b]0;pwn\x07\x1b[2Jsysctl net/x = 1", which the image has' "$CR_DIR/bad.err"; then
			pass trip_verify_escaped
		else
			fail trip_verify_escaped "exit $rc: $(cat -v "$CR_DIR/bad.err")"
		fi
	else
		fail trip_verify_escaped "image_edit failed"
	fi
	# A link the image says is of a kind restore does not make: refused
	# at the check step, before anything is made.
	image_copy "$CR_DIR/img" "$BAD"
	if image_set "$BAD" inventory.img netns_made.links.4.kind veth; then
		"$PIDTRACE" restore -D "$BAD" >/dev/null 2>"$CR_DIR/bad.err" </dev/null
		rc=$?
		if [ "$rc" = 1 ] && [ "$(wc -l <"$CR_DIR/bad.err")" = 1 ] &&
			grep -q "^pidtrace: restore: check: the image's net namespace: link 4 (tapx0, kind veth) is not one restore can make$" "$CR_DIR/bad.err"; then
			pass trip_bad_kind
		else
			fail trip_bad_kind "exit $rc: $(cat "$CR_DIR/bad.err")"
		fi
	else
		fail trip_bad_kind "image_edit failed"
	fi
	if cr_restore; then
		pass trip_restore
		NOW=$(ino "/proc/$(jr '.host_pids[0]')/ns/net")
		# Not pidtrace's (the dumped one is gone: its inode number may
		# come back for the new one).
		if [ -n "$NOW" ] && [ "$NOW" != "$(ino /proc/self/ns/net)" ]; then
			pass trip_new_netns
		else
			fail trip_new_netns "net:[$NOW], pidtrace's net:[$(ino /proc/self/ns/net)]"
		fi
		# The namespace's lines were compared (hundreds of sysctls among them).
		if [ "$(jr '.verified.misc')" -gt 500 ]; then
			pass trip_verified
		else
			fail trip_verified "verified: $(jr -c '.verified')"
		fi
		cr_finish
		if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
			pass trip_verify
		else
			fail trip_verify "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log")"
		fi
	else
		fail trip_restore "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
	fi
fi
cr_cleanup

# refuse NAME PATTERN MODE [SETUP...]: the program in MODE, SETUP run in
# its namespace (skipped when the tool is missing here), then refused.
refuse() {
	local name=$1 pat=$2 mode=$3
	shift 3
	if ! cr_start "$name" zdtm_tunns "$mode"; then
		fail "${name}_start" "the program did not start"
		return
	fi
	if [ $# -gt 0 ] && ! nsenter -t "$CR_PID" -n "$@" >"$CR_DIR/setup.out" 2>&1; then
		skip "$name" "$* failed here: $(head -c 200 "$CR_DIR/setup.out")"
		cr_cleanup
		return
	fi
	cr_refused "$name" "$PRE$pat"
	cr_cleanup
}

refuse sysctl 'it has "sysctl net/ipv4/[^"]* = [0-9]+", which a namespace made again from the image would not: not supported' sysctl
refuse route 'it has "route inet table=254 10.99.0.0/16 type=1 proto=3 [^"]*", which a namespace made again from the image would not: not supported' route
refuse veth 'it has link v[01] \(veth\): restore makes it again with lo and tun/tap devices only, not supported' plain ip link add v0 type veth peer name v1
# iptables-legacy rules are made again (cr_netns_nf.sh); a match whose
# state the kernel keeps is not.
refuse ipt_quota 'it has iptables table filter: "quota", whose state the kernel keeps apart from the rules \(it would come back reset\), not supported' plain iptables-legacy -A INPUT -m quota --quota 1000 -j ACCEPT
refuse nft_limit 'it has nftables ruleset: a limit \(its tokens are the kernel.s\), which restore would not make the same, not supported' plain nft -f - <<<'add table inet pt
add chain inet pt c
add rule inet pt c limit rate 1/second accept'

# A datagram the kernel sent through tunx0, queued for its reader: the
# image would not hold it (before: lost, the restore OK). Refused in one
# line, nothing read (the program finds it there after).
if cr_start queued zdtm_tunns queued; then
	cr_refused queued "pid [0-9]+ fd [0-9]+: tun device tunx0: packets are queued for this queue's reader, which a restore would lose: not supported \\(an up device with IPv6 gets the kernel's own router solicitations and MLD reports too\\)"
else
	fail queued_start "the program did not start"
fi
cr_cleanup

# The queue of persistent tunx2 (no fd of the tree holds it) held by a
# process outside the tree and outside the namespace: refused. Dump finds
# it among the host's fds (fdinfo, TUNGETDEVNETNS) without attaching to
# the device: before, a probe attached to it, switching its carrier on
# and off in the namespace of a tree dump leaves running.
carrier() {
	nsenter -t "$CR_PID" -n unshare -m sh -c 'mount -t sysfs sysfs /sys && cat /sys/class/net/tunx2/carrier_changes' 2>/dev/null
}
if cr_start carrier zdtm_tunns sysctl; then
	before=$(carrier)
	"$PIDTRACE" dump -t "$CR_PID" -D "$CR_DIR/img" >/dev/null 2>"$CR_DIR/dump.err"
	if [ -z "$before" ]; then
		fail carrier_untouched "tunx2's carrier_changes not readable"
	else
		same carrier_untouched "$(carrier)" "$before"
	fi
else
	fail carrier_start "the program did not start"
fi
cr_cleanup
if cr_start held zdtm_tunns; then
	python3 -c '
import ctypes, fcntl, os, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
mine = os.open("/proc/self/ns/net", os.O_RDONLY)
if libc.setns(os.open(sys.argv[1], os.O_RDONLY), 0x40000000):
    sys.exit(1)
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tunx2", 1))
libc.setns(mine, 0x40000000)
print("HELD", flush=True)
time.sleep(60)' "/proc/$CR_PID/ns/net" >"$CR_DIR/held.out" 2>&1 &
	HOLDER=$!
	if wait_for 5 grep -q HELD "$CR_DIR/held.out"; then
		cr_refused held "${PRE}its tun device tunx2 is attached to an fd outside the tree: not supported"
	else
		fail held_setup "$(cat "$CR_DIR/held.out")"
	fi
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null
else
	fail held_start "the program did not start"
fi
cr_cleanup

# A process outside the tree in the namespace; the namespace mounted.
if cr_start outsider zdtm_tunns; then
	nsenter -t "$CR_PID" -n sleep 60 &
	OUT=$!
	wait_for 5 test "$(ino /proc/$OUT/ns/net)" = "$(ino "/proc/$CR_PID/ns/net")"
	cr_refused outsider "${PRE}pid $OUT, outside the tree, is in it too: restore would make another, not supported \(--external-ns net if it will exist at restore\)"
	kill "$OUT"
	wait "$OUT" 2>/dev/null
else
	fail outsider_start "the program did not start"
fi
cr_cleanup
BIND=$T/netns
if cr_start mounted zdtm_tunns && touch "$BIND" && mount --bind "/proc/$CR_PID/ns/net" "$BIND"; then
	cr_refused mounted "${PRE}it is mounted at $BIND, held outside the tree: restore would make another, not supported \(--external-ns net if it will exist at restore\)"
	umount "$BIND"
else
	fail mounted_start "the program did not start or the bind mount failed"
fi
cr_cleanup

# A tun queue in pidtrace's own net namespace (the tree made none, run
# in a namespace of this test's with pidtrace): restore would not make
# the device, refused in one line (before: /dev/net/tun reopened on no
# device, without a word).
OWN=$T/own
mkdir -p "$OWN"
unshare -n bash -c '
	ip link set lo up
	"$1" own >"$2/log" 2>&1 </dev/null &
	for _ in $(seq 100); do grep -q READY "$2/log" && break; sleep 0.1; done
	p=$(sed -n "s/READY pid=//p" "$2/log")
	"$3" dump -t "$p" -D "$2/img" >/dev/null 2>"$2/dump.err"
	echo $? >"$2/rc"
	kill -TERM "$p"
	wait' _ "$PROGS/zdtm_tunns" "$OWN" "$PIDTRACE"
if [ "$(cat "$OWN/rc")" = 1 ] && [ "$(wc -l <"$OWN/dump.err")" = 1 ] &&
	grep -Eq "^pidtrace: dump: pid [0-9]+ fd [0-9]+: a queue of tun device tunx0 of a net namespace restore does not make \(only one the tree made itself is made again\): not supported$" "$OWN/dump.err"; then
	pass own_tun_refused
else
	fail own_tun_refused "exit $(cat "$OWN/rc"): $(cat "$OWN/dump.err")"
fi
if grep -q '^PASS' "$OWN/log"; then pass own_tun_untouched; else fail own_tun_untouched "$(cat "$OWN/log")"; fi

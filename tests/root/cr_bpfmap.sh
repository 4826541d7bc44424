#!/usr/bin/env bash
# cr_bpfmap: BPF maps survive dump -> kill -> restore (kind_bpfmap.c): a
# frozen hash map, an array with a second read-only fd on it, a per-CPU
# array, an LPM trie and a map whose only fd is write-only come back with
# their type, sizes, flags, names and exactly their entries, frozen or
# not, each fd with its access mode (zdtm_bpfmap checks). `pidtrace show`
# describes them. Dump refuses a map that a BPF program, a pin in a bpf
# filesystem or a process outside the tree also uses, naming the user,
# the tree left running. A restore whose maps came back empty (a test
# fault skips the entries) fails its verification and is rolled back; a
# damaged entry is refused by the image check.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

hash_id() { sed -n 's/^READY .* hash_id=\([0-9]*\).*/\1/p' "$CR_DIR/log" | head -n 1; }

cr_roundtrip_show rt zdtm_bpfmap \
	'types=[.tasks[].fds[].bpf_map | select(.) | .type_name] | sort == ["array", "array", "hash", "hash", "lpm_trie", "percpu_array"]' \
	'entries=[.tasks[].fds[].bpf_map | select(.) | [.name, .entries, .frozen]] | unique == [["pt_array", 8, false], ["pt_hash", 10, true], ["pt_lpm", 3, false], ["pt_pcpu", 4, false], ["pt_wronly", 1, false]]' \
	'one_map=[.tasks[].fds[].bpf_map | select(. and .name == "pt_array") | .map_id] | (length == 2 and .[0] == .[1])' \
	'type=[.tasks[].fds[] | select(.bpf_map) | .type] | unique == ["bpf_map"]'

# The plain show line of the frozen hash map.
if cr_start show zdtm_bpfmap && cr_dump; then
	"$PIDTRACE" show -D "$CR_DIR/img" >"$CR_DIR/show.txt" 2>&1
	if grep -Eq "BPF map [0-9]+ \(hash \"pt_hash\"\): key 4, value 8 bytes, 10 of 64 entries, frozen$" "$CR_DIR/show.txt"; then
		pass show_plain
	else
		fail show_plain "$(grep -i 'bpf' "$CR_DIR/show.txt" | head -n 3)"
	fi
	# Entries skipped at restore: the verification names it, rolled back.
	rm -f "$CR_DIR/restore.json"
	PIDTRACE_FAULT=restore-skip-bpfmap-entries "$PIDTRACE" restore -D "$CR_DIR/img" --json \
		>"$CR_DIR/restore.json" 2>/dev/null
	same skip_entries_status "$?" 1
	if jr .error | grep -Eq "^verify: pid $CR_PID: fd [0-9]+: BPF map entries as in the image [0-9]+ in the image, 0 after restore$"; then
		pass skip_entries_verified
	else
		fail skip_entries_verified "$(jr .error)"
	fi
	same skip_entries_rolled_back "$(jr '.ok')" false
	# The image is whole: restored now, the program finds its maps.
	cr_restore_verify after_fault
else
	fail show_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

# refused_by NAME HELPER-ARGS.. PATTERN-TAIL: the map pt_hash also used
# outside the tree by `zdtm_bpfmap HELPER ID ...`: refused, untouched.
refused_by() {
	local name=$1 mode=$2 extra=$3 pat=$4 id helper
	if ! cr_start "$name" zdtm_bpfmap; then
		fail "${name}_start" "the program did not start"
		return
	fi
	id=$(hash_id)
	"$PROGS/zdtm_bpfmap" "$mode" "$id" $extra >"$CR_DIR/helper.log" 2>&1 &
	helper=$!
	at_exit "kill_ours TERM $helper"
	wait_for 10 grep -q held "$CR_DIR/helper.log"
	cr_refused "$name" "pid $CR_PID fd [0-9]+: BPF map $id $pat: not supported \\(restored, the tree would have a copy it does not see\\)"
	kill "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	cr_cleanup
}
refused_by prog useprog "" "is used by BPF program [0-9]+ \\(pt_user\\)"
refused_by hold hold "" "is also held by pid [0-9]+ \\(zdtm_bpfmap\\) fd [0-9]+, outside the dumped tree"
mkdir -p "$T/bpffs"
if mount -t bpf bpf "$T/bpffs"; then
	at_exit "umount '$T/bpffs'"
	refused_by pin pin "$T/bpffs/pt_pin" "is pinned at $T/bpffs/pt_pin"
	umount "$T/bpffs" && pass pin_unmounted
else
	fail pin_mount "cannot mount a bpf filesystem"
fi

# A damaged entry: the image check names the file and the fd.
if cr_start bad zdtm_bpfmap && cr_dump; then
	bad() { show_bad_fd "bad_$1" "$CR_DIR/img" '.bpf_map.name == "pt_hash"' "bpf_map.$2" "$3" "BPF map " "$4"; }
	bad entries entries 11 ": 11 entries (of 64) in 120 bytes"
	bad type map_type 27 ": type 27 is not one restore makes"
	bad key key_size 0 ": key of 0 bytes, value of 8 bytes"
else
	fail bad_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup

#!/usr/bin/env bash
# cr_memkinds: dump -> kill -> restore -> verify of memfds (contents, size,
# names, seals; mapped shared by a parent and its child, mapped private,
# only open), MAP_SHARED file mappings written through by a parent and its
# child, and protections and madvise() state of anonymous memory
# (mprotect'ed and PROT_NONE regions, guard pages, MADV_DONTFORK,
# MADV_WIPEONFORK, MADV_DONTDUMP). `pidtrace show --json` must describe the
# memfds and the guard pages.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

# show_has NAME FILTER: `pidtrace show --json` of the last image satisfies
# FILTER ($guards: what the program's "guards=N" line said, else 1).
show_has() {
	local g
	g=$(sed -n 's/^guards=\([01]\)$/\1/p' "$CR_DIR/log")
	"$PIDTRACE" show -D "$CR_DIR/img" --json >"$CR_DIR/show.json" 2>"$CR_DIR/show.err"
	if jq -e --argjson guards "${g:-1}" "$2" "$CR_DIR/show.json" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "show --json does not satisfy $2 ($(head -c 300 "$CR_DIR/show.err"))"
	fi
}

# roundtrip_show NAME PROG FILTER..: a round trip, checking the image after the dump.
roundtrip_show() {
	local name=$1 prog=$2 f
	shift 2
	if ! cr_start "$name" "$prog"; then
		fail "${name}_start" "the program did not start"
		cr_cleanup
		return
	fi
	if ! cr_dump; then
		fail "${name}_dump" "$(tail -n 3 "$CR_DIR/dump.err")"
		cr_cleanup
		return
	fi
	pass "${name}_dump"
	for f in "$@"; do
		show_has "${name}_show_${f%%=*}" "${f#*=}"
	done
	if ! cr_restore; then
		fail "${name}_restore" "$(jr '.error // empty') $(tail -n 3 "$CR_DIR/restore.err")"
		cr_cleanup
		return
	fi
	pass "${name}_restore"
	cr_finish
	if [ "$CR_RC" = 0 ] && grep -q '^PASS' "$CR_DIR/log"; then
		pass "${name}_verify"
	else
		fail "${name}_verify" "exit status $CR_RC: $(grep -E '^(FAIL|PASS)' "$CR_DIR/log" | head -n 3)"
	fi
	cr_cleanup
}

roundtrip_show memfd zdtm_memfd \
	'memfds=[.shmem[].memfd.name | select(. != null)] | sort == ["zdtm-plain", "zdtm-priv", "zdtm-ro", "zdtm-shared"]' \
	'seals=[.shmem[] | select(.memfd.name == "zdtm-ro") | .memfd.seals] == ["0x9"]' \
	'fds=[.tasks[0].fds[] | select(.type == "memfd")] | length == 3'
# Two guard pages (MADV_GUARD_INSTALL, 6.13+: the program says whether it made them).
roundtrip_show mprotect zdtm_mprotect \
	'guards=[.tasks[0].vmas[] | select(.guards) | .guards[].pages] == if $guards == 1 then [2] else [] end' \
	'prot_none=[.tasks[0].vmas[] | select(.prot == "---")] | length >= 2'
cr_roundtrip shmap zdtm_shmap

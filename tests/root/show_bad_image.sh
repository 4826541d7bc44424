#!/usr/bin/env bash
# show_bad_image: a damaged, truncated, foreign, newer or incomplete image
# gives exactly one error line naming the file and the reason, exit 1; a
# file of another dump of the same process is refused so by show and restore.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root

start_target || exit 1
GOOD=$T/good
# Two dumps of the same process: the first leaves it running.
"$PIDTRACE" dump -t "$TARGET" -D "$T/other" --leave-running >/dev/null 2>"$T/err" || {
	fail show_bad_setup "$(cat "$T/err")"
	exit 1
}
"$PIDTRACE" dump -t "$TARGET" -D "$GOOD" >/dev/null 2>"$T/err" || {
	fail show_bad_setup "$(cat "$T/err")"
	exit 1
}
wait "$TARGET" 2>/dev/null
P=$TARGET

# damaged NAME PATTERN CMD: copy the image, run CMD in it, expect PATTERN.
damaged() { image_case "$1" "$GOOD" "$T/bad" "$2" "$3"; }

MM=mm-$P.img
SIZE=$(stat -c %s "$GOOD/$MM")
damaged truncated "$T/bad/$MM: truncated \(expected $SIZE bytes, got 100\)" "truncate -s 100 $MM"
damaged flipped_byte "$T/bad/$MM: checksum mismatch \(the file is damaged\)" \
	"printf 'X' | dd of=$MM bs=1 seek=40 conv=notrunc status=none"
damaged flipped_page "$T/bad/pages-$P.img: checksum mismatch \(the file is damaged\)" \
	"printf 'X' | dd of=pages-$P.img bs=1 seek=5000 conv=notrunc status=none"
damaged foreign "$T/bad/core-$P.img: not a pidtrace image file \(bad magic\)" \
	"head -c $(stat -c %s "$GOOD/core-$P.img") /dev/urandom > core-$P.img && printf 'ELF!' | dd of=core-$P.img conv=notrunc status=none"
damaged wrong_kind "$T/bad/$MM: wrong kind of file: core, expected mm" \
	"cp core-$P.img $MM && truncate -s $SIZE $MM"
damaged newer "$T/bad/$MM: format version 9 is newer than this pidtrace reads \(7\)" \
	"printf '\\x09' | dd of=$MM bs=1 seek=8 conv=notrunc status=none"
damaged missing "$T/bad/files-$P.img: missing" "rm files-$P.img"
damaged flipped_id "$T/bad/core-$P.img: checksum mismatch \(the file is damaged\)" \
	"printf 'X' | dd of=core-$P.img bs=1 seek=30 conv=notrunc status=none"

# swapped NAME FILE: FILE taken from the other dump; show and restore both
# refuse in one line naming it and both image ids, and restore makes nothing.
ID='[0-9a-f]{32}'
swapped() {
	local name=$1 f=$2 cmd rc pat
	image_copy "$GOOD" "$T/bad"
	cp "$T/other/$f" "$T/bad/$f"
	for cmd in show restore; do
		# restore names the phase, as every failure of a restore ("check: ").
		pat="^pidtrace: $cmd: ($([ $cmd = restore ] && echo 'check: '))?$T/bad/$f: belongs to another dump \(image id $ID, inventory has $ID\)\$"
		if [ $cmd = restore ]; then
			timeout 60 "$PIDTRACE" restore --detach -D "$T/bad" >"$T/out" 2>"$T/err"
		else
			"$PIDTRACE" show -D "$T/bad" >"$T/out" 2>"$T/err"
		fi
		rc=$?
		if [ "$rc" = 0 ]; then
			fail "${cmd}_$name" "accepted a file of another dump"
			# What an old pidtrace restored from it.
			kill -9 "$P" 2>/dev/null
			for _ in $(seq 50); do kill -0 "$P" 2>/dev/null || break; sleep 0.1; done
		elif [ "$(wc -l <"$T/err")" != 1 ] || ! grep -Eq "$pat" "$T/err"; then
			fail "${cmd}_$name" "exit $rc, stderr: $(cat "$T/err")"
		elif kill -0 "$P" 2>/dev/null; then
			fail "${cmd}_$name" "pid $P exists after the refusal"
		else
			pass "${cmd}_$name"
		fi
	done
}
# The id is shown, the same in both forms.
id=$("$PIDTRACE" show -D "$GOOD" | sed -n 's/^image id //p')
jid=$("$PIDTRACE" show -D "$GOOD" --json | jq -r .image_id)
if [[ "$id" =~ ^[0-9a-f]{32}$ ]] && [ "$id" = "$jid" ] &&
	[ "$id" != "$("$PIDTRACE" show -D "$T/other" --json | jq -r .image_id)" ]; then
	pass show_image_id
else
	fail show_image_id "'$id' / '$jid'"
fi
swapped swapped_pages "pages-$P.img"
swapped swapped_core "core-$P.img"
damaged incomplete "$T/bad: no image here \(inventory.img is missing\)" "rm inventory.img"
"$PIDTRACE" show -D "$T/nothing" >/dev/null 2>"$T/err"
rc=$?
same no_dir "$rc $(cat "$T/err")" "1 pidtrace: show: $T/nothing: No such file or directory"

# In --json mode the error is a JSON object on stdout.
image_copy "$GOOD" "$T/bad"
truncate -s 100 "$T/bad/$MM"
out=$("$PIDTRACE" show -D "$T/bad" --json 2>/dev/null)
same json_error "$(printf '%s' "$out" | jq -r .error)" "$T/bad/$MM: truncated (expected $SIZE bytes, got 100)"

# tests/image_lib.sh - damaged copies of an image, and `pidtrace show`'s
# refusal of them (sourced by tests/lib.sh). The image reader's checks are
# tested by editing one field of a good image (tests/tools/image_edit,
# built by `make test-bins`) and expecting one line naming file and fault.

# image_edit ARG..: tests/tools/image_edit.
image_edit() { "$TOP/$OUTPUT/tests/tools/image_edit" "$@"; }

# image_set DIR FILE FIELD VALUE: FIELD of DIR/FILE set to VALUE and the
# inventory made to agree (the file's size and checksum change), quietly.
# Status 1 when image_edit failed (no such field).
image_set() {
	image_edit set "$1/$2" "$3" "$4" >/dev/null &&
		(cd "$1" && image_edit fix-inventory .) >/dev/null
}

# image_copy GOOD COPY: COPY made anew from the image directory GOOD (its
# modes and owners kept: the reader checks them).
image_copy() {
	rm -rf "$2"
	cp -a "$1" "$2" 2>/dev/null
}

# image_flip FILE OFFSET: invert the byte at OFFSET (writing a fixed value
# would change nothing when the byte already had it: 1 time in 256).
image_flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || return 1
	# shellcheck disable=SC2059
	printf "\\$(printf '%03o' $((255 - b)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# image_damage GOOD COPY FILE FIELD VALUE: image_copy, then image_set on
# the copy.
image_damage() {
	image_copy "$1" "$2" && image_set "$2" "$3" "$4" "$5"
}

# image_fd DIR SELECT: "PID INDEX FD" of the first fd of the image's first
# task that the jq filter SELECT (of one .fds[] entry) picks; INDEX and FD
# are empty when none does.
image_fd() {
	"$PIDTRACE" show -D "$1" --json 2>/dev/null |
		jq -r ".tasks[0] | [.pid, (.fds | map($2) | index(true)),
			(.fds | map(select($2)) | .[0].fd)] | @tsv"
}

# image_listing DIR: what a refused show must not change in DIR (names,
# sizes, modes, owners, contents).
image_listing() {
	(cd "$1" && find . -printf '%p %s %m %U %y\n' | sort && find . -type f -exec md5sum {} + | sort)
}

# show_refuses DIR PATTERN: `pidtrace show -D DIR` exits with status 1,
# prints nothing on stdout and the one stderr line "pidtrace: show:
# PATTERN" (an extended regex); with SHOW_UNCHANGED=1, DIR is left as it
# was. Else status 1 and WHY says what it did instead.
SHOW_UNCHANGED=
WHY=
show_refuses() {
	local rc before=
	[ -n "$SHOW_UNCHANGED" ] && before=$(image_listing "$1")
	"$PIDTRACE" show -D "$1" >"$T/show.out" 2>"$T/show.err"
	rc=$?
	if [ "$rc" != 1 ]; then
		WHY="exit status $rc: $(head -c 300 "$T/show.err")"
	elif [ "$(wc -l <"$T/show.err")" != 1 ] || ! grep -Eq "^pidtrace: show: $2\$" "$T/show.err"; then
		WHY="stderr: $(head -c 300 "$T/show.err") (expected /$2/)"
	elif [ -s "$T/show.out" ]; then
		WHY="printed a partial image"
	elif [ -n "$SHOW_UNCHANGED" ] && [ "$before" != "$(image_listing "$1")" ]; then
		WHY="the directory changed"
	else
		return 0
	fi
	return 1
}

# image_case NAME GOOD COPY PATTERN CMD: COPY made anew from GOOD, the
# shell command CMD run in it, then show_refuses COPY PATTERN: case NAME.
image_case() {
	image_copy "$2" "$3"
	(cd "$3" && eval "$5") || { fail "$1" "could not damage the image: $5"; return; }
	if show_refuses "$3" "$4"; then pass "$1"; else fail "$1" "$WHY"; fi
}

# show_bad_fd NAME GOOD SELECT FIELD VALUE KIND MESSAGE: a copy of the image
# GOOD with FIELD of the first fd SELECT picks (image_fd) set to VALUE is
# refused by show with exactly the stderr line "pidtrace: show:
# COPY/files-PID.img: KINDfd N MESSAGE" (N: that fd's number; KIND: "",
# or the words before "fd" with their space): case NAME.
show_bad_fd() {
	local name=$1 b=$T/damaged_$1 pid idx fd want err
	read -r pid idx fd < <(image_fd "$2" "$3")
	if [ -z "$idx" ] || [ "$idx" = null ] ||
		! image_damage "$2" "$b" "files-$pid.img" "fds.$idx.$4" "$5"; then
		fail "$name" "no such fd in the image, or image_edit failed"
		return
	fi
	want="pidtrace: show: $b/files-$pid.img: ${6}fd $fd$7"
	err=$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null)
	if [ "$err" = "$want" ]; then pass "$name"; else fail "$name" "got '$err', expected '$want'"; fi
	rm -rf "$b"
}

#!/usr/bin/env bash
# The man pages (docs/man/*.scd, built by scdoc into $OUTPUT/man): each
# renders with `man -l` at 80 columns with nothing on stderr and no groff
# warning, has the sections a man page owes its reader, and the pages of
# watch and run list every cause class the code knows and every JSON field.
# Needs no root.
. "$(dirname "$0")/../lib.sh"
MAN=$TOP/$OUTPUT/man
pages="pidtrace pidtrace-watch pidtrace-run pidtrace-dump pidtrace-show pidtrace-restore"

command -v man >/dev/null && command -v groff >/dev/null ||
	{ echo "man or groff missing (tools/deps.sh installs man-db and groff-base)"; exit 1; }

for p in $pages; do
	f=$MAN/$p.8
	if [ ! -s "$f" ]; then
		fail "${p}_built" "$f missing (make man)"
		continue
	fi
	MANWIDTH=80 man -l "$f" >"$T/$p.txt" 2>"$T/$p.err"
	rc=$?
	[ $rc = 0 ] && [ ! -s "$T/$p.err" ] && pass "${p}_renders_with_man_l" ||
		fail "${p}_renders_with_man_l" "rc $rc: $(head -c 300 "$T/$p.err")"
	groff -ww -t -man -Tutf8 "$f" >/dev/null 2>"$T/$p.groff"
	[ ! -s "$T/$p.groff" ] && pass "${p}_no_groff_warnings" ||
		fail "${p}_no_groff_warnings" "$(head -c 300 "$T/$p.groff")"
	# whatis/apropos must be able to parse the NAME section.
	if command -v lexgrog >/dev/null; then
		lexgrog "$f" | grep -q "\"$p - " && pass "${p}_name_section_parses" ||
			fail "${p}_name_section_parses" "$(lexgrog "$f" 2>&1)"
	fi
	missing=
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "EXIT STATUS" "SEE ALSO"; do
		grep -q "^$s\$" "$T/$p.txt" || missing="$missing '$s'"
	done
	[ -z "$missing" ] && pass "${p}_has_the_sections" || fail "${p}_has_the_sections" "no$missing"
done

# Every cause class the classifier can answer (user/trace/cause.c), in both pages.
classes=$(sed -n '/^static const char \*const names\[/,/^};/p' "$TOP/user/trace/cause.c" |
	grep -o '"[a-z-]*"' | tr -d '"' | grep -vx unknown)
[ "$(echo "$classes" | wc -w)" -ge 14 ] && pass cause_classes_read_from_the_code ||
	fail cause_classes_read_from_the_code "found only: $classes"
for p in pidtrace-watch pidtrace-run; do
	missing=
	for c in $classes; do
		grep -qw -- "$c" "$T/$p.txt" || missing="$missing $c"
	done
	[ -z "$missing" ] && pass "${p}_lists_every_cause_class" ||
		fail "${p}_lists_every_cause_class" "missing:$missing"
done

# Every JSON field documented in docs/watch-json.md is in the pages: the
# common records in pidtrace-watch(8), run's lineage fields in pidtrace-run(8).
json_doc=$TOP/docs/watch-json.md
doc_fields() { # sed-range: the backquoted names in the first column of its tables
	sed -n "$1" "$json_doc" | grep -o '^| `[a-z_.]*`' | tr -d '|` ' | sed 's/.*\.//'
}
check_fields() { # NAME PAGE FIELDS..
	local name=$1 page=$2 f missing=
	shift 2
	for f in "$@"; do
		grep -qw -- "$f" "$T/$page.txt" || missing="$missing $f"
	done
	[ $# -gt 0 ] && [ -z "$missing" ] && pass "$name" || fail "$name" "missing:${missing:- (no fields read)}"
}
# shellcheck disable=SC2046
check_fields watch_page_has_every_json_field pidtrace-watch $(doc_fields '1,/^## `pidtrace run/p')
# shellcheck disable=SC2046
check_fields run_page_has_its_json_fields pidtrace-run $(doc_fields '/^## `pidtrace run/,/^## Cause/p') \
	command_status command_exit tasks

# Installed the way `make install` does, `man pidtrace-watch` finds it.
make -s -C "$TOP" OUTPUT="$OUTPUT" install DESTDIR="$T/root" PREFIX=/usr >"$T/install.log" 2>&1 ||
	fail make_install "$(tail -n 5 "$T/install.log")"
MANPATH=$T/root/usr/share/man MANWIDTH=80 man pidtrace-watch 2>&1 | grep -q 'pidtrace-watch - explain' &&
	pass man_finds_installed_page || fail man_finds_installed_page "not found under $T/root"

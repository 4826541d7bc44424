#!/usr/bin/env bash
# Bash completion (contrib/bash-completion/pidtrace), sourced in a clean
# bash: `pidtrace w<TAB>` gives watch, `pidtrace watch --js<TAB>` --json,
# `pidtrace watch -s SIGK<TAB>` SIGKILL; pids, directories and --color
# values; and every option a command's --help lists is offered. Needs no
# root.
. "$(dirname "$0")/../lib.sh"
COMP=$TOP/contrib/bash-completion/pidtrace

# complete LINE: what completing at the end of LINE offers, one per line.
# The line is split the way readline splits it for completion (at
# spaces, and '=' as its own word).
complete_line() {
	bash --norc --noprofile -c '
		source "$1" || exit 3
		line=$2
		line=${line//=/ = }
		read -ra COMP_WORDS <<<"$line"
		[[ $2 == *" " || $2 == *= ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2
		COMP_POINT=${#2}
		fn=$(complete -p pidtrace | sed -n "s/.*-F \([^ ]*\) pidtrace$/\1/p")
		[ -n "$fn" ] || exit 4
		"$fn" pidtrace "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$1"
}

# expect NAME LINE WANT...: completing LINE offers exactly WANT.
expect_exact() {
	local name=$1 line=$2 got want
	shift 2
	got=$(complete_line "$line" | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] && pass "$name" || fail "$name" "'$line<TAB>' offers '$got', expected '$want'"
}

# expect_has NAME LINE WANT...: completing LINE offers at least WANT.
expect_has() {
	local name=$1 line=$2 got w missing=
	shift 2
	got=$(complete_line "$line")
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" || missing="$missing $w"
	done
	[ -z "$missing" ] && pass "$name" || fail "$name" "'$line<TAB>' lacks$missing (offers: $(echo $got | head -c 200))"
}

bash --norc -c "source '$COMP' && complete -p pidtrace" >/dev/null 2>"$T/err" &&
	[ ! -s "$T/err" ] && pass sources_cleanly || fail sources_cleanly "$(cat "$T/err")"

expect_exact subcommand_w 'pidtrace w' watch
expect_exact subcommands_all 'pidtrace ' watch run dump show restore help
expect_exact subcommand_after_global_option 'pidtrace -v d' dump
expect_exact global_options 'pidtrace --v' --verbose --version
expect_exact watch_option_js 'pidtrace watch --js' --json
expect_exact watch_option_j 'pidtrace watch --j' --journal --json
expect_exact watch_signal_SIGK 'pidtrace watch -s SIGK' SIGKILL
expect_exact watch_signal_without_prefix 'pidtrace watch --signal TE' TERM
expect_has watch_signal_realtime 'pidtrace watch -s SIGRTM' SIGRTMIN SIGRTMIN+1
expect_exact watch_color_values 'pidtrace watch --color=' auto always never
expect_exact run_color_value 'pidtrace run --color=ne' never
expect_has watch_pid 'pidtrace watch -p ' "$$" 1
expect_has watch_pid_list 'pidtrace watch -p 1,' "1,$$"
expect_has dump_tree_pid "pidtrace dump -t $$" "$$"
mkdir -p "$T/images-here" "$T/images-there"
: >"$T/images-file"
expect_exact dump_dir_only_dirs "pidtrace dump -D $T/images-" "$T/images-here" "$T/images-there"
expect_exact restore_dir "pidtrace restore --images-dir $T/images-h" "$T/images-here"
expect_has run_command_after_dashdash 'pidtrace run -- bas' bash
expect_has run_command_after_options 'pidtrace run --json bas' bash
expect_exact help_command 'pidtrace help re' restore

# Every long option in `pidtrace CMD --help` (before "Not supported yet")
# is offered by `pidtrace CMD --<TAB>`.
for cmd in watch run dump show restore; do
	opts=$("$PIDTRACE" "$cmd" --help | sed '/Not supported yet/,$d' | grep -o -- '--[a-z][a-z-]*' |
		grep -v -- '--colour' | sort -u)
	offered=$(complete_line "pidtrace $cmd --" | sed 's/=$//')
	missing=
	for o in $opts; do
		grep -qxF -- "$o" <<<"$offered" || missing="$missing $o"
	done
	[ -n "$opts" ] && [ -z "$missing" ] && pass "${cmd}_offers_every_option_of_its_help" ||
		fail "${cmd}_offers_every_option_of_its_help" "missing:${missing:- (no options read)}"
done

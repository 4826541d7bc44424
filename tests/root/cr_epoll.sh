#!/usr/bin/env bash
# cr_epoll: dump -> kill -> restore -> verify of epoll instances: targets
# of every common kind (pipe, eventfd, socketpair, timerfd, a nested
# epoll), EPOLLET, EPOLLONESHOT (one already fired), EPOLLEXCLUSIVE,
# 64-bit data, an instance shared with a forked child, and one whose
# interest list only the child's fd table still matches. Targets closed or
# replaced at their number after they were added (zdtm epoll, epoll01)
# come back on their own files, found in the tree's fds (ofd_id in the
# image), and the verification checks each is on its file (kcmp); one
# whose file no fd of the tree holds (a message in flight) is refused at
# dump in one line, and the tree runs on.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show epoll zdtm_epoll \
	'targets=[.tasks[0].fds[] | select(.type == "epoll" and .epoll.targets_here) | .epoll.targets | length] | sort == [1, 7]' \
	'data=[.tasks[0].fds[] | select(.type == "epoll") | .epoll.targets[] | select(.tfd != null) | .data] | index("0xe5e5e5e500000005") != null' \
	'oneshot=[.tasks[0].fds[] | select(.type == "epoll") | .epoll.targets[] | select(.data == "0xe5e5e5e500000005") | .event_names] == ["ONESHOT"]' \
	'shared=[.tasks[1].fds[] | select(.type == "epoll") | .epoll.targets_here] | all(. == false)'
# The parent (first holder) carries the list; its target is the child's fd.
CR_SHOW_CHECKS=('child=[.tasks[1].fds[] | select(.type == "epoll") | .epoll.targets_here] == [false]'
	'parent=[.tasks[0].fds[] | select(.type == "epoll") | .epoll.targets[] | .ofd_id] as $o | ($o | length) == 1 and ([.tasks[1].fds[] | select(.ofd == $o[0])] | length) == 1')
cr_roundtrip epoll_child zdtm_epoll child
# Three entries whose file left their number: restored on their files.
for mode in closed replaced; do
	CR_SHOW_CHECKS=('stale=[.tasks[0].fds[] | select(.type == "epoll") | .epoll.targets[] | select(.ofd_id != null) | .tfd] | sort | .[1:] == [900, 900]')
	cr_roundtrip "epoll_$mode" zdtm_epoll "$mode"
done
CR_SHOW_CHECKS=()
# Added on the file that took the number instead (test fault): the
# verification must catch it, and roll back.
if cr_start epoll_wrong zdtm_epoll replaced && cr_dump; then
	(cd "$CR_DIR" && PIDTRACE_FAULT=restore-epoll-stale-here exec "$PIDTRACE" restore \
		-D "$CR_DIR/img" --json >"$CR_DIR/restore.json" 2>"$CR_DIR/restore.err")
	err=$(jq -r '.error // empty' "$CR_DIR/restore.json" 2>/dev/null)
	if [[ "$err" =~ ^verify:\ pid\ $CR_PID:\ fd\ [0-9]+:\ epoll\ watch\ of\ fd\ [0-9]+\ \(data\ 0x[0-9a-f]+\)\ \"the\ file\ of\ ofd\"\ in\ the\ image,\ \"another\ file\"\ after\ restore ]]; then
		pass epoll_wrong_file_caught
	else
		fail epoll_wrong_file_caught "error: $err"
	fi
else
	fail epoll_wrong_dump "$(tail -n 3 "$CR_DIR/dump.err" 2>/dev/null)"
fi
cr_cleanup
# The plain listing names the targets under the epoll.
if grep -q 'watches fd [0-9]*: IN|ERR|HUP|ET, data 0xb2b2b2b200000002' <("$PIDTRACE" show -D "$T/epoll/img" 2>&1); then
	pass epoll_show_plain
else
	fail epoll_show_plain "$("$PIDTRACE" show -D "$T/epoll/img" 2>&1 | grep -A3 epoll | head -n 5)"
fi

# A damaged interest list is refused by the reader in one line (show and
# restore), naming the epoll and the fd: bad_list NAME FIELD VALUE PATTERN.
EDIT="$TOP/$OUTPUT/tests/tools/image_edit"
GOOD=$T/epoll/img
read -r EP_PID EP_IDX EP_FD < <("$PIDTRACE" show -D "$GOOD" --json |
	jq -r '.tasks[0] | [.pid, (.fds | map(.type) | index("epoll")), (.fds | map(select(.type == "epoll")) | .[0].fd)] | @tsv')
bad_list() {
	local b=$T/bad_$1 err
	rm -rf "$b"
	cp -a "$GOOD" "$b"
	if ! "$EDIT" set "$b/files-$EP_PID.img" "fds.$EP_IDX.epoll.$2" "$3" >/dev/null ||
		! (cd "$b" && "$EDIT" fix-inventory .) >/dev/null; then
		fail "epoll_bad_$1" "image_edit failed"
		return
	fi
	err=$("$PIDTRACE" show -D "$b" 2>&1 >/dev/null)
	if [ "$err" = "pidtrace: show: $b/files-$EP_PID.img: epoll fd $EP_FD $4" ]; then
		pass "epoll_bad_$1"
	else
		fail "epoll_bad_$1" "$err"
	fi
	rm -rf "$b"
}
bad_list missing_target targets.0.tfd 999 "watches fd 999, which the task does not have"
bad_list self_target targets.0.tfd "$EP_FD" "watches fd $EP_FD, which the task does not have"
T1=$("$PIDTRACE" show -D "$GOOD" --json | jq -r ".tasks[0].fds[$EP_IDX].epoll.targets[1].tfd")
bad_list twice targets.0.tfd "$T1" "watches fd $T1 twice"

# refused MODE WHAT: the dump fails naming the epoll, its target and WHAT.
refused() {
	local name=epoll_$1 fd tfd
	if ! cr_start "$name" zdtm_epoll "$1"; then
		fail "${name}_start" "the program did not start"
		cr_cleanup
		return
	fi
	CR_PID=$(sed -n 's/^READY pid=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	fd=$(sed -n 's/^READY .*fd=\([0-9]*\) .*/\1/p' "$CR_DIR/log")
	tfd=$(sed -n 's/^READY .*tfd=\([0-9]*\).*/\1/p' "$CR_DIR/log")
	cr_refused "$name" "pid $CR_PID fd $fd: epoll target fd $tfd, $2 after it was added, is a file no fd of the tree holds: not supported"
	cr_cleanup
}

refused inflight "closed"

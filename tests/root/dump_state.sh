#!/usr/bin/env bash
# dump_state: dump a real process tree (tests/progs/dump_target with a child,
# a zombie and pidfds in every state) and check that `pidtrace show --json`
# says what the program knows about itself: VMAs and stored pages, fds,
# pipes, signals, limits, the tree and every pidfd's target and wait status.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../dump_lib.sh"
need_root

start_target tree pidfds || { fail dump_state_start "target did not start"; exit 1; }
P=$TARGET
IMG=$T/img

if ! "$PIDTRACE" dump -t "$P" -D "$IMG" --json >"$T/dump.json" 2>"$T/dump.err"; then
	fail dump_state_dump "dump failed: $(cat "$T/dump.err" "$T/dump.json")"
	exit 1
fi
S=$(cat "$T/dump.json")
same dump_summary_tasks "$(jfield "$S" .tasks)" 5
same dump_summary_zombies "$(jfield "$S" .zombies)" 2
same dump_summary_killed "$(jfield "$S" .killed)" true
check dump_summary_pages '[ "$(jfield "$S" .pages_bytes)" -ge $((4096 * 6)) ]'
check dump_summary_phases '[ "$(jfield "$S" ".phases_ms | keys | length")" = 6 ]'

# The tree is gone once the dump says it is done.
wait "$P" 2>/dev/null
same dump_kills_tree $? 137
st=$(state "$(rep child_pid)")
check dump_kills_child '[ -z "$st" ] || [ "$st" = Z ]'

check dump_image_modes '[ "$(stat -c %a "$IMG")" = 700 ] &&
	[ -z "$(find "$IMG" -type f ! -perm 600)" ] && [ -z "$(ls -A "$IMG" | grep pidtrace-tmp)" ]'

if ! "$PIDTRACE" show -D "$IMG" --json >"$T/show.json" 2>"$T/show.err"; then
	fail show_json "show failed: $(cat "$T/show.err")"
	exit 1
fi
J=$T/show.json
q() { jq -r "$@" "$J"; }
task() { q --argjson p "$1" ".tasks[] | select(.pid == \$p) | $2"; }
vma() { task "$P" ".vmas[] | select(.start == \"$1\") | $2"; }
fd() { task "$P" ".fds[] | select(.fd == $1) | $2"; }

# Tree
same show_root "$(q .root_pid)" "$P"
same show_root_ppid "$(task "$P" .ppid)" "$(rep ppid)"
same show_child "$(task "$(rep child_pid)" '"\(.state) \(.ppid)"')" "alive $P"
same show_zombie "$(task "$(rep zombie_pid)" '"\(.state) \(.exit_status)"')" "zombie 768"
same show_tree_size "$(q '.tasks | length')" 5

# Memory
same show_anon_vma "$(vma "$(rep anon_start)" '"\(.end) \(.kind) \(.prot) \(.dumped_pages)"')" \
	"$(rep anon_end) anon-private rw- 3"
same show_file_private "$(vma "$(rep fpriv_start)" '"\(.kind) \(.path) \(.dumped_pages)"')" \
	"file-private $(rep fpriv_path) 1"
SHMID=$(vma "$(rep shm_start)" .shmid)
same show_shared_anon "$(vma "$(rep shm_start)" .kind)" anon-shared
same show_shmem_pages "$(q --argjson s "${SHMID:-0}" '.shmem[] | select(.shmid == $s) | .pages')" 2
same show_prot_none "$(vma "$(rep none_start)" '"\(.prot) \(.dumped_pages)"')" "--- 0"
same show_readonly_page "$(vma "$(rep ro_start)" '"\(.prot) \(.dumped_pages)"')" "r-- 1"
same show_unreadable_page "$(vma "$(rep hidden_start)" '"\(.prot) \(.dumped_pages)"')" "--- 1"
same show_vdso_block "$(task "$P" '[.vmas[] | select(.kind == "vdso")] | length')" 3
check show_vdso_range '[ -n "$(task "$P" .vdso_block.start)" ]'
check show_pages_total '[ "$(task "$P" .pages.nr_pages)" -ge 6 ]'

# Files
F=$(rep fd_file)
same show_file_fd "$(fd "$F" '"\(.type) \(.path) \(.pos)"')" "reg $(rep fd_file_path) 123"
same show_dup_shares_ofd "$(fd "$(rep fd_dup)" .ofd)" "$(fd "$F" .ofd)"
PR=$(fd "$(rep fd_pipe_r)" .pipe_ino)
same show_pipe_ends "$(fd "$(rep fd_pipe_w)" '"\(.type) \(.pipe_ino) \(.flags_names)"')" \
	"pipe $PR O_WRONLY"
same show_pipe_data "$(q --argjson i "${PR:-0}" '.pipes[] | select(.ino == $i) | .data_hex')" \
	"$(rep pipe_data_hex)"
same show_dir_fd "$(fd "$(rep fd_dir)" '"\(.type) \(.path)"')" "dir $T/work"
same show_chr_cloexec "$(fd "$(rep fd_zero)" '"\(.type) \(.path) \(.cloexec) \(.flags_names)"')" \
	"chr /dev/zero true O_RDWR"
same show_cwd_umask "$(task "$P" '"\(.cwd) \(.umask)"')" "$T/work $(rep umask)"

# Signals and limits
same show_sigaction "$(task "$P" '.signals.sigactions[] | select(.name == "SIGUSR1") |
	"\(.handler) \(.flags) \(.mask) \(.restorer)"')" \
	"$(rep usr1_handler) $(rep usr1_flags) $(rep usr1_mask) $(rep usr1_restorer)"
same show_sig_ignored "$(task "$P" '.signals.sigactions[] | select(.name == "SIGPIPE") | .handler')" \
	SIG_IGN
same show_blocked "$(task "$P" .signals.blocked)" "$(rep blocked)"
same show_pending_thread "$(task "$P" '.signals.pending[] | "\(.signo) \(.code) \(.sender_pid)"')" \
	"$(rep pending_thread) -6 $P"
same show_pending_process "$(task "$P" '.signals.shared_pending[] | "\(.signo) \(.code)"')" \
	"$(rep pending_process) 0"
same show_altstack "$(task "$P" '.signals.sigaltstack | "\(.sp) \(.size)"')" \
	"$(rep altstack_sp) $(rep altstack_size)"
same show_pdeath "$(task "$P" .signals.pdeath_sig)" "$(rep pdeath_sig)"
same show_rlimit "$(task "$P" '.rlimits[] | select(.resource == "NOFILE") | "\(.cur) \(.max)"')" \
	"$(rep nofile_cur) $(rep nofile_max)"
check show_regs '[ "$(task "$P" .regs.rip)" != 0x0 ] && [ "$(task "$P" .xstate_bytes)" -ge 576 ]'

# pidfds: pid numbers and wait statuses as the program saw them
pfd() { fd "$(rep "$1")" ".pidfd | $2"; }
same pidfd_self "$(pfd pidfd_self '"\(.state) \(.pid)"')" "alive-in-tree $P"
same pidfd_self_thread "$(fd "$(rep pidfd_self_thread)" '"\(.thread) \(.pidfd_ino)"')" \
	"true $(fd "$(rep pidfd_self)" .pidfd_ino)"
same pidfd_live "$(pfd pidfd_live '"\(.state) \(.pid) \(.tree_pid)"')" \
	"alive-in-tree $(rep pidfd_live_pid) $(rep pidfd_live_pid)"
same pidfd_zombie "$(pfd pidfd_zombie '"\(.state) \(.pid)"')" "zombie $(rep pidfd_zombie_pid)"
same pidfd_reaped "$(pfd pidfd_reaped '"\(.state) \(.pid) \(.exit_status)"')" \
	"reaped $(rep pidfd_reaped_pid) $(rep pidfd_reaped_status)"
same pidfd_reaped_shared "$(fd "$(rep pidfd_reaped2)" .pidfd_ino)" \
	"$(fd "$(rep pidfd_reaped)" .pidfd_ino)"
same pidfd_reaped_holders "$(pfd pidfd_reaped '.holders | length')" 2
same pidfd_exit3 "$(pfd pidfd_exit3 '"\(.state) \(.pid) \(.exit_status)"')" \
	"reaped $(rep pidfd_exit3_pid) 768"
same pidfd_sigterm "$(pfd pidfd_term '"\(.state) \(.pid) \(.exit_status)"')" \
	"reaped $(rep pidfd_term_pid) 15"
same pidfd_outside "$(pfd pidfd_parent '"\(.state) \(.pid) \(.tree_pid)"')" \
	"alive-outside $(rep ppid) null"
check pidfd_outside_identity '[ -n "$(pfd pidfd_parent .comm)" ]'
same pidfd_targets "$(q '.pidfd_targets | length')" 7

# The human form decodes the same image.
if "$PIDTRACE" show -D "$IMG" >"$T/show.txt" 2>&1 && grep -q "^pidfd targets:" "$T/show.txt" &&
	grep -q "wait status 0x300 (exit 3)" "$T/show.txt" &&
	[ "$(grep -v -e / -e 'held by' "$T/show.txt" | awk '{ if (length > m) m = length } END { print m }')" -lt 100 ]; then
	pass show_human
else
	fail show_human "$(head -5 "$T/show.txt")"
fi

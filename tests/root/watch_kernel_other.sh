#!/usr/bin/env bash
# A write to a pipe without reader: the pipe code sends the writer SIGPIPE
# (si_code SI_USER, yet no kill syscall): pidtrace watch says kernel-other
# and shows the kernel stack through the pipe write.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/lib-scen.sh"
need_root

watch_start -c sc-sigpipe || { fail watch_starts "$(cat "$T/watch.err")"; exit 1; }
scen sigpipe || { watch_stop; exit 1; }
settle_and_stop
d=$(death_of "$victim")
one_record sigpipe_reports_one_death "$d" "victim $victim" || exit 1
expect sigpipe_is_kernel_other "$d" .cause kernel-other
expect sigpipe_signal_is_sigpipe "$d" .signal SIGPIPE
expect sigpipe_current_was_the_writer "$d" .sender.pid "$victim"
expect sigpipe_names_syscall_write "$d" .syscall write
expect_that sigpipe_kernel_stack_shows_pipe_write "$d" .kernel_stack \
	'[.[]? | test("pipe_write")] | any'
expect_that sigpipe_kernel_stack_is_symbolized "$d" .kernel_stack \
	'length > 0 and ([.[] | test("^[A-Za-z_.][A-Za-z0-9_.]*\\+0x[0-9a-f]+")] | all)'
expect sigpipe_victim_exit_is_sigpipe "$d" .exit.signal SIGPIPE

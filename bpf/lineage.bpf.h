/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lineage.bpf.h - the programs of `pidtrace run`'s lineage (user/trace/lineage.c):
 * which program a tracked task runs (exec), which pidfds it opens and
 * which children it reaps (one raw tracepoint on syscall exit). Included
 * by pidtrace.bpf.c after its helpers; restore's tracer (watchdog.bpf.c)
 * leaves them out. The fork record is in pidtrace.bpf.c, with the fork
 * program every tracer needs to follow children.
 */
#ifndef PT_LINEAGE_BPF_H
#define PT_LINEAGE_BPF_H

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_process_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct pt_exec_event *e;

	if (!cfg.lineage || !is_tracked(BPF_CORE_READ(task, tgid)))
		return 0;
	e = reserve(sizeof(*e), PT_EV_EXEC);
	if (!e)
		return 0;
	fill_task(&e->task, task);
	e->old_tid = old_pid;
	e->pad = 0;
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	submit(e);
	return 0;
}

/*
 * One raw tracepoint on every syscall exit, loaded only for `pidtrace run`
 * (lineage), filtered to the tracked tree at once. At exit the saved user
 * registers still hold the arguments, and the return value is at hand.
 */
SEC("raw_tp/sys_exit")
int lineage_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long ret = ctx->args[1];
	u64 id = bpf_get_current_pid_tgid();
	s32 nr;

	nr = BPF_CORE_READ(regs, orig_ax);
	if (nr != NR_pidfd_open && nr != NR_wait4 && nr != NR_waitid)
		return 0;
	if (!cfg.lineage || !is_tracked(id >> 32))
		return 0;
	if (nr == NR_pidfd_open) {
		struct pt_pidfd_event *e;

		if (ret < 0)
			return 0;
		e = reserve(sizeof(*e), PT_EV_PIDFD);
		if (!e)
			return 0;
		fill_task(&e->opener, bpf_get_current_task_btf());
		e->target_pid = BPF_CORE_READ(regs, di);
		e->flags = BPF_CORE_READ(regs, si);
		e->syscall_nr = nr;
		e->ret = ret;
		submit(e);
		return 0;
	}
	if (ret < 0 || (nr == NR_wait4 && ret == 0))
		return 0;
	{
		struct pt_reap_event *e = reserve(sizeof(*e), PT_EV_REAP);
		s32 status = 0;

		if (!e)
			return 0;
		fill_task(&e->reaper, bpf_get_current_task_btf());
		e->syscall_nr = nr;
		if (nr == NR_wait4) {
			/* wait4(pid, int *status, options, rusage) */
			u64 st = BPF_CORE_READ(regs, si);

			if (st)
				bpf_probe_read_user(&status, sizeof(status), (void *)st);
			e->target_pid = ret;
			e->idtype = -1;
			e->options = BPF_CORE_READ(regs, dx);
		} else {
			/* waitid(idtype, id, siginfo_t *infop, options): si_pid at
			 * offset 16, si_status at 24 in the x86-64 siginfo. */
			u64 infop = BPF_CORE_READ(regs, dx);
			u32 si_pid = 0;

			if (infop) {
				bpf_probe_read_user(&si_pid, sizeof(si_pid), (void *)infop + 16);
				bpf_probe_read_user(&status, sizeof(status), (void *)infop + 24);
			}
			e->target_pid = si_pid;
			e->idtype = BPF_CORE_READ(regs, di);
			e->options = BPF_CORE_READ(regs, r10);
		}
		e->status = status;
		e->pad = 0;
		submit(e);
	}
	return 0;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - `pidtrace show [-D DIR] [--json]`: read every file of an image,
 * check it (owner and mode, magic, version, sizes, checksums, page data
 * included, and what image_check.c checks of the contents) and print
 * the tree, each task's registers, signals, VMAs and fds, the pipes, shared
 * memory and pidfd targets.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "commands.h"
#include "escape.h"
#include "kind_locks.h"
#include "kinds.h"
#include "log.h"
#include "netlock.h"
#include "names.h"
#include "page.h"
#include "show.h"
#include "show_netns.h"
#include "show_cgroup.h"
#include "show_fown.h"
#include "show_mem.h"
#include "show_taskstate.h"
#include "show_threads.h"
#include "show_timers.h"
#include "units.h"

const char *show__vma_kind(VmaKind k)
{
	switch (k) {
	case VMA_KIND__VMA_ANON_PRIVATE: return "anon-private";
	case VMA_KIND__VMA_ANON_SHARED: return "anon-shared";
	case VMA_KIND__VMA_FILE_PRIVATE: return "file-private";
	case VMA_KIND__VMA_FILE_SHARED: return "file-shared";
	case VMA_KIND__VMA_VDSO: return "vdso";
	case VMA_KIND__VMA_VSYSCALL: return "vsyscall";
	default: return "?";
	}
}

const char *show__pidfd_state(PidfdState s)
{
	switch (s) {
	case PIDFD_STATE__PIDFD_ALIVE_IN_TREE: return "alive-in-tree";
	case PIDFD_STATE__PIDFD_ALIVE_OUTSIDE: return "alive-outside";
	case PIDFD_STATE__PIDFD_ZOMBIE: return "zombie";
	case PIDFD_STATE__PIDFD_REAPED: return "reaped";
	default: return "?";
	}
}

void show__open_flags(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" }, { O_DSYNC, "O_DSYNC" },
		{ O_DIRECT, "O_DIRECT" }, { O_LARGEFILE, "O_LARGEFILE" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" }, { 04000000, "O_SYNC" },
		{ O_PATH, "O_PATH" }, { O_EXCL, "O_EXCL" }, { O_ASYNC, "O_ASYNC" },
	};
	const char *acc = (flags & O_ACCMODE) == O_RDONLY ? "O_RDONLY" :
			  (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDWR";
	size_t i, n;

	n = snprintf(buf, len, "%s", acc);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]) && n < len; i++)
		if (flags & bits[i].bit)
			n += snprintf(buf + n, len - n, "|%s", bits[i].name);
}

const char *show__rlimit_name(uint32_t res)
{
	static const char *const names[] = {
		"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
		"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
	};

	return res < sizeof(names) / sizeof(names[0]) ? names[res] : "?";
}

const PidfdTargetEntry *show__pidfd_target(const struct image_tree *s, uint64_t ino)
{
	size_t i;

	for (i = 0; s->pidfds && i < s->pidfds->n_targets; i++)
		if (s->pidfds->targets[i]->ino == ino)
			return s->pidfds->targets[i];
	return NULL;
}

uint64_t show__shmem_pages(const struct image_tree *s, uint64_t shmid)
{
	uint64_t n = 0;
	size_t i, j;

	for (i = 0; s->shmem && i < s->shmem->n_objects; i++)
		if (s->shmem->objects[i]->shmid == shmid)
			for (j = 0; j < s->shmem->objects[i]->n_extents; j++)
				n += s->shmem->objects[i]->extents[j]->nr_pages;
	return n;
}

/* ---- loading and checking ---- */

/*
 * The reader has checked that every run lies inside its pages file; show
 * also reads the page data once, for its checksum.
 */
static int check_pages(struct image_tree *s, const char *name)
{
	uint64_t off, size;
	int fd, err;

	err = image__pages_open(s->img, name, true, &fd, &off, &size);
	if (!err)
		close(fd);
	return err;
}

static int load(struct image_tree *s)
{
	size_t i;
	int err;

	err = image_tree__load(s->img, s);
	for (i = 0; !err && i < s->ntasks; i++)
		if (s->tasks[i].pagemap)
			err = check_pages(s, s->tasks[i].pagemap->pages_file);
	if (!err && s->shmem)
		err = check_pages(s, s->shmem->pages_file);
	return err;
}

/* ---- human output ---- */

static void sigset_names(uint64_t mask, char *buf, size_t len)
{
	char nb[16];
	size_t n = 0;
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= 64 && n < len; sig++)
		if (mask & (1ULL << (sig - 1)))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", names__signame(sig, nb, sizeof(nb)));
	if (!n)
		snprintf(buf, len, "-");
}

static void print_tree(const struct image_tree *s)
{
	size_t i;

	printf("%-8s %-8s %-8s %-8s %-7s %s\n", "PID", "PPID", "PGID", "SID", "STATE", "COMM");
	for (i = 0; i < s->ntasks; i++) {
		const TaskCore *c = s->tasks[i].core;

		printf("%-8u %-8u %-8u %-8u %-7s %s", c->pid, c->ids->ppid, c->ids->pgid,
		       c->ids->sid, c->state == TASK_STATE__TASK_ZOMBIE ? "zombie" :
		       c->has_stop_sig ? "stopped" : "alive",
		       escape__str(c->comm));
		if (c->has_exit_status)
			printf(" (wait status 0x%x)", c->exit_status);
		if (c->has_stop_sig) {
			char nb[16];

			printf(" (by %s)", names__signame(c->stop_sig, nb, sizeof(nb)));
		}
		if (c->ctty_dev)
			printf(" (terminal %s, device %u:%u, foreground %d)",
			       escape__str(c->ctty_dev->path), major(c->ctty_dev->rdev),
			       minor(c->ctty_dev->rdev), c->ctty_dev->fg_pgrp);
		printf("\n");
	}
}

static void print_signals(const TaskCore *c)
{
	const ThreadCore *th = c->thread;
	char buf[512], nb[16];
	size_t i;

	sigset_names(th->blocked, buf, sizeof(buf));
	printf("  signals: blocked %s", buf);
	if (c->has_pdeath_sig && c->pdeath_sig)
		printf("; pdeath %s", names__signame(c->pdeath_sig, nb, sizeof(nb)));
	if (th->sigaltstack && !(th->sigaltstack->flags & SS_DISABLE))
		printf("; altstack 0x%lx size %lu", th->sigaltstack->sp, th->sigaltstack->size);
	printf("\n");
	for (i = 0; i < th->n_pending + c->n_shared_pending; i++) {
		const SiginfoEntry *e = i < th->n_pending ? th->pending[i] :
				       c->shared_pending[i - th->n_pending];

		printf("    pending %-10s %-7s code %d", names__signame(e->signo, nb, sizeof(nb)),
		       i < th->n_pending ? "thread" : "process", e->code);
		if (e->has_sender_pid)
			printf(", from pid %d uid %u", e->sender_pid, e->sender_uid);
		printf("\n");
	}
	for (i = 0; i < c->n_sigactions; i++) {
		const SigactionEntry *a = c->sigactions[i];

		if (!a->handler && !a->flags && !a->mask)
			continue;
		sigset_names(a->mask, buf, sizeof(buf));
		printf("    %-12s %-18s flags 0x%-8lx mask %s\n", names__signame(a->sig, nb, sizeof(nb)),
		       a->handler == 0 ? "SIG_DFL" : a->handler == 1 ? "SIG_IGN" : "", a->flags, buf);
		if (a->handler > 1)
			printf("%*shandler 0x%lx\n", 17, "", a->handler);
	}
}

static void print_regs(const TaskCore *c)
{
	const ThreadCore *th = c->thread;
	const UserRegs *r = th->regs;

	printf("  regs: rip 0x%lx rsp 0x%lx rax 0x%lx fs_base 0x%lx; xstate %zu bytes\n", r->rip,
	       r->rsp, r->rax, r->fs_base, th->xstate.len);
	if (th->has_syscall_nr)
		printf("  in syscall %ld (returned %ld)%s\n", th->syscall_nr, th->syscall_ret,
		       th->syscall_restart ? ": rewound to restart" : "");
	if (th->rseq && th->rseq->pointer)
		printf("  rseq 0x%lx size %u\n", th->rseq->pointer, th->rseq->size);
}

static void print_vmas(const struct image_task *t)
{
	char sz[24], prot[5];
	size_t i;

	printf("  VMAs: %zu, %lu pages stored (%s)\n", t->mm->n_vmas, t->pagemap->nr_pages,
	       t->pagemap->pages_file);
	printf("    %-12s %-12s %10s %-4s %-12s %6s %s\n", "START", "END", "SIZE", "PROT", "KIND",
	       "PAGES", "NAME");
	for (i = 0; i < t->mm->n_vmas; i++) {
		const VmaEntry *v = t->mm->vmas[i];

		units__bytes(v->end - v->start, sz, sizeof(sz));
		snprintf(prot, sizeof(prot), "%c%c%c%c", v->prot & PROT_READ ? 'r' : '-',
			 v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
			 v->flags & MAP_SHARED ? 's' : 'p');
		printf("    %-12lx %-12lx %10s %-4s %-12s %6lu %s\n", v->start, v->end, sz, prot,
		       show__vma_kind(v->kind), v->has_dumped_pages ? v->dumped_pages : 0,
		       escape__str(v->path ? v->path : v->name ? v->name : ""));
		show_mem__print_vma(v);
		if (v->ghost)
			printf("      deleted file %s, %lu bytes %s\n", escape__str(v->ghost->path),
			       (unsigned long)v->ghost->size,
			       v->ghost->data_here ? "saved here" : "saved with another mapping or fd");
	}
}

static void print_files(const struct image_tree *s, const struct image_task *t)
{
	char flags[160], obj[512];
	const struct fd_kind *k;
	size_t i;

	printf("  cwd %s%s, root %s, umask %04o\n", escape__str(t->files->cwd),
	       t->files->cwd_removed ? " (removed)" : "", escape__str(t->files->root),
	       t->files->umask);
	if (t->files->has_fd_table_of) {
		printf("  fd table: pid %d's (shared, CLONE_FILES)\n", t->files->fd_table_of);
		return;
	}
	/* TYPE: as wide as the longest kind's name ("signalfd"). */
	printf("    %-4s %-8s %-24s %-3s %8s %s\n", "FD", "TYPE", "FLAGS", "OFD", "POS", "OBJECT");
	for (i = 0; i < t->files->n_fds; i++) {
		const FdEntry *e = t->files->fds[i];

		show__open_flags(e->flags | (e->cloexec ? O_CLOEXEC : 0), flags, sizeof(flags));
		k = kinds__find(e->type);
		printf("    %-4u %-8s %-24s %-3u %8lu ", e->fd, kinds__name(e->type), flags,
		       e->ofd_id, e->has_pos ? e->pos : 0);
		/* What the kind says of it, else its path: escaped, either may be anyone's. */
		if (k && k->describe && k->describe(s, e, obj, sizeof(obj)))
			printf("%s\n", escape__str(obj));
		else
			printf("%s\n", escape__str(e->path));
		kind_locks__print(e);
		show_fown__print(e);
		if (k && k->print)
			k->print(e);
	}
}

static void print_limits(const TaskCore *c)
{
	size_t i, col = 9;

	printf("  limits:");
	for (i = 0; i < c->n_rlimits; i++) {
		char cur[24], max[24], item[64];
		const RlimitEntry *r = c->rlimits[i];
		int n;

		snprintf(cur, sizeof(cur), r->cur == RLIM_INFINITY ? "inf" : "%lu", r->cur);
		snprintf(max, sizeof(max), r->max == RLIM_INFINITY ? "inf" : "%lu", r->max);
		n = snprintf(item, sizeof(item), " %s=%s/%s", show__rlimit_name(r->resource), cur, max);
		if (col + n > 96) {
			printf("\n         ");
			col = 9;
		}
		printf("%s", item);
		col += n;
	}
	printf("\n");
}

static void print_task(const struct image_tree *s, const struct image_task *t)
{
	const TaskCore *c = t->core;
	const TaskCreds *cr = c->creds;

	printf("\npid %u (%s)%s\n", c->pid, escape__str(c->comm),
	       c->state == TASK_STATE__TASK_ZOMBIE ? ": zombie" : "");
	if (cr && cr->n_uid >= 4 && cr->n_gid >= 4)
		printf("  creds: uid %u/%u/%u/%u gid %u/%u/%u/%u caps eff 0x%lx\n", cr->uid[0],
		       cr->uid[1], cr->uid[2], cr->uid[3], cr->gid[0], cr->gid[1], cr->gid[2],
		       cr->gid[3], cr->cap_eff);
	show_cgroup__print(c);
	if (c->state == TASK_STATE__TASK_ZOMBIE)
		return;
	if (c->mm) {
		printf("  exe %s\n", escape__str(c->mm->exe_path));
		printf("  brk 0x%lx-0x%lx; stack 0x%lx; args 0x%lx-0x%lx\n", c->mm->start_brk,
		       c->mm->brk, c->mm->start_stack, c->mm->arg_start, c->mm->arg_end);
	}
	print_regs(c);
	print_signals(c);
	show_threads__print(c);
	show_taskstate__print(c);
	print_limits(c);
	show_timers__print(c);
	print_vmas(t);
	print_files(s, t);
}

static void print_shared(const struct image_tree *s)
{
	char nb[16];
	size_t i, j;

	if (s->pipes && s->pipes->n_pipes)
		printf("\npipes:\n");
	for (i = 0; s->pipes && i < s->pipes->n_pipes; i++)
		printf("  pipe:[%lu] capacity %u, %zu bytes buffered\n", s->pipes->pipes[i]->ino,
		       s->pipes->pipes[i]->capacity, s->pipes->pipes[i]->data.len);
	if (s->shmem && s->shmem->n_objects)
		printf("\nshared memory:\n");
	for (i = 0; s->shmem && i < s->shmem->n_objects; i++)
		show_mem__print_shmem(s->shmem->objects[i],
					show__shmem_pages(s, s->shmem->objects[i]->shmid));
	show_cgroup__print_image(s->cgroups);
	if (s->pidfds && s->pidfds->n_targets)
		printf("\npidfd targets:\n");
	for (i = 0; s->pidfds && i < s->pidfds->n_targets; i++) {
		const PidfdTargetEntry *p = s->pidfds->targets[i];

		printf("  pidfs %-8lu %-13s pid", p->ino, show__pidfd_state(p->state));
		for (j = 0; j < p->n_nspid; j++)
			printf("%s%u", j ? "/" : " ", p->nspid[j]);
		if (p->has_exit_status) {
			printf(", wait status 0x%x", p->exit_status);
			if ((p->exit_status & 0x7f) == 0)
				printf(" (exit %d)", (p->exit_status >> 8) & 0xff);
			else
				printf(" (%s)", names__signame(p->exit_status & 0x7f, nb, sizeof(nb)));
		}
		if (p->comm && *p->comm)
			printf(", comm %s", escape__str(p->comm));
		if (p->death) {
			printf("\n    died: %s, child of %u (%s)", escape__str(p->death->comm),
			       p->death->ppid, escape__str(p->death->parent_comm));
			if (p->death->has_sig)
				printf(", %s from pid %u (%s)", names__signame(p->death->sig, nb, sizeof(nb)),
				       p->death->killer_pid,
				       p->death->killer_comm ? escape__str(p->death->killer_comm) : "?");
		}
		/* Holders, four to a line. */
		for (j = 0; j < p->n_holders; j++)
			printf("%s pid %u fd %u%s", j % 4 ? "," : j ? "\n          " : "\n    held by",
			       p->holders[j]->pid, p->holders[j]->fd,
			       p->holders[j]->thread ? " (thread)" : "");
		printf("\n");
	}
}

static void print_human(const struct image_tree *s)
{
	char when[64], id[64];
	time_t sec = s->inv->created_ns / 1000000000ULL;
	size_t i;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&sec));
	image__id_str(s->img, id, sizeof(id));
	printf("image %s: format %u, pidtrace %s, kernel %s, dumped %s\n",
	       escape__str(image__dir(s->img)), s->inv->format_version,
	       escape__str(s->inv->pidtrace_version), escape__str(s->inv->kernel_release), when);
	printf("image id %s\n", id);
	printf("root pid %u, %zu task%s, %zu files%s\n", s->inv->root_pid, s->ntasks,
	       s->ntasks == 1 ? "" : "s", s->inv->n_files,
	       s->inv->leave_running ? ", tree left running" : "");
	/* Not in the image: restore joins them (--join-ns). */
	for (i = 0; i < s->inv->n_external_ns; i++)
		printf("external %s namespace %s:[%lu]%s%s (restore --join-ns)\n",
		       escape__str(s->inv->external_ns[i]->kind),
		       escape__str(s->inv->external_ns[i]->kind),
		       (unsigned long)s->inv->external_ns[i]->ino,
		       s->inv->external_ns[i]->path ? " " : "",
		       s->inv->external_ns[i]->path ? escape__str(s->inv->external_ns[i]->path) : "");
	show_netns__print(s->inv);
	/* Held until a restore succeeds: its TCP peers are kept waiting meanwhile. */
	if (s->inv->netlock)
		printf("network lock %s: %s\n", escape__str(s->inv->netlock),
		       netlock__exists(s->inv->netlock) ?
			       "held (removed by a restore, or restore --unlock-only)" :
			       "gone (restored, or removed)");
	printf("\n");
	print_tree(s);
	for (i = 0; i < s->ntasks; i++)
		print_task(s, &s->tasks[i]);
	print_shared(s);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: pidtrace show [-D DIR] [--json]\n\n"
		   "Decode and check the image in DIR (default: the current directory):\n"
		   "the tree, each task's registers, signals, limits, VMAs and fds, pipes,\n"
		   "shared memory and pidfd targets. Every file's checksum is verified.\n\n"
		   "  -D, --images-dir DIR  the image directory\n"
		   "      --json            one JSON document (described in docs/image.md)\n");
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "images-dir", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct image_tree s;
	struct image *img;
	const char *dir = ".";
	char why[512];
	bool json = false;
	int c, err;

	memset(&s, 0, sizeof(s));
	cmdline__begin();
	while ((c = getopt_long(argc, argv, ":D:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return cmdline__bad_option("show", c, argv);
		}
	}
	if (cmdline__no_arguments_left("show", argc, argv))
		return EXIT_USAGE;
	log__set_json(json);
	err = image__open(dir, &s.img);
	if (!err)
		err = load(&s);
	/* A complete image, and what a killed dump left next to it. */
	if (!err && !json && image__leftovers(s.img, why, sizeof(why)))
		pr_warn("%s/%s", dir, why);
	if (!err) {
		if (json)
			show_json__print(&s, stdout);
		else
			print_human(&s);
	}
	img = s.img;
	image_tree__free(&s);
	image__free(img);
	return err ? 1 : 0;
}

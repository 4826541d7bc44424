/* SPDX-License-Identifier: GPL-2.0 */
/*
 * procfs.h - reading /proc/PID files the way dump needs them: whole, at
 * once, with "the process is gone" told apart from other failures.
 */
#ifndef PT_PROCFS_H
#define PT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The fields of /proc/PID/stat that dump uses (proc(5) numbering). */
struct procfs_stat {
	char comm[64];		/* (2) */
	char state;		/* (3) R S D T t Z X ... */
	pid_t ppid;		/* (4) */
	pid_t pgrp;		/* (5) */
	pid_t session;		/* (6) */
	int tty_nr;		/* (7) the controlling terminal's device number, 0: none */
	pid_t tpgid;		/* (8) its foreground process group, -1: none */
	unsigned long flags;	/* (9) PF_*: PF_RANDOMIZE 0x400000 */
	long nice;		/* (19) */
	long threads;		/* (20) */
	uint64_t starttime;	/* (22) clock ticks after boot */
	uint64_t startcode;	/* (26) */
	uint64_t endcode;	/* (27) */
	uint64_t startstack;	/* (28) */
	int exit_signal;	/* (38) */
	uint64_t start_data;	/* (45) */
	uint64_t end_data;	/* (46) */
	uint64_t start_brk;	/* (47) */
	uint64_t arg_start;	/* (48) */
	uint64_t arg_end;	/* (49) */
	uint64_t env_start;	/* (50) */
	uint64_t env_end;	/* (51) */
	int exit_code;		/* (52) raw wait status of a zombie */
};

/**
 * procfs__read() - read /proc/@pid/@name (pid 0: /proc/self) whole.
 * @out: malloc'ed, NUL-terminated; @len (may be NULL): bytes read.
 * Return: 0, -ESRCH when the process does not exist, other -errno.
 */
int procfs__read(pid_t pid, const char *name, char **out, size_t *len);

/**
 * procfs__write() - write @len bytes of @buf to /proc/@pid/@name in one
 * write(), as the kernel's knobs want them.
 * Return: 0, -errno; -EIO for a short write (the value was not taken).
 */
int procfs__write(pid_t pid, const char *name, const char *buf, size_t len);

/**
 * procfs__autogroup() - the session autogroup of @pid (0: pidtrace).
 * /proc/@pid/autogroup says "/autogroup-ID nice N" while the task's
 * session has an autogroup of its own (setsid() made one) and nothing
 * while it is in the boot-time one, PID 1's, that no setsid() left and
 * whose nice cannot be set (a runner started without setsid() and all
 * it starts are there).
 * Return: 0; -ENODATA in the boot-time autogroup; -ENOENT without
 * autogroups (no such file); -ESRCH; -EINVAL for any other text.
 */
int procfs__autogroup(pid_t pid, unsigned long *id, int *nice);
/* The same, of the file's text @buf. */
int procfs__parse_autogroup(const char *buf, unsigned long *id, int *nice);

/* Parse /proc/@pid/stat. Return: 0, -ESRCH, -EINVAL (unexpected format). */
int procfs__stat(pid_t pid, struct procfs_stat *st);
/* Parse the text of a stat file (NUL-terminated). Return: 0 or -EINVAL. */
int procfs__parse_stat(const char *buf, struct procfs_stat *st);

/*
 * The value of a "Key:\tvalue" line of @buf (status, fdinfo, smaps...),
 * NULL if absent. Points into @buf: it runs to the end of that line.
 */
const char *procfs__field(const char *buf, const char *key);

/* Parse the field as decimal/hex/octal; -ENOENT if absent, -EINVAL if bad. */
int procfs__field_u64(const char *buf, const char *key, int base, uint64_t *val);

/* Up to @max whitespace-separated numbers of a field (NSpid:, Uid:...). */
int procfs__field_list(const char *buf, const char *key, uint32_t *vals, size_t max, size_t *n);

/* readlink(/proc/@pid/@name) into @buf; -ESRCH when the process is gone. */
int procfs__readlink(pid_t pid, const char *name, char *buf, size_t len);

/* 1 if /proc/@pid exists (any state), 0 if not. */
int procfs__exists(pid_t pid);

/*
 * Whether a proc file system is mounted at /proc where pidtrace runs
 * (a mount namespace may have none: every pid would look gone, ESRCH).
 * Return: 0 or -errno, with a line said.
 */
int procfs__check_mounted(void);
/* Does the VmFlags line of smaps (@vmflags: "rd wr mr mw me ac") hold the two-letter @flag? */
bool procfs__has_vmflag(const char *vmflags, const char *flag);

#endif

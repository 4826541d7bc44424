// SPDX-License-Identifier: GPL-2.0
/*
 * journal.c - deaths as native journal entries (journald's native
 * protocol, spoken here: one datagram per entry on its socket).
 *
 * Native rather than JSON text on stdout: journald then indexes every
 * PIDTRACE_* field, so `journalctl PIDTRACE_CAUSE=oom-kill` or
 * `journalctl MESSAGE_ID=...` finds the entries on this host, and
 * systemd-journal-upload carries the same fields to a central host.
 * Values are sent as they are (the journal is binary-safe: a comm with a
 * newline stays one field); journalctl escapes them when it prints.
 *
 * The protocol is small enough not to link libsystemd for it: that library
 * and the five it pulls in cost every pidtrace command ~0.5 ms of CPU in
 * dynamic loading (docs/PERFORMANCE.md, round six), and it reports success
 * for an entry it dropped because the socket is gone. Here every failure
 * is an error.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "output.h"

#define MAX_FIELDS 32
/* syslog(3) priorities (log.h has names of its own that syslog.h's would clash with). */
#define PRIO_ERR 3
#define PRIO_WARNING 4
#define PRIO_NOTICE 5
#define PRIO_INFO 6
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/*
 * One MESSAGE_ID per cause class, made once at random (as journald's
 * catalog wants) and never changed: alerts and saved searches use them.
 */
static const char *const message_ids[CAUSE__COUNT] = {
	[CAUSE_UNKNOWN] = "1d944d893e0a43cabcf2645ba4d7ad5e",
	[CAUSE_KILL_SYSCALL] = "7ed4aadd2b95414ca26455476a078875",
	[CAUSE_OOM_KILL] = "f88802b8c3cd414b8617c5c6b7760300",
	[CAUSE_PIDNS_TEARDOWN] = "4f48fd32304e47508db50fc4e4a7218d",
	[CAUSE_GROUP_EXIT] = "4fc4f4a4b5c3413091bee8df8c7e064f",
	[CAUSE_EXEC_DE_THREAD] = "210c41749b76493389377ab4cec3b55d",
	[CAUSE_PARENT_DEATH_SIGNAL] = "e66b8842ae0944048fbb9d2d5905eed7",
	[CAUSE_RLIMIT_CPU] = "7d776e4928104506b9a7000e1f432ab1",
	[CAUSE_CGROUP_KILL] = "204241c6d8fb47ecb6dddb7cfcffdc72",
	[CAUSE_SECCOMP] = "dbb2a2b8aecb4da1a956f7b306983343",
	[CAUSE_PTRACE_KILL] = "ac4b16c5f503464fbed808fca5fd3203",
	[CAUSE_FAULT] = "c58a499a46ac41f7a242bbdb1c8f513e",
	[CAUSE_TTY] = "603a649141f44422b827aaed5cc566da",
	[CAUSE_RESTORE_HELPER] = "f55faa779da94b59b51bf903cee8f153",
	[CAUSE_RESTORE_ROLLBACK] = "999120976f8349c18d996ae1a30cd2c3",
	[CAUSE_KERNEL_OTHER] = "7fc8a70846c642dda59fe2354598aada",
};

/* The "watch started" entry: not a death. */
#define MESSAGE_ID_STARTED "0b6c1f3e9d2a4e7f8a5b3c1d2e4f6a70"

struct journal {
	uint64_t errors;
	int last_err;
};

struct fields {
	struct iovec v[MAX_FIELDS];
	int n;
	bool oom; /* an allocation failed: the entry is not sent */
};

static void add(struct fields *f, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	if (f->n == MAX_FIELDS) {
		f->oom = true;
		return;
	}
	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len < 0) {
		f->oom = true;
		return;
	}
	f->v[f->n].iov_base = s;
	f->v[f->n].iov_len = len;
	f->n++;
}

static void fields_free(struct fields *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].iov_base);
	f->n = 0;
}

const char *journal__message_id(enum cause c)
{
	return (c >= 0 && c < CAUSE__COUNT && message_ids[c]) ? message_ids[c]
							       : message_ids[CAUSE_UNKNOWN];
}

int journal__priority(enum cause c, bool expected)
{
	if (expected)
		return PRIO_INFO;
	switch (c) {
	case CAUSE_OOM_KILL:
	case CAUSE_FAULT:
		return PRIO_ERR;
	case CAUSE_KILL_SYSCALL:
	case CAUSE_GROUP_EXIT:
	case CAUSE_EXEC_DE_THREAD:
	case CAUSE_PARENT_DEATH_SIGNAL:
	case CAUSE_RESTORE_HELPER:
		return PRIO_NOTICE;
	default:
		return PRIO_WARNING;
	}
}

/*
 * One entry as journald reads it: "NAME=value\n" for a value without a
 * newline; otherwise "NAME\n", the value's length as 64-bit little endian,
 * the value, "\n" (binary-safe). Entries here are a few hundred bytes (the
 * longest field is a cgroup path), so one datagram always holds them: a
 * larger one fails with EMSGSIZE, counted and said like any other error.
 */
static int journal_sendv(const struct iovec *v, int n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
	size_t len = 0, off = 0;
	char *buf = NULL;
	int fd = -1, err = 0, i;

	for (i = 0; i < n; i++)
		len += v[i].iov_len + 1 + 8 + 1;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *f = v[i].iov_base, *eq = memchr(f, '=', v[i].iov_len);
		size_t nlen, vlen;
		uint64_t le;

		if (!eq) {
			err = -EINVAL;
			goto out;
		}
		nlen = eq - f;
		vlen = v[i].iov_len - nlen - 1;
		if (!memchr(eq + 1, '\n', vlen)) {
			memcpy(buf + off, f, v[i].iov_len);
			off += v[i].iov_len;
		} else {
			memcpy(buf + off, f, nlen);
			off += nlen;
			buf[off++] = '\n';
			le = htole64(vlen);
			memcpy(buf + off, &le, 8);
			off += 8;
			memcpy(buf + off, eq + 1, vlen);
			off += vlen;
		}
		buf[off++] = '\n';
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	/*
	 * Not blocking: a journald that stopped reading would otherwise stall
	 * the ring buffer's reader, and kills would be lost instead of one
	 * entry. A full queue gets a moment to drain, then the entry is an
	 * error (counted, said, and the exit status says so).
	 */
	for (i = 0; i < 2; i++) {
		err = 0;
		if (sendto(fd, buf, off, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&sa,
			   sizeof(sa)) >= 0)
			break;
		err = -errno;
		if (err != -EAGAIN || i)
			break;
		/* Unconnected, the socket cannot be polled for the peer's room. */
		usleep(100 * 1000);
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

static int send_fields(struct journal *j, struct fields *f)
{
	int err = f->oom ? -ENOMEM : journal_sendv(f->v, f->n);

	fields_free(f);
	if (err < 0) {
		j->errors++;
		if (err != j->last_err)
			pr_err("journal: cannot send an entry: %s (counted)", strerror(-err));
		j->last_err = err;
		return err;
	}
	j->last_err = 0;
	return 0;
}

static void add_task(struct fields *f, const char *who, const struct xtask *t)
{
	add(f, "PIDTRACE_%s_PID=%u", who, t->pid);
	add(f, "PIDTRACE_%s_TID=%u", who, t->tid);
	add(f, "PIDTRACE_%s_COMM=%s", who, t->comm);
	add(f, "PIDTRACE_%s_UID=%u", who, t->uid);
}

int journal__record(struct journal *j, const struct xrec *r)
{
	static const char *const kinds[] = { "unknown", "user", "kernel" };
	struct fields f = { .n = 0 };
	char buf[32];
	const char *sig = output__signame(r->signo, buf, sizeof(buf));
	bool death = r->kind == XREC_DEATH;

	add(&f, "MESSAGE=pid %u (%s) %s %s: %s: %s", r->victim.pid, r->victim.comm,
	    death ? "died by" : "was sent", sig, cause__name(r->cause), r->detail);
	add(&f, "MESSAGE_ID=%s", journal__message_id(r->cause));
	add(&f, "PRIORITY=%d", death ? journal__priority(r->cause, r->expected) : PRIO_INFO);
	add(&f, "SYSLOG_IDENTIFIER=pidtrace");
	add(&f, "PIDTRACE_EVENT=%s", death ? "death" : "signal");
	add(&f, "PIDTRACE_CAUSE=%s", cause__name(r->cause));
	add(&f, "PIDTRACE_SIGNAL=%s", sig);
	add(&f, "PIDTRACE_SIGNO=%d", r->signo);
	add(&f, "PIDTRACE_EXPECTED=%d", r->expected);
	add_task(&f, "VICTIM", &r->victim);
	if (r->victim.cgroup[0])
		add(&f, "PIDTRACE_CGROUP=%s", r->victim.cgroup);
	add(&f, "PIDTRACE_SENDER_KIND=%s", kinds[r->sender_kind <= SENDER_KERNEL ? r->sender_kind : 0]);
	if (r->has_sender)
		add_task(&f, "SENDER", &r->sender);
	if (r->syscall)
		add(&f, "PIDTRACE_SYSCALL=%s", r->syscall);
	if (r->si_code)
		add(&f, "PIDTRACE_SI_CODE=%s", r->si_code);
	if (r->sender_fn[0])
		add(&f, "PIDTRACE_SENDER_FUNCTION=%s", r->sender_fn);
	if (r->sender_src[0])
		add(&f, "PIDTRACE_SENDER_SOURCE=%s", r->sender_src);
	if (r->has_exit)
		add(&f, "PIDTRACE_EXIT_STATUS=%u", r->exit_status);
	if (r->delay_us >= 0 && r->has_gen && r->has_exit)
		add(&f, "PIDTRACE_DELAY_US=%lld", (long long)r->delay_us);
	if (r->nk)
		add(&f, "PIDTRACE_KERNEL_FUNCTION=%s", r->kstack[0]);
	if (r->has_oom)
		add(&f, "PIDTRACE_OOM_MEMCG=%s", r->oom.memcg);
	return send_fields(j, &f);
}

/*
 * A missing journald is found before the first death by connecting once:
 * `--journal` then refuses to start rather than fail at every entry.
 */
static int journal_listening(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		err = -errno;
	close(fd);
	return err;
}

int journal__check(struct journal *j)
{
	int err = journal_listening();

	if (err && err != j->last_err)
		pr_err("journal: journald stopped answering on " JOURNAL_SOCKET ": %s",
		       strerror(-err));
	if (err)
		j->errors++;
	j->last_err = err;
	return err;
}

uint64_t journal__errors(const struct journal *j)
{
	return j ? j->errors : 0;
}

struct journal *journal__new(void)
{
	struct journal *j = calloc(1, sizeof(*j));
	struct fields f = { .n = 0 };
	int err;

	if (!j) {
		errno = ENOMEM;
		return NULL;
	}
	add(&f, "MESSAGE=pidtrace watch: journal output started");
	add(&f, "MESSAGE_ID=%s", MESSAGE_ID_STARTED);
	add(&f, "PRIORITY=%d", PRIO_INFO);
	add(&f, "SYSLOG_IDENTIFIER=pidtrace");
	err = journal_listening();
	if (!err)
		err = f.oom ? -ENOMEM : journal_sendv(f.v, f.n);
	fields_free(&f);
	if (err < 0) {
		pr_err("--journal: journald does not answer on " JOURNAL_SOCKET ": %s",
		       strerror(-err));
		free(j);
		errno = -err;
		return NULL;
	}
	return j;
}

void journal__free(struct journal *j)
{
	free(j);
}

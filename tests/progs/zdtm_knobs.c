// SPDX-License-Identifier: GPL-2.0
/*
 * zdtm_knobs - per-process settings the kernel keeps outside memory and
 * fds survive: oom_score_adj 345, loginuid 1234 (set by the process
 * itself, which an unset loginuid allows), PR_SET_THP_DISABLE, every
 * membarrier registration the kernel supports, and PR_SET_CHILD_SUBREAPER
 * with a child that has a child of its own (zdtm child_subreaper and
 * child_subreaper_existing_child).
 *
 * After SIGTERM: each is read back and must match (membarrier by
 * MEMBARRIER_CMD_GET_REGISTRATIONS and by running every registered
 * command); then the child exits and its orphan must be reparented to
 * us, the subreaper, not to init. PASS or FAIL: why.
 */
#include <fcntl.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

#define OOM 345
#define MEMBARRIER_CMD_GET_REGISTRATIONS_ (1 << 9) /* not in every linux/membarrier.h */
#define LOGINUID 1234

struct shared {
	volatile int go;	/* 1: the middle child exits */
	volatile int done;	/* the orphan saw its new parent */
	volatile pid_t ppid;	/* what it saw */
};

static const struct {
	int reg, cmd;
} mb[] = {
	{ MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, MEMBARRIER_CMD_GLOBAL_EXPEDITED },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, MEMBARRIER_CMD_PRIVATE_EXPEDITED },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
	  MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE },
	{ MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ },
};

static long membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

static void put(const char *path, long v)
{
	char buf[32];
	int fd, len = snprintf(buf, sizeof(buf), "%ld", v);

	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, buf, len) != len)
		zdtm_fail("write %s", path);
	close(fd);
}

static long get(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		zdtm_fail("read %s", path);
	close(fd);
	return strtol(buf, NULL, 10);
}

static void nap(void)
{
	struct timespec ts = { 0, 2000000 };

	nanosleep(&ts, NULL);
}

/* The orphan: waits for its parent to die, notes who adopted it. */
static void orphan(struct shared *sh, pid_t parent)
{
	while (getppid() == parent)
		nap();
	sh->ppid = getppid();
	sh->done = 1;
	_exit(0);
}

int main(void)
{
	struct shared *sh;
	pid_t mid, pid;
	long supported, regs = 0, r;
	int i, v = 0, status;

	zdtm_init();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		zdtm_fail("mmap");
	put("/proc/self/oom_score_adj", OOM);
	put("/proc/self/loginuid", LOGINUID);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		zdtm_fail("PR_SET_THP_DISABLE");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		zdtm_fail("PR_SET_CHILD_SUBREAPER");
	supported = membarrier(MEMBARRIER_CMD_QUERY);
	if (supported < 0)
		zdtm_fail("MEMBARRIER_CMD_QUERY");
	for (i = 0; i < (int)(sizeof(mb) / sizeof(mb[0])); i++) {
		if (!(supported & mb[i].reg))
			continue;
		if (membarrier(mb[i].reg))
			zdtm_fail("membarrier register 0x%x", mb[i].reg);
		regs |= mb[i].reg;
	}
	mid = fork();
	if (mid < 0)
		zdtm_fail("fork");
	if (!mid) {
		pid_t me = getpid();

		if (fork() == 0)
			orphan(sh, me);
		while (!sh->go)
			nap();
		_exit(0);
	}
	zdtm_ready();
	zdtm_wait_term();

	if ((r = get("/proc/self/oom_score_adj")) != OOM)
		zdtm_fail("oom_score_adj %ld, expected %d", r, OOM);
	if ((r = get("/proc/self/loginuid")) != LOGINUID)
		zdtm_fail("loginuid %ld, expected %d", r, LOGINUID);
	if ((r = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0)) != 1)
		zdtm_fail("PR_GET_THP_DISABLE %ld, expected 1", r);
	if (prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0) || v != 1)
		zdtm_fail("PR_GET_CHILD_SUBREAPER %d, expected 1", v);
	r = membarrier(MEMBARRIER_CMD_GET_REGISTRATIONS_);
	if (r != regs)
		zdtm_fail("membarrier registrations 0x%lx, expected 0x%lx", r, regs);
	for (i = 0; i < (int)(sizeof(mb) / sizeof(mb[0])); i++)
		if ((regs & mb[i].reg) && membarrier(mb[i].cmd))
			zdtm_fail("membarrier command 0x%x", mb[i].cmd);
	/* The middle child goes: its child must come to us. */
	sh->go = 1;
	if (waitpid(mid, &status, 0) != mid)
		zdtm_fail("waitpid(middle child)");
	for (i = 0; i < 5000 && !sh->done; i++)
		nap();
	if (!sh->done)
		zdtm_fail("the orphan never saw its parent change");
	pid = wait(&status);
	if (sh->ppid != getpid())
		zdtm_fail("the orphan was reparented to %d, not to us (%d)", sh->ppid, getpid());
	if (pid <= 0)
		zdtm_fail("the orphan was not ours to reap");
	return zdtm_pass();
}

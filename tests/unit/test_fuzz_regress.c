// SPDX-License-Identifier: GPL-2.0
/*
 * test_fuzz_regress.c - every input that once crashed a fuzz harness
 * (tests/fuzz/regress/NAME/) and every seed (tests/fuzz/corpus/NAME/),
 * replayed through the harness itself, compiled in here (see
 * tests/fuzz/fuzz.h). Under `make test SAN=1` this is a full ASan, UBSan
 * and LeakSanitizer check of each input; in the normal build it still
 * catches crashes.
 *
 * Each harness runs in a child process, so that a crash names its input
 * and the others still run; the child ends with exit(), which is where
 * LeakSanitizer looks for leaks.
 */
#define FUZZ_REPLAY
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "../fuzz/fuzz_explain.c"
#include "../fuzz/fuzz_image_dir.c"
#include "../fuzz/fuzz_image_file.c"
#include "../fuzz/fuzz_ksyms.c"
#include "../fuzz/fuzz_proc_maps.c"
#include "../fuzz/fuzz_proc_smaps.c"
#include "../fuzz/fuzz_proc_stat.c"
#include "../fuzz/fuzz_proc_status.c"
#include "../fuzz/fuzz_run_args.c"
#include "../fuzz/fuzz_watch_args.c"
#include "unit.h"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

/* Where the child is: the input it replays (a page shared with the parent). */
static char *current;

static int read_input(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "re");
	size_t cap = 4096, n;
	uint8_t *buf = malloc(cap), *tmp;

	*size = 0;
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return -errno;
	}
	while ((n = fread(buf + *size, 1, cap - *size, f)) > 0) {
		*size += n;
		if (*size == cap) {
			tmp = realloc(buf, cap * 2);
			if (!tmp)
				break;
			buf = tmp;
			cap *= 2;
		}
	}
	fclose(f);
	*data = buf;
	return 0;
}

/* Replay every file of DIR; return how many. */
static int replay_dir(const char *dir, fuzz_fn fn)
{
	struct dirent **ents;
	uint8_t *data = NULL;
	size_t size;
	int i, n, done = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(current, PATH_MAX, "%s/%s", dir, ents[i]->d_name);
			fprintf(stderr, "replaying %s\n", current);
			if (!read_input(current, &data, &size)) {
				fn(data, size);
				free(data);
				done++;
			}
		}
		free(ents[i]);
	}
	free(ents);
	return done;
}

static void replay(const char *test, const char *name, fuzz_fn fn)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	char dir[PATH_MAX];
	int status, n;
	pid_t pid;

	current = mmap(NULL, PATH_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (current == MAP_FAILED) {
		printf("FAIL %s: mmap: %s\n", test, strerror(errno));
		unit__failed_case = 1;
		return;
	}
	current[0] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", top, name);
		n = replay_dir(dir, fn);
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top, name);
		n += replay_dir(dir, fn);
		current[0] = '\0';
		/* exit(), not _exit(): LeakSanitizer checks here. */
		exit(n ? 0 : 77);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("FAIL %s: fork/wait: %s\n", test, strerror(errno));
		unit__failed_case = 1;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("FAIL %s: no input found under %s/tests/fuzz\n", test, top);
		unit__failed_case = 1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("FAIL %s: %s %d%s%s (see the sanitizer report above)\n", test,
		       WIFSIGNALED(status) ? "killed by signal" : "exit status",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		       current[0] ? " replaying " : " at exit (a leak?)", current);
		unit__failed_case = 1;
	}
	munmap(current, PATH_MAX);
}

#define REPLAY_TEST(name)                                    \
	static void test_replay_##name(void)                 \
	{                                                    \
		replay(__func__, #name, fuzz_##name);        \
	}

REPLAY_TEST(explain)
REPLAY_TEST(image_dir)
REPLAY_TEST(image_file)
REPLAY_TEST(ksyms)
REPLAY_TEST(proc_maps)
REPLAY_TEST(proc_smaps)
REPLAY_TEST(proc_stat)
REPLAY_TEST(proc_status)
REPLAY_TEST(run_args)
REPLAY_TEST(watch_args)

static const char *const replayed[] = {
	"explain", "image_dir", "image_file", "proc_maps", "proc_smaps", "proc_stat",
	"proc_status", "ksyms", "run_args", "watch_args",
};

/* A new harness must be added here, or its crashes would never be replayed. */
static void test_every_harness_is_replayed(void)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	char dir[PATH_MAX], name[256];
	struct dirent *de;
	size_t i, len;
	bool found;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz", top);
	d = opendir(dir);
	CHECK(d);
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (strncmp(de->d_name, "fuzz_", 5) || len < 8 ||
		    strcmp(de->d_name + len - 2, ".c"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 7), de->d_name + 5);
		for (i = 0, found = false; i < sizeof(replayed) / sizeof(replayed[0]); i++)
			found |= !strcmp(replayed[i], name);
		if (!found) {
			printf("FAIL %s: tests/fuzz/%s is not replayed here\n", __func__,
			       de->d_name);
			unit__failed_case = 1;
		}
	}
	closedir(d);
}

UNIT_MAIN({
	RUN(test_every_harness_is_replayed);
	RUN(test_replay_explain);
	RUN(test_replay_image_dir);
	RUN(test_replay_image_file);
	RUN(test_replay_ksyms);
	RUN(test_replay_proc_maps);
	RUN(test_replay_proc_smaps);
	RUN(test_replay_proc_stat);
	RUN(test_replay_proc_status);
	RUN(test_replay_run_args);
	RUN(test_replay_watch_args);
})

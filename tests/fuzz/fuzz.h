/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the libFuzzer harnesses share.
 *
 * Each tests/fuzz/fuzz_NAME.c defines its target with FUZZ_TARGET(NAME).
 * `make fuzz` builds it with clang -fsanitize=fuzzer,address,undefined, and
 * the target is LLVMFuzzerTestOneInput(). tests/unit/test_fuzz_regress.c
 * includes every harness with FUZZ_REPLAY defined: the target is then
 * fuzz_NAME(), and `make test` replays the seed corpus and every input kept
 * in tests/fuzz/regress/NAME/ through it, with the normal (or SAN=1) build.
 *
 * A harness must be deterministic, leak nothing and leave nothing behind
 * between inputs: libFuzzer runs millions of them in one process.
 * Functions of a harness are static and prefixed with its name, since the
 * replay test compiles all of them into one file.
 */
#ifndef PT_FUZZ_H
#define PT_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef FUZZ_REPLAY
#define FUZZ_TARGET(name) int fuzz_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name)                                              \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);  \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* A NUL-terminated, malloc'ed copy of the input (parsers take C strings). */
static inline char *fuzz__strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * Split the input into an argv at '\n' (seeds stay readable text files):
 * argv[0] is @prog, then one argument per line. Free with free(*argvp):
 * the strings live in the same block.
 */
static inline int fuzz__argv(const uint8_t *data, size_t size, const char *prog, int *argcp,
			     char ***argvp)
{
	size_t i, n = 3, plen = strlen(prog) + 1; /* prog, the first line, NULL */
	char **argv, *s;
	int argc = 0;

	for (i = 0; i < size; i++)
		n += data[i] == '\n';
	argv = malloc(n * sizeof(*argv) + plen + size + 1);
	if (!argv)
		return -ENOMEM;
	s = (char *)(argv + n);
	memcpy(s, prog, plen);
	argv[argc++] = s;
	s += plen;
	memcpy(s, data, size);
	s[size] = '\0';
	if (size) {
		argv[argc++] = s;
		for (i = 0; i < size; i++) {
			if (s[i] != '\n')
				continue;
			s[i] = '\0';
			if (i + 1 < size)
				argv[argc++] = s + i + 1;
		}
	}
	argv[argc] = NULL;
	*argcp = argc;
	*argvp = argv;
	return 0;
}

/* Write @len bytes to @path (created or truncated). Return: 0 or -errno. */
static inline int fuzz__write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *p = buf;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, p, len);
		if (n <= 0) {
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		p += n;
		len -= n;
	}
	close(fd);
	return 0;
}

/*
 * Run @fn with stdout on /dev/null: harnesses that drive a whole command
 * must not drown the fuzzer's (or the replay test's) own output.
 */
static inline int fuzz__quiet(int (*fn)(void *ctx), void *ctx)
{
	int saved, null, ret;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved < 0 || null < 0) {
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
		return fn(ctx);
	}
	dup2(null, STDOUT_FILENO);
	close(null);
	ret = fn(ctx);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return ret;
}

#endif

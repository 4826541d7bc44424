/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kill_from.h - the body of kill_from and kill_from_b (see kill_from.c),
 * which differ only in the name of SEND_FN: the same code at the same file
 * offsets under another name.
 */
#ifndef KILL_FROM_H
#define KILL_FROM_H

#include <limits.h>

#include "scen.h"

#ifndef SEND_FN
#error "define SEND_FN, the name of the function that calls kill()"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)

enum { KILL_LINE = __LINE__ + 4 };
static __attribute__((noinline)) int SEND_FN(pid_t victim)
{
	/* KILL_LINE counts down to the kill() call: keep these lines as they are. */
	return kill(victim, SIGKILL);
}

static int sender(pid_t victim, int hold_ms)
{
	if (SEND_FN(victim))
		scen_die("kill(%d)", victim);
	usleep(hold_ms * 1000);
	return 0;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], vbuf[16], hbuf[16];
	int i, n, hold, ret = 0;
	pid_t *victims, *senders;
	ssize_t len;

	scen_prog = "kill_from";
	if (argc == 4 && !strcmp(argv[1], "--send"))
		return sender(atoi(argv[2]), atoi(argv[3]));
	if (argc != 4 || (n = atoi(argv[2])) <= 0 || (hold = atoi(argv[3])) < 0) {
		fprintf(stderr, "usage: kill_from COMM N HOLD_MS\n");
		return 2;
	}
	/* Exec the file itself, not /proc/self/exe: comm and maps name it. */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		scen_die("readlink /proc/self/exe");
	self[len] = '\0';
	victims = calloc(n, sizeof(*victims));
	senders = calloc(n, sizeof(*senders));
	if (!victims || !senders)
		scen_die("calloc");
	for (i = 0; i < n; i++)
		victims[i] = scen_spawn_sleeper(argv[1]);
	/*
	 * One kill after the other, 50 ms apart (a tracer with a small ring
	 * reads each before the next), while the earlier senders still hold.
	 */
	for (i = 0; i < n; i++) {
		senders[i] = scen_fork();
		if (senders[i] == 0) {
			snprintf(vbuf, sizeof(vbuf), "%d", victims[i]);
			snprintf(hbuf, sizeof(hbuf), "%d", hold);
			execl(self, self, "--send", vbuf, hbuf, (char *)NULL);
			_exit(127);
		}
		ret |= scen_expect_signal(victims[i], SIGKILL);
		usleep(50000);
	}
	for (i = 0; i < n; i++)
		ret |= scen_expect_exit(senders[i], 0);
	printf("victims=");
	for (i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", victims[i]);
	printf("\nsenders=");
	for (i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", senders[i]);
	printf("\nline=%d\nfunction=%s\n", KILL_LINE, STR(SEND_FN));
	free(victims);
	free(senders);
	return ret ? 1 : 0;
}

#endif

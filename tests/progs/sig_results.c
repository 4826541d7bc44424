// SPDX-License-Identifier: GPL-2.0
/*
 * sig_results - SIGTERMs that do not kill, to check the generation result.
 *
 * Usage: sig_results ignore|block
 *   ignore: the victim has SIGTERM at SIG_IGN; a sender sends one SIGTERM
 *           (result: ignored).
 *   block:  the victim blocks SIGTERM; a sender sends two (results: blocked,
 *           then already-pending).
 * Then we SIGKILL the victim ourselves to clean up.
 * Prints: victim=PID sender=PID
 */
#include "scen.h"

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct scen_sync ready;
	pid_t victim, sender;
	int ret = 0, nsig;

	scen_prog = "sig_results";
	if (!strcmp(mode, "ignore")) {
		nsig = 1;
	} else if (!strcmp(mode, "block")) {
		nsig = 2;
	} else {
		fprintf(stderr, "usage: sig_results ignore|block\n");
		return 2;
	}
	scen_sync_init(&ready);
	victim = scen_fork();
	if (victim == 0) {
		sigset_t set;

		scen_name("sc-results-v");
		if (nsig == 1) {
			signal(SIGTERM, SIG_IGN);
		} else {
			sigemptyset(&set);
			sigaddset(&set, SIGTERM);
			sigprocmask(SIG_BLOCK, &set, NULL);
		}
		scen_sync_post(&ready, 0);
		scen_sleep_forever();
	}
	scen_sync_wait(&ready);
	sender = scen_fork();
	if (sender == 0) {
		int i;

		scen_name("sc-results-s");
		for (i = 0; i < nsig; i++)
			if (kill(victim, SIGTERM))
				scen_die("kill(%d, SIGTERM)", victim);
		_exit(0);
	}
	printf("victim=%d sender=%d\n", victim, sender);
	fflush(stdout);
	ret |= scen_expect_exit(sender, 0);
	/* Still alive after the SIGTERMs: that is the point. */
	if (kill(victim, 0)) {
		scen_msg("victim %d is gone after SIGTERM", victim);
		ret = -1;
	}
	kill(victim, SIGKILL);
	ret |= scen_expect_signal(victim, SIGKILL);
	return ret ? 1 : 0;
}

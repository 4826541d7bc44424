/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nft_cmd.h - the nft command, run by its path (pidtrace runs as root,
 * its PATH is the caller's): the dump's nftables lock (tcp_lock.c) and
 * the firewall pass for replayed segments (tcp_fwpass.h).
 */
#ifndef PT_NFT_CMD_H
#define PT_NFT_CMD_H

/**
 * nft_cmd__run() - run nft with arguments @args (NULL-terminated), @in
 * on its standard input (NULL: none); with @out, what it writes on its
 * standard output (malloc'd, NUL-terminated). nft runs with no signal
 * blocked or ignored; what it writes is read after it ended (memory
 * files: it never waits on pidtrace). Its first message line is kept.
 * Return: 0; -ENOENT no nft; -EPERM it failed (nft_cmd__error() says
 * why); other -errno.
 */
int nft_cmd__run(const char *const *args, const char *in, char **out);

/* The first line nft wrote on its standard error in this thread's last failed run, escaped. */
const char *nft_cmd__error(void);
/* The same as nft wrote it: for a message log.c escapes itself (pr_err...). */
const char *nft_cmd__error_raw(void);

#endif

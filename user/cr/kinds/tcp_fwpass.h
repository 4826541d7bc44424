/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_fwpass.h - a way through the firewall for the segments restore
 * replays for a peer (tcp_fin.h: a FIN, an ACK, a reset, written on a
 * raw socket and marked TCP_FIN_MARK). A rule of the tree's own may drop
 * what comes from the peer's address (zdtm socket-tcp-closed-last-ack:
 * "-A INPUT --dport PORT -j DROP", so the peer's ACK of the program's
 * FIN never arrives and the socket stays in LAST_ACK): the replayed FIN
 * would be dropped as well, and the state could not be made again.
 *
 * A segment pidtrace writes on a raw socket goes through the netfilter
 * hooks OUTPUT and POSTROUTING (and, on lo or any device, netdev egress
 * and ingress), then PREROUTING and INPUT on its way to the local socket.
 * So for as long as the replay takes, each nftables base chain at those
 * hooks (families ip, ip6, inet, netdev; iptables-nft's chains among them)
 * gets a first rule "ip saddr PEER ip daddr LOCAL tcp sport PPORT tcp
 * dport LPORT meta mark TCP_FIN_MARK accept" (comment "pidtrace-replay
 * PID"), one per connection replayed: a rule left admits nothing else. Its handle is learnt as it goes in (nft's echo);
 * only that handle is deleted right after, and only while its table has
 * the handle it had then (a table made again meanwhile is not ours). The
 * firewall is then as it was. Only pidtrace marks its segments so. A run
 * killed in between leaves its rules: every pass and `restore
 * --unlock-only` first remove those whose PID is gone. Rules of
 * iptables-legacy (x_tables) are not nftables': with a legacy table in
 * the namespace there is no way through.
 */
#ifndef PT_TCP_FWPASS_H
#define PT_TCP_FWPASS_H

struct sockaddr_storage;

/**
 * tcp_fwpass__open() - open the way for the segments from @peer to
 * @local (their addresses, ports and mark; again for the same is a no-op).
 * Return: 0; -EOPNOTSUPP a legacy iptables table, a chain name nft
 * could not be given; -ENOENT no nft; other -errno.
 */
int tcp_fwpass__open(const struct sockaddr_storage *local, const struct sockaddr_storage *peer);

/* Why the last tcp_fwpass__open() failed, in words (nft's own line as it is: for log.c, which escapes). */
const char *tcp_fwpass__why(void);

/**
 * tcp_fwpass__close() - if open, remove the rules it added.
 * Return: 0; -errno they could not be removed (nft_cmd__error() may say
 * why): the caller fails, its rules are left for the next run to remove.
 */
int tcp_fwpass__close(void);

/**
 * tcp_fwpass__clean_stale() - remove the rules of a pidtrace that is gone.
 * Return: how many; -errno.
 */
int tcp_fwpass__clean_stale(void);


#endif

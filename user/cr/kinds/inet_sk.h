/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inet_sk.h - what dump, restore, show and the image checks say about a
 * saved inet socket (InetSkEntry): its addresses as text, whether an
 * image's entry makes sense, its `pidtrace show` forms.
 */
#ifndef PT_INET_SK_H
#define PT_INET_SK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "files.pb-c.h"

/* "127.0.0.1:80", "[::1]:80"; @addr of 4 (AF_INET) or 16 bytes. */
void inet_sk__addr_str(int family, const uint8_t *addr, size_t addr_len, uint32_t port,
		       char *buf, size_t len);

/* "TCP", "UDP", or "IP". */
const char *inet_sk__proto(uint32_t protocol);

/*
 * What a socket of @type and @protocol is in sentences: "TCP", "UDP",
 * "UDP-lite", "ICMP" (a ping socket), "raw IP"; NULL for one that is none
 * of these, which dump refuses and restore cannot make.
 */
const char *inet_sk__name(uint32_t family, uint32_t type, uint32_t protocol);

/* @k is a raw socket: its local "port" is its protocol, and it binds no port. */
#define INET_SK_RAW(k) ((k)->sk_type == 3 /* SOCK_RAW */)
/* @k is TCP's (a raw socket of protocol 6 is not). */
#define INET_SK_TCP(k) ((k)->sk_type == 1 /* SOCK_STREAM */)

/*
 * inet_sk__check() - whether @k can be restored: a known family with an
 * address of its length, TCP stream or UDP datagram, ports within 16
 * bits, a listener bound and unconnected, a TCP connection's state
 * (restore_tcp.c) within what the kernel takes. Return: 0, or -EINVAL with
 * @why said.
 */
int inet_sk__check(const InetSkEntry *k, char *why, size_t len);

/* `pidtrace show`: one line for fd @e (FD_INET). Return: false without state. */
bool inet_sk__describe(const FdEntry *e, char *buf, size_t len);

/* `pidtrace show --json`: the "inet" object of fd @e (docs/image.md). */
void inet_sk__json(const FdEntry *e, struct json_object *o);

#endif

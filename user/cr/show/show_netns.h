/* SPDX-License-Identifier: GPL-2.0 */
/* show_netns.h - the net namespace an image's restore makes again (netns_made). */
#ifndef PT_SHOW_NETNS_H
#define PT_SHOW_NETNS_H

#include "inventory.pb-c.h"

struct json_object;

/* Plain: a line for the namespace, one per link (nothing when none). */
void show_netns__print(const Inventory *inv);
/* JSON: "netns_made" in @o (absent when none). */
void show_netns__json(const Inventory *inv, struct json_object *o);

#endif

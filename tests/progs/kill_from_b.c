// SPDX-License-Identifier: GPL-2.0
/* kill_from_b - kill_from with its call site named send_kill_b (see kill_from.c). */
#define SEND_FN send_kill_b
#include "kill_from.h"

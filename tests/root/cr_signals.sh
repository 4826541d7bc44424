#!/usr/bin/env bash
# cr_signals: sigactions, blocked mask, pending signals with their siginfo
# (standard and queued real-time), sigaltstack, parent-death signal; then
# lowered soft and hard limits and a nice value; credentials of a task that
# dropped root (uids, gids, groups, no capabilities, bounding set,
# no_new_privs): restored exactly, never more.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip signals zdtm_signals
cr_roundtrip rlimits zdtm_rlimits
cr_roundtrip creds zdtm_creds

#!/usr/bin/env bash
# cr_tree: a two-level tree with its own session and process groups comes
# back with the same pids, parents, groups and sessions; zombies come back
# as zombies (a child that exited with 7, one killed by SIGUSR2, a zombie
# grandchild) and their parents reap the original wait status.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip tree zdtm_tree
cr_roundtrip zombie zdtm_zombie

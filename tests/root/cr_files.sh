#!/usr/bin/env bash
# cr_files: open files with their flags and offsets (shared offsets too),
# a directory, /dev/null at fd 42, cwd and umask; a pipe with buffered data
# shared by a parent (write end) and its child (read end, O_NONBLOCK), and
# a pipe both hold both ends of.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip files zdtm_files
cr_roundtrip pipe zdtm_pipe

#!/usr/bin/env bash
# cr_deleted: dump -> kill -> restore -> verify of files deleted while open,
# their contents saved (kind_deleted.c); mapped ones: cr_deleted_map.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cr_lib.sh"
need_root

cr_roundtrip_show deleted zdtm_deleted \
	'deleted=[.tasks[].fds[] | select(.type == "deleted" and .deleted.data_here) | .deleted.size] | sort == [10000, 50003, 1073741828]'

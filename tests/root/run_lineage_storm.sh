#!/usr/bin/env bash
# A storm under run: 2 000 children forked, killed with SIGKILL in one loop
# and reaped. Every death is in the report with its creator and its reaper
# (nothing shed), and the summary says nothing was shed or dropped.
. "$(dirname "$0")/../lib.sh"
need_root
N=2000

"$PIDTRACE" run --json -o "$T/s.json" -- "$PROGS/kill_burst" pt-storm "$N" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && pass storm_program_succeeds || fail storm_program_succeeds "exit $rc: $(tail -c 300 "$T/err")"
read -r deaths created reaped < <(jq -rs '[.[] | select(.event == "death" and .victim.comm == "pt-storm")] |
	"\(length) \(map(select(.lineage.created_by != null)) | length) \(map(select(.lineage.reaped_by != null)) | length)"' "$T/s.json")
[ "$deaths" = "$N" ] && pass storm_every_death_reported || fail storm_every_death_reported "$deaths of $N"
[ "$created" = "$N" ] && pass storm_every_death_has_its_creator || fail storm_every_death_has_its_creator "$created of $N"
[ "$reaped" = "$N" ] && pass storm_every_death_has_its_reaper || fail storm_every_death_has_its_reaper "$reaped of $N"
s=$(jq -c 'select(.event == "summary")' "$T/s.json")
expect storm_nothing_shed "$s" .shed 0
expect storm_nothing_dropped "$s" .drops 0
# The reaper is the parent that forked them, with wait4 or waitid.
p=$(jq -rs '[.[] | select(.event == "death" and .victim.comm == "pt-storm") |
	select(.lineage.reaped_by.pid != .victim.ppid and .lineage.reaped_by.pid != .lineage.created_by.pid)] | length' "$T/s.json")
[ "$p" = 0 ] && pass storm_reaper_is_the_creator || fail storm_reaper_is_the_creator "$p deaths reaped by another task"

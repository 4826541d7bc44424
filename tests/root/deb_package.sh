#!/usr/bin/env bash
# test: slow (started first: see tests/README.md)
# The Debian package: `tools/deps.sh deb` installs dpkg-dev and debhelper,
# tools/build-deb.sh runs `dpkg-buildpackage -us -uc -b` on a copy of the
# tree, and the .deb holds the binary, the six man pages, the bash
# completion, the systemd units and the logrotate file, with the control
# fields and library dependencies right. The package is not installed on
# this machine (that would change the system); it is unpacked with
# dpkg-deb -x and its binary and man pages are run from there.
. "$(dirname "$0")/../lib.sh"
need_root

"$TOP/tools/deps.sh" deb >"$T/deps.log" 2>&1 || { fail deps_for_deb "$(tail -n 3 "$T/deps.log")"; exit 1; }
before=$(ls -A "$TOP/debian")
start=$(date +%s)
# Compiled on every CPU (debhelper passes -jN to make): the same package.
DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)"
export DEB_BUILD_OPTIONS

deb=$("$TOP/tools/build-deb.sh" "$T/deb" 2>"$T/build.err" | tail -n 1)
if [ ! -f "$deb" ]; then
	fail dpkg_buildpackage_builds_a_deb "$(tail -n 20 "$T/build.err")"
	exit 1
fi
pass "dpkg_buildpackage_builds_a_deb ($(($(date +%s) - start)) s)"
after=$(ls -A "$TOP/debian")
[ "$before" = "$after" ] && pass source_tree_untouched ||
	fail source_tree_untouched "$(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/contents"
missing=
for f in /usr/sbin/pidtrace \
	/usr/share/man/man8/pidtrace.8.gz /usr/share/man/man8/pidtrace-watch.8.gz \
	/usr/share/man/man8/pidtrace-run.8.gz /usr/share/man/man8/pidtrace-dump.8.gz \
	/usr/share/man/man8/pidtrace-show.8.gz /usr/share/man/man8/pidtrace-restore.8.gz \
	/usr/share/bash-completion/completions/pidtrace \
	/lib/systemd/system/pidtrace-watch.service /lib/systemd/system/pidtrace-watch-file.service \
	/etc/logrotate.d/pidtrace /usr/share/doc/pidtrace/copyright; do
	grep -qxF "$f" "$T/contents" || missing="$missing $f"
done
[ -z "$missing" ] && pass deb_contains_binary_man_pages_completion_units || fail deb_contains_binary_man_pages_completion_units "missing:$missing"
grep -q '^/usr/local' "$T/contents" && fail deb_nothing_under_usr_local "$(grep '^/usr/local' "$T/contents")" ||
	pass deb_nothing_under_usr_local

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = pidtrace ] && [ "$(field Architecture)" = amd64 ] &&
	[ "$(field Version)" = "$(cd "$TOP" && dpkg-parsechangelog -S Version)" ] && [ "$(field Section)" = admin ] &&
	pass deb_control_fields || fail deb_control_fields "$(dpkg-deb -I "$deb" | head -n 12)"
dep=$(field Depends)
missing=
for lib in libbpf1 libelf1 libdw1 libjson-c5 libprotobuf-c1 zlib1g libc6; do
	grep -q "$lib" <<<"$dep" || missing="$missing $lib"
done
[ -z "$missing" ] && pass deb_depends_on_the_shared_libraries || fail deb_depends_on_the_shared_libraries "Depends: $dep (missing$missing)"
dpkg-deb -I "$deb" conffiles | grep -qx /etc/logrotate.d/pidtrace && pass logrotate_file_is_a_conffile ||
	fail logrotate_file_is_a_conffile "$(dpkg-deb -I "$deb" conffiles)"
# Installing the package must not enable or start a system-wide tracer.
dpkg-deb -e "$deb" "$T/control"
grep -qE 'deb-systemd-invoke (start|restart)' "$T/control/postinst" &&
	fail postinst_does_not_start_the_service "$(grep deb-systemd-invoke "$T/control/postinst")" ||
	pass postinst_does_not_start_the_service

dpkg-deb -x "$deb" "$T/root"
"$T/root/usr/sbin/pidtrace" --version >"$T/ver" 2>&1 && grep -q "^pidtrace $(field Version | sed 's/-.*//')" "$T/ver" &&
	pass packaged_binary_runs || fail packaged_binary_runs "$(cat "$T/ver")"
ldd "$T/root/usr/sbin/pidtrace" | grep -q 'not found' && fail packaged_binary_libraries_resolve "$(ldd "$T/root/usr/sbin/pidtrace")" ||
	pass packaged_binary_libraries_resolve
MANPATH=$T/root/usr/share/man MANWIDTH=80 man pidtrace-watch >"$T/man.txt" 2>"$T/man.err"
grep -q 'CAUSE CLASSES' "$T/man.txt" && [ ! -s "$T/man.err" ] && pass packaged_man_page_renders ||
	fail packaged_man_page_renders "$(head -c 300 "$T/man.err")"
grep -q '^ExecStart=/usr/sbin/pidtrace watch --json' "$T/root/lib/systemd/system/pidtrace-watch.service" &&
	pass packaged_unit_runs_usr_sbin_pidtrace || fail packaged_unit_runs_usr_sbin_pidtrace "$(grep ExecStart "$T/root/lib/systemd/system/pidtrace-watch.service")"
# The packaged binary traces: a kill -9 explained from the unpacked copy.
"$T/root/usr/sbin/pidtrace" run --json -- sh -c 'sleep 30 & kill -9 $!; wait' >"$T/run.json" 2>"$T/run.err"
jq -se 'map(select(.event == "death")) | any(.cause == "kill-syscall")' "$T/run.json" >/dev/null &&
	pass packaged_binary_explains_a_kill || fail packaged_binary_explains_a_kill "$(head -c 300 "$T/run.err")"

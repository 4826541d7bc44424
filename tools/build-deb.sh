#!/bin/sh
# Build the Debian package: copy the source tree (without .git and build
# output) to DIR/pidtrace-VERSION, run `dpkg-buildpackage -us -uc -b` there,
# and leave the .deb in DIR. The source tree itself is never touched.
#
#   tools/build-deb.sh [DIR]      (default: .output/deb)
set -eu
cd "$(dirname "$0")/.."
dir=${1:-.output/deb}
version=$(dpkg-parsechangelog -S Version)
src="$dir/pidtrace-$version"

for tool in dpkg-buildpackage dh; do
	command -v "$tool" >/dev/null || {
		echo "build-deb: $tool not found (run: tools/deps.sh deb)" >&2
		exit 1
	}
done
rm -rf "$src"
mkdir -p "$src"
dir=$(cd "$dir" && pwd)
src="$dir/pidtrace-$version"
# Everything but version control and build output (.output, .output-*).
tar --exclude-vcs --exclude='./.output*' --exclude='./debian/.debhelper' \
	--exclude='./debian/pidtrace' --exclude='./debian/tmp' -cf - . | tar -xf - -C "$src"
rm -f "$dir"/pidtrace_*.deb "$dir"/pidtrace-dbgsym_*.deb "$dir"/pidtrace_*.changes \
	"$dir"/pidtrace_*.buildinfo
log="$dir/build.log"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $log)" >&2
	exit 1
fi
rm -rf "$src"
ls "$dir"/pidtrace_"${version}"_*.deb

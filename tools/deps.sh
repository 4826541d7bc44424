#!/bin/sh
# Install the Debian packages pidtrace needs to build, test and demo
# (`tools/deps.sh deb`: and to build the .deb).
# Idempotent: only missing packages are installed, apt-get update runs only
# when something is missing. Needs root (the project's machines run as root).
set -eu
pkgs="make clang llvm pkg-config libbpf-dev bpftool libelf-dev libdw-dev
zlib1g-dev libisal-dev libjson-c-dev libprotobuf-c-dev protobuf-c-compiler
libbpf-tools jq iproute2 util-linux procps strace
scdoc man-db groff-base logrotate libclang-rt-14-dev"
# `tools/deps.sh deb`: also what `make deb` (dpkg-buildpackage) needs.
if [ "${1:-}" = deb ]; then
	pkgs="$pkgs dpkg-dev debhelper build-essential"
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

#!/bin/sh
# Install the Debian packages pidtrace needs to build, test and demo
# (`tools/deps.sh deb`: and to build the .deb).
# Idempotent: only missing packages are installed, apt-get update runs only
# when something is missing. Needs root (the project's machines run as root).
set -eu
pkgs="make clang llvm pkg-config libbpf-dev bpftool libelf-dev libdw-dev
zlib1g-dev libisal-dev libjson-c-dev libprotobuf-c-dev protobuf-c-compiler
libbpf-tools jq iproute2 util-linux procps strace iptables nftables
scdoc man-db groff-base logrotate libclang-rt-14-dev systemd curl
prometheus prometheus-node-exporter"
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
# prometheus and prometheus-node-exporter are for the tests, which start
# their own on 127.0.0.1: their packages must not start the system's
# services (on a machine without a policy yet, deny starts while we install).
policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 0755 /usr/sbin/policy-rc.d
	policy=/usr/sbin/policy-rc.d
fi
rc=0
apt-get update -qq || rc=$?
# shellcheck disable=SC2086
[ "$rc" = 0 ] && { apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?; }
[ -n "$policy" ] && rm -f "$policy"
exit $rc

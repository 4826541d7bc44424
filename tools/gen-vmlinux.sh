#!/bin/sh
# Regenerate vmlinux/<arch>/vmlinux.h from the running kernel's BTF.
# The header is committed so that a build needs no BTF at build time; CO-RE
# relocations make the programs built from it run on other kernels.
set -eu
arch=${1:-x86}
btf=${BTF:-/sys/kernel/btf/vmlinux}
top=$(cd "$(dirname "$0")/.." && pwd)
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
[ -r "$btf" ] || { echo "gen-vmlinux: $btf: no kernel BTF to read" >&2; exit 1; }
mkdir -p "$top/vmlinux/$arch"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$bpftool" btf dump file "$btf" format c >"$tmp"
mv "$tmp" "$top/vmlinux/$arch/vmlinux.h"
trap - EXIT
echo "gen-vmlinux: wrote vmlinux/$arch/vmlinux.h ($(wc -l <"$top/vmlinux/$arch/vmlinux.h") lines)"

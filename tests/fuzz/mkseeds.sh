#!/usr/bin/env bash
# mkseeds.sh - (re)make the seed corpora of tests/fuzz/corpus/ from this
# machine: real /proc files, kallsyms, command lines, and images dumped by
# pidtrace itself. Seeds are committed; run this only to refresh them.
# Needs root, python3 and a build: OUTPUT=.output tests/fuzz/mkseeds.sh
#
# Image seeds keep no page contents (a process's stack holds its
# environment): a pages record keeps only the number of pages.
set -eu
cd "$(dirname "$0")/../.."
OUTPUT=${OUTPUT:-.output}
C=tests/fuzz/corpus
PROGS=$OUTPUT/tests/progs
tmp=$(mktemp -d /tmp/pidtrace-seeds.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$C"/{ksyms,proc_stat,proc_status,proc_maps,proc_smaps,watch_args,run_args,image_file,image_dir}

# A sleeping child, a zombie (the child of a sleep that never waits), a
# kernel thread and ourselves.
sleep 60 & pids+=($!)
sleeper=$!
sh -c 'sleep 0 & exec sleep 60' & pids+=($!)
sleep 0.3
zpid=$(tr -d " \n" </proc/$!/task/$!/children)

## kallsyms: the start of the kernel, a module, hidden addresses.
head -n 300 /proc/kallsyms >"$C/ksyms/kernel-head"
grep -m 200 '\[' /proc/kallsyms >"$C/ksyms/modules" || true
head -n 50 /proc/kallsyms | sed 's/^[0-9a-f]*/0000000000000000/' >"$C/ksyms/hidden"
printf '%s\n' 'ffffffff81000100 T second' 'ffffffff81000000 T _stext' \
	'ffffffff81000000 t first' 'ffffffff81000200 D data' \
	'ffffffffc0201000 t mod_func	[my_mod]' 'ffffffffc0201090 t broken	[my_mod' \
	'12345678901234567 T too_long' >"$C/ksyms/handmade"

## stat
cat /proc/self/stat >"$C/proc_stat/self"
cat /proc/$sleeper/stat >"$C/proc_stat/sleeping"
cat /proc/$zpid/stat >"$C/proc_stat/zombie"
cat /proc/2/stat >"$C/proc_stat/kthread"
sed 's/(sleep)/(a) R 1 (b)/' /proc/$sleeper/stat >"$C/proc_stat/odd-comm"

## status and fdinfo
cat /proc/self/status >"$C/proc_status/self"
cat /proc/$zpid/status >"$C/proc_status/zombie"
cat /proc/2/status >"$C/proc_status/kthread"
cat /proc/self/fdinfo/0 >"$C/proc_status/fdinfo-stdin"
python3 - "$C/proc_status" <<'EOF'
import os, signal, sys
# fdinfo of a pidfd to a live child, and to the same child once reaped.
pid = os.fork()
if pid == 0:
    signal.pause()
fd = os.pidfd_open(pid)
open(sys.argv[1] + "/fdinfo-pidfd", "w").write(open(f"/proc/self/fdinfo/{fd}").read())
os.kill(pid, 9)
os.waitpid(pid, 0)
open(sys.argv[1] + "/fdinfo-pidfd-reaped", "w").write(open(f"/proc/self/fdinfo/{fd}").read())
EOF

## maps
cat /proc/self/maps >"$C/proc_maps/cat"
cat /proc/$sleeper/maps >"$C/proc_maps/sleep"
printf '%s\n' '00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon' \
	'7f0000000000-7f0000001000 r--p 00000000 08:02 1 /tmp/gone (deleted)' \
	'7f0000002000-7f0000003000 rw-p 00000000 00:00 0' \
	'7fff00000000-7fff00001000 r-xp 00000000 00:00 0    [vdso]' >"$C/proc_maps/handmade"

## smaps: as read; and one whose file mappings are the fixed mappings of
## fuzz_proc_smaps.c (so the parse goes on past them), with every kind.
cat /proc/$sleeper/smaps >"$C/proc_smaps/sleep"
blk() { # START END PERMS INODE PATH FLAGS
	printf '%s-%s %s 00000000 00:00 %s %s\nSize: 4 kB\nRss: 4 kB\nVmFlags: %s\n' "$@"
}
{
	blk 200000000 200001000 r--p 1 /usr/bin/fuzz 'rd mr mw me'
	blk 200010000 200011000 r--s 1 /usr/bin/fuzz 'rd sh mr mw me ms'
	blk 7f0000000000 7f0000004000 rw-p 0 '' 'rd wr mr mw me ac'
	blk 7f0000010000 7f0000012000 rw-s 77 '/dev/zero (deleted)' 'rd wr sh mr mw me ms'
	blk 7f0000020000 7f0000021000 rw-s 78 '[anon_shmem:x]' 'rd wr sh mr mw me ms'
	blk 7ffc00000000 7ffc00021000 rw-p 0 '[stack]' 'rd wr mr mw me gd ac'
	blk 7ffc00100000 7ffc00104000 r--p 0 '[vvar]' 'rd mr pf io de dd'
	blk 7ffc00104000 7ffc00106000 r--p 0 '[vvar_vclock]' 'rd mr pf io de dd'
	blk 7ffc00106000 7ffc00108000 r-xp 0 '[vdso]' 'rd ex mr mw me de'
	blk ffffffffff600000 ffffffffff601000 --xp 0 '[vsyscall]' 'ex'
	blk 7f0000030000 7f0000031000 rw-s 5 /SYSV00000000 'rd wr sh mr mw me ms'
	blk 7f0000040000 7f0000041000 rw-p 6 /huge 'rd wr mr mw me ht'
} >"$C/proc_smaps/every-kind"

## command lines: one argument per line
printf '' >"$C/watch_args/none"
printf '%s\n' -p 1,2,3 --json >"$C/watch_args/pids"
printf '%s\n' -s TERM -s RTMIN+3 -c nginx >"$C/watch_args/signals"
printf '%s\n' --cgroup /sys/fs/cgroup/unified/x --all-signals --stacks -o out \
	--duration 1.5 --ringbuf-kb 64 --pin >"$C/watch_args/everything"
printf '%s\n' -pX >"$C/watch_args/bad-pid"
printf '%s\n' -h >"$C/watch_args/help"
printf '%s\n' --ringbuf-kb >"$C/watch_args/missing-arg"
printf '%s\n' -- -p 1 extra >"$C/watch_args/extra"
printf '%s\n' --json --timeline t.json -o out -- criu restore -D img >"$C/run_args/everything"
printf '%s\n' --color=always -- true >"$C/run_args/color"
printf '%s\n' -h >"$C/run_args/help"
printf '%s\n' -- >"$C/run_args/no-command"
printf '%s\n' --timeline >"$C/run_args/missing-arg"
printf '%s\n' -x make check >"$C/run_args/bad-option"

## images: a 5-task tree with pidfds, and one sleeper.
"$OUTPUT/pidtrace" -h >/dev/null
mkdir -p "$tmp/w"
"$PROGS/dump_target" "$tmp/report" "$tmp/w" tree pidfds >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$tmp/report" ] && break; sleep 0.05; done
t=$(sed -n 's/^pid=//p' "$tmp/report")
"$OUTPUT/pidtrace" dump -t "$t" -D "$tmp/tree" >/dev/null
"$PROGS/sleeper" fuzzseed 60 >/dev/null & pids+=($!)
sleep 0.2
"$OUTPUT/pidtrace" dump -t "${pids[-1]}" -D "$tmp/one" >/dev/null
python3 - "$tmp" "$C" <<'EOF'
import os, struct, sys, zlib
tmp, corpus = sys.argv[1], sys.argv[2]
# Raw files carry the harnesses' image id (FUZZ_IMAGE_ID in fuzz_image.h),
# so that they pass the id check against the inventory a harness writes.
FUZZ_ID = b"pidtrace-fuzz-id"

def refit(b):
    """b with the fuzz image id, its checksums made again (docs/image.md)."""
    b = b[:24] + FUZZ_ID + b[40:]
    if b[:8] == b"PTRCPAGE":
        return b[:44] + struct.pack("<I", zlib.crc32(b[:44])) + b[48:]
    return b[:-4] + struct.pack("<I", zlib.crc32(b[:-4]))
kinds = {"PTRCINVT": 0, "PTRCCORE": 1, "PTRCMMAP": 2, "PTRCPGMP": 3, "PTRCFILE": 4,
         "PTRCPIPE": 5, "PTRCPFDS": 6, "PTRCSHMM": 7, "PTRCPAGE": 8}

def records(d):
    """Each file of image d as (kind, pid, payload), see fuzz_image_dir.c."""
    for name in sorted(os.listdir(d), key=lambda n: (n != "inventory.img", n)):
        b = open(os.path.join(d, name), "rb").read()
        kind = kinds[b[:8].decode()]
        pid = name.split("-")[-1].split(".")[0]
        pid = int(pid) if pid.isdigit() else 0
        if kind == 8:
            size = struct.unpack("<Q", b[16:24])[0]
            payload = struct.pack("<H", min(size // 4096, 256))
        else:
            payload = b[40:-4]
        yield kind, pid, payload, b

best = {}
for img in ("tree", "one"):
    out = b""
    for kind, pid, payload, raw in records(os.path.join(tmp, img)):
        out += struct.pack("<BIH", kind, pid, len(payload)) + payload
        if img == "tree" and kind != 8 and len(payload) > best.get(kind, -1):
            # The largest file of each kind for fuzz_image_file: framed
            # payload, and the file as it is (the framing is fuzzed).
            best[kind] = len(payload)
            name = ["inventory", "core", "mm", "pagemap", "files", "pipes",
                    "pidfds", "shmem"][kind]
            open(f"{corpus}/image_file/{name}", "wb").write(bytes([kind]) + payload)
            open(f"{corpus}/image_file/{name}-raw", "wb").write(bytes([kind | 0x80]) + refit(raw))
    open(f"{corpus}/image_dir/{img}", "wb").write(out)
pages = os.path.join(tmp, "one", sorted(n for n in os.listdir(os.path.join(tmp, "one"))
                                        if n.startswith("pages-"))[0])
hdr = refit(open(pages, "rb").read(4096))
open(f"{corpus}/image_file/pages-raw", "wb").write(bytes([8 | 0x80]) + hdr)
open(f"{corpus}/image_file/pages", "wb").write(bytes([8 | 0x40]) + b"\0" * 64)
EOF
python3 tests/fuzz/mkseeds_explain.py "$C/explain"
du -sh "$C"/* | sed 's/^/seeds: /'

#!/usr/bin/env python3
# mkseeds_explain.py DIR - seeds of fuzz_explain (the record stream format
# is in tests/fuzz/fuzz_explain.c): one per cause class, the orderings
# tests/unit/test_explain.c checks, and the verdict's patterns.
# Called by mkseeds.sh; needs nothing of the machine.
import os
import struct
import sys

SIGINT, SIGKILL, SIGSEGV, SIGTERM, SIGUSR1, SIGSYS = 2, 9, 11, 15, 10, 31
REAL, NOINFO, PRIV = 2, 0, 1
SI_USER, SI_KERNEL = 0, 0x80
NR_KILL, NR_PTRACE = 62, 101
EXITING, PDEATH, REAPER, SELF, BLOCKED, EXITKILL = 1, 2, 4, 8, 16, 128
F_OOM, F_SECCOMP, F_EXEC_ZAP, F_INITIATOR, F_SIBLING = 32, 16, 4, 128, 256
# pids are 100 + byte % 16: pass the byte
def sig(v, s, signo, kind=REAL, code=SI_USER, nr=NR_KILL, hints=0, result=0, dt=1):
    return struct.pack("<BhBBBBhhHB", 0, dt, v, s, signo, kind, code, nr, hints, result)
def exit_(p, code, flags=0, tid=None, init=None, init_nr=-1, dt=3):
    b = struct.pack("<BhBBHH", 1, dt, p, p if tid is None else tid, code, flags)
    b += struct.pack("<B", 0) if init is None else struct.pack("<BB", 1, init)
    return b + struct.pack("<h", init_nr)
def oom(v, k, pages=100, dt=1):
    return struct.pack("<BhBBH", 2, dt, v, k, pages)
def fork(p, c, flags=0, dt=1):
    return struct.pack("<BhBBI", 3, dt, p, c, flags)
def pidfd(o, t, ret=5, dt=1):
    return struct.pack("<BhBBb", 4, dt, o, t, ret)
def expect(p, cause):
    return struct.pack("<BBB", 7, p, cause)
def classify(signo, kind, code, hints, flags, fns):
    return struct.pack("<BBBhHH4B", 8, signo, kind, code, hints, flags, *fns)
def cut(rec, n):
    return bytes([rec[0] | 0x80, n]) + rec[1:]

seeds = {
    "kill-syscall": sig(1, 2, SIGKILL) + exit_(1, SIGKILL),
    "parent-death": sig(1, 0, SIGTERM, NOINFO, nr=-1, hints=EXITING | PDEATH) + exit_(1, SIGTERM),
    "pidns-teardown": sig(1, 0, SIGKILL, PRIV, SI_KERNEL, -1, REAPER | EXITING) + exit_(1, SIGKILL),
    "ptrace-kill": sig(1, 2, SIGKILL, NOINFO, nr=NR_PTRACE) + exit_(1, SIGKILL),
    "ptrace-exitkill": sig(1, 2, SIGKILL, PRIV, SI_KERNEL, -1, EXITKILL | EXITING) + exit_(1, SIGKILL),
    "fault": sig(1, 1, SIGSEGV, REAL, 1, -1, SELF) + exit_(1, SIGSEGV | 0x80),
    "seccomp": sig(1, 1, SIGSYS, REAL, 1, -1) + exit_(1, SIGSYS) + exit_(2, SIGSYS, F_SECCOMP),
    "oom": oom(1, 2) + exit_(1, SIGKILL, F_OOM) + exit_(3, SIGKILL, F_OOM),
    "exec-de-thread": exit_(1, 0, F_EXEC_ZAP, tid=2),
    "group-exit": exit_(1, 0, F_SIBLING, tid=2, init=1, init_nr=231),
    "held-sibling": exit_(1, 0, F_SIBLING, tid=2) + exit_(1, 0, F_INITIATOR, dt=1),
    "held-too-long": exit_(1, 0, F_SIBLING, tid=2) + sig(3, 4, SIGUSR1, dt=600),
    "no-generation": exit_(1, SIGKILL),
    "lost-generation": sig(1, 2, SIGKILL) + exit_(3, SIGKILL) + sig(4, 2, SIGUSR1) + exit_(4, SIGKILL),
    "not-delivered": sig(1, 2, SIGKILL, result=1) + exit_(1, SIGKILL),
    "death-before-generation": exit_(1, SIGKILL) + sig(1, 2, SIGKILL, dt=-2),
    "many-generations": sig(1, 2, SIGTERM, hints=BLOCKED) + sig(1, 3, SIGKILL) + sig(1, 4, SIGKILL) +
        sig(1, 5, SIGINT) + sig(1, 6, SIGUSR1) + exit_(1, SIGKILL),
    "expected": expect(1, 13) + expect(2, 14) + sig(1, 0, SIGKILL) + exit_(1, SIGKILL) + exit_(2, SIGKILL),
    "dead-pidfd-helper": fork(1, 2) + pidfd(1, 2) + sig(2, 1, SIGKILL, dt=50) + exit_(2, SIGKILL),
    "supervisor-timeout": fork(1, 2) + sig(2, 1, SIGTERM, dt=3000) + exit_(2, SIGTERM),
    "short-records": cut(sig(1, 2, SIGKILL), 0) + cut(sig(1, 2, SIGKILL), 3) + cut(exit_(1, SIGKILL), 20) +
        cut(oom(1, 2), 16) + sig(1, 2, SIGKILL) + exit_(1, SIGKILL),
    "classify": b"".join(classify(s, k, c, h, f, fns) for s, k, c, h, f, fns in [
        (SIGKILL, PRIV, SI_KERNEL, 0, 0, (3, 1, 0, 0)), (SIGKILL, PRIV, SI_KERNEL, 0, 0, (5, 0, 0, 0)),
        (SIGKILL, PRIV, SI_KERNEL, 0, 0, (6, 0, 0, 0)), (SIGINT, PRIV, SI_KERNEL, 0, 0, (9, 0, 0, 0)),
        (SIGKILL, PRIV, SI_KERNEL, 0, 0, (11, 0, 0, 0)), (SIGKILL, REAL, 0, 0, 0, (2, 1, 0, 0)),
        (SIGKILL, PRIV, SI_KERNEL, 0, F_SIBLING, (0, 0, 0, 0))]),
}
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
for name, data in seeds.items():
    # The first byte also says whether signals are reported (bit 0): both ways.
    open(os.path.join(d, name), "wb").write(data)

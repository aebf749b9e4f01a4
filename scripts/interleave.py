#!/usr/bin/env python3
"""interleave.py RUNS NAME=CMD ... : runs the commands in turn (A B C A B C ...), RUNS rounds,
after 3 warm-up rounds; whole-process wall time of each run with os.posix_spawn + waitpid
(stdout/stderr to /dev/null). Prints median/mean/min/max per command (ms)."""
import os, sys, time, shlex, statistics
runs = int(sys.argv[1]); cmds = []
for a in sys.argv[2:]:
    n, c = a.split("=", 1); cmds.append((n, shlex.split(c)))
dn = os.open("/dev/null", os.O_WRONLY)
fa = [(os.POSIX_SPAWN_DUP2, dn, 1), (os.POSIX_SPAWN_DUP2, dn, 2)]
res = {n: [] for n, _ in cmds}
def one(argv):
    t = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa)
    os.waitpid(pid, 0)
    return (time.perf_counter_ns() - t) / 1e6
for r in range(runs + 3):
    for n, argv in cmds:
        ms = one(argv)
        if r >= 3: res[n].append(ms)
for n, _ in cmds:
    v = res[n]
    print(f"{n:28s} median {statistics.median(v):7.2f} ms  mean {statistics.mean(v):7.2f}  min {min(v):7.2f}  max {max(v):7.2f}  (n={len(v)})")

#!/usr/bin/env python3
"""Run commands side by side, alternating, and report median wall time and
peak RSS of each, plus the ratio of the first to the second.

usage: measure.py RUNS NAME_A CMD_A NAME_B CMD_B [--before SHELLCMD]
CMD_* are shell command lines (stdout to /dev/null is up to the caller).
--before runs (untimed) before every single run, e.g. to truncate a table.
"""
import os
import resource
import statistics
import subprocess
import sys
import time


RSS_FILE = "/tmp/qadmin-bench-rss.%d" % os.getpid()


def one(cmd):
    # GNU time reports the peak RSS of the command alone (the Python
    # process's own memory would otherwise count for a forked child).
    argv = ["/usr/bin/time", "-f", "%M", "-o", RSS_FILE, "/bin/sh", "-c", "exec " + cmd]
    start = time.perf_counter()
    rc = subprocess.call(argv, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if rc != 0:
        sys.exit(f"command failed ({rc}): {cmd}")
    with open(RSS_FILE) as f:
        maxrss = int(f.read().split()[-1])
    os.unlink(RSS_FILE)
    return wall, maxrss  # KiB


def main():
    args = sys.argv[1:]
    before = None
    if "--before" in args:
        i = args.index("--before")
        before = args[i + 1]
        del args[i : i + 2]
    runs = int(args[0])
    name_a, cmd_a, name_b, cmd_b = args[1:5]
    res = {name_a: [], name_b: []}
    rss = {name_a: 0, name_b: 0}
    for _ in range(runs):
        for name, cmd in ((name_a, cmd_a), (name_b, cmd_b)):
            if before:
                subprocess.run(["/bin/sh", "-c", before], check=True, stdout=subprocess.DEVNULL)
            wall, maxrss = one(cmd)
            res[name].append(wall)
            rss[name] = max(rss[name], maxrss)
    ma = statistics.median(res[name_a])
    mb = statistics.median(res[name_b])
    print(f"  {name_a:8} median {ma*1000:10.2f} ms   peak RSS {rss[name_a]/1024:8.1f} MiB")
    print(f"  {name_b:8} median {mb*1000:10.2f} ms   peak RSS {rss[name_b]/1024:8.1f} MiB")
    print(f"  ratio {name_a}/{name_b} wall {ma/mb:.3f}   ({runs} runs each, alternating)")


main()

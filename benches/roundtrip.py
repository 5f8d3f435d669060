#!/usr/bin/env python3
"""Helpers of benches/roundtrip.sh (qadmin vs psql, one round trip per
statement). Results are JSON lines in one file; `table` prints them.

  roundtrip.py time RESULTS CASE PATH --runs N --budget S [--log PROXYLOG]
                [--before SHELLCMD] NAME_A CMD_A NAME_B CMD_B
      Runs CMD_A and CMD_B (shell command lines, output redirection is up to
      the caller) alternately up to N times each and records wall time and
      peak RSS of every run. A further pair is started only while the time
      spent on the case plus one more pair stays within S seconds (at least
      one pair always runs). A command that fails is recorded with its exit
      code and the first lines of its stderr, and not run again. With --log
      (the delay proxy's --log file) the round trips of each run are read
      from it (--per K: also print them per statement, K statements a run).
      --before runs (untimed) before every single run, with TOOL set
      to the name of the command about to run.
      Only NAME_A CMD_A may be given; --ref CASE then shows in the table
      the psql figures of CASE (same PATH) next to them.
  roundtrip.py failed RESULTS CASE PATH TOOL
      Exit 0 if TOOL failed in the last recorded CASE on PATH, else 1.
  roundtrip.py count PROXYLOG OFFSET
      Waits until every connection opened in PROXYLOG after byte OFFSET has
      closed, prints their sums as JSON (connections, startup_flights,
      round_trips, flights, client_writes, c2s_bytes, s2c_bytes).
  roundtrip.py rt RESULTS PROXYLOG WHAT TOOL BASELINE CMD
      Runs CMD once (a shell command line) through the proxy and records its
      round trips as row WHAT of TOOL; BASELINE names the row of the same
      tool whose round trips are subtracted ('-' for none). Exits 1 if CMD
      fails (the row is still recorded, marked failed).
  roundtrip.py note RESULTS TEXT
      Appends a line printed under the tables.
  roundtrip.py table RESULTS
      Prints the tables.
"""
import json
import os
import signal
import threading
import statistics
import subprocess
import sys
import time

RUN_TIMEOUT = float(os.environ.get("RUN_TIMEOUT_S", "300"))
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def count(path, offset, timeout=30.0):
    """Sum the close records of the connections opened after OFFSET, once
    all of them have closed."""
    deadline = time.monotonic() + timeout
    time.sleep(0.05)
    while True:
        opened, closed = set(), {}
        with open(path) as f:
            f.seek(offset)
            for line in f:
                if not line.endswith("\n"):
                    break
                d = json.loads(line)
                if d["event"] == "open":
                    opened.add(d["conn"])
                elif d["conn"] in opened:
                    closed[d["conn"]] = d
        if opened and len(closed) == len(opened):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    keys = ["startup_flights", "round_trips", "flights", "client_writes", "c2s_bytes", "s2c_bytes"]
    out = {"connections": len(opened), "open": len(opened) - len(closed)}
    for k in keys:
        out[k] = sum(d[k] for d in closed.values())
    out["tls"] = any(d["tls"] for d in closed.values())
    return out


def one(cmd, errfile):
    rssfile = errfile + ".rss"
    if GNU_TIME:
        argv = [GNU_TIME, "-f", "%M", "-o", rssfile, "/bin/sh", "-c", "exec " + cmd]
    else:
        argv = ["/bin/sh", "-c", "exec " + cmd]
    with open(errfile, "w") as err:
        start = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=err, start_new_session=True)
        timed_out = []

        def kill():
            timed_out.append(1)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(RUN_TIMEOUT, kill)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        timer.cancel()
        wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if timed_out:
        with open(errfile, "a") as err:
            err.write(f"killed after {RUN_TIMEOUT:g} s (RUN_TIMEOUT_S)\n")
        p.returncode = p.returncode or 124
    rss = ru.ru_maxrss  # KiB; the wrapper's when GNU time runs it
    if GNU_TIME:
        try:
            with open(rssfile) as f:
                rss = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        try:
            os.unlink(rssfile)
        except OSError:
            pass
    with open(errfile, errors="replace") as f:
        err_lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("Command exited with")]
    return p.returncode, wall, rss, err_lines


def cmd_time(args):
    results, case, path = args[0], args[1], args[2]
    rest = args[3:]
    opts = {"--runs": "3", "--budget": "120", "--log": None, "--before": None, "--per": None, "--ref": None}
    while rest and rest[0] in opts:
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    runs, budget = int(opts["--runs"]), float(opts["--budget"])
    tools = [(rest[i], rest[i + 1]) for i in range(0, len(rest), 2)]
    errfile = "%s.err.%d" % (results, os.getpid())
    rec = {n: {"wall": [], "rss": [], "rt": [], "conns": [], "rc": 0, "err": []} for n, _ in tools}
    t0 = time.monotonic()
    pairs = 0
    while pairs < runs:
        if pairs and (time.monotonic() - t0) * (pairs + 1) / pairs > budget:
            break
        for name, cmd in tools:
            r = rec[name]
            if r["rc"]:
                continue
            if opts["--before"]:
                subprocess.run(["/bin/sh", "-c", opts["--before"]], check=True, stdout=subprocess.DEVNULL,
                               env=dict(os.environ, TOOL=name))
            off = log_size(opts["--log"]) if opts["--log"] else 0
            rc, wall, rss, err = one(cmd, errfile)
            if opts["--log"]:
                c = count(opts["--log"], off)
                r["rt"].append(c["round_trips"])
                r["conns"].append(c["connections"])
            if rc:
                r["rc"], r["err"] = rc, err[:4]
                print(f"  {case} / {path}: {name} FAILED (exit {rc}): {' | '.join(err[:2])}", flush=True)
                continue
            r["wall"].append(wall)
            r["rss"].append(rss)
        pairs += 1
    if os.path.exists(errfile):
        os.unlink(errfile)
    line = {"kind": "time", "case": case, "path": path, "tools": [n for n, _ in tools], "res": rec,
            "per": int(opts["--per"]) if opts["--per"] else None, "ref": opts["--ref"]}
    with open(results, "a") as f:
        f.write(json.dumps(line) + "\n")
    def s(r):
        if r["rc"]:
            return "FAILED"
        return f"{statistics.median(r['wall']):.3f} s ({len(r['wall'])} runs)"
    print(f"  {case} / {path}: " + ", ".join(f"{n} {s(rec[n])}" for n, _ in tools), flush=True)


def cmd_rt(args):
    results, plog, what, tool, base, cmd = args
    off = log_size(plog)
    errfile = "%s.err.%d" % (results, os.getpid())
    rc, _, _, err = one(cmd, errfile)
    os.unlink(errfile)
    c = count(plog, off)
    d = dict(kind="rt", what=what, tool=tool, **c)
    if rc:
        d["net"] = f"FAILED (exit {rc})"
        print(f"  {what} / {tool}: FAILED (exit {rc}): {' | '.join(err[:2])}", flush=True)
    elif base != "-":
        rows = [json.loads(l) for l in open(results)]
        b = [r for r in rows if r["kind"] == "rt" and r["what"] == base and r["tool"] == tool]
        if b:
            d["net"] = str(c["round_trips"] - b[-1]["round_trips"])
    with open(results, "a") as f:
        f.write(json.dumps(d) + "\n")
    print(f"  {what} / {tool}: {c['round_trips']} round trips after start-up, {c['connections']} connection(s)", flush=True)
    return rc


def fmt_s(x):
    return f"{x:.3f} s" if x >= 1 else f"{x * 1000:.1f} ms"


def cmd_table(results):
    rows = [json.loads(l) for l in open(results)]
    times = [r for r in rows if r["kind"] == "time"]
    print()
    print("Times: median wall time (runs), peak RSS (max over runs), round trips per run")
    print("after start-up as the delay proxy counted them (proxy rows only)")
    print()
    hdr = ["case", "path", "qadmin", "psql", "qadmin/psql", "runs q/p", "RSS qadmin", "RSS psql", "RT qadmin", "RT psql"]
    table = [hdr]
    for r in times:
        q = r["res"]["qadmin"]
        ref = r
        if r.get("ref"):
            ref = next((x for x in times if x["case"] == r["ref"] and x["path"] == r["path"]), r)
        p = ref["res"].get("psql", {"wall": [], "rss": [], "rt": [], "rc": 0})

        def med(x):
            return statistics.median(x["wall"]) if x["wall"] and not x["rc"] else None

        def cell(x):
            if x["rc"]:
                return f"FAILED (exit {x['rc']})"
            return fmt_s(med(x))

        def rss(x):
            return f"{max(x['rss']) / 1024:.1f} MiB" if x["rss"] else "-"

        def rt(x):
            if not x["rt"]:
                return "-"
            v = statistics.median(x["rt"])
            if r.get("per"):
                return f"{v:g} ({v / r['per']:.2f}/stmt)"
            return f"{v:g}"

        ratio = f"{med(q) / med(p):.2f}" if med(q) and med(p) else "-"
        mark = " *" if ref is not r else ""
        table.append([r["case"], r["path"], cell(q), cell(p) + mark, ratio, f"{len(q['wall'])}/{len(p['wall'])}", rss(q), rss(p), rt(q), rt(p)])
    print_table(table)
    if any(r.get("ref") for r in times):
        print("  * psql's figures of the case named before the comma (psql ran the dump as written)")
    fails = [(r, n) for r in times for n in r["tools"] if r["res"][n]["rc"]]
    if fails:
        print()
        for r, n in fails:
            print(f"  {n} failed on {r['case']} / {r['path']} (exit {r['res'][n]['rc']}):")
            for l in r["res"][n]["err"]:
                print(f"      {l}")
    rts = [r for r in rows if r["kind"] == "rt"]
    if rts:
        print()
        print("Round trips through the delay proxy (client flights answered by the server,")
        print("after the start-up exchange; the baseline is the same connection running nothing;")
        print("client writes: client->server reads after start-up, the final Terminate included)")
        print()
        table = [["what", "tool", "connections", "start-up flights", "round trips", "minus baseline", "client writes"]]
        for r in rts:
            table.append([r["what"], r["tool"], str(r["connections"]), str(r["startup_flights"]), str(r["round_trips"]),
                          r.get("net", "-"), str(r["client_writes"])])
        print_table(table)
    notes = [r for r in rows if r["kind"] == "note"]
    if notes:
        print()
    for r in notes:
        if True:
            print(r["text"])


def print_table(table):
    w = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for k, row in enumerate(table):
        print("  " + "  ".join(c.ljust(w[i]) if i < 2 else c.rjust(w[i]) for i, c in enumerate(row)).rstrip())
        if k == 0:
            print("  " + "  ".join("-" * x for x in w))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "time":
        cmd_time(args)
    elif cmd == "count":
        print(json.dumps(count(args[0], int(args[1]))))
    elif cmd == "rt":
        sys.exit(1 if cmd_rt(args) else 0)
    elif cmd == "note":
        with open(args[0], "a") as f:
            f.write(json.dumps({"kind": "note", "text": args[1]}) + "\n")
    elif cmd == "failed":
        results, case, path, tool = args
        rows = [json.loads(l) for l in open(results)]
        hit = [r for r in rows if r["kind"] == "time" and r["case"] == case and r["path"] == path and tool in r["res"]]
        sys.exit(0 if hit and hit[-1]["res"][tool]["rc"] else 1)
    elif cmd == "table":
        cmd_table(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

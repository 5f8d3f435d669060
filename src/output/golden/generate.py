#!/usr/bin/env python3
"""Write psql's output into the golden cases of src/output/golden/.

Each `<name>.txt` holds one case: the psql options, the columns (name and
type), the rows (the server's text, null as JSON null), then a line
`--- expected` and, to the end of the file, exactly what psql printed.
This script builds the case's SELECT from its columns and rows, runs psql
with the case's options and writes psql's output below `--- expected`
(and psql's version in the first line). It also checks that the server
returns the rows as written, so a case never tests values psql would not
see. The Rust side (src/output/golden.rs) prints the same columns and
rows with qadmin's printers and compares.

Add a case: write the lines above `--- expected` (copy a case) and run

    src/output/golden/generate.py [CASE.txt ...]     # all cases by default

against any server psql reaches (the PG* variables, e.g.
PGHOST=/tmp/qadmin-demo PGPORT=55432 with ./scripts/demo.sh running), or
with --cluster to start a throwaway one (initdb in a temporary
directory, as the tests do; as root it runs as the postgres user).

The cases were made with psql 15.18 (Debian 15.18-0+deb12u1).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NULL_MARK = "\x02NULL\x02"


def read_case(path):
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    head, sep, _ = text.partition("--- expected\n")
    if not sep:
        sys.exit(f"{path}: no '--- expected' line")
    case = {"flags": [], "columns": [], "rows": [], "head": []}
    for line in head.split("\n"):
        if not line:
            continue
        key, _, value = line.partition(": ")
        if line.startswith("#"):
            continue
        case["head"].append(line)
        if key == "psql":
            case["flags"] = json.loads(value)
        elif key == "column":
            case["columns"].append(json.loads(value))
        elif key == "row":
            case["rows"].append(json.loads(value))
        else:
            sys.exit(f"{path}: unknown line {line!r}")
    return case


def literal(value, typ):
    if value is None:
        return f"NULL::{typ}"
    s = value.replace("\\", "\\\\").replace("'", "\\'")
    s = "".join(c if ord(c) >= 0x20 or c == "\t" else f"\\x{ord(c):02x}" for c in s)
    return f"E'{s}'::{typ}"


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def select(case):
    cols, rows = case["columns"], case["rows"]
    if not cols:
        return f"SELECT FROM generate_series(1, {len(rows)})" if rows else "SELECT WHERE false"
    if not rows:
        items = ", ".join(f"NULL::{t} AS {ident(n)}" for n, t in cols)
        return f"SELECT {items} WHERE false"
    parts = []
    for i, row in enumerate(rows):
        items = []
        for (n, t), v in zip(cols, row):
            items.append(literal(v, t) + (f" AS {ident(n)}" if i == 0 else ""))
        parts.append("SELECT " + ", ".join(items))
    return " UNION ALL ".join(parts)


def psql(args, sql, env):
    cmd = ["psql", "-X", "-q", "-P", "pager=off", *args, "-c", sql]
    r = subprocess.run(cmd, env=env, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"psql failed: {r.stderr.decode(errors='replace')}\n  {sql}")
    return r.stdout.decode("utf-8")


def server_rows(case, sql, env):
    """The rows as the server returns them (text, NULL as None)."""
    n = len(case["columns"])
    out = psql(["-A", "-t", "-z", "-0", "-P", f"null={NULL_MARK}"], sql, env)
    fields = out.split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    fields = [None if f == NULL_MARK else f for f in fields]
    return [fields[i : i + n] for i in range(0, len(fields), n)]


def generate(path, env, version):
    case = read_case(path)
    sql = select(case)
    if case["columns"]:
        got = server_rows(case, sql, env)
        if got != case["rows"]:
            sys.exit(f"{path}: the server returns other rows than the case says:\n  {got!r}")
    expected = psql(case["flags"], sql, env)
    name = os.path.splitext(os.path.basename(path))[0]
    first = f"# {name}: {version} output, made by src/output/golden/generate.py (edit the lines above --- expected, then run it)"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join([first, *case["head"], "--- expected"]) + "\n" + expected)


def throwaway_cluster(env):
    """initdb + start in a temporary directory; returns (dir, stop)."""
    d = tempfile.mkdtemp(prefix="qadmin-golden-")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(d, "postgres")
    subprocess.run([*as_pg, "initdb", "-D", f"{d}/data", "-A", "trust", "-U", "postgres",
                    "--locale=C.UTF-8", "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*as_pg, "pg_ctl", "-D", f"{d}/data", "-w", "-l", f"{d}/log", "-o",
                    f"-k {d} -c listen_addresses='' -p 55499", "start"], check=True, capture_output=True)
    env.update(PGHOST=d, PGPORT="55499", PGUSER="postgres", PGDATABASE="postgres")

    def stop():
        subprocess.run([*as_pg, "pg_ctl", "-D", f"{d}/data", "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)

    return stop


def main():
    args = sys.argv[1:]
    env = dict(os.environ, PGCLIENTENCODING="UTF8", LC_ALL="C.UTF-8",
               PGOPTIONS="-c lc_monetary=C -c extra_float_digits=1")
    env.pop("PSQLRC", None)
    stop = None
    if "--cluster" in args:
        args.remove("--cluster")
        stop = throwaway_cluster(env)
    try:
        version = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
        version = version.replace(" (PostgreSQL)", "")
        paths = args or sorted(
            os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".txt"))
        for p in paths:
            generate(p, env, version)
        print(f"{len(paths)} case(s) written with {version}")
    finally:
        if stop:
            stop()


if __name__ == "__main__":
    main()

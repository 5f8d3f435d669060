#!/usr/bin/python3
"""Tab completion of the peers, on the same database as benches/complete.rs.

    /usr/bin/python3 benches/complete_peers.py 'host=... port=... dbname=big user=...'

benches/complete.sh runs it right after `cargo bench --bench complete`, so
that qadmin's numbers sit next to those of:

  pgcli  through its own Python API: the completion metadata build (its
         refreshers run synchronously in this process; median of 3) and
         PGCompleter.get_completions per prefix (up to 200 rounds, ~60 s cap).
  psql   in a real pty: type a prefix, press Tab, time the first byte of
         output and the last byte before 50 ms of quiet (the quiet itself is
         not counted); psql runs a catalog query on the server per Tab.

Only the SQL prefixes of complete.rs are used: the others (show queue,
register consumer, londiste ...) are qadmin commands the peers don't know.
Use Debian's python (/usr/bin/python3): pgcli is the Debian package
(`apt-get install pgcli`); without it the pgcli part is skipped.
Standard library only apart from pgcli.
"""

import errno
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

# The SQL prefixes of PREFIXES in benches/complete.rs.
PREFIXES = [
    "select * from t",
    "select * from t1",
    "select t.c from t100 t",
    "select a, b from t12 join t1",
    "update t99 set c",
    "insert into t5",
]

PGCLI_ROUNDS = 200
PGCLI_CAP_S = 60.0
PSQL_ROUNDS = 20
PSQL = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")
QUIET_S = 0.050  # "settled": no output for this long after the first byte
TAB_TIMEOUT_S = 3.0  # no output at all this long after Tab: no completion
# (bell-style none: readline prints nothing when there is no match)


def percentile(sorted_vals, p):
    """Same rule as complete.rs: nearest rank on (n - 1) * p."""
    i = round((len(sorted_vals) - 1) * p)
    return sorted_vals[min(i, len(sorted_vals) - 1)]


def ms(s):
    return s * 1000.0


def stats_line(vals):
    v = sorted(vals)
    return "median {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms".format(
        ms(percentile(v, 0.5)), ms(percentile(v, 0.99)), ms(v[-1]))


def per_prefix_line(prefix, count, vals, extra=""):
    v = sorted(vals)
    return "    {:<32} {:>6} candidates, median {:.2f} ms, p99 {:.2f} ms{}".format(
        '"{}"'.format(prefix), count, ms(percentile(v, 0.5)),
        ms(percentile(v, 0.99)), extra)


# --------------------------------------------------------------------- pgcli

def bench_pgcli(connstr):
    try:
        import pgcli
        from pgcli.completion_refresher import CompletionRefresher
        from pgcli.pgcompleter import PGCompleter
        from pgcli.pgexecute import PGExecute
        from pgspecial.main import PGSpecial
        from prompt_toolkit.completion import CompleteEvent
        from prompt_toolkit.document import Document
    except ImportError as e:
        print("pgcli: not installed (apt-get install pgcli) [{}; python {}]".format(
            e, sys.executable))
        return
    version = getattr(pgcli, "__version__", "?")
    # pgcli's default settings (pgclirc), without a casing file.
    settings = {
        "casing_file": None,
        "generate_casing_file": False,
        "generate_aliases": False,
        "asterisk_column_order": "table_order",
        "qualify_columns": "if_more_than_one_table",
        "case_column_headers": True,
        "search_path_filter": False,
        "single_connection": True,
        "less_chatty": True,
        "keyword_casing": "auto",
    }
    try:
        # PGExecute(dsn=...) is broken in pgcli 3.5.0 with psycopg 3
        # ('invalid connection option "dsn"'): pass the keywords instead.
        from psycopg.conninfo import conninfo_to_dict
        kw = conninfo_to_dict(connstr)
        executor = PGExecute(
            kw.pop("dbname", None), kw.pop("user", None), kw.pop("password", None),
            kw.pop("host", None), kw.pop("port", None), None, **kw)
    except Exception as e:  # psycopg.OperationalError and friends
        print("pgcli {}: cannot connect: {}".format(version, e))
        return
    special = PGSpecial()

    # (a) metadata build: what CompletionRefresher._bg_refresh does in its
    # thread, on an open connection (connecting is not counted).
    builds = []
    completer = None
    for _ in range(3):
        t = time.perf_counter()
        completer = PGCompleter(smart_completion=True, pgspecial=special,
                                settings=settings)
        for refresher in CompletionRefresher.refreshers.values():
            refresher(completer, executor)
        builds.append(time.perf_counter() - t)
    builds.sort()
    meta = completer.dbmetadata
    n_tables = sum(len(t) for t in meta["tables"].values())
    n_columns = sum(len(c) for t in meta["tables"].values() for c in t.values())
    n_functions = sum(len(f) for f in meta["functions"].values())
    print("pgcli {}: metadata {} tables, {} columns, {} functions; "
          "build median {:.0f} ms (of 3)".format(
              version, n_tables, n_columns, n_functions, ms(builds[1])))

    event = CompleteEvent(completion_requested=True)
    docs = [Document(p, cursor_position=len(p)) for p in PREFIXES]
    per = [[] for _ in PREFIXES]
    found_n = [0] * len(PREFIXES)
    first = time.perf_counter()
    list(completer.get_completions(Document("select "), event))
    first = time.perf_counter() - first
    start = time.perf_counter()
    rounds = 0
    while rounds < PGCLI_ROUNDS:
        for i, d in enumerate(docs):
            t = time.perf_counter()
            found = list(completer.get_completions(d, event))
            per[i].append(time.perf_counter() - t)
            found_n[i] = len(found)
        rounds += 1
        if time.perf_counter() - start > PGCLI_CAP_S:
            break
    print("  first tab of the process: {:.2f} ms".format(ms(first)))
    for i, p in enumerate(PREFIXES):
        print(per_prefix_line(p, found_n[i], per[i]))
    times = [x for v in per for x in v]
    capped = "" if rounds == PGCLI_ROUNDS else " ({} rounds, {:.0f} s cap)".format(
        rounds, PGCLI_CAP_S)
    print("  pgcli tab: {} completions, {}{}".format(len(times), stats_line(times),
                                                    capped))
    try:
        executor.conn.close()
    except Exception:
        pass


# ---------------------------------------------------------------------- psql

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
PROMPT = "@@qpeers@@> "


class Pty:
    def __init__(self, argv, env):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        # a wide screen so the candidate list takes few lines
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
        self.buf = b""

    def read(self, timeout):
        """One chunk of output, b"" on timeout; raises EOFError at the end."""
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return b""
        try:
            data = os.read(self.fd, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                raise EOFError
            raise
        if not data:
            raise EOFError
        return data

    def expect(self, needle, timeout):
        """Read until needle is in the output since the last expect."""
        deadline = time.monotonic() + timeout
        while needle not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("waiting for {!r}; got {!r}".format(
                    needle, self.buf[-300:]))
            self.buf += self.read(left)
        i = self.buf.index(needle) + len(needle)
        before, self.buf = self.buf[:i], self.buf[i:]
        return before

    def drain(self, quiet):
        out = b""
        while True:
            d = self.read(quiet)
            if not d:
                return out
            out += d

    def write(self, data):
        os.write(self.fd, data)

    def close(self):
        try:
            self.write(b"\x15\\q\r")
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if not self.read(0.2) and os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
        except (EOFError, OSError):
            pass
        try:
            if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def count_candidates(out, prefix):
    """What readline did with a Tab: (n candidates listed, description)."""
    text = ANSI.sub(b"", out).replace(b"\r", b"").decode("utf-8", "replace")
    text = text.replace("\x07", "")
    if "\n" in text:
        lines = text.split("\n")
        # the list, then the prompt and the line redisplayed
        listed = [w for line in lines[1:-1] for w in line.split()]
        return len(listed), "listed"
    text = text.replace("\b", "")
    return (1 if text.strip() else 0), "inserted {!r}".format(text) if text else "nothing"


def bench_psql(connstr):
    try:
        version = os.popen("{} --version".format(PSQL)).read().split()[2]
    except Exception:
        print("psql: {} not found".format(PSQL))
        return
    major = version.split(".")[0]
    tmp = tempfile.mkdtemp(prefix="qpeers-")
    inputrc = os.path.join(tmp, "inputrc")
    with open(inputrc, "w") as f:
        f.write("set bell-style none\n"
                "set show-all-if-ambiguous on\n"
                "set completion-query-items 100000\n"
                "set page-completions off\n"
                "set enable-bracketed-paste off\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": tmp,
        "TERM": "xterm",
        "INPUTRC": inputrc,
        "PSQL_HISTORY": os.devnull,
        "PAGER": "cat",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    for k in ("PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE", "PGSSLMODE"):
        if k in os.environ:
            env[k] = os.environ[k]
    argv = [PSQL, "-X", "-v", "PROMPT1=" + PROMPT, "-v", "PROMPT2=" + PROMPT,
            "-d", connstr]
    prompt = PROMPT.encode()
    p = Pty(argv, env)
    try:
        try:
            p.expect(prompt, 15)
        except (TimeoutError, EOFError) as e:
            said = p.buf.decode("utf-8", "replace").strip()
            print("psql {}: did not start: {}".format(
                major, said.splitlines()[-1] if said else repr(e)))
            return
        p.drain(0.1)
        per_first = [[] for _ in PREFIXES]
        per_last = [[] for _ in PREFIXES]
        found = [None] * len(PREFIXES)
        none = [0] * len(PREFIXES)
        for _ in range(PSQL_ROUNDS):
            for i, prefix in enumerate(PREFIXES):
                if none[i] and not per_first[i]:
                    continue  # no completion here: don't wait again
                p.write(prefix.encode())
                p.drain(QUIET_S)  # readline echoes the line
                t0 = time.perf_counter()
                p.write(b"\t")
                out = p.read(TAB_TIMEOUT_S)
                if not out:
                    none[i] += 1
                else:
                    t1 = time.perf_counter()
                    t2 = t1
                    while True:
                        d = p.read(QUIET_S)
                        if not d:
                            break
                        t2 = time.perf_counter()
                        out += d
                    per_first[i].append(t1 - t0)
                    per_last[i].append(t2 - t0)
                    found[i] = count_candidates(out, prefix)
                # Ctrl-C: psql drops the line (and the query buffer) and
                # prints a fresh prompt.
                p.buf = b""
                p.write(b"\x03")
                p.expect(prompt, 10)
                p.drain(0.02)
                p.buf = b""
        print("psql {} (pty, {} rounds; first byte / settled = last byte "
              "before {:.0f} ms of quiet):".format(version, PSQL_ROUNDS, ms(QUIET_S)))
        all_first, all_last = [], []
        for i, prefix in enumerate(PREFIXES):
            if not per_first[i]:
                print("    {:<32}      0 candidates: no output within {:.0f} s after Tab "
                      "(nothing to complete; not timed)".format(
                          '"{}"'.format(prefix), TAB_TIMEOUT_S))
                continue
            n, how = found[i]
            extra = ""
            if how != "listed":
                extra = " [{}]".format(how)
            if none[i]:
                extra += " [{} of {} Tabs gave no output]".format(none[i], PSQL_ROUNDS)
            vf, vl = sorted(per_first[i]), sorted(per_last[i])
            print("    {:<32} {:>6} candidates, first byte median {:.2f} ms, p99 {:.2f} ms;"
                  " settled median {:.2f} ms, p99 {:.2f} ms{}".format(
                      '"{}"'.format(prefix), n,
                      ms(percentile(vf, 0.5)), ms(percentile(vf, 0.99)),
                      ms(percentile(vl, 0.5)), ms(percentile(vl, 0.99)), extra))
            all_first += per_first[i]
            all_last += per_last[i]
        if all_first:
            print("  psql {} tab: {} completions, first byte {}".format(
                major, len(all_first), stats_line(all_first)))
            print("  psql {} tab: {} completions, settled    {}".format(
                major, len(all_last), stats_line(all_last)))
    except (TimeoutError, EOFError) as e:
        print("psql {}: pty session broke: {!r}".format(major, e))
    finally:
        p.close()
        try:
            os.unlink(inputrc)
            os.rmdir(tmp)
        except OSError:
            pass


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.stderr.write("usage: /usr/bin/python3 {} CONNSTR\n".format(sys.argv[0]))
        sys.exit(2)
    connstr = args[0]
    sys.stdout.reconfigure(line_buffering=True)
    bench_pgcli(connstr)
    bench_psql(connstr)


if __name__ == "__main__":
    main()

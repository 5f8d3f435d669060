#!/usr/bin/env python3
"""A realistic SQL script for the benchmarks: inserts with strings that
contain ';' and '' escapes, multi-line statements, dollar-quoted function
bodies and comments. `gen_script.py N` writes N statements; `--mb M` writes
about M megabytes."""
import sys


def statements():
    i = 0
    while True:
        k = i % 10
        if k == 0:
            yield f"-- batch {i}\ninsert into bench_t values ({i}, 'plain text {i}');\n"
        elif k == 1:
            yield f"insert into bench_t values ({i}, 'semi;colon and ''quotes'' {i}');\n"
        elif k == 2:
            yield (f"insert into bench_t\n  (id, body)\nvalues\n  ({i},\n   /* block ; comment */ 'multi-line {i}');\n")
        elif k == 3:
            yield f"insert into bench_t values ({i}, $q$dollar ; quoted {i}$q$);\n"
        elif k == 4:
            yield (f"create or replace function bench_f_{i % 7}(x int) returns int language plpgsql as $body$\n"
                   f"begin\n  -- inner comment; with semicolon\n  return x + {i};\nend;\n$body$;\n")
        elif k == 5:
            yield f"insert into bench_t values ({i}, E'escaped \\' ; quote {i}');\n"
        elif k == 6:
            yield f"update bench_t set body = body || ';' where id = {i - 1};\n"
        elif k == 7:
            yield f"insert into bench_t select {i}, repeat('x', 20) || '(;)';\n"
        elif k == 8:
            yield f"/* leading comment */ insert into bench_t values ({i}, 'after comment');\n"
        else:
            yield f"delete from bench_t where id = {i - 9} and body like '%;%';\n"
        i += 1


def main():
    out = sys.stdout
    if sys.argv[1] == "--mb":
        limit = int(sys.argv[2]) * 1024 * 1024
        n = 0
        for s in statements():
            out.write(s)
            n += len(s)
            if n >= limit:
                break
    else:
        count = int(sys.argv[1])
        for j, s in enumerate(statements()):
            if j >= count:
                break
            out.write(s)


main()

//! SQL pass-through: results, command tags, errors and notices look like
//! psql's. The strongest check runs the same script through psql and
//! qadmin against the same database and compares the output line by line.

use crate::assert_text_eq;
use crate::support::run;
use crate::test_db;

/// Run `script` with psql and with qadmin (each on its own fresh copy of
/// the setup) and compare stdout and stderr; psql's message prefix
/// `psql:` becomes `qadmin:`.
pub fn parity(setup: &str, script: &str, extra: &[&str]) {
    let a = test_db!();
    let b = test_db!();
    if !setup.is_empty() {
        a.sql(setup);
        b.sql(setup);
    }
    let pa = a.script("s.sql", script);
    let pb = b.script("s.sql", script);
    let want = run(a.psql().args(extra).arg("-f").arg(&pa));
    let got = run(b.qadmin().args(extra).arg("-f").arg(&pb));
    let want_err = want
        .stderr
        .replace(&format!("psql:{}:", pa.display()), "qadmin:FILE:");
    let got_err = got
        .stderr
        .replace(&format!("qadmin:{}:", pb.display()), "qadmin:FILE:");
    assert_text_eq!(want.stdout, got.stdout, "(stdout for {script})");
    assert_text_eq!(want_err, got_err, "(stderr for {script})");
    assert_eq!(want.code, got.code, "exit code");
}

#[test]
fn results_tags_and_errors_match_psql() {
    parity(
        "",
        r#"-- a comment before the statement
select 1 as a, 'x' as b, null::int as n, 12.5::numeric as "long column name";
select 'two
lines' as t, 42 as answer;
select;
select * from generate_series(1, 3) g where false;
create table t (id int primary key, name text);
insert into t values (1, 'one'), (2, 'two');
insert into t values (3, 'three') returning id, name;
update t set name = upper(name) where id > 1;
delete from t where id = 3;
select * from t order by id;
select
  missing_column
  from t;
select 1/0;
do $$ begin raise notice 'hello %', 42; end $$;
begin;
select bad;
commit;
begin;
savepoint a;
select 1/0;
rollback to savepoint a;
select count(*) from t;
commit;
create table t2 as select * from t;
select * into t3 from t;
with x as (insert into t values (7, 'seven') returning id) select * from x;
values (1, 'a'), (2, 'b');
table t;
create function f() returns int language plpgsql as $f$ begin return 1/0; end $f$;
select f();
select 'a;b' as semi, $x$;$x$ as dollar /* ; */;
explain (costs off) select * from t where id = 1;
show standard_conforming_strings;
set search_path = public;
truncate t2;
drop table t3;
select 'ünïcödé' as "wïde", '日本語' as cjk;
copy (select id, name from t order by id) to stdout;
copy (select id, name from t order by id) to stdout with (format csv, header);
"#,
        &[],
    );
}

#[test]
fn batches_match_psql_fetch_count() {
    parity(
        "create table n as select g, repeat('x', g) as s from generate_series(1, 7) g",
        "select * from n order by g;\nselect * from n where g > 100;\n",
        &["-v", "FETCH_COUNT=3"],
    );
}

#[test]
fn formats_match_psql() {
    let setup = "create table f as select g as id, case when g = 2 then null else 'v,' || g end as val, g % 2 = 0 as even from generate_series(1, 3) g";
    let script = "select * from f order by id;\n";
    parity(setup, script, &["--csv"]);
    parity(setup, script, &["-A"]);
    parity(setup, script, &["-t"]);
    parity(setup, script, &["-x"]);
}

#[test]
fn json_output_is_one_document_per_result() {
    let db = test_db!();
    let r = run(db.qadmin().arg("--json").arg("-c").arg(
        "select 1 as i, 2.5::numeric as n, 'x' as s, null::text as z, true as b, '{\"k\":[1]}'::jsonb as j; \
         create table j(a int); insert into j values (1);",
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&r.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", r.stdout));
    assert_eq!(
        docs[0],
        serde_json::json!([{"i": 1, "n": 2.5, "s": "x", "z": null, "b": true, "j": {"k": [1]}}])
    );
    assert_eq!(docs[1], serde_json::json!({"command": "CREATE TABLE"}));
    assert_eq!(docs[2], serde_json::json!({"command": "INSERT 0 1"}));
}

#[test]
fn statements_reach_the_server_verbatim() {
    let db = test_db!();
    let script = "create table v (id serial, body text);\n\
        insert into v (body) values ('semi;colon'), (E'esc\\';aped'), ($$dollar;quoted$$);\n\
        insert into v (body) values ('multi\nline;');\n\
        /* block ; comment */ insert into v (body) values ($tag$ $$ ; $tag$);\n\
        create function add1(i int) returns int language plpgsql as $body$\n\
        begin\n  -- inner ; comment\n  return i + 1;\nend;\n$body$;\n\
        insert into v (body) values (add1(41)::text);\n";
    let p = db.script("v.sql", script);
    let r = run(db.qadmin().arg("-q").arg("-f").arg(&p));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(
        db.sql("select string_agg(body, '|' order by id) from v"),
        "semi;colon|esc';aped|dollar;quoted|multi\nline;| $$ ; |42"
    );
}

#[test]
fn large_results_stream_as_sent_without_a_cursor() {
    let db = test_db!();
    // FETCH_COUNT=100: every row arrives, printed in batches; the server
    // ran the user's text itself (no DECLARE around it, no cursor, no
    // transaction of qadmin's own).
    let sql = "select g, (select count(*) from pg_cursors) as c, current_query() as q, \
         txid_current_if_assigned() is null as no_tx from generate_series(1, 2500) g";
    let r = run(db
        .qadmin()
        .args(["-v", "FETCH_COUNT=100", "-A", "-t", "-c"])
        .arg(sql));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2500);
    assert_eq!(lines[0], format!("1|0|{sql}|t"));
    assert_eq!(lines[2499], format!("2500|0|{sql}|t"));
}

#[test]
fn cursor_inside_a_transaction_keeps_it_usable() {
    let db = test_db!();
    let r = run(db.qadmin().arg("-c").arg(
        "create table c (a int); begin; insert into c values (1); \
         select * into c2 from c; select count(*) from c; \
         with d as (delete from c returning *) select count(*) from d; commit;",
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(db.sql("select count(*) from c"), "0");
    assert_eq!(db.sql("select count(*) from c2"), "1");
}

#[test]
fn copy_from_stdin_and_to_stdout_match_psql() {
    // Data in the script (NULLs, backslashes, tabs, non-ASCII), a bad row
    // with psql's CONTEXT line, COPY TO STDOUT, COPY in a transaction, CSV,
    // and statements after each COPY on the same and the next lines.
    parity(
        "create table t (a int, b text)",
        "copy t from stdin;\n1\tone\n2\t\\N\n3\ta\\\\b\\tc\n4\tÄ€\n\\.\nselect * from t order by a;\n\
         copy t from stdin;\n5\tfive\nbad\trow\n6\tsix\n\\.\nselect count(*) from t;\n\
         begin;\ncopy t (a, b) from stdin with (format csv);\n7,\"x,y\"\n8,\n\\.\ncommit;\n\
         copy t to stdout;\ncopy (select a from t where a > 6 order by a) to stdout with (format csv, header);\n\
         copy t from stdin; select 'same line';\n9\tnine\n\\.\nselect max(a) from t;\n",
        &[],
    );
    parity(
        "create table t (a int, b text)",
        "copy t from stdin;\nbad\n\\.\nselect 'not reached';\n",
        &["-v", "ON_ERROR_STOP=1"],
    );
}

#[test]
fn copy_from_stdin_reads_stdin_after_dash_c() {
    let db = test_db!();
    db.sql("create table t (a int, b text)");
    let mut cmd = db.qadmin();
    cmd.args(["-c", "copy t from stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"1\tx\n2\ty\n\\.\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "COPY 2\n");
    assert_eq!(db.sql("select string_agg(b, ',' order by a) from t"), "x,y");
}

#[test]
fn a_plain_dump_restores_as_with_psql() {
    let src = test_db!();
    src.sql(
        "create table big (id int primary key, t text, n numeric, j jsonb); \
         insert into big select g, case when g % 7 = 0 then null \
           else E'tab\\there, back\\\\slash, new\\nline ' || repeat('x', g % 300) end, \
           g / 3.0, jsonb_build_object('g', g) from generate_series(1, 20000) g; \
         create table other (k text primary key, big_id int references big); \
         insert into other values ('a', 1), (E'q\\'uote', 2); \
         create sequence s start 42; create view v as select count(*) from big;",
    );
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump.sql");
    let pg_dump = src.cluster.bin.join("pg_dump");
    let dump_of = |db: &crate::support::TestDb, to: &std::path::Path| {
        let r = run(std::process::Command::new(&pg_dump).args([
            "-h",
            src.cluster.dir.to_str().unwrap(),
            "-p",
            &src.cluster.port.to_string(),
            "-U",
            &src.cluster.su,
            "-d",
            &db.name,
            "-f",
            to.to_str().unwrap(),
        ]));
        assert_eq!(r.code, 0, "pg_dump: {}", r.stderr);
        std::fs::read_to_string(to).unwrap()
    };
    dump_of(&src, &dump);
    let by_psql = test_db!();
    let by_qadmin = test_db!();
    let p = run(by_psql
        .psql()
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&dump));
    let q = run(by_qadmin
        .qadmin()
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&dump));
    assert_eq!(p.code, 0, "{}", p.stderr);
    assert_eq!(q.code, 0, "{}", q.stderr);
    assert_eq!(
        q.stderr.replace("qadmin:", "psql:"),
        p.stderr,
        "the same messages"
    );
    let a = dump_of(&by_psql, &dir.path().join("a.sql"));
    let b = dump_of(&by_qadmin, &dir.path().join("b.sql"));
    // pg_dump writes a random \restrict key into each dump.
    let keyless = |d: &str| {
        d.lines()
            .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(a.contains("COPY public.big"));
    assert!(
        keyless(&a) == keyless(&b),
        "pg_dump of the psql and qadmin restores differ"
    );
    assert_eq!(by_qadmin.sql("select count(*) from big"), "20000");
}

#[test]
fn a_qadmin_command_in_a_transaction_block_keeps_it_open() {
    // The command's own transaction is a savepoint inside the user's
    // block: the user's ROLLBACK undoes both (was: the command committed).
    let db = test_db!();
    db.sql(
        "create extension if not exists pgq; select pgq.create_queue('qa'); \
         create table canary (a int); insert into canary values (1)",
    );
    let script = db.script(
        "t.sql",
        "begin;\ninsert into canary values (2);\nalter queue qa set max_count = 10;\nrollback;\nselect count(*) from canary;\n",
    );
    let r = run(db
        .qadmin()
        .args(["-A", "-t", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&script));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(db.sql("select count(*) from canary"), "1");
    assert_eq!(
        db.sql("select queue_ticker_max_count from pgq.queue where queue_name = 'qa'"),
        "500"
    );
}

#[test]
fn the_lexer_follows_standard_conforming_strings() {
    // With the setting off, '\'' does not end the string: the whole line
    // is one statement, and nothing after the quote runs.
    parity(
        "create table canary (a int)",
        "set standard_conforming_strings = off;\nselect 'O\\'Brien; drop table canary; --' as name;\nselect count(*) from canary;\nset standard_conforming_strings = on;\nselect 'a\\' as b;\n",
        &[],
    );
    let db = test_db!();
    db.sql("create table canary (a int)");
    db.sql(&format!(
        "alter database {} set standard_conforming_strings = off",
        db.name
    ));
    let script = db.script("s.sql", "select 'x\\'; drop table canary; --';\n");
    let r = run(db.qadmin().args(["-A", "-t", "-f"]).arg(&script));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(db.sql("select count(*) from canary"), "0");
}

#[test]
fn slash_copy_matches_psql() {
    // Files to and from the client, stdin of the script, stdout, programs,
    // a missing file and a parse error.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    parity(
        "create table t (a int, b text); insert into t values (1, 'x'), (2, null), (3, 'tab\there')",
        &format!(
            "\\copy t to '{d}/t.txt'\n\\copy (select a, b from t where a > 1) to '{d}/q.csv' with (format csv, header)\n\
             create table u (a int, b text);\n\\copy u from '{d}/t.txt'\n\\copy u (a, b) from stdin\n7\tseven\n\\.\n\
             \\copy u from '{d}/missing.txt'\n\\copy u to stdout\n\\copy u to program 'wc -l > {d}/n.txt'\n\
             \\copy u from program 'printf \"9\\tnine\\n\"'\nselect count(*) from u;\n\\copy u frm x\n"
        ),
        &[],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("q.csv")).unwrap(),
        "a,b\n2,\n3,tab\there\n"
    );
}

#[test]
fn selects_with_effects_match_psql() {
    // A one-row SELECT inside the user's transaction, a SELECT that fails
    // halfway (rows already sent), FOR UPDATE, a volatile function with
    // side effects: the same output and the same effects as psql.
    parity(
        "create table t (a int); insert into t values (1), (2), (3); \
         create table log (x int); \
         create function bump(i int) returns int language sql volatile as \
         $$ insert into log values (i) returning i $$;",
        "begin;\nselect a from t where a = 1;\nselect 1 / (a - 2) as q from t order by a;\nrollback;\n\
         begin;\nselect a from t order by a for update;\ncommit;\n\
         select bump(a) from t order by a;\nselect count(*) from log;\n\
         begin;\nselect bump(10);\nselect 1/0;\ncommit;\nselect count(*) from log;\n",
        &["-v", "FETCH_COUNT=2"],
    );
    parity(
        "create table t (a int); insert into t select generate_series(1, 5)",
        "select 1 / (a - 3) as q from t order by a;\n",
        &[],
    );
}

#[test]
fn notifications_print_as_in_psql() {
    // The PID differs between the two runs; the rest must not.
    let a = test_db!();
    let b = test_db!();
    let script = "listen ch;\nnotify ch;\nnotify ch, 'pay load';\nselect 1 as x;\n";
    let pa = a.script("n.sql", script);
    let pb = b.script("n.sql", script);
    let want = run(a.psql().arg("-f").arg(&pa));
    let got = run(b.qadmin().arg("-f").arg(&pb));
    let no_pid = |t: &str| {
        t.lines()
            .map(|l| match l.find("PID ") {
                Some(i) => format!("{}PID n.", &l[..i]),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        got.stdout.contains("with payload \"pay load\""),
        "{}",
        got.stdout
    );
    assert_eq!(no_pid(&got.stdout), no_pid(&want.stdout));
}

#[test]
fn verbosity_and_show_context_match_psql() {
    let setup = "create function boom() returns int language plpgsql as \
                 $$ begin raise notice 'inside'; return 1 / 0; end $$";
    for v in ["default", "verbose", "terse", "sqlstate"] {
        for c in ["never", "errors", "always"] {
            parity(
                setup,
                &format!(
                    "\\set VERBOSITY {v}\n\\set SHOW_CONTEXT {c}\nselect boom();\nselec 1;\n\
                     select * from no_such_table;\ninsert into no_such_table values (1);\n"
                ),
                &[],
            );
        }
    }
    parity(
        "",
        "\\set VERBOSITY loud\n\\set SHOW_CONTEXT sometimes\n",
        &[],
    );
}

#[test]
fn a_dash_c_string_of_several_statements_is_one_implicit_transaction() {
    // As psql sends it: one simple query; an error rolls back the whole
    // string; every result is printed; positions point into the string.
    for cmd in [
        "create table x (a int); insert into x values (1); select 1/0; insert into x values (2)",
        "select 1 as a; select 'two' as b, 3 as c; values (4)",
        "create table y (a int); insert into y values (1) returning a; selec 2",
        "begin; create table z (a int); commit; select count(*) from z",
    ] {
        let a = test_db!();
        let b = test_db!();
        let want = run(a.psql().args(["-c", cmd]));
        let got = run(b.qadmin().args(["-c", cmd]));
        assert_text_eq!(want.stdout, got.stdout, "(stdout of -c {cmd})");
        assert_text_eq!(
            want.stderr,
            got.stderr.replace("qadmin:", "psql:"),
            "(stderr of -c {cmd})"
        );
        assert_eq!(want.code, got.code, "exit code of -c {cmd}");
        let tables = "select count(*) from pg_tables where schemaname = 'public'";
        assert_eq!(a.sql(tables), b.sql(tables), "effects of -c {cmd}");
    }
}

//! SQL pass-through: results, command tags, errors and notices look like
//! psql's. The strongest check runs the same script through psql and
//! qadmin against the same database and compares the output line by line.

use crate::assert_text_eq;
use crate::support::run;
use crate::test_db;

/// Run `script` with psql and with qadmin (each on its own fresh copy of
/// the setup) and compare stdout and stderr; psql's message prefix
/// `psql:` becomes `qadmin:`.
fn parity(setup: &str, script: &str, extra: &[&str]) {
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
fn large_results_stream_through_a_cursor() {
    let db = test_db!();
    // FETCH_COUNT=100: the cursor is visible in pg_cursors from inside the
    // query, and every row arrives.
    let r = run(db
        .qadmin()
        .args(["-v", "FETCH_COUNT=100", "-A", "-t", "-c"])
        .arg(
            "select g, (select count(*) from pg_cursors where name = '_qadmin_cursor') as c \
         from generate_series(1, 2500) g",
        ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2500);
    assert_eq!(lines[0], "1|1");
    assert_eq!(lines[2499], "2500|1");
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

//! psql's variables (#12): interpolation in SQL and in meta-command
//! arguments, `-v`, `\set` / `\unset`, the special variables and their
//! effects, the result variables, and the `\g` family, each compared
//! byte for byte with psql 15 on the same script ([`parity`]).

use crate::assert_text_eq;
use crate::sql::parity;
use crate::support::run;
use crate::test_db;

#[test]
fn interpolation_matches_psql() {
    parity(
        "",
        r#"\echo :x :"x" :'x' :{?x} :{?y} :y
\set y 'a\\b' c
\set t 'My "T"'
\echo :'y' :"y" :"t"
select :'y' as a, :x::int + 1 as b, ':x' as c, /* :x */ 1 as d, $$:x$$ as e, ":x" as f -- :x
;
select :'t' as lit, 1 as :"t";
\set q 'select 1 as one; select 2 as two'
:q;
\set r ':r'
select :r;
\set nest ':x + :x'
select :nest as nest;
select 1 \echo mid
 + 2 as three;
select 1 \; select 2 as two \; select \:x as colon;
select 'a' as arr, (array[1,2,3])[1:2] as slice, (array[1,2,3])[2:x];
\set e ''
select :e 1 as e;
\echo `echo shell :x` '-n' x "dq :x" 'a\tb' :'x'
\echo -n no newline
\echo
"#,
        &["-v", "x=5"],
    );
}

#[test]
fn variables_set_unset_and_special_values_match_psql() {
    parity(
        "",
        r#"\set AUTOCOMMIT foo
\set ECHO bogus
\set ECHO_HIDDEN foo
\set ON_ERROR_ROLLBACK foo
\set COMP_KEYWORD_CASE foo
\set HISTCONTROL foo
\set VERBOSITY loud
\set SHOW_CONTEXT maybe
\set FETCH_COUNT x
\set HISTSIZE ' 5'
\set IGNOREEOF x
\set 1x y
\set -x y
\set ON_ERROR_STOP
\echo :AUTOCOMMIT :ON_ERROR_STOP :HISTSIZE :IGNOREEOF :1x
\unset ON_ERROR_STOP
\unset ECHO
\unset PROMPT3
\unset nothing
\echo :ON_ERROR_STOP :ECHO [:PROMPT3]
\set VERBOSITY TERSE
select 1/0;
\set VERBOSITY default
\unset
\echo :ENCODING :SERVER_VERSION_NUM :HOST :PORT :USER
"#,
        &[],
    );
}

#[test]
fn set_lists_the_variables_as_psql_does() {
    // All but the values that name the client, the database and the
    // prompt (qadmin's own) are psql's.
    let script = "\\set zz 'x''y'\nselect 1/0;\n\\set\n";
    let a = test_db!();
    let b = test_db!();
    let pa = a.script("s.sql", script);
    let pb = b.script("s.sql", script);
    let keep = |text: &str| {
        text.lines()
            .filter(|l| {
                !["VERSION", "PROMPT1 ", "PROMPT2 ", "DBNAME "]
                    .iter()
                    .any(|p| l.starts_with(p))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let want = run(a.psql().arg("-f").arg(&pa));
    let got = run(b.qadmin().arg("-f").arg(&pb));
    assert_text_eq!(keep(&want.stdout), keep(&got.stdout), "\\set");
}

#[test]
fn result_variables_match_psql() {
    parity(
        "create table r(a int)",
        r#"insert into r select generate_series(1, 3);
\echo :ERROR :SQLSTATE :ROW_COUNT
update r set a = a + 1 where a > 1;
\echo :ERROR :SQLSTATE :ROW_COUNT
create table r2(a int);
\echo :ERROR :SQLSTATE :ROW_COUNT
select * from r where a = 2;
\echo :ROW_COUNT
select 1/0;
\echo :ERROR :SQLSTATE :ROW_COUNT :LAST_ERROR_MESSAGE :LAST_ERROR_SQLSTATE
select nope;
\echo :LAST_ERROR_MESSAGE :LAST_ERROR_SQLSTATE
select 1;
\echo :ERROR :SQLSTATE :LAST_ERROR_SQLSTATE
"#,
        &[],
    );
}

#[test]
fn autocommit_off_and_on_error_rollback_match_psql() {
    parity(
        "create table ac(a int)",
        r#"\set AUTOCOMMIT off
insert into ac values (1);
rollback;
select count(*) from ac;
insert into ac values (2);
commit;
vacuum ac;
select count(*) from ac;
commit;
\set AUTOCOMMIT on
begin;
\set ON_ERROR_ROLLBACK on
insert into ac values (3);
select 1/0;
insert into ac values (4);
commit;
select a from ac order by a;
\set ON_ERROR_ROLLBACK interactive
begin;
select 1/0;
select 1;
rollback;
"#,
        &[],
    );
}

#[test]
fn the_g_family_matches_psql() {
    parity(
        "",
        r#"select 3 as g
\gset
\echo :g :ROW_COUNT :ERROR
select 1 as a, null as b \gset p_
\echo :p_a :p_b
select 1 as a where false \gset
select generate_series(1,2) as a \gset
select 5 as "FETCH_COUNT", 6 as "bad-name" \gset
select 1/0 \gset
\echo :ERROR :SQLSTATE
create table tt(a int) \gset
select 'select 2 as y', null, 'select 3 as z' \gexec
select 'select 1/0', 'select 1 as after' \gexec
select 1 as x, 'two' as y \gx
select 4 as again
\g
\g
\p
\r
\p
select 'alter table tt add column b int' \gexec

"#,
        &[],
    );
}

#[test]
fn g_to_a_file_and_qecho_warn_env_match_psql() {
    let db = test_db!();
    let dir = db.script("x", "");
    let dir = dir.parent().expect("dir").display().to_string();
    parity(
        "",
        &format!(
            r#"select 2 as two \g {dir}/g.out
\! cat {dir}/g.out
select 3 as three \gx |cat
\o {dir}/o.out
\qecho to the file :x
select 4;
\o
\! cat {dir}/o.out
\warn to stderr
\setenv QADMIN_T_VAR hello
\getenv got QADMIN_T_VAR
\getenv gone QADMIN_T_NOT_SET
\echo :got :gone
\setenv QADMIN_T_VAR
\! echo "[$QADMIN_T_VAR]"
"#
        ),
        &["-v", "x=5"],
    );
}

#[test]
fn londiste_style_gset_then_interpolated_statement() {
    parity(
        "create table s(a int)",
        "select 'insert into s values (7)' as step1\n\\gset\n:step1 ;\nselect * from s;\n",
        &[],
    );
}

#[test]
fn qadmin_commands_take_interpolated_names() {
    let db = test_db!();
    let script = db.script(
        "c.sql",
        "\\set q 'My Queue'\n\\set c 'it''s'\ncreate queue :\"q\";\nregister consumer :'c' on :'q';\nselect consumer_name from pgq.get_consumer_info(:'q');\n",
    );
    let r = run(db.qadmin().arg("-A").arg("-t").arg("-f").arg(&script));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_text_eq!("CREATE\nREGISTER\nit's\n", r.stdout, "stdout");
}

#[test]
fn dash_c_sql_is_not_interpolated_as_in_psql() {
    let db = test_db!();
    let want = run(db.psql().args(["-v", "x=5", "-c", "select :x"]));
    let got = run(db.qadmin().args(["-v", "x=5", "-c", "select :x"]));
    assert_text_eq!(want.stderr, got.stderr, "stderr");
    let want = run(db.psql().args(["-v", "x=5", "-c", "\\echo :x :'x'"]));
    let got = run(db.qadmin().args(["-v", "x=5", "-c", "\\echo :x :'x'"]));
    assert_text_eq!(want.stdout, got.stdout, "stdout");
}

#[test]
fn gset_after_a_qadmin_command() {
    let db = test_db!();
    let script = db.script(
        "g.sql",
        "create queue gq;\nshow queue+ gq \\gset\n\\echo :queue :max_count [:ev_per_sec]\nshow queue gq\n\\gset q_\n\\echo :q_queue\n",
    );
    let r = run(db.qadmin().arg("-q").arg("-f").arg(&script));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_text_eq!("gq 500 [:ev_per_sec]\ngq\n", r.stdout, "stdout");
}

//! psql's script language beyond variables (#12): `\if` blocks, the
//! printing options and meta-commands, the describe commands; each
//! compared byte for byte with psql 15 on the same script ([`parity`]).

use crate::sql::parity;

#[test]
fn if_blocks_match_psql() {
    parity(
        "",
        r#"\set x 1
\if :x
\echo yes :x
\elif `echo bad`
\echo no
\else
\echo no2
\endif
\if false
select 1 +
  :x;
\bogus arg
\echo skip `echo hi`
\if true
\echo inner
\endif
\else
\echo else-branch
\endif
\if maybe
\echo after-bad
\endif
\if
\endif
\if true false
\endif
\elif
\else
\endif
\if 0
\else
\echo e1
\else
\elif 1
\endif
select 1 \if true
\echo in
\endif
;
\if false
select 2 \endif
;
\if false
\echo a \echo b
\x \y
\endif
\if off \echo after-off
\endif
\if on
\endif extra
\if t
\echo t
\endif
"#,
        &["-a"],
    );
}

#[test]
fn if_blocks_with_variables_qadmin_commands_and_on_error_stop_match_psql() {
    parity(
        "",
        r#"\set ON_ERROR_STOP 1
\set q myq
\if :{?q}
\echo have q :q
\endif
\if false
\set x `echo nope`
\endif
\echo x is :x
select 1 \if true
\echo in
\else
select 99
\endif
, 2;
\if false
show queue :q;
\endif
\if bad
\endif
\echo before
\else
\echo not here
"#,
        &[],
    );
}

#[test]
fn an_if_block_open_at_the_end_of_a_file_is_an_error_like_psql() {
    parity(
        "",
        "\\if true\n\\echo in\n\\if false\nselect 1;\n",
        &["-v", "ON_ERROR_STOP=1"],
    );
}

#[test]
fn pset_options_borders_line_styles_and_shorthands_match_psql() {
    parity(
        "",
        r#"create temp table pt (a int, b text, c numeric);
insert into pt values (1, 'one', 1234567.5), (22, E'two\nlines', -12), (null, 'x', null);
\pset border 0
select * from pt;
\pset border 2
select * from pt;
\pset title 'My title'
select * from pt;
\pset title
\pset linestyle old-ascii
select * from pt;
\pset border 1
select * from pt;
\pset border 0
select * from pt;
\pset linestyle unicode
select * from pt;
\pset border 1
select * from pt;
\pset border 2
select * from pt;
\pset unicode_border_linestyle double
select * from pt;
\pset unicode_column_linestyle double
\pset unicode_header_linestyle double
select * from pt;
select 1 as "multi
line", 2 as x;
\pset linestyle ascii
\pset border 1
\pset numericlocale on
select * from pt;
\pset numericlocale off
\C 'A title'
select * from pt;
\a
select * from pt;
\f ;
\pset recordsep '#'
select * from pt;
\C
\t
select * from pt;
\t
\pset fieldsep_zero
\pset recordsep_zero
\a
\pset csv_fieldsep ;
\pset format csv
select * from pt;
\pset format wrapped
select * from pt;
\pset
\x
\x
\t on
\T border=1
\pset columns 72
\pset pager off
\pset pager_min_lines 3
\pset
"#,
        &["-a"],
    );
}

#[test]
fn pset_messages_match_psql() {
    parity(
        "",
        r#"\pset
\pset border 2
\pset border
\pset border x
\pset linestyle unicode
\pset linestyle u
\pset linestyle foo
\pset unicode_border_linestyle double
\pset unicode_column_linestyle d
\pset unicode_header_linestyle single
\pset columns 80
\pset csv_fieldsep ;
\pset csv_fieldsep ab
\pset fieldsep :
\pset fieldsep_zero
\pset recordsep x
\pset recordsep_zero
\pset numericlocale
\pset title hello
\pset title
\pset tableattr x=1
\pset tableattr
\pset pager off
\pset pager_min_lines 5
\pset format wrapped
\pset format foo
\pset x
\pset expanded auto
\pset null
\pset null ""
\pset foo
\pset footer
\pset t
\pset tuples_only
\pset


	
	 on

 ,
\C
\C tit
\C
\pset title
\pset csv_fieldsep
"#,
        &[],
    );
}

#[test]
fn errverbose_and_echo_errors_match_psql() {
    parity(
        "",
        "\\errverbose\nselect 1;\nselect nope;\n\\errverbose\nselect 1/0;\n\\errverbose\n\\set ECHO errors\nselect\n  bad;\n\\echo :ECHO\n",
        &[],
    );
    parity("", "select nope;\n\\echo :ECHO\n", &["-b"]);
}

#[test]
fn w_writes_the_query_buffer_or_the_last_statement() {
    let db = crate::test_db!();
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.sql"), dir.path().join("b.sql"));
    let script = db.script(
        "w.sql",
        format!(
            "select 1 as one;\n\\w {}\nselect 2\n\\w {}\n;\n",
            a.display(),
            b.display()
        ),
    );
    let r = crate::support::run(db.qadmin().args(["-A", "-t", "-f"]).arg(&script));
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "1\n2\n", "")
    );
    assert_eq!(
        std::fs::read_to_string(&a).expect("a"),
        "select 1 as one;\n"
    );
    assert_eq!(std::fs::read_to_string(&b).expect("b"), "select 2\n");
}

/// Objects for the describe commands' tests.
const DESCRIBE_SETUP: &str = r#"create schema s1;
create table t1 (id int primary key, name text not null default 'x', v numeric(10,2), created timestamptz default now());
create table s1.t2 (a int references t1(id), b varchar(20) unique, c int check (c > 0));
create index t1_name_idx on t1 (name) where name <> '';
create view v1 as select id, name from t1;
create view v2 as select * from t1 where id > 0 with local check option;
create materialized view mv1 as select 1 as x;
create sequence seq1;
create function f1(a int, b text default 'q') returns int language sql as 'select a';
comment on table t1 is 'table one';
create table t3 (id int generated always as identity, g int generated always as (id * 2) stored, s text collate "C", b int generated by default as identity primary key);
create unlogged table t4 (a serial);
create function trg() returns trigger language plpgsql as $$begin return new; end$$;
create trigger t3_trg before insert on t3 for each row execute function trg();
create trigger t3_trg2 after update on t3 for each statement execute function trg();
alter table t3 disable trigger t3_trg2;
create table p1 (a int, b text) partition by range (a);
create table p1_1 partition of p1 for values from (0) to (10);
create index on t3 (s) include (g);
cluster t3 using t3_pkey;
create domain posint as int check (value > 0);
create type mood as enum ('a', 'b');
create aggregate myagg(int) (sfunc = int4pl, stype = int);
grant select on t1 to public;
create function evt() returns event_trigger language plpgsql as $$begin end$$;
create event trigger et1 on ddl_command_start execute function evt();
alter table t1 enable row level security;
create policy p1 on t1 using (id > 0);
create statistics st1 (ndistinct) on id, name from t1;
create publication pub1 for table t1;
create publication pub2 for tables in schema s1;
create publication pub3;
alter table t3 replica identity full;
"#;

#[test]
fn describe_lists_match_psql() {
    parity(
        DESCRIBE_SETUP,
        r#"\dt
\dt+
\dt s1.*
\dt nothing
\d
\di
\di+
\ds
\dv
\dm
\dti
\dn
\dn+ s1
\dn nothing
\du nobody_here
\dg+ nobody_here
\dx plpgsql
\dx nothing
\df
\df+ f1
\l template0
\l+ template0
\dtS pg_class
\dt+ pg_c*
\dt a.b.c
\da
\da+ my*
\daS sum
\db pg_global
\dT
\dT+
\dT mood
\dTS int4
\dD
\dD+ posint
\dy
\dy+
\dp
\z t1
\dp nothing
\dX
\dX st*
\dRp
\dRp+
\dRp+ nothing
\dRs
\dRs+
\dfa
\dfn
\dfp
\pset border 2
\dt
\x
\dn
"#,
        &[],
    );
}

#[test]
fn describe_one_relation_matches_psql() {
    parity(
        DESCRIBE_SETUP,
        r#"\d t1
\d s1.t2
\d+ t1
\d v1
\d+ v1
\d+ v2
\d seq1
\d mv1
\d nothing
\d t3
\d+ t3
\d s1.t2;
\d t4
\d t4_a_seq
\d t3_id_seq
\d p1
\d+ p1
\d p1_1
\d+ p1_1
\d t3_pkey
\d+ t3_pkey
\d "T1"
\d t*
\sf f1
\sf+ f1
\sv v2
\sv+ v2
"#,
        &["-a"],
    );
}

#[test]
fn expanded_output_with_borders_line_styles_and_titles_matches_psql() {
    parity(
        "",
        r#"create temp table pt (a int, "multi
head" text, c numeric);
insert into pt values (1, 'one', 1234567.5), (22, E'two\nlines', -12), (null, 'x', null);
\x
\pset title T
select * from pt;
select * from pt where false;
\pset border 2
select * from pt;
\pset border 0
select * from pt;
\pset linestyle unicode
select * from pt;
\pset border 2
select * from pt;
\pset linestyle old-ascii
select * from pt;
\pset border 1
select * from pt;
\t
select * from pt;
\pset border 2
select * from pt;
\pset border 0
select * from pt;
"#,
        &["-a"],
    );
}

/// See: #12. `\crosstabview` pivots as psql 15 does, byte for byte:
/// default and named / numbered / quoted columns, the sort column, NULL
/// headers and values with `\pset null`, multi-line cells, other formats,
/// and each of psql's error messages.
#[test]
fn crosstabview_matches_psql() {
    parity(
        "create table ctv (v text, h text, c text, i int, s int);
insert into ctv values ('v1','h2','foo',3,2), ('v2','h1','bar',3,1),
  ('v1','h0','baz',null,0), ('v0','h4','qux',4,4), ('v0',null,'qux',5,-1),
  ('v0','h4','dbl',-3,4), ('v1','h2','quux',7,2), (null,'h1','n',1,1);",
        r#"select v, h, count(*) from ctv group by 1, 2 order by 1, 2 \crosstabview
select v, h, string_agg(c, E'\n') as "C", min(s) from ctv group by 1, 2 order by 1, 2
 \crosstabview v h "C" 4
select v, h, string_agg(c, E'\n' order by c) as c, min(s) as s from ctv group by 1, 2 order by 1, 2
 \crosstabview 2 1 c s
\pset null '#null#'
select v, h, sum(i) from ctv group by 1, 2 order by 3 \crosstabview
\pset null ''
\pset format html
select v, h, sum(i) from ctv where v is not null and h is not null group by 1, 2 order by 1 \crosstabview
\pset format aligned
\pset border 2
\pset title 'pivot'
select v, h, sum(i) from ctv where v is not null and h is not null group by 1, 2 order by 1 \crosstabview
\pset title
\pset border 1
\x
select v, h, sum(i) from ctv where v is not null and h is not null group by 1, 2 order by 1 \crosstabview
\x
select 1, 2 \crosstabview
select v, h, c, i from ctv \crosstabview
select v, h, c from ctv \crosstabview v v
select v, h, c from ctv \crosstabview v x
select v, h, c from ctv \crosstabview V h
select v, h, c from ctv \crosstabview 1 9
select v, h, c from ctv \crosstabview 0 2
select 1 as a, 2 as a, 3 as b \crosstabview a b
select v, h, c from ctv \crosstabview
select a, a, 1 from generate_series(1, 1700) a \crosstabview
create table nothing () \crosstabview
select 1/0, 2, 3 \crosstabview
select 'still' as x, 'fine' as y, 1 as z \crosstabview
"#,
        &[],
    );
}

/// See: #12. psql's document formats and the wrapped format, with the
/// options psql combines them with, through `\pset` and `\g (...)`.
#[test]
fn output_formats_match_psql() {
    parity(
        "create table f (id int, name text, price numeric);
insert into f values (1, 'a&b <c> \"q\"', 1.5), (22, '  lead
next', null), (-3, 'x|y \\ {z}_$%#^~', 10);",
        r#"\pset format html
select * from f order by id;
\pset border 2
\pset tableattr 'class="t"'
\pset title 'T <1>'
select * from f order by id;
\x
select * from f order by id;
\pset tuples_only on
select * from f order by id;
\pset tuples_only off
\x
\H
\H
\pset title
\pset tableattr
\pset format asciidoc
select * from f order by id;
\pset border 0
\x
select * from f order by id;
\x
\pset format latex
\pset border 3
select * from f order by id;
\x
select * from f order by id;
\x
\pset format latex-longtable
\pset tableattr '0.2 0.4'
select * from f order by id;
\pset border 2
\pset title 'Long'
select * from f order by id;
\pset title
\pset format troff-ms
\pset border 1
select * from f order by id;
\x
select * from f order by id;
\x
\pset format wrapped
\pset columns 24
\pset border 1
select repeat('x', 40) as long, 'short' as s, 'a
b' as multi;
\pset linestyle unicode
select repeat('x', 40) as long, 'short' as s;
\x
select repeat('x', 40) as long, 'short' as s;
\x
\pset linestyle old-ascii
select repeat('x', 40) as long, 'short' as s;
\pset linestyle ascii
\pset format aligned
\pset columns 0
select 1 as one, 2 as two \g (format=csv csv_fieldsep='\t')
select 1 as one, 2 as two \gx (title='foo bar' border=2)
select 1 as one, 2 as two \g (format=unaligned tuples_only) |cat
select 1 as one \g (format=bogus)
select 1 as one \g (format=html
\g
\pset format l
\pset format latex-l
\pset format a
\pset csv_fieldsep '\0'
\pset
"#,
        &[],
    );
}

/// See: #12. A fast subset of PostgreSQL 15's regression suite through
/// psql and qadmin (`scripts/pg_regress_parity.sh`); skipped, with a
/// message, when the suite is not fetched (`scripts/fetch_pg_regress.sh`
/// needs the network).
#[test]
fn pg_regress_subset_matches_psql() {
    let Some((ok, stdout, stderr, diffs)) = run_parity_script(
        "scripts/pg_regress_parity.sh",
        "55573",
        &[(
            "TESTS",
            "test_setup boolean char varchar text int4 strings comments copydml insert \
             create_procedure create_table errors plpgsql psql_crosstab foreign_data largeobject psql",
        )],
    ) else {
        return;
    };
    assert!(ok, "pg_regress parity:\n{stdout}\n{stderr}\n{diffs}");
}

/// See: #12. PgQ's own regression suites (pgq, pgq-node, londiste-sql in
/// `../shared/corpora`), run the way pg_regress runs them, print exactly
/// what psql prints: every file. Skips when the corpora are not there.
#[test]
fn pgq_corpora_match_psql() {
    let Some((ok, stdout, stderr, diffs)) =
        run_parity_script("scripts/corpus_parity.sh", "55574", &[])
    else {
        return;
    };
    assert!(
        ok && stdout.contains("identical to psql: 47 of 47 files"),
        "PgQ corpora parity:\n{stdout}\n{stderr}\n{diffs}"
    );
}

/// Run one of the parity scripts (on its own port, its diffs in a
/// temporary `OUT`): whether it succeeded, its stdout and stderr, and the
/// first 40 lines of each file's diff; `None` (after saying so) when the
/// script skips (exit 77: the suite is not there).
fn run_parity_script(
    script: &str,
    port: &str,
    env: &[(&str, &str)],
) -> Option<(bool, String, String, String)> {
    let top = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tempdir");
    let r = std::process::Command::new("bash")
        .arg(top.join(script))
        .env("QADMIN", env!("CARGO_BIN_EXE_qadmin"))
        .env("OUT", out.path())
        .env("PORT", port)
        .envs(env.iter().copied())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&r.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&r.stderr).into_owned();
    if r.status.code() == Some(77) {
        eprintln!("skipped: {}", stderr.trim());
        return None;
    }
    let mut diffs = String::new();
    for entry in std::fs::read_dir(out.path()).expect("out").flatten() {
        if entry.path().extension().is_some_and(|e| e == "diff") {
            let d = std::fs::read_to_string(entry.path()).unwrap_or_default();
            diffs.push_str(&d.lines().take(40).collect::<Vec<_>>().join("\n"));
            diffs.push('\n');
        }
    }
    Some((r.status.success(), stdout, stderr, diffs))
}

/// See: #12. qadmin's own commands run in a true branch, with variables,
/// and are skipped in a false one.
#[test]
fn qadmin_commands_follow_if_branches() {
    let db = crate::test_db!();
    let script = db.script(
        "if.sql",
        "\\set q qq\n\\if :{?q}\ncreate queue :'q';\n\\else\ncreate queue other;\n\\endif\n\\if false\ncreate queue never;\n\\endif\nselect queue_name from pgq.get_queue_info() order by 1;\n",
    );
    let r = crate::support::run(db.qadmin().args(["-A", "-t", "-q", "-f"]).arg(&script));
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    assert!(r.stdout.ends_with("qq\n"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("other") && !r.stdout.contains("never"),
        "{}",
        r.stdout
    );
}

#[test]
fn sql_help_matches_psql() {
    // `\h` alone (80 columns off a terminal), exact names, prefixes, words
    // dropped from the end, `*`, trailing semicolons, no match, and `\h`
    // inside an inactive `\if` branch.
    parity(
        "",
        r#"\h
\h select
\help SELECT;
\h create t
\h alter table foo add column
\h vacuum full t;
\h Create Table As
\h frobnicate x
\h c
\if false
\h insert
\endif
select 1 as after;
"#,
        &[],
    );
    parity("", "\\h *\n", &[]);
}

#[test]
fn encoding_cd_and_history_off_a_terminal_match_psql() {
    // `\s` off a terminal: psql keeps no history, fails silently and
    // prints an empty line; `\encoding` with a bad name is reported and
    // changes nothing; `\cd` to a missing directory is an error.
    parity(
        "",
        "\\encoding\n\\encoding LATIN1\n\\echo :ENCODING\n\\encoding foo\n\\encoding\n\
         \\cd /nonexistent-dir\n\\cd /\n\\! pwd\n\\s\n\\s /dev/null\n\\echo done\n",
        &[],
    );
    parity("", "\\set ON_ERROR_STOP on\n\\s\n\\echo not reached\n", &[]);
}

#[test]
fn prompt_in_a_script_file_reads_standard_input_as_psql() {
    // With -f the question goes to standard output and the answer is the
    // next line of standard input; a value a special variable refuses and
    // the end of input are errors, as in psql.
    let db = crate::test_db!();
    let script = db.script(
        "p.sql",
        "\\prompt x\n\\echo got :x\n\\prompt \"Your name: \" n\n\\echo hello :n\n\\prompt\n\
         \\prompt AUTOCOMMIT\n\\prompt y\n\\echo :y\n",
    );
    let answers = db.script("answers.txt", "first\nsecond\nfoo\n");
    let with = |c: &mut std::process::Command| {
        let f = std::fs::File::open(&answers).expect("answers");
        crate::support::run(c.arg("-f").arg(&script).stdin(f))
    };
    let want = with(&mut db.psql());
    let got = with(&mut db.qadmin());
    assert!(want.stdout.contains("got first"), "{}", want.stdout);
    crate::assert_text_eq!(want.stdout, got.stdout, "(stdout)");
    crate::assert_text_eq!(
        want.stderr.replace("psql:", "qadmin:"),
        got.stderr,
        "(stderr)"
    );
}
/// See: #12. psql's SQL/MED listings (`\dew`, `\des`, `\deu`, `\det`,
/// with `+` and patterns) and `\d` of a foreign table (FDW options
/// column, check constraints, `Server:` and `FDW options:` footers).
#[test]
fn foreign_data_describe_commands_match_psql() {
    parity(
        "create foreign data wrapper dummy;\n\
         comment on foreign data wrapper dummy is 'useless';\n\
         create foreign data wrapper w2 options (testing '1', \"be quoted\" 'x''y');\n\
         create server s1 foreign data wrapper dummy;\n\
         create server s2 type 'oracle' version '1.0' foreign data wrapper w2 options (host 'h');\n\
         create user mapping for public server s1;\n\
         create user mapping for current_user server s2 options (\"user\" 'secret');\n\
         create foreign table ft1 (c1 int options (\"param 1\" 'val1') not null, c2 text check (c2 <> ''), c3 date default now())\n\
           server s1 options (delimiter ',', quote '\"');\n\
         comment on foreign table ft1 is 'ft one';\n\
         create schema fs;\n\
         create foreign table fs.ft2 (a int) server s2;\n",
        r#"\dew
\dew+
\dew w*
\des
\des+ s2
\deu
\deu+
\deu s2
\det
\det+
\det fs.*
\det nothing
\d ft1
\d+ ft1
\d fs.ft2
\dE
"#,
        &[],
    );
}

/// See: #12. psql's large-object commands: `\lo_export`, `\lo_import`
/// (with a comment; LASTOID), `\lo_unlink`, `\lo_list` / `\dl` with
/// `+`, their messages with and without `-q`, the errors (no such object,
/// no such file, a failed transaction, missing arguments). The object is
/// 3 MB, more than one piece each way.
#[test]
fn large_object_commands_match_psql() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("lo.bin");
    let file = file.display();
    let script = format!(
        r#"select lo_from_bytea(424242, '\x00010203ff'::bytea || convert_to(repeat('x', 3000000), 'UTF8')) is not null as made;
comment on large object 424242 is 'the answer';
\lo_list
\lo_list+
\dl
\lo_export 424242 '{file}'
\o {file}.msg
\lo_import '{file}' 'a copy'
\o
\! sed 's/ [0-9][0-9]*$/ OID/' {file}.msg
select :LASTOID <> 424242 as new, md5(lo_get(:LASTOID)) = md5(lo_get(424242)) as same,
  obj_description(:LASTOID, 'pg_largeobject') as comment;
select lo_unlink(:LASTOID);
\lo_export 999999 '{file}'
\lo_import '{file}.missing'
\lo_unlink 999999
\lo_export 424242
\lo_import
begin;
select 1/0;
\lo_unlink 424242
rollback;
begin;
\lo_unlink 424242
rollback;
\dl+
\lo_unlink 424242abc
\dl
"#
    );
    parity("", &script, &[]);
    parity("", &script, &["-q"]);
}

/// See: #12. `\gdesc` (columns and types, no result, an error with its
/// LINE, the variables), several meta-commands on one line after a
/// `\g`-family command, `\\` with SQL after it (also across `\if`
/// branches), arguments past a command's own (warned, not evaluated),
/// a lone `;` (result variables, the statement `\g` repeats).
#[test]
fn gdesc_and_meta_command_lines_match_psql() {
    parity(
        "create table t (a int, b varchar(4), c numeric(5,2));",
        r#"select a, b as "B", c, now() as ts from t \gdesc
\echo :ROW_COUNT :ERROR
create table u (x int) \gdesc
select 1 + \gdesc
\echo :ERROR :SQLSTATE :LAST_ERROR_MESSAGE
table u;
prepare p as select 1 as one, 'x'::text as two;
execute p \gdesc
select 3 as x, 'Hello' \gdesc \g
select 1 as x, 2 as y \gset pre_ \\ \echo :pre_x
select 5 as x, 6 as y \gset pre_ \\ \g \echo :pre_x :pre_y
select 7 as x \g \gset pre_ \echo :pre_x
select \if false \\ (bogus \else \\ 42 \endif \\ as forty_two;
select
  \if true
    43
  \else
    (bogus
  \endif
  as forty_three;
\set a 1 \\ select :a as a;
\set q '\\q'
\echo :q
\pset fieldsep | `echo nope` :a :'a' :"a"
\x on off
\echo after
select 1/0;
;
\echo :ERROR :SQLSTATE :ROW_COUNT
\g
"#,
        &[],
    );
}

/// See: #12. `\g (OPTIONS)` and `\gx (OPTIONS)` for one statement,
/// SHOW_ALL_RESULTS off, LASTOID, `\set ON_ERROR_ROLLBACK` without a
/// value, a `\0` argument.
#[test]
fn g_options_show_all_results_and_lastoid_match_psql() {
    parity(
        "create table t (a int);",
        r#"select 1 as one, 2 as two \g (format=csv csv_fieldsep='\t')
\g
select 1 as one, 2 as two \gx (title='foo bar')
select 1 as one \g (format=unaligned tuples_only
select 1 as one \g (nosuch=1)
\g
\echo :LASTOID
insert into t values (1);
\echo :LASTOID
\set SHOW_ALL_RESULTS off
select 1 as one \; select 2 as two \; insert into t values (2) \; select 3 as three;
select 1 as one \; select 1/0 \; select 3 as three;
\set SHOW_ALL_RESULTS on
select 1 as one \; select 2 as two;
\set ON_ERROR_ROLLBACK
\echo :ON_ERROR_ROLLBACK
\set ECHO_HIDDEN
\echo :ECHO_HIDDEN
\pset csv_fieldsep '\0'
"#,
        &[],
    );
}

/// See: #12. The describe commands added for psql's own suite: `\dA`,
/// `\dL`, `\dO`, `\dc`, `\dC`, `\dconfig`, `\ddp` (with `+`, `S` and
/// patterns, and the pattern errors), `\d` of a TOAST table, and `\d` of
/// a sequence in unaligned expanded mode (title and footer).
#[test]
fn more_describe_commands_match_psql() {
    parity(
        "create collation mycoll (locale = 'C');\n\
         create conversion myconv for 'LATIN1' to 'UTF8' from iso8859_1_to_utf8;\n\
         create type mytype as (a int);\n\
         create function mytype_to_int(mytype) returns int language sql as 'select 1';\n\
         create cast (mytype as int) with function mytype_to_int(mytype) as assignment;\n\
         alter default privileges grant select on tables to public;\n\
         create table ts (id serial, t text);\n\
         create table mlparted (a int, b int) partition by list (a);\n\
         create table mlparted1 partition of mlparted for values in (1) partition by list (b);\n\
         create table mlparted11 partition of mlparted1 for values in (1);\n\
         create index mlparted_idx on mlparted (a);\n\
         create table tc (a int constraint a_pos check (a > 0));\n\
         comment on constraint a_pos on tc is 'positive';\n\
         create domain dpos as int constraint dpos_ck check (value > 0);\n\
         comment on constraint dpos_ck on domain dpos is 'dom positive';\n\
         create rule r1 as on insert to tc do also notify tc;\n\
         comment on rule r1 on tc is 'a rule';\n",
        r#"\dA
\dA+ h*
\dA foo bar
\dA x.y
\dL
\dLS
\dL+ plpgsql
\dO
\dO+ myc*
\dOS "C"
\dc
\dc+ myconv
\dcS latin1_to_*
\dC mytype
\dC+ integer
\dconfig work_mem
\dconfig+ work*
\ddp
\ddp public
\ddp a.b.c
\drds nobody_here
\drds nobody_here nodb
\drds a.b
\dP
\dPt
\dPi
\dPn
\dPtn+
\dP+ mlparted*
\dP "no.such"
\df *sqrt num*
\df int*pl * pg_catalog.int8
\df acl* aclitem[]
\df has_database_privilege oid text -
\dfa bit* small*
\do - pg_catalog.int4
\do && anyarray *
\do+ ||
\do x.y.z.w
\dF
\dF eng*
\dFp
\dFd+ simple
\dFd pg_catalog.*stem
\dFt
\dFt+ s*
\dd
\dd a*
\ddS btree*
\dd x.y.z.w
\d pg_toast.pg_toast_2619
\pset format unaligned
\x on
\d ts_id_seq
"#,
        &[],
    );
}

/// See: #12. `-L FILE` appends each statement, its results (aligned,
/// whatever the format) and status lines to FILE as psql does; `-s`
/// shows each statement first and sends it (stdin has no answer).
#[test]
fn log_file_and_single_step_match_psql() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = "select 1 as a, 2 as b;\ncreate table t(x int);\ninsert into t values (1), (2) returning x;\n\\pset format unaligned\nselect * from t;\nselect 1/0;\n";
    let a = crate::test_db!();
    let b = crate::test_db!();
    let pa = a.script("s.sql", script);
    let pb = b.script("s.sql", script);
    let (la, lb) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let want = crate::support::run(a.psql().arg("-L").arg(&la).arg("-f").arg(&pa));
    let got = crate::support::run(b.qadmin().arg("-L").arg(&lb).arg("-f").arg(&pb));
    assert_eq!(want.stdout, got.stdout);
    let log_a = std::fs::read_to_string(&la).expect("psql log");
    let log_b = std::fs::read_to_string(&lb).expect("qadmin log");
    assert!(log_a.contains("********* QUERY **********"), "{log_a}");
    crate::assert_text_eq!(log_a, log_b, "(the -L log)");
    let want = crate::support::run(a.psql().args(["-s", "-c", "select 42 as answer"]));
    let got = crate::support::run(b.qadmin().args(["-s", "-c", "select 42 as answer"]));
    assert!(want.stdout.contains("Single step mode"), "{}", want.stdout);
    crate::assert_text_eq!(want.stdout, got.stdout, "(-s)");
}

/// See: #12. psql's printing options on the command line (`-F`, `-R`,
/// `-z`, `-0`, `-H`, `-T`, `-P`, in the order given, a bad one fatal),
/// `-E` (qadmin echoes its own catalog queries, so only the frame is
/// compared), `-1` around the actions and `-o`.
#[test]
fn printing_and_transaction_options_match_psql() {
    let q = "select 1 as a, 'x' as b union all select 2, null;\n";
    parity("", q, &["-A", "-F", ";", "-R", "#"]);
    parity("", q, &["-A", "-z", "-0"]);
    parity("", q, &["-H", "-T", "border=1"]);
    parity(
        "",
        q,
        &[
            "-P",
            "format=csv",
            "-P",
            "null=NIL",
            "-P",
            "format=unaligned",
        ],
    );
    let db = crate::test_db!();
    for bad in ["format=bogus", "nosuch"] {
        let want = crate::support::run(db.psql().args(["-P", bad, "-c", "select 1"]));
        let got = crate::support::run(db.qadmin().args(["-P", bad, "-c", "select 1"]));
        crate::assert_text_eq!(
            want.stderr.replace("psql: ", "qadmin: "),
            got.stderr,
            "-P {bad}"
        );
        assert_eq!((want.code, got.stdout.as_str()), (got.code, ""), "-P {bad}");
    }
    // -1: one transaction; a failure rolls back only with ON_ERROR_STOP.
    let script = "create table t1 (a int);\nselect 1/0;\ninsert into t1 values (1);\n";
    parity("", &format!("{script}select 1;\n"), &["-1"]);
    parity("", script, &["-1", "-v", "ON_ERROR_STOP=1"]);
    let r = crate::support::run(db.qadmin().args([
        "-1",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        "create table t2 (a int)",
        "-c",
        "select 1/0",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        db.sql("select count(*) from pg_class where relname = 't2'"),
        "0"
    );
    let r = crate::support::run(db.qadmin().args([
        "-1",
        "-c",
        "create table t3 (a int)",
        "-c",
        "insert into t3 values (7)",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(db.sql("select a from t3"), "7");
    // -o: results to the file, nothing on standard output.
    let out = db.home.path().join("o.txt");
    let r = crate::support::run(
        db.qadmin()
            .arg("-o")
            .arg(&out)
            .args(["-c", "select 42 as x"]),
    );
    assert_eq!(r.stdout, "");
    assert_eq!(
        std::fs::read_to_string(&out).expect("o.txt"),
        " x  \n----\n 42\n(1 row)\n\n"
    );
    // -E: the query behind a describe command, in psql's frame, first.
    let r = crate::support::run(db.qadmin().args(["-E", "-c", "\\dn"]));
    assert!(
        r.stdout.starts_with("********* QUERY **********\nSELECT "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\n**************************\n\n ")
            && r.stdout.contains("List of schemas\n"),
        "{}",
        r.stdout
    );
    // -l: the \l listing, then exit.
    let r = crate::support::run(db.qadmin().args(["-l", "-A", "-t"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with(&format!("{}|", db.name))),
        "{}",
        r.stdout
    );
}

/// See: #12. `\dAc`, `\dAf`, `\dAo`, `\dAp` (operator classes and
/// families, their operators and support functions) with and without
/// `+`, both patterns (access method; type or family, with schema and
/// database parts), a family outside the `search_path` (shown
/// qualified), and psql's pattern errors and extra-argument warning.
#[test]
fn operator_family_commands_match_psql() {
    parity(
        "create schema s1;\n\
         create operator family s1.myfam using btree;\n\
         create operator class s1.myint_ops for type int4 using btree family s1.myfam as\n  \
           operator 1 <, operator 3 =, function 1 btint4cmp(int4, int4);\n\
         create operator class myhash_ops for type int4 using hash as\n  \
           operator 1 =, function 1 hashint4(int4);\n",
        r#"\dAc btree
\dAc+ btree int4
\dAc * pg_catalog.int4
\dAc gist polygon
\dAc+ hash
\dAc brin pg*.oid*
\dAf
\dAf btree int*
\dAf+ * "integer"
\dAf hash pg_catalog.int4
\dAf btree myfam
\dAo btree s1.myfam
\dAo+ gist point_ops
\dAo * pg_catalog.jsonb_path_ops
\dAp btree s1.*
\dAp+ btree s1.myfam
\dAp * pg_catalog.uuid_ops
\dAp+ hash myhash_ops
\dAo btree :DBNAME.s1.myfam
\dAc btree nodb.pg_catalog.int4
\dAf btree a.b.c.d
\dAp x.y
\dAo "no.such"."fam"
\dAc btree int4 extra
\dAf btree int4;
\dAc "no.such.operator.class"
"#,
        &[],
    );
}

/// See: #12. `\dF+` (each configuration's token types and dictionaries,
/// titled with its parser), `\dFp+` (each parser's methods and token
/// types) and `\dx+` (each extension's objects), with patterns, none
/// found (an error), and in other formats.
#[test]
fn text_search_and_extension_details_match_psql() {
    parity(
        "create schema s2;\n\
         create text search configuration s2.mycfg (copy = english);\n\
         alter text search configuration s2.mycfg drop mapping for email, url;\n\
         create text search parser s2.myprs (start = prsd_start, gettoken = prsd_nexttoken,\n  \
           end = prsd_end, lextypes = prsd_lextype);\n",
        r#"\dF+ english
\dF+ s2.*
\dF+ nosuch
\dF+ a.b.c.d
\dFp+
\dFp+ s2.myprs
\dFp+ nosuch
\dx+
\dx+ plpgsql
\dx+ nosuch
\dx+ a.b
\pset format unaligned
\dF+ simple
\x on
\dFp+ default
"#,
        &[],
    );
}

/// See: #12. SINGLELINE (`-S`, `\set SINGLELINE`): the end of a line ends
/// a statement outside quotes, comments and parentheses, also after a
/// meta-command and before COPY data; echoed as psql echoes it.
#[test]
fn single_line_mode_matches_psql() {
    let script = r#"select 1
select 2; select 3
select 'a
b'
select (1
 + 2)
-- comment only
/* block */
select 4 \echo mid
select 5 -- trailing
create table t (a int)
copy t from stdin
1
2
\.
select * from t
\set SINGLELINE off
select 6
;
\set SINGLELINE 1
\if false
select 7
\endif
select 8 \g
\echo :SINGLELINE
"#;
    parity("", script, &["-S"]);
    parity("", script, &["-S", "-a"]);
    parity("", script, &["--single-line", "-e"]);
    parity("", &format!("\\set SINGLELINE on\n{script}"), &[]);
}

/// See: #12. HIDE_TOAST_COMPRESSION hides `\d+`'s Compression column;
/// the boolean special variables take psql's spellings (`1`, `true`).
#[test]
fn hide_toast_compression_and_boolean_spellings_match_psql() {
    parity(
        DESCRIBE_SETUP,
        r#"\set HIDE_TOAST_COMPRESSION on
\d+ t1
\d+ mv1
\set HIDE_TOAST_COMPRESSION 1
\set HIDE_TABLEAM true
\d+ t1
\dt+ t1
\set HIDE_TOAST_COMPRESSION off
\set HIDE_TABLEAM 0
\d+ t1
\dt+ t1
"#,
        &["-a"],
    );
}

/// See: #12. `\e`, `\ef`, `\ev` and `\watch` in a script, as psql runs
/// them: the editor (psql's choice of it, `+LINE`), what comes back read
/// as input, psql's rule for "edited" (an unchanged `\ef` says "No
/// changes" and leaves the buffer empty), `\watch` until its query fails,
/// each result under psql's title. The clock and the temporary file's
/// name are the only differences allowed.
#[test]
fn editor_and_watch_in_scripts_match_psql() {
    let a = crate::test_db!();
    let b = crate::test_db!();
    let editor = a.script(
        "editor.sh",
        r#"#!/bin/sh
eval last=\${$#}
echo "editor $# args, first: $1" | sed 's/[a-z]*\.edit\.[0-9.]*sql/FILE/'
case "$(cat "$last")" in
  *"select 1"*) sed -i 's/select 1/select 41 + 1 as answer/' "$last";;
  *foo*) sed -i 's/\$function\$select 2/$function$select 3/' "$last";;
  *"SELECT 5"*) sed -i 's/5/6/' "$last";;
  *) ;;
esac
"#,
    );
    let script = r#"create function foo() returns int language sql as $function$select 2$function$;
create view v as select 5 as five;
select 1;
\e
\p
select 1 \e
\echo after
select 'x' as y
\e 3
;
\ef foo 1
;
select foo();
\ef foo
select 7;
\ef
\ev v
;
select * from v;
\e nosuchdir/x.sql
\e 0
create sequence sq;
\pset title hello
select nextval('sq') as n, 1/(3 - currval('sq')) as x \watch 0.1
\pset title
select nextval('sq') as n, repeat('-', 50) as wide, 1/(6 - currval('sq')) as x \watch 0.1
create table w (n int);
insert into w select 1/(9 - nextval('sq'))::int \watch 0.1
select 1/(0 * nextval('sq')) \watch 0.01
\watch 0.01
select count(*) from w;
"#;
    let clock = regex_lite_clock;
    let run = |db: &crate::support::TestDb, mut cmd: std::process::Command| {
        let f = db.script("s.sql", script);
        cmd.env("EDITOR", format!("sh {}", editor.display()))
            .env("PSQL_EDITOR_LINENUMBER_ARG", "+")
            .env("TZ", "UTC")
            .env_remove("VISUAL")
            .env_remove("PSQL_EDITOR")
            .arg("-f")
            .arg(&f);
        let r = crate::support::run(&mut cmd);
        let err = r.stderr.replace(&format!("{}:", f.display()), "FILE:");
        (clock(&r.stdout), clock(&err), r.code)
    };
    let want = run(&a, a.psql());
    let got = run(&b, b.qadmin());
    crate::assert_text_eq!(want.0, got.0, "stdout");
    crate::assert_text_eq!(want.1.replace("psql:", "qadmin:"), got.1, "stderr");
    assert_eq!(want.2, got.2, "exit code");
    assert!(got.0.contains("(every 0.1s)"), "{}", got.0);
    assert!(got.0.contains("No changes"), "{}", got.0);
}

/// `Thu Dec  3 19:00:54 2026` (psql's `%c`) as `CLOCK`.
fn regex_lite_clock(text: &str) -> String {
    text.lines()
        .map(|l| {
            let Some(at) = l.find(" (every ") else {
                return l.to_string();
            };
            let head = &l[..at];
            let cut = head.len().saturating_sub(24);
            format!("{}CLOCK{}", &head[..cut], &l[at..])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// See: #12. `-c` strings as psql runs them: with -a each is echoed (a
/// meta-command without its backslash), and from the first one on a
/// client message has no `error: ` head; the exit status is the last
/// string's.
#[test]
fn command_strings_echo_and_messages_match_psql() {
    let db = crate::test_db!();
    for args in [
        &[
            "-a",
            "-c",
            "select 1",
            "-c",
            "\\echo x",
            "-c",
            "\\pset foo",
            "-c",
            "select 1/0",
        ][..],
        &["-c", "\\pset foo"][..],
        &[
            "-a",
            "-c",
            "\\echo :DBNAME",
            "-c",
            "select 2 as two",
            "-c",
            "\\e 0",
        ][..],
    ] {
        let want = crate::support::run(db.psql().args(args));
        let got = crate::support::run(db.qadmin().args(args));
        crate::assert_text_eq!(want.stdout, got.stdout, "stdout of {args:?}");
        crate::assert_text_eq!(want.stderr, got.stderr, "stderr of {args:?}");
        assert_eq!(want.code, got.code, "exit code of {args:?}");
    }
}

/// See: #12. `\?` lists every meta-command psql 15's `\?` lists; `\?
/// variables` explains every special variable psql 15's explains (the
/// psql-only environment aside); `\? options` is the command line's help.
#[test]
fn help_lists_every_psql_meta_command_and_variable() {
    let db = crate::test_db!();
    let names = |text: &str, pat: fn(&str) -> Option<String>| -> Vec<String> {
        let mut v: Vec<String> = text.lines().filter_map(pat).collect();
        v.sort();
        v.dedup();
        v
    };
    let command = |l: &str| {
        let w = l.strip_prefix("  \\")?.split([' ', '[']).next()?;
        Some(format!("\\{w}"))
    };
    let psql = crate::support::run(db.psql().args(["-c", "\\?"]));
    let ours = crate::support::run(db.qadmin().args(["-c", "\\?"]));
    let want = names(&psql.stdout, command);
    let got = names(&ours.stdout, command);
    let missing: Vec<&String> = want.iter().filter(|c| !got.contains(c)).collect();
    assert!(want.len() > 100, "psql's list: {want:?}");
    assert!(missing.is_empty(), "not in \\?: {missing:?}");

    let variable = |l: &str| {
        let w = l.strip_prefix("  ")?;
        (!w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit()))
        .then(|| w.to_string())
    };
    let psql = crate::support::run(db.psql().args(["-c", "\\? variables"]));
    let ours = crate::support::run(db.qadmin().args(["-c", "\\? variables"]));
    let got = ours.stdout.replace(", ", "\n  ");
    let got = names(&got, variable);
    // psql's own environment (its rc file, history, watch pager) and
    // libpq's PG* variables have qadmin's counterparts or libpq's docs.
    let missing: Vec<String> = names(&psql.stdout, variable)
        .into_iter()
        .filter(|v| !got.contains(v))
        .filter(|v| {
            !v.starts_with("PG")
                && !["PSQLRC", "PSQL_HISTORY", "PSQL_WATCH_PAGER", "NAME"].contains(&v.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "not in \\? variables: {missing:?}\n{}",
        ours.stdout
    );
    let options = crate::support::run(db.qadmin().args(["-c", "\\? options"]));
    assert!(
        options.stdout.contains("--single-line"),
        "{}",
        options.stdout
    );
}

/// See: #12. psql prints a `\copy`'s `COPY n` unless its data went where
/// the tag would go (to stdout, or pstdout while that is the query
/// output): from or to a file, from stdin / pstdin, to a program, and to
/// pstdout under `\o` show it.
#[test]
fn slash_copy_tags_match_psql() {
    let setup = "create table t (a int); insert into t values (1), (2)";
    parity(
        setup,
        "\\copy t to stdout\n\\copy t to pstdout\n\\copy t to program 'cat > ~/o.txt'\n\
         \\copy t to '~/f.txt'\n\\copy t from '~/f.txt'\n\\copy t from program 'cat ~/o.txt'\n\
         \\copy t from stdin\n5\n\\.\n\\copy (select 1) to stdout\n\
         \\o ~/out.txt\n\\copy t to stdout\n\\copy t to pstdout\n\\copy t to program 'cat > /dev/null'\n\
         \\o\n\\echo done\n\\! cat ~/out.txt\n",
        &[],
    );
    parity(setup, "select 1;\n", &["-c", "\\copy (select 1) to stdout"]);
    parity(setup, "\\copy t to pstdout\n", &["-q"]);
    parity(
        setup,
        "\\copy binary t to '~/b.bin'\n\\copy BINARY t from '~/b.bin'\n\\copy binary\n\
         select count(*) from t;\n",
        &["-e"],
    );
}

/// `Time: 0.123 ms` (and psql's longer forms) with the figure taken out.
fn untimed(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix("Time: ") {
            Some(_) => "Time: N\n".to_string(),
            None => format!("{l}\n"),
        })
        .collect()
}

/// As [`parity`], with the `\timing` figures taken out, `HOME` in `extra`
/// standing for each run's home directory, and the home's `files` (left
/// by the script or by `-L`) compared too.
fn parity_in_home(setup: &str, script: &str, extra: &[&str], files: &[&str]) {
    use crate::support::run;
    let a = crate::test_db!();
    let b = crate::test_db!();
    if !setup.is_empty() {
        a.sql(setup);
        b.sql(setup);
    }
    let args = |db: &crate::support::TestDb| -> Vec<String> {
        extra
            .iter()
            .map(|e| e.replace("HOME", &db.home.path().display().to_string()))
            .collect()
    };
    let pa = a.script("s.sql", script);
    let pb = b.script("s.sql", script);
    let want = run(a.psql().args(args(&a)).arg("-f").arg(&pa));
    let got = run(b.qadmin().args(args(&b)).arg("-f").arg(&pb));
    let want_err = want
        .stderr
        .replace(&format!("psql:{}:", pa.display()), "qadmin:FILE:")
        .replace(&a.home.path().display().to_string(), "HOME");
    let got_err = got
        .stderr
        .replace(&format!("qadmin:{}:", pb.display()), "qadmin:FILE:")
        .replace(&b.home.path().display().to_string(), "HOME");
    crate::assert_text_eq!(untimed(&want.stdout), untimed(&got.stdout), "(stdout)");
    crate::assert_text_eq!(want_err, got_err, "(stderr)");
    assert_eq!(want.code, got.code, "exit code");
    for f in files {
        let read = |db: &crate::support::TestDb| {
            std::fs::read_to_string(db.home.path().join(f))
                .unwrap_or_else(|e| format!("({f}: {e})"))
        };
        crate::assert_text_eq!(untimed(&read(&a)), untimed(&read(&b)), "({f})");
    }
}

/// See: #12. `\timing` shows the time of a `\copy` and of a `\gdesc` as
/// psql does; `\timing foo` is refused and the setting said again.
#[test]
fn timing_after_copy_and_gdesc_matches_psql() {
    parity_in_home(
        "create table t (a int); insert into t values (1), (2)",
        "\\timing on\n\\copy t to stdout\n\\copy t to '~/f.txt'\n\\copy t from '~/f.txt'\n\
         \\copy t from '~/missing.txt'\nselect 1 as x, 'a' as y \\gdesc\nselect nosuch \\gdesc\n\
         \\timing foo\n\\timing off\n\\timing bar\n\\copy t to stdout\nselect 2 \\gdesc\n",
        &[],
        &[],
    );
}

/// See: #12. `-L` logs a `\copy`'s statement as psql rebuilds it and the
/// tags psql logs, and the listings of the describe commands.
#[test]
fn log_file_matches_psql() {
    parity_in_home(
        "create table t (a int primary key, b text); insert into t values (1, 'x'), (2, null)",
        "\\copy (select 1) to stdout\n\\copy t to '~/f.txt'\n\\copy t (a, b) from '~/f.txt' where a > 5\n\
         \\copy t from stdin\n3\tz\n\\.\nselect * from t order by a;\n\\d t\n\\dt\n\\dt+ nosuch\n\\l nosuch\n\
         select 1 \\gdesc\n\\d+ t\n\\dn\n\\x on\n\\pset format unaligned\n\\d t\n\\di\n\
         \\sf pg_catalog.now\n",
        &["-L", "HOME/log.txt"],
        &["log.txt"],
    );
}

/// See: #12. The error texts of `\sf`, `\sv`, `\ef` on a missing object,
/// of an unfinished `\copy`, and of a server error in a `\copy`'s
/// options (its caret counts in psql's rebuilt statement).
#[test]
fn slash_copy_and_source_errors_match_psql() {
    let setup = "create table t (a int, b text); create view v as select a from t";
    parity(
        setup,
        "\\sf nosuch\n\\sv nosuch\n\\ef nosuch\n\\sf nosuch(int)\n\\sv nosuch.v\n\\sf 'bad\n\
         \\copy t from\n\\copy t\n\\copy\n\\copy t (a from stdin\n\\copy (select 1 to stdout\n\\copy t frm x\n\
         \\copy t from stdin where nosuch > 1\n1\tx\n\\.\n\\copy (select nosuch from t) to stdout\n\
         \\copy t (a, nosuch) from stdin\n\\copy t to stdout with (format nosuch)\n\\copy t to stdout;\n",
        &[],
    );
    parity(setup, "", &["-c", "\\sf nosuch"]);
}

/// See: #12. A `\copy` is sent as psql's SendQuery sends a statement:
/// AUTOCOMMIT off opens a transaction, ON_ERROR_ROLLBACK guards it, the
/// result variables are its own.
#[test]
fn slash_copy_is_sent_like_a_statement() {
    parity(
        "create table t (a int); insert into t values (1), (2)",
        "\\copy t to '~/f.txt'\n\\echo :ROW_COUNT :ERROR :SQLSTATE\n\
         \\copy t from stdin\nx\n\\.\n\\echo :ROW_COUNT :ERROR :SQLSTATE :LAST_ERROR_SQLSTATE\n\
         \\set AUTOCOMMIT off\n\\copy t from '~/f.txt'\nrollback;\nselect count(*) from t;\n\
         \\set ON_ERROR_ROLLBACK on\nbegin;\n\\copy t from '~/f.txt'\n\\copy t from stdin\nx\n\\.\n\
         commit;\nselect count(*) from t;\nselect 1;\ncopy t from stdin;\ny\n\\.\n\\echo :ROW_COUNT :ERROR :SQLSTATE\n\
         copy nosuch from stdin;\n\\echo :ROW_COUNT :ERROR :SQLSTATE\n\\copy t to stdout\n\\echo :ROW_COUNT\n",
        &[],
    );
}

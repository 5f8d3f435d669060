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

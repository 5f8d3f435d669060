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

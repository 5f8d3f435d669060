//! Input that reaches the shell together: a plain (not bracketed) paste
//! of several lines, a bracketed paste, type-ahead during a running query,
//! a paste that ends in the middle of a statement, bytes that are not
//! UTF-8, and a large paste. Every byte is read, in order, once; what
//! ran is checked in the database, not on the screen.

use std::io::Write;
use std::time::{Duration, Instant};

use rexpect::session::PtySession;

use super::{cont, ctrl_d_exits_0, expect, first, send, shell, support};

/// Write `bytes` to the terminal in one write, as a terminal does with a
/// paste (no bracketed-paste markers unless `bytes` carries them).
#[track_caller]
fn paste(p: &mut PtySession, bytes: &[u8]) {
    p.flush().expect("flush");
    let mut master = p.process().get_file_handle().expect("the pty master");
    master.write_all(bytes).expect("write to the terminal");
    master.flush().expect("flush the terminal");
}

/// The 12 lines of one try: 5 statements, one of them a plpgsql function
/// in dollar quotes with `;` inside.
fn twelve_lines(i: usize) -> String {
    format!(
        "create table paste{i} (seq serial, v text);\n\
         insert into paste{i} (v)\n\
         \x20 values ('one');\n\
         create function paste_fn{i}(x text) returns void\n\
         language plpgsql as $body$\n\
         begin\n\
         \x20 insert into paste{i} (v) values (x);\n\
         end;\n\
         $body$;\n\
         select paste_fn{i}('two');\n\
         insert into paste{i} (v) values ('three'),\n\
         \x20 ('four');\n"
    )
}

#[test]
fn a_plain_paste_of_twelve_lines_runs_every_statement_once() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    for i in 1..=5 {
        paste(&mut p, twelve_lines(i).as_bytes());
        expect(&mut p, "INSERT 0 2", "the last statement of the paste ran");
        expect(&mut p, &first(&db), "back to the first prompt");
        // A marker statement: everything before it has run.
        send(&mut p, &format!("select 'tr' || 'y {i} done' as m;"));
        expect(&mut p, &format!("try {i} done"), "the marker ran");
        let rows = db.sql(&format!(
            "select string_agg(v, ',' order by seq) from paste{i}"
        ));
        assert_eq!(rows.trim(), "one,two,three,four", "try {i}: rows in order");
        let fns = db.sql(&format!(
            "select count(*) from pg_proc where proname = 'paste_fn{i}'"
        ));
        assert_eq!(fns.trim(), "1", "try {i}: the function exists once");
    }
    ctrl_d_exits_0(&mut p);
}

#[test]
fn a_bracketed_paste_runs_every_statement_after_enter() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table bp (seq serial, v text)");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    paste(
        &mut p,
        b"\x1b[200~insert into bp (v) values ('a');\ninsert into bp (v)\n values ('b');\ninsert into bp (v) values ('c');\x1b[201~",
    );
    std::thread::sleep(Duration::from_millis(200));
    paste(&mut p, b"\r");
    paste(&mut p, b"select 'bra' || 'cketed done' as m;\r");
    expect(&mut p, "bracketed done", "the marker ran");
    let rows = db.sql("select string_agg(v, ',' order by seq) from bp");
    assert_eq!(rows.trim(), "a,b,c", "every pasted statement ran once");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn statements_typed_during_a_query_all_run() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table ahead (seq serial, v text)");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "select pg_sleep(2);");
    std::thread::sleep(Duration::from_millis(400));
    // Typed while the query runs, one line after the other.
    send(&mut p, "insert into ahead (v) values ('first');");
    std::thread::sleep(Duration::from_millis(200));
    send(&mut p, "insert into ahead (v) values ('second');");
    expect(&mut p, "(1 row)", "pg_sleep ended");
    send(&mut p, "select 'ahead' || ' done' as m;");
    expect(&mut p, "ahead done", "the marker ran");
    let rows = db.sql("select string_agg(v, ',' order by seq) from ahead");
    assert_eq!(rows.trim(), "first,second", "both typed statements ran");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn a_paste_that_ends_mid_statement_waits_for_the_rest() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    paste(&mut p, b"select 'pa' || 'sted' as x;\nselect 40 +\n  2 as");
    expect(&mut p, "pasted", "the complete statement ran");
    expect(&mut p, &cont(&db, '-'), "the continuation prompt");
    send(&mut p, " total;");
    let out = expect(&mut p, "(1 row)", "the statement completed");
    assert!(out.contains("total") && out.contains("42"), "{out}");
    // And the same inside a dollar quote.
    paste(&mut p, b"select $q$x;\n");
    expect(&mut p, &cont(&db, '$'), "inside the dollar quote");
    send(&mut p, "y$q$ as dq;");
    let out = expect(&mut p, "(1 row)", "the statement completed");
    assert!(out.contains("x;"), "{out}");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn bytes_that_are_not_utf8_reach_the_server_and_the_shell_stays() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // Pasted (one write): Latin-1 'é', and 0xFF.
    paste(&mut p, b"select 'caf\xe9' as x;\nselect 'tw' || 'o' as n;\n");
    expect(&mut p, "invalid byte sequence", "the server's error");
    expect(&mut p, "two", "the next pasted line ran");
    paste(&mut p, b"select '\xff' as y;\n");
    expect(&mut p, "invalid byte sequence", "the server's error");
    // Typed: the byte arrives on its own, in the middle of a line.
    paste(&mut p, b"select 'ab");
    std::thread::sleep(Duration::from_millis(200));
    paste(&mut p, b"\xe9");
    std::thread::sleep(Duration::from_millis(200));
    paste(&mut p, b"c' as z;\r");
    expect(&mut p, "invalid byte sequence", "the server's error");
    expect(&mut p, &first(&db), "the shell is still there");
    send(&mut p, "select 'sti' || 'll here' as s;");
    expect(&mut p, "still here", "the shell goes on");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn a_large_plain_paste_reaches_the_server_within_a_second() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table big (n int, v text)");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // ~100 kB: one statement of 1000 lines, then a single 10 kB line.
    let filler = "x".repeat(90);
    let mut text = String::from("insert into big (n, v) values\n");
    for n in 0..1000 {
        let sep = if n == 999 { ';' } else { ',' };
        text.push_str(&format!("({n}, '{filler}'){sep}\n"));
    }
    text.push_str(&format!(
        "select length('{}') as long_line;\n",
        "y".repeat(10_000)
    ));
    assert!(text.len() > 100_000, "{}", text.len());
    let started = Instant::now();
    paste(&mut p, text.as_bytes());
    expect(&mut p, "INSERT 0 1000", "the insert ran");
    expect(&mut p, "10000", "the long line ran");
    let took = started.elapsed();
    expect(&mut p, &first(&db), "back to the first prompt");
    let count = db.sql("select count(*) from big");
    assert_eq!(count.trim(), "1000");
    assert!(
        took <= Duration::from_secs(1),
        "a 100 kB paste took {took:?}"
    );
    ctrl_d_exits_0(&mut p);
}

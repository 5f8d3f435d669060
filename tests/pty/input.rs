//! Input that reaches the shell together: a plain (not bracketed) paste
//! of several lines, a bracketed paste, type-ahead during a running query,
//! a paste that ends in the middle of a statement, bytes that are not
//! UTF-8, and a large paste. Every byte is read, in order, once; what
//! ran is checked in the database, not on the screen.

use std::io::Write;
use std::time::Duration;

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
    std::thread::sleep(Duration::from_millis(200));
    // Typed with corrections: the line editor still gets the keys.
    paste(
        &mut p,
        b"insrt\x7f\x7f\x7fsert into ahead (v) values ('thd\x1b[Dir\x1b[C');\r",
    );
    expect(&mut p, "(1 row)", "pg_sleep ended");
    send(&mut p, "select 'ahead' || ' done' as m;");
    expect(&mut p, "ahead done", "the marker ran");
    let rows = db.sql("select string_agg(v, ',' order by seq) from ahead");
    assert_eq!(
        rows.trim(),
        "first,second,third",
        "every typed statement ran"
    );
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
fn a_paste_into_a_line_being_typed_keeps_every_line() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table into_line (seq serial, v text)");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // The line editor holds a partial line when the paste comes.
    paste(&mut p, b"insert into into_line (v) ");
    std::thread::sleep(Duration::from_millis(300));
    paste(
        &mut p,
        b"values ('a');\ninsert into into_line (v) values ('b');\ninsert into into_line (v) values ('c');\n",
    );
    send(&mut p, "select 'in' || 'to done' as m;");
    expect(&mut p, "into done", "the marker ran");
    let rows = db.sql("select string_agg(v, ',' order by seq) from into_line");
    assert_eq!(rows.trim(), "a,b,c", "every pasted line ran once");
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
    paste(
        &mut p,
        b"select 'caf\xe9' as x;\nselect 'tw' || 'o' as n;\n",
    );
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
    // When each row reached the server, by the server's clock (the same
    // machine's): the screen is not the measure, the server is.
    db.sql("create table big (n int, v text, at timestamptz default clock_timestamp())");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // ~110 kB: one statement of 1000 lines, then a single 10 kB line.
    let filler = "x".repeat(90);
    let mut text = String::from("insert into big (n, v) values\n");
    for n in 0..1000 {
        let sep = if n == 999 { ';' } else { ',' };
        text.push_str(&format!("({n}, '{filler}'){sep}\n"));
    }
    text.push_str(&format!(
        "insert into big (n, v) values (1000, '{}');\n",
        "y".repeat(10_000)
    ));
    assert!(text.len() > 100_000, "{}", text.len());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64();
    paste(&mut p, text.as_bytes());
    expect(&mut p, "INSERT 0 1000", "the long statement ran");
    expect(&mut p, "INSERT 0 1", "the long line ran");
    expect(&mut p, &first(&db), "back to the first prompt");
    let got = db.sql("select count(*), sum(length(v)), extract(epoch from max(at)) from big");
    let fields: Vec<&str> = got.trim().split('|').collect();
    assert_eq!(
        fields[..2],
        ["1001", "100000"],
        "every row, every byte: {got}"
    );
    let took = fields[2].parse::<f64>().expect("epoch") - started;
    assert!(
        took <= 1.0,
        "a 100 kB paste reached the server after {took:.3} s"
    );
    ctrl_d_exits_0(&mut p);
}

#[test]
fn copy_from_stdin_at_the_terminal_reads_pasted_and_typed_data() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table ct (a int, b text)");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // Pasted with its data: nothing may be lost to the line reader.
    paste(
        &mut p,
        b"copy ct from stdin;\n1\tone\n2\t\\N\n\\.\nselect 'af' || 'ter' as x;\n",
    );
    expect(&mut p, "Enter data to be copied", "psql's instructions");
    expect(&mut p, "COPY 2", "the pasted rows");
    expect(&mut p, "after", "the statement after the data ran");
    expect(&mut p, &first(&db), "prompt");
    // Typed line by line at the `>>` prompt.
    send(&mut p, "copy ct from stdin;");
    expect(&mut p, ">> ", "the data prompt");
    send(&mut p, "3\tthree");
    expect(&mut p, ">> ", "the next data prompt");
    send(&mut p, "\\.");
    expect(&mut p, "COPY 1", "the typed row");
    expect(&mut p, &first(&db), "prompt");
    ctrl_d_exits_0(&mut p);
    assert_eq!(
        db.sql("select string_agg(a || ':' || coalesce(b, 'null'), ',' order by a) from ct"),
        "1:one,2:null,3:three"
    );
}

#[test]
fn statements_typed_during_a_multi_node_command_all_run() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    // A cascade of one root and a member whose server accepts the
    // connection and never answers: `show cascade` waits NODE_TIMEOUT for
    // it, reading every node at once.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    db.sql("create table ahead (seq serial, v text)");
    db.sql(&format!(
        "select pgq_node.register_location('q', 'root', '{}', false); \
         select pgq_node.create_node('q', 'root', 'root', 'root_worker', null, null, null); \
         select pgq_node.register_location('q', 'ghost', 'host=127.0.0.1 port={port} dbname=x', false)",
        support::location(&db)
    ));
    let mut cmd = db.qadmin();
    cmd.args(["-Q", "q", "-v", "NODE_TIMEOUT=2"]);
    let mut p = super::spawn(cmd);
    expect(&mut p, &format!("q@{}=# ", db.name), "first prompt");
    let started = std::time::Instant::now();
    send(&mut p, "show cascade;");
    std::thread::sleep(Duration::from_millis(400));
    send(&mut p, "insert into ahead (v) values ('first');");
    std::thread::sleep(Duration::from_millis(200));
    paste(
        &mut p,
        b"insert into ahead (v) values ('second');\rinsert into ahead (v) values ('third');\r",
    );
    expect(&mut p, "ghost", "the status names the silent node");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "show cascade waited for the silent node"
    );
    send(&mut p, "select 'ahead' || ' done' as m;");
    expect(&mut p, "ahead done", "the marker ran");
    let rows = db.sql("select string_agg(v, ',' order by seq) from ahead");
    assert_eq!(
        rows.trim(),
        "first,second,third",
        "every statement typed during the command ran, in order"
    );
    drop(silent);
    ctrl_d_exits_0(&mut p);
}

//! Shell commands through the grammar: syntax errors in scripts (text,
//! exit codes with and without ON_ERROR_STOP), `show help`, `exit`, and
//! `--check`, which needs no server.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::{clean_env, run, TestDb};
use crate::{assert_text_eq, test_db};

fn count(db: &TestDb, table: &str) -> String {
    db.sql(&format!("select count(*) from {table}"))
}

const SETTINGS: &str = "a queue setting (idle_period, max_count, max_lag, paused, ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused, rotation_period or external_ticker)";

#[test]
fn a_syntax_error_in_a_command_is_a_failed_statement() {
    let db = test_db!();
    db.sql("create table s (a int)");
    let p = db.script(
        "e.sql",
        "insert into s values (1);\nalter queue q1\n  set foo = 1;\ninsert into s values (2);\n",
    );
    let want = format!(
        "qadmin:{}:3: error: syntax error at or near \"foo\" (line 3, column 7): expected {SETTINGS}\n\
         LINE 3:   set foo = 1;\n              ^\n",
        p.display()
    );
    // Without ON_ERROR_STOP the script goes on and exits 0, as after a SQL error.
    let r = run(db.qadmin().arg("-f").arg(&p));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(count(&db, "s"), "2");
    assert_text_eq!(want, r.stderr, "without ON_ERROR_STOP");
    // With it, the script stops there and exits 3.
    db.sql("truncate s");
    let r = run(db.qadmin().args(["--on-error-stop", "-f"]).arg(&p));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(count(&db, "s"), "1");
    assert_text_eq!(want, r.stderr, "with ON_ERROR_STOP");
    // A failing -c exits 1, its message without a head (psql's -c).
    let r = run(db.qadmin().args(["-c", "show queue q1 q2"]));
    assert_eq!(r.code, 1);
    assert_text_eq!(
        "syntax error at or near \"q2\" (line 1, column 15): expected the end of the statement\n\
         LINE 1: show queue q1 q2\n                      ^\n",
        r.stderr,
        "-c"
    );
}

#[test]
fn a_command_head_is_never_sent_as_sql() {
    let db = test_db!();
    // `show queue` is a command: its error is ours, not the server's.
    let r = run(db.qadmin().args(["-c", "show queue ("]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("syntax error at or near \"(\""),
        "{}",
        r.stderr
    );
    // `show search_path` is SQL for the server.
    let r = run(db.qadmin().args(["-A", "-t", "-c", "show search_path"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "\"$user\", public\n");
}

#[test]
fn cascade_commands_without_a_queue_say_what_is_missing() {
    let db = test_db!();
    let r = run(db.qadmin().args(["-c", "resurrect;"]));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "no current queue: set it with \"connect queue=<queue>;\" or -Q <queue> (show queue *; lists them); register / unregister consumer, show consumer, show node and create ... node also take \"on <queue>\" (unregister: \"from <queue>\")\n"
    );
}

#[test]
fn show_help_lists_every_command() {
    let db = test_db!();
    let r = run(db.qadmin().args(["-c", "show help;"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, qadmin::parse::help::overview());
    for line in [
        "\nQueues\n",
        "\n  pause node <n>;",
        "\n  resume node <n>;",
        "\n  londiste wait sync;",
    ] {
        assert!(r.stdout.contains(line), "{line:?}\n{}", r.stdout);
    }
    let r = run(db.qadmin().args(["-c", "show help register consumer;"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_text_eq!(
        "Command:     register consumer\n\
         Description: Register a consumer on a queue (pgq.register_consumer). at <tick> or copy <c2> (another consumer's position) sets where it starts.\n\
         Syntax:\n  register consumer <c> [on <q>] [at <tick> | copy <c2>];\n",
        r.stdout,
        "show help register consumer"
    );
    let r = run(db.qadmin().args(["-c", "show help nothing"]));
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "no help for \"nothing\"; \"show help;\" lists the commands\n"
    );
}

#[test]
fn exit_and_quit_end_the_script() {
    let db = test_db!();
    db.sql("create table x (a int)");
    for word in ["exit", "quit", "EXIT"] {
        db.sql("truncate x");
        let p = db.script(
            "x.sql",
            format!("insert into x values (1);\n{word};\ninsert into x values (2);\n"),
        );
        let r = run(db.qadmin().arg("-f").arg(&p));
        assert_eq!(r.code, 0, "{word}: {}", r.stderr);
        assert_eq!(count(&db, "x"), "1", "{word}");
    }
}

/// qadmin with no connection settings at all: --check must not connect.
fn qadmin_offline() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qadmin"));
    clean_env(&mut c);
    c.env("PGHOST", "/nonexistent").env("PGPORT", "1");
    c
}

#[test]
fn check_reports_command_errors_and_sql_notes_without_a_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ok = dir.path().join("ok.sql");
    std::fs::write(
        &ok,
        "select 1;\ncreate queue q1;\nregister consumer c1 on q1;\nshow help;\n",
    )
    .expect("write");
    let r = run(qadmin_offline().arg("--check").arg("-f").arg(&ok));
    assert_eq!((r.code, r.stderr.as_str(), r.stdout.as_str()), (0, "", ""));

    let bad = dir.path().join("bad.sql");
    std::fs::write(
        &bad,
        "select 1;\nlock table t in exclusive mode;\nalter queue q1\n  set foo = 1;\n\
         takeover n1 dead dead;\nselect (1;\n",
    )
    .expect("write");
    let r = run(qadmin_offline().arg("--check").arg("-f").arg(&bad));
    assert_eq!(r.code, 3, "{}", r.stderr);
    let f = bad.display();
    assert_text_eq!(
        format!(
            "qadmin:{f}:2: note: SQL not known to qadmin's grammar, left to the server: lock table t in exclusive mode;\n\
             qadmin:{f}:4:7: error: syntax error at or near \"foo\": expected {SETTINGS}\n\
             LINE 4:   set foo = 1;\n              ^\n\
             qadmin:{f}:5:18: error: syntax error at or near \"dead\": `dead` given twice\n\
             LINE 5: takeover n1 dead dead;\n                         ^\n\
             qadmin:{f}:6:10: note: SQL not checked: its parentheses or brackets are not balanced\n"
        ),
        r.stderr,
        "--check bad.sql"
    );

    // Only notes: exit 0. -c strings are named -c.
    let r = run(qadmin_offline().args(["--check", "-c", "notify x", "-c", "tick"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "qadmin:-c:1: note: SQL not known to qadmin's grammar, left to the server: notify x\n"
    );

    // A missing file is fatal (1); errors win (3).
    let r = run(qadmin_offline().args(["--check", "-f", "/nonexistent/x.sql"]));
    assert_eq!(r.code, 1);
    let r = run(qadmin_offline().args(["--check", "-f", "/nonexistent/x.sql", "-c", "tick *"]));
    assert_eq!(r.code, 3);
}

#[test]
fn check_reads_stdin_and_bounds_nesting() {
    let deep = format!(
        "select {}1{};\nshow queue {}q{};\n",
        "(".repeat(5000),
        ")".repeat(5000),
        "(".repeat(2000),
        ")".repeat(2000)
    );
    let mut child = qadmin_offline()
        .arg("--check")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(deep.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(3));
    assert_text_eq!(
        "qadmin:<stdin>:1: note: statement nested too deeply to check (5000 levels of parentheses; qadmin parses at most 1000)\n\
         qadmin:<stdin>:2: error: statement nested too deeply to check (2000 levels of parentheses; qadmin parses at most 1000)\n",
        String::from_utf8_lossy(&out.stderr),
        "deep"
    );
}

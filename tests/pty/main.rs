//! The interactive shell in a pseudo-terminal (TERM=vt100, colours on, as
//! a user sees it), following psql's `010_tab_completion.pl`: prompts that
//! follow the lexer's state, Ctrl-C on a pending statement and on a running
//! query, history recall, Ctrl-D, the meta-commands that change what is
//! printed, `\e`, `\watch` and reconnecting; `scripted` runs the
//! meta-commands that scripts have too (`\o`, `\ir`, `\timing`, `\c`)
//! through `-c` and `-f`. Few cases, each a few
//! seconds at most: the logic underneath has unit tests. On a mismatch
//! the panic shows what the screen held.

#![cfg(unix)]

#[path = "../integration/support/mod.rs"]
mod support;

mod complete;
mod input;
mod operator;
mod password;
mod scripted;
mod special;
mod txstate;

use std::time::{Duration, Instant};

use rexpect::error::Error;
use rexpect::process::WaitStatus;
use rexpect::session::{spawn_with_options, Options, PtySession};

/// How long any one expectation may wait.
// Generous: a slow, loaded machine must not fail a test that passes.
const TIMEOUT_MS: u64 = 15_000;

fn spawn(mut cmd: std::process::Command) -> PtySession {
    cmd.env("TERM", "vt100");
    let opts = Options::new()
        .timeout_ms(Some(TIMEOUT_MS))
        .strip_ansi_escape_codes(true);
    spawn_with_options(cmd, opts).expect("spawn qadmin in a pty")
}

fn shell(db: &support::TestDb) -> PtySession {
    spawn(db.qadmin())
}

/// The first-line prompt: the test user is a superuser.
fn first(db: &support::TestDb) -> String {
    format!("(noqueue)@{}=# ", db.name)
}

/// A continuation prompt with psql's state marker.
fn cont(db: &support::TestDb, marker: char) -> String {
    format!("(noqueue)@{}{marker}# ", db.name)
}

/// Wait for `what`; returns what came before it. On a mismatch the panic
/// shows what the screen held.
#[track_caller]
fn expect(p: &mut PtySession, what: &str, why: &str) -> String {
    match p.exp_string(what) {
        Ok(before) => before,
        Err(e) => {
            let screen = match &e {
                Error::Timeout { got, .. } | Error::EOF { got, .. } => got.replace('\r', ""),
                _ => String::new(),
            };
            panic!(
                "{why}: expected {what:?}: {e}\n===== screen =====\n{screen}\n=================="
            )
        }
    }
}

#[track_caller]
fn send(p: &mut PtySession, line: &str) {
    p.send_line(line).expect("send a line");
}

/// Ctrl-D on an empty first line ends the shell with status 0.
#[track_caller]
fn ctrl_d_exits_0(p: &mut PtySession) {
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("the shell ends");
    match p.process().wait() {
        Ok(WaitStatus::Exited(_, code)) => assert_eq!(code, 0, "exit status after Ctrl-D"),
        other => panic!("qadmin did not exit normally: {other:?}"),
    }
}

#[test]
fn prompts_follow_the_statement_state() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, "qadmin ", "banner");
    expect(&mut p, "(server ", "banner names the server");
    expect(&mut p, &first(&db), "first prompt");
    // A three-line statement: `->` prompts, then it runs once.
    send(&mut p, "select 1 as a,");
    expect(&mut p, &cont(&db, '-'), "statement continues");
    send(&mut p, "  2 as b,");
    expect(&mut p, &cont(&db, '-'), "statement continues");
    send(&mut p, "  3 as c;");
    expect(&mut p, "(1 row)", "the statement ran");
    send(&mut p, "select 'next' as marker;");
    let between = expect(&mut p, "marker", "next statement");
    assert!(
        !between.contains("(1 row)"),
        "the three-line statement ran twice:\n{between}"
    );
    // A string across lines: `'>`; parentheses: `(>`.
    send(&mut p, "select 'a;");
    expect(&mut p, &cont(&db, '\''), "inside a string");
    send(&mut p, "b' as x, (1");
    expect(&mut p, &cont(&db, '('), "inside parentheses");
    send(&mut p, ") as y;");
    expect(&mut p, "a;+", "the string kept its semicolon and newline");
    expect(&mut p, "(1 row)", "the statement ran");
    expect(&mut p, &first(&db), "back to the first prompt");
    // Two statements on one line run in order. (Results are computed, so
    // that the echo of the typed line cannot match.)
    send(&mut p, "select 'o' || 'ne' as n; select 't' || 'wo' as n;");
    expect(&mut p, "one", "first of two");
    expect(&mut p, "two", "second of two");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn ctrl_c_clears_a_pending_statement() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "select 'never");
    expect(&mut p, &cont(&db, '\''), "inside a string");
    send(&mut p, "shown' as nope,");
    expect(&mut p, &cont(&db, '-'), "statement continues");
    p.send_control('c').expect("ctrl-c");
    expect(&mut p, &first(&db), "a fresh first prompt");
    send(&mut p, "select 'fr' || 'esh' as f;");
    let out = expect(&mut p, "(1 row)", "the new statement ran alone");
    assert!(out.contains("fresh"), "{out}");
    assert!(!out.contains("nope"), "the cleared lines ran:\n{out}");
    send(&mut p, "quit");
    p.exp_eof().expect("quit leaves");
}

#[test]
fn up_arrow_recalls_a_multi_line_statement_as_one() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "select 10 + 1 as eleven,");
    expect(&mut p, &cont(&db, '-'), "statement continues");
    send(&mut p, "'two' as w;");
    expect(&mut p, "(1 row)", "the statement ran");
    expect(&mut p, &first(&db), "first prompt again");
    // Up once: the whole statement comes back; Enter runs it again.
    p.send("\x1b[A").expect("up arrow");
    p.flush().expect("flush");
    expect(&mut p, "'two' as w;", "the second line came back too");
    p.send("\r").expect("enter");
    p.flush().expect("flush");
    let out = expect(&mut p, "(1 row)", "the recalled statement ran");
    assert!(out.contains("eleven") && out.contains("11"), "{out}");
    // Nothing with a password reaches the history file.
    send(&mut p, "\\echo password=sekret");
    expect(&mut p, "password=sekret", "echoed");
    send(&mut p, "\\q");
    p.exp_eof().expect("\\q leaves");
    let hist = std::fs::read_to_string(db.home.path().join("history")).expect("history file");
    assert!(
        hist.lines()
            .any(|l| l == "select 10 + 1 as eleven,\\n'two' as w;"),
        "one entry for the two lines:\n{hist}"
    );
    assert_eq!(
        hist.matches("eleven").count(),
        2,
        "a repeated entry is kept (psql's HISTCONTROL none):\n{hist}"
    );
    assert!(!hist.contains("sekret"), "a password was stored:\n{hist}");
}

#[test]
fn meta_commands_change_what_is_printed() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let script = db.script("part.sql", "select 'from the file' as src;\n");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "\\x");
    expect(&mut p, "Expanded display is on.", "\\x");
    send(&mut p, "select 1 as a, 2 as b;");
    expect(&mut p, "-[ RECORD 1 ]", "expanded output");
    expect(&mut p, "b | 2", "expanded output");
    send(&mut p, "\\x off");
    expect(&mut p, "Expanded display is off.", "\\x off");
    send(&mut p, &format!("\\i {}", script.display()));
    expect(&mut p, "from the file", "\\i ran the file");
    send(&mut p, "\\timing on");
    expect(&mut p, "Timing is on.", "\\timing");
    send(&mut p, "select 1 as one;");
    p.exp_regex(r"Time: \d+\.\d{3} ms")
        .unwrap_or_else(|e| panic!("\\timing prints a time\n{e}"));
    // A backslash command after a partial statement, as in psql.
    send(&mut p, "select 'buf' || 'fered' as b \\p");
    expect(&mut p, "as b\r\n", "\\p shows the buffer");
    send(&mut p, "\\g");
    expect(&mut p, "buffered", "\\g runs it");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn ctrl_c_cancels_the_query_and_the_shell_goes_on() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "select pg_sleep(30);");
    std::thread::sleep(Duration::from_millis(500));
    let pressed = Instant::now();
    p.send_control('c').expect("ctrl-c");
    expect(&mut p, "Cancel request sent", "psql's notice");
    expect(
        &mut p,
        "canceling statement due to user request",
        "the server's error",
    );
    expect(&mut p, &first(&db), "shell still there");
    let took = pressed.elapsed();
    assert!(took < Duration::from_secs(1), "back after {took:?}");
    send(&mut p, "select 6 * 7 as answer;");
    expect(&mut p, "42", "the connection still works");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn edit_and_watch() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let editor = db.script(
        "editor.sh",
        "#!/bin/sh\necho \"select 'edited' || '!' as e;\" > \"$1\"\n",
    );
    let mut cmd = db.qadmin();
    cmd.env("EDITOR", format!("sh {}", editor.display()));
    cmd.env_remove("VISUAL");
    let mut p = spawn(cmd);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "select 'before'");
    expect(&mut p, &cont(&db, '-'), "pending");
    send(&mut p, "\\e");
    expect(&mut p, "edited!", "the edited statement ran");
    send(&mut p, "\\watch 0.2");
    expect(&mut p, "(every 0.2s)", "watch header");
    expect(&mut p, "edited!", "first run");
    expect(&mut p, "(every 0.2s)", "runs again");
    p.send_control('c').expect("ctrl-c");
    expect(&mut p, &first(&db), "the watch ended");
    send(&mut p, "select 'go' || 'ing on' as after;");
    expect(&mut p, "going on", "the shell goes on");
    ctrl_d_exits_0(&mut p);
}

#[test]
fn a_lost_connection_is_reopened() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "select pg_terminate_backend(pg_backend_pid());");
    expect(&mut p, "connection to server was lost", "loss reported");
    expect(&mut p, "Attempting reset: Succeeded.", "reconnected");
    send(&mut p, "select 'back' as state;");
    expect(&mut p, "back", "works again");
    send(&mut p, "quit");
    p.exp_eof().expect("exit");
}

/// See: #12. In an `\if` branch that does not run the prompt shows `@`
/// (psql's `%R`), statements and meta-commands are reported as ignored,
/// and Ctrl-C leaves the block.
#[test]
fn an_inactive_if_branch_shows_at_in_the_prompt() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "\\if false");
    expect(&mut p, &cont(&db, '@'), "@ in an inactive branch");
    send(&mut p, "select 1;");
    expect(
        &mut p,
        "query ignored; use \\endif or Ctrl-C to exit current \\if block",
        "query ignored",
    );
    send(&mut p, "\\echo hi");
    expect(&mut p, "\\echo command ignored;", "meta-command ignored");
    send(&mut p, "\\endif");
    expect(&mut p, &first(&db), "= again after \\endif");
    send(&mut p, "\\if off");
    expect(&mut p, &cont(&db, '@'), "@ again");
    p.send_control('c').expect("ctrl-c");
    expect(&mut p, "\\if: escaped", "Ctrl-C leaves the block");
    expect(&mut p, &first(&db), "= after Ctrl-C");
    ctrl_d_exits_0(&mut p);
}

/// See: #12. `\ef` / `\ev` put the definition in the editor (at the line
/// asked for, counted from the function body, as psql's `+N`), what comes
/// back is shown again under the prompt and waits in the buffer for its
/// `;`; not edited (the editor leaves the file alone), "No changes" and
/// an empty buffer. `\s` shows the history.
#[test]
fn edit_function_and_view_and_show_history() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create function f() returns int language sql as $$select 1$$; create view v as select 1 as a;");
    let args = db.home.path().join("editor-args.txt");
    let editor = db.script(
        "editor.sh",
        format!(
            "#!/bin/sh\necho \"$@\" >> {}\neval last=\\${{$#}}\n! grep -qw 1 \"$last\" || sed -i 's/\\b1\\b/2/g' \"$last\"\n",
            args.display()
        ),
    );
    let mut cmd = db.qadmin();
    cmd.env("EDITOR", format!("sh {}", editor.display()));
    cmd.env_remove("VISUAL");
    let mut p = spawn(cmd);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "\\ef f 1");
    expect(
        &mut p,
        &format!("{}CREATE OR REPLACE FUNCTION public.f()", first(&db)),
        "the definition is shown again under the prompt (psql)",
    );
    expect(&mut p, &cont(&db, '-'), "the definition waits for its ;");
    send(&mut p, ";");
    expect(&mut p, "CREATE FUNCTION", "the edited definition ran");
    send(&mut p, "select f() * 21 as answer;");
    expect(&mut p, "42", "the function was replaced");
    send(&mut p, "\\ef f");
    expect(&mut p, "No changes", "nothing left to change");
    expect(&mut p, &first(&db), "the buffer is empty (psql)");
    send(&mut p, "\\p");
    expect(
        &mut p,
        "select f() * 21 as answer;",
        "\\p shows the last statement",
    );
    send(&mut p, "\\ev v");
    send(&mut p, ";");
    expect(&mut p, "CREATE VIEW", "the edited view ran");
    send(&mut p, "select a * 21 as answer from v;");
    expect(&mut p, "42", "the view was replaced");
    send(&mut p, "\\s");
    expect(&mut p, "select f() * 21 as answer;", "the history");
    ctrl_d_exits_0(&mut p);
    let seen = std::fs::read_to_string(&args).expect("editor ran");
    let first_call = seen.lines().next().unwrap_or("");
    // Three lines (CREATE, RETURNS, LANGUAGE) before the body's `AS`.
    assert!(first_call.starts_with("+4 "), "editor arguments: {seen}");
}

/// See: #12. Single-line mode (`-S`, `\set SINGLELINE`): the prompt shows
/// `^`, the end of a line runs the statement; quotes and parentheses still
/// continue it; `\set SINGLELINE off` restores `=` and the `;` rule.
#[test]
fn single_line_mode_runs_each_line() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut cmd = db.qadmin();
    cmd.arg("-S");
    let mut p = spawn(cmd);
    let caret = format!("(noqueue)@{}^# ", db.name);
    expect(&mut p, &caret, "^ in single-line mode");
    send(&mut p, "select 6 * 7 as answer");
    expect(&mut p, "42", "the end of the line ran it");
    expect(&mut p, &caret, "ready again");
    send(&mut p, "select 'a");
    expect(&mut p, &cont(&db, '\''), "a quote continues");
    send(&mut p, "b' as s");
    expect(&mut p, "(1 row)", "ran at the end of the quoted line");
    send(&mut p, "\\set SINGLELINE off");
    expect(&mut p, &first(&db), "= again");
    send(&mut p, "select 1 as one");
    expect(&mut p, &cont(&db, '-'), "waits for its ;");
    send(&mut p, ";");
    expect(&mut p, "(1 row)", "the ; ran it");
    ctrl_d_exits_0(&mut p);
}

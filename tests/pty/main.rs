//! The interactive shell in a pseudo-terminal: prompts that follow the
//! lexer's state, Ctrl-C cancelling a running query without leaving the
//! shell, and reconnecting after a lost connection. Few cases: the logic
//! underneath is covered by the script tests.

#[path = "../integration/support/mod.rs"]
mod support;

use rexpect::session::{spawn_command, PtySession};

fn shell(db: &support::TestDb) -> PtySession {
    let mut cmd = db.qadmin();
    cmd.env("TERM", "vt100");
    spawn_command(cmd, Some(15_000)).expect("spawn qadmin in a pty")
}

fn expect(p: &mut PtySession, what: &str, why: &str) {
    if let Err(e) = p.exp_string(what) {
        panic!("{why}: expected {what:?}: {e}");
    }
}

#[test]
fn prompts_follow_the_statement_state() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    let db_prompt = format!("(noqueue)@{}=# ", db.name);
    expect(&mut p, &db_prompt, "first prompt");
    p.send_line("select 'a;").expect("send");
    expect(
        &mut p,
        &format!("(noqueue)@{}'# ", db.name),
        "inside a string",
    );
    p.send_line("b' as x, (1").expect("send");
    expect(
        &mut p,
        &format!("(noqueue)@{}(# ", db.name),
        "inside parentheses",
    );
    p.send_line(") as y").expect("send");
    expect(
        &mut p,
        &format!("(noqueue)@{}-# ", db.name),
        "statement continues",
    );
    p.send_line(";").expect("send");
    expect(&mut p, "(1 row)", "the statement ran");
    expect(&mut p, &db_prompt, "back to the first prompt");
    p.send_line("\\q").expect("send");
    p.exp_eof().expect("exit");
}

#[test]
fn ctrl_c_cancels_the_query_and_the_shell_goes_on() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    let db_prompt = format!("(noqueue)@{}=# ", db.name);
    expect(&mut p, &db_prompt, "first prompt");
    p.send_line("select pg_sleep(30);").expect("send");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    p.send_control('c').expect("ctrl-c");
    expect(
        &mut p,
        "canceling statement due to user request",
        "query cancelled",
    );
    expect(&mut p, &db_prompt, "shell still there");
    p.send_line("select 6 * 7 as answer;").expect("send");
    expect(&mut p, "42", "next statement runs");
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("exit");
}

#[test]
fn a_lost_connection_is_reopened() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut p = shell(&db);
    let db_prompt = format!("(noqueue)@{}=# ", db.name);
    expect(&mut p, &db_prompt, "first prompt");
    p.send_line("select pg_terminate_backend(pg_backend_pid());")
        .expect("send");
    expect(&mut p, "connection to server was lost", "loss reported");
    expect(&mut p, "Attempting reset: Succeeded.", "reconnected");
    p.send_line("select 'back' as state;").expect("send");
    expect(&mut p, "back", "works again");
    p.send_line("quit").expect("send");
    p.exp_eof().expect("exit");
}

//! Tab completion in a real terminal (issue 7), psql's
//! `010_tab_completion.pl` style: type a prefix, press Tab, look for the
//! completed text on the screen, clear the line with Ctrl-U.

use super::{expect, first, shell, support};

/// Type `text`, press Tab, wait for `want` on the screen, clear the line.
#[track_caller]
fn check_completion(
    p: &mut rexpect::session::PtySession,
    text: &str,
    back: usize,
    want: &str,
    why: &str,
) {
    p.send(text).expect("type");
    for _ in 0..back {
        p.send_control('b').expect("cursor left");
    }
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    expect(p, want, why);
    p.send_control('e').expect("end of line");
    p.send_control('u').expect("clear the line");
}

#[test]
fn tab_completes_keywords_names_columns_and_files() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("select pgq.create_queue('orders_q'); create table widgets (id int, colour_name text); create table \"My Table\" (a int);");
    let file = db.script("script_one.sql", "select 1;\n");
    let dir = file.parent().expect("dir").display().to_string();
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // Give the background catalog snapshot a moment.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    check_completion(
        &mut p,
        "show qu",
        0,
        "queue",
        "a keyword of a shell command",
    );
    check_completion(
        &mut p,
        "register consumer c on ord",
        0,
        "orders_q",
        "a queue after `on`",
    );
    check_completion(
        &mut p,
        "select * from widg",
        0,
        "widgets",
        "a table after FROM",
    );
    check_completion(
        &mut p,
        "select w.colo from widgets w",
        15,
        "colour_name",
        "a column through an alias",
    );
    check_completion(
        &mut p,
        "select * from \"My T",
        0,
        "\"My Table\"",
        "a quoted identifier",
    );
    check_completion(
        &mut p,
        &format!("\\i {dir}/script_o"),
        0,
        "script_one.sql",
        "a file name after \\i",
    );
    check_completion(&mut p, "SEL", 0, "SELECT", "a keyword in the case typed");
    check_completion(
        &mut p,
        "connect dbna",
        0,
        "dbname=",
        "a connection key with its =",
    );
    let su = db.cluster.su.clone();
    check_completion(
        &mut p,
        &format!("connect user={}", &su[..su.len() - 1]),
        0,
        &format!("user={su}"),
        "a role after user=",
    );
    check_completion(
        &mut p,
        "londiste add table widg",
        0,
        "widgets",
        "a table after londiste add table",
    );
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("the shell ends");
}

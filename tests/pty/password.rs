//! `\password` as psql does it: asked twice without echo, encrypted on
//! the client, never in the history, never sent as SQL text.

use crate::{ctrl_d_exits_0, expect, first, send, shell, support};

#[test]
fn password_is_asked_encrypted_and_never_kept() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create role bob login");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    // The server logs what this session sends.
    send(&mut p, "set log_statement = 'all';");
    expect(&mut p, "SET", "logging on");
    send(&mut p, "\\password bob");
    expect(&mut p, "Enter new password for user \"bob\": ", "first ask");
    send(&mut p, "Zx9-secret");
    expect(&mut p, "Enter it again: ", "second ask");
    send(&mut p, "Zx9-other");
    expect(
        &mut p,
        "Passwords didn't match.",
        "a mismatch changes nothing",
    );
    expect(&mut p, &first(&db), "prompt");
    send(&mut p, "\\password bob");
    expect(&mut p, "Enter new password for user \"bob\": ", "first ask");
    send(&mut p, "Zx9-secret");
    expect(&mut p, "Enter it again: ", "second ask");
    send(&mut p, "Zx9-secret");
    expect(&mut p, &first(&db), "done");
    send(&mut p, "select 'mark' || 'er' as m;");
    expect(&mut p, "marker", "the shell goes on");
    ctrl_d_exits_0(&mut p);
    assert_eq!(
        db.sql(
            "select rolpassword like 'SCRAM-SHA-256$4096:%' from pg_authid where rolname = 'bob'"
        ),
        "t"
    );
    let history = std::fs::read_to_string(db.home.path().join("history")).unwrap_or_default();
    assert!(
        !history.contains("Zx9"),
        "the password is in the history:\n{history}"
    );
    // The server saw only the encrypted form.
    let log = std::fs::read_to_string(db.cluster.dir.join("server.log")).unwrap_or_default();
    assert!(
        log.contains("ALTER ROLE bob PASSWORD 'SCRAM-SHA-256$4096:"),
        "{log}"
    );
    assert!(!log.contains("Zx9"), "the password reached the server log");
}

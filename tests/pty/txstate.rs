//! The prompt follows the server's transaction status (ReadyForQuery), as
//! psql's does: a COMMIT that fails on a deferred constraint ends the
//! block, and the prompt says so.

use crate::{ctrl_d_exits_0, expect, first, send, shell, support};

/// The first-line prompt with a transaction marker (`*` in a block, `!`
/// in a failed one).
fn marked(db: &support::TestDb, marker: char) -> String {
    format!("(noqueue)@{}={marker}# ", db.name)
}

#[test]
fn the_prompt_follows_the_server_after_a_failed_commit() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql(
        "create table p (id int primary key); \
         create table c (pid int references p deferrable initially deferred)",
    );
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "begin;");
    expect(&mut p, &marked(&db, '*'), "in a block");
    send(&mut p, "insert into c values (1);");
    expect(&mut p, &marked(&db, '*'), "still in the block");
    send(&mut p, "commit;");
    expect(
        &mut p,
        "violates foreign key constraint",
        "the deferred check fails",
    );
    // The block is over: the server is idle, not in a failed block.
    expect(
        &mut p,
        &first(&db),
        "no transaction marker after the failed COMMIT",
    );
    send(&mut p, "insert into p values (7);");
    expect(&mut p, &first(&db), "the insert committed on its own");
    ctrl_d_exits_0(&mut p);
    assert_eq!(db.sql("select count(*) from p"), "1");
}

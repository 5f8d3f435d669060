//! Dead-root takeovers without a standby, the branches at different
//! positions ("branch behind"): root n1, branches n2 and n3 under it, n2
//! held behind (its worker paused) while n3 takes more, a producer
//! writing to n1 through its death. `takeover n1 dead;` is run once from
//! the behind branch (it catches up from n3 first) and once from the
//! ahead one (n2 moves under it at its own tick). Afterwards both live
//! nodes hold the same rows (md5), the only committed rows missing are
//! the dead root's tail (counted), the workers run on without errors, and
//! `londiste status` and `show cascade` agree on the tree (`show cascade`
//! while the dead root is a member, which `londiste status` crashes on;
//! both once it is dropped).
//!
//! Long cases: they run with `QADMIN_LONG=1` (the behind-branch path runs
//! in CI inside the kill-point test, tests/integration/failover_kill.rs).

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use qadmin::cascade;

use crate::failover_kill::{ids, q, show, tick, Cascade, MD5};
use crate::support::standby::{long_case, Producer};
use crate::support::{location, run, wait_for};

#[test]
fn branch_behind_taken_over_from_the_behind_branch() {
    if long_case("branch_behind_from_behind") {
        branch_behind(false);
    }
}

#[test]
fn branch_behind_taken_over_from_the_ahead_branch() {
    if long_case("branch_behind_from_ahead") {
        branch_behind(true);
    }
}

fn branch_behind(from_ahead: bool) {
    let Some(c) = Cascade::build() else { return };
    let [n1, n2, n3] = &c.n;
    let r = q(n2, "pause node n2;");
    assert_eq!(r.code, 0, "{}", show(&r));
    n1.sql("insert into t select g, 'ahead ' || g from generate_series(100, 149) g");
    wait_for("n3 to take rows n2 lacks", 60, || {
        n3.sql("select count(*) from t where id = 149") == "1"
    });
    let prod = Producer::start(&location(n1), 1000);
    std::thread::sleep(Duration::from_millis(1500));
    n3.sql(&format!(
        "alter database {} allow_connections false",
        n1.name
    ));
    n3.sql(&format!(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '{}'",
        n1.name
    ));
    let committed: BTreeSet<i64> = prod.finish().into_iter().collect();
    let attempted = committed.last().copied().unwrap_or(999) + 1;
    let behind = tick(n2);
    assert!(tick(n3) > behind, "n2 is behind n3");

    let (new_db, new, other_db, other, other_ini) = if from_ahead {
        (n3, "n3", n2, "n2", &c.inis[1])
    } else {
        (n2, "n2", n3, "n3", &c.inis[2])
    };
    let r = q(new_db, "takeover n1 dead;");
    assert_eq!(r.code, 0, "{}", show(&r));
    if from_ahead {
        assert!(r.stdout.contains("moving n2 from n1 to n3"), "{}", show(&r));
    } else {
        assert!(
            r.stdout.contains("n3 got further"),
            "n2 catches up from n3 first: {}",
            show(&r)
        );
    }
    new_db.sql("insert into t select g, 'new root ' || g from generate_series(9001, 9010) g");
    wait_for(&format!("{other} to follow {new}"), 90, || {
        other_db.sql("select count(*) from t where id > 9000") == "10"
    });
    assert_eq!(
        other_db.sql(MD5),
        new_db.sql(MD5),
        "{other} and {new} differ"
    );
    assert_eq!(
        n2.sql("select count(*) from t where id between 100 and 149"),
        "50",
        "n2 has the rows only n3 had taken"
    );
    let present: BTreeSet<i64> = ids(new_db, 1000)
        .into_iter()
        .filter(|i| *i <= attempted)
        .collect();
    let stray: Vec<&i64> = present
        .difference(&committed)
        .filter(|i| **i != attempted)
        .collect();
    assert!(stray.is_empty(), "rows nobody committed: {stray:?}");
    let lost: Vec<i64> = committed.difference(&present).copied().collect();
    if let (Some(first_lost), Some(last_kept)) = (lost.first(), present.last()) {
        assert!(
            first_lost > last_kept,
            "a row in the middle was lost: {lost:?}, kept up to {last_kept}"
        );
    }
    eprintln!(
        "from the {} branch: {} rows committed, {} lost (the dead root's tail)",
        if from_ahead { "ahead" } else { "behind" },
        committed.len(),
        lost.len()
    );

    // Both status tools see one tree: new the root, other its branch,
    // n1 dead; no worker in error.
    let st = cascade::status::status(&mut other_db.client(), "replika", Duration::from_secs(5), 8)
        .expect("status");
    assert_eq!(st.root().map(|n| n.name.as_str()), Some(new));
    for n in st.nodes.iter().filter(|n| !n.dead) {
        assert!(n.consumer_errors.is_empty(), "{}: {n:?}", n.name);
        assert_eq!(n.tables, Some((1, 0, 0)), "{}: {n:?}", n.name);
    }
    assert_eq!(
        st.node(other)
            .and_then(|n| n.info.as_ref())
            .and_then(|i| i.provider_node.clone()),
        Some(new.to_string())
    );
    let shown = q(other_db, "show cascade;");
    assert_eq!(shown.code, 0, "{}", show(&shown));
    assert!(shown.stdout.contains("n1 (dead)"), "{}", show(&shown));
    // `londiste status` crashes while a member is dead ('NodeInfo' object
    // has no attribute 'provider_node'); `show cascade` does not. The dead
    // root will not come back: dropped, both tools show the same tree.
    let ls = run(Command::new("londiste").arg(other_ini).arg("status"));
    assert_ne!(
        ls.code,
        0,
        "londiste status with a dead member: {}",
        show(&ls)
    );
    let r = q(new_db, "drop node n1;");
    assert_eq!(r.code, 0, "{}", show(&r));
    let shown = q(other_db, "show cascade;");
    assert_eq!(shown.code, 0, "{}", show(&shown));
    assert!(!shown.stdout.contains("n1"), "{}", show(&shown));
    let ls = run(Command::new("londiste").arg(other_ini).arg("status"));
    assert_eq!(ls.code, 0, "{}", show(&ls));
    for text in [&shown.stdout, &ls.stdout] {
        assert!(
            text.contains(&format!("{new} (root)"))
                && text.contains(&format!("{other} (branch)"))
                && !text.contains("ERR"),
            "{}\n---\n{}",
            shown.stdout,
            ls.stdout
        );
    }
}

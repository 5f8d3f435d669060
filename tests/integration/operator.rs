//! The operator's view (#15): `tick` as pgqd does it, the short and `+`
//! views of queues and consumers, the `--json` shapes, hints.

use crate::support::{run, Run, TestDb};
use crate::test_db;

fn q(db: &TestDb, args: &[&str]) -> Run {
    run(db.qadmin().args(args))
}

fn pending(db: &TestDb, queue: &str) -> String {
    db.sql(&format!(
        "select pending_events from pgq.get_consumer_info('{queue}', 'c')"
    ))
}

// See: #15
#[test]
fn r15_tick_leaves_pending_events_as_they_are() {
    let db = test_db!();
    db.sql("select pgq.create_queue('q'); select pgq.register_consumer('q', 'c');");
    db.sql("select pgq.create_queue('other'); select pgq.register_consumer('other', 'c');");
    // The reference: a queue ticked by pgq.ticker itself (what pgqd
    // runs), once 10 events pass its max_count.
    db.sql("select pgq.create_queue('ref'); select pgq.register_consumer('ref', 'c');");
    db.sql("select pgq.set_queue_config('ref', 'ticker_max_count', '5')");
    for queue in ["q", "ref"] {
        db.sql(&format!(
            "select pgq.insert_event('{queue}', 't', 'x' || g) from generate_series(1, 10) g"
        ));
    }
    assert!(!db.sql("select pgq.ticker('ref')").is_empty());
    let reference = pending(&db, "ref");
    // pgq counts 9 for the first 10 events of a new queue (its first tick
    // stands at event sequence value 1); the same as the reference, not
    // 2,009 (pgq.force_tick's bump).
    assert_eq!(reference, "9");
    let r = q(&db, &["-A", "-t", "-c", "tick q force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("|tick made\n"), "{}", r.stdout);
    assert_eq!(pending(&db, "q"), reference);
    // Plain tick: one pgq.ticker(q); nothing new, no tick due, no change.
    let r = q(&db, &["-A", "-t", "-c", "tick q;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("|no tick made\n"), "{}", r.stdout);
    assert_eq!(pending(&db, "q"), "9");
    // Enough events for max_count: pgq.ticker ticks, as pgqd would.
    db.sql("select pgq.set_queue_config('q', 'ticker_max_count', '5')");
    db.sql("select pgq.insert_event('q', 't', 'y' || g) from generate_series(1, 6) g");
    let r = q(&db, &["-A", "-t", "-c", "tick q;"]);
    assert!(r.stdout.ends_with("|tick made\n"), "{}", r.stdout);
    assert_eq!(pending(&db, "q"), "15");
    // The current queue only.
    let before = db.sql("select last_tick_id from pgq.get_queue_info('other')");
    let r = q(&db, &["-A", "-t", "-Q", "q", "-c", "tick force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("q|"), "{}", r.stdout);
    assert_eq!(
        db.sql("select last_tick_id from pgq.get_queue_info('other')"),
        before
    );
    assert_eq!(pending(&db, "q"), "15");
    assert_eq!(pending(&db, "other"), "0");
}

//! The queue and consumer API (`qadmin::pgq`) against real PgQ: results
//! are checked in pgq's own views of the world.

use qadmin::pgq::{self, Error, StartAt};

use crate::support::TestDb;
use crate::test_db;

fn ticks(db: &TestDb, q: &str) {
    db.sql(&format!(
        "select pgq.force_tick('{q}'); select pgq.ticker('{q}');"
    ));
}

#[test]
fn queues_are_created_configured_and_dropped() {
    let db = test_db!();
    let mut c = db.client();
    assert!(pgq::create_queue(&mut c, "q1").expect("create"));
    assert!(
        !pgq::create_queue(&mut c, "q1").expect("again"),
        "second create is a no-op"
    );
    let info = pgq::queue_info(&mut c, Some("q1")).expect("info");
    assert_eq!(info.len(), 1);
    assert_eq!(info[0].name, "q1");

    pgq::set_queue_config(
        &mut c,
        &["q1".to_string()],
        &[
            ("ticker_max_count".into(), "42".into()),
            ("ticker_paused".into(), "true".into()),
        ],
    )
    .expect("config");
    assert_eq!(
        db.sql("select queue_ticker_max_count || ',' || queue_ticker_paused from pgq.get_queue_info('q1')"),
        "42,true"
    );
    // A bad value changes nothing: all or nothing.
    let err = pgq::set_queue_config(
        &mut c,
        &["q1".to_string()],
        &[
            ("ticker_max_count".into(), "7".into()),
            ("ticker_max_lag".into(), "not an interval".into()),
        ],
    )
    .expect_err("bad interval");
    assert!(
        err.to_string()
            .contains("invalid input syntax for type interval"),
        "{err}"
    );
    assert_eq!(
        db.sql("select queue_ticker_max_count from pgq.get_queue_info('q1')"),
        "42"
    );

    assert!(pgq::register_consumer(&mut c, "q1", "c1", &StartAt::Now).expect("register"));
    match pgq::drop_queue(&mut c, "q1", false) {
        Err(Error::QueueHasConsumers { consumers, .. }) => assert_eq!(consumers, vec!["c1"]),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(db.sql("select count(*) from pgq.get_queue_info('q1')"), "1");
    pgq::drop_queue(&mut c, "q1", true).expect("force drop");
    assert_eq!(
        db.sql("select count(*) from pgq.get_queue_info() where queue_name = 'q1'"),
        "0"
    );
    match pgq::queue_info(&mut c, Some("q1")) {
        Err(Error::QueueNotFound(q)) => assert_eq!(q, "q1"),
        other => panic!("expected not found, got {other:?}"),
    }
}

#[test]
fn consumers_register_copy_and_unregister() {
    let db = test_db!();
    let mut c = db.client();
    pgq::create_queue(&mut c, "q").expect("create");
    assert!(pgq::register_consumer(&mut c, "q", "a", &StartAt::Now).expect("a"));
    assert!(!pgq::register_consumer(&mut c, "q", "a", &StartAt::Now).expect("a again"));
    db.sql("select pgq.insert_event('q', 't', 'x')");
    ticks(&db, "q");
    assert!(pgq::register_consumer(&mut c, "q", "b", &StartAt::CopyOf("a".into())).expect("b"));
    assert_eq!(
        db.sql("select string_agg(consumer_name || '@' || last_tick, ',' order by consumer_name) from pgq.get_consumer_info('q')"),
        db.sql("select string_agg(n || '@' || (select last_tick from pgq.get_consumer_info('q','a')), ',') from unnest(array['a','b']) n")
    );
    let info = pgq::consumer_info(&mut c, Some("q"), None).expect("info");
    assert_eq!(
        info.iter().map(|i| i.consumer.as_str()).collect::<Vec<_>>(),
        vec!["a", "b"]
    );
    // pgq's pending count is an estimate from the event sequence (a forced
    // tick advances it), so only check that the consumer has work.
    assert!(info[0].pending_events.unwrap_or(0) >= 1, "{info:?}");

    match pgq::unregister_consumers(&mut c, "q", Some("nope")) {
        Err(Error::ConsumerNotFound { consumer, .. }) => assert_eq!(consumer, "nope"),
        other => panic!("{other:?}"),
    }
    let gone = pgq::unregister_consumers(&mut c, "q", None).expect("all");
    assert_eq!(gone, vec!["a", "b"]);
    assert_eq!(
        db.sql("select count(*) from pgq.get_consumer_info('q')"),
        "0"
    );
}

#[test]
fn batches_ticks_and_maintenance() {
    let db = test_db!();
    let mut c = db.client();
    pgq::create_queue(&mut c, "q").expect("create");
    pgq::register_consumer(&mut c, "q", "c", &StartAt::Now).expect("register");
    db.sql("select pgq.insert_event('q', 'type1', 'payload ' || g) from generate_series(1, 3) g");
    let t = pgq::tick(&mut c, Some("q"), true).expect("tick");
    assert_eq!(t.len(), 1);
    assert!(t[0].tick_id.is_some(), "a tick was made");
    let batch: i64 = db
        .sql("select pgq.next_batch('q', 'c')")
        .parse()
        .expect("batch id");
    assert_eq!(
        pgq::current_batch(&mut c, "q", "c").expect("current"),
        Some(batch)
    );
    let events = pgq::batch_events(&mut c, batch).expect("events");
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].ev_type.as_deref(), Some("type1"));
    db.sql(&format!("select pgq.finish_batch({batch})"));
    match pgq::batch_events(&mut c, batch) {
        Err(Error::BatchNotOpen(id)) => assert_eq!(id, batch),
        other => panic!("{other:?}"),
    }
    let listed =
        db.sql("select string_agg(func_name, ',' order by func_name) from pgq.maint_operations()");
    let steps = pgq::maint(&mut c).expect("maint");
    let mut ran: Vec<&str> = steps.iter().map(|s| s.func.as_str()).collect();
    ran.sort();
    assert_eq!(ran.join(","), listed, "every listed step ran");
    assert!(steps.iter().all(|s| s.runs >= 1));
}

#[test]
fn names_are_data_never_sql() {
    let db = test_db!();
    db.sql("create table precious (a int)");
    let mut c = db.client();
    let evil = "q'); drop table precious; --";
    assert!(pgq::create_queue(&mut c, evil).expect("create"));
    assert!(
        pgq::register_consumer(&mut c, evil, "My \"Consumer\"", &StartAt::Now).expect("register")
    );
    assert_eq!(
        db.sql("select consumer_name from pgq.get_consumer_info() where queue_name = 'q''); drop table precious; --'"),
        "My \"Consumer\""
    );
    assert_eq!(db.sql("select count(*) from precious"), "0");
}

#[test]
fn missing_extension_is_named() {
    let db = test_db!();
    db.sql("drop extension londiste; drop extension pgq_node; drop extension pgq cascade");
    let mut c = db.client();
    let err = pgq::queue_info(&mut c, None).expect_err("no pgq");
    assert_eq!(
        err.to_string(),
        "extension \"pgq\" is not installed in this database (run: install pgq;)"
    );
}

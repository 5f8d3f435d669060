//! Completion against a live database: the catalog snapshot reads what a
//! Londiste root, its queue, consumers and batches have, and a Tab before
//! the first snapshot runs one small query for its slot.

use std::sync::Arc;

use qadmin::complete::cache::{Cache, Catalog, Sections};
use qadmin::complete::{candidates, expect, sections_for};
use qadmin::db::{ConnParams, Environment};

use crate::support::{location, run, TestDb};
use crate::test_db;

fn names(text: &str, cat: &Catalog) -> Vec<String> {
    candidates(text, text.len(), cat).1
}

/// A root node of queue `replika` with table t1 in Londiste (t2 not),
/// consumer c1 holding an open batch.
fn londiste_root(db: &TestDb) -> i64 {
    db.sql("create extension if not exists pgq; create extension if not exists pgq_node; create extension if not exists londiste");
    db.sql("create table t1 (id int primary key); create table t2 (id int primary key)");
    let r = run(db.qadmin().args([
        "-Q",
        "replika",
        "-c",
        &format!("create root node n1 location '{}';", location(db)),
        "-c",
        "londiste add table t1;",
        "-c",
        "register consumer c1;",
    ]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    db.sql("insert into t1 values (1)");
    db.sql("select pgq.force_tick('replika')");
    db.sql("select pgq.ticker()");
    db.sql("select pgq.next_batch('replika', 'c1')")
        .parse()
        .expect("a batch")
}

#[test]
fn the_snapshot_has_what_the_server_has() {
    let db = test_db!();
    let batch = londiste_root(&db);
    let cat = Catalog::load(&mut db.client());
    assert_eq!(cat.londiste_tables, vec!["public.t1"]);
    assert_eq!(names("londiste remove table ", &cat), vec!["public.t1"]);
    let add = names("londiste add table ", &cat);
    assert!(add.contains(&"t2".to_string()), "{add:?}");
    assert!(!add.contains(&"t1".to_string()), "{add:?}");
    assert_eq!(names("register consumer c2 on repl", &cat), vec!["replika"]);
    assert_eq!(names("unregister consumer c", &cat), vec!["c1"]);
    assert_eq!(names("alter node ", &cat), vec!["n1"]);
    // The queue's last tick and c1's tick are offered after `at`.
    let last: String = db.sql("select last_tick_id from pgq.get_queue_info('replika')");
    let ticks = names("register consumer c2 on replika at ", &cat);
    assert_eq!(ticks.first(), Some(&last), "{ticks:?}");
    assert!(names("show batch ", &cat).contains(&batch.to_string()));
    assert!(names("connect dbname=", &cat).contains(&db.name));
    assert!(names("connect user=", &cat).contains(&db.cluster.su));
    let cols = names("select * from t1 where i", &cat);
    assert_eq!(cols.first().map(String::as_str), Some("id"), "{cols:?}");
    assert!(names("set work_m", &cat).contains(&"work_mem".to_string()));
    assert_eq!(names("alter index t1_pk", &cat), vec!["t1_pkey"]);
    assert!(names("select 1::int", &cat).contains(&"int4".to_string()));
    let (_, mid) = candidates("select t.i from t1 t", 10, &cat);
    assert_eq!(mid.len(), 1);
    assert_eq!(mid[0], "t.id");
}

#[test]
fn a_tab_before_the_first_snapshot_asks_for_its_slot_only() {
    let db = test_db!();
    londiste_root(&db);
    let params = ConnParams::resolve(Some(&location(&db)), &[], &Environment::from_process())
        .expect("params");
    let cache = Cache::new();
    cache.set_params(params);
    let ask = |text: &str| {
        let cx = expect::context(text, text.len()).expect("context");
        let want = sections_for(&cx);
        let cat = want.clone().map(|w| cache.quick(w)).unwrap_or_default();
        (want, names(text, &cat))
    };
    let (want, got) = ask("register consumer c2 on ");
    assert_eq!(
        want,
        Some(Sections {
            pgq: true,
            ..Sections::default()
        })
    );
    assert_eq!(got, vec!["replika"]);
    let (want, got) = ask("select * from t1 where ");
    assert_eq!(
        want.and_then(|w| w.columns),
        Some(vec!["public.t1".to_string()])
    );
    assert!(got.contains(&"id".to_string()), "{got:?}");
    let (want, _) = ask("sel");
    assert_eq!(want, None, "keywords need no server");
    // The background snapshot arrives too, and the cache switches to it.
    let start = std::time::Instant::now();
    while !cache.is_ready() && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(cache.is_ready());
    let snap: Arc<Catalog> = cache.snapshot();
    assert_eq!(snap.queues, vec!["replika"]);
    // A statement's change: only its sections are read again, the rest
    // of the snapshot stays as it was.
    db.sql("create table t3_new (x int)");
    cache.refresh(Sections {
        relations: true,
        columns: Some(Vec::new()),
        ..Sections::default()
    });
    let start = std::time::Instant::now();
    while !cache.snapshot().relations.iter().any(|r| r.1 == "t3_new")
        && start.elapsed().as_secs() < 30
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let snap = cache.snapshot();
    assert!(names("select * from t3_n", &snap) == vec!["t3_new"]);
    assert_eq!(snap.queues, vec!["replika"], "the PgQ section is kept");
    assert_eq!(names("londiste remove table ", &snap), vec!["public.t1"]);
}

//! The cascade API against real pgq_node: nodes made by qadmin are read
//! by `londiste status` (the Python reference), and status copes with
//! members that are down or silent.

use std::time::{Duration, Instant};

use qadmin::cascade::{self, status, CreateNode, NodeType, Provider};

use crate::support::{location, run, TestDb};
use crate::test_db;

fn create(db: &TestDb, node_type: NodeType, name: &str, provider: Option<Provider>) -> Vec<String> {
    let mut c = db.client();
    let spec = CreateNode {
        queue: "replika".into(),
        node_type,
        name: name.into(),
        location: location(db),
        provider,
        worker: cascade::default_worker_name(name),
        merge: None,
    };
    let mut steps = Vec::new();
    cascade::create_node(&mut c, &spec, Duration::from_secs(5), &mut |s| {
        steps.push(format!("[{}] {}", s.node, s.message))
    })
    .unwrap_or_else(|e| panic!("create {name}: {e}"));
    steps
}

/// A londiste ini for a node, in the test's temp dir.
fn ini(db: &TestDb, node: &str) -> std::path::PathBuf {
    let dir = db.home.path();
    db.script(
        &format!("{node}.ini"),
        format!(
            "[londiste]\njob_name = {}\ndb = {}\nqueue_name = replika\nlogfile = {}/{node}.log\npidfile = {}/{node}.pid\n",
            cascade::default_worker_name(node),
            location(db),
            dir.display(),
            dir.display()
        ),
    )
}

#[test]
fn a_cascade_made_by_qadmin_is_read_by_londiste_status() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let steps = create(&n1, NodeType::Root, "node1", None);
    assert!(steps.iter().any(|s| s.starts_with("[node1] ")), "{steps:?}");
    create(
        &n2,
        NodeType::Branch,
        "node2",
        Some(Provider::Location(location(&n1))),
    );
    create(
        &n3,
        NodeType::Leaf,
        "node3",
        Some(Provider::Location(location(&n2))),
    );

    // pgq_node's own rows.
    assert_eq!(
        n1.sql("select node_type || ':' || node_name from pgq_node.get_node_info('replika')"),
        "root:node1"
    );
    assert_eq!(
        n3.sql("select node_type || ':' || provider_node from pgq_node.get_node_info('replika')"),
        "leaf:node2"
    );
    assert_eq!(
        n3.sql("select string_agg(node_name, ',' order by node_name) from pgq_node.get_queue_locations('replika')"),
        "node1,node2,node3"
    );
    assert_eq!(
        n1.sql("select string_agg(node_name, ',') from pgq_node.get_subscriber_info('replika')"),
        "node2"
    );

    // The reference tool reads it.
    let ini1 = ini(&n1, "node1");
    let r = run(std::process::Command::new("londiste")
        .arg(&ini1)
        .arg("status"));
    assert_eq!(
        r.code, 0,
        "londiste status failed: {}{}",
        r.stdout, r.stderr
    );
    for want in ["node1 (root)", "node2 (branch)", "node3 (leaf)"] {
        assert!(
            r.stdout.contains(want),
            "londiste status lacks {want}:\n{}",
            r.stdout
        );
    }
    let r = run(std::process::Command::new("londiste")
        .arg(ini(&n3, "node3"))
        .arg("members"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("node1") && r.stdout.contains("node3"),
        "{}",
        r.stdout
    );

    // And so does ours, from any node.
    let mut c = n3.client();
    let st = status::status(&mut c, "replika", Duration::from_secs(5), 8).expect("status");
    assert_eq!(st.local_node, "node3");
    let order: Vec<(usize, &str)> = st
        .tree_order()
        .iter()
        .map(|(d, n)| (*d, n.name.as_str()))
        .collect();
    assert_eq!(order, vec![(0, "node1"), (1, "node2"), (2, "node3")]);
    assert!(st.nodes.iter().all(|n| n.error.is_none()), "{st:?}");
    assert_eq!(st.root().and_then(|r| r.tables), Some((0, 0, 0)));

    // Creating the same node again is refused and changes nothing.
    let mut c = n2.client();
    let spec = CreateNode {
        queue: "replika".into(),
        node_type: NodeType::Branch,
        name: "node2".into(),
        location: location(&n2),
        provider: Some(Provider::Location(location(&n1))),
        worker: "w".into(),
        merge: None,
    };
    let err = cascade::create_node(&mut c, &spec, Duration::from_secs(5), &mut |_| {})
        .expect_err("twice");
    assert!(
        err.to_string().contains("already node \"node2\" (branch)"),
        "{err}"
    );
}

#[test]
fn status_marks_dead_down_and_silent_members_within_the_deadline() {
    let n1 = test_db!();
    create(&n1, NodeType::Root, "node1", None);
    // A member that accepts TCP and never answers, one that refuses, one tagged dead.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_port = listener.local_addr().expect("addr").port();
    let _hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed_port = closed.local_addr().expect("addr").port();
    drop(closed);
    n1.sql(&format!(
        "select pgq_node.register_location('replika', 'silent', 'host=127.0.0.1 port={silent_port} dbname=x user=x sslmode=disable', false);
         select pgq_node.register_location('replika', 'down', 'host=127.0.0.1 port={closed_port} dbname=x user=x', false);
         select pgq_node.register_location('replika', 'gone', 'host=127.0.0.1 port=1 dbname=x', true);"
    ));
    let mut c = n1.client();
    let t = Instant::now();
    let st = status::status(&mut c, "replika", Duration::from_secs(2), 8).expect("status");
    let took = t.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    let silent = st.node("silent").expect("silent");
    assert!(
        silent.error.as_deref().unwrap_or("").contains("timeout"),
        "{silent:?}"
    );
    let down = st.node("down").expect("down");
    assert!(down.error.is_some(), "{down:?}");
    let gone = st.node("gone").expect("gone");
    assert!(gone.dead && gone.error.is_none());
    let root = st.node("node1").expect("root");
    assert!(root.error.is_none() && root.node_type() == Some("root"));

    // The shell's deadline is the NODE_TIMEOUT variable.
    let t = Instant::now();
    let r = crate::support::run(n1.qadmin().args([
        "-Q",
        "replika",
        "-v",
        "NODE_TIMEOUT=1",
        "-c",
        "show cascade;",
    ]));
    let took = t.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(r.stdout.contains("timeout expired"), "{}", r.stdout);
}

#[test]
fn rename_node_changes_every_member_and_londiste_follows() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    create(&n1, NodeType::Root, "node1", None);
    create(
        &n2,
        NodeType::Branch,
        "node2",
        Some(Provider::Location(location(&n1))),
    );
    create(
        &n3,
        NodeType::Leaf,
        "node3",
        Some(Provider::Location(location(&n2))),
    );
    let mut pool = cascade::ops::Pool::load(&mut n1.client(), "replika", Duration::from_secs(5))
        .expect("pool");
    let mut log = Vec::new();
    cascade::rename::rename_node(&mut pool, "node3", "leaf3", &mut |s| {
        log.push(format!("[{}] {}", s.node, s.message))
    })
    .expect("rename");
    assert_eq!(log.len(), 3, "{log:?}");
    for db in [&n1, &n2, &n3] {
        assert_eq!(
            db.sql("select string_agg(node_name, ',' order by node_name) from pgq_node.get_queue_locations('replika')"),
            "leaf3,node1,node2"
        );
    }
    assert_eq!(
        n3.sql("select node_name from pgq_node.get_node_info('replika')"),
        "leaf3"
    );
    assert_eq!(
        n2.sql("select subscriber_node || ' ' || watermark_name from pgq_node.subscriber_info"),
        "leaf3 .leaf3.watermark"
    );
    assert_eq!(
        n2.sql("select count(*) from pgq.consumer where co_name = '.node3.watermark'"),
        "0"
    );
    assert_eq!(
        n2.sql("select count(*) from pgq.get_consumer_info('replika') where consumer_name = '.leaf3.watermark'"),
        "1"
    );
    // Again: nothing left to do, and the name is taken now.
    let mut pool = cascade::ops::Pool::load(&mut n1.client(), "replika", Duration::from_secs(5))
        .expect("pool");
    let err = cascade::rename::rename_node(&mut pool, "node3", "x", &mut |_| {}).expect_err("gone");
    assert!(err.to_string().contains("not a member"), "{err}");
    let r = run(std::process::Command::new("londiste")
        .arg(ini(&n1, "node1"))
        .arg("status"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("leaf3 (leaf)"), "{}", r.stdout);
}

#[test]
fn standby_records_reach_every_member_and_keep_the_other_attributes() {
    let n1 = test_db!();
    let n2 = test_db!();
    create(&n1, NodeType::Root, "node1", None);
    create(
        &n2,
        NodeType::Branch,
        "node2",
        Some(Provider::Location(location(&n1))),
    );
    n2.sql("select * from pgq_node.set_node_attrs('replika', 'sync_watermark=node2')");
    let mut pool = cascade::ops::Pool::load(&mut n1.client(), "replika", Duration::from_secs(5))
        .expect("pool");
    let locs = vec![
        "host=standby1 port=5433 dbname=shop".to_string(),
        "host=standby2,standby3 dbname=shop application_name='a&b'".to_string(),
    ];
    let mut written =
        cascade::ops::record_standbys(&mut pool, "node1", &locs, &mut |_| {}).expect("record");
    written.sort();
    assert_eq!(written, vec!["node1", "node2"]);
    for db in [&n1, &n2] {
        assert_eq!(
            cascade::ops::recorded_standbys(&mut db.client(), "replika", "node1").expect("read"),
            locs
        );
    }
    // The workers' own attribute is kept, and Londiste still reads them.
    assert!(n2
        .sql("select node_attrs from pgq_node.get_node_info('replika')")
        .starts_with("sync_watermark=node2&"));
    let r = run(std::process::Command::new("londiste")
        .arg(ini(&n2, "node2"))
        .arg("status"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Refused: an empty location, the node's own location, an unknown node.
    for (node, bad) in [
        ("node1", vec![" ".to_string()]),
        ("node1", vec![location(&n1)]),
        ("nosuch", locs.clone()),
    ] {
        assert!(cascade::ops::record_standbys(&mut pool, node, &bad, &mut |_| {}).is_err());
    }
    assert_eq!(
        cascade::ops::recorded_standbys(&mut n2.client(), "replika", "node1").expect("read"),
        locs
    );
    // none: forgotten everywhere, the other attribute kept.
    cascade::ops::record_standbys(&mut pool, "node1", &[], &mut |_| {}).expect("forget");
    for db in [&n1, &n2] {
        assert!(
            cascade::ops::recorded_standbys(&mut db.client(), "replika", "node1")
                .expect("read")
                .is_empty()
        );
    }
    let attrs = n2.sql("select node_attrs from pgq_node.get_node_info('replika')");
    assert!(
        attrs.starts_with("sync_watermark=node2") && !attrs.contains("standby"),
        "{attrs}"
    );
}

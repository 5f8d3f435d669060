//! A real cascade at work: three nodes made by qadmin's cascade API, the
//! real pgqd ticker and real Londiste workers replaying a table; rows reach
//! every node, and a root takeover done by qadmin keeps them flowing, as
//! `londiste status` confirms.

use std::process::Command;
use std::time::Duration;

use qadmin::cascade::{self, ops, CreateNode, NodeType, Provider};

use crate::support::{run, wait_for, Daemon, TestDb};
use crate::test_db;

fn location(db: &TestDb) -> String {
    format!(
        "host={} port={} dbname={} user={}",
        db.cluster.dir.display(),
        db.cluster.port,
        db.name,
        db.cluster.su
    )
}

fn ini(db: &TestDb, dir: &std::path::Path, node: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{node}.ini"));
    std::fs::write(
        &p,
        format!(
            "[londiste]\njob_name = {}\ndb = {}\nqueue_name = replika\nlogfile = {}/{node}.log\npidfile = {}/{node}.pid\nloop_delay = 0.2\n",
            cascade::default_worker_name(node),
            location(db),
            dir.display(),
            dir.display()
        ),
    )
    .expect("ini");
    p
}

fn count(db: &TestDb) -> i64 {
    db.sql("select count(*) from t").parse().unwrap_or(-1)
}

#[test]
fn rows_flow_and_a_root_takeover_keeps_them_flowing() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let nodes = [(&n1, "node1"), (&n2, "node2"), (&n3, "node3")];
    for (db, _) in nodes {
        db.sql("create table t (id int primary key, v text)");
    }
    let mk = |db: &TestDb, t: NodeType, name: &str, provider: Option<Provider>| {
        let spec = CreateNode {
            queue: "replika".into(),
            node_type: t,
            name: name.into(),
            location: location(db),
            provider,
            worker: cascade::default_worker_name(name),
            merge: None,
        };
        cascade::create_node(&mut db.client(), &spec, Duration::from_secs(5), &mut |_| {})
            .unwrap_or_else(|e| panic!("create {name}: {e}"));
    };
    mk(&n1, NodeType::Root, "node1", None);
    mk(
        &n2,
        NodeType::Branch,
        "node2",
        Some(Provider::Location(location(&n1))),
    );
    mk(
        &n3,
        NodeType::Leaf,
        "node3",
        Some(Provider::Location(location(&n2))),
    );

    let inis: Vec<_> = nodes.iter().map(|(db, n)| ini(db, dir.path(), n)).collect();
    for p in &inis {
        let r = run(Command::new("londiste")
            .arg(p)
            .args(["add-table", "public.t"]));
        assert_eq!(r.code, 0, "add-table: {}{}", r.stdout, r.stderr);
    }
    let pgqd_ini = dir.path().join("pgqd.ini");
    std::fs::write(
        &pgqd_ini,
        format!(
            "[pgqd]\nlogfile = {d}/pgqd.log\npidfile = {d}/pgqd.pid\nbase_connstr = host={} port={} user={}\ninitial_database = postgres\ndatabase_list = {},{},{}\nticker_period = 0.2\n",
            n1.cluster.dir.display(),
            n1.cluster.port,
            n1.cluster.su,
            n1.name,
            n2.name,
            n3.name,
            d = dir.path().display()
        ),
    )
    .expect("pgqd ini");
    let _pgqd = Daemon::start(
        "pgqd",
        Command::new("pgqd").arg(&pgqd_ini),
        &dir.path().join("pgqd.out"),
    );
    let _workers: Vec<Daemon> = inis
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Daemon::start(
                &format!("worker{i}"),
                Command::new("londiste").arg(p).arg("worker"),
                &dir.path().join(format!("worker{i}.out")),
            )
        })
        .collect();

    n1.sql("insert into t select g, 'before ' || g from generate_series(1, 50) g");
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_for(&format!("50 rows on {name}"), 90, || count(db) == 50);
    }

    // Takeover: node2 becomes the root.
    let mut pool =
        ops::Pool::load(&mut n2.client(), "replika", Duration::from_secs(5)).expect("pool");
    let never = || false;
    let wait = ops::Wait {
        poll: Duration::from_millis(200),
        limit: Some(Duration::from_secs(90)),
        interrupted: &never,
    };
    let mut steps = Vec::new();
    ops::takeover(&mut pool, "node2", "node1", false, &wait, &mut |s| {
        steps.push(format!("[{}] {}", s.node, s.message))
    })
    .unwrap_or_else(|e| panic!("takeover: {e}\nsteps: {steps:#?}"));
    assert!(steps.iter().any(|s| s.contains("step 3")), "{steps:#?}");
    assert_eq!(
        n2.sql("select node_type from pgq_node.get_node_info('replika')"),
        "root"
    );
    assert_eq!(
        n1.sql("select node_type || ':' || provider_node from pgq_node.get_node_info('replika')"),
        "branch:node2"
    );

    n2.sql("insert into t select g, 'after ' || g from generate_series(51, 80) g");
    for (db, name) in [(&n1, "node1"), (&n3, "node3")] {
        wait_for(&format!("80 rows on {name}"), 90, || count(db) == 80);
    }
    let r = run(Command::new("londiste").arg(&inis[0]).arg("status"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("node2 (root)"), "{}", r.stdout);
    assert!(r.stdout.contains("node1 (branch)"), "{}", r.stdout);
}

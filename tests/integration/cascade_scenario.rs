//! A real cascade at work: three nodes made by qadmin's cascade API, the
//! real pgqd ticker and real Londiste workers replaying a table; rows reach
//! every node, and a root takeover done by qadmin keeps them flowing, as
//! `londiste status` confirms.

use std::process::Command;
use std::time::Duration;

use qadmin::cascade::{self, ops, CreateNode, NodeType, Provider};

use crate::support::{location, run, wait_for, Daemon, TestDb};
use crate::test_db;

fn ini(db: &TestDb, dir: &std::path::Path, node: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{node}.ini"));
    std::fs::write(
        &p,
        format!(
            "[londiste]\njob_name = {}\ndb = {}\nqueue_name = replika\nlogfile = {}/{node}.log\npidfile = {}/{node}.pid\nloop_delay = 0.2\nexception_sleep = 1\n",
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

/// Three nodes (root node1, branch node2, leaf node3 under
/// `leaf_provider`) made by the API (or by `londiste create-*`), table `t` added everywhere with the londiste CLI, pgqd and
/// three workers running. Returns the daemons (dropped = stopped) and the
/// ini files.
fn cascade_with_workers(
    n1: &TestDb,
    n2: &TestDb,
    n3: &TestDb,
    leaf_provider: &TestDb,
    dir: &std::path::Path,
    by_londiste: bool,
) -> (Vec<Daemon>, Vec<std::path::PathBuf>) {
    let nodes = [(n1, "node1"), (n2, "node2"), (n3, "node3")];
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
    let inis: Vec<_> = nodes.iter().map(|(db, n)| ini(db, dir, n)).collect();
    if by_londiste {
        let cli = |ini: &std::path::Path, args: &[&str]| {
            let r = run(Command::new("londiste").arg(ini).args(args));
            assert_eq!(r.code, 0, "londiste {args:?}: {}{}", r.stdout, r.stderr);
        };
        cli(&inis[0], &["create-root", "node1", &location(n1)]);
        cli(
            &inis[1],
            &[
                "create-branch",
                "node2",
                &location(n2),
                &format!("--provider={}", location(n1)),
            ],
        );
        cli(
            &inis[2],
            &[
                "create-leaf",
                "node3",
                &location(n3),
                &format!("--provider={}", location(leaf_provider)),
            ],
        );
    } else {
        mk(n1, NodeType::Root, "node1", None);
        mk(
            n2,
            NodeType::Branch,
            "node2",
            Some(Provider::Location(location(n1))),
        );
        mk(
            n3,
            NodeType::Leaf,
            "node3",
            Some(Provider::Location(location(leaf_provider))),
        );
    }
    for p in &inis {
        let r = run(Command::new("londiste")
            .arg(p)
            .args(["add-table", "public.t"]));
        assert_eq!(r.code, 0, "add-table: {}{}", r.stdout, r.stderr);
    }
    let pgqd_ini = dir.join("pgqd.ini");
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
            d = dir.display()
        ),
    )
    .expect("pgqd ini");
    let mut daemons = vec![Daemon::start(
        "pgqd",
        Command::new("pgqd").arg(&pgqd_ini),
        &dir.join("pgqd.out"),
    )];
    for (i, p) in inis.iter().enumerate() {
        daemons.push(Daemon::start(
            &format!("worker{}", i + 1),
            Command::new("londiste").arg(p).arg("worker"),
            &dir.join(format!("worker{}.out", i + 1)),
        ));
    }
    (daemons, inis)
}

fn waiting(never: &dyn Fn() -> bool) -> ops::Wait<'_> {
    ops::Wait {
        poll: Duration::from_millis(200),
        limit: Some(Duration::from_secs(90)),
        interrupted: never,
    }
}

#[test]
fn rows_flow_and_a_root_takeover_keeps_them_flowing() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (_daemons, inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), false);

    n1.sql("insert into t select g, 'before ' || g from generate_series(1, 50) g");
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_for(&format!("50 rows on {name}"), 90, || count(db) == 50);
    }

    // Takeover: node2 becomes the root.
    let mut pool =
        ops::Pool::load(&mut n2.client(), "replika", Duration::from_secs(5)).expect("pool");
    let never = || false;
    let wait = waiting(&never);
    let mut steps = Vec::new();
    ops::takeover(&mut pool, "node2", "node1", false, &wait, &mut |s| {
        steps.push(format!("[{}] {}", s.node, s.message))
    })
    .unwrap_or_else(|e| panic!("takeover: {e}\nsteps: {steps:#?}"));
    assert!(
        steps.iter().any(|s| s.contains("Step 3: Demoted root")),
        "{steps:#?}"
    );
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
    // Our status agrees: node2 is the root, every node has the table in sync.
    let st = cascade::status::status(&mut n3.client(), "replika", Duration::from_secs(5), 8)
        .expect("status");
    assert_eq!(st.root().map(|r| r.name.as_str()), Some("node2"));
    for n in &st.nodes {
        assert_eq!(n.tables, Some((1, 0, 0)), "{}: {:?}", n.name, n);
    }
    assert!(r.stdout.contains("node1 (branch)"), "{}", r.stdout);
}

/// Make `db` unreachable the way a dead server is: no new connections,
/// every session ended.
fn kill_database(db: &TestDb, from: &TestDb) {
    from.sql(&format!(
        "alter database {} allow_connections false",
        db.name
    ));
    from.sql(&format!(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '{}'",
        db.name
    ));
}

#[test]
fn a_dead_root_is_taken_over_and_the_others_follow() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    // node3 reads from node1: it must be moved to the new root.
    let (mut daemons, inis) = cascade_with_workers(&n1, &n2, &n3, &n1, dir.path(), false);

    n1.sql("insert into t select g, 'before ' || g from generate_series(1, 40) g");
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_for(&format!("40 rows on {name}"), 90, || count(db) == 40);
        // Copied is not enough: until the table is 'ok' its copy process
        // replays it from node1.
        wait_synced(db, name, &n1);
    }

    // A takeover that claims a live node is dead is refused.
    let r = run(n2
        .qadmin()
        .args(["-Q", "replika", "-c", "takeover node1 dead;"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("is not dead"), "{}", r.stderr);
    assert_eq!(
        n2.sql("select node_type from pgq_node.get_node_info('replika')"),
        "branch"
    );

    // The root dies: its worker stops; rows written on it after its last
    // tick (the ticker held) never leave it; its database goes away.
    daemons.remove(1);
    n1.sql("select pgq.set_queue_config('replika', 'ticker_paused', 'true')");
    n1.sql("insert into t select g, 'lost ' || g from generate_series(1001, 1005) g");
    kill_database(&n1, &n2);

    let r = run(n2
        .qadmin()
        .args(["-Q", "replika", "-c", "takeover node1 dead;"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.ends_with("TAKEOVER\n"), "{}", r.stdout);
    for step in [
        "Branch node promoted to root",
        "moving node3 from node1 to node2",
        "skipped: unregister node3 (node node1 is dead)",
    ] {
        assert!(r.stdout.contains(step), "{step}: {}", r.stdout);
    }
    assert_eq!(
        n2.sql("select node_type from pgq_node.get_node_info('replika')"),
        "root"
    );
    assert_eq!(
        n3.sql("select provider_node from pgq_node.get_node_info('replika')"),
        "node2"
    );
    // node1 is dead on every member, and waits on the new root under its
    // gravestone for a resurrect.
    for db in [&n2, &n3] {
        assert_eq!(
            db.sql("select dead from pgq_node.get_queue_locations('replika') where node_name = 'node1'"),
            "t"
        );
    }
    assert_eq!(
        n2.sql("select worker_name from pgq_node.get_subscriber_info('replika') where node_name = 'node1'"),
        "node1.gravestone"
    );

    // Running it again changes nothing and succeeds.
    let r = run(n2
        .qadmin()
        .args(["-Q", "replika", "-c", "takeover node1 with all dead;"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    n2.sql("insert into t select g, 'after ' || g from generate_series(41, 70) g");
    wait_for("70 rows on node3", 90, || count(&n3) == 70);
    let st = cascade::status::status(&mut n3.client(), "replika", Duration::from_secs(5), 8)
        .expect("status");
    assert_eq!(st.root().map(|r| r.name.as_str()), Some("node2"));
    let r = run(Command::new("londiste").arg(&inis[1]).arg("members"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("node1") && l.contains("True")),
        "{}",
        r.stdout
    );

    // node1 comes back and rejoins as a branch of node2; the five rows
    // that never left it are reported as lost events.
    n2.sql(&format!(
        "alter database {} allow_connections true",
        n1.name
    ));
    n1.sql("select pgq.set_queue_config('replika', 'ticker_paused', 'false')");
    let r = run(n1
        .qadmin()
        .args(["-Q", "replika", "-A", "-c", "resurrect;"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("(5 rows)\nRESURRECT\n"), "{}", r.stdout);
    // Lost is decided by event identity against the new root.
    assert!(
        r.stdout
            .contains("0 reached the cascade (node2 has them, by event id), 5 lost"),
        "{}",
        r.stdout
    );
    for id in 1001..=1005 {
        assert!(
            r.stdout
                .contains(&format!("|I:id|id={id}&v=lost+{id}|public.t")),
            "{id}: {}",
            r.stdout
        );
    }
    assert_eq!(
        n1.sql("select node_type || ':' || provider_node || ':' || worker_paused from pgq_node.get_node_info('replika')"),
        "branch:node2:true"
    );
    assert_eq!(
        n2.sql("select worker_name from pgq_node.get_subscriber_info('replika') where node_name = 'node1'"),
        "londiste_node1"
    );
    for db in [&n2, &n3] {
        assert_eq!(
            db.sql("select dead from pgq_node.get_queue_locations('replika') where node_name = 'node1'"),
            "f"
        );
    }
    // Again: nothing left to do, nothing lost any more.
    let r = run(n1
        .qadmin()
        .args(["-Q", "replika", "-A", "-c", "resurrect;"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("(0 rows)\nRESURRECT\n"), "{}", r.stdout);

    // Its worker runs again and is resumed: node1 gets what node2 took.
    daemons.push(Daemon::start(
        "worker1-again",
        Command::new("londiste").arg(&inis[0]).arg("worker"),
        &dir.path().join("worker1-again.out"),
    ));
    let r = run(n1
        .qadmin()
        .args(["-Q", "replika", "-c", "resume node node1;"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    n2.sql("insert into t select g, 'later ' || g from generate_series(71, 80) g");
    wait_for("rows 41-80 on node1", 90, || {
        n1.sql("select count(*) from t where id between 41 and 80") == "40"
    });
    wait_for("80 rows on node3", 90, || count(&n3) == 80);
    let r = run(Command::new("londiste").arg(&inis[2]).arg("status"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("node2 (root)"), "{}", r.stdout);
    assert!(r.stdout.contains("node1 (branch)"), "{}", r.stdout);
}

#[test]
fn a_leaf_ahead_of_the_new_root_goes_back_to_what_it_has() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    // node3, a leaf, reads from node1 like node2.
    let (mut daemons, _inis) = cascade_with_workers(&n1, &n2, &n3, &n1, dir.path(), false);
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_synced(db, name, &n1);
    }
    let qadmin = |db: &TestDb, cmd: &str| run(db.qadmin().args(["-Q", "replika", "-c", cmd]));
    // node2 falls behind; node3 takes ten rows node2 never sees.
    let r = qadmin(&n2, "pause node node2;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    n1.sql("insert into t select g, 'only on node3' from generate_series(1, 10) g");
    wait_for("10 rows on node3", 90, || count(&n3) == 10);
    daemons.remove(1);
    kill_database(&n1, &n2);

    let r = qadmin(&n2, "takeover node1 dead;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("node3 goes back to tick"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(
        n3.sql("select provider_node from pgq_node.get_node_info('replika')"),
        "node2"
    );
    // From here node3 follows node2; the ten rows stay node3's alone.
    n2.sql("insert into t select g, 'new root' from generate_series(101, 110) g");
    wait_for("the new root's rows on node3", 90, || count(&n3) == 20);
    assert_eq!(count(&n2), 10);
}

#[test]
fn a_dead_branch_is_replaced_by_its_provider_and_dropped() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    // node3, a leaf, reads from the branch node2.
    let (mut daemons, _inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), false);
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_synced(db, name, &n1);
    }
    let qadmin = |db: &TestDb, cmd: &str| run(db.qadmin().args(["-Q", "replika", "-c", cmd]));
    daemons.remove(2);
    kill_database(&n2, &n1);

    // On node3: its provider is dead, it reads from node2's provider now.
    let r = qadmin(&n3, "takeover node2 dead;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("\"drop node node2;\" once it will not come back"),
        "{}",
        r.stdout
    );
    assert_eq!(
        n3.sql("select provider_node from pgq_node.get_node_info('replika')"),
        "node1"
    );
    for db in [&n1, &n3] {
        assert_eq!(
            db.sql("select dead from pgq_node.get_queue_locations('replika') where node_name = 'node2'"),
            "t"
        );
    }
    n1.sql("insert into t select g, 'x' from generate_series(1, 15) g");
    wait_for("15 rows on node3", 90, || count(&n3) == 15);

    // It will not come back: drop it; node1 keeps no subscription for it.
    let r = qadmin(&n1, "drop node node2;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        n1.sql("select count(*) from pgq_node.get_subscriber_info('replika') where node_name = 'node2'"),
        "0"
    );
    assert_eq!(
        n1.sql("select count(*) from pgq_node.get_queue_locations('replika') where node_name = 'node2'"),
        "0"
    );
}

/// Wait until table t is in sync ('ok') on `db`; ticks on `root` move the
/// copy handshake on (an idle queue ticks only once a minute).
fn wait_synced(db: &TestDb, name: &str, root: &TestDb) {
    wait_for(&format!("t in sync on {name}"), 90, || {
        root.sql("select pgq.force_tick('replika')");
        db.sql("select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")
            == "1"
    });
}

#[test]
fn a_cascade_made_by_londiste_is_shown_and_switched_by_qadmin() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (_daemons, inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), true);
    let qadmin = |db: &TestDb, cmd: &str| run(db.qadmin().args(["-Q", "replika", "-c", cmd]));
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_synced(db, name, &n1);
    }
    let r = qadmin(&n3, "show cascade;");
    assert_eq!(r.code, 0, "{}", r.stderr);
    for l in ["node1 (root)", "node2 (branch)", "node3 (leaf)"] {
        assert!(r.stdout.contains(l), "{l}: {}", r.stdout);
    }

    // Refused: a table of node1 that node2 lacks. Nothing changes.
    for db in [&n1, &n2, &n3] {
        db.sql("create table u (id int primary key)");
    }
    let r = run(Command::new("londiste")
        .arg(&inis[0])
        .args(["add-table", "public.u"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = qadmin(&n2, "takeover node1;");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("WARNING:  [node2] table public.u: missing"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("node2 is not ready to take over node1: 1 table(s)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        n1.sql("select node_type from pgq_node.get_node_info('replika')"),
        "root"
    );
    let r = run(Command::new("londiste")
        .arg(&inis[0])
        .args(["remove-table", "public.u"]));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // node2 behind: its worker paused while node1 takes rows. The
    // takeover resumes it and waits until it has them all.
    let r = qadmin(&n2, "pause node node2;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    n1.sql("insert into t select g, 'behind' from generate_series(1, 30) g");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(count(&n2), 0);
    let r = qadmin(&n2, "takeover node1;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("is paused: resuming it"), "{}", r.stdout);
    assert_eq!(count(&n2), 30, "node2 has every row once it is the root");
    assert_eq!(
        n2.sql("select node_type from pgq_node.get_node_info('replika')"),
        "root"
    );

    // And back, while a producer keeps writing to whichever node is the
    // root (the other refuses writes on a replicated table).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut conns = [n2.client(), n1.client()];
    let flag = std::sync::Arc::clone(&stop);
    let producer = std::thread::spawn(move || {
        let mut written = 0i64;
        let mut id = 100;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            for c in conns.iter_mut() {
                if c.execute("insert into t values ($1, 'during')", &[&id])
                    .is_ok()
                {
                    written += 1;
                    id += 1;
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        written
    });
    std::thread::sleep(Duration::from_millis(500));
    let r = qadmin(&n1, "takeover node2;");
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = producer.join().expect("producer");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(written > 10, "{written}");
    let total = 30 + written;
    for (db, name) in [(&n1, "node1"), (&n2, "node2"), (&n3, "node3")] {
        wait_for(&format!("{total} rows on {name}"), 90, || {
            count(db) == total
        });
    }
    let r = run(Command::new("londiste").arg(&inis[2]).arg("status"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("node1 (root)"), "{}", r.stdout);
    assert!(r.stdout.contains("node2 (branch)"), "{}", r.stdout);
    let r = qadmin(&n3, "show cascade;");
    assert!(r.stdout.contains("node1 (root)"), "{}", r.stdout);
}

#[test]
fn layout_changes_pause_tag_and_drop() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (mut daemons, inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), false);
    n1.sql("insert into t select g, 'x' from generate_series(1, 10) g");
    wait_for("10 rows on node3", 90, || count(&n3) == 10);

    let never = || false;
    let wait = waiting(&never);
    let mut log = Vec::new();
    let mut pool =
        ops::Pool::load(&mut n1.client(), "replika", Duration::from_secs(5)).expect("pool");

    // pause / resume node3's worker: the worker accepts, rows stop and resume.
    ops::pause_node(&mut pool, "node3", true, &wait, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("pause");
    assert_eq!(
        n3.sql("select worker_paused from pgq_node.get_node_info('replika')"),
        "t"
    );
    assert_eq!(
        n3.sql("select paused || ',' || uptodate from pgq_node.get_consumer_state('replika', 'londiste_node3')"),
        "true,true",
        "the worker accepted the pause"
    );
    let r = run(Command::new("londiste").arg(&inis[0]).arg("status"));
    assert!(
        r.stdout.contains("PAUSED"),
        "londiste status shows the pause:\n{}",
        r.stdout
    );
    ops::pause_node(&mut pool, "node3", false, &wait, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("resume");
    assert_eq!(
        n3.sql("select worker_paused from pgq_node.get_node_info('replika')"),
        "f"
    );
    n1.sql("insert into t select g, 'y' from generate_series(11, 20) g");
    wait_for("20 rows on node3", 90, || count(&n3) == 20);

    // change provider: node3 reads from node1 directly.
    ops::change_provider(&mut pool, "node3", "node1", &wait, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("change provider");
    assert_eq!(
        n3.sql("select provider_node from pgq_node.get_node_info('replika')"),
        "node1"
    );
    assert_eq!(
        n1.sql("select string_agg(node_name, ',' order by node_name) from pgq_node.get_subscriber_info('replika')"),
        "node2,node3"
    );
    assert_eq!(
        n2.sql("select count(*) from pgq_node.get_subscriber_info('replika')"),
        "0"
    );
    // Again: nothing to do, says so.
    ops::change_provider(&mut pool, "node3", "node1", &wait, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("again");
    assert!(
        log.iter()
            .any(|m| m.contains("already has node1 as provider")),
        "{log:#?}"
    );
    n1.sql("insert into t select g, 'z' from generate_series(21, 30) g");
    ops::wait_caught_up(&mut pool, "node3", ops::WaitFor::Root, &wait, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("wait root");
    wait_for("30 rows on node3", 90, || count(&n3) == 30);
    let r = run(Command::new("londiste").arg(&inis[0]).arg("status"));
    assert!(
        r.stdout.contains("+--: node3 (leaf)") && r.stdout.contains("+--: node2 (branch)"),
        "{}",
        r.stdout
    );

    // tag dead / alive on the other members.
    ops::tag_node(&mut pool, "node3", true, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("tag dead");
    for db in [&n1, &n2] {
        assert_eq!(db.sql("select dead from pgq_node.get_queue_locations('replika') where node_name = 'node3'"), "t");
    }
    ops::tag_node(&mut pool, "node3", false, &mut |s| {
        log.push(s.message.clone())
    })
    .expect("tag alive");
    assert_eq!(
        n1.sql(
            "select dead from pgq_node.get_queue_locations('replika') where node_name = 'node3'"
        ),
        "f"
    );

    // drop: refused while a node has subscribers, then the leaf goes.
    let mut pool =
        ops::Pool::load(&mut n1.client(), "replika", Duration::from_secs(5)).expect("pool");
    let err = ops::drop_node(&mut pool, "node1", &mut |_| {}).expect_err("root has subscribers");
    assert!(
        err.to_string()
            .contains("still has subscribers (node2, node3)"),
        "{err}"
    );
    daemons.pop(); // stop node3's worker first
    ops::drop_node(&mut pool, "node3", &mut |s| log.push(s.message.clone())).expect("drop leaf");
    for db in [&n1, &n2] {
        assert_eq!(db.sql("select count(*) from pgq_node.get_queue_locations('replika') where node_name = 'node3'"), "0");
    }
    assert_eq!(
        n3.sql("select coalesce(node_type, 'none') from pgq_node.get_node_info('replika')"),
        "none"
    );
    let err = ops::Pool::load(&mut n1.client(), "replika", Duration::from_secs(5))
        .expect("pool")
        .member("nope")
        .map(|_| ())
        .expect_err("not a member");
    assert_eq!(
        err.to_string(),
        "node \"nope\" is not a member of the cascade"
    );
}

#[test]
fn an_interrupted_root_takeover_says_the_old_root_refuses_writes() {
    // node2's worker is down: the switch gets past demotion steps 1 and 2
    // (writing off on node1) and then waits for node2 to catch up, until
    // WAIT_TIMEOUT. The message says that node1 refuses new events and
    // how to finish; the rerun with the worker back finishes it.
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (mut daemons, inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), false);
    n1.sql("insert into t select g, 'before' from generate_series(1, 10) g");
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_synced(db, name, &n1);
        wait_for(&format!("10 rows on {name}"), 90, || count(db) == 10);
    }
    let at = daemons
        .iter()
        .position(|d| d.name == "worker2")
        .expect("worker2");
    drop(daemons.remove(at));
    let takeover = |secs: &str| {
        run(n2.qadmin().args([
            "-Q",
            "replika",
            "-v",
            &format!("WAIT_TIMEOUT={secs}"),
            "-c",
            "takeover node1;",
        ]))
    };
    let r = takeover("3");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("node1 refuses new events on queue replika")
            && r.stderr.contains("run \"takeover node1;\" on node2 again"),
        "{}",
        r.stderr
    );
    let refused = n1
        .cluster
        .psql_in(&n1.name, "insert into t values (100, 'while switching')");
    assert!(refused.is_err(), "node1 refuses writes: {refused:?}");

    daemons.push(Daemon::start(
        "worker2",
        Command::new("londiste").arg(&inis[1]).arg("worker"),
        &dir.path().join("worker2.again.out"),
    ));
    let r = takeover("90");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        n2.sql("select node_type from pgq_node.get_node_info('replika')"),
        "root"
    );
    n2.sql("insert into t values (11, 'after')");
    wait_for("the new root's row on node1", 90, || count(&n1) == 11);
}

#[test]
fn a_switchover_stopped_after_the_promotion_is_finished_by_a_rerun() {
    // The state a takeover leaves when it dies right after "branch node
    // promoted" (made here step by step with pgq_node's own functions):
    // node1 still a root with writing off, node2 promoted. The rerun
    // finishes the switch: one root, node1 a branch of node2, rows flow,
    // none lost or duplicated (it failed with a duplicate key before).
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (_daemons, _inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), false);
    n1.sql("insert into t select g, 'before' from generate_series(1, 20) g");
    for (db, name) in [(&n2, "node2"), (&n3, "node3")] {
        wait_synced(db, name, &n1);
        wait_for(&format!("20 rows on {name}"), 90, || count(db) == 20);
    }
    let qa = |db: &TestDb, cmd: &str| run(db.qadmin().args(["-Q", "replika", "-c", cmd]));
    let r = qa(&n1, "pause node node1;");
    assert_eq!(r.code, 0, "{}", r.stderr);
    n1.sql("select * from pgq_node.demote_root('replika', 1, 'node2')");
    let last: i64 = n1
        .sql("select last_tick from pgq_node.demote_root('replika', 2, 'node2')")
        .parse()
        .expect("last tick");
    wait_for("node2 caught up", 90, || {
        n2.sql("select coalesce(worker_last_tick, 0) from pgq_node.get_node_info('replika')")
            .parse::<i64>()
            .unwrap_or(0)
            >= last
    });
    let r = qa(&n2, "pause node node2;");
    assert_eq!(r.code, 0, "{}", r.stderr);
    n2.sql("select * from pgq_node.promote_branch('replika')");

    let r = qa(&n2, "takeover node1;");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("node2 is the root already"),
        "{}",
        r.stdout
    );
    let roots: Vec<String> = [&n1, &n2, &n3]
        .iter()
        .map(|db| db.sql("select node_type from pgq_node.get_node_info('replika')"))
        .collect();
    assert_eq!(roots, ["branch", "root", "leaf"]);
    assert_eq!(
        n1.sql("select provider_node from pgq_node.get_node_info('replika')"),
        "node2"
    );
    n2.sql("insert into t select g, 'after' from generate_series(21, 30) g");
    for (db, name) in [(&n1, "node1"), (&n3, "node3")] {
        wait_for(&format!("30 rows on {name}"), 90, || count(db) == 30);
    }
    for db in [&n1, &n2, &n3] {
        assert_eq!(
            db.sql("select count(distinct id) || '/' || count(*) from t"),
            "30/30"
        );
    }
}

/// Kill points for the switchover tests: a fast subset, or every step
/// with `QADMIN_LONG=1` (docs/TESTING.md). Killing the backends is slower
/// (the workers reconnect), so its subset is smaller.
fn kill_points(how: Kill) -> Vec<usize> {
    crate::support::kill_points(
        40,
        match how {
            Kill::Qadmin => &[2, 5, 8, 11],
            Kill::NewRootBackends => &[3, 9],
        },
    )
}

/// How a switchover is interrupted after its k-th step.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// qadmin itself, SIGKILL.
    Qadmin,
    /// Every backend of the new root's database (qadmin's connections
    /// there die; qadmin then ends on its own).
    NewRootBackends,
}

#[test]
fn a_switchover_killed_after_any_step_is_finished_by_running_it_again() {
    switchover_killed(Kill::Qadmin);
}

#[test]
fn a_switchover_whose_new_root_backends_die_is_finished_by_running_it_again() {
    switchover_killed(Kill::NewRootBackends);
}

fn switchover_killed(how: Kill) {
    // qadmin is killed (SIGKILL) right after it printed its k-th step;
    // the same command run again must finish the switch: exactly one
    // root, every row on every node, none twice. The root moves back
    // and forth between node1 and node2.
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (_daemons, _inis) = cascade_with_workers(&n1, &n2, &n3, &n2, dir.path(), false);
    let nodes = [(&n1, "node1"), (&n2, "node2")];
    let mut next_id = 1;
    let mut insert = |root: &TestDb, n: i32| {
        root.sql(&format!(
            "insert into t select g, 'row' from generate_series({next_id}, {}) g",
            next_id + n - 1
        ));
        next_id += n;
        next_id - 1
    };
    let all_have = |want: i32| {
        for (db, name) in [(&n1, "node1"), (&n2, "node2"), (&n3, "node3")] {
            wait_for(&format!("{want} rows on {name}"), 120, || {
                count(db) == i64::from(want)
            });
        }
    };
    let mut total = insert(&n1, 20);
    wait_synced(&n2, "node2", &n1);
    wait_synced(&n3, "node3", &n1);
    all_have(total);
    let mut root = 0;
    let mut killed_at = Vec::new();
    for k in kill_points(how) {
        let (old_db, old) = nodes[root];
        let (new_db, _new) = nodes[1 - root];
        let mut cmd = new_db.qadmin();
        cmd.args(["-Q", "replika", "-c", &format!("takeover {old};")]);
        let (steps, _) = crate::support::stop_after_step(cmd, k, |child| match how {
            Kill::Qadmin => {
                let _ = child.kill();
            }
            Kill::NewRootBackends => {
                new_db.sql(crate::support::END_OTHER_BACKENDS);
            }
        });
        if steps < k {
            // The switch has fewer steps than k: every kill point is done
            // (this run finished the switch itself).
            all_have(total);
            break;
        }
        killed_at.push(k);
        // Run it again until it is done; a step the killed run left
        // running on a server may hold the cascade for a moment.
        let mut done = false;
        for _ in 0..20 {
            let r = run(new_db
                .qadmin()
                .args(["-Q", "replika", "-c", &format!("takeover {old};")]));
            if r.code == 0 {
                done = true;
                break;
            }
            assert!(
                r.stderr.contains("another cascade operation"),
                "the rerun after a kill at step {k} failed: {}{}",
                r.stdout,
                r.stderr
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        assert!(done, "the rerun after a kill at step {k} never finished");
        let types: Vec<String> = [&n1, &n2, &n3]
            .iter()
            .map(|db| db.sql("select node_type from pgq_node.get_node_info('replika')"))
            .collect();
        assert_eq!(
            types.iter().filter(|t| *t == "root").count(),
            1,
            "one root after a kill at step {k}: {types:?}"
        );
        assert_eq!(
            new_db.sql("select node_type from pgq_node.get_node_info('replika')"),
            "root"
        );
        let _ = old_db;
        root = 1 - root;
        total = insert(nodes[root].0, 10);
        all_have(total);
        for db in [&n1, &n2, &n3] {
            assert_eq!(
                db.sql("select count(distinct id) = count(*) from t"),
                "t",
                "no row twice after a kill at step {k}"
            );
        }
    }
    eprintln!("{how:?}: killed at steps {killed_at:?}");
    assert!(!killed_at.is_empty(), "no kill point was reached");
}

/// `alter node <n> provider <p>` killed (SIGKILL) right after its k-th
/// printed step is finished by running it again: the node reads from the
/// new provider, no other member keeps it subscribed (a stale
/// subscription holds the queue's events from rotation), and every row
/// arrives once. The leaf moves back and forth between node1 and node2.
/// A fast subset of the steps in CI, every step with `QADMIN_LONG=1`.
#[test]
fn a_change_provider_killed_after_any_step_is_finished_by_running_it_again() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let (_daemons, _inis) = cascade_with_workers(&n1, &n2, &n3, &n1, dir.path(), false);
    let mut total = 0;
    let mut insert = |n: i32| {
        n1.sql(&format!(
            "insert into t select g, 'row' from generate_series({}, {}) g",
            total + 1,
            total + n
        ));
        total += n;
        total
    };
    let rows = insert(10);
    wait_for("10 rows on node3", 120, || count(&n3) == i64::from(rows));
    let subscribers = |db: &TestDb| {
        db.sql("select coalesce(string_agg(node_name, ',' order by node_name), '') from pgq_node.get_subscriber_info('replika')")
    };
    let names = [(&n1, "node1"), (&n2, "node2")];
    let mut at = 0;
    let mut killed_at = Vec::new();
    for k in crate::support::kill_points(12, &[4, 6]) {
        let (target_db, target) = names[1 - at];
        let (other_db, _) = names[at];
        let cmd = format!("alter node node3 provider {target};");
        let mut run_cmd = n3.qadmin();
        run_cmd.args(["-Q", "replika", "-c", &cmd]);
        let (steps, lines) = crate::support::stop_after_step(run_cmd, k, |child| {
            let _ = child.kill();
        });
        if steps < k {
            // Fewer steps than k: this run finished by itself.
            eprintln!("{steps} steps in all:\n{}", lines.join("\n"));
            break;
        }
        eprintln!("killed after: {}", lines.last().map_or("", String::as_str));
        killed_at.push(k);
        let r = run(n3.qadmin().args(["-Q", "replika", "-c", &cmd]));
        assert_eq!(
            r.code, 0,
            "rerun after a kill at step {k}: {}{}",
            r.stdout, r.stderr
        );
        assert_eq!(
            n3.sql("select provider_node || ':' || worker_paused from pgq_node.get_node_info('replika')"),
            format!("{target}:false"),
            "node3 after the rerun (kill at step {k})"
        );
        assert!(
            !subscribers(other_db).contains("node3"),
            "node3 still subscribed on its old provider after the rerun (kill at step {k}): {}\n{}",
            subscribers(other_db),
            r.stdout
        );
        assert!(subscribers(target_db).contains("node3"), "kill at step {k}");
        let rows = insert(5);
        wait_for(
            &format!("{rows} rows on node3 (kill at step {k})"),
            120,
            || count(&n3) == i64::from(rows),
        );
        at = 1 - at;
    }
    assert!(!killed_at.is_empty(), "no kill point reached");
    assert_eq!(
        n3.sql("select count(distinct id) || '/' || count(*) from t"),
        format!("{total}/{total}")
    );
}

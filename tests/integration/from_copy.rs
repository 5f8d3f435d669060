//! A new node from a copy, on real clusters: the root `node1` and the
//! branch `node2` in a cluster of their own (`wal_level = replica`), pgqd
//! and a Londiste worker per node, a producer inserting a row every 50 ms
//! on the root throughout. A copy is made while it writes (a `pg_dump -Fc`
//! of the root restored into a fresh cluster whose txids are behind the
//! root's; a `pg_basebackup` of the branch's cluster, promoted), turned
//! into branch `node4` by `cascade::ops::create_from_copy`, and its worker
//! started. Afterwards every node holds every committed row exactly once
//! (md5 over all rows equal), the new node's worker logged no error,
//! `londiste status` shows it, and the original's pgq_node rows and
//! consumers are what they were.
//!
//! The dump case runs by default (CI's fast subset, and the epoch case: a
//! leaf under the new branch proves its queue computes batches in the new
//! cluster's txids); the basebackup case is long (`QADMIN_LONG=1`).

use std::process::Command;
use std::time::Duration;

use qadmin::cascade::{self, ops, CreateNode, NodeType, Provider};

use crate::support::standby::{long_case, Producer, Server};
use crate::support::{cluster, location, run, wait_for, Daemon, TestDb};
use crate::test_db;

const Q: &str = "replika";

fn client(loc: &str) -> qadmin::db::Client {
    let params =
        qadmin::db::ConnParams::resolve(Some(loc), &[], &qadmin::db::Environment::default())
            .expect("conninfo");
    qadmin::db::connect(&params, std::sync::Arc::new(|_, _| {})).expect("connect")
}

/// psql -At on a location; panics on failure.
fn sql(loc: &str, q: &str) -> String {
    let bin = &cluster().expect("cluster").bin;
    let r = run(Command::new(bin.join("psql")).args([
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        loc,
        "-c",
        q,
    ]));
    assert_eq!(r.code, 0, "{q}: {}", r.stderr);
    r.stdout.trim_end().to_string()
}

fn ini(dir: &std::path::Path, node: &str, loc: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{node}.ini"));
    std::fs::write(
        &p,
        format!(
            "[londiste]\njob_name = {}\ndb = {loc}\nqueue_name = {Q}\nlogfile = {d}/{node}.log\npidfile = {d}/{node}.pid\nloop_delay = 0.2\nexception_sleep = 1\n",
            cascade::default_worker_name(node),
            d = dir.display()
        ),
    )
    .expect("ini");
    p
}

fn create(loc: &str, t: NodeType, name: &str, provider: Option<&str>) {
    let spec = CreateNode {
        queue: Q.into(),
        node_type: t,
        name: name.into(),
        location: loc.to_string(),
        provider: provider.map(|p| Provider::Location(p.to_string())),
        worker: cascade::default_worker_name(name),
        merge: None,
    };
    cascade::create_node(&mut client(loc), &spec, Duration::from_secs(5), &mut |_| {})
        .unwrap_or_else(|e| panic!("create {name}: {e}"));
}

const TABLE: &str = "create table t (id int8 primary key, v text)";

/// Root and branch on one cluster of their own, pgqd and both workers.
struct Cascade {
    r: Server,
    /// Where the root's cluster archives its WAL, when asked for.
    archive: Option<std::path::PathBuf>,
    dir: tempfile::TempDir,
    daemons: Vec<Daemon>,
}

impl Cascade {
    fn build() -> Option<Cascade> {
        Cascade::build_with(false)
    }

    /// With `archive`, the cluster archives its WAL (for a PITR).
    fn build_with(archive: bool) -> Option<Cascade> {
        let mut r = Server::primary("rootdb")?;
        let archive = archive.then(|| r.archive());
        r.sql("postgres", "create database b2db");
        r.sql(
            "b2db",
            "create extension pgq; create extension pgq_node; create extension londiste;",
        );
        let dir = tempfile::tempdir().expect("dir");
        let mut c = Cascade {
            r,
            archive,
            dir,
            daemons: Vec::new(),
        };
        let (root, branch) = (c.loc("rootdb"), c.loc("b2db"));
        sql(&root, TABLE);
        sql(&branch, TABLE);
        create(&root, NodeType::Root, "node1", None);
        create(&branch, NodeType::Branch, "node2", Some(&root));
        c.add_table("node1", &root);
        c.add_table("node2", &branch);
        c.pgqd("r", &c.r.base_connstr(), &["rootdb", "b2db"]);
        c.worker("node1", &root);
        c.worker("node2", &branch);
        wait_for("t in sync on node2", 90, || {
            sql(
                &branch,
                "select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'",
            ) == "1"
        });
        Some(c)
    }

    fn loc(&self, db: &str) -> String {
        self.r.location(db)
    }

    fn add_table(&self, node: &str, loc: &str) {
        let r = run(Command::new("londiste")
            .arg(ini(self.dir.path(), node, loc))
            .args(["add-table", "public.t"]));
        assert_eq!(r.code, 0, "add-table on {node}: {}{}", r.stdout, r.stderr);
    }

    fn pgqd(&mut self, name: &str, base: &str, dbs: &[&str]) {
        let d = self.dir.path();
        let p = d.join(format!("pgqd-{name}.ini"));
        std::fs::write(
            &p,
            format!(
                "[pgqd]\nlogfile = {d}/pgqd-{name}.log\npidfile = {d}/pgqd-{name}.pid\nbase_connstr = {base}\ninitial_database = postgres\ndatabase_list = {}\nticker_period = 0.2\n",
                dbs.join(","),
                d = d.display()
            ),
        )
        .expect("pgqd ini");
        self.daemons.push(Daemon::start(
            name,
            Command::new("pgqd").arg(&p),
            &d.join(format!("pgqd-{name}.out")),
        ));
    }

    fn worker(&mut self, node: &str, loc: &str) {
        let p = ini(self.dir.path(), node, loc);
        self.daemons.push(Daemon::start(
            node,
            Command::new("londiste").arg(p).arg("worker"),
            &self.dir.path().join(format!("{node}.out")),
        ));
    }

    /// The worker's log lines that report an error.
    fn errors(&self, node: &str) -> Vec<String> {
        let log = std::fs::read_to_string(self.dir.path().join(format!("{node}.log")))
            .unwrap_or_default();
        log.lines()
            .filter(|l| l.contains("ERROR") || l.contains("Traceback"))
            .map(str::to_string)
            .collect()
    }

    fn status(&self) -> String {
        let r = run(Command::new("londiste")
            .arg(self.dir.path().join("node1.ini"))
            .arg("status"));
        assert_eq!(r.code, 0, "londiste status: {}{}", r.stdout, r.stderr);
        r.stdout
    }
}

/// A node's own pgq_node rows and consumers, without the new nodes'
/// subscriptions (which are the only change a provider sees) and without
/// positions (the workers move them).
fn own_state(loc: &str) -> String {
    sql(
        loc,
        "select concat_ws(' | ',
           (select string_agg(concat_ws('/', queue_name, node_type, node_name, worker_name, combined_queue, node_attrs), ';') from pgq_node.node_info),
           (select string_agg(concat_ws('/', queue_name, consumer_name, provider_node, paused), ';' order by consumer_name) from pgq_node.local_state),
           (select string_agg(concat_ws('/', subscriber_node, worker_name, watermark_name), ';' order by subscriber_node) from pgq_node.subscriber_info where subscriber_node not in ('node4', 'node5', 'node6')),
           (select string_agg(queue_name || '/' || consumer_name, ';' order by 1) from pgq.get_consumer_info() where consumer_name !~ 'node[456]'),
           (select string_agg(table_name || '/' || merge_state, ';') from londiste.get_table_list('replika') where local))",
    )
}

/// Wait until every node has exactly the committed ids, then compare
/// their contents.
fn converge(nodes: &[(&str, String)], ids: &[i64]) {
    let want: String = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    for (name, loc) in nodes {
        wait_for(&format!("all {} rows on {name}", ids.len()), 120, || {
            sql(loc, "select count(*) from t") == ids.len().to_string()
        });
        assert_eq!(
            sql(loc, "select string_agg(id::text, ',' order by id) from t"),
            want,
            "{name} holds exactly the committed rows"
        );
    }
    let md5: Vec<String> = nodes
        .iter()
        .map(|(_, loc)| {
            sql(
                loc,
                "select md5(string_agg(id || ':' || v, ',' order by id)) from t",
            )
        })
        .collect();
    assert!(md5.windows(2).all(|w| w[0] == w[1]), "md5 differs: {md5:?}");
}

fn from_copy(loc: &str, of: Option<&str>) -> (ops::FromCopyDone, Vec<String>) {
    let spec = ops::FromCopy {
        queue: Q.into(),
        node_type: NodeType::Branch,
        name: "node4".into(),
        of: of.map(str::to_string),
        provider: None,
        location: loc.to_string(),
        worker: cascade::default_worker_name("node4"),
    };
    let mut steps = Vec::new();
    let done = ops::create_from_copy(&mut client(loc), &spec, Duration::from_secs(5), &mut |s| {
        steps.push(format!("{}: {}", s.node, s.message))
    })
    .unwrap_or_else(|e| panic!("from copy: {e}\nsteps: {steps:#?}"));
    eprintln!("{}", steps.join("\n"));
    (done, steps)
}

#[test]
fn a_branch_from_a_dump_of_the_root_in_a_cluster_whose_txids_are_behind() {
    let Some(mut c) = Cascade::build() else {
        return;
    };
    let (root, branch) = (c.loc("rootdb"), c.loc("b2db"));
    let producer = Producer::start(&root, 1);
    wait_for("rows on node2", 60, || {
        sql(&branch, "select count(*) from t")
            .parse::<i64>()
            .unwrap_or(0)
            >= 20
    });
    // The root's cluster far ahead of a fresh one.
    sql(
        &root,
        "do $$ begin for i in 1..6000 loop perform txid_current(); commit; end loop; end $$",
    );
    // Rows with the new txids in the dump.
    std::thread::sleep(Duration::from_millis(500));
    let dump = c.dir.path().join("root.dump");
    let bin = &cluster().expect("cluster").bin;
    let r = run(Command::new(bin.join("pg_dump"))
        .args(["-Fc", "-d", &root, "-f"])
        .arg(&dump));
    assert_eq!(r.code, 0, "pg_dump: {}", r.stderr);
    let before = (own_state(&root), own_state(&branch));

    // A fresh cluster: the copy and, later, a leaf under the new branch.
    let s = Server::primary("leafdb").expect("second cluster");
    s.sql("postgres", "create database copydb template template0");
    let copy = s.location("copydb");
    let r = run(Command::new(bin.join("pg_restore"))
        .args(["--no-owner", "-d", &copy])
        .arg(&dump));
    assert_eq!(r.code, 0, "pg_restore: {}{}", r.stdout, r.stderr);
    assert_eq!(
        sql(
            &copy,
            "select node_name from pgq_node.get_node_info('replika')"
        ),
        "node1"
    );
    let behind: i64 = sql(
        &copy,
        "select max(txid_snapshot_xmax(tick_snapshot)) - txid_snapshot_xmax(txid_current_snapshot()) from pgq.tick",
    )
    .parse()
    .expect("txids");
    assert!(behind > 0, "the fresh cluster is behind the root's txids");
    // A ticker on the copy's cluster ticks the restored root queue before
    // the command runs: a tick of its own, with an id the root uses for
    // another point in time. pgq.ticker(q) refuses here, the cluster being
    // behind ("Invalid PgQ state"); pgqd does it on a copy in a cluster
    // that is not behind (benches/from_copy.sh found it): the tick row it
    // would write, written by hand.
    sql(
        &copy,
        "insert into pgq.tick (tick_queue, tick_id, tick_snapshot, tick_event_seq)
         select queue_id, (select max(tick_id) + 1 from pgq.tick), txid_current_snapshot(), 1
           from pgq.queue where queue_name = 'replika'",
    );

    let (done, steps) = from_copy(&copy, Some("node1"));
    assert_eq!(done.source, "node1");
    assert_eq!(done.kind, Some(ops::CopyKind::Logical));
    assert_eq!(done.provider, "node1");
    assert_eq!(done.tables, vec!["public.t".to_string()]);
    assert!(done.txids_behind > 0, "{done:?}");
    assert!(
        steps
            .iter()
            .any(|s| s.contains("txid epoch") && s.contains("behind")),
        "{steps:#?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.contains("were made here after the copy was taken")),
        "{steps:#?}"
    );
    assert_eq!(
        sql(&copy, "select node_name || '/' || node_type || '/' || provider_node || '/' || worker_last_tick from pgq_node.get_node_info('replika')"),
        format!("node4/branch/node1/{}", done.tick)
    );
    assert_eq!(
        sql(&copy, "select table_name || '/' || merge_state from londiste.get_table_list('replika') where local"),
        "public.t/ok"
    );
    // Run again, as the command: it says it is done and changes nothing.
    let home = tempfile::tempdir().expect("home");
    let r = run(s.qadmin("copydb", home.path()).args([
        "-Q",
        "replika",
        "-c",
        &format!("create branch node node4 from copy of node1 location '{copy}';"),
    ]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("[node4] this database is node node4 already")
            && r.stdout.contains("nothing left to do")
            && r.stdout
                .contains(&format!("continues from tick {} of node1", done.tick)),
        "{}",
        r.stdout
    );
    assert_eq!(
        sql(
            &copy,
            "select worker_last_tick from pgq_node.get_node_info('replika')"
        ),
        done.tick.to_string()
    );

    c.pgqd("s", &s.base_connstr(), &["copydb", "leafdb"]);
    c.worker("node4", &copy);
    // A leaf under the new branch: it reads batches of node4's own queue,
    // which must be computed in this cluster's txids.
    let leaf = s.location("leafdb");
    sql(&leaf, TABLE);
    create(&leaf, NodeType::Leaf, "node5", Some(&copy));
    c.add_table("node5", &leaf);
    c.worker("node5", &leaf);

    std::thread::sleep(Duration::from_secs(3));
    let ids = producer.finish();
    converge(
        &[
            ("node1", root.clone()),
            ("node2", branch.clone()),
            ("node4", copy.clone()),
            ("node5", leaf.clone()),
        ],
        &ids,
    );
    assert_eq!(c.errors("node4"), Vec::<String>::new(), "node4's worker");
    assert_eq!(c.errors("node5"), Vec::<String>::new(), "node5's worker");

    // A copy of the leaf (a dump into another database) becomes leaf
    // node6, under node5's provider node4.
    wait_for("t in sync on node5", 90, || {
        sql(
            &leaf,
            "select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'",
        ) == "1"
    });
    s.sql("postgres", "create database leaf2db template template0");
    let leaf2 = s.location("leaf2db");
    let dump = c.dir.path().join("leaf.dump");
    let r = run(Command::new(bin.join("pg_dump"))
        .args(["-Fc", "-d", &leaf, "-f"])
        .arg(&dump));
    assert_eq!(r.code, 0, "pg_dump: {}", r.stderr);
    let r = run(Command::new(bin.join("pg_restore"))
        .args(["--no-owner", "-d", &leaf2])
        .arg(&dump));
    assert_eq!(r.code, 0, "pg_restore: {}{}", r.stdout, r.stderr);
    let before_leaf = own_state(&leaf);
    let r = run(s.qadmin("leaf2db", home.path()).args([
        "-Q",
        "replika",
        "-c",
        &format!("create leaf node node6 from copy location '{leaf2}';"),
    ]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("a logical copy") && r.stdout.contains("of node node5 (leaf)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        sql(&leaf2, "select node_name || '/' || node_type || '/' || provider_node from pgq_node.get_node_info('replika')"),
        "node6/leaf/node4"
    );
    c.worker("node6", &leaf2);
    sql(
        &root,
        "insert into t select g, 'after' || g from generate_series(-20, -1) g",
    );
    let mut ids = ids;
    ids.extend(-20..=-1);
    ids.sort();
    converge(
        &[
            ("node1", root.clone()),
            ("node4", copy.clone()),
            ("node5", leaf.clone()),
            ("node6", leaf2.clone()),
        ],
        &ids,
    );
    assert_eq!(c.errors("node6"), Vec::<String>::new(), "node6's worker");
    assert_eq!(own_state(&leaf), before_leaf, "node5 untouched");
    let status = c.status();
    assert!(
        status.contains("node4") && status.contains("node5") && status.contains("node6"),
        "{status}"
    );
    assert_eq!(
        (own_state(&root), own_state(&branch)),
        before,
        "the originals are untouched"
    );
    drop(c);
    drop(s);
}

#[test]
fn a_branch_from_a_basebackup_of_a_branch() {
    if !long_case("a_branch_from_a_basebackup_of_a_branch") {
        return;
    }
    let Some(mut c) = Cascade::build() else {
        return;
    };
    let (root, branch) = (c.loc("rootdb"), c.loc("b2db"));
    let producer = Producer::start(&root, 1);
    wait_for("rows on node2", 60, || {
        sql(&branch, "select count(*) from t")
            .parse::<i64>()
            .unwrap_or(0)
            >= 20
    });
    let before = (own_state(&root), own_state(&branch));
    // A base backup of the branch's cluster, promoted while the producer
    // writes: a new cluster of its own.
    let s = c.r.standby();
    std::thread::sleep(Duration::from_secs(1));
    s.promote();
    let copy = s.location("b2db");
    assert_eq!(
        sql(
            &copy,
            "select node_name from pgq_node.get_node_info('replika')"
        ),
        "node2"
    );
    let (done, _) = from_copy(&copy, Some("node2"));
    assert_eq!(done.source, "node2");
    assert_eq!(done.kind, Some(ops::CopyKind::Physical));
    assert_eq!(done.provider, "node2");
    assert_eq!(done.txids_behind, 0);
    c.pgqd("s", &s.base_connstr(), &["b2db"]);
    c.worker("node4", &copy);
    std::thread::sleep(Duration::from_secs(3));
    let ids = producer.finish();
    converge(
        &[
            ("node1", root.clone()),
            ("node2", branch.clone()),
            ("node4", copy.clone()),
        ],
        &ids,
    );
    assert_eq!(c.errors("node4"), Vec::<String>::new(), "node4's worker");
    assert!(c.status().contains("node4"));
    assert_eq!(
        (own_state(&root), own_state(&branch)),
        before,
        "the originals are untouched"
    );
    drop(c);
    drop(s);
}

#[test]
fn a_branch_from_a_point_in_time_restore_of_the_root() {
    if !long_case("a_branch_from_a_point_in_time_restore_of_the_root") {
        return;
    }
    let Some(mut c) = Cascade::build_with(true) else {
        return;
    };
    let (root, branch) = (c.loc("rootdb"), c.loc("b2db"));
    let producer = Producer::start(&root, 1);
    wait_for("rows on node2", 60, || {
        sql(&branch, "select count(*) from t")
            .parse::<i64>()
            .unwrap_or(0)
            >= 10
    });
    let before = (own_state(&root), own_state(&branch));
    let backup = c.r.base_backup();
    std::thread::sleep(Duration::from_secs(2));
    let target = sql(&root, "select now()::text");
    std::thread::sleep(Duration::from_secs(2));
    // The WAL holding the target archived.
    let seg = sql(&root, "select pg_walfile_name(pg_current_wal_lsn())");
    sql(&root, "select pg_switch_wal()");
    wait_for("the WAL to be archived", 60, || {
        sql(
            &root,
            "select coalesce(last_archived_wal, '') from pg_stat_archiver",
        ) >= seg
    });
    let archive = c.archive.clone().expect("archive");
    let s = c.r.restore(backup, &archive, &target);
    let copy = s.location("rootdb");
    assert_eq!(
        sql(
            &copy,
            "select node_name from pgq_node.get_node_info('replika')"
        ),
        "node1"
    );
    let restored: i64 = sql(&copy, "select count(*) from t").parse().expect("count");
    assert!(restored > 0, "the restore holds rows");
    let (done, _) = from_copy(&copy, Some("node1"));
    assert_eq!(done.source, "node1");
    assert_eq!(done.kind, Some(ops::CopyKind::Physical));
    assert_eq!(done.provider, "node1");
    c.pgqd("s", &s.base_connstr(), &["rootdb"]);
    c.worker("node4", &copy);
    std::thread::sleep(Duration::from_secs(3));
    let ids = producer.finish();
    assert!(
        (restored as usize) < ids.len(),
        "rows were written after the restore target"
    );
    converge(
        &[
            ("node1", root.clone()),
            ("node2", branch.clone()),
            ("node4", copy.clone()),
        ],
        &ids,
    );
    assert_eq!(c.errors("node4"), Vec::<String>::new(), "node4's worker");
    assert!(c.status().contains("node4"));
    assert_eq!(
        (own_state(&root), own_state(&branch)),
        before,
        "the originals are untouched"
    );
    drop(c);
    drop(s);
}

/// `pg_dump` of `from` restored into a fresh database of the shared
/// cluster (a logical copy).
fn dump_into(from: &TestDb, copy: &TestDb) {
    for q in [
        format!("drop database {} with (force)", copy.name),
        format!("create database {} template template0", copy.name),
    ] {
        copy.cluster
            .psql_in("postgres", &q)
            .expect("fresh database");
    }
    let dump = tempfile::NamedTempFile::new().expect("dump file");
    let r = run(Command::new(from.cluster.bin.join("pg_dump"))
        .args(["-Fc", "-d", &location(from), "-f"])
        .arg(dump.path()));
    assert_eq!(r.code, 0, "pg_dump: {}", r.stderr);
    let r = run(Command::new(copy.cluster.bin.join("pg_restore"))
        .args(["--no-owner", "-d", &location(copy)])
        .arg(dump.path()));
    assert_eq!(r.code, 0, "pg_restore: {}", r.stderr);
}

fn refused(db: &TestDb, name: &str, of: Option<&str>, provider: Option<Provider>) -> String {
    let spec = ops::FromCopy {
        queue: Q.into(),
        node_type: NodeType::Leaf,
        name: name.into(),
        of: of.map(str::to_string),
        provider,
        location: location(db),
        worker: cascade::default_worker_name(name),
    };
    match ops::create_from_copy(&mut db.client(), &spec, Duration::from_secs(5), &mut |_| {}) {
        Ok(d) => panic!("not refused: {d:?}"),
        Err(e) => e.to_string(),
    }
}

fn node_rows(db: &TestDb) -> String {
    db.sql("select concat_ws(' | ', (select string_agg(node_name || '/' || node_type, ';') from pgq_node.node_info), (select string_agg(node_name, ';' order by 1) from pgq_node.node_location), (select count(*) from pgq_node.subscriber_info), (select string_agg(consumer_name, ';' order by 1) from pgq.get_consumer_info()))")
}

#[test]
fn what_is_not_a_usable_copy_is_refused_and_nothing_changes() {
    let n1 = test_db!();
    let n2 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    n1.sql(TABLE);
    n2.sql(TABLE);
    create(&location(&n1), NodeType::Root, "n1", None);
    create(&location(&n2), NodeType::Branch, "n2", Some(&location(&n1)));
    for (db, n) in [(&n1, "n1"), (&n2, "n2")] {
        let r = run(Command::new("londiste")
            .arg(ini(dir.path(), n, &location(db)))
            .args(["add-table", "public.t"]));
        assert_eq!(r.code, 0, "add-table: {}{}", r.stdout, r.stderr);
    }
    // Events past the root's last tick: no ticker runs.
    n1.sql("insert into t select g, 'x' || g from generate_series(1, 5) g");
    let before = (node_rows(&n1), node_rows(&n2));

    let e = refused(&n2, "n9", None, None);
    assert!(e.contains("this database is node \"n2\" itself"), "{e}");
    let r = run(n2
        .qadmin()
        .args(["-Q", "replika", "-c", "create leaf node n9 from copy;"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("this database is node \"n2\" itself, not a copy of it"),
        "{}",
        r.stderr
    );

    let fresh = test_db!();
    let e = refused(&fresh, "n9", None, None);
    assert!(e.contains("holds no node of queue \"replika\""), "{e}");

    // A dump of the branch: its table was never copied there.
    let c2 = test_db!();
    dump_into(&n2, &c2);
    let e = refused(&c2, "n9", Some("n1"), None);
    assert!(e.contains("a copy of node \"n2\", not of \"n1\""), "{e}");
    let e = refused(&c2, "n9", Some("n2"), None);
    assert!(
        e.contains("table public.t was not in sync on n2") && e.contains("state"),
        "{e}"
    );

    // A dump of the root holding events past its last tick: only the root
    // can be its provider.
    let c1 = test_db!();
    dump_into(&n1, &c1);
    let e = refused(&c1, "n9", None, Some(Provider::Node("n2".into())));
    assert!(
        e.contains("events committed on n1 after its last tick 1")
            && e.contains("its provider must be n1"),
        "{e}"
    );
    // Another cascade operation holds the root (its lock, as `Pool::lock`
    // takes it): refused, nothing changed.
    let mut holder = n1.client();
    holder
        .simple_query("select pg_advisory_lock(hashtext('qadmin cascade replika'))")
        .expect("lock");
    let e = refused(&c1, "n9", None, None);
    assert!(
        e.contains(
            "another cascade operation on queue \"replika\" is running (it holds node \"n1\")"
        ),
        "{e}"
    );
    drop(holder);
    // The name of a member.
    let e = refused(&c1, "n2", None, None);
    assert!(e.contains("node \"n2\" already exists"), "{e}");

    assert_eq!((node_rows(&n1), node_rows(&n2)), before, "nothing changed");
    for c in [&c1, &c2] {
        assert!(
            node_rows(c).starts_with("n1/root") || node_rows(c).starts_with("n2/branch"),
            "the copy is unchanged: {}",
            node_rows(c)
        );
    }
}

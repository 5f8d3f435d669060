//! WAL failover on real clusters: the root on a cluster of its own
//! (`wal_level = replica`), a streaming physical standby of it made after
//! the cascade was built (`pg_basebackup -R -X stream`, another port), a
//! branch and a leaf in the shared test cluster, pgqd per cluster and a
//! Londiste worker per node, a producer inserting a row every 50 ms on the
//! root through the failure. The root is killed (`pg_ctl stop -m
//! immediate`), the standby promoted (`pg_ctl promote`), and `takeover
//! root dead;` run on it. Afterwards every live node holds the same rows
//! (md5 over all of them), the only committed rows missing are the ones
//! that reached the dead root alone, there is one root, and `londiste
//! status` agrees.
//!
//! The WAL-behind case runs by default (CI's fast subset); the others are
//! long and run with `QADMIN_LONG=1` (docs/TESTING.md).

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use qadmin::cascade::{self, CreateNode, NodeType, Provider};

use crate::support::standby::{long_case, Producer, Server};
use crate::support::{location, run, wait_for, Daemon, Run, TestDb};

const DB: &str = "rootdb";

fn client(loc: &str) -> qadmin::db::Client {
    let params =
        qadmin::db::ConnParams::resolve(Some(loc), &[], &qadmin::db::Environment::default())
            .expect("conninfo");
    qadmin::db::connect(&params, std::sync::Arc::new(|_, _| {})).expect("connect")
}

fn ini(dir: &std::path::Path, node: &str, file: &str, db: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{file}.ini"));
    std::fs::write(
        &p,
        format!(
            "[londiste]\njob_name = {}\ndb = {db}\nqueue_name = replika\nlogfile = {d}/{file}.log\npidfile = {d}/{file}.pid\nloop_delay = 0.2\nexception_sleep = 1\n",
            cascade::default_worker_name(node),
            d = dir.display()
        ),
    )
    .expect("ini");
    p
}

fn pgqd_ini(dir: &std::path::Path, name: &str, base: &str, dbs: &[&str]) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.ini"));
    std::fs::write(
        &p,
        format!(
            "[pgqd]\nlogfile = {d}/{name}.log\npidfile = {d}/{name}.pid\nbase_connstr = {base}\ninitial_database = postgres\ndatabase_list = {}\nticker_period = 0.2\n",
            dbs.join(","),
            d = dir.display()
        ),
    )
    .expect("pgqd ini");
    p
}

/// The cascade: root on `a`, branch and leaf (under the branch) in the
/// shared cluster, the standby `b` of `a` streaming.
struct Wal {
    a: Server,
    b: Server,
    branch: TestDb,
    leaf: TestDb,
    /// A second branch under the root, when asked for.
    b2: Option<TestDb>,
    dir: tempfile::TempDir,
    daemons: Vec<Daemon>,
    inis: Vec<std::path::PathBuf>,
}

impl Wal {
    fn build() -> Option<Wal> {
        Wal::build_with(false)
    }

    /// With `second`, a second branch `b2` under the root.
    fn build_with(second: bool) -> Option<Wal> {
        let a = Server::primary(DB)?;
        let branch = TestDb::new()?;
        let leaf = TestDb::new()?;
        let b2 = if second { Some(TestDb::new()?) } else { None };
        let dir = tempfile::tempdir().expect("dir");
        // t carries the producer's rows; t2 and the sequence s1 are there
        // for the other event types (TRUNCATE, EXECUTE, sequence updates).
        let table = "create table t (id int8 primary key, v text); create table t2 (id int8 primary key); create sequence s1";
        a.sql(DB, table);
        branch.sql(table);
        leaf.sql(table);
        if let Some(b2) = &b2 {
            b2.sql(table);
        }
        let root_loc = a.location(DB);
        let mk = |loc: &str, t: NodeType, name: &str, provider: Option<Provider>| {
            let spec = CreateNode {
                queue: "replika".into(),
                node_type: t,
                name: name.into(),
                location: loc.to_string(),
                provider,
                worker: cascade::default_worker_name(name),
                merge: None,
            };
            cascade::create_node(&mut client(loc), &spec, Duration::from_secs(5), &mut |_| {})
                .unwrap_or_else(|e| panic!("create {name}: {e}"));
        };
        mk(&root_loc, NodeType::Root, "root", None);
        mk(
            &location(&branch),
            NodeType::Branch,
            "branch",
            Some(Provider::Location(root_loc.clone())),
        );
        mk(
            &location(&leaf),
            NodeType::Leaf,
            "leaf",
            Some(Provider::Location(location(&branch))),
        );
        let mut inis = vec![
            ini(dir.path(), "root", "root", &root_loc),
            ini(dir.path(), "branch", "branch", &location(&branch)),
            ini(dir.path(), "leaf", "leaf", &location(&leaf)),
        ];
        let mut names = vec!["root", "branch", "leaf"];
        let mut shared_dbs = vec![branch.name.as_str(), leaf.name.as_str()];
        if let Some(b2) = &b2 {
            mk(
                &location(b2),
                NodeType::Branch,
                "b2",
                Some(Provider::Location(root_loc.clone())),
            );
            inis.push(ini(dir.path(), "b2", "b2", &location(b2)));
            names.push("b2");
            shared_dbs.push(b2.name.as_str());
        }
        for p in &inis {
            let r =
                run(Command::new("londiste")
                    .arg(p)
                    .args(["add-table", "public.t", "public.t2"]));
            assert_eq!(r.code, 0, "add-table: {}{}", r.stdout, r.stderr);
            let r = run(Command::new("londiste")
                .arg(p)
                .args(["add-seq", "public.s1"]));
            assert_eq!(r.code, 0, "add-seq: {}{}", r.stdout, r.stderr);
        }
        let pa = pgqd_ini(dir.path(), "pgqd-a", &a.base_connstr(), &[DB]);
        let shared = format!(
            "host={} port={} user={}",
            branch.cluster.dir.display(),
            branch.cluster.port,
            branch.cluster.su
        );
        let ps = pgqd_ini(dir.path(), "pgqd-shared", &shared, &shared_dbs);
        let mut daemons = vec![
            Daemon::start(
                "pgqd-a",
                Command::new("pgqd").arg(&pa),
                &dir.path().join("pgqd-a.out"),
            ),
            Daemon::start(
                "pgqd-shared",
                Command::new("pgqd").arg(&ps),
                &dir.path().join("pgqd-shared.out"),
            ),
        ];
        for (p, n) in inis.iter().zip(names) {
            daemons.push(Daemon::start(
                &format!("worker-{n}"),
                Command::new("londiste").arg(p).arg("worker"),
                &dir.path().join(format!("worker-{n}.out")),
            ));
        }
        a.sql(
            DB,
            "insert into t select g, 'before ' || g from generate_series(1, 20) g",
        );
        let mut synced = vec![(&branch, "branch"), (&leaf, "leaf")];
        if let Some(b2) = &b2 {
            synced.push((b2, "b2"));
        }
        for (db, name) in synced {
            wait_for(&format!("t in sync on {name}"), 120, || {
                a.sql(DB, "select pgq.force_tick('replika')");
                db.sql("select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")
                    == "2"
                    && db.sql("select count(*) from t") == "20"
            });
        }
        let b = a.standby();
        b.wait_replayed(&a);
        Some(Wal {
            a,
            b,
            branch,
            leaf,
            b2,
            dir,
            daemons,
            inis,
        })
    }

    fn stop(&mut self, name: &str) {
        self.daemons.retain(|d| d.name != name);
    }

    fn tick(&self, db: &TestDb) -> i64 {
        db.sql("select coalesce(worker_last_tick, 0) from pgq_node.get_node_info('replika')")
            .parse()
            .expect("tick")
    }

    fn queue_tick(s: &Server) -> i64 {
        s.sql(DB, "select last_tick_id from pgq.get_queue_info('replika')")
            .parse()
            .expect("tick")
    }

    /// `takeover root dead;` run on the promoted standby.
    fn takeover_on_standby(&self) -> Run {
        run(self
            .b
            .qadmin(DB, self.dir.path())
            .args(["-Q", "replika", "-c", "takeover root dead;"]))
    }

    /// The new root's ticker and worker.
    fn start_new_root(&mut self) {
        let p = pgqd_ini(self.dir.path(), "pgqd-b", &self.b.base_connstr(), &[DB]);
        self.daemons.push(Daemon::start(
            "pgqd-b",
            Command::new("pgqd").arg(&p),
            &self.dir.path().join("pgqd-b.out"),
        ));
        let w = ini(self.dir.path(), "root", "root-b", &self.b.location(DB));
        self.daemons.push(Daemon::start(
            "worker-root-b",
            Command::new("londiste").arg(&w).arg("worker"),
            &self.dir.path().join("worker-root-b.out"),
        ));
    }

    /// After the takeover: new rows on the new root reach every node,
    /// every node holds the same rows, the committed rows missing are the
    /// lost ones (returned), one root, `londiste status` agrees.
    fn check_after(&self, committed: &[i64]) -> Vec<i64> {
        self.b.sql(
            DB,
            "insert into t select g, 'new root ' || g from generate_series(9001, 9010) g",
        );
        let mut live = vec![(&self.branch, "branch"), (&self.leaf, "leaf")];
        if let Some(b2) = &self.b2 {
            live.push((b2, "b2"));
        }
        for (db, name) in &live {
            wait_for(&format!("the new root's rows on {name}"), 120, || {
                db.sql("select count(*) from t where id > 9000") == "10"
            });
        }
        let md5 = "select md5(coalesce(string_agg(id || ':' || coalesce(v, '~'), ',' order by id), '')) from t";
        let on_b = self.b.sql(DB, md5);
        assert_eq!(self.branch.sql(md5), on_b, "branch and new root differ");
        for (db, name) in &live {
            assert_eq!(db.sql(md5), on_b, "{name} and the new root differ");
        }
        let present: BTreeSet<i64> = self
            .b
            .sql(DB, "select id from t where id between 1000 and 9000")
            .lines()
            .map(|l| l.parse().expect("id"))
            .collect();
        let committed: BTreeSet<i64> = committed.iter().copied().collect();
        assert!(
            present.is_subset(&committed),
            "rows nobody committed: {:?}",
            present.difference(&committed).collect::<Vec<_>>()
        );
        let lost: Vec<i64> = committed.difference(&present).copied().collect();
        // What is lost is the dead root's tail: every lost row came after
        // every row that survived.
        if let (Some(first_lost), Some(last_kept)) = (lost.first(), present.last()) {
            assert!(
                first_lost > last_kept,
                "a row in the middle was lost: lost {lost:?}, kept up to {last_kept}"
            );
        }
        // One root, no worker in error, as both status tools see it.
        let st = cascade::status::status(
            &mut client(&location(&self.leaf)),
            "replika",
            Duration::from_secs(5),
            8,
        )
        .expect("status");
        let roots: Vec<&str> = st
            .nodes
            .iter()
            .filter(|n| n.node_type() == Some("root"))
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(roots, vec!["root"], "{st:?}");
        for n in &st.nodes {
            assert!(n.consumer_errors.is_empty(), "{}: {:?}", n.name, n);
            assert_eq!(n.tables, Some((2, 0, 0)), "{}: {n:?}", n.name);
        }
        let r = run(Command::new("londiste").arg(&self.inis[2]).arg("status"));
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("root (root)"), "{}", r.stdout);
        assert!(!r.stdout.contains("ERR"), "{}", r.stdout);
        for (db, _) in &live {
            assert_eq!(
                db.sql("select node_location || ':' || dead from pgq_node.get_queue_locations('replika') where node_name = 'root'"),
                format!("{}:false", self.b.location(DB))
            );
        }
        lost
    }
}

impl Drop for Wal {
    /// On failure: the tail of every daemon's log.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let Ok(rd) = std::fs::read_dir(self.dir.path()) else {
            return;
        };
        let mut files: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            if f.extension().is_some_and(|e| e == "log" || e == "out") {
                let text = std::fs::read_to_string(&f).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                let tail = lines[lines.len().saturating_sub(25)..].join("\n");
                eprintln!("===== {} =====\n{tail}", f.display());
            }
        }
    }
}

impl Wal {
    /// The dead root started again on its own (nothing reaches it): the
    /// rows it committed that the new root lacks are the lost ones the
    /// producer counted (give or take the one whose COMMIT answer the kill
    /// swallowed), and their events lie where the report said: after the
    /// highest ev_id it named, or in the gaps it listed.
    fn the_dead_root_says_the_report_was_right(&mut self, report: &str, lost: &[i64]) {
        self.a.restart();
        let on_b: BTreeSet<i64> = self
            .b
            .sql(DB, "select id from t where id between 1000 and 9000")
            .lines()
            .map(|l| l.parse().expect("id"))
            .collect();
        let on_a: BTreeSet<i64> = self
            .a
            .sql(DB, "select id from t where id between 1000 and 9000")
            .lines()
            .map(|l| l.parse().expect("id"))
            .collect();
        assert!(
            on_b.is_subset(&on_a),
            "the new root has rows the dead root never had"
        );
        let missing: Vec<i64> = on_a.difference(&on_b).copied().collect();
        for id in lost {
            assert!(
                missing.contains(id),
                "lost row {id} is not on the dead root"
            );
        }
        assert!(
            missing.len() <= lost.len() + 1,
            "missing {missing:?}, counted {lost:?}"
        );
        let line = report
            .lines()
            .find(|l| l.contains("lost (events that reached root only)"))
            .unwrap_or_else(|| panic!("no loss report: {report}"));
        assert!(
            line.contains("not knowable without root") && line.contains("\"resurrect;\""),
            "{line}"
        );
        let highest: i64 = line
            .split("after ev_id ")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no highest ev_id in the report: {line}"));
        let gaps: Vec<(i64, i64)> = line
            .split_once("rolled-back transaction took: ")
            .map(|(_, p)| {
                p.split(';')
                    .next()
                    .unwrap_or("")
                    .split(", ")
                    .filter_map(|r| {
                        let (a, b) = r.split_once('-').unwrap_or((r, r));
                        Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let gap_ids: i64 = gaps.iter().map(|(a, b)| b - a + 1).sum();
        if gaps.is_empty() {
            assert!(line.contains("known: 0 events"), "{line}");
        } else {
            assert!(
                line.contains(&format!("known: at most {gap_ids} events")),
                "{line}"
            );
        }
        let table = self.a.sql(
            DB,
            "select queue_data_pfx from pgq.queue where queue_name = 'replika'",
        );
        for id in &missing {
            let ev: i64 = self
                .a
                .sql(
                    DB,
                    &format!("select ev_id from {table} where ev_extra1 = 'public.t' and ev_data like 'id={id}&%'"),
                )
                .parse()
                .unwrap_or_else(|e| panic!("event of row {id} on the dead root: {e}"));
            assert!(
                ev > highest || gaps.iter().any(|(a, b)| (*a..=*b).contains(&ev)),
                "row {id} (ev_id {ev}) was lost but the report places no loss there: {report}"
            );
        }
        // The old root answering again: resurrect there counts exactly,
        // and changes nothing.
        let r = run(self.a.qadmin(DB, self.dir.path()).args([
            "-Q",
            "replika",
            "-A",
            "-t",
            "-c",
            "resurrect;",
        ]));
        assert_eq!(r.code, 0, "{}", show(&r));
        assert!(
            r.stdout.contains("this database is root's old primary"),
            "{}",
            show(&r)
        );
        let events: Vec<&str> = r.stdout.lines().filter(|l| l.contains("|")).collect();
        let row_events = events
            .iter()
            .filter(|l| l.contains("|I:id|") && l.ends_with("|public.t"))
            .count();
        assert_eq!(
            row_events,
            missing.len(),
            "resurrect's lost row events against the rows root has and the new root lacks: {}",
            show(&r)
        );
        let counted: usize = r
            .stderr
            .split("lost: ")
            .nth(1)
            .and_then(|t| t.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count: {}", show(&r)));
        assert_eq!(counted, events.len(), "{}", show(&r));
        // Every lost event past the takeover's bound or in its gaps: the
        // part the takeover could know is exactly the gap part.
        let in_gaps = events
            .iter()
            .filter_map(|l| l.split('|').next()?.parse::<i64>().ok())
            .filter(|id| gaps.iter().any(|(a, b)| (*a..=*b).contains(id)))
            .count() as i64;
        assert!(
            in_gaps <= gap_ids,
            "{in_gaps} lost in the gaps, {gap_ids} ids there"
        );
        assert_eq!(
            self.a.sql(
                DB,
                "select node_type from pgq_node.get_node_info('replika')"
            ),
            "root",
            "resurrect changed the old primary"
        );
        eprintln!(
            "{} rows lost (counted by the producer: {}, by resurrect: {counted} events), all past ev_id {highest} or in {gaps:?}",
            missing.len(),
            lost.len()
        );
    }
}

fn ids(text: &str) -> BTreeSet<i64> {
    text.lines().map(|l| l.parse().expect("id")).collect()
}

fn show(r: &Run) -> String {
    format!("exit {}\n{}\n{}", r.code, r.stdout, r.stderr)
}

#[test]
fn wal_behind_the_standby_rebuilds_the_branch_ticks_and_loses_only_the_dead_roots_tail() {
    let Some(mut w) = Wal::build() else { return };
    let prod = Producer::start(&w.a.location(DB), 1000);
    std::thread::sleep(Duration::from_millis(800));
    // The standby stops receiving; the cascade goes on.
    w.b.cut_stream();
    let tw = Wal::queue_tick(&w.b);
    wait_for("the branch to get ahead of the standby", 60, || {
        w.tick(&w.branch) > tw + 5
    });
    // The root's tail: its ticker stops, the branch takes its last tick,
    // rows go on being committed on the root alone.
    w.stop("pgqd-a");
    let last = Wal::queue_tick(&w.a);
    wait_for("the branch to take the root's last tick", 60, || {
        w.tick(&w.branch) >= last
    });
    std::thread::sleep(Duration::from_millis(600));
    w.a.kill();
    let committed = prod.finish();
    w.stop("worker-root");
    w.b.promote();
    // Tick-id collision staged: the standby's tick sequence reads behind
    // ids the branch has consumed; a new tick must not reuse one.
    let tick_seq = w.b.sql(
        DB,
        "select queue_tick_seq from pgq.queue where queue_name = 'replika'",
    );
    w.b.sql(DB, &format!("select setval('{tick_seq}', {})", tw - 3));

    // The promoted standby is a copy of root: any other change is refused
    // there, pointing at the takeover.
    let r = run(w
        .b
        .qadmin(DB, w.dir.path())
        .args(["-Q", "replika", "-c", "pause node branch;"]));
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stderr
            .contains("a promoted standby or point-in-time restore of node \"root\"")
            && r.stderr.contains("run \"takeover root dead;\" here"),
        "{}",
        show(&r)
    );

    // Interrupted before anything is rebuilt (the leaf's worker is gone,
    // its pause never acknowledged): the fence is lifted, the branch goes
    // on, nothing else changed; the rerun below finishes it.
    w.stop("worker-leaf");
    let r = run(w.b.qadmin(DB, w.dir.path()).args([
        "-Q",
        "replika",
        "-v",
        "WAIT_TIMEOUT=3",
        "-c",
        "takeover root dead;",
    ]));
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stderr.contains("gave up waiting"), "{}", show(&r));
    assert_eq!(
        w.b.sql(
            DB,
            "select queue_external_ticker from pgq.queue where queue_name = 'replika'"
        ),
        "f"
    );
    assert_eq!(Wal::queue_tick(&w.b), tw);
    assert_eq!(
        w.branch
            .sql("select worker_paused from pgq_node.get_node_info('replika')"),
        "f"
    );
    let leaf_ini = w.inis[2].clone();
    w.daemons.push(Daemon::start(
        "worker-leaf",
        Command::new("londiste").arg(&leaf_ini).arg("worker"),
        &w.dir.path().join("worker-leaf-again.out"),
    ));

    // Interrupted in the middle of the rebuild: a row of a later batch is
    // on the standby already (put there with triggers off), so applying
    // its insert fails. The ticks before it stay rebuilt, the queue
    // fenced; with the row gone again the rerun goes on from there.
    let branch_ids: BTreeSet<i64> = ids(&w
        .branch
        .sql("select id from t where id between 1000 and 9000"));
    let standby_ids: BTreeSet<i64> = ids(&w
        .b
        .sql(DB, "select id from t where id between 1000 and 9000"));
    let only_branch: Vec<i64> = branch_ids.difference(&standby_ids).copied().collect();
    let x = only_branch[only_branch.len() * 2 / 3];
    w.b.sql(
        DB,
        &format!(
            "set session_replication_role = replica; insert into t values ({x}, 'in the way')"
        ),
    );
    let r = w.takeover_on_standby();
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stderr.contains("stopped before tick") && r.stderr.contains("duplicate key"),
        "{}",
        show(&r)
    );
    let midway = Wal::queue_tick(&w.b);
    assert!(
        midway > tw && midway < last,
        "rebuilt up to {midway} of {tw}..{last}"
    );
    assert_eq!(
        w.b.sql(
            DB,
            "select queue_external_ticker from pgq.queue where queue_name = 'replika'"
        ),
        "t"
    );
    w.b.sql(
        DB,
        &format!("set session_replication_role = replica; delete from t where id = {x}"),
    );

    let r = w.takeover_on_standby();
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.contains(&format!("standby root at tick {midway}")),
        "{}",
        show(&r)
    );
    let seq: i64 =
        w.b.sql(DB, &format!("select pgq.seq_getval('{tick_seq}')"))
            .parse()
            .expect("seq");
    assert!(
        seq >= last,
        "tick sequence at {seq}, the branch has seen {last}"
    );
    for step in [
        "fencing queue replika",
        "WAL behind",
        &format!("tick {last} rebuilt"),
        "positioned at tick",
        "unfenced",
    ] {
        assert!(r.stdout.contains(step), "{step}: {}", show(&r));
    }
    // The loss is a warning, said once.
    let said = "lost (events that reached root only): known: ";
    assert_eq!(r.stderr.matches(said).count(), 1, "{}", show(&r));
    assert!(!r.stdout.contains(said), "{}", show(&r));
    assert!(r.stdout.ends_with("TAKEOVER\n"), "{}", show(&r));
    eprintln!("takeover on the standby:\n{}", show(&r));
    // The branch's ticks are the standby's now, with the same ids.
    assert_eq!(
        w.b.sql(DB, &format!("select count(*) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue where q.queue_name = 'replika' and tick_id between {} and {last}", tw + 1)),
        (last - tw).to_string()
    );
    // Nothing in the standby's state says copy any more.
    let r2 = run(w
        .b
        .qadmin(DB, w.dir.path())
        .args(["-Q", "replika", "-c", "show node status;"]));
    assert!(r2.stdout.contains("node \"root\" itself"), "{}", show(&r2));

    w.start_new_root();
    let lost = w.check_after(&committed);
    assert!(
        !lost.is_empty(),
        "rows were committed on the root after its last tick: some must be lost"
    );
    w.the_dead_root_says_the_report_was_right(&r.stderr, &lost);
}

#[test]
fn wal_ahead_the_standby_only_takes_the_roots_place() {
    if !long_case("wal_ahead") {
        return;
    }
    let Some(mut w) = Wal::build() else { return };
    // The branch falls behind (paused); the standby replays everything.
    let r = run(w
        .branch
        .qadmin()
        .args(["-Q", "replika", "-c", "pause node branch;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
    let prod = Producer::start(&w.a.location(DB), 1000);
    std::thread::sleep(Duration::from_secs(2));
    w.b.wait_replayed(&w.a);
    w.a.kill();
    let committed = prod.finish();
    w.stop("worker-root");
    w.b.promote();

    let took = w.takeover_on_standby();
    assert_eq!(took.code, 0, "{}", show(&took));
    assert!(took.stdout.contains("WAL ahead"), "{}", show(&took));
    assert!(!took.stdout.contains("rebuilt:"), "{}", show(&took));
    let r = run(w
        .branch
        .qadmin()
        .args(["-Q", "replika", "-c", "resume node branch;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
    w.start_new_root();
    let lost = w.check_after(&committed);
    w.the_dead_root_says_the_report_was_right(&took.stderr, &lost);
}

#[test]
fn a_branch_takeover_is_refused_while_the_promoted_standby_holds_more() {
    if !long_case("standby_holds_more") {
        return;
    }
    let Some(mut w) = Wal::build() else { return };
    // While the root lives, its standby's location is recorded on every
    // member (an unreachable second one too: skipped with a warning).
    let cmd = format!(
        "alter node root standby location 'host=/nonexistent port=1 dbname=nothing', '{}';",
        w.b.location(DB)
    );
    let r = run(w
        .a
        .qadmin(DB, w.dir.path())
        .args(["-Q", "replika", "-c", &cmd]));
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stdout.ends_with("ALTER\n"), "{}", show(&r));
    for n in ["root", "branch", "leaf"] {
        assert!(
            r.stdout
                .contains(&format!("[{n}] standby location(s) of root recorded here")),
            "{n}: {}",
            show(&r)
        );
    }
    // The root's own location is no standby's.
    let bad = format!("alter node root standby location '{}';", w.a.location(DB));
    let r = run(w
        .a
        .qadmin(DB, w.dir.path())
        .args(["-Q", "replika", "-c", &bad]));
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stderr.contains("is root's own location"), "{}", show(&r));
    assert_eq!(
        cascade::ops::recorded_standbys(&mut client(&location(&w.leaf)), "replika", "root")
            .expect("read")
            .len(),
        2
    );
    // The branch is behind (paused); the standby replays everything.
    let r = run(w
        .branch
        .qadmin()
        .args(["-Q", "replika", "-c", "pause node branch;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
    let prod = Producer::start(&w.a.location(DB), 1000);
    std::thread::sleep(Duration::from_secs(2));
    w.b.wait_replayed(&w.a);
    w.a.kill();
    let committed = prod.finish();
    w.stop("worker-root");
    w.b.promote();

    // Run on the branch: it finds the recorded standby by itself, without
    // STANDBY: refused, nothing changed.
    let r = run(w
        .branch
        .qadmin()
        .args(["-Q", "replika", "-c", "takeover root dead;"]));
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stderr
            .contains("recorded standby of root at host=/nonexistent")
            && r.stdout.contains("(recorded)"),
        "{}",
        show(&r)
    );
    assert!(
        r.stderr.contains("holds more than branch")
            && r.stderr
                .contains("run \"takeover root dead;\" on the standby instead"),
        "{}",
        show(&r)
    );
    // STANDBY overrides the record.
    let standby = format!("STANDBY={}", w.b.location(DB));
    let r =
        run(w
            .branch
            .qadmin()
            .args(["-Q", "replika", "-v", &standby, "-c", "takeover root dead;"]));
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(!r.stdout.contains("(recorded)"), "{}", show(&r));
    assert!(
        r.stderr.contains("holds more than branch")
            && r.stderr
                .contains("run \"takeover root dead;\" on the standby instead"),
        "{}",
        show(&r)
    );
    assert_eq!(
        w.branch
            .sql("select node_type from pgq_node.get_node_info('replika')"),
        "branch"
    );
    assert_eq!(
        w.branch.sql(
            "select dead from pgq_node.get_queue_locations('replika') where node_name = 'root'"
        ),
        "f"
    );

    // Run where it said: nothing lost but what reached the dead root only.
    let r = w.takeover_on_standby();
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stdout.contains("WAL ahead"), "{}", show(&r));
    // The old primary's standby records are gone: the standby is the root.
    assert!(
        r.stdout
            .contains("the old primary's standby record of root dropped"),
        "{}",
        show(&r)
    );
    for db in [&w.branch, &w.leaf] {
        assert!(
            cascade::ops::recorded_standbys(&mut client(&location(db)), "replika", "root")
                .expect("read")
                .is_empty()
        );
    }
    let r = run(w
        .branch
        .qadmin()
        .args(["-Q", "replika", "-c", "resume node branch;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
    w.start_new_root();
    let lost = w.check_after(&committed);
    assert!(
        committed.len() - lost.len() > 20,
        "the standby's rows reached the cascade"
    );
}

/// md5 over a table's rows, every column (`t2` gains one by EXECUTE).
fn md5_of(table: &str) -> String {
    format!("select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) from {table} x")
}

#[test]
fn truncate_execute_and_sequence_events_in_the_missing_batches_are_applied() {
    if !long_case("other_event_types") {
        return;
    }
    let Some(mut w) = Wal::build() else { return };
    w.a.sql(DB, "insert into t2 values (1), (2)");
    wait_for("t2 on the branch", 60, || {
        w.branch.sql("select count(*) from t2") == "2"
    });
    w.b.wait_replayed(&w.a);
    w.b.cut_stream();
    let tw = Wal::queue_tick(&w.b);
    // Only the branch (and the leaf) get these: a londiste execute
    // script adding a column, rows using it, a TRUNCATE, a row after it,
    // and a sequence moved far ahead (the root worker publishes it).
    let script = w.dir.path().join("t2_note.sql");
    std::fs::write(
        &script,
        "--*-- Local-Table: public.t2\nalter table @public.t2@ add column note text;\n",
    )
    .expect("script");
    let r = run(Command::new("londiste")
        .arg(&w.inis[0])
        .arg("execute")
        .arg(&script));
    assert_eq!(r.code, 0, "execute: {}{}", r.stdout, r.stderr);
    w.a.sql(DB, "insert into t2 (id, note) values (3, 'after ddl')");
    w.a.sql(DB, "truncate t2");
    w.a.sql(DB, "insert into t2 (id, note) values (4, 'after truncate')");
    w.a.sql(DB, "select setval('s1', 50000)");
    wait_for("the branch to apply them and get ahead", 60, || {
        w.branch.sql("select count(*) from information_schema.columns where table_name = 't2' and column_name = 'note'") == "1"
            && w.branch.sql("select string_agg(id || ':' || coalesce(note, ''), ',') from t2")
            == "4:after truncate"
            && w.branch.sql("select last_value >= 50000 from s1") == "t"
            && w.tick(&w.branch) > tw + 3
    });
    let branch_seq: i64 = w
        .branch
        .sql("select last_value from s1")
        .parse()
        .expect("seq");
    w.stop("pgqd-a");
    let last = Wal::queue_tick(&w.a);
    wait_for("the branch to take the root's last tick", 60, || {
        w.tick(&w.branch) >= last
    });
    w.a.kill();
    w.stop("worker-root");
    w.b.promote();

    let r = w.takeover_on_standby();
    assert_eq!(r.code, 0, "{}", show(&r));
    for step in ["WAL behind", "1 EXECUTE", "1 TRUNCATE", "sequence update"] {
        assert!(r.stdout.contains(step), "{step}: {}", show(&r));
    }
    eprintln!("takeover on the standby:\n{}", show(&r));
    // The standby has what the branch has: the column, the rows after
    // the truncate, the script recorded, the sequence at the published
    // value.
    assert_eq!(
        w.b.sql(
            DB,
            "select string_agg(id || ':' || coalesce(note, ''), ',') from t2"
        ),
        "4:after truncate"
    );
    assert_eq!(
        w.b.sql(
            DB,
            "select count(*) from londiste.applied_execute where execute_file = 't2_note.sql'"
        ),
        "1"
    );
    let seq: i64 =
        w.b.sql(DB, "select last_value from s1")
            .parse()
            .expect("seq");
    assert!(
        seq >= branch_seq,
        "s1 on the new root at {seq}, the branch's at {branch_seq}"
    );

    w.start_new_root();
    w.b.sql(DB, "insert into t2 (id, note) values (5, 'new root')");
    for (db, name) in [(&w.branch, "branch"), (&w.leaf, "leaf")] {
        wait_for(&format!("the new root's t2 row on {name}"), 120, || {
            db.sql("select count(*) from t2 where id = 5") == "1"
        });
        assert_eq!(
            db.sql(&md5_of("t2")),
            w.b.sql(DB, &md5_of("t2")),
            "t2 on {name}"
        );
    }
    w.check_after(&[]);
    // The published sequence value never goes back on any node.
    for (db, name) in [(&w.branch, "branch"), (&w.leaf, "leaf")] {
        let v: i64 = db.sql("select last_value from s1").parse().expect("seq");
        assert!(v >= branch_seq, "s1 on {name} at {v}");
    }
}

#[test]
fn two_branches_at_different_ticks_and_the_standby_behind_both() {
    if !long_case("two_branches") {
        return;
    }
    let Some(mut w) = Wal::build_with(true) else {
        return;
    };
    let b2 = w.b2.take().expect("b2");
    let prod = Producer::start(&w.a.location(DB), 1000);
    std::thread::sleep(Duration::from_millis(800));
    w.b.cut_stream();
    let tw = Wal::queue_tick(&w.b);
    wait_for("the branches to get ahead of the standby", 60, || {
        w.tick(&w.branch) > tw + 3 && w.tick(&b2) > tw + 3
    });
    // b2 stops between the standby and the branch.
    let r = run(b2.qadmin().args(["-Q", "replika", "-c", "pause node b2;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
    let mid = w.tick(&b2);
    wait_for("the branch to get ahead of b2", 60, || {
        w.tick(&w.branch) > mid + 3
    });
    w.stop("pgqd-a");
    let last = Wal::queue_tick(&w.a);
    wait_for("the branch to take the root's last tick", 60, || {
        w.tick(&w.branch) >= last
    });
    w.a.kill();
    let committed = prod.finish();
    w.stop("worker-root");
    w.b.promote();

    let r = w.takeover_on_standby();
    assert_eq!(r.code, 0, "{}", show(&r));
    for step in [
        format!("[b2] branch at tick {mid} (standby root at tick {tw})"),
        format!("rebuilding ticks {tw}..{last} from branch"),
        format!("subscriber b2 (londiste_b2) positioned at tick {mid}"),
        format!("subscriber branch (londiste_branch) positioned at tick {last}"),
        "worker londiste_b2 was paused before this takeover: resumed".to_string(),
    ] {
        assert!(r.stdout.contains(&step), "{step}: {}", show(&r));
    }
    w.b2 = Some(b2);
    w.start_new_root();
    let lost = w.check_after(&committed);
    w.the_dead_root_says_the_report_was_right(&r.stderr, &lost);
}

//! A dead-root takeover interrupted after each of its steps, and finished
//! by running the same command again.
//!
//! Three nodes made by qadmin (root n1, branches n2 and n3 both under
//! it), pgqd and a Londiste worker per node, a producer writing to the
//! root through its death. Each round: the taking node is held behind
//! (its worker paused) while n3 takes more, the root dies (its database
//! closed to connections, every session ended) while the producer
//! writes, and `takeover <root> dead;` runs on the behind branch. It is
//! stopped right after its k-th printed step, by SIGKILL of qadmin or by
//! terminating every backend of the new root's database, and the same
//! command is run again until it succeeds. Then: exactly one root, the
//! new root's worker running, the gravestone kept, no stale subscription;
//! every committed row on every live node except the tail that reached
//! the dead root only, and those are exactly the events `resurrect`
//! finds on the old root when it comes back (by event identity). After
//! the resurrect the old root is a branch again and every node holds the
//! same rows (md5), and the next round takes over the other way.
//!
//! A fast subset of kill points runs by default (CI); every step with
//! `QADMIN_LONG=1` (docs/TESTING.md).

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use crate::support::standby::Producer;
use crate::support::{location, run, wait_for, Daemon, Run, TestDb};

pub(crate) const MD5: &str =
    "select md5(coalesce(string_agg(id || ':' || coalesce(v, '~'), ',' order by id), '')) from t";

pub(crate) fn q(db: &TestDb, cmd: &str) -> Run {
    run(db.qadmin().args(["-Q", "replika", "-c", cmd]))
}

pub(crate) fn show(r: &Run) -> String {
    format!("exit {}\n{}\n{}", r.code, r.stdout, r.stderr)
}

pub(crate) fn ids(db: &TestDb, from: i64) -> BTreeSet<i64> {
    db.sql(&format!("select id from t where id >= {from}"))
        .lines()
        .map(|l| l.parse().expect("id"))
        .collect()
}

pub(crate) fn tick(db: &TestDb) -> i64 {
    db.sql("select coalesce(worker_last_tick, 0) from pgq_node.get_node_info('replika')")
        .parse()
        .expect("tick")
}

/// The three nodes, pgqd and the workers.
pub(crate) struct Cascade {
    pub n: [TestDb; 3],
    pub dir: tempfile::TempDir,
    daemons: Vec<Daemon>,
    pub inis: Vec<std::path::PathBuf>,
    restarts: usize,
}

pub(crate) const NAMES: [&str; 3] = ["n1", "n2", "n3"];

impl Cascade {
    pub fn build() -> Option<Cascade> {
        let n = [TestDb::new()?, TestDb::new()?, TestDb::new()?];
        let dir = tempfile::tempdir().expect("dir");
        for db in &n {
            db.sql("create table t (id int8 primary key, v text)");
        }
        let r = q(&n[0], "create root node n1;");
        assert_eq!(r.code, 0, "{}", show(&r));
        for (db, name) in [(&n[1], "n2"), (&n[2], "n3")] {
            let r = q(
                db,
                &format!("create branch node {name} provider '{}';", location(&n[0])),
            );
            assert_eq!(r.code, 0, "{}", show(&r));
        }
        // A tick at least every half second when events wait (pgqd's
        // default is 3 s), on whichever node is the root, so that some of
        // the producer's rows reach the branches before the root dies.
        for db in &n {
            db.sql("select pgq.set_queue_config('replika', 'ticker_max_lag', '0.5')");
        }
        let mut inis = Vec::new();
        for (db, name) in n.iter().zip(NAMES) {
            let p = dir.path().join(format!("{name}.ini"));
            std::fs::write(
                &p,
                format!(
                    "[londiste]\njob_name = londiste_{name}\ndb = {}\nqueue_name = replika\nlogfile = {d}/{name}.log\npidfile = {d}/{name}.pid\nloop_delay = 0.2\nexception_sleep = 1\n",
                    location(db),
                    d = dir.path().display()
                ),
            )
            .expect("ini");
            let r = run(Command::new("londiste")
                .arg(&p)
                .args(["add-table", "public.t"]));
            assert_eq!(r.code, 0, "add-table: {}{}", r.stdout, r.stderr);
            inis.push(p);
        }
        let c = n[0].cluster;
        let pgqd = dir.path().join("pgqd.ini");
        std::fs::write(
            &pgqd,
            format!(
                "[pgqd]\nlogfile = {d}/pgqd.log\npidfile = {d}/pgqd.pid\nbase_connstr = host={} port={} user={}\ninitial_database = postgres\ndatabase_list = {},{},{}\nticker_period = 0.2\n",
                c.dir.display(),
                c.port,
                c.su,
                n[0].name,
                n[1].name,
                n[2].name,
                d = dir.path().display()
            ),
        )
        .expect("pgqd ini");
        let mut daemons = vec![Daemon::start(
            "pgqd",
            Command::new("pgqd").arg(&pgqd),
            &dir.path().join("pgqd.out"),
        )];
        for (p, name) in inis.iter().zip(NAMES) {
            daemons.push(Daemon::start(
                &format!("worker-{name}"),
                Command::new("londiste").arg(p).arg("worker"),
                &dir.path().join(format!("worker-{name}.out")),
            ));
        }
        n[0].sql("insert into t select g, 'before ' || g from generate_series(1, 20) g");
        for db in &n[1..] {
            wait_for("t in sync on the branches", 120, || {
                n[0].sql("select pgq.force_tick('replika')");
                db.sql("select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")
                    == "1"
                    && db.sql("select count(*) from t") == "20"
            });
        }
        Some(Cascade {
            n,
            dir,
            daemons,
            inis,
            restarts: 0,
        })
    }

    /// Start node i's worker again (a Londiste worker exits when its node
    /// stops being a root: "Not a root node").
    pub fn restart_worker(&mut self, i: usize) {
        let name = format!("worker-{}", NAMES[i]);
        self.daemons.retain(|d| d.name != name);
        self.restarts += 1;
        let log = self
            .dir
            .path()
            .join(format!("{name}.{}.out", self.restarts));
        self.daemons.push(Daemon::start(
            &name,
            Command::new("londiste").arg(&self.inis[i]).arg("worker"),
            &log,
        ));
    }

    /// Every node holds the same rows as `like`.
    pub fn all_alike(&self, like: usize, what: &str) {
        let want_count = self.n[like].sql("select count(*) from t");
        for (i, db) in self.n.iter().enumerate() {
            wait_for(
                &format!("{} rows on {} ({what})", want_count, NAMES[i]),
                120,
                || db.sql(MD5) == self.n[like].sql(MD5),
            );
        }
    }
}

impl Drop for Cascade {
    /// On failure: the tail of every daemon's log.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let Ok(rd) = std::fs::read_dir(self.dir.path()) else {
            return;
        };
        for f in rd.flatten().map(|e| e.path()) {
            if f.extension().is_some_and(|e| e == "log" || e == "out") {
                let text = std::fs::read_to_string(&f).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                let tail = lines[lines.len().saturating_sub(15)..].join("\n");
                eprintln!("===== {} =====\n{tail}", f.display());
            }
        }
    }
}

/// How a takeover is interrupted after its k-th step.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// qadmin itself, SIGKILL.
    Qadmin,
    /// Every backend of the new root's database.
    NewRootBackends,
}

/// The kill points: a fast subset, or every step with `QADMIN_LONG=1`.
fn kill_points(how: Kill) -> Vec<usize> {
    crate::support::kill_points(
        60,
        match how {
            // Subscribed at the branch it catches up from; gravestone
            // registered; promoted; the last branch subscribed to it.
            Kill::Qadmin => &[9, 19, 20, 30],
            // Moving to that branch; promoted.
            Kill::NewRootBackends => &[10, 20],
        },
    )
}

/// Run `takeover <old> dead;` on `new_db`, stopped after its k-th step
/// line; the number of step lines seen and all the lines.
fn takeover_killed_at(new_db: &TestDb, old: &str, k: usize, how: Kill) -> (usize, Vec<String>) {
    let mut cmd = new_db.qadmin();
    cmd.args(["-Q", "replika", "-c", &format!("takeover {old} dead;")]);
    crate::support::stop_after_step(cmd, k, |child| match how {
        Kill::Qadmin => {
            let _ = child.kill();
        }
        Kill::NewRootBackends => {
            new_db.sql(crate::support::END_OTHER_BACKENDS);
        }
    })
}

/// The ids of the events `resurrect` printed (`...|id=N&v=...|public.t`).
fn resurrected_ids(stdout: &str) -> BTreeSet<i64> {
    stdout
        .lines()
        .filter_map(|l| l.split('|').find(|f| f.starts_with("id=")))
        .filter_map(|f| f[3..].split('&').next()?.parse().ok())
        .collect()
}

#[test]
fn a_dead_root_takeover_killed_after_any_step_is_finished_by_running_it_again() {
    dead_takeover_killed(Kill::Qadmin);
}

#[test]
fn a_dead_root_takeover_whose_new_root_backends_die_is_finished_by_running_it_again() {
    dead_takeover_killed(Kill::NewRootBackends);
}

fn dead_takeover_killed(how: Kill) {
    let Some(mut c) = Cascade::build() else {
        return;
    };
    let mut root = 0;
    let mut next_id: i64 = 1000;
    let mut killed_at = Vec::new();
    let mut lost_total = 0;
    for k in kill_points(how) {
        let n3 = &c.n[2];
        let (old_db, old) = (&c.n[root], NAMES[root]);
        let (new_db, new) = (&c.n[1 - root], NAMES[1 - root]);
        // The taking node falls behind n3.
        let r = q(new_db, &format!("pause node {new};"));
        assert_eq!(r.code, 0, "{}", show(&r));
        old_db.sql(&format!(
            "insert into t select g, 'ahead ' || g from generate_series({next_id}, {}) g",
            next_id + 9
        ));
        next_id += 10;
        wait_for("n3 to take the rows its sibling lacks", 60, || {
            n3.sql(&format!(
                "select count(*) from t where id = {}",
                next_id - 1
            )) == "1"
        });
        assert!(tick(n3) > tick(new_db), "{new} is behind n3");

        // The producer writes through the root's death.
        let first = next_id;
        let prod = Producer::start(&location(old_db), first);
        std::thread::sleep(Duration::from_millis(1500));
        n3.sql(&format!(
            "alter database {} allow_connections false",
            old_db.name
        ));
        n3.sql(&format!(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '{}'",
            old_db.name
        ));
        let committed: BTreeSet<i64> = prod.finish().into_iter().collect();
        assert!(!committed.is_empty(), "the producer wrote");
        let attempted = committed.last().copied().unwrap_or(first) + 1;
        next_id = attempted + 1;

        let (steps, lines) = takeover_killed_at(new_db, old, k, how);
        if steps < k {
            // Fewer steps than k: this run finished the takeover itself.
            eprintln!("{how:?}: {steps} steps in all:\n{}", lines.join("\n"));
        } else {
            killed_at.push(k);
        }
        let mut done = None;
        for _ in 0..20 {
            let r = q(new_db, &format!("takeover {old} dead;"));
            if r.code == 0 {
                done = Some(r);
                break;
            }
            assert!(
                r.stderr.contains("another cascade operation"),
                "the rerun after a kill at step {k} ({:?}) failed: {}",
                lines.last(),
                show(&r)
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        let r = done.unwrap_or_else(|| panic!("the rerun after a kill at step {k} never finished"));
        assert!(r.stdout.ends_with("TAKEOVER\n"), "{}", show(&r));

        // One root among the living, its worker running, the gravestone
        // kept, nobody holding a subscription of the new root.
        assert_eq!(
            new_db.sql(
                "select node_type || ':' || worker_paused from pgq_node.get_node_info('replika')"
            ),
            "root:false",
            "after a kill at step {k}"
        );
        assert_eq!(
            n3.sql(
                "select node_type || ':' || provider_node from pgq_node.get_node_info('replika')"
            ),
            format!("branch:{new}")
        );
        assert_eq!(
            new_db.sql(&format!(
                "select worker_name from pgq_node.get_subscriber_info('replika') where node_name = '{old}'"
            )),
            format!("{old}.gravestone"),
            "after a kill at step {k}"
        );
        assert_eq!(
            n3.sql("select count(*) from pgq_node.get_subscriber_info('replika')"),
            "0",
            "n3 keeps no subscription of {new} after a kill at step {k}"
        );

        // Rows: every committed one on the new root but a tail.
        new_db.sql(&format!(
            "insert into t select g, 'new root ' || g from generate_series({next_id}, {}) g",
            next_id + 4
        ));
        next_id += 5;
        wait_for("n3 to follow the new root", 90, || {
            n3.sql(&format!(
                "select count(*) from t where id = {}",
                next_id - 1
            )) == "1"
        });
        assert_eq!(n3.sql(MD5), new_db.sql(MD5), "n3 and {new} differ");
        let present: BTreeSet<i64> = ids(new_db, first)
            .into_iter()
            .filter(|i| *i <= attempted)
            .collect();
        let stray: Vec<i64> = present
            .difference(&committed)
            .filter(|i| **i != attempted)
            .copied()
            .collect();
        assert!(stray.is_empty(), "rows nobody committed: {stray:?}");
        let lost: BTreeSet<i64> = committed.difference(&present).copied().collect();
        if let (Some(first_lost), Some(last_kept)) = (lost.first(), present.last()) {
            assert!(
                first_lost > last_kept,
                "a row in the middle was lost: {lost:?}, kept up to {last_kept}"
            );
        }

        // The old root comes back: resurrect finds exactly the lost rows.
        n3.sql(&format!(
            "alter database {} allow_connections true",
            old_db.name
        ));
        let r = run(old_db
            .qadmin()
            .args(["-Q", "replika", "-A", "-c", "resurrect;"]));
        assert_eq!(r.code, 0, "{}", show(&r));
        let found = resurrected_ids(&r.stdout);
        let mut want = lost.clone();
        if found.contains(&attempted) && !present.contains(&attempted) {
            want.insert(attempted);
        }
        assert_eq!(found, want, "resurrect's lost events: {}", show(&r));
        lost_total += found.len();
        // Its lost rows leave it (they are the dead root's alone), and
        // it follows the new root.
        if !found.is_empty() {
            let list: Vec<String> = found.iter().map(|i| i.to_string()).collect();
            old_db.sql(&format!(
                "set session_replication_role = replica; delete from t where id in ({})",
                list.join(",")
            ));
        }
        c.restart_worker(root);
        let old_db = &c.n[root];
        let r = q(old_db, &format!("resume node {old};"));
        assert_eq!(r.code, 0, "{}", show(&r));
        let n3 = &c.n[2];
        for (i, db) in c.n.iter().enumerate() {
            wait_for(
                &format!("{} to see every member alive", NAMES[i]),
                60,
                || {
                    db.sql(
                        "select count(*) from pgq_node.get_queue_locations('replika') where dead",
                    ) == "0"
                },
            );
        }
        c.all_alike(1 - root, &format!("after the kill at step {k}"));
        let types: Vec<String> =
            c.n.iter()
                .map(|db| db.sql("select node_type from pgq_node.get_node_info('replika')"))
                .collect();
        assert_eq!(
            types.iter().filter(|t| *t == "root").count(),
            1,
            "{types:?}"
        );
        let st = q(n3, "show cascade;");
        assert!(
            st.stdout.contains(&format!("{new} (root)")) && !st.stdout.contains("Problems:"),
            "{}",
            show(&st)
        );
        if steps < k {
            break;
        }
        root = 1 - root;
    }
    eprintln!("{how:?}: killed at steps {killed_at:?}, {lost_total} rows lost in all (each found by resurrect)");
    assert!(!killed_at.is_empty(), "no kill point was reached");
}

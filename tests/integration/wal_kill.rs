//! The WAL-standby takeover interrupted after each of its steps, and
//! finished by running it again.
//!
//! Each kill point gets clusters of its own: the root on a cluster of its
//! own, a branch in the shared test cluster, pgqd per cluster, a Londiste
//! worker per node, a streaming standby of the root. A producer writes to
//! the root; the standby's stream is cut while the branch goes on (WAL
//! behind), the root's ticker stops, the branch takes the root's last
//! tick, the root is killed and the standby promoted. `takeover root
//! dead;` runs on the standby and is stopped right after its k-th printed
//! step, by SIGKILL of qadmin or by terminating every backend of the
//! standby's database; the same command is run again until it succeeds.
//! Then: one root (the standby, registered at its location everywhere),
//! new rows on it reach the branch, both hold the same rows (md5), the
//! only committed rows missing are the dead root's tail, no worker error.
//!
//! A fast subset of kill points runs by default (CI); every step with
//! `QADMIN_LONG=1` (docs/TESTING.md).

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use qadmin::cascade::{self, CreateNode, NodeType, Provider};

use crate::failover_kill::MD5;
use crate::support::standby::{Producer, Server};
use crate::support::{location, run, wait_for, Daemon, Run, TestDb};

const DB: &str = "rootdb";

fn client(loc: &str) -> qadmin::db::Client {
    let params =
        qadmin::db::ConnParams::resolve(Some(loc), &[], &qadmin::db::Environment::default())
            .expect("conninfo");
    qadmin::db::connect(&params, std::sync::Arc::new(|_, _| {})).expect("connect")
}

fn show(r: &Run) -> String {
    format!("exit {}\n{}\n{}", r.code, r.stdout, r.stderr)
}

fn ini(dir: &std::path::Path, node: &str, file: &str, db: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{file}.ini"));
    std::fs::write(
        &p,
        format!(
            "[londiste]\njob_name = londiste_{node}\ndb = {db}\nqueue_name = replika\nlogfile = {d}/{file}.log\npidfile = {d}/{file}.pid\nloop_delay = 0.2\nexception_sleep = 1\n",
            d = dir.display()
        ),
    )
    .expect("ini");
    p
}

fn pgqd(dir: &std::path::Path, name: &str, base: &str, dbs: &str) -> Daemon {
    let p = dir.join(format!("{name}.ini"));
    std::fs::write(
        &p,
        format!(
            "[pgqd]\nlogfile = {d}/{name}.log\npidfile = {d}/{name}.pid\nbase_connstr = {base}\ninitial_database = postgres\ndatabase_list = {dbs}\nticker_period = 0.2\n",
            d = dir.display()
        ),
    )
    .expect("pgqd ini");
    Daemon::start(
        name,
        Command::new("pgqd").arg(&p),
        &dir.join(format!("{name}.out")),
    )
}

/// How the takeover is interrupted after its k-th step.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// qadmin itself, SIGKILL.
    Qadmin,
    /// Every backend of the standby's database.
    StandbyBackends,
}

fn kill_points(how: Kill) -> Vec<usize> {
    crate::support::kill_points(
        40,
        match how {
            // Measured (the branch paused); in the middle of the rebuild;
            // after the last step (the identity recorded).
            Kill::Qadmin => &[5, 9, 20],
            // The first tick rebuilt.
            Kill::StandbyBackends => &[8],
        },
    )
}

#[test]
fn a_wal_standby_takeover_killed_after_any_step_is_finished_by_running_it_again() {
    for k in kill_points(Kill::Qadmin) {
        if !one_kill_point(k, Kill::Qadmin) {
            break;
        }
    }
}

#[test]
fn a_wal_standby_takeover_whose_backends_die_is_finished_by_running_it_again() {
    for k in kill_points(Kill::StandbyBackends) {
        if !one_kill_point(k, Kill::StandbyBackends) {
            break;
        }
    }
}

/// One failover killed at step k; false when the takeover has fewer
/// steps than k (it finished by itself: no later kill point exists).
fn one_kill_point(k: usize, how: Kill) -> bool {
    let Some(a) = Server::primary(DB) else {
        return false;
    };
    let Some(branch) = TestDb::new() else {
        return false;
    };
    let dir = tempfile::tempdir().expect("dir");
    let table = "create table t (id int8 primary key, v text)";
    a.sql(DB, table);
    branch.sql(table);
    let root_loc = a.location(DB);
    for (loc, t, name, provider) in [
        (root_loc.clone(), NodeType::Root, "root", None),
        (
            location(&branch),
            NodeType::Branch,
            "branch",
            Some(Provider::Location(root_loc.clone())),
        ),
    ] {
        let spec = CreateNode {
            queue: "replika".into(),
            node_type: t,
            name: name.into(),
            location: loc.clone(),
            provider,
            worker: cascade::default_worker_name(name),
            merge: None,
        };
        cascade::create_node(
            &mut client(&loc),
            &spec,
            Duration::from_secs(5),
            &mut |_| {},
        )
        .unwrap_or_else(|e| panic!("create {name}: {e}"));
    }
    a.sql(
        DB,
        "select pgq.set_queue_config('replika', 'ticker_max_lag', '0.5')",
    );
    let inis = [
        ini(dir.path(), "root", "root", &root_loc),
        ini(dir.path(), "branch", "branch", &location(&branch)),
    ];
    for p in &inis {
        let r = run(Command::new("londiste")
            .arg(p)
            .args(["add-table", "public.t"]));
        assert_eq!(r.code, 0, "add-table: {}", show(&r));
    }
    let shared = format!(
        "host={} port={} user={}",
        branch.cluster.dir.display(),
        branch.cluster.port,
        branch.cluster.su
    );
    let mut daemons = vec![
        pgqd(dir.path(), "pgqd-a", &a.base_connstr(), DB),
        pgqd(dir.path(), "pgqd-shared", &shared, &branch.name),
    ];
    for (p, n) in inis.iter().zip(["root", "branch"]) {
        daemons.push(Daemon::start(
            &format!("worker-{n}"),
            Command::new("londiste").arg(p).arg("worker"),
            &dir.path().join(format!("worker-{n}.out")),
        ));
    }
    a.sql(
        DB,
        "insert into t select g, 'before' from generate_series(1, 20) g",
    );
    wait_for("t in sync on the branch", 120, || {
        a.sql(DB, "select pgq.force_tick('replika')");
        branch.sql("select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")
            == "1"
            && branch.sql("select count(*) from t") == "20"
    });
    let b = a.standby();
    b.wait_replayed(&a);
    let tick = |db: &TestDb| -> i64 {
        db.sql("select coalesce(worker_last_tick, 0) from pgq_node.get_node_info('replika')")
            .parse()
            .expect("tick")
    };
    let queue_tick = |s: &Server| -> i64 {
        s.sql(DB, "select last_tick_id from pgq.get_queue_info('replika')")
            .parse()
            .expect("tick")
    };

    // WAL behind, then the root's tail, then its death.
    let prod = Producer::start(&root_loc, 1000);
    std::thread::sleep(Duration::from_millis(800));
    b.cut_stream();
    let tw = queue_tick(&b);
    wait_for("the branch to get ahead of the standby", 60, || {
        tick(&branch) > tw + 3
    });
    daemons.retain(|d| d.name != "pgqd-a");
    let last = queue_tick(&a);
    wait_for("the branch to take the root's last tick", 60, || {
        tick(&branch) >= last
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut a = a;
    a.kill();
    let committed: BTreeSet<i64> = prod.finish().into_iter().collect();
    daemons.retain(|d| d.name != "worker-root");
    b.promote();

    // The takeover, stopped after its k-th step.
    let mut cmd = b.qadmin(DB, dir.path());
    cmd.args(["-Q", "replika", "-c", "takeover root dead;"]);
    let (steps, lines) = crate::support::stop_after_step(cmd, k, |child| match how {
        Kill::Qadmin => {
            let _ = child.kill();
        }
        Kill::StandbyBackends => {
            b.sql(DB, crate::support::END_OTHER_BACKENDS);
        }
    });
    let reached = steps >= k;
    if !reached {
        eprintln!("{how:?}: {steps} steps in all:\n{}", lines.join("\n"));
    }
    let mut done = None;
    for _ in 0..20 {
        let r = run(b
            .qadmin(DB, dir.path())
            .args(["-Q", "replika", "-c", "takeover root dead;"]));
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

    // The new root's ticker and worker; its rows reach the branch.
    daemons.push(pgqd(dir.path(), "pgqd-b", &b.base_connstr(), DB));
    let w = ini(dir.path(), "root", "root-b", &b.location(DB));
    daemons.push(Daemon::start(
        "worker-root-b",
        Command::new("londiste").arg(&w).arg("worker"),
        &dir.path().join("worker-root-b.out"),
    ));
    b.sql(
        DB,
        "insert into t select g, 'new root' from generate_series(9001, 9010) g",
    );
    wait_for(
        &format!("the new root's rows on the branch after a kill at step {k}"),
        120,
        || branch.sql("select count(*) from t where id > 9000") == "10",
    );
    assert_eq!(
        branch.sql(MD5),
        b.sql(DB, MD5),
        "branch and new root differ after a kill at step {k}"
    );
    let present: BTreeSet<i64> = b
        .sql(DB, "select id from t where id between 1000 and 9000")
        .lines()
        .map(|l| l.parse().expect("id"))
        .collect();
    assert!(
        present.is_subset(&committed),
        "rows nobody committed: {:?}",
        present.difference(&committed).collect::<Vec<_>>()
    );
    let lost: Vec<i64> = committed.difference(&present).copied().collect();
    if let (Some(first_lost), Some(last_kept)) = (lost.first(), present.last()) {
        assert!(
            first_lost > last_kept,
            "a row in the middle was lost after a kill at step {k}: {lost:?}"
        );
    }
    assert_eq!(
        b.sql(
            DB,
            "select node_type from pgq_node.get_node_info('replika')"
        ),
        "root"
    );
    assert_eq!(
        branch.sql("select node_type || ':' || provider_node || ':' || worker_paused from pgq_node.get_node_info('replika')"),
        "branch:root:false"
    );
    assert_eq!(
        branch.sql("select node_location || ':' || dead from pgq_node.get_queue_locations('replika') where node_name = 'root'"),
        format!("{}:false", b.location(DB))
    );
    assert_eq!(
        b.sql(
            DB,
            "select queue_external_ticker from pgq.queue where queue_name = 'replika'"
        ),
        "f",
        "unfenced"
    );
    let st = cascade::status::status(&mut branch.client(), "replika", Duration::from_secs(5), 8)
        .expect("status");
    for n in &st.nodes {
        assert!(n.consumer_errors.is_empty(), "{}: {n:?}", n.name);
    }
    let when = if reached {
        format!("killed at step {k} ({:?})", lines.last())
    } else {
        format!("not killed (it has {steps} steps), then run again")
    };
    eprintln!(
        "{how:?}: {when}, finished by the rerun; {} rows committed, {} lost (the dead root's tail)",
        committed.len(),
        lost.len()
    );
    reached
}

//! Londiste at work with qadmin's table API: a root and a branch made by
//! the reference `londiste` CLI, the real pgqd ticker and real Londiste
//! workers; tables and sequences added through `qadmin::londiste` (the
//! branch's table created from the root's structure), and rows written on
//! the root arrive on the branch.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use qadmin::londiste::{self, AddSeqOptions, AddTableOptions};

use crate::support::{clean_env, location, run, Daemon, TestDb};
use crate::test_db;

fn ini(db: &TestDb, dir: &Path, node: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{node}.ini"));
    std::fs::write(
        &p,
        format!(
            "[londiste]\njob_name = {node}_worker\ndb = {}\nqueue_name = replika\nlogfile = {d}/{node}.log\npidfile = {d}/{node}.pid\nloop_delay = 0.2\n",
            location(db),
            d = dir.display()
        ),
    )
    .expect("ini");
    p
}

fn londiste_cli(ini: &Path, args: &[&str]) {
    let mut cmd = Command::new("londiste");
    clean_env(&mut cmd);
    let r = run(cmd.arg(ini).args(args));
    assert_eq!(r.code, 0, "londiste {args:?}: {}{}", r.stdout, r.stderr);
}

fn wait_for(what: &str, limit: Duration, logs: &Path, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let mut text = String::new();
    for entry in std::fs::read_dir(logs).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "log" || e == "out") {
            let body = std::fs::read_to_string(&p).unwrap_or_default();
            let tail: Vec<&str> = body.lines().rev().take(15).collect();
            text.push_str(&format!("== {}\n", p.display()));
            for l in tail.iter().rev() {
                text.push_str(l);
                text.push('\n');
            }
        }
    }
    panic!("timed out after {limit:?} waiting for {what}\n{text}");
}

#[test]
fn rows_reach_a_branch_whose_table_qadmin_created() {
    let n1 = test_db!();
    let n2 = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    n1.sql(
        "create table \"Data\" (id serial primary key, v text not null default 'none', at timestamptz default now());
         comment on table \"Data\" is 'replicated';
         insert into \"Data\" (v) select 'before ' || g from generate_series(1, 10) g",
    );
    let i1 = ini(&n1, dir.path(), "node1");
    let i2 = ini(&n2, dir.path(), "node2");
    londiste_cli(&i1, &["create-root", "node1", &location(&n1)]);
    londiste_cli(
        &i2,
        &[
            "create-branch",
            "node2",
            &location(&n2),
            &format!("--provider={}", location(&n1)),
        ],
    );

    let mut c1 = n1.client();
    londiste::add_tables(&mut c1, "replika", &["Data"], &AddTableOptions::default())
        .expect("root add");
    londiste::add_seqs(
        &mut c1,
        "replika",
        &["Data_id_seq"],
        &AddSeqOptions::default(),
    )
    .expect("root seq");
    let mut c2 = n2.client();
    let create = AddTableOptions {
        create: true,
        ..Default::default()
    };
    londiste::add_tables(&mut c2, "replika", &["public.Data"], &create)
        .expect("branch add with create");
    londiste::add_seqs(
        &mut c2,
        "replika",
        &["public.Data_id_seq"],
        &AddSeqOptions::default(),
    )
    .expect("branch seq");
    assert_eq!(n2.sql("select count(*) from \"Data\""), "0");
    assert_eq!(
        n2.sql("select obj_description('\"Data\"'::regclass, 'pg_class')"),
        "replicated"
    );

    let pgqd_ini = dir.path().join("pgqd.ini");
    std::fs::write(
        &pgqd_ini,
        format!(
            "[pgqd]\nlogfile = {d}/pgqd.log\npidfile = {d}/pgqd.pid\nbase_connstr = host={} port={} user={}\n\
             initial_database = postgres\ndatabase_list = {},{}\nticker_period = 0.2\n",
            n1.cluster.dir.display(),
            n1.cluster.port,
            n1.cluster.su,
            n1.name,
            n2.name,
            d = dir.path().display()
        ),
    )
    .expect("pgqd ini");
    let _pgqd = Daemon::start(
        "pgqd",
        Command::new("pgqd").arg(&pgqd_ini),
        &dir.path().join("pgqd.out"),
    );
    let _w1 = Daemon::start(
        "worker1",
        Command::new("londiste").arg(&i1).arg("worker"),
        &dir.path().join("worker1.out"),
    );
    let _w2 = Daemon::start(
        "worker2",
        Command::new("londiste").arg(&i2).arg("worker"),
        &dir.path().join("worker2.out"),
    );

    n1.sql("insert into \"Data\" (v) select 'after ' || g from generate_series(1, 20) g");
    let limit = Duration::from_secs(60);
    wait_for("the copy to finish on node2", limit, dir.path(), || {
        londiste::sync_status(&mut c2, "replika").is_ok_and(|s| s.is_done())
    });
    wait_for("30 rows on node2", limit, dir.path(), || {
        n2.sql("select count(*) from \"Data\"") == "30"
    });
    n1.sql("update \"Data\" set v = 'changed' where id <= 5; delete from \"Data\" where id > 25");
    wait_for("the update and delete on node2", limit, dir.path(), || {
        n2.sql("select count(*) || '/' || count(*) filter (where v = 'changed') from \"Data\"")
            == "25/5"
    });
    let t = londiste::tables(&mut c2, "replika").expect("tables");
    assert!(
        t.iter().any(|t| t.table_name == "public.Data" && t.is_ok()),
        "{t:?}"
    );
    assert_eq!(
        n1.sql("select string_agg(id || v, ',' order by id) from \"Data\""),
        n2.sql("select string_agg(id || v, ',' order by id) from \"Data\"")
    );
}

//! The shell's own commands through the qadmin binary: queues, consumers,
//! maintenance and cascade commands, checked in PgQ's own tables and
//! against what the Python reference prints.

use std::process::Command;

use crate::support::{location, run, Run, TestDb};
use crate::test_db;

fn q(db: &TestDb, args: &[&str]) -> Run {
    run(db.qadmin().args(args))
}

#[test]
fn queue_commands_change_pgq_and_print_status_words() {
    let db = test_db!();
    let r = q(&db, &["-c", "create queue q1; create queue \"My Queue\";"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "CREATE\nCREATE\n");
    assert_eq!(
        db.sql("select string_agg(queue_name, ',' order by queue_name) from pgq.get_queue_info()"),
        "My Queue,q1"
    );
    let r = q(
        &db,
        &[
            "-c",
            "alter queue q1 set max_count = 42, idle_period = '5 minutes', paused = true;",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "ALTER\n");
    assert_eq!(
        db.sql("select queue_ticker_max_count || ' ' || queue_ticker_idle_period || ' ' || queue_ticker_paused from pgq.get_queue_info('q1')"),
        "42 00:05:00 true"
    );
    let r = q(&db, &["-A", "-t", "-c", "show queue q1;"]);
    // queue | consumers | pending | tick_age | last_tick | ev_per_sec | paused
    assert!(r.stdout.starts_with("q1|0||"), "{}", r.stdout);
    assert!(r.stdout.trim_end().ends_with("|t"), "{}", r.stdout);
    let r = q(&db, &["-c", "show queue nope;"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "queue \"nope\" not found\n");
    // -q keeps results, drops status words.
    let r = q(&db, &["-q", "-c", "create queue q2;"]);
    assert_eq!(r.stdout, "");
    assert_eq!(db.sql("select count(*) from pgq.get_queue_info('q2')"), "1");
}

#[test]
fn consumer_commands() {
    let db = test_db!();
    db.sql("select pgq.create_queue('q')");
    let r = q(
        &db,
        &[
            "-Q",
            "q",
            "-c",
            "register consumer c1;",
            "-c",
            "register consumer c1;",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "REGISTER\n");
    assert_eq!(
        r.stderr,
        "NOTICE:  consumer \"c1\" is already registered on queue \"q\"\n"
    );
    db.sql("select pgq.insert_event('q', 't', 'x'); select pgq.force_tick('q'); select pgq.ticker('q');");
    let r = q(&db, &["-c", "register consumer c2 on q copy c1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        db.sql("select count(distinct last_tick) from pgq.get_consumer_info('q')"),
        "1",
        "c2 starts where c1 stands"
    );
    let r = q(&db, &["-A", "-t", "-c", "show consumer * on q;"]);
    let names: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('|').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(names, vec!["c1", "c2"]);
    // A consumer that does not exist: one line, nothing changed.
    let r = q(&db, &["-c", "unregister consumer nope from q;"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "consumer \"nope\" not found on queue \"q\"\n");
    let r = q(&db, &["-c", "unregister consumer * from q;"]);
    assert_eq!(r.stdout, "UNREGISTER\n");
    assert_eq!(
        db.sql("select count(*) from pgq.get_consumer_info('q')"),
        "0"
    );
    // No current queue: says how to set one.
    let r = q(&db, &["-c", "register consumer c3;"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no current queue"), "{}", r.stderr);
}

#[test]
fn names_reach_pgq_as_data() {
    let db = test_db!();
    db.sql("create table precious (a int)");
    let r = q(
        &db,
        &["-c", "create queue \"q'); drop table precious; --\";"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(
        &db,
        &[
            "-c",
            "register consumer \"Mr. \"\"Quote\"\"\" on \"q'); drop table precious; --\";",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        db.sql("select queue_name || '/' || consumer_name from pgq.get_consumer_info()"),
        "q'); drop table precious; --/Mr. \"Quote\""
    );
    assert_eq!(db.sql("select count(*) from precious"), "0");
}

#[test]
fn batches_ticks_maintenance_and_versions() {
    let db = test_db!();
    db.sql("select pgq.create_queue('q'); select pgq.register_consumer('q', 'c');");
    db.sql("select pgq.insert_event('q', 'type_a', 'payload ' || g) from generate_series(1, 2) g");
    let r = q(&db, &["-A", "-t", "-c", "tick q force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("q|") && r.stdout.trim_end().ends_with("|tick made"),
        "{}",
        r.stdout
    );
    let batch = db.sql("select pgq.next_batch('q', 'c')");
    let r = q(&db, &["-A", "-t", "-Q", "q", "-c", "show batch c;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert!(r.stdout.contains("|type_a|payload 1|"), "{}", r.stdout);
    let r = q(&db, &["-A", "-t", "-c", &format!("show batch {batch};")]);
    assert_eq!(r.stdout.lines().count(), 2);
    db.sql(&format!("select pgq.finish_batch({batch})"));
    let r = q(&db, &["-c", &format!("show batch {batch};")]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is not open"), "{}", r.stderr);
    let r = q(&db, &["-A", "-t", "-c", "maint;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(&db, &["-A", "-t", "-c", "show version;"]);
    assert!(
        r.stdout.contains("pgq|3.5") && r.stdout.contains("pgq_node|3.5"),
        "{}",
        r.stdout
    );
}

#[test]
fn install_creates_missing_extensions() {
    let db = test_db!();
    db.sql("drop extension londiste; drop extension pgq_node; drop extension pgq cascade;");
    let r = q(&db, &["-c", "install londiste;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        db.sql("select string_agg(extname, ',' order by extname) from pg_extension where extname in ('pgq', 'pgq_node', 'londiste')"),
        "londiste,pgq,pgq_node"
    );
}

#[test]
fn cascade_commands_build_what_londiste_status_shows() {
    let n1 = test_db!();
    let n2 = test_db!();
    let n3 = test_db!();
    // The root's location is found by connecting back through the
    // session's own connection parameters.
    let r = q(&n1, &["-Q", "replika", "-c", "create root node node1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("CREATE\nworker name: londiste_node1"),
        "{}",
        r.stdout
    );
    let r = q(
        &n2,
        &[
            "-Q",
            "replika",
            "-c",
            &format!("create branch node node2 provider '{}';", location(&n1)),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("[node1] "),
        "steps are printed: {}",
        r.stdout
    );
    let r = q(
        &n3,
        &[
            "-Q",
            "replika",
            "-c",
            &format!(
                "create leaf node node3 location '{}' provider '{}';",
                location(&n3),
                location(&n2)
            ),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    let ini = n1.script(
        "node1.ini",
        format!(
            "[londiste]\njob_name = londiste_node1\ndb = {}\nqueue_name = replika\nlogfile = {d}/l.log\npidfile = {d}/l.pid\n",
            location(&n1),
            d = n1.home.path().display()
        ),
    );
    let theirs = run(Command::new("londiste").arg(&ini).arg("status"));
    assert_eq!(theirs.code, 0, "{}", theirs.stderr);
    let ours = q(&n1, &["-Q", "replika", "-c", "show cascade;"]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    // Same tree: titles and table counts line for line (lags and ticks
    // move with time, so those lines are compared without their values).
    let shape = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| match l.find("Lag:").or_else(|| l.find("Tick:")) {
                Some(i) => l[..i].to_string(),
                None => l.to_string(),
            })
            .collect()
    };
    assert_eq!(
        shape(&ours.stdout),
        shape(&theirs.stdout),
        "ours:\n{}\ntheirs:\n{}",
        ours.stdout,
        theirs.stdout
    );
    let r = q(&n3, &["-Q", "replika", "-c", "status;"]);
    assert!(r.stdout.contains("Local node: node3"), "{}", r.stdout);

    let r = q(&n1, &["-Q", "replika", "-A", "-t", "-c", "show members;"]);
    assert_eq!(
        r.stdout
            .lines()
            .map(|l| l.split('|').next().unwrap_or(""))
            .collect::<Vec<_>>(),
        vec!["node1", "node2", "node3"]
    );

    // Refusals: clear, nothing changed.
    let r = q(&n1, &["-Q", "replika", "-c", "drop node node2;"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("still has subscribers (node3)"),
        "{}",
        r.stderr
    );
    let r = q(&n1, &["-Q", "replika", "-c", "tag node ghost dead;"]);
    assert_eq!(r.stderr, "node \"ghost\" is not a member of the cascade\n");

    // tag dead / alive and rename through the commands.
    let r = q(&n1, &["-Q", "replika", "-c", "tag node node3 dead;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        n2.sql(
            "select dead from pgq_node.get_queue_locations('replika') where node_name = 'node3'"
        ),
        "t"
    );
    let r = q(&n1, &["-Q", "replika", "-c", "tag node node3 alive;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(
        &n1,
        &["-Q", "replika", "-c", "alter node node3 rename leaf3;"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        n3.sql("select node_name from pgq_node.get_node_info('replika')"),
        "leaf3"
    );
    let r = q(&n1, &["-Q", "replika", "-c", "show cascade;"]);
    assert!(r.stdout.contains("+--: leaf3 (leaf)"), "{}", r.stdout);
    let r = q(&n1, &["-Q", "replika", "--json", "-c", "show cascade;"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["nodes"][0]["node"], "node1");
    assert_eq!(v["nodes"][2]["type"], "leaf");
}

#[test]
fn londiste_commands_on_a_root() {
    let db = test_db!();
    db.sql("create table t (id serial primary key, v text); create table u (id int primary key); create sequence s1;");
    let r = q(&db, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(
        &db,
        &[
            "-Q",
            "replika",
            "-c",
            "londiste add table t with tgflags='IUD', skip_truncate;",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("ADD_TABLE"), "{}", r.stdout);
    assert_eq!(
        db.sql("select table_name || ' ' || merge_state from londiste.get_table_list('replika') where local"),
        "public.t ok"
    );
    let r = q(
        &db,
        &["-Q", "replika", "-A", "-t", "-c", "londiste tables;"],
    );
    assert!(r.stdout.starts_with("public.t|ok|"), "{}", r.stdout);
    for (cmd, want) in [
        ("londiste add table nope;", "nope"),
        (
            "londiste add table u with handler='no_such_handler';",
            "no_such_handler",
        ),
        ("londiste add table u with tgflags='XYZ';", "XYZ"),
    ] {
        let r = q(&db, &["-Q", "replika", "-c", cmd]);
        assert_eq!(r.code, 1, "{cmd}");
        assert!(r.stderr.contains(want), "{cmd}: {}", r.stderr);
    }
    assert_eq!(
        db.sql("select count(*) from londiste.get_table_list('replika')"),
        "1",
        "nothing changed"
    );
    let r = q(
        &db,
        &["-Q", "replika", "-A", "-t", "-c", "londiste missing;"],
    );
    assert!(r.stdout.contains("public.u"), "{}", r.stdout);
    let r = q(&db, &["-Q", "replika", "-c", "londiste add sequence s1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(&db, &["-Q", "replika", "-A", "-t", "-c", "londiste seqs;"]);
    assert!(r.stdout.starts_with("public.s1|t|"), "{}", r.stdout);
    let r = q(&db, &["-Q", "replika", "-c", "londiste remove table t;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        db.sql("select count(*) from londiste.get_table_list('replika') where local"),
        "0"
    );
    let r = q(&db, &["-A", "-t", "-c", "londiste show handlers;"]);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("bulk|")),
        "{}",
        r.stdout
    );
    let r = q(&db, &["-Q", "replika", "-c", "londiste wait sync;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn show_table_prints_runnable_ddl() {
    let a = test_db!();
    let b = test_db!();
    a.sql("create table items (id bigserial primary key, name text not null unique, price numeric(10,2) check (price >= 0)); comment on table items is 'things';");
    let r = q(&a, &["-c", "show table items;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("CREATE TABLE"), "{}", r.stdout);
    let p = b.script("ddl.sql", &r.stdout);
    let r2 = run(b.qadmin().args(["--on-error-stop", "-q", "-f"]).arg(&p));
    assert_eq!(r2.code, 0, "the DDL runs: {}", r2.stderr);
    assert_eq!(b.sql("select obj_description('items'::regclass)"), "things");
    let r = q(&a, &["-c", "show table nope;"]);
    assert_eq!(r.code, 1);
}

#[test]
fn connect_sets_queue_and_moves_to_nodes() {
    let n1 = test_db!();
    let n2 = test_db!();
    let r = q(&n1, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(
        &n2,
        &[
            "-Q",
            "replika",
            "-c",
            &format!("create branch node n2 provider '{}';", location(&n1)),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(
        &n1,
        &[
            "-A",
            "-t",
            "-c",
            "connect queue=replika;",
            "-c",
            "show node status;",
            "-c",
            "connect node=n2;",
            "-c",
            "show node status;",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("node|n1") && r.stdout.contains("node|n2"),
        "{}",
        r.stdout
    );
    let r = q(&n1, &["-c", "connect queue=nope;"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "queue \"nope\" not found\n");
    let r = q(
        &n1,
        &[
            "-A",
            "-t",
            "-c",
            &format!("connect dbname={};", n2.name),
            "-c",
            "select current_database();",
        ],
    );
    assert!(r.stdout.contains(&n2.name), "{}", r.stdout);
}

#[test]
fn drop_queue_subconsumers_nodes_and_sequences() {
    let db = test_db!();
    db.sql("select pgq.create_queue('q'); select pgq.register_consumer('q', 'c'); create sequence s2 start 5;");
    let r = q(&db, &["-c", "drop queue q;"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("still has consumers (c)"), "{}", r.stderr);
    assert_eq!(db.sql("select count(*) from pgq.get_queue_info('q')"), "1");
    let r = q(&db, &["-c", "drop queue q force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "DROP\n");
    assert_eq!(
        db.sql("select count(*) from pgq.get_queue_info() where queue_name = 'q'"),
        "0"
    );

    let r = q(&db, &["-c", "register subconsumer s for c on q;"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("pgq_coop"), "{}", r.stderr);

    let r = q(&db, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(&db, &["-A", "-t", "-c", "show node * on replika;"]);
    assert!(r.stdout.starts_with("replika|n1|host="), "{}", r.stdout);
    let r = q(&db, &["-c", "show node nope on replika;"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "node \"nope\" is not a member of the cascade\n");

    let r = q(&db, &["-c", "show sequence s2;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("CREATE SEQUENCE") && r.stdout.contains("START WITH 5"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_wait_for_a_worker_that_never_comes_has_a_deadline() {
    // No Londiste worker runs for n1: `pause node` waits for an answer
    // that never comes; WAIT_TIMEOUT ends it with a message (it waited for
    // ever before).
    let db = test_db!();
    let r = q(&db, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = std::time::Instant::now();
    let r = q(
        &db,
        &[
            "-Q",
            "replika",
            "-v",
            "WAIT_TIMEOUT=1",
            "-c",
            "pause node n1;",
        ],
    );
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("gave up waiting for"), "{}", r.stderr);
}

#[test]
fn two_cascade_operations_at_once_are_refused_not_interleaved() {
    // Another operation on the queue holds this node's lock: a takeover
    // is refused at once and changes nothing (two at once hung before).
    let db = test_db!();
    let r = q(&db, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut holder = db
        .psql()
        .args([
            "-c",
            "select pg_advisory_lock(hashtext('qadmin cascade replika'))",
            "-c",
            "select pg_sleep(4)",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let t = std::time::Instant::now();
    let r = q(&db, &["-Q", "replika", "-c", "takeover n2;"]);
    assert!(t.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("another cascade operation on queue \"replika\""),
        "{}",
        r.stderr
    );
    holder.wait().unwrap();
    // Free again: the same command gets past the lock (and fails on its
    // own merits: there is no node n2).
    let r = q(&db, &["-Q", "replika", "-c", "takeover n2;"]);
    assert!(
        !r.stderr.contains("another cascade operation"),
        "{}",
        r.stderr
    );
}

#[test]
fn cascade_operations_started_from_different_nodes_do_not_interleave() {
    // A root and a branch; `pause node n1` run on n1 waits for a worker
    // that never answers (holding the cascade). A takeover started on the
    // other node meanwhile is refused at once, naming the node it found
    // held, and changes nothing; once the first ends, the cascade is free.
    let n1 = test_db!();
    let n2 = test_db!();
    let r = q(&n1, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let create = format!(
        "create branch node n2 provider '{}';",
        crate::support::location(&n1)
    );
    let r = q(&n2, &["-Q", "replika", "-c", &create]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut first = n1
        .qadmin()
        .args([
            "-Q",
            "replika",
            "-v",
            "WAIT_TIMEOUT=4",
            "-c",
            "pause node n1;",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let before = n2.sql("select node_type || ':' || coalesce(provider_node, '') from pgq_node.get_node_info('replika')");
    let t = std::time::Instant::now();
    let r = q(&n2, &["-Q", "replika", "-c", "takeover n1;"]);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "another cascade operation on queue \"replika\" is running (it holds node \"n"
        ),
        "{}",
        r.stderr
    );
    let after = n2.sql("select node_type || ':' || coalesce(provider_node, '') from pgq_node.get_node_info('replika')");
    assert_eq!(before, after, "the refused takeover changed nothing");
    let _ = first.wait();
    let r = q(
        &n2,
        &[
            "-Q",
            "replika",
            "-v",
            "WAIT_TIMEOUT=1",
            "-c",
            "pause node n2;",
        ],
    );
    assert!(
        !r.stderr.contains("another cascade operation"),
        "free again: {}",
        r.stderr
    );
}

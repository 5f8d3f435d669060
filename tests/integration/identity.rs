//! Node identity against real copies: a branch restored from `pg_dump`
//! into another database is recognised as a copy (changes refused, the
//! original untouched, `show node status` says so); a location that
//! answers with another node is refused; a node fixes its own location.

use crate::support::{location, run, Run, TestDb};
use crate::test_db;

fn q(db: &TestDb, cmd: &str) -> Run {
    run(db.qadmin().args(["-Q", "replika", "-c", cmd]))
}

/// Root n1 and branch n2 made by qadmin (which records each fingerprint).
fn two_nodes() -> (TestDb, TestDb) {
    let n1 = TestDb::new().expect("cluster");
    let n2 = TestDb::new().expect("cluster");
    let r = q(&n1, "create root node n1;");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(
        &n2,
        &format!("create branch node n2 provider '{}';", location(&n1)),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    (n1, n2)
}

fn members(db: &TestDb) -> String {
    db.sql("select string_agg(node_name || ':' || dead, ',' order by node_name) from pgq_node.get_queue_locations('replika')")
}

#[test]
fn a_restored_dump_of_a_node_is_a_copy_and_changes_nothing() {
    let (n1, n2) = two_nodes();
    assert!(
        n2.sql("select node_attrs from pgq_node.get_node_info('replika')")
            .starts_with("qadmin_id="),
        "create node records the fingerprint"
    );
    // pg_dump of the branch, restored into a fresh database.
    let copy = test_db!();
    for sql in [
        format!("drop database {} with (force)", copy.name),
        format!("create database {} template template0", copy.name),
    ] {
        copy.cluster
            .psql_in("postgres", &sql)
            .expect("fresh database");
    }
    let dir = tempfile::tempdir().expect("dir");
    let dump = dir.path().join("n2.sql");
    let r = run(std::process::Command::new(n2.cluster.bin.join("pg_dump"))
        .args(["-h", n2.cluster.dir.to_str().unwrap()])
        .args(["-p", &n2.cluster.port.to_string(), "-U", &n2.cluster.su])
        .args(["-d", &n2.name, "-f", dump.to_str().unwrap()]));
    assert_eq!(r.code, 0, "pg_dump: {}", r.stderr);
    let r = run(copy
        .psql()
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&dump));
    assert_eq!(r.code, 0, "restore: {}", r.stderr);
    assert_eq!(
        copy.sql("select node_name from pgq_node.get_node_info('replika')"),
        "n2",
        "the copy carries n2's node state"
    );
    let before = (members(&n1), members(&n2));

    for cmd in [
        "drop node n2;",
        "alter node n2 rename n9;",
        "tag node n1 dead;",
        "takeover n1;",
    ] {
        let r = q(&copy, cmd);
        assert_eq!(r.code, 1, "{cmd}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("this database is a copy of node \"n2\"")
                && r.stderr.contains("connect node=n2"),
            "{cmd}: {}",
            r.stderr
        );
    }
    assert_eq!(
        (members(&n1), members(&n2)),
        before,
        "the original cascade is untouched"
    );
    assert_eq!(
        n2.sql("select node_name from pgq_node.get_node_info('replika')"),
        "n2"
    );

    let r = run(copy
        .qadmin()
        .args(["-Q", "replika", "-A", "-t", "-c", "show node status;"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("this database|a copy of node \"n2\""),
        "{}",
        r.stdout
    );
    let r = run(n2
        .qadmin()
        .args(["-Q", "replika", "-A", "-t", "-c", "show node status;"]));
    assert!(
        r.stdout.contains("this database|node \"n2\" itself"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_location_that_answers_with_another_node_is_refused() {
    let (n1, n2) = two_nodes();
    // n2's location now leads to n1's database.
    n1.sql(&format!(
        "select pgq_node.register_location('replika', 'n2', '{}', false)",
        location(&n1)
    ));
    let r = run(n1.qadmin().args([
        "-Q",
        "replika",
        "-v",
        "WAIT_TIMEOUT=1",
        "-c",
        "pause node n2;",
    ]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("the database at node \"n2\"'s location is node \"n1\""),
        "{}",
        r.stderr
    );
    assert_eq!(
        n2.sql("select coalesce(worker_paused::text, '?') from pgq_node.get_node_info('replika')"),
        "false",
        "n2 was not paused"
    );
}

#[test]
fn a_node_fixes_its_own_location() {
    let (n1, n2) = two_nodes();
    // n2's location is wrong everywhere (a port nothing listens on).
    let wrong = format!(
        "host={} port=1 dbname={} user={}",
        n2.cluster.dir.display(),
        n2.name,
        n2.cluster.su
    );
    for db in [&n1, &n2] {
        db.sql(&format!(
            "select pgq_node.register_location('replika', 'n2', '{wrong}', false)"
        ));
    }
    let right = location(&n2);
    let r = q(&n2, &format!("alter node n2 location '{right}';"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for db in [&n1, &n2] {
        assert_eq!(
            db.sql("select node_location from pgq_node.get_queue_locations('replika') where node_name = 'n2'"),
            right
        );
    }
}

#[test]
fn show_cascade_says_what_is_wrong() {
    let (n1, n2) = two_nodes();
    let status = |db: &TestDb| {
        let r = q(db, "show cascade;");
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    assert!(!status(&n1).contains("Problems:"), "a sound cascade");
    // Tagged dead, but it answers.
    let r = q(&n1, "tag node n2 dead;");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        status(&n1).contains("Problems:\n  n2 is tagged dead but answers at its location\n"),
        "{}",
        status(&n1)
    );
    let r = q(&n1, "tag node n2 alive;");
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Two roots: n2 promoted by hand with pgq_node's own function.
    n2.sql("select * from pgq_node.promote_branch('replika')");
    let text = status(&n1);
    assert!(
        text.contains("  2 nodes are of type root: n1, n2\n"),
        "{text}"
    );
    // A location that answers as another node.
    n1.sql(&format!(
        "select pgq_node.register_location('replika', 'n2', '{}', false)",
        location(&n1)
    ));
    let text = status(&n1);
    assert!(
        text.contains("  n2: its location answers as node \"n1\"\n"),
        "{text}"
    );
}

//! Node identity against a physical copy: a branch on a cluster of its
//! own is copied with `pg_basebackup` (a streaming standby, then promoted:
//! a new cluster with the branch's system identifier and database oid on
//! a later timeline). From the copy every command that would change the
//! original cascade is refused, saying what the database is and what to
//! run instead; `show node status` says it is a copy; the original
//! branch and root are untouched (their pgq_node rows and consumers
//! compared before and after).

use crate::support::standby::Server;
use crate::support::{location, run, Run, TestDb};

const DB: &str = "branchdb";

fn show(r: &Run) -> String {
    format!("exit {}\n{}\n{}", r.code, r.stdout, r.stderr)
}

/// Everything the cascade keeps about itself on one node: locations,
/// node info, subscribers, pgq consumers and pgq_node's consumer rows.
const STATE: &str = "select concat_ws(E'\\n',
    (select string_agg(format('%s %s %s', node_name, node_location, dead), ';' order by node_name) from pgq_node.get_queue_locations('replika')),
    (select format('%s %s %s %s %s %s', node_type, node_name, provider_node, worker_name, worker_paused, node_attrs) from pgq_node.get_node_info('replika')),
    (select string_agg(format('%s %s %s', node_name, worker_name, node_watermark), ';' order by node_name) from pgq_node.get_subscriber_info('replika')),
    (select string_agg(format('%s %s', consumer_name, last_tick), ';' order by consumer_name) from pgq.get_consumer_info('replika')),
    (select string_agg(format('%s %s %s %s', consumer_name, provider_node, last_tick_id, paused), ';' order by consumer_name) from pgq_node.get_consumer_info('replika')))";

#[test]
fn a_promoted_basebackup_of_a_branch_is_a_copy_and_changes_nothing() {
    let Some(root) = TestDb::new() else { return };
    let Some(branch) = Server::primary(DB) else {
        return;
    };
    let home = tempfile::tempdir().expect("home");
    let r = run(root
        .qadmin()
        .args(["-Q", "replika", "-c", "create root node n1;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
    let r = run(branch.qadmin(DB, home.path()).args([
        "-Q",
        "replika",
        "-c",
        &format!("create branch node n2 provider '{}';", location(&root)),
    ]));
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        branch
            .sql(
                DB,
                "select node_attrs from pgq_node.get_node_info('replika')"
            )
            .contains("qadmin_id="),
        "create node records the fingerprint"
    );

    // The copy: a base backup of the branch's cluster, promoted.
    let copy = branch.standby();
    copy.wait_replayed(&branch);
    copy.promote();
    assert_eq!(
        copy.sql(
            DB,
            "select node_name from pgq_node.get_node_info('replika')"
        ),
        "n2",
        "the copy carries n2's node state"
    );
    let before = (root.sql(STATE), branch.sql(DB, STATE));

    let copy_loc = copy.location(DB);
    let on_copy = |cmd: &str| {
        run(copy
            .qadmin(DB, home.path())
            .args(["-Q", "replika", "-v", "WAIT_TIMEOUT=3", "-c", cmd]))
    };
    for cmd in [
        "drop node n2;".to_string(),
        "alter node n2 rename n9;".to_string(),
        format!("alter node n2 location '{copy_loc}';"),
        "alter node n2 provider n1;".to_string(),
        "tag node n1 dead;".to_string(),
        "pause node n2;".to_string(),
        "resume node n1;".to_string(),
        "takeover n1;".to_string(),
        "takeover n1 dead;".to_string(),
        "resurrect;".to_string(),
    ] {
        let r = on_copy(&cmd);
        assert_eq!(r.code, 1, "{cmd}: {}", show(&r));
        assert!(
            r.stderr
                .contains("a promoted standby or point-in-time restore of node \"n2\"")
                && r.stderr.contains("connect node=n2")
                // A branch's copy is pointed to `from copy`, not to a
                // takeover only a root's standby can do.
                && r.stderr.contains("create branch | leaf node <new name> from copy;")
                && !r.stderr.contains("takeover n2 dead"),
            "{cmd}: {}",
            show(&r)
        );
    }
    // The one command a promoted copy is allowed (taking a dead node's
    // place) is refused while n2 answers at its location.
    let r = on_copy("takeover n2 dead;");
    assert_eq!(r.code, 1, "takeover n2 dead: {}", show(&r));
    assert_eq!(
        (root.sql(STATE), branch.sql(DB, STATE)),
        before,
        "the original cascade is untouched"
    );
    assert_eq!(
        copy.sql(
            DB,
            "select node_type from pgq_node.get_node_info('replika')"
        ),
        "branch"
    );

    let r = run(copy.qadmin(DB, home.path()).args([
        "-Q",
        "replika",
        "-A",
        "-t",
        "-c",
        "show node status;",
    ]));
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout
            .contains("this database|a promoted standby or point-in-time restore of node \"n2\""),
        "{}",
        show(&r)
    );
    let r = run(branch.qadmin(DB, home.path()).args([
        "-Q",
        "replika",
        "-A",
        "-t",
        "-c",
        "show node status;",
    ]));
    assert!(
        r.stdout.contains("this database|node \"n2\" itself"),
        "{}",
        show(&r)
    );
    // The original still works as a node: a change run on it goes through.
    let r = run(branch
        .qadmin(DB, home.path())
        .args(["-Q", "replika", "-c", "tag node n1 alive;"]));
    assert_eq!(r.code, 0, "{}", show(&r));
}

//! The cascade's membership: tag a node dead or alive, drop a node, change
//! a node's location, on every member that answers.

use super::{warn, Pool};
use crate::cascade::{Error, Reporter, Result};

/// Tag a node dead or alive on every other reachable member
/// (`pgq_node.register_location(q, node, null, dead)`). Failures on a
/// member are reported and do not stop the rest. Used by `tag node`.
pub fn tag_node(pool: &mut Pool, node: &str, dead: bool, report: Reporter<'_>) -> Result<()> {
    pool.member(node)?;
    let others: Vec<String> = pool.live().into_iter().filter(|m| m != node).collect();
    register_on(pool, others, node, None, dead, report);
    Ok(())
}

/// `pgq_node.register_location(q, node, location, dead)` on each member
/// of `on` (a null location keeps the one registered); a member that
/// fails is reported and the rest go on.
fn register_on(
    pool: &mut Pool,
    on: Vec<String>,
    node: &str,
    location: Option<&str>,
    dead: bool,
    report: Reporter<'_>,
) {
    let q = pool.queue.clone();
    for m in on {
        let r = pool.cmd(
            &m,
            "select * from pgq_node.register_location($1, $2, $3, $4)",
            &[&q, &node, &location, &dead],
            report,
        );
        if let Err(e) = r {
            warn(report, &m, format!("node {m} failure: {e}"));
        }
    }
}

/// Remove a node that has no subscribers: unregister it on the root, drop
/// it on itself, then on every other member. Used by `drop node`.
pub fn drop_node(pool: &mut Pool, node: &str, report: Reporter<'_>) -> Result<()> {
    let q = pool.queue.clone();
    let member = pool.member(node)?.clone();
    if !member.dead {
        if let Ok(c) = pool.node(node) {
            let subs: Vec<String> = c
                .query(
                    "select node_name from pgq_node.get_subscriber_info($1)",
                    &[&q],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            if !subs.is_empty() {
                return Err(Error::Invalid(format!(
                    "node \"{node}\" still has subscribers ({}): move them first (alter node <n> provider <p>)",
                    subs.join(", ")
                )));
            }
        }
    }
    let root = pool
        .live()
        .into_iter()
        .find(|m| pool.info(m).ok().and_then(|i| i.node_type).as_deref() == Some("root"));
    if let Some(root) = &root {
        if root != node {
            pool.cmd_or_warn(
                root,
                "select * from pgq_node.unregister_location($1, $2)",
                &[&q, &node],
                report,
            );
        }
    }
    let mut order: Vec<String> = vec![node.to_string()];
    order.extend(pool.live().into_iter().filter(|m| m != node));
    for m in order {
        if m == node && member.dead {
            continue;
        }
        pool.cmd_or_warn(
            &m,
            "select * from pgq_node.drop_node($1, $2)",
            &[&q, &node],
            report,
        );
    }
    Ok(())
}

/// Register a node's new connect string on every reachable member
/// (`pgq_node.register_location`). Used by `alter node <n> location`.
pub fn set_location(
    pool: &mut Pool,
    node: &str,
    location: &str,
    report: Reporter<'_>,
) -> Result<()> {
    let dead = pool.member(node)?.dead;
    // A dead node is not contacted; a live one registers its own new
    // location too.
    let on = pool.live();
    register_on(pool, on, node, Some(location), dead, report);
    Ok(())
}

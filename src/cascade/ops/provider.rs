//! Change provider: move a node under another provider at the tick it
//! stands at.

use super::{note, set_paused, warn, Pool, Wait};
use crate::cascade::{Error, Reporter, Result};

/// Make `node` read from `new_provider`: pause its worker, subscribe it on
/// the new provider at the tick it stands, switch, resume, unsubscribe from
/// the old provider. Used by `alter node <n> provider <p>`.
pub fn change_provider(
    pool: &mut Pool,
    node: &str,
    new_provider: &str,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    pool.member(new_provider)?;
    let info = pool.info(node)?;
    let worker = info
        .worker_name
        .clone()
        .ok_or_else(|| Error::Invalid(format!("node \"{node}\" has no worker")))?;
    let old = info.provider_node.clone().unwrap_or_default();
    if info.node_type.as_deref() == Some("root") {
        return Err(Error::Invalid(format!(
            "node \"{node}\" is the root: it has no provider"
        )));
    }
    if old == new_provider {
        note(
            report,
            node,
            format!("node {node} already has {new_provider} as provider"),
        );
        // A repeated command finishes an interrupted one: make sure the
        // worker runs again, and that no other member keeps the node
        // subscribed (a run stopped between the switch and the
        // unregister leaves it on the old provider, holding its events).
        if info.worker_paused == Some(true) {
            set_paused(pool, node, &worker, false, wait, report)?;
        }
        drop_stale_subscriptions(pool, node, new_provider, report)?;
        return Ok(());
    }
    if new_provider == node {
        return Err(Error::Invalid(format!(
            "node \"{node}\" cannot be its own provider"
        )));
    }
    set_paused(pool, node, &worker, true, wait, report)?;
    let last_tick: Option<i64> = pool
        .node(node)?
        .query_opt(
            "select last_tick_id from pgq_node.get_consumer_info($1) where consumer_name = $2",
            &[&q, &worker],
        )?
        .and_then(|r| r.get(0));
    let location = pool.member(node)?.location.clone();
    pool.cmd(
        new_provider,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&q, &node, &location],
        report,
    )?;
    // A run stopped after this step left the subscription there (the
    // worker was paused since, so its tick has not moved): registering it
    // again would fail with a duplicate key.
    let subscribed = pool
        .node(new_provider)?
        .query_opt(
            "select 1 from pgq_node.get_subscriber_info($1) where node_name = $2",
            &[&q, &node],
        )?
        .is_some();
    if subscribed {
        note(
            report,
            new_provider,
            format!("{node} is subscribed on {new_provider} already"),
        );
    } else {
        pool.cmd(
            new_provider,
            "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
            &[&q, &node, &worker, &last_tick],
            report,
        )?;
    }
    pool.cmd(
        node,
        "select * from pgq_node.change_consumer_provider($1, $2, $3)",
        &[&q, &worker, &new_provider],
        report,
    )?;
    set_paused(pool, node, &worker, false, wait, report)?;
    let old_dead = pool.member(&old).map(|m| m.dead).unwrap_or(false);
    if old_dead {
        note(
            report,
            &old,
            format!("skipped: unregister {node} (node {old} is dead)"),
        );
    } else if !old.is_empty() {
        let r = pool.cmd(
            &old,
            "select * from pgq_node.unregister_subscriber($1, $2)",
            &[&q, &node],
            report,
        );
        if let Err(e) = r {
            warn(
                report,
                &old,
                format!("could not unregister {node} from its old provider: {e}"),
            );
        }
    }
    Ok(())
}

/// Unregister `node` on every live member but its provider that still
/// lists it as a subscriber: a node reads from one provider, so such a
/// subscription is left over from an interrupted change and only keeps
/// events from being rotated. Members that cannot be reached are warned
/// about (the next run tries again).
fn drop_stale_subscriptions(
    pool: &mut Pool,
    node: &str,
    provider: &str,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    for member in pool.live() {
        if member == node || member == provider {
            continue;
        }
        let listed = pool.node(&member).and_then(|c| {
            Ok(c.query_opt(
                "select 1 from pgq_node.get_subscriber_info($1) where node_name = $2",
                &[&q, &node],
            )?
            .is_some())
        });
        match listed {
            Ok(false) => {}
            Ok(true) => {
                note(
                    report,
                    &member,
                    format!("{node} is still subscribed on {member}, its provider is {provider}"),
                );
                pool.cmd(
                    &member,
                    "select * from pgq_node.unregister_subscriber($1, $2)",
                    &[&q, &node],
                    report,
                )?;
            }
            Err(e) => warn(
                report,
                &member,
                format!("could not check for a stale subscription of {node}: {e}"),
            ),
        }
    }
    Ok(())
}

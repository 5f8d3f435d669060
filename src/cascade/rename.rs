//! Renaming a node: the one operation (with resurrect) that writes to
//! PgQ's tables directly, because pgq_node 3.5 has no function for it (the
//! Python tool's rename-node calls `rename_node_step1/2`, which do not exist
//! in the version Debian packages).
//!
//! Tables written, on every reachable member, in one transaction per
//! member:
//!
//! * `pgq_node.node_location` — a row for the new name (copied from the
//!   old one), then the old row is deleted;
//! * `pgq_node.node_info` — the node's own name, on the node itself;
//! * `pgq_node.local_state` — `provider_node` of consumers reading from it;
//! * `pgq_node.subscriber_info` — the subscriber row on its provider,
//!   with its watermark consumer;
//! * `pgq.consumer` and `pgq.subscription` — the provider's watermark
//!   consumer `.<node>.watermark` becomes `.<new>.watermark`, keeping its
//!   subscription (position) as it is.
//!
//! Each member's change checks first whether it is done already, so an
//! interrupted rename is finished by running it again.

use crate::db::Client;

use super::ops::Pool;
use super::{Error, Reporter, Result, Step};

const HAS_OLD: &str =
    "select exists (select 1 from pgq_node.node_location where queue_name = $1 and node_name = $2)";

const ADD_NEW_LOCATION: &str = "\
insert into pgq_node.node_location (queue_name, node_name, node_location, dead)
select queue_name, $3, node_location, dead
  from pgq_node.node_location
 where queue_name = $1 and node_name = $2
on conflict (queue_name, node_name) do nothing";

const RENAME_SELF: &str =
    "update pgq_node.node_info set node_name = $3 where queue_name = $1 and node_name = $2";

const RENAME_PROVIDER: &str =
    "update pgq_node.local_state set provider_node = $3 where queue_name = $1 and provider_node = $2";

const NEW_WATERMARK_CONSUMER: &str = "\
insert into pgq.consumer (co_name)
select $1 where not exists (select 1 from pgq.consumer where co_name = $1)";

const MOVE_SUBSCRIPTION: &str = "\
update pgq.subscription s
   set sub_consumer = (select co_id from pgq.consumer where co_name = $3)
 where s.sub_consumer = (select co_id from pgq.consumer where co_name = $2)
   and s.sub_queue = (select queue_id from pgq.queue where queue_name = $1)";

const RENAME_SUBSCRIBER: &str = "\
update pgq_node.subscriber_info
   set subscriber_node = $3, watermark_name = $4
 where queue_name = $1 and subscriber_node = $2";

const DROP_OLD_WATERMARK_CONSUMER: &str = "\
delete from pgq.consumer c
 where c.co_name = $1
   and not exists (select 1 from pgq.subscription s where s.sub_consumer = c.co_id)
   and not exists (select 1 from pgq_node.subscriber_info i where i.watermark_name = c.co_name)";

const DROP_OLD_LOCATION: &str =
    "delete from pgq_node.node_location where queue_name = $1 and node_name = $2";

/// Rename `old` to `new` on one member database, in one transaction.
/// Returns false when there was nothing left to do there.
fn rename_on(c: &mut Client, queue: &str, old: &str, new: &str) -> Result<bool> {
    let mut tx = c.transaction()?;
    let has_old: bool = tx.query_one(HAS_OLD, &[&queue, &old])?.get(0);
    if !has_old {
        return Ok(false);
    }
    let old_wm = format!(".{old}.watermark");
    let new_wm = format!(".{new}.watermark");
    tx.execute(ADD_NEW_LOCATION, &[&queue, &old, &new])?;
    tx.execute(RENAME_SELF, &[&queue, &old, &new])?;
    tx.execute(RENAME_PROVIDER, &[&queue, &old, &new])?;
    let is_subscriber: bool = tx
        .query_one(
            "select exists (select 1 from pgq_node.subscriber_info where queue_name = $1 and subscriber_node = $2)",
            &[&queue, &old],
        )?
        .get(0);
    if is_subscriber {
        tx.execute(NEW_WATERMARK_CONSUMER, &[&new_wm])?;
        tx.execute(MOVE_SUBSCRIPTION, &[&queue, &old_wm, &new_wm])?;
        tx.execute(RENAME_SUBSCRIBER, &[&queue, &old, &new, &new_wm])?;
        tx.execute(DROP_OLD_WATERMARK_CONSUMER, &[&old_wm])?;
    }
    tx.execute(DROP_OLD_LOCATION, &[&queue, &old])?;
    tx.commit()?;
    Ok(true)
}

/// Rename a node on every reachable member (the node itself included).
/// Used by `alter node <n> rename <new>`.
pub fn rename_node(pool: &mut Pool, old: &str, new: &str, report: Reporter<'_>) -> Result<()> {
    let q = pool.queue.clone();
    if pool.members().iter().any(|m| m.name == new) {
        return Err(Error::Invalid(format!("node \"{new}\" exists already")));
    }
    pool.member(old)?;
    let names: Vec<String> = pool
        .members()
        .iter()
        .filter(|m| !m.dead)
        .map(|m| m.name.clone())
        .collect();
    for m in names {
        let c = pool.node(&m)?;
        let changed = rename_on(c, &q, old, new)?;
        report(&Step {
            node: m.clone(),
            message: if changed {
                format!("renamed {old} to {new}")
            } else {
                format!("{old} already renamed here")
            },
            warning: false,
        });
    }
    Ok(())
}

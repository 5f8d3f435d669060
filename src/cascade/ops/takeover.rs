//! Takeover: a live switchover of the root (or a branch's place), and the
//! takeover of a dead node, with the checks made before either.

use std::collections::HashMap;

use crate::db::Client;

use super::workers::{ask_paused, await_paused};
use super::{change_provider, note, set_paused, tag_node, warn, Pool, Wait};
use crate::cascade::{Error, NodeInfo, Reporter, Result};

/// A table that blocks a takeover: missing on the new node or not in sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// Table name.
    pub table: String,
    /// What is wrong ("missing", or the merge state).
    pub state: String,
}

/// Before a takeover: every Londiste table of the old node must be local
/// and in sync ('ok') on the new node.
pub fn takeover_check(pool: &mut Pool, old: &str, new: &str) -> Result<Vec<TableProblem>> {
    let q = pool.queue.clone();
    let has = |c: &mut Client| crate::db::has_extension(c, "londiste");
    if !has(pool.node(old)?)? {
        return Ok(Vec::new());
    }
    let old_tables: Vec<String> = pool
        .node(old)?
        .query(
            "select table_name from londiste.get_table_list($1) where local order by 1",
            &[&q],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let new_c = pool.node(new)?;
    let mut state: HashMap<String, (bool, Option<String>)> = HashMap::new();
    if has(new_c)? {
        for r in new_c.query(
            "select table_name, local, merge_state from londiste.get_table_list($1)",
            &[&q],
        )? {
            state.insert(r.get(0), (r.get(1), r.get(2)));
        }
    }
    Ok(old_tables
        .into_iter()
        .filter_map(|t| match state.get(&t) {
            Some((true, Some(s))) if s == "ok" => None,
            Some((true, s)) => Some(TableProblem {
                table: t,
                state: s.clone().unwrap_or_else(|| "not copied yet".into()),
            }),
            _ => Some(TableProblem {
                table: t,
                state: "missing".into(),
            }),
        })
        .collect())
}

/// Before a takeover of a dead node (whose tables cannot be read): every
/// Londiste table of `node` must be in sync ('ok').
pub fn sync_problems(pool: &mut Pool, node: &str) -> Result<Vec<TableProblem>> {
    let q = pool.queue.clone();
    let c = pool.node(node)?;
    if !crate::db::has_extension(c, "londiste")? {
        return Ok(Vec::new());
    }
    Ok(c.query(
        "select table_name, merge_state from londiste.get_table_list($1)
          where local and merge_state is distinct from 'ok' order by 1",
        &[&q],
    )?
    .iter()
    .map(|r| TableProblem {
        table: r.get(0),
        state: r
            .get::<_, Option<String>>(1)
            .unwrap_or_else(|| "not copied yet".into()),
    })
    .collect())
}

/// Take over the position of `old` on node `new` (the node this runs on).
/// A root switchover runs the reference's steps: pause the old root's
/// worker, demote it (steps 1 and 2, which give the last tick), wait until
/// the new node has caught up, pause it, promote it, subscribe the old root
/// to it, drop the new node's subscription at its old provider, resume it,
/// demote step 3, resume the old root. A branch is taken over by changing
/// providers. `all` first moves every other subscriber of `old` to `new`.
/// Used by `takeover`.
pub fn takeover(
    pool: &mut Pool,
    new: &str,
    old: &str,
    all: bool,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    if new == old {
        return Err(Error::Invalid("a node cannot take over itself".into()));
    }
    pool.member(old)?;
    let old_info = pool.info(old)?;
    let new_info = pool.info(new)?;
    if all {
        let subs: Vec<String> = pool
            .node(old)?
            .query(
                "select node_name from pgq_node.get_subscriber_info($1) order by 1",
                &[&q],
            )?
            .iter()
            .map(|r| r.get(0))
            .filter(|n: &String| n != new)
            .collect();
        for s in subs {
            note(report, &s, format!("moving {s} from {old} to {new}"));
            change_provider(pool, &s, new, wait, report)?;
        }
    }
    match old_info.node_type.as_deref() {
        Some("root") => {
            let old_worker = old_info
                .worker_name
                .clone()
                .ok_or_else(|| Error::Invalid(format!("node \"{old}\" has no worker")))?;
            let new_worker = new_info
                .worker_name
                .clone()
                .ok_or_else(|| Error::Invalid(format!("node \"{new}\" has no worker")))?;
            if new_info.node_type.as_deref() == Some("root") {
                // A switch that stopped after the promotion: finish it
                // without repeating what is done (a second demotion step 2
                // would add a tick to the old root, a second subscription
                // a duplicate key).
                note(
                    report,
                    new,
                    format!("{new} is the root already: finishing the switch from {old}"),
                );
                return finish_switch(pool, new, old, (&old_worker, &new_worker), wait, report);
            }
            if new_info.worker_paused == Some(true) {
                // A paused new node would never catch up below.
                note(
                    report,
                    new,
                    format!("worker {new_worker} is paused: resuming it so that it catches up"),
                );
                set_paused(pool, new, &new_worker, false, wait, report)?;
            }
            set_paused(pool, old, &old_worker, true, wait, report)?;
            pool.cmd(
                old,
                "select * from pgq_node.demote_root($1, 1, $2)",
                &[&q, &new],
                report,
            )?;
            // From here until demotion step 3, the old root refuses new
            // events: an interruption says so (and how to finish).
            let rest = switch_root(
                pool,
                &q,
                new,
                old,
                &new_info,
                (&old_worker, &new_worker),
                wait,
                report,
            );
            // Until step 3 the old node is still a root with writing off.
            let still_root = rest.is_err()
                && pool
                    .info(old)
                    .map(|i| i.node_type.as_deref() == Some("root"))
                    .unwrap_or(true);
            if let (Err(e), true) = (&rest, still_root) {
                warn(
                    report,
                    old,
                    format!(
                        "the takeover stopped before it finished ({e}): {old} refuses new events on queue {q} (writing was disabled at the start of the switch) until it is finished; run \"takeover {old};\" on {new} again to finish it"
                    ),
                );
            }
            rest
        }
        Some(_) => {
            // A branch: if it feeds the new node, the new node first reads
            // from the old node's provider; then the old node reads from
            // the new one.
            if new_info.provider_node.as_deref() == Some(old) {
                let up = old_info
                    .provider_node
                    .clone()
                    .ok_or_else(|| Error::Invalid(format!("node \"{old}\" has no provider")))?;
                change_provider(pool, new, &up, wait, report)?;
            }
            change_provider(pool, old, new, wait, report)
        }
        None => Err(Error::NotInitialized { queue: q }),
    }
}

/// The root switch after demotion step 1: step 2 (the last tick), the
/// new node catching up, its promotion, the old root's step 3, resumes.
#[allow(clippy::too_many_arguments)]
fn switch_root(
    pool: &mut Pool,
    q: &str,
    new: &str,
    old: &str,
    new_info: &NodeInfo,
    (old_worker, new_worker): (&str, &str),
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let rows = pool.cmd(
        old,
        "select * from pgq_node.demote_root($1, 2, $2)",
        &[&q, &new],
        report,
    )?;
    let last_tick: Option<i64> = rows
        .first()
        .and_then(|r| r.try_get("last_tick").ok())
        .flatten();
    if let Some(t) = last_tick {
        note(report, new, format!("waiting to catch up to tick {t}"));
        wait.until(&format!("{new} to reach tick {t}"), || {
            let i = pool.info(new)?;
            Ok(i.worker_last_tick.unwrap_or(0) >= t)
        })?;
    }
    set_paused(pool, new, new_worker, true, wait, report)?;
    let prev = new_info.provider_node.clone();
    promote(pool, new, (old, old_worker), last_tick, prev, report)?;
    demote_and_resume(pool, new, old, (old_worker, new_worker), wait, report)
}

/// The end of a root switch that stopped after `new` was promoted: the
/// old root subscribed to the new one at its last tick (unless it is),
/// the new node's subscription at the old root dropped, demotion step 3,
/// both workers resumed.
fn finish_switch(
    pool: &mut Pool,
    new: &str,
    old: &str,
    (old_worker, new_worker): (&str, &str),
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    let subscribed = pool
        .node(new)?
        .query_opt(
            "select 1 from pgq_node.get_subscriber_info($1) where node_name = $2",
            &[&q, &old],
        )?
        .is_some();
    if !subscribed {
        // Demotion step 2 closed the old root's queue with its last tick.
        let last_tick = queue_last_tick(pool.node(old)?, &q)?;
        pool.cmd(
            new,
            "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
            &[&q, &old, &old_worker, &last_tick],
            report,
        )?;
    }
    pool.cmd_or_warn(
        old,
        "select * from pgq_node.unregister_subscriber($1, $2)",
        &[&q, &new],
        report,
    );
    demote_and_resume(pool, new, old, (old_worker, new_worker), wait, report)
}

/// The last steps of a root switch: resume the new root's worker, demote
/// the old root (step 3: a branch reading from `new`), resume its worker.
/// The two resumes are independent: both are asked for, then both
/// workers awaited together.
fn demote_and_resume(
    pool: &mut Pool,
    new: &str,
    old: &str,
    (old_worker, new_worker): (&str, &str),
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    ask_paused(pool, new, new_worker, false, report)?;
    pool.cmd(
        old,
        "select * from pgq_node.demote_root($1, 3, $2)",
        &[&q, &new],
        report,
    )?;
    ask_paused(pool, old, old_worker, false, report)?;
    await_paused(
        pool,
        &[(new, new_worker, false), (old, old_worker, false)],
        wait,
        report,
    )
}

/// The name under which a dead root stays subscribed to the new root, so
/// that `resurrect` knows from which tick it was lost (the reference
/// tools use the same name).
pub fn gravestone(node: &str) -> String {
    format!("{node}.gravestone")
}

/// Take over the place of a dead node `old` on node `new` (the node this
/// runs on): `takeover <old> dead`. Nothing of `old` is read or written.
///
/// Steps: refuse if `old` still answers (unless `force`); tag `old` dead
/// on every reachable member; then for a dead root: if a subscriber of
/// `old` got further than `new`, read from it first and wait until `new`
/// has its batches; pause `new`'s worker; subscribe `old` under
/// [`gravestone`] at the last tick of `new`'s queue (kept for `resurrect`,
/// registered before the promotion so that a rerun knows the root
/// takeover by it), promote `new`, drop `new`'s subscription at every
/// living member that still has it, resume. For a dead branch: if `old`
/// fed `new`, `new` reads from `old`'s provider instead. Last, every other
/// subscriber of `old` moves to `new` (change provider). Each step can be
/// repeated: running the command again finishes an interrupted one.
pub fn takeover_dead(
    pool: &mut Pool,
    new: &str,
    old: &str,
    force: bool,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    if new == old {
        return Err(Error::Invalid("a node cannot take over itself".into()));
    }
    let member = pool.member(old)?.clone();
    if !member.dead && pool.node(old).is_ok() && !force {
        return Err(Error::Invalid(format!(
            "node \"{old}\" answers, so it is not dead: \"takeover {old};\" switches over from a live node (add \"force\" to treat it as dead anyway)"
        )));
    }
    let new_info = pool.info(new)?;
    // How the living members see the cascade.
    let names: Vec<String> = pool.live().into_iter().filter(|m| m != old).collect();
    let mut live: Vec<(String, NodeInfo)> = Vec::new();
    for n in names {
        match pool.info(&n) {
            Ok(i) => live.push((n, i)),
            Err(e) => warn(report, &n, format!("left as it is: {e}")),
        }
    }
    // The old node was the root when no living member is one, or when
    // the new node is one already and keeps the old root's gravestone (a
    // takeover stopped after the promotion: it is finished, not redone).
    let grave = gravestone(old);
    let grave_tick = subscribed_as(pool.node(new)?, &q, old, &grave)?;
    let new_is_root = new_info.node_type.as_deref() == Some("root");
    let old_was_root = !live
        .iter()
        .any(|(n, i)| n != new && i.node_type.as_deref() == Some("root"))
        && (!new_is_root || grave_tick.is_some());
    // The old node's subscribers move to the new one. A rerun of a root
    // takeover (the gravestone is there) also finishes a move an earlier
    // run stopped half-way: a member already reading from the new node
    // but left paused (change provider resumes it).
    let subscribers: Vec<(String, NodeInfo)> = live
        .iter()
        .filter(|(n, i)| {
            n != new
                && (i.provider_node.as_deref() == Some(old)
                    || (grave_tick.is_some()
                        && i.provider_node.as_deref() == Some(new)
                        && i.worker_paused == Some(true)))
        })
        .cloned()
        .collect();
    match new_info.node_type.as_deref() {
        Some("leaf") if old_was_root || !subscribers.is_empty() => {
            return Err(Error::Invalid(format!(
                "node \"{new}\" is a leaf: it cannot take the place of \"{old}\" (run the takeover on a branch)"
            )));
        }
        None => return Err(Error::NotInitialized { queue: q }),
        _ => {}
    }

    note(report, new, format!("tagging {old} dead on every member"));
    // Only where it is not tagged yet: a rerun after the promotion would
    // otherwise put a second "dead" location event into the new root's
    // queue, which reaches the old node after a resurrect.
    let mut untagged = Vec::new();
    for (n, _) in &live {
        let dead: Option<bool> = pool
            .node(n)?
            .query_opt(
                "select dead from pgq_node.get_queue_locations($1) where node_name = $2",
                &[&q, &old],
            )?
            .and_then(|r| r.get(0));
        if dead != Some(true) {
            untagged.push(n.clone());
        }
    }
    if untagged.len() == live.len() {
        tag_node(pool, old, true, report)?;
    } else {
        let none: Option<String> = None;
        for n in untagged {
            pool.cmd_or_warn(
                &n,
                "select * from pgq_node.register_location($1, $2, $3, true)",
                &[&q, &old, &none],
                report,
            );
        }
    }
    pool.mark_dead(old);

    if old_was_root {
        let new_worker = new_info
            .worker_name
            .clone()
            .ok_or_else(|| Error::Invalid(format!("node \"{new}\" has no worker")))?;
        if new_is_root {
            note(
                report,
                new,
                format!("{new} is the root already: finishing the takeover of {old}"),
            );
        } else {
            let mine = new_info.worker_last_tick.unwrap_or(0);
            let best = subscribers
                .iter()
                .filter(|(_, i)| i.node_type.as_deref() == Some("branch"))
                .max_by_key(|(_, i)| i.worker_last_tick.unwrap_or(0))
                .map(|(n, i)| (n.clone(), i.worker_last_tick.unwrap_or(0)));
            if let Some((best, tick)) = best.filter(|(_, t)| *t > mine) {
                note(
                    report,
                    new,
                    format!(
                        "{best} got further (tick {tick}, {new} at {mine}): reading its batches first"
                    ),
                );
                change_provider(pool, new, &best, wait, report)?;
                wait.until(&format!("{new} to reach tick {tick}"), || {
                    Ok(pool.info(new)?.worker_last_tick.unwrap_or(0) >= tick)
                })?;
            }
            set_paused(pool, new, &new_worker, true, wait, report)?;
            // The gravestone is registered before the promotion (a branch
            // takes subscribers too): a rerun after the promotion knows
            // from it that this was a root takeover, and one before it
            // does not register it twice (a duplicate key).
            match grave_tick {
                Some(t) => {
                    note(
                        report,
                        new,
                        format!(
                            "{old}'s gravestone is on {new} already (tick {})",
                            t.map_or("none".into(), |t| t.to_string())
                        ),
                    );
                }
                None => {
                    let t = queue_last_tick(pool.node(new)?, &q)?;
                    note(
                        report,
                        new,
                        format!(
                            "the last tick of {old} that {new} has: {}",
                            t.map_or("none".into(), |t| t.to_string())
                        ),
                    );
                    pool.cmd(
                        new,
                        "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
                        &[&q, &old, &grave, &t],
                        report,
                    )?;
                }
            }
            pool.cmd(
                new,
                "select * from pgq_node.promote_branch($1)",
                &[&q],
                report,
            )?;
        }
        // The root reads from nobody: its subscription at any living
        // member (its provider before the promotion, or the branch it
        // caught up from) goes, also when an earlier run stopped before.
        for (n, _) in &live {
            if n == new {
                continue;
            }
            if subscribed_as(pool.node(n)?, &q, new, "")?.is_some() {
                pool.cmd_or_warn(
                    n,
                    "select * from pgq_node.unregister_subscriber($1, $2)",
                    &[&q, &new],
                    report,
                );
            }
        }
        set_paused(pool, new, &new_worker, false, wait, report)?;
    } else if new_info.provider_node.as_deref() == Some(old) {
        // The dead branch fed this node: read from its provider instead.
        let mut up = None;
        for (n, _) in &live {
            let c = pool.node(n)?;
            if c.query_opt(
                "select 1 from pgq_node.get_subscriber_info($1) where node_name = $2",
                &[&q, &old],
            )?
            .is_some()
            {
                up = Some(n.clone());
                break;
            }
        }
        let up = up.ok_or_else(|| {
            Error::Invalid(format!(
                "no living member has \"{old}\" as subscriber: give {new} a provider (alter node {new} provider <p>)"
            ))
        })?;
        change_provider(pool, new, &up, wait, report)?;
    }
    // The last tick of the dead root's line that the new root has (kept
    // by the gravestone, so a repeated command finds it too).
    let kept: Option<i64> = pool
        .node(new)?
        .query_opt(
            "select last_tick from pgq.get_consumer_info($1, $2)",
            &[&q, &gravestone(old)],
        )?
        .and_then(|r| r.get(0));
    for (s, info) in &subscribers {
        note(report, s, format!("moving {s} from {old} to {new}"));
        let theirs = pool.info(s)?.worker_last_tick.unwrap_or(0);
        if let (Some(kept), Some(worker)) = (kept, info.worker_name.as_deref()) {
            if theirs > kept {
                // A leaf that got further than any branch: the new root
                // has no such tick, so it goes back to the last one the
                // new root has.
                warn(
                    report,
                    s,
                    format!("{s} is at tick {theirs} of {old}, {new} has up to {kept}: {s} goes back to tick {kept}; what it applied after that came from {old} only"),
                );
                set_paused(pool, s, worker, true, wait, report)?;
                pool.cmd(
                    s,
                    "select * from pgq_node.set_consumer_completed($1, $2, $3)",
                    &[&q, &worker, &kept],
                    report,
                )?;
            }
        }
        change_provider(pool, s, new, wait, report)?;
    }
    if !old_was_root && new_info.node_type.as_deref() != Some("root") {
        note(
            report,
            new,
            format!("{old} is still subscribed where it was: \"drop node {old};\" once it will not come back"),
        );
    }
    Ok(())
}

/// The middle of a root takeover, the new node's worker paused: promote
/// `new`, subscribe the old root (`old` = its name and the worker name it
/// is registered under) at `tick`, and drop `new`'s subscription at its
/// previous provider `prev` (a failure there is only a warning).
fn promote(
    pool: &mut Pool,
    new: &str,
    old: (&str, &str),
    tick: Option<i64>,
    prev: Option<String>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    pool.cmd(
        new,
        "select * from pgq_node.promote_branch($1)",
        &[&q],
        report,
    )?;
    pool.cmd(
        new,
        "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
        &[&q, &old.0, &old.1, &tick],
        report,
    )?;
    if let Some(prev) = prev.filter(|p| p != new) {
        pool.cmd_or_warn(
            &prev,
            "select * from pgq_node.unregister_subscriber($1, $2)",
            &[&q, &new],
            report,
        );
    }
    Ok(())
}

/// Whether `node` is a subscriber on the node `c` is connected to (with
/// worker `worker`, unless empty): `Some(its consumer's last tick)`.
fn subscribed_as(
    c: &mut Client,
    queue: &str,
    node: &str,
    worker: &str,
) -> Result<Option<Option<i64>>> {
    Ok(c.query_opt(
        "select c.last_tick from pgq_node.get_subscriber_info($1) s
               left join lateral pgq.get_consumer_info($1, s.worker_name) c on true
              where s.node_name = $2 and ($3 = '' or s.worker_name = $3)",
        &[&queue, &node, &worker],
    )?
    .map(|r| r.get(0)))
}

/// The last tick of `queue` on a node (none on a leaf: it has no queue).
pub(super) fn queue_last_tick(c: &mut Client, queue: &str) -> Result<Option<i64>> {
    Ok(
        c.query_opt("select last_tick_id from pgq.get_queue_info($1)", &[&queue])?
            .and_then(|r| r.get(0)),
    )
}

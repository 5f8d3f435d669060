//! Workers: pause and resume a node's worker (or any consumer) and wait
//! until it has seen it; wait until a node has caught up.

use std::time::{Duration, Instant};

use super::{note, Pool, Wait};
use crate::cascade::{Error, Reporter, Result};

/// Pause or resume a consumer (worker) on a node and wait until the worker
/// has seen it (`pgq_node.set_consumer_paused`, then
/// `pgq_node.get_consumer_state` until uptodate). Used by `pause node`,
/// `resume node`, `pause consumer`, `resume consumer`, and inside
/// change provider and takeover.
pub fn set_paused(
    pool: &mut Pool,
    node: &str,
    consumer: &str,
    paused: bool,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    ask_paused(pool, node, consumer, paused, report)?;
    await_paused(pool, &[(node, consumer, paused)], wait, report)
}

/// The first half of [`set_paused`]: tell the worker, do not wait.
pub(super) fn ask_paused(
    pool: &mut Pool,
    node: &str,
    consumer: &str,
    paused: bool,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    pool.cmd(
        node,
        "select * from pgq_node.set_consumer_paused($1, $2, $3)",
        &[&q, &consumer, &paused],
        report,
    )?;
    Ok(())
}

/// The second half of [`set_paused`]: wait until every (node, consumer)
/// has seen its pause / resume, all polled together.
pub(super) fn await_paused(
    pool: &mut Pool,
    workers: &[(&str, &str, bool)],
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    let what = |paused: bool| if paused { "pause" } else { "resume" };
    for (node, consumer, paused) in workers {
        note(
            report,
            node,
            format!(
                "waiting for worker {consumer} to accept the {}",
                what(*paused)
            ),
        );
    }
    let mut left: Vec<(&str, &str, bool)> = workers.to_vec();
    let names: Vec<String> = workers
        .iter()
        .map(|(n, c, p)| format!("{c} on {n} to accept the {}", what(*p)))
        .collect();
    wait.until(&names.join(", "), || {
        let mut still = Vec::new();
        for (node, consumer, paused) in left.iter().copied() {
            let c = pool.node(node)?;
            let r = c.query_one(
                "select ret_code, ret_note, paused, uptodate from pgq_node.get_consumer_state($1, $2)",
                &[&q, &consumer],
            )?;
            let code: i32 = r.get(0);
            if code >= 400 {
                let note: Option<String> = r.get(1);
                return Err(Error::Refused {
                    node: node.to_string(),
                    code,
                    note: note.unwrap_or_default(),
                });
            }
            let is_paused: Option<bool> = r.get(2);
            let uptodate: Option<bool> = r.get(3);
            if uptodate == Some(true) && is_paused == Some(paused) {
                let done = if paused { "paused" } else { "resumed" };
                note(report, node, format!("consumer {consumer} {done}"));
            } else {
                still.push((node, consumer, paused));
            }
        }
        left = still;
        Ok(left.is_empty())
    })
}

pub(super) fn worker_of(pool: &mut Pool, node: &str) -> Result<String> {
    pool.info(node)?
        .worker_name
        .ok_or_else(|| Error::Invalid(format!("node \"{node}\" has no worker")))
}

/// Pause or resume a node's own worker.
pub fn pause_node(
    pool: &mut Pool,
    node: &str,
    paused: bool,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let worker = worker_of(pool, node)?;
    set_paused(pool, node, &worker, paused, wait, report)
}

/// What `wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitFor {
    /// The root's current tick.
    Root,
    /// The node's provider's current tick.
    Provider,
}

/// Wait until `node`'s worker has processed the tick its root (or
/// provider) stands at now, reporting how many ticks are left about once a
/// second. Used by `wait root` and `wait provider`.
pub fn wait_caught_up(
    pool: &mut Pool,
    node: &str,
    target: WaitFor,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<()> {
    let info = pool.info(node)?;
    let other = match target {
        WaitFor::Provider => info
            .provider_node
            .clone()
            .ok_or_else(|| Error::Invalid(format!("node \"{node}\" has no provider")))?,
        WaitFor::Root => {
            let mut root = None;
            for n in pool.live() {
                if pool.info(&n)?.node_type.as_deref() == Some("root") {
                    root = Some(n);
                    break;
                }
            }
            root.ok_or_else(|| Error::Invalid("no reachable root".into()))?
        }
    };
    let goal = pool.info(&other)?.worker_last_tick.unwrap_or(0);
    note(report, node, format!("waiting for tick {goal} of {other}"));
    let mut last_report = Instant::now();
    wait.until(&format!("{node} to reach tick {goal} of {other}"), || {
        let now = pool.info(node)?.worker_last_tick.unwrap_or(0);
        if now >= goal {
            return Ok(true);
        }
        if last_report.elapsed() >= Duration::from_secs(1) {
            last_report = Instant::now();
            note(
                report,
                node,
                format!("at tick {now}, {} behind", goal - now),
            );
        }
        Ok(false)
    })?;
    note(
        report,
        node,
        format!("caught up with {other} (tick {goal})"),
    );
    Ok(())
}

//! Multi-node operations as explicit ordered steps: pause / resume a
//! worker, change provider, tag dead / alive, drop a node, takeover.
//!
//! A [`Pool`] holds one connection per node, opened lazily under the
//! deadline. Each step is reported as it runs; each is safe to repeat
//! (pgq_node's functions answer "already" with a 2xx/3xx code), so an
//! interrupted operation is finished by running the same command again.
//! Waiting for a worker polls (the shell: every 50 ms) and stops when the caller's
//! `interrupted` says so, before the next change is made.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::db::Client;

use super::{
    connect, exec_cmd, members, node_info, Error, Member, NodeInfo, Reporter, Result, Step,
};

/// How waits behave: poll interval, an optional limit, and a check for
/// Ctrl-C (true = stop waiting).
pub struct Wait<'a> {
    /// Time between polls.
    pub poll: Duration,
    /// Give up after this long (None: until interrupted).
    pub limit: Option<Duration>,
    /// Whether the user asked to stop.
    pub interrupted: &'a dyn Fn() -> bool,
}

impl Wait<'_> {
    fn until<F>(&self, what: &str, mut done: F) -> Result<()>
    where
        F: FnMut() -> Result<bool>,
    {
        let start = Instant::now();
        loop {
            if done()? {
                return Ok(());
            }
            if (self.interrupted)() {
                return Err(Error::Invalid(format!("stopped waiting for {what}")));
            }
            if let Some(l) = self.limit {
                if start.elapsed() > l {
                    return Err(Error::Invalid(format!(
                        "gave up waiting for {what} after {} s",
                        l.as_secs()
                    )));
                }
            }
            std::thread::sleep(self.poll);
        }
    }
}

/// One connection per member, opened on first use.
pub struct Pool {
    /// The queue.
    pub queue: String,
    /// Deadline for each connection.
    pub timeout: Duration,
    members: Vec<Member>,
    conns: HashMap<String, Client>,
}

impl Pool {
    /// Members as the given node knows them.
    pub fn load(local: &mut Client, queue: &str, timeout: Duration) -> Result<Pool> {
        let info = node_info(local, queue)?;
        if info.node_type.is_none() {
            return Err(Error::NotInitialized {
                queue: queue.to_string(),
            });
        }
        Ok(Pool {
            queue: queue.to_string(),
            timeout,
            members: members(local, queue)?,
            conns: HashMap::new(),
        })
    }

    /// The member list.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Add the members that reachable members know and this list lacks
    /// (a node learns of new members only when its worker has processed
    /// the root's location events).
    pub fn learn_members(&mut self) {
        let q = self.queue.clone();
        for n in self.live() {
            let Ok(c) = self.node(&n) else { continue };
            let Ok(theirs) = members(c, &q) else { continue };
            for m in theirs {
                if !self.members.iter().any(|x| x.name == m.name) {
                    self.members.push(m);
                }
            }
        }
    }

    /// The members not tagged dead, by name.
    pub fn live(&self) -> Vec<String> {
        self.members
            .iter()
            .filter(|m| !m.dead)
            .map(|m| m.name.clone())
            .collect()
    }

    /// A member by name.
    pub fn member(&self, name: &str) -> Result<&Member> {
        self.members
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| Error::NodeNotFound(name.to_string()))
    }

    /// The connection to a member (dead members are refused).
    pub fn node(&mut self, name: &str) -> Result<&mut Client> {
        if !self.conns.contains_key(name) {
            let m = self.member(name)?.clone();
            if m.dead {
                return Err(Error::Invalid(format!("node \"{name}\" is tagged dead")));
            }
            let loc = m.location.ok_or_else(|| Error::Unreachable {
                node: name.to_string(),
                why: "no location registered".into(),
            })?;
            let c = connect(name, &loc, self.timeout)?;
            self.conns.insert(name.to_string(), c);
        }
        self.conns
            .get_mut(name)
            .ok_or_else(|| Error::NodeNotFound(name.to_string()))
    }

    /// Take the cascade's operation lock: a session advisory lock keyed by
    /// the queue on every live member this pool reaches (members that do
    /// not answer are skipped). Held until the pool's connections close,
    /// so two multi-node operations on one cascade, started from the same
    /// node or from different ones, never interleave: the second finds a
    /// member held and is refused with nothing changed.
    pub fn lock(&mut self) -> Result<()> {
        const TRY: &str = "select pg_try_advisory_lock(hashtext('qadmin cascade ' || $1::text))";
        let q = self.queue.clone();
        for name in self.live() {
            let Ok(c) = self.node(&name) else { continue };
            let got: bool = c.query_one(TRY, &[&q])?.get(0);
            if !got {
                return Err(Error::Busy {
                    queue: q,
                    node: name,
                });
            }
        }
        Ok(())
    }

    /// Treat a member as dead from now on (after tagging it): no more
    /// connection attempts to it.
    pub fn mark_dead(&mut self, name: &str) {
        self.conns.remove(name);
        for m in self.members.iter_mut().filter(|m| m.name == name) {
            m.dead = true;
        }
    }

    /// A member's node info.
    pub fn info(&mut self, name: &str) -> Result<NodeInfo> {
        let q = self.queue.clone();
        node_info(self.node(name)?, &q)
    }

    fn cmd(
        &mut self,
        node: &str,
        sql: &str,
        params: &[&dyn crate::db::Param],
        report: Reporter<'_>,
    ) -> Result<Vec<crate::db::Row>> {
        let c = self.node(node)?;
        exec_cmd(c, node, sql, params, report)
    }

    /// [`Pool::cmd`] for a step whose failure does not stop the
    /// operation: the error is reported as a warning.
    fn cmd_or_warn(
        &mut self,
        node: &str,
        sql: &str,
        params: &[&dyn crate::db::Param],
        report: Reporter<'_>,
    ) {
        match self.cmd(node, sql, params, report) {
            Ok(_) => {}
            // The step line names the node already.
            Err(Error::Refused { code, note, .. }) => {
                warn(report, node, format!("{note} (code {code})"))
            }
            Err(e) => warn(report, node, format!("{e}")),
        }
    }
}

fn note(report: Reporter<'_>, node: &str, message: String) {
    report(&Step {
        node: node.to_string(),
        message,
        warning: false,
    });
}

fn warn(report: Reporter<'_>, node: &str, message: String) {
    report(&Step {
        node: node.to_string(),
        message,
        warning: true,
    });
}

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
fn ask_paused(
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
fn await_paused(
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

fn worker_of(pool: &mut Pool, node: &str) -> Result<String> {
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
        // worker runs again.
        if info.worker_paused == Some(true) {
            set_paused(pool, node, &worker, false, wait, report)?;
        }
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
    pool.cmd(
        new_provider,
        "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
        &[&q, &node, &worker, &last_tick],
        report,
    )?;
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
    // The two resumes are independent: ask both, then wait for
    // both workers together.
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
/// has its batches; note the last tick of `new`'s queue; pause `new`'s
/// worker, promote it, subscribe `old` under [`gravestone`] at that tick
/// (kept for `resurrect`), drop `new`'s subscription at its previous
/// provider (unless that is `old`), resume. For a dead branch: if `old`
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
    let old_was_root = !live
        .iter()
        .any(|(_, i)| i.node_type.as_deref() == Some("root"));
    let subscribers: Vec<(String, NodeInfo)> = live
        .iter()
        .filter(|(n, i)| n != new && i.provider_node.as_deref() == Some(old))
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
    tag_node(pool, old, true, report)?;
    pool.mark_dead(old);

    if old_was_root {
        let new_worker = new_info
            .worker_name
            .clone()
            .ok_or_else(|| Error::Invalid(format!("node \"{new}\" has no worker")))?;
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
        let provider = pool.info(new)?.provider_node;
        let last_tick = queue_last_tick(pool.node(new)?, &q)?;
        note(
            report,
            new,
            format!(
                "the last tick of {old} that {new} has: {}",
                last_tick.map_or("none".into(), |t| t.to_string())
            ),
        );
        set_paused(pool, new, &new_worker, true, wait, report)?;
        let prev = provider.filter(|p| p != old);
        promote(pool, new, (old, &gravestone(old)), last_tick, prev, report)?;
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

/// An event the old root had queued after the tick the new root kept:
/// it never reached the cascade. `resurrect` reports these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostEvent {
    /// Event id.
    pub id: i64,
    /// When it was queued (text, as the server prints it).
    pub time: String,
    /// Event type (`I:id`, `U:id`, `D:id` for Londiste rows ...).
    pub kind: Option<String>,
    /// Event data.
    pub data: Option<String>,
    /// First extra field (Londiste: the table).
    pub extra1: Option<String>,
}

/// What `resurrect` did.
#[derive(Debug, Clone, Default)]
pub struct Resurrected {
    /// The root the node now reads from.
    pub root: String,
    /// The tick it goes on from.
    pub tick: i64,
    /// The events that are lost (they stay in the node's tables).
    pub lost: Vec<LostEvent>,
}

/// An old root that came back after `takeover <it> dead` rejoins as a
/// branch of the new root (`resurrect;` on the old root, `me`).
///
/// Steps: find the member that keeps `me`'s gravestone (the new root) and
/// its tick; demote `me` (steps 1-3; step 2 closes its queue with a last
/// tick); pause `me`'s worker (it takes effect whenever the worker runs);
/// drop `me`'s old subscribers (they moved to the new root); read the
/// events queued on `me` after the gravestone's tick (lost: the new root
/// never had them) and delete them with their ticks from `me`'s queue, so
/// it continues the new root's; set `me`'s worker to that tick; on the new
/// root replace the gravestone by `me`'s worker; take the global
/// watermark; tag `me` alive everywhere. The worker stays paused so that
/// the lost events can be dealt with first (`resume node <me>;`). Safe to
/// repeat: a finished step is skipped.
pub fn resurrect(pool: &mut Pool, me: &str, report: Reporter<'_>) -> Result<Resurrected> {
    let q = pool.queue.clone();
    let my = pool.info(me)?;
    let worker = my
        .worker_name
        .clone()
        .ok_or_else(|| Error::Invalid(format!("node \"{me}\" has no worker")))?;
    // Where is the gravestone (or, after an interrupted run, the worker)?
    let names: Vec<String> = pool.live().into_iter().filter(|m| m != me).collect();
    let mut found = None;
    for n in names {
        let c = match pool.node(&n) {
            Ok(c) => c,
            Err(e) => {
                warn(report, &n, format!("not asked: {e}"));
                continue;
            }
        };
        let row = c.query_opt(
            "select s.worker_name, c.last_tick
               from pgq_node.get_subscriber_info($1) s
               left join pgq.get_consumer_info($1) c on c.consumer_name = s.worker_name
              where s.node_name = $2",
            &[&q, &me],
        )?;
        if let Some(r) = row {
            let w: String = r.get(0);
            let t: Option<i64> = r.get(1);
            if w == gravestone(me) || w == worker {
                found = Some((n, w, t));
                break;
            }
        }
    }
    let (root, held_by, tick) = found.ok_or_else(|| {
        Error::Invalid(format!(
            "no member keeps a place for \"{me}\": resurrect is for an old root after \"takeover {me} dead\" on the new root"
        ))
    })?;
    let tick = tick.ok_or_else(|| {
        Error::Invalid(format!("the gravestone of \"{me}\" on {root} has no tick"))
    })?;
    note(
        report,
        &root,
        format!("{root} keeps {me} at tick {tick} (as {held_by})"),
    );
    if pool.info(&root)?.node_type.as_deref() != Some("root") {
        return Err(Error::Invalid(format!(
            "node \"{root}\" keeps \"{me}\" but is not the root: finish the takeover first"
        )));
    }
    if held_by == worker {
        note(report, me, format!("{me} already reads from {root}"));
    } else {
        if my.node_type.as_deref() == Some("root") {
            for step in 1..=3 {
                pool.cmd(
                    me,
                    "select * from pgq_node.demote_root($1, $2, $3)",
                    &[&q, &step, &root],
                    report,
                )?;
            }
        }
        pool.cmd(
            me,
            "select * from pgq_node.set_consumer_paused($1, $2, true)",
            &[&q, &worker],
            report,
        )?;
        let subs: Vec<String> = pool
            .node(me)?
            .query(
                "select node_name from pgq_node.get_subscriber_info($1) order by 1",
                &[&q],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for s in subs {
            pool.cmd(
                me,
                "select * from pgq_node.unregister_subscriber($1, $2)",
                &[&q, &s],
                report,
            )?;
        }
    }
    let lost = drop_lost_events(pool, me, tick, report)?;
    if held_by != worker {
        pool.cmd(
            me,
            "select * from pgq_node.set_consumer_completed($1, $2, $3)",
            &[&q, &worker, &tick],
            report,
        )?;
        pool.cmd(
            &root,
            "select * from pgq_node.unregister_subscriber($1, $2)",
            &[&q, &me],
            report,
        )?;
        let rows = pool.cmd(
            &root,
            "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
            &[&q, &me, &worker, &tick],
            report,
        )?;
        let watermark: Option<i64> = rows
            .first()
            .and_then(|r| r.try_get("global_watermark").ok())
            .flatten();
        if let Some(w) = watermark {
            pool.cmd(
                me,
                "select * from pgq_node.set_global_watermark($1, $2)",
                &[&q, &w],
                report,
            )?;
        }
    }
    // Alive again: on the root first (it tells every node through the
    // queue), then on the others directly.
    let none: Option<String> = None;
    pool.cmd(
        &root,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&q, &me, &none],
        report,
    )?;
    tag_node(pool, me, false, report)?;
    note(
        report,
        me,
        format!(
            "{me} is a branch of {root}; its worker {worker} is paused: \"resume node {me};\" when the lost events are dealt with"
        ),
    );
    Ok(Resurrected { root, tick, lost })
}

/// Read, then delete, the events queued on `node` after `tick` (and the
/// ticks after it), the way a consumer reads them: a throwaway consumer
/// at `tick` takes batches until none is left. Then the events and ticks
/// are deleted from the queue's tables, which pgq has no function for.
fn drop_lost_events(
    pool: &mut Pool,
    node: &str,
    tick: i64,
    report: Reporter<'_>,
) -> Result<Vec<LostEvent>> {
    let q = pool.queue.clone();
    let reader = format!("{node}.lost");
    let c = pool.node(node)?;
    let last = match queue_last_tick(c, &q)? {
        Some(l) if l > tick => l,
        _ => return Ok(Vec::new()),
    };
    let mut lost = Vec::new();
    c.query_one(
        "select pgq.register_consumer_at($1, $2, $3)",
        &[&q, &reader, &tick],
    )?;
    loop {
        let batch: Option<i64> = c
            .query_one(
                "select batch_id from pgq.next_batch_info($1, $2)",
                &[&q, &reader],
            )?
            .get(0);
        let Some(batch) = batch else { break };
        for r in c.query(
            "select ev_id, ev_time::text, ev_type, ev_data, ev_extra1
               from pgq.get_batch_events($1) order by ev_id",
            &[&batch],
        )? {
            lost.push(LostEvent {
                id: r.get(0),
                time: r.get(1),
                kind: r.get(2),
                data: r.get(3),
                extra1: r.get(4),
            });
        }
        c.query_one("select pgq.finish_batch($1)", &[&batch])?;
    }
    c.query_one("select pgq.unregister_consumer($1, $2)", &[&q, &reader])?;
    // The events between the two ticks, by the ticks' snapshots, in every
    // event table of the queue.
    let mut tx = c.transaction()?;
    let tables: Vec<String> = tx
        .query(
            "select quote_ident(split_part(queue_data_pfx, '.', 1)) || '.'
                    || quote_ident(split_part(queue_data_pfx, '.', 2) || '_' || n)
               from pgq.queue, generate_series(0, queue_ntables - 1) n
              where queue_name = $1",
            &[&q],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut deleted = 0;
    for t in &tables {
        deleted += tx.execute(
            &format!(
                "delete from {t} e using pgq.tick t1, pgq.tick t2, pgq.queue q
                  where q.queue_name = $1
                    and t1.tick_queue = q.queue_id and t1.tick_id = $2
                    and t2.tick_queue = q.queue_id and t2.tick_id = $3
                    and e.ev_txid >= txid_snapshot_xmin(t1.tick_snapshot)
                    and e.ev_txid <= txid_snapshot_xmax(t2.tick_snapshot)
                    and not txid_visible_in_snapshot(e.ev_txid, t1.tick_snapshot)
                    and txid_visible_in_snapshot(e.ev_txid, t2.tick_snapshot)"
            ),
            &[&q, &tick, &last],
        )?;
    }
    let ticks = tx.execute(
        "delete from pgq.tick t using pgq.queue q
          where q.queue_name = $1 and t.tick_queue = q.queue_id
            and t.tick_id > $2 and t.tick_id <= $3",
        &[&q, &tick, &last],
    )?;
    tx.commit()?;
    note(
        report,
        node,
        format!(
            "{} lost event(s) read; {deleted} event(s) and {ticks} tick(s) after tick {tick} deleted from the queue",
            lost.len()
        ),
    );
    Ok(lost)
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

/// The last tick of `queue` on a node (none on a leaf: it has no queue).
fn queue_last_tick(c: &mut Client, queue: &str) -> Result<Option<i64>> {
    Ok(
        c.query_opt("select last_tick_id from pgq.get_queue_info($1)", &[&queue])?
            .and_then(|r| r.get(0)),
    )
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

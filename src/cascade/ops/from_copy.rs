//! A new node from a copy: `create branch | leaf node <new> from copy`,
//! run on a database restored from a `pg_dump` of a member (logical copy)
//! or started from a base backup / point-in-time restore of one (physical
//! copy), turns it into a new member without Londiste's initial copy.
//!
//! Steps, in order, each reported:
//! 1. recognise the copy ([`identity`]): the node it carries, and whether
//!    it is a logical copy (another system identifier or database oid) or
//!    a physical one (the same system identifier and database oid, on a
//!    later timeline or another server started from a backup); the original itself, a standby in recovery
//!    and a database that cannot be told apart from the original are
//!    refused;
//! 2. the tick the copy's data corresponds to: for a branch or leaf copy
//!    the completed tick of its worker (the worker applies a batch and
//!    marks it completed in one transaction); for a root copy the queue's
//!    last tick that the root has with the same snapshot (a ticker on the
//!    copy's database may have added ticks of its own), plus the events
//!    the copy holds past that tick (committed
//!    before the copy was taken, not yet ticked): their transactions are
//!    given to the new node's Londiste worker as the tables' custom
//!    snapshot, so it skips exactly them in its first batches (Londiste's
//!    own mechanism for a table copied while events flow);
//! 3. the txid epoch of a logical copy: its ticks hold the source
//!    cluster's txids; when this cluster is behind them, the copy's queue
//!    would compute its batches wrong, so the queue is not kept: it is
//!    created anew in this cluster's txids, holding only the starting tick
//!    (a new node has no subscribers of its own yet); a leaf keeps no
//!    queue at all;
//! 4. the provider (by default the copied node, or its provider for a
//!    leaf copy) must still hold the starting tick, and for a root copy
//!    with events past its last tick it must be the root (the custom
//!    snapshot is in the root's txids);
//! 5. the copy's Londiste tables: each must exist here, be in sync on the
//!    copy (a branch or leaf copy) and be in the provider's table list;
//! 6. register the new node's location on the root, the provider and the
//!    reachable members; subscribe it on the provider at the starting tick
//!    (`pgq_node.register_subscriber` with that tick);
//! 7. on the copy, in one transaction: drop the copied node's local state
//!    (`pgq_node.drop_node`, local only: the original is another database
//!    and is never connected to for a change of its own), create the new
//!    node at the starting tick (`pgq_node.create_node`), register the
//!    tables as in sync (`londiste.local_add_table` with `expect_sync`,
//!    then `londiste.local_set_table_state` with the custom snapshot) and
//!    the sequences; then record the new node's identity.
//!
//! Tables written directly: none (pgq_node's, pgq's and Londiste's
//! functions only). Repeatable: the copy is only read until step 7, and
//! steps 6 and 7 check what is done; once the copy is the new node, a
//! rerun checks its subscription on the provider and says it is done.

use std::time::Duration;

use crate::db::Client;

use super::pool::lock_member;
use super::{note, warn};
use crate::cascade::identity::{self, Verdict};
use crate::cascade::{
    connect, exec_cmd, find_root, members, node_info, Error, NodeType, Provider, Reporter, Result,
};

/// What `create branch | leaf node <new> from copy` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromCopy {
    /// The queue.
    pub queue: String,
    /// Branch or leaf.
    pub node_type: NodeType,
    /// The new node's name.
    pub name: String,
    /// The node the copy was made from, when the user names it (checked).
    pub of: Option<String>,
    /// The provider (default: the copied node, or a leaf copy's provider).
    pub provider: Option<Provider>,
    /// The new node's public connect string.
    pub location: String,
    /// The new node's worker name.
    pub worker: String,
}

/// How the copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    /// pg_dump / pg_restore: another cluster's txids.
    Logical,
    /// Base backup or point-in-time restore: the source's own history.
    Physical,
}

impl CopyKind {
    fn describe(self) -> &'static str {
        match self {
            CopyKind::Logical => "a logical copy (pg_dump/pg_restore: another system identifier)",
            CopyKind::Physical => {
                "a physical copy (base backup or point-in-time restore: the same system identifier)"
            }
        }
    }
}

/// What the operation found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromCopyDone {
    /// The node the copy was made from.
    pub source: String,
    /// The kind of copy (`None` on a rerun that found it done).
    pub kind: Option<CopyKind>,
    /// The tick the new node starts at.
    pub tick: i64,
    /// Its provider.
    pub provider: String,
    /// The tables marked in sync.
    pub tables: Vec<String>,
    /// Events of the copy past its last tick, skipped by the worker
    /// (a root copy).
    pub skipped_events: i64,
    /// How far this cluster's txids were behind the copy's ticks (a
    /// logical copy; 0 when not behind).
    pub txids_behind: i64,
}

/// The largest txid range a custom snapshot may span.
const MAX_SNAPSHOT_RANGE: i64 = 1_000_000;

/// A txid snapshot `xmin:xmax:xip,...`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snap {
    xmin: i64,
    xmax: i64,
    xip: Vec<i64>,
}

impl Snap {
    fn parse(s: &str) -> Option<Snap> {
        let mut p = s.split(':');
        let xmin = p.next()?.parse().ok()?;
        let xmax = p.next()?.parse().ok()?;
        let xip = match p.next()? {
            "" => Vec::new(),
            l => l
                .split(',')
                .map(|x| x.parse().ok())
                .collect::<Option<Vec<i64>>>()?,
        };
        Some(Snap { xmin, xmax, xip })
    }

    fn visible(&self, x: i64) -> bool {
        x < self.xmin || (x < self.xmax && !self.xip.contains(&x))
    }

    fn render(&self) -> String {
        let xip: Vec<String> = self.xip.iter().map(i64::to_string).collect();
        format!("{}:{}:{}", self.xmin, self.xmax, xip.join(","))
    }
}

/// The snapshot that sees what the tick saw plus the transactions `extra`
/// (committed after the tick, before the copy), and nothing else.
fn widen(tick: &Snap, extra: &[i64]) -> Result<Snap> {
    let top = extra.iter().copied().max().unwrap_or(0);
    let xmax = tick.xmax.max(top + 1);
    if xmax - tick.xmin > MAX_SNAPSHOT_RANGE {
        return Err(Error::Invalid(format!(
            "the copy's events past its last tick span txids {}..{}, more than {MAX_SNAPSHOT_RANGE}: a transaction stayed open a long time on the root while the copy was taken; take the copy again",
            tick.xmin, xmax
        )));
    }
    let xip = (tick.xmin..xmax)
        .filter(|x| !tick.visible(*x) && !extra.contains(x))
        .collect();
    Ok(Snap {
        xmin: tick.xmin,
        xmax,
        xip,
    })
}

/// One Londiste table of the copy.
struct CopyTable {
    name: String,
    state: Option<String>,
    attrs: Option<String>,
    dest: Option<String>,
}

/// What the copy holds, read before anything changes.
struct Plan {
    source: String,
    source_type: String,
    kind: CopyKind,
    tick: i64,
    snapshot: Option<String>,
    skipped_events: i64,
    txids_behind: i64,
    tables: Vec<CopyTable>,
    seqs: Vec<String>,
}

/// Turn the copy behind `local` into node `spec.name`. Used by `create
/// branch | leaf node <new> from copy`.
pub fn create_from_copy(
    local: &mut Client,
    spec: &FromCopy,
    timeout: Duration,
    report: Reporter<'_>,
) -> Result<FromCopyDone> {
    let q = spec.queue.as_str();
    let me = spec.name.as_str();
    if spec.node_type == NodeType::Root {
        return Err(Error::Invalid(
            "a copy becomes a branch or a leaf: create branch | leaf node <new> from copy".into(),
        ));
    }
    let info = node_info(local, q)?;
    let Some(node_type) = info.node_type.clone() else {
        return Err(Error::Invalid(format!(
            "this database holds no node of queue \"{q}\": it is not a copy of a member (create branch | leaf node {me} without \"from copy\" makes a new node with Londiste's initial copy)"
        )));
    };
    let local_name = info.node_name.clone().unwrap_or_default();
    if local_name == me {
        return finished_already(local, spec, &info, &node_type, timeout, report);
    }
    let plan = recognise(local, spec, &local_name, &node_type, timeout, report)?;
    let provider_name = match &spec.provider {
        Some(Provider::Node(n)) => n.clone(),
        Some(Provider::Location(_)) => String::new(),
        None if plan.source_type == "leaf" => info.provider_node.clone().unwrap_or_default(),
        None => plan.source.clone(),
    };
    let given = match &spec.provider {
        Some(Provider::Location(l)) => Provider::Location(l.clone()),
        _ => Provider::Node(provider_name),
    };
    let (mut provider, pinfo, provider_name) =
        crate::cascade::reach_provider(local, q, &given, "this copy", timeout)?;
    identity::check_member(&mut provider, q, &provider_name)?;
    // One cascade operation at a time: the provider and (below) the root
    // are where this one changes anything; every other operation locks
    // them too.
    lock_member(&mut provider, q, &provider_name)?;
    if !matches!(pinfo.node_type.as_deref(), Some("root" | "branch")) {
        return Err(Error::Invalid(format!(
            "node \"{provider_name}\" is a leaf: it cannot be a provider"
        )));
    }
    if plan.snapshot.is_some() && provider_name != plan.source {
        return Err(Error::Invalid(format!(
            "the copy holds {} events committed on {} after its last tick {}; the new node skips them by their transaction ids, which are {}'s: its provider must be {} (leave provider out, or give provider {})",
            plan.skipped_events, plan.source, plan.tick, plan.source, plan.source, plan.source
        )));
    }
    let has_tick: bool = provider
        .query_one(
            "select exists (select 1 from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue where q.queue_name = $1 and t.tick_id = $2)",
            &[&q, &plan.tick],
        )?
        .get(0);
    if !has_tick {
        return Err(Error::Invalid(format!(
            "tick {} (where the copy's data stands) is no longer on {provider_name}: its queue has rotated past the copy; take a newer copy, or name a provider that still holds it",
            plan.tick
        )));
    }
    note(
        report,
        &provider_name,
        format!("provider {provider_name} holds tick {}", plan.tick),
    );
    let provider_tables: Vec<String> = if crate::db::has_extension(&mut provider, "londiste")? {
        provider
            .query("select table_name from londiste.get_table_list($1)", &[&q])?
            .iter()
            .map(|r| r.get(0))
            .collect()
    } else {
        Vec::new()
    };
    for t in &plan.tables {
        if !provider_tables.contains(&t.name) {
            return Err(Error::Invalid(format!(
                "table {} is replicated on the copy but not in {provider_name}'s table list: remove it from the copy (londiste remove-table) or add it on the root first",
                t.name
            )));
        }
    }
    if !plan.tables.is_empty() {
        let names: Vec<&str> = plan.tables.iter().map(|t| t.name.as_str()).collect();
        note(
            report,
            me,
            format!(
                "tables checked: {} (each present here and in {provider_name}'s list)",
                names.join(", ")
            ),
        );
    }

    // Members: register the new location everywhere reachable.
    let (mut root, root_name) = find_root(&mut provider, &provider_name, &pinfo, q, timeout)?;
    if root_name != provider_name {
        lock_member(&mut root, q, &root_name)?;
    }
    let root_members = members(&mut root, q)?;
    if let Some(m) = root_members.iter().find(|m| m.name == me) {
        if m.location.as_deref() != Some(spec.location.as_str()) {
            return Err(Error::Invalid(format!(
                "node \"{me}\" already exists in the cascade"
            )));
        }
    }
    let reg = "select * from pgq_node.register_location($1, $2, $3, false)";
    exec_cmd(
        &mut root,
        &root_name,
        reg,
        &[&q, &me, &spec.location],
        report,
    )?;
    if root_name != provider_name {
        exec_cmd(
            &mut provider,
            &provider_name,
            reg,
            &[&q, &me, &spec.location],
            report,
        )?;
    }
    for m in &root_members {
        if m.dead || m.name == root_name || m.name == provider_name || m.name == me {
            continue;
        }
        let Some(loc) = &m.location else { continue };
        if let Ok(mut other) = connect(&m.name, loc, timeout) {
            if identity::check_member(&mut other, q, &m.name).is_ok() {
                let _ = exec_cmd(
                    &mut other,
                    &m.name,
                    reg,
                    &[&q, &me, &spec.location],
                    &mut |_| {},
                );
            }
        }
    }

    // Subscribe at the copy's tick.
    let subscribed: Option<i64> = provider
        .query_opt(
            "select c.last_tick from pgq_node.subscriber_info s join pgq.get_consumer_info($1, $3) c on true where s.queue_name = $1 and s.subscriber_node = $2",
            &[&q, &me, &spec.worker],
        )?
        .map(|r| r.get(0));
    match subscribed {
        Some(t) if t == plan.tick => note(
            report,
            &provider_name,
            format!("{me} already subscribed at tick {t}"),
        ),
        Some(t) => {
            return Err(Error::Invalid(format!(
                "{me} is subscribed on {provider_name} at tick {t}, not at the copy's tick {}: another node of that name? (drop node {me}; on {provider_name} first)",
                plan.tick
            )))
        }
        None => {
            exec_cmd(
                &mut provider,
                &provider_name,
                "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
                &[&q, &me, &spec.worker, &plan.tick],
                report,
            )?;
            note(
                report,
                &provider_name,
                format!("{me} subscribed at tick {}", plan.tick),
            );
        }
    }

    // The copy becomes the new node, in one transaction.
    let root_members = members(&mut root, q)?;
    {
        let mut tx = local.transaction()?;
        let c: &mut Client = &mut tx;
        exec_cmd(
            c,
            me,
            "select * from pgq_node.drop_node($1, $2)",
            &[&q, &plan.source],
            report,
        )?;
        for m in &root_members {
            exec_cmd(
                c,
                me,
                "select * from pgq_node.register_location($1, $2, $3, $4)",
                &[&q, &m.name, &m.location, &m.dead],
                &mut |_| {},
            )?;
        }
        let none_text: Option<String> = None;
        exec_cmd(
            c,
            me,
            "select * from pgq_node.create_node($1, $2, $3, $4, $5, $6, $7)",
            &[
                &q,
                &spec.node_type.as_str(),
                &me,
                &spec.worker,
                &provider_name,
                &plan.tick,
                &none_text,
            ],
            report,
        )?;
        crate::cascade::copy_londiste_registry(&mut provider, c, q, me, &mut |_| {})?;
        for t in &plan.tables {
            let args = vec!["expect_sync".to_string()];
            exec_cmd(
                c,
                me,
                "select * from londiste.local_add_table($1, $2, $3, $4, $5)",
                &[&q, &t.name, &args, &t.attrs, &t.dest],
                &mut |_| {},
            )?;
            exec_cmd(
                c,
                me,
                "select * from londiste.local_set_table_state($1, $2, $3, 'ok')",
                &[&q, &t.name, &plan.snapshot],
                &mut |_| {},
            )?;
        }
        for s in &plan.seqs {
            exec_cmd(
                c,
                me,
                "select * from londiste.local_add_seq($1, $2)",
                &[&q, s],
                &mut |_| {},
            )?;
        }
        tx.commit()?;
    }
    if !plan.tables.is_empty() {
        let names: Vec<&str> = plan.tables.iter().map(|t| t.name.as_str()).collect();
        note(
            report,
            me,
            format!("tables in sync, no initial copy: {}", names.join(", ")),
        );
    }
    let seen = identity::observe(local, q)?;
    identity::record(local, q, &seen)?;
    note(
        report,
        me,
        format!(
            "{me} is a {} node made from a copy of {}, reading from {provider_name} from tick {}",
            spec.node_type.as_str(),
            plan.source,
            plan.tick
        ),
    );
    Ok(FromCopyDone {
        source: plan.source,
        kind: Some(plan.kind),
        tick: plan.tick,
        provider: provider_name,
        tables: plan.tables.into_iter().map(|t| t.name).collect(),
        skipped_events: plan.skipped_events,
        txids_behind: plan.txids_behind,
    })
}

/// A rerun after the copy became the new node: check its subscription.
fn finished_already(
    local: &mut Client,
    spec: &FromCopy,
    info: &crate::cascade::NodeInfo,
    node_type: &str,
    timeout: Duration,
    report: Reporter<'_>,
) -> Result<FromCopyDone> {
    let q = spec.queue.as_str();
    let me = spec.name.as_str();
    if node_type != spec.node_type.as_str() {
        return Err(Error::AlreadyInitialized {
            node: me.to_string(),
            node_type: node_type.to_string(),
        });
    }
    let provider_name = info.provider_node.clone().unwrap_or_default();
    let loc = info
        .provider_location
        .clone()
        .ok_or_else(|| Error::Invalid(format!("node \"{me}\" has no provider location")))?;
    let tick = info.worker_last_tick.unwrap_or(0);
    let mut provider = connect(&provider_name, &loc, timeout)?;
    identity::check_member(&mut provider, q, &provider_name)?;
    let subscribed: bool = provider
        .query_one(
            "select exists (select 1 from pgq_node.subscriber_info where queue_name = $1 and subscriber_node = $2)",
            &[&q, &me],
        )?
        .get(0);
    if !subscribed {
        exec_cmd(
            &mut provider,
            &provider_name,
            "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
            &[&q, &me, &spec.worker, &tick],
            report,
        )?;
    }
    let seen = identity::observe(local, q)?;
    identity::record(local, q, &seen)?;
    note(
        report,
        me,
        format!("this database is node {me} already (made from a copy), reading from {provider_name}: nothing left to do"),
    );
    let tables: Vec<String> = local
        .query(
            "select table_name from londiste.get_table_list($1) where local",
            &[&q],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    Ok(FromCopyDone {
        source: me.to_string(),
        kind: None,
        tick,
        provider: provider_name,
        tables,
        skipped_events: 0,
        txids_behind: 0,
    })
}

/// Steps 1 to 3 and the copy's side of 5: what the copy is, where its
/// data stands. Reads only.
fn recognise(
    local: &mut Client,
    spec: &FromCopy,
    source: &str,
    source_type: &str,
    timeout: Duration,
    report: Reporter<'_>,
) -> Result<Plan> {
    let q = spec.queue.as_str();
    let me = spec.name.as_str();
    if let Some(of) = &spec.of {
        if of != source {
            return Err(Error::Invalid(format!(
                "this database is a copy of node \"{source}\", not of \"{of}\""
            )));
        }
    }
    let seen = identity::observe(local, q)?;
    if seen.verdict() == Verdict::Standby {
        return Err(Error::Invalid(format!(
            "this database is a physical standby of node \"{source}\" still in recovery: promote it first (pg_ctl promote), then run this again"
        )));
    }
    let actual = seen.actual.ok_or_else(|| {
        Error::Invalid(
            "cannot read this database's system identifier (pg_control_system() needs a superuser or pg_monitor): a copy cannot be told from the original".into(),
        )
    })?;
    // What the original is: at its registered location, else the record.
    let source_location = members(local, q)?
        .into_iter()
        .find(|m| m.name == source)
        .and_then(|m| m.location);
    let there = source_location
        .as_deref()
        .and_then(|l| connect(source, l, timeout).ok())
        .and_then(|mut c| identity::observe(&mut c, q).ok())
        .filter(|o| o.node.as_deref() == Some(source));
    if let Some(o) = &there {
        if o.actual == seen.actual && o.started == seen.started {
            return Err(Error::Invalid(format!(
                "this database is node \"{source}\" itself, not a copy of it (it answers at {source}'s location): run this on the copy"
            )));
        }
    }
    let original = there.as_ref().and_then(|o| o.actual).or(seen.recorded);
    let kind = match (original, seen.verdict()) {
        (Some(o), _) if o.system_id == actual.system_id && o.db_oid == actual.db_oid => {
            CopyKind::Physical
        }
        (Some(_), _) => CopyKind::Logical,
        (None, Verdict::Restored) => CopyKind::Logical,
        (None, Verdict::Promoted { .. }) => CopyKind::Physical,
        (None, _) => {
            return Err(Error::Invalid(format!(
                "cannot tell that this database is a copy of node \"{source}\": no identity is recorded for {source} and it does not answer at its location"
            )))
        }
    };
    if original == Some(actual) && there.is_none() && seen.verdict() == Verdict::Original {
        return Err(Error::Invalid(format!(
            "this database has node \"{source}\"'s own identity and {source} does not answer at its location: it may be {source} itself; if {source} is gone, use takeover instead"
        )));
    }
    note(
        report,
        me,
        format!(
            "this database is {} of node {source} ({source_type})",
            kind.describe()
        ),
    );

    // Where the data stands.
    let (tick, snapshot, skipped_events) = if source_type == "root" {
        root_position(
            local,
            q,
            me,
            source,
            source_location.as_deref(),
            timeout,
            report,
        )?
    } else {
        let info = node_info(local, q)?;
        let worker = info.worker_name.clone().unwrap_or_default();
        let tick = info.worker_last_tick.ok_or_else(|| {
            Error::Invalid(format!(
                "the copy of {source} has no completed tick for its worker {worker}"
            ))
        })?;
        note(
            report,
            me,
            format!("the copy's data stands at tick {tick} ({source}'s worker {worker} had completed it)"),
        );
        (tick, None, 0)
    };

    // The txid epoch.
    let txids_behind = if kind == CopyKind::Logical {
        let r = local.query_one(
            "select coalesce(max(txid_snapshot_xmax(tick_snapshot)), 0), txid_snapshot_xmax(txid_current_snapshot()) from pgq.tick",
            &[],
        )?;
        let (ticks, ours): (i64, i64) = (r.get(0), r.get(1));
        // The events past the last tick are the source's latest txids.
        let theirs = snapshot
            .as_deref()
            .and_then(Snap::parse)
            .map_or(ticks, |s| s.xmax.max(ticks));
        let behind = (theirs - ours).max(0);
        if theirs == 0 {
            note(
                report,
                me,
                "txid epoch: the copy holds no ticks, nothing to compare".into(),
            );
        } else if behind > 0 {
            let what = if spec.node_type == NodeType::Leaf {
                "a leaf keeps no queue, so nothing computes batches in those txids here"
            } else {
                "the copy's queue is not kept: it is created anew in this cluster's txids holding only the starting tick (the new node has no subscribers yet)"
            };
            warn(
                report,
                me,
                format!("txid epoch: the copy's ticks and events hold {source}'s txids (up to {theirs}), this cluster is at {ours}, {behind} behind: batches computed on the copied queue would be wrong; {what}"),
            );
        } else {
            note(
                report,
                me,
                format!("txid epoch: this cluster (at {ours}) is past the copy's ticks ({theirs}); the queue is created anew all the same"),
            );
        }
        behind
    } else {
        0
    };

    // Tables and sequences.
    let mut tables = Vec::new();
    let mut seqs = Vec::new();
    if crate::db::has_extension(local, "londiste")? {
        for r in local.query(
            "select table_name, merge_state, table_attrs, dest_table, to_regclass(coalesce(dest_table, table_name)) is not null from londiste.get_table_list($1) where local",
            &[&q],
        )? {
            let t = CopyTable {
                name: r.get(0),
                state: r.get(1),
                attrs: r.get(2),
                dest: r.get(3),
            };
            let exists: bool = r.get(4);
            if !exists {
                return Err(Error::Invalid(format!(
                    "table {} is registered on the copy but does not exist here: the copy is incomplete",
                    t.name
                )));
            }
            if source_type != "root" && t.state.as_deref() != Some("ok") {
                return Err(Error::Invalid(format!(
                    "table {} was not in sync on {source} when the copy was taken (state {}): its data is not at tick {tick}; wait until it is in sync there and take the copy again, or remove it from the copy (londiste remove-table) and add it afterwards",
                    t.name,
                    t.state.as_deref().unwrap_or("none, not copied yet")
                )));
            }
            tables.push(t);
        }
        seqs = local
            .query(
                "select seq_name from londiste.get_seq_list($1) where local",
                &[&q],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
    }
    Ok(Plan {
        source: source.to_string(),
        source_type: source_type.to_string(),
        kind,
        tick,
        snapshot,
        skipped_events,
        txids_behind,
        tables,
        seqs,
    })
}

/// A root copy: the queue's last tick, and the transactions of the
/// events it holds past that tick, as a custom snapshot.
///
/// The copy's own ticker (pgqd ticks every root queue of the databases it
/// serves, a restored copy's too) may have added ticks after the copy was
/// taken, with ids the root uses for other points in time: the last tick
/// is the last one whose snapshot is the root's tick of that id, read at
/// the root.
fn root_position(
    local: &mut Client,
    q: &str,
    me: &str,
    source: &str,
    source_location: Option<&str>,
    timeout: Duration,
    report: Reporter<'_>,
) -> Result<(i64, Option<String>, i64)> {
    let unverifiable = |why: String| {
        Error::Invalid(format!(
            "cannot check the copy's ticks against the root {source} ({why}): a root copy is turned into a node only while its root answers"
        ))
    };
    let loc = source_location.ok_or_else(|| unverifiable("no location known".into()))?;
    let mut root = connect(source, loc, timeout).map_err(|e| unverifiable(e.to_string()))?;
    identity::check_member(&mut root, q, source)?;
    let rows = local.query(
        "select t.tick_id, t.tick_snapshot::text, q.queue_data_pfx from pgq.queue q join pgq.tick t on t.tick_queue = q.queue_id where q.queue_name = $1 order by t.tick_id desc limit 100",
        &[&q],
    )?;
    if rows.is_empty() {
        return Err(Error::Invalid(format!(
            "the copy of {source} has no tick of queue \"{q}\""
        )));
    }
    let mut found = None;
    let mut made_here = Vec::new();
    for r in &rows {
        let id: i64 = r.get(0);
        let snap: String = r.get(1);
        let at_root: Option<String> = root
            .query_opt(
                "select t.tick_snapshot::text from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue where q.queue_name = $1 and t.tick_id = $2",
                &[&q, &id],
            )?
            .map(|r| r.get(0));
        match at_root {
            Some(s) if s == snap => {
                found = Some((id, snap, r.get::<_, String>(2)));
                break;
            }
            Some(_) => made_here.push(id),
            None => {
                let last: Option<i64> = root
                    .query_one(
                        "select max(t.tick_id) from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue where q.queue_name = $1",
                        &[&q],
                    )?
                    .get(0);
                if last.is_some_and(|l| id > l) {
                    made_here.push(id);
                } else {
                    return Err(Error::Invalid(format!(
                        "tick {id} (where the copy's data stands) is no longer on {source}: its queue has rotated past the copy; take a newer copy"
                    )));
                }
            }
        }
    }
    let Some((tick, snap_text, table)) = found else {
        return Err(Error::Invalid(format!(
            "none of the copy's last {} ticks is one of {source}'s: it is not a copy of {source}'s queue",
            rows.len()
        )));
    };
    if !made_here.is_empty() {
        warn(
            report,
            me,
            format!(
                "tick(s) {} of the copy were made here after the copy was taken (a ticker runs on this database): ignored, the copy stands at {source}'s tick {tick}",
                made_here.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ),
        );
    }
    let snap = Snap::parse(&snap_text)
        .ok_or_else(|| Error::Invalid(format!("unreadable tick snapshot {snap_text}")))?;
    // queue_data_pfx is pgq's own table name (schema.table); checked to be
    // one before it goes into the statement.
    let ok = table.split_once('.').is_some_and(|(s, t)| {
        [s, t].iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
    });
    if !ok {
        return Err(Error::Invalid(format!(
            "unexpected event table name {table}"
        )));
    }
    let rows = local.query(
        &format!(
            "select ev_txid, count(*) from {table} where not txid_visible_in_snapshot(ev_txid, $1::text::txid_snapshot) group by 1 order by 1"
        ),
        &[&snap_text],
    )?;
    let extra: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    let events: i64 = rows.iter().map(|r| r.get::<_, i64>(1)).sum();
    if extra.is_empty() {
        note(
            report,
            me,
            format!("the copy's data stands at tick {tick}, {source}'s last tick in the copy (no event past it)"),
        );
        return Ok((tick, None, 0));
    }
    let wide = widen(&snap, &extra)?;
    note(
        report,
        me,
        format!(
            "the copy's data stands at tick {tick}, {source}'s last tick in the copy, plus {events} events of {} transactions committed after it: the new node's worker skips them (a custom snapshot over txids {}..{}, {} of them not in the copy)",
            extra.len(),
            wide.xmin,
            wide.xmax,
            wide.xip.len()
        ),
    );
    Ok((tick, Some(wide.render()), events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_widened_by_exactly_the_copied_transactions() {
        let tick = Snap::parse("100:105:101,103").unwrap();
        // The tick saw <100, 100, 102, 104; 101 and 106 committed before
        // the copy; 103, 105 and anything from 107 did not.
        let w = widen(&tick, &[101, 106]).unwrap();
        assert_eq!(w.render(), "100:107:103,105");
        for x in [99, 100, 101, 102, 104, 106] {
            assert!(w.visible(x), "{x}");
        }
        for x in [103, 105, 107, 200] {
            assert!(!w.visible(x), "{x}");
        }
        assert_eq!(Snap::parse("5:5:").unwrap().xip, Vec::<i64>::new());
        assert!(Snap::parse("x:5:").is_none());
    }

    #[test]
    fn a_huge_range_is_refused() {
        let tick = Snap::parse("100:105:").unwrap();
        assert!(widen(&tick, &[100 + MAX_SNAPSHOT_RANGE + 1]).is_err());
    }
}

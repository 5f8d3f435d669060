//! Resurrect: an old root that came back rejoins the cascade as a branch
//! of the new root, and the events it has that never reached the cascade
//! are found and reported.
//!
//! What it writes, on the old root: `pgq.queue` and `pgq.tick` (through
//! `pgq_node.demote_root`), `pgq_node.node_info` and
//! `pgq_node.local_state` (demotion, `set_consumer_paused`,
//! `set_consumer_completed`), `pgq.subscription` (a temporary reader of
//! the lost events: `register_consumer_at`, `finish_batch`,
//! `unregister_consumer`), and directly, with plain DELETEs that pgq has
//! no function for, the queue's event tables `pgq.event_<id>_<n>` and
//! `pgq.tick` after the kept tick. On the new root and the other members:
//! `pgq_node.subscriber_info` and `pgq.subscription`
//! (`register_subscriber`, `unregister_subscriber` of the gravestone),
//! the global watermark (`set_global_watermark`), `pgq_node.node_location`
//! (`register_location`, and the dead flag through [`super::tag_node`]).
//!
//! An old root whose promoted physical standby took its place (a
//! WAL-standby takeover: the same node name, now on a later timeline at
//! the location the members know) cannot rejoin under that name:
//! `resurrect` there only counts, exactly, the events it holds that the
//! new root lacks (by ev_id and event time) and writes nothing
//! ([`count_superseded`]).

use super::takeover::queue_last_tick;
use super::{gravestone, note, tag_node, warn, Pool};
use crate::cascade::{identity, Error, Reporter, Result};
use crate::db::Client;

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
    if let Some(loc) = superseding_standby(pool, me, report)? {
        return count_superseded(pool, me, &loc, report);
    }
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
    let lost = drop_lost_events(pool, me, &root, tick, report)?;
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
/// takes batches until none is left. Which of them are lost is decided by
/// event identity, never by tick id: an event `root` also holds (the same
/// ev_id and data: branches keep the ev_id) reached the cascade. The tick
/// ids of the two nodes need not match (a restored or promoted old root
/// may reuse ids): the read starts at `node`'s last tick not after `tick`.
/// Then the events and ticks are deleted from the queue's tables, which
/// pgq has no function for.
fn drop_lost_events(
    pool: &mut Pool,
    node: &str,
    root: &str,
    tick: i64,
    report: Reporter<'_>,
) -> Result<Vec<LostEvent>> {
    let q = pool.queue.clone();
    let reader = format!("{node}.lost");
    let c = pool.node(node)?;
    let start: Option<i64> = c
        .query_one(
            "select coalesce(max(t.tick_id) filter (where t.tick_id <= $2), min(t.tick_id))
               from pgq.tick t join pgq.queue q on t.tick_queue = q.queue_id
              where q.queue_name = $1",
            &[&q, &tick],
        )?
        .get(0);
    let Some(tick) = start else {
        return Ok(Vec::new());
    };
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
    let read = lost.len();
    let reached = reached_cascade(pool.node(root)?, &q, &lost)?;
    lost.retain(|e| !reached.contains(&(e.id, e.data.clone())));
    note(
        report,
        node,
        format!(
            "{read} event(s) after tick {tick}: {} reached the cascade ({root} has them, by event id), {} lost; {deleted} event(s) and {ticks} tick(s) deleted from the queue",
            read - lost.len(),
            lost.len()
        ),
    );
    Ok(lost)
}

/// Which of `events` the node behind `c` holds in its queue (the same
/// ev_id and data).
fn reached_cascade(
    c: &mut Client,
    queue: &str,
    events: &[LostEvent],
) -> Result<std::collections::HashSet<(i64, Option<String>)>> {
    if events.is_empty() {
        return Ok(Default::default());
    }
    let parent: Option<String> = c
        .query_opt(
            "select quote_ident(split_part(queue_data_pfx, '.', 1)) || '.'
                    || quote_ident(split_part(queue_data_pfx, '.', 2))
               from pgq.queue where queue_name = $1",
            &[&queue],
        )?
        .map(|r| r.get(0));
    let Some(parent) = parent else {
        return Ok(Default::default());
    };
    let ids: String = events
        .iter()
        .map(|e| e.id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    // The parent event table holds every one of the queue's event tables.
    Ok(c.query(
        &format!(
            "select ev_id, ev_data from {parent}
              where ev_id = any(string_to_array($1, ',')::int8[])"
        ),
        &[&ids],
    )?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect())
}

/// The location of a promoted standby of `me` that took `me`'s place, as
/// the other members know it: a member registers `me` at another location
/// than this database's own, and what answers there is `me` on a later
/// timeline of this very database ([`identity::superseded_by`]).
fn superseding_standby(pool: &mut Pool, me: &str, report: Reporter<'_>) -> Result<Option<String>> {
    let q = pool.queue.clone();
    let own = pool.member(me)?.location.clone();
    let mine = identity::observe(pool.node(me)?, &q)?;
    let others: Vec<String> = pool.live().into_iter().filter(|n| n != me).collect();
    let mut tried: Vec<String> = Vec::new();
    for n in others {
        let Ok(c) = pool.node(&n) else { continue };
        let Ok(Some(r)) = c.query_opt(
            "select node_location from pgq_node.get_queue_locations($1) where node_name = $2",
            &[&q, &me],
        ) else {
            continue;
        };
        let loc: String = r.get(0);
        if Some(&loc) == own.as_ref() || tried.contains(&loc) {
            continue;
        }
        tried.push(loc.clone());
        let mut there = match crate::cascade::connect(me, &loc, pool.timeout) {
            Ok(c) => c,
            Err(e) => {
                warn(
                    report,
                    &n,
                    format!("{n} knows {me} at {loc}, which does not answer: {e}"),
                );
                continue;
            }
        };
        let theirs = identity::observe(&mut there, &q)?;
        if identity::superseded_by(&mine, &theirs) {
            return Ok(Some(loc));
        }
    }
    Ok(None)
}

/// On an old root superseded by its promoted standby (at `loc`): the
/// events this database holds that the new root lacks, by event identity
/// (ev_id and event time: branches keep both, and the new root's own new
/// events reuse no pair), counted exactly. Events older than the oldest
/// the new root still holds (its event tables rotated) cannot be compared
/// and are said. Writes nothing anywhere.
pub fn count_superseded(
    pool: &mut Pool,
    me: &str,
    loc: &str,
    report: Reporter<'_>,
) -> Result<Resurrected> {
    let q = pool.queue.clone();
    note(
        report,
        me,
        format!("this database is {me}'s old primary: its promoted standby at {loc} took its place (same system and database, a later timeline); it cannot rejoin as {me}, its lost events are counted and nothing is changed"),
    );
    let parent = |c: &mut Client| -> Result<String> {
        c.query_opt(
            "select quote_ident(split_part(queue_data_pfx, '.', 1)) || '.' || quote_ident(split_part(queue_data_pfx, '.', 2)) from pgq.queue where queue_name = $1",
            &[&q],
        )?
        .map(|r| r.get(0))
        .ok_or_else(|| Error::Invalid(format!("queue \"{q}\" does not exist")))
    };
    // Event identity: the id and the time in microseconds (independent
    // of either server's time zone).
    let key = "ev_id, (extract(epoch from ev_time) * 1000000)::int8";
    let mut new_root = crate::cascade::connect(me, loc, pool.timeout)?;
    let theirs_table = parent(&mut new_root)?;
    let oldest: Option<i64> = new_root
        .query_one(&format!("select min(ev_id) from {theirs_table}"), &[])?
        .get(0);
    let low = oldest.unwrap_or(i64::MAX);
    let c = pool.node(me)?;
    let mine_table = parent(c)?;
    let uncompared: i64 = c
        .query_one(
            &format!("select count(*) from {mine_table} where ev_id < $1"),
            &[&low],
        )?
        .get(0);
    let mine: Vec<(i64, i64)> = c
        .query(
            &format!("select {key} from {mine_table} where ev_id >= $1 order by ev_id"),
            &[&low],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let (first, last) = match (mine.first(), mine.last()) {
        (Some(a), Some(b)) => (a.0, b.0),
        _ => (0, -1),
    };
    let held: std::collections::HashSet<(i64, i64)> = new_root
        .query(
            &format!("select {key} from {theirs_table} where ev_id between $1 and $2"),
            &[&first, &last],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let missing: Vec<i64> = mine
        .iter()
        .filter(|k| !held.contains(k))
        .map(|k| k.0)
        .collect();
    let ids = format!(
        "{{{}}}",
        missing
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let lost: Vec<LostEvent> = pool
        .node(me)?
        .query(
            &format!(
                "select ev_id, ev_time::text, ev_type, ev_data, ev_extra1 from {mine_table} where ev_id = any($1::int8[]) order by ev_id"
            ),
            &[&ids],
        )?
        .iter()
        .map(|r| LostEvent {
            id: r.get(0),
            time: r.get(1),
            kind: r.get(2),
            data: r.get(3),
            extra1: r.get(4),
        })
        .collect();
    let range = match (lost.first(), lost.last()) {
        (Some(a), Some(b)) => format!(" (ev_id {}..{})", a.id, b.id),
        _ => String::new(),
    };
    warn(
        report,
        me,
        format!(
            "lost: {} event(s){range} reached {me}'s old primary only: of its {} event(s) from ev_id {first}, the new root at {loc} holds the others",
            lost.len(),
            mine.len()
        ),
    );
    if uncompared > 0 {
        warn(
            report,
            me,
            format!("{uncompared} older event(s) here (before ev_id {low}) not compared: the new root no longer holds events that old (its event tables rotated)"),
        );
    }
    Ok(Resurrected {
        root: me.to_string(),
        tick: 0,
        lost,
    })
}

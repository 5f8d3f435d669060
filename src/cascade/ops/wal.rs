//! WAL-standby takeover: `takeover <root> dead` run on a promoted physical
//! standby of the dead root (the standby's local node is the root's own
//! name). The steps of failover.md §2: fence the standby's queue, pause
//! and measure every reachable member, classify WAL ahead / behind, for
//! "behind" rebuild the missing ticks on the standby from the most
//! advanced branch (one tick per branch tick, the events with their
//! original ev_id, the row changes applied with triggers off), move the
//! queue's sequences past every id seen, reposition the root's
//! subscribers at the tick they completed, register the root's location
//! as the standby's on every member, unfence, resume, record the new
//! identity, and say what was lost.
//!
//! Tables it writes:
//! - on the standby (the new root): `pgq.queue` (`external_ticker` through
//!   `pgq.set_queue_config`; the tick and event sequences through
//!   `pgq.seq_setval` and `pgq.ticker`), `pgq.tick` (`pgq.ticker`), the
//!   queue's event tables `pgq.event_<id>_<n>` (delete of the events it
//!   re-inserts; `pgq.insert_event_raw`), the replicated tables named by
//!   the rebuilt batches' events (insert / update / delete / truncate with
//!   `session_replication_role = replica`, and whatever a rebuilt
//!   `londiste execute` script changes), `londiste.applied_execute`
//!   (`londiste.execute_start`), `londiste.seq_info` and the replicated
//!   sequences (`pgq.seq_setval`), `pgq.subscription`
//!   (`pgq.register_consumer_at`, `pgq_node.register_subscriber`),
//!   `pgq_node.node_location` (`pgq_node.register_location`, which also
//!   queues a `pgq.location-info` event), `pgq_node.node_info.node_attrs`
//!   (the identity record; the old primary's standby records dropped),
//!   `pgq_node.local_state` (pause / resume);
//! - on every other reachable member: `pgq_node.node_location`
//!   (`register_location`), `pgq_node.node_info.node_attrs` (the standby
//!   records of the root dropped) and `pgq_node.local_state` (its worker
//!   paused during the sync and resumed after). The branch the ticks are
//!   read from is only read otherwise.
//!
//! Event types rebuilt, each the way the Londiste worker applies it:
//! row events `I:` / `U:` / `D:` (urlencoded rows, the primary key in the
//! type), `R` (TRUNCATE ... CASCADE of the table's local destination,
//! unless it is not a local table or its handler ignores truncates),
//! `EXECUTE` (`londiste.execute_start`, the script's attributes checked
//! and its `@name@` tags replaced, the script run; an already applied
//! file skipped), `londiste.update-seq` (what
//! `londiste.global_update_seq` does, which refuses to run on a root:
//! `seq_info.last_value` and `pgq.seq_setval` of a local sequence), and
//! pgq's own `pgq.location-info` / `pgq.global-watermark` (re-inserted,
//! nothing to apply on the root). Table and sequence registry events and
//! SQL-format rows in a missing batch are refused before anything is
//! rebuilt: the fence is lifted and the paused workers go on, nothing is
//! changed and nothing is lost silently.
//!
//! Standby records ([`record_standbys`]): a member keeps the root's
//! physical standby locations in its own node attributes
//! (`qadmin_standby.<node>=<location>`, one key per location), so a
//! dead-root takeover run on a branch checks them ([`check_standby`])
//! without being told where they are.
//!
//! Each tick is rebuilt in one transaction (rows and events), then the
//! tick in one of its own (as a branch worker does), so an interrupted run
//! is finished by running it again: the rerun measures the standby's new
//! last tick and goes on from there.

use std::collections::{BTreeSet, HashSet};

use super::workers::{ask_paused, await_paused};
use super::{note, warn, Pool, Wait};
use crate::cascade::{identity, Error, Reporter, Result};
use crate::db::{Client, Param};

/// What the standby had compared with the branches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalCase {
    /// The standby has every tick a member has completed.
    Ahead {
        /// The standby's last tick.
        last_tick: i64,
    },
    /// A branch got further than the standby: its ticks were rebuilt.
    Behind {
        /// The standby's last tick before the rebuild.
        last_tick: i64,
        /// The branch the missing ticks came from.
        from: String,
        /// Its last tick.
        branch_tick: i64,
    },
}

/// What a WAL-standby takeover did and what it could not save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandbyTakeover {
    /// Ahead or behind.
    pub case: WalCase,
    /// Ticks rebuilt on the standby.
    pub rebuilt: Vec<i64>,
    /// Events re-inserted with their ev_id.
    pub events_copied: u64,
    /// Row changes applied to the standby's tables.
    pub rows_applied: u64,
    /// TRUNCATEs applied.
    pub truncates: u64,
    /// `londiste execute` scripts run.
    pub executes: u64,
    /// Sequence updates applied.
    pub sequences: u64,
    /// The lost events, as far as the living nodes tell.
    pub lost: Lost,
}

/// Events that reached the dead root only, as far as the living nodes
/// can tell. Two parts:
/// - known: ev_ids between the lowest position a member holds and the
///   highest id any living node holds that no living node has (each one
///   an event that reached the dead root only, or an id a rolled-back
///   transaction took: the dead root alone could say which), counted and
///   listed;
/// - unknowable here: the events the dead root committed after that
///   highest id (past the standby's WAL end and past every branch's last
///   batch). Only the dead root holds them; the report says so instead of
///   a number, and `resurrect;` run on the old root's database once it
///   answers counts every lost event exactly
///   ([`super::resurrect()`], which calls `count_superseded` there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    /// The highest ev_id any living node holds.
    pub highest: i64,
    /// The ev_id from which the gaps are counted.
    pub from: i64,
    /// Ranges of ev_ids (inclusive) between `from` and `highest` that no
    /// living node holds.
    pub gaps: Vec<(i64, i64)>,
    /// How many ids those ranges hold.
    pub gap_ids: i64,
    /// The dead root's event id sequence as the standby's copy of it
    /// read after the promotion (logged up to 32 ahead of the ids used).
    pub standby_seq: i64,
}

impl Lost {
    /// The report's sentence.
    pub fn sentence(&self, old: &str) -> String {
        let known = if self.gap_ids == 0 {
            format!(
                "known: 0 events, no ev_id between {} and {} is missing on the living nodes",
                self.from, self.highest
            )
        } else {
            let ranges: Vec<String> = self
                .gaps
                .iter()
                .take(20)
                .map(|(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}-{b}")
                    }
                })
                .collect();
            format!(
                "known: at most {} events, the {} ev_id(s) between {} and {} that are on no living node, each an event that reached {old} only or an id a rolled-back transaction took: {}{}",
                self.gap_ids,
                self.gap_ids,
                self.from,
                self.highest,
                ranges.join(", "),
                if self.gaps.len() > 20 { ", ..." } else { "" }
            )
        };
        let mut s = format!("lost (events that reached {old} only): {known}");
        s.push_str(&format!(
            "; not knowable without {old}: how many events {old} committed after ev_id {} (neither the standby's WAL nor a branch's batch holds any of them",
            self.highest
        ));
        if self.standby_seq > self.highest {
            s.push_str(&format!(
                "; its event sequence had reached {} where the standby's WAL ends, logged up to 32 ahead of the ids used",
                self.standby_seq
            ));
        }
        s.push_str(&format!(
            "); when {old}'s old database answers again, \"resurrect;\" run there counts every lost event exactly (it only reads)"
        ));
        s
    }
}

/// A member as measured with its worker paused.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    node_type: String,
    worker: Option<String>,
    provider: Option<String>,
    tick: i64,
}

/// A queue's tables on one node.
struct QueueTables {
    id: i64,
    events: String,
    event_seq: String,
    tick_seq: String,
}

fn queue_tables(c: &mut Client, q: &str) -> Result<QueueTables> {
    let r = c
        .query_opt(
            "select queue_id::int8, queue_data_pfx, queue_event_seq, queue_tick_seq from pgq.queue where queue_name = $1",
            &[&q],
        )?
        .ok_or_else(|| Error::Invalid(format!("queue \"{q}\" does not exist here")))?;
    let events: String = r.get(1);
    // Spliced into SQL: it must be a plain qualified name.
    if !events
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')
    {
        return Err(Error::Invalid(format!("odd event table name {events:?}")));
    }
    Ok(QueueTables {
        id: r.get(0),
        events,
        event_seq: r.get(2),
        tick_seq: r.get(3),
    })
}

/// One tick row.
#[derive(Debug, Clone)]
struct Tick {
    id: i64,
    time: String,
    snapshot: String,
    event_seq: i64,
}

fn ticks(c: &mut Client, queue_id: i64, from: i64, to: i64) -> Result<Vec<Tick>> {
    Ok(c
        .query(
            "select tick_id, tick_time::text, tick_snapshot::text, tick_event_seq from pgq.tick where tick_queue = $1 and tick_id between $2 and $3 order by tick_id",
            &[&queue_id, &from, &to],
        )?
        .iter()
        .map(|r| Tick {
            id: r.get(0),
            time: r.get(1),
            snapshot: r.get(2),
            event_seq: r.get(3),
        })
        .collect())
}

/// One event as the queue holds it.
#[derive(Debug, Clone)]
struct Event {
    id: i64,
    time: String,
    owner: Option<i32>,
    retry: Option<i32>,
    kind: Option<String>,
    data: Option<String>,
    extra: [Option<String>; 4],
}

/// The events of the batch between two ticks of one node: visible in
/// `to`'s snapshot and not in `from`'s.
fn batch(c: &mut Client, events: &str, from: &str, to: &str) -> Result<Vec<Event>> {
    let sql = format!(
        "select ev_id, ev_time::text, ev_owner, ev_retry, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4
           from {events}
          where ev_txid >= txid_snapshot_xmin($1::txid_snapshot)
            and ev_txid < txid_snapshot_xmax($2::txid_snapshot)
            and txid_visible_in_snapshot(ev_txid, $2::txid_snapshot)
            and not txid_visible_in_snapshot(ev_txid, $1::txid_snapshot)
          order by ev_id"
    );
    Ok(c.query(&sql, &[&from, &to])?
        .iter()
        .map(|r| Event {
            id: r.get(0),
            time: r.get(1),
            owner: r.get(2),
            retry: r.get(3),
            kind: r.get(4),
            data: r.get(5),
            extra: [r.get(6), r.get(7), r.get(8), r.get(9)],
        })
        .collect())
}

/// What rebuilding an event takes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Apply {
    /// A Londiste row event: operation, primary key columns.
    Row(char, Vec<String>),
    /// `R`: TRUNCATE of the table in ev_extra1.
    Truncate,
    /// `EXECUTE`: a `londiste execute` script (ev_data the SQL, ev_extra1
    /// the file name, ev_extra2 its urlencoded attributes).
    Execute,
    /// `londiste.update-seq`: the sequence in ev_extra1 published at the
    /// value in ev_data.
    Seq,
    /// Re-inserted only (pgq's own events: nothing to apply on the root).
    Keep,
}

fn classify(e: &Event) -> std::result::Result<Apply, String> {
    let kind = e.kind.as_deref().unwrap_or("");
    let needs_extra1 = |what: Apply| {
        if e.extra[0].as_deref().unwrap_or("").is_empty() {
            Err(format!(
                "{kind} event {} names no object in ev_extra1",
                e.id
            ))
        } else {
            Ok(what)
        }
    };
    match kind {
        "pgq.location-info" | "pgq.global-watermark" => return Ok(Apply::Keep),
        "R" => return needs_extra1(Apply::Truncate),
        "EXECUTE" => return needs_extra1(Apply::Execute),
        "londiste.update-seq" => {
            if e.data
                .as_deref()
                .unwrap_or("")
                .trim()
                .parse::<i64>()
                .is_err()
            {
                return Err(format!(
                    "sequence event {} carries no value ({:?})",
                    e.id,
                    e.data.as_deref().unwrap_or("")
                ));
            }
            return needs_extra1(Apply::Seq);
        }
        _ => {}
    }
    if let Some((op, keys)) = kind.split_once(':') {
        if let ("I" | "U" | "D", false) = (op, keys.is_empty()) {
            if e.extra[0].is_none() {
                return Err(format!("row event {} names no table", e.id));
            }
            let ch = op.chars().next().unwrap_or('I');
            return Ok(Apply::Row(
                ch,
                keys.split(',').map(str::to_string).collect(),
            ));
        }
    }
    Err(format!(
        "event {} of type {kind:?} (rebuilt are Londiste row events I/U/D with keys, TRUNCATE, EXECUTE, londiste.update-seq and pgq's location and watermark events; table and sequence registry events and SQL-format rows are not)",
        e.id
    ))
}

/// What applying the non-row events of a tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Others {
    truncates: u64,
    executes: u64,
    sequences: u64,
    /// Said in the tick's step line (skipped ones and why).
    notes: Vec<String>,
}

/// The name with `public.` when it has no schema (skytools.fq_name).
fn fq_name(n: &str) -> String {
    if n.contains('.') {
        n.to_string()
    } else {
        format!("public.{n}")
    }
}

/// A TRUNCATE as the Londiste worker applies it: of the table's local
/// destination, `CASCADE`, unless the table is not registered here (or
/// not local) or its handler says `ignore_truncate`.
fn apply_truncate(c: &mut Client, q: &str, e: &Event, out: &mut Others) -> Result<()> {
    let table = e.extra[0].clone().unwrap_or_default();
    let row = c.query_opt(
        "select coalesce(dest_table, table_name), coalesce(table_attrs, '') from londiste.get_table_list($1) where table_name = $2 and local",
        &[&q, &fq_name(&table)],
    )?;
    let Some(row) = row else {
        out.notes.push(format!(
            "TRUNCATE of {table} (event {}) skipped: not a local table here",
            e.id
        ));
        return Ok(());
    };
    let dest: String = row.get(0);
    let attrs: String = row.get(1);
    if handler_args(&attrs)
        .iter()
        .any(|(k, v)| k == "ignore_truncate" && !v.is_empty())
    {
        out.notes.push(format!(
            "TRUNCATE of {table} (event {}) skipped: its handler ignores truncates",
            e.id
        ));
        return Ok(());
    }
    c.batch_execute(&format!("truncate {} cascade", table_name(&dest)))?;
    out.truncates += 1;
    Ok(())
}

/// The arguments of a table's handler: `table_attrs` is urlencoded, its
/// `handler` key `name(k=v&k2=v2)` (`,` also separates).
fn handler_args(table_attrs: &str) -> Vec<(String, String)> {
    let Some(h) = decode_row(table_attrs)
        .into_iter()
        .find(|(k, _)| k == "handler")
        .and_then(|(_, v)| v)
    else {
        return Vec::new();
    };
    let Some(inner) = h
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
    else {
        return Vec::new();
    };
    decode_row(&inner.replace(',', "&"))
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

/// An EXECUTE as the Londiste worker applies it: recorded in
/// `londiste.applied_execute` by `londiste.execute_start(q, file, sql,
/// false, attrs)` (a file already recorded is skipped, as the worker
/// skips it), its attributes checked against this node's tables and
/// sequences, `@name@` tags replaced by the local names, the script run.
/// `londiste.execute_finish` is not called: on a root it queues the
/// EXECUTE event again, and the original is re-inserted with its ev_id.
/// The script runs with `session_replication_role = replica` like the
/// rest of the tick: the row changes it made on the dead root are in the
/// batch as row events of their own.
fn apply_execute(c: &mut Client, q: &str, e: &Event, out: &mut Others) -> Result<()> {
    let file = e.extra[0].clone().unwrap_or_default();
    let sql = e.data.clone().unwrap_or_default();
    let attrs = e.extra[1].clone();
    let r = c.query_one(
        "select ret_code, ret_note from londiste.execute_start($1, $2, $3, false, $4)",
        &[&q, &file, &sql, &attrs],
    )?;
    let code: i32 = r.get(0);
    if code > 200 {
        let why: String = r.get(1);
        out.notes
            .push(format!("EXECUTE {file} (event {}) skipped: {why}", e.id));
        return Ok(());
    }
    let parsed = exec_attrs(attrs.as_deref().unwrap_or(""));
    let mut matched = Vec::new();
    let mut missed = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for (key, names) in &parsed {
        for name in names {
            let fq = fq_name(name);
            let found: Option<String> = match key.as_str() {
                "local-table" | "local-destination" => c
                    .query_opt(
                        "select coalesce(dest_table, table_name) from londiste.get_table_list($1) where table_name = $2 and local",
                        &[&q, &fq],
                    )?
                    .map(|r| r.get(0)),
                "local-sequence" => c
                    .query_opt(
                        "select seq_name from londiste.get_seq_list($1) where seq_name = $2 and local",
                        &[&q, &fq],
                    )?
                    .map(|r| r.get(0)),
                "need-table" | "need-sequence" | "need-view" => {
                    let kinds = match key.as_str() {
                        "need-table" => "{r,p}",
                        "need-sequence" => "{S}",
                        _ => "{v,m}",
                    };
                    let (schema, rel) = fq.split_once('.').unwrap_or(("public", &fq));
                    c.query_opt(
                        "select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2 and c.relkind::text = any($3::text[])",
                        &[&schema, &rel, &kinds],
                    )?
                    .map(|_| fq.clone())
                }
                "need-schema" => c
                    .query_opt(
                        "select 1 from pg_catalog.pg_namespace where nspname = $1",
                        &[name],
                    )?
                    .map(|_| name.clone()),
                "need-function" => {
                    let (fname, nargs) = match name.split_once('(') {
                        Some((f, rest)) => (
                            f.to_string(),
                            rest.trim_end_matches(')').trim().parse::<i32>().unwrap_or(0),
                        ),
                        None => (name.clone(), 0),
                    };
                    let fq = fq_name(&fname);
                    let (schema, f) = fq.split_once('.').unwrap_or(("public", &fq));
                    c.query_opt(
                        "select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = $2 and p.pronargs = $3",
                        &[&schema, &f, &nargs],
                    )?
                    .map(|_| fq.clone())
                }
                other => {
                    return Err(Error::Invalid(format!(
                        "EXECUTE {file} (event {}) has attribute {other:?}, which the Londiste worker does not know either",
                        e.id
                    )))
                }
            };
            let found = match (key.as_str(), found) {
                // Local-Destination also needs the destination table.
                ("local-destination", Some(dest)) => {
                    let exists: bool = c
                        .query_one("select to_regclass($1) is not null", &[&dest])?
                        .get(0);
                    exists.then_some(dest)
                }
                (_, f) => f,
            };
            match found {
                Some(local) => {
                    if key.starts_with("local-") {
                        renames.push((name.clone(), local));
                    }
                    matched.push(name.clone());
                }
                None => missed.push(name.clone()),
            }
        }
    }
    if !matched.is_empty() && !missed.is_empty() {
        return Err(Error::Invalid(format!(
            "EXECUTE {file} (event {}) only partly matches this node (found {}, missing {}): the Londiste worker stops on it too",
            e.id,
            matched.join(", "),
            missed.join(", ")
        )));
    }
    if !missed.is_empty() {
        out.notes.push(format!(
            "EXECUTE {file} (event {}) recorded, not run: its objects are not here ({})",
            e.id,
            missed.join(", ")
        ));
        return Ok(());
    }
    let mut script = sql;
    for (name, local) in renames {
        script = script.replace(&format!("@{name}@"), &table_name(&local));
    }
    c.batch_execute(&script)?;
    out.executes += 1;
    Ok(())
}

/// `londiste execute` attributes as the event carries them: urlencoded,
/// keys lower case, values comma-separated.
fn exec_attrs(urlenc: &str) -> Vec<(String, Vec<String>)> {
    decode_row(urlenc)
        .into_iter()
        .map(|(k, v)| {
            (
                k.trim().to_lowercase(),
                v.unwrap_or_default()
                    .split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect(),
            )
        })
        .collect()
}

/// A sequence event as `londiste.global_update_seq` applies it (which
/// refuses to run on a root, so its two steps are done here):
/// `londiste.seq_info.last_value` set to the published value (the row
/// added when the sequence is not registered), and a local sequence moved
/// forward to it with `pgq.seq_setval`.
fn apply_seq(c: &mut Client, q: &str, e: &Event, out: &mut Others) -> Result<()> {
    let seq = e.extra[0].clone().unwrap_or_default();
    let value: i64 = e
        .data
        .as_deref()
        .unwrap_or("")
        .trim()
        .parse()
        .map_err(|_| Error::Invalid(format!("sequence event {} carries no value", e.id)))?;
    let local: Option<bool> = c
        .query_opt(
            "update londiste.seq_info set last_value = $3 where queue_name = $1 and seq_name = londiste.make_fqname($2) returning local",
            &[&q, &seq, &value],
        )?
        .map(|r| r.get(0));
    match local {
        None => {
            c.execute(
                "insert into londiste.seq_info (queue_name, seq_name, last_value) values ($1, londiste.make_fqname($2), $3)",
                &[&q, &seq, &value],
            )?;
        }
        Some(true) => {
            c.query_one(
                "select pgq.seq_setval(londiste.make_fqname($1), $2)",
                &[&seq, &value],
            )?;
        }
        Some(false) => {}
    }
    out.sequences += 1;
    Ok(())
}

/// Decode an urlencoded row: `a=1&b&c=x+y` (a key without `=` is NULL).
fn decode_row(data: &str) -> Vec<(String, Option<String>)> {
    data.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (unescape(k), Some(unescape(v))),
            None => (unescape(kv), None),
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `schema.table` (as Londiste writes it in ev_extra1) quoted.
fn table_name(t: &str) -> String {
    match t.split_once('.') {
        Some((s, n)) => format!("{}.{}", ident(s), ident(n)),
        None => ident(t),
    }
}

/// The statement and parameters applying one row event.
fn row_sql(
    op: char,
    keys: &[String],
    table: &str,
    data: &str,
) -> Result<(String, Vec<Option<String>>)> {
    let row = decode_row(data);
    let tbl = table_name(table);
    let key_of = |k: &String| -> Result<Option<String>> {
        row.iter()
            .find(|(c, _)| c == k)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::Invalid(format!("row event on {table} lacks key column {k}")))
    };
    let mut params: Vec<Option<String>> = Vec::new();
    let sql = match op {
        'I' => {
            let cols: Vec<String> = row.iter().map(|(c, _)| ident(c)).collect();
            let marks: Vec<String> = (1..=row.len()).map(|i| format!("${i}")).collect();
            params.extend(row.iter().map(|(_, v)| v.clone()));
            format!(
                "insert into {tbl} ({}) values ({})",
                cols.join(", "),
                marks.join(", ")
            )
        }
        'U' => {
            let mut sets = Vec::new();
            for (c, v) in row.iter().filter(|(c, _)| !keys.contains(c)) {
                params.push(v.clone());
                sets.push(format!("{} = ${}", ident(c), params.len()));
            }
            let mut conds = Vec::new();
            for k in keys {
                params.push(key_of(k)?);
                conds.push(format!("{} = ${}", ident(k), params.len()));
            }
            if sets.is_empty() {
                // Only the key: nothing to change but the row must exist.
                format!("select 1 from {tbl} where {}", conds.join(" and "))
            } else {
                format!(
                    "update {tbl} set {} where {}",
                    sets.join(", "),
                    conds.join(" and ")
                )
            }
        }
        _ => {
            let mut conds = Vec::new();
            for k in keys {
                params.push(key_of(k)?);
                conds.push(format!("{} = ${}", ident(k), params.len()));
            }
            format!("delete from {tbl} where {}", conds.join(" and "))
        }
    };
    Ok((sql, params))
}

/// A takeover run on the local database `me`, a promoted standby of the
/// dead root of the same name, registering `location` (how the members
/// reach the standby) as the root's. See the module head for the steps.
pub fn takeover_standby(
    pool: &mut Pool,
    me: &str,
    location: &str,
    wait: &Wait<'_>,
    report: Reporter<'_>,
) -> Result<StandbyTakeover> {
    let q = pool.queue.clone();
    let info = pool.info(me)?;
    if info.node_type.as_deref() != Some("root") {
        return Err(Error::Invalid(format!(
            "{me} here is a {}, not the root: a WAL-standby takeover runs on a promoted standby of the root",
            info.node_type.as_deref().unwrap_or("node of no type")
        )));
    }

    // 0. Fence: nothing ticks on the standby until it is in sync.
    note(
        report,
        me,
        format!("fencing queue {q}: external ticker on (pgqd leaves it alone)"),
    );
    set_external_ticker(pool, me, &q, true)?;

    // 1. Every reachable member, its worker paused, then measured. A
    // failure before anything is rebuilt lifts the fence and resumes what
    // this run paused.
    let others: Vec<String> = pool.live().into_iter().filter(|n| n != me).collect();
    let mut paused_here: Vec<(String, String)> = Vec::new();
    let mut reached: Vec<String> = Vec::new();
    for n in others {
        let i = match pool.info(&n) {
            Ok(i) => i,
            Err(e) => {
                warn(report, &n, format!("not reachable, left as it is: {e}"));
                continue;
            }
        };
        if let (Some(w), false) = (i.worker_name.clone(), i.worker_paused == Some(true)) {
            if let Err(e) = ask_paused(pool, &n, &w, true, report) {
                return undo(pool, me, &q, &paused_here, wait, report, e);
            }
            paused_here.push((n.clone(), w));
        }
        reached.push(n);
    }
    let asked: Vec<(&str, &str, bool)> = paused_here
        .iter()
        .map(|(n, w)| (n.as_str(), w.as_str(), true))
        .collect();
    if let Err(e) = await_paused(pool, &asked, wait, report) {
        return undo(pool, me, &q, &paused_here, wait, report, e);
    }
    let mut members: Vec<Member> = Vec::new();
    for n in reached {
        let i = match pool.info(&n) {
            Ok(i) => i,
            Err(e) => return undo(pool, me, &q, &paused_here, wait, report, e),
        };
        members.push(Member {
            name: n,
            node_type: i.node_type.unwrap_or_default(),
            worker: i.worker_name,
            provider: i.provider_node,
            tick: i.worker_last_tick.unwrap_or(0),
        });
    }
    let mine = queue_tables(pool.node(me)?, &q)?;
    let tw: i64 = pool
        .node(me)?
        .query_one("select last_tick_id from pgq.get_queue_info($1)", &[&q])?
        .get(0);
    let standby_seq: i64 = pool
        .node(me)?
        .query_one("select pgq.seq_getval($1)", &[&mine.event_seq])?
        .get(0);
    for m in &members {
        note(
            report,
            &m.name,
            format!(
                "{} at tick {} (standby {me} at tick {tw})",
                m.node_type, m.tick
            ),
        );
    }

    // 2. Classify.
    let best = members
        .iter()
        .filter(|m| m.node_type == "branch")
        .max_by_key(|m| m.tick)
        .cloned();
    let reach = best.as_ref().map_or(tw, |b| b.tick.max(tw));
    if let Some(leaf) = members
        .iter()
        .find(|m| m.node_type == "leaf" && m.provider.as_deref() == Some(me) && m.tick > reach)
    {
        let e = Error::Invalid(format!(
            "leaf {} completed tick {} of {me}, and neither the standby (tick {tw}) nor any branch has it: its batches cannot be rebuilt from any queue (a leaf keeps none); nothing was changed",
            leaf.name, leaf.tick
        ));
        return undo(pool, me, &q, &paused_here, wait, report, e);
    }
    let (case, plan) = match best.filter(|b| b.tick > tw) {
        None => {
            note(report, me, format!("WAL ahead: the standby has every tick a member completed (its last: {tw}); no event to rebuild"));
            (WalCase::Ahead { last_tick: tw }, None)
        }
        Some(b) => {
            note(
                report,
                me,
                format!("WAL behind: {} completed tick {}, the standby stops at {tw}: rebuilding ticks {tw}..{} from {}", b.name, b.tick, b.tick, b.name),
            );
            match plan_rebuild(pool, me, &q, &mine, &b, tw) {
                Ok(p) => (
                    WalCase::Behind {
                        last_tick: tw,
                        from: b.name.clone(),
                        branch_tick: b.tick,
                    },
                    Some(p),
                ),
                Err(e) => return undo(pool, me, &q, &paused_here, wait, report, e),
            }
        }
    };

    // 3-5. Rebuild.
    let mut done = StandbyTakeover {
        case,
        rebuilt: Vec::new(),
        events_copied: 0,
        rows_applied: 0,
        truncates: 0,
        executes: 0,
        sequences: 0,
        lost: Lost {
            highest: 0,
            from: 0,
            gaps: Vec::new(),
            gap_ids: 0,
            standby_seq,
        },
    };
    if let Some(plan) = &plan {
        rebuild(pool, me, &q, &mine, plan, &mut done, report)?;
    }

    // Sequences past every id any node has seen.
    let mut top_tick = tw.max(members.iter().map(|m| m.tick).max().unwrap_or(0));
    let mut top_event: i64 = pool
        .node(me)?
        .query_one(
            &format!("select coalesce(max(ev_id), 0) from {}", mine.events),
            &[],
        )?
        .get(0);
    for m in members.iter().filter(|m| m.node_type == "branch") {
        let theirs = (|| -> Result<(i64, i64)> {
            let c = pool.node(&m.name)?;
            let t = queue_tables(c, &q)?;
            let r = c.query_one(
                &format!(
                    "select coalesce((select max(ev_id) from {}), 0), coalesce((select max(tick_id) from pgq.tick where tick_queue = $1), 0)",
                    t.events
                ),
                &[&t.id],
            )?;
            Ok((r.get(0), r.get(1)))
        })();
        match theirs {
            Ok((e, t)) => {
                top_event = top_event.max(e);
                top_tick = top_tick.max(t);
            }
            Err(e) => warn(report, &m.name, format!("its ids could not be read: {e}")),
        }
    }
    let c = pool.node(me)?;
    c.query_one(
        "select pgq.seq_setval($1, $2), pgq.seq_setval($3, $4)",
        &[
            &mine.event_seq,
            &top_event.max(standby_seq),
            &mine.tick_seq,
            &top_tick,
        ],
    )?;
    note(
        report,
        me,
        format!(
            "sequences moved past every id seen: events > {}, ticks > {top_tick}",
            top_event.max(standby_seq)
        ),
    );

    // 6. Every subscriber of the root at the tick it completed.
    let subscribed: HashSet<String> = pool
        .node(me)?
        .query(
            "select node_name from pgq_node.get_subscriber_info($1)",
            &[&q],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for m in members.iter().filter(|m| m.provider.as_deref() == Some(me)) {
        let Some(w) = m.worker.clone() else { continue };
        if subscribed.contains(&m.name) {
            pool.node(me)?.query_one(
                "select pgq.register_consumer_at($1, $2, $3)",
                &[&q, &w, &m.tick],
            )?;
            note(
                report,
                me,
                format!("subscriber {} ({w}) positioned at tick {}", m.name, m.tick),
            );
        } else {
            pool.cmd(
                me,
                "select * from pgq_node.register_subscriber($1, $2, $3, $4)",
                &[&q, &m.name, &w, &m.tick],
                report,
            )?;
        }
    }

    // 7. The root's location is the standby's, on every member.
    let mut everyone = vec![me.to_string()];
    everyone.extend(members.iter().map(|m| m.name.clone()));
    for n in &everyone {
        let r = pool.cmd(
            n,
            "select * from pgq_node.register_location($1, $2, $3, false)",
            &[&q, &me, &location],
            report,
        );
        if let Err(e) = r {
            if n == me {
                return Err(e);
            }
            warn(report, n, format!("location of {me} not changed here: {e}"));
        }
        // The standby locations recorded for the root were the old
        // primary's (this database among them).
        match pool
            .node(n)
            .and_then(|c| set_standbys_on(c, &q, me, &[]))
        {
            Ok(true) => note(
                report,
                n,
                format!("the old primary's standby record of {me} dropped here (record the new root's standbys with \"alter node {me} standby location '...';\")"),
            ),
            Ok(false) => {}
            Err(e) => warn(report, n, format!("standby record of {me} not dropped here: {e}")),
        }
    }

    // 8. Unfence, resume.
    set_external_ticker(pool, me, &q, false)?;
    note(
        report,
        me,
        format!("queue {q} unfenced: the ticker may tick it"),
    );
    // Every worker goes on, also one an interrupted run of this command
    // left paused (said, when this run did not pause it).
    let mut resume: Vec<(String, String)> = Vec::new();
    for m in &members {
        let Some(w) = m.worker.clone() else { continue };
        if pool.info(&m.name)?.worker_paused == Some(true) {
            if !paused_here.iter().any(|(n, _)| n == &m.name) {
                note(
                    report,
                    &m.name,
                    format!("worker {w} was paused before this takeover: resumed with the others"),
                );
            }
            ask_paused(pool, &m.name, &w, false, report)?;
            resume.push((m.name.clone(), w));
        }
    }
    let asked: Vec<(&str, &str, bool)> = resume
        .iter()
        .map(|(n, w)| (n.as_str(), w.as_str(), false))
        .collect();
    await_paused(pool, &asked, wait, report)?;

    // Identity: this database is the root now.
    identity::adopt(pool.node(me)?, &q)?;
    note(
        report,
        me,
        format!("{me}'s identity recorded: this database on its new timeline"),
    );

    // 9. What was lost.
    done.lost = lost(pool, me, &mine, tw, &members, standby_seq, top_event)?;
    let sentence = done.lost.sentence(me);
    warn(report, me, sentence);
    Ok(done)
}

fn set_external_ticker(pool: &mut Pool, me: &str, q: &str, on: bool) -> Result<()> {
    let v = if on { "true" } else { "false" };
    pool.node(me)?.query_one(
        "select pgq.set_queue_config($1, 'external_ticker', $2)",
        &[&q, &v],
    )?;
    Ok(())
}

/// Refused or failed before anything was rebuilt: unfence, ask the
/// workers this run paused to go on, and say why.
fn undo<T>(
    pool: &mut Pool,
    me: &str,
    q: &str,
    paused: &[(String, String)],
    wait: &Wait<'_>,
    report: Reporter<'_>,
    e: Error,
) -> Result<T> {
    let _ = wait;
    let _ = set_external_ticker(pool, me, q, false);
    // Asked, not awaited: the worker that did not answer may be gone.
    for (n, w) in paused {
        let _ = ask_paused(pool, n, w, false, report);
    }
    Err(e)
}

/// The batches to rebuild, read from branch `from` before anything is
/// written: per branch tick in (tw, tb], its events.
struct Plan {
    branch: String,
    ticks: Vec<(Tick, Vec<Event>)>,
    /// Events the standby has past its last tick.
    unbatched: HashSet<i64>,
}

fn plan_rebuild(
    pool: &mut Pool,
    me: &str,
    q: &str,
    mine: &QueueTables,
    b: &Member,
    tw: i64,
) -> Result<Plan> {
    // The standby's un-batched events: past its last tick's snapshot.
    let snap_w: String = pool
        .node(me)?
        .query_one(
            "select tick_snapshot::text from pgq.tick where tick_queue = $1 and tick_id = $2",
            &[&mine.id, &tw],
        )?
        .get(0);
    let unbatched: HashSet<i64> = pool
        .node(me)?
        .query(
            &format!(
                "select ev_id from {} where not txid_visible_in_snapshot(ev_txid, $1::txid_snapshot)",
                mine.events
            ),
            &[&snap_w],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let c = pool.node(&b.name)?;
    let theirs = queue_tables(c, q)?;
    let rows = ticks(c, theirs.id, tw, b.tick)?;
    if rows.first().map(|t| t.id) != Some(tw) {
        return Err(Error::Invalid(format!(
            "{} no longer holds tick {tw} (the standby's last): its batches cannot be lined up with the standby's; nothing was changed",
            b.name
        )));
    }
    if rows.last().map(|t| t.id) != Some(b.tick) {
        return Err(Error::Invalid(format!(
            "{} does not hold its own completed tick {}; nothing was changed",
            b.name, b.tick
        )));
    }
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for pair in rows.windows(2) {
        let (prev, t) = (&pair[0], &pair[1]);
        let evs = batch(c, &theirs.events, &prev.snapshot, &t.snapshot)?;
        for e in &evs {
            if let Err(why) = classify(e) {
                refused.push(why);
            }
        }
        out.push((t.clone(), evs));
    }
    if !refused.is_empty() {
        return Err(Error::Invalid(format!(
            "the missing batches hold what this takeover cannot rebuild: {}{}; nothing was changed: rebuild them by hand or take over from {} instead (losing what the standby holds past tick {tw})",
            refused.iter().take(5).cloned().collect::<Vec<_>>().join("; "),
            if refused.len() > 5 { "; ..." } else { "" },
            b.name
        )));
    }
    Ok(Plan {
        branch: b.name.clone(),
        ticks: out,
        unbatched,
    })
}

fn rebuild(
    pool: &mut Pool,
    me: &str,
    q: &str,
    mine: &QueueTables,
    plan: &Plan,
    done: &mut StandbyTakeover,
    report: Reporter<'_>,
) -> Result<()> {
    let in_batches: HashSet<i64> = plan
        .ticks
        .iter()
        .flat_map(|(_, evs)| evs.iter().map(|e| e.id))
        .collect();
    let both: Vec<i64> = plan
        .unbatched
        .iter()
        .copied()
        .filter(|id| in_batches.contains(id))
        .collect();

    note(
        report,
        me,
        format!(
            "{} of the standby's {} un-batched events are in {}'s batches: they move into the rebuilt ticks",
            both.len(),
            plan.unbatched.len(),
            plan.branch
        ),
    );
    for (t, evs) in &plan.ticks {
        let c = pool.node(me)?;
        let tx = Tx::begin(c)?;
        tx.c.batch_execute("set local session_replication_role = replica")?;
        // Events the standby has un-batched: their rows are in its tables
        // already, the events move into this tick (in its transaction, so
        // an interrupted run finds them where they were).
        let here: Vec<String> = evs
            .iter()
            .filter(|e| plan.unbatched.contains(&e.id))
            .map(|e| e.id.to_string())
            .collect();
        if !here.is_empty() {
            tx.c.execute(
                &format!("delete from {} where ev_id = any($1::int8[])", mine.events),
                &[&format!("{{{}}}", here.join(","))],
            )?;
        }
        let mut rows = 0u64;
        let mut others = Others::default();
        for e in evs {
            let stopped = |what: String| {
                Error::Invalid(format!(
                    "event {} ({}) on {}: {what}: the standby differs from {}; stopped before tick {} ({me}'s queue stays fenced, the workers paused; the ticks before it are rebuilt: run the takeover again once it is fixed)",
                    e.id,
                    e.kind.as_deref().unwrap_or(""),
                    e.extra[0].as_deref().unwrap_or("?"),
                    plan.branch,
                    t.id
                ))
            };
            let how = if plan.unbatched.contains(&e.id) {
                // Its effect is in the standby's tables already.
                Apply::Keep
            } else {
                classify(e).map_err(&stopped)?
            };
            match how {
                Apply::Row(op, keys) => {
                    let table = e.extra[0].clone().unwrap_or_default();
                    let (sql, params) =
                        row_sql(op, &keys, &table, e.data.as_deref().unwrap_or(""))?;
                    let ps: Vec<&dyn Param> = params.iter().map(|p| p as &dyn Param).collect();
                    let n =
                        tx.c.execute(&sql, &ps)
                            .map_err(|err| stopped(err.to_string()))?;
                    if n != 1 {
                        return Err(stopped(format!("changed {n} rows on {me}, not one")));
                    }
                    rows += 1;
                }
                Apply::Truncate => apply_truncate(tx.c, q, e, &mut others)
                    .map_err(|err| stopped(err.to_string()))?,
                Apply::Execute => apply_execute(tx.c, q, e, &mut others)
                    .map_err(|err| stopped(err.to_string()))?,
                Apply::Seq => {
                    apply_seq(tx.c, q, e, &mut others).map_err(|err| stopped(err.to_string()))?
                }
                Apply::Keep => {}
            }
            tx.c.query_one(
                "select pgq.insert_event_raw($1, $2, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    &q, &e.id, &e.time, &e.owner, &e.retry, &e.kind, &e.data, &e.extra[0],
                    &e.extra[1], &e.extra[2], &e.extra[3],
                ],
            )?;
        }
        tx.commit()?;
        // The tick in a transaction of its own, as a branch worker makes
        // it: a transaction's own id is not visible in its own snapshot,
        // so events and tick together would put the events in the next
        // batch. Interrupted here, a rerun finds these events past the
        // standby's last tick and in the branch's batch: moved again,
        // their rows not applied twice.
        pool.node(me)?.query_one(
            "select pgq.ticker($1, $2, $3::timestamptz, $4)",
            &[&q, &t.id, &t.time, &t.event_seq],
        )?;
        note(
            report,
            me,
            format!(
                "tick {} rebuilt: {} events, {rows} row changes applied{}{}",
                t.id,
                evs.len(),
                [
                    (others.truncates, "TRUNCATE"),
                    (others.executes, "EXECUTE"),
                    (others.sequences, "sequence update")
                ]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, w)| format!(", {n} {w}"))
                .collect::<String>(),
                others
                    .notes
                    .iter()
                    .map(|n| format!("; {n}"))
                    .collect::<String>()
            ),
        );
        done.rebuilt.push(t.id);
        done.events_copied += evs.len() as u64;
        done.rows_applied += rows;
        done.truncates += others.truncates;
        done.executes += others.executes;
        done.sequences += others.sequences;
    }
    Ok(())
}

/// A transaction on a plain connection, rolled back when dropped
/// uncommitted.
struct Tx<'a> {
    c: &'a mut Client,
    open: bool,
}

impl<'a> Tx<'a> {
    fn begin(c: &'a mut Client) -> Result<Tx<'a>> {
        c.batch_execute("begin")?;
        Ok(Tx { c, open: true })
    }

    fn commit(mut self) -> Result<()> {
        self.open = false;
        self.c.batch_execute("commit")?;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.c.batch_execute("rollback");
        }
    }
}

/// The ev_ids the living nodes lack, after the sync: the standby now holds
/// every event any branch had past the lowest tick a member completed.
fn lost(
    pool: &mut Pool,
    me: &str,
    mine: &QueueTables,
    tw: i64,
    members: &[Member],
    standby_seq: i64,
    highest: i64,
) -> Result<Lost> {
    let low = members
        .iter()
        .map(|m| m.tick)
        .chain([tw])
        .min()
        .unwrap_or(tw);
    let c = pool.node(me)?;
    let from: i64 = c
        .query_opt(
            "select tick_event_seq from pgq.tick where tick_queue = $1 and tick_id <= $2 order by tick_id desc limit 1",
            &[&mine.id, &low],
        )?
        .map(|r| r.get(0))
        .unwrap_or(0);
    let held: BTreeSet<i64> = c
        .query(
            &format!(
                "select ev_id from {} where ev_id > $1 and ev_id <= $2",
                mine.events
            ),
            &[&from, &highest],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut gaps: Vec<(i64, i64)> = Vec::new();
    let mut expect = from + 1;
    for id in held.iter().chain([highest + 1].iter()) {
        if *id > expect {
            gaps.push((expect, id - 1));
        }
        expect = id + 1;
    }
    let gap_ids = gaps.iter().map(|(a, b)| b - a + 1).sum();
    Ok(Lost {
        highest,
        from: from + 1,
        gaps,
        gap_ids,
        standby_seq,
    })
}

/// The attribute key under which a member records a standby location of
/// node `node` (one key per location, urlencoded like every node
/// attribute).
fn standby_key(node: &str) -> String {
    format!("qadmin_standby.{node}")
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Node attributes `attrs` with the standby locations of `node` replaced
/// by `locs` (other keys kept as they are).
fn with_standbys(attrs: &str, node: &str, locs: &[String]) -> String {
    let key = standby_key(node);
    let mut kept: Vec<String> = attrs
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| unescape(kv.split('=').next().unwrap_or("")) != key)
        .map(str::to_string)
        .collect();
    kept.extend(
        locs.iter()
            .map(|l| format!("{}={}", urlencode(&key), urlencode(l))),
    );
    kept.join("&")
}

fn standbys_in(attrs: &str, node: &str) -> Vec<String> {
    let key = standby_key(node);
    decode_row(attrs)
        .into_iter()
        .filter(|(k, _)| *k == key)
        .filter_map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .collect()
}

fn node_attrs(c: &mut Client, q: &str) -> Result<String> {
    let attrs: Option<String> = c
        .query_opt("select node_attrs from pgq_node.get_node_info($1)", &[&q])?
        .and_then(|r| r.get(0));
    Ok(attrs.unwrap_or_default())
}

/// Set the standby locations of `node` recorded on the member behind `c`;
/// whether anything changed.
fn set_standbys_on(c: &mut Client, q: &str, node: &str, locs: &[String]) -> Result<bool> {
    let attrs = node_attrs(c, q)?;
    let new = with_standbys(&attrs, node, locs);
    if new == attrs {
        return Ok(false);
    }
    c.query_one("select * from pgq_node.set_node_attrs($1, $2)", &[&q, &new])?;
    Ok(true)
}

/// The standby locations of `node` recorded on the member behind `c`.
pub fn recorded_standbys(c: &mut Client, q: &str, node: &str) -> Result<Vec<String>> {
    Ok(standbys_in(&node_attrs(c, q)?, node))
}

/// Record `locs` as the physical standby locations of `node` (the root)
/// in the node attributes of every reachable member, `node` included, so
/// that a dead-root takeover run on any of them checks those standbys
/// first ([`check_standby`]). An empty list forgets them. A member that
/// does not answer is said and skipped (run it again when it is back).
/// Returns the members written.
pub fn record_standbys(
    pool: &mut Pool,
    node: &str,
    locs: &[String],
    report: Reporter<'_>,
) -> Result<Vec<String>> {
    let own = pool.member(node)?.location.clone();
    for l in locs {
        if l.trim().is_empty() {
            return Err(Error::Invalid(format!(
                "an empty standby location for {node}: give a connection string, or none"
            )));
        }
        if Some(l) == own.as_ref() {
            return Err(Error::Invalid(format!(
                "'{l}' is {node}'s own location, not a standby's"
            )));
        }
    }
    let q = pool.queue.clone();
    let mut written = Vec::new();
    for n in pool.live() {
        let r = pool
            .node(&n)
            .and_then(|c| set_standbys_on(c, &q, node, locs));
        match r {
            Ok(changed) => {
                note(
                    report,
                    &n,
                    if locs.is_empty() {
                        format!("no standby of {node} recorded here")
                    } else {
                        format!(
                            "standby location(s) of {node} recorded here: {}{}",
                            locs.join("; "),
                            if changed { "" } else { " (already)" }
                        )
                    },
                );
                written.push(n);
            }
            Err(e) => warn(report, &n, format!("not recorded here: {e}")),
        }
    }
    Ok(written)
}

/// No silent loss from a dead-root takeover run on a branch: a promoted
/// physical standby of the dead root `old` must hold nothing that `new`
/// lacks. The standbys checked are `standby` (the `STANDBY` variable, an
/// override) or else the locations recorded on `new` for `old`
/// ([`record_standbys`], `alter node <root> standby location`). A
/// standby that holds more (a later tick, or events past the tick both
/// have that `new` has not got, by ev_id) refuses the takeover, saying to
/// run it on the standby, where the WAL-standby takeover keeps both
/// sides. A standby still in recovery is refused too (promote it first).
/// A recorded standby that does not answer is said and skipped (one given
/// in `STANDBY` must answer). Without a standby to check, the takeover
/// says so. Reads only.
pub fn check_standby(
    pool: &mut Pool,
    new: &str,
    old: &str,
    standby: Option<&str>,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    let old_was_root = !pool.live().into_iter().filter(|n| n != old).any(|n| {
        pool.info(&n)
            .map(|i| i.node_type.as_deref() == Some("root"))
            .unwrap_or(false)
    });
    if !old_was_root {
        return Ok(());
    }
    let (locs, given) = match standby {
        Some(l) => (vec![l.to_string()], true),
        None => (recorded_standbys(pool.node(new)?, &q, old)?, false),
    };
    if locs.is_empty() {
        warn(
            report,
            new,
            format!("no standby of {old} checked (none recorded: \"alter node {old} standby location '...';\" records one): if {old} had a physical standby that was (or can be) promoted, stop here and run \"takeover {old} dead;\" on it, or set STANDBY to its location so that this takeover compares it first (what the standby holds and {new} lacks is lost otherwise)"),
        );
        return Ok(());
    }
    for loc in &locs {
        let source = if given { "STANDBY" } else { "recorded" };
        note(
            report,
            new,
            format!("checking the standby of {old} at {loc} ({source})"),
        );
        let c = match crate::cascade::connect(&format!("standby of {old}"), loc, pool.timeout) {
            Ok(c) => c,
            Err(e) if !given => {
                warn(
                    report,
                    new,
                    format!(
                        "the recorded standby of {old} at {loc} does not answer, not checked: {e}"
                    ),
                );
                continue;
            }
            Err(e) => return Err(e),
        };
        check_one(pool, new, old, loc, c, report)?;
    }
    Ok(())
}

/// [`check_standby`] for one standby, reached through `c`.
fn check_one(
    pool: &mut Pool,
    new: &str,
    old: &str,
    loc: &str,
    mut c: Client,
    report: Reporter<'_>,
) -> Result<()> {
    let q = pool.queue.clone();
    let seen = identity::observe(&mut c, &q)?;
    if seen.node.as_deref() != Some(old) {
        return Err(Error::Invalid(format!(
            "the standby of {old} at {loc} is not a standby of {old}: it answers as {}",
            seen.node
                .map(|n| format!("node \"{n}\""))
                .unwrap_or_else(|| "no node of this queue".into())
        )));
    }
    match seen.verdict() {
        identity::Verdict::Promoted { .. } => {}
        identity::Verdict::Standby => {
            return Err(Error::Invalid(format!(
                "the standby of {old} at {loc} is still in recovery: promote it and run \"takeover {old} dead;\" there (it keeps what it holds and what {new} holds); nothing was changed"
            )))
        }
        _ => {
            return Err(Error::Invalid(format!(
                "the standby of {old} at {loc} is not a promoted standby of {old}: {}",
                seen.describe().unwrap_or_else(|| format!("it is {old} itself, alive"))
            )))
        }
    }
    let theirs = queue_tables(&mut c, &q)?;
    let tw: i64 = c
        .query_one("select last_tick_id from pgq.get_queue_info($1)", &[&q])?
        .get(0);
    let info = pool.info(new)?;
    let mine = info.worker_last_tick.unwrap_or(0);
    let common = tw.min(mine);
    let snap: Option<String> = c
        .query_opt(
            "select tick_snapshot::text from pgq.tick where tick_queue = $1 and tick_id <= $2 order by tick_id desc limit 1",
            &[&theirs.id, &common],
        )?
        .map(|r| r.get(0));
    let past: Vec<i64> = match &snap {
        Some(snap) => c
            .query(
                &format!(
                    "select ev_id from {} where not txid_visible_in_snapshot(ev_txid, $1::txid_snapshot) order by ev_id",
                    theirs.events
                ),
                &[snap],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect(),
        None => Vec::new(),
    };
    let here = queue_tables(pool.node(new)?, &q)?;
    let ids = format!(
        "{{{}}}",
        past.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let have: HashSet<i64> = pool
        .node(new)?
        .query(
            &format!(
                "select ev_id from {} where ev_id = any($1::int8[])",
                here.events
            ),
            &[&ids],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let missing: Vec<i64> = past.into_iter().filter(|id| !have.contains(id)).collect();
    if tw > mine || !missing.is_empty() {
        let range = match (missing.first(), missing.last()) {
            (Some(a), Some(b)) => format!(" (ev_id {a}..{b})"),
            _ => String::new(),
        };
        return Err(Error::Invalid(format!(
            "the promoted standby of {old} at {loc} holds more than {new}: tick {tw} ({new} completed {mine}), {} events {new} lacks{range}; taking over here would lose them: run \"takeover {old} dead;\" on the standby instead (it also rebuilds what {new} has past its WAL); nothing was changed",
            missing.len()
        )));
    }
    note(
        report,
        new,
        format!("the promoted standby of {old} at {loc} holds nothing {new} lacks (its tick {tw}, {new} at {mine}): going on; that standby is left out of the cascade (a copy of the dead {old})"),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, data: &str) -> Event {
        Event {
            id: 7,
            time: String::new(),
            owner: None,
            retry: None,
            kind: Some(kind.into()),
            data: Some(data.into()),
            extra: [Some("public.t".into()), None, None, None],
        }
    }

    #[test]
    fn rows_are_decoded_as_pgq_encodes_them() {
        assert_eq!(
            decode_row("id=1&v=a+b%26c&n"),
            vec![
                ("id".into(), Some("1".into())),
                ("v".into(), Some("a b&c".into())),
                ("n".into(), None)
            ]
        );
        assert_eq!(unescape("100%"), "100%");
    }

    #[test]
    fn row_events_become_statements() {
        let keys = vec!["id".to_string()];
        let (sql, p) = row_sql('U', &keys, "public.t", "id=1&v=x").unwrap();
        assert_eq!(
            sql,
            "update \"public\".\"t\" set \"v\" = $1 where \"id\" = $2"
        );
        assert_eq!(p, vec![Some("x".into()), Some("1".into())]);
        let (sql, _) = row_sql('D', &keys, "public.t", "id=1&v=x").unwrap();
        assert_eq!(sql, "delete from \"public\".\"t\" where \"id\" = $1");
        let (sql, _) = row_sql('I', &keys, "t", "id=1&v").unwrap();
        assert_eq!(sql, "insert into \"t\" (\"id\", \"v\") values ($1, $2)");
    }

    #[test]
    fn event_types_are_told_apart() {
        assert_eq!(
            classify(&ev("I:id", "id=1")),
            Ok(Apply::Row('I', vec!["id".into()]))
        );
        assert_eq!(classify(&ev("pgq.location-info", "")), Ok(Apply::Keep));
        assert_eq!(classify(&ev("R", "")), Ok(Apply::Truncate));
        assert_eq!(
            classify(&ev("EXECUTE", "create table x ()")),
            Ok(Apply::Execute)
        );
        assert_eq!(
            classify(&ev("londiste.update-seq", "30042")),
            Ok(Apply::Seq)
        );
        for k in [
            "londiste.update-seq",
            "londiste.add-table",
            "londiste.remove-seq",
            "I",
        ] {
            assert!(classify(&ev(k, "")).is_err(), "{k}");
        }
        let mut nameless = ev("R", "");
        nameless.extra[0] = None;
        assert!(classify(&nameless).is_err());
    }

    #[test]
    fn handler_and_execute_attributes_are_read_as_londiste_writes_them() {
        assert_eq!(
            handler_args("handler=londiste%28ignore_truncate%3D1%29"),
            vec![("ignore_truncate".to_string(), "1".to_string())]
        );
        assert_eq!(
            handler_args("handler=part%28key%3Did,ignore_truncate%3D1%29&skip_truncate=1"),
            vec![
                ("key".to_string(), "id".to_string()),
                ("ignore_truncate".to_string(), "1".to_string())
            ]
        );
        assert!(handler_args("").is_empty());
        assert_eq!(
            exec_attrs("local-table=t1%2Cpublic.t2&need-schema=s"),
            vec![
                (
                    "local-table".to_string(),
                    vec!["t1".to_string(), "public.t2".to_string()]
                ),
                ("need-schema".to_string(), vec!["s".to_string()])
            ]
        );
        assert_eq!(fq_name("t"), "public.t");
        assert_eq!(fq_name("s.t"), "s.t");
    }

    #[test]
    fn standby_records_keep_the_other_attributes() {
        let loc = "host=/tmp/a b port=5433 dbname=x&y".to_string();
        let attrs = with_standbys(
            "sync_watermark=a%2Cb&qadmin_id=7.5.1",
            "root",
            std::slice::from_ref(&loc),
        );
        assert!(attrs.starts_with("sync_watermark=a%2Cb&qadmin_id=7.5.1&qadmin%5Fstandby%2Eroot="));
        assert_eq!(standbys_in(&attrs, "root"), vec![loc.clone()]);
        assert!(standbys_in(&attrs, "other").is_empty());
        let two = with_standbys(&attrs, "root", &[loc.clone(), "host=h2".into()]);
        assert_eq!(standbys_in(&two, "root"), vec![loc, "host=h2".to_string()]);
        assert_eq!(
            with_standbys(&two, "root", &[]),
            "sync_watermark=a%2Cb&qadmin_id=7.5.1"
        );
    }
}

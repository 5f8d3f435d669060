//! The queue and consumer API over PgQ's SQL functions (`pgq.*`).
//!
//! Every value a user typed reaches SQL as a bind parameter; the SQL lives
//! in `const` strings here and nowhere above this module. Each function
//! names the PgQ function it calls and the shell command that uses it.
//! Knows nothing of terminals or output formats: rows come back as typed
//! structs, and `exec` turns them into results.

use crate::db::Client;
use crate::db::Param as ToSql;

/// What went wrong in a queue or consumer operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The `pgq` extension is not installed in this database.
    #[error("extension \"{0}\" is not installed in this database (run: install pgq;)")]
    ExtensionMissing(&'static str),
    /// No such queue.
    #[error("queue \"{0}\" not found")]
    QueueNotFound(String),
    /// No such consumer on the queue.
    #[error("consumer \"{consumer}\" not found on queue \"{queue}\"")]
    ConsumerNotFound {
        /// The queue.
        queue: String,
        /// The consumer.
        consumer: String,
    },
    /// The queue still has consumers (drop without force).
    #[error("queue \"{queue}\" still has consumers ({}); use \"drop queue {queue} force;\" to drop it anyway", consumers.join(", "))]
    QueueHasConsumers {
        /// The queue.
        queue: String,
        /// Its consumers.
        consumers: Vec<String>,
    },
    /// The batch is not open.
    #[error("batch {0} is not open: pgq.get_batch_events works only on a batch a consumer is processing")]
    BatchNotOpen(i64),
    /// A refusal with its reason.
    #[error("{0}")]
    Refused(String),
    /// The server's error.
    #[error("{}", crate::db::error_message(.0))]
    Db(#[from] crate::db::Error),
}

/// Result of this module's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// Whether an extension is installed (`pg_extension`).
pub fn has_extension(c: &mut Client, name: &str) -> Result<bool> {
    Ok(crate::db::has_extension(c, name)?)
}

/// Create the extensions named (qadmin's constants, with the Debian package that ships each,
/// for the message when the server lacks one), dependencies first; those
/// installed already stay. Nothing is created when one is not available.
pub fn install(c: &mut Client, wanted: &[(&str, &str)]) -> Result<()> {
    for (ext, package) in wanted {
        let available: bool = c
            .query_one(
                "select exists (select 1 from pg_catalog.pg_available_extensions where name = $1)",
                &[ext],
            )?
            .get(0);
        if !available {
            return Err(Error::Refused(format!(
                "the server has no \"{ext}\" extension: install the Debian package {package} on the database server"
            )));
        }
    }
    for (ext, _) in wanted {
        // `ext` is one of qadmin's own names, never the user's text.
        let sql = format!("create extension if not exists {ext}");
        c.batch_execute(&sql)?;
    }
    Ok(())
}

/// Ask once, in one round trip, whether the extensions not known yet are
/// installed (`show consumer` needs pgq and pgq_node: one question, not
/// two, on a fresh connection).
fn learn_extensions(c: &mut Client, names: &[&str]) -> Result<()> {
    let unknown: Vec<String> = names
        .iter()
        .filter(|n| c.known_extension(n).is_none())
        .map(|n| n.to_string())
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let present: Vec<String> = c
        .query(
            "select extname::text from pg_catalog.pg_extension where extname = any($1::text[])",
            &[&format!("{{{}}}", unknown.join(","))],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for n in &unknown {
        c.remember_extension(n, present.contains(n));
    }
    Ok(())
}

fn require_pgq(c: &mut Client) -> Result<()> {
    if has_extension(c, "pgq")? {
        Ok(())
    } else {
        Err(Error::ExtensionMissing("pgq"))
    }
}

/// One row of `pgq.get_queue_info()`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInfo {
    /// Queue name.
    pub name: String,
    /// Number of event tables.
    pub ntables: i32,
    /// Current event table.
    pub cur_table: i32,
    /// Table rotation period.
    pub rotation_period: String,
    /// Last table switch.
    pub switch_time: String,
    /// Ticks come from outside (not pgqd).
    pub external_ticker: bool,
    /// Ticker paused.
    pub ticker_paused: bool,
    /// Events per tick at most.
    pub ticker_max_count: i32,
    /// Longest time between ticks.
    pub ticker_max_lag: String,
    /// Tick interval while idle.
    pub ticker_idle_period: String,
    /// Time since the last tick.
    pub ticker_lag: Option<String>,
    /// Events per second lately.
    pub ev_per_sec: Option<f64>,
    /// Events since the last tick.
    pub ev_new: Option<i64>,
    /// Last tick id.
    pub last_tick_id: Option<i64>,
    /// Consumers registered on the queue.
    pub consumers: i64,
    /// Events waiting, summed over its consumers (`None` without any).
    pub pending_events: Option<i64>,
    /// Time since the last tick, in seconds.
    pub ticker_lag_seconds: Option<f64>,
    /// `rotation_period`, `ticker_max_lag`, `ticker_idle_period` in seconds.
    pub period_seconds: [f64; 3],
}

const QUEUE_INFO: &str = "\
select queue_name, queue_ntables, queue_cur_table, queue_rotation_period::text,
       queue_switch_time::text, queue_external_ticker, queue_ticker_paused,
       queue_ticker_max_count, queue_ticker_max_lag::text, queue_ticker_idle_period::text,
       ticker_lag::text, ev_per_sec, ev_new, last_tick_id,
       c.consumers, c.pending_events,
       extract(epoch from ticker_lag)::float8,
       extract(epoch from queue_rotation_period)::float8,
       extract(epoch from queue_ticker_max_lag)::float8,
       extract(epoch from queue_ticker_idle_period)::float8
  from pgq.get_queue_info() q
  cross join lateral (
        select count(*) as consumers, sum(pending_events)::int8 as pending_events
          from pgq.get_consumer_info(q.queue_name)) c
 where $1::text is null or queue_name = $1
 order by queue_name";

/// Queues with their settings and activity (`pgq.get_queue_info()`); one
/// queue when `name` is given. Used by `show queue`.
pub fn queue_info(c: &mut Client, name: Option<&str>) -> Result<Vec<QueueInfo>> {
    require_pgq(c)?;
    let rows = c.query(QUEUE_INFO, &[&name])?;
    let out: Vec<QueueInfo> = rows
        .iter()
        .map(|r| QueueInfo {
            name: r.get(0),
            ntables: r.get(1),
            cur_table: r.get(2),
            rotation_period: r.get(3),
            switch_time: r.get(4),
            external_ticker: r.get(5),
            ticker_paused: r.get(6),
            ticker_max_count: r.get(7),
            ticker_max_lag: r.get(8),
            ticker_idle_period: r.get(9),
            ticker_lag: r.get(10),
            ev_per_sec: r.get(11),
            ev_new: r.get(12),
            last_tick_id: r.get(13),
            consumers: r.get(14),
            pending_events: r.get(15),
            ticker_lag_seconds: r.get(16),
            period_seconds: [r.get(17), r.get(18), r.get(19)],
        })
        .collect();
    if let Some(n) = name {
        if out.is_empty() {
            return Err(Error::QueueNotFound(n.to_string()));
        }
    }
    Ok(out)
}

const QUEUE_EXISTS: &str =
    "select exists (select 1 from pgq.get_queue_info() where queue_name = $1)";

/// Whether a queue exists.
pub fn queue_exists(c: &mut Client, name: &str) -> Result<bool> {
    require_pgq(c)?;
    Ok(c.query_one(QUEUE_EXISTS, &[&name])?.get(0))
}

fn require_queue(c: &mut Client, name: &str) -> Result<()> {
    if queue_exists(c, name)? {
        Ok(())
    } else {
        Err(Error::QueueNotFound(name.to_string()))
    }
}

/// `pgq.create_queue(q)`: true when created, false when it existed.
/// Used by `create queue`.
pub fn create_queue(c: &mut Client, name: &str) -> Result<bool> {
    require_pgq(c)?;
    let n: i32 = c.query_one("select pgq.create_queue($1)", &[&name])?.get(0);
    Ok(n == 1)
}

/// `pgq.drop_queue(q, force)`. Without force, a queue with consumers is
/// refused with their names. Used by `drop queue`.
pub fn drop_queue(c: &mut Client, name: &str, force: bool) -> Result<()> {
    require_queue(c, name)?;
    if !force {
        let consumers: Vec<String> = c
            .query(
                "select consumer_name from pgq.get_consumer_info($1) order by 1",
                &[&name],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if !consumers.is_empty() {
            return Err(Error::QueueHasConsumers {
                queue: name.to_string(),
                consumers,
            });
        }
    }
    c.query_one("select pgq.drop_queue($1, $2)", &[&name, &force])?;
    Ok(())
}

/// `pgq.set_queue_config(q, param, value)` for each pair, in one
/// transaction; `params` use pgq's names without the `queue_` prefix
/// (ticker_max_count ...). Used by `alter queue`.
pub fn set_queue_config(
    c: &mut Client,
    queues: &[String],
    params: &[(String, String)],
) -> Result<()> {
    let mut tx = c.transaction()?;
    for q in queues {
        for (k, v) in params {
            tx.query_one("select pgq.set_queue_config($1, $2, $3)", &[q, k, v])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// All queue names (`pgq.get_queue_info()`).
pub fn queue_names(c: &mut Client) -> Result<Vec<String>> {
    require_pgq(c)?;
    Ok(c.query(
        "select queue_name from pgq.get_queue_info() order by 1",
        &[],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

/// One row of `pgq.get_consumer_info()`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerInfo {
    /// Queue name.
    pub queue: String,
    /// Consumer name.
    pub consumer: String,
    /// Lag behind the queue.
    pub lag: Option<String>,
    /// Time since the consumer was last seen.
    pub last_seen: Option<String>,
    /// Last tick processed.
    pub last_tick: Option<i64>,
    /// Open batch, if any.
    pub current_batch: Option<i64>,
    /// Tick where the open batch ends.
    pub next_tick: Option<i64>,
    /// Events waiting for it.
    pub pending_events: Option<i64>,
    /// Lag behind the queue, in seconds.
    pub lag_seconds: Option<f64>,
    /// Time since the consumer was last seen, in seconds.
    pub last_seen_seconds: Option<f64>,
    /// The cascade worker's error (`pgq_node.local_state.cur_error`), for
    /// consumers that are cascade workers.
    pub error: Option<String>,
}

// One round trip: whether the queue named exists (true when none is
// named), and its consumers; a queue without consumers gives one row of
// nulls beside the flag.
// The cascade worker's error comes from pgq_node.local_state when
// pgq_node is installed (CONSUMER_ERROR), else it is null.
const CONSUMER_INFO: &str = "\
select f.found, i.queue_name, i.consumer_name, i.lag::text, i.last_seen::text,
       i.last_tick, i.current_batch, i.next_tick, i.pending_events,
       extract(epoch from i.lag)::float8, extract(epoch from i.last_seen)::float8,
       ERROR
  from (select $1::text is null
               or exists (select 1 from pgq.queue where queue_name = $1) as found) f
  left join lateral (
        select * from pgq.get_consumer_info()
         where ($1::text is null or queue_name = $1)
           and ($2::text is null or consumer_name = $2)) i on f.found
 order by i.queue_name, i.consumer_name";

const CONSUMER_ERROR: &str = "(select cur_error from pgq_node.local_state l
         where l.queue_name = i.queue_name and l.consumer_name = i.consumer_name)";

/// Consumers with their lag and position (`pgq.get_consumer_info()`),
/// filtered by queue and consumer. Used by `show consumer`.
pub fn consumer_info(
    c: &mut Client,
    queue: Option<&str>,
    consumer: Option<&str>,
) -> Result<Vec<ConsumerInfo>> {
    learn_extensions(c, &["pgq", "pgq_node"])?;
    require_pgq(c)?;
    let error = if has_extension(c, "pgq_node")? {
        CONSUMER_ERROR
    } else {
        "null::text"
    };
    let sql = CONSUMER_INFO.replace("ERROR", error);
    let rows = c.query(&sql, &[&queue, &consumer])?;
    if let (Some(q), Some(false)) = (queue, rows.first().map(|r| r.get::<_, bool>(0))) {
        return Err(Error::QueueNotFound(q.to_string()));
    }
    let out: Vec<ConsumerInfo> = rows
        .iter()
        .filter(|r| r.cell(1).is_some())
        .map(|r| ConsumerInfo {
            queue: r.get(1),
            consumer: r.get(2),
            lag: r.get(3),
            last_seen: r.get(4),
            last_tick: r.get(5),
            current_batch: r.get(6),
            next_tick: r.get(7),
            pending_events: r.get(8),
            lag_seconds: r.get(9),
            last_seen_seconds: r.get(10),
            error: r.get(11),
        })
        .collect();
    if let (Some(q), Some(cn)) = (queue, consumer) {
        if out.is_empty() {
            return Err(Error::ConsumerNotFound {
                queue: q.to_string(),
                consumer: cn.to_string(),
            });
        }
    }
    Ok(out)
}

/// Where a new consumer starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartAt {
    /// At the queue's current end (`pgq.register_consumer`).
    Now,
    /// At a tick (`pgq.register_consumer_at`).
    Tick(i64),
    /// Where another consumer stands (its last tick).
    CopyOf(String),
}

/// Register a consumer; false when it was registered already (then
/// nothing changes). Used by `register consumer`.
pub fn register_consumer(
    c: &mut Client,
    queue: &str,
    consumer: &str,
    at: &StartAt,
) -> Result<bool> {
    require_queue(c, queue)?;
    let n: i32 = match at {
        StartAt::Now => c
            .query_one("select pgq.register_consumer($1, $2)", &[&queue, &consumer])?
            .get(0),
        StartAt::Tick(t) => c
            .query_one(
                "select pgq.register_consumer_at($1, $2, $3)",
                &[&queue, &consumer, t],
            )?
            .get(0),
        StartAt::CopyOf(other) => {
            let tick: Option<i64> = c
                .query_opt(
                    "select last_tick from pgq.get_consumer_info($1, $2)",
                    &[&queue, other],
                )?
                .map(|r| r.get(0))
                .ok_or_else(|| Error::ConsumerNotFound {
                    queue: queue.to_string(),
                    consumer: other.clone(),
                })?;
            c.query_one(
                "select pgq.register_consumer_at($1, $2, $3)",
                &[&queue, &consumer, &tick as &dyn ToSql],
            )?
            .get(0)
        }
    };
    Ok(n == 1)
}

/// Unregister consumers in one transaction (all or nothing); `None` means
/// every consumer of the queue. Returns the names unregistered. Used by
/// `unregister consumer`.
pub fn unregister_consumers(
    c: &mut Client,
    queue: &str,
    consumer: Option<&str>,
) -> Result<Vec<String>> {
    require_queue(c, queue)?;
    let mut tx = c.transaction()?;
    let names: Vec<String> = match consumer {
        Some(name) => {
            let found = tx
                .query_opt(
                    "select 1 from pgq.get_consumer_info($1) where consumer_name = $2",
                    &[&queue, &name],
                )?
                .is_some();
            if !found {
                return Err(Error::ConsumerNotFound {
                    queue: queue.to_string(),
                    consumer: name.to_string(),
                });
            }
            vec![name.to_string()]
        }
        None => tx
            .query(
                "select consumer_name from pgq.get_consumer_info($1) order by 1",
                &[&queue],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect(),
    };
    for n in &names {
        tx.query_one("select pgq.unregister_consumer($1, $2)", &[&queue, n])?;
    }
    tx.commit()?;
    Ok(names)
}

/// Whether `pgq_coop` (cooperative consumers) is installed; Debian does
/// not package it.
fn require_coop(c: &mut Client) -> Result<()> {
    let has: bool = c
        .query_one(
            "select exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq_coop')",
            &[],
        )?
        .get(0);
    if has {
        Ok(())
    } else {
        Err(Error::Refused(
            "subconsumers need the pgq_coop schema, which is not installed here (Debian does not package it)".into(),
        ))
    }
}

/// Register a subconsumer of a cooperative consumer
/// (`pgq_coop.register_subconsumer`).
pub fn register_subconsumer(
    c: &mut Client,
    queue: &str,
    consumer: &str,
    subconsumer: &str,
) -> Result<()> {
    require_coop(c)?;
    c.query_one(
        "select pgq_coop.register_subconsumer($1, $2, $3)",
        &[&queue, &consumer, &subconsumer],
    )?;
    Ok(())
}

/// Unregister subconsumers (`None`: all of the consumer's) in one
/// transaction; `close_batch` closes an open batch instead of refusing.
/// Returns the names unregistered.
pub fn unregister_subconsumers(
    c: &mut Client,
    queue: &str,
    consumer: &str,
    subconsumer: Option<&str>,
    close_batch: bool,
) -> Result<Vec<String>> {
    require_coop(c)?;
    let mode: i32 = if close_batch { 1 } else { 0 };
    let mut tx = c.transaction()?;
    let subs: Vec<String> = match subconsumer {
        Some(n) => vec![n.to_string()],
        None => tx
            .query(
                "select substr(consumer_name, length($2) + 2) from pgq.get_consumer_info($1) where consumer_name like $2 || '.%'",
                &[&queue, &consumer],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect(),
    };
    for sub in &subs {
        tx.query_one(
            "select pgq_coop.unregister_subconsumer($1, $2, $3, $4)",
            &[&queue, &consumer, sub, &mode],
        )?;
    }
    tx.commit()?;
    Ok(subs)
}

/// One event of a batch (`pgq.get_batch_events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Event id.
    pub id: i64,
    /// Event time.
    pub time: String,
    /// Transaction id.
    pub txid: i64,
    /// Retry count.
    pub retry: Option<i32>,
    /// Event type.
    pub ev_type: Option<String>,
    /// Payload.
    pub data: Option<String>,
    /// Extra fields 1..4.
    pub extra: [Option<String>; 4],
}

const BATCH_EVENTS: &str = "\
select ev_id, ev_time::text, ev_txid, ev_retry, ev_type, ev_data,
       ev_extra1, ev_extra2, ev_extra3, ev_extra4
  from pgq.get_batch_events($1)";

const BATCH_IS_OPEN: &str = "select exists (select 1 from pgq.subscription where sub_batch = $1)";

/// Events of an open batch. Used by `show batch <id>`.
pub fn batch_events(c: &mut Client, batch: i64) -> Result<Vec<Event>> {
    require_pgq(c)?;
    // pgq.get_batch_events fails obscurely on a closed batch: say it plainly.
    let open: bool = c.query_one(BATCH_IS_OPEN, &[&batch])?.get(0);
    if !open {
        return Err(Error::BatchNotOpen(batch));
    }
    Ok(c.query(BATCH_EVENTS, &[&batch])?
        .iter()
        .map(|r| Event {
            id: r.get(0),
            time: r.get(1),
            txid: r.get(2),
            retry: r.get(3),
            ev_type: r.get(4),
            data: r.get(5),
            extra: [r.get(6), r.get(7), r.get(8), r.get(9)],
        })
        .collect())
}

/// The open batch of a consumer on a queue, if any
/// (`pgq.get_consumer_info(q, c).current_batch`). Used by `show batch <consumer>`.
pub fn current_batch(c: &mut Client, queue: &str, consumer: &str) -> Result<Option<i64>> {
    require_queue(c, queue)?;
    let row = c.query_opt(
        "select current_batch from pgq.get_consumer_info($1, $2)",
        &[&queue, &consumer],
    )?;
    match row {
        Some(r) => Ok(r.get(0)),
        None => Err(Error::ConsumerNotFound {
            queue: queue.to_string(),
            consumer: consumer.to_string(),
        }),
    }
}

/// What `tick` did for one queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// Queue name.
    pub queue: String,
    /// The new tick id, or `None` when no tick was made.
    pub tick_id: Option<i64>,
}

/// What `tick` does for one queue, pgqd's way: `pgq.ticker(q)` decides
/// from the queue's ticker settings (max_count, max_lag, idle_period)
/// whether a tick is due. Queues with an external ticker or a paused
/// ticker are left alone (pgq.ticker() skips them too).
const TICKER: &str = "\
select pgq.ticker(queue_name)
  from pgq.queue
 where queue_name = $1
   and not queue_external_ticker
   and not queue_ticker_paused";

/// `tick ... force`: a tick now, the way `pgq.ticker(q)` inserts one once
/// it has decided a tick is due, with the queue's event sequence as it
/// stands. Not `pgq.force_tick`: that bumps the event sequence by
/// `2 * ticker_max_count + 1000` to trick the ticker, and every consumer's
/// `pending_events` (a difference of event sequence values) grows by as
/// much, for good. See: #15
const FORCE_TICK: &str = "\
insert into pgq.tick (tick_queue, tick_id, tick_event_seq)
select queue_id, nextval(queue_tick_seq), pgq.seq_getval(queue_event_seq)
  from pgq.queue
 where queue_name = $1
   and not queue_external_ticker
   and not queue_ticker_paused
returning tick_id";

/// One `pgq.ticker(q)` for each queue (all when `queue` is None), as
/// pgqd runs it; with `force`, a tick whatever the ticker settings say
/// (see `FORCE_TICK`). A queue with an external or paused ticker gets
/// no tick. Used by `tick`.
pub fn tick(c: &mut Client, queue: Option<&str>, force: bool) -> Result<Vec<Tick>> {
    let queues = match queue {
        Some(q) => {
            require_queue(c, q)?;
            vec![q.to_string()]
        }
        None => queue_names(c)?,
    };
    let sql = if force { FORCE_TICK } else { TICKER };
    let mut out = Vec::new();
    for q in queues {
        let made: Option<i64> = c.query_opt(sql, &[&q])?.and_then(|r| r.get(0));
        out.push(Tick {
            queue: q,
            tick_id: made,
        });
    }
    Ok(out)
}

/// One maintenance step run by `maint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintStep {
    /// The function (or `vacuum`).
    pub func: String,
    /// Its argument, if any.
    pub arg: Option<String>,
    /// How many times it ran (a step asks to be run again by returning 1).
    pub runs: u32,
}

/// Run the steps `pgq.maint_operations()` lists, each until it says it is
/// done, as pgqd does. Used by `maint`.
pub fn maint(c: &mut Client) -> Result<Vec<MaintStep>> {
    require_pgq(c)?;
    let ops: Vec<(String, Option<String>)> = c
        .query(
            "select func_name, func_arg from pgq.maint_operations()",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut done = Vec::new();
    for (func, arg) in ops {
        let mut runs = 0;
        if func.eq_ignore_ascii_case("vacuum") {
            if let Some(table) = &arg {
                // The argument is a table name from pgq itself; quote it.
                let quoted: String = c.query_one("select pgq.quote_fqname($1)", &[table])?.get(0);
                c.batch_execute(&format!("vacuum {quoted}"))?;
                runs = 1;
            }
        } else {
            // The function name comes from pgq.maint_operations(); it is
            // still quoted part by part rather than pasted.
            let quoted: String = c.query_one("select pgq.quote_fqname($1)", &[&func])?.get(0);
            let sql = match &arg {
                Some(_) => format!("select {quoted}($1)"),
                None => format!("select {quoted}()"),
            };
            loop {
                runs += 1;
                let row = match &arg {
                    Some(a) => c.query_one(&sql, &[a])?,
                    None => c.query_one(&sql, &[])?,
                };
                let again: Option<i32> = row.try_get(0).ok();
                if again != Some(1) || runs >= 1000 {
                    break;
                }
            }
        }
        done.push(MaintStep { func, arg, runs });
    }
    Ok(done)
}

/// Versions of the extensions present (`pg_extension`), plus the server's.
/// Used by `show version`.
pub fn versions(c: &mut Client) -> Result<Vec<(String, Option<String>)>> {
    let server: String = c
        .query_one("select current_setting('server_version')", &[])?
        .get(0);
    let mut out = vec![("server".to_string(), Some(server))];
    for ext in ["pgq", "pgq_node", "londiste", "pgq_coop"] {
        let v: Option<String> = c
            .query_opt(
                "select extversion from pg_catalog.pg_extension where extname = $1",
                &[&ext],
            )?
            .map(|r| r.get(0));
        out.push((ext.to_string(), v));
    }
    Ok(out)
}

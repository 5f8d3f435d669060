//! Queue, consumer and maintenance commands: AST -> `pgq` API -> a
//! [`Reply`]: `show ...` answers tables; changes answer the status words
//! qadmin always printed (CREATE, ALTER, DROP, REGISTER, UNREGISTER).

use std::io::Write;

use crate::exec::reply::{cell, conn, flag, oid, queue_of, table, Fail, Handled, Level, Reply};
use crate::output::{readable, Format};
use crate::parse::{self, QueueCommand, Target};
use crate::pgq::{self, StartAt};
use crate::session::Session;

/// The family's dispatch: each queue command to its handler (an exhaustive
/// match, so a new command does not compile without its handler).
pub(super) fn handle(s: &mut Session, cmd: &QueueCommand, _out: &mut dyn Write) -> Handled {
    match cmd {
        QueueCommand::ShowQueue(c) => show_queue(s, c),
        QueueCommand::CreateQueue(c) => create_queue(s, c),
        QueueCommand::AlterQueue(c) => alter_queue(s, c),
        QueueCommand::DropQueue(c) => drop_queue(s, c),
        QueueCommand::ShowConsumer(c) => show_consumer(s, c),
        QueueCommand::RegisterConsumer(c) => register_consumer(s, c),
        QueueCommand::UnregisterConsumer(c) => unregister_consumer(s, c),
        QueueCommand::RegisterSubconsumer(c) => register_subconsumer(s, c),
        QueueCommand::UnregisterSubconsumer(c) => unregister_subconsumer(s, c),
        QueueCommand::ShowBatch(c) => show_batch(s, c),
        QueueCommand::ShowVersion => show_version(s),
        QueueCommand::Tick(c) => tick(s, c),
        QueueCommand::Maint => maint(s),
    }
}

/// `show queue[+] [<q> | *]`: the columns an operator reads first
/// (consumers, pending events, age of the last tick, events per second,
/// paused), every column with `+`; with `--json` every field, durations
/// in seconds (docs/json.md).
pub fn show_queue(s: &mut Session, cmd: &parse::ShowQueue) -> Handled {
    let name: Option<String> = match &cmd.queue {
        Some(Target::Named(q)) => Some(q.as_str().to_string()),
        Some(Target::All) => None,
        None => s.queue.clone(),
    };
    let list = pgq::queue_info(conn(s)?, name.as_deref())?;
    if s.settings.print.format == Format::Json {
        return Ok(json_reply(list.iter().map(queue_json).collect()));
    }
    let dur = |v: Option<f64>| v.map(readable::duration);
    let rows = list
        .into_iter()
        .map(|q| {
            let mut row = vec![
                Some(q.name),
                cell(Some(q.consumers)),
                cell(q.pending_events),
                dur(q.ticker_lag_seconds),
                cell(q.last_tick_id),
                q.ev_per_sec.map(readable::rate),
                flag(Some(q.ticker_paused)),
            ];
            if cmd.verbose {
                let [rotation, max_lag, idle] = q.period_seconds.map(readable::duration);
                row.extend([
                    cell(q.ev_new),
                    flag(Some(q.external_ticker)),
                    cell(Some(q.ticker_max_count)),
                    Some(max_lag),
                    Some(idle),
                    cell(Some(q.ntables)),
                    cell(Some(q.cur_table)),
                    Some(rotation),
                    Some(q.switch_time),
                ]);
            }
            row
        })
        .collect();
    let mut cols = vec![
        ("queue", oid::TEXT),
        ("consumers", oid::INT8),
        ("pending", oid::INT8),
        ("tick_age", oid::TEXT),
        ("last_tick", oid::INT8),
        ("ev_per_sec", oid::FLOAT8),
        ("paused", oid::BOOL),
    ];
    if cmd.verbose {
        cols.extend([
            ("ev_new", oid::INT8),
            ("external_ticker", oid::BOOL),
            ("max_count", oid::INT4),
            ("max_lag", oid::TEXT),
            ("idle_period", oid::TEXT),
            ("ntables", oid::INT4),
            ("cur_table", oid::INT4),
            ("rotation_period", oid::TEXT),
            ("switch_time", oid::TEXT),
        ]);
    }
    Ok(table(&cols, rows))
}

/// One queue in `show queue --json` (docs/json.md).
fn queue_json(q: &pgq::QueueInfo) -> serde_json::Value {
    let [rotation, max_lag, idle] = q.period_seconds;
    serde_json::json!({
        "queue": q.name,
        "consumers": q.consumers,
        "pending_events": q.pending_events,
        "tick_age_seconds": q.ticker_lag_seconds,
        "last_tick": q.last_tick_id,
        "ev_per_sec": q.ev_per_sec,
        "ev_new": q.ev_new,
        "paused": q.ticker_paused,
        "external_ticker": q.external_ticker,
        "max_count": q.ticker_max_count,
        "max_lag_seconds": max_lag,
        "idle_period_seconds": idle,
        "ntables": q.ntables,
        "cur_table": q.cur_table,
        "rotation_period_seconds": rotation,
        "switch_time": q.switch_time,
    })
}

/// A `--json` answer: an array of objects, one per line as the JSON
/// printer writes tables.
pub fn json_reply(items: Vec<serde_json::Value>) -> Reply {
    let mut text = String::from("[");
    for (i, v) in items.iter().enumerate() {
        text.push_str(if i == 0 { "\n" } else { ",\n" });
        text.push_str(&v.to_string());
    }
    text.push_str(if items.is_empty() { "]\n" } else { "\n]\n" });
    Reply::Text(text)
}

/// `create queue <q>`
pub fn create_queue(s: &mut Session, cmd: &parse::CreateQueue) -> Handled {
    let q = cmd.queue.as_str();
    Ok(if pgq::create_queue(conn(s)?, q)? {
        Reply::Done
    } else {
        Reply::Message(Level::Notice, format!("queue \"{q}\" already exists"))
    })
}

/// `alter queue <q> | * set k = v, ...`
pub fn alter_queue(s: &mut Session, cmd: &parse::AlterQueue) -> Handled {
    let c = conn(s)?;
    let queues = match &cmd.queue {
        Target::Named(q) => {
            if !pgq::queue_exists(c, q.as_str())? {
                return Err(pgq::Error::QueueNotFound(q.as_str().to_string()).into());
            }
            vec![q.as_str().to_string()]
        }
        Target::All => pgq::queue_names(c)?,
    };
    let params: Vec<(String, String)> = cmd
        .settings
        .iter()
        .map(|st| (st.param.config_name().to_string(), st.value.to_string()))
        .collect();
    pgq::set_queue_config(c, &queues, &params)?;
    Ok(Reply::Done)
}

/// `drop queue <q> [force]`
pub fn drop_queue(s: &mut Session, cmd: &parse::DropQueue) -> Handled {
    pgq::drop_queue(conn(s)?, cmd.queue.as_str(), cmd.force)?;
    Ok(Reply::Done)
}

/// `show consumer[+] [<c> | *] [on <q> | on *]`: queue, consumer,
/// lag, last seen, pending events, current batch, error; every column
/// with `+`; with `--json` every field, durations in seconds.
pub fn show_consumer(s: &mut Session, cmd: &parse::ShowConsumer) -> Handled {
    let consumer = match &cmd.consumer {
        Some(Target::Named(c)) => Some(c.as_str().to_string()),
        _ => None,
    };
    let queue = match &cmd.queue {
        Some(Target::Named(q)) => Some(q.as_str().to_string()),
        Some(Target::All) => None,
        None => s.queue.clone(),
    };
    let list = pgq::consumer_info(conn(s)?, queue.as_deref(), consumer.as_deref())?;
    if let (Some(cn), true) = (&consumer, list.is_empty()) {
        return Err(Fail::msg(format!("consumer \"{cn}\" not found")));
    }
    s.lag_sample = Some(
        list.iter()
            .filter_map(|i| {
                i.lag_seconds
                    .map(|l| (format!("{}/{}", i.queue, i.consumer), l))
            })
            .collect(),
    );
    if s.settings.print.format == Format::Json {
        return Ok(json_reply(list.iter().map(consumer_json).collect()));
    }
    Ok(consumer_table(list, cmd.verbose))
}

/// The aligned view of consumers (also drawn by `\watch`'s live view).
pub fn consumer_table(list: Vec<pgq::ConsumerInfo>, verbose: bool) -> Reply {
    let dur = |v: Option<f64>| v.map(readable::duration);
    let rows = list
        .into_iter()
        .map(|i| {
            let mut row = vec![
                Some(i.queue),
                Some(i.consumer),
                dur(i.lag_seconds),
                dur(i.last_seen_seconds),
                cell(i.pending_events),
                cell(i.current_batch),
                i.error,
            ];
            if verbose {
                row.extend([cell(i.last_tick), cell(i.next_tick)]);
            }
            row
        })
        .collect();
    let mut cols = vec![
        ("queue", oid::TEXT),
        ("consumer", oid::TEXT),
        ("lag", oid::TEXT),
        ("last_seen", oid::TEXT),
        ("pending", oid::INT8),
        ("batch", oid::INT8),
        ("error", oid::TEXT),
    ];
    if verbose {
        cols.extend([("last_tick", oid::INT8), ("next_tick", oid::INT8)]);
    }
    table(&cols, rows)
}

/// One consumer in `show consumer --json` (docs/json.md).
fn consumer_json(i: &pgq::ConsumerInfo) -> serde_json::Value {
    serde_json::json!({
        "queue": i.queue,
        "consumer": i.consumer,
        "lag_seconds": i.lag_seconds,
        "last_seen_seconds": i.last_seen_seconds,
        "pending_events": i.pending_events,
        "current_batch": i.current_batch,
        "error": i.error,
        "last_tick": i.last_tick,
        "next_tick": i.next_tick,
    })
}

/// `register consumer <c> [on <q>] [at <tick> | copy <c2>]`
pub fn register_consumer(s: &mut Session, cmd: &parse::RegisterConsumer) -> Handled {
    let q = queue_of(s, cmd.queue.as_ref())?;
    let at = match &cmd.start {
        None => StartAt::Now,
        Some(parse::ConsumerStart::AtTick(t)) => StartAt::Tick(*t),
        Some(parse::ConsumerStart::CopyFrom(o)) => StartAt::CopyOf(o.as_str().to_string()),
    };
    let name = cmd.consumer.as_str();
    Ok(if pgq::register_consumer(conn(s)?, &q, name, &at)? {
        Reply::Done
    } else {
        Reply::Message(
            Level::Notice,
            format!("consumer \"{name}\" is already registered on queue \"{q}\""),
        )
    })
}

/// `unregister consumer <c> | * [from <q>]`
pub fn unregister_consumer(s: &mut Session, cmd: &parse::UnregisterConsumer) -> Handled {
    let q = queue_of(s, cmd.queue.as_ref())?;
    let which = match &cmd.consumer {
        Target::Named(c) => Some(c.as_str().to_string()),
        Target::All => None,
    };
    pgq::unregister_consumers(conn(s)?, &q, which.as_deref())?;
    Ok(Reply::Done)
}

/// `register subconsumer ...`: pgq_coop.
pub fn register_subconsumer(s: &mut Session, cmd: &parse::RegisterSubconsumer) -> Handled {
    let q = queue_of(s, cmd.queue.as_ref())?;
    pgq::register_subconsumer(
        conn(s)?,
        &q,
        cmd.consumer.as_str(),
        cmd.subconsumer.as_str(),
    )?;
    Ok(Reply::Done)
}

/// `unregister subconsumer ...`: pgq_coop.
pub fn unregister_subconsumer(s: &mut Session, cmd: &parse::UnregisterSubconsumer) -> Handled {
    let q = queue_of(s, cmd.queue.as_ref())?;
    let which = match &cmd.subconsumer {
        Target::Named(n) => Some(n.as_str()),
        Target::All => None,
    };
    pgq::unregister_subconsumers(conn(s)?, &q, cmd.consumer.as_str(), which, cmd.close_batch)?;
    Ok(Reply::Done)
}

/// `show batch <id> | <consumer>`
pub fn show_batch(s: &mut Session, cmd: &parse::ShowBatch) -> Handled {
    let batch = match &cmd.batch {
        parse::BatchRef::Id(id) => *id,
        parse::BatchRef::Consumer(name) => {
            let q = queue_of(s, None)?;
            pgq::current_batch(conn(s)?, &q, name.as_str())?.ok_or_else(|| {
                Fail::msg(format!(
                    "consumer \"{}\" has no open batch on queue \"{q}\"",
                    name.as_str()
                ))
            })?
        }
    };
    let events = pgq::batch_events(conn(s)?, batch)?;
    let rows = events
        .into_iter()
        .map(|e| {
            let [x1, x2, x3, x4] = e.extra;
            vec![
                cell(Some(e.id)),
                Some(e.time),
                cell(Some(e.txid)),
                cell(e.retry),
                e.ev_type,
                e.data,
                x1,
                x2,
                x3,
                x4,
            ]
        })
        .collect();
    Ok(table(
        &[
            ("ev_id", oid::INT8),
            ("ev_time", oid::TEXT),
            ("ev_txid", oid::INT8),
            ("ev_retry", oid::INT4),
            ("ev_type", oid::TEXT),
            ("ev_data", oid::TEXT),
            ("ev_extra1", oid::TEXT),
            ("ev_extra2", oid::TEXT),
            ("ev_extra3", oid::TEXT),
            ("ev_extra4", oid::TEXT),
        ],
        rows,
    ))
}

/// `tick [<q>] [force]`: the named queue, else the current one, else
/// every queue.
pub fn tick(s: &mut Session, cmd: &parse::Tick) -> Handled {
    let q = match &cmd.queue {
        Some(q) => Some(q.as_str().to_string()),
        None => s.queue.clone(),
    };
    let ticks = pgq::tick(conn(s)?, q.as_deref(), cmd.force)?;
    let rows = ticks
        .into_iter()
        .map(|t| {
            let note = match t.tick_id {
                Some(_) => "tick made",
                None => "no tick made",
            };
            vec![Some(t.queue), cell(t.tick_id), Some(note.to_string())]
        })
        .collect();
    Ok(table(
        &[
            ("queue", oid::TEXT),
            ("tick_id", oid::INT8),
            ("result", oid::TEXT),
        ],
        rows,
    ))
}

/// `maint`
pub fn maint(s: &mut Session) -> Handled {
    let steps = pgq::maint(conn(s)?)?;
    let rows = steps
        .into_iter()
        .map(|st| vec![Some(st.func), st.arg, cell(Some(st.runs))])
        .collect();
    Ok(table(
        &[
            ("operation", oid::TEXT),
            ("argument", oid::TEXT),
            ("runs", oid::INT4),
        ],
        rows,
    ))
}

/// `show version`
pub fn show_version(s: &mut Session) -> Handled {
    let v = pgq::versions(conn(s)?)?;
    let mut rows = vec![vec![
        Some("qadmin".to_string()),
        Some(env!("CARGO_PKG_VERSION").to_string()),
    ]];
    rows.extend(
        v.into_iter()
            .map(|(k, ver)| vec![Some(k), Some(ver.unwrap_or_else(|| "not installed".into()))]),
    );
    Ok(table(
        &[("component", oid::TEXT), ("version", oid::TEXT)],
        rows,
    ))
}

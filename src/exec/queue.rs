//! Queue, consumer and maintenance commands: AST -> `pgq` API -> results.
//! `show ...` prints tables; changes print the status words qadmin always
//! printed (CREATE, ALTER, DROP, REGISTER, UNREGISTER), suppressed by -q.

use std::io::Write;

use crate::exec::Outcome;
use crate::output::{self, Column, ResultSet};
use crate::parse::ast::{self, Target};
use crate::pgq::{self, StartAt};
use crate::session::Session;

/// Type OIDs used to label result columns (alignment, JSON types).
pub mod oid {
    /// bool
    pub const BOOL: u32 = 16;
    /// int8
    pub const INT8: u32 = 20;
    /// int4
    pub const INT4: u32 = 23;
    /// text
    pub const TEXT: u32 = 25;
    /// float8
    pub const FLOAT8: u32 = 701;
}

/// Build a result from column (name, oid) pairs and rows of optional text.
pub fn result(cols: &[(&str, u32)], rows: Vec<Vec<Option<String>>>) -> ResultSet {
    ResultSet {
        columns: cols.iter().map(|(n, o)| Column::new(*n, *o)).collect(),
        rows,
    }
}

/// Text of a value for a result cell.
pub fn cell<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// A boolean cell as PostgreSQL prints it (`t` / `f`).
pub fn flag(v: Option<bool>) -> Option<String> {
    v.map(|b| if b { "t" } else { "f" }.to_string())
}

/// Print a result; a failed write is not a statement error.
pub fn print(s: &Session, out: &mut dyn Write, rs: &ResultSet) {
    let _ = output::print_result(out, rs, &s.settings.print);
}

/// Print a status word unless -q.
pub fn status(s: &Session, out: &mut dyn Write, word: &str) {
    if !s.settings.quiet {
        let _ = output::print_status(out, word, &s.settings.print);
    }
}

/// Report an API error as one line and fail.
pub fn fail(s: &Session, e: impl std::fmt::Display) -> Outcome {
    s.client_error(&e.to_string());
    Outcome::Failed
}

/// The queue a command works on: the one it names, else the current one.
pub fn queue_of(s: &Session, named: Option<&ast::QueueName>) -> Result<String, Outcome> {
    match named {
        Some(q) => Ok(q.as_str().to_string()),
        None => match &s.queue {
            Some(q) => Ok(q.clone()),
            None => Err(fail(
                s,
                "no current queue: name one (... on <queue>), or set it with \"connect queue=<queue>;\" or -Q <queue>",
            )),
        },
    }
}

macro_rules! client {
    ($s:expr) => {
        match $s.client() {
            Some(c) => c,
            None => {
                $s.client_error("not connected to a database");
                return Outcome::ConnectionLost;
            }
        }
    };
}
pub(crate) use client;

/// `show queue [<q> | *]`
pub fn show_queue(s: &mut Session, cmd: &ast::ShowQueue, out: &mut dyn Write) -> Outcome {
    let name: Option<String> = match &cmd.queue {
        Some(Target::Named(q)) => Some(q.as_str().to_string()),
        Some(Target::All) => None,
        None => s.queue.clone(),
    };
    let c = client!(s);
    match pgq::queue_info(c, name.as_deref()) {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|q| {
                    vec![
                        Some(q.name),
                        cell(Some(q.ntables)),
                        cell(Some(q.cur_table)),
                        Some(q.rotation_period),
                        Some(q.switch_time),
                        flag(Some(q.external_ticker)),
                        flag(Some(q.ticker_paused)),
                        cell(Some(q.ticker_max_count)),
                        Some(q.ticker_max_lag),
                        Some(q.ticker_idle_period),
                        q.ticker_lag,
                        cell(q.ev_per_sec),
                        cell(q.ev_new),
                        cell(q.last_tick_id),
                    ]
                })
                .collect();
            let rs = result(
                &[
                    ("queue_name", oid::TEXT),
                    ("ntables", oid::INT4),
                    ("cur_table", oid::INT4),
                    ("rotation_period", oid::TEXT),
                    ("switch_time", oid::TEXT),
                    ("external_ticker", oid::BOOL),
                    ("ticker_paused", oid::BOOL),
                    ("ticker_max_count", oid::INT4),
                    ("ticker_max_lag", oid::TEXT),
                    ("ticker_idle_period", oid::TEXT),
                    ("ticker_lag", oid::TEXT),
                    ("ev_per_sec", oid::FLOAT8),
                    ("ev_new", oid::INT8),
                    ("last_tick_id", oid::INT8),
                ],
                rows,
            );
            print(s, out, &rs);
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `create queue <q>`
pub fn create_queue(s: &mut Session, cmd: &ast::CreateQueue, out: &mut dyn Write) -> Outcome {
    let q = cmd.queue.as_str();
    let c = client!(s);
    match pgq::create_queue(c, q) {
        Ok(true) => {
            status(s, out, "CREATE");
            Outcome::Ok
        }
        Ok(false) => {
            if !s.settings.quiet {
                eprintln!("{}NOTICE:  queue \"{q}\" already exists", s.prefix());
            }
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `alter queue <q> | * set k = v, ...`
pub fn alter_queue(s: &mut Session, cmd: &ast::AlterQueue, out: &mut dyn Write) -> Outcome {
    let c = client!(s);
    let queues = match &cmd.queue {
        Target::Named(q) => match pgq::queue_exists(c, q.as_str()) {
            Ok(true) => vec![q.as_str().to_string()],
            Ok(false) => return fail(s, pgq::Error::QueueNotFound(q.as_str().to_string())),
            Err(e) => return fail(s, e),
        },
        Target::All => match pgq::queue_names(c) {
            Ok(v) => v,
            Err(e) => return fail(s, e),
        },
    };
    let params: Vec<(String, String)> = cmd
        .settings
        .iter()
        .map(|st| (st.param.config_name().to_string(), st.value.to_string()))
        .collect();
    match pgq::set_queue_config(c, &queues, &params) {
        Ok(()) => {
            status(s, out, "ALTER");
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `drop queue <q> [force]`
pub fn drop_queue(s: &mut Session, cmd: &ast::DropQueue, out: &mut dyn Write) -> Outcome {
    let c = client!(s);
    match pgq::drop_queue(c, cmd.queue.as_str(), cmd.force) {
        Ok(()) => {
            status(s, out, "DROP");
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `show consumer [<c> | *] [on <q> | on *]`
pub fn show_consumer(s: &mut Session, cmd: &ast::ShowConsumer, out: &mut dyn Write) -> Outcome {
    let consumer = match &cmd.consumer {
        Some(Target::Named(c)) => Some(c.as_str().to_string()),
        _ => None,
    };
    let queue = match &cmd.queue {
        Some(Target::Named(q)) => Some(q.as_str().to_string()),
        Some(Target::All) => None,
        None => s.queue.clone(),
    };
    let c = client!(s);
    match pgq::consumer_info(c, queue.as_deref(), consumer.as_deref()) {
        Ok(list) => {
            if let (Some(cn), true) = (&consumer, list.is_empty()) {
                return fail(s, format!("consumer \"{cn}\" not found"));
            }
            let rows = list
                .into_iter()
                .map(|i| {
                    vec![
                        Some(i.queue),
                        Some(i.consumer),
                        i.lag,
                        i.last_seen,
                        cell(i.last_tick),
                        cell(i.current_batch),
                        cell(i.next_tick),
                        cell(i.pending_events),
                    ]
                })
                .collect();
            let rs = result(
                &[
                    ("queue_name", oid::TEXT),
                    ("consumer_name", oid::TEXT),
                    ("lag", oid::TEXT),
                    ("last_seen", oid::TEXT),
                    ("last_tick", oid::INT8),
                    ("current_batch", oid::INT8),
                    ("next_tick", oid::INT8),
                    ("pending_events", oid::INT8),
                ],
                rows,
            );
            print(s, out, &rs);
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `register consumer <c> [on <q>] [at <tick> | copy <c2>]`
pub fn register_consumer(
    s: &mut Session,
    cmd: &ast::RegisterConsumer,
    out: &mut dyn Write,
) -> Outcome {
    let q = match queue_of(s, cmd.queue.as_ref()) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let at = match &cmd.start {
        None => StartAt::Now,
        Some(ast::ConsumerStart::AtTick(t)) => StartAt::Tick(*t),
        Some(ast::ConsumerStart::CopyFrom(o)) => StartAt::CopyOf(o.as_str().to_string()),
    };
    let name = cmd.consumer.as_str();
    let c = client!(s);
    match pgq::register_consumer(c, &q, name, &at) {
        Ok(true) => {
            status(s, out, "REGISTER");
            Outcome::Ok
        }
        Ok(false) => {
            if !s.settings.quiet {
                eprintln!(
                    "{}NOTICE:  consumer \"{name}\" is already registered on queue \"{q}\"",
                    s.prefix()
                );
            }
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `unregister consumer <c> | * [from <q>]`
pub fn unregister_consumer(
    s: &mut Session,
    cmd: &ast::UnregisterConsumer,
    out: &mut dyn Write,
) -> Outcome {
    let q = match queue_of(s, cmd.queue.as_ref()) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let which = match &cmd.consumer {
        Target::Named(c) => Some(c.as_str().to_string()),
        Target::All => None,
    };
    let c = client!(s);
    match pgq::unregister_consumers(c, &q, which.as_deref()) {
        Ok(_) => {
            status(s, out, "UNREGISTER");
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `register subconsumer ...` / `unregister subconsumer ...`: pgq_coop.
pub fn subconsumer(
    s: &mut Session,
    register: Option<&ast::RegisterSubconsumer>,
    unregister: Option<&ast::UnregisterSubconsumer>,
    out: &mut dyn Write,
) -> Outcome {
    let c = client!(s);
    let has_coop: bool = match c.query_one(
        "select exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq_coop')",
        &[],
    ) {
        Ok(r) => r.get(0),
        Err(e) => return fail(s, e),
    };
    if !has_coop {
        return fail(
            s,
            "subconsumers need the pgq_coop schema, which is not installed here (Debian does not package it)",
        );
    }
    if let Some(r) = register {
        let q = match queue_of(s, r.queue.as_ref()) {
            Ok(q) => q,
            Err(o) => return o,
        };
        let c = client!(s);
        return match c.query_one(
            "select pgq_coop.register_subconsumer($1, $2, $3)",
            &[&q, &r.consumer.as_str(), &r.subconsumer.as_str()],
        ) {
            Ok(_) => {
                status(s, out, "REGISTER");
                Outcome::Ok
            }
            Err(e) => fail(s, pgq::Error::Db(e)),
        };
    }
    if let Some(u) = unregister {
        let q = match queue_of(s, u.queue.as_ref()) {
            Ok(q) => q,
            Err(o) => return o,
        };
        let mode: i32 = if u.close_batch { 1 } else { 0 };
        let c = client!(s);
        let subs: Vec<String> = match &u.subconsumer {
            Target::Named(n) => vec![n.as_str().to_string()],
            Target::All => match c.query(
                "select substr(consumer_name, length($2) + 2) from pgq.get_consumer_info($1) where consumer_name like $2 || '.%'",
                &[&q, &u.consumer.as_str()],
            ) {
                Ok(rows) => rows.iter().map(|r| r.get(0)).collect(),
                Err(e) => return fail(s, pgq::Error::Db(e)),
            },
        };
        let done = (|| -> Result<(), crate::db::Error> {
            let mut tx = c.transaction()?;
            for sub in &subs {
                tx.query_one(
                    "select pgq_coop.unregister_subconsumer($1, $2, $3, $4)",
                    &[&q, &u.consumer.as_str(), sub, &mode],
                )?;
            }
            tx.commit()
        })();
        if let Err(e) = done {
            return fail(s, pgq::Error::Db(e));
        }
        status(s, out, "UNREGISTER");
    }
    Outcome::Ok
}

/// `show batch <id> | <consumer>`
pub fn show_batch(s: &mut Session, cmd: &ast::ShowBatch, out: &mut dyn Write) -> Outcome {
    let batch = match &cmd.batch {
        ast::BatchRef::Id(id) => *id,
        ast::BatchRef::Consumer(name) => {
            let q = match queue_of(s, None) {
                Ok(q) => q,
                Err(o) => return o,
            };
            let c = client!(s);
            match pgq::current_batch(c, &q, name.as_str()) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    return fail(
                        s,
                        format!(
                            "consumer \"{}\" has no open batch on queue \"{q}\"",
                            name.as_str()
                        ),
                    )
                }
                Err(e) => return fail(s, e),
            }
        }
    };
    let c = client!(s);
    match pgq::batch_events(c, batch) {
        Ok(events) => {
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
            let rs = result(
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
            );
            print(s, out, &rs);
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `tick [<q>]`
pub fn tick(s: &mut Session, cmd: &ast::Tick, out: &mut dyn Write) -> Outcome {
    let q = cmd.queue.as_ref().map(|q| q.as_str().to_string());
    let c = client!(s);
    match pgq::tick(c, q.as_deref()) {
        Ok(ticks) => {
            let rows = ticks
                .into_iter()
                .map(|t| {
                    let note = match t.tick_id {
                        Some(_) => "tick made".to_string(),
                        None => "no tick made".to_string(),
                    };
                    vec![Some(t.queue), cell(t.tick_id), Some(note)]
                })
                .collect();
            print(
                s,
                out,
                &result(
                    &[
                        ("queue_name", oid::TEXT),
                        ("tick_id", oid::INT8),
                        ("result", oid::TEXT),
                    ],
                    rows,
                ),
            );
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `maint`
pub fn maint(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let c = client!(s);
    match pgq::maint(c) {
        Ok(steps) => {
            let rows = steps
                .into_iter()
                .map(|st| vec![Some(st.func), st.arg, cell(Some(st.runs))])
                .collect();
            print(
                s,
                out,
                &result(
                    &[
                        ("operation", oid::TEXT),
                        ("argument", oid::TEXT),
                        ("runs", oid::INT4),
                    ],
                    rows,
                ),
            );
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `show version`
pub fn show_version(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let c = client!(s);
    match pgq::versions(c) {
        Ok(v) => {
            let mut rows = vec![vec![
                Some("qadmin".to_string()),
                Some(env!("CARGO_PKG_VERSION").to_string()),
            ]];
            rows.extend(v.into_iter().map(|(k, ver)| {
                vec![Some(k), Some(ver.unwrap_or_else(|| "not installed".into()))]
            }));
            print(
                s,
                out,
                &result(&[("component", oid::TEXT), ("version", oid::TEXT)], rows),
            );
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `install pgq | londiste`
pub fn install(s: &mut Session, cmd: &ast::Install, out: &mut dyn Write) -> Outcome {
    let wanted: &[(&str, &str)] = match cmd.extension {
        ast::Extension::Pgq => &[
            ("pgq", "postgresql-15-pgq3"),
            ("pgq_node", "postgresql-15-pgq-node"),
        ],
        ast::Extension::Londiste => &[
            ("pgq", "postgresql-15-pgq3"),
            ("pgq_node", "postgresql-15-pgq-node"),
            ("londiste", "postgresql-15-londiste-sql"),
        ],
    };
    let c = client!(s);
    for (ext, package) in wanted {
        let available: bool = match c.query_one(
            "select exists (select 1 from pg_catalog.pg_available_extensions where name = $1)",
            &[ext],
        ) {
            Ok(r) => r.get(0),
            Err(e) => return fail(s, pgq::Error::Db(e)),
        };
        if !available {
            return fail(
                s,
                format!("the server has no \"{ext}\" extension: install the Debian package {package} on the database server"),
            );
        }
    }
    let c = client!(s);
    for (ext, _) in wanted {
        let sql = format!("create extension if not exists {ext}");
        if let Err(e) = c.batch_execute(&sql) {
            return fail(s, pgq::Error::Db(e));
        }
    }
    status(s, out, "INSTALL");
    Outcome::Ok
}

/// `connect key=value ... [queue=<q>] [node=<n>]`: a new connection (the
/// keys given replace those of the current one, as psql's `\c` does); the
/// old connection stays when the new one fails. `queue=` must name an
/// existing queue; `node=` connects to that node's registered location.
pub fn connect(s: &mut Session, cmd: &ast::Connect, out: &mut dyn Write) -> Outcome {
    let old = s.params.clone();
    if !cmd.settings.is_empty() {
        let mut overrides: Vec<(&str, String)> = vec![
            ("host", old.hosts.join(",")),
            (
                "port",
                old.ports
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ("dbname", old.dbname.clone()),
            ("user", old.user.clone()),
        ];
        for st in &cmd.settings {
            overrides.retain(|(k, _)| *k != st.key.as_str());
            overrides.push((st.key.as_str(), st.value.clone()));
        }
        let env = crate::db::Environment::from_process();
        match crate::db::ConnParams::resolve(None, &overrides, &env) {
            Ok(p) => s.params = p,
            Err(e) => return fail(s, e),
        }
        if let Err(e) = s.connect() {
            s.params = old;
            return fail(s, e);
        }
    }
    if let Some(q) = &cmd.queue {
        let c = client!(s);
        match pgq::queue_exists(c, q.as_str()) {
            Ok(true) => s.queue = Some(q.as_str().to_string()),
            Ok(false) => return fail(s, pgq::Error::QueueNotFound(q.as_str().to_string())),
            Err(e) => return fail(s, e),
        }
    }
    if let Some(n) = &cmd.node {
        let q = match queue_of(s, None) {
            Ok(q) => q,
            Err(o) => return o,
        };
        let c = client!(s);
        let loc = match crate::cascade::members(c, &q) {
            Ok(m) => m
                .into_iter()
                .find(|m| m.name == n.as_str())
                .and_then(|m| m.location),
            Err(e) => return fail(s, e),
        };
        let Some(loc) = loc else {
            return fail(
                s,
                crate::cascade::Error::NodeNotFound(n.as_str().to_string()),
            );
        };
        let env = crate::db::Environment::from_process();
        let params = match crate::db::ConnParams::resolve(Some(&loc), &[], &env) {
            Ok(p) => p,
            Err(e) => return fail(s, e),
        };
        let before = std::mem::replace(&mut s.params, params);
        if let Err(e) = s.connect() {
            s.params = before;
            // The error names the host and port; the location itself may
            // carry a password, so it is not shown.
            return fail(s, format!("node \"{}\": {e}", n.as_str()));
        }
    }
    status(s, out, "CONNECT");
    Outcome::Ok
}

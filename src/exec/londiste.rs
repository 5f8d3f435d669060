//! Londiste commands on the current queue and the connected node, and
//! `show table` / `show sequence` (runnable DDL from the catalog): AST ->
//! `londiste` / `catalog` API -> a [`Reply`].

use std::io::Write;
use std::time::{Duration, Instant};

use crate::catalog::{self, RelName};
use crate::exec::reply::{cell, conn, flag, oid, queue_of, table, Fail, Handled, Level, Reply};
use crate::londiste::{self, AddSeqOptions, AddTableOptions, Message};
use crate::parse::{self, LondisteCommand, QualifiedName, TableOption};
use crate::session::Session;

/// The family's dispatch: each londiste command to its handler (an exhaustive
/// match, so a new command does not compile without its handler).
pub(super) fn handle(s: &mut Session, cmd: &LondisteCommand, out: &mut dyn Write) -> Handled {
    match cmd {
        LondisteCommand::ShowTable(c) => show_ddl(s, &c.table, true),
        LondisteCommand::ShowSequence(c) => show_ddl(s, &c.sequence, false),
        LondisteCommand::LondisteAddTable(c) => add_table(s, c),
        LondisteCommand::LondisteAddSequence(c) => add_sequence(s, c),
        LondisteCommand::LondisteRemoveTable(c) => remove(s, &c.tables, true),
        LondisteCommand::LondisteRemoveSequence(c) => remove(s, &c.sequences, false),
        LondisteCommand::LondisteTables => tables(s),
        LondisteCommand::LondisteSeqs => seqs(s),
        LondisteCommand::LondisteMissing => missing(s),
        LondisteCommand::LondisteResync(c) => resync(s, c),
        LondisteCommand::LondisteWaitSync => wait_sync(s, out),
        LondisteCommand::LondisteShowHandlers => show_handlers(),
    }
}

/// `schema.name` as Londiste names tables (public when no schema is given).
fn fq(n: &QualifiedName) -> String {
    format!("{}.{}", n.schema.as_deref().unwrap_or("public"), n.name)
}

fn rel(n: &QualifiedName) -> RelName {
    RelName::new(n.schema.as_deref().unwrap_or("public"), n.name.clone())
}

/// Londiste's messages (as WARNING or INFO), then the status word.
fn with_messages(msgs: Vec<Message>) -> Reply {
    let mut all: Vec<Reply> = msgs
        .into_iter()
        .map(|m| {
            let level = if m.is_warning() {
                Level::Warning
            } else {
                Level::Info
            };
            Reply::Message(level, m.note)
        })
        .collect();
    all.push(Reply::Done);
    Reply::All(all)
}

fn options(opts: &[TableOption]) -> AddTableOptions {
    let mut o = AddTableOptions::default();
    for opt in opts {
        match opt {
            TableOption::SkipTruncate => o.skip_truncate = true,
            TableOption::ExpectSync => o.expect_sync = true,
            TableOption::NoTriggers => o.no_triggers = true,
            TableOption::Backup => o.backup = true,
            TableOption::Skip => o.skip = true,
            TableOption::Create => o.create = true,
            TableOption::Handler(h) => o.handler = Some(h.clone()),
            TableOption::TgFlags(f) => o.tgflags = Some(f.clone()),
            TableOption::When(w) => o.when = Some(w.clone()),
            TableOption::Pkey(p) => o.pkey = Some(p.clone()),
            TableOption::EvType(v) => o.ev_type = Some(v.clone()),
            TableOption::EvData(v) => o.ev_data = Some(v.clone()),
            TableOption::EvExtra(n, v) => match n {
                1 => o.ev_extra1 = Some(v.clone()),
                2 => o.ev_extra2 = Some(v.clone()),
                3 => o.ev_extra3 = Some(v.clone()),
                _ => o.ev_extra4 = Some(v.clone()),
            },
            TableOption::Ignore(i) => o.ignore = Some(i.clone()),
        }
    }
    o
}

/// `londiste add table ...`
pub fn add_table(s: &mut Session, cmd: &parse::LondisteAddTable) -> Handled {
    let q = queue_of(s, None)?;
    let tables: Vec<String> = cmd.tables.iter().map(fq).collect();
    let o = options(&cmd.options);
    let m = londiste::add_tables(conn(s)?, &q, &tables, &o)?;
    Ok(with_messages(m))
}

/// `londiste add sequence ...`
pub fn add_sequence(s: &mut Session, cmd: &parse::LondisteAddSequence) -> Handled {
    let q = queue_of(s, None)?;
    let seqs: Vec<String> = cmd.sequences.iter().map(fq).collect();
    let m = londiste::add_seqs(conn(s)?, &q, &seqs, &AddSeqOptions::default())?;
    Ok(with_messages(m))
}

/// `londiste remove table | sequence ...`
pub fn remove(s: &mut Session, names: &[QualifiedName], tables: bool) -> Handled {
    let q = queue_of(s, None)?;
    let list: Vec<String> = names.iter().map(fq).collect();
    let c = conn(s)?;
    Ok(if tables {
        with_messages(londiste::remove_tables(c, &q, &list)?)
    } else {
        with_messages(londiste::remove_seqs(c, &q, &list)?)
    })
}

/// `londiste resync ...`
pub fn resync(s: &mut Session, cmd: &parse::LondisteResync) -> Handled {
    let q = queue_of(s, None)?;
    let list: Vec<String> = cmd.tables.iter().map(fq).collect();
    let m = londiste::resync(conn(s)?, &q, &list)?;
    Ok(with_messages(m))
}

/// `londiste tables`
pub fn tables(s: &mut Session) -> Handled {
    let q = queue_of(s, None)?;
    let rows = londiste::tables(conn(s)?, &q)?
        .into_iter()
        .filter(|t| t.local)
        .map(|t| {
            vec![
                Some(t.table_name),
                t.merge_state,
                t.copy_role,
                t.table_attrs,
                t.dest_table,
            ]
        })
        .collect();
    Ok(table(
        &[
            ("table_name", oid::TEXT),
            ("merge_state", oid::TEXT),
            ("copy_role", oid::TEXT),
            ("table_attrs", oid::TEXT),
            ("dest_table", oid::TEXT),
        ],
        rows,
    ))
}

/// `londiste seqs`
pub fn seqs(s: &mut Session) -> Handled {
    let q = queue_of(s, None)?;
    let rows = londiste::seqs(conn(s)?, &q)?
        .into_iter()
        .map(|x| {
            vec![
                Some(x.seq_name),
                flag(Some(x.local)),
                cell(Some(x.last_value)),
            ]
        })
        .collect();
    Ok(table(
        &[
            ("seq_name", oid::TEXT),
            ("local", oid::BOOL),
            ("last_value", oid::INT8),
        ],
        rows,
    ))
}

/// `londiste missing`
pub fn missing(s: &mut Session) -> Handled {
    let q = queue_of(s, None)?;
    let rows = londiste::missing(conn(s)?, &q)?
        .into_iter()
        .map(|m| {
            let state = if m.copying {
                m.merge_state
                    .clone()
                    .unwrap_or_else(|| "copy not started".into())
            } else {
                "missing".into()
            };
            vec![Some(m.kind.to_string()), Some(m.name), Some(state)]
        })
        .collect();
    Ok(table(
        &[
            ("obj_kind", oid::TEXT),
            ("obj_name", oid::TEXT),
            ("state", oid::TEXT),
        ],
        rows,
    ))
}

/// `londiste wait sync`: tables left, once a second (to the output, not
/// with -q), until all are in sync; Ctrl-C stops waiting and changes
/// nothing.
pub fn wait_sync(s: &mut Session, out: &mut dyn Write) -> Handled {
    let q = queue_of(s, None)?;
    let mut last = Instant::now() - Duration::from_secs(2);
    loop {
        let st = londiste::sync_status(conn(s)?, &q)?;
        if st.is_done() {
            return Ok(Reply::Done);
        }
        if last.elapsed() >= Duration::from_secs(1) {
            last = Instant::now();
            if !s.settings.quiet {
                let names: Vec<String> = st
                    .pending
                    .iter()
                    .map(|(t, m)| format!("{t} ({})", m.as_deref().unwrap_or("copy not started")))
                    .collect();
                let _ = writeln!(
                    out,
                    "{} of {} tables left: {}",
                    st.pending.len(),
                    st.total,
                    names.join(", ")
                );
                let _ = out.flush();
            }
        }
        if crate::db::cancel::interrupted() {
            return Err(Fail::msg("stopped waiting; nothing was changed"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `londiste show handlers`
pub fn show_handlers() -> Handled {
    let rows = londiste::HANDLERS
        .iter()
        .map(|h| {
            vec![
                Some(h.name.to_string()),
                Some(h.module.to_string()),
                Some(h.description.to_string()),
            ]
        })
        .collect();
    Ok(table(
        &[
            ("handler", oid::TEXT),
            ("module", oid::TEXT),
            ("description", oid::TEXT),
        ],
        rows,
    ))
}

/// `show table <t>` / `show sequence <s>`: plain DDL, no frame.
pub fn show_ddl(s: &mut Session, name: &QualifiedName, table: bool) -> Handled {
    let r = rel(name);
    let c = conn(s)?;
    let mut text = if table {
        catalog::table_ddl(c, &r)?
    } else {
        catalog::sequence_ddl(c, &r)?
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(Reply::Text(text))
}

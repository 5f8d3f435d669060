//! Runs one statement and prints its outcome.
//!
//! SQL goes to the server verbatim, one statement per round trip. A query
//! (SELECT, VALUES, TABLE, WITH) runs through a cursor and is fetched in
//! batches of FETCH_COUNT rows that are printed as they arrive, so memory
//! does not grow with the row count (psql's FETCH_COUNT model). Outside a
//! transaction block the cursor gets its own BEGIN / COMMIT; inside one, a
//! savepoint guards the DECLARE so that a statement that cannot be a cursor
//! (SELECT INTO, data-modifying WITH) falls back to a plain run without
//! spoiling the user's transaction. Command tags are rebuilt by [`tag`],
//! errors are shaped by [`report`].

pub mod cascade;
pub mod cascade_view;
pub mod command;
pub mod londiste;
pub mod queue;
pub mod report;
pub mod tag;

use std::io::Write;

use postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

use crate::output::{self, Column, Row, TablePrinter};
use crate::session::{Session, TxState};
use tag::{classify, tag_text, Classified, Kind};

/// How a statement ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It ran.
    Ok,
    /// It failed; the error has been reported.
    Failed,
    /// The connection is gone; reported.
    ConnectionLost,
    /// The user asked to leave.
    Quit,
}

impl Row for SimpleQueryRow {
    fn len(&self) -> usize {
        SimpleQueryRow::len(self)
    }
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

const CURSOR: &str = "_qadmin_cursor";
const SAVEPOINT: &str = "_qadmin_savepoint";

/// Run one SQL statement (as split by the lexer, `;` included) and print
/// its result to `out`, errors and notices to stderr.
pub fn run_sql(s: &mut Session, sql: &str, out: &mut dyn Write) -> Outcome {
    if sql.contains('\0') {
        s.error("ERROR:  the statement contains a NUL byte, which PostgreSQL does not accept");
        return Outcome::Failed;
    }
    if !s.is_connected() {
        s.error("You are currently not connected to a database.");
        return Outcome::ConnectionLost;
    }
    if s.settings.echo == crate::cli::Echo::Queries {
        let _ = writeln!(out, "{sql}");
    }
    let c = classify(sql);
    s.arm_cancel();
    let result = match c.kind {
        Kind::Query if s.tx != TxState::Failed => run_cursor(s, sql, &c, out),
        Kind::CopyOut => run_copy_out(s, sql, out),
        Kind::CopyIn => Err(Failure::Message(
            "COPY FROM STDIN is not supported yet; use COPY FROM a server file or \\copy in psql"
                .into(),
        )),
        _ => run_plain(s, sql, &c, out),
    };
    crate::db::cancel::disarm();
    let _ = out.flush();
    match result {
        Ok(()) => {
            s.tx = next_tx_state(s.tx, &c.kind);
            Outcome::Ok
        }
        Err(f) => report_failure(s, sql, f),
    }
}

/// Why a statement did not succeed.
enum Failure {
    Db(postgres::Error),
    Message(String),
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Self {
        Failure::Db(e)
    }
}

fn report_failure(s: &mut Session, sql: &str, f: Failure) -> Outcome {
    match f {
        Failure::Message(m) => {
            s.error(&m);
            if s.tx == TxState::InTx {
                s.tx = TxState::Failed;
            }
            Outcome::Failed
        }
        Failure::Db(e) => {
            let lost = s
                .client()
                .map(|c| crate::db::is_connection_lost(c, &e))
                .unwrap_or(true);
            let text = match e.as_db_error() {
                Some(db) => format_error_text(db, sql),
                None if lost => String::new(),
                None => format!("ERROR:  {e}\n"),
            };
            if !text.is_empty() {
                s.error_text(&text);
            }
            if lost {
                s.error("server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\nconnection to server was lost");
                s.drop_connection();
                return Outcome::ConnectionLost;
            }
            if s.tx == TxState::InTx {
                s.tx = TxState::Failed;
            }
            Outcome::Failed
        }
    }
}

fn format_error_text(db: &postgres::error::DbError, sql: &str) -> String {
    report::format_db_error(db, Some(sql), true)
}

/// The transaction state after a statement of this kind succeeded.
fn next_tx_state(now: TxState, kind: &Kind) -> TxState {
    match kind {
        Kind::Begin => TxState::InTx,
        Kind::Commit { chain } | Kind::Rollback { chain } => {
            if *chain {
                TxState::InTx
            } else {
                TxState::Idle
            }
        }
        Kind::PrepareTransaction => TxState::Idle,
        Kind::RollbackTo if now == TxState::Failed => TxState::InTx,
        _ => now,
    }
}

fn client(s: &mut Session) -> Result<&mut Client, Failure> {
    s.client()
        .ok_or_else(|| Failure::Message("You are currently not connected to a database.".into()))
}

/// A statement that is not a cursor query: one simple-query round trip.
fn run_plain(
    s: &mut Session,
    sql: &str,
    c: &Classified,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let msgs = client(s)?.simple_query(sql)?;
    let mut names: Option<Vec<String>> = None;
    let mut rows: Vec<SimpleQueryRow> = Vec::new();
    let mut count = None;
    for m in msgs {
        match m {
            SimpleQueryMessage::RowDescription(cols) => {
                names = Some(cols.iter().map(|c| c.name().to_string()).collect());
            }
            SimpleQueryMessage::Row(r) => rows.push(r),
            SimpleQueryMessage::CommandComplete(n) => count = Some(n),
            _ => {}
        }
    }
    let failed_commit = s.tx == TxState::Failed && matches!(c.kind, Kind::Commit { .. });
    let opts = s.settings.print.clone();
    if let Some(names) = names {
        // The simple protocol gives names only; describe the statement (no
        // execution) to learn the column types for alignment and JSON.
        let types = describe_types(client(s)?, sql, names.len());
        let columns = names
            .into_iter()
            .zip(types)
            .map(|(name, type_oid)| Column { name, type_oid })
            .collect();
        let mut p = TablePrinter::new(columns, &opts);
        write_io(p.print_batch(out, &rows))?;
        write_io(p.finish(out))?;
        // psql also shows the status of INSERT / UPDATE / DELETE ... RETURNING.
        let t = tag_text(c, count.unwrap_or(0));
        if !s.settings.quiet
            && (t.starts_with("INSERT") || t.starts_with("UPDATE") || t.starts_with("DELETE"))
        {
            write_io(output::print_status(out, &t, &opts))?;
        }
    } else if count.is_some() && !s.settings.quiet {
        let t = if failed_commit {
            "ROLLBACK".to_string()
        } else {
            tag_text(c, count.unwrap_or(0))
        };
        if !t.is_empty() {
            write_io(output::print_status(out, &t, &opts))?;
        }
    }
    Ok(())
}

fn write_io(r: std::io::Result<()>) -> Result<(), Failure> {
    match r {
        Ok(()) => Ok(()),
        // A closed pipe (qadmin ... | head) is not an error of the statement.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Message(format!("could not write output: {e}"))),
    }
}

/// Column type OIDs of a statement, by describing it (Parse + Describe,
/// nothing runs). Unknown (0) when the statement cannot be described.
fn describe_types(c: &mut Client, sql: &str, n: usize) -> Vec<u32> {
    match c.prepare(sql) {
        Ok(st) if st.columns().len() == n => st.columns().iter().map(|c| c.type_().oid()).collect(),
        _ => vec![0; n],
    }
}

/// A query through a cursor, fetched and printed batch by batch.
fn run_cursor(
    s: &mut Session,
    sql: &str,
    c: &Classified,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let own_tx = s.tx == TxState::Idle;
    let body = sql.trim_end().trim_end_matches(';');
    let declared = if own_tx {
        let declare = format!("BEGIN; DECLARE {CURSOR} NO SCROLL CURSOR FOR {body}");
        client(s)?.simple_query(&declare).is_ok()
    } else {
        // Inside the user's transaction a failed DECLARE must not spoil it:
        // a savepoint of its own round trip guards it.
        client(s)?.simple_query(&format!("SAVEPOINT {SAVEPOINT}"))?;
        let declare = format!("DECLARE {CURSOR} NO SCROLL CURSOR FOR {body}");
        client(s)?.simple_query(&declare).is_ok()
    };
    if !declared {
        // Not a cursor query after all (SELECT INTO, data-modifying WITH,
        // or an error): undo and run it plainly, which also reports the
        // error with positions relative to the user's own text. The undo
        // is housekeeping: its notices ("no transaction in progress" when
        // a parse error kept BEGIN from running) are not shown.
        let undo = if own_tx {
            "ROLLBACK".to_string()
        } else {
            format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE {SAVEPOINT}")
        };
        if s.is_connected() {
            s.set_notices_muted(true);
            let r = client(s)?.simple_query(&undo);
            s.set_notices_muted(false);
            r?;
        }
        return run_plain(s, sql, c, out);
    }
    let fetch = format!("FETCH FORWARD {} FROM {CURSOR}", s.settings.fetch_count);
    let result = fetch_all(s, &fetch, out);
    let finish = if own_tx {
        format!("CLOSE {CURSOR}; COMMIT")
    } else {
        format!("CLOSE {CURSOR}; RELEASE {SAVEPOINT}")
    };
    match result {
        Ok(()) => {
            client(s)?.simple_query(&finish)?;
            Ok(())
        }
        Err(e) => {
            if own_tx {
                if let Some(cl) = s.client() {
                    if !cl.is_closed() {
                        let _ = cl.simple_query("ROLLBACK");
                    }
                }
            }
            Err(e)
        }
    }
}

fn fetch_all(s: &mut Session, fetch: &str, out: &mut dyn Write) -> Result<(), Failure> {
    let opts = s.settings.print.clone();
    let batch = s.settings.fetch_count;
    let cl = client(s)?;
    let st = cl.prepare(fetch)?;
    let columns: Vec<Column> = st
        .columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_string(),
            type_oid: c.type_().oid(),
        })
        .collect();
    drop(st);
    let mut p = TablePrinter::new(columns, &opts);
    loop {
        let msgs = cl.simple_query(fetch)?;
        let rows: Vec<SimpleQueryRow> = msgs
            .into_iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(r) => Some(r),
                _ => None,
            })
            .collect();
        let n = rows.len();
        if n > 0 || batch == 0 {
            write_io(p.print_batch(out, &rows))?;
        }
        if n < batch {
            break;
        }
    }
    write_io(p.finish(out))
}

/// COPY ... TO STDOUT: the server's bytes go straight to the output. psql
/// prints no status line after it (it would mix with the data).
fn run_copy_out(s: &mut Session, sql: &str, out: &mut dyn Write) -> Result<(), Failure> {
    let body = sql.trim_end().trim_end_matches(';');
    let cl = client(s)?;
    let mut reader = cl.copy_out(body)?;
    let mut buf = [0u8; 64 * 1024];
    loop {
        let k = match std::io::Read::read(&mut reader, &mut buf) {
            Ok(k) => k,
            Err(e) => {
                // The reader wraps the server's error; report it as such.
                return match e
                    .into_inner()
                    .and_then(|b| b.downcast::<postgres::Error>().ok())
                {
                    Some(pe) => Err(Failure::Db(*pe)),
                    None => Err(Failure::Message("ERROR:  COPY failed".into())),
                };
            }
        };
        if k == 0 {
            break;
        }
        write_io(out.write_all(&buf[..k]))?;
    }
    Ok(())
}

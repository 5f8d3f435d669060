//! Runs one SQL statement and prints its outcome.
//!
//! SQL goes to the server verbatim as one simple Query: one round trip,
//! no cursor and no transaction of qadmin's own. Rows are printed as they
//! arrive, in batches of FETCH_COUNT (psql's FETCH_COUNT look: alignment
//! per batch), so memory does not grow with the row count. The command tag
//! and the transaction status come from the server. `COPY ... FROM STDIN`
//! reads its data from the statement's input ([`CopyInput`]: the script
//! that holds the statement, else standard input) up to `\.`; `COPY ... TO
//! STDOUT` writes to the output. Errors are shaped by [`report`].

pub mod cascade;
pub mod cascade_view;
pub mod command;
pub mod database;
pub mod hint;
pub mod londiste;
pub mod progress;
pub mod queue;
pub mod reply;
pub mod report;

use std::io::{BufRead, Write};

use crate::db::{Client, Reply, Row as DbRow, TxStatus};
use crate::output::{self, Column, Row, TablePrinter};
use crate::session::{Session, TxState};

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

impl Row for DbRow {
    fn len(&self) -> usize {
        DbRow::len(self)
    }
    fn cell(&self, i: usize) -> Option<&str> {
        DbRow::cell(self, i)
    }
}

/// Where the data of `COPY ... FROM STDIN` comes from: the lines that
/// follow the statement in its script, or standard input.
pub trait CopyInput {
    /// Append the next line (with its newline, if it has one) to `line`;
    /// `false` at the end of the input.
    fn next_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool>;
}

/// What psql says before it reads COPY data from a terminal.
pub const COPY_INSTRUCTIONS: &[u8] = b"Enter data to be copied followed by a newline.\nEnd with a backslash and a period on a line by itself, or an EOF signal.\n";

/// Standard input as COPY data (`-c`, `\copy ... from stdin`): on a
/// terminal psql's instructions (not with QUIET) and its PROMPT3 come
/// before the lines.
#[derive(Default)]
pub struct StdinCopy {
    told: bool,
    /// PROMPT3 expanded (`None`: psql's default `>> `).
    prompt: Option<String>,
}

impl StdinCopy {
    /// COPY data from standard input in session `s`: its PROMPT3 and QUIET.
    pub fn for_session(s: &Session) -> Self {
        StdinCopy {
            told: s.settings.quiet,
            prompt: Some(crate::input::prompt::copy_prompt(s)),
        }
    }
}

impl CopyInput for StdinCopy {
    fn next_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        use std::io::IsTerminal;
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            let mut err = std::io::stdout().lock();
            if !self.told {
                self.told = true;
                let _ = err.write_all(COPY_INSTRUCTIONS);
            }
            let _ = err.write_all(self.prompt.as_deref().unwrap_or(">> ").as_bytes());
            let _ = err.flush();
        }
        Ok(stdin.lock().read_until(b'\n', line)? > 0)
    }
}

/// Run one SQL statement (as split by the lexer, `;` included) and print
/// its result to `out`, errors and notices to stderr. COPY data comes
/// from standard input.
pub fn run_sql(s: &mut Session, sql: &str, out: &mut dyn Write) -> Outcome {
    run_sql_with(s, sql, out, &mut StdinCopy::for_session(s))
}

/// As [`run_sql`], with COPY data from `input`.
pub fn run_sql_with(
    s: &mut Session,
    sql: &str,
    out: &mut dyn Write,
    input: &mut dyn CopyInput,
) -> Outcome {
    let o = run_sql_copy(s, sql, out, input, None, false);
    if o == Outcome::Failed {
        if let Some(h) = hint::sql_hint(sql) {
            s.error(&h);
        }
    }
    o
}

/// As [`run_sql_with`], with COPY TO STDOUT data written to `data` (a
/// `\copy` file) instead of `out`. `copy_status`: print `COPY n` after
/// COPY TO STDOUT too, as psql does when the data did not go to the query
/// output (a `\copy` to a file or a program, to pstdout under `\o`).
pub fn run_sql_copy(
    s: &mut Session,
    sql: &str,
    out: &mut dyn Write,
    input: &mut dyn CopyInput,
    data: Option<&mut dyn Write>,
    copy_status: bool,
) -> Outcome {
    if sql.contains('\0') {
        s.error("ERROR:  the statement contains a NUL byte, which PostgreSQL does not accept");
        return Outcome::Failed;
    }
    if !s.is_connected() {
        s.error("You are currently not connected to a database.");
        return Outcome::ConnectionLost;
    }
    echo_query(s, out, sql);
    s.arm_cancel();
    let mut changes = crate::parse::ast::Changes::Nothing;
    let result = stream(s, sql, out, input, data, copy_status, &mut changes);
    s.changes = s.changes.and(changes);
    // Notifications that came with the statement, as psql prints them.
    if let Some(c) = s.client() {
        for n in c.take_notifications() {
            let _ = if n.payload.is_empty() {
                writeln!(
                    out,
                    "Asynchronous notification \"{}\" received from server process with PID {}.",
                    n.channel, n.process_id
                )
            } else {
                writeln!(
                    out,
                    "Asynchronous notification \"{}\" with payload \"{}\" received from server process with PID {}.",
                    n.channel, n.payload, n.process_id
                )
            };
        }
    }
    crate::db::cancel::disarm();
    let _ = out.flush();
    if let Some(c) = s.client() {
        let status = c.tx_status();
        s.tx = match status {
            TxStatus::Idle => TxState::Idle,
            TxStatus::InTx => TxState::InTx,
            TxStatus::Failed => TxState::Failed,
        };
    }
    match result {
        Ok(()) => Outcome::Ok,
        Err(f) => report_failure(s, sql, f),
    }
}

/// Why a statement did not succeed.
enum Failure {
    Db(crate::db::Error),
    Message(String),
}

impl From<crate::db::Error> for Failure {
    fn from(e: crate::db::Error) -> Self {
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
                Some(db) => format_error_text(db, sql, s.message_style()),
                None if lost => String::new(),
                None => format!("ERROR:  {e}\n"),
            };
            if !text.is_empty() {
                s.error_text(&text);
                // psql's ECHO errors (`-b`): the failed statement after
                // its error.
                if s.settings.echo == crate::cli::Echo::Errors {
                    s.error(&format!("STATEMENT:  {sql}"));
                }
            }
            if let Some(db) = e.as_db_error() {
                s.last_error = Some((db.clone(), sql.to_string()));
            }
            if lost {
                s.error("server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\nconnection to server was lost");
                s.drop_connection();
                return Outcome::ConnectionLost;
            }
            Outcome::Failed
        }
    }
}

fn format_error_text(db: &crate::db::DbError, sql: &str, style: report::Style) -> String {
    report::format_db_error_styled(db, Some(sql), true, style)
}

fn client(s: &mut Session) -> Result<&mut Client, Failure> {
    s.client()
        .ok_or_else(|| Failure::Message("You are currently not connected to a database.".into()))
}

/// One result being printed.
struct Result_ {
    printer: TablePrinter,
    batch: Vec<DbRow>,
}

/// Send the statement and handle its replies up to the ReadyForQuery:
/// rows printed batch by batch, tags, COPY in both directions. The first
/// error is returned once the request is over (the connection is then
/// ready for the next statement).
fn stream(
    s: &mut Session,
    sql: &str,
    out: &mut dyn Write,
    input: &mut dyn CopyInput,
    mut data: Option<&mut dyn Write>,
    slash_copy: bool,
    changes: &mut crate::parse::ast::Changes,
) -> Result<(), Failure> {
    let opts = s.settings.print.clone();
    let quiet = s.settings.quiet;
    let fetch = s.settings.fetch_count;
    // SHOW_ALL_RESULTS off: only the last result of a multi-statement
    // string shows; each one is held until the next replaces it.
    let hide = s.vars.get("SHOW_ALL_RESULTS").map(String::as_str) == Some("off");
    let mut hold: Vec<u8> = Vec::new();
    // `-L`: results also go to the log file, aligned, and the status lines.
    let mut log = s.log_file.as_ref().and_then(|f| f.try_clone().ok());
    let log_opts = output::PrintOptions {
        format: crate::output::Format::Aligned,
        expanded: false,
        color: false,
        ..opts.clone()
    };
    let mut log_printer: Option<TablePrinter> = None;
    let c = client(s)?;
    c.send_simple(sql)?;
    let mut current: Option<Result_> = None;
    // psql prints no status line after COPY TO STDOUT: it would mix with
    // the data.
    let mut copy_out = false;
    // A COPY's data has started: an error from now on leaves the result
    // variables alone, as in psql.
    let mut in_copy = false;
    let mut failed: Option<Failure> = None;
    // Output errors (a closed pipe aside) end the printing, never the
    // protocol: the replies are still read to the end.
    let write = |r: std::io::Result<()>, failed: &mut Option<Failure>| {
        if let Err(f) = write_io(r) {
            failed.get_or_insert(f);
        }
    };
    loop {
        match c.next_reply()? {
            Reply::Columns(cols) => {
                hold.clear();
                let columns = cols
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        type_oid: c.type_oid,
                    })
                    .collect();
                if log.is_some() {
                    log_printer = Some(TablePrinter::new(
                        cols.iter()
                            .map(|c| Column {
                                name: c.name.clone(),
                                type_oid: c.type_oid,
                            })
                            .collect(),
                        &log_opts,
                    ));
                }
                current = Some(Result_ {
                    printer: TablePrinter::new(columns, &opts),
                    batch: Vec::new(),
                });
            }
            Reply::Row(r) => {
                // After Ctrl-C the rows still on their way are not printed
                // (psql stops printing too); the server's error follows.
                if crate::db::cancel::interrupted() {
                    continue;
                }
                if let Some(cur) = current.as_mut() {
                    cur.batch.push(r);
                    if fetch > 0 && cur.batch.len() >= fetch {
                        if let (Some(l), Some(p)) = (log.as_mut(), log_printer.as_mut()) {
                            let _ = p.print_batch(l, &cur.batch);
                        }
                        let out: &mut dyn Write = if hide { &mut hold } else { &mut *out };
                        write(cur.printer.print_batch(out, &cur.batch), &mut failed);
                        cur.batch.clear();
                    }
                }
            }
            Reply::Complete(tag) => {
                *changes = changes.and(crate::parse::ast::Changes::of_sql_tag(&tag));
                if current.is_none() {
                    hold.clear();
                }
                if let Some(l) = log.as_mut() {
                    if let (Some(cur), Some(mut p)) = (current.as_ref(), log_printer.take()) {
                        if !cur.batch.is_empty() || fetch == 0 {
                            let _ = p.print_batch(l, &cur.batch);
                        }
                        let _ = p.finish(l);
                    }
                    let dml = ["INSERT", "UPDATE", "DELETE", "MERGE"]
                        .iter()
                        .any(|k| tag.starts_with(k));
                    // No tag for a COPY whose data went to the query
                    // output (psql has no status for it at all).
                    if (current.is_none() && (!copy_out || slash_copy)) || dml {
                        let _ = writeln!(l, "{tag}");
                    }
                    let _ = l.flush();
                }
                let out: &mut dyn Write = if hide { &mut hold } else { &mut *out };
                if let Some(mut cur) = current.take() {
                    if !cur.batch.is_empty() || fetch == 0 {
                        write(cur.printer.print_batch(out, &cur.batch), &mut failed);
                    }
                    write(cur.printer.finish(out), &mut failed);
                    // psql also shows the status of INSERT / UPDATE /
                    // DELETE ... RETURNING.
                    let dml = ["INSERT", "UPDATE", "DELETE", "MERGE"]
                        .iter()
                        .any(|k| tag.starts_with(k));
                    if !quiet && dml {
                        write(output::print_status(out, &tag, &opts), &mut failed);
                    }
                } else if !quiet && (!copy_out || slash_copy) {
                    write(output::print_status(out, &tag, &opts), &mut failed);
                }
                if copy_out && !slash_copy {
                    c.drop_outcome_tag();
                }
                copy_out = false;
            }
            Reply::Empty => {}
            Reply::CopyOut => {
                copy_out = true;
                in_copy = true;
            }
            Reply::CopyData(d) => {
                let sink: &mut dyn Write = match data.as_mut() {
                    Some(w) => *w,
                    None => out,
                };
                write(sink.write_all(&d), &mut failed);
                // Out before the notices the statement's last triggers
                // send (psql's order).
                write(sink.flush(), &mut failed)
            }
            Reply::CopyDone => {}
            Reply::CopyIn => {
                in_copy = true;
                send_copy_data(c, input)?
            }
            Reply::Error(e) => {
                current = None;
                hold.clear();
                if in_copy {
                    c.forget_outcome();
                }
                if failed.is_none() {
                    let fatal = matches!(e.severity(), "FATAL" | "PANIC");
                    failed = Some(Failure::Db(crate::db::Error::Db(e, fatal)));
                }
            }
            Reply::Ready(_) => break,
        }
    }
    if !hold.is_empty() {
        write(out.write_all(&hold), &mut failed);
    }
    match failed {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

/// Feed COPY FROM STDIN from `input`: every line up to one that is `\.`
/// alone (not sent) or the end of the input.
fn send_copy_data(c: &mut Client, input: &mut dyn CopyInput) -> Result<(), Failure> {
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.next_line(&mut line) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                c.copy_fail(&format!("could not read COPY data: {e}"))?;
                return Ok(());
            }
        }
        let body = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(&line);
        if body == b"\\." {
            break;
        }
        c.copy_data(&line)?;
    }
    c.copy_done()?;
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

/// `-e` (ECHO queries): the statement before it is sent, on standard
/// output even when the results go to a `\o` target (psql's `puts`),
/// flushed before the statement's notices (stderr) can come.
pub fn echo_query(s: &Session, out: &mut dyn Write, sql: &str) {
    if s.settings.echo != crate::cli::Echo::Queries {
        return;
    }
    if s.echo_to_stdout {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{sql}");
        let _ = stdout.flush();
    } else {
        let _ = writeln!(out, "{sql}");
        let _ = out.flush();
    }
}

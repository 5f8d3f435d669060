//! Sending a SQL statement the way psql's `SendQuery` does, around what
//! [`crate::exec`] runs: with AUTOCOMMIT off, a `BEGIN` first when no
//! transaction block is open; with ON_ERROR_ROLLBACK, a savepoint around
//! each statement inside one (rolled back to when it fails, released
//! otherwise); afterwards psql's result variables (ERROR, SQLSTATE,
//! ROW_COUNT, LAST_ERROR_*), SINGLESTEP's confirmation and the `-L` log
//! file's query banner.
//!
//! And the `\g` family that sends the query buffer ([`Go`]): `\g [FILE |
//! |COMMAND]`, `\gx`, `\gset [PREFIX]`, `\gexec`, `\gdesc`, `\crosstabview`.
//! `\gset`, `\gexec` and `\crosstabview` read the rows here instead of
//! printing them (after a qadmin command,
//! from its reply table printed as CSV). The statement loops
//! ([`super::script`], [`super::repl`]) own the buffer and call [`go`].

use std::io::Write;

use crate::db::{Reply, TxStatus};
use crate::exec::{self, CopyInput, Outcome};
use crate::output::{Column, TablePrinter};
use crate::session::{ErrorRollback, Session, TxState};

/// The savepoint psql makes for ON_ERROR_ROLLBACK.
const SAVEPOINT: &str = "pg_psql_temporary_savepoint";

/// How the `\g` family sends the query buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Go {
    /// `\g [FILE | |COMMAND]`: results as usual, or to FILE / COMMAND for
    /// this statement only.
    Plain(Option<String>),
    /// `\gx [FILE | |COMMAND]`: as `\g`, in expanded mode.
    Expanded(Option<String>),
    /// `\gset [PREFIX]`: the one row's columns into variables.
    Set(String),
    /// `\gexec`: each value of the result is a statement to run.
    Exec,
    /// `\g (NAME=VALUE ...)` / `\gx (...)`: `\pset` options for this
    /// statement only, around the `\g` it goes with.
    Options(Vec<(String, Option<String>)>, Box<Go>),
    /// `\crosstabview [COLV [COLH [COLD [SORTCOLH]]]]`: the result pivoted
    /// ([`super::crosstab`]); the arguments as typed.
    Crosstab(Vec<String>),
    /// `\gdesc`: the result's column names and types, without running it.
    Describe,
}

/// Send `sql` (SQL for the server) as psql's `SendQuery` does; `run`
/// sends it and reports.
pub(crate) fn send_with(
    s: &mut Session,
    sql: &str,
    run: impl FnOnce(&mut Session) -> Outcome,
) -> Outcome {
    let status = s.client().map(|c| c.tx_status());
    if status == Some(TxStatus::Idle) && !s.settings.autocommit && !command_no_begin(sql) {
        if let Some(o) = quiet(s, "BEGIN") {
            return o;
        }
    }
    let status = s.client().map(|c| c.tx_status());
    let savepoint = status == Some(TxStatus::InTx)
        && match s.settings.on_error_rollback {
            ErrorRollback::Off => false,
            ErrorRollback::On => true,
            ErrorRollback::Interactive => s.interactive,
        };
    if savepoint {
        if let Some(o) = quiet(s, &format!("SAVEPOINT {SAVEPOINT}")) {
            return o;
        }
    }
    let outcome = run(s);
    if savepoint && outcome != Outcome::ConnectionLost {
        let last = s
            .client()
            .and_then(|c| c.last_outcome().cloned())
            .and_then(Result::ok)
            .unwrap_or_default();
        let cmd = match s.client().map(|c| c.tx_status()) {
            Some(TxStatus::Failed) => Some("ROLLBACK TO"),
            Some(TxStatus::InTx)
                if !["COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"].contains(&last.as_str()) =>
            {
                Some("RELEASE")
            }
            _ => None,
        };
        if let Some(cmd) = cmd {
            if let Some(o) = quiet(s, &format!("{cmd} {SAVEPOINT}")) {
                return o;
            }
        }
        if let Some(c) = s.client() {
            s.tx = match c.tx_status() {
                TxStatus::Idle => TxState::Idle,
                TxStatus::InTx => TxState::InTx,
                TxStatus::Failed => TxState::Failed,
            };
        }
    }
    outcome
}

/// A statement of psql's own (BEGIN, savepoints): `None` when it went
/// well, else the outcome of the statement it was for (the error
/// reported as psql reports it: the message alone).
/// Run a statement of qadmin's own without printing its result (psql's
/// `PSQLexec`: `-1`'s BEGIN and COMMIT); an error is reported. `false`
/// when it failed. The transaction state follows the server's.
pub fn hidden(s: &mut Session, sql: &str) -> bool {
    let ok = quiet(s, sql).is_none();
    if let Some(c) = s.client() {
        s.tx = match c.tx_status() {
            TxStatus::Idle => TxState::Idle,
            TxStatus::InTx => TxState::InTx,
            TxStatus::Failed => TxState::Failed,
        };
    }
    ok
}

fn quiet(s: &mut Session, sql: &str) -> Option<Outcome> {
    // The user's statement's variables must not see this one's tag.
    let c = s.client()?;
    match c.simple_query(sql) {
        Ok(_) => None,
        Err(e) => {
            let lost = crate::db::is_connection_lost(c, &e);
            let text = match e.as_db_error() {
                Some(db) => format!("{}:  {}", db.severity(), db.message()),
                None => e.to_string(),
            };
            s.error(&text);
            if lost {
                s.drop_connection();
                return Some(Outcome::ConnectionLost);
            }
            Some(Outcome::Failed)
        }
    }
}

/// Send one SQL statement (or several in one string) and print its
/// results, with AUTOCOMMIT, ON_ERROR_ROLLBACK and the result variables.
pub fn send_sql(
    s: &mut Session,
    sql: &str,
    out: &mut dyn Write,
    input: &mut dyn CopyInput,
) -> Outcome {
    if !single_step(s, sql, out) {
        return Outcome::Failed;
    }
    if let Some(log) = s.log_file.as_mut() {
        let _ = write!(
            log,
            "********* QUERY **********\n{sql}\n**************************\n\n"
        );
        let _ = log.flush();
    }
    send_with(s, sql, |s| {
        let o = exec::run_sql_with(s, sql, out, input);
        if o != Outcome::ConnectionLost {
            s.set_result_vars();
        }
        o
    })
}

/// SINGLESTEP (`-s`): show the statement and wait for a line; `x` (or
/// no terminal answer) cancels it, which counts as a failure, as in psql.
/// The answer is read from standard input, as psql reads it, or from the
/// terminal when the script itself comes from standard input (psql would
/// take the script's next line).
fn single_step(s: &Session, sql: &str, out: &mut dyn Write) -> bool {
    if !s.flag("SINGLESTEP") {
        return true;
    }
    let _ = std::io::stderr().flush();
    let _ = write!(
        out,
        "***(Single step mode: verify command)*******************************************\n\
         {sql}\n\
         ***(press return to proceed or enter x and return to cancel)********************\n"
    );
    let _ = out.flush();
    let mut line = String::new();
    let answer = if s.stdin_script {
        std::fs::File::open("/dev/tty")
            .and_then(|f| std::io::BufRead::read_line(&mut std::io::BufReader::new(f), &mut line))
    } else {
        std::io::stdin().read_line(&mut line)
    }
    .map(|_| line);
    match answer {
        Ok(line) => !line.starts_with('x') && !crate::db::cancel::interrupted(),
        Err(_) => true,
    }
}

/// psql's `command_no_begin`: statements that must not (or need not) run
/// in a transaction block get no implicit BEGIN with AUTOCOMMIT off.
pub fn command_no_begin(sql: &str) -> bool {
    let mut rest = sql;
    let mut word = || {
        rest = skip_blanks(rest);
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic() || *b >= 0x80)
            .count();
        let (w, r) = rest.split_at(n);
        rest = r;
        w.to_ascii_lowercase()
    };
    let first = word();
    match first.as_str() {
        "abort" | "begin" | "start" | "commit" | "end" | "rollback" | "vacuum" => true,
        "prepare" => word() == "transaction",
        "cluster" => {
            let next = skip_blanks(rest);
            !next.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        }
        "create" => {
            let mut w = word();
            if w == "database" || w == "tablespace" {
                return true;
            }
            if w == "unique" {
                w = word();
            }
            w == "index" && word() == "concurrently"
        }
        "alter" => word() == "system",
        "drop" | "reindex" => {
            let w = word();
            if ["database", "system", "tablespace"].contains(&w.as_str()) {
                return true;
            }
            (w == "index" || w == "table") && word() == "concurrently"
        }
        "discard" => word() == "all",
        _ => false,
    }
}

/// Past whitespace and comments (`--` and nested `/* */`).
fn skip_blanks(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        if let Some(r) = s.strip_prefix("--") {
            s = r.find('\n').map_or("", |i| &r[i..]);
        } else if s.starts_with("/*") {
            let b = s.as_bytes();
            let (mut depth, mut i) = (0usize, 0usize);
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            s = s.get(i..).unwrap_or("");
        } else {
            return s;
        }
    }
}

/// Send the query buffer `query` as a `\g`-family command asks.
pub fn go(s: &mut Session, query: &[u8], how: &Go, out: &mut dyn Write) -> Outcome {
    let mut copy = exec::StdinCopy::for_session(s);
    match how {
        Go::Plain(target) | Go::Expanded(target) => {
            let expanded = matches!(how, Go::Expanded(_));
            let saved_target = match target {
                Some(name) => match crate::session::OutputTarget::open(name) {
                    Ok(t) => Some(s.output.replace(t)),
                    Err(e) => {
                        s.client_error(&format!("{name}: {}", crate::io_reason(&e)));
                        return Outcome::Failed;
                    }
                },
                None => None,
            };
            let saved_x = s.settings.print.expanded;
            if expanded {
                s.settings.print.expanded = true;
            }
            let o = super::script::run_statement_from(
                s,
                crate::lex::PieceKind::Sql,
                query,
                out,
                &mut copy,
            );
            s.settings.print.expanded = saved_x;
            if let Some(old) = saved_target {
                // Closing the one-statement target ends its command.
                s.output = old;
            }
            o
        }
        Go::Set(prefix) => rows_then(s, query, out, |s, cols, rows, _| {
            let names: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
            store(s, prefix, &names, rows)
        }),
        Go::Exec => rows_then(s, query, out, |s, _, rows, out| exec_rows(s, rows, out)),
        Go::Options(options, inner) => {
            // psql's `savePsetInfo` / `restorePsetInfo` around the query.
            let saved = s.settings.print.clone();
            let saved_columns = s.settings.columns;
            let mut failed = false;
            for (name, value) in options {
                if let Err(m) = super::pset::apply_quiet(s, name, value.as_deref()) {
                    s.client_error(&m);
                    failed = true;
                }
            }
            let o = if failed {
                Outcome::Failed
            } else {
                go(s, query, inner, out)
            };
            s.settings.print = saved;
            s.settings.columns = saved_columns;
            o
        }
        Go::Crosstab(args) => rows_then(s, query, out, |s, cols, rows, out| {
            super::crosstab::show(s, args, cols, &rows, out)
        }),
        Go::Describe => describe(s, query, out),
    }
}

/// `\gdesc` (psql's `DescribeQuery`): the statement is parsed and
/// described, not run; its columns' names and types are printed as the
/// result of a query (`Column`, `Type`), or psql's message when it has
/// none. The result variables are the listing's, or the error's.
fn describe(s: &mut Session, query: &[u8], out: &mut dyn Write) -> Outcome {
    let Ok(sql) = std::str::from_utf8(query) else {
        s.error("ERROR:  invalid byte sequence for encoding \"UTF8\" (the statement was not sent)");
        return Outcome::Failed;
    };
    if !s.is_connected() {
        s.error("You are currently not connected to a database.");
        return Outcome::ConnectionLost;
    }
    crate::exec::echo_query(s, out, sql);
    // As psql's SendQuery: the statement to the `-L` log, its time after
    // the listing with `\timing`.
    if let Some(log) = s.log_file.as_mut() {
        let _ = write!(
            log,
            "********* QUERY **********\n{sql}\n**************************\n\n"
        );
        let _ = log.flush();
    }
    let started = std::time::Instant::now();
    let o = describe_sent(s, sql, out);
    if s.settings.timing && matches!(o, Outcome::Ok | Outcome::Failed) {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let _ = writeln!(out, "{}", super::meta::format_timing(ms));
        let _ = out.flush();
    }
    o
}

/// [`describe`] once the statement is sent: the description and its
/// listing.
fn describe_sent(s: &mut Session, sql: &str, out: &mut dyn Write) -> Outcome {
    send_with(s, sql, |s| {
        let Some(c) = s.client() else {
            return Outcome::ConnectionLost;
        };
        let r = c.describe_statement(sql);
        let lost = match &r {
            Err(e) => crate::db::is_connection_lost(c, e),
            Ok(_) => false,
        };
        let o = match r {
            Err(e) => {
                match e.as_db_error() {
                    Some(db) => s.error_text(&crate::exec::report::format_db_error_styled(
                        db,
                        Some(sql),
                        true,
                        s.message_style(),
                    )),
                    None => s.error(&e.to_string()),
                }
                s.set_result_vars();
                Outcome::Failed
            }
            Ok(Some(cols)) if !cols.is_empty() => {
                let values: Vec<String> = cols
                    .iter()
                    .map(|(name, oid, typmod)| {
                        format!(
                            "({}, '{oid}'::pg_catalog.oid, {typmod})",
                            crate::lex::vars::literal(name)
                        )
                    })
                    .collect();
                let listing = format!(
                    "SELECT name AS \"Column\", pg_catalog.format_type(tp, tpm) AS \"Type\"\n\
                     FROM (VALUES {}) s(name, tp, tpm)",
                    values.join(",")
                );
                let mut copy = exec::StdinCopy::for_session(s);
                let o = match s.output.take() {
                    Some(mut t) => {
                        let o = exec::run_sql_with(s, &listing, &mut t, &mut copy);
                        let _ = t.flush();
                        s.output = Some(t);
                        o
                    }
                    None => exec::run_sql_with(s, &listing, out, &mut copy),
                };
                if o != Outcome::ConnectionLost {
                    s.set_result_vars();
                }
                o
            }
            Ok(_) => {
                let msg = "The command has no result, or the result has no columns.\n";
                match s.output.as_mut() {
                    Some(t) => {
                        let _ = t.write_all(msg.as_bytes());
                        let _ = t.flush();
                    }
                    None => {
                        let _ = out.write_all(msg.as_bytes());
                    }
                }
                s.put_var("ERROR", "false");
                s.put_var("SQLSTATE", "00000");
                s.put_var("ROW_COUNT", "0");
                Outcome::Ok
            }
        };
        if lost {
            s.drop_connection();
            return Outcome::ConnectionLost;
        }
        o
    })
}

/// Rows of a result: the cells, `None` for NULL.
pub(crate) type Rows = Vec<Vec<Option<String>>>;

/// Send `query` (SQL), print every result but the last as usual, and hand
/// the last one's columns and rows to `then`.
fn rows_then(
    s: &mut Session,
    query: &[u8],
    out: &mut dyn Write,
    then: impl FnOnce(&mut Session, &[Column], Rows, &mut dyn Write) -> Outcome,
) -> Outcome {
    let Ok(sql) = std::str::from_utf8(query) else {
        s.error("ERROR:  invalid byte sequence for encoding \"UTF8\" (the statement was not sent)");
        return Outcome::Failed;
    };
    if crate::parse::is_command(sql) {
        return match command_rows(s, query) {
            (Outcome::Ok, Some((cols, rows))) => then(s, &cols, rows, out),
            (Outcome::Ok, None) => {
                s.client_error("the command returned no table");
                Outcome::Failed
            }
            (o, _) => o,
        };
    }
    if !s.is_connected() {
        s.error("You are currently not connected to a database.");
        return Outcome::ConnectionLost;
    }
    crate::exec::echo_query(s, out, sql);
    let mut last: Option<(Vec<Column>, Rows)> = None;
    let o = send_with(s, sql, |s| {
        let (o, result) = fetch(s, sql, out);
        // psql sets the result variables when the statement failed or
        // gave no rows here, else once the rows were used.
        if o == Outcome::Failed || (o == Outcome::Ok && result.is_none()) {
            s.set_result_vars();
        }
        last = result;
        o
    });
    let _ = out.flush();
    match (o, last) {
        (Outcome::Ok, Some((cols, rows))) => {
            let vars_first = s.client().and_then(|c| c.last_outcome().cloned());
            let o = then(s, &cols, rows, out);
            // psql's ECHO errors: the statement whose rows failed
            // (`\gset`'s row count, a `\gexec` item) is named too.
            if o == Outcome::Failed && s.settings.echo == crate::cli::Echo::Errors {
                s.error(&format!("STATEMENT:  {sql}"));
            }
            if o == Outcome::Ok && vars_first.is_some() {
                // The variables of the statement itself, not of what
                // `\gexec` ran.
                if let Some(Ok(tag)) = vars_first {
                    s.put_var("ERROR", "false");
                    s.put_var("SQLSTATE", "00000");
                    s.put_var("ROW_COUNT", &crate::session::row_count(&tag));
                }
            }
            o
        }
        (o, _) => o,
    }
}

/// Run `sql` and collect its results: all but the last printed, the last
/// returned when it has rows.
fn fetch(
    s: &mut Session,
    sql: &str,
    out: &mut dyn Write,
) -> (Outcome, Option<(Vec<Column>, Rows)>) {
    let opts = s.settings.print.clone();
    let quiet = s.settings.quiet;
    let style = s.message_style();
    s.arm_cancel();
    let Some(c) = s.client() else {
        return (Outcome::ConnectionLost, None);
    };
    // Each result: its columns when it had a row description (a
    // zero-column SELECT has one), its rows, its tag.
    let mut done: Vec<(Option<Vec<Column>>, Rows, String)> = Vec::new();
    let mut current: Option<(Vec<Column>, Rows)> = None;
    let mut error = None;
    let mut lost = None;
    if let Err(e) = c.send_simple(sql) {
        lost = Some(e);
    }
    while lost.is_none() {
        match c.next_reply() {
            Ok(Reply::Columns(cols)) => {
                let cols = cols
                    .iter()
                    .map(|c| Column::new(c.name.clone(), c.type_oid))
                    .collect();
                current = Some((cols, Vec::new()));
            }
            Ok(Reply::Row(r)) => {
                if let Some((_, rows)) = current.as_mut() {
                    rows.push(
                        (0..r.len())
                            .map(|i| r.cell(i).map(str::to_string))
                            .collect(),
                    );
                }
            }
            Ok(Reply::Complete(tag)) => {
                let (cols, rows) = match current.take() {
                    Some((cols, rows)) => (Some(cols), rows),
                    None => (None, Vec::new()),
                };
                done.push((cols, rows, tag));
            }
            Ok(Reply::CopyIn) => {
                let _ = c.copy_fail("COPY FROM STDIN is not supported with \\gset or \\gexec");
            }
            Ok(Reply::Error(e)) => {
                current = None;
                error.get_or_insert(e);
            }
            Ok(Reply::Ready(_)) => break,
            Ok(_) => {}
            Err(e) => lost = Some(e),
        }
    }
    crate::db::cancel::disarm();
    let status = c.tx_status();
    s.tx = match status {
        TxStatus::Idle => TxState::Idle,
        TxStatus::InTx => TxState::InTx,
        TxStatus::Failed => TxState::Failed,
    };
    // psql prints the results before the last one (SHOW_ALL_RESULTS).
    let last = if error.is_none() { done.pop() } else { None };
    for (cols, rows, tag) in &done {
        let Some(cols) = cols else {
            if !quiet {
                let _ = crate::output::print_status(out, tag, &opts);
            }
            continue;
        };
        let mut p = TablePrinter::new(cols.clone(), &opts);
        let _ = p.print_batch(out, &rows_as_cells(rows));
        let _ = p.finish(out);
    }
    if let Some(e) = lost {
        if let Some(db) = e.as_db_error() {
            s.error_text(&crate::exec::report::format_db_error_styled(
                db,
                Some(sql),
                true,
                style,
            ));
        }
        s.error("server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\nconnection to server was lost");
        s.drop_connection();
        return (Outcome::ConnectionLost, None);
    }
    if let Some(e) = error {
        s.error_text(&crate::exec::report::format_db_error_styled(
            &e,
            Some(sql),
            true,
            style,
        ));
        return (Outcome::Failed, None);
    }
    match last {
        Some((Some(cols), rows, _)) => (Outcome::Ok, Some((cols, rows))),
        // A statement without rows prints its tag, as psql does.
        Some((_, _, tag)) => {
            if !quiet {
                let _ = crate::output::print_status(out, &tag, &opts);
            }
            (Outcome::Ok, None)
        }
        None => (Outcome::Ok, None),
    }
}

/// A qadmin command's reply table, for `\gset` / `\gexec` after it:
/// the command prints it as CSV (NULL an empty unquoted field) into a
/// buffer, read back here; its messages still go to stderr.
fn command_rows(s: &mut Session, query: &[u8]) -> (Outcome, Option<(Vec<Column>, Rows)>) {
    let saved = s.settings.print.clone();
    let target = s.output.take();
    let p = &mut s.settings.print;
    p.format = crate::output::Format::Csv;
    p.tuples_only = false;
    p.expanded = false;
    p.expanded_auto = false;
    p.null_display = String::new();
    p.color = false;
    let quiet = std::mem::replace(&mut s.settings.quiet, true);
    let mut buf = Vec::new();
    let o = super::script::run_statement_from(
        s,
        crate::lex::PieceKind::Sql,
        query,
        &mut buf,
        &mut exec::StdinCopy::for_session(s),
    );
    s.settings.quiet = quiet;
    s.settings.print = saved;
    s.output = target;
    if o != Outcome::Ok {
        return (o, None);
    }
    let mut records = parse_csv(&String::from_utf8_lossy(&buf)).into_iter();
    match records.next() {
        Some(header) => {
            let cols = header
                .into_iter()
                .map(|n| Column::new(n.unwrap_or_default(), 0))
                .collect();
            (Outcome::Ok, Some((cols, records.collect())))
        }
        None => (Outcome::Ok, None),
    }
}

/// Records of psql's CSV: `"` quotes with `""` inside; an empty unquoted
/// field is NULL.
fn parse_csv(text: &str) -> Rows {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let mut field = String::new();
        let mut quoted = false;
        if chars.next_if_eq(&'"').is_some() {
            quoted = true;
            while let Some(c) = chars.next() {
                match c {
                    '"' if chars.next_if_eq(&'"').is_some() => field.push('"'),
                    '"' => break,
                    o => field.push(o),
                }
            }
        }
        while let Some(c) = chars.next_if(|c| *c != ',' && *c != '\n') {
            field.push(c);
        }
        row.push((quoted || !field.is_empty()).then_some(field));
        if chars.next() != Some(',') {
            rows.push(std::mem::take(&mut row));
        }
    }
    rows
}

/// Rows in the printer's shape.
struct Cells<'a>(&'a [Option<String>]);

impl crate::output::Row for Cells<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn cell(&self, i: usize) -> Option<&str> {
        self.0.get(i).and_then(|c| c.as_deref())
    }
}

fn rows_as_cells(rows: &Rows) -> Vec<Cells<'_>> {
    rows.iter().map(|r| Cells(r)).collect()
}

/// psql's `StoreQueryTuple`: exactly one row, each column into PREFIX +
/// its name (NULL unsets); the special variables are left alone.
fn store(s: &mut Session, prefix: &str, cols: &[String], rows: Rows) -> Outcome {
    let row = match rows.len() {
        0 => {
            s.client_error("no rows returned for \\gset");
            return Outcome::Failed;
        }
        1 => &rows[0],
        _ => {
            s.client_error("more than one row returned for \\gset");
            return Outcome::Failed;
        }
    };
    for (name, value) in cols.iter().zip(row) {
        let var = format!("{prefix}{name}");
        if Session::is_special_var(&var) {
            s.warning(&format!(
                "attempt to \\gset into specially treated variable \"{var}\" ignored"
            ));
            continue;
        }
        let r = match value {
            Some(v) => s.set_var(&var, v),
            None => s.unset_var(&var),
        };
        if let Err(m) = r {
            s.client_error(&m);
            return Outcome::Failed;
        }
    }
    Outcome::Ok
}

/// psql's `ExecQueryTuples`: every non-NULL value, row by row and left to
/// right, is sent as a statement (echoed first with ECHO all); with
/// ON_ERROR_STOP the first failure ends it.
fn exec_rows(s: &mut Session, rows: Rows, out: &mut dyn Write) -> Outcome {
    let mut outcome = Outcome::Ok;
    for value in rows.into_iter().flatten().flatten() {
        if crate::db::cancel::take_interrupt() {
            return Outcome::Failed;
        }
        if s.settings.echo == crate::cli::Echo::All {
            let _ = writeln!(out, "{value}");
            let _ = out.flush();
        }
        match send_sql(s, &value, out, &mut exec::StdinCopy::for_session(s)) {
            Outcome::Ok => {}
            Outcome::Failed => {
                outcome = Outcome::Failed;
                if s.settings.on_error_stop {
                    break;
                }
            }
            o => return o,
        }
    }
    let _ = out.flush();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_back_with_nulls() {
        let rows = parse_csv("a,b\n1,\n\"x,\"\"y\"\"\",\"\"\n");
        assert_eq!(
            rows,
            vec![
                vec![Some("a".to_string()), Some("b".to_string())],
                vec![Some("1".to_string()), None],
                vec![Some("x,\"y\"".to_string()), Some(String::new())],
            ]
        );
    }

    #[test]
    fn statements_that_get_no_implicit_begin() {
        for q in [
            "begin",
            "  COMMIT;",
            "/* a /* b */ */ vacuum t",
            "-- c\nrollback",
            "prepare transaction 'x'",
            "cluster;",
            "create database x",
            "create unique index concurrently i on t(a)",
            "drop index concurrently i",
            "reindex table concurrently t",
            "alter system set x = 1",
            "discard all",
        ] {
            assert!(command_no_begin(q), "{q}");
        }
        for q in [
            "insert into t values (1)",
            "prepare p as select 1",
            "cluster t",
            "create table t()",
            "create index i on t(a)",
            "drop table t",
            "discard plans",
            "",
        ] {
            assert!(!command_no_begin(q), "{q}");
        }
    }
}

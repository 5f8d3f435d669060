//! The statement loop over a script: `-f` files, `-c` strings, stdin,
//! `\i` files and `~/.qadminrc`. Lines are read as they come, the lexer
//! cuts statements and interpolates the session's variables, each runs
//! (SQL through [`super::send`] and [`exec`], a qadmin command through the
//! grammar, a meta-command through [`meta`]); SQL that a meta-command
//! interrupts waits in psql's query buffer ([`QueryBuf`]), which the `\g`
//! family sends; `COPY ... FROM STDIN` takes its data from the lines that
//! follow. The interactive shell runs its statements through
//! [`run_statement`] too.

use std::io::{BufRead, BufReader, Write};

use super::editor;
use super::meta::{self, BufferCmd, Done, Include};
use crate::cli::Echo;
use crate::db::ConnParams;
use crate::exec::{self, Outcome};
use crate::lex::{PieceKind, ScanState, Scanner};
use crate::parse::{self, Statement};
use crate::session::Session;

/// How a script run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptEnd {
    /// Reached its end; `true` when some statement failed.
    Done(bool),
    /// Stopped at an error (ON_ERROR_STOP).
    Stopped,
    /// The connection was lost.
    Lost,
    /// `\q`, `quit` or `exit`.
    Quit,
}

/// Run statements from `src` until its end. `name` is the script's name for
/// message prefixes (`None` for plain stdin, as psql does: its messages
/// then have no `qadmin: error: ` head either).
pub fn run_script(
    s: &mut Session,
    src: &mut dyn BufRead,
    name: Option<&str>,
    out: &mut dyn Write,
) -> ScriptEnd {
    let terse = std::mem::replace(&mut s.terse, name.is_none());
    // Standard input is this script (not an `\i` file run from it).
    let stdin = s.stdin_script && INCLUDE_DEPTH.with(|d| d.get()) == 0;
    let end = run_lines(s, src, name, out, true, stdin);
    s.terse = terse;
    end
}

/// [`run_script`] without changing how client messages look (`-c`);
/// `buffer`: false for a `-c` meta-command, which psql runs without a
/// query buffer; `stdin`: the script is standard input.
fn run_lines(
    s: &mut Session,
    src: &mut dyn BufRead,
    name: Option<&str>,
    out: &mut dyn Write,
    buffer: bool,
    stdin: bool,
) -> ScriptEnd {
    // Each script has its own `\if` stack (psql's one per MainLoop).
    let outer = std::mem::take(&mut s.cond);
    let end = run_lines_in(s, src, name, out, buffer, stdin);
    s.cond = outer;
    end
}

/// [`run_lines`] with the session's `\if` stack as it is.
fn run_lines_in(
    s: &mut Session,
    src: &mut dyn BufRead,
    name: Option<&str>,
    out: &mut dyn Write,
    buffer: bool,
    stdin: bool,
) -> ScriptEnd {
    let mut buf: Vec<u8> = Vec::new();
    let mut scanner = Scanner::new();
    scanner.set_standard_conforming_strings(s.standard_strings());
    let mut line = Vec::new();
    let mut failed = false;
    let mut stopped = false;
    let mut first_line = true;
    let mut qbuf = QueryBuf {
        none: !buffer,
        stdin,
        ..QueryBuf::default()
    };
    loop {
        line.clear();
        let n = match src.read_until(b'\n', &mut line) {
            Ok(n) => n,
            Err(e) => {
                s.client_error(&format!("could not read input: {}", crate::io_reason(&e)));
                return ScriptEnd::Stopped;
            }
        };
        if n == 0 {
            break;
        }
        // A UTF-8 byte-order mark at the start of a script is not text
        // (psql skips it too).
        if first_line && line.starts_with(b"\xEF\xBB\xBF") {
            line.drain(..3);
        }
        first_line = false;
        // -a echoes each line as read, as psql does: empty lines outside
        // a quote are skipped, and the echo goes out before the
        // statement's notices (stderr) can.
        let blank = line.iter().all(|&b| b == b'\n' || b == b'\r');
        // psql's psql_scan_in_quote: only quotes, comments and dollar
        // quotes keep an empty line.
        let in_quote = matches!(
            scanner.state(),
            ScanState::SingleQuote
                | ScanState::DoubleQuote
                | ScanState::DollarQuote
                | ScanState::Comment
        );
        if s.settings.echo == Echo::All && (!blank || in_quote) {
            let _ = out.write_all(&line);
            if !line.ends_with(b"\n") {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
        }
        // psql drops an empty line outside quotes and comments, also in
        // the middle of a statement (its `LINE n:` does not count it);
        // the line still counts for messages.
        if line == b"\n" && !in_quote {
            scanner.skip_lines(1);
            continue;
        }
        // The last line of a script may lack its newline; with one, a
        // variable or meta-command at its end is complete.
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        buf.extend_from_slice(&line);
        // Messages of the lexer itself (a recursive variable) name the
        // line being read.
        s.set_locus(name, scanner.line());
        loop {
            let piece = match scanner.next_piece_with(&mut buf, s) {
                Some(p) => p,
                // SINGLELINE: the end of the line ends the statement.
                None if s.flag("SINGLELINE") => {
                    match scanner.end_line(&buf, !qbuf.text.is_empty()) {
                        Some(p) => p,
                        None => break,
                    }
                }
                None => break,
            };
            s.set_locus(name, piece.last_line);
            let outcome = match skipped(s, piece.kind) {
                Some(o) => {
                    if piece.kind == PieceKind::Partial {
                        scanner.discard_partial(qbuf.text.is_empty());
                    }
                    o
                }
                // `\copy ... from stdin` reads the script's lines below.
                None if piece.kind != PieceKind::Sql && !is_copy(&buf[piece.range.clone()]) => {
                    let bytes = buf[piece.range.clone()].to_vec();
                    let mut stdin = exec::StdinCopy::for_session(s);
                    let o = buffered(s, piece.kind, &bytes, &mut qbuf, out, &mut stdin);
                    if qbuf.sent {
                        qbuf.sent = false;
                        scanner.forget_statement();
                    }
                    // What came back from the editor is read next.
                    if let Some(text) = qbuf.rescan.take() {
                        scanner.insert(&mut buf, &text);
                    }
                    // `\prompt` reads the script's next line (psql's
                    // simple_prompt on standard input).
                    match qbuf.prompt.take() {
                        Some(name) if o == Outcome::Ok => {
                            let mut answer = Vec::new();
                            let _ = src.read_until(b'\n', &mut answer);
                            meta::set_answer(s, &name, &answer)
                        }
                        _ => o,
                    }
                }
                None => {
                    // COPY FROM STDIN data starts on the line after the
                    // statement's end, in what is already read, then in the
                    // rest of the source.
                    let data_at = buf[piece.range.end..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(buf.len(), |i| piece.range.end + i + 1);
                    let mut copy = ScriptCopy {
                        pending: &buf[data_at..],
                        taken: 0,
                        src: &mut *src,
                        lines: 0,
                        locus: std::sync::Arc::clone(&s.locus),
                        first: piece.last_line,
                    };
                    let text = match piece.kind {
                        PieceKind::Sql => qbuf.complete(&buf[piece.range.clone()]),
                        _ => buf[piece.range.clone()].to_vec(),
                    };
                    let o = run_statement_from(s, piece.kind, &text, out, &mut copy);
                    let (taken, lines) = (copy.taken, copy.lines);
                    if taken > 0 {
                        buf.drain(data_at..data_at + taken);
                    }
                    scanner.skip_lines(lines);
                    // A statement may have changed how the server reads
                    // '\'' (standard_conforming_strings): the lexer follows.
                    scanner.set_standard_conforming_strings(s.standard_strings());
                    o
                }
            };
            match outcome {
                Outcome::Ok => {}
                Outcome::Failed => {
                    failed = true;
                    if s.settings.on_error_stop {
                        stopped = true;
                    }
                }
                Outcome::ConnectionLost => {
                    let _ = out.flush();
                    return ScriptEnd::Lost;
                }
                Outcome::Quit => {
                    let _ = out.flush();
                    return ScriptEnd::Quit;
                }
            }
            if stopped {
                let _ = out.flush();
                return ScriptEnd::Stopped;
            }
            if crate::db::cancel::take_interrupt() {
                let _ = out.flush();
                return ScriptEnd::Stopped;
            }
        }
        let consumed = scanner.consumed();
        if consumed > 0 {
            buf.drain(..consumed);
            scanner.rebase(consumed);
        }
    }
    // At the end of a script, an unterminated statement still goes to the
    // server (psql does the same), which names what is unterminated.
    while let Some(piece) = scanner.finish(&buf) {
        s.set_locus(name, piece.last_line);
        let outcome = match skipped(s, piece.kind) {
            Some(o) => o,
            None => {
                let bytes = buf[piece.range.clone()].to_vec();
                let mut stdin = exec::StdinCopy::for_session(s);
                buffered(s, piece.kind, &bytes, &mut qbuf, out, &mut stdin)
            }
        };
        match outcome {
            Outcome::Failed => {
                failed = true;
                if s.settings.on_error_stop {
                    stopped = true;
                    break;
                }
            }
            Outcome::ConnectionLost => return ScriptEnd::Lost,
            Outcome::Quit => return ScriptEnd::Quit,
            Outcome::Ok => {}
        }
    }
    // What a meta-command interrupted and nothing sent is sent at the end
    // (psql does the same).
    if !qbuf.text.is_empty() && !stopped && s.cond.active() {
        let text = std::mem::take(&mut qbuf.text);
        match run_statement(s, PieceKind::Sql, &text, out) {
            Outcome::Failed => {
                failed = true;
                stopped = s.settings.on_error_stop;
            }
            Outcome::ConnectionLost => return ScriptEnd::Lost,
            Outcome::Quit => return ScriptEnd::Quit,
            Outcome::Ok => {}
        }
    }
    if !s.cond.stack.is_empty() && !stopped {
        s.client_error("reached EOF without finding closing \\endif(s)");
        failed = true;
        stopped = s.settings.on_error_stop;
    }
    let _ = out.flush();
    if stopped {
        ScriptEnd::Stopped
    } else {
        ScriptEnd::Done(failed)
    }
}

/// Whether a meta-command piece is `\copy`.
fn is_copy(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|t| meta::split(t).0 == "\\copy")
}

/// psql's query buffer in a script: the SQL a meta-command interrupted
/// (`select ... \gset`), and the last statement sent (what `\g` sends
/// again when the buffer is empty).
#[derive(Default)]
pub struct QueryBuf {
    /// The statement so far.
    pub text: Vec<u8>,
    /// The last statement sent.
    pub previous: Option<Vec<u8>>,
    /// A `\g` command sent the buffer, or `\r` cleared it: the lexer
    /// starts a new statement.
    pub sent: bool,
    /// The editor gave back this text (`\e`, `\ef`, `\ev`): it replaces
    /// the buffer and is read next as if it were input.
    pub rescan: Option<Vec<u8>>,
    /// The script is standard input: a `\prompt` without a terminal
    /// takes its answer from the script's next line.
    pub stdin: bool,
    /// A `\prompt` waits for the script's next line as the value of this
    /// variable.
    pub prompt: Option<String>,
    /// There is no query buffer: a `-c` string that starts with a
    /// meta-command (psql runs it without one; `\e`, `\ef`, `\ev` and
    /// `\w` say "no query buffer").
    pub none: bool,
}

impl QueryBuf {
    /// The whole statement whose last piece is `tail`; it becomes the
    /// previous one and the buffer is empty again.
    fn complete(&mut self, tail: &[u8]) -> Vec<u8> {
        let mut text = std::mem::take(&mut self.text);
        text.extend_from_slice(tail);
        self.previous = Some(text.clone());
        text
    }
}

/// A piece of a script that is not a whole SQL statement: part of one
/// (kept in the buffer), a meta-command (the query-buffer ones act on
/// `qbuf`), or an unterminated statement at the end.
fn buffered(
    s: &mut Session,
    kind: PieceKind,
    bytes: &[u8],
    qbuf: &mut QueryBuf,
    out: &mut dyn Write,
    input: &mut dyn exec::CopyInput,
) -> Outcome {
    match kind {
        PieceKind::Partial => {
            qbuf.text.extend_from_slice(bytes);
            Outcome::Ok
        }
        PieceKind::Meta => match std::str::from_utf8(bytes) {
            Ok(line) if meta::split(line).0 != "\\copy" => {
                let o = run_meta(s, line, out, qbuf);
                let _ = out.flush();
                o
            }
            _ => run_statement_from(s, kind, bytes, out, input),
        },
        PieceKind::Sql => {
            let text = qbuf.complete(bytes);
            run_statement_from(s, kind, &text, out, input)
        }
        // psql sends a lone `;` (nothing comes back); it is then the
        // statement `\g` and `\gdesc` send again.
        PieceKind::Empty => {
            if qbuf.text.is_empty() {
                qbuf.previous = Some(b";".to_vec());
            }
            // The empty statement succeeded (psql's result variables).
            s.put_var("ERROR", "false");
            s.put_var("SQLSTATE", "00000");
            s.put_var("ROW_COUNT", "0");
            Outcome::Ok
        }
    }
}

/// SQL read in an inactive `\if` branch is dropped, whole statements
/// and the parts a meta-command interrupts alike (psql's
/// `discard_query_text`); the interactive shell says so, as psql does.
pub fn skipped(s: &Session, kind: PieceKind) -> Option<Outcome> {
    if s.cond.active() || !matches!(kind, PieceKind::Sql | PieceKind::Partial) {
        return None;
    }
    if s.interactive && kind == PieceKind::Sql {
        s.client_error("query ignored; use \\endif or Ctrl-C to exit current \\if block");
    }
    Some(Outcome::Ok)
}

/// A `-c` string, as psql runs one: SQL only (no meta-command, no qadmin
/// command) goes to the server as it is, in one simple query, so several
/// statements form one implicit transaction and the server's positions
/// point into the string (no variables are interpolated in it, as in
/// psql); anything else runs statement by statement.
pub fn run_command_string(s: &mut Session, text: &str, out: &mut dyn Write) -> ScriptEnd {
    let pieces = crate::lex::split(text.as_bytes());
    let sql_only = pieces.iter().any(|p| p.kind == PieceKind::Sql)
        && pieces.iter().all(|p| match p.kind {
            PieceKind::Empty => true,
            PieceKind::Meta | PieceKind::Partial => false,
            PieceKind::Sql => {
                std::str::from_utf8(p.text(text.as_bytes())).is_ok_and(|t| !parse::is_command(t))
            }
        });
    // SQL alone is sent as it is, without interpolation (psql: a `-c`
    // string is for the server, or a meta-command).
    if !sql_only {
        let mut r = std::io::Cursor::new(text.as_bytes());
        // psql does not echo a `-c` string with -a.
        let echo = s.settings.echo;
        if echo == Echo::All {
            s.settings.echo = Echo::None;
        }
        let end = run_lines(s, &mut r, None, out, !text.starts_with('\\'), false);
        if s.settings.echo == Echo::None {
            s.settings.echo = echo;
        }
        return end;
    }
    let o = run_statement(s, PieceKind::Sql, text.as_bytes(), out);
    let _ = out.flush();
    match o {
        Outcome::Ok => ScriptEnd::Done(false),
        Outcome::Failed => ScriptEnd::Done(true),
        Outcome::ConnectionLost => ScriptEnd::Lost,
        Outcome::Quit => ScriptEnd::Quit,
    }
}

/// COPY FROM STDIN data in a script: the lines after the statement that
/// are already read, then the rest of the source; counts what it takes so
/// that the statement loop skips it.
/// Messages about the COPY name the last data line read, as psql's do.
struct ScriptCopy<'a> {
    pending: &'a [u8],
    taken: usize,
    src: &'a mut dyn BufRead,
    lines: usize,
    locus: std::sync::Arc<std::sync::Mutex<crate::session::Locus>>,
    first: usize,
}

impl exec::CopyInput for ScriptCopy<'_> {
    fn next_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        let more = self.take_line(line)?;
        if let Ok(mut l) = self.locus.lock() {
            l.line = self.first + self.lines;
        }
        Ok(more)
    }
}

impl ScriptCopy<'_> {
    fn take_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        let rest = &self.pending[self.taken..];
        if !rest.is_empty() {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |i| i + 1);
            line.extend_from_slice(&rest[..end]);
            self.taken += end;
            self.lines += 1;
            return Ok(true);
        }
        let n = self.src.read_until(b'\n', line)?;
        if n > 0 {
            self.lines += 1;
        }
        Ok(n > 0)
    }
}

/// Run one piece with what the session adds around it: SQL results go to
/// the `\o` target when one is set, and `\timing` prints how long the
/// statement took (to `out`, as psql prints it to stdout). COPY data
/// comes from standard input.
pub fn run_statement(
    s: &mut Session,
    kind: PieceKind,
    bytes: &[u8],
    out: &mut dyn Write,
) -> Outcome {
    run_statement_from(s, kind, bytes, out, &mut exec::StdinCopy::for_session(s))
}

/// As [`run_statement`], with COPY data from `input`.
pub fn run_statement_from(
    s: &mut Session,
    kind: PieceKind,
    bytes: &[u8],
    out: &mut dyn Write,
    input: &mut dyn exec::CopyInput,
) -> Outcome {
    if kind != PieceKind::Sql {
        return run_piece(s, kind, bytes, out, input);
    }
    let started = s.settings.timing.then(std::time::Instant::now);
    let o = match s.output.take() {
        Some(mut target) => {
            // A file or a pipe gets no colour.
            let color = std::mem::replace(&mut s.settings.print.color, false);
            // `-e`'s echo stays on standard output: what is buffered
            // there goes first.
            let _ = out.flush();
            s.echo_to_stdout = true;
            let mut o = run_piece(s, kind, bytes, &mut target, input);
            s.echo_to_stdout = false;
            s.settings.print.color = color;
            // A `\o |command` that ended early (psql's words; the
            // statement counts as failed, as in psql).
            if let Err(e) = target.flush() {
                s.client_error(&format!(
                    "could not print result table: {}",
                    crate::io_reason(&e)
                ));
                o = Outcome::Failed;
            }
            s.output = Some(target);
            o
        }
        None => run_piece(s, kind, bytes, out, input),
    };
    if let Some(t) = started {
        if matches!(o, Outcome::Ok | Outcome::Failed) {
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let _ = writeln!(out, "{}", meta::format_timing(ms));
            let _ = out.flush();
        }
    }
    o
}

/// Run one piece the lexer cut: SQL, a backslash meta-command, or nothing.
pub fn run_piece(
    s: &mut Session,
    kind: PieceKind,
    bytes: &[u8],
    out: &mut dyn Write,
    input: &mut dyn exec::CopyInput,
) -> Outcome {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let bad: Vec<String> = bytes[at..]
                .iter()
                .take(e.error_len().unwrap_or(1))
                .map(|b| format!("0x{b:02x}"))
                .collect();
            s.error(&format!(
                "ERROR:  invalid byte sequence for encoding \"UTF8\": {} (the statement was not sent)",
                bad.join(" ")
            ));
            return Outcome::Failed;
        }
    };
    match kind {
        PieceKind::Empty => Outcome::Ok,
        PieceKind::Partial => run_piece(s, PieceKind::Sql, bytes, out, input),
        // `\copy ... from stdin` reads the lines that follow in the script.
        PieceKind::Meta
            if meta::split(text).0 == "\\copy" && s.restrict_key.is_none() && s.cond.active() =>
        {
            let o = super::copy::slash_copy(s, meta::split(text).1, out, input);
            let _ = out.flush();
            o
        }
        PieceKind::Meta => {
            let o = run_meta(s, text, out, &mut QueryBuf::default());
            let _ = out.flush();
            o
        }
        PieceKind::Sql if parse::is_command(text) => run_shell_command(s, text, out),
        PieceKind::Sql => super::send::send_sql(s, text, out, input),
    }
}

/// A statement that starts with a shell command's words: parsed by the
/// command rules only; a mismatch is a syntax error (a failed statement,
/// like a SQL error), never SQL for the server.
fn run_shell_command(s: &mut Session, text: &str, out: &mut dyn Write) -> Outcome {
    match parse::parse_statement(text) {
        Ok(Statement::Command(cmd)) => exec::command::run_command(s, &cmd, out),
        // Unreachable by the grammar (`sql` refuses command heads), but
        // SQL is the server's to judge.
        Ok(Statement::Sql(_)) => exec::run_sql(s, text, out),
        Err(e) => {
            // In a script, name the script's line: the locus is the line of
            // the statement's last byte.
            let e = match s.locus.lock().map(|l| (l.file.is_some(), l.line)) {
                Ok((true, last)) => {
                    let span = text.trim_end().matches('\n').count();
                    e.shifted(last.saturating_sub(span).max(1))
                }
                _ => e,
            };
            let _ = out.flush();
            s.client_error(&e.to_string());
            Outcome::Failed
        }
    }
}

/// Run one meta-command line of a script: `\i` runs here, the
/// query-buffer commands act on `qbuf` (`\p`, `\r`, the `\g` family,
/// `\e`, `\ef`, `\ev`, `\watch`).
pub fn run_meta(s: &mut Session, line: &str, out: &mut dyn Write, qbuf: &mut QueryBuf) -> Outcome {
    if qbuf.none
        && matches!(
            meta::split(line).0,
            "\\e" | "\\edit" | "\\ef" | "\\ev" | "\\w" | "\\write"
        )
    {
        s.client_error("no query buffer");
        return Outcome::Failed;
    }
    let (done, more) = meta::run(s, line, out);
    let o = run_done(s, done, out, qbuf);
    // The meta-commands after a query-buffer command on the same line.
    match more {
        Some(rest) if matches!(o, Outcome::Ok | Outcome::Failed) => {
            match (o, run_meta(s, &rest, out, qbuf)) {
                (Outcome::Failed, Outcome::Ok) => Outcome::Failed,
                (_, next) => next,
            }
        }
        _ => o,
    }
}

/// Carry out what a meta-command left to the statement loop.
fn run_done(s: &mut Session, done: Done, out: &mut dyn Write, qbuf: &mut QueryBuf) -> Outcome {
    match done {
        Done::Ran(o) => o,
        Done::Include(inc) => include(s, &inc, out),
        Done::Reconnect(p) => reconnect(s, *p, out),
        Done::Buffer(BufferCmd::Print) => {
            let text = Some(&qbuf.text)
                .filter(|t| !t.is_empty())
                .or(qbuf.previous.as_ref().filter(|t| !t.is_empty()));
            match text {
                Some(t) => {
                    let _ = out.write_all(t);
                    let _ = out.write_all(b"\n");
                }
                None if !s.settings.quiet => {
                    let _ = writeln!(out, "Query buffer is empty.");
                }
                None => {}
            }
            Outcome::Ok
        }
        Done::Buffer(BufferCmd::Reset) => {
            qbuf.text.clear();
            qbuf.sent = true;
            if !s.settings.quiet {
                let _ = writeln!(out, "Query buffer reset (cleared).");
            }
            Outcome::Ok
        }
        Done::Buffer(BufferCmd::Go(how)) => {
            qbuf.sent = true;
            let query = if qbuf.text.is_empty() {
                qbuf.previous.clone()
            } else {
                Some(std::mem::take(&mut qbuf.text))
            };
            match query {
                Some(q) => {
                    qbuf.previous = Some(q.clone());
                    super::send::go(s, &q, &how, out)
                }
                None => Outcome::Ok,
            }
        }
        Done::Buffer(BufferCmd::Write(target)) => {
            let text = Some(&qbuf.text)
                .filter(|t| !t.is_empty())
                .or(qbuf.previous.as_ref())
                .cloned()
                .unwrap_or_default();
            meta::write_buffer(s, &target, &text)
        }
        Done::Buffer(BufferCmd::History(file)) => {
            // psql keeps no history off the terminal: `\s` fails without
            // a message (and prints an empty line when it had no FILE).
            if file.is_none() {
                let _ = out.write_all(b"\n");
            }
            Outcome::Failed
        }
        Done::Buffer(BufferCmd::Edit { file, line }) => {
            let buffer = qbuf.text.clone();
            let previous = qbuf.previous.clone();
            match editor::edit_buffer(s, file.as_deref(), line, &buffer, previous.as_deref()) {
                Some(text) => {
                    qbuf.text.clear();
                    qbuf.sent = true;
                    qbuf.rescan = Some(text);
                    Outcome::Ok
                }
                None => Outcome::Failed,
            }
        }
        Done::Buffer(BufferCmd::EditObject { text, line }) => {
            // The definition replaces the buffer; unchanged, it is empty.
            qbuf.text.clear();
            qbuf.sent = true;
            match editor::edit_definition(s, &text, line, out) {
                Some(edited) => {
                    qbuf.rescan = edited;
                    Outcome::Ok
                }
                None => Outcome::Failed,
            }
        }
        Done::Buffer(BufferCmd::Prompt(name)) if qbuf.stdin => {
            qbuf.prompt = Some(name);
            Outcome::Ok
        }
        Done::Buffer(BufferCmd::Prompt(name)) => {
            let answer = if s.stdin_script {
                meta::read_stdin_line()
            } else {
                let mut line = Vec::new();
                let _ = std::io::stdin().lock().read_until(b'\n', &mut line);
                line
            };
            meta::set_answer(s, &name, &answer)
        }
        Done::Buffer(BufferCmd::Watch(secs)) => {
            qbuf.sent = true;
            let query = if trim_end(&qbuf.text).is_empty() {
                qbuf.previous.clone()
            } else {
                Some(std::mem::take(&mut qbuf.text))
            };
            match query {
                // psql: `\watch` leaves the last statement as it was.
                Some(q) => super::watch::every(s, &q, secs, out),
                None => {
                    s.client_error("\\watch cannot be used with an empty query");
                    Outcome::Failed
                }
            }
        }
    }
}

/// `text` without its trailing blanks.
fn trim_end(text: &[u8]) -> &[u8] {
    let keep = text.len()
        - text
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    &text[..keep]
}

/// Connect with new parameters (`\c`): on success the session uses the
/// new connection and says so (not with -q); on failure the old one
/// stays, as psql keeps it.
pub fn reconnect(s: &mut Session, new: ConnParams, out: &mut dyn Write) -> Outcome {
    let old = std::mem::replace(&mut s.params, new);
    // With no connection before, psql names where it connected.
    let had_none = s.closed_by_connect;
    match s.connect_with_prompt(s.interactive) {
        Ok(()) => {
            s.closed_by_connect = false;
            if let Some(q) = s.params.queue.clone() {
                s.queue = Some(q);
            }
            if !s.settings.quiet {
                let msg = if had_none {
                    let mut nowhere = s.params.clone();
                    nowhere.hosts.clear();
                    meta::connected_message(&nowhere, &s.params)
                } else {
                    meta::connected_message(&old, &s.params)
                };
                let _ = writeln!(out, "{msg}");
            }
            Outcome::Ok
        }
        Err(e) if s.interactive => {
            s.params = old;
            s.error(&e.to_string());
            if s.is_connected() {
                s.error("Previous connection kept");
            }
            Outcome::Failed
        }
        // psql: off the terminal, a failed `\connect` closes the old
        // connection too, and the script ends (exit status 2).
        Err(e) => {
            s.params = old;
            s.client_error(&format!("\\connect: {}", e.to_string().trim_end()));
            s.drop_connection();
            s.closed_by_connect = true;
            Outcome::ConnectionLost
        }
    }
}

thread_local! {
    /// How deeply `\i` files are nested right now.
    static INCLUDE_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Nested `\i` beyond this is an error (psql runs out of stack instead).
const MAX_INCLUDE_DEPTH: usize = 64;

/// `\i FILE` / `\ir FILE`: run a script file here, with its name and
/// line in messages, then go on where we were.
pub fn include(s: &mut Session, inc: &Include, out: &mut dyn Write) -> Outcome {
    let o = include_file(s, inc, out);
    if o != Outcome::Failed {
        if !inc.warn_after.is_empty() {
            let _ = out.flush();
        }
        for w in &inc.warn_after {
            s.warning(w);
        }
    }
    o
}

/// [`include()`] without its warnings.
fn include_file(s: &mut Session, inc: &Include, out: &mut dyn Write) -> Outcome {
    let cmd = if inc.relative { "\\ir" } else { "\\i" };
    let saved = s.locus.lock().map(|l| l.clone()).unwrap_or_default();
    let path = meta::include_path(saved.file.as_deref(), &inc.file, inc.relative);
    let name = path.display().to_string();
    let f = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            s.client_error(&format!("{name}: {}", crate::io_reason(&e)));
            return Outcome::Failed;
        }
    };
    let depth = INCLUDE_DEPTH.with(std::cell::Cell::get);
    if depth >= MAX_INCLUDE_DEPTH {
        s.client_error(&format!("{cmd}: {name}: too many nested includes"));
        return Outcome::Failed;
    }
    INCLUDE_DEPTH.with(|d| d.set(depth + 1));
    let mut r = BufReader::with_capacity(256 * 1024, f);
    let end = run_script(s, &mut r, Some(&name), out);
    INCLUDE_DEPTH.with(|d| d.set(depth));
    s.set_locus(saved.file.as_deref(), saved.line);
    match end {
        ScriptEnd::Done(_) => Outcome::Ok,
        ScriptEnd::Stopped => Outcome::Failed,
        ScriptEnd::Lost => Outcome::ConnectionLost,
        // psql: `\q` ends the included file only.
        ScriptEnd::Quit => Outcome::Ok,
    }
}

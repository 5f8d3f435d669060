//! The interactive shell, psql's model: one `readline` call per physical
//! line, the prompt chosen from the lexer's state at the end of the pending
//! text ([`prompt`]), a statement runs once its `;` stands outside quotes,
//! comments and parentheses, several on one line run in order, and a
//! backslash command ends at the end of its line, also after a partial
//! statement (`select 1 \g`).
//!
//! The query buffer lives here: the meta-commands that work on it (`\p`,
//! `\r`, `\g`, `\e`, `\watch`) come back from [`meta::run`] as a
//! [`BufferCmd`] and are carried out here.
//!
//! Lines come from [`Keyboard`] ([`crate::input::typeahead`]), which keeps
//! every byte typed or pasted: complete plain lines arrive whole (already
//! echoed), the rest through rustyline; a line is bytes, UTF-8 or not.
//!
//! History (the HISTFILE variable as the shell starts, after `~/.qadminrc`;
//! else `$QADMIN_HISTORY`, else `~/.qadmin_history`; rustyline's file
//! format): the lines of one statement are one entry and recall as one;
//! HISTCONTROL drops entries as psql's `pg_send_history` does (a leading
//! space, a repeat of the entry before); HISTSIZE, when the shell ends,
//! keeps the file to that many newest entries (negative: all); an entry
//! that carries a password ([`carries_password`]) is never stored. Each
//! entry is appended to the file as it is made. With `-n` there is no
//! line editing, completion or history: lines are read plainly
//! ([`PlainReader`]).
//!
//! Ctrl-C drops the pending input, or cancels a running query; `\q`,
//! `exit` and `quit` leave, and so does Ctrl-D on an empty line once
//! IGNOREEOF allows (psql's `count_eof`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};

use crate::app::exit;
use crate::complete::cache::Sections;
use crate::exec::Outcome;
use crate::input::helper::ShellHelper;
use crate::input::plain::PlainReader;
use crate::input::prompt;
use crate::input::typeahead::{Keyboard, Mode, Next};
use crate::lex::lexeme;
use crate::lex::{PieceKind, ScanState, Scanner};
use crate::session::{ServerInfo, Session};
use crate::shell::editor;
use crate::shell::meta::{self, BufferCmd, Done};
use crate::shell::script::{run_statement, run_statement_from};
use crate::shell::send::Go;
use crate::shell::watch::{self, watch_clock, LagTrend};

/// Where the history is kept (psql's `initializeInput`): the HISTFILE
/// variable (`~` expanded), else `$QADMIN_HISTORY` when not empty, else
/// `~/.qadmin_history`. An empty HISTFILE: no file.
pub fn history_path(s: &Session) -> Option<PathBuf> {
    if let Some(f) = s.vars.get("HISTFILE") {
        return (!f.is_empty()).then(|| super::tilde::expand_tilde(f).into());
    }
    if let Some(p) = std::env::var_os("QADMIN_HISTORY").filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    dirs::home_dir().map(|h| h.join(".qadmin_history"))
}

/// psql's HISTCONTROL: (ignorespace, ignoredups).
fn hist_control(s: &Session) -> (bool, bool) {
    match s
        .vars
        .get("HISTCONTROL")
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        Some("ignorespace") => (true, false),
        Some("ignoredups") => (false, true),
        Some("ignoreboth") => (true, true),
        _ => (false, false),
    }
}

/// psql's HISTSIZE: how many entries the file keeps (`None`: all, for a
/// negative value).
fn hist_size(s: &Session) -> Option<usize> {
    usize::try_from(s.int_var("HISTSIZE").unwrap_or(500)).ok()
}

/// Keep the history file to its `max` newest entries (psql's
/// `history_truncate_file` when it ends). Each line after rustyline's
/// `#V2` header is one entry.
pub fn limit_history_file(path: &std::path::Path, max: usize) -> std::io::Result<()> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let header = (lines.first() == Some(&&b"#V2"[..])).then(|| lines.remove(0));
    lines.retain(|l| !l.is_empty());
    if lines.len() <= max {
        return Ok(());
    }
    let mut out = Vec::with_capacity(text.len());
    if let Some(h) = header {
        out.extend_from_slice(h);
        out.push(b'\n');
    }
    for l in &lines[lines.len() - max..] {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    std::fs::write(path, out)
}

/// Whether a history entry carries a password, and so must never reach
/// the history file: a `password=` connection key (conninfo, `connect`
/// command), a URI with `user:password@`, SQL's `PASSWORD '...'` (CREATE /
/// ALTER ROLE) and `\password`.
pub fn carries_password(entry: &str) -> bool {
    let lower = entry.to_ascii_lowercase();
    if lower.contains("\\password") {
        return true;
    }
    let bytes = lower.as_bytes();
    for (at, _) in lower.match_indices("password") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        let rest = lower[at + "password".len()..].trim_start();
        if rest.starts_with('=')
            || rest.starts_with('\'')
            || rest.starts_with("e'")
            || rest.starts_with('$')
        {
            return true;
        }
    }
    // postgresql://user:secret@host
    for (at, _) in lower.match_indices("://") {
        let authority = lower[at + 3..]
            .split(|c: char| c == '/' || c == '?' || c.is_whitespace())
            .next()
            .unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if userinfo.contains(':') {
                return true;
            }
        }
    }
    false
}

/// `exit` / `quit` alone on a line, with or without `;` (psql's
/// convenience for people who do not know `\q`).
fn is_quit_word(line: &str) -> bool {
    let w = line.trim();
    let w = w.strip_suffix(';').unwrap_or(w).trim_end();
    w.eq_ignore_ascii_case("exit") || w.eq_ignore_ascii_case("quit")
}

/// What to do after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    Quit,
}

/// Run the interactive shell until `\q`, `quit`, `exit` or Ctrl-D;
/// `no_readline` (`-n`): no line editing, completion or history.
pub fn repl(s: &mut Session, no_readline: bool) -> u8 {
    // psql's (readline's) Tab: the first completes the longest common
    // prefix, the second lists the candidates in columns, asking "Display
    // all N possibilities? (y or n)" from readline's 100 on. See: #15
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .completion_prompt_limit(100)
        .auto_add_history(false)
        // The list is not cut while the shell runs (psql's is not);
        // HISTSIZE limits the file when it ends. HISTCONTROL is applied
        // in `finish_entry`.
        .max_history_size(usize::MAX)
        .and_then(|b| b.history_ignore_dups(false))
        .map(|b| b.build());
    let ed = config.and_then(Editor::<ShellHelper, DefaultHistory>::with_config);
    let mut ed = match ed {
        Ok(e) => e,
        Err(e) => {
            eprintln!("qadmin: error: cannot start the line editor: {e}");
            return exit::FATAL;
        }
    };
    let helper = ShellHelper::new(s.settings.print.color, meta::names());
    let cache = helper.cache();
    if s.is_connected() {
        cache.set_params(s.params.clone());
    }
    cache.set_queue(s.queue.clone());
    ed.set_helper(Some(helper));
    // HISTFILE as set by then (`-v`, ~/.qadminrc), as psql reads it.
    let hist = if no_readline { None } else { history_path(s) };
    if let Some(h) = &hist {
        // rustyline writes the file readable by its owner only.
        let _ = ed.load_history(h);
    }
    crate::db::cancel::on_send(|| eprintln!("Cancel request sent"));
    // psql's main loop prints its own errors without a head here.
    s.terse = true;
    for (name, value) in [
        ("PROMPT1", prompt::DEFAULT_PROMPT1),
        ("PROMPT2", prompt::DEFAULT_PROMPT2),
    ] {
        s.vars
            .entry(name.to_string())
            .or_insert_with(|| value.to_string());
    }
    if s.is_connected() {
        s.load_server_info();
    }
    if !s.settings.quiet {
        println!("{}", banner(s.server.as_ref()));
        println!("{HELP_HINT}");
    }
    let mut scanner = Scanner::new();
    scanner.set_standard_conforming_strings(s.standard_strings());
    let mut shell = Shell {
        s,
        ed,
        kb: if no_readline { None } else { Keyboard::new() },
        plain: no_readline.then(PlainReader::new),
        history: !no_readline,
        prev_hist: None,
        hist: hist.clone(),
        buf: Vec::new(),
        buf_lines: 0,
        scanner,
        entry: String::new(),
        ran: false,
        last: None,
        held: Vec::new(),
    };
    shell.run();
    drop(shell);
    // psql's saveHistory: the file exists afterwards (readable by its
    // owner only) and keeps the HISTSIZE newest entries; /dev/null is
    // left alone.
    if let Some(h) = hist.as_ref().filter(|h| h.as_os_str() != "/dev/null") {
        let mut open = std::fs::OpenOptions::new();
        open.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(0o600);
        }
        let saved = open.open(h).and_then(|_| match hist_size(s) {
            Some(max) => limit_history_file(h, max),
            None => Ok(()),
        });
        if let Err(e) = saved {
            s.client_error(&format!(
                "could not save history to file \"{}\": {}",
                h.display(),
                crate::io_reason(&e)
            ));
        }
    }
    exit::OK
}

/// Where help is; under the banner and for `help` alone on a line.
const HELP_HINT: &str =
    "Type \"show help;\" for shell commands, \"\\?\" for meta-commands, \"\\q\" to quit.";

/// The first line of the shell: `qadmin 0.1.0 (server 15.14, pgq 3.5.1)`.
pub fn banner(server: Option<&ServerInfo>) -> String {
    let about = match server {
        Some(i) => {
            // `15.14 (Debian 15.14-0+deb12u1)`: the number is enough.
            let version = i.version.split_whitespace().next().unwrap_or("");
            match &i.pgq_version {
                Some(v) => format!("server {version}, pgq {v}"),
                None => format!("server {version}, no pgq"),
            }
        }
        None => "server unknown".to_string(),
    };
    format!("qadmin {} ({about})", env!("CARGO_PKG_VERSION"))
}

/// The shell's state between lines.
struct Shell<'a> {
    s: &'a mut Session,
    ed: Editor<ShellHelper, DefaultHistory>,
    /// The terminal's reader, which keeps every byte typed or pasted
    /// ([`crate::input::typeahead`]); `None` when no pseudo-terminal can
    /// be had (rustyline then reads the terminal itself).
    kb: Option<Keyboard>,
    /// `-n`: lines read plainly, no editor (then `kb` is `None`).
    plain: Option<PlainReader>,
    /// Entries go to the history (not with `-n`).
    history: bool,
    /// The last entry added, for HISTCONTROL's ignoredups (psql's
    /// `prev_hist`).
    prev_hist: Option<String>,
    hist: Option<PathBuf>,
    /// The query buffer: the pending statement's text, the scanner having
    /// scanned all of it.
    buf: Vec<u8>,
    /// How many newlines `buf` holds (the prompt's line number), kept up
    /// to date so that a long paste is not counted again for each line.
    buf_lines: usize,
    scanner: Scanner,
    /// The history entry being built: the lines of the pending statement
    /// (psql's `history_buf`).
    entry: String,
    /// Something ran since the entry began.
    ran: bool,
    /// The last statement sent (psql's `previous_buf`), for `\g`, `\p`,
    /// `\e` and `\watch`.
    last: Option<Vec<u8>>,
    /// SQL cut short by a meta-command that came from a variable's value.
    held: Vec<u8>,
}

impl Shell<'_> {
    fn run(&mut self) {
        // Errors of the terminal itself in a row; content never ends the
        // shell, a terminal that keeps failing does.
        let mut failures = 0;
        // Ctrl-D in a row on an empty line (psql's `count_eof`).
        let mut count_eof: i64 = 0;
        loop {
            let state = self.scanner.state();
            let line_no = if state == ScanState::Ready {
                1
            } else {
                1 + self.buf_lines
            };
            let p = prompt::prompt(self.s, state, line_no);
            let (buf, scanner) = (&self.buf, &self.scanner);
            let case = crate::complete::KeywordCase::from_var(
                self.s.vars.get("COMP_KEYWORD_CASE").map(String::as_str),
            );
            let prepare = |ed: &mut Editor<ShellHelper, DefaultHistory>| {
                if let Some(h) = ed.helper_mut() {
                    h.set_pending(buf, scanner);
                    h.set_keyword_case(case);
                }
            };
            let got = match (self.kb.as_mut(), self.plain.as_mut()) {
                (_, Some(plain)) => plain.line(&p),
                (Some(kb), None) => match kb.next(&mut self.ed, &p, prepare) {
                    Next::Line(line) => Ok(line),
                    Next::Edited(r) => r,
                },
                (None, None) => {
                    prepare(&mut self.ed);
                    self.ed.readline(&p).map(String::into_bytes)
                }
            };
            match got {
                Ok(text) => {
                    failures = 0;
                    count_eof = 0;
                    let flow = self.handle_text(&text);
                    self.finish_entry();
                    if flow == Flow::Quit {
                        return;
                    }
                }
                Err(ReadlineError::Interrupted) => {
                    count_eof = 0;
                    if self.plain.is_some() {
                        // psql's main loop after a Ctrl-C (readline ends
                        // the line itself).
                        println!();
                    }
                    // Ctrl-C: forget the pending statement, all its lines.
                    self.clear_buffer();
                    self.entry.clear();
                    self.ran = false;
                    // In an `\if` block, Ctrl-C leaves the innermost one.
                    if self.s.cond.stack.pop().is_some() {
                        self.s.client_error("\\if: escaped");
                    }
                }
                Err(ReadlineError::Eof) => {
                    // psql's IGNOREEOF (bash's): that many Ctrl-D in a
                    // row before the shell ends.
                    count_eof += 1;
                    let ignore = self.s.int_var("IGNOREEOF").unwrap_or(0);
                    if count_eof < ignore {
                        if !self.s.settings.quiet {
                            println!("Use \"\\q\" to leave qadmin.");
                        }
                        continue;
                    }
                    println!("{}", if self.s.settings.quiet { "" } else { "\\q" });
                    return;
                }
                Err(e) => {
                    eprintln!("qadmin: error: {e}");
                    failures += 1;
                    if failures >= 3 {
                        return;
                    }
                }
            }
        }
    }

    /// Input of one or more physical lines (a recalled or pasted
    /// multi-line entry), each handled as if typed.
    fn handle_text(&mut self, text: &[u8]) -> Flow {
        for line in text.split(|&b| b == b'\n') {
            if self.handle_line(line) == Flow::Quit {
                return Flow::Quit;
            }
        }
        Flow::Go
    }

    /// One physical line, as bytes: what the terminal sent, UTF-8 or not,
    /// goes to the server as it is (the server judges the encoding).
    fn handle_line(&mut self, line: &[u8]) -> Flow {
        // psql drops an empty line outside quotes and comments, also in
        // the middle of a statement.
        let in_quote = matches!(
            self.scanner.state(),
            ScanState::SingleQuote
                | ScanState::DoubleQuote
                | ScanState::DollarQuote
                | ScanState::Comment
        );
        if line.is_empty() && !in_quote {
            return Flow::Go;
        }
        let fresh = self.scanner.state() == ScanState::Ready;
        let text = String::from_utf8_lossy(line);
        if !self.entry.is_empty() || !text.trim().is_empty() {
            self.entry.push_str(&text);
            self.entry.push('\n');
        }
        if is_quit_word(&text) {
            if fresh {
                return Flow::Quit;
            }
            println!("Use \\q to quit.");
        }
        if fresh && text.trim() == "help" {
            println!("{HELP_HINT}");
            self.ran = true;
            return Flow::Go;
        }
        let meta_at = lexeme::meta_start(&self.scanner, &self.buf, line);
        let (head, meta) = match meta_at {
            Some(i) => (
                &line[..i],
                Some(String::from_utf8_lossy(&line[i..]).into_owned()),
            ),
            None => (line, None),
        };
        self.buf.extend_from_slice(head);
        if meta.is_none() {
            self.buf.push(b'\n');
            self.buf_lines += 1;
        }
        if self.run_pending() == Flow::Quit {
            return Flow::Quit;
        }
        if let Some(m) = meta {
            let flow = self.run_meta(&m);
            if !self.buf.is_empty() {
                // The statement goes on on the next line.
                self.buf.push(b'\n');
                self.buf_lines += 1;
                if self.run_pending() == Flow::Quit {
                    return Flow::Quit;
                }
            }
            if flow == Flow::Quit {
                return flow;
            }
        }
        self.end_single_line()
    }

    /// SINGLELINE (`-S`): the end of a line ends the pending statement,
    /// as a `;` would, outside quotes, comments and parentheses.
    fn end_single_line(&mut self) -> Flow {
        if !self.s.flag("SINGLELINE") {
            return Flow::Go;
        }
        let Some(piece) = self.scanner.end_line(&self.buf, !self.held.is_empty()) else {
            return Flow::Go;
        };
        let mut text = std::mem::take(&mut self.held);
        text.extend_from_slice(&self.buf[piece.range.clone()]);
        self.clear_buffer();
        if crate::shell::script::skipped(self.s, PieceKind::Sql).is_some() {
            return Flow::Go;
        }
        self.last = Some(text.clone());
        self.execute(&text)
    }

    /// Run the complete statements in the buffer and drop them from it.
    fn run_pending(&mut self) -> Flow {
        let mut flow = Flow::Go;
        while let Some(piece) = self.scanner.next_piece_with(&mut self.buf, self.s) {
            let text = self.buf[piece.range.clone()].to_vec();
            match piece.kind {
                PieceKind::Empty => {}
                PieceKind::Meta => {
                    // Not reached: backslash commands are cut off each line
                    // before the scanner sees them. Run it all the same.
                    let line = String::from_utf8_lossy(&text).into_owned();
                    flow = self.run_meta(&line);
                    break;
                }
                // SQL that a meta-command inside a variable's value
                // interrupted: it starts the next statement.
                // SQL in an inactive `\if` branch is dropped.
                PieceKind::Partial | PieceKind::Sql
                    if crate::shell::script::skipped(self.s, piece.kind).is_some() => {}
                PieceKind::Partial => self.held.extend_from_slice(&text),
                PieceKind::Sql => {
                    let mut text = text;
                    if !self.held.is_empty() {
                        let mut held = std::mem::take(&mut self.held);
                        held.extend_from_slice(&text);
                        text = held;
                    }
                    self.last = Some(text.clone());
                    flow = self.execute(&text);
                }
            }
            // The lexer follows the server's standard_conforming_strings.
            self.scanner
                .set_standard_conforming_strings(self.s.standard_strings());
            if flow == Flow::Quit {
                return flow;
            }
        }
        let consumed = self.scanner.consumed().min(self.buf.len());
        if consumed > 0 {
            let gone = memchr::memchr_iter(b'\n', &self.buf[..consumed]).count();
            self.buf_lines = self.buf_lines.saturating_sub(gone);
            self.buf.drain(..consumed);
            self.scanner.rebase(consumed);
        }
        flow
    }

    /// Run one statement, reconnecting first when the connection is gone.
    fn execute(&mut self, text: &[u8]) -> Flow {
        self.ran = true;
        if let Some(kb) = self.kb.as_mut() {
            // Echo and Ctrl-C while it runs; type-ahead is kept.
            kb.set_mode(Mode::Busy);
        }
        // A Ctrl-C pressed earlier is not meant for this statement.
        crate::db::cancel::take_interrupt();
        if !self.s.is_connected() {
            self.reconnect();
        }
        let was_connected = self.s.is_connected();
        self.measure_terminal();
        let stdout = std::io::stdout();
        let mut term = stdout.lock();
        // Output longer than the terminal goes through the pager, as
        // psql's does (not when it goes to a `\o` file).
        let setting = match self.s.output {
            None => self.s.settings.print.pager,
            Some(_) => crate::output::pager::PagerUse::Off,
        };
        let o = match crate::output::pager::Lazy::new(&mut term, setting) {
            Some(mut paged) => {
                let o = self.run_text(text, &mut paged);
                let _ = paged.finish();
                o
            }
            None => {
                let o = self.run_text(text, &mut term);
                let _ = term.flush();
                o
            }
        };
        drop(term);
        let reconnected = self.s.server.is_none() && self.s.is_connected();
        // What the statement changed was declared by its command, or told
        // by the server's tag: no second reading of the text.
        let changes = std::mem::take(&mut self.s.changes);
        if let Some(h) = self.ed.helper() {
            if let Some(want) = Sections::changed_by(changes).filter(|_| !reconnected) {
                h.cache().refresh(want);
            }
            h.cache().set_queue(self.s.queue.clone());
        }
        self.after(o, was_connected)
    }

    /// Run one statement's text, its output to `out`.
    fn run_text(&mut self, text: &[u8], out: &mut dyn Write) -> Outcome {
        // psql's PROMPT3, and its instructions unless QUIET.
        let prompt = prompt::copy_prompt(self.s);
        let told = self.s.settings.quiet;
        match (self.kb.as_mut(), self.plain.as_mut()) {
            // COPY FROM STDIN reads the terminal through the keyboard (or
            // the plain reader), so data pasted with the statement is not
            // lost.
            (Some(kb), _) => {
                let mut copy = KeyboardCopy {
                    kb: Reader::Keys(kb),
                    told,
                    prompt,
                };
                run_statement_from(self.s, PieceKind::Sql, text, out, &mut copy)
            }
            (None, Some(plain)) => {
                let mut copy = KeyboardCopy {
                    kb: Reader::Plain(plain),
                    told,
                    prompt,
                };
                run_statement_from(self.s, PieceKind::Sql, text, out, &mut copy)
            }
            (None, None) => run_statement(self.s, PieceKind::Sql, text, out),
        }
    }

    /// The width `\x auto` and the wrapped format aim at, as psql takes
    /// it: `\pset columns` when set, else the terminal's width (the
    /// COLUMNS variable first) when the results go to the terminal.
    fn measure_terminal(&mut self) {
        let env_columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| *c > 0);
        self.s.settings.print.columns = match (self.s.settings.columns, &self.s.output) {
            (n, _) if n > 0 => n as usize,
            (_, Some(_)) => 0,
            (_, None) => env_columns.unwrap_or_else(|| {
                self.ed
                    .dimensions()
                    .map_or(0, |(cols, _)| usize::from(cols))
            }),
        };
    }

    /// Follow up on an outcome: leave, or reopen a connection lost just
    /// now.
    fn after(&mut self, o: Outcome, was_connected: bool) -> Flow {
        // A statement may have opened a new connection (`\c`, a shell
        // command's `connect`): learn the server anew for the prompt's `#`.
        if self.s.server.is_none() && self.s.is_connected() {
            if let Some(h) = self.ed.helper() {
                h.cache().set_params(self.s.params.clone());
            }
            self.s.load_server_info();
        }
        match o {
            Outcome::Quit => Flow::Quit,
            Outcome::ConnectionLost if was_connected => {
                self.reconnect();
                Flow::Go
            }
            _ => Flow::Go,
        }
    }

    /// psql's "Attempting reset": reopen a lost connection.
    fn reconnect(&mut self) {
        match self.s.connect() {
            Ok(()) => {
                eprintln!("The connection to the server was lost. Attempting reset: Succeeded.");
                self.s.load_server_info();
            }
            Err(e) => {
                eprintln!("The connection to the server was lost. Attempting reset: Failed.");
                self.s.client_error(&e.to_string());
            }
        }
    }

    fn run_meta(&mut self, line: &str) -> Flow {
        self.ran = true;
        if let Some(kb) = self.kb.as_mut() {
            // `\!`, `\e` and password prompts get the terminal as it was.
            kb.set_mode(Mode::Original);
        }
        let was_connected = self.s.is_connected();
        self.measure_terminal();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let (done, more) = meta::run(self.s, line, &mut out);
        let _ = out.flush();
        drop(out);
        let flow = self.run_done(done, was_connected);
        match (flow, more) {
            (Flow::Go, Some(rest)) => self.run_meta(&rest),
            (flow, _) => flow,
        }
    }

    /// Carry out what a meta-command left to the shell.
    fn run_done(&mut self, done: Done, was_connected: bool) -> Flow {
        match done {
            Done::Ran(o) => self.after(o, was_connected),
            Done::Buffer(cmd) => self.buffer_cmd(cmd),
            Done::Reconnect(p) => {
                let mut out = std::io::stdout().lock();
                let o = crate::shell::script::reconnect(self.s, *p, &mut out);
                let _ = out.flush();
                drop(out);
                self.after(o, was_connected)
            }
            Done::Include(inc) => {
                let mut out = std::io::stdout().lock();
                let o = crate::shell::script::include(self.s, &inc, &mut out);
                let _ = out.flush();
                drop(out);
                self.after(o, was_connected)
            }
        }
    }

    /// The buffer's text without surrounding blanks; `None` when blank.
    fn pending_text(&self) -> Option<String> {
        let t = String::from_utf8_lossy(&self.buf);
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    fn clear_buffer(&mut self) {
        self.buf.clear();
        self.buf_lines = 0;
        self.scanner.reset();
    }

    /// The buffer, or else the last statement; the buffer is emptied.
    fn take_query(&mut self) -> Option<Vec<u8>> {
        match self.pending_text() {
            Some(t) => {
                self.clear_buffer();
                Some(t.into_bytes())
            }
            None => self.last.clone(),
        }
    }

    fn buffer_cmd(&mut self, cmd: BufferCmd) -> Flow {
        match cmd {
            BufferCmd::Print => {
                let text = self.pending_text().or_else(|| {
                    self.last
                        .as_ref()
                        .map(|l| String::from_utf8_lossy(l).into_owned())
                });
                match text {
                    Some(t) => println!("{t}"),
                    None => println!("Query buffer is empty."),
                }
                Flow::Go
            }
            BufferCmd::Reset => {
                self.clear_buffer();
                if !self.s.settings.quiet {
                    println!("Query buffer reset (cleared).");
                }
                Flow::Go
            }
            BufferCmd::Go(how) => match self.take_query() {
                Some(q) if how == Go::Plain(None) => {
                    self.last = Some(q.clone());
                    self.execute(&q)
                }
                Some(q) => {
                    self.last = Some(q.clone());
                    self.ran = true;
                    crate::db::cancel::take_interrupt();
                    if !self.s.is_connected() {
                        self.reconnect();
                    }
                    let was_connected = self.s.is_connected();
                    self.measure_terminal();
                    let mut out = std::io::stdout().lock();
                    let o = crate::shell::send::go(self.s, &q, &how, &mut out);
                    let _ = out.flush();
                    drop(out);
                    self.after(o, was_connected)
                }
                None => Flow::Go,
            },
            BufferCmd::Edit { file, line } => self.edit(file, line),
            BufferCmd::EditObject { text, line } => self.edit_object(&text, line),
            BufferCmd::History(file) => {
                let o = self.history(file);
                self.after(o, self.s.is_connected())
            }
            BufferCmd::Watch(secs) => self.watch(secs),
            BufferCmd::Prompt(name) => {
                use std::io::BufRead;
                let mut answer = Vec::new();
                let _ = std::io::stdin().lock().read_until(b'\n', &mut answer);
                let o = meta::set_answer(self.s, &name, &answer);
                self.after(o, self.s.is_connected())
            }
            BufferCmd::Write(target) => {
                let text = self
                    .pending_text()
                    .map(String::into_bytes)
                    .or_else(|| self.last.clone())
                    .unwrap_or_default();
                let o = meta::write_buffer(self.s, &target, &text);
                self.after(o, true)
            }
        }
    }

    /// `\watch SEC`: run the buffer (or the last statement) every SEC
    /// seconds, each time under psql's header line, until Ctrl-C or an
    /// error. Nothing is cleared from the screen.
    fn watch(&mut self, secs: f64) -> Flow {
        let Some(q) = self.take_query() else {
            self.s
                .client_error("\\watch cannot be used with an empty query");
            return Flow::Go;
        };
        // psql: `\watch` leaves the last statement as it was.
        crate::db::cancel::take_interrupt();
        // `show cascade` and `show consumer` on a terminal: a live view,
        // redrawn in place with the lag trend since the first sample
        // (psql's way, one result after the other, stays for the rest and
        // for pipes and `\o`).
        let live = self.s.output.is_none()
            && std::io::stdout().is_terminal()
            && matches!(
                std::str::from_utf8(&q)
                    .ok()
                    .map(crate::parse::parse_statement),
                Some(Ok(crate::parse::Statement::Command(
                    crate::parse::Command::Cascade(crate::parse::CascadeCommand::ShowCascade)
                        | crate::parse::Command::Queue(crate::parse::QueueCommand::ShowConsumer(_))
                )))
            );
        if !live {
            let was_connected = self.s.is_connected();
            self.measure_terminal();
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let o = watch::every(self.s, &q, secs, &mut out);
            let _ = out.flush();
            drop(out);
            return self.after(o, was_connected);
        }
        let every = Duration::from_secs_f64(secs);
        let mut trend = LagTrend::default();
        loop {
            let started = Instant::now();
            let now = watch::unix_now();
            let header = watch::header(now, secs);
            let was_connected = self.s.is_connected();
            self.measure_terminal();
            self.s.lag_sample = None;
            let mut frame: Vec<u8> = Vec::new();
            let o = run_statement(self.s, PieceKind::Sql, &q, &mut frame);
            if o != Outcome::Ok {
                return self.after(o, was_connected);
            }
            let note = trend.add(
                self.s.lag_sample.take().unwrap_or_default(),
                &watch_clock(now),
            );
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(b"\x1b[H\x1b[2J");
            let _ = out.write_all(header.as_bytes());
            let _ = out.write_all(&frame);
            let _ = out.write_all(note.as_bytes());
            let _ = out.flush();
            drop(out);
            if !watch::pause(started, every) {
                return Flow::Go;
            }
        }
    }

    /// `\e [FILE] [LINE]`: edit the buffer (or the last statement, or
    /// FILE) in the editor ([`editor`]); what comes back replaces the
    /// buffer and is read as if typed: complete statements run, the rest
    /// waits, shown again under a prompt as psql shows it.
    fn edit(&mut self, file: Option<String>, line: Option<usize>) -> Flow {
        let buffer = self.pending_text().unwrap_or_default();
        let previous = self.last.clone();
        let Some(text) = editor::edit_buffer(
            self.s,
            file.as_deref(),
            line,
            buffer.as_bytes(),
            previous.as_deref(),
        ) else {
            return Flow::Go;
        };
        self.read_edited(&text)
    }

    /// The text an editor gave back, in place of the buffer: read as if
    /// typed (it is the history entry, not the meta-command); what stays
    /// pending is shown again after the first prompt (psql's redisplay).
    fn read_edited(&mut self, text: &[u8]) -> Flow {
        self.clear_buffer();
        self.entry.clear();
        self.ran = false;
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        if text.is_empty() {
            return Flow::Go;
        }
        let flow = self.handle_text(text);
        if flow == Flow::Go && !self.buf.is_empty() {
            let p = prompt::prompt(self.s, ScanState::Ready, 1);
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(p.as_bytes());
            let _ = out.write_all(&self.buf);
            if !self.buf.ends_with(b"\n") {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
        }
        flow
    }

    /// `\s [FILE]`: the history, one line per entry, to the terminal
    /// (through the pager) or to FILE.
    fn history(&mut self, file: Option<String>) -> Outcome {
        use rustyline::history::History;
        if !self.history {
            // psql without readline: no history, an empty line, failed.
            if file.is_none() {
                println!();
            }
            return Outcome::Failed;
        }
        let h = self.ed.history();
        let mut text = String::new();
        for i in 0..h.len() {
            if let Ok(Some(e)) = h.get(i, rustyline::history::SearchDirection::Forward) {
                text.push_str(&e.entry);
                text.push('\n');
            }
        }
        match file {
            None => {
                let mut out = std::io::stdout().lock();
                crate::exec::reply::write_paged(self.s, &mut out, text.as_bytes());
                let _ = out.write_all(b"\n");
                let _ = out.flush();
                Outcome::Ok
            }
            Some(f) => match std::fs::write(&f, text) {
                Ok(()) => {
                    if !self.s.settings.quiet {
                        println!("Wrote history to file \"{f}\".");
                    }
                    Outcome::Ok
                }
                Err(e) => {
                    self.s.client_error(&format!(
                        "could not save history to file \"{f}\": {}",
                        crate::io_reason(&e)
                    ));
                    Outcome::Failed
                }
            },
        }
    }

    /// `\ef` / `\ev`: the definition (or a template) in the editor, at
    /// `line` when given, in place of the buffer; what comes back is read
    /// as if typed (a definition has no final `;`, so it waits in the
    /// buffer until the user ends it); unchanged: "No changes", and the
    /// buffer is empty (psql).
    fn edit_object(&mut self, text: &str, line: Option<usize>) -> Flow {
        let mut out = std::io::stdout();
        match editor::edit_definition(self.s, text, line, &mut out) {
            Some(Some(edited)) => self.read_edited(&edited),
            Some(None) | None => {
                self.clear_buffer();
                Flow::Go
            }
        }
    }

    /// After a line: a statement that ran (or a blank buffer) closes the
    /// history entry; what is still pending starts the next one.
    fn finish_entry(&mut self) {
        let ready = self.scanner.state() == ScanState::Ready;
        if !(self.ran || ready) {
            return;
        }
        let entry = std::mem::take(&mut self.entry);
        // psql's pg_send_history: only the final newlines go; a leading
        // space stays for HISTCONTROL's ignorespace.
        let entry = entry.trim_end_matches('\n');
        let (ignore_space, ignore_dups) = hist_control(self.s);
        let ignored = (ignore_space && entry.starts_with(' '))
            || (ignore_dups && self.prev_hist.as_deref() == Some(entry));
        if self.history && !entry.is_empty() && !ignored && !carries_password(entry) {
            self.prev_hist = Some(entry.to_string());
            if let Ok(true) = self.ed.add_history_entry(entry) {
                if let Some(h) = self.hist.as_ref().filter(|h| h.as_os_str() != "/dev/null") {
                    let _ = self.ed.append_history(h);
                }
            }
        }
        self.ran = false;
        if !ready {
            if let Some(t) = self.pending_text() {
                self.entry = t;
                self.entry.push('\n');
            }
        }
    }
}

/// Where [`KeyboardCopy`] reads.
enum Reader<'a> {
    Keys(&'a mut Keyboard),
    Plain(&'a mut PlainReader),
}

/// COPY FROM STDIN data typed or pasted at the terminal, with psql's
/// instructions (not with QUIET) and its PROMPT3 before each line.
struct KeyboardCopy<'a> {
    kb: Reader<'a>,
    /// The instructions were printed (or are not to be).
    told: bool,
    /// PROMPT3, expanded.
    prompt: String,
}

impl crate::exec::CopyInput for KeyboardCopy<'_> {
    fn next_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        if !self.told {
            self.told = true;
            let mut out = std::io::stdout().lock();
            out.write_all(crate::exec::COPY_INSTRUCTIONS)?;
        }
        match &mut self.kb {
            Reader::Keys(kb) => kb.copy_line(&self.prompt, line),
            Reader::Plain(p) => p.copy_line(&self.prompt, line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_passwords_stay_out_of_the_history() {
        for secret in [
            "connect host=db1 password=sekret;",
            "\\c 'dbname=x password = y'",
            "alter role bob password 'x';",
            "CREATE USER bob WITH ENCRYPTED PASSWORD 'x';",
            "alter user bob password $$x$$;",
            "\\password bob",
            "\\c postgresql://bob:sekret@db1/app",
        ] {
            assert!(carries_password(secret), "{secret}");
        }
        for plain in [
            "select password from users where password is null;",
            "select 1;",
            "\\c postgresql://bob@db1/app",
            "select my_password = 1;",
        ] {
            assert!(!carries_password(plain), "{plain}");
        }
    }

    #[test]
    fn the_history_file_keeps_its_newest_entries() {
        let dir = tempfile::tempdir().expect("temp dir");
        let f = dir.path().join("h");
        std::fs::write(&f, "#V2\na\nb\\nc\n\nd\ne\n").expect("write");
        limit_history_file(&f, 5).expect("no cut");
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "#V2\na\nb\\nc\n\nd\ne\n",
            "within the limit: untouched"
        );
        limit_history_file(&f, 2).expect("cut");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "#V2\nd\ne\n");
        limit_history_file(&f, 0).expect("cut to none");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "#V2\n");
        limit_history_file(&dir.path().join("none"), 1).expect("no file: nothing to do");
    }

    #[test]
    fn the_banner_names_server_and_pgq() {
        let v = env!("CARGO_PKG_VERSION");
        let mut info = ServerInfo {
            version: "15.14 (Debian 15.14-0+deb12u1)".into(),
            pgq_version: Some("3.5.1".into()),
            superuser: false,
        };
        assert_eq!(
            banner(Some(&info)),
            format!("qadmin {v} (server 15.14, pgq 3.5.1)")
        );
        info.pgq_version = None;
        assert_eq!(
            banner(Some(&info)),
            format!("qadmin {v} (server 15.14, no pgq)")
        );
        assert_eq!(banner(None), format!("qadmin {v} (server unknown)"));
    }

    #[test]
    fn exit_and_quit_alone_on_a_line() {
        for w in ["exit", "quit", " exit; ", "QUIT;", "quit ;"] {
            assert!(is_quit_word(w), "{w}");
        }
        for w in ["exit 1", "select exit;", "quitter", ""] {
            assert!(!is_quit_word(w), "{w}");
        }
    }
}

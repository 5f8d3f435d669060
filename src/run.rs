//! Drives a session: connects, runs `~/.qadminrc`, then the `-c` / `-f`
//! actions in order, a script on stdin, or the interactive shell; maps
//! outcomes to psql's exit codes (0 ok, 1 fatal or failing -c, 2
//! connection failed or lost, 3 script error with ON_ERROR_STOP).

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};

use crate::cli::{Action, Echo, Options};
use crate::db::{ConnParams, ConnectError, Environment};
use crate::exec::{self, Outcome};
use crate::input::{self, meta};
use crate::lex::{PieceKind, Scanner};
use crate::output::PrintOptions;
use crate::parse::{self, Statement};
use crate::session::{Session, Settings};

/// psql's exit codes.
pub mod exit {
    /// Everything ran.
    pub const OK: u8 = 0;
    /// A fatal error of our own (bad option, missing file) or a failing -c.
    pub const FATAL: u8 = 1;
    /// The connection failed or was lost in a non-interactive run.
    pub const BADCONN: u8 = 2;
    /// An error in a script with ON_ERROR_STOP.
    pub const SCRIPT: u8 = 3;
}

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

/// Run qadmin with parsed options; returns the exit code.
pub fn run(opts: Options) -> u8 {
    if opts.check {
        return check(&opts);
    }
    let env = Environment::from_process();
    let params = match resolve_params(&opts, &env) {
        Ok(p) => p,
        Err(m) => {
            eprintln!("qadmin: error: {m}");
            return exit::BADCONN;
        }
    };
    for w in &params.warnings {
        eprintln!("WARNING: {w}");
    }
    let mut settings = Settings {
        quiet: opts.quiet,
        echo: opts.echo,
        ..Settings::default()
    };
    settings.print = PrintOptions {
        format: opts.format,
        expanded: opts.expanded,
        tuples_only: opts.tuples_only,
        color: false,
        ..PrintOptions::default()
    };
    let mut s = Session::new(params, settings);
    if let Some(q) = &opts.queue {
        s.queue = Some(q.clone());
    }
    for (name, value) in &opts.vars {
        if let Err(m) = s.set_var(name, value) {
            eprintln!("qadmin: error: {m}");
            return exit::FATAL;
        }
    }
    let stdin_tty = std::io::stdin().is_terminal();
    s.interactive = opts.actions.is_empty() && stdin_tty;
    if s.interactive {
        s.settings.print.color =
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    }
    s.settings.err_color =
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();

    if opts.force_password && stdin_tty && !opts.no_password {
        let prompt = format!("Password for user {}: ", s.params.user);
        match rpassword::prompt_password(prompt) {
            Ok(pw) => s.params.password = Some(pw),
            Err(e) => {
                eprintln!("qadmin: error: could not read password: {e}");
                return exit::FATAL;
            }
        }
    }
    if let Err(e) = connect_with_prompt(&mut s, stdin_tty && !opts.no_password) {
        eprintln!("qadmin: error: {e}");
        return exit::BADCONN;
    }
    crate::db::cancel::install();

    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());

    if !opts.no_rc {
        if let Some(rc) = dirs::home_dir().map(|h| h.join(".qadminrc")) {
            if rc.is_file() {
                let name = rc.display().to_string();
                if let Ok(f) = std::fs::File::open(&rc) {
                    let mut r = BufReader::new(f);
                    match run_script(&mut s, &mut r, Some(&name), &mut out) {
                        ScriptEnd::Lost => return exit::BADCONN,
                        ScriptEnd::Quit => return exit::OK,
                        _ => {}
                    }
                }
            }
        }
    }

    if opts.actions.is_empty() {
        if stdin_tty {
            drop(out);
            return input::editor::repl(&mut s);
        }
        let stdin = std::io::stdin();
        let mut r = stdin.lock();
        let end = run_script(&mut s, &mut r, None, &mut out);
        return script_exit(end);
    }

    let mut code = exit::OK;
    for action in &opts.actions {
        code = match action {
            Action::Command(cmd) => {
                s.set_locus(None, 0);
                let mut r = std::io::Cursor::new(cmd.as_bytes());
                match run_script(&mut s, &mut r, None, &mut out) {
                    ScriptEnd::Done(false) => exit::OK,
                    ScriptEnd::Done(true) | ScriptEnd::Stopped => exit::FATAL,
                    ScriptEnd::Lost => return exit::BADCONN,
                    ScriptEnd::Quit => return exit::OK,
                }
            }
            Action::File(path) => {
                let end = if path == "-" {
                    let stdin = std::io::stdin();
                    let mut r = stdin.lock();
                    run_script(&mut s, &mut r, Some("<stdin>"), &mut out)
                } else {
                    match std::fs::File::open(path) {
                        Ok(f) => {
                            let mut r = BufReader::with_capacity(256 * 1024, f);
                            run_script(&mut s, &mut r, Some(path), &mut out)
                        }
                        Err(e) => {
                            let _ = out.flush();
                            eprintln!("qadmin: error: {path}: {}", io_reason(&e));
                            code = exit::FATAL;
                            if s.settings.on_error_stop {
                                break;
                            }
                            continue;
                        }
                    }
                };
                match end {
                    ScriptEnd::Quit => return exit::OK,
                    ScriptEnd::Lost => return exit::BADCONN,
                    e => script_exit(e),
                }
            }
        };
        if code != exit::OK && s.settings.on_error_stop {
            break;
        }
    }
    let _ = out.flush();
    code
}

fn script_exit(end: ScriptEnd) -> u8 {
    match end {
        ScriptEnd::Done(_) | ScriptEnd::Quit => exit::OK,
        ScriptEnd::Stopped => exit::SCRIPT,
        ScriptEnd::Lost => exit::BADCONN,
    }
}

/// The operating system's reason without Rust's "(os error N)" suffix.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Connection parameters from the command line and the environment, as
/// psql combines them: a positional or `-d` value that looks like a
/// connection string is one; -h -p -U -d override it.
pub fn resolve_params(opts: &Options, env: &Environment) -> Result<ConnParams, String> {
    use crate::db::config::looks_like_conninfo;
    let mut conninfo: Option<&str> = None;
    let mut overrides: Vec<(&str, String)> = Vec::new();
    for v in [&opts.target, &opts.dbname].into_iter().flatten() {
        if looks_like_conninfo(v) {
            conninfo = Some(v.as_str());
        } else {
            overrides.retain(|(k, _)| *k != "dbname");
            overrides.push(("dbname", v.clone()));
        }
    }
    if let Some(h) = &opts.host {
        overrides.push(("host", h.clone()));
    }
    if let Some(p) = &opts.port {
        overrides.push(("port", p.clone()));
    }
    if let Some(u) = &opts.user {
        overrides.push(("user", u.clone()));
    }
    ConnParams::resolve(conninfo, &overrides, env).map_err(|e| e.to_string())
}

/// Connect; when the server wants a password we do not have and a
/// terminal is there, ask for it (psql's behaviour) and try again.
pub fn connect_with_prompt(s: &mut Session, may_prompt: bool) -> Result<(), ConnectError> {
    match s.connect() {
        Err(ConnectError::PasswordMissing(m)) if may_prompt => {
            let prompt = format!("Password for user {}: ", s.params.user);
            match rpassword::prompt_password(prompt) {
                Ok(pw) => {
                    s.params.password = Some(pw);
                    s.connect()
                }
                Err(_) => Err(ConnectError::PasswordMissing(m)),
            }
        }
        r => r,
    }
}

/// Run statements from `src` until its end. `name` is the script's name for
/// message prefixes (`None` for -c and plain stdin, as psql does).
pub fn run_script(
    s: &mut Session,
    src: &mut dyn BufRead,
    name: Option<&str>,
    out: &mut dyn Write,
) -> ScriptEnd {
    let mut buf: Vec<u8> = Vec::new();
    let mut scanner = Scanner::new();
    scanner.set_standard_conforming_strings(s.standard_strings());
    let mut line = Vec::new();
    let mut failed = false;
    let mut stopped = false;
    let mut first_line = true;
    loop {
        line.clear();
        let n = match src.read_until(b'\n', &mut line) {
            Ok(n) => n,
            Err(e) => {
                s.client_error(&format!("could not read input: {}", io_reason(&e)));
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
        if s.settings.echo == Echo::All {
            let _ = out.write_all(&line);
            if !line.ends_with(b"\n") {
                let _ = out.write_all(b"\n");
            }
        }
        buf.extend_from_slice(&line);
        while let Some(piece) = scanner.next_piece(&buf) {
            s.set_locus(name, piece.last_line);
            // COPY FROM STDIN data starts on the line after the statement's
            // end, in what is already read, then in the rest of the source.
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
            let outcome =
                run_statement_from(s, piece.kind, &buf[piece.range.clone()], out, &mut copy);
            let (taken, lines) = (copy.taken, copy.lines);
            if taken > 0 {
                buf.drain(data_at..data_at + taken);
            }
            scanner.skip_lines(lines);
            // A statement may have changed how the server reads '\''
            // (standard_conforming_strings): the lexer follows it.
            scanner.set_standard_conforming_strings(s.standard_strings());
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
        match run_statement(s, piece.kind, &buf[piece.range.clone()], out) {
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
    let _ = out.flush();
    if stopped {
        ScriptEnd::Stopped
    } else {
        ScriptEnd::Done(failed)
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
    run_statement_from(s, kind, bytes, out, &mut exec::StdinCopy::default())
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
            let o = run_piece(s, kind, bytes, &mut target, input);
            s.settings.print.color = color;
            if let Err(e) = target.flush() {
                s.client_error(&format!("{}: {}", target.name, io_reason(&e)));
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
        // `\copy ... from stdin` reads the lines that follow in the script.
        PieceKind::Meta if meta::split(text).0 == "\\copy" && s.restrict_key.is_none() => {
            let o = exec::copy::slash_copy(s, meta::split(text).1, out, input);
            let _ = out.flush();
            o
        }
        PieceKind::Meta => {
            let o = meta::run_meta(s, text, out);
            let _ = out.flush();
            o
        }
        PieceKind::Sql if parse::is_command(text) => run_shell_command(s, text, out),
        PieceKind::Sql => exec::run_sql_with(s, text, out, input),
    }
}

/// A statement that starts with a shell command's words: parsed by the
/// command rules only; a mismatch is a syntax error (a failed statement,
/// like a SQL error), never SQL for the server.
fn run_shell_command(s: &mut Session, text: &str, out: &mut dyn Write) -> Outcome {
    match parse::parse_statement(text) {
        Ok(Statement::Command(cmd)) => {
            let o = exec::command::run_command(s, &cmd, out);
            let _ = out.flush();
            // The session's own connection died inside the command: that
            // is a lost connection (exit 2 in a script, a reconnect in the
            // shell), whichever step it happened in.
            if o == Outcome::Failed && s.client().is_some_and(|c| c.is_closed()) {
                s.error("connection to server was lost");
                s.drop_connection();
                return Outcome::ConnectionLost;
            }
            o
        }
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

/// `--check`: parse the `-c` / `-f` scripts (stdin without them) without
/// connecting. Errors in shell commands are reported with
/// `qadmin:file:line:col:` and make the exit code 3; SQL that only the
/// grammar's fallback accepts, or that is nested too deeply to parse, is a
/// note on stderr, never an error (the server is the authority on SQL).
pub fn check(opts: &Options) -> u8 {
    let mut stderr = std::io::stderr().lock();
    let mut errors = 0usize;
    let mut code = exit::OK;
    let stdin_only = [Action::File("-".to_string())];
    let actions = if opts.actions.is_empty() {
        &stdin_only[..]
    } else {
        &opts.actions[..]
    };
    for action in actions {
        let (name, text) = match action {
            Action::Command(c) => ("-c".to_string(), c.clone().into_bytes()),
            Action::File(path) if path == "-" => {
                let mut buf = Vec::new();
                if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf) {
                    eprintln!("qadmin: error: <stdin>: {}", io_reason(&e));
                    code = exit::FATAL;
                    continue;
                }
                ("<stdin>".to_string(), buf)
            }
            Action::File(path) => match std::fs::read(path) {
                Ok(t) => (path.clone(), t),
                Err(e) => {
                    eprintln!("qadmin: error: {path}: {}", io_reason(&e));
                    code = exit::FATAL;
                    continue;
                }
            },
        };
        errors += check_text(&name, &text, &mut stderr);
    }
    if errors > 0 {
        exit::SCRIPT
    } else {
        code
    }
}

/// Check one script's text; write errors and notes to `err`; return the
/// number of errors.
pub fn check_text(name: &str, text: &[u8], err: &mut dyn Write) -> usize {
    use crate::lex::split;
    let mut errors = 0;
    for piece in split(text) {
        if piece.kind != PieceKind::Sql {
            continue;
        }
        let stmt = match std::str::from_utf8(piece.text(text)) {
            Ok(t) => t,
            Err(_) => {
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}: error: invalid byte sequence for encoding \"UTF8\"",
                    piece.first_line
                );
                errors += 1;
                continue;
            }
        };
        let is_command = parse::is_command(stmt);
        if piece.max_depth > parse::MAX_DEPTH {
            let what = if is_command { "error" } else { "note" };
            let _ = writeln!(
                err,
                "qadmin:{name}:{}: {what}: statement nested too deeply to check ({} levels of parentheses; qadmin parses at most {})",
                piece.first_line,
                piece.max_depth,
                parse::MAX_DEPTH
            );
            errors += usize::from(is_command);
            continue;
        }
        match parse::parse_statement(stmt) {
            Ok(Statement::Sql(sql)) if !sql.structured => {
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}: note: SQL not known to qadmin's grammar, left to the server: {}",
                    piece.first_line,
                    first_words(stmt)
                );
            }
            Ok(_) => {}
            Err(e) if is_command => {
                let e = e.shifted(piece.first_line);
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}:{}: error: {}\n{}",
                    e.line,
                    e.col,
                    e.message(),
                    e.excerpt()
                );
                errors += 1;
            }
            Err(e) => {
                // Only unbalanced parentheses or brackets defeat the
                // fallback; the structured rules' long list would be noise.
                let why = match e.kind {
                    parse::ErrorKind::Unexpected { .. } => {
                        "its parentheses or brackets are not balanced".to_string()
                    }
                    _ => e.message(),
                };
                let e = e.shifted(piece.first_line);
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}:{}: note: SQL not checked: {why}",
                    e.line, e.col
                );
            }
        }
    }
    errors
}

/// The start of a statement for a note: its first line, cut at 60
/// characters.
fn first_words(stmt: &str) -> String {
    let line = stmt.trim_start().lines().next().unwrap_or("").trim_end();
    let cut: String = line.chars().take(60).collect();
    if cut.len() < line.len() {
        format!("{cut}...")
    } else {
        cut
    }
}

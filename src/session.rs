//! Session state: the connection, the settings that shape output and error
//! handling, psql's variables (the special ones checked and put into
//! effect as psql 15 does, those about the connection and the last
//! statement kept up to date, and the values the lexer interpolates:
//! [`crate::lex::Variables`]), the transaction state the executor
//! tracks, and where in which script we are (for `qadmin:file:line:`
//! message prefixes).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::db::Client;

use crate::cli::{parse_bool, Echo};
use crate::db::{self, ConnParams, ConnectError};
use crate::exec::report::{format_db_error_styled, ShowContext, Style, Verbosity};
use crate::output::style::paint_message;
use crate::output::PrintOptions;

/// Rows printed per batch of a result (psql's FETCH_COUNT).
pub const DEFAULT_FETCH_COUNT: usize = 1000;

/// Transaction state as the executor tracks it from statement outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TxState {
    /// Not in a transaction block.
    #[default]
    Idle,
    /// Inside BEGIN ... COMMIT.
    InTx,
    /// Inside a transaction block that had an error.
    Failed,
}

/// Where messages come from: a script file and line, or nothing (-c and
/// interactive input get no prefix, as in psql).
#[derive(Debug, Clone, Default)]
pub struct Locus {
    /// The script's name as given (`<stdin>` for `-f -`), when prefixes apply.
    pub file: Option<String>,
    /// Current line in that script.
    pub line: usize,
}

impl Locus {
    /// `qadmin:file:line: ` or the empty string.
    pub fn prefix(&self) -> String {
        match &self.file {
            Some(f) => format!("qadmin:{}:{}: ", f, self.line),
            None => String::new(),
        }
    }
}

/// What the server said about itself after connecting: the prompt's `#`
/// and the interactive banner. Read only by the interactive shell
/// ([`Session::load_server_info`]), so scripts pay nothing for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerInfo {
    /// `server_version`, e.g. `15.14 (Debian 15.14-0+deb12u1)`.
    pub version: String,
    /// The installed `pgq` extension's version, if it is installed.
    pub pgq_version: Option<String>,
    /// Whether the session user is a superuser.
    pub superuser: bool,
}

/// The one query behind [`ServerInfo`].
const SERVER_INFO_SQL: &str = r#"select current_setting('server_version') as server_version,
       (select extversion from pg_catalog.pg_extension where extname = 'pgq') as pgq_version,
       current_setting('is_superuser') as is_superuser"#;

/// Settings that shape behaviour; most are psql variables too.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Stop a script at the first error (exit 3).
    pub on_error_stop: bool,
    /// Print only results and errors.
    pub quiet: bool,
    /// What to echo.
    pub echo: Echo,
    /// Rows per printed batch.
    pub fetch_count: usize,
    /// How results are printed.
    pub print: PrintOptions,
    /// Print how long each statement took (`\timing`).
    pub timing: bool,
    /// Colour messages on stderr (stderr a terminal, `NO_COLOR` unset).
    pub err_color: bool,
    /// AUTOCOMMIT: off sends a BEGIN before a statement outside a
    /// transaction block, as psql does.
    pub autocommit: bool,
    /// ON_ERROR_ROLLBACK: a savepoint around each statement inside a
    /// transaction block.
    pub on_error_rollback: ErrorRollback,
    /// `\pset pager_min_lines`.
    pub pager_min_lines: i32,
    /// `\pset columns` as given (psql keeps an int; the printers take
    /// [`PrintOptions::columns`]).
    pub columns: i32,
    /// `\pset fieldsep_zero` is in effect.
    pub field_sep_zero: bool,
    /// `\pset recordsep_zero` is in effect.
    pub record_sep_zero: bool,
}

/// psql's ON_ERROR_ROLLBACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorRollback {
    /// No savepoints.
    #[default]
    Off,
    /// A savepoint around each statement in a transaction block.
    On,
    /// As `On`, in the interactive shell only.
    Interactive,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            on_error_stop: false,
            quiet: false,
            echo: Echo::None,
            fetch_count: DEFAULT_FETCH_COUNT,
            print: PrintOptions::default(),
            timing: false,
            err_color: false,
            autocommit: true,
            on_error_rollback: ErrorRollback::Off,
            pager_min_lines: 0,
            columns: 0,
            field_sep_zero: false,
            record_sep_zero: false,
        }
    }
}

/// One shell session.
pub struct Session {
    /// Resolved connection parameters (kept for reconnecting).
    pub params: ConnParams,
    client: Option<Client>,
    /// Output and error-handling settings.
    pub settings: Settings,
    /// psql-style variables (`-v`, `\set`).
    pub vars: BTreeMap<String, String>,
    /// Transaction state tracked from statement outcomes.
    pub tx: TxState,
    /// What the statements run since the shell last looked can have
    /// changed of what completion shows (declared by commands, told by
    /// the server's tags for SQL); the interactive shell resets it.
    pub changes: crate::parse::ast::Changes,
    /// Script position for message prefixes, shared with the notice callback.
    pub locus: Arc<Mutex<Locus>>,
    muted: Arc<AtomicBool>,
    /// VERBOSITY and SHOW_CONTEXT, shared with the notice callback.
    style: Arc<std::sync::atomic::AtomicU8>,
    /// Default queue for shell commands (`-Q`).
    pub queue: Option<String>,
    /// The key of psql's restricted mode (`\restrict`), while in it.
    pub restrict_key: Option<String>,
    /// `-L FILE`: every statement sent and its results (aligned) and
    /// status are also written here, as psql's log file.
    pub log_file: Option<std::fs::File>,
    /// The script is read from standard input (`-s` then asks the
    /// terminal).
    pub stdin_script: bool,
    /// Input comes from a terminal.
    pub interactive: bool,
    /// About the server, once [`Session::load_server_info`] has run on
    /// the current connection.
    pub server: Option<ServerInfo>,
    /// Where query results go instead of the caller's output (`\o`).
    pub output: Option<OutputTarget>,
    /// The lags (name, seconds) the last `show cascade` / `show consumer`
    /// saw, for `\watch`'s trend line.
    pub lag_sample: Option<Vec<(String, f64)>>,
    /// Client messages without the `qadmin: error: ` head, as psql's
    /// main loop prints them when it reads stdin or the terminal (its
    /// `PG_LOG_FLAG_TERSE`).
    pub terse: bool,
    /// The statement's output goes to a `\o` target while `-e`'s echo
    /// goes to standard output, as psql's does.
    pub echo_to_stdout: bool,
    /// A failed `\c` off the terminal closed the connection (psql's
    /// state after it: nothing to reuse parameters from, and each `-c`
    /// after it fails without ending the run).
    pub closed_by_connect: bool,
    /// psql's `\if` stack of the script being read (each script has its
    /// own: [`crate::shell::script::run_script`] saves and restores it).
    /// In an inactive branch no variable is interpolated.
    pub cond: CondStack,
    /// The last error of a SQL statement, for `\errverbose`.
    pub last_error: Option<(crate::db::DbError, String)>,
}

/// Where a `\if` block stands (psql's `ifState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfState {
    /// In a true `\if` or `\elif` branch: commands run.
    True,
    /// In a false branch, a true one may still come.
    False,
    /// A true branch was taken already, or the whole block sits in an
    /// inactive branch: nothing more runs until `\endif`.
    Ignored,
    /// In a true `\else`.
    ElseTrue,
    /// In an `\else` that does not run.
    ElseFalse,
}

/// psql's `ConditionalStack`: the open `\if` blocks, innermost last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CondStack {
    /// The open blocks.
    pub stack: Vec<IfState>,
}

impl CondStack {
    /// Whether commands run here: outside any block, or in a true branch.
    pub fn active(&self) -> bool {
        matches!(
            self.stack.last(),
            None | Some(IfState::True) | Some(IfState::ElseTrue)
        )
    }
}

/// A `\o` target: a file, or a shell command's standard input (`\o
/// |command`). Results are buffered; the target is flushed after each
/// statement and closed (the command waited for) when dropped.
pub struct OutputTarget {
    /// The file name or `|command`, as given.
    pub name: String,
    writer: std::io::BufWriter<Box<dyn Write + Send>>,
    child: Option<std::process::Child>,
    /// The SIGPIPE disposition before a `|command` target ignored it
    /// (psql's `set_sigpipe_trap_state`: a command that ends early makes
    /// writes fail, it does not end qadmin); put back at the end.
    old_sigpipe: Option<libc::sighandler_t>,
}

impl OutputTarget {
    /// Open `\o`'s argument: `|command` starts the command with `sh -c`,
    /// anything else is a file, created or truncated.
    pub fn open(name: &str) -> std::io::Result<OutputTarget> {
        let (writer, child): (Box<dyn Write + Send>, _) = match name.strip_prefix('|') {
            Some(cmd) => {
                let mut child = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(cmd.trim())
                    .stdin(std::process::Stdio::piped())
                    .spawn()?;
                let stdin = child
                    .stdin
                    .take()
                    .ok_or_else(|| std::io::Error::other("no pipe to the command"))?;
                (Box::new(stdin), Some(child))
            }
            None => (Box::new(std::fs::File::create(name)?), None),
        };
        // SAFETY: setting a signal disposition to SIG_IGN, put back on drop.
        let old_sigpipe = child
            .is_some()
            .then(|| unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) });
        Ok(OutputTarget {
            name: name.to_string(),
            writer: std::io::BufWriter::with_capacity(64 * 1024, writer),
            child,
            old_sigpipe,
        })
    }
}

impl Write for OutputTarget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for OutputTarget {
    fn drop(&mut self) {
        let _ = self.writer.flush();
        if let Some(mut child) = self.child.take() {
            // Close the pipe first, so that the command sees the end.
            let sink: Box<dyn Write + Send> = Box::new(std::io::sink());
            drop(std::mem::replace(
                &mut self.writer,
                std::io::BufWriter::new(sink),
            ));
            let _ = child.wait();
        }
        if let Some(old) = self.old_sigpipe.take() {
            // SAFETY: restoring the disposition saved at open.
            unsafe { libc::signal(libc::SIGPIPE, old) };
        }
    }
}

impl Session {
    /// A session that is not connected yet.
    pub fn new(params: ConnParams, settings: Settings) -> Session {
        let queue = params.queue.clone();
        Session {
            params,
            client: None,
            settings,
            vars: initial_vars(),
            tx: TxState::Idle,
            changes: crate::parse::ast::Changes::Nothing,
            locus: Arc::new(Mutex::new(Locus::default())),
            muted: Arc::new(AtomicBool::new(false)),
            style: Arc::new(std::sync::atomic::AtomicU8::new(Style::default().to_u8())),
            queue,
            restrict_key: None,
            log_file: None,
            stdin_script: false,
            interactive: false,
            server: None,
            output: None,
            lag_sample: None,
            terse: false,
            echo_to_stdout: false,
            closed_by_connect: false,
            cond: CondStack::default(),
            last_error: None,
        }
    }

    /// Connect (or reconnect) with the session's parameters.
    pub fn connect(&mut self) -> Result<(), ConnectError> {
        let locus = Arc::clone(&self.locus);
        let muted = Arc::clone(&self.muted);
        let style = Arc::clone(&self.style);
        let color = self.settings.err_color;
        let sink: db::NoticeSink = Arc::new(move |n, query| {
            if muted.load(Ordering::Relaxed) {
                return;
            }
            let prefix = locus.lock().map(|l| l.prefix()).unwrap_or_default();
            let st = Style::from_u8(style.load(Ordering::Relaxed));
            let text = format!("{prefix}{}", format_db_error_styled(n, query, false, st));
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(paint_message(&text, color).as_bytes());
        });
        let client = db::connect(&self.params, sink)?;
        db::cancel::set_target(client.cancel_token());
        self.client = Some(client);
        self.tx = TxState::Idle;
        self.server = None;
        self.sync_connection_vars();
        Ok(())
    }

    /// Connect; when the server wants a password we do not have and
    /// `may_prompt` (a terminal is there), ask for it (psql's behaviour)
    /// and try again.
    pub fn connect_with_prompt(&mut self, may_prompt: bool) -> Result<(), ConnectError> {
        match self.connect() {
            Err(ConnectError::PasswordMissing(m)) if may_prompt => {
                let prompt = format!("Password for user {}: ", self.params.user);
                match rpassword::prompt_password(prompt) {
                    Ok(pw) => {
                        self.params.password = Some(pw);
                        self.connect()
                    }
                    Err(_) => Err(ConnectError::PasswordMissing(m)),
                }
            }
            r => r,
        }
    }

    /// Ask the server for its version, the pgq extension's version and
    /// whether we are a superuser ([`Session::server`]); one round trip,
    /// quietly. Only outside a transaction block: on failure nothing is
    /// known and nothing is reported.
    pub fn load_server_info(&mut self) {
        if self.tx != TxState::Idle {
            return;
        }
        self.set_notices_muted(true);
        let rows = self
            .client
            .as_mut()
            .and_then(|c| c.simple_query(SERVER_INFO_SQL).ok());
        self.set_notices_muted(false);
        self.server = rows.and_then(|rows| {
            rows.first().map(|r| ServerInfo {
                version: r.cell(0).unwrap_or_default().to_string(),
                pgq_version: r.cell(1).map(str::to_string),
                superuser: r.cell(2) == Some("on"),
            })
        });
    }

    /// Whether the server reads backslashes in '...' literally
    /// (`standard_conforming_strings`, as the server last reported it; on
    /// when not connected).
    pub fn standard_strings(&self) -> bool {
        self.client
            .as_ref()
            .and_then(|c| c.parameter("standard_conforming_strings"))
            != Some("off")
    }

    /// Whether a connection is open.
    pub fn is_connected(&self) -> bool {
        self.client.as_ref().is_some_and(|c| !c.is_closed())
    }

    /// The open connection, if any.
    pub fn client(&mut self) -> Option<&mut Client> {
        self.client.as_mut()
    }

    /// Forget a lost connection.
    pub fn drop_connection(&mut self) {
        self.client = None;
        self.tx = TxState::Idle;
    }

    /// Hide the server's notices while qadmin runs housekeeping statements
    /// of its own.
    pub fn set_notices_muted(&self, muted: bool) {
        self.muted.store(muted, Ordering::Relaxed);
    }

    /// Arm Ctrl-C to cancel what runs on this connection.
    pub fn arm_cancel(&self) {
        if self.client.is_some() {
            db::cancel::arm();
        }
    }

    /// The `qadmin:file:line: ` prefix for messages, if any.
    pub fn prefix(&self) -> String {
        self.locus.lock().map(|l| l.prefix()).unwrap_or_default()
    }

    /// Set where in which script we are.
    pub fn set_locus(&self, file: Option<&str>, line: usize) {
        if let Ok(mut l) = self.locus.lock() {
            l.file = file.map(str::to_string);
            l.line = line;
        }
    }

    /// Print an error or message of ours to stderr with the script prefix.
    pub fn error(&self, msg: &str) {
        self.error_text(&format!("{msg}\n"));
    }

    /// Print a message (newlines included) to stderr with the script
    /// prefix, its first line coloured by severity when stderr is a
    /// terminal.
    pub fn error_text(&self, text: &str) {
        let text = format!("{}{}", self.prefix(), text);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(paint_message(&text, self.settings.err_color).as_bytes());
    }

    /// A client-side error, as psql prints its own: `qadmin:file:line: error: msg`
    /// in a script, `qadmin: error: msg` otherwise.
    pub fn client_error(&self, msg: &str) {
        let prefix = self.prefix();
        let text = if prefix.is_empty() && self.terse {
            format!("{msg}\n")
        } else if prefix.is_empty() {
            format!("qadmin: error: {msg}\n")
        } else {
            format!("{prefix}error: {msg}\n")
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(paint_message(&text, self.settings.err_color).as_bytes());
    }

    /// A client-side warning, as psql prints one: `qadmin:file:line:
    /// warning: msg` in a script, `qadmin: warning: msg` otherwise.
    pub fn warning(&self, msg: &str) {
        let prefix = self.prefix();
        let text = if prefix.is_empty() && self.terse {
            format!("{msg}\n")
        } else if prefix.is_empty() {
            format!("qadmin: warning: {msg}\n")
        } else {
            format!("{prefix}warning: {msg}\n")
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(paint_message(&text, self.settings.err_color).as_bytes());
    }

    /// How server messages are written (VERBOSITY, SHOW_CONTEXT).
    pub fn message_style(&self) -> Style {
        Style::from_u8(self.style.load(Ordering::Relaxed))
    }

    /// A boolean special variable's value (SINGLELINE, SINGLESTEP,
    /// HIDE_TABLEAM, ...): kept as typed (`on`, `1`, `yes`, ...), read
    /// as psql reads it.
    pub fn flag(&self, name: &str) -> bool {
        self.vars
            .get(name)
            .and_then(|v| parse_bool(v))
            .unwrap_or(false)
    }

    /// Set a variable as `\set` does; the ones psql gives a meaning
    /// check their value (psql's messages) and change the settings. An
    /// invalid name or value changes nothing and is the error returned.
    pub fn set_var(&mut self, name: &str, value: &str) -> Result<(), String> {
        self.assign(name, Some(value))
    }

    /// Remove a variable as `\unset` does: the special ones go back to
    /// their defaults and stay (psql's substitute hooks).
    pub fn unset_var(&mut self, name: &str) -> Result<(), String> {
        self.assign(name, None)
    }

    /// Set a variable that psql sets itself (connection, results): no
    /// checks, no effects.
    pub fn put_var(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_string(), value.to_string());
    }

    fn assign(&mut self, name: &str, value: Option<&str>) -> Result<(), String> {
        if !crate::lex::vars::valid_name(name) {
            // Deleting a variable that cannot exist is no error (psql).
            return match value {
                None => Ok(()),
                Some(_) => Err(format!("invalid variable name: \"{name}\"")),
            };
        }
        let value = match (special(name), value) {
            // Unsetting a prompt or HISTFILE removes it (psql has no
            // default for them).
            (Some(Special::Text), None) => None,
            (Some(sp), v) => Some(self.special_var(name, sp, v)?),
            (None, v) => v.map(str::to_string),
        };
        match value {
            Some(v) => self.vars.insert(name.to_string(), v),
            None => self.vars.remove(name),
        };
        Ok(())
    }

    /// A special variable's new value (after psql's substitution for
    /// unset / empty), checked and put into effect.
    fn special_var(
        &mut self,
        name: &str,
        sp: Special,
        value: Option<&str>,
    ) -> Result<String, String> {
        let value = match (sp, value) {
            (Special::Bool, None) => "off".to_string(),
            (Special::Bool, Some("")) => "on".to_string(),
            (Special::Enum(_, default, _), None) => default.to_string(),
            // ECHO_HIDDEN and ON_ERROR_ROLLBACK take psql's Boolean
            // substitution: `\set NAME` is `on`.
            (Special::Enum(_, _, true), Some("")) => "on".to_string(),
            (Special::Int(default), None) => default.to_string(),
            (Special::IgnoreEof, None) => "0".to_string(),
            (Special::IgnoreEof, Some(v)) => {
                if parse_int(v).is_some() { v } else { "10" }.to_string()
            }
            (_, v) => v.unwrap_or("").to_string(),
        };
        let v = value.as_str();
        match sp {
            Special::Bool => {
                let b = strict_bool(v).ok_or_else(|| {
                    format!("unrecognized value \"{v}\" for \"{name}\": Boolean expected")
                })?;
                match name {
                    "AUTOCOMMIT" => self.settings.autocommit = b,
                    "ON_ERROR_STOP" => self.settings.on_error_stop = b,
                    "QUIET" => self.settings.quiet = b,
                    _ => {}
                }
            }
            Special::Int(_) => {
                let n = parse_int(v).ok_or_else(|| {
                    format!("invalid value \"{v}\" for \"{name}\": integer expected")
                })?;
                if name == "FETCH_COUNT" {
                    self.settings.fetch_count = if n <= 0 {
                        DEFAULT_FETCH_COUNT
                    } else {
                        n as usize
                    };
                }
            }
            Special::Enum(values, _, also_bool) => {
                let lower = v.to_ascii_lowercase();
                let word = values.iter().find(|w| **w == lower);
                let as_bool = if also_bool { strict_bool(v) } else { None };
                if word.is_none() && as_bool.is_none() {
                    let list = if also_bool {
                        format!("on, off, {}", values.join(", "))
                    } else {
                        values.join(", ")
                    };
                    return Err(format!(
                        "unrecognized value \"{v}\" for \"{name}\"\nAvailable values are: {list}."
                    ));
                }
                let word = word.copied().unwrap_or("");
                self.enum_effect(name, word, as_bool);
            }
            Special::IgnoreEof | Special::Text => {}
        }
        Ok(value)
    }

    /// Put a checked value of an enumerated variable into effect.
    fn enum_effect(&mut self, name: &str, word: &str, as_bool: Option<bool>) {
        match name {
            "ECHO" => {
                self.settings.echo = match word {
                    "all" => Echo::All,
                    "queries" => Echo::Queries,
                    "errors" => Echo::Errors,
                    _ => Echo::None,
                }
            }
            "ON_ERROR_ROLLBACK" => {
                self.settings.on_error_rollback = match (word, as_bool) {
                    ("interactive", _) => ErrorRollback::Interactive,
                    (_, Some(true)) => ErrorRollback::On,
                    _ => ErrorRollback::Off,
                }
            }
            "VERBOSITY" => {
                let mut st = self.message_style();
                st.verbosity = match word {
                    "verbose" => Verbosity::Verbose,
                    "terse" => Verbosity::Terse,
                    "sqlstate" => Verbosity::Sqlstate,
                    _ => Verbosity::Default,
                };
                self.style.store(st.to_u8(), Ordering::Relaxed);
            }
            "SHOW_CONTEXT" => {
                let mut st = self.message_style();
                st.context = match word {
                    "never" => ShowContext::Never,
                    "always" => ShowContext::Always,
                    _ => ShowContext::Errors,
                };
                self.style.store(st.to_u8(), Ordering::Relaxed);
            }
            _ => {}
        }
    }

    /// A variable's value as an integer, read as psql reads HISTSIZE or
    /// IGNOREEOF (`strtol` base 0: `0x10`, `010`); `None` when unset or
    /// not a number.
    pub fn int_var(&self, name: &str) -> Option<i64> {
        self.vars.get(name).and_then(|v| parse_int(v))
    }

    /// Whether `\gset` must leave `name` alone (psql: a variable with a
    /// hook).
    pub fn is_special_var(name: &str) -> bool {
        special(name).is_some()
    }

    /// psql's variables about the connection (`SyncVariables`): DBNAME,
    /// USER, HOST, PORT, ENCODING, SERVER_VERSION_NAME and _NUM.
    fn sync_connection_vars(&mut self) {
        let Some(c) = self.client.as_ref() else {
            return;
        };
        let encoding = c.parameter("client_encoding").unwrap_or("").to_string();
        let version = c.parameter("server_version").unwrap_or("").to_string();
        let host = self
            .params
            .hosts
            .first()
            .filter(|h| !h.is_empty())
            .cloned()
            .or_else(|| self.params.hostaddrs.first().cloned())
            .unwrap_or_default();
        let port = self.params.ports.first().copied().unwrap_or(5432);
        let (db, user) = (self.params.dbname.clone(), self.params.user.clone());
        self.put_var("DBNAME", &db);
        self.put_var("USER", &user);
        self.put_var("HOST", &host);
        self.put_var("PORT", &port.to_string());
        self.put_var("ENCODING", &encoding);
        self.put_var("SERVER_VERSION_NAME", &version);
        self.put_var("SERVER_VERSION_NUM", &version_num(&version).to_string());
    }

    /// psql's result variables after a SQL statement (`SetResultVariables`):
    /// ERROR, SQLSTATE, ROW_COUNT, and LAST_ERROR_MESSAGE /
    /// LAST_ERROR_SQLSTATE after an error; from how the server ended the
    /// statement. Nothing changes when it said nothing (an empty query).
    pub fn set_result_vars(&mut self) {
        let Some(outcome) = self.client.as_ref().and_then(|c| c.last_outcome().cloned()) else {
            return;
        };
        match outcome {
            Ok(tag) => {
                self.put_var("ERROR", "false");
                self.put_var("SQLSTATE", "00000");
                self.put_var("ROW_COUNT", &row_count(&tag));
                // psql sets LASTOID after a command that gave no rows (and
                // after INSERT/UPDATE/DELETE RETURNING), from the tag's OID.
                if !matches!(
                    tag.split(' ').next(),
                    Some("SELECT" | "FETCH" | "SHOW" | "EXPLAIN" | "")
                ) {
                    self.put_var("LASTOID", &last_oid(&tag));
                }
            }
            Err((code, message)) => {
                self.put_var("ERROR", "true");
                self.put_var("SQLSTATE", &code);
                self.put_var("ROW_COUNT", "0");
                self.put_var("LAST_ERROR_SQLSTATE", &code);
                self.put_var("LAST_ERROR_MESSAGE", &message);
            }
        }
    }
}

/// How psql treats a special variable's values.
#[derive(Debug, Clone, Copy)]
enum Special {
    /// A boolean: unset is `off`, empty is `on`.
    Bool,
    /// One of these words (case-insensitive), or also a boolean; the value
    /// when unset.
    Enum(&'static [&'static str], &'static str, bool),
    /// An integer; the value when unset.
    Int(&'static str),
    /// IGNOREEOF: unset is 0, anything not a number 10.
    IgnoreEof,
    /// PROMPT1-3, HISTFILE: any value; unset, gone.
    Text,
}

/// The variables psql 15 gives a meaning (its hooks in `startup.c`).
fn special(name: &str) -> Option<Special> {
    Some(match name {
        "AUTOCOMMIT"
        | "ON_ERROR_STOP"
        | "QUIET"
        | "SINGLELINE"
        | "SINGLESTEP"
        | "SHOW_ALL_RESULTS"
        | "HIDE_TOAST_COMPRESSION"
        | "HIDE_TABLEAM" => Special::Bool,
        "ECHO" => Special::Enum(&["none", "errors", "queries", "all"], "none", false),
        "ECHO_HIDDEN" => Special::Enum(&["noexec"], "off", true),
        "ON_ERROR_ROLLBACK" => Special::Enum(&["interactive"], "off", true),
        "COMP_KEYWORD_CASE" => Special::Enum(
            &["lower", "upper", "preserve-lower", "preserve-upper"],
            "preserve-upper",
            false,
        ),
        "HISTCONTROL" => Special::Enum(
            &["none", "ignorespace", "ignoredups", "ignoreboth"],
            "none",
            false,
        ),
        "VERBOSITY" => Special::Enum(
            &["default", "verbose", "terse", "sqlstate"],
            "default",
            false,
        ),
        "SHOW_CONTEXT" => Special::Enum(&["never", "errors", "always"], "errors", false),
        "FETCH_COUNT" => Special::Int("0"),
        "HISTSIZE" => Special::Int("500"),
        "IGNOREEOF" => Special::IgnoreEof,
        "PROMPT1" | "PROMPT2" | "PROMPT3" | "HISTFILE" => Special::Text,
        _ => return None,
    })
}

/// The names of the variables every session starts with (for `\?
/// variables` to check that it explains each).
pub fn initial_variable_names() -> Vec<String> {
    initial_vars().into_keys().collect()
}

/// The variables every session starts with, as psql 15 starts (`\set`
/// lists them); the connection's own come with [`Session::connect`].
/// PROMPT1 and PROMPT2 are qadmin's prompt, VERSION* name qadmin and the
/// psql it follows (docs/scripting.md).
fn initial_vars() -> BTreeMap<String, String> {
    let version = env!("CARGO_PKG_VERSION");
    [
        ("AUTOCOMMIT", "on"),
        ("COMP_KEYWORD_CASE", "preserve-upper"),
        ("ECHO", "none"),
        ("ECHO_HIDDEN", "off"),
        ("FETCH_COUNT", "0"),
        ("HIDE_TABLEAM", "off"),
        ("HIDE_TOAST_COMPRESSION", "off"),
        ("HISTCONTROL", "none"),
        ("HISTSIZE", "500"),
        ("IGNOREEOF", "0"),
        ("LAST_ERROR_MESSAGE", ""),
        ("LAST_ERROR_SQLSTATE", "00000"),
        ("ON_ERROR_ROLLBACK", "off"),
        ("ON_ERROR_STOP", "off"),
        ("PROMPT1", "%q@%/%R%x%# "),
        ("PROMPT2", "%q@%/%R%x%# "),
        ("PROMPT3", ">> "),
        ("QUIET", "off"),
        ("SHOW_ALL_RESULTS", "on"),
        ("SHOW_CONTEXT", "errors"),
        ("SINGLELINE", "off"),
        ("SINGLESTEP", "off"),
        ("VERBOSITY", "default"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([
        (
            "VERSION".to_string(),
            format!("qadmin {version} (psql 15 script language)"),
        ),
        ("VERSION_NAME".to_string(), format!("15 (qadmin {version})")),
        ("VERSION_NUM".to_string(), "150000".to_string()),
    ])
    .collect()
}

/// psql's boolean syntax, without surrounding blanks.
fn strict_bool(v: &str) -> Option<bool> {
    if v.trim() != v {
        return None;
    }
    parse_bool(v)
}

/// An integer as psql's `ParseVariableNum` reads one (`strtol` with base
/// 0: leading blanks, a sign, `0x` hex and `0` octal), within `int`.
fn parse_int(v: &str) -> Option<i64> {
    let t = v.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, h)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let n = i64::from_str_radix(digits, radix).ok()?;
    let n = if neg { -n } else { n };
    i32::try_from(n).ok().map(i64::from)
}

/// `server_version` as a number, as libpq's `PQserverVersion` makes it
/// (`15.18` -> 150018, `9.6.3` -> 90603).
fn version_num(v: &str) -> u32 {
    let nums: Vec<u32> = v
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|p| !p.is_empty())
        .take(3)
        .filter_map(|p| p.parse().ok())
        .collect();
    match nums.as_slice() {
        [major, minor, ..] if *major >= 10 => major * 10000 + minor,
        [major] if *major >= 10 => major * 10000,
        [major, minor, rev] => major * 10000 + minor * 100 + rev,
        [major, minor] => major * 10000 + minor * 100,
        _ => 0,
    }
}

/// LASTOID from a command tag, as `PQoidValue` reads it: the OID of
/// `INSERT oid count`, else 0.
pub fn last_oid(tag: &str) -> String {
    let w: Vec<&str> = tag.split(' ').collect();
    match w.as_slice() {
        ["INSERT", oid, _] if oid.bytes().all(|b| b.is_ascii_digit()) => oid.to_string(),
        _ => "0".to_string(),
    }
}

/// ROW_COUNT from a command tag, as `PQcmdTuples` reads it: the count of
/// SELECT, INSERT, UPDATE, DELETE, MERGE, MOVE, FETCH and COPY, else 0.
pub fn row_count(tag: &str) -> String {
    let mut words = tag.split(' ');
    let counted = matches!(
        words.next(),
        Some("SELECT" | "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "MOVE" | "FETCH" | "COPY")
    );
    match tag.rsplit(' ').next() {
        Some(n) if counted && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            n.to_string()
        }
        _ => "0".to_string(),
    }
}

impl crate::lex::Variables for Session {
    /// psql's `psql_get_variable`: `:'x'` and `:"x"` need a connection.
    fn get(&mut self, name: &str, quote: crate::lex::Quote) -> Option<String> {
        use crate::lex::{vars, Quote};
        // In an inactive `\if` branch nothing is interpolated (psql's
        // `psql_get_variable` asks its conditional stack first).
        if !self.cond.active() {
            return None;
        }
        let value = self.vars.get(name)?.clone();
        match quote {
            Quote::Plain => Some(value),
            Quote::Literal | Quote::Ident if !self.is_connected() => {
                self.client_error("cannot escape without active connection");
                None
            }
            Quote::Literal => Some(vars::literal(&value)),
            Quote::Ident => Some(vars::identifier(&value)),
            Quote::Shell => {
                let w = vars::shell_word(&value);
                if w.is_none() {
                    self.client_error(&format!(
                        "shell command argument contains a newline or carriage return: \"{value}\""
                    ));
                }
                w
            }
        }
    }

    fn recursive(&mut self, name: &str) {
        self.warning(&format!(
            "skipping recursive expansion of variable \"{name}\""
        ));
    }

    /// psql's `evaluate_backtick`: `sh -c`, standard output without one
    /// trailing newline.
    fn backtick(&mut self, command: &str) -> Option<String> {
        // Not run in an inactive `\if` branch (psql's too).
        if !self.cond.active() {
            return Some(String::new());
        }
        match std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .stderr(std::process::Stdio::inherit())
            .output()
        {
            Ok(o) if o.status.code() != Some(127) => {
                let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
                if text.ends_with('\n') {
                    text.pop();
                }
                Some(text)
            }
            Ok(o) => {
                self.client_error(&format!("{command}: {}", exit_reason(&o.status)));
                None
            }
            Err(e) => {
                self.client_error(&format!("{command}: {}", crate::io_reason(&e)));
                None
            }
        }
    }
}

/// How a child ended, in psql's words (`wait_result_to_str`).
fn exit_reason(st: &std::process::ExitStatus) -> String {
    match st.code() {
        Some(127) => "command not found".to_string(),
        Some(n) => format!("child process exited with exit code {n}"),
        None => "child process was terminated by a signal".to_string(),
    }
}

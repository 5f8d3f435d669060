//! Session state: the connection, the settings that shape output and error
//! handling, psql-style variables, the transaction state the executor
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
    /// Input comes from a terminal.
    pub interactive: bool,
    /// About the server, once [`Session::load_server_info`] has run on
    /// the current connection.
    pub server: Option<ServerInfo>,
    /// Where query results go instead of the caller's output (`\o`).
    pub output: Option<OutputTarget>,
}

/// A `\o` target: a file, or a shell command's standard input (`\o
/// |command`). Results are buffered; the target is flushed after each
/// statement and closed (the command waited for) when dropped.
pub struct OutputTarget {
    /// The file name or `|command`, as given.
    pub name: String,
    writer: std::io::BufWriter<Box<dyn Write + Send>>,
    child: Option<std::process::Child>,
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
        Ok(OutputTarget {
            name: name.to_string(),
            writer: std::io::BufWriter::with_capacity(64 * 1024, writer),
            child,
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
            vars: BTreeMap::new(),
            tx: TxState::Idle,
            changes: crate::parse::ast::Changes::Nothing,
            locus: Arc::new(Mutex::new(Locus::default())),
            muted: Arc::new(AtomicBool::new(false)),
            style: Arc::new(std::sync::atomic::AtomicU8::new(Style::default().to_u8())),
            queue,
            restrict_key: None,
            interactive: false,
            server: None,
            output: None,
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
        let head = if prefix.is_empty() {
            "qadmin: "
        } else {
            prefix.as_str()
        };
        let text = format!("{head}error: {msg}\n");
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(paint_message(&text, self.settings.err_color).as_bytes());
    }

    /// How server messages are written (VERBOSITY, SHOW_CONTEXT).
    pub fn message_style(&self) -> Style {
        Style::from_u8(self.style.load(Ordering::Relaxed))
    }

    /// Set a variable; the ones psql gives meaning to change settings.
    /// Returns an error message for an invalid value.
    pub fn set_var(&mut self, name: &str, value: &str) -> Result<(), String> {
        let bool_of = |v: &str| {
            parse_bool(v).ok_or_else(|| {
                format!("unrecognized value \"{v}\" for \"{name}\": Boolean expected")
            })
        };
        match name {
            "ON_ERROR_STOP" => self.settings.on_error_stop = bool_of(value)?,
            "QUIET" => {
                self.settings.quiet = bool_of(value)?;
            }
            "FETCH_COUNT" => {
                let n: i64 = value.trim().parse().map_err(|_| {
                    format!("invalid value \"{value}\" for \"FETCH_COUNT\": integer expected")
                })?;
                self.settings.fetch_count = if n <= 0 {
                    DEFAULT_FETCH_COUNT
                } else {
                    n as usize
                };
            }
            "VERBOSITY" => {
                let mut st = self.message_style();
                st.verbosity = match value {
                    "default" => Verbosity::Default,
                    "verbose" => Verbosity::Verbose,
                    "terse" => Verbosity::Terse,
                    "sqlstate" => Verbosity::Sqlstate,
                    _ => {
                        return Err(format!(
                            "unrecognized value \"{value}\" for \"VERBOSITY\"\nAvailable values are: default, verbose, terse, sqlstate."
                        ))
                    }
                };
                self.style.store(st.to_u8(), Ordering::Relaxed);
            }
            "SHOW_CONTEXT" => {
                let mut st = self.message_style();
                st.context = match value {
                    "never" => ShowContext::Never,
                    "errors" => ShowContext::Errors,
                    "always" => ShowContext::Always,
                    _ => {
                        return Err(format!(
                            "unrecognized value \"{value}\" for \"SHOW_CONTEXT\"\nAvailable values are: never, errors, always."
                        ))
                    }
                };
                self.style.store(st.to_u8(), Ordering::Relaxed);
            }
            "ECHO" => {
                self.settings.echo = match value {
                    "all" => Echo::All,
                    "queries" => Echo::Queries,
                    "none" => Echo::None,
                    _ => {
                        return Err(format!(
                            "unrecognized value \"{value}\" for \"ECHO\"\nAvailable values are: none, errors, queries, all."
                        ))
                    }
                }
            }
            _ => {}
        }
        self.vars.insert(name.to_string(), value.to_string());
        Ok(())
    }
}

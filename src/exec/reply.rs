//! What a shell command answers, and the one place that prints it.
//!
//! Handlers in [`super::queue`], [`super::cascade`] and [`super::londiste`]
//! return a [`Handled`]: a [`Reply`] (a table, a status word, text,
//! messages) or a [`Fail`]. [`show`] prints the reply with the session's
//! settings (`\pset`, `-q`, the script prefix) and maps a failure to its
//! [`Outcome`]: a failed command, or a lost connection (exit 2 in a
//! script, a reconnect in the shell) when the session's own connection
//! died in it, whichever step that was. Only the progress of long steps
//! (multi-node operations, `londiste wait sync`) is written while a
//! handler runs, to the same output.

use std::io::Write;

use crate::db::Client;
use crate::exec::Outcome;
use crate::output::{self, Column, ResultSet};
use crate::parse::ast;
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

/// A command's answer, printed by [`show`].
#[derive(Debug)]
pub enum Reply {
    /// A status word (`CREATE`); not with -q.
    Status(&'static str),
    /// Done: the command's own status word, from its spec
    /// ([`crate::parse::CommandSpec::status`]); `exec::command` puts the
    /// word in ([`Reply::with_status`]), so a handler never spells it.
    Done,
    /// A table, printed with the session's `\pset` settings.
    Table(ResultSet),
    /// Text printed as it is (help, DDL, a rendered status).
    Text(String),
    /// A line of information on the output; not with -q.
    Info(String),
    /// A message to stderr with the script prefix, as `LEVEL:  text`;
    /// NOTICE and INFO not with -q.
    Message(Level, String),
    /// Several answers, in order.
    All(Vec<Reply>),
    /// The user asked to leave.
    Quit,
}

impl Reply {
    /// This reply with [`Reply::Done`] made the status word `word` (a
    /// command without one prints nothing for it).
    pub fn with_status(self, word: Option<&'static str>) -> Reply {
        match self {
            Reply::Done => match word {
                Some(w) => Reply::Status(w),
                None => Reply::All(Vec::new()),
            },
            Reply::All(list) => Reply::All(list.into_iter().map(|r| r.with_status(word)).collect()),
            other => other,
        }
    }
}

/// The level of a [`Reply::Message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Shown unless -q.
    Info,
    /// Shown unless -q.
    Notice,
    /// Always shown.
    Warning,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Notice => "NOTICE",
            Level::Warning => "WARNING",
        }
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Fail {
    /// The reason, one line (an API error's text).
    Message(String),
    /// There is no connection to run it on.
    NotConnected,
}

impl Fail {
    /// A failure with this reason.
    pub fn msg(m: impl Into<String>) -> Fail {
        Fail::Message(m.into())
    }
}

impl<E: std::error::Error> From<E> for Fail {
    fn from(e: E) -> Fail {
        Fail::Message(e.to_string())
    }
}

/// What a handler returns.
pub type Handled = Result<Reply, Fail>;

/// Print a command's answer and say how it ended.
pub fn show(s: &mut Session, out: &mut dyn Write, r: Handled) -> Outcome {
    let outcome = match r {
        Ok(reply) => print_reply(s, out, reply),
        Err(Fail::NotConnected) => {
            s.client_error("not connected to a database");
            Outcome::ConnectionLost
        }
        Err(Fail::Message(m)) => {
            let _ = out.flush();
            // The session's own connection died inside the command: that
            // is a lost connection, whichever step (or whichever of the
            // command's connections) found it out. An empty query asks
            // the session's connection when it has not been used since
            // (one round trip, on failures only).
            if s.client()
                .is_some_and(|c| c.is_closed() || c.simple_query("").is_err() && c.is_closed())
            {
                s.client_error(&m);
                s.error("connection to server was lost");
                s.drop_connection();
                return Outcome::ConnectionLost;
            }
            s.client_error(&m);
            Outcome::Failed
        }
    };
    let _ = out.flush();
    outcome
}

fn print_reply(s: &Session, out: &mut dyn Write, reply: Reply) -> Outcome {
    let quiet = s.settings.quiet;
    match reply {
        Reply::Status(word) => {
            if !quiet {
                let _ = output::print_status(out, word, &s.settings.print);
            }
        }
        // Made a status word by `exec::command` before it gets here.
        Reply::Done => {}
        Reply::Table(rs) => {
            let mut buf = Vec::new();
            let _ = output::print_result(&mut buf, &rs, &s.settings.print);
            write_paged(s, out, &buf);
        }
        Reply::Text(text) => write_paged(s, out, text.as_bytes()),
        Reply::Info(line) => {
            if !quiet {
                let _ = writeln!(out, "{line}");
            }
        }
        Reply::Message(level, text) => {
            if level == Level::Warning || !quiet {
                let _ = out.flush();
                eprintln!("{}{}:  {text}", s.prefix(), level.word());
            }
        }
        Reply::All(list) => {
            for r in list {
                if print_reply(s, out, r) == Outcome::Quit {
                    return Outcome::Quit;
                }
            }
        }
        Reply::Quit => return Outcome::Quit,
    }
    Outcome::Ok
}

/// Write a reply's text, through the pager when it is long and goes to
/// the terminal (psql's `PageOutput`; see [`output::pager`]).
pub(crate) fn write_paged(s: &Session, out: &mut dyn Write, text: &[u8]) {
    let setting = s.settings.print.pager;
    if s.output.is_none() && setting != output::pager::PagerUse::Off {
        if let Ok(t) = std::str::from_utf8(text) {
            let _ = out.flush();
            if output::pager::page(t, setting) {
                return;
            }
        }
    }
    let _ = out.write_all(text);
}

/// A table from column (name, oid) pairs and rows of optional text.
pub fn table(cols: &[(&str, u32)], rows: Vec<Vec<Option<String>>>) -> Reply {
    Reply::Table(ResultSet {
        columns: cols.iter().map(|(n, o)| Column::new(*n, *o)).collect(),
        rows,
    })
}

/// Text of a value for a result cell.
pub fn cell<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// A boolean cell as PostgreSQL prints it (`t` / `f`).
pub fn flag(v: Option<bool>) -> Option<String> {
    v.map(|b| if b { "t" } else { "f" }.to_string())
}

/// The session's connection, or [`Fail::NotConnected`].
pub fn conn(s: &mut Session) -> Result<&mut Client, Fail> {
    s.client().ok_or(Fail::NotConnected)
}

/// The queue a command works on: the one it names, else the current one.
pub fn queue_of(s: &Session, named: Option<&ast::QueueName>) -> Result<String, Fail> {
    match named {
        Some(q) => Ok(q.as_str().to_string()),
        None => s.queue.clone().ok_or_else(|| {
            Fail::msg(
                "no current queue: set it with \"connect queue=<queue>;\" or -Q <queue> (show queue *; lists them); register / unregister consumer, show consumer, show node and create ... node also take \"on <queue>\" (unregister: \"from <queue>\")",
            )
        }),
    }
}

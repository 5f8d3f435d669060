//! Shell commands: a parsed [`Command`] -> its handler -> a reply, which
//! [`reply::show`] prints.
//!
//! Handlers live per command family, as the parse side's families
//! (`parse::command`): queues, consumers and maintenance in
//! [`super::queue`], the connection and extensions in [`super::database`],
//! cascade commands in [`super::cascade`], Londiste and `show table` /
//! `show sequence` in [`super::londiste`], each reached through that
//! file's `handle` (an exhaustive match on its family enum); the session
//! family (help, quit) is answered here. Only long steps (multi-node
//! operations, waits) get the output, for their progress lines.

use std::io::Write;

use crate::exec::reply::{self, Fail, Handled, Reply};
use crate::exec::{cascade, database, londiste, queue, Outcome};
use crate::parse::help::{help_text, wrap};
use crate::parse::{Command, SessionCommand};
use crate::session::Session;

/// Run one shell command and print its reply; errors go to stderr
/// through the session.
pub fn run_command(s: &mut Session, cmd: &Command, out: &mut dyn Write) -> Outcome {
    let spec = cmd.spec();
    s.changes = s.changes.and(spec.changes);
    let r = handle(s, cmd, out).map(|r| r.with_status(spec.status));
    reply::show(s, out, r)
}

/// The one dispatch from a command to its family's handler: each family
/// file's `handle` matches its family enum exhaustively. A handler that
/// succeeds with the command's status word answers [`Reply::Done`]; the
/// word comes from the command's spec ([`crate::parse::CommandSpec`]).
fn handle(s: &mut Session, cmd: &Command, out: &mut dyn Write) -> Handled {
    match cmd {
        Command::Database(c) => database::handle(s, c, out),
        Command::Queue(c) => queue::handle(s, c, out),
        Command::Cascade(c) => cascade::handle(s, c, out),
        Command::Londiste(c) => londiste::handle(s, c, out),
        Command::Session(c) => session(s, c),
    }
}

/// The session family (help and leaving): nothing to ask the server.
fn session(s: &mut Session, cmd: &SessionCommand) -> Handled {
    match cmd {
        SessionCommand::Quit => Ok(Reply::Quit),
        // Wrapped to the terminal (the width the shell measured; scripts
        // and pipes get it as it is).
        SessionCommand::ShowHelp(h) => help_text(&h.topic)
            .map(|t| Reply::Text(wrap(&t, s.settings.print.columns)))
            .map_err(Fail::msg),
    }
}

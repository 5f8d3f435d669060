//! The shell commands, one file per family: each file holds everything the
//! parse side knows about its commands together: the family's enum (one
//! variant per command) and AST structs, their [`CommandSpec`]s (the
//! `specs!` table: words, section, syntax, summary, what they change, the
//! status word), the family's exhaustive `spec()` match, and its
//! `lower` (pest pairs -> AST).
//!
//! * [`database`]: `connect`, `install`;
//! * [`queue`]: queues, consumers, `show batch` / `show version`, `tick`,
//!   `maint`;
//! * [`cascade`]: cascade nodes, takeover, pauses and waits (and `show
//!   node`);
//! * [`londiste`]: Londiste tables and sequences (and `show table` /
//!   `show sequence`);
//! * [`session`]: `show help`, `exit` / `quit`.
//!
//! [`Command`] is the enum of families; a new command touches only its
//! family's file here (and `exec/<family>.rs`, whose `handle` matches the
//! family enum exhaustively). A new family is a file here, its variant in
//! [`Command`], its arm in [`Command::spec`] and `lower_command`, its
//! `SPECS` in `FAMILIES`, and `exec/<family>.rs`.

use super::ast::*;
use super::lower::{
    first_inner, first_of, has, invalid, lower_number, name_of, names, opt_name, opt_target,
    qualified, qualified_list, string_of, target, P, R,
};
use super::spec::CommandSpec;
use super::Rule;
use crate::parse::ident::{fold, unquote_string};

pub mod cascade;
pub mod database;
pub mod londiste;
pub mod queue;
pub mod session;

pub use cascade::CascadeCommand;
pub use database::DatabaseCommand;
pub use londiste::LondisteCommand;
pub use queue::QueueCommand;
pub use session::SessionCommand;

/// A shell command: its family, and in it one variant per command rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The connection and extensions.
    Database(DatabaseCommand),
    /// Queues, consumers, batches, ticks and maintenance.
    Queue(QueueCommand),
    /// Cascade nodes.
    Cascade(CascadeCommand),
    /// Londiste tables and sequences.
    Londiste(LondisteCommand),
    /// Help and leaving.
    Session(SessionCommand),
}

/// The command table by family (the `specs!` of each family file), for
/// [`super::spec::ALL`], which puts them in the grammar's order.
pub(super) static FAMILIES: &[&[&CommandSpec]] = &[
    database::SPECS,
    queue::SPECS,
    cascade::SPECS,
    londiste::SPECS,
    session::SPECS,
];

impl Command {
    /// This command's [`CommandSpec`], from its family's exhaustive match.
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            Command::Database(c) => c.spec(),
            Command::Queue(c) => c.spec(),
            Command::Cascade(c) => c.spec(),
            Command::Londiste(c) => c.spec(),
            Command::Session(c) => c.spec(),
        }
    }
}

/// One command rule, lowered by the family that has it.
pub(crate) fn lower_command(pair: P<'_>) -> R<Command> {
    let rule = pair.as_rule();
    Ok(if let Some(c) = database::lower(pair.clone())? {
        Command::Database(c)
    } else if let Some(c) = queue::lower(pair.clone())? {
        Command::Queue(c)
    } else if let Some(c) = cascade::lower(pair.clone())? {
        Command::Cascade(c)
    } else if let Some(c) = londiste::lower(pair.clone())? {
        Command::Londiste(c)
    } else if let Some(c) = session::lower(pair)? {
        Command::Session(c)
    } else {
        unreachable!("{rule:?}: a command rule no family lowers")
    })
}

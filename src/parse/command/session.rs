//! The session family: `show help`, `exit` / `quit`. The family's enum,
//! AST struct, command table (`specs!`), its exhaustive `spec()` and its
//! lowering, together; answered in `exec/command.rs` (nothing to ask the
//! server).

use super::*;

/// A session command; one variant per command of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCommand {
    /// `show help [<command words>]`
    ShowHelp(ShowHelp),
    /// `exit` and `quit`
    Quit,
}

specs! {
    SHOW_HELP: show_help, Inspection, "show help", Nothing, None,
        "show help [<command words>];",
        "List the commands, or show one command's syntax.";
    EXIT: exit, Session, "exit", Nothing, None,
        "exit;",
        "Leave qadmin (also: exit alone on a line).";
    QUIT: quit, Session, "quit", Nothing, None,
        "quit;",
        "Leave qadmin (also: quit alone on a line, or \\q).";
}

impl SessionCommand {
    /// This command's [`CommandSpec`].
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            SessionCommand::ShowHelp(_) => &SHOW_HELP,
            // `exit` is the other spelling.
            SessionCommand::Quit => &QUIT,
        }
    }
}

/// A command rule of this family; `None` for the other families' rules.
pub(super) fn lower(pair: P<'_>) -> R<Option<SessionCommand>> {
    Ok(Some(match pair.as_rule() {
        Rule::show_help => SessionCommand::ShowHelp(ShowHelp {
            topic: pair
                .into_inner()
                .filter(|p| p.as_rule() == Rule::help_word)
                .map(|p| p.as_str().to_ascii_lowercase())
                .collect(),
        }),
        Rule::exit | Rule::quit => SessionCommand::Quit,
        _ => return Ok(None),
    }))
}

/// `show help [<command words>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowHelp {
    /// The words after `help`, lower-cased; empty for the whole list.
    pub topic: Vec<String>,
}

//! psql's conditionals: `\if EXPR`, `\elif EXPR`, `\else`, `\endif`,
//! with psql 15's rules (`exec_command_if` and its siblings in psql's
//! `command.c`).
//!
//! The stack itself is [`crate::session::CondStack`], on the session so
//! that the lexer's variable lookups (none in an inactive branch), the
//! meta-commands and the interactive prompt (`%R` shows `@` in an
//! inactive branch) all see it; each script has its own (psql's one per
//! `MainLoop`). The statement loops ([`super::script`], [`super::repl`])
//! drop SQL read in an inactive branch, and [`crate::shell::meta::run`]
//! sends the branching commands here and skips the others ([`skip`]).
//!
//! An expression is the command's arguments joined by spaces, read as a
//! boolean (`true`, `off`, `1`, unique prefixes ...); anything else is
//! psql's `unrecognized value "x" for "\if expression": Boolean expected`
//! and counts as false (not a failed command). The arguments of an
//! `\if` / `\elif` that is not evaluated are read without variables or
//! backquotes. Unbalanced commands are errors (`\else: no matching \if`,
//! `\elif: cannot occur after \else`); a script that ends inside a block
//! is `reached EOF without finding closing \endif(s)`.

use crate::cli::parse_bool;
use crate::exec::Outcome;
use crate::lex::slash;
use crate::lex::vars::NoVariables;
use crate::session::{IfState, Session};

/// The backslash commands psql 15 knows (without the backslash): in an
/// inactive branch these are skipped silently, any other name is still
/// `invalid command`, as psql reports it.
const PSQL_COMMANDS: &[&str] = &[
    "a",
    "bind",
    "c",
    "connect",
    "C",
    "cd",
    "conninfo",
    "copy",
    "copyright",
    "crosstabview",
    "d",
    "da",
    "dA",
    "dAc",
    "dAf",
    "dAo",
    "dAp",
    "db",
    "dc",
    "dC",
    "dd",
    "dD",
    "ddp",
    "dE",
    "des",
    "det",
    "deu",
    "dew",
    "df",
    "dF",
    "dFd",
    "dFp",
    "dFt",
    "dg",
    "di",
    "dl",
    "dL",
    "dm",
    "dn",
    "do",
    "dO",
    "dp",
    "dP",
    "dPi",
    "dPt",
    "drds",
    "dRp",
    "dRs",
    "ds",
    "dt",
    "dT",
    "du",
    "dv",
    "dx",
    "dX",
    "dy",
    "e",
    "edit",
    "echo",
    "ef",
    "encoding",
    "errverbose",
    "ev",
    "f",
    "g",
    "gdesc",
    "getenv",
    "gexec",
    "gset",
    "gx",
    "h",
    "help",
    "H",
    "html",
    "i",
    "include",
    "ir",
    "include_relative",
    "l",
    "list",
    "lo_export",
    "lo_import",
    "lo_list",
    "lo_unlink",
    "o",
    "out",
    "p",
    "print",
    "password",
    "prompt",
    "pset",
    "q",
    "quit",
    "qecho",
    "r",
    "reset",
    "s",
    "set",
    "setenv",
    "sf",
    "sv",
    "t",
    "T",
    "timing",
    "unset",
    "w",
    "write",
    "warn",
    "watch",
    "x",
    "z",
    "!",
    "?",
    "restrict",
    "unrestrict",
];

/// Whether `cmd` (with its backslash) is one of the four branching
/// commands.
pub fn is_branching(cmd: &str) -> bool {
    matches!(cmd, "\\if" | "\\elif" | "\\else" | "\\endif")
}

/// Whether psql knows `cmd` (with its backslash): the name, or a
/// describe command with its `+` / `S` modifiers.
fn is_psql_command(cmd: &str) -> bool {
    let name = cmd.trim_start_matches('\\');
    if PSQL_COMMANDS.contains(&name) {
        return true;
    }
    let base = name.trim_end_matches(['+', 'S', 'x']);
    (name.starts_with('d') || name.starts_with('l') || name.starts_with('s'))
        && !base.is_empty()
        && PSQL_COMMANDS.contains(&base)
}

/// Run a branching command; `rest` is the line after its name. Returns
/// the outcome and, when another meta-command follows on the line, its
/// offset in `rest`.
pub fn branch(s: &mut Session, cmd: &str, rest: &str) -> (Outcome, Option<usize>) {
    let top = s.cond.stack.last().copied();
    let ok = match (cmd, top) {
        ("\\if", _) if s.cond.active() => {
            s.cond.stack.push(IfState::True);
            let (value, next) = expression(s, rest, "\\if expression");
            if !value {
                set_top(s, IfState::False);
            }
            return (Outcome::Ok, next);
        }
        ("\\if", _) => {
            s.cond.stack.push(IfState::Ignored);
            return (Outcome::Ok, ignored_args(rest).next);
        }
        ("\\elif", Some(IfState::True)) | ("\\elif", Some(IfState::Ignored)) => {
            set_top(s, IfState::Ignored);
            return (Outcome::Ok, ignored_args(rest).next);
        }
        ("\\elif", Some(IfState::False)) => {
            // Evaluated as in an active branch: its variables count.
            set_top(s, IfState::True);
            let (value, next) = expression(s, rest, "\\elif expression");
            if !value {
                set_top(s, IfState::False);
            }
            return (Outcome::Ok, next);
        }
        ("\\elif" | "\\else", Some(IfState::ElseTrue | IfState::ElseFalse)) => {
            s.client_error(&format!("{cmd}: cannot occur after \\else"));
            false
        }
        ("\\elif" | "\\else" | "\\endif", None) => {
            s.client_error(&format!("{cmd}: no matching \\if"));
            false
        }
        ("\\else", Some(IfState::True | IfState::Ignored)) => {
            set_top(s, IfState::ElseFalse);
            true
        }
        ("\\else", Some(IfState::False)) => {
            set_top(s, IfState::ElseTrue);
            true
        }
        ("\\endif", Some(_)) => {
            s.cond.stack.pop();
            true
        }
        _ => unreachable!("{cmd} in cond::branch"),
    };
    if !ok {
        // psql drops the rest of the line after a failed command.
        return (Outcome::Failed, None);
    }
    (Outcome::Ok, extra_args(s, cmd, rest))
}

/// A meta-command in an inactive branch: its arguments are read without
/// variables or backquotes and it does not run; a name psql does not know
/// is still an error. In the interactive shell psql says so.
pub fn skip(s: &mut Session, cmd: &str, rest: &str) -> (Outcome, Option<usize>) {
    if !is_psql_command(cmd) {
        s.client_error(&format!("invalid command {cmd}"));
        if s.interactive {
            s.error("Try \\? for help.");
        }
        return (Outcome::Failed, None);
    }
    if s.interactive {
        s.warning(&format!(
            "{cmd} command ignored; use \\endif or Ctrl-C to exit current \\if block"
        ));
    }
    if matches!(
        cmd,
        "\\!" | "\\copy" | "\\w" | "\\write" | "\\o" | "\\out" | "\\g" | "\\gx"
    ) && (matches!(cmd, "\\!" | "\\copy") || rest.starts_with('|'))
    {
        return (Outcome::Ok, None);
    }
    (Outcome::Ok, ignored_args(rest).next)
}

/// Arguments read as in an inactive branch: nothing interpolated, no
/// backquote run.
fn ignored_args(rest: &str) -> slash::Args {
    slash::args(rest, &mut NoVariables)
}

fn set_top(s: &mut Session, state: IfState) {
    if let Some(top) = s.cond.stack.last_mut() {
        *top = state;
    }
}

/// psql's `is_true_boolean_expression`: the arguments up to the next
/// meta-command, joined by single spaces, as a boolean; not one is an
/// error and false.
fn expression(s: &mut Session, rest: &str, what: &str) -> (bool, Option<usize>) {
    let args = slash::args(rest, s);
    if args.unterminated {
        s.client_error("unterminated quoted string");
    }
    let value = args.texts().join(" ");
    match parse_bool(&value) {
        Some(b) => (b, args.next),
        None => {
            s.client_error(&format!(
                "unrecognized value \"{value}\" for \"{what}\": Boolean expected"
            ));
            (false, args.next)
        }
    }
}

/// After `\else` / `\endif`: arguments are ignored, with psql's warning
/// when the branch now running is active.
fn extra_args(s: &mut Session, cmd: &str, rest: &str) -> Option<usize> {
    let args = ignored_args(rest);
    if s.cond.active() {
        for a in &args.args {
            s.warning(&format!("{cmd}: extra argument \"{}\" ignored", a.text));
        }
    }
    args.next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psql_knows_describe_commands_with_modifiers() {
        assert!(is_psql_command("\\dt+"));
        assert!(is_psql_command("\\dtS+"));
        assert!(is_psql_command("\\l+"));
        assert!(is_psql_command("\\x"));
        assert!(!is_psql_command("\\y"));
        assert!(!is_psql_command("\\bogus"));
    }
}

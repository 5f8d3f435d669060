//! `\?` and its topics, as psql's: `\? [commands]` lists the
//! meta-commands ([`super::meta::HELP`]), `\? variables` every variable
//! qadmin gives a meaning (psql 15's special variables, the printing
//! options, the environment), `\? options` the command-line options.
//! Long texts go through the pager.

use std::io::Write;

use crate::exec::Outcome;
use crate::session::Session;

/// `\? [TOPIC]`: an unknown topic shows the commands, as in psql.
pub fn show(s: &Session, topic: Option<&str>, out: &mut dyn Write) -> Outcome {
    let text = match topic {
        Some("variables") => variables(),
        Some("options") => crate::cli::usage(),
        _ => commands(),
    };
    crate::exec::reply::write_paged(s, out, text.as_bytes());
    Outcome::Ok
}

/// The meta-commands by section.
fn commands() -> String {
    let mut text = String::new();
    let mut section = "";
    for (sec, syntax, what) in super::meta::HELP {
        if *sec != section {
            if !section.is_empty() {
                text.push('\n');
            }
            text.push_str(sec);
            text.push('\n');
            section = sec;
        }
        if syntax.len() > 24 {
            text.push_str(&format!("  {syntax}\n  {:24} {what}\n", ""));
        } else {
            text.push_str(&format!("  {syntax:24} {what}\n"));
        }
    }
    text.push_str(
        "\nVariables: :name, :'name' (a literal), :\"name\" (an identifier), :{?name}.\n\
         \\? variables: the variables with a meaning; \\? options: the command line.\n\
         Shell commands (queues, consumers, cascades): \"show help;\".\n",
    );
    text
}

/// The special variables: name, then what it does.
const SPECIAL: &[(&str, &str)] = &[
    (
        "AUTOCOMMIT",
        "off: BEGIN is sent before a statement outside a transaction block",
    ),
    (
        "COMP_KEYWORD_CASE",
        "case of completed keywords: lower, upper, preserve-lower, preserve-upper",
    ),
    ("DBNAME", "the database connected to"),
    (
        "ECHO",
        "what scripts echo: none, errors (-b), queries (-e), all (-a)",
    ),
    (
        "ECHO_HIDDEN",
        "on (-E): show the describe commands' queries; noexec: show, do not run",
    ),
    ("ENCODING", "the client encoding"),
    ("ERROR", "true when the last SQL statement failed"),
    (
        "FETCH_COUNT",
        "fetch and print results this many rows at a time (0: all at once)",
    ),
    ("HIDE_TABLEAM", "on: \\d+ leaves out the access method"),
    (
        "HIDE_TOAST_COMPRESSION",
        "on: \\d+ leaves out the Compression column",
    ),
    (
        "HISTCONTROL",
        "history: ignorespace, ignoredups, ignoreboth or none",
    ),
    (
        "HISTFILE",
        "the history file (default $QADMIN_HISTORY, else ~/.qadmin_history)",
    ),
    (
        "HISTSIZE",
        "how many commands the history keeps (default 500)",
    ),
    ("HOST", "the server's host connected to"),
    (
        "IGNOREEOF",
        "how many Ctrl-D on an empty line leave the shell (0 or 1: one)",
    ),
    (
        "LASTOID",
        "the OID the last command gave (\\lo_import, INSERT)",
    ),
    ("LAST_ERROR_MESSAGE", "the last error's message"),
    ("LAST_ERROR_SQLSTATE", "the last error's SQLSTATE"),
    (
        "ON_ERROR_ROLLBACK",
        "on: a failing statement rolls back alone (interactive: at the terminal)",
    ),
    (
        "ON_ERROR_STOP",
        "on: a script stops at its first error (exit status 3)",
    ),
    ("PORT", "the server's port connected to"),
    ("PROMPT1", "the prompt of a first line"),
    ("PROMPT2", "the prompt of a continued line"),
    ("PROMPT3", "the prompt of COPY FROM STDIN data"),
    ("QUIET", "on (-q): no informational messages"),
    (
        "ROW_COUNT",
        "how many rows the last SQL statement returned or changed",
    ),
    ("SERVER_VERSION_NAME", "the server's version, as text"),
    ("SERVER_VERSION_NUM", "the server's version, as a number"),
    (
        "SHOW_ALL_RESULTS",
        "off: of statements sent together (\\;), only the last one's result",
    ),
    ("SHOW_CONTEXT", "an error's CONTEXT: never, errors, always"),
    ("SINGLELINE", "on (-S): the end of a line ends a statement"),
    (
        "SINGLESTEP",
        "on (-s): confirm each statement before it is sent",
    ),
    (
        "SQLSTATE",
        "the last SQL statement's SQLSTATE (00000: success)",
    ),
    ("USER", "the user connected as"),
    (
        "VERBOSITY",
        "server messages: default, verbose, terse, sqlstate",
    ),
    (
        "VERSION, VERSION_NAME, VERSION_NUM",
        "qadmin's version, and the psql it follows",
    ),
];

/// The environment qadmin reads, besides libpq's PG* variables.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("COLUMNS", "the width for \\x auto and the wrapped format"),
    ("NO_COLOR", "set: no colours"),
    (
        "QADMIN_PAGER, PSQL_PAGER, PAGER",
        "the pager (the first set; else more)",
    ),
    (
        "PGDATESTYLE, PGTZ, PGGEQO",
        "session settings sent at connect",
    ),
    (
        "PSQL_EDITOR, EDITOR, VISUAL",
        "the editor of \\e, \\ef, \\ev (the first set; else vi)",
    ),
    (
        "PSQL_EDITOR_LINENUMBER_ARG",
        "how the editor is told the start line (default +)",
    ),
    ("QADMIN_HISTORY", "the history file"),
    ("SHELL", "the shell of \\!"),
    ("TMPDIR", "where the editor's temporary file goes"),
];

/// `\? variables`.
fn variables() -> String {
    let mut text = String::from(
        "Variables with a meaning\n\n\
         Set with -v NAME=VALUE (--set) or \\set NAME VALUE; \\unset NAME restores\n\
         the default.\n\n",
    );
    for (name, what) in SPECIAL {
        text.push_str(&format!("  {name}\n    {what}\n"));
    }
    text.push_str(
        "\nDisplay settings\n\n\
         Set with -P NAME[=VALUE] or \\pset NAME [VALUE]; \\pset alone lists them:\n\
         border, columns, csv_fieldsep, expanded (\\x), fieldsep (-F), fieldsep_zero (-z),\n\
         footer, format (\\a, -A, -H, --csv), linestyle, null, numericlocale, pager,\n\
         pager_min_lines, recordsep (-R), recordsep_zero (-0), tableattr (-T),\n\
         title, tuples_only (\\t, -t), unicode_border_linestyle,\n\
         unicode_column_linestyle, unicode_header_linestyle.\n\n\
         Environment variables\n\n",
    );
    for (name, what) in ENVIRONMENT {
        text.push_str(&format!("  {name}\n    {what}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_fits_80_columns_and_every_command_is_documented() {
        for text in [commands(), variables()] {
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "too wide: {line:?}");
            }
        }
        let docs = include_str!("../../docs/interactive.md");
        for (_, syntax, _) in super::super::meta::HELP {
            let name = super::super::meta::split(syntax).0;
            let name = name.split('[').next().unwrap_or(name);
            assert!(
                docs.contains(&format!("`{name}")),
                "{name} is not in docs/interactive.md"
            );
        }
    }

    /// Every special variable the session knows is explained.
    #[test]
    fn every_special_variable_is_explained() {
        let explained: Vec<&str> = SPECIAL
            .iter()
            .flat_map(|(names, _)| names.split(", "))
            .collect();
        for name in crate::session::initial_variable_names() {
            assert!(
                explained.contains(&name.as_str()),
                "{name} not in \\? variables"
            );
        }
    }
}

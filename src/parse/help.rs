//! `show help`: every command grouped as in the grammar, each form on a
//! line of its own with its leading words spelled out, and one command's
//! syntax and description for `show help <words>`. The text comes from
//! the command table ([`super::spec`]), which follows
//! `grammar/qadmin.pest`'s sections; a test checks that every command rule
//! is there and in `docs/commands.md`.

use super::spec::CommandSpec;

/// Every command form, in the grammar's order: the command table
/// ([`super::spec::ALL`]).
pub use super::spec::ALL as ENTRIES;

/// Width of the syntax column of the overview.
const SYNTAX_WIDTH: usize = 46;

/// The text of `show help` with these topic words (lower-case); an error
/// message when no command matches.
pub fn help_text(topic: &[String]) -> Result<String, String> {
    if topic.is_empty() {
        return Ok(overview());
    }
    let wanted = topic.join(" ");
    let exact: Vec<&CommandSpec> = ENTRIES
        .iter()
        .copied()
        .filter(|e| e.words == wanted)
        .collect();
    let found = if exact.is_empty() {
        ENTRIES
            .iter()
            .copied()
            .filter(|e| is_subsequence(topic, e.words))
            .collect()
    } else {
        exact
    };
    if found.is_empty() {
        return Err(format!(
            "no help for \"{wanted}\"; \"show help;\" lists the commands"
        ));
    }
    let blocks: Vec<String> = found.iter().map(|e| detail(e)).collect();
    Ok(blocks.join("\n"))
}

/// The topic's words appear in the command's words, in order.
fn is_subsequence(topic: &[String], words: &str) -> bool {
    let mut it = words.split(' ');
    topic.iter().all(|t| it.any(|w| w == t))
}

fn detail(e: &CommandSpec) -> String {
    format!(
        "Command:     {}\nDescription: {}\nSyntax:\n  {}\n",
        e.words, e.summary, e.syntax
    )
}

/// Every command, grouped by section, each form on its own line.
pub fn overview() -> String {
    let mut s = String::from(
        "qadmin commands (each ends with ;). Anything else is SQL for the server.\n\
         \"show help <command words>;\" shows one command, e.g. \"show help register consumer;\".\n",
    );
    let mut section = "";
    for e in ENTRIES {
        if e.section != section {
            section = e.section;
            s.push('\n');
            s.push_str(section);
            s.push('\n');
        }
        let first = e.summary.split(". ").next().unwrap_or(e.summary);
        let first = first.trim_end_matches('.');
        if e.syntax.chars().count() + 2 < SYNTAX_WIDTH {
            s.push_str(&format!(
                "  {:<w$}{}\n",
                e.syntax,
                first,
                w = SYNTAX_WIDTH - 2
            ));
        } else {
            s.push_str(&format!(
                "  {}\n  {:<w$}{}\n",
                e.syntax,
                "",
                first,
                w = SYNTAX_WIDTH - 2
            ));
        }
    }
    s
}

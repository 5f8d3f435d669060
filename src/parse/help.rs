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

/// `text` with each line longer than `width` columns wrapped at spaces;
/// a continued line starts under the column its text started in (after a
/// `Label:` head, or after the gap of two or more spaces that ends the
/// syntax column), so the description stays a column. `width` 0: as it
/// is.
pub fn wrap(text: &str, width: usize) -> String {
    if width == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let hang = hang_column(body).min(width / 2);
        let mut col = 0;
        let mut first = true;
        for word in body.split(' ') {
            let w = word.chars().count();
            if first {
                out.push_str(word);
                col = w;
                first = false;
            } else if col + 1 + w > width && col > hang {
                out.push('\n');
                out.push_str(&" ".repeat(hang));
                out.push_str(word);
                col = hang + w;
            } else {
                out.push(' ');
                out.push_str(word);
                col += 1 + w;
            }
        }
        out.push_str(nl);
    }
    out
}

/// Where a line's text column starts: after `Label: ` at its head, else
/// after its first run of two or more spaces past the indent, else at
/// its indent.
fn hang_column(line: &str) -> usize {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    if let Some((label, _)) = rest.split_once(": ") {
        if !label.is_empty()
            && !label.contains(' ')
            && label.chars().all(|c| c.is_ascii_alphabetic())
        {
            let after = &rest[label.len() + 1..];
            return indent + label.len() + 1 + (after.len() - after.trim_start_matches(' ').len());
        }
    }
    match rest.find("  ") {
        Some(gap) => {
            let after = &rest[gap..];
            indent + gap + (after.len() - after.trim_start_matches(' ').len())
        }
        None => indent,
    }
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

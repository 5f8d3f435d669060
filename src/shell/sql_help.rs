//! `\h` / `\help`: the SQL command list and each command's synopsis, as
//! psql 15 prints them.
//!
//! The data is psql's own: `sql_help.txt` is what `psql -c '\h *'` printed
//! (written by `scripts/gen_sql_help.sh`, psql's version in its first
//! line), one block per command in psql's order. This module finds the
//! blocks a topic names with psql's rules: a topic matches every command
//! it is a case-insensitive prefix of, and an exact match stops the list;
//! when nothing matches, the first two words are tried, then the first
//! word (`\h alter table foo` shows ALTER TABLE). `\h` alone lists the
//! command names in as many columns as the terminal is wide (80 when
//! standard output is not a terminal).

use std::sync::OnceLock;

/// psql's `\h *` output, with a version line first.
const DATA: &str = include_str!("sql_help.txt");

/// One command's help: its name and the block psql prints for it
/// (`Command:`, `Description:`, `Syntax:`, `URL:`, and a blank line).
struct Entry {
    name: &'static str,
    block: &'static str,
}

const COMMAND: &str = "Command:     ";

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let body = DATA.split_once('\n').map_or("", |(_, b)| b);
        // A block starts with "Command:" at the top or after the blank
        // line that ends the previous block's URL line.
        let mut starts: Vec<usize> = body
            .match_indices(COMMAND)
            .map(|(i, _)| i)
            .filter(|&i| i == 0 || body[..i].ends_with(".html\n\n"))
            .collect();
        starts.push(body.len());
        starts
            .windows(2)
            .map(|w| {
                let block = &body[w[0]..w[1]];
                let name = block[COMMAND.len()..].split('\n').next().unwrap_or("");
                Entry { name, block }
            })
            .collect()
    })
}

/// What `\h TOPIC` prints; `topic` is the rest of the line, as typed.
pub fn text(topic: &str, screen_width: usize) -> String {
    // psql strips trailing white space and semicolons.
    let topic = topic
        .trim_start()
        .trim_end_matches(|c: char| c.is_whitespace() || c == ';');
    if topic.is_empty() {
        return list(screen_width);
    }
    let all = topic == "*";
    let bytes = topic.as_bytes();
    let mut len = bytes.len();
    for pass in 1..=3 {
        if pass > 1 {
            // The opening word (pass 3) or two words (pass 2).
            let words = if pass == 2 { 2 } else { 1 };
            let shorter = opening_words(&bytes[..len], words);
            if shorter >= len {
                continue;
            }
            len = shorter;
        }
        let prefix = &bytes[..len];
        let mut out = String::new();
        for e in entries() {
            let name = e.name.as_bytes();
            if all || (name.len() >= len && name[..len].eq_ignore_ascii_case(prefix)) {
                out.push_str(e.block);
                if e.name.eq_ignore_ascii_case(topic) {
                    break;
                }
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    format!(
        "No help available for \"{topic}\".\nTry \\h with no arguments to see available help.\n"
    )
}

/// The length of `topic`'s first `words` words (psql splits at single
/// spaces; the result is the whole length when there are no more words).
fn opening_words(topic: &[u8], words: usize) -> usize {
    let mut seen = 0;
    for (i, &b) in topic.iter().enumerate().skip(1) {
        if b == b' ' {
            seen += 1;
            if seen == words {
                return i;
            }
        }
    }
    topic.len()
}

/// `\h` alone: "Available help:" and the names, column by column.
fn list(screen_width: usize) -> String {
    let names: Vec<&str> = entries().iter().map(|e| e.name).collect();
    let widest = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let columns = (screen_width.saturating_sub(3) / (widest + 1)).max(1);
    let rows = names.len().div_ceil(columns);
    let mut out = String::from("Available help:\n");
    for i in 0..rows {
        out.push_str("  ");
        for j in 0..columns - 1 {
            let name = names.get(i + j * rows).copied().unwrap_or("");
            out.push_str(&format!("{name:<w$}", w = widest + 1));
        }
        if let Some(name) = names.get(i + (columns - 1) * rows) {
            out.push_str(name);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_is_one_command() {
        let e = entries();
        assert_eq!(e.len(), 185, "psql 15 documents 185 SQL commands");
        assert_eq!(e[0].name, "ABORT");
        assert!(e
            .iter()
            .all(|e| e.block.starts_with(COMMAND) && e.block.ends_with(".html\n\n")));
        // The longest name decides the columns, as QL_MAX_CMD_LEN does.
        assert_eq!(e.iter().map(|e| e.name.len()).max(), Some(32));
    }

    #[test]
    fn topics_match_as_psql_matches_them() {
        let names = |t: &str| -> Vec<String> {
            text(t, 80)
                .lines()
                .filter_map(|l| l.strip_prefix(COMMAND).map(str::to_string))
                .collect()
        };
        // An exact match stops the list; a prefix lists every match.
        assert_eq!(names("select"), ["SELECT"]);
        assert_eq!(names("create table"), ["CREATE TABLE"]);
        assert_eq!(names("create table as"), ["CREATE TABLE AS"]);
        assert_eq!(names("CREATE TABLES"), ["CREATE TABLESPACE"]);
        assert!(names("create t").len() > 3);
        // Words dropped from the end: two words, then one.
        assert_eq!(
            names("alter table foo add column"),
            ["ALTER TABLE", "ALTER TABLESPACE"]
        );
        assert_eq!(names("vacuum full t;  "), ["VACUUM"]);
        assert_eq!(names("*").len(), 185);
        assert_eq!(
            text("frobnicate x", 80),
            "No help available for \"frobnicate x\".\nTry \\h with no arguments to see available help.\n"
        );
    }

    #[test]
    fn the_list_fits_the_width() {
        let l = list(80);
        assert!(l.starts_with("Available help:\n  ABORT "));
        assert!(l.lines().all(|line| line.len() <= 80));
        // Two columns of 33 at 80: 93 rows.
        assert_eq!(l.lines().count(), 1 + 93);
        assert_eq!(list(10).lines().count(), 1 + 185);
    }
}

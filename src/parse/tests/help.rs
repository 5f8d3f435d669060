//! `show help` and docs/commands.md cover every command rule of the
//! grammar, in the grammar's sections.

use crate::parse::help::{help_text, overview, ENTRIES};
use crate::parse::{is_command, parse_statement, Command, SessionCommand, Statement};

const GRAMMAR: &str = include_str!("../../../grammar/qadmin.pest");
const DOCS: &str = include_str!("../../../docs/commands.md");

/// The rules listed in the grammar's `command` choice.
fn command_rules() -> Vec<String> {
    let start = GRAMMAR.find("\ncommand = _{").expect("command rule");
    let body = &GRAMMAR[start + 13..];
    let body = &body[..body.find("\n}").expect("end of command rule")];
    body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_rule_is_in_the_help_once() {
    let rules = command_rules();
    assert!(rules.len() >= 50, "{rules:?}");
    for r in &rules {
        let n = ENTRIES.iter().filter(|e| e.rule == r).count();
        assert_eq!(n, 1, "{r}: {n} help entries");
    }
    for e in ENTRIES {
        assert!(
            rules.iter().any(|r| r == e.rule),
            "{}: no such command rule",
            e.rule
        );
    }
}

#[test]
fn every_command_is_in_the_docs_in_its_section() {
    let mut last = 0;
    let mut section = "";
    for e in ENTRIES {
        if e.section != section {
            section = e.section;
            let h = format!("\n## {section}\n");
            let at = DOCS
                .find(&h)
                .unwrap_or_else(|| panic!("docs/commands.md lacks {h:?}"));
            assert!(
                at >= last,
                "section {section} out of order in docs/commands.md"
            );
            last = at;
        }
        let h = format!("\n### {}\n", e.words);
        let at = DOCS[last..]
            .find(&h)
            .unwrap_or_else(|| panic!("docs/commands.md lacks {h:?} after ## {section}"));
        let block = &DOCS[last + at..];
        let syntax = format!("    {}\n", e.syntax);
        assert!(
            block[..block[1..].find("\n#").map_or(block.len(), |i| i + 1)].contains(&syntax),
            "docs/commands.md: {} lacks its syntax {syntax:?}",
            e.words
        );
    }
}

#[test]
fn leading_words_are_commands_and_spelled_out() {
    for e in ENTRIES {
        assert!(is_command(e.words), "{}", e.words);
        assert!(e.syntax.ends_with(';'), "{}", e.syntax);
        // No `{a|b}` shorthand for leading words: each form on its own line.
        assert!(
            !e.words.contains('|') && !e.words.contains('{'),
            "{}",
            e.words
        );
    }
    // The words of the alter node forms name the form, not the syntax.
    for e in ENTRIES
        .iter()
        .filter(|e| !e.words.starts_with("alter node "))
    {
        assert!(e.syntax.starts_with(e.words), "{}: {}", e.words, e.syntax);
    }
}

#[test]
fn overview_lists_every_form_on_a_line_of_its_own() {
    let text = overview();
    for e in ENTRIES {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(e.syntax)),
            "{}",
            e.syntax
        );
    }
    for section in [
        "Connection",
        "Queues",
        "Consumers",
        "Inspection",
        "Maintenance",
        "Cascade",
        "Londiste",
        "Session",
    ] {
        assert!(text.lines().any(|l| l == section), "{section}");
    }
    assert!(text.contains("\n  pause node <n>;"), "{text}");
    assert!(text.contains("\n  resume node <n>;"), "{text}");
    assert_eq!(help_text(&[]).as_deref(), Ok(text.as_str()));
}

fn topic(text: &str) -> Vec<String> {
    match parse_statement(text) {
        Ok(Statement::Command(Command::Session(SessionCommand::ShowHelp(h)))) => h.topic,
        other => panic!("{other:?}"),
    }
}

#[test]
fn help_for_one_command() {
    assert_eq!(
        help_text(&topic("show help register consumer;")).unwrap(),
        "Command:     register consumer\n\
         Description: Register a consumer on a queue (pgq.register_consumer). at <tick> or copy <c2> (another consumer's position) sets where it starts.\n\
         Syntax:\n  register consumer <c> [on <q>] [at <tick> | copy <c2>];\n"
    );
    // Case does not matter; an exact match wins over longer forms.
    let t = help_text(&topic("SHOW HELP Show Node;")).unwrap();
    assert!(t.starts_with("Command:     show node\n"), "{t}");
    assert_eq!(t.matches("Command:").count(), 1, "{t}");
    // Several forms share the words: all of them.
    let t = help_text(&topic("show help create;")).unwrap();
    for w in [
        "create queue",
        "create root node",
        "create branch node",
        "create leaf node",
    ] {
        assert!(t.contains(&format!("Command:     {w}\n")), "{w}: {t}");
    }
    let t = help_text(&topic("show help londiste add;")).unwrap();
    assert_eq!(t.matches("Command:").count(), 2, "{t}");
    let t = help_text(&topic("show help node status;")).unwrap();
    assert!(t.starts_with("Command:     show node status\n"), "{t}");
    assert_eq!(
        help_text(&topic("show help frobnicate;")),
        Err("no help for \"frobnicate\"; \"show help;\" lists the commands".to_string())
    );
}

#[test]
fn help_wraps_to_the_terminal_keeping_its_columns() {
    let text = "Command:     tick\nDescription: Tick a queue as pgqd does; force makes one now.\n  tick [<q>] [force];       Tick a queue as pgqd does now\n";
    assert_eq!(crate::parse::help::wrap(text, 0), text, "width 0: as it is");
    assert_eq!(
        crate::parse::help::wrap(text, 40),
        "Command:     tick\nDescription: Tick a queue as pgqd does;\n             force makes one now.\n  tick [<q>] [force];       Tick a queue\n                    as pgqd does now\n",
        "continued lines hang under their column, at most half the width in"
    );
    // Every line of the real overview fits 80 columns once wrapped.
    let all = crate::parse::help::wrap(&crate::parse::help::overview(), 80);
    for l in all.lines() {
        assert!(l.chars().count() <= 80 || !l.trim().contains(' '), "{l}");
    }
}

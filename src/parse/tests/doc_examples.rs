//! Every example in docs/commands.md is a qadmin command that parses,
//! into the command its heading names (its spec's words).

use crate::parse::{parse_statement, Statement};

#[test]
fn every_documented_example_parses_as_a_command() {
    let doc = include_str!("../../../docs/commands.md");
    let mut in_example = false;
    let mut count = 0;
    let mut heading = "";
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            heading = h;
        }
        if line == "Example:" {
            in_example = true;
            continue;
        }
        if in_example {
            if let Some(example) = line.strip_prefix("    ") {
                match parse_statement(example) {
                    Ok(Statement::Command(c)) => {
                        // `status` and `exit` are other spellings of one command.
                        let words = match heading {
                            "status" => "show cascade",
                            "exit" => "quit",
                            h => h,
                        };
                        assert_eq!(c.spec().words, words, "example {example:?}");
                        count += 1;
                    }
                    other => panic!("docs/commands.md example {example:?} gave {other:?}"),
                }
            } else if line.starts_with('#') {
                in_example = false;
            }
        }
    }
    assert!(count >= 50, "only {count} examples found");
}

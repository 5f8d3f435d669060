//! The shape of the code the shell-core issue asked for, checked on the
//! sources: `src/shell` is the only module that loops over statements and
//! nothing below it imports it; completion is pure; the handlers in
//! `exec/` do not print (one place, `exec/reply.rs`, does); and (issue
//! 16) a command is declared in one place on the parse side, its family's
//! file of `src/parse/command/` (its rule lowered there and nowhere else,
//! the `specs!` tables and the `Command` enum there only).

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn files_under(sub: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    sources(&root.join(sub), &mut all);
    all.into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .expect("under src")
                .display()
                .to_string();
            // Only code: the lines that are not comments.
            let text = std::fs::read_to_string(&p).expect("read");
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (rel, code)
        })
        .collect()
}

#[test]
fn nothing_below_the_shell_imports_it() {
    for (file, code) in files_under("") {
        if file.starts_with("shell/") || file == "app.rs" || file == "lib.rs" {
            continue;
        }
        assert!(
            !code.contains("crate::shell") && !code.contains("qadmin::shell"),
            "{file} imports the shell"
        );
    }
}

#[test]
fn completion_depends_on_nothing_above_it() {
    for (file, code) in files_under("complete") {
        for above in ["crate::input", "crate::shell", "crate::exec", "rustyline"] {
            assert!(!code.contains(above), "complete/{file} uses {above}");
        }
    }
}

#[test]
fn command_handlers_return_replies_and_do_not_print() {
    for (file, code) in files_under("exec") {
        let handler = [
            "exec/queue.rs",
            "exec/londiste.rs",
            "exec/cascade.rs",
            "exec/database.rs",
        ];
        if !handler.contains(&file.as_str()) {
            continue;
        }
        for printing in ["println!", "print_result", "print_status", "client_error"] {
            assert!(!code.contains(printing), "{file} prints ({printing})");
        }
    }
}

/// The command rules: the alternatives of `command` in
/// `grammar/qadmin.pest`.
fn command_rules() -> Vec<String> {
    let grammar =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/qadmin.pest"))
            .expect("read grammar");
    let start = grammar.find("\ncommand = _{").expect("the `command` rule");
    let body = &grammar[start + "\ncommand = _{".len()..];
    let body = &body[..body.find('}').expect("end of `command`")];
    body.split('|').map(|r| r.trim().to_string()).collect()
}

#[test]
fn a_command_is_declared_in_its_family_file_only() {
    let rules = command_rules();
    assert!(rules.len() >= 50, "{rules:?}");
    let files = files_under("");
    for rule in &rules {
        let pattern = format!("Rule::{rule}");
        let uses = |code: &str| {
            code.match_indices(&pattern).any(|(i, _)| {
                !code[i + pattern.len()..]
                    .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        };
        let at: Vec<&str> = files
            .iter()
            .filter(|(_, code)| uses(code))
            .map(|(file, _)| file.as_str())
            .collect();
        assert!(
            at.len() == 1 && at[0].starts_with("parse/command/"),
            "{rule}: lowered in {at:?}, expected one family file of parse/command/"
        );
    }
    for (file, code) in &files {
        let declares = code.contains("specs! {") || code.contains("pub enum Command ");
        let family = file.starts_with("parse/command/");
        assert!(
            !declares || family,
            "{file} declares commands outside parse/command/"
        );
    }
}

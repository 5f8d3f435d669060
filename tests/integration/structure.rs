//! The shape of the code the shell-core issue asked for, checked on the
//! sources: `src/shell` is the only module that loops over statements and
//! nothing below it imports it; completion is pure; the handlers in
//! `exec/` do not print (one place, `exec/reply.rs`, does).

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

//! `--check`: a script's shell commands parsed without connecting;
//! errors name the file, line and column, SQL the grammar does not know is
//! a note (the server is the authority on SQL).

use std::io::Write;

use crate::cli::{Action, Options};
use crate::lex::PieceKind;
use crate::parse::{self, Statement};

/// `--check`: parse the `-c` / `-f` scripts (stdin without them) without
/// connecting. Errors in shell commands are reported with
/// `qadmin:file:line:col:` and make the exit code 3; SQL that only the
/// grammar's fallback accepts, or that is nested too deeply to parse, is a
/// note on stderr, never an error (the server is the authority on SQL).
pub fn check(opts: &Options) -> u8 {
    let mut stderr = std::io::stderr().lock();
    let mut errors = 0usize;
    let mut code = crate::app::exit::OK;
    let stdin_only = [Action::File("-".to_string())];
    let actions = if opts.actions.is_empty() {
        &stdin_only[..]
    } else {
        &opts.actions[..]
    };
    for action in actions {
        let (name, text) = match action {
            Action::Command(c) => ("-c".to_string(), c.clone().into_bytes()),
            Action::File(path) if path == "-" => {
                let mut buf = Vec::new();
                if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf) {
                    eprintln!("qadmin: error: <stdin>: {}", crate::io_reason(&e));
                    code = crate::app::exit::FATAL;
                    continue;
                }
                ("<stdin>".to_string(), buf)
            }
            Action::File(path) => match std::fs::read(path) {
                Ok(t) => (path.clone(), t),
                Err(e) => {
                    eprintln!("qadmin: error: {path}: {}", crate::io_reason(&e));
                    code = crate::app::exit::FATAL;
                    continue;
                }
            },
        };
        errors += check_text(&name, &text, &mut stderr);
    }
    if errors > 0 {
        crate::app::exit::SCRIPT
    } else {
        code
    }
}

/// Check one script's text; write errors and notes to `err`; return the
/// number of errors.
pub fn check_text(name: &str, text: &[u8], err: &mut dyn Write) -> usize {
    use crate::lex::split;
    let mut errors = 0;
    for piece in split(text) {
        if piece.kind != PieceKind::Sql {
            continue;
        }
        let stmt = match std::str::from_utf8(piece.text(text)) {
            Ok(t) => t,
            Err(_) => {
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}: error: invalid byte sequence for encoding \"UTF8\"",
                    piece.first_line
                );
                errors += 1;
                continue;
            }
        };
        let is_command = parse::is_command(stmt);
        if piece.max_depth > parse::MAX_DEPTH {
            let what = if is_command { "error" } else { "note" };
            let _ = writeln!(
                err,
                "qadmin:{name}:{}: {what}: statement nested too deeply to check ({} levels of parentheses; qadmin parses at most {})",
                piece.first_line,
                piece.max_depth,
                parse::MAX_DEPTH
            );
            errors += usize::from(is_command);
            continue;
        }
        match parse::parse_statement(stmt) {
            Ok(Statement::Sql(sql)) if !sql.structured => {
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}: note: SQL not known to qadmin's grammar, left to the server: {}",
                    piece.first_line,
                    first_words(stmt)
                );
            }
            Ok(_) => {}
            Err(e) if is_command => {
                let e = e.shifted(piece.first_line);
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}:{}: error: {}\n{}",
                    e.line,
                    e.col,
                    e.message(),
                    e.excerpt()
                );
                errors += 1;
            }
            Err(e) => {
                // Only unbalanced parentheses or brackets defeat the
                // fallback; the structured rules' long list would be noise.
                let why = match e.kind {
                    parse::ErrorKind::Unexpected { .. } => {
                        "its parentheses or brackets are not balanced".to_string()
                    }
                    _ => e.message(),
                };
                let e = e.shifted(piece.first_line);
                let _ = writeln!(
                    err,
                    "qadmin:{name}:{}:{}: note: SQL not checked: {why}",
                    e.line, e.col
                );
            }
        }
    }
    errors
}

/// The start of a statement for a note: its first line, cut at 60
/// characters.
fn first_words(stmt: &str) -> String {
    let line = stmt.trim_start().lines().next().unwrap_or("").trim_end();
    let cut: String = line.chars().take(60).collect();
    if cut.len() < line.len() {
        format!("{cut}...")
    } else {
        cut
    }
}

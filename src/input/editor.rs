//! The interactive shell, psql's model: one `readline` call per physical
//! line, the prompt chosen from the lexer's state at the end of the pending
//! text, a statement runs once its `;` stands outside quotes, comments and
//! parentheses, and the whole statement becomes one history entry
//! (`~/.qadmin_history`, or `$QADMIN_HISTORY`). Ctrl-C drops the pending
//! input, Ctrl-D on an empty line leaves, as in psql.

use std::io::Write;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

use crate::exec::Outcome;
use crate::input::scan::{state_at_end, ScanState, Scanner};
use crate::run::{exit, run_piece};
use crate::session::Session;

/// The prompt for the next line: `queue@db=> ` for a fresh statement, then
/// psql's continuation markers (`->`, `'>`, `">`, `$>`, `*>`, `(>`).
pub fn prompt(s: &Session, state: ScanState) -> String {
    let db = &s.params.dbname;
    let head = match &s.queue {
        Some(q) => format!("{q}@{db}"),
        None => db.clone(),
    };
    let mark = match state {
        ScanState::Ready => '=',
        ScanState::Continue => '-',
        ScanState::SingleQuote => '\'',
        ScanState::DoubleQuote => '"',
        ScanState::DollarQuote => '$',
        ScanState::Comment => '*',
        ScanState::Paren(_) => '(',
    };
    let tail = if s.is_connected() { '>' } else { '?' };
    format!("{head}{mark}{tail} ")
}

fn history_path() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("QADMIN_HISTORY") {
        return Some(p.into());
    }
    dirs::home_dir().map(|h| h.join(".qadmin_history"))
}

/// Run the interactive shell until `\q`, `quit`, `exit` or Ctrl-D.
pub fn repl(s: &mut Session) -> u8 {
    let config = Config::builder().auto_add_history(false).build();
    let mut ed: Editor<(), DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("qadmin: error: cannot start the line editor: {e}");
            return exit::FATAL;
        }
    };
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = ed.load_history(h);
    }
    if !s.settings.quiet {
        println!(
            "qadmin {} — type \"show help;\" for help, \\q to quit.",
            env!("CARGO_PKG_VERSION")
        );
    }
    let mut buf: Vec<u8> = Vec::new();
    let mut scanner = Scanner::new();
    let stdout = std::io::stdout();
    loop {
        let p = prompt(s, state_at_end(&buf));
        let line = match ed.readline(&p) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C: forget the pending statement.
                buf.clear();
                scanner = Scanner::new();
                continue;
            }
            Err(ReadlineError::Eof) => {
                println!("\\q");
                break;
            }
            Err(e) => {
                eprintln!("qadmin: error: {e}");
                break;
            }
        };
        if buf.iter().all(u8::is_ascii_whitespace) {
            let word = line.trim().trim_end_matches(';');
            if line.trim() == word && (word == "exit" || word == "quit") {
                break;
            }
        }
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        let mut quit = false;
        while let Some(piece) = scanner.next_piece(&buf) {
            let entry = String::from_utf8_lossy(&buf[piece.range.clone()])
                .trim()
                .to_string();
            if !entry.is_empty() {
                let _ = ed.add_history_entry(entry);
            }
            if !s.is_connected() {
                reconnect(s);
            }
            let mut out = stdout.lock();
            let o = run_piece(s, piece.kind, &buf[piece.range.clone()], &mut out);
            let _ = out.flush();
            match o {
                Outcome::Quit => quit = true,
                Outcome::ConnectionLost => reconnect(s),
                _ => {}
            }
            if quit {
                break;
            }
        }
        let consumed = scanner.consumed();
        if consumed > 0 {
            buf.drain(..consumed);
            scanner.rebase(consumed);
        }
        if quit {
            break;
        }
    }
    if let Some(h) = &hist {
        let _ = ed.save_history(h);
    }
    exit::OK
}

/// psql's "Attempting reset": reopen a lost connection.
fn reconnect(s: &mut Session) {
    match s.connect() {
        Ok(()) => eprintln!("The connection to the server was lost. Attempting reset: Succeeded."),
        Err(e) => eprintln!(
            "The connection to the server was lost. Attempting reset: Failed.\nqadmin: error: {e}"
        ),
    }
}

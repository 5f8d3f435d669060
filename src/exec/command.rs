//! Shell commands: a parsed [`Command`] -> API calls -> output.
//!
//! Today: `exit` / `quit` and `show help`; the queue, consumer, cascade
//! and Londiste commands come next (issues 5 and 6) and say that they are
//! not available yet.

use std::io::Write;

use crate::exec::Outcome;
use crate::parse::help::help_text;
use crate::parse::Command;
use crate::session::Session;

/// Run one shell command; errors go to stderr through the session.
pub fn run_command(s: &mut Session, cmd: &Command, out: &mut dyn Write) -> Outcome {
    match cmd {
        Command::Quit => Outcome::Quit,
        Command::ShowHelp(h) => match help_text(&h.topic) {
            Ok(text) => {
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
                Outcome::Ok
            }
            Err(m) => {
                s.client_error(&m);
                Outcome::Failed
            }
        },
        other => {
            s.client_error(&format!("\"{}\" is not available yet", other.words()));
            Outcome::Failed
        }
    }
}

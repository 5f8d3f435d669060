//! Progress of long steps (multi-node operations), written while they
//! run: progress lines to the command's output (so `\o` and scripts see
//! them; not with -q), warnings to stderr with the script prefix, names
//! from the catalog with their control characters escaped.

use std::io::Write;

use crate::cascade;
use crate::session::Session;

/// Writes the steps of an operation as they run: progress to the
/// command's output (so `\o` and scripts see it; not with -q), warnings
/// to stderr with the script prefix; names from the catalog with their
/// control characters escaped. Holds no borrow of the session, so the
/// session's connection stays usable.
pub fn step_printer<'a>(s: &Session, out: &'a mut dyn Write) -> impl FnMut(&cascade::Step) + 'a {
    let quiet = s.settings.quiet;
    let prefix = s.prefix();
    move |st: &cascade::Step| {
        let node = printable(&st.node);
        let message = printable(&st.message);
        if st.warning {
            let _ = out.flush();
            eprintln!("{prefix}WARNING:  [{node}] {message}");
        } else if !quiet {
            let _ = writeln!(out, "[{node}] {message}");
            let _ = out.flush();
        }
    }
}

/// Text from the catalog as it may be shown on a terminal: control
/// characters (an escape sequence in a node name, say) as `\xNN`.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

//! Colours of the printers and of messages on stderr: all their escape
//! sequences live here (the line editor's are in `input::style`).
//!
//! Results: only the header lines of the aligned format are styled (bold).
//! The escape sequences wrap a whole header line and take no columns, so
//! colour never changes widths. Without colour no escape sequence is
//! written.
//!
//! Messages: [`paint_message`] colours the first line of an error red, of a
//! warning magenta and of a notice cyan, when stderr is a terminal and
//! `NO_COLOR` is unset (the caller decides that once).

use nu_ansi_term::{Color, Style};

/// The escape sequences around a header line.
#[derive(Debug, Clone)]
pub(crate) struct HeaderStyle {
    /// Written before the line.
    pub(crate) prefix: String,
    /// Written after the line, before its newline.
    pub(crate) suffix: String,
}

impl HeaderStyle {
    /// The header style, or `None` when colour is off.
    pub(crate) fn new(color: bool) -> Option<Self> {
        if !color {
            return None;
        }
        let style = Style::new().bold();
        Some(HeaderStyle {
            prefix: style.prefix().to_string(),
            suffix: style.suffix().to_string(),
        })
    }
}

/// How bad a message on stderr is, from its first line: the server's
/// `ERROR:` / `FATAL:` / `PANIC:`, `WARNING:`, or a notice (`NOTICE:`,
/// `INFO:`, `LOG:`, `DEBUG:`), and qadmin's own `error:` / `warning:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// An error: red.
    Error,
    /// A warning: magenta, as psql's `PG_COLOR` default.
    Warning,
    /// A notice or other information: cyan.
    Notice,
}

impl Severity {
    /// The severity named in a message's first line (after any
    /// `qadmin:file:line: ` prefix), if one is.
    pub fn of(first_line: &str) -> Option<Severity> {
        const WORDS: [(&str, Severity); 10] = [
            ("ERROR:", Severity::Error),
            ("FATAL:", Severity::Error),
            ("PANIC:", Severity::Error),
            ("error:", Severity::Error),
            ("WARNING:", Severity::Warning),
            ("warning:", Severity::Warning),
            ("NOTICE:", Severity::Notice),
            ("INFO:", Severity::Notice),
            ("LOG:", Severity::Notice),
            ("DEBUG:", Severity::Notice),
        ];
        // The severity word opens the line or follows a `qadmin:..: `
        // prefix or a `... failed: `; the earliest one counts (a message
        // may quote another).
        WORDS
            .iter()
            .filter_map(|&(w, sev)| {
                if first_line.starts_with(w) {
                    return Some((0, sev));
                }
                first_line.find(&format!(": {w}")).map(|at| (at, sev))
            })
            .min_by_key(|&(at, _)| at)
            .map(|(_, sev)| sev)
    }

    fn style(self) -> Style {
        match self {
            Severity::Error => Color::Red.bold(),
            Severity::Warning => Color::Purple.bold(),
            Severity::Notice => Color::Cyan.normal(),
        }
    }
}

/// A message for stderr, its first line coloured by its severity when
/// `color` is on (stderr a terminal, `NO_COLOR` unset). Only the first line
/// is coloured, so the caret under `LINE n:` keeps its column; the text is
/// otherwise unchanged.
pub fn paint_message(text: &str, color: bool) -> std::borrow::Cow<'_, str> {
    if !color {
        return std::borrow::Cow::Borrowed(text);
    }
    let (first, rest) = match text.find('\n') {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    match Severity::of(first) {
        Some(sev) => {
            let style = sev.style();
            std::borrow::Cow::Owned(format!("{}{first}{}{rest}", style.prefix(), style.suffix()))
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_from_the_first_line() {
        for (line, want) in [
            (
                "ERROR:  relation \"x\" does not exist",
                Some(Severity::Error),
            ),
            ("qadmin:a.sql:3: ERROR:  boom", Some(Severity::Error)),
            (
                "qadmin: error: invalid command \\foo",
                Some(Severity::Error),
            ),
            (
                "WARNING:  there is no transaction in progress",
                Some(Severity::Warning),
            ),
            (
                "NOTICE:  table \"t\" does not exist, skipping",
                Some(Severity::Notice),
            ),
            ("WARNING:  says \": ERROR:\"", Some(Severity::Warning)),
            ("LINE 1: select x;", None),
            (
                "connection to server on socket \"/s\" failed: FATAL:  no such database",
                Some(Severity::Error),
            ),
            ("Cancel request sent", None),
        ] {
            assert_eq!(Severity::of(line), want, "{line}");
        }
    }

    #[test]
    fn only_the_first_line_is_painted_and_only_with_colour() {
        let text = "ERROR:  syntax error\nLINE 1: x\n        ^\n";
        assert_eq!(paint_message(text, false), text);
        let painted = paint_message(text, true);
        assert!(painted.starts_with("\u{1b}["), "{painted:?}");
        assert!(painted.ends_with("\nLINE 1: x\n        ^\n"), "{painted:?}");
        assert_eq!(paint_message("plain\n", true), "plain\n");
    }
}

//! Server errors and notices in the shape psql prints them (libpq's default
//! verbosity): `ERROR:  message`, a `LINE n:` excerpt with a caret under the
//! error position, then DETAIL, HINT, QUERY and (for errors) CONTEXT.

use crate::db::{DbError, ErrorPosition};
use unicode_width::UnicodeWidthChar;

/// Screen columns of the query excerpt before it is cut with `...`.
const DISPLAY_SIZE: usize = 60;
/// Keep at least this many columns right of the caret when cutting.
const MIN_RIGHT_CUT: usize = 10;

/// psql's VERBOSITY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Message, position, DETAIL, HINT, QUERY, CONTEXT.
    #[default]
    Default,
    /// Also the SQLSTATE, the object names and LOCATION.
    Verbose,
    /// The message only (a position as `at character N`).
    Terse,
    /// The SQLSTATE only.
    Sqlstate,
}

/// psql's SHOW_CONTEXT: when CONTEXT lines are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShowContext {
    /// Never.
    Never,
    /// For errors (not for notices).
    #[default]
    Errors,
    /// Always.
    Always,
}

/// How server messages are written (`\set VERBOSITY`, `\set SHOW_CONTEXT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// VERBOSITY.
    pub verbosity: Verbosity,
    /// SHOW_CONTEXT.
    pub context: ShowContext,
}

impl Style {
    /// Packed into a byte (shared with the notice callback).
    pub fn to_u8(self) -> u8 {
        (self.verbosity as u8) | ((self.context as u8) << 4)
    }

    /// Unpacked from [`Style::to_u8`].
    pub fn from_u8(b: u8) -> Style {
        let verbosity = match b & 0x0f {
            1 => Verbosity::Verbose,
            2 => Verbosity::Terse,
            3 => Verbosity::Sqlstate,
            _ => Verbosity::Default,
        };
        let context = match b >> 4 {
            0 => ShowContext::Never,
            2 => ShowContext::Always,
            _ => ShowContext::Errors,
        };
        Style { verbosity, context }
    }
}

/// Format a server message as libpq does for psql. `query` is the
/// statement text as sent, used for the `LINE n:` excerpt; `is_error`
/// decides whether CONTEXT is shown with SHOW_CONTEXT `errors`.
pub fn format_db_error_styled(
    e: &DbError,
    query: Option<&str>,
    is_error: bool,
    style: Style,
) -> String {
    if style.verbosity == Verbosity::Sqlstate && !e.code().is_empty() {
        return format!("{}:  {}\n", e.severity(), e.code());
    }
    let mut out = format!("{}:  ", e.severity());
    if style.verbosity == Verbosity::Verbose && !e.code().is_empty() {
        out.push_str(&format!("{}: ", e.code()));
    }
    out.push_str(e.message());
    if style.verbosity == Verbosity::Terse {
        match e.position() {
            Some(ErrorPosition::Original(pos)) => out.push_str(&format!(" at character {pos}")),
            Some(ErrorPosition::Internal { position, .. }) => {
                out.push_str(&format!(" at character {position}"))
            }
            None => {}
        }
        out.push('\n');
        return out;
    }
    out.push('\n');
    match e.position() {
        Some(ErrorPosition::Original(pos)) => {
            if let Some(q) = query {
                out.push_str(&position_excerpt(q, *pos as usize));
            }
        }
        Some(ErrorPosition::Internal { position, query }) => {
            out.push_str(&position_excerpt(query, *position as usize));
        }
        None => {}
    }
    if let Some(d) = e.detail() {
        out.push_str(&format!("DETAIL:  {d}\n"));
    }
    if let Some(h) = e.hint() {
        out.push_str(&format!("HINT:  {h}\n"));
    }
    if let Some(ErrorPosition::Internal { query, .. }) = e.position() {
        out.push_str(&format!("QUERY:  {query}\n"));
    }
    let context = match style.context {
        ShowContext::Never => false,
        ShowContext::Errors => is_error,
        ShowContext::Always => true,
    };
    if context {
        if let Some(w) = e.where_() {
            out.push_str(&format!("CONTEXT:  {w}\n"));
        }
    }
    if style.verbosity == Verbosity::Verbose {
        for (label, v) in [
            ("SCHEMA NAME", e.schema()),
            ("TABLE NAME", e.table()),
            ("COLUMN NAME", e.column()),
            ("DATATYPE NAME", e.datatype()),
            ("CONSTRAINT NAME", e.constraint()),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("{label}:  {v}\n"));
            }
        }
        if let (Some(f), Some(file), Some(line)) = (e.routine(), e.file(), e.line()) {
            out.push_str(&format!("LOCATION:  {f}, {file}:{line}\n"));
        }
    }
    out
}

/// The `LINE n: ...` line and the caret line for a 1-based character
/// position in `query`; empty when the position is outside the text.
pub fn position_excerpt(query: &str, pos: usize) -> String {
    if pos == 0 {
        return String::new();
    }
    let loc = pos - 1;
    // Per character: byte offset and starting screen column, up to the end
    // of the line holding the error.
    let mut byte_at: Vec<usize> = Vec::new();
    let mut col_at: Vec<usize> = Vec::new();
    let mut line = 1usize;
    let mut line_start = 0usize; // character index
    let mut line_end: Option<usize> = None;
    let mut col = 0usize;
    let mut prev: Option<char> = None;
    let mut count = 0usize;
    for (ci, (bi, ch)) in query.char_indices().enumerate() {
        byte_at.push(bi);
        col_at.push(col);
        count = ci + 1;
        if ch == '\r' || ch == '\n' {
            if ci < loc {
                // \r\n counts as one line break.
                if ch == '\r' || prev != Some('\r') {
                    line += 1;
                }
                line_start = ci + 1;
            } else {
                line_end = Some(ci);
                break;
            }
        }
        col += if ch == '\t' {
            1
        } else {
            ch.width().unwrap_or(0).max(1)
        };
        prev = Some(ch);
    }
    let mut end = match line_end {
        Some(e) => e,
        None => {
            byte_at.push(query.len());
            col_at.push(col);
            count
        }
    };
    if loc > count {
        return String::new();
    }
    let mut begin = line_start;
    let (mut cut_left, mut cut_right) = (false, false);
    if col_at[end] - col_at[begin] > DISPLAY_SIZE {
        if col_at[begin] + DISPLAY_SIZE >= col_at[loc] + MIN_RIGHT_CUT {
            while col_at[end] - col_at[begin] > DISPLAY_SIZE {
                end -= 1;
            }
            cut_right = true;
        } else {
            while col_at[loc] + MIN_RIGHT_CUT < col_at[end] {
                end -= 1;
                cut_right = true;
            }
            while col_at[end] - col_at[begin] > DISPLAY_SIZE {
                begin += 1;
                cut_left = true;
            }
        }
    }
    let mut head = format!("LINE {line}: ");
    if cut_left {
        head.push_str("...");
    }
    let indent = head.chars().count() + col_at[loc] - col_at[begin];
    let text: String = query[byte_at[begin]..byte_at[end]]
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let mut out = head;
    out.push_str(&text);
    if cut_right {
        out.push_str("...");
    }
    out.push('\n');
    out.push_str(&" ".repeat(indent));
    out.push_str("^\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_the_position() {
        assert_eq!(
            position_excerpt("select bad;", 8),
            "LINE 1: select bad;\n               ^\n"
        );
        assert_eq!(
            position_excerpt("select\n  foo\n  ;", 10),
            "LINE 2:   foo\n          ^\n"
        );
        assert_eq!(position_excerpt("selec", 1), "LINE 1: selec\n        ^\n");
    }

    #[test]
    fn crlf_is_one_line_break() {
        assert_eq!(
            position_excerpt("select\r\n x", 10),
            "LINE 2:  x\n         ^\n"
        );
    }

    #[test]
    fn long_lines_are_cut_like_psql() {
        // Expected texts are what psql 15 printed for the same queries.
        let q = format!("select {} bad from t", "a, ".repeat(40));
        let pos = q.find("bad").unwrap() + 1;
        assert_eq!(
            position_excerpt(&q, pos),
            format!(
                "LINE 1: ... a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a,  bad from t\n{}^\n",
                " ".repeat(61)
            )
        );
        let q = format!(
            "select {} bad, {}c from t",
            "a, ".repeat(30),
            "b, ".repeat(30)
        );
        let pos = q.find("bad").unwrap() + 1;
        assert_eq!(
            position_excerpt(&q, pos),
            format!(
                "LINE 1: ... a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a,  bad, b, b,...\n{}^\n",
                " ".repeat(61)
            )
        );
    }

    #[test]
    fn out_of_range_position_prints_nothing() {
        assert_eq!(position_excerpt("select 1", 99), "");
        assert_eq!(position_excerpt("select 1", 0), "");
    }
}

//! Colours of the printers: all escape sequences live here.
//!
//! Only the header lines of the aligned format are styled (bold). The
//! escape sequences wrap a whole header line and take no columns, so colour
//! never changes widths. Without colour no escape sequence is written.

use nu_ansi_term::Style;

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

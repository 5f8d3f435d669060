//! Syntax errors of shell commands: where (line and column, counted in
//! characters from 1), what was found there, and what was expected in
//! words, from the rule descriptions of [`crate::parse::describe`].

use std::fmt;

/// Why a statement did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text does not match the grammar; the expected items are in
    /// words (`a queue name`, `` `*` ``), in the grammar's order.
    Unexpected {
        /// What could stand at the position.
        expected: Vec<String>,
    },
    /// The text matches, but breaks a rule the grammar cannot say
    /// (an option given twice ...).
    Invalid(String),
    /// Nested deeper than [`crate::parse::MAX_DEPTH`]: not parsed.
    TooDeep {
        /// The deepest nesting found.
        depth: u32,
    },
    /// The parser gave up (its call limit): not parsed.
    TooComplex,
}

/// A syntax error with its position in the statement's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte offset in the statement's text.
    pub offset: usize,
    /// 1-based line in the statement's text (see [`SyntaxError::shifted`]).
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// The text of that line.
    pub line_text: String,
    /// What stands at the position: a word, a character, or `None` at the
    /// end of the input.
    pub found: Option<String>,
    /// A hint, as psql prints after `HINT:` (a reserved word used as a
    /// name ...).
    pub hint: Option<String>,
}

impl SyntaxError {
    /// An error at byte `offset` of `text`.
    pub fn at(text: &str, offset: usize, kind: ErrorKind) -> SyntaxError {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line_text = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        SyntaxError {
            kind,
            offset,
            line,
            col,
            line_text,
            found: token_at(&text[offset..]),
            hint: None,
        }
    }

    /// The same error with its line counted from `first_line` (the line of
    /// the statement's first byte in its script) instead of 1.
    pub fn shifted(mut self, first_line: usize) -> SyntaxError {
        self.line += first_line.saturating_sub(1);
        self
    }

    /// The message without position: `syntax error at or near "foo":
    /// expected a queue name or `*``.
    pub fn message(&self) -> String {
        self.render(None)
    }

    fn render(&self, at: Option<(usize, usize)>) -> String {
        let near = match &self.found {
            Some(t) => format!("at or near \"{t}\""),
            None => "at end of input".to_string(),
        };
        let pos = match at {
            Some((l, c)) => format!(" (line {l}, column {c})"),
            None => String::new(),
        };
        match &self.kind {
            ErrorKind::Unexpected { expected } if expected.is_empty() => {
                format!("syntax error {near}{pos}")
            }
            ErrorKind::Unexpected { expected } => {
                format!("syntax error {near}{pos}: expected {}", join_or(expected))
            }
            ErrorKind::Invalid(m) => format!("syntax error {near}{pos}: {m}"),
            ErrorKind::TooDeep { depth } => format!(
                "statement nested too deeply ({depth} levels of parentheses; qadmin parses at most {})",
                crate::parse::MAX_DEPTH
            ),
            ErrorKind::TooComplex => "statement too complex to parse".to_string(),
        }
    }

    /// psql's excerpt: `LINE 3: <the line>` and a caret under the column,
    /// then the hint, if any.
    pub fn excerpt(&self) -> String {
        let head = format!("LINE {}: ", self.line);
        let mut caret: String = " ".repeat(head.len());
        for c in self.line_text.chars().take(self.col.saturating_sub(1)) {
            caret.push(if c == '\t' { '\t' } else { ' ' });
        }
        caret.push('^');
        let mut s = format!("{head}{}\n{caret}", self.line_text);
        if let Some(h) = &self.hint {
            s.push_str("\nHINT:  ");
            s.push_str(h);
        }
        s
    }
}

impl fmt::Display for SyntaxError {
    /// `syntax error at or near "x" (line 1, column 7): expected ...`, then
    /// the excerpt on the next two lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::TooDeep { .. } | ErrorKind::TooComplex => f.write_str(&self.message()),
            _ => write!(
                f,
                "{}\n{}",
                self.render(Some((self.line, self.col))),
                self.excerpt()
            ),
        }
    }
}

impl std::error::Error for SyntaxError {}

/// `a`, `a or b`, `a, b or c`.
pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The token at the start of `rest`: a word, a quoted string or
/// identifier (cut at 40 characters), or one character.
fn token_at(rest: &str) -> Option<String> {
    let c = rest.chars().next()?;
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let tok: String = if is_word(c) {
        rest.chars().take_while(|&c| is_word(c)).collect()
    } else if c == '\'' || c == '"' {
        let end = rest[1..].find(c).map_or(rest.len(), |i| i + 2);
        rest[..end].to_string()
    } else {
        c.to_string()
    };
    let mut cut: String = tok.chars().take(40).collect();
    if cut.len() < tok.len() {
        cut.push_str("...");
    }
    Some(cut.replace('\n', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_and_excerpt() {
        let e = SyntaxError::at(
            "show\n  queue x y;",
            15,
            ErrorKind::Unexpected {
                expected: vec!["`;`".into()],
            },
        );
        assert_eq!((e.line, e.col), (2, 11));
        assert_eq!(e.found.as_deref(), Some("y"));
        assert_eq!(
            e.to_string(),
            "syntax error at or near \"y\" (line 2, column 11): expected `;`\nLINE 2:   queue x y;\n                  ^"
        );
        assert_eq!(e.shifted(10).line, 11);
    }

    #[test]
    fn end_of_input_and_lists() {
        let e = SyntaxError::at(
            "tick",
            4,
            ErrorKind::Unexpected {
                expected: vec!["a".into(), "b".into(), "c".into()],
            },
        );
        assert_eq!(
            e.message(),
            "syntax error at end of input: expected a, b or c"
        );
    }
}

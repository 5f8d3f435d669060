//! What each byte of the input is, as the statement lexer sees it: code, a
//! word, a string, a quoted identifier, a dollar quote, a comment or a
//! backslash meta-command.
//!
//! Two callers in the interactive shell need this and nothing else may
//! guess it with a second lexer: the highlighter (strings, comments and
//! dollar quotes in their colours while typing) and the line handler,
//! which must find a backslash meta-command that follows a partial
//! statement on the same line (`select 1 \g`), as psql does: a backslash
//! starts one only outside quotes and comments.
//!
//! It drives the same [`Scanner`] one byte at a time and reads its mode
//! before and after each byte, so the answer is by construction the
//! lexer's own. A byte whose meaning depends on the next one (`-` before
//! `-`, `/` before `*`, `$` before a tag) is decided once that byte is
//! seen. This is linear in the input, but a few times slower than
//! [`Scanner::next_piece`] on a whole buffer: meant for lines being
//! typed, not for scripts.

use super::{Mode, Scanner};

/// What a byte of input belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lexeme {
    /// Anything outside the others: operators, punctuation, numbers,
    /// whitespace.
    Code,
    /// A word: a keyword or an unquoted identifier (the lexer does not
    /// tell them apart).
    Word,
    /// A `'..'` string, its quotes included (`E'..'` and the like: the
    /// prefix letter is a [`Lexeme::Word`]).
    String,
    /// A `".."` quoted identifier, its quotes included.
    Identifier,
    /// A `$tag$ .. $tag$` dollar quote, its delimiters included.
    DollarQuote,
    /// A `--` or `/* */` comment.
    Comment,
    /// A backslash meta-command at the start of a statement, from the
    /// backslash to the end of its line.
    Meta,
}

/// Where a mode stands; `None` for the modes whose byte is decided by the
/// next one.
fn region(mode: Mode) -> Option<Lexeme> {
    Some(match mode {
        Mode::Normal => Lexeme::Code,
        Mode::Word => Lexeme::Word,
        Mode::Single { .. } | Mode::SingleBackslash | Mode::SingleQuoteSeen { .. } => {
            Lexeme::String
        }
        Mode::Double | Mode::DoubleQuoteSeen => Lexeme::Identifier,
        Mode::Dollar | Mode::DollarClose(_) => Lexeme::DollarQuote,
        Mode::LineComment | Mode::Block | Mode::BlockStar | Mode::BlockSlash => Lexeme::Comment,
        Mode::Meta => Lexeme::Meta,
        Mode::Dash | Mode::Slash | Mode::DollarOpen => return None,
    })
}

/// The byte that leaves one of these modes is the region's last byte (a
/// closing `*/` or `$tag$`). The `..Seen` modes are not here: their
/// closing quote was the byte before.
fn closes_on_exit(mode: Mode) -> bool {
    matches!(
        mode,
        Mode::Dollar
            | Mode::DollarClose(_)
            | Mode::Block
            | Mode::BlockStar
            | Mode::BlockSlash
            | Mode::Single { .. }
            | Mode::SingleBackslash
            | Mode::Double
    )
}

/// The lexemes of `buf[scanner_pos..]`, one per byte, where the scanner
/// has scanned `buf` up to its position (its last `next_piece` call
/// returned `None`, as in the REPL between lines). The scanner itself is
/// not changed.
///
/// Undecided bytes at the very end (a final `-`, `/`, or `$tag`) count as
/// [`Lexeme::Code`].
pub fn lexemes(scanner: &Scanner, buf: &[u8]) -> Vec<Lexeme> {
    let mut sc = scanner.clone();
    let from = sc.pos.min(buf.len());
    let mut out = Vec::with_capacity(buf.len() - from);
    // Bytes waiting for the next one to decide what they are.
    let mut undecided = 0usize;
    // A backslash the scanner left for the next byte to decide (a
    // meta-command, or `\;` / `\:`).
    let mut backslash = false;
    for i in from..buf.len() {
        let before = sc.mode;
        let end = i + 1;
        while sc.next_piece(&buf[..end]).is_some() {}
        let after = sc.mode;
        if backslash {
            backslash = false;
            out.push(if after == Mode::Meta {
                Lexeme::Meta
            } else {
                Lexeme::Code
            });
        }
        if buf[i] == b'\\' && sc.pos <= i && undecided == 0 {
            backslash = true;
            continue;
        }
        if region(before).is_none() && undecided > 0 {
            let opened = match (before, after) {
                (Mode::Dash | Mode::Slash, Mode::LineComment | Mode::Block) => Lexeme::Comment,
                (Mode::DollarOpen, Mode::Dollar) => Lexeme::DollarQuote,
                (Mode::DollarOpen, Mode::DollarOpen) => {
                    // Still reading the tag.
                    undecided += 1;
                    continue;
                }
                _ => Lexeme::Code,
            };
            out.extend(std::iter::repeat_n(opened, undecided));
            undecided = 0;
        }
        match region(after) {
            None => undecided += 1,
            Some(Lexeme::Code | Lexeme::Word) if closes_on_exit(before) => {
                out.push(region(before).unwrap_or(Lexeme::Code));
            }
            Some(l) => out.push(l),
        }
    }
    out.extend(std::iter::repeat_n(
        Lexeme::Code,
        undecided + usize::from(backslash),
    ));
    out
}

/// The byte offset in `line` of the first backslash that starts a
/// meta-command: one outside strings, identifiers, dollar quotes and
/// comments, given that the scanner has scanned `pending` (the text before
/// `line`, see [`lexemes`]).
pub fn meta_start(scanner: &Scanner, pending: &[u8], line: &[u8]) -> Option<usize> {
    let first = memchr::memchr(b'\\', line)?;
    let mut buf = Vec::with_capacity(pending.len() + line.len());
    buf.extend_from_slice(pending);
    buf.extend_from_slice(line);
    let lx = lexemes(scanner, &buf);
    let base = buf.len() - lx.len();
    (first..line.len()).find(|&i| {
        line[i] == b'\\'
            // `\;` and `\:` are a plain `;` and `:` (psql).
            && !matches!(line.get(i + 1), Some(b';' | b':'))
            && matches!(
                lx.get(base + i - pending.len()),
                Some(Lexeme::Code | Lexeme::Meta)
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One letter per byte: c code, w word, s string, i identifier, d dollar
    /// quote, m comment, b backslash command.
    fn show(text: &str) -> String {
        lexemes(&Scanner::new(), text.as_bytes())
            .iter()
            .map(|l| match l {
                Lexeme::Code => 'c',
                Lexeme::Word => 'w',
                Lexeme::String => 's',
                Lexeme::Identifier => 'i',
                Lexeme::DollarQuote => 'd',
                Lexeme::Comment => 'm',
                Lexeme::Meta => 'b',
            })
            .collect()
    }

    #[test]
    fn each_region_is_marked_with_its_delimiters() {
        for (text, want) in [
            ("select 'a' x", "wwwwwwcssscw"),
            ("'it''s'", "sssssss"),
            ("E'\\'' ", "wssssc"),
            ("\"A\"\"b\".c", "iiiiiicw"),
            ("$$x$$ $a$y$a$", "dddddcddddddd"),
            ("$1 + $a ", "cccccccc"),
            ("1 -- c\n2", "ccmmmmcc"),
            ("1 - 2", "ccccc"),
            ("/* a /* b */ c */x", "mmmmmmmmmmmmmmmmmw"),
            ("a/b", "wcw"),
            ("\\x on\n", "bbbbbc"),
            ("-- x", "mmmm"),
        ] {
            assert_eq!(show(text), want, "{text:?}");
        }
    }

    #[test]
    fn undecided_bytes_at_the_end_are_code() {
        assert_eq!(show("1 -"), "ccc");
        assert_eq!(show("a /"), "wcc");
        assert_eq!(show("$ab"), "ccc");
    }

    #[test]
    fn lexemes_continue_from_the_pending_text() {
        let pending = b"select 'abc\n";
        let mut sc = Scanner::new();
        assert!(sc.next_piece(pending).is_none());
        let mut buf = pending.to_vec();
        buf.extend_from_slice(b"de' || x");
        let lx = lexemes(&sc, &buf);
        assert_eq!(lx.len(), 8);
        assert!(lx[..3].iter().all(|l| *l == Lexeme::String));
        assert_eq!(lx[7], Lexeme::Word);
    }

    #[test]
    fn a_backslash_starts_a_meta_command_only_outside_quotes() {
        let sc = Scanner::new();
        assert_eq!(meta_start(&sc, b"", b"select 1 \\g"), Some(9));
        assert_eq!(meta_start(&sc, b"", b"\\x"), Some(0));
        assert_eq!(meta_start(&sc, b"", b"select '\\x' \\p"), Some(12));
        assert_eq!(meta_start(&sc, b"", b"select E'\\\\' -- \\x"), None);
        assert_eq!(meta_start(&sc, b"", b"select $$\\x$$"), None);
        let pending = b"select '";
        let mut sc = Scanner::new();
        assert!(sc.next_piece(pending).is_none());
        assert_eq!(meta_start(&sc, pending, b"\\x' \\p"), Some(4));
    }
}

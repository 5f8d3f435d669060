//! How psql shows cell text in the aligned formats: display width, line
//! splitting and the escaping of control characters.
//!
//! psql splits a value at `\n` into lines and, inside a line, shows
//! - a tab as spaces up to the next multiple of 8 columns of that line,
//! - `\r` as the two characters `\r`,
//! - any other ASCII control character (and DEL) as `\xHH`,
//! - a C1 control character (U+0080..U+009F) as `\uHHHH`,
//! - everything else as is, `width` columns wide.
//!
//! The width of a character comes from unicode-width 0.2
//! ([`UnicodeWidthChar::width`], with a few exceptions, see [`char_width`]),
//! summed character by character like psql's own `pg_wcswidth` does: an
//! emoji followed by U+FE0F counts 1 + 0 and a ZWJ sequence counts the sum of
//! its parts, exactly as psql 15 pads them (`UnicodeWidthStr::width` would
//! count both as 2 and misalign psql's columns).
//!
//! Plain printable ASCII, by far the common case, takes a fast path where
//! the width is the byte length.

use unicode_width::UnicodeWidthChar;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// True when every byte is printable ASCII (0x20..=0x7e): such a text is a
/// single line whose display width is its length and which is shown as is.
#[inline]
pub(crate) fn is_plain(s: &[u8]) -> bool {
    // Fixed-size chunks without an early exit inside let the compiler use
    // vector instructions; the remainder is short.
    let mut chunks = s.chunks_exact(16);
    for chunk in &mut chunks {
        let mut bad = false;
        for &b in chunk {
            bad |= b.wrapping_sub(0x20) > 0x5e;
        }
        if bad {
            return false;
        }
    }
    chunks
        .remainder()
        .iter()
        .all(|&b| b.wrapping_sub(0x20) <= 0x5e)
}

/// Display width of one (non-control) character as psql 15 counts it.
///
/// unicode-width 0.2, except for the characters it makes zero-width that
/// psql 15 counts as one column: format characters (soft hyphen, zero-width
/// space and joiners, bidi marks, word joiner and invisible operators, BOM)
/// the Hangul medial vowel and final consonant jamo (decomposed Korean) and
/// the tag characters (subdivision flag emoji). A comparison of all code
/// points with psql 15.18 leaves about 1,700 differences, mostly characters
/// that Unicode 15 and 16 added or made wide after psql 15's tables.
#[inline]
pub(crate) fn char_width(c: char) -> usize {
    match c {
        '\u{ad}'
        | '\u{1160}'..='\u{11ff}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{d7b0}'..='\u{d7c6}'
        | '\u{d7cb}'..='\u{d7fb}'
        | '\u{feff}'
        | '\u{e0000}'..='\u{e00ff}'
        | '\u{e01f0}'..='\u{e0fff}' => 1,
        _ => UnicodeWidthChar::width(c).unwrap_or(0),
    }
}

/// Display width of a run of text without control characters.
#[inline]
fn run_width(run: &str) -> usize {
    if run.is_ascii() {
        run.len()
    } else {
        run.chars().map(char_width).sum()
    }
}

/// Formats one line (a text without `\n`) the way psql shows it, appending
/// the bytes to `out` when given, and returns its display width.
pub(crate) fn format_line(line: &str, mut out: Option<&mut Vec<u8>>) -> usize {
    let bytes = line.as_bytes();
    let mut width = 0usize;
    let mut start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let ctrl_len = if b < 0x20 || b == 0x7f {
            1
        } else if b == 0xc2 && i + 1 < bytes.len() && (0x80..=0x9f).contains(&bytes[i + 1]) {
            2
        } else {
            0
        };
        if ctrl_len == 0 {
            i += 1;
            continue;
        }
        // The run before the control character (i is a char boundary: the
        // control character starts with an ASCII byte or a 0xC2 lead byte).
        let run = &line[start..i];
        width += run_width(run);
        if let Some(o) = out.as_deref_mut() {
            o.extend_from_slice(run.as_bytes());
        }
        let mut escaped = [0u8; 6];
        let piece: &[u8] = if ctrl_len == 2 {
            let c = bytes[i + 1];
            escaped = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(c >> 4) as usize],
                HEX[(c & 15) as usize],
            ];
            &escaped
        } else if b == b'\t' {
            // A tab is up to 8 spaces: write them directly.
            let n = 8 - width % 8;
            if let Some(o) = out.as_deref_mut() {
                o.resize(o.len() + n, b' ');
            }
            width += n;
            i += 1;
            start = i;
            continue;
        } else if b == b'\r' {
            b"\\r"
        } else {
            escaped[..4].copy_from_slice(&[
                b'\\',
                b'x',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ]);
            &escaped[..4]
        };
        width += piece.len();
        if let Some(o) = out.as_deref_mut() {
            o.extend_from_slice(piece);
        }
        i += ctrl_len;
        start = i;
    }
    let run = &line[start..];
    width += run_width(run);
    if let Some(o) = out {
        o.extend_from_slice(run.as_bytes());
    }
    width
}

/// Widest line and number of lines of a text as psql shows it.
pub(crate) fn measure(s: &str) -> (usize, usize) {
    if is_plain(s.as_bytes()) {
        return (s.len(), 1);
    }
    let mut widest = 0;
    let mut lines = 0;
    for line in s.split('\n') {
        lines += 1;
        widest = widest.max(format_line(line, None));
    }
    (widest, lines)
}

/// Splits off the first line of `rest`: the line and the byte offset (in
/// `rest`) where the next line starts, if there is one.
#[inline]
pub(crate) fn next_line(rest: &str) -> (&str, Option<usize>) {
    match rest.as_bytes().iter().position(|&b| b == b'\n') {
        Some(k) => (&rest[..k], Some(k + 1)),
        None => (rest, None),
    }
}

/// One line of a header, already formatted, with its display width.
#[derive(Debug, Clone)]
pub(crate) struct FormattedLine {
    /// The bytes to print.
    pub(crate) text: Vec<u8>,
    /// Their display width.
    pub(crate) width: usize,
}

/// Formats every line of a (header) text once, for printers that repeat it.
pub(crate) fn format_lines(s: &str) -> Vec<FormattedLine> {
    s.split('\n')
        .map(|line| {
            let mut text = Vec::with_capacity(line.len());
            let width = format_line(line, Some(&mut text));
            FormattedLine { text, width }
        })
        .collect()
}

/// psql's `strlen_max_width` on a formatted line: how many bytes of
/// `text` fit in `target` display columns (the first character always
/// does, however wide), and their width.
pub(crate) fn take_width(text: &[u8], target: usize) -> (usize, usize) {
    let s = String::from_utf8_lossy(text);
    let mut used = 0usize;
    let mut bytes = 0usize;
    for c in s.chars() {
        let w = char_width(c);
        if target < used + w && used != 0 {
            break;
        }
        used += w;
        bytes += c.len_utf8();
    }
    (bytes.min(text.len()), used)
}

/// Appends `n` copies of `byte`.
#[inline]
pub(crate) fn fill(out: &mut Vec<u8>, byte: u8, n: usize) {
    out.resize(out.len() + n, byte);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> (String, usize) {
        let mut out = Vec::new();
        let w = format_line(s, Some(&mut out));
        (String::from_utf8(out).expect("utf8"), w)
    }

    #[test]
    fn plain_detection() {
        assert!(is_plain(b""));
        assert!(is_plain(b"hello world ~!"));
        assert!(is_plain(&[b'a'; 40]));
        let mut v = vec![b'a'; 40];
        v[33] = b'\n';
        assert!(!is_plain(&v));
        v[33] = 0x7f;
        assert!(!is_plain(&v));
        assert!(!is_plain("é".as_bytes()));
        assert!(!is_plain(b"\t"));
    }

    #[test]
    fn control_characters() {
        assert_eq!(fmt("a\tb"), ("a       b".to_string(), 9));
        assert_eq!(fmt("abcdefgh\tb"), ("abcdefgh        b".to_string(), 17));
        assert_eq!(fmt("x\ry"), ("x\\ry".to_string(), 4));
        assert_eq!(fmt("c\u{1}d\u{7f}"), ("c\\x01d\\x7F".to_string(), 10));
        assert_eq!(fmt("u\u{85}v"), ("u\\u0085v".to_string(), 8));
        assert_eq!(fmt("漢\t字"), ("漢      字".to_string(), 10));
    }

    #[test]
    fn widths() {
        assert_eq!(measure("漢字"), (4, 1));
        assert_eq!(measure("e\u{301}"), (1, 1));
        assert_eq!(measure("a\nbcd\n"), (3, 3));
        assert_eq!(measure(""), (0, 1));
        // psql sums character widths: these are 1 and 6 there too.
        assert_eq!(measure("\u{2764}\u{fe0f}"), (1, 1));
        assert_eq!(
            measure("\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}"),
            (8, 1)
        );
        // Decomposed Hangul: psql counts 2 + 1 + 1.
        assert_eq!(measure("\u{1112}\u{1161}\u{11ab}"), (4, 1));
        assert_eq!(measure("soft\u{ad}hyphen\u{feff}"), (12, 1));
    }
}

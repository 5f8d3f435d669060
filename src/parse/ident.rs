//! Identifiers and string literals as PostgreSQL reads them, done once
//! here: an unquoted identifier is lower-cased (ASCII letters only, as the
//! server does in a UTF-8 database), a "quoted" one keeps its case and `""`
//! stands for one `"`. String literals: `'..'` with `''`, `E'..'` with
//! backslash escapes, `$tag$..$tag$` verbatim.

/// The name an identifier denotes: `Foo` -> `foo`, `"Foo"` -> `Foo`,
/// `"a""b"` -> `a"b`; a string literal (a queue, consumer or node name
/// may be one) its value: `'My q'` -> `My q`.
pub fn fold(raw: &str) -> String {
    // A queue, consumer or node name written as a string literal (psql's
    // `:'var'`): its value, case kept.
    if raw.starts_with('\'') || raw.starts_with("E'") || raw.starts_with("e'") {
        return unquote_string(raw);
    }
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => raw.to_ascii_lowercase(),
    }
}

/// Whether a name can be written bare: lower-case letters, digits, `_`
/// and `$`, not starting with a digit or `$`, and not a reserved word.
pub fn is_bare(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && !crate::parse::is_reserved_word(name)
}

/// A name written so that [`fold`] gives it back: bare when it can be,
/// else in double quotes.
pub fn quote(name: &str) -> String {
    if is_bare(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The value of a string literal as the grammar matched it (`'it''s'`,
/// `E'a\nb'`, `$$x$$`, `$q$x$q$`). Text that is none of these comes back
/// unchanged.
pub fn unquote_string(raw: &str) -> String {
    if let Some(body) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return body.replace("''", "'");
    }
    if raw.len() >= 3 && (raw.starts_with("E'") || raw.starts_with("e'")) && raw.ends_with('\'') {
        return unescape(&raw[2..raw.len() - 1]);
    }
    if let Some(rest) = raw.strip_prefix('$') {
        if let Some(end) = rest.find('$') {
            let tag_len = end + 2;
            if raw.len() >= 2 * tag_len {
                return raw[tag_len..raw.len() - tag_len].to_string();
            }
        }
    }
    raw.to_string()
}

/// Backslash escapes of an `E'..'` body: `\n \t \r \b \f`, octal `\ooo`,
/// `\xhh`, `\uXXXX`, `\UXXXXXXXX`; any other escaped character stands for
/// itself; `''` is a quote.
fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // '' inside the literal
                if chars.peek() == Some(&'\'') {
                    chars.next();
                }
                out.push('\'');
            }
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some(d @ '0'..='7') => {
                    let mut v = d.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|c| c.to_digit(8)) {
                            Some(x) => {
                                v = v * 8 + x;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                Some(k @ ('x' | 'u' | 'U')) => {
                    let max = match k {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let mut v = 0u32;
                    let mut n = 0;
                    while n < max {
                        match chars.peek().and_then(|c| c.to_digit(16)) {
                            Some(x) => {
                                v = v.saturating_mul(16).saturating_add(x);
                                chars.next();
                                n += 1;
                            }
                            None => break,
                        }
                    }
                    if n == 0 {
                        out.push(k);
                    } else {
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                }
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_like_postgresql() {
        for (raw, want) in [
            ("Foo", "foo"),
            ("\"Foo\"", "Foo"),
            ("\"a\"\"b\"", "a\"b"),
            ("ÄBc", "Äbc"),
            ("\"select\"", "select"),
            ("q_1$", "q_1$"),
        ] {
            assert_eq!(fold(raw), want, "{raw}");
        }
    }

    #[test]
    fn quotes_only_when_needed() {
        for (name, want) in [
            ("foo", "foo"),
            ("Foo", "\"Foo\""),
            ("a\"b", "\"a\"\"b\""),
            ("select", "\"select\""),
            ("1a", "\"1a\""),
            (".n.watermark", "\".n.watermark\""),
            ("", "\"\""),
        ] {
            assert_eq!(quote(name), want, "{name}");
            if !name.is_empty() {
                assert_eq!(fold(&quote(name)), name);
            }
        }
    }

    #[test]
    fn strings() {
        for (raw, want) in [
            ("'it''s'", "it's"),
            ("''", ""),
            ("E'a\\nb'", "a\nb"),
            ("e'\\x41\\101\\u00e9\\''", "AAé'"),
            ("$$x'y$$", "x'y"),
            ("$q$a$b$q$", "a$b"),
        ] {
            assert_eq!(unquote_string(raw), want, "{raw}");
        }
    }
}

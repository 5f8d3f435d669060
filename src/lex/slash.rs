//! Meta-command arguments, read as psql 15 reads them (`psqlscanslash.l`,
//! its `OT_NORMAL` rules): words separated by whitespace, each made of
//!
//! * plain text;
//! * `'single-quoted'` text, `''` being a quote and `\n`, `\t`, `\b`,
//!   `\r`, `\f`, `\digits` (octal), `\xhh` and `\c` (any other `c`)
//!   escapes;
//! * `"double-quoted"` text, kept with its quotes (commands that take a
//!   SQL name remove them: [`dequote`]);
//! * `` `backquoted` `` shell commands, replaced by their output without
//!   one trailing newline (`:name` and `:'name'` inside are replaced by
//!   the value as a shell word);
//! * variables: `:name` (the value, not read again), `:'name'` (a SQL
//!   literal), `:"name"` (a SQL identifier), `:{?name}` (`TRUE` /
//!   `FALSE`); unknown ones stay as typed.
//!
//! An unquoted backslash ends the arguments: what follows is the next
//! meta-command of the line ([`Args::next`]). The values come from
//! [`Variables`]; nothing here prints or runs anything itself.

use super::vars::{is_var_byte, Quote, Variables};

/// One argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg {
    /// Its text, quotes and variables resolved.
    pub text: String,
    /// Some part of it was quoted or interpolated (psql's `option_quote`):
    /// `\echo '-n'` prints `-n`.
    pub quoted: bool,
}

/// The arguments of a meta-command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// The arguments, in order.
    pub args: Vec<Arg>,
    /// Byte offset in the text of a further meta-command on the same line
    /// (`\set x 1 \echo :x`), if any.
    pub next: Option<usize>,
    /// A quoted string or backquote that the line did not close (psql:
    /// `unterminated quoted string`); the argument still counts.
    pub unterminated: bool,
    /// With a limit ([`args_upto`]): where the arguments past it start.
    pub extra: Option<usize>,
}

impl Args {
    /// The texts alone.
    pub fn texts(&self) -> Vec<String> {
        self.args.iter().map(|a| a.text.clone()).collect()
    }
}

/// Read the arguments in `rest` (the line after the command's name).
pub fn args(rest: &str, vars: &mut dyn Variables) -> Args {
    args_upto(rest, vars, usize::MAX)
}

/// Read at most `max` arguments in `rest`; where more start is
/// [`Args::extra`] (psql reads a command's own arguments only, and the
/// rest as in an inactive branch, to warn about them).
pub fn args_upto(rest: &str, vars: &mut dyn Variables, max: usize) -> Args {
    let b = rest.as_bytes();
    let mut out = Args::default();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return out;
        }
        if b[i] == b'\\' {
            out.next = Some(i);
            return out;
        }
        if out.args.len() >= max {
            out.extra = Some(i);
            return out;
        }
        let mut arg: Vec<u8> = Vec::new();
        let mut quoted = false;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'\\' {
            match b[i] {
                b'\'' => {
                    quoted = true;
                    i = single_quoted(b, i + 1, &mut arg, &mut out.unterminated);
                }
                b'"' => {
                    quoted = true;
                    let end = b[i + 1..]
                        .iter()
                        .position(|&c| c == b'"')
                        .map(|k| i + 1 + k + 1);
                    let end = end.unwrap_or_else(|| {
                        out.unterminated = true;
                        b.len()
                    });
                    arg.extend_from_slice(&b[i..end]);
                    i = end;
                }
                b'`' => {
                    quoted = true;
                    let mut cmd = Vec::new();
                    let mut j = i + 1;
                    let mut closed = false;
                    while j < b.len() {
                        if b[j] == b'`' {
                            closed = true;
                            j += 1;
                            break;
                        }
                        if b[j] == b':' {
                            if let Some((text, next)) = variable(b, j, vars, true) {
                                cmd.extend_from_slice(text.as_bytes());
                                j = next;
                                continue;
                            }
                        }
                        cmd.push(b[j]);
                        j += 1;
                    }
                    if closed {
                        let cmd = String::from_utf8_lossy(&cmd).into_owned();
                        if let Some(o) = vars.backtick(&cmd) {
                            arg.extend_from_slice(o.as_bytes());
                        }
                    } else {
                        out.unterminated = true;
                    }
                    i = j;
                }
                b':' => match variable(b, i, vars, false) {
                    Some((text, next)) => {
                        quoted = true;
                        arg.extend_from_slice(text.as_bytes());
                        i = next;
                    }
                    None => {
                        arg.push(b':');
                        i += 1;
                    }
                },
                c => {
                    arg.push(c);
                    i += 1;
                }
            }
        }
        // psql drops an argument whose quote the line did not close.
        if out.unterminated {
            return out;
        }
        out.args.push(Arg {
            text: String::from_utf8_lossy(&arg).into_owned(),
            quoted,
        });
    }
}

/// The body of a `'..'` argument from `i` (after the opening quote) into
/// `arg`; returns the position after the closing quote.
fn single_quoted(b: &[u8], mut i: usize, arg: &mut Vec<u8>, unterminated: &mut bool) -> usize {
    while i < b.len() {
        match b[i] {
            b'\'' if b.get(i + 1) == Some(&b'\'') => {
                arg.push(b'\'');
                i += 2;
            }
            b'\'' => return i + 1,
            b'\\' if i + 1 < b.len() => {
                let c = b[i + 1];
                i += 2;
                match c {
                    b'n' => arg.push(b'\n'),
                    b't' => arg.push(b'\t'),
                    b'b' => arg.push(8),
                    b'r' => arg.push(b'\r'),
                    b'f' => arg.push(12),
                    b'0'..=b'7' => {
                        let mut v = u32::from(c - b'0');
                        let mut n = 1;
                        while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                            v = v * 8 + u32::from(b[i] - b'0');
                            i += 1;
                            n += 1;
                        }
                        arg.push(v as u8);
                    }
                    b'x' if i < b.len() && b[i].is_ascii_hexdigit() => {
                        let mut v = 0u32;
                        let mut n = 0;
                        while n < 2 && i < b.len() && b[i].is_ascii_hexdigit() {
                            v = v * 16 + (b[i] as char).to_digit(16).unwrap_or(0);
                            i += 1;
                            n += 1;
                        }
                        arg.push(v as u8);
                    }
                    other => arg.push(other),
                }
            }
            c => {
                arg.push(c);
                i += 1;
            }
        }
    }
    *unterminated = true;
    i
}

/// A variable reference at `b[at] == ':'`: its text and the position
/// after it, or `None` when there is none or the variable is unknown (the
/// text is then kept as typed). In backquotes (`shell`), `:'name'` gives
/// a shell word, `:name` the value as it is, and other forms are plain
/// text.
fn variable(b: &[u8], at: usize, vars: &mut dyn Variables, shell: bool) -> Option<(String, usize)> {
    let name_end = |from: usize| {
        let mut e = from;
        while e < b.len() && is_var_byte(b[e]) {
            e += 1;
        }
        e
    };
    let name = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).ok();
    match b.get(at + 1)? {
        &q @ (b'\'' | b'"') if !(shell && q == b'"') => {
            let end = name_end(at + 2);
            if end == at + 2 || b.get(end) != Some(&q) {
                return None;
            }
            let quote = match (shell, q) {
                (true, _) => Quote::Shell,
                (false, b'\'') => Quote::Literal,
                _ => Quote::Ident,
            };
            vars.get(name(at + 2..end)?, quote)
                .map(|v| (v, end + 1))
                .or_else(|| Some((String::from_utf8_lossy(&b[at..=end]).into_owned(), end + 1)))
        }
        b'{' if !shell && b.get(at + 2) == Some(&b'?') => {
            let end = name_end(at + 3);
            if end == at + 3 || b.get(end) != Some(&b'}') {
                return None;
            }
            let set = vars.get(name(at + 3..end)?, Quote::Plain).is_some();
            Some((if set { "TRUE" } else { "FALSE" }.to_string(), end + 1))
        }
        // Also in backquotes: the value as it is (psql quotes only
        // `:'name'` for the shell).
        &c if is_var_byte(c) => {
            let end = name_end(at + 1);
            vars.get(name(at + 1..end)?, Quote::Plain).map(|v| (v, end))
        }
        _ => None,
    }
}

/// A SQL name given to a meta-command (`\c "My DB"`): double quotes
/// removed, `""` inside them a quote, the rest as typed (psql's
/// `dequote_downcase_identifier` without downcasing).
pub fn dequote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut inside = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if inside && chars.next_if_eq(&'"').is_some() => out.push('"'),
            '"' => inside = !inside,
            o => out.push(o),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, &'static str>);

    impl Variables for Map {
        fn get(&mut self, name: &str, quote: Quote) -> Option<String> {
            let v = self.0.get(name)?;
            Some(match quote {
                Quote::Plain => v.to_string(),
                Quote::Literal => crate::lex::vars::literal(v),
                Quote::Ident => crate::lex::vars::identifier(v),
                Quote::Shell => crate::lex::vars::shell_word(v)?,
            })
        }
        fn backtick(&mut self, command: &str) -> Option<String> {
            Some(format!("<{command}>"))
        }
    }

    fn vars() -> Map {
        Map(HashMap::from([("x", "it's"), ("n", "5"), ("sp", "a b")]))
    }

    fn texts(rest: &str) -> Vec<String> {
        args(rest, &mut vars()).texts()
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(texts("a  b"), ["a", "b"]);
        assert_eq!(texts("'a  b' c"), ["a  b", "c"]);
        assert_eq!(
            texts("'it''s' 'a\\nb' '\\101\\x41\\q'"),
            ["it's", "a\nb", "AAq"]
        );
        assert_eq!(texts("\"My DB\" x"), ["\"My DB\"", "x"]);
        assert_eq!(texts("a'b c'd"), ["ab cd"]);
        assert_eq!(texts(""), Vec::<String>::new());
    }

    #[test]
    fn variables_in_arguments() {
        assert_eq!(
            texts(":n :'x' :\"x\" :{?n} :{?zz}"),
            ["5", "'it''s'", "\"it's\"", "TRUE", "FALSE"]
        );
        assert_eq!(texts(":zz :'zz' a:n"), [":zz", ":'zz'", "a5"]);
        assert_eq!(texts(":sp"), ["a b"]);
        assert_eq!(texts("'x:n' \":n\""), ["x:n", "\":n\""]);
        assert_eq!(texts("`echo :sp :'x'`"), ["<echo a b 'it'\"'\"'s'>"]);
        assert!(args(":n", &mut vars()).args[0].quoted);
        assert!(!args("-n", &mut vars()).args[0].quoted);
    }

    #[test]
    fn a_backslash_starts_the_next_command() {
        let a = args("x 1 \\echo hi", &mut vars());
        assert_eq!(a.texts(), ["x", "1"]);
        assert_eq!(a.next, Some(4));
        assert!(args("'abc", &mut vars()).unterminated);
    }

    #[test]
    fn dequoting_names() {
        assert_eq!(dequote("\"My DB\""), "My DB");
        assert_eq!(dequote("\"a\"\"b\""), "a\"b");
        assert_eq!(dequote("plain"), "plain");
    }
}

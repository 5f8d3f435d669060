//! Variable interpolation as psql 15 does it: what the lexer asks of
//! whoever keeps the variables ([`Variables`]), and the quoting rules a
//! value goes through on its way into SQL or a shell command.
//!
//! The lexer ([`super::Scanner::next_piece_with`] for statements,
//! [`super::slash`] for meta-command arguments) finds the references
//! (`:name`, `:'name'`, `:"name"`, `:{?name}`) and splices in what
//! [`Variables::get`] returns; the quoting is done here, as libpq's
//! `PQescapeLiteral` / `PQescapeIdentifier` and psql's
//! `appendShellString` do it, so that a value the user typed reaches SQL
//! only through these rules. Nothing here prints or runs anything; the
//! session implements [`Variables`] (and reports its own errors).

/// How a value is to be quoted (psql's `PsqlScanQuoteType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// `:name`: the value as it is (in SQL, read again by the lexer).
    Plain,
    /// `:'name'`: a SQL string literal ([`literal`]).
    Literal,
    /// `:"name"`: a SQL identifier ([`identifier`]).
    Ident,
    /// `:name` / `:'name'` inside backquotes: a shell word ([`shell_word`]).
    Shell,
}

/// Where the lexer gets the values of variables from.
pub trait Variables {
    /// The value of `name` quoted as `quote` asks, or `None` when the
    /// variable is not set or its value cannot be quoted (the
    /// implementation reports why); the reference is then left as typed.
    fn get(&mut self, name: &str, quote: Quote) -> Option<String>;

    /// `:name` appears inside the value of `name` itself: left as typed
    /// (psql warns `skipping recursive expansion of variable "name"`).
    fn recursive(&mut self, _name: &str) {}

    /// The output of a backquoted shell command in a meta-command
    /// argument, without one trailing newline; `None` when it could not
    /// run (reported by the implementation).
    fn backtick(&mut self, _command: &str) -> Option<String> {
        None
    }
}

/// No variables at all: every reference stays as typed.
pub struct NoVariables;

impl Variables for NoVariables {
    fn get(&mut self, _name: &str, _quote: Quote) -> Option<String> {
        None
    }
}

/// Whether `b` may be part of a variable name (psql's `variable_char`:
/// ASCII letters, digits, `_` and every byte with the high bit set).
pub const fn is_var_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Whether `name` is a valid variable name for `\set` (psql's
/// `valid_variable_name`).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_var_byte)
}

/// A SQL string literal of `value`, as `PQescapeLiteral` writes it: in
/// single quotes, quotes doubled; a value with backslashes gets the
/// escape-string form ` E'..'` (with its leading space) and doubled
/// backslashes, which reads the same whatever
/// `standard_conforming_strings` says.
pub fn literal(value: &str) -> String {
    let backslashes = value.contains('\\');
    let mut out = String::with_capacity(value.len() + 4);
    if backslashes {
        out.push_str(" E");
    }
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A SQL identifier of `value`, as `PQescapeIdentifier` writes it: in
/// double quotes, double quotes doubled (case kept).
pub fn identifier(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A shell word of `value`, as psql's `appendShellString` writes it:
/// as it is when made only of `[A-Za-z0-9_+,-./:]`, else in single
/// quotes with each `'` written `'"'"'`. `None` for a value with a
/// newline or carriage return, which psql refuses.
pub fn shell_word(value: &str) -> Option<String> {
    if value.contains(['\n', '\r']) {
        return None;
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || "_+,-./:".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        return Some(value.to_string());
    }
    Some(format!("'{}'", value.replace('\'', "'\"'\"'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_quote_like_pq_escape_literal() {
        assert_eq!(literal("abc"), "'abc'");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal(""), "''");
        assert_eq!(literal("a\\b"), " E'a\\\\b'");
        assert_eq!(literal("x'\\"), " E'x''\\\\'");
        assert_eq!(literal("ünï"), "'ünï'");
    }

    #[test]
    fn identifiers_quote_like_pq_escape_identifier() {
        assert_eq!(identifier("abc"), "\"abc\"");
        assert_eq!(identifier("My \"T\""), "\"My \"\"T\"\"\"");
        assert_eq!(identifier("a\\b"), "\"a\\b\"");
    }

    #[test]
    fn shell_words_quote_like_psql() {
        assert_eq!(shell_word("a/b.c").as_deref(), Some("a/b.c"));
        assert_eq!(shell_word("a b").as_deref(), Some("'a b'"));
        assert_eq!(shell_word("it's").as_deref(), Some("'it'\"'\"'s'"));
        assert_eq!(shell_word("").as_deref(), Some("''"));
        assert_eq!(shell_word("a\nb"), None);
    }

    #[test]
    fn names() {
        assert!(valid_name("abc_1"));
        assert!(valid_name("ünï"));
        assert!(!valid_name(""));
        assert!(!valid_name("a-b"));
    }
}

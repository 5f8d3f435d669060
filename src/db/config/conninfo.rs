//! `key=value` connection strings (libpq's `conninfo_parse`), and telling
//! one from a bare database name.

use super::keywords::canonical_pair;
use super::uri::{parse_uri, uri_prefix_len};
use super::ConfigError;

/// Whether psql would take `s` as a connection string (or URI) rather than
/// a bare database name: it starts with `postgresql://` or `postgres://`,
/// or contains `=`.
pub fn looks_like_conninfo(s: &str) -> bool {
    uri_prefix_len(s) > 0 || s.contains('=')
}

/// Parse a conninfo string (`key=value ...`) or a `postgresql://` /
/// `postgres://` URI into key/values in order of appearance (URI hosts and
/// ports come as one comma-separated `host` and `port`). Keys are checked
/// against libpq's; `queue` and `node` are accepted only with
/// `allow_qadmin_keys`.
pub fn parse_conninfo(
    s: &str,
    allow_qadmin_keys: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    if uri_prefix_len(s) > 0 {
        parse_uri(s, allow_qadmin_keys)
    } else {
        parse_key_values(s, allow_qadmin_keys)
    }
}

/// C's `isspace` in the C locale.
pub(super) fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

pub(super) fn push_pair(
    out: &mut Vec<(String, String)>,
    key: &str,
    value: String,
    allow_qadmin_keys: bool,
) -> Result<(), ConfigError> {
    let (k, v) = canonical_pair(key, value, allow_qadmin_keys)
        .ok_or_else(|| ConfigError::InvalidOption(key.to_owned()))?;
    out.push((k.to_owned(), v));
    Ok(())
}

fn parse_key_values(
    s: &str,
    allow_qadmin_keys: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut out = Vec::new();
    while i < n {
        if is_c_space(b[i]) {
            i += 1;
            continue;
        }
        let name_start = i;
        while i < n && b[i] != b'=' && !is_c_space(b[i]) {
            i += 1;
        }
        let name = &s[name_start..i];
        while i < n && is_c_space(b[i]) {
            i += 1;
        }
        if i >= n || b[i] != b'=' {
            return Err(ConfigError::MissingEquals(name.to_owned()));
        }
        i += 1;
        while i < n && is_c_space(b[i]) {
            i += 1;
        }
        let mut value = Vec::new();
        if i < n && b[i] == b'\'' {
            i += 1;
            loop {
                if i >= n {
                    return Err(ConfigError::UnterminatedQuote);
                }
                match b[i] {
                    b'\\' => {
                        i += 1;
                        if i < n {
                            value.push(b[i]);
                            i += 1;
                        }
                    }
                    b'\'' => {
                        i += 1;
                        break;
                    }
                    c => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while i < n {
                let c = b[i];
                i += 1;
                if is_c_space(c) {
                    break;
                }
                if c == b'\\' {
                    if i < n {
                        value.push(b[i]);
                        i += 1;
                    }
                } else {
                    value.push(c);
                }
            }
        }
        let value = String::from_utf8_lossy(&value).into_owned();
        push_pair(&mut out, name, value, allow_qadmin_keys)?;
    }
    Ok(out)
}

/// A value as libpq's conninfo parser reads it back: bare when it can be,
/// else in single quotes with `\\` and `'` escaped by a backslash (empty
/// values, whitespace, quotes and backslashes need the quotes).
pub fn quote_value(v: &str) -> String {
    let bare = !v.is_empty() && !v.bytes().any(|b| is_c_space(b) || b == b'\'' || b == b'\\');
    if bare {
        return v.to_owned();
    }
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for c in v.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::config::testing::*;
    use crate::db::config::*;

    #[test]
    fn key_value_parsing() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("   \t\n", &[]),
            (
                "host=localhost port=5432",
                &[("host", "localhost"), ("port", "5432")],
            ),
            (
                "host = localhost   port= 5433 ",
                &[("host", "localhost"), ("port", "5433")],
            ),
            ("password='a b\\'c\\\\d'", &[("password", "a b'c\\d")]),
            ("dbname=''", &[("dbname", "")]),
            ("dbname= user=x", &[("dbname", "user=x")]),
            ("host=a\\ b", &[("host", "a b")]),
            (
                "application_name='x'user=u",
                &[("application_name", "x"), ("user", "u")],
            ),
            ("user=é dbname='ö ü'", &[("user", "é"), ("dbname", "ö ü")]),
            ("host=a host=b", &[("host", "a"), ("host", "b")]),
            ("requiressl=1", &[("sslmode", "require")]),
            ("requiressl=0", &[("sslmode", "prefer")]),
            (
                "sslcrl=x gssencmode=disable",
                &[("sslcrl", "x"), ("gssencmode", "disable")],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_conninfo(input, false).unwrap(),
                pairs(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn key_value_errors() {
        let cases: &[(&str, ConfigError)] = &[
            ("abc", ConfigError::MissingEquals("abc".into())),
            ("host=x abc", ConfigError::MissingEquals("abc".into())),
            ("host x=y", ConfigError::MissingEquals("host".into())),
            ("password='abc", ConfigError::UnterminatedQuote),
            ("password='abc\\'", ConfigError::UnterminatedQuote),
            ("foo=bar", ConfigError::InvalidOption("foo".into())),
            ("=x", ConfigError::InvalidOption("".into())),
            ("queue=q", ConfigError::InvalidOption("queue".into())),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &parse_conninfo(input, false).unwrap_err(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn qadmin_keys_only_when_allowed() {
        assert_eq!(
            parse_conninfo("dbname=d queue=q node=n", true).unwrap(),
            pairs(&[("dbname", "d"), ("queue", "q"), ("node", "n")])
        );
        assert_eq!(
            parse_conninfo("postgresql:///d?queue=q", true).unwrap(),
            pairs(&[("dbname", "d"), ("queue", "q")])
        );
        assert_eq!(
            parse_conninfo("postgresql:///d?queue=q", false).unwrap_err(),
            ConfigError::InvalidUriParam("queue".into())
        );
        let e = env(&[]);
        let p = ConnParams::resolve(Some("queue=q1 node=n1"), &[], &e).unwrap();
        assert_eq!(
            (p.queue.as_deref(), p.node.as_deref()),
            (Some("q1"), Some("n1"))
        );
        assert_eq!(
            ConnParams::resolve_with(Some("queue=q1"), &[], &e, false).unwrap_err(),
            ConfigError::InvalidOption("queue".into())
        );
        let p = ConnParams::resolve(None, &[("queue", "q2".into())], &e).unwrap();
        assert_eq!(p.queue.as_deref(), Some("q2"));
    }

    #[test]
    fn conninfo_detection() {
        let cases = [
            ("mydb", false),
            ("my db", false),
            ("", false),
            ("dbname=x", true),
            ("a=b", true),
            ("postgresql://h", true),
            ("postgres://", true),
            ("postgresql:/h", false),
            ("POSTGRESQL://h", false),
        ];
        for (s, expected) in cases {
            assert_eq!(looks_like_conninfo(s), expected, "{s}");
        }
    }
}

//! `postgresql://` and `postgres://` URIs (libpq's `conninfo_uri_parse`).

use super::conninfo::push_pair;
use super::keywords::canonical_pair;
use super::ConfigError;

pub(super) fn uri_prefix_len(s: &str) -> usize {
    ["postgresql://", "postgres://"]
        .iter()
        .find(|p| s.starts_with(*p))
        .map_or(0, |p| p.len())
}

/// libpq's `conninfo_uri_decode`: `%XX` escapes must be complete and not
/// `%00`; `+` stays `+`. Bytes that are not UTF-8 are replaced.
fn uri_decode(s: &str) -> Result<String, ConfigError> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Err(ConfigError::InvalidUri(format!(
                    "invalid percent-encoded token: \"{s}\""
                )));
            }
            if b[i + 1] == b'0' && b[i + 2] == b'0' {
                return Err(ConfigError::InvalidUri(format!(
                    "forbidden value %00 in percent-encoded value: \"{s}\""
                )));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned())
}

pub(super) fn parse_uri(
    uri: &str,
    allow_qadmin_keys: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    let b = uri.as_bytes();
    let n = b.len();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut p = uri_prefix_len(uri);

    // user[:password]@ if an '@' comes before any '/'.
    let mut q = p;
    while q < n && b[q] != b'@' && b[q] != b'/' {
        q += 1;
    }
    if at(q) == b'@' {
        let mut r = p;
        while b[r] != b':' && b[r] != b'@' {
            r += 1;
        }
        let user = &uri[p..r];
        if !user.is_empty() {
            push_pair(&mut out, "user", uri_decode(user)?, allow_qadmin_keys)?;
        }
        if b[r] == b':' {
            let start = r + 1;
            r = q;
            let password = &uri[start..r];
            if !password.is_empty() {
                push_pair(
                    &mut out,
                    "password",
                    uri_decode(password)?,
                    allow_qadmin_keys,
                )?;
            }
        }
        p = r + 1;
    }

    // host[:port][,host[:port]...]
    let mut hosts = String::new();
    let mut ports = String::new();
    let mut prev;
    loop {
        let host;
        if at(p) == b'[' {
            p += 1;
            let start = p;
            while p < n && b[p] != b']' {
                p += 1;
            }
            if p >= n {
                return Err(ConfigError::InvalidUri(format!(
                    "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"{uri}\""
                )));
            }
            if p == start {
                return Err(ConfigError::InvalidUri(format!(
                    "IPv6 host address may not be empty in URI: \"{uri}\""
                )));
            }
            host = &uri[start..p];
            p += 1;
            if p < n && !matches!(b[p], b':' | b'/' | b'?' | b',') {
                let c = uri[p..].chars().next().unwrap_or('?');
                return Err(ConfigError::InvalidUri(format!(
                    "unexpected character \"{c}\" at position {} in URI (expected \":\" or \"/\"): \"{uri}\"",
                    p + 1
                )));
            }
        } else {
            let start = p;
            while p < n && !matches!(b[p], b':' | b'/' | b'?' | b',') {
                p += 1;
            }
            host = &uri[start..p];
        }
        prev = at(p);
        hosts.push_str(host);
        if prev == b':' {
            p += 1;
            let start = p;
            while p < n && !matches!(b[p], b'/' | b'?' | b',') {
                p += 1;
            }
            prev = at(p);
            ports.push_str(&uri[start..p]);
        }
        if prev != b',' {
            break;
        }
        p += 1;
        hosts.push(',');
        ports.push(',');
    }
    if !hosts.is_empty() {
        push_pair(&mut out, "host", uri_decode(&hosts)?, allow_qadmin_keys)?;
    }
    if !ports.is_empty() {
        push_pair(&mut out, "port", uri_decode(&ports)?, allow_qadmin_keys)?;
    }

    // /dbname
    if prev != 0 && prev != b'?' {
        p += 1;
        let start = p;
        while p < n && b[p] != b'?' {
            p += 1;
        }
        prev = at(p);
        let dbname = &uri[start..p];
        if !dbname.is_empty() {
            push_pair(&mut out, "dbname", uri_decode(dbname)?, allow_qadmin_keys)?;
        }
    }

    // ?key=value&...
    if prev != 0 {
        parse_uri_params(&uri[p + 1..], allow_qadmin_keys, &mut out)?;
    }
    Ok(out)
}

fn parse_uri_params(
    params: &str,
    allow_qadmin_keys: bool,
    out: &mut Vec<(String, String)>,
) -> Result<(), ConfigError> {
    let b = params.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let start = i;
        let mut eq: Option<usize> = None;
        let end;
        loop {
            if i < n && b[i] == b'=' {
                if let Some(e) = eq {
                    return Err(ConfigError::InvalidUri(format!(
                        "extra key/value separator \"=\" in URI query parameter: \"{}\"",
                        &params[start..e]
                    )));
                }
                eq = Some(i);
                i += 1;
            } else if i >= n || b[i] == b'&' {
                end = i;
                if i < n {
                    i += 1;
                }
                break;
            } else {
                i += 1;
            }
        }
        let Some(e) = eq else {
            return Err(ConfigError::InvalidUri(format!(
                "missing key/value separator \"=\" in URI query parameter: \"{}\"",
                &params[start..end]
            )));
        };
        let mut key = uri_decode(&params[start..e])?;
        let mut value = uri_decode(&params[e + 1..end])?;
        if key == "ssl" && value == "true" {
            key = "sslmode".to_owned();
            value = "require".to_owned();
        }
        let (k, v) = canonical_pair(&key, value, allow_qadmin_keys)
            .ok_or(ConfigError::InvalidUriParam(key))?;
        out.push((k.to_owned(), v));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::db::config::testing::*;
    use crate::db::config::*;

    #[test]
    fn uri_parsing() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("postgresql://", &[]),
            ("postgres://", &[]),
            ("postgresql://localhost", &[("host", "localhost")]),
            (
                "postgresql://localhost:5433",
                &[("host", "localhost"), ("port", "5433")],
            ),
            (
                "postgres://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
                &[
                    ("user", "u"),
                    ("password", "p@ss"),
                    ("host", "h"),
                    ("port", "5433"),
                    ("dbname", "db"),
                    ("sslmode", "require"),
                    ("application_name", "x"),
                ],
            ),
            ("postgresql://u@h", &[("user", "u"), ("host", "h")]),
            ("postgresql://:pw@h", &[("password", "pw"), ("host", "h")]),
            ("postgresql://u:@h", &[("user", "u"), ("host", "h")]),
            ("postgresql://@h", &[("host", "h")]),
            (
                "postgresql://a:1,b:2/db",
                &[("host", "a,b"), ("port", "1,2"), ("dbname", "db")],
            ),
            (
                "postgresql://a:1,b/db",
                &[("host", "a,b"), ("port", "1,"), ("dbname", "db")],
            ),
            (
                "postgresql://[::1]:5433/db",
                &[("host", "::1"), ("port", "5433"), ("dbname", "db")],
            ),
            (
                "postgresql://[2001:db8::1],[::1]:5/d",
                &[("host", "2001:db8::1,::1"), ("port", ",5"), ("dbname", "d")],
            ),
            (
                "postgresql://[::1]?dbname=x",
                &[("host", "::1"), ("dbname", "x")],
            ),
            (
                "postgresql://%2Fvar%2Frun%2Fpostgresql/db",
                &[("host", "/var/run/postgresql"), ("dbname", "db")],
            ),
            (
                "postgresql:///db?host=/tmp",
                &[("dbname", "db"), ("host", "/tmp")],
            ),
            (
                "postgresql:///db?host=%2Ftmp",
                &[("dbname", "db"), ("host", "/tmp")],
            ),
            (
                "postgresql://h/?dbname=x",
                &[("host", "h"), ("dbname", "x")],
            ),
            (
                "postgresql://h/my%20db",
                &[("host", "h"), ("dbname", "my db")],
            ),
            ("postgresql://h/a+b", &[("host", "h"), ("dbname", "a+b")]),
            (
                "postgresql://h?ssl=true",
                &[("host", "h"), ("sslmode", "require")],
            ),
            (
                "postgresql://h?connect_timeout=5&",
                &[("host", "h"), ("connect_timeout", "5")],
            ),
            (
                "postgresql://h?requiressl=1",
                &[("host", "h"), ("sslmode", "require")],
            ),
            ("postgresql://us%65r@h", &[("user", "user"), ("host", "h")]),
            (
                "postgresql://h/d?options=-c%20a%3Db",
                &[("host", "h"), ("dbname", "d"), ("options", "-c a=b")],
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
    fn uri_errors() {
        let cases: &[(&str, &str)] = &[
            ("postgresql://h?foo=bar", "invalid URI query parameter: \"foo\""),
            ("postgresql://h?ssl=false", "invalid URI query parameter: \"ssl\""),
            (
                "postgresql://[::1",
                "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://[::1\"",
            ),
            ("postgresql://[]", "IPv6 host address may not be empty in URI: \"postgresql://[]\""),
            (
                "postgresql://[::1]x",
                "unexpected character \"x\" at position 19 in URI (expected \":\" or \"/\"): \"postgresql://[::1]x\"",
            ),
            ("postgresql://h?a", "missing key/value separator \"=\" in URI query parameter: \"a\""),
            ("postgresql://h?host=x&&port=1", "missing key/value separator \"=\" in URI query parameter: \"\""),
            ("postgresql://h?a=b=c", "extra key/value separator \"=\" in URI query parameter: \"a\""),
            ("postgresql://h/%zz", "invalid percent-encoded token: \"%zz\""),
            ("postgresql://h/a%4", "invalid percent-encoded token: \"a%4\""),
            ("postgresql://h/a%00", "forbidden value %00 in percent-encoded value: \"a%00\""),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_conninfo(input, false).unwrap_err().to_string(),
                *expected,
                "{input}"
            );
        }
    }
}

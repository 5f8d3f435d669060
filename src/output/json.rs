//! JSON output (qadmin's own; psql has none).
//!
//! One JSON document per result, streamed row by row:
//! ```text
//! [
//! {"id":1,"name":"a","tags":["x"],"ok":true,"note":null},
//! {"id":2,"name":"b","tags":[],"ok":false,"note":"n"}
//! ]
//! ```
//! and `[]` for an empty result. Each row is one line. The value type
//! follows the column's type OID: the integer, float, numeric, oid, xid and
//! cid types give numbers when the text is a valid JSON number (`NaN`,
//! `Infinity` and `-Infinity` give strings), `bool` gives `true`/`false`,
//! `json`/`jsonb` are embedded as they are (a `json` value spread over
//! several lines is compacted to keep one row per line), NULL gives `null`,
//! everything else gives a string. Duplicate column names are kept as they
//! come: the object then has duplicate keys, which JSON allows.

use std::io::{self, Write};

use super::{Column, Row};

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Bool,
    Json,
    Text,
}

fn kind(oid: u32) -> Kind {
    match oid {
        // int8, int2, int4, oid, xid, cid, float4, float8, numeric, xid8
        20 | 21 | 23 | 26 | 28 | 29 | 700 | 701 | 1700 | 5069 => Kind::Number,
        16 => Kind::Bool,
        114 | 3802 => Kind::Json,
        _ => Kind::Text,
    }
}

/// Appends `s` as a JSON string (escaped by serde_json).
pub(crate) fn push_string(buf: &mut Vec<u8>, s: &str) {
    // Serializing a str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, s);
}

/// True when `s` is a number in JSON's grammar.
fn is_json_number(s: &[u8]) -> bool {
    let n = s.len();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < n && s[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if i < n && s[i] == b'-' {
        i += 1;
    }
    if i < n && s[i] == b'0' {
        i += 1;
    } else if !digits(&mut i) {
        return false;
    }
    if i < n && s[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < n && (s[i] == b'e' || s[i] == b'E') {
        i += 1;
        if i < n && (s[i] == b'+' || s[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == n
}

/// Appends a JSON text without whitespace outside strings.
fn push_compact_json(buf: &mut Vec<u8>, s: &str) {
    let mut in_string = false;
    let mut escaped = false;
    for &b in s.as_bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            continue;
        } else if b == b'"' {
            in_string = true;
        }
        buf.push(b);
    }
}

/// State of the JSON printer for one result.
pub(crate) struct Json {
    /// `"name":` of each column, escaped.
    keys: Vec<Vec<u8>>,
    kinds: Vec<Kind>,
    /// `[` has been written.
    open: bool,
    /// At least one row has been written.
    any_row: bool,
}

impl Json {
    pub(crate) fn new(columns: &[Column]) -> Self {
        let keys = columns
            .iter()
            .map(|c| {
                let mut key = Vec::with_capacity(c.name.len() + 3);
                push_string(&mut key, &c.name);
                key.push(b':');
                key
            })
            .collect();
        Json {
            keys,
            kinds: columns.iter().map(|c| kind(c.type_oid)).collect(),
            open: false,
            any_row: false,
        }
    }

    pub(crate) fn batch<R: Row>(
        &mut self,
        buf: &mut Vec<u8>,
        w: &mut dyn Write,
        rows: &[R],
    ) -> io::Result<()> {
        if !self.open {
            buf.push(b'[');
            self.open = true;
        }
        for row in rows {
            buf.extend_from_slice(if self.any_row { b",\n{" } else { b"\n{" });
            self.any_row = true;
            for (j, (key, &kind)) in self.keys.iter().zip(&self.kinds).enumerate() {
                if j > 0 {
                    buf.push(b',');
                }
                buf.extend_from_slice(key);
                let Some(v) = row.cell(j) else {
                    buf.extend_from_slice(b"null");
                    continue;
                };
                match kind {
                    Kind::Number if is_json_number(v.as_bytes()) => {
                        buf.extend_from_slice(v.as_bytes());
                    }
                    Kind::Bool if v == "t" => buf.extend_from_slice(b"true"),
                    Kind::Bool if v == "f" => buf.extend_from_slice(b"false"),
                    Kind::Json if !v.is_empty() => {
                        if v.bytes().any(|b| b == b'\n' || b == b'\r') {
                            push_compact_json(buf, v);
                        } else {
                            buf.extend_from_slice(v.as_bytes());
                        }
                    }
                    _ => push_string(buf, v),
                }
            }
            buf.push(b'}');
            super::maybe_flush(buf, w)?;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>) {
        if !self.open {
            buf.push(b'[');
        }
        buf.extend_from_slice(if self.any_row { b"\n]\n" } else { b"]\n" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for ok in [
            "0",
            "-0",
            "1",
            "-12",
            "1.5",
            "0.000",
            "1e+20",
            "1.5E-05",
            "123456789012345678901234567890",
        ] {
            assert!(is_json_number(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "",
            "-",
            "NaN",
            "Infinity",
            "-Infinity",
            "01",
            "1.",
            ".5",
            "1e",
            "+1",
            "1e+",
            " 1",
            "$1.00",
            "1,5",
        ] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn compact() {
        let mut buf = Vec::new();
        push_compact_json(
            &mut buf,
            "{\n  \"a b\": [1,\r\n 2],\n \"c\\\" d\": \"x\\\\\"\n}",
        );
        assert_eq!(
            String::from_utf8(buf).expect("utf8"),
            r#"{"a b":[1,2],"c\" d":"x\\"}"#
        );
    }
}

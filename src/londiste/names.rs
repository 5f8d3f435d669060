//! Londiste's names: full `schema.name` names, the url encoding of table
//! attributes (skytools' `db_urlencode`), and the `*` / `?` patterns that
//! `add`, `remove` and `resync` expand as the reference tool does.

/// Londiste's full name: `public.` added when there is no dot
/// (`londiste.make_fqname`).
pub fn fq_name(name: &str) -> String {
    if name.contains('.') {
        name.to_string()
    } else {
        format!("public.{name}")
    }
}

/// Url-encode pairs as skytools' `db_urlencode` does (its C version):
/// letters, digits and `_.-` stay, space becomes `+`, everything else
/// `%xx` in lower case.
pub fn urlencode(pairs: &[(String, String)]) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => out.push(b as char),
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02x}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

/// Decode `k=v&k2&...` (a key without `=` has no value), as the table
/// attributes are stored.
pub fn urldecode(s: &str) -> Vec<(String, Option<String>)> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    fn dec(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    s.split('&')
        .filter(|e| !e.is_empty())
        .map(|e| match e.split_once('=') {
            Some((k, v)) => (dec(k), Some(dec(v))),
            None => (dec(e), None),
        })
        .collect()
}

fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// `*` any run of characters, `?` one character, everything else itself.
fn glob_match(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The names an argument list means.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Expanded {
    /// To act on, in order, without duplicates.
    pub(super) names: Vec<String>,
    /// Named but already done (added already / nothing to do).
    pub(super) done: Vec<String>,
    /// Named, matching nothing.
    pub(super) unknown: Vec<String>,
}

/// Expand `args` (names or patterns) against the `candidates` to act on
/// and the names already `done`; with `allow_unknown`, a plain name that
/// is in neither list is kept (a handler that needs no table).
pub(super) fn expand<S: AsRef<str>>(
    args: &[S],
    candidates: &[String],
    done: &[String],
    allow_unknown: bool,
) -> Expanded {
    let mut out = Expanded::default();
    for arg in args {
        let arg = arg.as_ref();
        if is_pattern(arg) {
            let pat = fq_name(arg);
            let mut hit = false;
            for c in candidates.iter().filter(|c| glob_match(&pat, c)) {
                hit = true;
                if !out.names.contains(c) {
                    out.names.push(c.clone());
                }
            }
            for d in done.iter().filter(|d| glob_match(&pat, d)) {
                hit = true;
                if !out.done.contains(d) {
                    out.done.push(d.clone());
                }
            }
            if !hit {
                out.unknown.push(arg.to_string());
            }
        } else {
            let name = fq_name(arg);
            if candidates.contains(&name) || (allow_unknown && !done.contains(&name)) {
                if !out.names.contains(&name) {
                    out.names.push(name);
                }
            } else if done.contains(&name) {
                if !out.done.contains(&name) {
                    out.done.push(name);
                }
            } else {
                out.unknown.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn urlencode_matches_skytools_c_version() {
        let pairs = vec![
            ("handler".to_string(), "dispatch(a=1&b=x y)".to_string()),
            ("k~*".to_string(), "ä/.-_!'()".to_string()),
            ("e".to_string(), String::new()),
        ];
        assert_eq!(
            urlencode(&pairs),
            "handler=dispatch%28a%3d1%26b%3dx+y%29&k%7e%2a=%c3%a4%2f.-_%21%27%28%29&e="
        );
    }

    #[test]
    fn urldecode_reads_both_cases_and_bare_keys() {
        assert_eq!(
            urldecode("a=b+c%20d&x&h=q%28%3D%29&bad=%zz&end=%4"),
            vec![
                ("a".to_string(), Some("b c d".to_string())),
                ("x".to_string(), None),
                ("h".to_string(), Some("q(=)".to_string())),
                ("bad".to_string(), Some("%zz".to_string())),
                ("end".to_string(), Some("%4".to_string())),
            ]
        );
        let pairs = vec![("handler".to_string(), "x(k=v w)".to_string())];
        assert_eq!(
            urldecode(&urlencode(&pairs)),
            vec![("handler".to_string(), Some("x(k=v w)".to_string()))]
        );
    }

    #[test]
    fn globs_match_like_the_reference() {
        assert!(glob_match("public.*", "public.t1"));
        assert!(glob_match("public.t?", "public.t1"));
        assert!(!glob_match("public.t?", "public.t12"));
        assert!(glob_match("*.a*b", "x.aXXb"));
        assert!(!glob_match("public.t", "public.tt"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn expand_names_patterns_and_unknowns() {
        let cand = s(&["public.a1", "public.a2", "x.b"]);
        let done = s(&["public.done"]);
        let e = expand(
            &["a*", "x.b", "public.a1", "done", "nope"],
            &cand,
            &done,
            false,
        );
        assert_eq!(e.names, s(&["public.a1", "public.a2", "x.b"]));
        assert_eq!(e.done, s(&["public.done"]));
        assert_eq!(e.unknown, s(&["public.nope"]));
        let e = expand(&["virtual"], &cand, &done, true);
        assert_eq!(e.names, s(&["public.virtual"]));
        let e = expand(&["zz*"], &cand, &done, true);
        assert_eq!(e.unknown, s(&["zz*"]));
    }
}

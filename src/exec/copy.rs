//! psql's `\copy`: a COPY whose file is on the client. The line is read
//! as psql reads it (`table [(cols)] | (query)`, `from | to`, a file name,
//! `program 'cmd'`, `stdin`, `stdout`, `pstdin`, `pstdout`, then the
//! options), turned into `COPY ... FROM STDIN` / `TO STDOUT`, and run as
//! any COPY with the file as its data or its output.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use super::{run_sql_copy, run_sql_with, CopyInput, Outcome, StdinCopy};
use crate::session::Session;

/// Where `\copy` reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    /// A file on the client.
    File(String),
    /// A shell command (`program 'cmd'`).
    Program(String),
    /// `stdin` / `stdout`: the script's input, the query output.
    Current,
    /// `pstdin` / `pstdout`: qadmin's own standard input or output.
    Process,
}

/// A parsed `\copy` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SlashCopy {
    /// The table (with columns) or the parenthesised query.
    what: String,
    /// `from` (true) or `to`.
    from: bool,
    place: Place,
    /// Options and WHERE, as written.
    rest: String,
}

impl SlashCopy {
    fn sql(&self) -> String {
        let dir = if self.from { "FROM STDIN" } else { "TO STDOUT" };
        let rest = self.rest.trim().trim_end_matches(';').trim_end();
        if rest.is_empty() {
            format!("COPY {} {dir}", self.what)
        } else {
            format!("COPY {} {dir} {rest}", self.what)
        }
    }
}

/// Read a single-quoted token at the start of `s` (psql's rules: `''` is
/// a quote); returns the value and what follows.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut chars = s.char_indices().skip(1).peekable();
    let mut v = String::new();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|p| p.1) == Some('\'') {
                chars.next();
                v.push('\'');
                continue;
            }
            return Some((v, &s[i + 1..]));
        }
        v.push(c);
    }
    None
}

/// Split off the table (with its column list) or `( query )`.
fn target(s: &str) -> Result<(String, &str), String> {
    let s = s.trim_start();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                c if c.is_whitespace() && depth == 0 => {
                    // A column list may follow the table after a space.
                    let rest = s[i..].trim_start();
                    if !rest.starts_with('(') || s.starts_with('(') {
                        end = i;
                        break;
                    }
                }
                _ => {}
            },
        }
    }
    let what = s[..end].trim();
    if what.is_empty() {
        return Err("\\copy: arguments required".into());
    }
    Ok((what.to_string(), &s[end..]))
}

fn parse(line: &str) -> Result<SlashCopy, String> {
    let (what, rest) = target(line)?;
    let rest = rest.trim_start();
    let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let from = match rest[..word_end].to_ascii_lowercase().as_str() {
        "from" => true,
        "to" => false,
        _ => return Err(format!("\\copy: parse error at \"{}\"", first_word(rest))),
    };
    let rest = rest[word_end..].trim_start();
    if rest.is_empty() {
        return Err("\\copy: parse error at end of line".into());
    }
    let (place, rest) = if rest.starts_with('\'') {
        let (v, r) = quoted(rest).ok_or("\\copy: parse error at end of line")?;
        (Place::File(v), r)
    } else {
        // psql's tokenizer stops a word at `;` too (`to stdout;`).
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ';')
            .unwrap_or(rest.len());
        let word = &rest[..end];
        match word.to_ascii_lowercase().as_str() {
            "program" => {
                let r = rest[end..].trim_start();
                if !r.starts_with('\'') {
                    return Err("\\copy: parse error at end of line".into());
                }
                let (v, r) = quoted(r).ok_or("\\copy: parse error at end of line")?;
                (Place::Program(v), r)
            }
            "stdin" if from => (Place::Current, &rest[end..]),
            "stdout" if !from => (Place::Current, &rest[end..]),
            "pstdin" if from => (Place::Process, &rest[end..]),
            "pstdout" if !from => (Place::Process, &rest[end..]),
            _ => (Place::File(word.to_string()), &rest[end..]),
        }
    };
    Ok(SlashCopy {
        what,
        from,
        place,
        rest: rest.trim().to_string(),
    })
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// `~/` at the start of a file name is the home directory, as in psql.
fn expand(name: &str) -> String {
    match (name.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => name.to_string(),
    }
}

/// A reader as COPY data.
struct Lines<R: BufRead>(R);

impl<R: BufRead> CopyInput for Lines<R> {
    fn next_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<bool> {
        Ok(self.0.read_until(b'\n', line)? > 0)
    }
}

fn child_done(s: &Session, child: Option<Child>) -> bool {
    match child.map(|mut c| c.wait()) {
        Some(Ok(st)) if !st.success() => {
            s.client_error("\\copy: program failed");
            false
        }
        Some(Err(e)) => {
            s.client_error(&format!("\\copy: {e}"));
            false
        }
        _ => true,
    }
}

/// Run `\copy ARGS`; `input` is the statement loop's input (for `from
/// stdin`), `out` the query output (for `to stdout`).
pub fn slash_copy(
    s: &mut Session,
    args: &str,
    out: &mut dyn Write,
    input: &mut dyn CopyInput,
) -> Outcome {
    let c = match parse(args) {
        Ok(c) => c,
        Err(m) => {
            s.client_error(&m);
            return Outcome::Failed;
        }
    };
    let sql = c.sql();
    let fail = |s: &Session, name: &str, e: std::io::Error| {
        s.client_error(&format!("{name}: {}", crate::io_reason(&e)));
        Outcome::Failed
    };
    if c.from {
        match &c.place {
            Place::Current => run_sql_with(s, &sql, out, input),
            Place::Process => run_sql_with(s, &sql, out, &mut StdinCopy::for_session(s)),
            Place::File(name) => match std::fs::File::open(expand(name)) {
                Ok(f) => run_sql_with(s, &sql, out, &mut Lines(BufReader::new(f))),
                Err(e) => fail(s, name, e),
            },
            Place::Program(cmd) => {
                let child = Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .stdout(Stdio::piped())
                    .spawn();
                match child {
                    Ok(mut ch) => {
                        let Some(stdout) = ch.stdout.take() else {
                            return Outcome::Failed;
                        };
                        let o = run_sql_with(s, &sql, out, &mut Lines(BufReader::new(stdout)));
                        if child_done(s, Some(ch)) {
                            o
                        } else {
                            Outcome::Failed
                        }
                    }
                    Err(e) => fail(s, cmd, e),
                }
            }
        }
    } else {
        match &c.place {
            Place::Current => {
                run_sql_copy(s, &sql, out, &mut StdinCopy::for_session(s), None, true)
            }
            Place::Process => {
                let mut so = std::io::stdout();
                run_sql_copy(
                    s,
                    &sql,
                    out,
                    &mut StdinCopy::for_session(s),
                    Some(&mut so),
                    true,
                )
            }
            Place::File(name) => match std::fs::File::create(expand(name)) {
                Ok(f) => {
                    let mut w = std::io::BufWriter::new(f);
                    let o = run_sql_copy(
                        s,
                        &sql,
                        out,
                        &mut StdinCopy::for_session(s),
                        Some(&mut w),
                        true,
                    );
                    match w.flush() {
                        Ok(()) => o,
                        Err(e) => fail(s, name, e),
                    }
                }
                Err(e) => fail(s, name, e),
            },
            Place::Program(cmd) => {
                let child = Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .stdin(Stdio::piped())
                    .spawn();
                match child {
                    Ok(mut ch) => {
                        let o = match ch.stdin.take() {
                            Some(stdin) => {
                                let mut w = std::io::BufWriter::new(stdin);
                                let o = run_sql_copy(
                                    s,
                                    &sql,
                                    out,
                                    &mut StdinCopy::for_session(s),
                                    Some(&mut w),
                                    // psql prints no status after a COPY
                                    // to a program.
                                    false,
                                );
                                let _ = w.flush();
                                o
                            }
                            None => Outcome::Failed,
                        };
                        if child_done(s, Some(ch)) {
                            o
                        } else {
                            Outcome::Failed
                        }
                    }
                    Err(e) => fail(s, cmd, e),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_copy_lines_become_copy_statements() {
        let c = parse("t from '/tmp/x y.csv' with (format csv)").unwrap();
        assert_eq!(c.place, Place::File("/tmp/x y.csv".into()));
        assert_eq!(c.sql(), "COPY t FROM STDIN with (format csv)");
        let c = parse("public.t (a, \"B c\") to stdout").unwrap();
        assert_eq!(
            (c.place.clone(), c.sql()),
            (
                Place::Current,
                "COPY public.t (a, \"B c\") TO STDOUT".into()
            )
        );
        let c = parse("(select 1 from t where b = 'x y') TO program 'gzip > o.gz' csv").unwrap();
        assert_eq!(c.place, Place::Program("gzip > o.gz".into()));
        assert_eq!(
            c.sql(),
            "COPY (select 1 from t where b = 'x y') TO STDOUT csv"
        );
        let c = parse("t from pstdin where a > 1").unwrap();
        assert_eq!(
            (c.place.clone(), c.sql()),
            (Place::Process, "COPY t FROM STDIN where a > 1".into())
        );
        let c = parse("t to 'it''s.txt'").unwrap();
        assert_eq!(c.place, Place::File("it's.txt".into()));
        assert!(parse("").is_err());
        assert!(parse("t into x").is_err());
        assert!(parse("t from").is_err());
    }
}

//! psql's `\copy`: a COPY whose file is on the client. The line is read
//! as psql reads it (`table [(cols)] | (query)`, `from | to`, a file name,
//! `program 'cmd'`, `stdin`, `stdout`, `pstdin`, `pstdout`, then the
//! options), turned into the statement psql's `do_copy` builds (`COPY  t
//! FROM STDIN ...`), and run as any COPY with the file as its data or its
//! output: to the `\o` target, in the `-L` log, timed by `\timing`, with
//! psql's rule for its `COPY n` (none when the data went to the query
//! output).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use crate::exec::{run_sql_copy, run_sql_with, CopyInput, Outcome, StdinCopy};
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
    /// The statement psql builds (`do_copy`): `COPY `, the target as its
    /// tokenizer re-joins it (every token after a space), ` FROM STDIN ` /
    /// ` TO STDOUT `, then the rest of the line as typed. The server's
    /// error positions count in this text.
    fn sql(&self) -> String {
        let dir = if self.from {
            " FROM STDIN "
        } else {
            " TO STDOUT "
        };
        let mut q = String::from("COPY ");
        for (i, tok) in tokens(&self.what).into_iter().enumerate() {
            // psql's old `\copy binary t ...` keeps `binary` unspaced.
            if i > 0 || !tok.eq_ignore_ascii_case("binary") {
                q.push(' ');
            }
            q.push_str(tok);
        }
        q.push_str(dir);
        q.push_str(&self.rest);
        q
    }
}

/// psql's `strtokx` over the target: `(` and `)` alone, a quoted name or
/// literal (`E'..'` with backslash escapes) whole, other words up to a
/// space, a parenthesis or a quote.
fn spans(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == b'(' || c == b')' {
            i += 1;
        } else if c == b'\''
            || c == b'"'
            || (matches!(c, b'E' | b'e') && b.get(i + 1) == Some(&b'\''))
        {
            let escape = c != b'\'' && c != b'"';
            if escape {
                i += 1;
            }
            let c = b[i];
            i += 1;
            while i < b.len() {
                if escape && b[i] == b'\\' && i + 1 < b.len() {
                    i += 2;
                    continue;
                }
                if b[i] == c {
                    if b.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        } else {
            while i < b.len() && !b" \t\n\r()'\"".contains(&b[i]) {
                i += 1;
            }
        }
        out.push((start, i));
    }
    out
}

fn tokens(s: &str) -> Vec<&str> {
    spans(s).into_iter().map(|(a, b)| &s[a..b]).collect()
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

/// Split off the table (with its column list) or `( query )` as psql's
/// parse_slash_copy does, token by token; an error names the token where
/// the target ends too soon.
fn target(s: &str) -> Result<(String, &str), String> {
    let sp = spans(s);
    let tok = |i: usize| sp.get(i).map(|&(a, b)| &s[a..b]);
    let end_of_line = || "\\copy: parse error at end of line".to_string();
    if sp.is_empty() {
        return Err("\\copy: arguments required".into());
    }
    // psql still reads 7.3's `\copy binary TABLE ...`.
    let mut i = usize::from(tok(0).is_some_and(|t| t.eq_ignore_ascii_case("binary")));
    if tok(i).is_none() {
        return Err(end_of_line());
    }
    if tok(i) == Some("(") {
        let mut depth = 0usize;
        loop {
            match tok(i) {
                Some("(") => depth += 1,
                Some(")") => depth -= 1,
                Some(_) => {}
                None => return Err(end_of_line()),
            }
            i += 1;
            if depth == 0 {
                break;
            }
        }
    } else {
        i += 1;
        if tok(i) == Some("(") {
            loop {
                match tok(i) {
                    Some(")") => break,
                    Some(_) => i += 1,
                    None => return Err(end_of_line()),
                }
            }
            i += 1;
        }
    }
    let end = sp[i - 1].1;
    Ok((s[..end].trim().to_string(), &s[end..]))
}

fn parse(line: &str) -> Result<SlashCopy, String> {
    let (what, rest) = target(line)?;
    let rest = rest.trim_start();
    let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let from = match rest[..word_end].to_ascii_lowercase().as_str() {
        "from" => true,
        "to" => false,
        "" => return Err("\\copy: parse error at end of line".into()),
        _ => return Err(format!("\\copy: parse error at \"{}\"", first_word(rest))),
    };
    let rest = rest[word_end..].trim_start();
    if rest.is_empty() {
        return Err("\\copy: parse error at end of line".into());
    }
    let (place, rest) = if rest.starts_with('\'') {
        let (v, r) = quoted(rest).ok_or("\\copy: parse error at end of line")?;
        (Place::File(super::tilde::expand_tilde(&v)), r)
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
            _ => (Place::File(super::tilde::expand_tilde(word)), &rest[end..]),
        }
    };
    // psql's tokenizer ends the file word at the character after it (a
    // space, or a `;` it keeps); the rest goes to the server as typed.
    let rest = match rest.chars().next() {
        Some(c) if c.is_whitespace() => &rest[c.len_utf8()..],
        _ => rest,
    };
    Ok(SlashCopy {
        what,
        from,
        place,
        rest: rest.to_string(),
    })
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
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
/// stdin`), `out` the standard output. As psql's SendQuery: the query
/// output is the `\o` target when there is one, the COPY statement goes
/// to the `-L` log, and `\timing` shows its time on standard output.
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
    let mut began = None;
    let o = match s.output.take() {
        Some(mut target) => {
            let color = std::mem::replace(&mut s.settings.print.color, false);
            let o = run(s, &c, &mut target, input, true, &mut began);
            s.settings.print.color = color;
            if let Err(e) = target.flush() {
                s.client_error(&format!("{}: {}", target.name, crate::io_reason(&e)));
            }
            s.output = Some(target);
            o
        }
        None => run(s, &c, out, input, false, &mut began),
    };
    if let (Some(t), true) = (began, s.settings.timing) {
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let _ = writeln!(out, "{}", super::meta::format_timing(ms));
    }
    let _ = out.flush();
    o
}

/// Send the COPY as psql's SendQuery sends a statement: logged (`-L`),
/// timed (`\timing`), in a transaction AUTOCOMMIT off opens, under
/// ON_ERROR_ROLLBACK's savepoint, the result variables set after it.
fn send(
    s: &mut Session,
    sql: &str,
    began: &mut Option<std::time::Instant>,
    run: impl FnOnce(&mut Session) -> Outcome,
) -> Outcome {
    if let Some(log) = s.log_file.as_mut() {
        let _ = write!(
            log,
            "********* QUERY **********\n{sql}\n**************************\n\n"
        );
        let _ = log.flush();
    }
    *began = Some(std::time::Instant::now());
    super::send::send_with(s, sql, |s| {
        let o = run(s);
        if o != Outcome::ConnectionLost {
            s.set_result_vars();
        }
        o
    })
}

/// Open the file or start the program of `c` and run its COPY; `out` is
/// the query output, `redirected` whether that is a `\o` target.
fn run(
    s: &mut Session,
    c: &SlashCopy,
    out: &mut dyn Write,
    input: &mut dyn CopyInput,
    redirected: bool,
    began: &mut Option<std::time::Instant>,
) -> Outcome {
    let sql = c.sql();
    let sql = sql.as_str();
    let fail = |s: &Session, name: &str, e: std::io::Error| {
        s.client_error(&format!("{name}: {}", crate::io_reason(&e)));
        Outcome::Failed
    };
    // COPY FROM always shows its `COPY n`. COPY TO shows it unless the
    // data went where the tag would go, the query output (psql's
    // HandleCopyResult): not after `to stdout`, after `to pstdout` only
    // under `\o`.
    if c.from {
        match &c.place {
            Place::Current => send(s, sql, began, |s| run_sql_with(s, sql, out, input)),
            Place::Process => send(s, sql, began, |s| {
                run_sql_with(s, sql, out, &mut StdinCopy::for_session(s))
            }),
            Place::File(name) => match std::fs::File::open(name) {
                Ok(f) => send(s, sql, began, |s| {
                    run_sql_with(s, sql, out, &mut Lines(BufReader::new(f)))
                }),
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
                        let o = send(s, sql, began, |s| {
                            run_sql_with(s, sql, out, &mut Lines(BufReader::new(stdout)))
                        });
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
            Place::Current => send(s, sql, began, |s| {
                run_sql_copy(s, sql, out, &mut StdinCopy::for_session(s), None, false)
            }),
            Place::Process => {
                let mut so = std::io::stdout();
                send(s, sql, began, |s| {
                    let input = &mut StdinCopy::for_session(s);
                    run_sql_copy(s, sql, out, input, Some(&mut so), redirected)
                })
            }
            Place::File(name) => match std::fs::File::create(name) {
                Ok(f) => {
                    let mut w = std::io::BufWriter::new(f);
                    let o = send(s, sql, began, |s| {
                        let input = &mut StdinCopy::for_session(s);
                        run_sql_copy(s, sql, out, input, Some(&mut w), true)
                    });
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
                                let o = send(s, sql, began, |s| {
                                    let input = &mut StdinCopy::for_session(s);
                                    run_sql_copy(s, sql, out, input, Some(&mut w), true)
                                });
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
        assert_eq!(c.sql(), "COPY  t FROM STDIN with (format csv)");
        let c = parse("public.t (a, \"B c\") to stdout").unwrap();
        assert_eq!(
            (c.place.clone(), c.sql()),
            (
                Place::Current,
                "COPY  public.t ( a, \"B c\" ) TO STDOUT ".into()
            )
        );
        let c = parse("(select 1 from t where b = 'x y') TO program 'gzip > o.gz' csv").unwrap();
        assert_eq!(c.place, Place::Program("gzip > o.gz".into()));
        assert_eq!(
            c.sql(),
            "COPY  ( select 1 from t where b = 'x y' ) TO STDOUT csv"
        );
        let c = parse("t from pstdin where a > 1").unwrap();
        assert_eq!(
            (c.place.clone(), c.sql()),
            (Place::Process, "COPY  t FROM STDIN where a > 1".into())
        );
        let c = parse("t to 'it''s.txt'").unwrap();
        assert_eq!(c.place, Place::File("it's.txt".into()));
        let c = parse("(select E'a\\'(' ||'b''c'::text) to stdout;").unwrap();
        assert_eq!(
            c.sql(),
            "COPY  ( select E'a\\'(' || 'b''c' ::text ) TO STDOUT ;"
        );
        let c = parse("binary t to stdout").unwrap();
        assert_eq!(c.sql(), "COPY binary t TO STDOUT ");
        assert!(parse("binary").is_err());
        assert!(parse("").is_err());
        assert!(parse("t into x").is_err());
        assert!(parse("t from").is_err());
    }
}

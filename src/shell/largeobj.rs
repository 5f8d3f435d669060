//! psql's large-object commands: `\lo_import FILE [COMMENT]`,
//! `\lo_export LOID FILE`, `\lo_unlink LOID` (`\lo_list` and `\dl` are
//! listings of [`crate::shell::describe`]).
//!
//! As psql (`large_obj.c`): outside a transaction block each runs in a
//! transaction of its own (BEGIN, then COMMIT when AUTOCOMMIT is on, or
//! ROLLBACK when it fails); in a failed block it refuses. Success prints
//! `lo_import OID`, `lo_export`, `lo_unlink OID` (not with `-q`);
//! `\lo_import` sets LASTOID. A LOID is read as psql's `atooid` does
//! (leading digits, else 0). libpq moves the data with the server's
//! large-object functions; qadmin does the same through SQL
//! (`lo_create`, `lo_put`, `lo_get`) in 1 MiB pieces, the values as bind
//! parameters.

use std::io::{Read, Write};

use super::tilde::expand_tilde;
use crate::db::{Error, TxStatus};
use crate::exec::Outcome;
use crate::session::Session;

/// The size of one piece moved to or from the server.
const CHUNK: usize = 1 << 20;

/// Run `\lo_import`, `\lo_export` or `\lo_unlink` (`cmd` with its
/// backslash) with its arguments.
pub fn run(s: &mut Session, cmd: &str, a: &[&str], out: &mut dyn Write) -> Outcome {
    let missing = |s: &Session| {
        s.client_error(&format!("{cmd}: missing required argument"));
        Outcome::Failed
    };
    match cmd {
        "\\lo_import" => match a.first() {
            Some(file) => import(s, &expand_tilde(file), a.get(1).copied(), out),
            None => missing(s),
        },
        "\\lo_export" => match (a.first(), a.get(1)) {
            (Some(loid), Some(file)) => export(s, atooid(loid), &expand_tilde(file), out),
            _ => missing(s),
        },
        "\\lo_unlink" => match a.first() {
            Some(loid) => unlink(s, atooid(loid), out),
            None => missing(s),
        },
        _ => {
            s.client_error(&format!("invalid command {cmd}"));
            Outcome::Failed
        }
    }
}

/// psql's `atooid`: the leading decimal digits as an OID (`strtoul`,
/// wrapped to 32 bits), 0 without any.
fn atooid(text: &str) -> u32 {
    let t = text.trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u64>() {
        Ok(v) => v as u32,
        Err(_) if digits.is_empty() => 0,
        Err(_) => u32::MAX,
    }
}

/// psql's `start_lo_xact`: whether we began the transaction ourselves,
/// or `None` (reported) when the command cannot run.
fn start(s: &mut Session, cmd: &str) -> Option<bool> {
    let status = match s.client() {
        Some(c) => c.tx_status(),
        None => {
            s.client_error(&format!("{cmd}: not connected to a database"));
            return None;
        }
    };
    match status {
        TxStatus::Idle => {
            hidden(s, "BEGIN").ok()?;
            Some(true)
        }
        TxStatus::InTx => Some(false),
        TxStatus::Failed => {
            s.client_error(&format!("{cmd}: current transaction is aborted"));
            None
        }
    }
}

/// psql's `finish_lo_xact`: COMMIT what we began (AUTOCOMMIT on).
fn finish(s: &mut Session, own: bool) -> bool {
    if own && s.settings.autocommit && hidden(s, "COMMIT").is_err() {
        let _ = hidden(s, "ROLLBACK");
        return false;
    }
    true
}

/// psql's `fail_lo_xact`: roll back what we began.
fn fail(s: &mut Session, own: bool) -> Outcome {
    if own {
        let _ = hidden(s, "ROLLBACK");
    }
    Outcome::Failed
}

/// A statement of psql's own around the command; its error reported.
fn hidden(s: &mut Session, sql: &str) -> Result<(), ()> {
    let r = match s.client() {
        Some(c) => c.simple_query(sql).map(|_| ()),
        None => return Err(()),
    };
    r.map_err(|e| report(s, &e))
}

/// A failed large-object call, as psql prints libpq's message.
fn report(s: &mut Session, e: &Error) {
    match e.as_db_error() {
        Some(db) => s.error_text(&crate::exec::report::format_db_error_styled(
            db,
            None,
            true,
            s.message_style(),
        )),
        None => s.error(&e.to_string()),
    }
}

/// `lo_import OID` and the like, unless quiet (psql's `print_lo_result`).
fn result(s: &mut Session, text: &str, out: &mut dyn Write) {
    if s.settings.quiet {
        return;
    }
    match s.output.as_mut() {
        Some(t) => {
            let _ = writeln!(t, "{text}");
            let _ = t.flush();
        }
        None => {
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut h = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        h.push_str(&format!("{b:02x}"));
    }
    h
}

fn unhex(text: &str) -> Vec<u8> {
    text.as_bytes()
        .chunks(2)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter_map(|p| u8::from_str_radix(p, 16).ok())
        .collect()
}

/// `\lo_import FILE [COMMENT]`.
fn import(s: &mut Session, file: &str, comment: Option<&str>, out: &mut dyn Write) -> Outcome {
    let Some(own) = start(s, "\\lo_import") else {
        return Outcome::Failed;
    };
    // libpq opens the file before it creates the object.
    let mut f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) => {
            s.error(&format!(
                "could not open file \"{file}\": {}",
                crate::io_reason(&e)
            ));
            return fail(s, own);
        }
    };
    let loid = match copy_in(s, &mut f, file) {
        Ok(oid) => oid,
        Err(()) => return fail(s, own),
    };
    if let Some(text) = comment {
        let sql = format!(
            "COMMENT ON LARGE OBJECT {loid} IS {}",
            crate::lex::vars::literal(text)
        );
        if hidden(s, &sql).is_err() {
            return fail(s, own);
        }
    }
    if !finish(s, own) {
        return Outcome::Failed;
    }
    result(s, &format!("lo_import {loid}"), out);
    s.put_var("LASTOID", &loid.to_string());
    Outcome::Ok
}

/// Create a large object and write the file into it; its OID.
fn copy_in(s: &mut Session, f: &mut std::fs::File, file: &str) -> Result<u32, ()> {
    let created = match s.client() {
        Some(c) => c
            .query_one("SELECT pg_catalog.lo_create(0)::pg_catalog.text", &[])
            .map(|r| r.get::<_, String>(0)),
        None => return Err(()),
    };
    let loid: u32 = match created {
        Ok(t) => t.parse().unwrap_or(0),
        Err(e) => {
            report(s, &e);
            return Err(());
        }
    };
    let mut buf = vec![0u8; CHUNK];
    let mut offset: u64 = 0;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                s.error(&format!(
                    "could not read from file \"{file}\": {}",
                    crate::io_reason(&e)
                ));
                return Err(());
            }
        };
        let r = match s.client() {
            Some(c) => c.query(
                "SELECT pg_catalog.lo_put($1::pg_catalog.oid, $2::pg_catalog.int8, \
                 pg_catalog.decode($3, 'hex'))",
                &[&loid.to_string(), &offset.to_string(), &hex(&buf[..n])],
            ),
            None => return Err(()),
        };
        if let Err(e) = r {
            report(s, &e);
            return Err(());
        }
        offset += n as u64;
    }
    Ok(loid)
}

/// `\lo_export LOID FILE`.
fn export(s: &mut Session, loid: u32, file: &str, out: &mut dyn Write) -> Outcome {
    let Some(own) = start(s, "\\lo_export") else {
        return Outcome::Failed;
    };
    // The object first (libpq opens it before the file), then the file.
    let first = match read_piece(s, loid, 0) {
        Ok(p) => p,
        Err(()) => return fail(s, own),
    };
    let mut f = match std::fs::File::create(file) {
        Ok(f) => f,
        Err(e) => {
            s.error(&format!(
                "could not open file \"{file}\": {}",
                crate::io_reason(&e)
            ));
            return fail(s, own);
        }
    };
    let mut piece = first;
    let mut offset: u64 = 0;
    while !piece.is_empty() {
        if let Err(e) = f.write_all(&piece) {
            s.error(&format!(
                "could not write to file \"{file}\": {}",
                crate::io_reason(&e)
            ));
            return fail(s, own);
        }
        offset += piece.len() as u64;
        if piece.len() < CHUNK {
            break;
        }
        piece = match read_piece(s, loid, offset) {
            Ok(p) => p,
            Err(()) => return fail(s, own),
        };
    }
    if !finish(s, own) {
        return Outcome::Failed;
    }
    result(s, "lo_export", out);
    Outcome::Ok
}

/// One piece of a large object from `offset`.
fn read_piece(s: &mut Session, loid: u32, offset: u64) -> Result<Vec<u8>, ()> {
    let r = match s.client() {
        Some(c) => c
            .query_one(
                "SELECT pg_catalog.encode(pg_catalog.lo_get($1::pg_catalog.oid, \
                 $2::pg_catalog.int8, $3::pg_catalog.int4), 'hex')",
                &[&loid.to_string(), &offset.to_string(), &CHUNK.to_string()],
            )
            .map(|r| r.get::<_, String>(0)),
        None => return Err(()),
    };
    match r {
        Ok(h) => Ok(unhex(&h)),
        Err(e) => {
            report(s, &e);
            Err(())
        }
    }
}

/// `\lo_unlink LOID`.
fn unlink(s: &mut Session, loid: u32, out: &mut dyn Write) -> Outcome {
    let Some(own) = start(s, "\\lo_unlink") else {
        return Outcome::Failed;
    };
    let r = match s.client() {
        Some(c) => c
            .query(
                "SELECT pg_catalog.lo_unlink($1::pg_catalog.oid)",
                &[&loid.to_string()],
            )
            .map(|_| ()),
        None => return fail(s, own),
    };
    if let Err(e) = r {
        report(s, &e);
        return fail(s, own);
    }
    if !finish(s, own) {
        return Outcome::Failed;
    }
    result(s, &format!("lo_unlink {loid}"), out);
    Outcome::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loids_read_like_atooid() {
        assert_eq!(atooid("42"), 42);
        assert_eq!(atooid(" 42abc"), 42);
        assert_eq!(atooid("abc"), 0);
        assert_eq!(atooid(""), 0);
        assert_eq!(atooid("4294967295"), u32::MAX);
        assert_eq!(atooid("4294967296"), 0);
    }

    #[test]
    fn hex_round_trips() {
        let b: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&b)), b);
    }
}

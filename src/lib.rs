//! qadmin: an admin shell for PgQ queues, cascaded queues (pgq_node) and
//! Londiste replication on PostgreSQL.
//!
//! A tour of the data flow (see `shared/DESIGN.md`):
//!
//! * [`cli`] turns argv into [`cli::Options`] with psql's spellings.
//! * [`run`] builds a [`session::Session`] (connection, settings, variables)
//!   and feeds it statements from `-c`, `-f`, stdin or the interactive
//!   editor.
//! * [`lex`] is the one lexer that decides where a statement ends
//!   (`;` outside quotes, dollar quotes, comments and parentheses) and which
//!   continuation prompt to show.
//! * [`exec`] runs one statement: SQL goes to the server verbatim, one
//!   round trip, rows printed in batches as they arrive (no cursor), so
//!   memory stays flat; COPY data comes from the statement's input.
//! * [`output`] prints results like psql (aligned, expanded, unaligned, csv)
//!   or as JSON, into any `io::Write`.
//! * [`db`] resolves connection parameters the way libpq does (conninfo,
//!   URI, PG* environment, service file, pgpass), speaks the wire protocol
//!   itself ([`db::client`]: text results, tags, transaction status, COPY),
//!   connects under a deadline of its own, shows notices as they arrive and
//!   cancels queries on Ctrl-C.

pub mod app;
pub mod cascade;
pub mod catalog;
pub mod cli;
pub mod complete;
pub mod db;
pub mod exec;
pub mod input;
pub mod lex;
pub mod londiste;
pub mod output;
pub mod parse;
pub mod pgq;
pub mod session;
pub mod shell;

/// An operating-system error as psql words it: the reason without Rust's
/// "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

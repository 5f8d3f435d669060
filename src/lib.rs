//! qadmin: an admin shell for PgQ queues, cascaded queues (pgq_node) and
//! Londiste replication on PostgreSQL.
//!
//! A tour of the data flow (see `shared/DESIGN.md`); dependencies point
//! down this list, and only [`shell`] loops over statements:
//!
//! * [`cli`] turns argv into [`cli::Options`] with psql's spellings;
//!   [`app`] builds a [`session::Session`] (connection, settings,
//!   variables), runs `~/.qadminrc` and the `-c` / `-f` actions or the
//!   interactive editor, and maps how they ended to psql's exit codes.
//! * [`shell`] is the statement loop: [`shell::script`] reads a script or
//!   stdin line by line, [`shell::repl`] reads the terminal (with the
//!   rustyline parts in [`input`]); both run each
//!   statement through [`shell::script::run_statement`]. A line may be SQL,
//!   a qadmin command (the grammar in [`parse`] reads it) or a
//!   meta-command ([`shell::meta`], which hands `\i`, `\c` and the
//!   query-buffer commands back to the loop as actions). COPY data is read
//!   by the loop from the same input as the statements.
//! * [`parse`] reads a qadmin command with the pest grammar of
//!   `grammar/*.pest` into a typed [`parse::Command`] (SQL only gets its
//!   kind); `build.rs` generates the keyword and command arms of its
//!   exhaustive rule maps from the same files.
//!   [`parse::Command`] is an enum of families; each family's file in
//!   [`parse::command`] holds its commands' AST, lowering and
//!   [`parse::CommandSpec`]s (words, help section, syntax, summary, what
//!   it changes for completion, its status word) together, and
//!   [`parse::spec`] merges them into the command table, which `show
//!   help`, syntax errors, the completion cache and the docs tests read.
//! * [`lex`] is the one lexer: where a statement ends (`;` outside quotes,
//!   dollar quotes, comments and parentheses, following the server's
//!   `standard_conforming_strings`), the continuation prompt, the nesting
//!   bound of the parser and the first word of a statement.
//! * [`exec`] runs one statement: SQL goes to the server verbatim, one
//!   round trip, rows printed in batches as they arrive (no cursor), so
//!   memory stays flat. A qadmin command goes through one dispatch
//!   ([`exec::command`], by family) to its family's file, whose `handle`
//!   matches the family exhaustively and calls the command's handler,
//!   which calls the API modules
//!   ([`pgq`], [`cascade`], [`londiste`], [`catalog`]: the only places with
//!   SQL) and returns a reply (rows, a status word, text, messages);
//!   the status word comes from the command's spec, and
//!   [`exec::reply::show`] prints every reply and maps failures to
//!   outcomes (a lost connection is exit 2 in a script). Only the
//!   progress of long steps is written while a handler runs, to the same
//!   output.
//! * [`complete`] is Tab completion, pure: grammar expectations and a
//!   catalog snapshot in, candidates out.
//! * [`output`] prints results like psql (aligned, expanded, unaligned, csv)
//!   or as JSON, into any `io::Write`; its golden cases
//!   (`src/output/golden/`) are psql's own output, made by the script
//!   beside them.
//! * [`db`] resolves connection parameters the way libpq does (conninfo,
//!   URI, PG* environment, service file, pgpass), speaks the wire protocol
//!   itself ([`db::client`]: text results, tags, transaction status,
//!   ParameterStatus, COPY), connects under a deadline of its own, shows
//!   notices as they arrive and cancels queries on Ctrl-C.

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

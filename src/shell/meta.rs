//! Backslash meta-commands, psql's spellings: `\q`, `\?`, `\x`, `\timing`,
//! `\i`, `\ir`, `\o`, `\echo`, `\qecho`, `\warn`, `\set`, `\unset`,
//! `\getenv`, `\setenv`, `\conninfo`, `\c`, `\password`, `\copy`,
//! `\pset`, `\!`, `\restrict` / `\unrestrict`, and the query-buffer
//! commands `\p`, `\r`, `\e`, `\watch` and the `\g` family (`\g`,
//! `\gx`, also with `(NAME=VALUE ...)` `\pset` options, `\gset`,
//! `\gexec`, `\gdesc`, `\crosstabview`); the large-object commands go to
//! [`crate::shell::largeobj`]. Arguments past a command's own are warned
//! about unevaluated, as psql does.
//! Unknown ones are an error, as in psql (`invalid command \foo`).
//!
//! [`run`] carries out the commands that change the session (settings,
//! variables, connection, output target) and hands back what belongs to
//! the statement loop: the query-buffer commands as a [`BufferCmd`] (the
//! buffer belongs to whoever reads the input) and `\i` files as an
//! [`Include`] (scripts: [`crate::shell::script::run_meta`]). Arguments
//! are read as psql reads them, variables included ([`crate::lex::slash`]);
//! `\?` prints [`HELP`], which `docs/interactive.md` follows.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::tilde::expand_tilde;
use crate::cli::parse_bool;
use crate::db::config::Reconnect;
use crate::db::{ConnParams, Environment};
use crate::exec::Outcome;
use crate::lex::slash;
use crate::session::{OutputTarget, Session};
use crate::shell::send::Go;

/// `\?`: each meta-command's section, syntax and meaning.
pub const HELP: &[(&str, &str, &str)] = &[
    ("General", "\\q", "quit qadmin (also exit, quit, Ctrl-D)"),
    ("General", "\\?", "show this list"),
    ("General", "\\copyright", "qadmin's license"),
    (
        "General",
        "\\restrict KEY",
        "restricted mode: only \\unrestrict KEY runs (pg_dump)",
    ),
    ("General", "\\unrestrict KEY", "leave restricted mode"),
    (
        "Variables",
        "\\prompt [TEXT] NAME",
        "ask for a value and set variable NAME",
    ),
    (
        "General",
        "\\cd [DIR]",
        "change the current working directory",
    ),
    (
        "General",
        "\\s [FILE]",
        "show the history, or save it to FILE",
    ),
    (
        "General",
        "\\h [NAME]",
        "help on syntax of SQL commands, * for all commands",
    ),
    (
        "General",
        "\\! [COMMAND]",
        "run a shell command, or start a shell",
    ),
    (
        "General",
        "\\watch [SEC]",
        "rerun the buffer or last statement every SEC s (2)",
    ),
    (
        "General",
        "\\timing [on|off]",
        "show how long each statement takes",
    ),
    (
        "Query buffer",
        "\\e [FILE] [LINE]",
        "edit the buffer (or last statement, or FILE)",
    ),
    (
        "Query buffer",
        "\\ef [FUNC [LINE]]",
        "edit a function's definition in the editor",
    ),
    (
        "Query buffer",
        "\\ev [VIEW [LINE]]",
        "edit a view's definition in the editor",
    ),
    (
        "Query buffer",
        "\\g [(OPTS)] [FILE|-|COMMAND]",
        "run the buffer (or the last statement again)",
    ),
    (
        "Query buffer",
        "\\gx [FILE|-|COMMAND]",
        "as \\g, in expanded mode",
    ),
    (
        "Query buffer",
        "\\gset [PREFIX]",
        "run the buffer, its one row into variables",
    ),
    (
        "Query buffer",
        "\\gexec",
        "run the buffer, then each value of its result",
    ),
    (
        "Query buffer",
        "\\crosstabview [COLUMNS]",
        "run the buffer, show its result pivoted",
    ),
    (
        "Query buffer",
        "\\gdesc",
        "the buffer's result columns and types, not run",
    ),
    (
        "Query buffer",
        "\\p",
        "show the buffer (or the last statement)",
    ),
    ("Query buffer", "\\r", "clear the query buffer"),
    (
        "Query buffer",
        "\\w FILE",
        "write the buffer (or last statement) to FILE",
    ),
    (
        "Query buffer",
        "\\errverbose",
        "the last error again, in full",
    ),
    (
        "Input/Output",
        "\\echo [-n] TEXT",
        "print TEXT (-n: no newline)",
    ),
    (
        "Input/Output",
        "\\qecho [-n] TEXT",
        "print TEXT to the \\o output",
    ),
    (
        "Input/Output",
        "\\warn [-n] TEXT",
        "print TEXT to standard error",
    ),
    (
        "Input/Output",
        "\\copy ...",
        "COPY with the file on the client (psql's syntax)",
    ),
    ("Input/Output", "\\i FILE", "run the commands in FILE"),
    (
        "Input/Output",
        "\\ir FILE",
        "as \\i, relative to the running script's directory",
    ),
    (
        "Input/Output",
        "\\o [FILE|-]",
        "send results to FILE or |COMMAND (-: to stdout)",
    ),
    ("Conditional", "\\if EXPR", "begin a conditional block"),
    (
        "Conditional",
        "\\elif EXPR",
        "alternative within the current block",
    ),
    (
        "Conditional",
        "\\else",
        "final alternative within the current block",
    ),
    ("Conditional", "\\endif", "end the conditional block"),
    ("Formatting", "\\x [on|off|auto]", "expanded output"),
    (
        "Formatting",
        "\\pset [NAME [VALUE]]",
        "set a table output option (alone: list them)",
    ),
    ("Formatting", "\\a", "toggle aligned / unaligned output"),
    ("Formatting", "\\t [on|off]", "show only rows"),
    (
        "Formatting",
        "\\f [SEP]",
        "field separator for unaligned output",
    ),
    ("Formatting", "\\C [TITLE]", "table title, or unset"),
    ("Formatting", "\\T [ATTRS]", "HTML table attributes"),
    ("Formatting", "\\H", "HTML output on or off"),
    (
        "Informational",
        "\\d[S+] [NAME]",
        "list relations, or describe NAME",
    ),
    ("Informational", "\\dt[S+] [PATTERN]", "tables"),
    ("Informational", "\\di[S+] [PATTERN]", "indexes"),
    ("Informational", "\\ds[S+] [PATTERN]", "sequences"),
    ("Informational", "\\dv[S+] [PATTERN]", "views"),
    ("Informational", "\\dm[S+] [PATTERN]", "materialized views"),
    ("Informational", "\\dE[S+] [PATTERN]", "foreign tables"),
    ("Informational", "\\dn[S+] [PATTERN]", "schemas"),
    ("Informational", "\\du[S+] [PATTERN]", "roles"),
    ("Informational", "\\dg[S+] [PATTERN]", "roles (as \\du)"),
    (
        "Informational",
        "\\df[anptwS+] [PATTERN]",
        "functions (only aggregates, normal, ... )",
    ),
    ("Informational", "\\dx[+] [PATTERN]", "installed extensions"),
    ("Informational", "\\da[S] [PATTERN]", "aggregates"),
    ("Informational", "\\db[+] [PATTERN]", "tablespaces"),
    ("Informational", "\\dT[S+] [PATTERN]", "data types"),
    ("Informational", "\\dD[S+] [PATTERN]", "domains"),
    ("Informational", "\\dy[+] [PATTERN]", "event triggers"),
    ("Informational", "\\dX [PATTERN]", "extended statistics"),
    ("Informational", "\\dRp[+] [PATTERN]", "publications"),
    ("Informational", "\\dRs[+] [PATTERN]", "subscriptions"),
    (
        "Informational",
        "\\dp [PATTERN]",
        "table, view and sequence privileges",
    ),
    ("Informational", "\\z [PATTERN]", "privileges (as \\dp)"),
    ("Informational", "\\l[+] [PATTERN]", "databases"),
    ("Informational", "\\dA[+] [PATTERN]", "access methods"),
    (
        "Informational",
        "\\dAc[+] [AMPTRN [TYPEPTRN]]",
        "operator classes",
    ),
    (
        "Informational",
        "\\dAf[+] [AMPTRN [TYPEPTRN]]",
        "operator families",
    ),
    (
        "Informational",
        "\\dAo[+] [AMPTRN [OPFPTRN]]",
        "operators of operator families",
    ),
    (
        "Informational",
        "\\dAp[+] [AMPTRN [OPFPTRN]]",
        "support functions of operator families",
    ),
    ("Informational", "\\dc[S+] [PATTERN]", "conversions"),
    ("Informational", "\\dC[+] [PATTERN]", "casts"),
    ("Informational", "\\dconfig[+] [PATTERN]", "server settings"),
    ("Informational", "\\ddp [PATTERN]", "default privileges"),
    ("Informational", "\\des[+] [PATTERN]", "foreign servers"),
    ("Informational", "\\det[+] [PATTERN]", "foreign tables"),
    ("Informational", "\\deu[+] [PATTERN]", "user mappings"),
    (
        "Informational",
        "\\dew[+] [PATTERN]",
        "foreign-data wrappers",
    ),
    (
        "Informational",
        "\\dL[S+] [PATTERN]",
        "procedural languages",
    ),
    ("Informational", "\\dO[S+] [PATTERN]", "collations"),
    (
        "Informational",
        "\\dF[+] [PATTERN]",
        "text search configurations",
    ),
    (
        "Informational",
        "\\dFd[+] [PATTERN]",
        "text search dictionaries",
    ),
    ("Informational", "\\dFp[+] [PATTERN]", "text search parsers"),
    (
        "Informational",
        "\\dFt[+] [PATTERN]",
        "text search templates",
    ),
    ("Informational", "\\do[S+] [OP [TYPE [TYPE]]]", "operators"),
    (
        "Informational",
        "\\dd[S] [PATTERN]",
        "comments on constraints, rules, triggers ...",
    ),
    (
        "Informational",
        "\\dP[itn+] [PATTERN]",
        "partitioned relations",
    ),
    (
        "Informational",
        "\\drds [ROLEPTRN [DBPTRN]]",
        "per-database role settings",
    ),
    (
        "Large objects",
        "\\lo_export LOID FILE",
        "write a large object to FILE",
    ),
    (
        "Large objects",
        "\\lo_import FILE [COMMENT]",
        "a new large object from FILE",
    ),
    ("Large objects", "\\lo_list[+]", "large objects"),
    ("Large objects", "\\dl[+]", "large objects (as \\lo_list)"),
    ("Large objects", "\\lo_unlink LOID", "delete a large object"),
    (
        "Informational",
        "\\sf[+] FUNCNAME",
        "show a function's definition",
    ),
    (
        "Informational",
        "\\sv[+] VIEWNAME",
        "show a view's definition",
    ),
    (
        "Connection",
        "\\c [DBNAME|- USER|- HOST|- PORT|-] | CONNSTR",
        "connect anew, keeping what is not given",
    ),
    ("Connection", "\\conninfo", "where you are connected"),
    (
        "Connection",
        "\\encoding [ENC]",
        "show or set the client encoding",
    ),
    (
        "Connection",
        "\\password [USER]",
        "change a password (never echoed, sent encrypted)",
    ),
    (
        "Variables",
        "\\set [NAME [VALUE]]",
        "set a variable, or list them all",
    ),
    ("Variables", "\\unset NAME", "remove a variable"),
    (
        "Variables",
        "\\getenv NAME ENVVAR",
        "set NAME to the environment variable ENVVAR",
    ),
    (
        "Variables",
        "\\setenv NAME [VALUE]",
        "set or unset an environment variable",
    ),
];

/// A meta-command that works on the query buffer; the reader of the input
/// carries it out.
#[derive(Debug, Clone, PartialEq)]
pub enum BufferCmd {
    /// `\p`: show the buffer, or the last statement.
    Print,
    /// `\r`: clear the buffer.
    Reset,
    /// The `\g` family: run the buffer, or the last statement again.
    Go(Go),
    /// `\e [FILE] [LINE]`: edit the buffer (or the last statement, or
    /// FILE), the editor starting at LINE.
    Edit {
        /// The file to edit instead of the buffer (`~` expanded).
        file: Option<String>,
        /// The line the editor starts at (psql's `+N`).
        line: Option<usize>,
    },
    /// `\ef` / `\ev`: edit this text (a definition or a template) in
    /// place of the buffer, at `line` when given.
    EditObject {
        /// What the editor starts with.
        text: String,
        /// The line the editor starts at (psql's `+N`).
        line: Option<usize>,
    },
    /// `\s [FILE]`: the history, printed or written to FILE.
    History(Option<String>),
    /// `\watch [SEC]`: run the buffer or the last statement every SEC
    /// seconds until Ctrl-C.
    Watch(f64),
    /// `\w FILE`: write the buffer (or the last statement) to FILE or
    /// `|COMMAND`.
    Write(String),
    /// `\prompt` without a terminal: the next line of standard input
    /// (the script's, when the script is standard input) is the value of
    /// this variable.
    Prompt(String),
}

/// `\i FILE` / `\ir FILE`, for the statement loop to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The file as given.
    pub file: String,
    /// `\ir`: relative to the directory of the script being run.
    pub relative: bool,
    /// Warnings to give once the file has run (psql warns about extra
    /// arguments after it).
    pub warn_after: Vec<String>,
}

/// What running a meta-command left to do.
#[derive(Debug, Clone)]
pub enum Done {
    /// It ran, or failed and was reported.
    Ran(Outcome),
    /// A query-buffer command, for the buffer's owner.
    Buffer(BufferCmd),
    /// A script to run here ([`crate::shell::script::include`]).
    Include(Include),
    /// A new connection to make, keeping the old one if it fails
    /// ([`crate::shell::script::reconnect`]).
    Reconnect(Box<ConnParams>),
}

/// The meta-commands of the `\?` table, sorted (for completion).
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = HELP
        .iter()
        .filter_map(|(_, cmd, _)| cmd.split_whitespace().next())
        .filter_map(|c| c.split('[').next())
        .filter(|c| c.starts_with('\\'))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A meta-command line split into the command and the rest of the line.
/// `\!` takes the rest as it is; other names end at whitespace.
pub fn split(line: &str) -> (&str, &str) {
    let line = line.trim_end_matches(['\n', '\r']);
    if let Some(rest) = line.strip_prefix("\\!") {
        return ("\\!", rest.trim());
    }
    // The name ends at a blank or at the next backslash (`\a\t` is two
    // commands, as in psql).
    let end = line
        .char_indices()
        .skip(1)
        .find(|&(i, c)| c.is_whitespace() || (c == '\\' && i > 1))
        .map(|(i, _)| i);
    match end {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    }
}

/// Run one meta-command line (without its newline). Its arguments are
/// read as psql reads them ([`slash::args`]: quotes, backquotes,
/// variables); a further meta-command on the same line runs after it.
/// When one of them is for the caller (a query-buffer command, `\i`,
/// `\c`), the meta-commands after it on the line come back with it,
/// for the caller to run once it has done its part (psql: `\gset x
/// \echo :x` sends the query, then echoes).
pub fn run(s: &mut Session, line: &str, out: &mut dyn Write) -> (Done, Option<String>) {
    let (cmd, rest) = split(line);
    // psql's restricted mode (`\restrict KEY`, written by pg_dump around a
    // dump): no meta-command but `\unrestrict KEY` runs until then.
    if s.restrict_key.is_some() && cmd != "\\unrestrict" {
        s.client_error("backslash commands are restricted; only \\unrestrict is allowed");
        return (Done::Ran(Outcome::Failed), None);
    }
    // `\\` ends the meta-commands of a line; psql reads the rest as SQL
    // for the query buffer. A comment there (the usual case, `\set
    // VERBOSITY terse \\ -- why`) is nothing to run.
    if cmd == "\\\\" {
        let rest = rest.trim();
        if rest.is_empty() || rest.starts_with("--") {
            return (Done::Ran(Outcome::Ok), None);
        }
        // Another meta-command (`\gset x \\ \echo :x`).
        if rest.starts_with('\\') {
            return run(s, rest, out);
        }
        s.client_error("SQL after \\\\ on a meta-command line is not supported");
        return (Done::Ran(Outcome::Failed), None);
    }
    // psql's conditionals, and the commands of an inactive branch, which
    // do not run.
    if super::cond::is_branching(cmd) || !s.cond.active() {
        let (o, next) = if super::cond::is_branching(cmd) {
            super::cond::branch(s, cmd, rest)
        } else {
            super::cond::skip(s, cmd, rest)
        };
        return match next {
            Some(at) => match (o, run(s, &rest[at..], out)) {
                (Outcome::Failed, (Done::Ran(Outcome::Ok), more)) => {
                    (Done::Ran(Outcome::Failed), more)
                }
                (_, d) => d,
            },
            None => (Done::Ran(o), None),
        };
    }
    // Whole-line arguments: no interpolation, as in psql.
    let whole = matches!(
        cmd,
        "\\!" | "\\copy" | "\\h" | "\\help" | "\\ef" | "\\ev" | "\\sf" | "\\sf+" | "\\sv" | "\\sv+"
    ) || (matches!(cmd, "\\o" | "\\out" | "\\g" | "\\gx") && rest.starts_with('|'));
    let mut parsed = if whole {
        slash::Args::default()
    } else {
        slash::args_upto(rest, s, max_args(cmd))
    };
    // psql's arguments past the command's own: read without
    // interpolation or backquotes, each one warned about.
    let mut extra = Vec::new();
    // `\w |command` takes the rest of the line (psql's OT_FILEPIPE).
    let pipe = matches!(cmd, "\\w" | "\\write") && rest.starts_with('|');
    if let Some(at) = parsed.extra.filter(|_| !pipe) {
        let ignored = slash::args(&rest[at..], &mut Unevaluated);
        parsed.next = ignored.next.map(|n| at + n);
        parsed.unterminated |= ignored.unterminated;
        extra = ignored.texts();
    }
    if parsed.unterminated {
        s.client_error("unterminated quoted string");
    }
    let mut done = run_parsed(s, cmd, rest, &parsed, out);
    let warnings = extra
        .iter()
        .map(|e| format!("{cmd}: extra argument \"{e}\" ignored"));
    match &mut done {
        // psql warns only after a command that did not fail.
        Done::Ran(Outcome::Quit | Outcome::Failed) => {}
        // After the file has run, as psql.
        Done::Include(inc) => inc.warn_after.extend(warnings),
        _ => {
            if !extra.is_empty() {
                // After the command's own output, as psql.
                let _ = out.flush();
            }
            for w in warnings {
                s.warning(&w);
            }
        }
    }
    match (done, parsed.next) {
        (Done::Ran(o), Some(at)) if matches!(o, Outcome::Ok | Outcome::Failed) => {
            let next = run(s, &rest[at..], out);
            match (o, next) {
                (Outcome::Failed, (Done::Ran(Outcome::Ok), more)) => {
                    (Done::Ran(Outcome::Failed), more)
                }
                (_, d) => d,
            }
        }
        (d @ Done::Ran(_), _) => (d, None),
        (d, next) => (d, next.map(|at| rest[at..].to_string())),
    }
}

/// Argument reading that leaves variables as typed and backquoted text
/// as it is, unrun (psql's inactive-branch reading).
struct Unevaluated;

impl crate::lex::Variables for Unevaluated {
    fn get(&mut self, _name: &str, _quote: crate::lex::vars::Quote) -> Option<String> {
        None
    }

    fn backtick(&mut self, command: &str) -> Option<String> {
        Some(command.to_string())
    }
}

/// How many arguments psql 15 reads for a command; the others are
/// ignored with a warning (commands not listed take them all).
fn max_args(cmd: &str) -> usize {
    match cmd {
        "\\a" | "\\H" | "\\html" | "\\conninfo" | "\\q" | "\\quit" | "\\r" | "\\reset" | "\\p"
        | "\\print" | "\\gexec" | "\\gdesc" | "\\errverbose" | "\\lo_list" | "\\lo_list+"
        | "\\endif" | "\\else" => 0,
        "\\x" | "\\t" | "\\timing" | "\\f" | "\\T" | "\\i" | "\\include" | "\\ir"
        | "\\include_relative" | "\\unset" | "\\watch" | "\\gset" | "\\w" | "\\write"
        | "\\password" | "\\lo_unlink" | "\\restrict" | "\\unrestrict" => 1,
        "\\pset" | "\\lo_import" | "\\lo_export" | "\\getenv" | "\\setenv" | "\\drds" => 2,
        // An access method pattern, then a type or family pattern.
        c if ["\\dAc", "\\dAf", "\\dAo", "\\dAp"]
            .iter()
            .any(|p| c.starts_with(p) && super::describe::handles(c)) =>
        {
            2
        }
        // The describe commands read one pattern (`\df` and `\do` read
        // argument types after it).
        c if super::describe::handles(c) && !c.starts_with("\\df") && !c.starts_with("\\do") => 1,
        _ => usize::MAX,
    }
}

fn run_parsed(
    s: &mut Session,
    cmd: &str,
    rest: &str,
    parsed: &slash::Args,
    out: &mut dyn Write,
) -> Done {
    // psql's arguments are C strings: a `\0` escape ends one.
    let argv: Vec<String> = parsed
        .texts()
        .into_iter()
        .map(|a| match a.find('\0') {
            Some(at) => a[..at].to_string(),
            None => a,
        })
        .collect();
    // Commands that take a SQL name read it without its double quotes.
    let argv: Vec<String> = if matches!(cmd, "\\c" | "\\connect" | "\\password") {
        argv.iter().map(|a| slash::dequote(a)).collect()
    } else {
        argv
    };
    let a: Vec<&str> = argv.iter().map(String::as_str).collect();
    let ran = |o| Done::Ran(o);
    let file_arg = || {
        if rest.starts_with('|') {
            Some(rest.to_string())
        } else {
            argv.first().cloned().filter(|f| f != "-")
        }
    };
    match cmd {
        "\\restrict" => ran(match a.first() {
            Some(k) if !k.is_empty() => {
                s.restrict_key = Some(k.to_string());
                Outcome::Ok
            }
            _ => {
                s.client_error("\\restrict: missing required argument");
                Outcome::Failed
            }
        }),
        "\\unrestrict" => ran(match (&s.restrict_key, a.first()) {
            (None, _) => {
                s.client_error("\\unrestrict: not currently in restricted mode");
                Outcome::Failed
            }
            (Some(k), Some(given)) if k == given => {
                s.restrict_key = None;
                Outcome::Ok
            }
            (Some(_), None) => {
                s.client_error("\\unrestrict: missing required argument");
                Outcome::Failed
            }
            (Some(_), Some(_)) => {
                s.client_error("\\unrestrict: wrong key");
                Outcome::Failed
            }
        }),
        "\\q" | "\\quit" => ran(Outcome::Quit),
        "\\copy" => ran(super::copy::slash_copy(
            s,
            rest,
            out,
            &mut crate::exec::StdinCopy::for_session(s),
        )),
        "\\?" => ran(super::help::show(s, a.first().copied(), out)),
        "\\h" | "\\help" => {
            let width = crate::output::pager::stdout_size().map_or(80, |(_, cols)| cols);
            let text = super::sql_help::text(rest, width);
            crate::exec::reply::write_paged(s, out, text.as_bytes());
            ran(Outcome::Ok)
        }
        "\\echo" | "\\qecho" | "\\warn" => {
            let (newline, words) = match parsed.args.first() {
                Some(f) if f.text == "-n" && !f.quoted => (false, &a[1..]),
                _ => (true, &a[..]),
            };
            let mut text = words.join(" ");
            if newline {
                text.push('\n');
            }
            match cmd {
                "\\warn" => {
                    let _ = out.flush();
                    let _ = std::io::stderr().write_all(text.as_bytes());
                }
                "\\qecho" if s.output.is_some() => {
                    if let Some(t) = s.output.as_mut() {
                        let _ = t.write_all(text.as_bytes());
                        let _ = t.flush();
                    }
                }
                _ => {
                    let _ = out.write_all(text.as_bytes());
                    let _ = out.flush();
                }
            }
            ran(Outcome::Ok)
        }
        "\\getenv" => ran(getenv(s, &a)),
        "\\setenv" => ran(setenv(s, &a)),
        "\\set" => ran(set(s, &a, out)),
        "\\unset" => ran(unset(s, &a)),
        "\\x" => ran(super::pset::set(s, "expanded", a.first().copied(), out)),
        "\\timing" => ran(timing(s, a.first().copied(), out)),
        "\\pset" => ran(super::pset::pset(s, &a, out)),
        "\\a" => ran(super::pset::toggle_align(s, out)),
        "\\H" | "\\html" => ran(super::pset::toggle_html(s, out)),
        "\\t" => ran(super::pset::set(s, "tuples_only", a.first().copied(), out)),
        "\\f" => ran(super::pset::set(s, "fieldsep", a.first().copied(), out)),
        "\\C" => ran(super::pset::set(s, "title", a.first().copied(), out)),
        "\\T" => ran(super::pset::set(s, "tableattr", a.first().copied(), out)),
        "\\conninfo" => ran(conninfo(s, out)),
        // psql reads the object's name as the whole line, as typed.
        "\\sf" | "\\sf+" | "\\sv" | "\\sv+" => {
            let name = rest.trim().trim_end_matches(';').trim_end();
            let a: Vec<&str> = Some(name).filter(|n| !n.is_empty()).into_iter().collect();
            ran(super::describe::run(s, cmd, &a, out))
        }
        c if super::describe::handles(c) => ran(super::describe::run(s, c, &a, out)),
        "\\errverbose" => ran(errverbose(s, out)),
        "\\lo_import" | "\\lo_export" | "\\lo_unlink" => ran(super::largeobj::run(s, cmd, &a, out)),
        "\\lo_list" | "\\lo_list+" => ran(super::describe::run(
            s,
            if cmd.ends_with('+') { "\\dl+" } else { "\\dl" },
            &[],
            out,
        )),
        "\\w" | "\\write" => match file_arg() {
            Some(f) => Done::Buffer(BufferCmd::Write(f)),
            None => {
                s.client_error(&format!("{cmd}: missing required argument"));
                ran(Outcome::Failed)
            }
        },
        "\\c" | "\\connect" => connect(s, &a),
        "\\password" => ran(password(s, a.first().copied())),
        "\\i" | "\\include" | "\\ir" | "\\include_relative" => match a.first() {
            Some(file) => Done::Include(Include {
                file: file.to_string(),
                relative: cmd.starts_with("\\ir") || cmd == "\\include_relative",
                warn_after: Vec::new(),
            }),
            None => {
                s.client_error(&format!("{cmd}: missing required argument"));
                ran(Outcome::Failed)
            }
        },
        "\\o" | "\\out" => ran(output(s, file_arg(), out)),
        "\\!" => ran(shell(s, rest, out)),
        "\\p" | "\\print" => Done::Buffer(BufferCmd::Print),
        "\\r" | "\\reset" => Done::Buffer(BufferCmd::Reset),
        "\\g" | "\\gx" if argv.first().is_some_and(|a| a.starts_with('(')) => {
            // psql's `process_command_g_options`: NAME[=VALUE] words up to
            // one ending in `)`, then the file.
            let mut options = Vec::new();
            let mut words = argv.iter();
            let mut closed = false;
            for (i, w) in words.by_ref().enumerate() {
                let mut w = if i == 0 { &w[1..] } else { w.as_str() };
                if let Some(inner) = w.strip_suffix(')') {
                    w = inner;
                    closed = true;
                }
                if !w.is_empty() {
                    options.push(match w.split_once('=') {
                        Some((n, v)) => (n.to_string(), Some(v.to_string())),
                        None => (w.to_string(), None),
                    });
                }
                if closed {
                    break;
                }
            }
            if !closed {
                s.client_error(&format!("{cmd}: missing right parenthesis"));
                return ran(Outcome::Failed);
            }
            // A refused option: nothing is sent and the query buffer stays
            // (psql). The options are applied again when the query runs.
            let (saved, saved_columns) = (s.settings.print.clone(), s.settings.columns);
            let mut failed = false;
            for (name, value) in &options {
                if let Err(m) = super::pset::apply_quiet(s, name, value.as_deref()) {
                    s.client_error(&m);
                    failed = true;
                }
            }
            s.settings.print = saved;
            s.settings.columns = saved_columns;
            if failed {
                return ran(Outcome::Failed);
            }
            let file = words.next().cloned().filter(|f| f != "-").map(|f| {
                // `|COMMAND` takes the rest of the line, as after a plain `\g`.
                match (f.starts_with('|'), rest.rfind(')')) {
                    (true, Some(at)) => rest[at + 1..].trim_start().to_string(),
                    _ => f,
                }
            });
            let inner = if cmd == "\\gx" {
                Go::Expanded(file)
            } else {
                Go::Plain(file)
            };
            Done::Buffer(BufferCmd::Go(Go::Options(options, Box::new(inner))))
        }
        "\\g" => Done::Buffer(BufferCmd::Go(Go::Plain(file_arg()))),
        "\\gx" => Done::Buffer(BufferCmd::Go(Go::Expanded(file_arg()))),
        "\\gset" => Done::Buffer(BufferCmd::Go(Go::Set(
            a.first().copied().unwrap_or("").to_string(),
        ))),
        "\\gexec" => Done::Buffer(BufferCmd::Go(Go::Exec)),
        "\\crosstabview" => Done::Buffer(BufferCmd::Go(Go::Crosstab(
            argv.iter().take(4).cloned().collect(),
        ))),
        "\\gdesc" => Done::Buffer(BufferCmd::Go(Go::Describe)),
        "\\e" | "\\edit" => match edit_args(&argv) {
            Ok((file, line)) => Done::Buffer(BufferCmd::Edit { file, line }),
            Err(bad) => {
                s.client_error(&format!("invalid line number: {bad}"));
                ran(Outcome::Failed)
            }
        },
        "\\ef" | "\\ev" => match edit_object(s, cmd == "\\ef", rest) {
            Some((text, line)) => Done::Buffer(BufferCmd::EditObject { text, line }),
            None => ran(Outcome::Failed),
        },
        "\\s" => Done::Buffer(BufferCmd::History(argv.first().map(|f| expand_tilde(f)))),
        "\\cd" => ran(cd(s, argv.first().map(String::as_str))),
        "\\prompt" => prompt(s, &a),
        "\\encoding" => ran(encoding(s, a.first().copied(), out)),
        "\\copyright" => {
            let _ = out.write_all(COPYRIGHT.as_bytes());
            ran(Outcome::Ok)
        }
        "\\watch" => Done::Buffer(BufferCmd::Watch(watch_interval(a.first().copied()))),
        _ => {
            s.client_error(&format!("invalid command {cmd}"));
            if s.interactive {
                s.error("Try \\? for help.");
            }
            ran(Outcome::Failed)
        }
    }
}

/// `\copyright`.
const COPYRIGHT: &str = concat!(
    "qadmin ",
    env!("CARGO_PKG_VERSION"),
    ", an admin shell for PgQ, pgq_node and Londiste on PostgreSQL\n\n",
    "Licensed under ",
    env!("CARGO_PKG_LICENSE"),
    ".\n\nIt speaks to PostgreSQL, whose copyright and license `psql -c \"\\copyright\"` shows.\n"
);

/// `\prompt [TEXT] NAME`: ask for a value and set the variable NAME, as
/// psql does: running a script file (`-f`, `\i`) the text goes to standard
/// output and the answer is the next line of standard input; otherwise
/// the question is asked on the terminal (`/dev/tty`), or, without one,
/// on standard error with the answer from standard input.
fn prompt(s: &mut Session, a: &[&str]) -> Done {
    use std::io::BufRead;
    let (text, name) = match a {
        [] => {
            s.client_error("\\prompt: missing required argument");
            return Done::Ran(Outcome::Failed);
        }
        [name] => ("", *name),
        [text, name, ..] => (*text, *name),
    };
    let from_file = s.locus.lock().map(|l| l.file.is_some()).unwrap_or(false);
    let tty = (!from_file)
        .then(|| {
            let r = std::fs::File::open("/dev/tty").ok()?;
            let w = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/tty")
                .ok()?;
            Some((r, w))
        })
        .flatten();
    let mut answer = String::new();
    let read = match tty {
        Some((r, mut w)) => {
            let _ = w.write_all(text.as_bytes());
            let _ = w.flush();
            std::io::BufReader::new(r).read_line(&mut answer)
        }
        None if from_file && !s.stdin_script => {
            let mut o = std::io::stdout();
            let _ = o.write_all(text.as_bytes());
            let _ = o.flush();
            std::io::stdin().lock().read_line(&mut answer)
        }
        None => {
            // The answer is the next line of standard input, which the
            // statement loop may be reading as the script: it reads it.
            if from_file {
                let mut o = std::io::stdout();
                let _ = o.write_all(text.as_bytes());
                let _ = o.flush();
            } else {
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
            return Done::Buffer(BufferCmd::Prompt(name.to_string()));
        }
    };
    match read {
        Ok(0) | Err(_) if from_file => {
            s.client_error("\\prompt: could not read value for variable");
            return Done::Ran(Outcome::Failed);
        }
        _ => {}
    }
    Done::Ran(set_answer(s, name, answer.as_bytes()))
}

/// A line of standard input read past any buffer (a script file run
/// from a script on standard input, whose reader holds the buffer).
pub fn read_stdin_line() -> Vec<u8> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while let Ok(1) = nix::unistd::read(std::io::stdin(), &mut byte) {
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    line
}

/// `\prompt`'s answer, a line as read, becomes the variable `name`.
pub fn set_answer(s: &mut Session, name: &str, answer: &[u8]) -> Outcome {
    let answer = String::from_utf8_lossy(answer);
    let answer = answer.strip_suffix('\n').unwrap_or(&answer);
    let answer = answer.strip_suffix('\r').unwrap_or(answer);
    match s.set_var(name, answer) {
        Ok(()) => Outcome::Ok,
        Err(m) => {
            s.client_error(&m);
            Outcome::Failed
        }
    }
}

/// `\cd [DIR]`: change the working directory (to the home directory
/// without an argument).
fn cd(s: &mut Session, dir: Option<&str>) -> Outcome {
    let dir = match dir {
        Some(d) => d.to_string(),
        None => match std::env::var("HOME").ok().filter(|h| !h.is_empty()) {
            Some(h) => h,
            None => match dirs::home_dir() {
                Some(h) => h.display().to_string(),
                None => {
                    s.client_error("could not get home directory");
                    return Outcome::Failed;
                }
            },
        },
    };
    match std::env::set_current_dir(&dir) {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            s.client_error(&format!(
                "\\cd: could not change directory to \"{dir}\": {}",
                crate::io_reason(&e)
            ));
            Outcome::Failed
        }
    }
}

/// `\encoding [ENCODING]`: show the client encoding, or set it.
fn encoding(s: &mut Session, enc: Option<&str>, out: &mut dyn Write) -> Outcome {
    let Some(c) = s.client() else {
        return Outcome::Failed;
    };
    let Some(enc) = enc else {
        let _ = writeln!(out, "{}", c.parameter("client_encoding").unwrap_or(""));
        return Outcome::Ok;
    };
    let set = format!("SET client_encoding TO {}", crate::lex::vars::literal(enc));
    match c.batch_execute(&set) {
        Ok(()) => {
            let now = c.parameter("client_encoding").unwrap_or(enc).to_string();
            s.put_var("ENCODING", &now);
        }
        Err(_) => s.client_error(&format!(
            "{enc}: invalid encoding name or conversion procedure not found"
        )),
    }
    // psql goes on as if it worked: the command itself does not fail.
    Outcome::Ok
}

/// What `\ef` / `\ev` hand to the editor: the definition of the function
/// or view named in `rest` (a trailing number is the line to start at),
/// or psql's template when no name is given; `None` once an error is
/// reported.
fn edit_object(s: &mut Session, function: bool, rest: &str) -> Option<(String, Option<usize>)> {
    let desc = rest.trim().trim_end_matches(';').trim_end();
    let (desc, line) = match split_line_number(desc) {
        Ok(split) => split,
        Err(bad) => {
            s.client_error(&format!("invalid line number: {bad}"));
            return None;
        }
    };
    if desc.is_empty() {
        let template = if function {
            "CREATE FUNCTION ( )\n RETURNS \n LANGUAGE \n -- common options:  IMMUTABLE  STABLE  STRICT  SECURITY DEFINER\nAS $function$\n\n$function$\n"
        } else {
            "CREATE VIEW  AS\n SELECT \n  -- something...\n"
        };
        return Some((template.to_string(), line));
    }
    let text = super::describe::definition(s, function, desc)?;
    // The line counts from the function body (the line starting with
    // `AS `, `BEGIN ` or `RETURN `), as in `\sf+`.
    let line = match (function, line) {
        (true, Some(n)) => {
            let head = text
                .lines()
                .take_while(|l| {
                    !["AS ", "BEGIN ", "RETURN "]
                        .iter()
                        .any(|p| l.starts_with(p))
                })
                .count();
            Some(n + head)
        }
        (_, l) => l,
    };
    Some((text, line))
}

/// psql's `strip_lineno_from_objdesc`: a number at the end, after a space
/// or `)`, is a line number (`Err` with its text when it is below 1).
/// `\e`'s arguments as psql reads them: `[FILE] [LINE]`, a lone
/// all-digit argument being the line; a line below 1 is the error.
fn edit_args(argv: &[String]) -> Result<(Option<String>, Option<usize>), String> {
    let (file, line) = match argv {
        [] => (None, None),
        [one] if !one.is_empty() && one.bytes().all(|b| b.is_ascii_digit()) => {
            (None, Some(one.as_str()))
        }
        [file] => (Some(file.as_str()), None),
        [file, line, ..] => (Some(file.as_str()), Some(line.as_str())),
    };
    let line = match line {
        None => None,
        // psql's atoi: the leading digits, else 0.
        Some(l) => {
            let digits: String = l.chars().take_while(char::is_ascii_digit).collect();
            match digits.parse::<usize>() {
                Ok(n) if n >= 1 => Some(n),
                _ => return Err(l.to_string()),
            }
        }
    };
    Ok((file.map(expand_tilde), line))
}

fn split_line_number(desc: &str) -> Result<(&str, Option<usize>), String> {
    let digits = desc.len() - desc.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let head = &desc[..desc.len() - digits];
    if digits == 0
        || head.is_empty()
        || !(head.ends_with(|c: char| c.is_ascii_whitespace()) || head.ends_with(')'))
    {
        return Ok((desc, None));
    }
    let num = &desc[head.len()..];
    match num.parse::<usize>() {
        Ok(n) if n >= 1 => Ok((head.trim_end(), Some(n))),
        _ => Err(num.to_string()),
    }
}

fn set(s: &mut Session, a: &[&str], out: &mut dyn Write) -> Outcome {
    if a.is_empty() {
        for (k, v) in &s.vars {
            let _ = writeln!(out, "{k} = '{v}'");
        }
        return Outcome::Ok;
    }
    let value = a[1..].concat();
    match s.set_var(a[0], &value) {
        Ok(()) => Outcome::Ok,
        Err(m) => {
            s.client_error(&m);
            Outcome::Failed
        }
    }
}

/// `\unset NAME`: the special variables go back to their defaults.
fn unset(s: &mut Session, a: &[&str]) -> Outcome {
    let Some(&name) = a.first() else {
        s.client_error("\\unset: missing required argument");
        return Outcome::Failed;
    };
    match s.unset_var(name) {
        Ok(()) => Outcome::Ok,
        Err(m) => {
            s.client_error(&m);
            Outcome::Failed
        }
    }
}

/// `\getenv NAME ENVVAR`: NAME gets the environment variable's value;
/// unset when the environment has none.
fn getenv(s: &mut Session, a: &[&str]) -> Outcome {
    let (Some(&name), Some(&env)) = (a.first(), a.get(1)) else {
        s.client_error("\\getenv: missing required argument");
        return Outcome::Failed;
    };
    let r = match std::env::var(env) {
        Ok(v) => s.set_var(name, &v),
        Err(_) => s.unset_var(name),
    };
    match r {
        Ok(()) => Outcome::Ok,
        Err(m) => {
            s.client_error(&m);
            Outcome::Failed
        }
    }
}

/// `\setenv NAME [VALUE]`: set or unset an environment variable of
/// qadmin (seen by `\!`, backquotes, `\o |command`).
fn setenv(s: &mut Session, a: &[&str]) -> Outcome {
    let Some(&name) = a.first() else {
        s.client_error("\\setenv: missing required argument");
        return Outcome::Failed;
    };
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        s.client_error("environment variable name must not contain \"=\"");
        return Outcome::Failed;
    }
    // Setting the environment is not thread-safe in general; qadmin's
    // other threads (completion refresh) read no environment variables.
    match a.get(1) {
        Some(v) if !v.contains('\0') => std::env::set_var(name, v),
        Some(_) => {
            s.client_error("\\setenv: value contains a NUL byte");
            return Outcome::Failed;
        }
        None => std::env::remove_var(name),
    }
    Outcome::Ok
}

/// A boolean argument: `None` toggles.
fn on_off(now: bool, arg: Option<&str>) -> Option<bool> {
    match arg {
        None => Some(!now),
        Some(a) => parse_bool(a),
    }
}

fn say(s: &Session, out: &mut dyn Write, msg: &str) {
    if !s.settings.quiet {
        let _ = writeln!(out, "{msg}");
    }
}

/// `\errverbose`: the last error of a statement again, in full
/// (VERBOSITY verbose, with its CONTEXT), as psql shows it.
fn errverbose(s: &Session, out: &mut dyn Write) -> Outcome {
    use crate::exec::report::{format_db_error_styled, ShowContext, Style, Verbosity};
    match &s.last_error {
        Some((e, sql)) => {
            let style = Style {
                verbosity: Verbosity::Verbose,
                context: ShowContext::Always,
            };
            let text = format_db_error_styled(e, Some(sql), true, style);
            s.client_error(text.trim_end_matches('\n'));
        }
        None => {
            let _ = writeln!(out, "There is no previous error.");
        }
    }
    Outcome::Ok
}

/// `\w FILE | |COMMAND`: write `text` and a newline there.
pub fn write_buffer(s: &Session, target: &str, text: &[u8]) -> Outcome {
    let r = OutputTarget::open(target).and_then(|mut t| {
        t.write_all(text)?;
        t.write_all(b"\n")?;
        t.flush()
    });
    match r {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            s.client_error(&format!("{target}: {}", crate::io_reason(&e)));
            Outcome::Failed
        }
    }
}

fn timing(s: &mut Session, arg: Option<&str>, out: &mut dyn Write) -> Outcome {
    match on_off(s.settings.timing, arg) {
        Some(b) => {
            s.settings.timing = b;
            say(s, out, if b { "Timing is on." } else { "Timing is off." });
            Outcome::Ok
        }
        None => {
            // psql keeps the setting and still says what it is.
            s.client_error(&format!(
                "unrecognized value \"{}\" for \"\\timing\": Boolean expected",
                arg.unwrap_or_default()
            ));
            let b = s.settings.timing;
            say(s, out, if b { "Timing is on." } else { "Timing is off." });
            Outcome::Failed
        }
    }
}

/// psql's `Time: ...` line for `\timing`, without the newline.
pub fn format_timing(ms: f64) -> String {
    if ms < 1000.0 {
        return format!("Time: {ms:.3} ms");
    }
    let mut seconds = ms / 1000.0;
    let mut minutes = (seconds / 60.0).floor();
    seconds -= 60.0 * minutes;
    if minutes < 60.0 {
        return format!("Time: {ms:.3} ms ({:02}:{seconds:06.3})", minutes as i64);
    }
    let mut hours = (minutes / 60.0).floor();
    minutes -= 60.0 * hours;
    if hours < 24.0 {
        return format!(
            "Time: {ms:.3} ms ({:02}:{:02}:{seconds:06.3})",
            hours as i64, minutes as i64
        );
    }
    let days = (hours / 24.0).floor();
    hours -= 24.0 * days;
    format!(
        "Time: {ms:.3} ms ({days:.0} d {:02}:{:02}:{seconds:06.3})",
        hours as i64, minutes as i64
    )
}

/// `on socket "/dir"` / `on host "h"`, psql's wording.
fn where_(p: &ConnParams) -> String {
    let host = p.hosts.first().cloned().unwrap_or_default();
    let port = p.ports.first().copied().unwrap_or(5432);
    if host.starts_with('/') {
        format!("via socket in \"{host}\" at port \"{port}\"")
    } else {
        format!("on host \"{host}\" at port \"{port}\"")
    }
}

fn conninfo(s: &Session, out: &mut dyn Write) -> Outcome {
    if !s.is_connected() {
        let _ = writeln!(out, "You are currently not connected to a database.");
        return Outcome::Ok;
    }
    let p = &s.params;
    let _ = writeln!(
        out,
        "You are connected to database \"{}\" as user \"{}\" {}.",
        p.dbname,
        p.user,
        where_(p)
    );
    Outcome::Ok
}

/// `\c [-reuse-previous=on|off] [DBNAME [USER [HOST [PORT]]]] | CONNSTR`,
/// as psql: positional values that are missing or `-` are taken from the
/// current connection; a connection string reuses nothing unless
/// `-reuse-previous=on`. If the new connection fails, the old one is kept.
fn connect(s: &mut Session, a: &[&str]) -> Done {
    let mut reuse: Option<bool> = None;
    let mut pos: Vec<&str> = Vec::new();
    for &arg in a {
        match arg.strip_prefix("-reuse-previous=") {
            Some(v) => match parse_bool(v) {
                Some(b) => reuse = Some(b),
                None => {
                    s.client_error(&format!(
                        "unrecognized value \"{v}\" for \"-reuse-previous\": Boolean expected"
                    ));
                    return Done::Ran(Outcome::Failed);
                }
            },
            None => pos.push(arg),
        }
    }
    // psql: after a failed `\c` closed the connection off the terminal,
    // there is nothing to take unnamed parameters from.
    let conninfo = pos.first().is_some_and(|a| {
        a.contains('=') || a.starts_with("postgresql://") || a.starts_with("postgres://")
    });
    if s.closed_by_connect && reuse.unwrap_or(!conninfo) {
        s.client_error("No database connection exists to re-use parameters from");
        return Done::Ran(Outcome::Failed);
    }
    match reconnect_params(&s.params, &pos, reuse, &Environment::from_process()) {
        Ok(p) => Done::Reconnect(Box::new(p)),
        Err(m) => {
            s.client_error(&m);
            Done::Ran(Outcome::Failed)
        }
    }
}

/// What `\c` says once connected: the database and user, and where when
/// the host or port changed (as psql says it).
pub fn connected_message(old: &ConnParams, new: &ConnParams) -> String {
    let moved = new.hosts != old.hosts || new.ports != old.ports;
    let tail = if moved {
        format!(" {}", where_(new))
    } else {
        String::new()
    };
    format!(
        "You are now connected to database \"{}\" as user \"{}\"{tail}.",
        new.dbname, new.user
    )
}

/// The parameters `\c` connects with: what is missing or `-` is reused
/// from `old` unless `reuse` says otherwise (psql reuses nothing for a
/// connection string unless `-reuse-previous=on`); the rules are
/// [`ConnParams::derive`]'s.
pub fn reconnect_params(
    old: &ConnParams,
    pos: &[&str],
    reuse: Option<bool>,
    env: &Environment,
) -> Result<ConnParams, String> {
    let change = Reconnect::from_args(pos, reuse).map_err(|e| e.to_string())?;
    old.derive(&change, env).map_err(|e| e.to_string())
}

/// The file `\ir` means: relative to the directory of the script being
/// run, if any, else to the current directory.
pub fn include_path(current_script: Option<&str>, file: &str, relative: bool) -> PathBuf {
    let f = Path::new(file);
    if !relative || f.is_absolute() {
        return f.to_path_buf();
    }
    match current_script
        .filter(|s| *s != "<stdin>")
        .and_then(|s| Path::new(s).parent())
    {
        Some(dir) => canonical(&dir.join(f)),
        None => f.to_path_buf(),
    }
}

/// psql's `canonicalize_path`, lexically: `.` dropped, `dir/..` removed
/// (a leading `..` stays).
fn canonical(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.iter().collect()
}

/// `\o [FILE | |COMMAND | -]`: where query results go from now on.
fn output(s: &mut Session, target: Option<String>, out: &mut dyn Write) -> Outcome {
    let _ = out.flush();
    // The old target is closed first (a pipe's command finishes).
    s.output = None;
    let Some(target) = target.filter(|t| !t.is_empty()) else {
        return Outcome::Ok;
    };
    // psql expands `~` here too (a `|command` does not start with one).
    let target = expand_tilde(&target);
    match OutputTarget::open(&target) {
        Ok(t) => {
            s.output = Some(t);
            Outcome::Ok
        }
        Err(e) => {
            s.client_error(&format!("{target}: {}", crate::io_reason(&e)));
            Outcome::Failed
        }
    }
}

/// `\password [USER]`: ask for a new password twice without echo (never
/// in the history), encrypt it here as the server's `password_encryption`
/// says (SCRAM-SHA-256 or MD5), and send only the encrypted form in
/// `ALTER ROLE`, as psql does: the password itself never reaches the
/// server, its log or the history.
fn password(s: &mut Session, user: Option<&str>) -> Outcome {
    let user = user
        .map(str::to_string)
        .unwrap_or_else(|| s.params.user.clone());
    let first = rpassword::prompt_password(format!("Enter new password for user \"{user}\": "));
    let again = first
        .as_ref()
        .ok()
        .map(|_| rpassword::prompt_password("Enter it again: "));
    let pw = match (first, again) {
        (Ok(a), Some(Ok(b))) if a == b => a,
        (Ok(_), Some(Ok(_))) => {
            s.client_error("Passwords didn't match.");
            return Outcome::Failed;
        }
        (Err(e), _) | (_, Some(Err(e))) => {
            s.client_error(&format!("\\password: could not read password: {e}"));
            return Outcome::Failed;
        }
        (Ok(_), None) => return Outcome::Failed,
    };
    let Some(c) = s.client() else {
        s.client_error("You are currently not connected to a database.");
        return Outcome::ConnectionLost;
    };
    let method = match c.simple_query("show password_encryption") {
        Ok(rows) => rows
            .first()
            .and_then(|r| r.cell(0).map(str::to_string))
            .unwrap_or_default(),
        Err(e) => {
            s.client_error(&crate::db::error_message(&e));
            return Outcome::Failed;
        }
    };
    let verifier = match method.as_str() {
        "md5" => postgres_protocol::password::md5(pw.as_bytes(), &user),
        _ => postgres_protocol::password::scram_sha_256(pw.as_bytes()),
    };
    let sql = c.query_one(
        "select format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
        &[&user, &verifier],
    );
    let r = sql.and_then(|row| c.batch_execute(&row.get::<_, String>(0)));
    match r {
        Ok(()) => Outcome::Ok,
        Err(e) => {
            let m = match e.as_db_error() {
                Some(db) => format!("{}:  {}", db.severity(), db.message()),
                None => e.to_string(),
            };
            s.error(&m);
            Outcome::Failed
        }
    }
}

/// `\! [COMMAND]`: run COMMAND with `sh -c`, or an interactive `$SHELL`.
/// Only a command that cannot run is an error (psql's `\!: failed`).
fn shell(s: &mut Session, command: &str, out: &mut dyn Write) -> Outcome {
    let _ = out.flush();
    let status = if command.is_empty() {
        let sh = std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".into());
        std::process::Command::new(sh).status()
    } else {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .status()
    };
    // Ctrl-C went to the command; it must not stop what runs next.
    crate::db::cancel::take_interrupt();
    match status {
        Ok(st) if st.code() != Some(127) => Outcome::Ok,
        _ => {
            s.client_error("\\!: failed");
            Outcome::Failed
        }
    }
}

/// `\watch`'s interval in seconds: 2 when not given; as psql 15 reads it.
pub fn watch_interval(arg: Option<&str>) -> f64 {
    let Some(a) = arg else {
        return 2.0;
    };
    // psql 15: `strtod` of the argument (its leading number), and 1 s
    // for anything not above 0.
    let t = a.trim_start();
    let v = (1..=t.len())
        .rev()
        .filter(|&i| t.is_char_boundary(i))
        .find_map(|i| t[..i].parse::<f64>().ok())
        .filter(|v| !v.is_nan())
        .unwrap_or(0.0);
    if v <= 0.0 {
        1.0
    } else {
        v.min(1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_splits_into_command_and_rest() {
        assert_eq!(split("\\x"), ("\\x", ""));
        assert_eq!(split("\\a\\t"), ("\\a", "\\t"));
        assert_eq!(split("\\\\ -- x"), ("\\\\", "-- x"));
        assert_eq!(split("\\pset  format csv \n"), ("\\pset", "format csv"));
        assert_eq!(split("\\!ls -l"), ("\\!", "ls -l"));
        assert_eq!(split("\\! echo 'a  b'"), ("\\!", "echo 'a  b'"));
    }

    #[test]
    fn a_trailing_number_is_the_line_to_edit_at() {
        assert_eq!(split_line_number("f 12"), Ok(("f", Some(12))));
        assert_eq!(split_line_number("f(int)3"), Ok(("f(int)", Some(3))));
        assert_eq!(split_line_number("f2"), Ok(("f2", None)));
        assert_eq!(split_line_number("12"), Ok(("12", None)));
        assert_eq!(split_line_number("f"), Ok(("f", None)));
        assert_eq!(split_line_number("f 0"), Err("0".to_string()));
    }

    #[test]
    fn timing_reads_like_psql() {
        assert_eq!(format_timing(0.4521), "Time: 0.452 ms");
        assert_eq!(format_timing(1234.5), "Time: 1234.500 ms (00:01.234)");
        assert_eq!(
            format_timing(3_723_000.0),
            "Time: 3723000.000 ms (01:02:03.000)"
        );
        assert_eq!(
            format_timing(90_061_000.0),
            "Time: 90061000.000 ms (1 d 01:01:01.000)"
        );
    }

    #[test]
    fn watch_intervals() {
        assert_eq!(watch_interval(None), 2.0);
        assert_eq!(watch_interval(Some("0.5")), 0.5);
        assert_eq!(watch_interval(Some("0")), 1.0);
        assert_eq!(watch_interval(Some("x")), 1.0);
        assert_eq!(watch_interval(Some("-1")), 1.0);
        assert_eq!(watch_interval(Some("3s")), 3.0);
    }

    #[test]
    fn ir_is_relative_to_the_running_script() {
        assert_eq!(
            include_path(Some("incl/sub/main.sql"), "../c.sql", true),
            PathBuf::from("incl/c.sql")
        );
        assert_eq!(
            include_path(Some("main.sql"), "./../c.sql", true),
            PathBuf::from("../c.sql")
        );
        assert_eq!(
            include_path(Some("/a/b/main.sql"), "part.sql", true),
            PathBuf::from("/a/b/part.sql")
        );
        assert_eq!(
            include_path(Some("/a/b/main.sql"), "part.sql", false),
            PathBuf::from("part.sql")
        );
        assert_eq!(
            include_path(None, "part.sql", true),
            PathBuf::from("part.sql")
        );
        assert_eq!(
            include_path(Some("<stdin>"), "/x/p.sql", true),
            PathBuf::from("/x/p.sql")
        );
    }

    fn env() -> Environment {
        Environment {
            os_user: "tester".into(),
            ..Environment::default()
        }
    }

    fn params(ci: &str) -> ConnParams {
        ConnParams::resolve(Some(ci), &[], &env()).expect("params")
    }

    #[test]
    fn connect_reuses_what_is_not_given() {
        let old = params("host=/tmp/s port=5433 user=bob dbname=one password=pw");
        let env = env();
        let p = reconnect_params(&old, &["two"], None, &env).expect("two");
        assert_eq!(
            (p.dbname.as_str(), p.user.as_str(), p.ports.as_slice()),
            ("two", "bob", &[5433][..])
        );
        assert_eq!(p.hosts, vec!["/tmp/s".to_string()]);
        assert_eq!(p.password.as_deref(), Some("pw"));
        let p = reconnect_params(&old, &["-", "alice"], None, &env).expect("alice");
        assert_eq!((p.dbname.as_str(), p.user.as_str()), ("one", "alice"));
        assert_eq!(p.password, None, "no password for another user");
    }

    #[test]
    fn a_connection_string_reuses_nothing_by_default() {
        let old = params("host=/tmp/s port=5433 user=bob dbname=one");
        let env = env();
        let p = reconnect_params(&old, &["dbname=two host=/tmp/t"], None, &env).expect("ci");
        assert_eq!(p.dbname, "two");
        assert_eq!(p.hosts, vec!["/tmp/t".to_string()]);
        assert_ne!(p.ports, vec![5433]);
        let p = reconnect_params(&old, &["dbname=two"], Some(true), &env).expect("reuse");
        assert_eq!(
            (p.dbname.as_str(), p.ports.as_slice()),
            ("two", &[5433][..])
        );
    }
}

//! SQL through the structured rules (not the fallback): every statement of
//! the extension scripts the PostgreSQL packages install (split exactly
//! where psql splits them), and hundreds of statements covering what the
//! grammar knows.

use crate::lex::{split, PieceKind};
use crate::parse::{parse_sql, parse_statement, Sql, SqlKind, Statement};

const EXT_DIR: &str = "/usr/share/postgresql/15/extension";

/// The extension scripts, and where psql split them (recorded once with
/// a psql 15 client against a server with `log_statement = all`: the first
/// and the last line of each statement). The text psql sends differs in one
/// way that does not move a boundary: it drops empty lines outside quotes.
const SCRIPTS: &[(&str, &str)] = &[
    ("pgq--3.5.sql", include_str!("psql/pgq--3.5.txt")),
    ("pgq_node--3.5.sql", include_str!("psql/pgq_node--3.5.txt")),
    ("londiste--3.8.sql", include_str!("psql/londiste--3.8.txt")),
];

/// A script's text; `None` (with a message) when the packages are not
/// installed here, a failure in CI.
fn script(name: &str) -> Option<String> {
    let path = format!("{EXT_DIR}/{name}");
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("CI is set and {path} cannot be read ({e}); scripts/setup.sh installs it")
        }
        Err(e) => {
            eprintln!("skipping: {path}: {e} (install postgresql-15-pgq3 and friends)");
            None
        }
    }
}

/// The statements of a script, cut by the lexer.
fn pieces(text: &str) -> Vec<String> {
    split(text.as_bytes())
        .into_iter()
        .filter(|p| p.kind == PieceKind::Sql)
        .map(|p| String::from_utf8_lossy(p.text(text.as_bytes())).into_owned())
        .collect()
}

#[test]
fn extension_scripts_split_where_psql_splits() {
    for (name, recorded) in SCRIPTS {
        let Some(text) = script(name) else { continue };
        let want: Vec<(&str, &str)> = recorded
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .chunks(2)
            .map(|fl| {
                let first = fl[0].strip_prefix("F ").expect("F line");
                let last = fl
                    .get(1)
                    .and_then(|l| l.strip_prefix("L "))
                    .expect("L line");
                (first, last)
            })
            .collect();
        let got = pieces(&text);
        assert_eq!(got.len(), want.len(), "{name}: number of statements");
        for (i, (stmt, want)) in got.iter().zip(&want).enumerate() {
            let first = stmt.lines().next().unwrap_or("").trim_end();
            let last = stmt.lines().last().unwrap_or("").trim_end();
            assert_eq!(
                (first, last),
                *want,
                "{name}: statement {} differs from psql's:\n{stmt}",
                i + 1
            );
        }
    }
}

#[test]
fn extension_scripts_parse_with_the_structured_rules() {
    let mut total = 0;
    for (name, _) in SCRIPTS {
        let Some(text) = script(name) else { continue };
        for stmt in pieces(&text) {
            if let Err(e) = parse_sql(&stmt) {
                panic!("{name}: not structured:\n{stmt}\n{e}");
            }
            total += 1;
        }
    }
    if total > 0 {
        assert_eq!(total, 102 + 63 + 90);
    }
}

#[test]
fn sql_cases_parse_with_the_structured_rules() {
    let cases: Vec<&str> = include_str!("sql_cases.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(cases.len() >= 300, "{}", cases.len());
    let mut failures = Vec::new();
    for stmt in &cases {
        if let Err(e) = parse_sql(stmt) {
            failures.push(format!("{stmt}\n{e}"));
        }
        // The full entry rule agrees: structured SQL, not a command.
        match parse_statement(stmt) {
            Ok(Statement::Sql(Sql {
                structured: true, ..
            })) => {}
            other => failures.push(format!("{stmt}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn statement_kinds() {
    for (stmt, kind) in [
        ("select 1", SqlKind::Select),
        ("with x as (select 1) select * from x", SqlKind::Select),
        ("values (1)", SqlKind::Select),
        ("insert into t values (1)", SqlKind::Insert),
        (
            "with x as (select 1) insert into t select * from x",
            SqlKind::Insert,
        ),
        ("update t set a = 1", SqlKind::Update),
        ("delete from t", SqlKind::Delete),
        ("create table t (a int)", SqlKind::CreateTable),
        ("create index on t (a)", SqlKind::CreateIndex),
        ("create sequence s", SqlKind::CreateSequence),
        ("create view v as select 1", SqlKind::CreateView),
        ("create schema s", SqlKind::CreateSchema),
        (
            "create function f() returns int as $$ select 1 $$ language sql",
            SqlKind::CreateFunction,
        ),
        (
            "create trigger t after insert on t execute function f()",
            SqlKind::CreateTrigger,
        ),
        ("create extension pgq", SqlKind::CreateExtension),
        ("alter table t add a int", SqlKind::AlterTable),
        ("alter extension pgq update", SqlKind::AlterExtension),
        ("drop table t", SqlKind::Drop),
        ("drop function f(int)", SqlKind::DropFunction),
        ("drop trigger t on u", SqlKind::DropTrigger),
        ("truncate t", SqlKind::Truncate),
        ("begin", SqlKind::Transaction),
        ("grant select on t to public", SqlKind::Grant),
        ("revoke select on t from public", SqlKind::Revoke),
        ("copy t to stdout", SqlKind::Copy),
        ("set a = 1", SqlKind::Set),
        ("reset a", SqlKind::Reset),
        ("show a", SqlKind::Show),
        ("vacuum t", SqlKind::Vacuum),
        ("analyze t", SqlKind::Analyze),
        ("explain select 1", SqlKind::Explain),
        ("do $$ $$", SqlKind::Do),
        ("comment on table t is 'x'", SqlKind::Comment),
    ] {
        assert_eq!(parse_sql(stmt), Ok(kind), "{stmt}");
    }
}

#[test]
fn unknown_or_wrong_sql_falls_back_and_is_never_an_error() {
    for stmt in [
        "lock table t in exclusive mode;",
        "notify ch, 'x';",
        "listen ch;",
        "cluster t;",
        "create type mood as enum ('a', 'b');",
        "select from where;",
        "select a b c from t;",
        "insert into t;",
        "update t;",
        "create table;",
        "frobnicate the (nested (parens)) 'and; strings';",
        "select 1 +;",
        "",
        "/* only a comment */;",
    ] {
        match parse_statement(stmt) {
            Ok(Statement::Sql(Sql {
                structured: false,
                kind: SqlKind::Other,
            })) => {}
            other => panic!("{stmt:?}: {other:?}"),
        }
        assert!(parse_sql(stmt).is_err(), "{stmt:?}");
    }
    // Only unbalanced parentheses defeat the fallback (the lexer sends such
    // text at the end of a script; the server reports it).
    assert!(parse_statement("select (1").is_err());
    assert!(parse_statement("select 1)").is_err());
}
